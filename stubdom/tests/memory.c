/*
 * memory: every RAM range of the memory map is backed and distinct.  Each
 * range is identity-mapped (1 GiB pages where the CPU has them, else
 * 2 MiB), then a pattern derived from each address is written at the
 * range's first and last page and every STRIDE, plus every 4 KiB page of
 * one 2 MiB region remapped with 4 KiB pages.  All writes happen before any
 * read-back, so two addresses backed by the same memory show up as a
 * mismatch.  The walk itself is probe_range() (lib/memprobe.c).
 */
#include "guest.h"

const char test_name[] = "memory";

#define STRIDE (2 * MiB)
#define FINE_REGION (2 * MiB)
#define PATTERN_KEY 0x5a5aa5a5c3c33c3cull
#define MAX_REPORTS 8 /* detail lines per pass */

struct pass_state {
    bool verify;
    unsigned int reports;
};

static uint64_t pattern(uint64_t addr)
{
    return addr ^ PATTERN_KEY;
}

static bool probe_word(uint64_t addr, struct pass_state *st)
{
    uint64_t got = 0;
    int v;

    if (!st->verify)
        v = write64_safe(addr, pattern(addr));
    else
        v = read64_safe(addr, &got);
    if (v >= 0 || (st->verify && got != pattern(addr))) {
        if (st->reports++ < MAX_REPORTS) {
            if (v >= 0)
                info("  %s at %#lx: %s", st->verify ? "read" : "write", addr,
                     exception_name((unsigned int)v));
            else
                info("  mismatch at %#lx: read %#lx, wrote %#lx", addr, got, pattern(addr));
        }
        return false;
    }
    return true;
}

static bool probe(uint64_t lo, uint64_t hi, void *arg)
{
    bool first = probe_word(lo, arg);
    bool last = hi - 8 == lo || probe_word(hi - 8, arg);

    return first && last;
}

/* A 2 MiB-aligned block wholly inside RAM, clear of runtime memory, at or above 4 MiB if possible.
 */
static uint64_t pick_fine_region(void)
{
    uint64_t best = 0;
    unsigned int i;

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);
        uint64_t a = (r->base + FINE_REGION - 1) & ~(FINE_REGION - 1);

        if (r->type != E820_RAM)
            continue;
        for (; a + FINE_REGION <= r->base + r->size; a += FINE_REGION) {
            if (memmap_is_protected(a, FINE_REGION))
                continue;
            if (a >= 4 * MiB)
                return a;
            if (!best)
                best = a;
        }
    }
    return best;
}

/* "639 KiB", "510 MiB", "4 GiB". */
static const char *size_str(uint64_t size, char *buf, size_t len)
{
    if (size >= GiB && !(size % GiB))
        snprintf(buf, len, "%lu GiB", size / GiB);
    else if (size >= MiB)
        snprintf(buf, len, "%lu MiB", size / MiB);
    else
        snprintf(buf, len, "%lu KiB", size / KiB);
    return buf;
}

static bool memmap_sane(void)
{
    unsigned int i, j, ram = 0;
    bool ok = true;

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *a = memmap_get(i);

        if (!a->size)
            ok = false;
        ram += a->type == E820_RAM;
        for (j = i + 1; j < memmap_count(); j++) {
            const struct mem_range *b = memmap_get(j);

            if (a->base < b->base + b->size && b->base < a->base + a->size) {
                info("entries %u and %u overlap", i, j);
                ok = false;
            }
        }
    }
    return check(ok && ram, "memmap", "%u entries from %s, %u RAM, %s", memmap_count(),
                 memmap_source(), ram, ok ? "no overlaps or empty entries" : "MALFORMED");
}

/* Run one pass (write or verify) over every RAM range and the fine region. */
static void run_pass(bool verify, uint64_t fine, struct probe_stats *stats,
                     struct probe_stats *fine_stats)
{
    struct pass_state st = {verify, 0};
    unsigned int i;

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type == E820_RAM)
            probe_range(r->base, r->size, STRIDE, probe, &st, &stats[i]);
    }
    if (fine)
        probe_range(fine, FINE_REGION, PAGE_SIZE, probe, &st, fine_stats);
}

void test_main(void)
{
    static struct probe_stats write_stats[MEMMAP_MAX], stats[MEMMAP_MAX];
    struct probe_stats fine_write = {0}, fine_stats = {0};
    uint64_t fine, total = 0, checked = 0;
    bool above_4g = false;
    unsigned int i;

    if (!memmap_sane())
        return;
    if (!start_info() || start_info()->version < 1 || !start_info()->memmap_entries) {
        skip("ranges", "no memory map in hvm_start_info: only this image is known to be RAM");
        return;
    }
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type != E820_RAM)
            continue;
        if (r->base + r->size > 4 * GiB)
            above_4g = true;
        if (paging_map(r->base, r->size))
            fail("map", "cannot identity-map %#lx-%#lx (page-table pool or address width)", r->base,
                 r->base + r->size);
    }
    fine = pick_fine_region();
    if (fine && paging_map_4k(fine))
        fine = 0;
    info("stride %lu KiB; RAM %s 4 GiB", STRIDE / KiB, above_4g ? "above" : "only below");

    run_pass(false, fine, write_stats, &fine_write);
    run_pass(true, fine, stats, &fine_stats);

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);
        struct probe_stats *s = &stats[i];
        char name[16], size[24];

        if (r->type != E820_RAM)
            continue;
        snprintf(name, sizeof(name), "range%u", i);
        total += r->size;
        checked += s->bytes;
        check(!s->failed && !write_stats[i].failed && (s->pages || s->skipped), name,
              "%#lx-%#lx (%s, %s pages at start): %lu bytes checked in %lu pages, "
              "%lu failed, %lu skipped (runtime memory)",
              r->base, r->base + r->size, size_str(r->size, size, sizeof(size)),
              page_size_name(paging_page_size(r->base)), s->bytes, s->pages,
              s->failed + write_stats[i].failed, s->skipped);
    }
    if (fine)
        check(!fine_stats.failed && !fine_write.failed && fine_stats.pages, "fine_4k",
              "%#lx-%#lx through %s pages: %lu bytes checked in %lu pages, %lu failed, "
              "%lu skipped",
              fine, fine + FINE_REGION, page_size_name(paging_page_size(fine)), fine_stats.bytes,
              fine_stats.pages, fine_stats.failed + fine_write.failed, fine_stats.skipped);
    else
        skip("fine_4k", "no 2 MiB block of RAM clear of the runtime");
    info("%lu MiB of RAM, %lu bytes checked", total / MiB, checked);
}
