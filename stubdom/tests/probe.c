/*
 * probe: every part of a (terabyte) guest's RAM is real and private.
 *
 * From the memory map in hvm_start_info, each RAM range is identity-mapped
 * and probed at its first and last page and at one page per stride slice,
 * at a pseudo-random offset inside the slice.  The stride keeps the number
 * of pages bounded whatever the size (at most about PROBE_SLICES of them,
 * never closer than 2 MiB): a 12 TiB guest is probed every 24 GiB, so the
 * host backs only what is touched.  "slices=N" on the command line sets
 * that bound (a smaller one for emulators with little host memory).
 *
 * Each probed page is first read whole: it must be zero, as a guest must
 * never see another domain's or the hypervisor's old data.  That first
 * read is the page's first touch and is timed with RDTSC (the cost of the
 * hypervisor populating it).  Then a pattern derived from each address is
 * written at three words of the page; only after every page is written are
 * they all read back, so two addresses backed by the same memory (an
 * aliasing bug) show as a mismatch.
 */
#include "guest.h"
#include "x86.h"

const char test_name[] = "probe";

#define PROBE_SLICES 512
#define MIN_STRIDE (2 * MiB)
#define PATTERN_KEY 0x3c5aa5c3f00f0ff0ull
#define MAX_REPORTS 8
#define SEED 0x9e3779b97f4a7c15ull

struct touch_stats {
    uint64_t count, ticks, max_ticks, nonzero_pages;
};

struct pass_state {
    bool verify;
    unsigned int reports;
    struct touch_stats touch;
};

static uint64_t pattern(uint64_t addr)
{
    return addr ^ PATTERN_KEY ^ (addr << 17);
}

static void report(struct pass_state *st, const char *fmt, uint64_t a, uint64_t b)
{
    if (st->reports++ < MAX_REPORTS)
        info(fmt, a, b);
}

/* The first touch: read the page [lo, hi) whole; it must be zero. */
static bool first_touch(uint64_t lo, uint64_t hi, struct pass_state *st)
{
    uint64_t t0, t1, got = 0, a;
    int v;

    t0 = rdtsc();
    v = read64_safe(lo, &got);
    t1 = rdtsc();
    if (v >= 0) {
        report(st, "  read at %#lx: exception %lu", lo, (uint64_t)v);
        return false;
    }
    st->touch.count++;
    st->touch.ticks += t1 - t0;
    if (t1 - t0 > st->touch.max_ticks)
        st->touch.max_ticks = t1 - t0;
    for (a = lo; a < hi; a += 8) {
        got = *(volatile uint64_t *)a;
        if (got) {
            st->touch.nonzero_pages++;
            report(st, "  not zero before first write: %#lx holds %#lx", a, got);
            return false;
        }
    }
    return true;
}

static bool word(uint64_t addr, struct pass_state *st)
{
    uint64_t got = 0;
    int v = st->verify ? read64_safe(addr, &got) : write64_safe(addr, pattern(addr));

    if (v >= 0) {
        report(st, "  access at %#lx: exception %lu", addr, (uint64_t)v);
        return false;
    }
    if (st->verify && got != pattern(addr)) {
        report(st, "  mismatch at %#lx: read %#lx", addr, got);
        return false;
    }
    return true;
}

static bool probe(uint64_t lo, uint64_t hi, void *arg)
{
    struct pass_state *st = arg;
    uint64_t mid = (lo + (hi - lo) / 2) & ~7ull;
    bool ok = true;

    if (!st->verify)
        ok = first_touch(lo, hi, st);
    ok = word(lo, st) && ok;
    ok = word(mid, st) && ok;
    ok = word(hi - 8, st) && ok;
    return ok;
}

/* "slices=N" from the command line, else PROBE_SLICES. */
static uint64_t slices_wanted(void)
{
    const struct hvm_start_info *si = start_info();
    const char *p = si && si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
    uint64_t n = 0;

    for (; *p; p++) {
        if ((p == (const char *)(uintptr_t)si->cmdline_paddr || p[-1] == ' ') &&
            !memcmp(p, "slices=", 7)) {
            for (p += 7; *p >= '0' && *p <= '9'; p++)
                n = n * 10 + (uint64_t)(*p - '0');
            break;
        }
    }
    return n && n <= 65536 ? n : PROBE_SLICES;
}

static uint64_t ram_total(unsigned int *nr)
{
    uint64_t total = 0;
    unsigned int i;

    *nr = 0;
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type == E820_RAM) {
            total += r->size;
            (*nr)++;
        }
    }
    return total;
}

static void run_pass(struct pass_state *st, uint64_t stride, struct probe_stats *stats)
{
    uint64_t seed = SEED;       /* the same pages in both passes */
    unsigned int i;

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type == E820_RAM)
            probe_range_jitter(r->base, r->size, stride, &seed, probe, st, &stats[i]);
    }
}

void test_main(void)
{
    static struct probe_stats wstats[MEMMAP_MAX], vstats[MEMMAP_MAX];
    struct pass_state wr = {false, 0, {0}}, rd = {true, 0, {0}};
    uint64_t total, stride, pages = 0, failed = 0, per_ms = tsc_ticks_per_ms();
    unsigned int i, nr;

    if (!start_info() || start_info()->version < 1 || !start_info()->memmap_entries) {
        fail("memmap", "no memory map in hvm_start_info");
        return;
    }
    total = ram_total(&nr);
    if (!check(nr > 0, "memmap", "%u entries, %u RAM ranges, %lu MiB of RAM (%lu GiB)",
               memmap_count(), nr, total / MiB, total / GiB))
        return;
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type == E820_RAM && paging_map(r->base, r->size)) {
            fail("map", "cannot identity-map %#lx-%#lx (page-table pool or address width)",
                 r->base, r->base + r->size);
            return;
        }
    }
    stride = (total / slices_wanted() + MIN_STRIDE - 1) & ~(MIN_STRIDE - 1);
    if (stride < MIN_STRIDE)
        stride = MIN_STRIDE;
    info("RAM seen: %lu MiB in %u ranges; stride %lu MiB at random offsets", total / MiB, nr,
         stride / MiB);

    run_pass(&wr, stride, wstats);
    run_pass(&rd, stride, vstats);

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);
        char name[16];

        if (r->type != E820_RAM)
            continue;
        snprintf(name, sizeof(name), "range%u", i);
        pages += vstats[i].pages;
        failed += vstats[i].failed + wstats[i].failed;
        check(!vstats[i].failed && !wstats[i].failed && (vstats[i].pages || vstats[i].skipped),
              name, "%#lx-%#lx (%lu MiB): %lu pages probed, %lu failed, %lu skipped (runtime)",
              r->base, r->base + r->size, r->size / MiB, vstats[i].pages,
              vstats[i].failed + wstats[i].failed, vstats[i].skipped);
    }
    check(wr.touch.nonzero_pages == 0, "zero",
          "%lu pages read as zero before their first write (%lu did not)",
          wr.touch.count - wr.touch.nonzero_pages, wr.touch.nonzero_pages);
    check(failed == 0 && pages > 0, "pattern", "%lu pages hold their own address pattern", pages);
    if (wr.touch.count)
        info("first touch: %lu pages, average %lu ticks, max %lu ticks (%lu ticks per ms)",
             wr.touch.count, wr.touch.ticks / wr.touch.count, wr.touch.max_ticks, per_ms);
    info("RAM total %lu MiB, %lu pages probed", total / MiB, pages);
}
