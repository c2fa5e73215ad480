/*
 * Boot-time memory set-up: reservations, early allocations below 4 GiB,
 * the direct map of all host memory (1 GiB pages where the CPU has them,
 * else 2 MiB), and handing RAM to the page allocator.
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/bootinfo.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>

extern char _start[], _end[];
extern pte_t boot_l4[], boot_l3_high[];

struct reserved_range {
    paddr_t start, end;
    const char *what;
};

static struct reserved_range reserved[MAX_BOOT_RESERVED];
static unsigned int nr_reserved;
static const struct boot_info *early_bi;
static bool directmap_ready;
bool cpu_has_page1gb;
unsigned int paddr_bits = 36;
uint64_t directmap_bytes_of_pagetables;
static paddr_t directmap_top;

void *maddr_to_virt(paddr_t ma)
{
    /* Before the direct map exists, the boot tables identity-map 4 GiB. */
    if (!directmap_ready)
        return (void *)(unsigned long)ma;
    return (void *)(DIRECTMAP_VIRT_START + ma);
}

paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;

    if (v >= XEN_VIRT_START)
        return v - XEN_VIRT_START;
    if (v >= DIRECTMAP_VIRT_START && v < DIRECTMAP_VIRT_END)
        return v - DIRECTMAP_VIRT_START;
    panic("virt_to_maddr(%p): not a hypervisor address", va);
}

void boot_reserve(paddr_t start, paddr_t end, const char *what)
{
    unsigned int i;

    start = ROUNDDOWN(start, PAGE_SIZE);
    end = ROUNDUP(end, PAGE_SIZE);
    /* Early allocations come lowest-first: one range grows instead of many (terabyte maps). */
    for (i = 0; i < nr_reserved; i++)
        if (reserved[i].what == what && (reserved[i].end == start || reserved[i].start == end)) {
            reserved[i].start = min(reserved[i].start, start);
            reserved[i].end = max(reserved[i].end, end);
            return;
        }
    if (nr_reserved == MAX_BOOT_RESERVED)
        panic("too many boot reservations (%s)", what);
    reserved[nr_reserved++] = (struct reserved_range){ start, end, what };
}

/* First address >= a where [a, a+size) avoids every reservation, or end. */
static paddr_t skip_reserved(paddr_t a, uint64_t size, uint64_t align, paddr_t end)
{
    unsigned int i;
    bool moved;

    do {
        moved = false;
        a = ROUNDUP(a, align);
        for (i = 0; i < nr_reserved && a + size <= end; i++) {
            if (a < reserved[i].end && a + size > reserved[i].start) {
                a = reserved[i].end;
                moved = true;
                break;
            }
        }
    } while (moved && a + size <= end);
    return a;
}

paddr_t early_alloc(uint64_t size, uint64_t align)
{
    const struct boot_info *bi = early_bi;
    unsigned int i;

    size = ROUNDUP(size, PAGE_SIZE);
    /* Highest-first below 4 GiB would be nicer to DMA; lowest-first keeps it simple. */
    for (i = 0; i < bi->nr_mem; i++) {
        paddr_t s = max(bi->mem[i].addr, (paddr_t)MB(1));
        paddr_t e = min(bi->mem[i].addr + bi->mem[i].size, (paddr_t)GB(4));

        if (bi->mem[i].type != MEM_RAM || s >= e)
            continue;
        s = skip_reserved(s, size, align, e);
        if (s + size <= e) {
            boot_reserve(s, s + size, "early allocation");
            memset(maddr_to_virt(s), 0, size);
            return s;
        }
    }
    panic("out of memory below 4 GiB for an early allocation of %lu bytes", (unsigned long)size);
}

/* A zeroed page-table page: its machine address, and through *va its contents. */
static paddr_t new_table(pte_t **va)
{
    paddr_t ma = early_alloc(PAGE_SIZE, PAGE_SIZE);

    directmap_bytes_of_pagetables += PAGE_SIZE;
    *va = maddr_to_virt(ma);
    return ma;
}

void setup_directmap(const struct boot_info *bi, paddr_t top)
{
    struct cpuid_regs r;
    pte_t *l4;
    paddr_t a, l4_ma;

    early_bi = bi;
    cpuid(0x80000000, &r);
    if (r.a >= 0x80000008) {
        cpuid(0x80000008, &r);
        paddr_bits = r.a & 0xff;
    }
    cpuid(0x80000001, &r);
    cpu_has_page1gb = (r.d >> 26) & 1;

    if (top > DIRECTMAP_SIZE) {
        printk(XENLOG_WARNING "Memory above %lu TiB is beyond the direct map and is ignored\n",
               (unsigned long)(DIRECTMAP_SIZE >> 40));
        top = DIRECTMAP_SIZE;
    }
    directmap_top = top = ROUNDUP(top, GIGAPAGE_SIZE);

    l4_ma = early_alloc(PAGE_SIZE, PAGE_SIZE);
    l4 = maddr_to_virt(l4_ma);
    /* The image window stays as the boot tables made it. */
    l4[511] = boot_l4[511];

    for (a = 0; a < top; a += GIGAPAGE_SIZE) {
        unsigned long va = DIRECTMAP_VIRT_START + a;
        pte_t *l3, *l2;
        unsigned int i;

        if (!(l4[l4_index(va)] & _PAGE_PRESENT))
            l4[l4_index(va)] = new_table(&l3) | PAGE_HYPERVISOR;
        l3 = maddr_to_virt(l4[l4_index(va)] & PTE_ADDR_MASK);
        if (cpu_has_page1gb) {
            l3[l3_index(va)] = a | PAGE_HYPERVISOR | _PAGE_PSE | _PAGE_GLOBAL;
            continue;
        }
        l3[l3_index(va)] = new_table(&l2) | PAGE_HYPERVISOR;
        for (i = 0; i < 512; i++)
            l2[i] = (a + ((paddr_t)i << SUPERPAGE_SHIFT)) | PAGE_HYPERVISOR | _PAGE_PSE | _PAGE_GLOBAL;
    }

    write_cr4(read_cr4() | X86_CR4_PGE);
    write_cr3(l4_ma);
    directmap_ready = true;
}

void setup_page_alloc(const struct boot_info *bi, paddr_t top)
{
    paddr_t table;
    unsigned int i, j;

    if (top > directmap_top)
        top = directmap_top;
    table = early_alloc(page_alloc_table_bytes(top), PAGE_SIZE);
    page_alloc_init(top, maddr_to_virt(table));

    for (i = 0; i < bi->nr_mem; i++) {
        paddr_t s = max(bi->mem[i].addr, (paddr_t)MB(1));   /* keep low memory for trampolines */
        paddr_t e = min(bi->mem[i].addr + bi->mem[i].size, top);

        if (bi->mem[i].type != MEM_RAM)
            continue;
        /* Cut out the reservations (few, unsorted): lowest overlapping one first. */
        while (s < e) {
            const struct reserved_range *first = NULL;

            for (j = 0; j < nr_reserved; j++)
                if (reserved[j].end > s && reserved[j].start < e &&
                    (!first || reserved[j].start < first->start))
                    first = &reserved[j];
            if (!first) {
                page_alloc_add_range(s, e);
                break;
            }
            if (first->start > s)
                page_alloc_add_range(s, first->start);
            s = first->end;
        }
    }
}
