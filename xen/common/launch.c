/*
 * Classic-mode domain building for PVH test guests: each boot module that
 * is an ELF image with a PVH entry note becomes a domain with RAM from 0,
 * its PT_LOAD segments at their physical addresses, an hvm_start_info
 * (v1, with a memory map and the command line) in a reserved page at the
 * top of low RAM, ACPI tables (RSDP, XSDT, MADT) in the page below it, and
 * vCPU 0 in the PVH entry state; the others wait for INIT-SIPI-SIPI.  A module that
 * cannot be built is reported and skipped; the others still start.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/bootinfo.h>
#include <xen/domain.h>
#include <xen/elf.h>
#include <xen/launch.h>
#include <xen/sched.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/acpi.h>
#include <public/arch-x86/hvm/start_info.h>

#define DEFAULT_MEM        MB(64)
#define MIN_MEM            MB(2)
/* Low RAM ends below the MMIO hole (LAPIC at 0xFEE00000); the rest goes above 4 GiB. */
#define LOW_RAM_END        0xf0000000ULL
#define LEGACY_RAM_END     0x9f000ULL
#define MAX_LAUNCH         32
#define GUEST_CMDLINE_MAX  1024

struct launch_opts {
    char name[DOMAIN_NAME_LEN];
    uint64_t mem;
    unsigned int vcpus;
    char cmdline[GUEST_CMDLINE_MAX];
};

/* The start-info page: header, memory map, command line. */
struct start_page {
    struct hvm_start_info si;
    struct hvm_memmap_table_entry map[8];
    char cmdline[GUEST_CMDLINE_MAX];
};
BUILD_BUG_ON(sizeof(struct start_page) > PAGE_SIZE);

static void append(char *buf, size_t size, const char *word, size_t len)
{
    size_t cur = strlen(buf);

    if (cur + len + 2 > size)
        return;
    if (cur)
        buf[cur++] = ' ';
    memcpy(buf + cur, word, len);
    buf[cur + len] = '\0';
}

/* "/boot/cpuid.elf mem=32M vcpus=2 foo" -> name "cpuid", 32 MiB, 2 vCPUs, guest cmdline "foo". */
static int parse_module_cmdline(const char *s, struct launch_opts *o, unsigned int index)
{
    bool first = true;

    memset(o, 0, sizeof(*o));
    o->mem = DEFAULT_MEM;
    o->vcpus = 1;
    while (*s) {
        const char *w, *e;
        size_t len;

        while (*s == ' ')
            s++;
        if (!*s)
            break;
        w = s;
        while (*s && *s != ' ')
            s++;
        len = (size_t)(s - w);
        if (first && *w == '/') {
            /* The module's path: its base name, without extension, names the domain. */
            const char *b = w, *p, *dot = NULL;

            for (p = w; p < s; p++)
                if (*p == '/')
                    b = p + 1;
            for (p = b; p < s; p++)
                if (*p == '.')
                    dot = p;
            len = (size_t)((dot ? dot : s) - b);
            if (len >= sizeof(o->name))
                len = sizeof(o->name) - 1;
            memcpy(o->name, b, len);
            o->name[len] = '\0';
        } else if (!strncmp(w, "mem=", 4)) {
            o->mem = parse_size_and_unit(w + 4, &e);
            if (e != s || o->mem < MIN_MEM) {
                printk(XENLOG_ERR "launch: module %u: bad \"%.*s\" (at least 2M)\n", index,
                       (int)len, w);
                return -EINVAL;
            }
        } else if (!strncmp(w, "vcpus=", 6)) {
            o->vcpus = (unsigned int)simple_strtoull(w + 6, &e, 10);
            if (e != s || !o->vcpus || o->vcpus > HVM_MAX_VCPUS) {
                printk(XENLOG_ERR "launch: module %u: bad \"%.*s\"\n", index, (int)len, w);
                return -EINVAL;
            }
        } else if (!strncmp(w, "name=", 5)) {
            len -= 5;
            if (len >= sizeof(o->name))
                len = sizeof(o->name) - 1;
            memcpy(o->name, w + 5, len);
            o->name[len] = '\0';
        } else {
            append(o->cmdline, sizeof(o->cmdline), w, len);
        }
        first = false;
    }
    return 0;
}

struct load_ctx {
    struct domain *d;
    uint64_t ram_end;           /* low RAM the image may use */
};

static int load_segment(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                        uint64_t memsz)
{
    struct load_ctx *c = opaque;

    if (paddr >= c->ram_end || memsz > c->ram_end - paddr)
        return -E2BIG;
    /* RAM is zeroed when allocated: only the file bytes need copying. */
    return domain_copy_to_gpa(c->d, paddr, src, filesz);
}

static int build_start_info(struct domain *d, uint64_t page_gpa, uint64_t acpi_gpa,
                            uint64_t low_end, uint64_t high_size, const char *cmdline)
{
    struct start_page *sp = alloc_xenheap_pages(0);
    unsigned int n = 0;
    int rc;

    if (!sp)
        return -ENOMEM;
    /* Low RAM below the legacy hole, then from 1 MiB; the start page itself reserved. */
    sp->map[n++] = (struct hvm_memmap_table_entry){ 0, LEGACY_RAM_END, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ LEGACY_RAM_END, MB(1) - LEGACY_RAM_END,
                                                   XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ MB(1), acpi_gpa - MB(1),
                                                   XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ acpi_gpa, page_gpa - acpi_gpa,
                                                   XEN_HVM_MEMMAP_TYPE_ACPI, 0 };
    sp->map[n++] = (struct hvm_memmap_table_entry){ page_gpa, low_end - page_gpa,
                                                   XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    if (high_size)
        sp->map[n++] = (struct hvm_memmap_table_entry){ GB(4), high_size,
                                                       XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    snprintf(sp->cmdline, sizeof(sp->cmdline), "%s", cmdline);
    sp->si.magic = XEN_HVM_START_MAGIC_VALUE;
    sp->si.version = 1;
    sp->si.memmap_paddr = page_gpa + offsetof(struct start_page, map);
    sp->si.memmap_entries = n;
    sp->si.cmdline_paddr = page_gpa + offsetof(struct start_page, cmdline);
    sp->si.rsdp_paddr = acpi_gpa;
    rc = domain_copy_to_gpa(d, page_gpa, sp, sizeof(*sp));
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

static struct domain *build_one(const struct boot_module *m, unsigned int index,
                                domid_t domid)
{
    const void *image = maddr_to_virt(m->start);
    size_t size = (size_t)(m->end - m->start);
    struct launch_opts o;
    struct elf_image elf;
    struct domain_create_args args = { 0 };
    struct load_ctx lc;
    struct domain *d;
    struct vcpu *v0 = NULL;
    const char *err = NULL;
    uint64_t entry, low, high, page_gpa, acpi_gpa;
    unsigned int i;
    int rc;

    if (elf_check(&elf, image, size, &err)) {
        printk("launch: module %u is not an ELF image (%s): skipped\n", index,
               err ? err : "not ELF");
        return NULL;
    }
    if (elf_xen_phys32_entry(&elf, &entry)) {
        printk("launch: module %u has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): skipped\n",
               index);
        return NULL;
    }
    if (parse_module_cmdline(m->cmdline, &o, index))
        return NULL;

    low = o.mem < LOW_RAM_END ? o.mem : LOW_RAM_END;
    high = o.mem - low;
    args.name = o.name[0] ? o.name : NULL;
    args.max_vcpus = o.vcpus;
    args.max_pages = o.mem >> PAGE_SHIFT;
    d = domain_create(domid, &args, &rc);
    if (!d && rc == -EEXIST && args.name) {
        printk(XENLOG_WARNING "launch: module %u: name \"%s\" is taken: using d%u\n", index,
               args.name, domid);
        args.name = NULL;
        d = domain_create(domid, &args, &rc);
    }
    if (!d) {
        printk(XENLOG_ERR "launch: module %u: cannot create a domain: error %d\n", index, rc);
        return NULL;
    }

    rc = domain_populate_ram(d, 0, low >> PAGE_SHIFT);
    if (!rc && high)
        rc = domain_populate_ram(d, GB(4) >> PAGE_SHIFT, high >> PAGE_SHIFT);
    if (rc) {
        printk(XENLOG_ERR "d%u: cannot give it %lu MiB of RAM: error %d\n", d->domain_id,
               (unsigned long)(o.mem >> 20), rc);
        goto fail;
    }
    page_gpa = (low - PAGE_SIZE) & PAGE_MASK;
    acpi_gpa = page_gpa - PAGE_SIZE;
    lc.d = d;
    lc.ram_end = acpi_gpa;
    rc = elf_load(&elf, load_segment, &lc);
    if (rc) {
        printk(XENLOG_ERR "d%u: the image does not fit below %#lx: error %d\n", d->domain_id,
               (unsigned long)page_gpa, rc);
        goto fail;
    }
    rc = build_acpi(d, acpi_gpa, o.vcpus);
    if (!rc)
        rc = build_start_info(d, page_gpa, acpi_gpa, low, high, o.cmdline);
    if (rc)
        goto fail;

    for (i = 0; i < o.vcpus; i++) {
        struct vcpu *v = vcpu_create(d, i);

        if (!v) {
            printk(XENLOG_ERR "d%u: cannot create vCPU %u\n", d->domain_id, i);
            goto fail;
        }
        if (i == 0)
            v0 = v;
    }
    pvh_vcpu_set_entry_state(v0, (uint32_t)entry, (uint32_t)page_gpa);
    vcpu_up(v0);
    printk("d%u (%s): PVH guest, %lu MiB RAM, %u vCPU(s), entry %#lx, start info at %#lx%s%s\n",
           d->domain_id, d->name, (unsigned long)(o.mem >> 20), o.vcpus, (unsigned long)entry,
           (unsigned long)page_gpa, o.cmdline[0] ? ", cmdline: " : "", o.cmdline);
    return d;

fail:
    domain_destroy(d);
    return NULL;
}

unsigned int launch_classic_domains(const struct boot_info *bi)
{
    struct domain *started[MAX_LAUNCH];
    unsigned int i, n = 0;
    uint64_t before = domain_host_free_pages();

    if (!bi->nr_modules)
        return 0;
    if (!hvm_enabled) {
        printk(XENLOG_ERR "launch: %u module(s) but no HVM support: no domain started\n",
               bi->nr_modules);
        return 0;
    }
    for (i = 0; i < bi->nr_modules && n < MAX_LAUNCH; i++) {
        struct domain *d = build_one(&bi->modules[i], i, (domid_t)(n + 1));

        if (d)
            started[n++] = d;
    }
    printk("launch: %u domain(s) built; host free pages %lu -> %lu\n", n, (unsigned long)before,
           (unsigned long)domain_host_free_pages());
    /* All together. */
    for (i = 0; i < n; i++)
        domain_unpause(started[i]);
    return n;
}
