/* event_channel_op hypercall: binding, sending and querying event channels. */
#ifndef XEN_PUBLIC_EVENT_CHANNEL_H
#define XEN_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain   0   /* struct evtchn_bind_interdomain */
#define EVTCHNOP_bind_virq          1   /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq          2   /* struct evtchn_bind_pirq */
#define EVTCHNOP_close              3   /* struct evtchn_close */
#define EVTCHNOP_send               4   /* struct evtchn_send */
#define EVTCHNOP_status             5   /* struct evtchn_status */
#define EVTCHNOP_alloc_unbound      6   /* struct evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi           7   /* struct evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu          8   /* struct evtchn_bind_vcpu */
#define EVTCHNOP_unmask             9   /* struct evtchn_unmask */
#define EVTCHNOP_reset              10  /* struct evtchn_reset */
#define EVTCHNOP_init_control       11  /* struct evtchn_init_control (FIFO ABI) */
#define EVTCHNOP_expand_array       12  /* struct evtchn_expand_array (FIFO ABI) */
#define EVTCHNOP_set_priority       13  /* struct evtchn_set_priority (FIFO ABI) */

/* evtchn_bind_pirq.flags */
#define BIND_PIRQ__WILL_SHARE       1

/* evtchn_status.status */
#define EVTCHNSTAT_closed           0   /* free */
#define EVTCHNSTAT_unbound          1   /* waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain      2   /* connected to a remote port */
#define EVTCHNSTAT_pirq             3   /* bound to a physical IRQ */
#define EVTCHNSTAT_virq             4   /* bound to a VIRQ */
#define EVTCHNSTAT_ipi              5   /* bound as an IPI */

/* Ports of the 2-level ABI: 64 words of 64 bits on x86-64. */
#define EVTCHN_2L_NR_CHANNELS       (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Allocate a port in dom that remote_dom may bind to. */
struct evtchn_alloc_unbound {
    domid_t dom;
    domid_t remote_dom;
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to an unbound port of remote_dom. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;   /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
    uint32_t virq;              /* VIRQ_* */
    uint32_t vcpu;
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;             /* BIND_PIRQ__* */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port that notifies vcpu of the same domain. */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

/* What port of dom is bound to. */
struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/* Notify vcpu instead of the port's current vCPU. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear the mask bit and deliver the event if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* Switch to the FIFO ABI with vcpu's control block at control_gfn + offset. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;          /* OUT */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

struct evtchn_expand_array {
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_EVENT_CHANNEL_H */
