/*
 * Identity page tables (4-level paging).  paging_init() maps [0, 4 GiB):
 * the first 2 MiB with 4 KiB pages, the rest of the first GiB with 2 MiB
 * pages, and the remaining GiBs with 1 GiB pages where CPUID has pdpe1gb,
 * else 2 MiB pages.  Tests extend the map on demand.  Tables come from a
 * fixed pool below 4 GiB (secondary CPUs load the same CR3 in 32-bit mode).
 */
#include "guest.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PT_ENTRIES 512
#define PT_POOL_PAGES 192     /* enough page tables to map ~60 TiB with 1 GiB pages */
#define VIRT_BITS 47 /* identity addresses must be canonical */

/* Level 0 = page table (4 KiB pages) ... level 3 = PML4. */
#define LEVEL_SIZE(l) (1ull << (12 + 9 * (l)))
#define LEVEL_INDEX(addr, l) (((addr) >> (12 + 9 * (l))) & (PT_ENTRIES - 1))

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __aligned(4096) __section(".ptpool");
static unsigned int pt_pool_used;
static uint64_t *pml4;

static uint64_t *pt_alloc(void)
{
    uint64_t *t;

    if (pt_pool_used == PT_POOL_PAGES)
        return NULL;
    t = pt_pool[pt_pool_used++];
    memset(t, 0, PAGE_SIZE);
    return t;
}

static uint64_t *entry_table(uint64_t e)
{
    return (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
}

/* Replace the large page in *e (a level-`level` entry) by a table of 512 smaller pages. */
static int split_large_page(uint64_t *e, uint64_t addr, unsigned int level)
{
    uint64_t base = addr & ~(LEVEL_SIZE(level) - 1);
    uint64_t *t = pt_alloc();
    unsigned int i;

    if (!t)
        return -1;
    for (i = 0; i < PT_ENTRIES; i++)
        t[i] = (base + i * LEVEL_SIZE(level - 1)) | PTE_P | PTE_RW | (level > 1 ? PTE_PS : 0);
    *e = (uint64_t)(uintptr_t)t | PTE_P | PTE_RW;
    return 0;
}

/* The level-`level` entry for addr, creating or splitting tables above it; NULL if out of tables.
 */
static uint64_t *pte_slot(uint64_t addr, unsigned int level)
{
    uint64_t *table = pml4;
    unsigned int l;

    for (l = 3; l > level; l--) {
        uint64_t *e = &table[LEVEL_INDEX(addr, l)];

        if (!(*e & PTE_P)) {
            uint64_t *t = pt_alloc();

            if (!t)
                return NULL;
            *e = (uint64_t)(uintptr_t)t | PTE_P | PTE_RW;
        } else if (*e & PTE_PS) {
            if (split_large_page(e, addr, l))
                return NULL;
        }
        table = entry_table(*e);
    }
    return &table[LEVEL_INDEX(addr, level)];
}

static bool range_ok(uint64_t paddr, uint64_t size)
{
    unsigned int bits = cpu.phys_bits < VIRT_BITS ? cpu.phys_bits : VIRT_BITS;

    return size && paddr + size > paddr && paddr + size <= (1ull << bits);
}

int paging_map(uint64_t paddr, uint64_t size)
{
    uint64_t addr = paddr & ~(PAGE_SIZE - 1);
    uint64_t end = paddr + size;

    if (!range_ok(paddr, size))
        return -1;
    while (addr < end) {
        unsigned int level = cpu.has_1g_pages ? 2 : 1;
        uint64_t *e;

        while (level && ((addr & (LEVEL_SIZE(level) - 1)) || addr + LEVEL_SIZE(level) > end))
            level--;
        e = pte_slot(addr, level);
        if (!e)
            return -1;
        /* Keep an existing finer-grained table: it maps the same addresses. */
        if (!(*e & PTE_P) || level == 0 || (*e & PTE_PS))
            *e = addr | PTE_P | PTE_RW | (level ? PTE_PS : 0);
        addr += LEVEL_SIZE(level);
    }
    write_cr3(read_cr3());
    return 0;
}

int paging_map_4k(uint64_t paddr)
{
    uint64_t addr;

    if ((paddr & (LEVEL_SIZE(1) - 1)) || !range_ok(paddr, LEVEL_SIZE(1)))
        return -1;
    for (addr = paddr; addr < paddr + LEVEL_SIZE(1); addr += PAGE_SIZE) {
        uint64_t *e = pte_slot(addr, 0);

        if (!e)
            return -1;
        *e = addr | PTE_P | PTE_RW;
    }
    write_cr3(read_cr3());
    return 0;
}

uint64_t paging_page_size(uint64_t paddr)
{
    uint64_t *table = pml4;
    int l;

    for (l = 3; l >= 0; l--) {
        uint64_t e = table[LEVEL_INDEX(paddr, l)];

        if (!(e & PTE_P))
            return 0;
        if (l == 0 || (l < 3 && (e & PTE_PS)))
            return LEVEL_SIZE(l);
        table = entry_table(e);
    }
    return 0;
}

const char *page_size_name(uint64_t size)
{
    switch (size) {
    case 4096:
        return "4K";
    case 2 * MiB:
        return "2M";
    case GiB:
        return "1G";
    default:
        return "unmapped";
    }
}

void paging_init(void)
{
    pml4 = pt_alloc();
    /* Build first, switch after: the boot map is in use until write_cr3. */
    for (uint64_t a = 0; a < 2 * MiB; a += PAGE_SIZE)
        *pte_slot(a, 0) = a | PTE_P | PTE_RW;
    paging_map(2 * MiB, 4 * GiB - 2 * MiB);
    write_cr3((uint64_t)(uintptr_t)pml4);
}
