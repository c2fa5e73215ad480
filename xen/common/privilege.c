/*
 * Who may do what through hypercalls: a domain with the CONTROL
 * capability is privileged (Xen's control domain, XSM's dummy policy);
 * others may act only on themselves.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/bootdomain.h>
#include <xen/hypercall.h>
#include <xen/memory.h>

bool hypercall_is_privileged(const struct vcpu *v)
{
    return v->domain->capabilities & BOOT_CAP_CONTROL;
}

struct domain *hypercall_target_domain(struct vcpu *v, unsigned int domid, int *err)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == v->domain->domain_id)
        return v->domain;
    /* Other reserved ids (DOMID_IO, DOMID_XEN ...) name no domain a guest may touch here. */
    d = domid < DOMID_FIRST_RESERVED ? domain_find((domid_t)domid) : NULL;
    if (!d) {
        *err = -ESRCH;
        return NULL;
    }
    if (!hypercall_is_privileged(v)) {
        *err = -EPERM;
        return NULL;
    }
    return d;
}
