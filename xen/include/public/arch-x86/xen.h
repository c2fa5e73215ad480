/* x86 basics of the guest interface: guest handles, frame numbers, arch parts of shared_info. */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_H
#define XEN_PUBLIC_ARCH_X86_XEN_H

#if defined(__i386__)
#error "these headers describe the 64-bit x86 interface only"
#endif

#include "xen-x86_64.h"

/* Number of vcpu_info slots embedded in shared_info. */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * Guest handles.  A handle carries a guest pointer inside a one-member
 * struct (member "p"), so that code cannot dereference it by mistake; on
 * x86-64 it is 8 bytes wide and 8-byte aligned, the same as the pointer.
 *
 *   XEN_GUEST_HANDLE(name)            the handle type for pointer-to-name
 *   DEFINE_XEN_GUEST_HANDLE(name)     declares it and its const_name twin
 *   XEN_DEFINE_GUEST_HANDLE_AS(n, t)  the same for a type spelled t
 */
#define XEN_GUEST_HANDLE(name)         xen_guest_handle_##name##_t
#define XEN_GUEST_HANDLE_64(name)      XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)   XEN_GUEST_HANDLE(name)
#define XEN_DEFINE_GUEST_HANDLE_AS(name, type)                  \
    typedef struct { type *p; } XEN_GUEST_HANDLE(name);          \
    typedef struct { const type *p; } XEN_GUEST_HANDLE(const_##name)
#define DEFINE_XEN_GUEST_HANDLE(name)  XEN_DEFINE_GUEST_HANDLE_AS(name, name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)     set_xen_guest_handle_raw(hnd, val)

/* Guest frame numbers and the native word, both 64-bit. */
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

/* The x86 tail of struct shared_info (most fields serve PV guests only). */
struct arch_shared_info {
    uint64_t max_pfn;                       /* highest pfn + 1 of the p2m */
    xen_pfn_t pfn_to_mfn_frame_list_list;   /* frame of the p2m frame list */
    uint64_t nmi_reason;
    uint64_t p2m_cr3;                       /* root of a virtually mapped p2m */
    uint64_t p2m_vaddr;                     /* where that p2m is mapped */
    uint64_t p2m_generation;                /* bumped on every p2m update */
};
typedef struct arch_shared_info arch_shared_info_t;

/* x86 part of XEN_DOMCTL_createdomain: what the domain gets emulated. */
#define _XEN_X86_EMU_LAPIC      0
#define XEN_X86_EMU_LAPIC       (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET       1
#define XEN_X86_EMU_HPET        (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM         2
#define XEN_X86_EMU_PM          (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC        3
#define XEN_X86_EMU_RTC         (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC     4
#define XEN_X86_EMU_IOAPIC      (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC        5
#define XEN_X86_EMU_PIC         (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA        6
#define XEN_X86_EMU_VGA         (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU      7
#define XEN_X86_EMU_IOMMU       (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT        8
#define XEN_X86_EMU_PIT         (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ   9
#define XEN_X86_EMU_USE_PIRQ    (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI       10
#define XEN_X86_EMU_VPCI        (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL         0x7ffU      /* every bit above */

/* misc_flags: unknown MSRs read as zero and ignore writes instead of #GP. */
#define XEN_X86_MSR_RELAXED     (1U << 0)
#define XEN_X86_MISC_FLAGS_MAX  XEN_X86_MSR_RELAXED

struct xen_arch_domainconfig {
    uint32_t emulation_flags;   /* XEN_X86_EMU_*; a PVH domain sets only LAPIC */
    uint32_t misc_flags;        /* XEN_X86_MSR_* */
};

#endif /* !__ASSEMBLY__ */

/* I/O port whose writes an HVM guest's debug output goes to. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* XEN_PUBLIC_ARCH_X86_XEN_H */
