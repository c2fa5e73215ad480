/*
 * cpuid: the CPUID view a PVH Linux guest relies on.  The hypervisor bit
 * and a real vendor string, the features Linux's verify_cpu insists on,
 * the Xen leaves (found as Linux finds them) and their consistency, and
 * what leaves beyond each maximum return.
 */
#include "guest.h"

const char test_name[] = "cpuid";

#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID_EXT1_EDX_LM (1u << 29)
/* verify_cpu: FPU PSE MSR PAE CX8 PGE CMOV FXSR SSE SSE2 in CPUID.1:EDX. */
#define LINUX_REQUIRED_EDX                                                                         \
    ((1u << 0) | (1u << 3) | (1u << 5) | (1u << 6) | (1u << 8) | (1u << 13) | (1u << 15) |         \
     (1u << 24) | (1u << 25) | (1u << 26))

#define XEN_HYPERCALL_MSR 0x40000000u
/* Xen public ABI arch-x86/cpuid.h: HVM feature bits of leaf base+4. */
#define XEN_HVM_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_X2APIC_VIRT (1u << 1)
#define XEN_HVM_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_DOMID_PRESENT (1u << 4)
#define XEN_HVM_KNOWN_BITS 0x7fu

static bool regs_zero(struct cpuid_regs r)
{
    return !r.eax && !r.ebx && !r.ecx && !r.edx;
}

static bool regs_equal(struct cpuid_regs a, struct cpuid_regs b)
{
    return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static void show(const char *what, uint32_t leaf, struct cpuid_regs r)
{
    info("%-10s leaf %#010x: eax=%08x ebx=%08x ecx=%08x edx=%08x", what, leaf, r.eax, r.ebx, r.ecx,
         r.edx);
}

static void check_basics(void)
{
    struct cpuid_regs l1 = cpuid(1);
    uint32_t ext_edx = cpu.max_ext_leaf >= 0x80000001u ? cpuid(0x80000001u).edx : 0;
    uint32_t missing = LINUX_REQUIRED_EDX & ~l1.edx;

    show("basic", 1, l1);
    check(cpu.vendor_id != VENDOR_OTHER, "vendor", "\"%s\", max basic leaf %#x, max extended %#x",
          cpu.vendor, cpu.max_leaf, cpu.max_ext_leaf);
    check(l1.ecx & CPUID1_ECX_HYPERVISOR, "hypervisor_bit", "CPUID.1:ECX[31] = %u",
          (l1.ecx >> 31) & 1);
    check(!missing && (ext_edx & CPUID_EXT1_EDX_LM), "linux_features",
          "CPUID.1:EDX missing %#x (of FPU PSE MSR PAE CX8 PGE CMOV FXSR SSE SSE2), LM %s", missing,
          ext_edx & CPUID_EXT1_EDX_LM ? "present" : "MISSING");
    if (cpu.max_ext_leaf >= 0x80000004u) {
        char brand[49];
        uint32_t i;

        for (i = 0; i < 3; i++) {
            struct cpuid_regs r = cpuid(0x80000002u + i);

            memcpy(brand + 16 * i, &r, 16);
        }
        brand[48] = '\0';
        info("brand \"%s\"", brand);
    }
}

/*
 * Leaves above a maximum.  Xen's policy returns zeros for them whatever the
 * vendor, so on Xen that is required.  Elsewhere either architectural
 * answer passes: zeros (AMD) or the highest basic leaf's data (Intel; QEMU
 * TCG does this for every vendor).
 */
static void check_beyond_max(const char *name, uint32_t leaf)
{
    struct cpuid_regs r = cpuid(leaf);
    struct cpuid_regs top = cpuid(cpu.max_leaf);
    bool ok = regs_zero(r) || (!cpu.xen_base && regs_equal(r, top));

    show(name, leaf, r);
    check(ok, name, "leaf %#x above the maximum returns %s%s", leaf,
          regs_zero(r)         ? "zeros"
          : regs_equal(r, top) ? "the highest basic leaf"
                               : "other data",
          cpu.xen_base ? " (Xen policy: zeros)" : "");
}

static void check_xen_leaves(uint32_t base)
{
    struct cpuid_regs r0 = cpuid(base), r1, r2, r4;
    uint32_t max = r0.eax;

    show("xen base", base, r0);
    check(max >= base + 4 && max < base + 0x100, "xen_max_leaf",
          "base %#x reports max leaf %#x (Xen: base+5; Linux reads base+4 unchecked)", base, max);

    r1 = cpuid(base + 1);
    show("xen+1", base + 1, r1);
    check(r1.eax >> 16 && !r1.ebx && !r1.ecx && !r1.edx, "xen_version",
          "version %u.%u, reserved registers %s", r1.eax >> 16, r1.eax & 0xffff,
          r1.ebx || r1.ecx || r1.edx ? "NOT zero" : "zero");

    r2 = cpuid(base + 2);
    show("xen+2", base + 2, r2);
    check(r2.eax == 1 && r2.ebx == XEN_HYPERCALL_MSR, "xen_hypercall_page",
          "%u hypercall page(s), MSR %#x (want 1, %#x)", r2.eax, r2.ebx, XEN_HYPERCALL_MSR);

    if (max >= base + 3) {
        struct cpuid_regs t = cpuid_count(base + 3, 0);

        show("xen+3.0", base + 3, t);
        info("TSC: flags %#x mode %u, %u kHz, incarnation %u", t.eax, t.ebx, t.ecx, t.edx);
    }

    r4 = cpuid_count(base + 4, 0);
    show("xen+4", base + 4, r4);
    {
        struct cpuid_regs l1 = cpuid(1);
        bool apic_ok = !(r4.eax & XEN_HVM_APIC_ACCESS_VIRT) || (l1.edx & CPUID1_EDX_APIC);
        bool x2apic_ok = !(r4.eax & XEN_HVM_X2APIC_VIRT) || (l1.ecx & CPUID1_ECX_X2APIC);
        /* The boot vCPU is 0; without the flag EBX is reserved (0) anyway. */
        bool vcpu_ok = r4.ebx == 0;
        bool domid_ok = (r4.eax & XEN_HVM_DOMID_PRESENT) || !r4.ecx;

        check(!(r4.eax & ~XEN_HVM_KNOWN_BITS) && apic_ok && x2apic_ok && vcpu_ok && domid_ok,
              "xen_hvm_features",
              "features %#x (unknown bits %#x), APIC %s, x2APIC %s, vcpu id %u%s, domid %u%s",
              r4.eax, r4.eax & ~XEN_HVM_KNOWN_BITS, apic_ok ? "consistent" : "INCONSISTENT",
              x2apic_ok ? "consistent" : "INCONSISTENT", r4.ebx,
              r4.eax & XEN_HVM_VCPU_ID_PRESENT ? "" : " (not present)", r4.ecx,
              r4.eax & XEN_HVM_DOMID_PRESENT ? "" : " (not present)");
    }
    if (max >= base + 5)
        show("xen+5", base + 5, cpuid(base + 5));

    if (max + 1 < base + 0x100) {
        struct cpuid_regs past = cpuid(max + 1);

        show("xen past", max + 1, past);
        check(regs_zero(past), "xen_beyond_max", "leaf %#x past the Xen maximum returns %s",
              max + 1, regs_zero(past) ? "zeros" : "data");
    }
}

void test_main(void)
{
    check_basics();
    check_beyond_max("basic_beyond_max", cpu.max_leaf + 1);
    check_beyond_max("ext_beyond_max", cpu.max_ext_leaf + 1);

    if (!check(cpu.xen_base != 0, "xen_signature",
               cpu.xen_base ? "XenVMMXenVMM at %#x"
                            : "not running on Xen: no XenVMMXenVMM in "
                              "0x40000000-0x4000ff00 (base %#x)",
               cpu.xen_base))
        return;
    check_xen_leaves(cpu.xen_base);
}
