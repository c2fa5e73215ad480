/* hvm_op hypercall: HVM parameters, the event upcall vector and related calls. */
#ifndef XEN_PUBLIC_HVM_HVM_OP_H
#define XEN_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"
#include "../event_channel.h"

#define HVMOP_set_param                 0   /* struct xen_hvm_param */
#define HVMOP_get_param                 1   /* struct xen_hvm_param */
#define HVMOP_flush_tlbs                5   /* no argument */
#define HVMOP_pagetable_dying           9   /* struct xen_hvm_pagetable_dying */
#define HVMOP_get_time                  10  /* struct xen_hvm_get_time */
#define HVMOP_get_mem_type              15
#define HVMOP_set_evtchn_upcall_vector  23  /* struct xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event    24
#define HVMOP_altp2m                    25

#ifndef __ASSEMBLY__

/* Read or write parameter index (HVM_PARAM_*) of domid. */
struct xen_hvm_param {
    domid_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

/* The guest is about to free the page table rooted at gpa (a shadow hint). */
struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_pagetable_dying_t);

struct xen_hvm_get_time {
    uint64_t now;               /* OUT: system time in ns */
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_time_t);

/*
 * Deliver vcpu's event upcalls by injecting IDT vector (>= 0x10), without
 * the local APIC's IRR/ISR and without an EOI.
 */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_HVM_HVM_OP_H */
