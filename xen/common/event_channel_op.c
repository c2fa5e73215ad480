/*
 * event_channel_op: the guest's side of event channels (binding, sending,
 * closing, status, unmask, reset), each with Xen's error codes, on top of
 * the port table of event_channel.c.  The FIFO ABI is refused so that
 * guests use the 2-level one.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/hypercall.h>
#include <public/event_channel.h>
#include "event_priv.h"

static long op_alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct domain *ld = v->domain, *d;
    struct evtchn_alloc_unbound a;
    struct evtchn_port *p;
    int port;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -EFAULT;
    if (a.dom != DOMID_SELF && a.dom != ld->domain_id && !hypercall_is_privileged(v))
        return -EPERM;
    d = evtchn_lock_with_remote(ld, a.dom);
    if (!d)
        return -ESRCH;
    port = evtchn_port_alloc(d->evtchn, ECS_UNBOUND, &p);
    if (port >= 0)
        p->remote_domid = a.remote_dom == DOMID_SELF ? ld->domain_id : a.remote_dom;
    evtchn_unlock_two(ld, d);
    if (port < 0)
        return port;
    a.port = (evtchn_port_t)port;
    return copy_to_guest(v, arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long op_bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct domain *ld = v->domain, *rd;
    struct evtchn_bind_interdomain b;
    struct evtchn_port *lp, *rp;
    int port = -EINVAL;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -EFAULT;
    evtchn_link_lock();
    rd = evtchn_lock_with_remote(ld, b.remote_dom);
    if (!rd) {
        evtchn_link_unlock();
        return -ESRCH;
    }
    if (!evtchn_port_is_bound(rd->evtchn, b.remote_port) ||
        rd->evtchn->state[b.remote_port] != ECS_UNBOUND)
        goto out;
    rp = evtchn_port_of(rd->evtchn, b.remote_port);
    if (rp->remote_domid != ld->domain_id)
        goto out;
    port = evtchn_port_alloc(ld->evtchn, ECS_INTERDOMAIN, &lp);
    if (port < 0)
        goto out;
    lp->remote = rd;
    lp->remote_domid = rd->domain_id;
    lp->remote_port = b.remote_port;
    rd->evtchn->state[b.remote_port] = ECS_INTERDOMAIN;
    rp->remote = ld;
    rp->remote_port = (uint32_t)port;
    /* Sends on the unbound end went nowhere: start with one event so none is missed. */
    evtchn_set_pending(ld, (unsigned int)port);
out:
    evtchn_unlock_two(ld, rd);
    evtchn_link_unlock();
    if (port < 0)
        return port;
    b.local_port = (evtchn_port_t)port;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_virq(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_virq b;
    struct evtchn_port *p;
    struct vcpu *target;
    int port;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -EFAULT;
    if (b.virq >= NR_VIRQS || (evtchn_virq_is_global(b.virq) && b.vcpu != 0))
        return -EINVAL;
    target = evtchn_vcpu_of(d, b.vcpu);
    if (!target)
        return -ENOENT;
    spin_lock(&d->evtchn->lock);
    if (target->evtchn->virq_port[b.virq]) {
        port = -EEXIST;
    } else {
        port = evtchn_port_alloc(d->evtchn, ECS_VIRQ, &p);
        if (port >= 0) {
            p->notify_vcpu = b.vcpu;
            p->virq = (uint16_t)b.virq;
            target->evtchn->virq_port[b.virq] = (uint16_t)port;
        }
    }
    spin_unlock(&d->evtchn->lock);
    if (port < 0)
        return port;
    b.port = (evtchn_port_t)port;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_ipi b;
    struct evtchn_port *p;
    int port;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -EFAULT;
    if (!evtchn_vcpu_of(d, b.vcpu))
        return -ENOENT;
    spin_lock(&d->evtchn->lock);
    port = evtchn_port_alloc(d->evtchn, ECS_IPI, &p);
    if (port >= 0)
        p->notify_vcpu = b.vcpu;
    spin_unlock(&d->evtchn->lock);
    if (port < 0)
        return port;
    b.port = (evtchn_port_t)port;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_pirq(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_pirq b;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -EFAULT;
    /* No physical IRQ is delegated to any domain. */
    return -EPERM;
}

static long op_close(struct vcpu *v, uint64_t arg)
{
    struct evtchn_close c;

    if (copy_from_guest(v, &c, arg, sizeof(c)))
        return -EFAULT;
    return evtchn_close_port(v->domain, c.port, true);
}

static long op_send(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    evtchn_xen_notify_fn *xen_fn = NULL;
    struct evtchn_send s;
    int rc;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    spin_lock(&d->evtchn->lock);
    rc = evtchn_send_locked(d, s.port, &xen_fn);
    spin_unlock(&d->evtchn->lock);
    /* Without our lock: the service may raise events on this domain itself. */
    if (xen_fn)
        xen_fn(d, s.port);
    return rc;
}

static void status_fill(struct domain *d, struct evtchn_status *st)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_port *p = evtchn_port_of(ed, st->port);

    st->status = ed->state[st->port] == ECS_XEN ? EVTCHNSTAT_interdomain : ed->state[st->port];
    if (st->status == EVTCHNSTAT_closed)
        return;
    st->vcpu = p->notify_vcpu;
    switch (ed->state[st->port]) {
    case ECS_UNBOUND:
        st->u.unbound.dom = p->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->u.interdomain.dom = p->remote_domid;
        st->u.interdomain.port = p->remote_port;
        break;
    case ECS_XEN:
        st->u.interdomain.dom = DOMID_XEN;
        break;
    case ECS_VIRQ:
        st->u.virq = p->virq;
        break;
    default:
        break;
    }
}

static long op_status(struct vcpu *v, uint64_t arg)
{
    struct domain *ld = v->domain, *d;
    struct evtchn_status in, st;

    if (copy_from_guest(v, &in, arg, sizeof(in)))
        return -EFAULT;
    if (in.dom != DOMID_SELF && in.dom != ld->domain_id && !hypercall_is_privileged(v))
        return -EPERM;
    if (in.port >= EVTCHN_2L_PORTS)
        return -EINVAL;
    d = evtchn_lock_with_remote(ld, in.dom);
    if (!d)
        return -ESRCH;
    memset(&st, 0, sizeof(st));
    st.dom = in.dom;
    st.port = in.port;
    status_fill(d, &st);
    evtchn_unlock_two(ld, d);
    return copy_to_guest(v, arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long op_bind_vcpu(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_vcpu b;
    int rc = 0;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -EFAULT;
    if (!evtchn_vcpu_of(d, b.vcpu))
        return -ENOENT;
    spin_lock(&d->evtchn->lock);
    if (!evtchn_port_is_bound(d->evtchn, b.port)) {
        rc = -EINVAL;
    } else {
        struct evtchn_port *p = evtchn_port_of(d->evtchn, b.port);

        switch (d->evtchn->state[b.port]) {
        case ECS_VIRQ:
            /* A per-vCPU VIRQ belongs to its vCPU: only global ones move. */
            if (evtchn_virq_is_global(p->virq))
                p->notify_vcpu = b.vcpu;
            else
                rc = -EINVAL;
            break;
        case ECS_UNBOUND:
        case ECS_INTERDOMAIN:
        case ECS_XEN:
            p->notify_vcpu = b.vcpu;
            break;
        default:
            rc = -EINVAL;   /* IPIs name their vCPU when bound */
            break;
        }
    }
    spin_unlock(&d->evtchn->lock);
    return rc;
}

static long op_unmask(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_unmask u;
    struct vcpu *target = NULL;

    if (copy_from_guest(v, &u, arg, sizeof(u)))
        return -EFAULT;
    if (u.port >= EVTCHN_2L_PORTS)
        return -EINVAL;
    spin_lock(&ed->lock);
    if (evtchn_port_is_bound(ed, u.port))
        target = evtchn_vcpu_of(d, evtchn_port_of(ed, u.port)->notify_vcpu);
    if (evtchn_2l_unmask(ed->shared, target ? target->evtchn->vi : NULL, u.port))
        evtchn_notify_vcpu(target);
    spin_unlock(&ed->lock);
    return 0;
}

static long op_reset(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_reset r;
    unsigned int port;

    if (copy_from_guest(v, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.dom != DOMID_SELF && r.dom != d->domain_id) {
        if (!hypercall_is_privileged(v))
            return -EPERM;
        d = domain_find(r.dom);
        if (!d || !d->evtchn)
            return -ESRCH;
        /* Another domain's ports change only while it cannot use them. */
        if (!ACCESS_ONCE(d->pause_count))
            return -EINVAL;
    }
    /* Hypervisor-bound ports (console) survive: the guest cannot close them. */
    for (port = 1; port < EVTCHN_2L_PORTS; port++)
        if (ACCESS_ONCE(d->evtchn->state[port]) != ECS_FREE)
            evtchn_close_port(d, port, true);
    return 0;
}

/* The FIFO ABI is not offered: guests fall back to 2-level on this error. */
static long op_fifo(struct vcpu *v, uint64_t arg)
{
    (void)v;
    (void)arg;
    return -ENOSYS;
}

typedef long evtchn_op_fn(struct vcpu *v, uint64_t arg);

static evtchn_op_fn *const evtchn_ops[] = {
    [EVTCHNOP_bind_interdomain] = op_bind_interdomain,
    [EVTCHNOP_bind_virq] = op_bind_virq,
    [EVTCHNOP_bind_pirq] = op_bind_pirq,
    [EVTCHNOP_close] = op_close,
    [EVTCHNOP_send] = op_send,
    [EVTCHNOP_status] = op_status,
    [EVTCHNOP_alloc_unbound] = op_alloc_unbound,
    [EVTCHNOP_bind_ipi] = op_bind_ipi,
    [EVTCHNOP_bind_vcpu] = op_bind_vcpu,
    [EVTCHNOP_unmask] = op_unmask,
    [EVTCHNOP_reset] = op_reset,
    [EVTCHNOP_init_control] = op_fifo,
    [EVTCHNOP_expand_array] = op_fifo,
    [EVTCHNOP_set_priority] = op_fifo,
};

long do_event_channel_op(struct vcpu *v, const uint64_t args[5])
{
    uint32_t cmd = (uint32_t)args[0];

    if (!v->domain->evtchn || cmd >= ARRAY_SIZE(evtchn_ops) || !evtchn_ops[cmd])
        return -ENOSYS;
    return evtchn_ops[cmd](v, args[1]);
}
