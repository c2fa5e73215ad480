/*
 * The host page allocator, built for terabytes.
 *
 * Memory is described per 1 GiB chunk in one table sized by the highest
 * usable address (32 bytes per GiB).  A chunk is ABSENT (no RAM), FREE
 * (wholly free), USED (allocated whole) or SPLIT.  Only a SPLIT chunk has
 * finer metadata, and that metadata lives inside the chunk itself:
 *
 *  - a split GiB keeps a gib_meta page (state of each of its 512 2 MiB
 *    chunks) in one of its own pages;
 *  - a split 2 MiB chunk keeps an sp_meta page (free and usable bitmaps of
 *    its 512 4 KiB pages) in one of its own pages.
 *
 * So boot does work per GiB (and per memory-map boundary), never per 4 KiB
 * page, and untouched memory is never written.  When every page of a split
 * chunk is free again, the chunk merges back and its metadata page returns
 * with it.  Allocations are naturally aligned blocks of 2^order pages and
 * are freed with the order they were allocated with.
 *
 * Clean or dirty: a free 1 GiB chunk, and a free 2 MiB chunk of a split
 * GiB, carries a "clean" bit: set only once the hypervisor has written
 * zeros over it (the background scrubber, page_scrub_step(), run by idle
 * CPUs).  Everything else is dirty: RAM found at boot (firmware and boot
 * loader data may be there: never assume it is zero), everything freed,
 * and any chunk whose metadata pages were merged back.  Callers that hand
 * memory to a guest ask for clean chunks first (alloc_pages_ex()) and scrub
 * what comes back dirty; 4 KiB allocations are always reported dirty.
 * The scrubber keeps at most `scrub-pool` bytes of free memory clean, so
 * that a machine whose RAM is mostly never used (a 13 TiB emulated one)
 * never pays to zero all of it.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/spinlock.h>
#include <asm/page.h>

#define PAGES_PER_2M  512u
#define PAGES_PER_1G  (512u * 512u)
#define NONE32        UINT32_MAX

/* CH_SCRUB: a free GiB the background scrubber holds (off every list, counted free). */
enum chunk_state { CH_ABSENT, CH_FREE, CH_USED, CH_SPLIT, CH_SCRUB };

struct gib {
    uint8_t state;
    uint8_t clean;              /* FREE: zeroed by the scrubber since it was last used */
    uint16_t nfree_2m;          /* SPLIT: wholly free 2 MiB chunks */
    uint32_t usable;            /* pages of RAM in this GiB (metadata included) */
    uint32_t free_pages;        /* free 4 KiB pages (metadata pages excluded) */
    uint32_t prev, next;        /* free-GiB list or GiBs-with-free-2M list */
    paddr_t meta;               /* SPLIT: machine address of its gib_meta */
};

/* Lives in a page of a split GiB. */
struct gib_meta {
    uint8_t state2m[512];       /* enum chunk_state of each 2 MiB chunk */
    uint16_t meta_idx[512];     /* SPLIT 2 MiB chunk: page index of its sp_meta */
    uint64_t clean2m[8];        /* FREE 2 MiB chunk known to be zero */
};

/* Lives in a page of a split 2 MiB chunk. */
struct sp_meta {
    uint64_t free[8];           /* bit set: page free */
    uint64_t usable[8];         /* bit set: page is RAM */
    uint16_t nfree, nusable;
    bool hosts_gib_meta;        /* the GiB's gib_meta page is in this chunk */
    paddr_t base;               /* machine address of the 2 MiB chunk */
    paddr_t prev, next;         /* list of split chunks with free pages */
};

BUILD_BUG_ON(sizeof(struct gib_meta) > PAGE_SIZE);
BUILD_BUG_ON(sizeof(struct sp_meta) > PAGE_SIZE);
BUILD_BUG_ON(sizeof(struct gib) != 32);      /* the per-GiB cost the docs quote */

static DEFINE_SPINLOCK(heap_lock);
static struct gib *gibs;
static uint64_t nr_gibs;
static uint32_t free_gib_head = NONE32;     /* state FREE, dirty */
static uint32_t clean_gib_head = NONE32;    /* state FREE, clean */
static uint32_t part_gib_head = NONE32;     /* SPLIT with nfree_2m > 0 */
static paddr_t sp_head = INVALID_PADDR;     /* sp_meta with nfree > 0 */
static uint64_t total_pages, free_pages_count, nr_split_1g, nr_split_2m;
static uint64_t clean_pages_count, scrubbed_1g;
static uint64_t claimed_pages;
/* The GiB the scrubber is working through, and its next 2 MiB chunk. */
static uint32_t scrub_gi = NONE32;
static unsigned int scrub_next;
static bool scrub_busy;

/* Free memory the idle scrubber keeps zeroed ahead of demand. */
static uint64_t opt_scrub_pool = GB(1);
#define SCRUB_STEP_ORDER 6                  /* 64 pages, 256 KiB */
#define SCRUB_STEPS_PER_1G (PAGES_PER_1G >> SCRUB_STEP_ORDER)
size_param("scrub-pool", opt_scrub_pool);

static inline struct gib_meta *gm_of(const struct gib *g)
{
    return maddr_to_virt(g->meta);
}

static inline struct sp_meta *sp_at(paddr_t ma)
{
    return maddr_to_virt(ma);
}

static inline paddr_t gib_base(uint64_t i)
{
    return (paddr_t)i << GIGAPAGE_SHIFT;
}

static inline paddr_t sp_addr(const struct gib *g, uint64_t gi, unsigned int c)
{
    return gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT) +
           ((paddr_t)gm_of(g)->meta_idx[c] << PAGE_SHIFT);
}

static inline bool test_bit64(const uint64_t *map, unsigned int i)
{
    return (map[i / 64] >> (i % 64)) & 1;
}
static inline void set_bit64(uint64_t *map, unsigned int i)
{
    map[i / 64] |= 1ULL << (i % 64);
}
static inline void clear_bit64(uint64_t *map, unsigned int i)
{
    map[i / 64] &= ~(1ULL << (i % 64));
}

static unsigned int popcount512(const uint64_t *map)
{
    unsigned int i, n = 0;

    for (i = 0; i < 8; i++)
        n += hweight64(map[i]);
    return n;
}

/* ---- GiB lists (links are table indices) ---- */

static void gib_list_add(uint32_t *head, uint64_t i)
{
    gibs[i].prev = NONE32;
    gibs[i].next = *head;
    if (*head != NONE32)
        gibs[*head].prev = (uint32_t)i;
    *head = (uint32_t)i;
}

static void gib_list_del(uint32_t *head, uint64_t i)
{
    struct gib *g = &gibs[i];

    if (g->prev != NONE32)
        gibs[g->prev].next = g->next;
    else
        *head = g->next;
    if (g->next != NONE32)
        gibs[g->next].prev = g->prev;
    g->prev = g->next = NONE32;
}

/* A GiB becomes wholly free: on the clean or the dirty list. */
static void free_gib_add(uint64_t gi, bool clean)
{
    gibs[gi].state = CH_FREE;
    gibs[gi].clean = clean;
    if (clean)
        clean_pages_count += PAGES_PER_1G;
    gib_list_add(clean ? &clean_gib_head : &free_gib_head, gi);
}

static void free_gib_del(uint64_t gi)
{
    if (gibs[gi].clean) {
        clean_pages_count -= PAGES_PER_1G;
        gib_list_del(&clean_gib_head, gi);
    } else {
        gib_list_del(&free_gib_head, gi);
    }
    gibs[gi].clean = 0;
}

static void clean2m_clear(struct gib_meta *gm, unsigned int c)
{
    if (test_bit64(gm->clean2m, c)) {
        clear_bit64(gm->clean2m, c);
        clean_pages_count -= PAGES_PER_2M;
    }
}

/* ---- split 2 MiB chunk list (links are machine addresses of sp_meta) ---- */

static void sp_list_add(paddr_t ma)
{
    struct sp_meta *sp = sp_at(ma);

    sp->prev = INVALID_PADDR;
    sp->next = sp_head;
    if (sp_head != INVALID_PADDR)
        sp_at(sp_head)->prev = ma;
    sp_head = ma;
}

static void sp_list_del(paddr_t ma)
{
    struct sp_meta *sp = sp_at(ma);

    if (sp->prev != INVALID_PADDR)
        sp_at(sp->prev)->next = sp->next;
    else
        sp_head = sp->next;
    if (sp->next != INVALID_PADDR)
        sp_at(sp->next)->prev = sp->prev;
    sp->prev = sp->next = INVALID_PADDR;
}

/*
 * Make 2 MiB chunk c of GiB gi split, with its sp_meta at page meta_idx.
 * Pages [first, last) of the chunk become usable and free (the metadata
 * page itself excepted).
 */
static struct sp_meta *sp_create(uint64_t gi, unsigned int c, unsigned int meta_idx,
                                 unsigned int first, unsigned int last)
{
    struct gib *g = &gibs[gi];
    paddr_t base = gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT);
    paddr_t ma = base + ((paddr_t)meta_idx << PAGE_SHIFT);
    struct sp_meta *sp = sp_at(ma);
    unsigned int i;

    memset(sp, 0, sizeof(*sp));
    sp->base = base;
    sp->prev = sp->next = INVALID_PADDR;
    for (i = first; i < last; i++) {
        set_bit64(sp->usable, i);
        if (i != meta_idx)
            set_bit64(sp->free, i);
    }
    sp->nusable = (uint16_t)(last - first);
    sp->nfree = (uint16_t)(sp->nusable - 1);
    gm_of(g)->state2m[c] = CH_SPLIT;
    gm_of(g)->meta_idx[c] = (uint16_t)meta_idx;
    nr_split_2m++;
    if (sp->nfree)
        sp_list_add(ma);
    return sp;
}

/* A split GiB whose 2 MiB chunk c hosts both metadata pages. */
static void gib_split(uint64_t gi, unsigned int c, unsigned int first, unsigned int last,
                      uint8_t others)
{
    struct gib *g = &gibs[gi];
    paddr_t base = gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT);
    struct sp_meta *sp;
    struct gib_meta *gm;

    /* Page `first` holds the sp_meta, page first+1 the gib_meta. */
    g->state = CH_SPLIT;
    g->meta = base + ((paddr_t)(first + 1) << PAGE_SHIFT);
    gm = gm_of(g);
    memset(gm->state2m, others, sizeof(gm->state2m));
    memset(gm->meta_idx, 0, sizeof(gm->meta_idx));
    memset(gm->clean2m, 0, sizeof(gm->clean2m));
    nr_split_1g++;
    sp = sp_create(gi, c, first, first, last);
    clear_bit64(sp->free, first + 1);
    sp->nfree--;
    sp->hosts_gib_meta = true;
    if (!sp->nfree)
        sp_list_del(base + ((paddr_t)first << PAGE_SHIFT));
}

static void try_merge_gib(uint64_t gi)
{
    struct gib *g = &gibs[gi];
    paddr_t host;

    /* Whole GiB of RAM, everything free but the two metadata pages. */
    if (g->state != CH_SPLIT || g->usable != PAGES_PER_1G || g->free_pages != PAGES_PER_1G - 2)
        return;
    host = g->meta - PAGE_SIZE;     /* the host chunk's sp_meta */
    if (sp_at(host)->nfree)
        sp_list_del(host);
    if (g->nfree_2m)
        gib_list_del(&part_gib_head, gi);
    /* Its metadata pages held hypervisor data: the whole GiB is dirty. */
    clean_pages_count -= (uint64_t)popcount512(gm_of(g)->clean2m) * PAGES_PER_2M;
    g->nfree_2m = 0;
    g->free_pages = PAGES_PER_1G;
    g->meta = 0;
    nr_split_1g--;
    nr_split_2m--;
    free_pages_count += 2;
    free_gib_add(gi, false);
}

static void try_merge_2m(uint64_t gi, unsigned int c)
{
    struct gib *g = &gibs[gi];
    paddr_t ma = sp_addr(g, gi, c);
    struct sp_meta *sp = sp_at(ma);

    if (sp->hosts_gib_meta || sp->nusable != PAGES_PER_2M || sp->nfree != PAGES_PER_2M - 1)
        return;
    sp_list_del(ma);
    gm_of(g)->state2m[c] = CH_FREE;
    nr_split_2m--;
    g->free_pages++;
    free_pages_count++;
    if (!g->nfree_2m++)
        gib_list_add(&part_gib_head, gi);
}

/* ---- boot-time set-up ---- */

size_t page_alloc_table_bytes(paddr_t max_addr)
{
    return (size_t)(((max_addr + GIGAPAGE_SIZE - 1) >> GIGAPAGE_SHIFT) * sizeof(struct gib));
}

void page_alloc_init(paddr_t max_addr, void *table)
{
    uint64_t i;

    gibs = table;
    nr_gibs = (max_addr + GIGAPAGE_SIZE - 1) >> GIGAPAGE_SHIFT;
    for (i = 0; i < nr_gibs; i++) {
        gibs[i] = (struct gib){ .state = CH_ABSENT, .prev = NONE32, .next = NONE32 };
    }
    free_gib_head = clean_gib_head = part_gib_head = NONE32;
    sp_head = INVALID_PADDR;
    total_pages = free_pages_count = nr_split_1g = nr_split_2m = 0;
    clean_pages_count = scrubbed_1g = claimed_pages = 0;
    scrub_gi = NONE32;
    scrub_next = 0;
    scrub_busy = false;
}

/* Add RAM pages [first, last) of 2 MiB chunk c of a split GiB. */
static void add_in_chunk(uint64_t gi, unsigned int c, unsigned int first, unsigned int last)
{
    struct gib *g = &gibs[gi];
    struct gib_meta *gm = gm_of(g);
    struct sp_meta *sp;
    unsigned int i, added = 0;
    paddr_t ma;

    if (gm->state2m[c] == CH_ABSENT && first == 0 && last == PAGES_PER_2M) {
        gm->state2m[c] = CH_FREE;
        if (!g->nfree_2m++)
            gib_list_add(&part_gib_head, gi);
        g->usable += PAGES_PER_2M;
        g->free_pages += PAGES_PER_2M;
        total_pages += PAGES_PER_2M;
        free_pages_count += PAGES_PER_2M;
        return;
    }
    if (gm->state2m[c] == CH_ABSENT) {
        sp = sp_create(gi, c, first, first, last);
        g->usable += last - first;
        g->free_pages += sp->nfree;
        total_pages += last - first;
        free_pages_count += sp->nfree;
        return;
    }
    if (gm->state2m[c] != CH_SPLIT) {
        printk(XENLOG_WARNING "page_alloc: RAM range added twice at %#lx\n",
               (unsigned long)(gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT)));
        return;
    }
    ma = sp_addr(g, gi, c);
    sp = sp_at(ma);
    for (i = first; i < last; i++) {
        if (test_bit64(sp->usable, i))
            continue;
        set_bit64(sp->usable, i);
        set_bit64(sp->free, i);
        added++;
    }
    if (!added)
        return;
    if (!sp->nfree)
        sp_list_add(ma);
    sp->nusable = (uint16_t)(sp->nusable + added);
    sp->nfree = (uint16_t)(sp->nfree + added);
    g->usable += added;
    g->free_pages += added;
    total_pages += added;
    free_pages_count += added;
    try_merge_2m(gi, c);
}

/* Add RAM [a, b) lying inside GiB gi. */
static void add_in_gib(uint64_t gi, paddr_t a, paddr_t b)
{
    struct gib *g = &gibs[gi];
    paddr_t base = gib_base(gi);
    unsigned int c, c_first, c_last;

    if (a == base && b == base + GIGAPAGE_SIZE && g->state == CH_ABSENT) {
        g->usable = g->free_pages = PAGES_PER_1G;
        total_pages += PAGES_PER_1G;
        free_pages_count += PAGES_PER_1G;
        free_gib_add(gi, false);        /* boot RAM: contents unknown */
        return;
    }
    if (g->state != CH_ABSENT && g->state != CH_SPLIT) {
        printk(XENLOG_WARNING "page_alloc: RAM range added twice at %#lx\n", (unsigned long)a);
        return;
    }
    c_first = (unsigned int)((a - base) >> SUPERPAGE_SHIFT);
    c_last = (unsigned int)((b - 1 - base) >> SUPERPAGE_SHIFT);
    for (c = c_first; c <= c_last; c++) {
        paddr_t cb = base + ((paddr_t)c << SUPERPAGE_SHIFT);
        unsigned int first = a > cb ? (unsigned int)((a - cb) >> PAGE_SHIFT) : 0;
        unsigned int last = b < cb + SUPERPAGE_SIZE ?
                            (unsigned int)((b - cb) >> PAGE_SHIFT) : PAGES_PER_2M;

        if (g->state == CH_ABSENT) {
            /* The first chunk with two pages to spare hosts the metadata. */
            if (last - first < 2)
                continue;
            gib_split(gi, c, first, last, CH_ABSENT);
            g->usable = last - first;
            g->free_pages = last - first - 2;
            total_pages += g->usable;
            free_pages_count += g->free_pages;
            continue;
        }
        add_in_chunk(gi, c, first, last);
    }
    try_merge_gib(gi);
}

void page_alloc_add_range(paddr_t start, paddr_t end)
{
    paddr_t a = ROUNDUP(start, PAGE_SIZE), b = ROUNDDOWN(end, PAGE_SIZE);
    uint64_t gi;

    if (end > gib_base(nr_gibs))
        b = ROUNDDOWN(min(end, gib_base(nr_gibs)), PAGE_SIZE);
    if (a >= b)
        return;
    spin_lock(&heap_lock);
    for (gi = a >> GIGAPAGE_SHIFT; gi < nr_gibs && gib_base(gi) < b; gi++)
        add_in_gib(gi, max(a, gib_base(gi)), min(b, gib_base(gi + 1)));
    spin_unlock(&heap_lock);
}

/* ---- allocation ---- */

/* A wholly free GiB, from the preferred list first; NONE32 if none. */
static uint32_t take_free_gib(bool want_clean, bool *clean)
{
    uint32_t gi = want_clean && clean_gib_head != NONE32 ? clean_gib_head : free_gib_head;

    if (gi == NONE32)
        gi = clean_gib_head;
    if (gi == NONE32) {
        /*
         * The last free GiB may be the scrubber's: take it back, dirty, if
         * the scrubber is between steps (it holds scrub_busy while it
         * writes, and re-reads scrub_gi under this lock before a step).
         */
        gi = scrub_gi;
        if (gi == NONE32 || __atomic_load_n(&scrub_busy, __ATOMIC_ACQUIRE))
            return NONE32;
        scrub_gi = NONE32;
        gibs[gi].clean = 0;
        *clean = false;
        return gi;
    }
    *clean = gibs[gi].clean;
    free_gib_del(gi);
    return gi;
}

/* Split a free GiB so its 2 MiB chunks can be handed out: a dirty one first. */
static bool split_a_free_gib(void)
{
    bool clean;
    uint32_t gi = take_free_gib(false, &clean);
    unsigned int c;

    if (gi == NONE32)
        return false;
    gib_split(gi, 0, 0, PAGES_PER_2M, CH_FREE);
    gibs[gi].nfree_2m = 511;
    gibs[gi].free_pages = PAGES_PER_1G - 2;
    free_pages_count -= 2;
    if (clean) {
        /* Chunk 0 now holds the metadata; the other 511 stay zero. */
        for (c = 1; c < 512; c++)
            set_bit64(gm_of(&gibs[gi])->clean2m, c);
        clean_pages_count += 511 * PAGES_PER_2M;
    }
    gib_list_add(&part_gib_head, gi);
    return true;
}

/* A run of `count` aligned free (and, if want_clean, clean) 2 MiB chunks in GiB g, or -1. */
static int find_2m_run(const struct gib *g, unsigned int count, bool want_clean)
{
    const struct gib_meta *gm = gm_of(g);
    unsigned int c, k;

    for (c = 0; c < 512; c += count) {
        for (k = 0; k < count && gm->state2m[c + k] == CH_FREE &&
                    (!want_clean || test_bit64(gm->clean2m, c + k));
             k++)
            ;
        if (k == count)
            return (int)c;
    }
    return -1;
}

/*
 * Take `count` (a power of two, <= 512) aligned free 2 MiB chunks; mark
 * them with `state`.  *clean: whether every one of them was clean.
 */
static paddr_t take_2m_run(unsigned int count, uint8_t state, bool want_clean, bool *clean)
{
    unsigned int pass;
    uint32_t gi;

    for (;;) {
        /* With want_clean, a first pass looks for clean chunks only. */
        for (pass = want_clean ? 0 : 1; pass < 2; pass++) {
            for (gi = part_gib_head; gi != NONE32; gi = gibs[gi].next) {
                struct gib *g = &gibs[gi];
                struct gib_meta *gm;
                unsigned int k;
                int c;

                if (g->nfree_2m < count || (c = find_2m_run(g, count, pass == 0)) < 0)
                    continue;
                gm = gm_of(g);
                *clean = true;
                for (k = 0; k < count; k++) {
                    *clean = *clean && test_bit64(gm->clean2m, (unsigned int)c + k);
                    clean2m_clear(gm, (unsigned int)c + k);
                    gm->state2m[(unsigned int)c + k] = state;
                }
                g->nfree_2m = (uint16_t)(g->nfree_2m - count);
                if (!g->nfree_2m)
                    gib_list_del(&part_gib_head, gi);
                return gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT);
            }
        }
        if (!split_a_free_gib())
            return INVALID_PADDR;
    }
}

/* Find `count` aligned free pages in a split chunk; split a new one if needed. */
static paddr_t take_4k_run(unsigned int count)
{
    paddr_t ma;
    bool clean;

    for (;;) {
        for (ma = sp_head; ma != INVALID_PADDR; ma = sp_at(ma)->next) {
            struct sp_meta *sp = sp_at(ma);
            unsigned int i, k;

            if (sp->nfree < count)
                continue;
            for (i = 0; i < PAGES_PER_2M; i += count) {
                if (count == 1 && !sp->free[i / 64]) {
                    i += 63;        /* skip an empty word quickly */
                    continue;
                }
                for (k = 0; k < count && test_bit64(sp->free, i + k); k++)
                    ;
                if (k < count)
                    continue;
                for (k = 0; k < count; k++)
                    clear_bit64(sp->free, i + k);
                sp->nfree = (uint16_t)(sp->nfree - count);
                if (!sp->nfree)
                    sp_list_del(ma);
                gibs[sp->base >> GIGAPAGE_SHIFT].free_pages -= count;
                return sp->base + ((paddr_t)i << PAGE_SHIFT);
            }
        }
        /* Splitting a free GiB yields a chunk with free pages: use that first. */
        if (part_gib_head == NONE32) {
            if (!split_a_free_gib())
                return INVALID_PADDR;
            continue;
        }
        /* Split a free 2 MiB chunk (a dirty one first): its page 0 holds the metadata. */
        ma = take_2m_run(1, CH_SPLIT, false, &clean);
        if (ma == INVALID_PADDR)
            return INVALID_PADDR;
        {
            uint64_t gi = ma >> GIGAPAGE_SHIFT;
            unsigned int c = (unsigned int)((ma >> SUPERPAGE_SHIFT) & 511);

            gibs[gi].free_pages--;
            free_pages_count--;
            sp_create(gi, c, 0, 0, PAGES_PER_2M);
        }
    }
}

paddr_t alloc_pages_ex(unsigned int order, unsigned int flags, bool *clean_out)
{
    bool want_clean = flags & ALLOC_PREFER_CLEAN, clean = false;
    uint64_t n = 1ULL << order;
    paddr_t ma = INVALID_PADDR;
    uint32_t gi;

    if (order > MAX_PAGE_ORDER)
        return INVALID_PADDR;
    spin_lock(&heap_lock);
    if (order == PAGE_ORDER_1G) {
        gi = take_free_gib(want_clean, &clean);
        if (gi != NONE32) {
            ma = gib_base(gi);
            gibs[gi].state = CH_USED;
            gibs[gi].free_pages = 0;
        }
    } else if (order >= PAGE_ORDER_2M) {
        ma = take_2m_run(1u << (order - PAGE_ORDER_2M), CH_USED, want_clean, &clean);
        if (ma != INVALID_PADDR)
            gibs[ma >> GIGAPAGE_SHIFT].free_pages -= (uint32_t)n;
    } else {
        ma = take_4k_run(1u << order);
    }
    if (ma != INVALID_PADDR)
        free_pages_count -= n;
    spin_unlock(&heap_lock);
    if (clean_out)
        *clean_out = ma != INVALID_PADDR && clean;
    return ma;
}

paddr_t alloc_pages(unsigned int order)
{
    return alloc_pages_ex(order, 0, NULL);
}

static void __noreturn bad_free(paddr_t ma, unsigned int order, const char *why)
{
    panic("free_pages(%#lx, order %u): %s", (unsigned long)ma, order, why);
}

/* Freed memory is dirty: it held its last owner's data. */
void free_pages(paddr_t ma, unsigned int order)
{
    uint64_t gi = ma >> GIGAPAGE_SHIFT, n = 1ULL << order;
    struct gib *g;

    if (order > MAX_PAGE_ORDER || !IS_ALIGNED(ma, PAGE_SIZE << order) || gi >= nr_gibs)
        bad_free(ma, order, "bad address or order");
    g = &gibs[gi];
    spin_lock(&heap_lock);
    if (order == PAGE_ORDER_1G) {
        if (g->state != CH_USED)
            bad_free(ma, order, "GiB not allocated whole");
        g->free_pages = PAGES_PER_1G;
        free_gib_add(gi, false);
    } else if (order >= PAGE_ORDER_2M) {
        struct gib_meta *gm;
        unsigned int c = (unsigned int)((ma >> SUPERPAGE_SHIFT) & 511), k;
        unsigned int count = 1u << (order - PAGE_ORDER_2M);

        if (g->state != CH_SPLIT)
            bad_free(ma, order, "GiB not split");
        gm = gm_of(g);
        for (k = 0; k < count; k++)
            if (gm->state2m[c + k] != CH_USED)
                bad_free(ma, order, "2 MiB chunk not allocated whole");
        for (k = 0; k < count; k++)
            gm->state2m[c + k] = CH_FREE;
        if (!g->nfree_2m)
            gib_list_add(&part_gib_head, gi);
        g->nfree_2m = (uint16_t)(g->nfree_2m + count);
        g->free_pages += (uint32_t)n;
        free_pages_count += n;
        try_merge_gib(gi);
        spin_unlock(&heap_lock);
        return;
    } else {
        unsigned int c = (unsigned int)((ma >> SUPERPAGE_SHIFT) & 511);
        unsigned int i = (unsigned int)((ma >> PAGE_SHIFT) & 511), k;
        struct sp_meta *sp;
        paddr_t spma;

        if (g->state != CH_SPLIT || gm_of(g)->state2m[c] != CH_SPLIT)
            bad_free(ma, order, "page not in a split chunk");
        spma = sp_addr(g, gi, c);
        sp = sp_at(spma);
        for (k = 0; k < n; k++)
            if (test_bit64(sp->free, i + k) || !test_bit64(sp->usable, i + k) ||
                spma == sp->base + ((paddr_t)(i + k) << PAGE_SHIFT) ||
                (sp->hosts_gib_meta && g->meta == sp->base + ((paddr_t)(i + k) << PAGE_SHIFT)))
                bad_free(ma, order, "page already free, not RAM, or metadata");
        for (k = 0; k < n; k++)
            set_bit64(sp->free, i + k);
        if (!sp->nfree)
            sp_list_add(spma);
        sp->nfree = (uint16_t)(sp->nfree + n);
        g->free_pages += (uint32_t)n;
        free_pages_count += n;
        try_merge_2m(gi, c);
        try_merge_gib(gi);
        spin_unlock(&heap_lock);
        return;
    }
    free_pages_count += n;
    spin_unlock(&heap_lock);
}

/* ---- scrubbing ---- */

/* 8 bytes per store: emulators run REP STOSQ up to 8 times faster than STOSB. */
static void zero_page(void *p)
{
    unsigned long n = PAGE_SIZE / 8;

    __asm__ __volatile__("rep stosq" : "+D"(p), "+c"(n) : "a"(0UL) : "memory");
}

void scrub_pages(paddr_t ma, unsigned int order)
{
    uint64_t i, n = 1ULL << order;

    /* Page by page through the direct map (host tests simulate it sparsely). */
    for (i = 0; i < n; i++)
        zero_page(maddr_to_virt(ma + i * PAGE_SIZE));
}

/*
 * One bounded step of background scrubbing (SCRUB_STEP_PAGES), for an
 * idle CPU: small, so that a softirq or a vCPU woken on this CPU waits at
 * most one step (microseconds on hardware, a few ms under emulation).
 * The scrubber takes one dirty free GiB off the lists (state CH_SCRUB,
 * still counted free), zeroes it a step per call without the heap lock,
 * and puts it on the clean list when done.  It stops while the clean pool
 * holds opt_scrub_pool bytes.  One CPU scrubs at a time.
 */
bool page_scrub_step(void)
{
    unsigned int c;
    uint32_t gi;

    /* Unlocked peek first: an idle CPU with nothing to scrub must not bounce the heap lock. */
    if (scrub_gi == NONE32 &&
        (__atomic_load_n(&free_gib_head, __ATOMIC_RELAXED) == NONE32 ||
         __atomic_load_n(&clean_pages_count, __ATOMIC_RELAXED) >= opt_scrub_pool >> PAGE_SHIFT))
        return false;
    if (__atomic_exchange_n(&scrub_busy, true, __ATOMIC_ACQUIRE))
        return false;
    spin_lock(&heap_lock);
    if (scrub_gi == NONE32) {
        if (free_gib_head == NONE32 || clean_pages_count >= opt_scrub_pool >> PAGE_SHIFT) {
            spin_unlock(&heap_lock);
            __atomic_store_n(&scrub_busy, false, __ATOMIC_RELEASE);
            return false;
        }
        gi = free_gib_head;
        free_gib_del(gi);
        gibs[gi].state = CH_SCRUB;
        scrub_gi = gi;
        scrub_next = 0;
    }
    gi = scrub_gi;
    c = scrub_next++;
    spin_unlock(&heap_lock);

    scrub_pages(gib_base(gi) + ((paddr_t)c << (PAGE_SHIFT + SCRUB_STEP_ORDER)), SCRUB_STEP_ORDER);

    if (c == SCRUB_STEPS_PER_1G - 1) {
        spin_lock(&heap_lock);
        free_gib_add(gi, true);
        scrub_gi = NONE32;
        scrubbed_1g++;
        spin_unlock(&heap_lock);
    }
    __atomic_store_n(&scrub_busy, false, __ATOMIC_RELEASE);
    return true;
}

void page_scrub_set_pool(uint64_t bytes)
{
    opt_scrub_pool = bytes;
}

/* ---- claims ---- */

int page_alloc_claim(uint64_t pages)
{
    int rc = -ENOMEM;

    spin_lock(&heap_lock);
    if (claimed_pages <= free_pages_count && pages <= free_pages_count - claimed_pages) {
        claimed_pages += pages;
        rc = 0;
    }
    spin_unlock(&heap_lock);
    return rc;
}

void page_alloc_unclaim(uint64_t pages)
{
    spin_lock(&heap_lock);
    claimed_pages -= pages < claimed_pages ? pages : claimed_pages;
    spin_unlock(&heap_lock);
}

void page_alloc_get_stats(struct page_alloc_stats *st)
{
    uint64_t gi, f1 = 0, f2 = 0;

    spin_lock(&heap_lock);
    for (gi = 0; gi < nr_gibs; gi++) {
        if (gibs[gi].state == CH_FREE)
            f1++;
        else if (gibs[gi].state == CH_SPLIT)
            f2 += gibs[gi].nfree_2m;
    }
    st->total_pages = total_pages;
    st->free_pages = free_pages_count;
    st->free_1g = f1;
    st->free_2m = f2;
    st->split_1g = nr_split_1g;
    st->split_2m = nr_split_2m;
    st->clean_pages = clean_pages_count;
    st->scrubbed_1g = scrubbed_1g;
    st->claimed_pages = claimed_pages;
    st->scrub_pool_pages = opt_scrub_pool >> PAGE_SHIFT;
    st->meta_bytes = nr_gibs * sizeof(struct gib) + (nr_split_1g + nr_split_2m) * PAGE_SIZE;
    spin_unlock(&heap_lock);
}

#define CHECK_FAIL(...) do { printk(XENLOG_ERR "page_alloc_check: " __VA_ARGS__); return -1; } while (0)

int page_alloc_check(void)
{
    uint64_t gi, tot = 0, fr = 0, s1 = 0, s2 = 0, on_sp_list = 0, want_sp_list = 0;
    uint64_t on_free = 0, want_free = 0, on_part = 0, want_part = 0, cl = 0;
    uint32_t i;
    paddr_t ma;

    for (i = free_gib_head; i != NONE32 && on_free <= nr_gibs; i = gibs[i].next, on_free++)
        if (gibs[i].state != CH_FREE || gibs[i].clean)
            CHECK_FAIL("GiB %u on dirty list in state %u\n", i, gibs[i].state);
    for (i = clean_gib_head; i != NONE32 && on_free <= nr_gibs; i = gibs[i].next, on_free++)
        if (gibs[i].state != CH_FREE || !gibs[i].clean)
            CHECK_FAIL("GiB %u on clean list in state %u\n", i, gibs[i].state);
    for (i = part_gib_head; i != NONE32 && on_part <= nr_gibs; i = gibs[i].next, on_part++)
        if (gibs[i].state != CH_SPLIT || !gibs[i].nfree_2m)
            CHECK_FAIL("GiB %u on partial list wrongly\n", i);
    for (ma = sp_head; ma != INVALID_PADDR && on_sp_list <= nr_gibs * 512;
         ma = sp_at(ma)->next, on_sp_list++)
        if (!sp_at(ma)->nfree)
            CHECK_FAIL("full chunk %#lx on list\n", (unsigned long)ma);

    for (gi = 0; gi < nr_gibs; gi++) {
        struct gib *g = &gibs[gi];
        uint64_t gfree = 0, gusable = 0, n2 = 0;
        unsigned int c;

        switch (g->state) {
        case CH_ABSENT:
            continue;
        case CH_FREE:
            want_free++;
            tot += PAGES_PER_1G;
            fr += PAGES_PER_1G;
            cl += gibs[gi].clean ? PAGES_PER_1G : 0;
            continue;
        case CH_SCRUB:
            if (gi != scrub_gi)
                CHECK_FAIL("GiB %lu scrubbing but not the scrubber's\n", (unsigned long)gi);
            tot += PAGES_PER_1G;
            fr += PAGES_PER_1G;
            continue;
        case CH_USED:
            tot += PAGES_PER_1G;
            continue;
        default:
            break;
        }
        s1++;
        for (c = 0; c < 512; c++) {
            struct sp_meta *sp;

            if (test_bit64(gm_of(g)->clean2m, c)) {
                if (gm_of(g)->state2m[c] != CH_FREE)
                    CHECK_FAIL("GiB %lu chunk %u clean but not free\n", (unsigned long)gi, c);
                cl += PAGES_PER_2M;
            }
            switch (gm_of(g)->state2m[c]) {
            case CH_FREE:
                n2++;
                gfree += PAGES_PER_2M;
                gusable += PAGES_PER_2M;
                break;
            case CH_USED:
                gusable += PAGES_PER_2M;
                break;
            case CH_SPLIT:
                s2++;
                sp = sp_at(sp_addr(g, gi, c));
                if (popcount512(sp->free) != sp->nfree || popcount512(sp->usable) != sp->nusable)
                    CHECK_FAIL("chunk %#lx counts wrong\n", (unsigned long)sp->base);
                if (sp->base != gib_base(gi) + ((paddr_t)c << SUPERPAGE_SHIFT))
                    CHECK_FAIL("chunk base wrong\n");
                if (sp->nfree)
                    want_sp_list++;
                gfree += sp->nfree;
                gusable += sp->nusable;
                break;
            default:
                break;
            }
        }
        if (n2 != g->nfree_2m || gfree != g->free_pages || gusable != g->usable)
            CHECK_FAIL("GiB %lu: nfree_2m %lu/%u free %lu/%u usable %lu/%u\n", (unsigned long)gi,
                       (unsigned long)n2, g->nfree_2m, (unsigned long)gfree, g->free_pages,
                       (unsigned long)gusable, g->usable);
        if (n2)
            want_part++;
        tot += gusable;
        fr += gfree;
    }
    if (tot != total_pages || fr != free_pages_count)
        CHECK_FAIL("totals %lu/%lu free %lu/%lu\n", (unsigned long)tot, (unsigned long)total_pages,
                   (unsigned long)fr, (unsigned long)free_pages_count);
    if (s1 != nr_split_1g || s2 != nr_split_2m)
        CHECK_FAIL("split counts\n");
    if (cl != clean_pages_count)
        CHECK_FAIL("clean pages %lu/%lu\n", (unsigned long)cl, (unsigned long)clean_pages_count);
    if (on_free != want_free || on_part != want_part || on_sp_list != want_sp_list)
        CHECK_FAIL("list lengths free %lu/%lu part %lu/%lu sp %lu/%lu\n",
                   (unsigned long)on_free, (unsigned long)want_free, (unsigned long)on_part,
                   (unsigned long)want_part, (unsigned long)on_sp_list, (unsigned long)want_sp_list);
    return 0;
}

void *alloc_xenheap_pages(unsigned int order)
{
    paddr_t ma = alloc_pages(order);
    void *va;

    if (ma == INVALID_PADDR)
        return NULL;
    va = maddr_to_virt(ma);
    memset(va, 0, PAGE_SIZE << order);
    return va;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    if (va)
        free_pages(virt_to_maddr(va), order);
}
