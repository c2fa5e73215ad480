/*
 * The CPUID view of an HVM guest: host leaves filtered to what we
 * virtualise, the hypervisor bit, and Xen's leaves at 0x40000000 (Xen
 * public ABI: arch-x86/cpuid.h).  Pure: the host's answers come in as data.
 */
#ifndef ASM_HVM_CPUID_H
#define ASM_HVM_CPUID_H

#include <xen/types.h>

struct cpuid_leaf {
    uint32_t a, b, c, d;
};

struct hvm_cpuid_ctx {
    uint32_t host_max_basic;        /* host CPUID.0:EAX */
    uint32_t host_max_ext;          /* host CPUID.80000000h:EAX */
    uint32_t vcpu_id;
    uint16_t domid;
    /* XSAVE (leaves 1, 7 and 0xD); xcr0_allowed 0: not offered, the rest unused. */
    uint64_t xcr0_allowed;          /* the XCR0 bits a guest may set */
    uint64_t guest_xcr0;            /* its XCR0 now */
    bool guest_osxsave;             /* its CR4.OSXSAVE */
    uint32_t xsave_size;            /* standard area for guest_xcr0 */
    uint32_t xsave_size_max;        /* standard area for xcr0_allowed */
    uint32_t xsave_size_compact;    /* compacted area for guest_xcr0 */
    bool no_rdtscp;                 /* the vendor cannot give RDTSCP/RDPID the guest's TSC_AUX */
};

#define XEN_CPUID_BASE          0x40000000U
#define XEN_CPUID_MAX           (XEN_CPUID_BASE + 5)
#define XEN_HYPERCALL_MSR       0x40000000U
#define XEN_CPUID_VERSION       ((4U << 16) | 17U)      /* we answer as Xen 4.17 */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1U << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT   (1U << 4)

/* The largest basic and extended leaves a guest sees. */
#define HVM_CPUID_MAX_BASIC     0xdU
#define HVM_CPUID_MAX_EXT       0x80000008U

/* Does answering (leaf, subleaf) need the host's own answer? */
bool hvm_cpuid_needs_host(uint32_t leaf);
/*
 * The guest's answer.  host: the host's answer for the same leaf and
 * subleaf (ignored where hvm_cpuid_needs_host() is false).
 */
void hvm_cpuid_policy(uint32_t leaf, uint32_t subleaf, const struct cpuid_leaf *host,
                      const struct hvm_cpuid_ctx *ctx, struct cpuid_leaf *out);

#endif
