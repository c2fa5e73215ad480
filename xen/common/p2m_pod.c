/*
 * Lazy population of guest RAM: building a domain marks its RAM
 * populate-on-demand in the p2m (no allocation, no scrubbing, a claim on
 * host memory so the domain cannot be starved later), and the guest's
 * first touch of a region (a nested page fault) backs it here:
 *
 *  - a GiB that is wholly populate-on-demand takes a 1 GiB chunk.  If the
 *    idle scrubber has already zeroed one, it is mapped whole with one
 *    1 GiB leaf: nothing to do at touch time.  Otherwise the chunk is
 *    reserved for this guest GiB (p2m_ram_unscrubbed: frames recorded, not
 *    present) and only the piece touched (2 MiB by default, the whole GiB
 *    with touch_order 18) is scrubbed and mapped.  Later touches scrub
 *    further pieces of the same chunk, at the same offsets, so once every
 *    piece is mapped the p2m's merge turns them back into one 1 GiB leaf;
 *  - a smaller region (a GiB split by the builder's own pages, or a host
 *    out of free GiBs) takes a 2 MiB chunk, else a 4 KiB page, scrubbed
 *    unless known clean.
 *
 * Only the memory a guest touches is ever written, so a 12 TiB guest costs
 * the host (or an emulator that backs RAM lazily) what it uses.  Nothing
 * of a previous owner or of the hypervisor reaches a guest: every frame is
 * scrubbed before it becomes present, unless the allocator knows it clean.
 */
#include <xen/p2m.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <asm/page.h>

const char *const p2m_pod_kind_names[POD_NR_KINDS] = {
    [POD_1G_CLEAN] = "1G clean",
    [POD_1G_SCRUBBED] = "1G scrubbed",
    [POD_2M_CLEAN] = "2M clean",
    [POD_2M_SCRUBBED] = "2M scrubbed",
    [POD_4K] = "4K zeroed",
};

/* Claims follow the frames still populate-on-demand; called under pod.lock. */
static void pod_claim_sync(struct p2m *p2m)
{
    uint64_t want = __atomic_load_n(&p2m->type_frames[p2m_populate_on_demand], __ATOMIC_RELAXED);

    if (want < p2m->pod.claimed) {
        page_alloc_unclaim(p2m->pod.claimed - want);
        p2m->pod.claimed = want;
    }
}

/* Whether [gfn, gfn + nr) maps nothing at all. */
static bool range_empty(struct p2m *p2m, gfn_t gfn, uint64_t nr)
{
    gfn_t g = gfn, end = gfn + nr;

    while (g < end) {
        unsigned int order;
        p2m_type_t t;

        p2m_get_entry(p2m, g, &t, NULL, &order);
        if (t != p2m_invalid)
            return false;
        g = (g | ((1ULL << order) - 1)) + 1;
    }
    return true;
}

int p2m_pod_set(struct p2m *p2m, gfn_t gfn, uint64_t nr)
{
    int rc;

    if (nr > p2m->max_gfn || gfn > p2m->max_gfn - nr)
        return -ERANGE;
    if (!nr)
        return 0;
    spin_lock(&p2m->pod.lock);
    rc = range_empty(p2m, gfn, nr) ? page_alloc_claim(nr) : -EEXIST;
    if (!rc) {
        p2m->pod.claimed += nr;
        rc = p2m_set_range(p2m, gfn, INVALID_MFN, nr, p2m_populate_on_demand, P2M_MT_WB);
        pod_claim_sync(p2m);
    }
    spin_unlock(&p2m->pod.lock);
    return rc;
}

void p2m_pod_release(struct p2m *p2m)
{
    spin_lock(&p2m->pod.lock);
    page_alloc_unclaim(p2m->pod.claimed);
    p2m->pod.claimed = 0;
    spin_unlock(&p2m->pod.lock);
}

/*
 * gfn lies in a p2m_ram_unscrubbed leaf of 2^order frames starting with
 * frame mfn at gfn: scrub the touch piece around gfn and make it present.
 */
static int scrub_piece(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned int order,
                       struct p2m_pod_touch *out)
{
    unsigned int po = min(order, p2m->pod.touch_order);
    gfn_t g0 = gfn & ~((1ULL << po) - 1);
    mfn_t m0 = mfn - (gfn - g0);

    scrub_pages((paddr_t)m0 << PAGE_SHIFT, po);
    out->kind = po >= PAGE_ORDER_1G ? POD_1G_SCRUBBED : po >= PAGE_ORDER_2M ? POD_2M_SCRUBBED
                                                                           : POD_4K;
    out->order = po;
    out->gfn = g0;
    return p2m_change_type_range(p2m, g0, 1ULL << po, p2m_ram_unscrubbed, p2m_ram_rw);
}

static enum p2m_pod_kind kind_of(unsigned int order, bool clean)
{
    if (order == PAGE_ORDER_1G)
        return clean ? POD_1G_CLEAN : POD_1G_SCRUBBED;
    if (order == PAGE_ORDER_2M)
        return clean ? POD_2M_CLEAN : POD_2M_SCRUBBED;
    return POD_4K;
}

/* gfn lies in a populate-on-demand block of 2^order frames: back part of it. */
static int populate(struct p2m *p2m, gfn_t gfn, unsigned int order, p2m_pod_record_fn record,
                    void *arg, struct p2m_pod_touch *out)
{
    static const unsigned int orders[] = {PAGE_ORDER_1G, PAGE_ORDER_2M, PAGE_ORDER_4K};
    unsigned int k;

    for (k = 0; k < ARRAY_SIZE(orders); k++) {
        unsigned int o = orders[k];
        gfn_t g0 = gfn & ~((1ULL << o) - 1);
        bool clean;
        paddr_t ma;
        int rc;

        if (o > order)
            continue;
        ma = alloc_pages_ex(o, ALLOC_PREFER_CLEAN, &clean);
        if (ma == INVALID_PADDR)
            continue;
        rc = record(arg, ma, o);
        if (rc) {
            free_pages(ma, o);
            return rc;
        }
        p2m->pod.allocated += 1ULL << o;
        out->allocated = 1ULL << o;
        if (!clean && o > p2m->pod.touch_order) {
            /* Reserve the chunk for this GiB; scrub only what is touched. */
            rc = p2m_set_range(p2m, g0, ma >> PAGE_SHIFT, 1ULL << o, p2m_ram_unscrubbed,
                               P2M_MT_WB);
            return rc ? rc : scrub_piece(p2m, gfn, (ma >> PAGE_SHIFT) + (gfn - g0), o, out);
        }
        if (!clean)
            scrub_pages(ma, o);
        out->kind = kind_of(o, clean);
        out->order = o;
        out->gfn = g0;
        return p2m_set_range(p2m, g0, ma >> PAGE_SHIFT, 1ULL << o, p2m_ram_rw, P2M_MT_WB);
    }
    return -ENOMEM;
}

int p2m_pod_touch(struct p2m *p2m, gfn_t gfn, p2m_pod_record_fn record, void *arg,
                  struct p2m_pod_touch *out)
{
    unsigned int order;
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    memset(out, 0, sizeof(*out));
    out->kind = POD_NR_KINDS;       /* nothing done (yet) */
    spin_lock(&p2m->pod.lock);
    mfn = p2m_get_entry(p2m, gfn, &t, NULL, &order);
    switch (t) {
    case p2m_ram_unscrubbed:
        rc = scrub_piece(p2m, gfn, mfn, order, out);
        break;
    case p2m_populate_on_demand:
        rc = populate(p2m, gfn, order, record, arg, out);
        break;
    case p2m_ram_rw:
    case p2m_ram_ro:
        rc = 0;                     /* another vCPU backed it first */
        break;
    default:
        rc = -EINVAL;
        break;
    }
    pod_claim_sync(p2m);
    spin_unlock(&p2m->pod.lock);
    return rc;
}

void p2m_pod_account(struct p2m *p2m, const struct p2m_pod_touch *t, uint64_t ticks)
{
    struct p2m_pod_kind_stats *k;

    if (t->kind >= POD_NR_KINDS)
        return;
    spin_lock(&p2m->pod.lock);
    k = &p2m->pod.kind[t->kind];
    k->count++;
    k->ticks += ticks;
    if (ticks > k->max_ticks)
        k->max_ticks = ticks;
    spin_unlock(&p2m->pod.lock);
}

void p2m_pod_dump(struct p2m *p2m, const char *name)
{
    struct p2m_stats st;
    unsigned int k;

    p2m_get_stats(p2m, &st);
    printk("%s memory: %lu MiB mapped, %lu MiB reserved unscrubbed, %lu MiB not yet populated\n",
           name, (unsigned long)((st.type_frames[p2m_ram_rw] + st.type_frames[p2m_ram_ro]) >> 8),
           (unsigned long)(st.type_frames[p2m_ram_unscrubbed] >> 8),
           (unsigned long)(st.type_frames[p2m_populate_on_demand] >> 8));
    spin_lock(&p2m->pod.lock);
    for (k = 0; k < POD_NR_KINDS; k++) {
        const struct p2m_pod_kind_stats *s = &p2m->pod.kind[k];

        if (s->count)
            printk("%s first touch %s: %lu, average %lu ticks, max %lu\n", name,
                   p2m_pod_kind_names[k], (unsigned long)s->count,
                   (unsigned long)(s->ticks / s->count), (unsigned long)s->max_ticks);
    }
    spin_unlock(&p2m->pod.lock);
}
