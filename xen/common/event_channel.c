/*
 * Event channels, Xen's 2-level ABI: the per-domain port table, binding
 * (interdomain, VIRQ, IPI, hypervisor-bound and static ports), sending,
 * and the upcall that tells a vCPU about pending ports.  The bit logic
 * lives in evtchn_2l.c, the guest's hypercall in event_channel_op.c.
 *
 * Locking: a domain's port table is guarded by its evtchn lock; an
 * operation on two domains takes both, lower domain id first.  A port of
 * domain A bound to domain B is only unbound with both locks held, so
 * whoever holds A's lock may follow the port to B: B cannot finish its
 * teardown (which closes every port) meanwhile.  Not from hard-IRQ
 * context: waking a vCPU takes scheduler locks.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/p2m.h>
#include <xen/hypercall.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <public/event_channel.h>
#include <public/hvm/params.h>
#include "event_priv.h"

/*
 * Taken (before any domain's lock) by whatever creates or removes an
 * interdomain binding: such a binding, and so its peer domain, cannot go
 * away under its holder.  Binding and closing are rare; sends never take it.
 */
static DEFINE_SPINLOCK(link_lock);

void evtchn_link_lock(void)
{
    spin_lock(&link_lock);
}

void evtchn_link_unlock(void)
{
    spin_unlock(&link_lock);
}

/* ------------------------------------------------------------ ports */

struct evtchn_port *evtchn_port_of(struct evtchn_domain *ed, unsigned int port)
{
    struct evtchn_port *b = ed->bucket[port / EVTCHN_BUCKET_PORTS];

    return b ? &b[port % EVTCHN_BUCKET_PORTS] : NULL;
}

/* A port in use by the guest's numbering: below the 2-level limit and not free. */
bool evtchn_port_is_bound(struct evtchn_domain *ed, unsigned int port)
{
    return port < EVTCHN_2L_PORTS && ed->state[port] != ECS_FREE;
}

/* Claim `port` (free, checked by the caller) in state `state`. */
static struct evtchn_port *port_claim(struct evtchn_domain *ed, unsigned int port,
                                      uint8_t state)
{
    struct evtchn_port **b = &ed->bucket[port / EVTCHN_BUCKET_PORTS];
    struct evtchn_port *p;

    if (!*b) {
        *b = alloc_xenheap_pages(0);
        if (!*b)
            return NULL;
    }
    p = &(*b)[port % EVTCHN_BUCKET_PORTS];
    memset(p, 0, sizeof(*p));
    ed->state[port] = state;
    return p;
}

/* The lowest free port, claimed: the port number or -ENOSPC / -ENOMEM. */
int evtchn_port_alloc(struct evtchn_domain *ed, uint8_t state, struct evtchn_port **out)
{
    int port = evtchn_2l_find_free(ed->state, EVTCHN_2L_PORTS);

    if (port < 0)
        return port;
    *out = port_claim(ed, (unsigned int)port, state);
    return *out ? port : -ENOMEM;
}

struct vcpu *evtchn_vcpu_of(struct domain *d, unsigned int vcpu_id)
{
    if (vcpu_id >= d->max_vcpus)
        return NULL;
    return d->vcpu[vcpu_id];
}

bool evtchn_virq_is_global(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        /* Xen's x86 defines no architectural VIRQs: VIRQ_ARCH_* count as global. */
        return true;
    }
}

/* ------------------------------------------------------- two domains */

void evtchn_lock_two(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->evtchn->lock);
    } else if (a->domain_id < b->domain_id) {
        spin_lock(&a->evtchn->lock);
        spin_lock(&b->evtchn->lock);
    } else {
        spin_lock(&b->evtchn->lock);
        spin_lock(&a->evtchn->lock);
    }
}

void evtchn_unlock_two(struct domain *a, struct domain *b)
{
    spin_unlock(&a->evtchn->lock);
    if (a != b)
        spin_unlock(&b->evtchn->lock);
}

/*
 * Find domain `id` (DOMID_SELF: ld) and lock it together with ld.  The
 * domain list lock is held across the lookup and the locking so that the
 * domain cannot be freed in between.  NULL (nothing locked) if there is no
 * such live domain.
 */
struct domain *evtchn_lock_with_remote(struct domain *ld, domid_t id)
{
    struct domain *rd = NULL, *d;

    if (id == DOMID_SELF || id == ld->domain_id) {
        evtchn_lock_two(ld, ld);
        return ld;
    }
    domlist_lock();
    for_each_domain(d)
        if (d->domain_id == id && !d->is_dying && d->evtchn) {
            rd = d;
            break;
        }
    if (rd)
        evtchn_lock_two(ld, rd);
    domlist_unlock();
    if (rd && rd->evtchn->dead) {
        evtchn_unlock_two(ld, rd);
        rd = NULL;
    }
    return rd;
}

/* ----------------------------------------------------------- delivery */

void evtchn_notify_vcpu(struct vcpu *v)
{
    uint8_t vec = ACCESS_ONCE(v->evtchn->upcall_vector);

    if (vec)
        vlapic_set_irq(v, vec);
    else
        vcpu_kick(v);
}

/* Wake the vCPUs polling on `port` (or on any port). */
static void wake_pollers(struct domain *d, unsigned int port)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int w, i;

    for (w = 0; w < ARRAY_SIZE(ed->poll_mask); w++) {
        uint64_t bits = __atomic_load_n(&ed->poll_mask[w], __ATOMIC_SEQ_CST);

        for (i = 0; bits; i++, bits >>= 1) {
            struct vcpu *v;
            uint32_t want;

            if (!(bits & 1))
                continue;
            v = evtchn_vcpu_of(d, w * 64 + i);
            if (!v)
                continue;
            want = ACCESS_ONCE(v->evtchn->poll_port);
            if (want && want != port)
                continue;
            if (__atomic_fetch_and(&ed->poll_mask[w], ~(1ULL << i), __ATOMIC_SEQ_CST) &
                (1ULL << i)) {
                v->evtchn->poll_port = 0;
                vcpu_unblock(v);
            }
        }
    }
}

/* Mark port of d pending for its notify vCPU; the caller holds a lock that keeps it bound. */
void evtchn_set_pending(struct domain *d, unsigned int port)
{
    struct evtchn_port *p = evtchn_port_of(d->evtchn, port);
    struct vcpu *v = evtchn_vcpu_of(d, ACCESS_ONCE(p->notify_vcpu));

    if (!v)
        return;
    if (evtchn_2l_set_pending(d->evtchn->shared, v->evtchn->vi, port))
        evtchn_notify_vcpu(v);
    wake_pollers(d, port);
}

bool evtchn_port_is_pending(struct domain *d, unsigned int port)
{
    return evtchn_2l_is_pending(d->evtchn->shared, port);
}

/* Deliver an event on port of ld, as the guest's EVTCHNOP_send would. */
int evtchn_send_locked(struct domain *ld, unsigned int port, evtchn_xen_notify_fn **xen_fn)
{
    struct evtchn_domain *ed = ld->evtchn;
    struct evtchn_port *p;

    if (!evtchn_port_is_bound(ed, port))
        return -EINVAL;
    p = evtchn_port_of(ed, port);
    switch (ed->state[port]) {
    case ECS_INTERDOMAIN:
        /* The peer cannot unbind without our lock: its tables stay valid. */
        evtchn_set_pending(p->remote, p->remote_port);
        return 0;
    case ECS_IPI:
        evtchn_set_pending(ld, port);
        return 0;
    case ECS_UNBOUND:
        return 0;           /* nobody listens yet: the notification is dropped */
    case ECS_XEN:
        *xen_fn = p->notify;
        return 0;
    default:
        return -EINVAL;     /* VIRQ ports are raised by the hypervisor only */
    }
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned int port;

    if (virq >= NR_VIRQS || !d->evtchn || !v->evtchn)
        return;
    spin_lock(&d->evtchn->lock);
    port = v->evtchn->virq_port[virq];
    if (port && !d->evtchn->dead)
        evtchn_set_pending(d, port);
    spin_unlock(&d->evtchn->lock);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    struct vcpu *v0 = evtchn_vcpu_of(d, 0);

    /* Global VIRQs are bound through vCPU 0 and delivered to the port's vCPU. */
    if (v0 && evtchn_virq_is_global(virq))
        send_guest_vcpu_virq(v0, virq);
}

int evtchn_send_port(struct domain *d, unsigned int port)
{
    struct evtchn_domain *ed = d->evtchn;
    int rc = -EINVAL;

    if (!ed)
        return -EINVAL;
    spin_lock(&ed->lock);
    if (!ed->dead && evtchn_port_is_bound(ed, port)) {
        evtchn_set_pending(d, port);
        rc = 0;
    }
    spin_unlock(&ed->lock);
    return rc;
}

/* ------------------------------------------------------------ closing */

/*
 * Free port of d; its peer (if any) goes back to unbound, waiting for d.
 * The caller holds d's lock and, for an interdomain port, the peer's.
 */
static void close_locked(struct domain *d, unsigned int port)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_port *p = evtchn_port_of(ed, port);

    switch (ed->state[port]) {
    case ECS_VIRQ: {
        struct vcpu *v = evtchn_vcpu_of(d, p->notify_vcpu);

        /* Global VIRQs are recorded on vCPU 0 whatever vCPU they notify. */
        if (evtchn_virq_is_global(p->virq))
            v = evtchn_vcpu_of(d, 0);
        if (v && v->evtchn->virq_port[p->virq] == port)
            v->evtchn->virq_port[p->virq] = 0;
        break;
    }
    case ECS_INTERDOMAIN: {
        struct evtchn_domain *red = p->remote->evtchn;
        struct evtchn_port *rp = evtchn_port_of(red, p->remote_port);

        red->state[p->remote_port] = ECS_UNBOUND;
        rp->remote = NULL;
        rp->remote_port = 0;
        rp->remote_domid = d->domain_id;
        break;
    }
    default:
        break;
    }
    /* A later binding of this number must not start with a stale event. */
    evtchn_2l_clear_pending(ed->shared, port);
    memset(p, 0, sizeof(*p));
    ed->state[port] = ECS_FREE;
}

/*
 * Close a port as the guest asks (guest = true: hypervisor-bound ports
 * are refused) or as teardown does.  Under the link lock no interdomain
 * binding can change, so the peer read under d's lock stays bound (and
 * alive) while we re-lock both in order.
 */
int evtchn_close_port(struct domain *d, unsigned int port, bool guest)
{
    struct evtchn_domain *ed = d->evtchn;
    struct domain *rd = d;
    int rc = 0;

    spin_lock(&link_lock);
    spin_lock(&ed->lock);
    if (!evtchn_port_is_bound(ed, port) || (guest && ed->state[port] == ECS_XEN))
        rc = -EINVAL;
    else if (ed->state[port] == ECS_INTERDOMAIN)
        rd = evtchn_port_of(ed, port)->remote;
    spin_unlock(&ed->lock);
    if (!rc) {
        evtchn_lock_two(d, rd);
        close_locked(d, port);
        evtchn_unlock_two(d, rd);
    }
    spin_unlock(&link_lock);
    return rc;
}

/* --------------------------------------------------- hypervisor ports */

int evtchn_alloc_xen_port(struct domain *d, evtchn_xen_notify_fn *notify)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_port *p;
    int port;

    if (!ed || !notify)
        return -EINVAL;
    spin_lock(&ed->lock);
    port = evtchn_port_alloc(ed, ECS_XEN, &p);
    if (port >= 0)
        p->notify = notify;
    spin_unlock(&ed->lock);
    return port;
}

int evtchn_bind_static(struct domain *a, unsigned int port_a, struct domain *b,
                       unsigned int port_b)
{
    struct evtchn_port *pa, *pb;
    int rc = 0;

    if (!a->evtchn || !b->evtchn || !port_a || !port_b || port_a >= EVTCHN_2L_PORTS ||
        port_b >= EVTCHN_2L_PORTS || (a == b && port_a == port_b))
        return -EINVAL;
    spin_lock(&link_lock);
    evtchn_lock_two(a, b);
    if (a->evtchn->dead || b->evtchn->dead) {
        rc = -EINVAL;
        goto out;
    }
    if (evtchn_port_is_bound(a->evtchn, port_a) || evtchn_port_is_bound(b->evtchn, port_b)) {
        rc = -EEXIST;
        goto out;
    }
    pa = port_claim(a->evtchn, port_a, ECS_INTERDOMAIN);
    pb = pa ? port_claim(b->evtchn, port_b, ECS_INTERDOMAIN) : NULL;
    if (!pb) {
        if (pa)
            a->evtchn->state[port_a] = ECS_FREE;
        rc = -ENOMEM;
        goto out;
    }
    pa->remote = b;
    pa->remote_domid = b->domain_id;
    pa->remote_port = port_b;
    pb->remote = a;
    pb->remote_domid = a->domain_id;
    pb->remote_port = port_a;
out:
    evtchn_unlock_two(a, b);
    spin_unlock(&link_lock);
    return rc;
}

/* ------------------------------------------------------ upcall vector */

int evtchn_upcall_vector(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;
    struct vcpu_info *vi;

    if (!ev || !(vi = ev->vi) || ev->upcall_vector)
        return -1;
    /* Like a level-triggered line: asserted while the guest has not cleared the flag. */
    if (!ACCESS_ONCE(v->domain->evtchn->callback_vector) ||
        !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return -1;
    return v->domain->evtchn->callback_vector;
}

int evtchn_set_callback_param(struct domain *d, uint64_t val)
{
    unsigned int type = (unsigned int)(val >> 56);
    unsigned int i;

    if (!d->evtchn)
        return -EINVAL;
    if (!val) {
        d->evtchn->callback_vector = 0;
        return 0;
    }
    /* GSI and PCI INTx need an emulated IOAPIC / PCI bus, which PVH guests have not. */
    if (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || (val & 0x00ffffffffffff00ULL) ||
        (uint8_t)val < 16)
        return -EINVAL;
    d->evtchn->callback_vector = (uint8_t)val;
    /* Events that arrived before the callback existed must not be lost. */
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->evtchn && d->vcpu[i]->evtchn->vi &&
            d->vcpu[i]->evtchn->vi->evtchn_upcall_pending)
            vcpu_kick(d->vcpu[i]);
    return 0;
}

int evtchn_set_upcall_vector(struct vcpu *v, uint8_t vector)
{
    if (!v->evtchn || vector < 16)
        return -EINVAL;
    v->evtchn->upcall_vector = vector;
    if (v->evtchn->vi && v->evtchn->vi->evtchn_upcall_pending)
        vlapic_set_irq(v, vector);
    return 0;
}

/* ------------------------------------------------------- shared_info */

int evtchn_map_shared_info(struct domain *d, uint64_t gfn)
{
    struct evtchn_domain *ed = d->evtchn;
    mfn_t mfn;
    int rc;

    if (!ed || gfn >= d->hvm.p2m.max_gfn)
        return -EINVAL;
    mfn = virt_to_maddr(ed->shared) >> PAGE_SHIFT;
    spin_lock(&ed->lock);
    if (ed->shared_gfn == gfn) {
        spin_unlock(&ed->lock);
        return 0;
    }
    /* What was at gfn (RAM, usually) is no longer reachable by the guest. */
    rc = p2m_set_range(&d->hvm.p2m, gfn, mfn, 1, p2m_ram_rw, P2M_MT_WB);
    if (!rc) {
        if (ed->shared_gfn != ~0ULL)
            p2m_remove_range(&d->hvm.p2m, ed->shared_gfn, 1);
        ed->shared_gfn = gfn;
    }
    spin_unlock(&ed->lock);
    return rc == -ERANGE ? -EINVAL : rc;
}

/* ------------------------------------------------ set-up and teardown */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed;

    BUILD_BUG_ON(sizeof(*ed) > 2 * PAGE_SIZE);
    BUILD_BUG_ON(sizeof(struct shared_info) > PAGE_SIZE);
    ed = alloc_xenheap_pages(1);
    if (!ed)
        return -ENOMEM;
    ed->shared = alloc_xenheap_pages(0);
    if (!ed->shared) {
        free_xenheap_pages(ed, 1);
        return -ENOMEM;
    }
    spin_lock_init(&ed->lock);
    ed->shared_gfn = ~0ULL;
    ed->shutdown_code = -1;
    d->evtchn = ed;
    guest_time_domain_init(d);
    evtchn_dump_register();
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int port, i;

    if (!ed)
        return;
    /* None of its vCPUs may still be entering the guest with this state. */
    domain_pause(d);
    /* Timers first: none may raise a VIRQ on what is being torn down. */
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            guest_time_vcpu_destroy(d->vcpu[i]);
    spin_lock(&ed->lock);
    ed->dead = true;
    spin_unlock(&ed->lock);
    /* Peers' ports go back to unbound: after this nobody can reach d. */
    for (port = 1; port < EVTCHN_2L_PORTS; port++)
        if (ACCESS_ONCE(ed->state[port]) != ECS_FREE)
            evtchn_close_port(d, port, false);
    if (ed->shared_gfn != ~0ULL)
        p2m_remove_range(&d->hvm.p2m, ed->shared_gfn, 1);
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            evtchn_vcpu_destroy(d->vcpu[i]);
    for (i = 0; i < EVTCHN_NR_BUCKETS; i++)
        if (ed->bucket[i])
            free_xenheap_pages(ed->bucket[i], 0);
    free_xenheap_pages(ed->shared, 0);
    d->evtchn = NULL;
    free_xenheap_pages(ed, 1);
}

int evtchn_vcpu_init(struct vcpu *v)
{
    struct evtchn_vcpu *ev;

    BUILD_BUG_ON(sizeof(*ev) > PAGE_SIZE);
    if (!v->domain->evtchn)
        return -EINVAL;
    ev = alloc_xenheap_pages(0);
    if (!ev)
        return -ENOMEM;
    /* vCPUs beyond the legacy slots have no vcpu_info until they register one. */
    if (v->vcpu_id < XEN_LEGACY_MAX_VCPUS)
        ev->vi = &v->domain->evtchn->shared->vcpu_info[v->vcpu_id];
    v->evtchn = ev;
    guest_time_vcpu_init(v);
    return 0;
}

void evtchn_vcpu_destroy(struct vcpu *v)
{
    if (!v->evtchn)
        return;
    guest_time_vcpu_destroy(v);
    free_xenheap_pages(v->evtchn, 0);
    v->evtchn = NULL;
}
