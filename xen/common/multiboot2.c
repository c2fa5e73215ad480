/*
 * Multiboot2 boot information -> struct boot_info.  Every size and offset
 * the loader gives is checked against the bytes actually available before
 * it is used, and every field is read through memcpy into a local copy, so
 * neither a lying loader nor an unaligned buffer can make us read astray.
 */
#include <xen/bootinfo.h>
#include <xen/multiboot2.h>
#include <xen/lib.h>
#include <xen/errno.h>

/* A problem we can live with: say so, count it, go on. */
#define mb2_warn(c, fmt, ...)                                                \
    do {                                                                     \
        printk(XENLOG_WARNING "multiboot2: " fmt "\n", ##__VA_ARGS__);       \
        (c)->bi->nr_warnings++;                                              \
    } while (0)

/* Bad memory map entries beyond this many per parse are counted, not printed. */
#define MB2_MAX_ENTRY_WARNINGS 8

/* No firmware uses EFI descriptors anywhere near this large. */
#define EFI_DESC_SIZE_MAX 1024

/*
 * Memory ranges as the loader listed them, before sorting and resolving
 * overlaps.  Each range is a pair of edges (start, end); adjacent ranges of
 * the same type are joined on the way in, which keeps EFI maps small.
 * Static because boot-time stacks are small; the parser runs once.
 */
#define MEM_RAW_MAX (4 * MAX_MEMMAP_ENTRIES)

/*
 * Where two listed ranges overlap the more restrictive type wins, in this
 * order (lowest first): handing out firmware-owned memory as RAM is the
 * mistake we must never make, losing some RAM is harmless.
 */
enum mem_rank { RANK_RAM, RANK_ACPI, RANK_NVS, RANK_UNUSABLE, RANK_RESERVED, NR_RANKS };

static const uint32_t rank_to_type[NR_RANKS] = {
    [RANK_RAM] = MEM_RAM,
    [RANK_ACPI] = MEM_ACPI,
    [RANK_NVS] = MEM_NVS,
    [RANK_UNUSABLE] = MEM_UNUSABLE,
    [RANK_RESERVED] = MEM_RESERVED,
};

struct mem_edge {
    uint64_t pos;           /* start, or exclusive end */
    uint32_t rank;
    int32_t delta;          /* +1 at a start, -1 at an end */
};

static struct mem_edge mem_edges[2 * MEM_RAW_MAX];

struct mb2_ctx {
    const uint8_t *base;
    uint32_t total;                 /* validated total_size */
    paddr_t maddr;
    struct boot_info *bi;
    uint32_t mmap_off, mmap_size;   /* BIOS map tag, size 0 if none */
    uint32_t efi_mmap_off, efi_mmap_size;
    bool have_cmdline, have_loader, have_efi_bs;
    unsigned int nr_raw;            /* ranges in mem_edges (pairs) */
    unsigned int raw_dropped;       /* ranges that did not fit in mem_edges */
    unsigned int out_dropped;       /* ranges that did not fit in bi->mem */
    unsigned int bad_entries;       /* memory map entries rejected */
    unsigned int modules_dropped;
};

static uint32_t mem_rank_of(uint32_t type)
{
    switch (type) {
    case MEM_RAM:      return RANK_RAM;
    case MEM_ACPI:     return RANK_ACPI;
    case MEM_NVS:      return RANK_NVS;
    case MEM_UNUSABLE: return RANK_UNUSABLE;
    default:           return RANK_RESERVED;
    }
}

static bool acpi_sum_is_zero(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *p++);
    return sum == 0;
}

/*
 * Copy the string that follows a tag's fixed part (hdr bytes) into dst,
 * stopping at the tag's end if the loader forgot the terminator.
 */
static void mb2_copy_string(struct mb2_ctx *c, const char *what, uint32_t off, uint32_t size,
                            uint32_t hdr, char *dst, size_t dst_len)
{
    const char *src = (const char *)c->base + off + hdr;
    size_t len = size - hdr, n = strnlen(src, len);

    if (n == len)
        mb2_warn(c, "%s (tag at offset 0x%x) is not NUL-terminated within its tag, truncated",
                 what, off);
    if (n >= dst_len) {
        mb2_warn(c, "%s is %zu characters long, truncated to %zu", what, n, dst_len - 1);
        n = dst_len - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- Memory map collection --------------------------------------------- */

static void mem_bad_entry(struct mb2_ctx *c, const char *map, unsigned int idx,
                          uint64_t addr, uint64_t len, const char *why)
{
    c->bad_entries++;
    if (c->bad_entries <= MB2_MAX_ENTRY_WARNINGS)
        printk(XENLOG_WARNING "multiboot2: %s memory map entry %u [0x%lx + 0x%lx] %s, ignored\n",
               map, idx, (unsigned long)addr, (unsigned long)len, why);
    c->bi->nr_warnings++;
}

/* Record [addr, addr + len) of the given MEM_* type. */
static void mem_add(struct mb2_ctx *c, const char *map, unsigned int idx,
                    uint64_t addr, uint64_t len, uint32_t type)
{
    uint32_t rank = mem_rank_of(type);
    uint64_t end;
    struct mem_edge *e;
    unsigned int i;

    if (!len)
        return;
    if (len > UINT64_MAX - addr) {
        mem_bad_entry(c, map, idx, addr, len, "wraps around the address space");
        return;
    }
    end = addr + len;

    /* Loaders list ranges in order: join a continuation of the last range. */
    if (c->nr_raw) {
        e = &mem_edges[2 * (c->nr_raw - 1)];
        if (e[0].rank == rank && addr >= e[0].pos && addr <= e[1].pos) {
            if (end > e[1].pos)
                e[1].pos = end;
            return;
        }
    }

    if (c->nr_raw == MEM_RAW_MAX) {
        /*
         * Out of room.  Dropping RAM only loses RAM; dropping anything else
         * could let a RAM range it overlapped show through.  So a new RAM
         * range is dropped, and any other range takes the place of the last
         * RAM range recorded.
         */
        c->raw_dropped++;
        if (rank == RANK_RAM)
            return;
        for (i = c->nr_raw; i > 0 && mem_edges[2 * (i - 1)].rank != RANK_RAM; i--)
            ;
        if (!i)
            return;
        e = &mem_edges[2 * (i - 1)];
    } else
        e = &mem_edges[2 * c->nr_raw++];

    e[0] = (struct mem_edge){ .pos = addr, .rank = rank, .delta = 1 };
    e[1] = (struct mem_edge){ .pos = end, .rank = rank, .delta = -1 };
}

static uint32_t mb2_mem_type(uint32_t type)
{
    switch (type) {
    case MB2_MEMORY_AVAILABLE:        return MEM_RAM;
    case MB2_MEMORY_ACPI_RECLAIMABLE: return MEM_ACPI;
    case MB2_MEMORY_NVS:              return MEM_NVS;
    case MB2_MEMORY_BADRAM:           return MEM_UNUSABLE;
    default:                          return MEM_RESERVED;
    }
}

static uint32_t efi_mem_type(const struct efi_memory_desc *d)
{
    switch (d->type) {
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_CONVENTIONAL_MEMORY:
        /* Runtime services may still use it: not ours to hand out. */
        return (d->attribute & EFI_MEMORY_RUNTIME) ? MEM_RESERVED : MEM_RAM;
    case EFI_ACPI_RECLAIM_MEMORY:
        return MEM_ACPI;
    case EFI_ACPI_MEMORY_NVS:
        return MEM_NVS;
    case EFI_UNUSABLE_MEMORY:
        return MEM_UNUSABLE;
    default:
        return MEM_RESERVED;
    }
}

/* Tag 6, already known to hold at least its fixed part. */
static void mb2_collect_bios_mmap(struct mb2_ctx *c)
{
    struct mb2_tag_mmap tag;
    uint32_t payload, n, i;

    memcpy(&tag, c->base + c->mmap_off, sizeof(tag));
    if (tag.entry_size < sizeof(struct mb2_mmap_entry) || tag.entry_size % 8) {
        mb2_warn(c, "memory map (tag 6 at offset 0x%x) has entry size %u, ignored",
                 c->mmap_off, tag.entry_size);
        return;
    }
    payload = c->mmap_size - (uint32_t)sizeof(tag);
    n = payload / tag.entry_size;
    if (payload % tag.entry_size)
        mb2_warn(c, "memory map (tag 6 at offset 0x%x): %u bytes after the last whole entry ignored",
                 c->mmap_off, payload % tag.entry_size);
    for (i = 0; i < n; i++) {
        struct mb2_mmap_entry ent;

        memcpy(&ent, c->base + c->mmap_off + sizeof(tag) + (size_t)i * tag.entry_size,
               sizeof(ent));
        mem_add(c, "BIOS", i, ent.addr, ent.len, mb2_mem_type(ent.type));
    }
}

/* Tag 17, already known to hold at least its fixed part. */
static void mb2_collect_efi_mmap(struct mb2_ctx *c)
{
    struct mb2_tag_efi_mmap tag;
    uint32_t payload, n, i;

    memcpy(&tag, c->base + c->efi_mmap_off, sizeof(tag));
    if (tag.descr_size < sizeof(struct efi_memory_desc) || tag.descr_size % 8 ||
        tag.descr_size > EFI_DESC_SIZE_MAX) {
        mb2_warn(c, "EFI memory map (tag 17 at offset 0x%x) has descriptor size %u, ignored",
                 c->efi_mmap_off, tag.descr_size);
        return;
    }
    payload = c->efi_mmap_size - (uint32_t)sizeof(tag);
    n = payload / tag.descr_size;
    if (payload % tag.descr_size)
        mb2_warn(c, "EFI memory map (tag 17 at offset 0x%x): %u bytes after the last whole descriptor ignored",
                 c->efi_mmap_off, payload % tag.descr_size);
    for (i = 0; i < n; i++) {
        struct efi_memory_desc d;

        memcpy(&d, c->base + c->efi_mmap_off + sizeof(tag) + (size_t)i * tag.descr_size,
               sizeof(d));
        if (d.num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT)) {
            mem_bad_entry(c, "EFI", i, d.phys_start, d.num_pages, "has too many pages");
            continue;
        }
        mem_add(c, "EFI", i, d.phys_start, d.num_pages << EFI_PAGE_SHIFT, efi_mem_type(&d));
    }
}

/* Append [start, end) to bi->mem, joining it to the previous range if it continues it. */
static void mem_emit(struct mb2_ctx *c, uint64_t start, uint64_t end, uint32_t type)
{
    struct boot_info *bi = c->bi;
    struct boot_mem_range *last = bi->nr_mem ? &bi->mem[bi->nr_mem - 1] : NULL;

    if (last && last->type == type && last->addr + last->size == start) {
        last->size += end - start;
        return;
    }
    if (bi->nr_mem == MAX_MEMMAP_ENTRIES) {
        /* Ranges come in address order: what is lost is the top of memory. */
        c->out_dropped++;
        return;
    }
    bi->mem[bi->nr_mem++] = (struct boot_mem_range){
        .addr = start, .size = end - start, .type = type,
    };
}

/*
 * Sort the edges and sweep them: between two consecutive edge positions the
 * type is the highest-ranked one among the ranges covering that stretch.
 * This sorts, resolves overlaps and merges in one pass.
 */
static void mem_normalize(struct mb2_ctx *c)
{
    unsigned int n = 2 * c->nr_raw, i, j;
    int active[NR_RANKS] = { 0 };
    uint64_t prev = 0;

    /* Insertion sort: loader maps are nearly sorted already. */
    for (i = 1; i < n; i++) {
        struct mem_edge e = mem_edges[i];

        for (j = i; j > 0 && mem_edges[j - 1].pos > e.pos; j--)
            mem_edges[j] = mem_edges[j - 1];
        mem_edges[j] = e;
    }

    for (i = 0; i < n;) {
        uint64_t pos = mem_edges[i].pos;
        int top;

        for (top = NR_RANKS - 1; top >= 0 && !active[top]; top--)
            ;
        if (top >= 0 && pos > prev)
            mem_emit(c, prev, pos, rank_to_type[top]);
        for (; i < n && mem_edges[i].pos == pos; i++)
            active[mem_edges[i].rank] += mem_edges[i].delta;
        prev = pos;
    }
}

/* Build bi->mem from the EFI map if it gives anything, else from the BIOS map. */
static void mb2_build_memmap(struct mb2_ctx *c)
{
    struct boot_info *bi = c->bi;

    c->nr_raw = 0;
    if (c->efi_mmap_size) {
        mb2_collect_efi_mmap(c);
        if (c->nr_raw)
            bi->mem_from_efi = true;
        else if (c->mmap_size)
            mb2_warn(c, "EFI memory map has no usable descriptors, using the BIOS memory map");
    }
    if (!c->nr_raw && c->mmap_size)
        mb2_collect_bios_mmap(c);

    if (c->bad_entries > MB2_MAX_ENTRY_WARNINGS)
        printk(XENLOG_WARNING "multiboot2: %u more bad memory map entries not shown\n",
               c->bad_entries - MB2_MAX_ENTRY_WARNINGS);
    if (c->raw_dropped)
        mb2_warn(c, "memory map has too many ranges: %u dropped (RAM first)", c->raw_dropped);

    mem_normalize(c);

    if (c->out_dropped)
        mb2_warn(c, "memory map needs more than %u entries: top %u ranges dropped",
                 MAX_MEMMAP_ENTRIES, c->out_dropped);
}

/* ---- Tag handlers -------------------------------------------------------- */

static void mb2_tag_cmdline(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    if (c->have_cmdline) {
        mb2_warn(c, "second command line (tag 1 at offset 0x%x) ignored", off);
        return;
    }
    c->have_cmdline = true;
    mb2_copy_string(c, "command line", off, size, sizeof(struct mb2_tag_string),
                    c->bi->cmdline, sizeof(c->bi->cmdline));
}

static void mb2_tag_loader_name(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    if (c->have_loader) {
        mb2_warn(c, "second boot loader name (tag 2 at offset 0x%x) ignored", off);
        return;
    }
    c->have_loader = true;
    mb2_copy_string(c, "boot loader name", off, size, sizeof(struct mb2_tag_string),
                    c->bi->loader, sizeof(c->bi->loader));
}

static void mb2_tag_module(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    struct boot_info *bi = c->bi;
    struct mb2_tag_module tag;
    struct boot_module *m;

    memcpy(&tag, c->base + off, sizeof(tag));
    if (tag.mod_start > tag.mod_end) {
        mb2_warn(c, "module at offset 0x%x ends (0x%x) before it starts (0x%x), ignored",
                 off, tag.mod_end, tag.mod_start);
        return;
    }
    if (bi->nr_modules == MAX_BOOT_MODULES) {
        c->modules_dropped++;
        return;
    }
    m = &bi->modules[bi->nr_modules++];
    m->start = tag.mod_start;
    m->end = tag.mod_end;
    mb2_copy_string(c, "module command line", off, size, sizeof(tag), m->cmdline,
                    sizeof(m->cmdline));
}

static void mb2_tag_mmap(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    if (c->mmap_size) {
        mb2_warn(c, "second memory map (tag 6 at offset 0x%x) ignored", off);
        return;
    }
    c->mmap_off = off;
    c->mmap_size = size;
}

static void mb2_tag_efi_mmap(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    if (c->efi_mmap_size) {
        mb2_warn(c, "second EFI memory map (tag 17 at offset 0x%x) ignored", off);
        return;
    }
    c->efi_mmap_off = off;
    c->efi_mmap_size = size;
}

static void mb2_tag_efi64(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    struct mb2_tag_efi64 tag;

    memcpy(&tag, c->base + off, sizeof(tag));
    if (!tag.pointer) {
        mb2_warn(c, "EFI system table pointer (tag 12 at offset 0x%x) is 0, ignored", off);
        return;
    }
    c->bi->efi_system_table = tag.pointer;
}

static void mb2_tag_efi_bs(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    c->have_efi_bs = true;
}

/* Tags 14 (ACPI 1.0 RSDP) and 15 (ACPI 2.0+ RSDP); a valid v2 copy is preferred. */
static void mb2_tag_acpi(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
    struct boot_info *bi = c->bi;
    const uint8_t *p = c->base + off + sizeof(struct mb2_tag_acpi);
    uint32_t payload = size - (uint32_t)sizeof(struct mb2_tag_acpi);
    uint32_t type, need;
    struct acpi_rsdp r;

    memcpy(&type, c->base + off, sizeof(type));
    need = type == MB2_TAG_ACPI_NEW ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
    if (payload < need) {
        mb2_warn(c, "RSDP copy (tag %u at offset 0x%x) has %u bytes, needs %u; ignored",
                 type, off, payload, need);
        return;
    }
    memset(&r, 0, sizeof(r));
    memcpy(&r, p, need);
    if (memcmp(r.signature, ACPI_RSDP_SIGNATURE, sizeof(r.signature))) {
        mb2_warn(c, "RSDP copy (tag %u at offset 0x%x) has a bad signature, ignored", type, off);
        return;
    }
    if (!acpi_sum_is_zero(p, ACPI_RSDP_V1_LEN)) {
        mb2_warn(c, "RSDP copy (tag %u at offset 0x%x) has a bad checksum, ignored", type, off);
        return;
    }
    if (type == MB2_TAG_ACPI_NEW) {
        if (r.revision < 2) {
            mb2_warn(c, "ACPI 2.0 RSDP copy (tag 15 at offset 0x%x) has revision %u, ignored",
                     off, r.revision);
            return;
        }
        if (r.length < ACPI_RSDP_V2_LEN || r.length > payload) {
            mb2_warn(c, "ACPI 2.0 RSDP copy (tag 15 at offset 0x%x) has length %u, tag holds %u; ignored",
                     off, r.length, payload);
            return;
        }
        if (!acpi_sum_is_zero(p, r.length)) {
            mb2_warn(c, "ACPI 2.0 RSDP copy (tag 15 at offset 0x%x) has a bad extended checksum, ignored",
                     off);
            return;
        }
    }
    /* Keep the first valid copy of the best kind. */
    if (bi->rsdp_len >= need)
        return;
    memcpy(bi->rsdp_copy, p, need);
    bi->rsdp_len = need;
    bi->rsdp = c->maddr + off + sizeof(struct mb2_tag_acpi);
}

/*
 * What we do with each tag type, and the least size that holds its fixed
 * part.  Types not listed (and types newer than this table) are skipped, as
 * the specification asks.
 */
static const struct {
    uint32_t min_size;
    void (*parse)(struct mb2_ctx *c, uint32_t off, uint32_t size);
} mb2_tag_handlers[] = {
    [MB2_TAG_CMDLINE]          = { sizeof(struct mb2_tag_string), mb2_tag_cmdline },
    [MB2_TAG_BOOT_LOADER_NAME] = { sizeof(struct mb2_tag_string), mb2_tag_loader_name },
    [MB2_TAG_MODULE]           = { sizeof(struct mb2_tag_module), mb2_tag_module },
    [MB2_TAG_MMAP]             = { sizeof(struct mb2_tag_mmap), mb2_tag_mmap },
    [MB2_TAG_EFI64]            = { sizeof(struct mb2_tag_efi64), mb2_tag_efi64 },
    [MB2_TAG_ACPI_OLD]         = { sizeof(struct mb2_tag_acpi), mb2_tag_acpi },
    [MB2_TAG_ACPI_NEW]         = { sizeof(struct mb2_tag_acpi), mb2_tag_acpi },
    [MB2_TAG_EFI_MMAP]         = { sizeof(struct mb2_tag_efi_mmap), mb2_tag_efi_mmap },
    [MB2_TAG_EFI_BS]           = { sizeof(struct mb2_tag), mb2_tag_efi_bs },
};

/* ---- Top level ------------------------------------------------------------ */

static char mb2_errbuf[160];

static int __printf(2, 3) mb2_fail(const char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(mb2_errbuf, sizeof(mb2_errbuf), fmt, ap);
    va_end(ap);
    if (err)
        *err = mb2_errbuf;
    return -EINVAL;
}

/*
 * First pass: the chain of tags must stay inside total_size and reach an
 * end tag.  Nothing is taken from the tags until this holds.
 */
static int mb2_check_chain(const struct mb2_ctx *c, const char **err)
{
    uint64_t off = sizeof(struct mb2_info_header);

    for (;;) {
        struct mb2_tag tag;

        if (off + sizeof(tag) > c->total)
            return mb2_fail(err, "multiboot2 info: no end tag within total size 0x%x",
                            c->total);
        memcpy(&tag, c->base + off, sizeof(tag));
        if (tag.size < sizeof(tag))
            return mb2_fail(err, "multiboot2 info: tag %u at offset 0x%x has size %u, less than 8",
                            tag.type, (uint32_t)off, tag.size);
        if (tag.size > c->total - off)
            return mb2_fail(err, "multiboot2 info: tag %u at offset 0x%x has size %u beyond total size 0x%x",
                            tag.type, (uint32_t)off, tag.size, c->total);
        if (tag.type == MB2_TAG_END)
            return 0;
        off += ROUNDUP((uint64_t)tag.size, MB2_TAG_ALIGN);
    }
}

int multiboot2_parse(const void *mbi, size_t avail, paddr_t mbi_maddr,
                     struct boot_info *bi, const char **err)
{
    struct mb2_ctx c = { .base = mbi, .maddr = mbi_maddr, .bi = bi };
    struct mb2_info_header hdr;
    uint32_t off;
    int rc;

    memset(bi, 0, sizeof(*bi));
    if (err)
        *err = NULL;

    if (!mbi || avail < sizeof(hdr))
        return mb2_fail(err, "multiboot2 info: only %zu bytes readable, less than its header",
                        mbi ? avail : 0);
    memcpy(&hdr, mbi, sizeof(hdr));
    if (hdr.total_size < sizeof(hdr) + sizeof(struct mb2_tag))
        return mb2_fail(err, "multiboot2 info: total size %u is less than the minimum of 16",
                        hdr.total_size);
    if (hdr.total_size > avail)
        return mb2_fail(err, "multiboot2 info: total size 0x%x is beyond the 0x%zx bytes readable",
                        hdr.total_size, avail);
    if (hdr.total_size > UINT64_MAX - mbi_maddr)
        return mb2_fail(err, "multiboot2 info at 0x%lx: total size 0x%x wraps the address space",
                        (unsigned long)mbi_maddr, hdr.total_size);
    c.total = hdr.total_size;

    rc = mb2_check_chain(&c, err);
    if (rc)
        return rc;

    bi->mbi_start = mbi_maddr;
    bi->mbi_end = mbi_maddr + c.total;
    if (!IS_ALIGNED(mbi_maddr, MB2_TAG_ALIGN))
        mb2_warn(&c, "information at 0x%lx is not 8-byte aligned", (unsigned long)mbi_maddr);
    if (!IS_ALIGNED(c.total, MB2_TAG_ALIGN))
        mb2_warn(&c, "total size 0x%x is not a multiple of 8", c.total);

    /* Second pass: the chain is sound, take what each tag says. */
    for (off = sizeof(hdr);; ) {
        struct mb2_tag tag;

        memcpy(&tag, c.base + off, sizeof(tag));
        if (tag.type == MB2_TAG_END) {
            if (tag.size != sizeof(tag))
                mb2_warn(&c, "end tag at offset 0x%x has size %u, not 8", off, tag.size);
            break;
        }
        if (tag.type < ARRAY_SIZE(mb2_tag_handlers) && mb2_tag_handlers[tag.type].parse) {
            if (tag.size < mb2_tag_handlers[tag.type].min_size)
                mb2_warn(&c, "tag %u at offset 0x%x has size %u, less than the %u it needs; ignored",
                         tag.type, off, tag.size, mb2_tag_handlers[tag.type].min_size);
            else
                mb2_tag_handlers[tag.type].parse(&c, off, tag.size);
        }
        /* mb2_check_chain() proved this stays below total_size (< 4 GiB). */
        off += (uint32_t)ROUNDUP((uint64_t)tag.size, MB2_TAG_ALIGN);
    }

    if (c.modules_dropped)
        mb2_warn(&c, "more than %u modules: the last %u ignored", MAX_BOOT_MODULES,
                 c.modules_dropped);
    bi->efi_boot_services_exited = !c.have_efi_bs;

    if (!c.mmap_size && !c.efi_mmap_size)
        return mb2_fail(err, "multiboot2 info: no memory map (neither tag 6 nor tag 17)");
    mb2_build_memmap(&c);
    if (!bi->nr_mem)
        return mb2_fail(err, "multiboot2 info: the memory map has no usable entries");

    return 0;
}
