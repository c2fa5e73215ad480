/*
 * The guest's memory map: a private copy of hvm_start_info's map (version 1
 * and later), or, without one, the single RAM range the linker placed the
 * image in.  Also the list of memory the runtime itself needs (image,
 * start_info, command line), which memory tests must not overwrite.
 */
#include "guest.h"

#define MAX_PROTECTED 8
#define CMDLINE_MAX 2048

static struct mem_range map[MEMMAP_MAX];
static unsigned int map_count;
static const char *map_source = "none";
static struct mem_range protected_ranges[MAX_PROTECTED];
static unsigned int nr_protected;

const struct hvm_start_info *start_info(void)
{
    return (const struct hvm_start_info *)(uintptr_t)start_info_paddr;
}

void memmap_protect(uint64_t base, uint64_t size)
{
    if (nr_protected < MAX_PROTECTED && size) {
        protected_ranges[nr_protected].base = base;
        protected_ranges[nr_protected].size = size;
        nr_protected++;
    }
}

bool memmap_is_protected(uint64_t addr, uint64_t len)
{
    unsigned int i;

    for (i = 0; i < nr_protected; i++) {
        const struct mem_range *p = &protected_ranges[i];

        if (addr < p->base + p->size && p->base < addr + len)
            return true;
    }
    return false;
}

void memmap_init(void)
{
    const struct hvm_start_info *si = start_info();
    uint64_t image = (uintptr_t)__image_start;
    uint64_t image_size = (uintptr_t)__image_end - image;

    memmap_protect(image, image_size);
    if (si) {
        memmap_protect((uintptr_t)si, sizeof(*si));
        if (si->cmdline_paddr)
            memmap_protect(si->cmdline_paddr, CMDLINE_MAX);
    }
    if (si && si->version >= 1 && si->memmap_paddr && si->memmap_entries &&
        !paging_map(si->memmap_paddr, si->memmap_entries * sizeof(struct hvm_memmap_entry))) {
        const struct hvm_memmap_entry *e =
            (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
        unsigned int i;

        map_count = si->memmap_entries < MEMMAP_MAX ? si->memmap_entries : MEMMAP_MAX;
        for (i = 0; i < map_count; i++) {
            map[i].base = e[i].addr;
            map[i].size = e[i].size;
            map[i].type = e[i].type;
        }
        memmap_protect(si->memmap_paddr, si->memmap_entries * sizeof(*e));
        map_source = "hvm_start_info";
        return;
    }
    /* No map: assume RAM is exactly where the linker placed us. */
    map[0].base = image;
    map[0].size = image_size;
    map[0].type = E820_RAM;
    map_count = 1;
    map_source = "fallback (image only)";
}

unsigned int memmap_count(void)
{
    return map_count;
}

const struct mem_range *memmap_get(unsigned int i)
{
    return i < map_count ? &map[i] : NULL;
}

const char *memmap_source(void)
{
    return map_source;
}

const char *memmap_type_name(uint32_t type)
{
    static const char *const names[] = {"?",        "RAM",      "reserved", "ACPI",
                                        "ACPI NVS", "unusable", "disabled", "PMEM"};

    return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}
