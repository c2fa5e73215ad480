/*
 * Host ACPI tables: find the RSDP, walk the XSDT or RSDT, and take from
 * the MADT, FADT, HPET table and DSDT/SSDTs what the hypervisor needs.
 *
 * Firmware tables are input, not truth: every table is mapped only once
 * its length is known to be sane, checked against its checksum, and read
 * only within that length.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <asm/config.h>
#include <asm/acpi.h>
#include <asm/acpi_tables.h>

/* Far above any real table (a large DSDT is a few hundred KiB). */
#define ACPI_TABLE_MAX_LEN  MB(16)
#define ACPI_RSDP_MAX_LEN   1024

/* Where legacy BIOSes put the RSDP (ACPI: "Finding the RSDP on IA-PC Systems"). */
#define BDA_EBDA_SEGMENT    0x40e
#define EBDA_SCAN_LEN       1024
#define BIOS_ROM_START      0xe0000
#define BIOS_ROM_END        0x100000
#define LOW_MEM_END         0xa0000
#define RSDP_ALIGN          16

struct acpi_info acpi_info;

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return sum == 0;
}

/*
 * [pa, pa + len) through the direct map, or NULL if it is out of range.
 * maddr_to_virt() answers NULL for memory that a host test's simulated
 * machine does not have; both ends are checked so that a range running
 * off the end of that memory is refused too.
 */
static const void *acpi_map(paddr_t pa, size_t len)
{
    const uint8_t *first, *last;

    if (!len || pa >= DIRECTMAP_SIZE || len > DIRECTMAP_SIZE - pa)
        return NULL;
    first = maddr_to_virt(pa);
    last = maddr_to_virt(pa + len - 1);
    if (!first || !last || (uintptr_t)last - (uintptr_t)first != len - 1)
        return NULL;
    return first;
}

/* A firmware ID (signature, OEM ID) as a printable string; dst holds n + 1. */
static void acpi_id_str(char *dst, const char *src, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = src[i];

        dst[i] = (c >= 0x20 && c < 0x7f) ? c : (c ? '?' : ' ');
    }
    dst[n] = '\0';
}

static bool acpi_sig_is(const struct acpi_table_header *h, const char *sig)
{
    return !memcmp(h->signature, sig, sizeof(h->signature));
}

/*
 * The table at pa if its header, length and checksum are sound; *len gets
 * the length, which callers use instead of re-reading the header.  With
 * `verbose` the table is listed and problems are reported.
 */
static const struct acpi_table_header *acpi_table_get(paddr_t pa, size_t *len,
                                                      bool verbose)
{
    const struct acpi_table_header *h;
    char sig[5];
    uint32_t length;

    if (!pa)
        return NULL;
    h = acpi_map(pa, sizeof(*h));
    if (!h) {
        if (verbose)
            printk(XENLOG_WARNING " ACPI: no table header at %08lx, ignored\n", pa);
        return NULL;
    }
    length = h->length;
    acpi_id_str(sig, h->signature, sizeof(h->signature));
    if (length < sizeof(*h) || length > ACPI_TABLE_MAX_LEN) {
        if (verbose)
            printk(XENLOG_WARNING " ACPI: %s at %08lx has bad length %u, ignored\n",
                   sig, pa, length);
        return NULL;
    }
    h = acpi_map(pa, length);
    if (!h) {
        if (verbose)
            printk(XENLOG_WARNING
                   " ACPI: %s at %08lx: length %u runs past mapped memory, ignored\n",
                   sig, pa, length);
        return NULL;
    }
    if (verbose) {
        char oem[7], oem_table[9];

        acpi_id_str(oem, h->oem_id, sizeof(h->oem_id));
        acpi_id_str(oem_table, h->oem_table_id, sizeof(h->oem_table_id));
        printk(XENLOG_INFO " ACPI: %s %08lx %06x (v%02u %s %s)\n",
               sig, pa, length, h->revision, oem, oem_table);
    }
    if (!acpi_checksum_ok(h, length)) {
        if (verbose)
            printk(XENLOG_WARNING " ACPI: %s at %08lx has a bad checksum, ignored\n",
                   sig, pa);
        return NULL;
    }
    *len = length;
    return h;
}

/* ---- RSDP ---- */

/*
 * Check an RSDP of which `avail` bytes are readable and copy it to *out.
 * False unless the ACPI 1.0 part is sound; *xsdt_ok says whether the
 * ACPI 2.0 part (extended checksum, XSDT address) is usable as well.
 */
static bool acpi_rsdp_check(const uint8_t *p, size_t avail, struct acpi_rsdp *out,
                            bool *xsdt_ok)
{
    memset(out, 0, sizeof(*out));
    *xsdt_ok = false;
    if (avail < ACPI_RSDP_V1_SIZE || memcmp(p, ACPI_RSDP_SIGNATURE, 8) ||
        !acpi_checksum_ok(p, ACPI_RSDP_V1_SIZE))
        return false;
    memcpy(out, p, min(avail, sizeof(*out)));
    if (out->revision >= 2 && avail >= ACPI_RSDP_V2_SIZE &&
        out->length >= ACPI_RSDP_V2_SIZE && out->length <= avail &&
        acpi_checksum_ok(p, out->length))
        *xsdt_ok = out->xsdt_address != 0;
    return true;
}

/* The RSDP in memory at pa. */
static bool acpi_rsdp_at(paddr_t pa, struct acpi_rsdp *out, bool *xsdt_ok)
{
    const uint8_t *p = acpi_map(pa, ACPI_RSDP_V2_SIZE), *whole;
    size_t avail = ACPI_RSDP_V2_SIZE;
    uint32_t length;

    if (!p) {
        p = acpi_map(pa, ACPI_RSDP_V1_SIZE);
        avail = ACPI_RSDP_V1_SIZE;
        if (!p)
            return false;
    } else {
        memcpy(&length, p + offsetof(struct acpi_rsdp, length), sizeof(length));
        if (length > ACPI_RSDP_V2_SIZE && length <= ACPI_RSDP_MAX_LEN &&
            (whole = acpi_map(pa, length)) != NULL) {
            p = whole;
            avail = length;
        }
    }
    return acpi_rsdp_check(p, avail, out, xsdt_ok);
}

/* First address in [start, start + len) on a 16-byte boundary with a sound RSDP. */
static paddr_t acpi_rsdp_scan_range(paddr_t start, size_t len)
{
    const uint8_t *p = acpi_map(start, len);
    struct acpi_rsdp r;
    bool xsdt_ok;
    size_t off;

    if (!p)
        return 0;
    for (off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += RSDP_ALIGN)
        if (!memcmp(p + off, ACPI_RSDP_SIGNATURE, 8) &&
            acpi_rsdp_at(start + off, &r, &xsdt_ok))
            return start + off;
    return 0;
}

/* The legacy BIOS areas: the first KiB of the EBDA, then the BIOS ROM. */
static paddr_t acpi_rsdp_scan(void)
{
    const uint16_t *seg = acpi_map(BDA_EBDA_SEGMENT, sizeof(*seg));
    paddr_t ebda = seg ? (paddr_t)*seg << 4 : 0, pa = 0;

    if (ebda && ebda + EBDA_SCAN_LEN <= LOW_MEM_END)
        pa = acpi_rsdp_scan_range(ebda, EBDA_SCAN_LEN);
    if (!pa)
        pa = acpi_rsdp_scan_range(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START);
    return pa;
}

/*
 * The boot loader's copy of the RSDP if it has one and it is sound (its
 * address is the hint or, when that is 0, the identical RSDP in the BIOS
 * areas, if any); else the RSDP at the hint; else a scan.
 */
static int acpi_rsdp_find(paddr_t hint, const void *copy, unsigned int copy_len,
                          struct acpi_rsdp *rsdp, paddr_t *pa, bool *xsdt_ok)
{
    paddr_t found;

    if (copy && copy_len) {
        if (acpi_rsdp_check(copy, copy_len, rsdp, xsdt_ok)) {
            *pa = hint;
            if (!hint) {
                const void *mem;

                found = acpi_rsdp_scan();
                mem = found ? acpi_map(found, ACPI_RSDP_V1_SIZE) : NULL;
                if (mem && !memcmp(mem, copy, ACPI_RSDP_V1_SIZE))
                    *pa = found;
            }
            return 0;
        }
        printk(XENLOG_WARNING " ACPI: the boot loader's RSDP copy is invalid\n");
    } else if (hint) {
        if (acpi_rsdp_at(hint, rsdp, xsdt_ok)) {
            *pa = hint;
            return 0;
        }
        printk(XENLOG_WARNING " ACPI: no valid RSDP at %08lx\n", hint);
    }
    found = acpi_rsdp_scan();
    if (found && acpi_rsdp_at(found, rsdp, xsdt_ok)) {
        *pa = found;
        return 0;
    }
    return -ENOENT;
}

/* ---- The root table ---- */

struct acpi_root {
    const uint8_t *entries;
    size_t nr;
    size_t entry_size;          /* 8: XSDT, 4: RSDT */
};

static paddr_t acpi_root_entry(const struct acpi_root *root, size_t i)
{
    uint64_t a64;
    uint32_t a32;

    if (root->entry_size == sizeof(a64)) {
        memcpy(&a64, root->entries + i * sizeof(a64), sizeof(a64));
        return a64;
    }
    memcpy(&a32, root->entries + i * sizeof(a32), sizeof(a32));
    return a32;
}

/* The XSDT when the RSDP offers a sound one, else the RSDT. */
static int acpi_root_get(const struct acpi_rsdp *rsdp, bool xsdt_ok,
                         struct acpi_info *ai, struct acpi_root *root)
{
    const struct acpi_table_header *h = NULL;
    size_t len = 0;

    ai->rsdt = rsdp->rsdt_address;
    if (xsdt_ok) {
        h = acpi_table_get(rsdp->xsdt_address, &len, true);
        if (h && !acpi_sig_is(h, ACPI_SIG_XSDT)) {
            printk(XENLOG_WARNING " ACPI: the RSDP's XSDT is not an XSDT, ignored\n");
            h = NULL;
        }
        if (h) {
            ai->xsdt = rsdp->xsdt_address;
            root->entry_size = sizeof(uint64_t);
        }
    }
    if (!h) {
        h = acpi_table_get(rsdp->rsdt_address, &len, true);
        if (h && !acpi_sig_is(h, ACPI_SIG_RSDT)) {
            printk(XENLOG_WARNING " ACPI: the RSDP's RSDT is not an RSDT, ignored\n");
            h = NULL;
        }
        if (!h)
            return -EINVAL;
        root->entry_size = sizeof(uint32_t);
    }
    root->entries = (const uint8_t *)h + sizeof(*h);
    root->nr = (len - sizeof(*h)) / root->entry_size;
    return 0;
}

/* ---- FADT ---- */

/* Is the whole of `field` inside a FADT of length `len`? */
#define FADT_HAS(len, field) \
    (offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field) <= (len))

/*
 * A fixed-hardware I/O block: the 64-bit X_ form when the table has it
 * (x != NULL), it is set and in I/O space, else the 32-bit field.
 * Returns the port, 0 if none.
 */
static uint32_t acpi_fadt_io_block(const char *what, uint32_t legacy, const struct acpi_gas *x)
{
    if (x && x->address) {
        if (x->space_id == ACPI_GAS_SPACE_IO && x->address <= 0xffff)
            return (uint32_t)x->address;
        printk(XENLOG_WARNING " ACPI: FADT X_%s (space %u, 0x%lx) is not an I/O port; using %s\n",
               what, x->space_id, (unsigned long)x->address, what);
    }
    if (legacy > 0xffff) {
        printk(XENLOG_WARNING " ACPI: FADT %s 0x%x is not an I/O port, ignored\n",
               what, legacy);
        return 0;
    }
    return legacy;
}

/* The reset register, if the FADT offers one this code knows how to write. */
static bool acpi_fadt_reset_ok(const struct acpi_gas *r)
{
    uint64_t a = r->address;

    if (!a)
        return false;
    switch (r->space_id) {
    case ACPI_GAS_SPACE_MEMORY:
        return true;
    case ACPI_GAS_SPACE_IO:
        return a <= 0xffff;
    case ACPI_GAS_SPACE_PCI:
        /* Segment 0, bus 0 only; device, function and offset must be real. */
        return !ACPI_GAS_PCI_RSVD(a) && ACPI_GAS_PCI_DEV(a) < 32 &&
               ACPI_GAS_PCI_FN(a) < 8 && ACPI_GAS_PCI_OFFSET(a) < 256;
    default:
        return false;
    }
}

int acpi_parse_fadt(const void *table, size_t len, struct acpi_info *ai)
{
    const struct acpi_fadt *f = table;
    size_t tlen;
    uint32_t flags;

    ai->have_fadt = false;
    ai->pm1a_cnt = ai->pm1b_cnt = ai->pm_tmr = 0;
    ai->pm_tmr_32bit = ai->have_reset = false;
    memset(&ai->reset_reg, 0, sizeof(ai->reset_reg));
    ai->reset_value = 0;
    ai->dsdt = 0;

    if (len < sizeof(struct acpi_table_header))
        return -EINVAL;
    tlen = f->header.length;
    if (tlen < ACPI_FADT_V1_SIZE || tlen > len) {
        printk(XENLOG_WARNING " ACPI: FADT too short (%zu bytes)\n", tlen);
        return -EINVAL;
    }
    ai->have_fadt = true;
    flags = f->flags;

    ai->pm1a_cnt = acpi_fadt_io_block("PM1a_CNT_BLK", f->pm1a_cnt_blk,
                                      FADT_HAS(tlen, x_pm1a_cnt_blk) ? &f->x_pm1a_cnt_blk : NULL);
    ai->pm1b_cnt = acpi_fadt_io_block("PM1b_CNT_BLK", f->pm1b_cnt_blk,
                                      FADT_HAS(tlen, x_pm1b_cnt_blk) ? &f->x_pm1b_cnt_blk : NULL);
    if (FADT_HAS(tlen, x_pm_tmr_blk) && f->x_pm_tmr_blk.address)
        ai->pm_tmr = acpi_fadt_io_block("PM_TMR_BLK", f->pm_tmr_blk, &f->x_pm_tmr_blk);
    else if (f->pm_tmr_len == 4)    /* anything else means "no PM timer" */
        ai->pm_tmr = acpi_fadt_io_block("PM_TMR_BLK", f->pm_tmr_blk, NULL);
    ai->pm_tmr_32bit = ai->pm_tmr && (flags & ACPI_FADT_TMR_VAL_EXT);

    if (flags & ACPI_FADT_RESET_REG_SUP) {
        if (!FADT_HAS(tlen, reset_value))
            printk(XENLOG_WARNING " ACPI: FADT claims a reset register but is too short for one\n");
        else if (!acpi_fadt_reset_ok(&f->reset_reg))
            printk(XENLOG_WARNING " ACPI: FADT reset register (space %u, 0x%lx) unusable\n",
                   f->reset_reg.space_id, (unsigned long)f->reset_reg.address);
        else {
            ai->have_reset = true;
            ai->reset_reg.space = f->reset_reg.space_id;
            ai->reset_reg.bit_width = f->reset_reg.bit_width;
            ai->reset_reg.addr = f->reset_reg.address;
            ai->reset_value = f->reset_value;
        }
    }

    /* X_DSDT, when there, takes precedence (ACPI: FADT "X_DSDT"). */
    if (FADT_HAS(tlen, x_dsdt) && f->x_dsdt)
        ai->dsdt = f->x_dsdt;
    else
        ai->dsdt = f->dsdt;

    return 0;
}

static void acpi_fadt_report(const struct acpi_info *ai)
{
    printk(XENLOG_INFO " ACPI: PM1a_CNT 0x%x, PM1b_CNT 0x%x, PM_TMR 0x%x (%s bits)\n",
           ai->pm1a_cnt, ai->pm1b_cnt, ai->pm_tmr, ai->pm_tmr_32bit ? "32" : "24");
    if (ai->have_reset)
        printk(XENLOG_INFO " ACPI: reset register: space %u, 0x%lx, value 0x%x\n",
               ai->reset_reg.space, (unsigned long)ai->reset_reg.addr, ai->reset_value);
}

/* ---- MADT ---- */

struct madt_state {
    struct acpi_info *ai;
    uint64_t lapic_override;        /* 0: none */
    unsigned int cpus_dropped, ioapics_dropped, overrides_dropped;
};

/* Smallest valid length of each interrupt controller structure we read. */
static const uint8_t madt_min_len[] = {
    [ACPI_MADT_TYPE_LAPIC]      = sizeof(struct acpi_madt_lapic),
    [ACPI_MADT_TYPE_IOAPIC]     = sizeof(struct acpi_madt_ioapic),
    [ACPI_MADT_TYPE_OVERRIDE]   = sizeof(struct acpi_madt_override),
    [ACPI_MADT_TYPE_LAPIC_NMI]  = sizeof(struct acpi_madt_lapic_nmi),
    [ACPI_MADT_TYPE_LAPIC_ADDR] = sizeof(struct acpi_madt_lapic_addr),
    [ACPI_MADT_TYPE_X2APIC]     = sizeof(struct acpi_madt_x2apic),
    [ACPI_MADT_TYPE_X2APIC_NMI] = sizeof(struct acpi_madt_x2apic_nmi),
};

static void madt_add_cpu(struct madt_state *st, uint32_t apic_id, uint32_t uid,
                         uint32_t flags, bool x2apic)
{
    struct acpi_info *ai = st->ai;
    unsigned int i;

    if (!(flags & ACPI_MADT_ENABLED)) {
        ai->nr_disabled_cpus++;
        printk(XENLOG_INFO " ACPI: CPU APIC ID 0x%x (UID %u) disabled%s\n", apic_id, uid,
               (flags & ACPI_MADT_ONLINE_CAPABLE) ? ", online capable" : "");
        return;
    }
    for (i = 0; i < ai->nr_cpus; i++)
        if (ai->cpus[i].apic_id == apic_id) {
            printk(XENLOG_WARNING " ACPI: CPU APIC ID 0x%x listed twice, ignored\n", apic_id);
            return;
        }
    if (ai->nr_cpus >= ACPI_MAX_CPUS) {
        st->cpus_dropped++;
        return;
    }
    ai->cpus[ai->nr_cpus].apic_id = apic_id;
    ai->cpus[ai->nr_cpus].uid = uid;
    ai->cpus[ai->nr_cpus].x2apic = x2apic;
    printk(XENLOG_INFO " ACPI: CPU%u: APIC ID 0x%x, UID %u%s\n", ai->nr_cpus, apic_id, uid,
           x2apic ? " (x2APIC entry)" : "");
    ai->nr_cpus++;
}

/* One interrupt controller structure, already known to fit its type. */
static void madt_entry(struct madt_state *st, const struct acpi_madt_sub *sub)
{
    struct acpi_info *ai = st->ai;

    switch (sub->type) {
    case ACPI_MADT_TYPE_LAPIC: {
        const struct acpi_madt_lapic *e = (const void *)sub;

        if (e->apic_id == 0xff)     /* the broadcast ID names no CPU */
            printk(XENLOG_WARNING " ACPI: LAPIC entry with APIC ID 0xff, ignored\n");
        else
            madt_add_cpu(st, e->apic_id, e->processor_uid, e->flags, false);
        break;
    }
    case ACPI_MADT_TYPE_X2APIC: {
        const struct acpi_madt_x2apic *e = (const void *)sub;

        if (e->x2apic_id == 0xffffffffU)
            printk(XENLOG_WARNING " ACPI: x2APIC entry with ID 0xffffffff, ignored\n");
        else
            madt_add_cpu(st, e->x2apic_id, e->processor_uid, e->flags, true);
        break;
    }
    case ACPI_MADT_TYPE_IOAPIC: {
        const struct acpi_madt_ioapic *e = (const void *)sub;
        struct acpi_ioapic *io;

        if (ai->nr_ioapics >= ACPI_MAX_IOAPICS) {
            st->ioapics_dropped++;
            break;
        }
        io = &ai->ioapics[ai->nr_ioapics++];
        io->id = e->id;
        io->addr = e->address;
        io->gsi_base = e->gsi_base;
        printk(XENLOG_INFO " ACPI: IOAPIC ID %u at 0x%x, GSI base %u\n",
               io->id, io->addr, io->gsi_base);
        break;
    }
    case ACPI_MADT_TYPE_OVERRIDE: {
        const struct acpi_madt_override *e = (const void *)sub;
        struct acpi_override *ov;

        if (ai->nr_overrides >= ACPI_MAX_OVERRIDES) {
            st->overrides_dropped++;
            break;
        }
        ov = &ai->overrides[ai->nr_overrides++];
        ov->bus = e->bus;
        ov->source = e->source;
        ov->gsi = e->gsi;
        ov->flags = e->flags;
        printk(XENLOG_INFO " ACPI: interrupt override: bus %u IRQ %u -> GSI %u, flags 0x%x\n",
               ov->bus, ov->source, ov->gsi, ov->flags);
        break;
    }
    case ACPI_MADT_TYPE_LAPIC_NMI: {
        const struct acpi_madt_lapic_nmi *e = (const void *)sub;

        printk(XENLOG_INFO " ACPI: LAPIC NMI: UID 0x%x LINT%u, flags 0x%x\n",
               e->processor_uid, e->lint, e->flags);
        break;
    }
    case ACPI_MADT_TYPE_X2APIC_NMI: {
        const struct acpi_madt_x2apic_nmi *e = (const void *)sub;

        printk(XENLOG_INFO " ACPI: x2APIC NMI: UID 0x%x LINT%u, flags 0x%x\n",
               e->processor_uid, e->lint, e->flags);
        break;
    }
    case ACPI_MADT_TYPE_LAPIC_ADDR: {
        const struct acpi_madt_lapic_addr *e = (const void *)sub;

        st->lapic_override = e->address;
        break;
    }
    default:
        break;
    }
}

int acpi_parse_madt(const void *table, size_t len, struct acpi_info *ai)
{
    const struct acpi_madt *m = table;
    const uint8_t *p = table;
    struct madt_state st = { .ai = ai };
    size_t tlen, off, sub_len;
    uint8_t type;
    int rc = 0;

    ai->lapic_addr = 0;
    ai->pcat_compat = false;
    ai->nr_cpus = ai->nr_disabled_cpus = ai->nr_ioapics = ai->nr_overrides = 0;

    if (len < sizeof(*m))
        return -EINVAL;
    tlen = m->header.length;
    if (tlen < sizeof(*m) || tlen > len)
        return -EINVAL;
    ai->lapic_addr = m->lapic_address;
    ai->pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;

    for (off = sizeof(*m); off < tlen; off += sub_len) {
        if (tlen - off < sizeof(struct acpi_madt_sub)) {
            printk(XENLOG_WARNING " ACPI: MADT has %zu stray bytes at its end\n", tlen - off);
            rc = -EINVAL;
            break;
        }
        type = p[off];
        sub_len = p[off + 1];
        /* A length of 0 or 1 would never advance; past the end is a lie. */
        if (sub_len < sizeof(struct acpi_madt_sub) || sub_len > tlen - off) {
            printk(XENLOG_WARNING
                   " ACPI: MADT entry type %u at offset %zu has bad length %zu; rest ignored\n",
                   type, off, sub_len);
            rc = -EINVAL;
            break;
        }
        if (type < ARRAY_SIZE(madt_min_len) && madt_min_len[type]) {
            if (sub_len < madt_min_len[type]) {
                printk(XENLOG_WARNING
                       " ACPI: MADT entry type %u at offset %zu too short (%zu bytes), ignored\n",
                       type, off, sub_len);
                rc = -EINVAL;
                continue;
            }
            madt_entry(&st, (const struct acpi_madt_sub *)(p + off));
        }
    }

    if (st.lapic_override) {
        if (st.lapic_override > 0xffffffffULL)
            printk(XENLOG_WARNING " ACPI: LAPIC address override 0x%lx above 4 GiB, ignored\n",
                   (unsigned long)st.lapic_override);
        else
            ai->lapic_addr = (uint32_t)st.lapic_override;
    }
    if (st.cpus_dropped)
        printk(XENLOG_WARNING " ACPI: %u CPUs beyond the first %u ignored\n",
               st.cpus_dropped, ACPI_MAX_CPUS);
    if (st.ioapics_dropped)
        printk(XENLOG_WARNING " ACPI: %u IOAPICs beyond the first %u ignored\n",
               st.ioapics_dropped, ACPI_MAX_IOAPICS);
    if (st.overrides_dropped)
        printk(XENLOG_WARNING " ACPI: %u interrupt overrides beyond the first %u ignored\n",
               st.overrides_dropped, ACPI_MAX_OVERRIDES);
    printk(XENLOG_INFO " ACPI: LAPIC at 0x%x; %u CPUs enabled, %u disabled; %u IOAPICs\n",
           ai->lapic_addr, ai->nr_cpus, ai->nr_disabled_cpus, ai->nr_ioapics);
    return rc;
}

/* ---- HPET ---- */

int acpi_parse_hpet(const void *table, size_t len, struct acpi_info *ai)
{
    const struct acpi_hpet *h = table;
    size_t tlen;

    ai->hpet_addr = 0;
    if (len < sizeof(struct acpi_table_header))
        return -EINVAL;
    tlen = h->header.length;
    if (tlen < sizeof(*h) || tlen > len)
        return -EINVAL;
    if (h->base_address.space_id != ACPI_GAS_SPACE_MEMORY || !h->base_address.address) {
        printk(XENLOG_WARNING " ACPI: HPET base (space %u, 0x%lx) unusable\n",
               h->base_address.space_id, (unsigned long)h->base_address.address);
        return -EINVAL;
    }
    ai->hpet_addr = h->base_address.address;
    printk(XENLOG_INFO " ACPI: HPET %u at 0x%lx, ID 0x%x\n", h->hpet_number,
           (unsigned long)ai->hpet_addr, h->event_timer_block_id);
    return 0;
}

/* ---- \_S5 ---- */

/* Look in the definition block at pa, if it is a sound table named `sig`. */
static bool acpi_s5_in(paddr_t pa, const char *sig, struct acpi_info *ai)
{
    const struct acpi_table_header *h;
    size_t len;
    int rc;

    /* Already listed and checked once: quietly this time. */
    h = acpi_table_get(pa, &len, false);
    if (!h || !acpi_sig_is(h, sig))
        return false;
    rc = acpi_find_s5((const uint8_t *)h + sizeof(*h), len - sizeof(*h),
                      &ai->s5_slp_typa, &ai->s5_slp_typb);
    if (rc == -EINVAL)
        printk(XENLOG_WARNING " ACPI: %s at %08lx: \\_S5 is malformed\n", sig, pa);
    return rc == 0;
}

/* \_S5 is normally in the DSDT; some firmware defines it in an SSDT. */
static void acpi_find_s5_tables(const struct acpi_root *root, struct acpi_info *ai)
{
    size_t i;

    ai->have_s5 = ai->dsdt && acpi_s5_in(ai->dsdt, ACPI_SIG_DSDT, ai);
    for (i = 0; i < root->nr && !ai->have_s5; i++)
        ai->have_s5 = acpi_s5_in(acpi_root_entry(root, i), ACPI_SIG_SSDT, ai);
    if (ai->have_s5)
        printk(XENLOG_INFO " ACPI: \\_S5: SLP_TYPa 0x%x, SLP_TYPb 0x%x\n",
               ai->s5_slp_typa, ai->s5_slp_typb);
    else
        printk(XENLOG_WARNING " ACPI: no usable \\_S5; ACPI power-off unavailable\n");
}

/* ---- Putting it together ---- */

struct acpi_found {
    const void *table;
    size_t len;
    paddr_t pa;
};

/* Keep the first table of a kind; later ones are reported and ignored. */
static void acpi_keep(struct acpi_found *f, const void *table, size_t len, paddr_t pa,
                      const char *sig)
{
    if (f->table) {
        printk(XENLOG_WARNING " ACPI: second %s at %08lx ignored\n", sig, pa);
        return;
    }
    f->table = table;
    f->len = len;
    f->pa = pa;
}

int acpi_boot_init(paddr_t rsdp_hint, const void *rsdp_copy, unsigned int rsdp_len)
{
    struct acpi_info *ai = &acpi_info;
    struct acpi_found fadt = { 0 }, madt = { 0 }, hpet = { 0 };
    struct acpi_root root = { 0 };
    struct acpi_rsdp rsdp;
    const struct acpi_table_header *h;
    bool xsdt_ok;
    char oem[7];
    size_t i, len;
    paddr_t pa;

    memset(ai, 0, sizeof(*ai));
    if (acpi_rsdp_find(rsdp_hint, rsdp_copy, rsdp_len, &rsdp, &ai->rsdp, &xsdt_ok)) {
        printk(XENLOG_WARNING " ACPI: no RSDP found\n");
        return -ENOENT;
    }
    acpi_id_str(oem, rsdp.oem_id, sizeof(rsdp.oem_id));
    memcpy(ai->oem_id, oem, sizeof(ai->oem_id));
    printk(XENLOG_INFO " ACPI: RSDP %08lx (v%02u %s)\n", ai->rsdp, rsdp.revision, oem);

    if (acpi_root_get(&rsdp, xsdt_ok, ai, &root)) {
        printk(XENLOG_WARNING " ACPI: neither XSDT nor RSDT is usable\n");
        return -EINVAL;
    }
    ai->present = true;

    for (i = 0; i < root.nr; i++) {
        pa = acpi_root_entry(&root, i);
        h = acpi_table_get(pa, &len, true);
        if (!h)
            continue;
        if (acpi_sig_is(h, ACPI_SIG_FADT))
            acpi_keep(&fadt, h, len, pa, ACPI_SIG_FADT);
        else if (acpi_sig_is(h, ACPI_SIG_MADT))
            acpi_keep(&madt, h, len, pa, ACPI_SIG_MADT);
        else if (acpi_sig_is(h, ACPI_SIG_HPET))
            acpi_keep(&hpet, h, len, pa, ACPI_SIG_HPET);
    }

    /* The DSDT is reached only through the FADT; list it with the others. */
    if (fadt.table && !acpi_parse_fadt(fadt.table, fadt.len, ai)) {
        if (ai->dsdt && !acpi_table_get(ai->dsdt, &len, true))
            printk(XENLOG_WARNING " ACPI: the DSDT is unusable\n");
        acpi_fadt_report(ai);
    }
    if (!fadt.table)
        printk(XENLOG_WARNING " ACPI: no FADT\n");
    if (madt.table)
        acpi_parse_madt(madt.table, madt.len, ai);
    else
        printk(XENLOG_WARNING " ACPI: no MADT\n");
    if (hpet.table)
        acpi_parse_hpet(hpet.table, hpet.len, ai);

    acpi_find_s5_tables(&root, ai);
    return 0;
}
