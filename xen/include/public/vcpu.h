/* vcpu_op hypercall: vCPU state, runstate, timers and the placement of vcpu_info. */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include "xen.h"

/* vcpu_op(cmd, vcpuid, arg) sub-operations. */
#define VCPUOP_initialise                       0
#define VCPUOP_up                               1
#define VCPUOP_down                             2
#define VCPUOP_is_up                            3
#define VCPUOP_get_runstate_info                4   /* struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area    5   /* struct vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer               6   /* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer              7   /* no argument */
#define VCPUOP_set_singleshot_timer             8   /* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer            9   /* no argument */
#define VCPUOP_register_vcpu_info               10  /* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                         11  /* no argument */
#define VCPUOP_get_physid                       12  /* struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area   13  /* struct vcpu_register_time_memory_area */

/* vcpu_runstate_info.state */
#define RUNSTATE_running    0   /* on a physical CPU */
#define RUNSTATE_runnable   1   /* ready, waiting for a physical CPU */
#define RUNSTATE_blocked    2   /* waiting for an event */
#define RUNSTATE_offline    3   /* down, or paused by the toolstack */

/*
 * Set in state_entry_time (with VMASST_TYPE_runstate_update_flag) while
 * the hypervisor rewrites a registered runstate area.
 */
#define XEN_RUNSTATE_UPDATE (1UL << 63)

/* vcpu_set_singleshot_timer.flags: fail with -ETIME if already in the past. */
#define _VCPU_SSHOTTMR_future   0
#define VCPU_SSHOTTMR_future    (1U << _VCPU_SSHOTTMR_future)

/* What a vcpu_get_physid result holds. */
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

#ifndef __ASSEMBLY__

/* Time a vCPU spent in each RUNSTATE_*, in ns; 48 bytes. */
struct vcpu_runstate_info {
    int32_t state;              /* RUNSTATE_* now */
    uint64_t state_entry_time;  /* system time when it was entered */
    uint64_t time[4];           /* total per state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

/*
 * A guest-virtual address the hypervisor keeps up to date with this
 * vCPU's runstate (the area may cross a page boundary).
 */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* Fire VIRQ_TIMER once at an absolute system time. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;             /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Move this vCPU's vcpu_info to guest frame mfn at byte offset. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* Physical CPU identity: APIC id in bits 0-31, ACPI id in bits 32-63. */
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);

DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);

/* A second copy of vcpu_time_info, kept up to date at a guest-virtual address. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_VCPU_H */
