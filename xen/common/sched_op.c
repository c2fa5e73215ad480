/*
 * sched_op: a vCPU yields, blocks until an event, polls a set of ports
 * (with a timeout), or ends its domain (or, privileged, another one).
 *
 * Blocking here only marks the vCPU blocked: the hypercall returns 0 into
 * the guest's RAX at once and the run loop, finding the vCPU no longer
 * runnable, goes back to the scheduler; the guest resumes after the call
 * when something wakes it.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/hypercall.h>
#include <asm/hvm/support.h>
#include <public/sched.h>
#include "event_priv.h"

/* Xen's limit on SCHEDOP_poll's list. */
#define POLL_MAX_PORTS 128

static bool vcpu_has_work(struct vcpu *v)
{
    struct vcpu_info *vi = v->evtchn->vi;

    return (vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) ||
           vlapic_pending_irq(v) >= 0;
}

static long sched_block(struct vcpu *v)
{
    vcpu_block(v);
    /* An event that came before (or while) it blocked ends the block at once. */
    if (vcpu_has_work(v))
        vcpu_unblock(v);
    return 0;
}

static long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct evtchn_domain *ed = v->domain->evtchn;
    uint64_t bit = 1ULL << (v->vcpu_id % 64), *mask = &ed->poll_mask[v->vcpu_id / 64];
    evtchn_port_t ports[POLL_MAX_PORTS];
    struct sched_poll p;
    unsigned int i;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    /* The whole list is read once, then checked, before anything changes. */
    if (copy_from_guest(v, ports, (uint64_t)(uintptr_t)p.ports.p, p.nr_ports * sizeof(ports[0])))
        return -EFAULT;
    for (i = 0; i < p.nr_ports; i++)
        if (ports[i] >= EVTCHN_2L_PORTS)
            return -EINVAL;

    /* Announce the wait before looking, so that a send after the look wakes us. */
    v->evtchn->poll_port = p.nr_ports == 1 ? ports[0] : 0;
    __atomic_fetch_or(mask, bit, __ATOMIC_SEQ_CST);
    for (i = 0; i < p.nr_ports; i++)
        if (evtchn_port_is_pending(v->domain, ports[i]))
            goto done;
    if (p.timeout)
        guest_time_poll_timeout(v, (s_time_t)p.timeout);
    else
        stop_timer(&v->evtchn->poll_timer);     /* left over from an earlier poll */
    vcpu_block(v);
    /* A sender (or the timeout) that took our bit before we blocked found nothing to wake. */
    if (!(__atomic_load_n(mask, __ATOMIC_SEQ_CST) & bit))
        vcpu_unblock(v);
    return 0;

done:
    __atomic_fetch_and(mask, ~bit, __ATOMIC_SEQ_CST);
    v->evtchn->poll_port = 0;
    return 0;
}

static long sched_shutdown(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct sched_shutdown s;
    unsigned int reason;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    /* A code recorded earlier (kexec on crash) says what really happened. */
    reason = d->evtchn->shutdown_code >= 0 ? (unsigned int)d->evtchn->shutdown_code : s.reason;
    domain_shutdown(d, reason);
    return 0;
}

static long sched_shutdown_code(struct vcpu *v, uint64_t arg)
{
    struct sched_shutdown s;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    if (!v->domain->is_shutting_down)
        v->domain->evtchn->shutdown_code = (int32_t)s.reason;
    return 0;
}

static long sched_remote_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_remote_shutdown s;
    struct domain *d;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if (!hypercall_is_privileged(v))
        return -EPERM;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    d = domain_find(s.domain_id);
    if (!d)
        return -ESRCH;
    domain_shutdown(d, s.reason);
    return 0;
}

long do_sched_op(struct vcpu *v, const uint64_t args[5])
{
    uint32_t cmd = (uint32_t)args[0];

    if (!v->evtchn)
        return -ENOSYS;
    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, args[1]);
    case SCHEDOP_shutdown:
        return sched_shutdown(v, args[1]);
    case SCHEDOP_shutdown_code:
        return sched_shutdown_code(v, args[1]);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(v, args[1]);
    default:
        /* SCHEDOP_watchdog and SCHEDOP_pin_override are not offered. */
        return -ENOSYS;
    }
}
