/* Core guest interface: hypercall numbers, domain ids, VIRQs, shared_info and vcpu_info. */
#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#include "xen-compat.h"
#include "arch-x86/xen.h"

/*
 * Hypercall numbers (RAX on x86-64; the hypercall page holds one 32-byte
 * stub per number).  Some are PV-only and some are unused by us, but each
 * number is fixed by the ABI.
 */
#define __HYPERVISOR_set_trap_table                  0
#define __HYPERVISOR_mmu_update                      1
#define __HYPERVISOR_set_gdt                         2
#define __HYPERVISOR_stack_switch                    3
#define __HYPERVISOR_set_callbacks                   4
#define __HYPERVISOR_fpu_taskswitch                  5
#define __HYPERVISOR_sched_op_compat                 6
#define __HYPERVISOR_platform_op                     7
#define __HYPERVISOR_set_debugreg                    8
#define __HYPERVISOR_get_debugreg                    9
#define __HYPERVISOR_update_descriptor              10
#define __HYPERVISOR_memory_op                      12
#define __HYPERVISOR_multicall                      13
#define __HYPERVISOR_update_va_mapping              14
#define __HYPERVISOR_set_timer_op                   15
#define __HYPERVISOR_event_channel_op_compat        16
#define __HYPERVISOR_xen_version                    17
#define __HYPERVISOR_console_io                     18
#define __HYPERVISOR_physdev_op_compat              19
#define __HYPERVISOR_grant_table_op                 20
#define __HYPERVISOR_vm_assist                      21
#define __HYPERVISOR_update_va_mapping_otherdomain  22
#define __HYPERVISOR_iret                           23
#define __HYPERVISOR_vcpu_op                        24
#define __HYPERVISOR_set_segment_base               25
#define __HYPERVISOR_mmuext_op                      26
#define __HYPERVISOR_xsm_op                         27
#define __HYPERVISOR_nmi_op                         28
#define __HYPERVISOR_sched_op                       29
#define __HYPERVISOR_callback_op                    30
#define __HYPERVISOR_xenoprof_op                    31
#define __HYPERVISOR_event_channel_op               32
#define __HYPERVISOR_physdev_op                     33
#define __HYPERVISOR_hvm_op                         34
#define __HYPERVISOR_sysctl                         35
#define __HYPERVISOR_domctl                         36
#define __HYPERVISOR_kexec_op                       37
#define __HYPERVISOR_tmem_op                        38
#define __HYPERVISOR_argo_op                        39
#define __HYPERVISOR_xenpmu_op                      40
#define __HYPERVISOR_dm_op                          41
#define __HYPERVISOR_hypfs_op                       42
#define __HYPERVISOR_arch_0                         48
#define __HYPERVISOR_arch_1                         49
#define __HYPERVISOR_arch_2                         50
#define __HYPERVISOR_arch_3                         51
#define __HYPERVISOR_arch_4                         52
#define __HYPERVISOR_arch_5                         53
#define __HYPERVISOR_arch_6                         54
#define __HYPERVISOR_arch_7                         55

/*
 * Virtual interrupts a domain can bind an event channel to
 * (EVTCHNOP_bind_virq).  Per-vCPU: TIMER, DEBUG, XENOPROF, XENPMU; the
 * others are global and go to the domain that asked for them.
 */
#define VIRQ_TIMER          0   /* the vCPU's single-shot or periodic timer fired */
#define VIRQ_DEBUG          1   /* dump debug state */
#define VIRQ_CONSOLE        2   /* hypervisor console input (control domain) */
#define VIRQ_DOM_EXC        3   /* a domain shut down or crashed */
#define VIRQ_TBUF           4   /* trace buffer records ready */
#define VIRQ_DEBUGGER       6   /* a domain paused for its debugger */
#define VIRQ_XENOPROF       7   /* profiling sample ready */
#define VIRQ_CON_RING       8   /* hypervisor log ring has new text */
#define VIRQ_PCPU_STATE     9   /* a physical CPU went on/offline */
#define VIRQ_MEM_EVENT      10  /* memory event for a monitor */
#define VIRQ_ARGO           11  /* Argo message arrived */
#define VIRQ_ENOMEM         12  /* hypervisor heap running low */
#define VIRQ_XENPMU         13  /* performance counter interrupt */
#define VIRQ_ARCH_0         16
#define VIRQ_ARCH_1         17
#define VIRQ_ARCH_2         18
#define VIRQ_ARCH_3         19
#define VIRQ_ARCH_4         20
#define VIRQ_ARCH_5         21
#define VIRQ_ARCH_6         22
#define VIRQ_ARCH_7         23
#define NR_VIRQS            24

/* console_io(cmd, count, buffer): write to / read from the hypervisor console. */
#define CONSOLEIO_write     0
#define CONSOLEIO_read      1

/* vm_assist(cmd, type): switch optional behaviours on or off. */
#define VMASST_CMD_enable                   0
#define VMASST_CMD_disable                  1
#define VMASST_TYPE_4gb_segments            0
#define VMASST_TYPE_4gb_segments_notify     1
#define VMASST_TYPE_writable_pagetables     2
#define VMASST_TYPE_pae_extended_cr3        3
#define VMASST_TYPE_architectural_iopl      4
#define VMASST_TYPE_runstate_update_flag    5   /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict              32

/*
 * Domain ids.  Real domains are numbered below DOMID_FIRST_RESERVED; the
 * values from there up name something other than a concrete domain.
 */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U    /* the calling domain */
#define DOMID_IO             0x7FF1U    /* owner of MMIO and I/O pages */
#define DOMID_XEN            0x7FF2U    /* the hypervisor itself */
#define DOMID_COW            0x7FF3U    /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7FF4U    /* no domain */
#define DOMID_IDLE           0x7FFFU    /* the idle vCPUs */
#define DOMID_MASK           0x7FFFU

/* Bits in vcpu_time_info.flags. */
#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)    /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)    /* guest was paused; watchdogs should relax */

/* hvm_start_info.flags (and the PV start_info flags). */
#define SIF_PRIVILEGED      (1 << 0)    /* may use privileged operations */
#define SIF_INITDOMAIN      (1 << 1)    /* the initial (hardware) domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)
#define SIF_MOD_START_PFN   (1 << 3)
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
#define SIF_PM_MASK         (0xFF << 8)

#ifndef __ASSEMBLY__

#include <stdint.h>

typedef uint16_t domid_t;

/* The 16-byte domain handle (a UUID chosen by the toolstack). */
typedef uint8_t xen_domain_handle_t[16];

XEN_DEFINE_GUEST_HANDLE_AS(char, char);
XEN_DEFINE_GUEST_HANDLE_AS(uchar, unsigned char);
XEN_DEFINE_GUEST_HANDLE_AS(int, int);
XEN_DEFINE_GUEST_HANDLE_AS(uint, unsigned int);
XEN_DEFINE_GUEST_HANDLE_AS(void, void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
XEN_DEFINE_GUEST_HANDLE_AS(uint8, uint8_t);
XEN_DEFINE_GUEST_HANDLE_AS(uint16, uint16_t);
XEN_DEFINE_GUEST_HANDLE_AS(uint32, uint32_t);
XEN_DEFINE_GUEST_HANDLE_AS(uint64, uint64_t);

/*
 * Time base of one vCPU, 32 bytes.  The hypervisor makes version odd,
 * updates the other fields, then makes it even again; a reader retries
 * while version is odd or changed under it.  Guest time in ns is
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * where a negative tsc_shift shifts right.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC when system_time was sampled */
    uint64_t system_time;       /* ns since the domain's time base */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
    int8_t tsc_shift;
    uint8_t flags;              /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/*
 * Per-vCPU event and time state, 64 bytes.  upcall_pending is set by the
 * hypervisor when an unmasked event is pending for this vCPU;
 * evtchn_pending_sel has one bit per 64-port word of
 * shared_info.evtchn_pending that may hold pending ports.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;     /* PV only: non-zero blocks upcalls */
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared info page (XENMAPSPACE_shared_info).  The 2-level event
 * channel bitmaps cover 64 * 64 = 4096 ports; bit n of word w is port
 * 64 * w + n.  Wall clock = wc_sec_hi:wc_sec seconds + wc_nsec since the
 * epoch at system time 0, under the wc_version counter (same protocol as
 * vcpu_time_info.version).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64];
    xen_ulong_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/* A bitmap passed to domctl/sysctl (CPU and node masks), nr_bits long. */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_XEN_H */
