/*
 * Event channels (Xen's 2-level ABI), virtual IRQs and the upcall that
 * tells a vCPU it has events pending.  Implementation: common/event_channel.c.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/types.h>

struct domain;
struct vcpu;

/* Per-domain set-up at creation / teardown at destruction (all ports closed). */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/* Per-vCPU (timers for VIRQ_TIMER, vcpu_info defaults). */
int evtchn_vcpu_init(struct vcpu *v);
void evtchn_vcpu_destroy(struct vcpu *v);

/* Raise a virtual IRQ (VIRQ_* of public/xen.h) on one vCPU / on the domain's bound vCPU. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

/*
 * A port whose other end is the hypervisor itself (console ring, static
 * services): returns the port, or -errno.  `notify` runs (on the sending
 * vCPU's CPU, in its context) when the guest sends on it.
 */
typedef void evtchn_xen_notify_fn(struct domain *d, unsigned int port);
int evtchn_alloc_xen_port(struct domain *d, evtchn_xen_notify_fn *notify);
/* Mark a port pending and kick its vCPU (what EVTCHNOP_send does from the other end). */
int evtchn_send_port(struct domain *d, unsigned int port);

/*
 * Hyperlaunch static event channels: an interdomain channel between
 * (a, port_a) and (b, port_b), both ports chosen by the configuration.
 * 0, -EINVAL (bad port), -EEXIST (port in use).
 */
int evtchn_bind_static(struct domain *a, unsigned int port_a, struct domain *b,
                       unsigned int port_b);

/*
 * Upcall delivery, asked by the vCPU entry path before each VM entry:
 * the vector to inject now for the domain-wide callback
 * (HVM_PARAM_CALLBACK_IRQ of type vector) if v has an upcall pending and
 * none is in flight, else -1.  Per-vCPU upcall vectors
 * (HVMOP_set_evtchn_upcall_vector) go through the vLAPIC instead.
 */
int evtchn_upcall_vector(struct vcpu *v);
/* HVM_PARAM_CALLBACK_IRQ was set: 0 or -EINVAL (only the vector type is supported). */
int evtchn_set_callback_param(struct domain *d, uint64_t val);

/*
 * The domain's shared_info page (allocated by evtchn_domain_init) is put
 * at guest frame gfn (XENMEM_add_to_physmap, XENMAPSPACE_shared_info),
 * replacing what was there; moving it again unmaps the old place.
 */
int evtchn_map_shared_info(struct domain *d, uint64_t gfn);
/* HVMOP_set_evtchn_upcall_vector: v's upcalls arrive as this LAPIC vector (16..255). */
int evtchn_set_upcall_vector(struct vcpu *v, uint8_t vector);

/*
 * Called by the vCPU run loop before each VM entry (interrupts on): brings
 * v's pvclock and runstate area up to date when it was scheduled in, moved
 * to another pCPU or registered them.  Two compares when nothing changed.
 */
void evtchn_vcpu_enter(struct vcpu *v);

#endif
