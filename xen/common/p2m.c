/*
 * The vendor-neutral p2m tree: mapping, splitting, merging and lookup over
 * tables whose entries the vendor encoder (EPT or NPT) builds and decodes.
 */
#include <xen/p2m.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <asm/page.h>

#define P2M_ENTRIES 512u
#define P2M_LEVEL_BITS 9u
#define P2M_MAX_LEVELS 5u
/* Frames are 40 bits: machine addresses are at most 52 bits. */
#define P2M_MFN_LIMIT (1ULL << 40)
/* Table pages unlinked during one change, freed together after one flush. */
#define P2M_DEAD_BATCH 64u

BUILD_BUG_ON(P2M_NR_TYPES > 16);
BUILD_BUG_ON(p2m_invalid != 0);
BUILD_BUG_ON(P2M_ENTRIES * sizeof(uint64_t) != PAGE_SIZE);

static const unsigned int p2m_type_access_table[P2M_NR_TYPES] = {
    [p2m_invalid] = 0,
    [p2m_ram_rw] = P2M_ACCESS_R | P2M_ACCESS_W | P2M_ACCESS_X,
    [p2m_ram_ro] = P2M_ACCESS_R | P2M_ACCESS_X,
    /* Device memory is data: guests do not execute from it. */
    [p2m_mmio_direct] = P2M_ACCESS_R | P2M_ACCESS_W,
    /* Not present: the first touch faults and populates. */
    [p2m_populate_on_demand] = 0,
    [p2m_grant_map_rw] = P2M_ACCESS_R | P2M_ACCESS_W,
    [p2m_grant_map_ro] = P2M_ACCESS_R,
    [p2m_map_foreign] = P2M_ACCESS_R | P2M_ACCESS_W,
    /* Not present: the first touch scrubs the piece and maps it. */
    [p2m_ram_unscrubbed] = 0,
};

unsigned int p2m_type_access(p2m_type_t t)
{
    return (unsigned int)t < P2M_NR_TYPES ? p2m_type_access_table[t] : 0;
}

bool p2m_type_has_mfn(p2m_type_t t)
{
    return t != p2m_invalid && t != p2m_populate_on_demand && (unsigned int)t < P2M_NR_TYPES;
}

bool p2m_memtype_is_valid(unsigned int mt)
{
    return mt == P2M_MT_UC || mt == P2M_MT_WC || mt == P2M_MT_WT || mt == P2M_MT_WP ||
           mt == P2M_MT_WB;
}

static inline uint64_t level_frames(unsigned int level)
{
    return 1ULL << (level * P2M_LEVEL_BITS);
}

/* ---- one change to the tree, and what it leaves to do at the end ---- */

enum p2m_op_kind {
    P2M_OP_SET,
    P2M_OP_CHANGE_TYPE,
    P2M_OP_REMOVE,
};

struct p2m_change {
    enum p2m_op_kind kind;
    gfn_t start, end; /* [start, end) */
    mfn_t mfn;        /* SET: frame for start (types with frames) */
    p2m_type_t type;  /* SET: new type; CHANGE_TYPE: the type to set */
    p2m_type_t from;  /* CHANGE_TYPE: entries of this type change */
    p2m_memtype_t mt; /* SET */
    bool need_flush;  /* a present entry changed */
    unsigned int nr_dead;
    paddr_t dead[P2M_DEAD_BATCH];
};

static uint64_t *table_of(paddr_t ma)
{
    return maddr_to_virt(ma);
}

static bool entry_is_table(const struct p2m *p2m, uint64_t e, unsigned int level)
{
    return level > 0 && p2m->ops->is_table(e, level);
}

/* A mapped leaf: neither empty nor a table. */
static bool entry_is_leaf(const struct p2m *p2m, uint64_t e, unsigned int level)
{
    return e != 0 && !entry_is_table(p2m, e, level);
}

static void decode_leaf(const struct p2m *p2m, uint64_t e, unsigned int level, struct p2m_leaf *l)
{
    if (e == 0) {
        l->type = p2m_invalid;
        l->mt = P2M_MT_WB;
        l->mfn = INVALID_MFN;
        return;
    }
    p2m->ops->decode_leaf(e, level, l);
    if (!p2m_type_has_mfn(l->type))
        l->mfn = INVALID_MFN;
}

static uint64_t make_leaf(const struct p2m *p2m, const struct p2m_leaf *l, unsigned int level)
{
    return l->type == p2m_invalid ? 0 : p2m->ops->make_leaf(l, level);
}

/* Count a leaf entering (sign +1) or leaving (-1) the tree, by size and by type. */
static void account_leaf(struct p2m *p2m, uint64_t e, unsigned int level, int sign)
{
    struct p2m_leaf l;

    if (!entry_is_leaf(p2m, e, level))
        return;
    decode_leaf(p2m, e, level, &l);
    p2m->nr_leaves[level] += (uint64_t)(int64_t)sign;
    if ((unsigned int)l.type < P2M_NR_TYPES)
        p2m->type_frames[l.type] += (uint64_t)(int64_t)sign * level_frames(level);
    if (l.type == p2m_ram_rw || l.type == p2m_ram_ro)
        p2m->ram_leaves[level] += (uint64_t)(int64_t)sign;
}

static void p2m_flush(struct p2m *p2m)
{
    __atomic_add_fetch(&p2m->tlb_gen, 1, __ATOMIC_SEQ_CST);
    if (p2m->hw_loaded && p2m->ops->flush)
        p2m->ops->flush(p2m);
}

/* Flush if anything present changed, then free the tables unlinked so far. */
static void p2m_sync(struct p2m *p2m, struct p2m_change *c)
{
    unsigned int i;

    if (c->need_flush || c->nr_dead) {
        p2m_flush(p2m);
        c->need_flush = false;
    }
    for (i = 0; i < c->nr_dead; i++) {
        free_pages(c->dead[i], PAGE_ORDER_4K);
        p2m->nr_tables--;
    }
    c->nr_dead = 0;
}

static void defer_free(struct p2m *p2m, struct p2m_change *c, paddr_t ma)
{
    if (c->nr_dead == P2M_DEAD_BATCH)
        p2m_sync(p2m, c);
    c->dead[c->nr_dead++] = ma;
}

/*
 * Every write goes through here: one atomic store (the hardware walks the
 * tables concurrently), leaf accounting, and noting the need for a flush.
 */
static void write_entry(struct p2m *p2m, struct p2m_change *c, uint64_t *ep, unsigned int level,
                        uint64_t new)
{
    uint64_t old = *ep;

    account_leaf(p2m, old, level, -1);
    account_leaf(p2m, new, level, 1);
    if (old != 0 && p2m->ops->is_present(old))
        c->need_flush = true;
    __atomic_store_n(ep, new, __ATOMIC_RELEASE);
}

/*
 * A table that is no longer linked: forget its leaves and queue it and
 * every table below it for freeing (children first, so a batch never frees
 * a table that is still to be read).
 */
static void free_subtree(struct p2m *p2m, struct p2m_change *c, paddr_t ma, unsigned int level)
{
    const uint64_t *t = table_of(ma);
    unsigned int i;

    for (i = 0; i < P2M_ENTRIES; i++) {
        if (entry_is_table(p2m, t[i], level))
            free_subtree(p2m, c, p2m->ops->table_maddr(t[i]), level - 1);
        else
            account_leaf(p2m, t[i], level, -1);
    }
    defer_free(p2m, c, ma);
}

/* A fresh table whose 512 entries together map what leaf l at level + 1 did. */
static paddr_t new_table(struct p2m *p2m, const struct p2m_leaf *l, unsigned int level)
{
    paddr_t ma = alloc_pages(PAGE_ORDER_4K);
    struct p2m_leaf child = *l;
    uint64_t *t;
    unsigned int i;

    if (ma == INVALID_PADDR)
        return INVALID_PADDR;
    t = table_of(ma);
    p2m->nr_tables++;
    if (l->type == p2m_invalid) {
        memset(t, 0, PAGE_SIZE);
        return ma;
    }
    for (i = 0; i < P2M_ENTRIES; i++) {
        t[i] = p2m->ops->make_leaf(&child, level);
        account_leaf(p2m, t[i], level, 1);
        if (p2m_type_has_mfn(child.type))
            child.mfn += level_frames(level);
    }
    return ma;
}

/* Frame the change gives to gfn g (INVALID_MFN for types without frames). */
static mfn_t change_mfn(const struct p2m_change *c, gfn_t g)
{
    return p2m_type_has_mfn(c->type) ? c->mfn + (g - c->start) : INVALID_MFN;
}

/* Whether the change alters any of [s, e) inside leaf l, which starts at egfn. */
static bool change_alters(const struct p2m_change *c, const struct p2m_leaf *l, gfn_t egfn, gfn_t s)
{
    switch (c->kind) {
    case P2M_OP_SET:
        if (l->type != c->type || l->mt != c->mt)
            return true;
        return p2m_type_has_mfn(c->type) && l->mfn + (s - egfn) != change_mfn(c, s);
    case P2M_OP_CHANGE_TYPE:
        return l->type == c->from;
    case P2M_OP_REMOVE:
        return l->type != p2m_invalid;
    }
    return false;
}

/*
 * The single leaf at this level that results from applying the change to
 * the whole of an entry (currently leaf old, or a table if old is NULL),
 * if there is one.
 */
static bool change_whole_leaf(const struct p2m *p2m, const struct p2m_change *c,
                              const struct p2m_leaf *old, unsigned int level, gfn_t egfn,
                              struct p2m_leaf *out)
{
    switch (c->kind) {
    case P2M_OP_SET:
        if (level > p2m->max_leaf_level)
            return false;
        out->type = c->type;
        out->mt = c->mt;
        out->mfn = change_mfn(c, egfn);
        return !p2m_type_has_mfn(c->type) || IS_ALIGNED(out->mfn, level_frames(level));
    case P2M_OP_CHANGE_TYPE:
        if (!old)
            return false;
        *out = *old;
        out->type = c->type;
        return true;
    case P2M_OP_REMOVE:
        out->type = p2m_invalid;
        out->mt = P2M_MT_WB;
        out->mfn = INVALID_MFN;
        return true;
    }
    return false;
}

/*
 * If the 512 entries of the table *ep references could be one entry at
 * this level (all empty, or one leaf's worth of contiguous, aligned,
 * identical leaves), replace the table by that entry.
 */
static void try_merge(struct p2m *p2m, struct p2m_change *c, uint64_t *ep, unsigned int level)
{
    paddr_t ma = p2m->ops->table_maddr(*ep);
    const uint64_t *t = table_of(ma);
    unsigned int i, cl = level - 1;
    struct p2m_leaf first, l;
    uint64_t step = level_frames(cl);
    bool has_mfn;

    if (t[0] == 0) {
        for (i = 1; i < P2M_ENTRIES; i++)
            if (t[i] != 0)
                return;
        write_entry(p2m, c, ep, level, 0);
        defer_free(p2m, c, ma);
        return;
    }
    if (level > p2m->max_leaf_level || entry_is_table(p2m, t[0], cl))
        return;
    decode_leaf(p2m, t[0], cl, &first);
    has_mfn = p2m_type_has_mfn(first.type);
    if (has_mfn && !IS_ALIGNED(first.mfn, level_frames(level)))
        return;
    for (i = 1; i < P2M_ENTRIES; i++) {
        if (t[i] == 0 || entry_is_table(p2m, t[i], cl))
            return;
        decode_leaf(p2m, t[i], cl, &l);
        if (l.type != first.type || l.mt != first.mt)
            return;
        if (has_mfn && l.mfn != first.mfn + i * step)
            return;
    }
    /* Leaves below are accounted by the subtree walk, the new one by the write. */
    write_entry(p2m, c, ep, level, p2m->ops->make_leaf(&first, level));
    free_subtree(p2m, c, ma, cl);
}

static int change_table(struct p2m *p2m, struct p2m_change *c, paddr_t ma, unsigned int level,
                        gfn_t base);

/* Applies the change to the part of entry *ep (at level, starting at egfn) it covers. */
static int change_entry(struct p2m *p2m, struct p2m_change *c, uint64_t *ep, unsigned int level,
                        gfn_t egfn)
{
    uint64_t span = level_frames(level);
    gfn_t s = max(c->start, egfn), e = min(c->end, egfn + span);
    bool whole = s == egfn && e == egfn + span;
    struct p2m_leaf old, nl;
    paddr_t child;
    int rc;

    if (entry_is_table(p2m, *ep, level)) {
        child = p2m->ops->table_maddr(*ep);
        if (whole && c->kind != P2M_OP_CHANGE_TYPE &&
            change_whole_leaf(p2m, c, NULL, level, egfn, &nl)) {
            write_entry(p2m, c, ep, level, make_leaf(p2m, &nl, level));
            free_subtree(p2m, c, child, level - 1);
            return 0;
        }
        rc = change_table(p2m, c, child, level - 1, egfn);
        try_merge(p2m, c, ep, level);
        return rc;
    }

    decode_leaf(p2m, *ep, level, &old);
    if (!change_alters(c, &old, egfn, s))
        return 0;
    if (whole && change_whole_leaf(p2m, c, &old, level, egfn, &nl)) {
        write_entry(p2m, c, ep, level, make_leaf(p2m, &nl, level));
        return 0;
    }

    /* Part of a leaf (or an empty slot) changes: split it into a table first. */
    ASSERT(level > 0);
    child = new_table(p2m, &old, level - 1);
    if (child == INVALID_PADDR)
        return -ENOMEM;
    account_leaf(p2m, *ep, level, -1);
    /* Same translations as before: no flush needed for the split itself. */
    __atomic_store_n(ep, p2m->ops->make_table(child), __ATOMIC_RELEASE);
    rc = change_table(p2m, c, child, level - 1, egfn);
    try_merge(p2m, c, ep, level);
    return rc;
}

/* Applies the change to the entries of the table at ma (entries at level, from gfn base). */
static int change_table(struct p2m *p2m, struct p2m_change *c, paddr_t ma, unsigned int level,
                        gfn_t base)
{
    uint64_t *t = table_of(ma);
    unsigned int shift = level * P2M_LEVEL_BITS;
    gfn_t table_end = base + (level_frames(level) << P2M_LEVEL_BITS);
    unsigned int i = (unsigned int)((max(c->start, base) - base) >> shift);
    unsigned int last = (unsigned int)((min(c->end, table_end) - 1 - base) >> shift);
    int rc = 0;

    for (; i <= last && rc == 0; i++)
        rc = change_entry(p2m, c, &t[i], level, base + ((gfn_t)i << shift));
    return rc;
}

static int p2m_apply(struct p2m *p2m, struct p2m_change *c)
{
    int rc;

    c->need_flush = false;
    c->nr_dead = 0;
    spin_lock(&p2m->lock);
    rc = change_table(p2m, c, p2m->root, p2m->levels - 1, 0);
    p2m_sync(p2m, c);
    spin_unlock(&p2m->lock);
    return rc;
}

static int check_range(const struct p2m *p2m, gfn_t gfn, uint64_t nr)
{
    if (nr > p2m->max_gfn || gfn > p2m->max_gfn - nr)
        return -ERANGE;
    return 0;
}

/* ---- the interface ---- */

int p2m_init(struct p2m *p2m, const struct p2m_ops *ops, unsigned int gpa_bits,
             unsigned int max_order)
{
    paddr_t root;

    if (gpa_bits < 32 || gpa_bits > 52 || max_order % P2M_LEVEL_BITS || max_order > PAGE_ORDER_1G)
        return -EINVAL;
    root = alloc_pages(PAGE_ORDER_4K);
    if (root == INVALID_PADDR)
        return -ENOMEM;
    memset(table_of(root), 0, PAGE_SIZE);
    memset(p2m, 0, sizeof(*p2m));
    spin_lock_init(&p2m->lock);
    p2m->ops = ops;
    p2m->root = root;
    p2m->gpa_bits = gpa_bits;
    p2m->levels = gpa_bits > 48 ? 5 : 4;
    p2m->max_leaf_level = max_order / P2M_LEVEL_BITS;
    p2m->max_gfn = 1ULL << (gpa_bits - PAGE_SHIFT);
    p2m->nr_tables = 1;
    spin_lock_init(&p2m->pod.lock);
    p2m->pod.touch_order = PAGE_ORDER_2M;
    return 0;
}

void p2m_teardown(struct p2m *p2m)
{
    struct p2m_change c = {.kind = P2M_OP_REMOVE};

    if (p2m->root == INVALID_PADDR)
        return;
    spin_lock(&p2m->lock);
    free_subtree(p2m, &c, p2m->root, p2m->levels - 1);
    c.need_flush = true; /* a CPU may still cache the root's translations */
    p2m_sync(p2m, &c);
    p2m->root = INVALID_PADDR;
    spin_unlock(&p2m->lock);
}

int p2m_set_range(struct p2m *p2m, gfn_t gfn, mfn_t mfn, uint64_t nr, p2m_type_t t,
                  p2m_memtype_t mt)
{
    struct p2m_change c = {
        .kind = P2M_OP_SET,
        .start = gfn,
        .end = gfn + nr,
        .type = t,
        .mt = mt,
    };
    int rc = check_range(p2m, gfn, nr);

    if (rc)
        return rc;
    if (t == p2m_invalid || (unsigned int)t >= P2M_NR_TYPES || !p2m_memtype_is_valid(mt))
        return -EINVAL;
    if (p2m_type_has_mfn(t)) {
        if (mfn >= P2M_MFN_LIMIT || nr > P2M_MFN_LIMIT - mfn)
            return -ERANGE;
        c.mfn = mfn;
    } else {
        c.mfn = INVALID_MFN;
    }
    if (nr == 0)
        return 0;
    return p2m_apply(p2m, &c);
}

int p2m_set_entry(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned int order, p2m_type_t t,
                  p2m_memtype_t mt)
{
    uint64_t nr;

    if (order != PAGE_ORDER_4K && order != PAGE_ORDER_2M && order != PAGE_ORDER_1G)
        return -EINVAL;
    nr = 1ULL << order;
    if (!IS_ALIGNED(gfn, nr) || (p2m_type_has_mfn(t) && !IS_ALIGNED(mfn, nr)))
        return -EINVAL;
    return p2m_set_range(p2m, gfn, mfn, nr, t, mt);
}

int p2m_change_type_range(struct p2m *p2m, gfn_t gfn, uint64_t nr, p2m_type_t from, p2m_type_t to)
{
    struct p2m_change c = {
        .kind = P2M_OP_CHANGE_TYPE,
        .start = gfn,
        .end = gfn + nr,
        .type = to,
        .from = from,
    };
    int rc = check_range(p2m, gfn, nr);

    if (rc)
        return rc;
    if (from == p2m_invalid || to == p2m_invalid || (unsigned int)from >= P2M_NR_TYPES ||
        (unsigned int)to >= P2M_NR_TYPES || p2m_type_has_mfn(from) != p2m_type_has_mfn(to))
        return -EINVAL;
    if (nr == 0 || from == to)
        return 0;
    return p2m_apply(p2m, &c);
}

int p2m_remove_range(struct p2m *p2m, gfn_t gfn, uint64_t nr)
{
    struct p2m_change c = {.kind = P2M_OP_REMOVE, .start = gfn, .end = gfn + nr};
    int rc = check_range(p2m, gfn, nr);

    if (rc || nr == 0)
        return rc;
    return p2m_apply(p2m, &c);
}

mfn_t p2m_get_entry(struct p2m *p2m, gfn_t gfn, p2m_type_t *t, p2m_memtype_t *mt,
                    unsigned int *order)
{
    struct p2m_leaf l = {p2m_invalid, P2M_MT_WB, INVALID_MFN};
    unsigned int level = 0, shift;
    paddr_t ma;
    uint64_t e;

    if (gfn < p2m->max_gfn) {
        spin_lock(&p2m->lock);
        ma = p2m->root;
        for (level = p2m->levels - 1;; level--) {
            shift = level * P2M_LEVEL_BITS;
            e = table_of(ma)[(gfn >> shift) % P2M_ENTRIES];
            if (!entry_is_table(p2m, e, level))
                break;
            ma = p2m->ops->table_maddr(e);
        }
        decode_leaf(p2m, e, level, &l);
        if (l.mfn != INVALID_MFN)
            l.mfn += gfn % level_frames(level);
        spin_unlock(&p2m->lock);
    }
    if (t)
        *t = l.type;
    if (mt)
        *mt = l.mt;
    if (order)
        *order = P2M_LEVEL_ORDER(level);
    return l.mfn;
}

void p2m_get_stats(struct p2m *p2m, struct p2m_stats *st)
{
    unsigned int l;

    memset(st, 0, sizeof(*st));
    spin_lock(&p2m->lock);
    for (l = 0; l < P2M_NR_LEAF_LEVELS; l++) {
        st->leaves[l] = p2m->nr_leaves[l];
        st->frames += p2m->nr_leaves[l] * level_frames(l);
    }
    for (l = 0; l < P2M_NR_TYPES; l++)
        st->type_frames[l] = p2m->type_frames[l];
    for (l = 0; l < P2M_NR_LEAF_LEVELS; l++)
        st->ram_leaves[l] = p2m->ram_leaves[l];
    st->table_pages = p2m->nr_tables;
    spin_unlock(&p2m->lock);
    st->meta_bytes = st->table_pages * PAGE_SIZE;
}

void p2m_dump(struct p2m *p2m, const char *name)
{
    struct p2m_stats st;

    p2m_get_stats(p2m, &st);
    printk("%s p2m (%s, %u-bit, %u levels): RAM mapped %lu MiB: %lu x 1G, %lu x 2M, %lu x 4K; "
           "%lu table pages (%lu KiB)\n",
           name, p2m->ops->name, p2m->gpa_bits, p2m->levels,
           (unsigned long)((st.type_frames[p2m_ram_rw] + st.type_frames[p2m_ram_ro]) >> 8),
           (unsigned long)st.ram_leaves[P2M_LEVEL_1G], (unsigned long)st.ram_leaves[P2M_LEVEL_2M],
           (unsigned long)st.ram_leaves[P2M_LEVEL_4K], (unsigned long)st.table_pages,
           (unsigned long)(st.meta_bytes >> 10));
}

/* ---- consistency check ---- */

struct p2m_census {
    uint64_t leaves[P2M_NR_LEAF_LEVELS];
    uint64_t type_frames[P2M_NR_TYPES];
    uint64_t ram_leaves[P2M_NR_LEAF_LEVELS];
    uint64_t tables;
    int bad;
};

static void check_table(struct p2m *p2m, struct p2m_census *cs, paddr_t ma, unsigned int level,
                        bool is_root)
{
    const uint64_t *t = table_of(ma);
    struct p2m_leaf l, first = {p2m_invalid, P2M_MT_WB, INVALID_MFN};
    bool empty = true, mergeable = !is_root;
    unsigned int i;

    cs->tables++;
    for (i = 0; i < P2M_ENTRIES; i++) {
        if (entry_is_table(p2m, t[i], level)) {
            check_table(p2m, cs, p2m->ops->table_maddr(t[i]), level - 1, false);
            mergeable = false;
            empty = false;
            continue;
        }
        decode_leaf(p2m, t[i], level, &l);
        if ((t[i] == 0) != (l.type == p2m_invalid) || (unsigned int)l.type >= P2M_NR_TYPES ||
            (t[i] != 0 && level > p2m->max_leaf_level)) {
            printk(XENLOG_ERR "p2m: bad entry %#lx at level %u\n", (unsigned long)t[i], level);
            cs->bad++;
            continue;
        }
        if (t[i] != 0) {
            cs->leaves[level]++;
            cs->type_frames[l.type] += level_frames(level);
            if (l.type == p2m_ram_rw || l.type == p2m_ram_ro)
                cs->ram_leaves[level]++;
            empty = false;
            if (p2m_type_has_mfn(l.type) &&
                (!IS_ALIGNED(l.mfn, level_frames(level)) || l.mfn >= P2M_MFN_LIMIT)) {
                printk(XENLOG_ERR "p2m: misaligned frame %#lx at level %u\n", (unsigned long)l.mfn,
                       level);
                cs->bad++;
            }
        }
        if (i == 0) {
            first = l;
            if (p2m_type_has_mfn(l.type) && !IS_ALIGNED(l.mfn, level_frames(level + 1)))
                mergeable = false;
        } else if (l.type != first.type || l.mt != first.mt ||
                   (p2m_type_has_mfn(l.type) && l.mfn != first.mfn + i * level_frames(level))) {
            mergeable = false;
        }
    }
    if (!is_root && (empty || (mergeable && level + 1 <= p2m->max_leaf_level))) {
        printk(XENLOG_ERR "p2m: table %#lx at level %u should have been merged\n",
               (unsigned long)ma, level);
        cs->bad++;
    }
}

int p2m_check(struct p2m *p2m)
{
    struct p2m_census cs;
    unsigned int l;

    memset(&cs, 0, sizeof(cs));
    spin_lock(&p2m->lock);
    check_table(p2m, &cs, p2m->root, p2m->levels - 1, true);
    for (l = 0; l < P2M_NR_LEAF_LEVELS; l++) {
        if (cs.ram_leaves[l] != p2m->ram_leaves[l]) {
            printk(XENLOG_ERR "p2m: %lu RAM leaves at level %u, counted %lu\n",
                   (unsigned long)cs.ram_leaves[l], l, (unsigned long)p2m->ram_leaves[l]);
            cs.bad++;
        }
        if (cs.leaves[l] != p2m->nr_leaves[l]) {
            printk(XENLOG_ERR "p2m: %lu leaves at level %u, counted %lu\n",
                   (unsigned long)cs.leaves[l], l, (unsigned long)p2m->nr_leaves[l]);
            cs.bad++;
        }
    }
    for (l = 0; l < P2M_NR_TYPES; l++) {
        if (cs.type_frames[l] != p2m->type_frames[l]) {
            printk(XENLOG_ERR "p2m: %lu frames of type %u, counted %lu\n",
                   (unsigned long)cs.type_frames[l], l, (unsigned long)p2m->type_frames[l]);
            cs.bad++;
        }
    }
    if (cs.tables != p2m->nr_tables) {
        printk(XENLOG_ERR "p2m: %lu tables, counted %lu\n", (unsigned long)cs.tables,
               (unsigned long)p2m->nr_tables);
        cs.bad++;
    }
    spin_unlock(&p2m->lock);
    return cs.bad;
}
