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
#include <xen/mm.h>
#include <asm/page.h>

/* ---- sparse simulated memory: machine frame -> 4 KiB of host memory ---- */
#define HASH_SIZE (1u << 20)
struct sim_page {
    uint64_t mfn;
    struct sim_page *next;
    unsigned char data[4096];
};
static struct sim_page *sim_hash[HASH_SIZE];
static uint64_t sim_touched;

void *maddr_to_virt(paddr_t ma)
{
    uint64_t mfn = ma >> 12;
    unsigned int h = (unsigned int)((mfn * 0x9E3779B97F4A7C15ULL) >> 44) & (HASH_SIZE - 1);
    struct sim_page *p;

    for (p = sim_hash[h]; p; p = p->next)
        if (p->mfn == mfn)
            return p->data + (ma & 4095);
    p = calloc(1, sizeof(*p));
    p->mfn = mfn;
    p->next = sim_hash[h];
    memset(p->data, 0xA5, sizeof(p->data));  /* garbage, as real RAM would hold */
    sim_hash[h] = p;
    sim_touched++;
    return p->data + (ma & 4095);
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
    };

    return test_run(cases, sizeof(cases) / sizeof(cases[0]));
}
