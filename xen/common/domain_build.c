/*
 * Building one boot domain (xen/bootdomain.h) as a PVH guest: the kernel
 * (an ELF image with a PVH entry note, bare or gzip/xz compressed, or a
 * Linux bzImage whose payload is one), its ramdisk and command line, RAM
 * from 0 (low RAM up to the MMIO hole, the rest above 4 GiB), and at the
 * top of low RAM three reserved pages: ACPI tables (RSDP, XSDT, MADT),
 * the hvm_start_info (v1, with memory map, module list and command line)
 * and the console ring.  vCPU 0 is left in the PVH entry state; the
 * others wait for INIT-SIPI-SIPI.  The domain stays paused.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/bootdomain.h>
#include <xen/decompress.h>
#include <xen/domain.h>
#include <xen/elf.h>
#include <xen/guest_console.h>
#include <xen/launch.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/acpi.h>
#include <public/xen.h>
#include <public/arch-x86/hvm/start_info.h>

/* Low RAM ends below the MMIO hole (LAPIC at 0xFEE00000); the rest goes above 4 GiB. */
#define LOW_RAM_END        0xf0000000ULL
#define LEGACY_RAM_END     0x9f000ULL
#define MIN_MEM            MB(2)
/* Pages at the top of low RAM, from the top down. */
#define TOP_START_INFO     1
#define TOP_ACPI           2
#define TOP_CONSOLE        3
#define TOP_RESERVED       3
/* Largest kernel image after decompression. */
#define MAX_KERNEL_SIZE    (512ULL << 20)

/* The start-info page: header, module list, memory map, command lines. */
struct start_page {
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry map[8];
    char cmdline[MAX_CMDLINE];
    char mod_cmdline[MAX_CMDLINE];
};
BUILD_BUG_ON(sizeof(struct start_page) > PAGE_SIZE);

/* Where things went, for the start info and the report. */
struct layout {
    uint64_t mem, low, high;        /* bytes: total, below LOW_RAM_END, above 4 GiB */
    uint64_t top;                   /* first reserved page at the top of low RAM */
    uint64_t kernel_end;            /* end of the highest segment loaded */
    uint64_t entry;
    uint64_t ramdisk_gpa, ramdisk_size;
    const char *kernel_kind;
    uint64_t packed_size, unpacked_size;
};

static unsigned int order_of(uint64_t bytes)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/*
 * A kernel to load as ELF: the module itself, or what its bzImage payload
 * or whole-module gzip/xz stream decompresses to (into *buf, freed by the
 * caller with free_xenheap_pages(*buf, *order)).
 */
static int kernel_unpack(const void *image, size_t size, struct layout *l, void **buf,
                         unsigned int *order, const char **why)
{
    struct bzimage_payload p;
    struct decompress_result res;
    const void *in = image;
    size_t in_len = size;
    uint64_t out_max;
    void *work;
    int rc;

    *buf = NULL;
    l->packed_size = size;
    if (size >= 4 && !memcmp(image, "\177ELF", 4)) {
        l->kernel_kind = "ELF";
        l->unpacked_size = size;
        return 0;
    }
    if (bzimage_is_bzimage(image, size)) {
        rc = bzimage_find_payload(image, size, &p, why);
        if (rc)
            return rc;
        in = p.data;
        in_len = p.len;
        out_max = p.size_hint ? p.size_hint : MAX_KERNEL_SIZE;
        l->kernel_kind = p.format == DECOMPRESS_XZ ? "bzImage (xz)" : "bzImage (gzip)";
    } else if (decompress_identify(image, size) == DECOMPRESS_GZIP ||
               decompress_identify(image, size) == DECOMPRESS_XZ) {
        /* gzip's ISIZE trailer, or a first guess that -ENOSPC corrects. */
        out_max = decompress_identify(image, size) == DECOMPRESS_GZIP && size >= 4
                      ? ((const uint8_t *)image)[size - 4] |
                            (uint32_t)((const uint8_t *)image)[size - 3] << 8 |
                            (uint32_t)((const uint8_t *)image)[size - 2] << 16 |
                            (uint32_t)((const uint8_t *)image)[size - 1] << 24
                      : 64ULL << 20;
        l->kernel_kind = decompress_identify(image, size) == DECOMPRESS_XZ ? "xz ELF" : "gzip ELF";
    } else {
        *why = "neither an ELF image, a compressed ELF image nor a Linux bzImage";
        return -ENOEXEC;
    }

    work = alloc_xenheap_pages(order_of(DECOMPRESS_WORKSPACE_SIZE));
    if (!work)
        return -ENOMEM;
    for (;;) {
        if (!out_max || out_max > MAX_KERNEL_SIZE) {
            *why = "the decompressed kernel would be larger than 512 MiB";
            rc = -E2BIG;
            break;
        }
        *order = order_of(out_max);
        *buf = alloc_xenheap_pages(*order);
        if (!*buf) {
            rc = -ENOMEM;
            break;
        }
        rc = decompress(in, in_len, *buf, (size_t)out_max, work, DECOMPRESS_WORKSPACE_SIZE, &res);
        if (rc != -ENOSPC || !res.needed || res.needed <= out_max)
            break;
        free_xenheap_pages(*buf, *order);
        *buf = NULL;
        out_max = res.needed;
    }
    free_xenheap_pages(work, order_of(DECOMPRESS_WORKSPACE_SIZE));
    if (rc) {
        if (*buf)
            free_xenheap_pages(*buf, *order);
        *buf = NULL;
        if (!*why)
            *why = res.err ? res.err : "decompression failed";
        return rc;
    }
    l->unpacked_size = res.out_len;
    return 0;
}

struct load_ctx {
    struct domain *d;
    struct layout *l;
};

static int load_segment(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                        uint64_t memsz)
{
    struct load_ctx *c = opaque;

    /* Segments live in low RAM below the reserved pages, above the legacy area. */
    if (paddr < MB(1) || paddr >= c->l->top || memsz > c->l->top - paddr)
        return -E2BIG;
    if (paddr + memsz > c->l->kernel_end)
        c->l->kernel_end = paddr + memsz;
    /* RAM reads as zero until written: only the file bytes need copying. */
    return domain_copy_to_gpa(c->d, paddr, src, filesz);
}

static int build_start_info(struct domain *d, const struct boot_domain *bd,
                            const struct layout *l)
{
    uint64_t page = l->top + (TOP_RESERVED - TOP_START_INFO) * PAGE_SIZE;
    uint64_t acpi = l->top + (TOP_RESERVED - TOP_ACPI) * PAGE_SIZE;
    struct start_page *sp = alloc_xenheap_pages(0);
    unsigned int n = 0;
    int rc;

    if (!sp)
        return -ENOMEM;
    memset(sp, 0, sizeof(*sp));
    sp->map[n++] = (struct hvm_memmap_table_entry){ 0, LEGACY_RAM_END, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ LEGACY_RAM_END, MB(1) - LEGACY_RAM_END,
                                                   XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ MB(1), l->top - MB(1),
                                                   XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    /* Console ring (lowest), ACPI, start info (top). */
    sp->map[n++] = (struct hvm_memmap_table_entry){ l->top, acpi - l->top,
                                                   XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ acpi, PAGE_SIZE, XEN_HVM_MEMMAP_TYPE_ACPI, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ page, l->low - page,
                                                   XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    if (l->high)
        sp->map[n++] = (struct hvm_memmap_table_entry){ GB(4), l->high,
                                                       XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    /* XENMEM_memory_map answers with the same map. */
    rc = domain_set_hvm_memmap(d, sp->map, n);
    if (rc) {
        free_xenheap_pages(sp, 0);
        return rc;
    }
    snprintf(sp->cmdline, sizeof(sp->cmdline), "%s", bd->cmdline);
    sp->si.magic = XEN_HVM_START_MAGIC_VALUE;
    sp->si.version = 1;
    /* The control domain is Xen's initial domain: Linux acts as dom0 when told so. */
    if (bd->caps & BOOT_CAP_CONTROL)
        sp->si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    sp->si.memmap_paddr = page + offsetof(struct start_page, map);
    sp->si.memmap_entries = n;
    sp->si.cmdline_paddr = page + offsetof(struct start_page, cmdline);
    sp->si.rsdp_paddr = acpi;
    if (l->ramdisk_size) {
        snprintf(sp->mod_cmdline, sizeof(sp->mod_cmdline), "%s", bd->ramdisk.cmdline);
        sp->mod.paddr = l->ramdisk_gpa;
        sp->mod.size = l->ramdisk_size;
        sp->mod.cmdline_paddr = page + offsetof(struct start_page, mod_cmdline);
        sp->si.nr_modules = 1;
        sp->si.modlist_paddr = page + offsetof(struct start_page, mod);
    }
    rc = domain_copy_to_gpa(d, page, sp, sizeof(*sp));
    free_xenheap_pages(sp, 0);
    return rc;
}

static int build_acpi(struct domain *d, uint64_t gpa, unsigned int nr_vcpus)
{
    void *page = alloc_xenheap_pages(0);
    int rc = -E2BIG;

    if (!page)
        return -ENOMEM;
    if (hvm_acpi_build(page, PAGE_SIZE, gpa, nr_vcpus) == 0)
        rc = domain_copy_to_gpa(d, gpa, page, PAGE_SIZE);
    free_xenheap_pages(page, 0);
    return rc;
}

/* The kernel's segments, then the ramdisk on the next page above them. */
static int load_images(struct domain *d, const struct boot_domain *bd, struct layout *l,
                       const char **why)
{
    const void *image = maddr_to_virt(bd->kernel.start);
    struct elf_image elf;
    struct load_ctx lc = { d, l };
    unsigned int order = 0;
    void *buf;
    int rc;

    rc = kernel_unpack(image, (size_t)bd->kernel.size, l, &buf, &order, why);
    if (rc)
        return rc;
    rc = elf_check(&elf, buf ? buf : image, buf ? (size_t)l->unpacked_size
                                               : (size_t)bd->kernel.size, why);
    if (!rc && elf_xen_phys32_entry(&elf, &l->entry)) {
        *why = "the kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)";
        rc = -ENOEXEC;
    }
    if (!rc) {
        rc = elf_load(&elf, load_segment, &lc);
        if (rc)
            *why = "the kernel's segments do not fit in the domain's low RAM";
    }
    if (buf)
        free_xenheap_pages(buf, order);
    if (rc || !bd->ramdisk.present)
        return rc;

    l->ramdisk_gpa = (l->kernel_end + PAGE_SIZE - 1) & PAGE_MASK;
    l->ramdisk_size = bd->ramdisk.size;
    if (l->ramdisk_gpa >= l->top || l->ramdisk_size > l->top - l->ramdisk_gpa) {
        *why = "the ramdisk does not fit in low RAM above the kernel";
        return -E2BIG;
    }
    return domain_copy_to_gpa(d, l->ramdisk_gpa, maddr_to_virt(bd->ramdisk.start),
                              (size_t)bd->ramdisk.size);
}

static int create_vcpus(struct domain *d, const struct boot_domain *bd, struct vcpu **v0)
{
    unsigned int i;

    for (i = 0; i < bd->nr_vcpus; i++) {
        struct vcpu *v = vcpu_create(d, i);

        if (!v)
            return -ENOMEM;
        if (boot_vcpu_pinned(bd, i) && vcpu_set_affinity(v, &bd->vcpu_hard[i], NULL))
            return -EINVAL;
        if (i == 0)
            *v0 = v;
    }
    return 0;
}

static void report(const struct domain *d, const struct boot_domain *bd, const struct layout *l,
                   unsigned int poolid, s_time_t took)
{
    char size[16], kb[16], pins[128] = "", *p = pins;
    unsigned int i;

    for (i = 0; i < bd->nr_vcpus && p < pins + sizeof(pins) - 24; i++)
        if (boot_vcpu_pinned(bd, i)) {
            p += snprintf(p, (size_t)(pins + sizeof(pins) - p), "%s%u->", p == pins ? "" : " ", i);
            cpumask_format_list(&bd->vcpu_hard[i], p, (size_t)(pins + sizeof(pins) - p));
            p += strlen(p);
        }
    printk("d%u (%s): PVH, %s RAM, %u vCPU(s)%s%s%s, pool %u, caps %#x\n", d->domain_id,
           d->name, fmt_size(l->mem, size, sizeof(size)), bd->nr_vcpus,
           pins[0] ? " pinned [" : "", pins, pins[0] ? "]" : "", poolid, bd->caps);
    printk("d%u (%s): kernel %s %s, entry %#lx%s%s, built in %lu.%03lu ms\n", d->domain_id,
           d->name, l->kernel_kind, fmt_size(l->packed_size, kb, sizeof(kb)),
           (unsigned long)l->entry, bd->cmdline[0] ? ", cmdline: " : "", bd->cmdline,
           (unsigned long)(took / 1000000), (unsigned long)(took / 1000 % 1000));
    if (l->ramdisk_size)
        printk("d%u (%s): ramdisk %s at %#lx\n", d->domain_id, d->name,
               fmt_size(l->ramdisk_size, size, sizeof(size)), (unsigned long)l->ramdisk_gpa);
}

struct domain *domain_build(const struct boot_domain *bd, unsigned int poolid)
{
    struct domain_create_args args = { 0 };
    struct layout l = { 0 };
    struct domain *d;
    struct vcpu *v0 = NULL;
    const char *why = NULL, *label = bd->name[0] ? bd->name : bd->path;
    s_time_t start = NOW();
    uint64_t max_bytes;
    int rc;

    l.mem = bd->mem_kib << 10;
    max_bytes = bd->mem_max_kib > bd->mem_kib ? bd->mem_max_kib << 10 : l.mem;
    if (l.mem < MIN_MEM) {
        printk(XENLOG_ERR "%s: %lu KiB of memory is too little (at least 2 MiB)\n", label,
               (unsigned long)bd->mem_kib);
        return NULL;
    }
    l.low = l.mem < LOW_RAM_END ? l.mem : LOW_RAM_END;
    l.high = l.mem - l.low;
    l.top = (l.low & PAGE_MASK) - TOP_RESERVED * PAGE_SIZE;

    args.name = bd->name[0] ? bd->name : NULL;
    args.max_vcpus = bd->nr_vcpus;
    args.max_pages = max_bytes >> PAGE_SHIFT;
    args.handle = bd->has_uuid ? bd->uuid : NULL;
    d = domain_create(bd->domid == BOOT_DOMID_ANY ? DOMID_INVALID : (domid_t)bd->domid, &args,
                      &rc);
    if (!d) {
        printk(XENLOG_ERR "%s: cannot create the domain: error %d\n", label, rc);
        return NULL;
    }
    d->capabilities = bd->caps;
    if (poolid != CPUPOOL_ID_BOOT && (rc = cpupool_move_domain(d, poolid))) {
        why = "cannot move it to its CPU pool";
        goto fail;
    }

    rc = domain_populate_ram(d, 0, l.low >> PAGE_SHIFT);
    if (!rc && l.high)
        rc = domain_populate_ram(d, GB(4) >> PAGE_SHIFT, l.high >> PAGE_SHIFT);
    if (rc) {
        why = "not enough free memory";
        goto fail;
    }
    rc = load_images(d, bd, &l, &why);
    if (!rc && (rc = build_acpi(d, l.top + (TOP_RESERVED - TOP_ACPI) * PAGE_SIZE, bd->nr_vcpus)))
        why = "cannot write its ACPI tables";
    if (!rc && (rc = build_start_info(d, bd, &l)))
        why = "cannot write its start info";
    if (rc)
        goto fail;
    rc = guest_console_ring_init(d, (l.top + (TOP_RESERVED - TOP_CONSOLE) * PAGE_SIZE) >>
                                        PAGE_SHIFT);
    if (rc && rc != -EOPNOTSUPP) {
        why = "cannot set up its console ring";
        goto fail;
    }
    rc = create_vcpus(d, bd, &v0);
    if (rc) {
        why = rc == -EINVAL ? "a vCPU's pinning leaves it no CPU of its pool" : "cannot create vCPUs";
        goto fail;
    }
    pvh_vcpu_set_entry_state(v0, (uint32_t)l.entry,
                             (uint32_t)(l.top + (TOP_RESERVED - TOP_START_INFO) * PAGE_SIZE));
    vcpu_up(v0);
    report(d, bd, &l, poolid, NOW() - start);
    domain_memory_report(d);
    return d;

fail:
    printk(XENLOG_ERR "d%u (%s): not built: %s (error %d)\n", d->domain_id, d->name,
           why ? why : "error", rc);
    domain_destroy(d);
    return NULL;
}
