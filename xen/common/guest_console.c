/*
 * Domain console rings (xencons_interface of public/io/console.h): the
 * hypervisor is the backend of every domain's ring.  The guest fills out[]
 * and notifies the ring's event channel; we copy what it wrote to the
 * serial line (guest_console_write: whole lines, prefixed with the
 * domain).  Serial input given to the domain goes into in[].
 *
 * The page is guest RAM: the guest may write any value to any byte of it
 * at any time.  So the indices we own (out_cons, in_prod) are kept here and
 * only copied to the page, every index read from the page is read once and
 * checked before use, every ring access is masked into its array, and one
 * notification consumes at most one ring's worth of bytes.  A guest whose
 * out_prod runs more than the ring's size ahead of out_cons has broken its
 * ring: we say so once and stop reading it (as Xen's console daemon does);
 * only its own console suffers.
 *
 * The page is found through the p2m on every access rather than mapped
 * once, so a guest that moves or removes the frame stops its console and
 * nothing else.  (A frame it gives back while we copy stays parked with the
 * domain until the domain is destroyed, common/memory.c: we never touch a
 * frame that another owner could have.)
 */
#include <xen/lib.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/spinlock.h>
#include <xen/sched.h>
#include <xen/p2m.h>
#include <xen/event.h>
#include <xen/guest_console.h>
#include <public/xen.h>
#include <xen/bootdomain.h>
#include <public/io/console.h>
#include <public/hvm/params.h>
#include <asm/page.h>

struct guest_console_ring {
    uint64_t gfn;
    unsigned int port;
    XENCONS_RING_IDX out_cons;  /* ours: what we consumed of out[] */
    XENCONS_RING_IDX in_prod;   /* ours: what we produced into in[] */
    bool broken;                /* bad out_prod seen: no longer read */
};

BUILD_BUG_ON(sizeof(struct guest_console_ring) > PAGE_SIZE);
BUILD_BUG_ON(sizeof(struct xencons_interface) > PAGE_SIZE);

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE  sizeof(((struct xencons_interface *)0)->in)

/*
 * One lock for every ring: it orders notifications from several vCPUs,
 * input (console poll timer) and teardown; console output is serialised
 * on the line lock of console.c anyway.  Never taken from hard-IRQ context.
 */
static DEFINE_SPINLOCK(rings_lock);

/*
 * x86 keeps loads in order with loads, stores with stores, and loads with
 * later stores: all the orderings the ring protocol needs, so only the
 * compiler must be kept from reordering.
 */
#define ring_rmb() barrier()
#define ring_wmb() barrier()

/* The ring page as the guest's p2m maps it now, or NULL if it is not RAM. */
static struct xencons_interface *ring_page(struct domain *d, const struct guest_console_ring *r)
{
    p2m_type_t t;
    mfn_t mfn = p2m_get_entry(&d->hvm.p2m, r->gfn, &t, NULL, NULL);

    if (mfn == INVALID_MFN || t != p2m_ram_rw)
        return NULL;
    return maddr_to_virt((paddr_t)mfn << PAGE_SHIFT);
}

/*
 * Copy out[] from our out_cons to the guest's out_prod into buf (at most
 * OUT_SIZE bytes).  Returns the byte count, or -1 when the ring is broken.
 */
static int ring_take_output(struct domain *d, struct guest_console_ring *r,
                            struct xencons_interface *intf, char *buf)
{
    XENCONS_RING_IDX prod = ACCESS_ONCE(intf->out_prod), cons = r->out_cons;
    uint32_t n = prod - cons, i;

    if (n > OUT_SIZE) {
        r->broken = true;
        printk(XENLOG_WARNING "d%u (%s): console ring broken (out_prod %#x, out_cons %#x): "
               "no longer read\n", d->domain_id, d->name, prod, cons);
        return -1;
    }
    /* The data the guest wrote before it moved out_prod. */
    ring_rmb();
    for (i = 0; i < n; i++)
        buf[i] = ACCESS_ONCE(intf->out[MASK_XENCONS_IDX(cons + i, intf->out)]);
    r->out_cons = prod;
    /* Our reads of out[] are done before the guest may reuse the slots. */
    barrier();
    ACCESS_ONCE(intf->out_cons) = prod;
    return (int)n;
}

/*
 * The guest sent on the console port: print what it wrote.  This runs
 * within its EVTCHNOP_send, so the ring is empty when the call returns and
 * no event back is needed for the space (Linux retries a full ring after
 * SCHEDOP_yield anyway).
 */
static void ring_notify(struct domain *d, unsigned int port)
{
    static char buf[OUT_SIZE];  /* under rings_lock */
    struct guest_console_ring *r;
    struct xencons_interface *intf;
    int n;

    spin_lock(&rings_lock);
    r = d->console_ring;
    if (r && r->port == port && !r->broken && (intf = ring_page(d, r))) {
        n = ring_take_output(d, r, intf, buf);
        if (n > 0)
            guest_console_write(d, buf, (size_t)n);
    }
    spin_unlock(&rings_lock);
}

int guest_console_ring_init(struct domain *d, uint64_t ring_gfn)
{
    struct guest_console_ring *r;
    struct xencons_interface *intf;
    int port;

    if (d->console_ring)
        return -EEXIST;
    r = alloc_xenheap_pages(0);
    if (!r)
        return -ENOMEM;
    memset(r, 0, sizeof(*r));
    r->gfn = ring_gfn;
    intf = ring_page(d, r);
    /* RAM the builder left to be backed on first touch: back it now. */
    if (!intf && !domain_populate_touch(d, ring_gfn))
        intf = ring_page(d, r);
    if (!intf) {
        free_xenheap_pages(r, 0);
        return -EINVAL;
    }
    /* Indices start at 0 on both sides. */
    memset(intf, 0, sizeof(*intf));
    port = evtchn_alloc_xen_port(d, ring_notify);
    if (port <= 0) {
        /* Port 0 is never valid: Linux would take it as "no console". */
        free_xenheap_pages(r, 0);
        return port < 0 ? port : -EINVAL;
    }
    r->port = (unsigned int)port;
    d->hvm.params[HVM_PARAM_CONSOLE_PFN] = ring_gfn;
    d->hvm.params[HVM_PARAM_CONSOLE_EVTCHN] = r->port;
    spin_lock(&rings_lock);
    d->console_ring = r;
    spin_unlock(&rings_lock);
    return 0;
}

void guest_console_ring_destroy(struct domain *d)
{
    struct guest_console_ring *r;

    /* After this no notification or input can find the ring. */
    spin_lock(&rings_lock);
    r = d->console_ring;
    d->console_ring = NULL;
    spin_unlock(&rings_lock);
    if (r)
        free_xenheap_pages(r, 0);
}

void guest_console_input(struct domain *d, char c)
{
    struct guest_console_ring *r;
    struct xencons_interface *intf;
    unsigned int port = 0;

    /* The control domain reads its input with CONSOLEIO_read, told by VIRQ_CONSOLE (as Xen's dom0). */
    if (d->capabilities & BOOT_CAP_CONTROL) {
        console_io_input(d, c);
        send_guest_global_virq(d, VIRQ_CONSOLE);
    }
    spin_lock(&rings_lock);
    r = d->console_ring;
    if (r && !d->is_dying && (intf = ring_page(d, r))) {
        XENCONS_RING_IDX cons = ACCESS_ONCE(intf->in_cons), prod = r->in_prod;

        /*
         * Full, or an in_cons that is not behind in_prod by at most the
         * ring size: the byte is dropped (only ever written inside in[]).
         */
        if ((uint32_t)(prod - cons) < IN_SIZE) {
            ACCESS_ONCE(intf->in[MASK_XENCONS_IDX(prod, intf->in)]) = c;
            ring_wmb();
            r->in_prod = prod + 1;
            ACCESS_ONCE(intf->in_prod) = r->in_prod;
            port = r->port;
        }
    }
    spin_unlock(&rings_lock);
    if (port)
        evtchn_send_port(d, port);
}
