/*
 * The hypercall page (the guest writes its address to the MSR named by
 * Xen leaf base+2; each hypercall is a 32-byte stub at number x 32), and
 * the event channel, vcpu_op, sched_op and shared_info layouts of Xen
 * 4.17's public headers that the event tests use.  Direct VMCALL/VMMCALL
 * wrappers are in xencall.h.
 */
#ifndef STUBDOM_HYPERCALL_H
#define STUBDOM_HYPERCALL_H

#include "xencall.h"

#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32

#define XEN_ETIME 62
#define XEN_ENOSPC 28

/* event_channel.h */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5
#define VIRQ_TIMER 0
#define VIRQ_DEBUG 1
#define VIRQ_CONSOLE 2
#define NR_VIRQS 24

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;
    uint32_t port;
};
struct evtchn_bind_interdomain {
    uint16_t remote_dom;
    uint32_t remote_port, local_port;
};
struct evtchn_bind_virq {
    uint32_t virq, vcpu, port;
};
struct evtchn_bind_pirq {
    uint32_t pirq, flags, port;
};
struct evtchn_bind_ipi {
    uint32_t vcpu, port;
};
struct evtchn_port_arg { /* close, send, unmask */
    uint32_t port;
};
struct evtchn_status {
    uint16_t dom;
    uint32_t port, status, vcpu;
    union {
        struct {
            uint16_t dom;
        } unbound;
        struct {
            uint16_t dom;
            uint32_t port;
        } interdomain;
        uint32_t virq;
    } u;
};
struct evtchn_bind_vcpu {
    uint32_t port, vcpu;
};
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset, vcpu;
    uint8_t link_bits, pad[7];
};

/* vcpu.h */
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
#define VCPUOP_get_physid 12
#define VCPU_SSHOTTMR_future 1
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3
struct vcpu_runstate_info {
    int32_t state;
    uint64_t state_entry_time;
    uint64_t time[4];
};
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset, rsvd;
};

/* sched.h */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
struct sched_poll {
    uint64_t ports; /* guest handle */
    uint32_t nr_ports;
    uint64_t timeout;
};
struct sched_remote_shutdown {
    uint16_t domain_id;
    uint32_t reason;
};

/* xen.h: shared_info and vcpu_info (x86-64). */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ULL
struct vcpu_time_info {
    uint32_t version, pad0;
    uint64_t tsc_timestamp, system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags, pad1[2];
};
struct vcpu_info {
    uint8_t evtchn_upcall_pending, evtchn_upcall_mask;
    uint64_t evtchn_pending_sel;
    uint64_t arch_cr2, arch_pad;
    struct vcpu_time_info time;
};
struct shared_info {
    struct vcpu_info vcpu_info[32];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
};

_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status layout");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control layout");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate layout");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll layout");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info layout");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "shared_info");

/*
 * Write the hypercall page's address to the MSR of Xen leaf base+2;
 * returns 0, or -1 if there is no such leaf or the page stays empty.
 */
int hypercall_page_init(void);
/* A hypercall through the page's stub (hypercall_page_init() first). */
long hypercall_page_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3);

/* Guest system time from a vcpu_time_info (pvclock), ns. */
uint64_t pvclock_ns(volatile struct vcpu_time_info *t);

#endif
