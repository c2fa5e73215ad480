/*
 * memory_op: the guest's physical map and its reservation, with Xen's
 * semantics for an auto-translated (PVH) guest.
 *
 * 32-bit callers use Xen's compat layouts (4-byte handles and frame
 * numbers), translated on the way in and out.
 *
 * Reservation calls (populate, decrease) report progress as Xen does: the
 * number of extents completed, which is less than asked when one fails or
 * when the per-call work cap is reached; the caller carries on from there
 * (Xen encodes a start extent in cmd >> 6, which is honoured here too).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/bootinfo.h>
#include <xen/bootdomain.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <asm/page.h>
#include <asm/hvm/support.h>
#include <public/memory.h>
#include <public/arch-x86/hvm/start_info.h>

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1U << MEMOP_EXTENT_SHIFT) - 1)

/* Frames one reservation call may touch before it returns partial progress. */
#define MEMOP_MAX_FRAMES_PER_CALL (1UL << 15)

/*
 * The largest extent a reservation call takes, Xen's defaults: domU 9
 * (2 MiB), control domain 12.  memop-max-order=<domU>[,<ctldom>] as in Xen
 * (an empty field keeps its value; Xen's hwdom and ptdom fields are
 * accepted and ignored: no such domains here).
 */
static unsigned int opt_domu_max_order = 9, opt_ctldom_max_order = 12;

static int parse_memop_max_order(const char *s)
{
    unsigned int *field[] = { &opt_domu_max_order, &opt_ctldom_max_order, NULL, NULL };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(field); i++) {
        const char *end = s;
        unsigned long long v = *s >= '0' && *s <= '9' ? simple_strtoull(s, &end, 10) : 0;

        if (end != s && (v > MAX_PAGE_ORDER))
            return -EINVAL;
        if (end != s && field[i])
            *field[i] = (unsigned int)v;
        if (!*end)
            return 0;
        if (*end != ',')
            return -EINVAL;
        s = end + 1;
    }
    return -EINVAL;
}
custom_param("memop-max-order", parse_memop_max_order);

static const struct boot_info *boot_info_ptr;

void hypercall_set_boot_info(const struct boot_info *bi)
{
    boot_info_ptr = bi;
}

const struct boot_info *hypercall_boot_info(void)
{
    return boot_info_ptr;
}

/* ------------------------------------------------------ per-domain state */

struct domain_abi *domain_abi(struct domain *d)
{
    struct domain_abi *a = __atomic_load_n(&d->abi, __ATOMIC_ACQUIRE), *exp = NULL;
    unsigned int i;

    if (a)
        return a;
    a = alloc_xenheap_pages(0);
    if (!a)
        return NULL;
    spin_lock_init(&a->lock);
    spin_lock_init(&a->in_lock);
    for (i = 0; i < ARRAY_SIZE(a->parked); i++)
        a->parked[i] = INVALID_MFN;
    a->shared_info_gfn = ~(uint64_t)0;
    if (!__atomic_compare_exchange_n(&d->abi, &exp, a, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free_xenheap_pages(a, 0);
        return exp;
    }
    return a;
}

void domain_abi_destroy(struct domain *d)
{
    if (d->abi)
        free_xenheap_pages(d->abi, 0);
    d->abi = NULL;
}

int domain_set_memory_map(struct domain *d, const struct e820entry *map, unsigned int n)
{
    struct domain_abi *a;

    if (!n || n > DOMAIN_E820_MAX)
        return -EINVAL;
    a = domain_abi(d);
    if (!a)
        return -ENOMEM;
    spin_lock(&a->lock);
    memcpy(a->e820, map, n * sizeof(*map));
    a->nr_e820 = n;
    spin_unlock(&a->lock);
    return 0;
}

int domain_set_hvm_memmap(struct domain *d, const struct hvm_memmap_table_entry *map,
                          unsigned int n)
{
    static struct e820entry e[DOMAIN_E820_MAX];
    static DEFINE_SPINLOCK(lock);       /* for e[]: builders may run on several CPUs */
    unsigned int i;
    int rc;

    if (!n || n > DOMAIN_E820_MAX)
        return -EINVAL;
    spin_lock(&lock);
    for (i = 0; i < n; i++)
        e[i] = (struct e820entry){ map[i].addr, map[i].size, map[i].type };
    rc = domain_set_memory_map(d, e, n);
    spin_unlock(&lock);
    return rc;
}

/* ---------------------------------------------------------- parked frames */

static int order_slot(unsigned int order)
{
    switch (order) {
    case PAGE_ORDER_4K:
        return 0;
    case PAGE_ORDER_2M:
        return 1;
    case PAGE_ORDER_1G:
        return 2;
    default:
        return -1;
    }
}

/* A frame block (order 0, 9 or 18) the guest gave back: kept, linked through itself, for reuse. */
static void park(struct domain_abi *a, mfn_t mfn, unsigned int order)
{
    int s = order_slot(order);

    *(mfn_t *)maddr_to_virt((paddr_t)mfn << PAGE_SHIFT) = a->parked[s];
    a->parked[s] = mfn;
    a->parked_pages += 1UL << order;
}

static mfn_t unpark(struct domain_abi *a, unsigned int order)
{
    int s = order_slot(order);
    mfn_t mfn = s < 0 ? INVALID_MFN : a->parked[s];
    uint64_t i;

    /* Only blocks of order 0, 9 and 18 are parked. */
    if (mfn == INVALID_MFN)
        return mfn;
    a->parked[s] = *(mfn_t *)maddr_to_virt((paddr_t)mfn << PAGE_SHIFT);
    a->parked_pages -= 1UL << order;
    /* Nothing the guest wrote before giving it back may reappear elsewhere. */
    for (i = 0; i < (1UL << order); i++)
        memset(maddr_to_virt(((paddr_t)mfn + i) << PAGE_SHIFT), 0, PAGE_SIZE);
    return mfn;
}

/* Guest RAM: backed, reserved but not yet scrubbed, or to be backed on first touch. */
static bool is_guest_ram(p2m_type_t t)
{
    return t == p2m_ram_rw || t == p2m_ram_unscrubbed || t == p2m_populate_on_demand;
}

/* Is gfn a frame that is not the guest's RAM (grant frame, shared info)? */
static bool is_special_gfn(struct domain *d, uint64_t gfn)
{
    const struct domain_abi *a = d->abi;

    return (a && a->shared_info_gfn == gfn) || grant_table_is_frame_gfn(d, gfn);
}

/*
 * Every gfn of [gfn, gfn + nr) is the domain's own RAM (or populate on
 * demand): the precondition for giving it back.
 */
static bool range_is_ram(struct domain *d, uint64_t gfn, uint64_t nr)
{
    uint64_t end = gfn + nr;

    while (gfn < end) {
        p2m_type_t t;
        unsigned int order;
        uint64_t step;

        p2m_get_entry(&d->hvm.p2m, gfn, &t, NULL, &order);
        if (!is_guest_ram(t) || (t == p2m_ram_rw && is_special_gfn(d, gfn)))
            return false;
        step = (1UL << order) - (gfn & ((1UL << order) - 1));
        gfn += step;
    }
    return true;
}

/* Nothing at all is mapped in [gfn, gfn + nr). */
static bool range_is_empty(struct domain *d, uint64_t gfn, uint64_t nr)
{
    uint64_t end = gfn + nr;

    while (gfn < end) {
        p2m_type_t t;
        unsigned int order;

        p2m_get_entry(&d->hvm.p2m, gfn, &t, NULL, &order);
        if (t != p2m_invalid)
            return false;
        gfn += (1UL << order) - (gfn & ((1UL << order) - 1));
    }
    return true;
}

/*
 * Unmap the RAM range [gfn, gfn + nr) (checked by range_is_ram) and park
 * its frames, piece by piece in the largest aligned pieces its leaves
 * allow: each piece is unmapped before its frames are parked.  a->lock
 * held.  0, or -ENOMEM (splitting a superpage needed a table page) with
 * the pieces before the failure given back and accounted.
 */
static int give_back(struct domain *d, struct domain_abi *a, uint64_t gfn, uint64_t nr)
{
    static const unsigned int orders[] = { PAGE_ORDER_1G, PAGE_ORDER_2M, PAGE_ORDER_4K };
    uint64_t g = gfn, end = gfn + nr;

    while (g < end) {
        p2m_type_t t;
        unsigned int lorder, k;
        mfn_t mfn = p2m_get_entry(&d->hvm.p2m, g, &t, NULL, &lorder);
        uint64_t n;

        for (k = 0; k < ARRAY_SIZE(orders) - 1; k++) {
            n = 1UL << orders[k];
            if (orders[k] <= lorder && !(g & (n - 1)) && g + n <= end)
                break;
        }
        n = 1UL << orders[k];
        if (p2m_remove_range(&d->hvm.p2m, g, n))
            return -ENOMEM;
        /* Unscrubbed frames are parked too: unpark() zeroes whatever it hands out. */
        if ((t == p2m_ram_rw || t == p2m_ram_unscrubbed) && mfn != INVALID_MFN) {
            park(a, mfn, orders[k]);
            __atomic_sub_fetch(&d->tot_pages, n, __ATOMIC_RELAXED);
        }
        g += n;
    }
    return 0;
}

/*
 * What the domain has: frames allocated plus frames it is promised
 * (populate on demand, backed on first touch).  Xen's tot_pages of a
 * guest whose memory is all there.
 */
static uint64_t committed_pages(struct domain *d)
{
    return __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED) +
           __atomic_load_n(&d->hvm.p2m.type_frames[p2m_populate_on_demand], __ATOMIC_RELAXED);
}

/* Back [gfn, gfn + 2^order) with RAM: a parked block first, else new memory.  a->lock held. */
static int populate_one(struct domain *d, struct domain_abi *a, uint64_t gfn, unsigned int order)
{
    uint64_t n = 1UL << order;
    mfn_t mfn;
    int rc;

    if (committed_pages(d) + n > d->max_pages)
        return -E2BIG;
    mfn = unpark(a, order);
    if (mfn == INVALID_MFN)
        return domain_populate_ram(d, gfn, n);
    rc = p2m_set_entry(&d->hvm.p2m, gfn, mfn, order, p2m_ram_rw, P2M_MT_WB);
    if (rc) {
        park(a, mfn, order);
        return rc;
    }
    __atomic_add_fetch(&d->tot_pages, n, __ATOMIC_RELAXED);
    return 0;
}

/* ------------------------------------------------- 32-bit callers' layouts */

/*
 * A 32-bit caller passes Xen's compat layouts: guest handles, xen_ulong_t
 * and xen_pfn_t are 4 bytes, and 64-bit fields are 4-byte aligned.  Each
 * is read into the native structure (and written back from it) here.
 */
struct compat_memory_reservation {
    uint32_t extent_start, nr_extents, extent_order, mem_flags;
    uint16_t domid;
};
struct compat_add_to_physmap {
    uint16_t domid, size;
    uint32_t space, idx, gpfn;
};
struct compat_remove_from_physmap {
    uint16_t domid;
    uint32_t gpfn;
};
struct compat_memory_map {
    uint32_t nr_entries, buffer;
};
BUILD_BUG_ON(sizeof(struct compat_memory_reservation) != 20);
BUILD_BUG_ON(sizeof(struct compat_add_to_physmap) != 16);
BUILD_BUG_ON(sizeof(struct compat_remove_from_physmap) != 8);
BUILD_BUG_ON(sizeof(struct compat_memory_map) != 8);

static bool is_compat(struct vcpu *v)
{
    return hvm_cpu_mode(v) != CPU_MODE_64;
}

static int get_reservation(struct vcpu *v, uint64_t arg, struct xen_memory_reservation *r)
{
    struct compat_memory_reservation c;

    if (!is_compat(v))
        return copy_from_guest(v, r, arg, sizeof(*r));
    if (copy_from_guest(v, &c, arg, sizeof(c)))
        return -EFAULT;
    memset(r, 0, sizeof(*r));
    r->extent_start.p = (xen_pfn_t *)(uintptr_t)c.extent_start;
    r->nr_extents = c.nr_extents;
    r->extent_order = c.extent_order;
    r->mem_flags = c.mem_flags;
    r->domid = c.domid;
    return 0;
}

/* Extent i of a list of xen_pfn_t (4 bytes each for a 32-bit caller). */
static int get_extent(struct vcpu *v, uint64_t list, uint64_t i, uint64_t *gfn)
{
    uint32_t g32;

    if (!is_compat(v))
        return copy_from_guest(v, gfn, list + i * sizeof(*gfn), sizeof(*gfn));
    if (copy_from_guest(v, &g32, list + i * sizeof(g32), sizeof(g32)))
        return -EFAULT;
    *gfn = g32;
    return 0;
}

static int get_add_to_physmap(struct vcpu *v, uint64_t arg, struct xen_add_to_physmap *x)
{
    struct compat_add_to_physmap c;

    if (!is_compat(v))
        return copy_from_guest(v, x, arg, sizeof(*x));
    if (copy_from_guest(v, &c, arg, sizeof(c)))
        return -EFAULT;
    memset(x, 0, sizeof(*x));
    x->domid = c.domid;
    x->size = c.size;
    x->space = c.space;
    x->idx = c.idx;
    x->gpfn = c.gpfn;
    return 0;
}

static int put_add_to_physmap(struct vcpu *v, uint64_t arg, const struct xen_add_to_physmap *x)
{
    struct compat_add_to_physmap c = { x->domid, x->size, x->space, (uint32_t)x->idx,
                                       (uint32_t)x->gpfn };

    if (!is_compat(v))
        return copy_to_guest(v, arg, x, sizeof(*x));
    return copy_to_guest(v, arg, &c, sizeof(c));
}

static int get_memory_map(struct vcpu *v, uint64_t arg, struct xen_memory_map *m)
{
    struct compat_memory_map c;

    if (!is_compat(v))
        return copy_from_guest(v, m, arg, sizeof(*m));
    if (copy_from_guest(v, &c, arg, sizeof(c)))
        return -EFAULT;
    m->nr_entries = c.nr_entries;
    m->buffer.p = (void *)(uintptr_t)c.buffer;
    return 0;
}

/* ----------------------------------------------------------- reservation */

static unsigned int max_order(struct vcpu *v)
{
    unsigned int o = hypercall_is_privileged(v) ? opt_ctldom_max_order : opt_domu_max_order;

    return min(o, (unsigned int)MAX_PAGE_ORDER);
}

/* A gfn extent the p2m can take: aligned (for whole leaves) and inside the guest space. */
static bool extent_ok(struct domain *d, uint64_t gfn, unsigned int order)
{
    uint64_t n = 1UL << order;

    return !(gfn & (n - 1)) && gfn < d->hvm.p2m.max_gfn && n <= d->hvm.p2m.max_gfn - gfn;
}

static long reservation(struct vcpu *v, unsigned int op, uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain_abi *a;
    struct domain *d;
    uint64_t i, frames = 0, list;
    int err = 0;

    /* Xen's way of saying "nothing done" for every kind of bad argument. */
    if (get_reservation(v, arg, &r))
        return start;
    if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents)
        return start;
    if (r.extent_order > max_order(v))
        return start;
    /* One NUMA node, and no populate-on-demand pool. */
    if ((r.mem_flags & XENMEMF_populate_on_demand) ||
        ((r.mem_flags & XENMEMF_vnode) && XENMEMF_get_node(r.mem_flags) != 0))
        return start;
    d = hypercall_target_domain(v, r.domid, &err);
    if (!d)
        return start;
    /* increase_reservation hands out machine frames: meaningless for a translated guest. */
    if (op == XENMEM_increase_reservation)
        return start;
    a = domain_abi(d);
    if (!a)
        return start;
    list = (uint64_t)(uintptr_t)r.extent_start.p;

    for (i = start; i < r.nr_extents; i++) {
        xen_pfn_t gfn;
        uint64_t n = 1UL << r.extent_order;
        int rc;

        /* Always finish at least one extent, so that every call makes progress. */
        if (i > start && frames + n > MEMOP_MAX_FRAMES_PER_CALL)
            break;
        if (get_extent(v, list, i, &gfn))
            break;
        if (!extent_ok(d, gfn, r.extent_order))
            break;
        spin_lock(&a->lock);
        if (op == XENMEM_populate_physmap)
            rc = range_is_empty(d, gfn, n) ? populate_one(d, a, gfn, r.extent_order) : -EEXIST;
        else
            rc = range_is_ram(d, gfn, n) ? give_back(d, a, gfn, n) : -ENOENT;
        spin_unlock(&a->lock);
        if (rc)
            break;
        frames += n;
    }
    return i;
}

/* ---------------------------------------------------------- physmap */

/*
 * Make room at gfn for a special frame: RAM there goes back to the
 * domain's parked frames (as Xen frees it), a grant frame is unhooked.
 */
static int clear_gfn(struct domain *d, struct domain_abi *a, uint64_t gfn)
{
    p2m_type_t t;

    p2m_get_entry(&d->hvm.p2m, gfn, &t, NULL, NULL);
    if (is_guest_ram(t) && !(t == p2m_ram_rw && is_special_gfn(d, gfn)))
        return give_back(d, a, gfn, 1);
    grant_table_forget_gfn(d, gfn);
    if (a->shared_info_gfn == gfn)
        a->shared_info_gfn = ~(uint64_t)0;
    return t == p2m_invalid ? 0 : p2m_remove_range(&d->hvm.p2m, gfn, 1);
}

static int map_grant_frame(struct domain *d, struct domain_abi *a, uint64_t idx, uint64_t gfn)
{
    uint64_t old = GNTTAB_NO_GFN;
    mfn_t mfn;
    int rc;

    rc = clear_gfn(d, a, gfn);
    if (rc)
        return rc;
    rc = grant_table_map_frame(d, idx, gfn, &mfn, &old);
    if (rc)
        return rc;
    if (old != GNTTAB_NO_GFN && old != gfn)
        p2m_remove_range(&d->hvm.p2m, old, 1);
    return p2m_set_entry(&d->hvm.p2m, gfn, mfn, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB);
}

/* Move the guest's own RAM frame at gfn idx to gfn (XENMAPSPACE_gmfn). */
static int move_gmfn(struct domain *d, struct domain_abi *a, uint64_t idx, uint64_t gfn)
{
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    if (idx >= d->hvm.p2m.max_gfn)
        return -EINVAL;
    mfn = p2m_get_entry(&d->hvm.p2m, idx, &t, NULL, NULL);
    if (t != p2m_ram_rw || is_special_gfn(d, idx))
        return -EINVAL;
    if (idx == gfn)
        return 0;
    rc = clear_gfn(d, a, gfn);
    if (!rc)
        rc = p2m_remove_range(&d->hvm.p2m, idx, 1);
    if (!rc)
        rc = p2m_set_entry(&d->hvm.p2m, gfn, mfn, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB);
    return rc;
}

static int add_to_physmap_one(struct domain *d, unsigned int space, uint64_t idx, uint64_t gfn)
{
    struct domain_abi *a = domain_abi(d);
    int rc;

    if (!a)
        return -ENOMEM;
    if (gfn >= d->hvm.p2m.max_gfn)
        return -EINVAL;
    switch (space) {
    case XENMAPSPACE_shared_info:
        if (idx != 0)
            return -EINVAL;
        spin_lock(&a->lock);
        rc = clear_gfn(d, a, gfn);
        if (!rc)
            rc = evtchn_map_shared_info(d, gfn);
        if (!rc)
            a->shared_info_gfn = gfn;
        spin_unlock(&a->lock);
        return rc;
    case XENMAPSPACE_grant_table:
        spin_lock(&a->lock);
        rc = map_grant_frame(d, a, idx, gfn);
        spin_unlock(&a->lock);
        return rc;
    case XENMAPSPACE_gmfn:
        spin_lock(&a->lock);
        rc = move_gmfn(d, a, idx, gfn);
        spin_unlock(&a->lock);
        return rc;
    default:
        return -EINVAL;
    }
}

static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    int err = 0;
    long rc = 0;

    if (get_add_to_physmap(v, arg, &x))
        return -EFAULT;
    /* Foreign frames only through add_to_physmap_batch (as in Xen). */
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS;
    d = hypercall_target_domain(v, x.domid, &err);
    if (!d)
        return err;
    if (x.space != XENMAPSPACE_gmfn_range)
        return add_to_physmap_one(d, x.space, x.idx, x.gpfn);
    /* A range: size frames from idx to gpfn, progress written back as Xen does. */
    while (x.size && !rc) {
        rc = add_to_physmap_one(d, XENMAPSPACE_gmfn, x.idx, x.gpfn);
        if (!rc) {
            x.idx++;
            x.gpfn++;
            x.size--;
        }
    }
    if (put_add_to_physmap(v, arg, &x))
        return -EFAULT;
    return rc;
}

/*
 * Leave a hole at gpfn.  RAM there is given back like decrease_reservation
 * does (Xen keeps such a frame allocated to the domain but unreachable);
 * a grant frame or the shared info page is unhooked.
 */
static long remove_from_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_remove_from_physmap x;
    struct domain_abi *a;
    struct domain *d;
    p2m_type_t t;
    int err = 0;
    long rc;

    if (!is_compat(v)) {
        if (copy_from_guest(v, &x, arg, sizeof(x)))
            return -EFAULT;
    } else {
        struct compat_remove_from_physmap c;

        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -EFAULT;
        x.domid = c.domid;
        x.gpfn = c.gpfn;
    }
    d = hypercall_target_domain(v, x.domid, &err);
    if (!d)
        return err;
    a = domain_abi(d);
    if (!a)
        return -ENOMEM;
    if (x.gpfn >= d->hvm.p2m.max_gfn)
        return -ENOENT;
    spin_lock(&a->lock);
    p2m_get_entry(&d->hvm.p2m, x.gpfn, &t, NULL, NULL);
    rc = t == p2m_invalid ? -ENOENT : clear_gfn(d, a, x.gpfn);
    spin_unlock(&a->lock);
    return rc;
}

/* -------------------------------------------------------- memory maps */

static long memory_map(struct vcpu *v, uint64_t arg)
{
    struct xen_memory_map m;
    struct domain_abi *a = v->domain->abi;
    long rc = 0;

    if (get_memory_map(v, arg, &m))
        return -EFAULT;
    /* Xen's answer for a domain that was given no map. */
    if (!a || !a->nr_e820)
        return -ENOSYS;
    spin_lock(&a->lock);
    m.nr_entries = min(m.nr_entries, a->nr_e820);
    if (copy_to_guest(v, (uint64_t)(uintptr_t)m.buffer.p, a->e820,
                      m.nr_entries * sizeof(struct e820entry)) ||
        copy_to_guest(v, arg, &m.nr_entries, sizeof(m.nr_entries)))
        rc = -EFAULT;
    spin_unlock(&a->lock);
    return rc;
}

static long machine_memory_map(struct vcpu *v, uint64_t arg)
{
    const struct boot_info *bi = hypercall_boot_info();
    struct xen_memory_map m;
    unsigned int i;

    if (!hypercall_is_privileged(v))
        return -EPERM;
    if (get_memory_map(v, arg, &m))
        return -EFAULT;
    if (!bi)
        return -ENOSYS;
    if (m.nr_entries < bi->nr_mem)
        return -EINVAL;
    for (i = 0; i < bi->nr_mem; i++) {
        struct e820entry e = { bi->mem[i].addr, bi->mem[i].size, bi->mem[i].type };

        if (copy_to_guest(v, (uint64_t)(uintptr_t)m.buffer.p + i * sizeof(e), &e, sizeof(e)))
            return -EFAULT;
    }
    /* nr_entries is the first field in both layouts; the buffer handle is unchanged. */
    m.nr_entries = bi->nr_mem;
    return copy_to_guest(v, arg, &m.nr_entries, sizeof(m.nr_entries)) ? -EFAULT : 0;
}

/* The host's highest RAM frame + 1 (Xen's max_page). */
static long maximum_ram_page(void)
{
    const struct boot_info *bi = hypercall_boot_info();
    uint64_t top = 0;
    unsigned int i;

    if (!bi)
        return -ENOSYS;
    for (i = 0; i < bi->nr_mem; i++)
        if (bi->mem[i].type == MEM_RAM)
            top = max(top, (uint64_t)((bi->mem[i].addr + bi->mem[i].size) >> PAGE_SHIFT));
    return (long)top;
}

/*
 * The highest gfn the domain has: the end of its memory map, or of any
 * RAM mapped above it (populate_physmap), found by a walk down from the
 * top of the p2m that skips empty blocks.
 */
static long maximum_gpfn(struct domain *d)
{
    uint64_t g = d->hvm.p2m.max_gfn;

    while (g) {
        p2m_type_t t;
        unsigned int order;

        p2m_get_entry(&d->hvm.p2m, g - 1, &t, NULL, &order);
        if (t != p2m_invalid)
            return (long)(g - 1);
        g -= ((g - 1) & ((1UL << order) - 1)) + 1;
    }
    return 0;
}

static long domain_stat(struct vcpu *v, unsigned int op, uint64_t arg)
{
    domid_t domid;
    struct domain *d;
    int err = 0;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)))
        return -EFAULT;
    d = hypercall_target_domain(v, domid, &err);
    if (!d)
        return err;
    if (op == XENMEM_current_reservation)
        return (long)committed_pages(d);
    if (op == XENMEM_maximum_reservation)
        return (long)d->max_pages;
    return maximum_gpfn(d);
}

long do_memory_op(struct vcpu *v, const uint64_t args[5])
{
    unsigned int op = args[0] & MEMOP_CMD_MASK;
    uint64_t start = args[0] >> MEMOP_EXTENT_SHIFT, arg = args[1];

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(v, op, start, arg);
    }
    /* Only the reservation calls carry a start extent. */
    if (start)
        return -ENOSYS;
    switch (op) {
    case XENMEM_maximum_ram_page:
        return maximum_ram_page();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return domain_stat(v, op, arg);
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, arg);
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(v, arg);
    case XENMEM_memory_map:
        return memory_map(v, arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(v, arg);
    default:
        return -ENOSYS;
    }
}
