/*
 * grant_table_op, version 1: the table's size, its version, setup_table
 * (list the frames) and the frames mapped through XENMEM_add_to_physmap.
 * Mapping and copying other domains' grants is not provided yet: those
 * sub-operations answer -ENOSYS.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <asm/page.h>
#include <asm/hvm/support.h>
#include <public/grant_table.h>
#include <public/memory.h>

/* Xen's limit on a table (frames), and its default. */
#define GNTTAB_MAX_FRAMES_LIMIT 1024
static unsigned int opt_max_frames = 64;
integer_param("gnttab_max_frames", opt_max_frames);

/* The upper bits of cmd carry Xen's continuation state; none is used here. */
#define GNTTABOP_CMD_MASK 0xfffU

struct grant_table {
    spinlock_t lock;
    unsigned int version;               /* always 1 */
    unsigned int nr_frames, max_frames;
    void *frame[GNTTAB_MAX_FRAMES_LIMIT];   /* nr_frames allocated */
    uint64_t gfn[GNTTAB_MAX_FRAMES_LIMIT];  /* where each is mapped, or GNTTAB_NO_GFN */
};

static unsigned int max_frames(void)
{
    return opt_max_frames < 1 ? 1 : min(opt_max_frames, (unsigned int)GNTTAB_MAX_FRAMES_LIMIT);
}

static unsigned int gt_order(void)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < sizeof(struct grant_table))
        order++;
    return order;
}

/* The table, created with one frame (as Xen does) on first use; NULL if out of memory. */
static struct grant_table *gt_get(struct domain *d)
{
    unsigned int order = gt_order();
    struct grant_table *gt = __atomic_load_n(&d->grant_table, __ATOMIC_ACQUIRE), *exp = NULL;
    unsigned int i;

    if (gt)
        return gt;
    gt = alloc_xenheap_pages(order);
    if (!gt)
        return NULL;
    spin_lock_init(&gt->lock);
    gt->version = 1;
    gt->max_frames = max_frames();
    for (i = 0; i < GNTTAB_MAX_FRAMES_LIMIT; i++)
        gt->gfn[i] = GNTTAB_NO_GFN;
    gt->frame[0] = alloc_xenheap_pages(0);
    if (!gt->frame[0]) {
        free_xenheap_pages(gt, order);
        return NULL;
    }
    gt->nr_frames = 1;
    if (!__atomic_compare_exchange_n(&d->grant_table, &exp, gt, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free_xenheap_pages(gt->frame[0], 0);
        free_xenheap_pages(gt, order);
        return exp;
    }
    return gt;
}

/* Grow to nr frames (zeroed xenheap pages); lock held.  0 or -ENOMEM (what was added stays). */
static int gt_grow(struct grant_table *gt, unsigned int nr)
{
    while (gt->nr_frames < nr) {
        void *p = alloc_xenheap_pages(0);

        if (!p)
            return -ENOMEM;
        gt->frame[gt->nr_frames++] = p;
    }
    return 0;
}

int grant_table_map_frame(struct domain *d, uint64_t idx, uint64_t gfn, mfn_t *mfn,
                          uint64_t *old_gfn)
{
    struct grant_table *gt = gt_get(d);
    int rc = 0;

    if (!gt)
        return -ENOMEM;
    /* XENMAPIDX_grant_table_status names a v2 status frame: none with v1. */
    if (idx >= gt->max_frames)
        return -EINVAL;
    spin_lock(&gt->lock);
    if (idx >= gt->nr_frames)
        rc = gt_grow(gt, (unsigned int)idx + 1);
    if (!rc) {
        *mfn = virt_to_maddr(gt->frame[idx]) >> PAGE_SHIFT;
        *old_gfn = gt->gfn[idx];
        gt->gfn[idx] = gfn;
    }
    spin_unlock(&gt->lock);
    return rc;
}

bool grant_table_is_frame_gfn(struct domain *d, uint64_t gfn)
{
    struct grant_table *gt = __atomic_load_n(&d->grant_table, __ATOMIC_ACQUIRE);
    unsigned int i;
    bool found = false;

    if (!gt || gfn == GNTTAB_NO_GFN)
        return false;
    spin_lock(&gt->lock);
    for (i = 0; i < gt->nr_frames && !found; i++)
        found = gt->gfn[i] == gfn;
    spin_unlock(&gt->lock);
    return found;
}

void grant_table_forget_gfn(struct domain *d, uint64_t gfn)
{
    struct grant_table *gt = __atomic_load_n(&d->grant_table, __ATOMIC_ACQUIRE);
    unsigned int i;

    if (!gt)
        return;
    spin_lock(&gt->lock);
    for (i = 0; i < gt->nr_frames; i++)
        if (gt->gfn[i] == gfn)
            gt->gfn[i] = GNTTAB_NO_GFN;
    spin_unlock(&gt->lock);
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    if (!gt)
        return;
    d->grant_table = NULL;
    for (i = 0; i < gt->nr_frames; i++)
        free_xenheap_pages(gt->frame[i], 0);
    free_xenheap_pages(gt, gt_order());
}

/* ------------------------------------------------------------ the calls */

/* The domain an op names, as a GNTST_* status (XSM_TARGET rules). */
static struct domain *gnttab_domain(struct vcpu *v, domid_t dom, int16_t *status)
{
    int err = 0;
    struct domain *d = hypercall_target_domain(v, dom, &err);

    if (!d)
        *status = err == -EPERM ? GNTST_permission_denied : GNTST_bad_domain;
    return d;
}

static long query_size(struct vcpu *v, uint64_t uop)
{
    struct gnttab_query_size op;
    struct grant_table *gt;
    struct domain *d;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    d = gnttab_domain(v, op.dom, &op.status);
    if (d) {
        gt = gt_get(d);
        if (gt) {
            op.nr_frames = gt->nr_frames;
            op.max_nr_frames = gt->max_frames;
            op.status = GNTST_okay;
        } else {
            op.status = GNTST_general_error;
        }
    }
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Only version 1 exists here, as on Xen with gnttab=max-ver:1. */
static long set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    if (op.version != 1 && op.version != 2)
        rc = -EINVAL;
    else if (op.version == 2)
        rc = -ENOSYS;
    else
        rc = 0;
    op.version = 1;
    if (copy_to_guest(v, uop, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    int err = 0;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    d = hypercall_target_domain(v, op.dom, &err);
    if (!d)
        return err;
    op.version = 1;
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * Grow the table to nr_frames and list its frames.  An auto-translated
 * guest gets the gfns where the frames are mapped (GNTTAB_NO_GFN for one
 * that is not): machine addresses are none of its business.
 */
static long setup_table(struct vcpu *v, uint64_t uop)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;
    unsigned int i;

    bool compat = hvm_cpu_mode(v) != CPU_MODE_64;
    size_t entry = compat ? sizeof(uint32_t) : sizeof(xen_pfn_t);

    if (compat) {
        /* Xen's compat layout: a 4-byte handle at offset 12, 4-byte frame numbers. */
        struct {
            uint16_t dom;
            uint32_t nr_frames;
            int16_t status;
            uint32_t frame_list;
        } c;

        BUILD_BUG_ON(sizeof(c) != 16);
        if (copy_from_guest(v, &c, uop, sizeof(c)))
            return -EFAULT;
        op.dom = c.dom;
        op.nr_frames = c.nr_frames;
        op.frame_list.p = (xen_pfn_t *)(uintptr_t)c.frame_list;
    } else if (copy_from_guest(v, &op, uop, sizeof(op))) {
        return -EFAULT;
    }
    d = gnttab_domain(v, op.dom, &op.status);
    if (!d)
        goto out;
    gt = gt_get(d);
    if (!gt || op.nr_frames > gt->max_frames) {
        op.status = GNTST_general_error;
        goto out;
    }
    spin_lock(&gt->lock);
    if (gt_grow(gt, op.nr_frames)) {
        spin_unlock(&gt->lock);
        op.status = GNTST_general_error;
        goto out;
    }
    op.status = GNTST_okay;
    for (i = 0; i < op.nr_frames; i++) {
        xen_pfn_t gfn = gt->gfn[i];
        uint32_t gfn32 = (uint32_t)gfn;     /* GNTTAB_NO_GFN reads as ~0 either way */
        uint64_t to = (uint64_t)(uintptr_t)op.frame_list.p + i * entry;

        if (copy_to_guest(v, to, compat ? (void *)&gfn32 : (void *)&gfn, entry)) {
            op.status = GNTST_bad_virt_addr;
            break;
        }
    }
    spin_unlock(&gt->lock);
out:
    /* Only the status goes back (at offset 8 in both layouts). */
    return copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

long do_grant_table_op(struct vcpu *v, const uint64_t args[5])
{
    uint64_t cmd = args[0], uop = args[1];
    uint32_t count = (uint32_t)args[2];

    if ((int32_t)count < 0)
        return -EINVAL;
    if ((cmd & ~(uint64_t)GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush)
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_query_size:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
    case GNTTABOP_setup_table:
        /* Each takes exactly one structure. */
        if (count != 1)
            return -EINVAL;
        break;
    default:
        return -ENOSYS;
    }
    switch (cmd) {
    case GNTTABOP_query_size:
        return query_size(v, uop);
    case GNTTABOP_set_version:
        return set_version(v, uop);
    case GNTTABOP_get_version:
        return get_version(v, uop);
    default:
        return setup_table(v, uop);
    }
}
