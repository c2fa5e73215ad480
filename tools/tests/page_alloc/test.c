/*
 * Host tests of the page allocator on simulated machines, from a few MiB
 * with holes to 13 and 64 TiB.  Host memory is simulated sparsely: only
 * pages the allocator actually touches (its metadata) get backing, so the
 * tests also measure how much a boot of a huge machine touches.
 */
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include "test.h"
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <asm/page.h>
#include <asm/hvm/vmx/ept.h>

/* ---- sparse simulated memory: machine frame -> 4 KiB of host memory ---- */
#define HASH_SIZE (1u << 20)
struct sim_page {
    uint64_t mfn;
    struct sim_page *next;
    unsigned char data[4096];
};
static struct sim_page *sim_hash[HASH_SIZE];
static uint64_t sim_touched;
/*
 * Pages found all zero by sim_compact(): dropped to save host memory (a
 * test that scrubs a GiB would otherwise hold a GiB), and given back
 * zeroed when touched again.
 */
struct sim_zero {
    uint64_t mfn;
    struct sim_zero *next;
};
static struct sim_zero *sim_zero_hash[HASH_SIZE];

static unsigned int sim_bucket(uint64_t mfn)
{
    return (unsigned int)((mfn * 0x9E3779B97F4A7C15ULL) >> 44) & (HASH_SIZE - 1);
}

static bool sim_take_zero(uint64_t mfn)
{
    struct sim_zero **pp, *z;

    for (pp = &sim_zero_hash[sim_bucket(mfn)]; (z = *pp); pp = &z->next)
        if (z->mfn == mfn) {
            *pp = z->next;
            free(z);
            return true;
        }
    return false;
}

void *maddr_to_virt(paddr_t ma)
{
    uint64_t mfn = ma >> 12;
    unsigned int h = sim_bucket(mfn);
    struct sim_page *p;

    for (p = sim_hash[h]; p; p = p->next)
        if (p->mfn == mfn)
            return p->data + (ma & 4095);
    p = calloc(1, sizeof(*p));
    p->mfn = mfn;
    p->next = sim_hash[h];
    if (!sim_take_zero(mfn))
        memset(p->data, 0xA5, sizeof(p->data));  /* garbage, as real RAM would hold */
    sim_hash[h] = p;
    sim_touched++;
    return p->data + (ma & 4095);
}

static bool page_is_zero(const unsigned char *d)
{
    unsigned int i;

    for (i = 0; i < 4096; i++)
        if (d[i])
            return false;
    return true;
}

/* Drop every all-zero simulated page (remembered as zero). */
static void sim_compact(void)
{
    unsigned int i;

    for (i = 0; i < HASH_SIZE; i++) {
        struct sim_page **pp = &sim_hash[i], *p;

        while ((p = *pp)) {
            if (page_is_zero(p->data)) {
                struct sim_zero *z = malloc(sizeof(*z));

                z->mfn = p->mfn;
                z->next = sim_zero_hash[i];
                sim_zero_hash[i] = z;
                *pp = p->next;
                free(p);
            } else {
                pp = &p->next;
            }
        }
    }
}

paddr_t virt_to_maddr(const void *va)
{
    (void)va;
    abort();
}

static void sim_reset(void)
{
    unsigned int i;

    for (i = 0; i < HASH_SIZE; i++) {
        while (sim_hash[i]) {
            struct sim_page *p = sim_hash[i];

            sim_hash[i] = p->next;
            free(p);
        }
        while (sim_zero_hash[i]) {
            struct sim_zero *z = sim_zero_hash[i];

            sim_zero_hash[i] = z->next;
            free(z);
        }
    }
    sim_touched = 0;
}

static void *table;

static void machine(paddr_t max, const paddr_t (*ranges)[2], unsigned int n)
{
    unsigned int i;

    sim_reset();
    free(table);
    table = malloc(page_alloc_table_bytes(max));
    page_alloc_init(max, table);
    for (i = 0; i < n; i++)
        page_alloc_add_range(ranges[i][0], ranges[i][1]);
}

static struct page_alloc_stats stats(void)
{
    struct page_alloc_stats st;

    page_alloc_get_stats(&st);
    return st;
}

/* A PC-like map: low RAM, a hole below 1 MiB, RAM to 3 GiB, the PCI hole, RAM above 4 GiB. */
static const paddr_t pc_map[][2] = {
    { 0x1000, 0x9f000 },
    { 0x100000, 0xbffe0000 },
    { 0x100000000ULL, 0x240000000ULL },       /* 4 GiB .. 9 GiB */
    { 0x240000000ULL, 0x240123000ULL },       /* adjacent, ends mid 2 MiB */
};

static void test_pc_layout(void)
{
    struct page_alloc_stats st;
    uint64_t expect = (0x9f000 - 0x1000 + 0xbffe0000 - 0x100000 + 0x140123000ULL) >> 12;

    machine(0x240123000ULL, pc_map, 4);
    st = stats();
    CHECK_EQ(st.total_pages, expect);
    /* Metadata pages (2 per split GiB, 1 per split 2 MiB) are not free. */
    CHECK_EQ(st.free_pages, st.total_pages - 2 * st.split_1g - (st.split_2m - st.split_1g));
    CHECK_EQ(st.free_1g, 6);                  /* 1..2 and 4..9 GiB are whole */
    CHECK(st.split_1g == 3, "split_1g=%lu", (unsigned long)st.split_1g);
    CHECK_EQ(page_alloc_check(), 0);
    /* Boot touched only metadata: a handful of pages. */
    CHECK(sim_touched <= 8, "touched %lu pages", (unsigned long)sim_touched);
}

static void test_orders_aligned(void)
{
    static const paddr_t map[][2] = { { 0, 4ULL << 30 } };
    unsigned int order;
    paddr_t got[MAX_PAGE_ORDER + 1];

    machine(4ULL << 30, map, 1);
    for (order = 0; order <= MAX_PAGE_ORDER; order++) {
        got[order] = alloc_pages(order);
        CHECK(got[order] != INVALID_PADDR, "order %u failed", order);
        CHECK(IS_ALIGNED(got[order], PAGE_SIZE << order), "order %u misaligned %#lx", order,
              (unsigned long)got[order]);
    }
    CHECK_EQ(page_alloc_check(), 0);
    for (order = 0; order <= MAX_PAGE_ORDER; order++)
        free_pages(got[order], order);
    CHECK_EQ(page_alloc_check(), 0);
    /* Everything merged back: 4 whole free GiBs, no split metadata left. */
    CHECK_EQ(stats().free_1g, 4);
    CHECK_EQ(stats().split_1g, 0);
    CHECK_EQ(stats().split_2m, 0);
    CHECK_EQ(stats().free_pages, 4ULL << 18);
}

/* Exhaust a small machine with holes at one order, check no overlap, free all. */
static void exhaust(unsigned int order)
{
    static const paddr_t map[][2] = {
        { 0x3000, 0x9f000 }, { 0x100000, 0x5234000 }, { 0x40000000, 0x40600000 },
    };
    uint64_t npages = 0x40600000 >> 12, count = 0, i;
    unsigned char *owner = calloc(npages, 1);
    paddr_t *list = malloc(sizeof(paddr_t) * (npages + 1));
    uint64_t before;
    bool overlap = false, outside = false;

    machine(0x40600000, map, 3);
    before = stats().free_pages;
    for (;;) {
        paddr_t ma = alloc_pages(order);

        if (ma == INVALID_PADDR)
            break;
        for (i = 0; i < (1ULL << order); i++) {
            uint64_t pfn = (ma >> 12) + i;
            bool in = false;
            unsigned int r;

            for (r = 0; r < 3; r++)
                in |= (pfn << 12) >= map[r][0] && (pfn << 12) < map[r][1];
            outside |= !in;
            overlap |= owner[pfn]++ != 0;
        }
        list[count++] = ma;
    }
    CHECK(!overlap, "order %u: overlapping allocations", order);
    CHECK(!outside, "order %u: allocation outside RAM", order);
    CHECK(count > 0, "order %u: nothing allocated", order);
    if (order == 0)
        CHECK_EQ(stats().free_pages, 0);
    CHECK_EQ(page_alloc_check(), 0);
    for (i = 0; i < count; i++)
        free_pages(list[count - 1 - i], order);
    CHECK_EQ(stats().free_pages, before);
    CHECK_EQ(page_alloc_check(), 0);
    free(owner);
    free(list);
}

static void test_exhaust_4k(void) { exhaust(0); }
static void test_exhaust_16k(void) { exhaust(2); }
static void test_exhaust_2m(void) { exhaust(9); }
static void test_exhaust_8m(void) { exhaust(11); }

static void test_random_mix(void)
{
    static const paddr_t map[][2] = { { 0x100000, 0x80000000 }, { 0x100000000ULL, 0x180000000ULL } };
    struct { paddr_t ma; unsigned int order; } live[4096];
    unsigned int nlive = 0, it, bad = 0;
    uint64_t seed = 12345, before;

    machine(0x180000000ULL, map, 2);
    before = stats().free_pages;
    for (it = 0; it < 200000; it++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        if (nlive < 4096 && ((seed >> 33) % 3 != 0 || !nlive)) {
            static const unsigned int orders[] = { 0, 0, 0, 0, 1, 3, 9, 9, 10, 18 };
            unsigned int order = orders[(seed >> 40) % 10];
            paddr_t ma = alloc_pages(order);

            if (ma != INVALID_PADDR) {
                live[nlive].ma = ma;
                live[nlive++].order = order;
            }
        } else {
            unsigned int k = (unsigned int)((seed >> 20) % nlive);

            free_pages(live[k].ma, live[k].order);
            live[k] = live[--nlive];
        }
        if (it % 20000 == 0 && page_alloc_check())
            bad++;
    }
    CHECK_EQ(bad, 0);
    while (nlive) {
        nlive--;
        free_pages(live[nlive].ma, live[nlive].order);
    }
    CHECK_EQ(stats().free_pages, before);
    CHECK_EQ(page_alloc_check(), 0);
}

/* 13 TiB: boot must be per-GiB work, touch almost nothing, and serve 1 GiB pages. */
static void test_13tib(void)
{
    static const paddr_t map[][2] = {
        { 0x1000, 0x9f000 }, { 0x100000, 0x7ffdf000 }, { 0x100000000ULL, 0xD0000000000ULL + 0x80000000ULL },
    };
    struct page_alloc_stats st;
    paddr_t ma;
    unsigned int i;

    machine(0xD0000000000ULL + 0x80000000ULL, map, 3);
    st = stats();
    CHECK_EQ(st.free_1g, 13310);              /* [4 GiB, 13 TiB + 2 GiB) */
    CHECK(sim_touched <= 8, "touched %lu pages at boot", (unsigned long)sim_touched);
    CHECK(st.meta_bytes < 1024 * 1024, "metadata %lu bytes", (unsigned long)st.meta_bytes);
    CHECK_EQ(st.total_pages, ((0x9f000 - 0x1000) + (0x7ffdf000 - 0x100000) + (13ULL << 40) - (2ULL << 30)) >> 12);
    /* 12 TiB as 1 GiB pages. */
    for (i = 0; i < 12 * 1024; i++) {
        ma = alloc_pages(PAGE_ORDER_1G);
        if (ma == INVALID_PADDR)
            break;
    }
    CHECK_EQ(i, 12 * 1024);
    CHECK(sim_touched <= 8, "1 GiB allocations touched %lu pages", (unsigned long)sim_touched);
    CHECK_EQ(page_alloc_check(), 0);
}

/* 64 TiB with a hole in the middle and addresses past 2^45. */
static void test_64tib(void)
{
    static const paddr_t map[][2] = {
        { 0x100000, 0x80000000 }, { 0x100000000ULL, 20ULL << 40 }, { 40ULL << 40, 64ULL << 40 },
    };
    struct page_alloc_stats st;
    paddr_t ma;

    machine(64ULL << 40, map, 3);
    st = stats();
    CHECK_EQ(st.total_pages, ((0x80000000 - 0x100000) + (20ULL << 40) - (4ULL << 30) + (24ULL << 40)) >> 12);
    ma = alloc_pages(PAGE_ORDER_1G);
    CHECK(ma != INVALID_PADDR, "1G alloc");
    CHECK_EQ(page_alloc_check(), 0);
}

static void test_bad_free_panics(void)
{
    static const paddr_t map[][2] = { { 0, 1ULL << 30 } };
    pid_t pid;
    int status;
    paddr_t ma;

    machine(1ULL << 30, map, 1);
    ma = alloc_pages(0);
    free_pages(ma, 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", 1);

        dup2(fd, 1);
        free_pages(ma, 0);          /* double free: must panic */
        _exit(0);
    }
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status), "double free did not panic");
    pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", 1);

        dup2(fd, 1);
        free_pages(0x40000000ULL * 7, 0);     /* beyond the table */
        _exit(0);
    }
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status), "free of a foreign address did not panic");
}

static void test_overlapping_add_warns(void)
{
    static const paddr_t map[][2] = { { 0x100000, 0x800000 }, { 0x400000, 0xA00000 } };
    uint64_t total;

    printk_log_clear();
    machine(0x40000000, map, 2);
    total = stats().total_pages;
    CHECK_EQ(total, (0xA00000 - 0x100000) >> 12);
    CHECK_EQ(page_alloc_check(), 0);
}

static void test_exhaust_returns_invalid(void)
{
    static const paddr_t map[][2] = { { 0x200000, 0x400000 } };
    unsigned int n = 0;

    machine(0x400000, map, 1);
    CHECK(alloc_pages(PAGE_ORDER_2M) == INVALID_PADDR, "2M from a split-only machine");
    CHECK(alloc_pages(PAGE_ORDER_1G) == INVALID_PADDR, "1G from a 2 MiB machine");
    CHECK(alloc_pages(MAX_PAGE_ORDER + 1) == INVALID_PADDR, "order too big");
    while (alloc_pages(0) != INVALID_PADDR)
        n++;
    CHECK_EQ(n, 512 - 2);
}

/* ---- clean/dirty tracking, background scrubbing, claims ---- */

#define GIB_PAGES (1ULL << 18)

/* Run the scrubber until it has nothing to do; each step zeroes at most 256 KiB. */
static unsigned int scrub_all(void)
{
    unsigned int steps = 0;
    uint64_t before = sim_touched;

    while (page_scrub_step()) {
        steps++;
        CHECK(sim_touched - before <= 64, "one step touched %lu pages",
              (unsigned long)(sim_touched - before));
        before = sim_touched;
        if (steps % 512 == 0)
            sim_compact();
    }
    sim_compact();
    return steps;
}

static bool chunk_reads_zero(paddr_t ma, uint64_t pages)
{
    return page_is_zero(maddr_to_virt(ma)) &&
           page_is_zero(maddr_to_virt(ma + (pages / 2) * PAGE_SIZE)) &&
           page_is_zero(maddr_to_virt(ma + (pages - 1) * PAGE_SIZE));
}

static void test_clean_dirty(void)
{
    static const paddr_t map[][2] = { { 0, 4ULL << 30 } };
    struct page_alloc_stats st;
    paddr_t ma, mc, got[4];
    bool clean = true;
    unsigned int i;

    machine(4ULL << 30, map, 1);
    page_scrub_set_pool(GB(1));
    CHECK_EQ(stats().clean_pages, 0);           /* boot RAM is never assumed zero */
    ma = alloc_pages_ex(PAGE_ORDER_1G, ALLOC_PREFER_CLEAN, &clean);
    CHECK(ma != INVALID_PADDR && !clean, "boot GiB reported clean");
    free_pages(ma, PAGE_ORDER_1G);

    /* Half-way through a GiB: still counted free, off the lists, structures sane. */
    CHECK(page_scrub_step(), "scrubber found no work");
    CHECK_EQ(stats().free_pages, 4 * GIB_PAGES);
    CHECK_EQ(page_alloc_check(), 0);
    /* Between steps, the GiB being scrubbed can still be allocated (dirty). */
    for (i = 0; i < 4; i++)
        got[i] = alloc_pages_ex(PAGE_ORDER_1G, ALLOC_PREFER_CLEAN, &clean);
    CHECK(got[3] != INVALID_PADDR && !clean, "the scrubber's GiB was not handed out");
    CHECK_EQ(page_alloc_check(), 0);
    for (i = 0; i < 4; i++)
        free_pages(got[i], PAGE_ORDER_1G);
    CHECK_EQ(scrub_all(), 4096);
    st = stats();
    CHECK_EQ(st.clean_pages, GIB_PAGES);
    CHECK_EQ(st.scrubbed_1g, 1);
    CHECK(!page_scrub_step(), "the pool is full: no more scrubbing");
    CHECK_EQ(page_alloc_check(), 0);

    /* Plain allocations leave the clean GiB for guests; guests get it. */
    ma = alloc_pages_ex(PAGE_ORDER_1G, 0, &clean);
    CHECK(!clean, "plain allocation took the clean GiB");
    mc = alloc_pages_ex(PAGE_ORDER_1G, ALLOC_PREFER_CLEAN, &clean);
    CHECK(clean, "guest allocation did not get the clean GiB");
    CHECK(chunk_reads_zero(mc, GIB_PAGES), "clean GiB is not zero");
    CHECK_EQ(stats().clean_pages, 0);
    /* Freed memory is dirty again. */
    free_pages(mc, PAGE_ORDER_1G);
    free_pages(ma, PAGE_ORDER_1G);
    CHECK_EQ(stats().clean_pages, 0);
    CHECK_EQ(stats().free_1g, 4);
    CHECK_EQ(page_alloc_check(), 0);
    page_scrub_set_pool(0);
    CHECK(!page_scrub_step(), "pool 0: the scrubber stays idle");
}

static void test_clean_split_merge(void)
{
    static const paddr_t map[][2] = { { 0, 2ULL << 30 } };
    paddr_t p4k, a, b;
    bool ca = false, cb = false;

    paddr_t dirty;

    machine(2ULL << 30, map, 1);
    page_scrub_set_pool(GB(1));
    CHECK_EQ(scrub_all(), 4096);
    CHECK_EQ(stats().clean_pages, GIB_PAGES);
    dirty = alloc_pages(PAGE_ORDER_1G);
    /* A 4 KiB allocation splits the clean GiB: its other 511 2 MiB chunks stay clean. */
    p4k = alloc_pages(PAGE_ORDER_4K);
    CHECK_EQ(stats().clean_pages, 511 * 512);
    a = alloc_pages_ex(PAGE_ORDER_2M, ALLOC_PREFER_CLEAN, &ca);
    b = alloc_pages_ex(PAGE_ORDER_2M + 1, ALLOC_PREFER_CLEAN, &cb);
    CHECK(ca && cb, "2 MiB chunks of a clean GiB reported dirty");
    CHECK(chunk_reads_zero(a, 512) && chunk_reads_zero(b, 1024), "clean chunks not zero");
    CHECK_EQ(page_alloc_check(), 0);
    free_pages(a, PAGE_ORDER_2M);
    free_pages(b, PAGE_ORDER_2M + 1);
    free_pages(p4k, PAGE_ORDER_4K);
    free_pages(dirty, PAGE_ORDER_1G);
    /* Merged back whole: its metadata pages held hypervisor data, so it is dirty. */
    CHECK_EQ(stats().free_1g, 2);
    CHECK_EQ(stats().clean_pages, 0);
    CHECK_EQ(page_alloc_check(), 0);
    page_scrub_set_pool(0);
}

static void test_claims(void)
{
    static const paddr_t map[][2] = { { 0, 4ULL << 30 } };
    uint64_t f;

    machine(4ULL << 30, map, 1);
    f = stats().free_pages;
    CHECK(page_alloc_claim(f + 1) != 0, "claimed more than free");
    CHECK_EQ(page_alloc_claim(f / 2), 0);
    CHECK(page_alloc_claim(f / 2 + 2) != 0, "claims added up past free memory");
    CHECK_EQ(stats().claimed_pages, f / 2);
    page_alloc_unclaim(f / 2);
    CHECK_EQ(page_alloc_claim(f), 0);
    page_alloc_unclaim(f);
    CHECK_EQ(stats().claimed_pages, 0);
}

/* Counts past 2^32 pages (16 TiB): allocator and p2m. */
static void test_past_16tib(void)
{
    static const paddr_t map[][2] = { { 0, 20ULL << 40 } };
    static paddr_t got[17 * 1024];
    struct page_alloc_stats st;
    struct p2m p;
    unsigned int i;

    machine(20ULL << 40, map, 1);
    st = stats();
    CHECK_EQ(st.total_pages, 20ULL << 28);
    CHECK(st.total_pages > UINT32_MAX, "total pages fit 32 bits");
    for (i = 0; i < ARRAY_SIZE(got); i++)
        got[i] = alloc_pages(PAGE_ORDER_1G);
    CHECK(got[ARRAY_SIZE(got) - 1] != INVALID_PADDR, "17 TiB of 1 GiB allocations");
    CHECK_EQ(stats().free_pages, (20ULL << 28) - (17ULL << 28));
    CHECK_EQ(page_alloc_claim(3ULL << 28), 0);
    CHECK(page_alloc_claim(1) != 0, "claimed past free memory");
    page_alloc_unclaim(3ULL << 28);
    for (i = 0; i < ARRAY_SIZE(got); i++)
        free_pages(got[i], PAGE_ORDER_1G);
    CHECK_EQ(stats().free_1g, 20 * 1024);
    /* A 17 TiB lazily populated guest: 2^32 + 2^28 frames pending. */
    CHECK_EQ(p2m_init(&p, &ept_p2m_ops, 48, PAGE_ORDER_1G), 0);
    CHECK_EQ(p2m_pod_set(&p, 0, 17ULL << 28), 0);
    CHECK_EQ(p.type_frames[p2m_populate_on_demand], 17ULL << 28);
    CHECK_EQ(stats().claimed_pages, 17ULL << 28);
    CHECK_EQ(p2m_check(&p), 0);
    p2m_pod_release(&p);
    p2m_teardown(&p);
    CHECK_EQ(stats().claimed_pages, 0);
    CHECK_EQ(page_alloc_check(), 0);
}

/* ---- lazy population: first touches, coalescing, teardown ---- */

static struct {
    paddr_t ma[4096];
    unsigned int order[4096], n;
} recorded;

static int record(void *arg, paddr_t ma, unsigned int order)
{
    (void)arg;
    if (recorded.n == ARRAY_SIZE(recorded.ma))
        return -1;
    recorded.ma[recorded.n] = ma;
    recorded.order[recorded.n++] = order;
    return 0;
}

static bool gfn_reads_zero(struct p2m *p, gfn_t gfn)
{
    p2m_type_t t;
    mfn_t mfn = p2m_get_entry(p, gfn, &t, NULL, NULL);

    return t == p2m_ram_rw && page_is_zero(maddr_to_virt((paddr_t)mfn << PAGE_SHIFT));
}

static struct p2m_pod_touch touch(struct p2m *p, gfn_t gfn, int want_rc)
{
    struct p2m_pod_touch t;

    CHECK_EQ(p2m_pod_touch(p, gfn, record, NULL, &t), want_rc);
    return t;
}

static void test_lazy_touch(void)
{
    static const paddr_t map[][2] = { { 0, 64ULL << 30 } };
    const gfn_t g3 = 3 * GIB_PAGES, g7 = 7 * GIB_PAGES, g9 = 9 * GIB_PAGES;
    struct p2m_pod_touch t;
    struct p2m p;
    unsigned int i, order;
    uint64_t touched, free1g;
    p2m_type_t ty;

    machine(64ULL << 30, map, 1);
    recorded.n = 0;
    CHECK_EQ(p2m_init(&p, &ept_p2m_ops, 48, PAGE_ORDER_1G), 0);
    /* Building: 32 GiB marked, claimed, nothing allocated or written. */
    touched = sim_touched;
    free1g = stats().free_1g;
    CHECK_EQ(p2m_pod_set(&p, 0, 32 * GIB_PAGES), 0);
    CHECK_EQ(stats().claimed_pages, 32 * GIB_PAGES);
    CHECK_EQ(stats().free_1g, free1g);
    CHECK(sim_touched - touched <= 4, "building touched %lu pages",
          (unsigned long)(sim_touched - touched));
    CHECK_EQ(p2m_pod_set(&p, g3, 1), -EEXIST);
    CHECK_EQ(p2m_pod_set(&p, 40 * GIB_PAGES, 40 * GIB_PAGES), -ENOMEM);    /* host has 32 more */

    /* First touch of a dirty GiB: the GiB is reserved, 2 MiB scrubbed and mapped. */
    touched = sim_touched;
    t = touch(&p, g3 + 1280 + 0x23, 0);
    CHECK_EQ(t.kind, POD_2M_SCRUBBED);
    CHECK_EQ(t.allocated, GIB_PAGES);
    CHECK_EQ(t.order, PAGE_ORDER_2M);
    CHECK_EQ(t.gfn, g3 + 1024);
    CHECK(gfn_reads_zero(&p, g3 + 1024) && gfn_reads_zero(&p, g3 + 1535), "piece not scrubbed");
    CHECK(sim_touched - touched <= 512 + 8, "first touch wrote %lu pages",
          (unsigned long)(sim_touched - touched));
    p2m_get_entry(&p, g3 + 1536, &ty, NULL, &order);
    CHECK(ty == p2m_ram_unscrubbed && order == PAGE_ORDER_2M, "rest not reserved: %u/%u", ty,
          order);
    CHECK_EQ(p.type_frames[p2m_ram_rw], 512);
    CHECK_EQ(p.type_frames[p2m_ram_unscrubbed], GIB_PAGES - 512);
    CHECK_EQ(stats().claimed_pages, 31 * GIB_PAGES);
    CHECK_EQ(p2m_check(&p), 0);

    /* Every piece touched: the GiB coalesces into one 1 GiB leaf. */
    for (i = 0; i < 512; i++) {
        t = touch(&p, g3 + i * 512 + (i % 7), 0);
        if (i == 2)
            CHECK_EQ(t.kind, POD_NR_KINDS);     /* already backed by the first touch */
        if (i % 64 == 63)
            sim_compact();
    }
    p2m_get_entry(&p, g3 + 77, &ty, NULL, &order);
    CHECK(ty == p2m_ram_rw && order == PAGE_ORDER_1G, "not coalesced: %u/%u", ty, order);
    CHECK_EQ(p.ram_leaves[P2M_LEVEL_1G], 1);
    CHECK_EQ(p.type_frames[p2m_ram_unscrubbed], 0);
    CHECK_EQ(p2m_check(&p), 0);

    /* A GiB the idle scrubber made clean is mapped whole at once, no scrub. */
    page_scrub_set_pool(GB(1));
    scrub_all();
    touched = sim_touched;
    t = touch(&p, g7 + 99999, 0);
    CHECK_EQ(t.kind, POD_1G_CLEAN);
    CHECK(sim_touched - touched <= 4, "clean GiB touch wrote %lu pages",
          (unsigned long)(sim_touched - touched));
    p2m_get_entry(&p, g7, &ty, NULL, &order);
    CHECK(ty == p2m_ram_rw && order == PAGE_ORDER_1G, "clean GiB not one leaf");
    CHECK(gfn_reads_zero(&p, g7 + 99999), "clean GiB not zero");
    page_scrub_set_pool(0);

    /* touch_order 18: a dirty GiB scrubbed whole at its first touch. */
    p.pod.touch_order = PAGE_ORDER_1G;
    t = touch(&p, g9 + 5, 0);
    CHECK_EQ(t.kind, POD_1G_SCRUBBED);
    CHECK(gfn_reads_zero(&p, g9 + GIB_PAGES - 1), "whole GiB not scrubbed");
    sim_compact();
    p.pod.touch_order = PAGE_ORDER_2M;

    /* A region smaller than a GiB takes a 2 MiB chunk. */
    CHECK_EQ(p2m_pod_set(&p, 33 * GIB_PAGES + 512, 1024), 0);
    t = touch(&p, 33 * GIB_PAGES + 1000, 0);
    CHECK_EQ(t.order, PAGE_ORDER_2M);
    CHECK_EQ(t.allocated, 512);
    CHECK(gfn_reads_zero(&p, 33 * GIB_PAGES + 512), "2 MiB chunk not zero");

    /* Not lazily populated RAM: refused. */
    touch(&p, 50 * GIB_PAGES, -EINVAL);
    CHECK_EQ(p2m_check(&p), 0);
    CHECK_EQ(stats().claimed_pages, p.type_frames[p2m_populate_on_demand]);

    /* Teardown: claims released, chunks back whole (and dirty). */
    p2m_pod_release(&p);
    p2m_teardown(&p);
    for (i = 0; i < recorded.n; i++)
        free_pages(recorded.ma[i], recorded.order[i]);
    CHECK_EQ(stats().claimed_pages, 0);
    CHECK_EQ(stats().free_1g, 64);
    CHECK_EQ(stats().clean_pages, 0);
    CHECK_EQ(page_alloc_check(), 0);
}

/* With no free GiB left, a touch of a PoD GiB falls back to a 2 MiB chunk. */
static void test_lazy_fallback(void)
{
    static const paddr_t map[][2] = { { 0, 4ULL << 30 } };
    paddr_t held[4];
    struct p2m_pod_touch t;
    struct p2m p;
    unsigned int i;

    machine(4ULL << 30, map, 1);
    recorded.n = 0;
    CHECK_EQ(p2m_init(&p, &ept_p2m_ops, 48, PAGE_ORDER_1G), 0);
    CHECK_EQ(p2m_pod_set(&p, GIB_PAGES, GIB_PAGES), 0);
    /* Fragment the host: take 3 GiBs and part of the fourth. */
    for (i = 0; i < 3; i++)
        held[i] = alloc_pages(PAGE_ORDER_1G);
    held[3] = alloc_pages(PAGE_ORDER_4K);
    t = touch(&p, GIB_PAGES + 4096, 0);
    CHECK_EQ(t.order, PAGE_ORDER_2M);
    CHECK_EQ(t.allocated, 512);
    CHECK(gfn_reads_zero(&p, GIB_PAGES + 4096), "fallback chunk not zero");
    CHECK_EQ(p2m_check(&p), 0);
    p2m_pod_release(&p);
    p2m_teardown(&p);
    for (i = 0; i < recorded.n; i++)
        free_pages(recorded.ma[i], recorded.order[i]);
    for (i = 0; i < 3; i++)
        free_pages(held[i], PAGE_ORDER_1G);
    free_pages(held[3], PAGE_ORDER_4K);
    CHECK_EQ(stats().free_1g, 4);
    CHECK_EQ(page_alloc_check(), 0);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "page_alloc/pc_layout", test_pc_layout },
        { "page_alloc/orders_aligned", test_orders_aligned },
        { "page_alloc/exhaust_4k", test_exhaust_4k },
        { "page_alloc/exhaust_16k", test_exhaust_16k },
        { "page_alloc/exhaust_2m", test_exhaust_2m },
        { "page_alloc/exhaust_8m", test_exhaust_8m },
        { "page_alloc/random_mix", test_random_mix },
        { "page_alloc/13tib", test_13tib },
        { "page_alloc/64tib", test_64tib },
        { "page_alloc/bad_free_panics", test_bad_free_panics },
        { "page_alloc/overlapping_add", test_overlapping_add_warns },
        { "page_alloc/exhaust_invalid", test_exhaust_returns_invalid },
        { "page_alloc/clean_dirty", test_clean_dirty },
        { "page_alloc/clean_split_merge", test_clean_split_merge },
        { "page_alloc/claims", test_claims },
        { "page_alloc/past_16tib", test_past_16tib },
        { "page_alloc/lazy_touch", test_lazy_touch },
        { "page_alloc/lazy_fallback", test_lazy_fallback },
    };

    return test_run(cases, sizeof(cases) / sizeof(cases[0]));
}
