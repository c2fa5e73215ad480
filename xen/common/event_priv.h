/*
 * Event channel internals shared by event_channel.c, vcpu_op.c,
 * sched_op.c and guest_time.c: the per-domain port table and the
 * per-vCPU upcall, time and timer state behind d->evtchn and v->evtchn.
 */
#ifndef COMMON_EVENT_PRIV_H
#define COMMON_EVENT_PRIV_H

#include <xen/types.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/event.h>
#include <xen/evtchn_2l.h>
#include <xen/domain.h>
#include <public/xen.h>

/* Port states: the EVTCHNSTAT_* values, plus a port whose other end is the hypervisor. */
#define ECS_FREE        0   /* EVTCHNSTAT_closed */
#define ECS_UNBOUND     1
#define ECS_INTERDOMAIN 2
#define ECS_PIRQ        3   /* never used: no physical IRQs are delegated */
#define ECS_VIRQ        4
#define ECS_IPI         5
#define ECS_XEN         6   /* reported as interdomain with DOMID_XEN */

struct evtchn_port {
    uint32_t notify_vcpu;           /* vCPU whose selector and upcall it raises */
    uint16_t remote_domid;          /* UNBOUND: who may bind; INTERDOMAIN: the peer */
    uint16_t virq;                  /* VIRQ */
    uint32_t remote_port;           /* INTERDOMAIN */
    struct domain *remote;          /* INTERDOMAIN: valid while both locks allow */
    evtchn_xen_notify_fn *notify;   /* XEN: runs when the guest sends */
};

#define EVTCHN_BUCKET_PORTS 128u
#define EVTCHN_NR_BUCKETS   (EVTCHN_2L_PORTS / EVTCHN_BUCKET_PORTS)
BUILD_BUG_ON(sizeof(struct evtchn_port) * EVTCHN_BUCKET_PORTS > 4096);

struct evtchn_domain {
    /*
     * Guards the port table.  Taken with interrupts off: timers and the
     * console raise events.  Two domains' locks: lower domain id first.
     */
    spinlock_t lock;
    bool dead;                      /* torn down: no new bindings */
    uint8_t state[EVTCHN_2L_PORTS]; /* ECS_* by port */
    struct evtchn_port *bucket[EVTCHN_NR_BUCKETS];  /* allocated on first use */

    struct shared_info *shared;     /* xenheap page */
    uint64_t shared_gfn;            /* where the guest sees it; ~0: not mapped */

    uint8_t callback_vector;        /* HVM_PARAM_CALLBACK_IRQ vector; 0: none */
    uint64_t poll_mask[4];          /* vCPUs in SCHEDOP_poll (up to 256) */
    int32_t shutdown_code;          /* SCHEDOP_shutdown_code; -1: none */
};
BUILD_BUG_ON(HVM_MAX_VCPUS > 256);

struct evtchn_vcpu {
    struct vcpu_info *vi;           /* in shared_info or a guest page; NULL: none */
    bool vi_registered;             /* moved by VCPUOP_register_vcpu_info */
    uint8_t upcall_vector;          /* HVMOP_set_evtchn_upcall_vector; 0: none */
    uint16_t virq_port[NR_VIRQS];   /* bound VIRQs of this vCPU (0: none) */
    uint32_t poll_port;             /* SCHEDOP_poll on exactly one port, else 0 */

    struct timer singleshot_timer;  /* VIRQ_TIMER */
    struct timer periodic_timer;    /* VIRQ_TIMER */
    struct timer poll_timer;        /* ends a SCHEDOP_poll with a timeout */
    s_time_t periodic_period;

    /* What evtchn_vcpu_enter() last published (cheap "did anything change"). */
    bool timers_live;               /* initialised and not yet killed */
    bool has_run;                   /* entered the guest at least once (VCPUOP_up) */
    bool time_dirty;
    unsigned int time_cpu;
    s_time_t runstate_seen;         /* runstate.state_entry_time last published */
    uint64_t runstate_gva;          /* VCPUOP_register_runstate_memory_area; 0: none */
    uint64_t time_gva;              /* VCPUOP_register_vcpu_time_memory_area; 0: none */
};

/* event_channel.c: the port table, for event_channel_op.c */
struct vcpu *evtchn_vcpu_of(struct domain *d, unsigned int vcpu_id);
struct evtchn_port *evtchn_port_of(struct evtchn_domain *ed, unsigned int port);
bool evtchn_port_is_bound(struct evtchn_domain *ed, unsigned int port);
/* The lowest free port, claimed in `state`: the port number or -ENOSPC / -ENOMEM. */
int evtchn_port_alloc(struct evtchn_domain *ed, uint8_t state, struct evtchn_port **out);
bool evtchn_virq_is_global(unsigned int virq);
/* Both domains' locks in order (one if a == b). */
void evtchn_lock_two(struct domain *a, struct domain *b);
void evtchn_unlock_two(struct domain *a, struct domain *b);
/* Domain id (DOMID_SELF: ld) locked together with ld, or NULL if it does not exist. */
struct domain *evtchn_lock_with_remote(struct domain *ld, domid_t id);
/* Held around every creation or removal of an interdomain binding. */
void evtchn_link_lock(void);
void evtchn_link_unlock(void);
void evtchn_set_pending(struct domain *d, unsigned int port);
int evtchn_send_locked(struct domain *ld, unsigned int port, evtchn_xen_notify_fn **xen_fn);
int evtchn_close_port(struct domain *d, unsigned int port, bool guest);
/* Tell v it has an upcall (the vLAPIC vector, or a kick for the callback vector). */
void evtchn_notify_vcpu(struct vcpu *v);
bool evtchn_port_is_pending(struct domain *d, unsigned int port);

/* event_dump.c: debug key 'e' (registered with the first domain) */
void evtchn_dump_register(void);

/* guest_time.c */
void guest_time_domain_init(struct domain *d);
void guest_time_vcpu_init(struct vcpu *v);
void guest_time_vcpu_destroy(struct vcpu *v);
void guest_time_publish(struct vcpu *v);
void guest_time_poll_timeout(struct vcpu *v, s_time_t deadline);
/* Guest system time (what pvclock shows) and a guest deadline as a NOW() time. */
s_time_t guest_time_now(void);
s_time_t guest_time_to_host(s_time_t guest_deadline);
struct vcpu_runstate_info;
void guest_runstate_get(struct vcpu *v, struct vcpu_runstate_info *ri);

#endif
