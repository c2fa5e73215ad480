/*
 * Debug key 'e': each domain's event channel state as the guest and the
 * hypervisor see it (bound ports, pending and masked words, and per vCPU
 * the upcall flag, selector, poll and timers), for operators chasing a
 * guest that waits for an event that never comes.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/keyhandler.h>
#include "event_priv.h"

static void dump_vcpu(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;
    struct vcpu_info *vi = ev->vi;
    struct evtchn_domain *ed = v->domain->evtchn;

    printk("  vCPU%u: %s upcall %u sel %#lx vector %#x poll %s port %u pause_flags %#lx "
           "sshot %s periodic %s\n", v->vcpu_id, vi ? (ev->vi_registered ? "vcpu_info(moved)" :
           "vcpu_info") : "no vcpu_info", vi ? vi->evtchn_upcall_pending : 0,
           vi ? (unsigned long)vi->evtchn_pending_sel : 0UL, ev->upcall_vector,
           (ed->poll_mask[v->vcpu_id / 64] >> (v->vcpu_id % 64)) & 1 ? "yes" : "no",
           ev->poll_port, (unsigned long)v->pause_flags,
           timer_is_active(&ev->singleshot_timer) ? "armed" : "off",
           timer_is_active(&ev->periodic_timer) ? "armed" : "off");
}

static void dump_domain(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int port, w, n = 0, i;

    printk("d%u (%s): callback vector %#x, shared_info at gfn %#lx\n", d->domain_id, d->name,
           ed->callback_vector, (unsigned long)ed->shared_gfn);
    for (port = 1; port < EVTCHN_2L_PORTS; port++)
        if (ed->state[port] != ECS_FREE)
            n++;
    printk("  %u bound port(s)\n", n);
    for (w = 0; w < 64; w++)
        if (ed->shared->evtchn_pending[w] || (ed->shared->evtchn_mask[w] && w < 2))
            printk("  word %u: pending %#lx mask %#lx\n", w,
                   (unsigned long)ed->shared->evtchn_pending[w],
                   (unsigned long)ed->shared->evtchn_mask[w]);
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->evtchn)
            dump_vcpu(d->vcpu[i]);
}

static void evtchn_dump(unsigned char key)
{
    struct domain *d;

    (void)key;
    printk("Event channels (guest time now %ld ns):\n", (long)guest_time_now());
    domlist_lock();
    for_each_domain(d)
        if (d->evtchn && !d->is_dying)
            dump_domain(d);
    domlist_unlock();
}

void evtchn_dump_register(void)
{
    static bool done;

    if (!done) {
        done = true;
        register_keyhandler('e', evtchn_dump, "event channels of each domain");
    }
}
