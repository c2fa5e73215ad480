/*
 * badmem: read and write guest-physical memory far outside the memory map
 * (512 GiB, or the highest GiB the CPU can address if that is less),
 * identity-mapped with a 1 GiB page (2 MiB pages without pdpe1gb).  The
 * hypervisor must crash this domain or drop the access (reads all ones or
 * zeros); it must never hand the guest memory it does not own, nor fall
 * over itself.  Surviving is reported; a pattern that sticks is a FAIL.
 */
#include "guest.h"

const char test_name[] = "badmem";

#define TARGET (512 * GiB)
#define PATTERN 0x0badbad0c0ffee00ull

static bool in_memmap(uint64_t addr, uint64_t len)
{
    unsigned int i;

    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (addr < r->base + r->size && r->base < addr + len)
            return true;
    }
    return false;
}

static uint64_t pick_target(void)
{
    uint64_t limit = (uint64_t)1 << cpu.phys_bits;
    uint64_t a = TARGET + GiB <= limit ? TARGET : limit - GiB;

    for (; a >= 4 * GiB; a -= GiB)
        if (!in_memmap(a, GiB))
            return a;
    return 0;
}

void test_main(void)
{
    uint64_t target = pick_target(), before = 0, after = 0;
    int rv, wv, rv2;

    if (!target || paging_map(target, GiB)) {
        fail("setup", "no unmapped GiB below the %u-bit physical limit to aim at", cpu.phys_bits);
        return;
    }
    info("touching %#lx (outside the memory map, %u-bit physical addresses) through a %s "
         "page: expect this domain to be crashed",
         target, cpu.phys_bits, page_size_name(paging_page_size(target)));
    rv = read64_safe(target, &before);
    info("read %s: %#lx", rv < 0 ? "returned" : exception_name((unsigned int)rv), before);
    wv = write64_safe(target, PATTERN);
    rv2 = read64_safe(target, &after);
    info("write %s; read back %#lx%s", wv < 0 ? "completed" : exception_name((unsigned int)wv),
         after, rv2 < 0 ? "" : " (read faulted)");
    check(after != PATTERN, "not_backed",
          "still alive: the write to %#lx %s (read %#lx, then %#lx)", target,
          after == PATTERN ? "STUCK: memory outside the map is backed" : "was dropped", before,
          after);
}
