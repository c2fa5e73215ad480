/*
 * Which addresses of a RAM range a memory test touches, kept apart from
 * what it does there so the same walk serves the `memory` guest and the
 * terabyte probe.  A probe visits one 4 KiB page, clipped to the range:
 * the range's first page, every page at a multiple of `stride` from the
 * range's stride-aligned start, and its last page, each once, in address
 * order.  Pages holding runtime memory (memmap_is_protected) are skipped.
 * The callback gets the clipped span [lo, hi), 8-byte aligned, and by
 * convention checks its first and last 8 bytes.
 */
#include "guest.h"

#define ALIGN_DOWN(x, a) ((x) & ~((a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a)-1, a)

static void probe_page(uint64_t page, uint64_t first, uint64_t end, probe_fn fn, void *arg,
                       struct probe_stats *stats)
{
    uint64_t lo = page > first ? page : first;
    uint64_t hi = page + PAGE_SIZE < end ? page + PAGE_SIZE : end;

    if (hi < lo + 8)
        return;
    if (memmap_is_protected(lo, hi - lo)) {
        stats->skipped++;
        return;
    }
    stats->pages++;
    stats->bytes += hi - lo >= 16 ? 16 : 8;
    if (!fn(lo, hi, arg))
        stats->failed++;
}

void probe_range(uint64_t base, uint64_t size, uint64_t stride, probe_fn fn, void *arg,
                 struct probe_stats *stats)
{
    uint64_t first = ALIGN_UP(base, 8);
    uint64_t end = ALIGN_DOWN(base + size, 8);
    uint64_t first_page, last_page, page;

    if (end < first + 8)
        return;
    stride = stride < PAGE_SIZE ? PAGE_SIZE : ALIGN_UP(stride, PAGE_SIZE);
    first_page = ALIGN_DOWN(first, PAGE_SIZE);
    last_page = ALIGN_DOWN(end - 8, PAGE_SIZE);

    probe_page(first_page, first, end, fn, arg, stats);
    for (page = ALIGN_UP(first_page + 1, stride); page > first_page && page < last_page;
         page += stride)
        probe_page(page, first, end, fn, arg, stats);
    if (last_page != first_page)
        probe_page(last_page, first, end, fn, arg, stats);
}

/*
 * The terabyte walk: the range's first and last page, and one page in
 * every stride-sized slice of the range at a pseudo-random offset inside
 * the slice (so the pages probed are not all at the same offset in their
 * 2 MiB or 1 GiB piece, and a mix-up of pieces shows).  *seed advances.
 */
static uint64_t next_rand(uint64_t *seed)
{
    uint64_t x = *seed;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *seed = x;
    return x;
}

void probe_range_jitter(uint64_t base, uint64_t size, uint64_t stride, uint64_t *seed,
                        probe_fn fn, void *arg, struct probe_stats *stats)
{
    uint64_t first = ALIGN_UP(base, 8);
    uint64_t end = ALIGN_DOWN(base + size, 8);
    uint64_t first_page, last_page, slice;

    if (end < first + 8)
        return;
    stride = stride < PAGE_SIZE ? PAGE_SIZE : ALIGN_UP(stride, PAGE_SIZE);
    first_page = ALIGN_DOWN(first, PAGE_SIZE);
    last_page = ALIGN_DOWN(end - 8, PAGE_SIZE);

    probe_page(first_page, first, end, fn, arg, stats);
    for (slice = ALIGN_DOWN(first_page, stride); slice <= last_page; slice += stride) {
        uint64_t page = slice + (next_rand(seed) % (stride / PAGE_SIZE)) * PAGE_SIZE;

        if (page > first_page && page < last_page)
            probe_page(page, first, end, fn, arg, stats);
        if (slice + stride < slice)
            break;
    }
    if (last_page != first_page)
        probe_page(last_page, first, end, fn, arg, stats);
}
