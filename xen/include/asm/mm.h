/* x86 memory set-up at boot: the direct map and early allocations. */
#ifndef ASM_MM_H
#define ASM_MM_H

#include <xen/types.h>
#include <xen/bootinfo.h>

/* Ranges that the page allocator must never hand out (image, boot info, modules, early allocations). */
#define MAX_BOOT_RESERVED (MAX_BOOT_MODULES + 16)
void boot_reserve(paddr_t start, paddr_t end, const char *what);

/* Allocate from RAM below 4 GiB before the page allocator exists (zeroed). */
paddr_t early_alloc(uint64_t size, uint64_t align);

/* Build and switch to the hypervisor's own page tables with a direct map of [0, top). */
void setup_directmap(const struct boot_info *bi, paddr_t top);
/* Hand every RAM range, minus reservations, to the page allocator. */
void setup_page_alloc(const struct boot_info *bi, paddr_t top);

extern bool cpu_has_page1gb;
extern unsigned int paddr_bits;
extern uint64_t directmap_bytes_of_pagetables;

#endif
