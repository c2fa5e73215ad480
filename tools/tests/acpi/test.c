/*
 * Host tests of the ACPI table code: RSDP discovery, the XSDT/RSDT walk,
 * the MADT, FADT and HPET parsers, the \_S5 finder, and the register
 * encodings of power-off and reset, on a simulated machine whose memory
 * is a handful of exactly-sized heap blocks (so ASan sees any overread),
 * plus fixed-seed fuzzing of the parsers.
 */
#include "test.h"
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <asm/acpi.h>
#include <asm/acpi_tables.h>

/* ---- Simulated machine: physical ranges backed by exactly-sized blocks ---- */

struct region {
    paddr_t base;
    size_t size;
    uint8_t *buf;
};
#define MAX_REGIONS 256
static struct region regions[MAX_REGIONS];
static unsigned int nr_regions;

void *maddr_to_virt(paddr_t ma)
{
    unsigned int i;

    for (i = 0; i < nr_regions; i++)
        if (ma >= regions[i].base && ma - regions[i].base < regions[i].size)
            return regions[i].buf + (ma - regions[i].base);
    return NULL;
}

paddr_t virt_to_maddr(const void *va)
{
    (void)va;
    abort();
}

static uint8_t *mem_add(paddr_t base, size_t size)
{
    struct region *r;
    unsigned int i;

    for (i = 0; i < nr_regions; i++)
        if (base < regions[i].base + regions[i].size && regions[i].base < base + size) {
            printf("test bug: region %#lx+%#zx overlaps\n", (unsigned long)base, size);
            abort();
        }
    if (nr_regions == MAX_REGIONS)
        abort();
    r = &regions[nr_regions++];
    r->base = base;
    r->size = size;
    r->buf = calloc(1, size);
    if (!r->buf)
        abort();
    return r->buf;
}

static void mem_put(paddr_t base, const void *data, size_t len)
{
    memcpy(mem_add(base, len), data, len);
}

static void mem_reset(void)
{
    while (nr_regions)
        free(regions[--nr_regions].buf);
    printk_log_clear();
}

/* ---- Table builders ---- */

#define PA_EBDA      0x9fc00UL
#define PA_BIOS_RSDP 0xf52a0UL
#define PA_RSDT      0x7ffe0000UL
#define PA_XSDT      0x7ffe1000UL
#define PA_FADT      0x7ffe2000UL
#define PA_MADT      0x7ffe3000UL
#define PA_HPET      0x7ffe4000UL
#define PA_DSDT      0x7ffe5000UL
#define PA_SSDT      0x7ffe6000UL
#define PA_HIGH      0x100000000UL      /* tables above 4 GiB, XSDT only */

static uint8_t scratch[1 << 16];
static size_t scratch_len;

static uint8_t sum8(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while (len--)
        s += *b++;
    return s;
}

/* Set the header's length to len and make the checksum right. */
static void table_fix(void *t, size_t len)
{
    struct acpi_table_header *h = t;

    h->length = (uint32_t)len;
    h->checksum = 0;
    h->checksum = (uint8_t)-sum8(t, len);
}

static void t_begin(const char *sig, uint8_t rev)
{
    struct acpi_table_header *h = (void *)scratch;

    memset(scratch, 0, sizeof(scratch));
    memcpy(h->signature, sig, 4);
    h->revision = rev;
    memcpy(h->oem_id, "BOCHS ", 6);
    memcpy(h->oem_table_id, "BXPC    ", 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, "BXPC", 4);
    h->creator_revision = 1;
    scratch_len = sizeof(*h);
}

static void t_bytes(const void *p, size_t n)
{
    if (scratch_len + n > sizeof(scratch))
        abort();
    memcpy(scratch + scratch_len, p, n);
    scratch_len += n;
}

static void t_u32(uint32_t v) { t_bytes(&v, 4); }
static void t_u64(uint64_t v) { t_bytes(&v, 8); }

/* Finish the table in scratch and place it at pa. */
static void t_place(paddr_t pa)
{
    table_fix(scratch, scratch_len);
    mem_put(pa, scratch, scratch_len);
}

/* A copy of the finished scratch table in a block of exactly its size. */
static uint8_t *t_copy(void)
{
    uint8_t *p = malloc(scratch_len);

    table_fix(scratch, scratch_len);
    memcpy(p, scratch, scratch_len);
    return p;
}

static void put_root(paddr_t pa, bool xsdt, const paddr_t *ents, unsigned int n)
{
    unsigned int i;

    t_begin(xsdt ? "XSDT" : "RSDT", 1);
    for (i = 0; i < n; i++) {
        if (xsdt)
            t_u64(ents[i]);
        else
            t_u32((uint32_t)ents[i]);
    }
    t_place(pa);
}

static void build_rsdp(struct acpi_rsdp *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt,
                       const char *oem)
{
    memset(r, 0, sizeof(*r));
    memcpy(r->signature, ACPI_RSDP_SIGNATURE, 8);
    memcpy(r->oem_id, oem, 6);
    r->revision = rev;
    r->rsdt_address = rsdt;
    r->length = ACPI_RSDP_V2_SIZE;
    r->xsdt_address = xsdt;
    r->checksum = (uint8_t)-sum8(r, ACPI_RSDP_V1_SIZE);
    r->extended_checksum = (uint8_t)-sum8(r, ACPI_RSDP_V2_SIZE);
}

/* Write an RSDP into already simulated memory (the low MiB). */
static void put_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt, const char *oem)
{
    struct acpi_rsdp r;

    build_rsdp(&r, rev, rsdt, xsdt, oem);
    memcpy(maddr_to_virt(pa), &r, rev >= 2 ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE);
}

/* The first MiB, with the BDA pointing at an EBDA at PA_EBDA. */
static void put_low_mem(void)
{
    uint8_t *low = mem_add(0, 0x100000);
    uint16_t seg = PA_EBDA >> 4;

    memcpy(low + 0x40e, &seg, 2);
}

static struct acpi_fadt fadt_buf;

/* A FADT of `len` bytes; the caller may adjust fadt_buf before fadt_place(). */
static void fadt_init(uint8_t rev, uint32_t dsdt)
{
    memset(&fadt_buf, 0, sizeof(fadt_buf));
    memcpy(fadt_buf.header.signature, "FACP", 4);
    memcpy(fadt_buf.header.oem_id, "BOCHS ", 6);
    fadt_buf.header.revision = rev;
    fadt_buf.dsdt = dsdt;
    fadt_buf.pm1a_evt_blk = 0x600;
    fadt_buf.pm1a_cnt_blk = 0x604;
    fadt_buf.pm_tmr_blk = 0x608;
    fadt_buf.pm1_evt_len = 4;
    fadt_buf.pm1_cnt_len = 2;
    fadt_buf.pm_tmr_len = 4;
}

static void fadt_place(paddr_t pa, size_t len)
{
    table_fix(&fadt_buf, len);
    mem_put(pa, &fadt_buf, len);
}

static uint8_t *fadt_copy(size_t len)
{
    uint8_t *p = malloc(len);

    table_fix(&fadt_buf, len);
    memcpy(p, &fadt_buf, len);
    return p;
}

static void gas(struct acpi_gas *g, uint8_t space, uint8_t width, uint64_t addr)
{
    g->space_id = space;
    g->bit_width = width;
    g->bit_offset = 0;
    g->access_size = 0;
    g->address = addr;
}

/* MADT entries, appended to scratch. */
static void madt_begin(uint32_t lapic, uint32_t flags)
{
    t_begin("APIC", 3);
    t_u32(lapic);
    t_u32(flags);
}

static void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    struct acpi_madt_lapic e = { { ACPI_MADT_TYPE_LAPIC, sizeof(e) }, uid, id, flags };

    t_bytes(&e, sizeof(e));
}

static void madt_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    struct acpi_madt_x2apic e = { { ACPI_MADT_TYPE_X2APIC, sizeof(e) }, 0, id, flags, uid };

    t_bytes(&e, sizeof(e));
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    struct acpi_madt_ioapic e = { { ACPI_MADT_TYPE_IOAPIC, sizeof(e) }, id, 0, addr, gsi_base };

    t_bytes(&e, sizeof(e));
}

static void madt_override(uint8_t source, uint32_t gsi, uint16_t flags)
{
    struct acpi_madt_override e = { { ACPI_MADT_TYPE_OVERRIDE, sizeof(e) }, 0, source, gsi, flags };

    t_bytes(&e, sizeof(e));
}

static void madt_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
    struct acpi_madt_lapic_nmi e = { { ACPI_MADT_TYPE_LAPIC_NMI, sizeof(e) }, uid, flags, lint };

    t_bytes(&e, sizeof(e));
}

static void madt_x2nmi(uint32_t uid, uint16_t flags, uint8_t lint)
{
    struct acpi_madt_x2apic_nmi e = { { ACPI_MADT_TYPE_X2APIC_NMI, sizeof(e) }, flags, uid, lint,
                                      { 0 } };

    t_bytes(&e, sizeof(e));
}

static void madt_lapic_addr(uint64_t addr)
{
    struct acpi_madt_lapic_addr e = { { ACPI_MADT_TYPE_LAPIC_ADDR, sizeof(e) }, 0, addr };

    t_bytes(&e, sizeof(e));
}

/* A MADT with n enabled xAPIC CPUs (APIC IDs 0..n-1) and one IOAPIC. */
static void put_madt(paddr_t pa, unsigned int n)
{
    unsigned int i;

    madt_begin(0xfee00000, ACPI_MADT_PCAT_COMPAT);
    for (i = 0; i < n; i++)
        madt_lapic((uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED);
    madt_ioapic(0, 0xfec00000, 0);
    madt_override(0, 2, 0);
    t_place(pa);
}

/*
 * AML: DefinitionBlock body with Scope (\_SB) { Device (PCI0) { Name
 * (_HID, EisaId ("PNP0A03")) } }, then whatever `tail` holds.
 */
static const uint8_t aml_scope_sb[] = {
    0x10, 0x18, '\\', '_', 'S', 'B', '_',                   /* Scope (\_SB), PkgLength 24 */
    0x5b, 0x82, 0x10, 'P', 'C', 'I', '0',                   /* Device (PCI0), PkgLength 16 */
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03, /* Name (_HID, 0x030AD041) */
    0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x02, 0x0a, 0x04, 0x0a, 0x04,  /* Name (_S4, ...) */
};

/* Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero }), as iasl writes it. */
static const uint8_t aml_s5_bochs[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

static void put_aml_table(paddr_t pa, const char *sig, const uint8_t *tail, size_t tail_len)
{
    t_begin(sig, 1);
    t_bytes(aml_scope_sb, sizeof(aml_scope_sb));
    t_bytes(tail, tail_len);
    t_place(pa);
}

/*
 * A complete machine: low memory with an RSDP (rev 0 at the EBDA, or rev 2
 * in the BIOS area), RSDT (and XSDT), FADT, MADT with `ncpus`, HPET, DSDT
 * with \_S5 = { 5, 5 }.
 */
static void put_machine(bool v2, unsigned int ncpus)
{
    paddr_t ents[3] = { PA_FADT, PA_MADT, PA_HPET };

    put_low_mem();
    fadt_init(v2 ? 5 : 1, PA_DSDT);
    fadt_place(PA_FADT, v2 ? sizeof(fadt_buf) : ACPI_FADT_V1_SIZE);
    put_madt(PA_MADT, ncpus);
    t_begin("HPET", 1);
    {
        struct acpi_hpet h;

        memset(&h, 0, sizeof(h));
        h.event_timer_block_id = 0x8086a201;
        gas(&h.base_address, ACPI_GAS_SPACE_MEMORY, 64, 0xfed00000);
        t_bytes((const uint8_t *)&h + sizeof(h.header), sizeof(h) - sizeof(h.header));
    }
    t_place(PA_HPET);
    put_aml_table(PA_DSDT, "DSDT", aml_s5_bochs, sizeof(aml_s5_bochs));
    put_root(PA_RSDT, false, ents, 3);
    if (v2) {
        put_root(PA_XSDT, true, ents, 3);
        put_rsdp(PA_BIOS_RSDP, 2, PA_RSDT, PA_XSDT, "BOCHS ");
    } else
        put_rsdp(PA_EBDA, 0, PA_RSDT, 0, "BOCHS ");
}

static struct acpi_info ai;

/* ---- Checksum ---- */

static void test_checksum(void)
{
    uint8_t b[4] = { 1, 2, 3, (uint8_t)-6 };

    CHECK(acpi_checksum_ok(b, 4), "bytes summing to 0x100");
    b[0] = 2;
    CHECK(!acpi_checksum_ok(b, 4), "bytes summing to 1");
    CHECK(acpi_checksum_ok(b, 0), "the empty sum is zero");
}

/* ---- \_S5 ---- */

/* Run acpi_find_s5 on a copy in a block of exactly len bytes. */
static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *p = malloc(len ? len : 1);
    int rc;

    memcpy(p, aml, len);
    *a = *b = 0xee;
    rc = acpi_find_s5(p, len, a, b);
    free(p);
    return rc;
}

#define S5_OK(bytes, ea, eb, what)                                            \
    do {                                                                      \
        static const uint8_t aml_[] = bytes;                                  \
        uint8_t a_, b_;                                                       \
        CHECK_EQ(s5(aml_, sizeof(aml_), &a_, &b_), 0);                        \
        CHECK(a_ == (ea) && b_ == (eb), "%s: got %#x/%#x", what, a_, b_);     \
    } while (0)

#define S5_RC(bytes, erc, what)                                               \
    do {                                                                      \
        static const uint8_t aml_[] = bytes;                                  \
        uint8_t a_, b_;                                                       \
        int rc_ = s5(aml_, sizeof(aml_), &a_, &b_);                           \
        CHECK(rc_ == (erc), "%s: rc %d", what, rc_);                          \
    } while (0)

#define B(...) { __VA_ARGS__ }
#define S5N '_', 'S', '5', '_'

static void test_s5_encodings(void)
{
    S5_OK(B(0x08, S5N, 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00), 5, 5,
          "BytePrefix, 1-byte PkgLength");
    S5_OK(B(0x08, S5N, 0x12, 0x06, 0x04, 0x00, 0x01, 0x00, 0x00), 0, 1, "ZeroOp, OneOp");
    S5_OK(B(0x08, S5N, 0x12, 0x04, 0x02, 0xff, 0x00), 0xff, 0, "OnesOp");
    /* PkgLength 9 in two bytes: lead 0x49 (1 more byte, low nibble 9), then 0. */
    S5_OK(B(0x08, S5N, 0x12, 0x49, 0x00, 0x04, 0x0a, 0x07, 0x0a, 0x06, 0x00, 0x00), 7, 6,
          "2-byte PkgLength");
    S5_OK(B(0x08, S5N, 0x12, 0x8a, 0x00, 0x00, 0x04, 0x0a, 0x03, 0x0a, 0x04, 0x00, 0x00), 3, 4,
          "3-byte PkgLength");
    S5_OK(B(0x08, S5N, 0x12, 0xcb, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x02, 0x0a, 0x01, 0x00,
            0x00), 2, 1, "4-byte PkgLength");
    S5_OK(B(0x08, '\\', S5N, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x05), 5, 5, "root prefix");
    S5_OK(B(0x08, '^', S5N, 0x12, 0x06, 0x02, 0x0a, 0x06, 0x0a, 0x02), 6, 2, "parent prefix");
    S5_OK(B(0x08, S5N, 0x12, 0x0a, 0x02, 0x0b, 0x07, 0x00, 0x0c, 0x03, 0x00, 0x00, 0x00), 7, 3,
          "WordPrefix, DWordPrefix");
    S5_OK(B(0x08, S5N, 0x12, 0x0b, 0x01, 0x0e, 0x05, 0, 0, 0, 0, 0, 0, 0), 5, 5,
          "QWordPrefix, single element: b = a");
    S5_OK(B(0x08, S5N, 0x12, 0x04, 0x04, 0x0a, 0x07), 7, 7,
          "four elements, one initialiser: b = a");
    S5_OK(B(0x10, 0x0e, '\\', 0x00, 0x08, S5N, 0x12, 0x05, 0x02, 0x01, 0x0a, 0x07), 1, 7,
          "inside Scope (\\)");
}

static void test_s5_method(void)
{
    uint8_t aml[160], a, b;
    size_t n = 0, i;

    S5_OK(B(0x14, 0x0e, S5N, 0x00, 0xa4, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x03), 5, 3,
          "Method (_S5) { Return (Package () {5, 3}) }");
    S5_RC(B(0x14, 0x0d, S5N, 0x00, 0xa4, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x03), -EINVAL,
          "package runs past the end of its method");
    S5_RC(B(0x14, 0x0a, S5N, 0x00, 0x70, 0x01, 0x60, 0xa4, 0x60), -ENOENT,
          "a method computing its result is not supported");

    /*
     * A method whose 2-byte PkgLength (0x4a 0x08: 138) ends in 0x08, the
     * NameOp byte: must still be read as a method, body padded with Noops.
     */
    aml[n++] = 0x14;
    aml[n++] = 0x4a;
    aml[n++] = 0x08;
    memcpy(aml + n, "_S5_", 4);
    n += 4;
    aml[n++] = 0x00;
    static const uint8_t ret[] = { 0xa4, 0x12, 0x06, 0x02, 0x0a, 0x04, 0x0a, 0x02 };
    memcpy(aml + n, ret, sizeof(ret));
    n += sizeof(ret);
    for (i = n; i < 1 + 138; i++)
        aml[i] = 0xa3;
    n = 1 + 138;
    CHECK_EQ(s5(aml, n, &a, &b), 0);
    CHECK(a == 4 && b == 2, "method with PkgLength ending in 0x08: %#x/%#x", a, b);
}

static void test_s5_not_found(void)
{
    uint8_t a, b;

    S5_RC(B(0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x01, 0x0a, 0x04), -ENOENT, "only _S4");
    S5_RC(B(0x08, 0x2e, '_', 'S', 'B', '_', S5N, 0x12, 0x04, 0x01, 0x0a, 0x05), -ENOENT,
          "\\_SB._S5 is not \\_S5");
    S5_RC(B(S5N, 0x12, 0x04, 0x01, 0x0a, 0x05), -ENOENT, "name at offset 0, no NameOp");
    S5_RC(B(0x0d, S5N, 0x00, 0x12, 0x04, 0x01, 0x0a, 0x05), -ENOENT, "inside a string");
    S5_RC(B(0x00, 0x08, S5N), -ENOENT, "name at the very end");
    S5_RC(B(0x08, S5N, 0x0a, 0x05), -ENOENT, "Name (_S5, 5): not a package");
    CHECK_EQ(acpi_find_s5(NULL, 100, &a, &b), -ENOENT);
    CHECK_EQ(s5((const uint8_t *)"", 0, &a, &b), -ENOENT);
}

static void test_s5_malformed(void)
{
    S5_RC(B(0x08, S5N, 0x12, 0x09, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00), -EINVAL,
          "PkgLength one past the end");
    S5_RC(B(0x08, S5N, 0x12, 0x01, 0x04, 0x0a, 0x05), -EINVAL, "PkgLength too short");
    S5_RC(B(0x08, S5N, 0x12, 0x4f), -EINVAL, "PkgLength's second byte missing");
    S5_RC(B(0x08, S5N, 0x12, 0x03, 0x00, 0x00), -EINVAL, "no elements");
    S5_RC(B(0x08, S5N, 0x12, 0x06, 0x02, 0x0d, 'a', 0x00, 0x00), -EINVAL, "string element");
    S5_RC(B(0x08, S5N, 0x12, 0x06, 0x02, 0x0b, 0x00, 0x01, 0x00), -EINVAL, "value 0x100");
    S5_RC(B(0x08, S5N, 0x12, 0x04, 0x02, 0x0c, 0x05, 0x00), -EINVAL,
          "DWordPrefix cut by the package end");
    S5_RC(B(0x08, S5N, 0x12, 0x05, 0x02, 0x0a, 0x05, 0x5c), -EINVAL,
          "second element is a name reference");
    S5_OK(B(0x08, S5N, 0x12, 0x3f, 0x01, 0x0a, 0x01,
            0x08, '\\', S5N, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x06), 5, 6,
          "a malformed candidate, then a good one");
}

static void test_s5_realistic_dsdt(void)
{
    uint8_t aml[sizeof(aml_scope_sb) + sizeof(aml_s5_bochs)], a, b;

    memcpy(aml, aml_scope_sb, sizeof(aml_scope_sb));
    memcpy(aml + sizeof(aml_scope_sb), aml_s5_bochs, sizeof(aml_s5_bochs));
    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK(a == 5 && b == 5, "\\_S5 after \\_SB and \\_S4: %#x/%#x", a, b);
    CHECK_EQ(s5(aml, sizeof(aml_scope_sb), &a, &b), -ENOENT);
    /* Cut before the PackageOp: absent; cut after it: malformed (and no read past len). */
    for (size_t cut = sizeof(aml_scope_sb); cut < sizeof(aml); cut++) {
        int rc = s5(aml, cut, &a, &b);

        CHECK(rc == (cut <= sizeof(aml_scope_sb) + 5 ? -ENOENT : -EINVAL),
              "cut at %zu: rc %d", cut, rc);
    }
}

/* ---- MADT ---- */

static int madt_parse_scratch(void)
{
    uint8_t *p = t_copy();
    int rc;

    memset(&ai, 0, sizeof(ai));
    rc = acpi_parse_madt(p, scratch_len, &ai);
    free(p);
    return rc;
}

static void test_madt_mixed(void)
{
    printk_log_clear();
    madt_begin(0xfee00000, ACPI_MADT_PCAT_COMPAT);
    madt_lapic(0, 0, ACPI_MADT_ENABLED);
    madt_lapic(1, 2, ACPI_MADT_ENABLED);
    madt_lapic(2, 4, 0);                                /* disabled */
    madt_lapic(3, 6, ACPI_MADT_ONLINE_CAPABLE);         /* hot-pluggable */
    madt_x2apic(0x100, ACPI_MADT_ENABLED, 4);
    madt_x2apic(0x101, ACPI_MADT_ONLINE_CAPABLE, 5);
    madt_ioapic(8, 0xfec00000, 0);
    madt_ioapic(9, 0xfec01000, 24);
    madt_override(0, 2, 0);
    madt_override(9, 9, 0x000d);
    madt_nmi(0xff, 0x0005, 1);
    madt_x2nmi(0xffffffff, 0x0005, 1);
    madt_lapic_addr(0xfee10000);
    madt_lapic(7, 8, ACPI_MADT_ENABLED);                /* after the override */

    CHECK_EQ(madt_parse_scratch(), 0);
    CHECK_EQ(ai.nr_cpus, 4);
    CHECK_EQ(ai.nr_disabled_cpus, 3);
    CHECK(ai.cpus[0].apic_id == 0 && !ai.cpus[0].x2apic, "BSP first");
    CHECK(ai.cpus[1].apic_id == 2 && ai.cpus[1].uid == 1, "CPU1 APIC ID 2 UID 1");
    CHECK(ai.cpus[2].apic_id == 0x100 && ai.cpus[2].x2apic && ai.cpus[2].uid == 4,
          "x2APIC CPU: id %#x uid %u", ai.cpus[2].apic_id, ai.cpus[2].uid);
    CHECK_EQ(ai.cpus[3].apic_id, 8);
    CHECK_EQ(ai.lapic_addr, 0xfee10000);
    CHECK(ai.pcat_compat, "PCAT_COMPAT");
    CHECK_EQ(ai.nr_ioapics, 2);
    CHECK(ai.ioapics[1].id == 9 && ai.ioapics[1].addr == 0xfec01000 &&
          ai.ioapics[1].gsi_base == 24, "second IOAPIC");
    CHECK_EQ(ai.nr_overrides, 2);
    CHECK(ai.overrides[0].source == 0 && ai.overrides[0].gsi == 2, "IRQ0 -> GSI2");
    CHECK(ai.overrides[1].source == 9 && ai.overrides[1].flags == 0xd, "IRQ9 level, active low");
    CHECK(printk_log_contains("LAPIC NMI: UID 0xff LINT1"), "NMI line printed");
    CHECK(printk_log_contains("online capable"), "online-capable CPU reported");
    CHECK(printk_log_contains("4 CPUs enabled, 3 disabled"), "summary line");
}

static void test_madt_zero_length_entry(void)
{
    static const uint8_t zero[2] = { ACPI_MADT_TYPE_LAPIC, 0 };
    static const uint8_t one[2] = { ACPI_MADT_TYPE_IOAPIC, 1 };

    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, ACPI_MADT_ENABLED);
    t_bytes(zero, 2);
    madt_lapic(1, 1, ACPI_MADT_ENABLED);
    CHECK_EQ(madt_parse_scratch(), -EINVAL);
    CHECK_EQ(ai.nr_cpus, 1);

    madt_begin(0xfee00000, 0);
    t_bytes(one, 2);
    madt_lapic(1, 1, ACPI_MADT_ENABLED);
    CHECK_EQ(madt_parse_scratch(), -EINVAL);
    CHECK_EQ(ai.nr_cpus, 0);
    CHECK(!ai.pcat_compat, "PCAT_COMPAT clear");
}

static void test_madt_truncated(void)
{
    static const uint8_t half_lapic[4] = { ACPI_MADT_TYPE_LAPIC, 8, 1, 1 };
    static const uint8_t stray[1] = { ACPI_MADT_TYPE_LAPIC };

    printk_log_clear();
    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, ACPI_MADT_ENABLED);
    t_bytes(half_lapic, sizeof(half_lapic));   /* claims 8 bytes, table has 4 */
    CHECK_EQ(madt_parse_scratch(), -EINVAL);
    CHECK_EQ(ai.nr_cpus, 1);
    CHECK(printk_log_contains("bad length 8"), "truncated entry reported");

    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, ACPI_MADT_ENABLED);
    t_bytes(stray, 1);
    CHECK_EQ(madt_parse_scratch(), -EINVAL);
    CHECK_EQ(ai.nr_cpus, 1);
}

static void test_madt_short_and_unknown_entries(void)
{
    static const uint8_t short_lapic[4] = { ACPI_MADT_TYPE_LAPIC, 4, 9, 9 };
    static const uint8_t short_x2[12] = { ACPI_MADT_TYPE_X2APIC, 12 };
    static const uint8_t gicc[6] = { 0x0b, 6, 1, 2, 3, 4 };
    static const uint8_t vendor[3] = { 0x80, 3, 0x55 };
    uint8_t long_lapic[10] = { ACPI_MADT_TYPE_LAPIC, 10, 5, 5, 1, 0, 0, 0, 0xaa, 0xbb };

    madt_begin(0xfee00000, 0);
    t_bytes(short_lapic, sizeof(short_lapic));
    t_bytes(short_x2, sizeof(short_x2));
    madt_lapic(1, 1, ACPI_MADT_ENABLED);
    CHECK_EQ(madt_parse_scratch(), -EINVAL);
    CHECK(ai.nr_cpus == 1 && ai.cpus[0].apic_id == 1, "too-short entries skipped, walk goes on");

    madt_begin(0xfee00000, 0);
    t_bytes(gicc, sizeof(gicc));
    t_bytes(vendor, sizeof(vendor));
    t_bytes(long_lapic, sizeof(long_lapic));    /* a later revision may grow entries */
    madt_lapic(1, 1, ACPI_MADT_ENABLED);
    CHECK_EQ(madt_parse_scratch(), 0);
    CHECK(ai.nr_cpus == 2 && ai.cpus[0].apic_id == 5 && ai.cpus[1].apic_id == 1,
          "unknown types skipped, longer entries accepted");
}

static void test_madt_duplicates_and_invalid_ids(void)
{
    madt_begin(0xfee00000, 0);
    madt_lapic(0, 1, ACPI_MADT_ENABLED);
    madt_x2apic(1, ACPI_MADT_ENABLED, 0);               /* the same CPU again */
    madt_lapic(1, 0xff, ACPI_MADT_ENABLED);             /* broadcast ID */
    madt_x2apic(0xffffffff, ACPI_MADT_ENABLED, 2);
    madt_x2apic(0xffffffff, 0, 3);
    CHECK_EQ(madt_parse_scratch(), 0);
    CHECK_EQ(ai.nr_cpus, 1);
    CHECK_EQ(ai.nr_disabled_cpus, 0);
    CHECK(!ai.cpus[0].x2apic, "first listing kept");
}

static void test_madt_limits(void)
{
    unsigned int i;

    printk_log_clear();
    madt_begin(0xfee00000, 0);
    for (i = 0; i < ACPI_MAX_CPUS + 76; i++)
        madt_x2apic(i, ACPI_MADT_ENABLED, i);
    for (i = 0; i < ACPI_MAX_IOAPICS + 6; i++)
        madt_ioapic((uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
    for (i = 0; i < ACPI_MAX_OVERRIDES + 8; i++)
        madt_override((uint8_t)i, i, 0);
    madt_lapic_addr(0x123400000ULL);                    /* above 4 GiB: ignored */
    CHECK_EQ(madt_parse_scratch(), 0);
    CHECK_EQ(ai.nr_cpus, ACPI_MAX_CPUS);
    CHECK_EQ(ai.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
    CHECK_EQ(ai.nr_ioapics, ACPI_MAX_IOAPICS);
    CHECK_EQ(ai.nr_overrides, ACPI_MAX_OVERRIDES);
    CHECK_EQ(ai.lapic_addr, 0xfee00000);
    CHECK(printk_log_contains("76 CPUs beyond the first 1024 ignored"), "CPU overflow reported");
    CHECK(printk_log_contains("6 IOAPICs beyond"), "IOAPIC overflow reported");
}

static void test_madt_bad_header(void)
{
    uint8_t *p;

    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, ACPI_MADT_ENABLED);
    p = t_copy();
    memset(&ai, 0x5a, sizeof(ai));
    CHECK_EQ(acpi_parse_madt(p, scratch_len - 1, &ai), -EINVAL);   /* length > len */
    CHECK(ai.nr_cpus == 0 && ai.nr_ioapics == 0 && ai.lapic_addr == 0, "fields reset");
    CHECK_EQ(acpi_parse_madt(p, 40, &ai), -EINVAL);                /* shorter than a MADT */
    ((struct acpi_table_header *)p)->length = 40;
    CHECK_EQ(acpi_parse_madt(p, scratch_len, &ai), -EINVAL);       /* header says 40 */
    ((struct acpi_table_header *)p)->length = 44;
    CHECK_EQ(acpi_parse_madt(p, scratch_len, &ai), 0);             /* no entries at all */
    CHECK_EQ(ai.nr_cpus, 0);
    free(p);
}

/* ---- FADT ---- */

static int fadt_parse(size_t len)
{
    uint8_t *p = fadt_copy(len);
    int rc;

    memset(&ai, 0x5a, sizeof(ai));
    rc = acpi_parse_fadt(p, len, &ai);
    free(p);
    return rc;
}

static void test_fadt_v1(void)
{
    printk_log_clear();
    fadt_init(1, PA_DSDT);
    fadt_buf.pm1b_cnt_blk = 0x704;
    fadt_buf.flags = ACPI_FADT_RESET_REG_SUP;            /* but no room for RESET_REG */
    gas(&fadt_buf.reset_reg, ACPI_GAS_SPACE_IO, 8, 0xcf9);
    CHECK_EQ(fadt_parse(ACPI_FADT_V1_SIZE), 0);
    CHECK(ai.have_fadt, "have_fadt");
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    CHECK_EQ(ai.pm1b_cnt, 0x704);
    CHECK_EQ(ai.pm_tmr, 0x608);
    CHECK(!ai.pm_tmr_32bit, "24-bit PM timer");
    CHECK(!ai.have_reset, "no reset register in a 116-byte FADT");
    CHECK_EQ(ai.dsdt, PA_DSDT);
    CHECK(printk_log_contains("too short for one"), "reset flag without room reported");
}

static void test_fadt_x_fields(void)
{
    fadt_init(5, PA_DSDT);
    fadt_buf.flags = ACPI_FADT_RESET_REG_SUP | ACPI_FADT_TMR_VAL_EXT;
    gas(&fadt_buf.reset_reg, ACPI_GAS_SPACE_IO, 8, 0xcf9);
    fadt_buf.reset_value = 0x06;
    fadt_buf.x_dsdt = PA_HIGH + 0x5000;
    gas(&fadt_buf.x_pm1a_cnt_blk, ACPI_GAS_SPACE_IO, 16, 0x1604);
    gas(&fadt_buf.x_pm_tmr_blk, ACPI_GAS_SPACE_IO, 32, 0x1608);
    CHECK_EQ(fadt_parse(sizeof(fadt_buf)), 0);
    CHECK_EQ(ai.pm1a_cnt, 0x1604);
    CHECK_EQ(ai.pm1b_cnt, 0);
    CHECK_EQ(ai.pm_tmr, 0x1608);
    CHECK(ai.pm_tmr_32bit, "TMR_VAL_EXT");
    CHECK(ai.have_reset, "reset register");
    CHECK(ai.reset_reg.space == ACPI_GAS_SPACE_IO && ai.reset_reg.addr == 0xcf9 &&
          ai.reset_reg.bit_width == 8 && ai.reset_value == 6, "reset 0xcf9 <- 6");
    CHECK_EQ(ai.dsdt, PA_HIGH + 0x5000);

    /* Cut just before X_PM1a_CNT_BLK: X_DSDT counts, X_PM1a does not. */
    CHECK_EQ(fadt_parse(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) + 11), 0);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    CHECK_EQ(ai.dsdt, PA_HIGH + 0x5000);
    CHECK(ai.have_reset, "reset register inside the cut");

    /* Cut inside RESET_REG. */
    CHECK_EQ(fadt_parse(120), 0);
    CHECK(!ai.have_reset, "RESET_REG cut off");
    CHECK_EQ(ai.dsdt, PA_DSDT);
}

static void test_fadt_x_field_not_io(void)
{
    printk_log_clear();
    fadt_init(5, PA_DSDT);
    gas(&fadt_buf.x_pm1a_cnt_blk, ACPI_GAS_SPACE_MEMORY, 16, 0xfe000604);
    gas(&fadt_buf.x_pm1b_cnt_blk, ACPI_GAS_SPACE_IO, 16, 0x12345);   /* not a port */
    fadt_buf.pm1b_cnt_blk = 0x10000;
    fadt_buf.pm_tmr_len = 0;                                         /* no PM timer */
    fadt_buf.flags = ACPI_FADT_TMR_VAL_EXT;
    CHECK_EQ(fadt_parse(sizeof(fadt_buf)), 0);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    CHECK_EQ(ai.pm1b_cnt, 0);
    CHECK_EQ(ai.pm_tmr, 0);
    CHECK(!ai.pm_tmr_32bit, "no timer, no width");
    CHECK(printk_log_contains("X_PM1a_CNT_BLK (space 0"), "memory-space X_ block reported");
}

static void test_fadt_reset_spaces(void)
{
    static const struct {
        uint8_t space;
        uint64_t addr;
        bool ok;
    } cases[] = {
        { ACPI_GAS_SPACE_MEMORY, 0xfed00100, true },
        { ACPI_GAS_SPACE_IO, 0xcf9, true },
        { ACPI_GAS_SPACE_IO, 0x10000, false },
        { ACPI_GAS_SPACE_PCI, (1ULL << 32) | (0ULL << 16) | 0x4c, true },
        { ACPI_GAS_SPACE_PCI, (32ULL << 32) | 0x4c, false },
        { ACPI_GAS_SPACE_PCI, (1ULL << 32) | (8ULL << 16), false },
        { ACPI_GAS_SPACE_PCI, 0x100, false },
        { ACPI_GAS_SPACE_PCI, (1ULL << 48) | 0x4c, false },
        { 0x7f, 0xcf9, false },
        { ACPI_GAS_SPACE_IO, 0, false },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        fadt_init(3, PA_DSDT);
        fadt_buf.flags = ACPI_FADT_RESET_REG_SUP;
        gas(&fadt_buf.reset_reg, cases[i].space, 8, cases[i].addr);
        fadt_buf.reset_value = 0x0e;
        CHECK_EQ(fadt_parse(244), 0);
        CHECK(ai.have_reset == cases[i].ok, "case %u: space %u addr %#lx", i, cases[i].space,
              (unsigned long)cases[i].addr);
        if (cases[i].ok)
            CHECK(ai.reset_reg.addr == cases[i].addr && ai.reset_value == 0x0e,
                  "case %u recorded", i);
    }

    fadt_init(3, PA_DSDT);
    gas(&fadt_buf.reset_reg, ACPI_GAS_SPACE_IO, 8, 0xcf9);          /* flag clear */
    CHECK_EQ(fadt_parse(244), 0);
    CHECK(!ai.have_reset, "RESET_REG_SUP clear: no reset register");
}

static void test_fadt_too_short(void)
{
    fadt_init(1, PA_DSDT);
    CHECK_EQ(fadt_parse(100), -EINVAL);
    CHECK(!ai.have_fadt && ai.pm1a_cnt == 0 && ai.dsdt == 0, "nothing taken from it");
    CHECK_EQ(fadt_parse(20), -EINVAL);
}

/* ---- HPET ---- */

static void test_hpet(void)
{
    struct acpi_hpet h;
    uint8_t *p;

    memset(&h, 0, sizeof(h));
    memcpy(h.header.signature, "HPET", 4);
    h.event_timer_block_id = 0x8086a201;
    gas(&h.base_address, ACPI_GAS_SPACE_MEMORY, 64, 0xfed00000);
    table_fix(&h, sizeof(h));
    p = malloc(sizeof(h));
    memcpy(p, &h, sizeof(h));
    CHECK_EQ(acpi_parse_hpet(p, sizeof(h), &ai), 0);
    CHECK_EQ(ai.hpet_addr, 0xfed00000);
    CHECK_EQ(acpi_parse_hpet(p, sizeof(h) - 1, &ai), -EINVAL);
    CHECK_EQ(ai.hpet_addr, 0);
    free(p);

    gas(&h.base_address, ACPI_GAS_SPACE_IO, 64, 0xfed00000);
    table_fix(&h, sizeof(h));
    CHECK_EQ(acpi_parse_hpet(&h, sizeof(h), &ai), -EINVAL);
    CHECK_EQ(ai.hpet_addr, 0);
}

/* ---- The whole boot path ---- */

static void test_boot_v1_ebda(void)
{
    mem_reset();
    put_machine(false, 2);
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK(acpi_info.present, "present");
    CHECK_EQ(acpi_info.rsdp, PA_EBDA);
    CHECK_EQ(acpi_info.rsdt, PA_RSDT);
    CHECK_EQ(acpi_info.xsdt, 0);
    CHECK(!strcmp(acpi_info.oem_id, "BOCHS "), "OEM id '%s'", acpi_info.oem_id);
    CHECK_EQ(acpi_info.nr_cpus, 2);
    CHECK_EQ(acpi_info.nr_ioapics, 1);
    CHECK_EQ(acpi_info.pm1a_cnt, 0x604);
    CHECK(!acpi_info.have_reset, "ACPI 1.0 FADT: no reset register");
    CHECK_EQ(acpi_info.hpet_addr, 0xfed00000);
    CHECK(acpi_info.have_s5 && acpi_info.s5_slp_typa == 5 && acpi_info.s5_slp_typb == 5,
          "\\_S5 = 5/5");
    CHECK(printk_log_contains(" ACPI: RSDP 0009fc00 (v00 BOCHS )"), "RSDP line");
    CHECK(printk_log_contains(" ACPI: RSDT 7ffe0000 000030 (v01 BOCHS  BXPC    )"), "RSDT line");
    CHECK(printk_log_contains(" ACPI: FACP 7ffe2000 000074 (v01 BOCHS "), "FADT line");
    CHECK(printk_log_contains(" ACPI: DSDT 7ffe5000 "), "DSDT line");
    mem_reset();
}

static void test_boot_v2_prefers_xsdt(void)
{
    paddr_t high[3] = { PA_HIGH + 0x2000, PA_HIGH + 0x3000, PA_HPET };

    mem_reset();
    put_machine(true, 2);
    /* An XSDT whose FADT and MADT live above 4 GiB; the RSDT's say otherwise. */
    fadt_init(5, PA_DSDT);
    fadt_buf.x_dsdt = PA_DSDT;
    fadt_buf.flags = ACPI_FADT_RESET_REG_SUP;
    gas(&fadt_buf.reset_reg, ACPI_GAS_SPACE_IO, 8, 0xcf9);
    fadt_buf.reset_value = 6;
    fadt_place(high[0], sizeof(fadt_buf));
    put_madt(high[1], 7);
    put_root(0x7ffed000, true, high, 3);
    put_rsdp(PA_BIOS_RSDP, 2, PA_RSDT, 0x7ffed000, "BOCHS ");

    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.rsdp, PA_BIOS_RSDP);
    CHECK_EQ(acpi_info.xsdt, 0x7ffed000);
    CHECK_EQ(acpi_info.nr_cpus, 7);
    CHECK(acpi_info.have_reset && acpi_info.reset_reg.addr == 0xcf9 && acpi_info.reset_value == 6,
          "reset register from the XSDT's FADT");
    CHECK(acpi_info.have_s5, "\\_S5 found");
    CHECK(printk_log_contains(" ACPI: RSDP 000f52a0 (v02 BOCHS )"), "RSDP line");
    CHECK(printk_log_contains(" ACPI: XSDT 7ffed000 00003c (v01 BOCHS  BXPC    )"), "XSDT line");
    CHECK(printk_log_contains(" ACPI: APIC 100003000 "), "high MADT line");
    CHECK(!printk_log_contains(" ACPI: RSDT "), "RSDT not walked");
    mem_reset();
}

/* Replace a placed table (same size) by the scratch table, checksum fixed. */
static void replace_region(paddr_t base)
{
    unsigned int i;

    table_fix(scratch, scratch_len);
    for (i = 0; i < nr_regions; i++)
        if (regions[i].base == base) {
            if (regions[i].size != scratch_len)
                abort();
            memcpy(regions[i].buf, scratch, scratch_len);
            return;
        }
    abort();
}

static void test_boot_rsdp_choice(void)
{
    struct acpi_rsdp r;

    /* The EBDA is searched before the BIOS area. */
    mem_reset();
    put_machine(false, 1);
    put_rsdp(PA_BIOS_RSDP, 0, PA_RSDT, 0, "OTHER ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.rsdp, PA_EBDA);

    /* A bad v1 checksum in the EBDA: the BIOS area's RSDP is taken. */
    ((uint8_t *)maddr_to_virt(PA_EBDA))[8] ^= 1;
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.rsdp, PA_BIOS_RSDP);
    CHECK(!strcmp(acpi_info.oem_id, "OTHER "), "OEM '%s'", acpi_info.oem_id);

    /* Not on a 16-byte boundary: not found. */
    ((uint8_t *)maddr_to_virt(PA_BIOS_RSDP))[8] ^= 1;
    put_rsdp(PA_BIOS_RSDP + 0x38, 0, PA_RSDT, 0, "ODD   ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), -ENOENT);
    CHECK(!acpi_info.present, "no ACPI");
    CHECK(printk_log_contains("no RSDP found"), "reported");

    /* The boot loader's copy wins, at the hint's address. */
    build_rsdp(&r, 0, PA_RSDT, 0, "COPY  ");
    CHECK_EQ(acpi_boot_init(0x12340, &r, ACPI_RSDP_V1_SIZE), 0);
    CHECK_EQ(acpi_info.rsdp, 0x12340);
    CHECK(!strcmp(acpi_info.oem_id, "COPY  "), "OEM '%s'", acpi_info.oem_id);

    /* A copy identical to the one in memory: its address is found. */
    put_rsdp(PA_BIOS_RSDP + 0x40, 2, PA_RSDT, 0, "SAME  ");
    build_rsdp(&r, 2, PA_RSDT, 0, "SAME  ");
    CHECK_EQ(acpi_boot_init(0, &r, ACPI_RSDP_V2_SIZE), 0);
    CHECK_EQ(acpi_info.rsdp, PA_BIOS_RSDP + 0x40);
    CHECK_EQ(acpi_info.xsdt, 0);                 /* v2, but XSDT address 0 */
    CHECK_EQ(acpi_info.nr_cpus, 1);

    /* A broken copy: fall back to scanning. */
    r.checksum ^= 0xff;
    CHECK_EQ(acpi_boot_init(0, &r, ACPI_RSDP_V2_SIZE), 0);
    CHECK_EQ(acpi_info.rsdp, PA_BIOS_RSDP + 0x40);
    CHECK(printk_log_contains("RSDP copy is invalid"), "reported");

    mem_reset();
}

static void test_boot_copy_without_low_memory(void)
{
    struct acpi_rsdp r;
    paddr_t ents[2] = { PA_FADT, PA_MADT };

    /* A UEFI machine: nothing in the first MiB at all. */
    mem_reset();
    fadt_init(5, PA_DSDT);
    fadt_place(PA_FADT, sizeof(fadt_buf));
    put_madt(PA_MADT, 3);
    put_aml_table(PA_DSDT, "DSDT", aml_s5_bochs, sizeof(aml_s5_bochs));
    put_root(PA_XSDT, true, ents, 2);
    build_rsdp(&r, 2, 0, PA_XSDT, "UEFI  ");
    CHECK_EQ(acpi_boot_init(0, &r, ACPI_RSDP_V2_SIZE), 0);
    CHECK_EQ(acpi_info.rsdp, 0);
    CHECK_EQ(acpi_info.xsdt, PA_XSDT);
    CHECK_EQ(acpi_info.nr_cpus, 3);
    CHECK(acpi_info.have_s5, "\\_S5");

    /* A 20-byte copy of a v2 RSDP cannot vouch for the XSDT. */
    CHECK_EQ(acpi_boot_init(0, &r, ACPI_RSDP_V1_SIZE), -EINVAL);
    CHECK(!acpi_info.present, "no RSDT to fall back to");

    /* A bad extended checksum: RSDT only (here there is none). */
    r.extended_checksum ^= 1;
    CHECK_EQ(acpi_boot_init(0, &r, ACPI_RSDP_V2_SIZE), -EINVAL);
    CHECK(printk_log_contains("neither XSDT nor RSDT"), "reported");
    mem_reset();
}

static void test_boot_hint_only(void)
{
    mem_reset();
    put_machine(true, 2);
    /* Move the RSDP out of the scanned areas. */
    memset(maddr_to_virt(PA_BIOS_RSDP), 0, ACPI_RSDP_V2_SIZE);
    put_rsdp(0x7f000, 2, PA_RSDT, PA_XSDT, "HINT  ");
    CHECK_EQ(acpi_boot_init(0x7f000, NULL, 0), 0);
    CHECK_EQ(acpi_info.rsdp, 0x7f000);
    CHECK_EQ(acpi_info.xsdt, PA_XSDT);
    CHECK_EQ(acpi_boot_init(0, NULL, 0), -ENOENT);      /* 0x7f000 is not scanned */
    CHECK_EQ(acpi_boot_init(0x7f010, NULL, 0), -ENOENT);
    CHECK(printk_log_contains("no valid RSDP at 0007f010"), "bad hint reported");
    mem_reset();
}

static void test_boot_bad_xsdt_falls_back(void)
{
    mem_reset();
    put_machine(true, 2);
    ((uint8_t *)maddr_to_virt(PA_XSDT))[36] ^= 0x80;    /* checksum now wrong */
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.xsdt, 0);
    CHECK_EQ(acpi_info.nr_cpus, 2);
    CHECK(printk_log_contains("XSDT at 7ffe1000 has a bad checksum"), "reported");

    /* An RSDP whose extended checksum is wrong: its XSDT is not used. */
    ((uint8_t *)maddr_to_virt(PA_XSDT))[36] ^= 0x80;
    ((uint8_t *)maddr_to_virt(PA_BIOS_RSDP))[32] ^= 1;
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.xsdt, 0);
    CHECK_EQ(acpi_info.rsdt, PA_RSDT);

    /* The XSDT address naming some other table. */
    put_rsdp(PA_BIOS_RSDP, 2, PA_RSDT, PA_MADT, "BOCHS ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.xsdt, 0);
    CHECK(printk_log_contains("XSDT is not an XSDT"), "reported");

    /* Neither usable. */
    put_rsdp(PA_BIOS_RSDP, 2, PA_MADT, PA_MADT, "BOCHS ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), -EINVAL);
    CHECK(!acpi_info.present, "not present");
    mem_reset();
}

static void test_boot_bad_tables(void)
{
    paddr_t ents[8] = { PA_FADT, PA_MADT, PA_HPET, 0x7fff0000, 0x7ffe7000, 0x7ffe8000,
                        0xdead0000, 0 };
    struct acpi_table_header small;

    mem_reset();
    put_machine(false, 2);
    /* The MADT's checksum is off by one: skipped, the rest goes on. */
    ((uint8_t *)maddr_to_virt(PA_MADT))[9] += 1;
    /* A table longer than the memory it sits in. */
    t_begin("SSDT", 1);
    t_bytes(aml_s5_bochs, sizeof(aml_s5_bochs));
    table_fix(scratch, scratch_len);
    ((struct acpi_table_header *)scratch)->length = 4096;
    mem_put(0x7fff0000, scratch, scratch_len);
    /* A length shorter than a header, and one of 32 MiB. */
    t_begin("SSDT", 1);
    memcpy(&small, scratch, sizeof(small));
    small.length = 20;
    mem_put(0x7ffe7000, &small, sizeof(small));
    small.length = 32u << 20;
    mem_put(0x7ffe8000, &small, sizeof(small));
    /* 0xdead0000 is not memory at all; entry 7 is 0. */
    put_root(0x7ffe9000, false, ents, 8);
    put_rsdp(PA_EBDA, 0, 0x7ffe9000, 0, "BOCHS ");

    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.nr_cpus, 0);
    CHECK_EQ(acpi_info.pm1a_cnt, 0x604);
    CHECK_EQ(acpi_info.hpet_addr, 0xfed00000);
    CHECK(acpi_info.have_s5, "\\_S5 from the DSDT");
    CHECK(printk_log_contains("APIC at 7ffe3000 has a bad checksum"), "bad checksum reported");
    CHECK(printk_log_contains("SSDT at 7fff0000: length 4096 runs past mapped memory"),
          "overlong table reported");
    CHECK(printk_log_contains("SSDT at 7ffe7000 has bad length 20,"), "short length reported");
    CHECK(printk_log_contains("SSDT at 7ffe8000 has bad length 33554432"), "huge length reported");
    CHECK(printk_log_contains("no table header at dead0000"), "unmapped entry reported");
    CHECK(printk_log_contains("no MADT"), "missing MADT reported");
    mem_reset();
}

static void test_boot_s5_in_ssdt(void)
{
    static const uint8_t none[] = { 0xa3 };
    static const uint8_t s5_root[] = {
        0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x07, 0x00,
    };
    paddr_t ents[5] = { PA_FADT, PA_MADT, PA_HPET, PA_SSDT, PA_SSDT + 0x1000 };

    mem_reset();
    put_machine(false, 1);
    /* A DSDT without \_S5 (same size, so rebuilt in place). */
    t_begin("DSDT", 1);
    t_bytes(aml_scope_sb, sizeof(aml_scope_sb));
    for (size_t i = 0; i < sizeof(aml_s5_bochs); i++)
        t_bytes(none, 1);
    replace_region(PA_DSDT);
    put_aml_table(PA_SSDT, "SSDT", none, 1);
    put_aml_table(PA_SSDT + 0x1000, "SSDT", s5_root, sizeof(s5_root));
    t_begin("RSDT", 1);
    for (unsigned int i = 0; i < 5; i++)
        t_u32((uint32_t)ents[i]);
    table_fix(scratch, scratch_len);
    mem_put(0x7ffea000, scratch, scratch_len);
    put_rsdp(PA_EBDA, 0, 0x7ffea000, 0, "BOCHS ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK(acpi_info.have_s5 && acpi_info.s5_slp_typa == 7 && acpi_info.s5_slp_typb == 0,
          "\\_S5 from the second SSDT: %#x/%#x", acpi_info.s5_slp_typa, acpi_info.s5_slp_typb);
    CHECK(printk_log_contains(" ACPI: SSDT 7ffe7000 "), "SSDT listed");

    /* A bad SSDT checksum: no \_S5 anywhere. */
    ((uint8_t *)maddr_to_virt(PA_SSDT + 0x1000))[9] ^= 1;
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK(!acpi_info.have_s5, "no \\_S5");
    CHECK(printk_log_contains("no usable \\_S5"), "reported");
    mem_reset();
}

static void test_boot_duplicates(void)
{
    paddr_t ents[4] = { PA_FADT, PA_MADT, PA_HPET, 0x7ffeb000 };

    mem_reset();
    put_machine(false, 2);
    put_madt(0x7ffeb000, 5);
    put_root(0x7ffec000, false, ents, 4);
    put_rsdp(PA_EBDA, 0, 0x7ffec000, 0, "BOCHS ");
    CHECK_EQ(acpi_boot_init(0, NULL, 0), 0);
    CHECK_EQ(acpi_info.nr_cpus, 2);
    CHECK(printk_log_contains("second APIC at 7ffeb000 ignored"), "reported");
    mem_reset();
}

/* ---- power.c's register encodings, and its refusals ---- */

static void test_power_encodings(void)
{
    uint32_t cf8;
    uint16_t port;

    CHECK_EQ(acpi_pm1_cnt_sleep(0x0001, 5, false), 0x1401);
    CHECK_EQ(acpi_pm1_cnt_sleep(0x0001, 5, true), 0x3401);
    CHECK_EQ(acpi_pm1_cnt_sleep(0x3c05, 0, true), 0x2001);   /* old SLP_TYP and GBL_RLS gone */
    CHECK_EQ(acpi_pm1_cnt_sleep(0x0000, 0xff, false), 0x1c00);

    CHECK_EQ(acpi_reset_pci_addr((1ULL << 32) | (2ULL << 16) | 0x4d, &cf8, &port), 0);
    CHECK_EQ(cf8, 0x80000000U | (1U << 11) | (2U << 8) | 0x4c);
    CHECK_EQ(port, 0xcfd);
    CHECK_EQ(acpi_reset_pci_addr((31ULL << 32) | (7ULL << 16) | 0xff, &cf8, &port), 0);
    CHECK_EQ(port, 0xcff);
    CHECK_EQ(acpi_reset_pci_addr(32ULL << 32, &cf8, &port), -EINVAL);
    CHECK_EQ(acpi_reset_pci_addr(8ULL << 16, &cf8, &port), -EINVAL);
    CHECK_EQ(acpi_reset_pci_addr(0x100, &cf8, &port), -EINVAL);
    CHECK_EQ(acpi_reset_pci_addr(1ULL << 48, &cf8, &port), -EINVAL);
}

static void test_power_refusals(void)
{
    /* Without the facts, neither touches hardware (no I/O on the host). */
    printk_log_clear();
    memset(&acpi_info, 0, sizeof(acpi_info));
    acpi_power_off();
    CHECK(printk_log_contains("cannot enter S5: no PM1a control block"), "no PM1a");
    acpi_info.pm1a_cnt = 0x604;
    acpi_power_off();
    CHECK(printk_log_contains("no \\_S5 object"), "no \\_S5");
    CHECK(!printk_log_contains("Powering off"), "never started");
    acpi_reboot();
    CHECK(!printk_log_contains("resetting"), "no reset register: nothing done");
}

/* ---- Fuzzing ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Bytes AML parsing cares about, to make interesting soup likely. */
static const uint8_t aml_hot[] = {
    0x00, 0x01, 0x08, 0x0a, 0x0b, 0x0c, 0x0e, 0x12, 0x14, 0x5c, 0x5e, 0xa4, 0xff,
    '_', 'S', '5', 0x3f, 0x40, 0x80, 0xc0, 0x4f, 0x8f, 0xcf,
};

static void test_fuzz_s5(void)
{
    static const uint8_t seeds[][24] = {
        { 0x08, S5N, 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 },
        { 0x08, '\\', S5N, 0x12, 0x49, 0x00, 0x04, 0x0a, 0x07, 0x0a, 0x06, 0x00, 0x00 },
        { 0x14, 0x0e, S5N, 0x00, 0xa4, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x03 },
        { 0x08, '^', S5N, 0x12, 0x0a, 0x02, 0x0b, 0x07, 0x00, 0x0c, 0x03, 0x00, 0x00, 0x00 },
    };
    unsigned int iter, counts[3] = { 0 }, bad = 0;
    uint8_t buf[300], a, b;

    rng_state = 0x5eed5eed12345678ULL;
    for (iter = 0; iter < 200000; iter++) {
        size_t len, i;
        int rc;

        if (iter & 1) {
            /* Mutate a good fragment, sometimes inside a longer stream. */
            size_t pre = rng() % 8, s = rng() % ARRAY_SIZE(seeds), n = 24;

            for (i = 0; i < pre; i++)
                buf[i] = aml_hot[rng() % sizeof(aml_hot)];
            memcpy(buf + pre, seeds[s], n);
            len = pre + rng() % (n + 1);
            for (i = rng() % 4; i > 0 && len; i--)
                buf[rng() % len] = (rng() & 1) ? aml_hot[rng() % sizeof(aml_hot)] : (uint8_t)rng();
        } else {
            /* Soup, with _S5_ sprinkled in. */
            len = rng() % sizeof(buf);
            for (i = 0; i < len; i++)
                buf[i] = (rng() % 4) ? aml_hot[rng() % sizeof(aml_hot)] : (uint8_t)rng();
            if (len > 8 && rng() % 2) {
                i = rng() % (len - 4);
                memcpy(buf + i, "_S5_", 4);
            }
        }
        rc = s5(buf, len, &a, &b);
        if (rc == 0)
            counts[0]++;
        else if (rc == -ENOENT)
            counts[1]++;
        else if (rc == -EINVAL)
            counts[2]++;
        else
            bad++;
        if (rc != 0 && (a != 0xee || b != 0xee))
            bad++;                              /* outputs written on failure */
    }
    CHECK_EQ(bad, 0);
    CHECK(counts[0] > 1000 && counts[1] > 1000 && counts[2] > 1000,
          "found %u, absent %u, malformed %u", counts[0], counts[1], counts[2]);
}

static void test_fuzz_madt(void)
{
    static const uint8_t types[] = { 0, 1, 2, 4, 5, 9, 10, 0, 9, 1 };
    static const uint8_t sizes[] = { 8, 12, 10, 0, 6, 12, 0, 0, 0, 16, 12 };
    unsigned int iter, bad = 0, ok = 0, malformed = 0;

    rng_state = 0xfeedfacecafebeefULL;
    for (iter = 0; iter < 20000; iter++) {
        bool well_formed = iter % 3 == 0;
        unsigned int n = rng() % 40, i, j;
        uint8_t *p;
        size_t len;
        int rc;

        madt_begin(0xfee00000, rng() & 1);
        for (i = 0; i < n; i++) {
            uint8_t e[24], t = types[rng() % sizeof(types)];
            uint8_t l = sizes[t];

            if (!well_formed && rng() % 4 == 0) {
                t = (uint8_t)rng();
                l = (uint8_t)(rng() % 24);
            } else if (!well_formed && rng() % 4 == 0)
                l = (uint8_t)(rng() % 24);
            for (j = 0; j < sizeof(e); j++)
                e[j] = (uint8_t)rng();
            e[0] = t;
            e[1] = l;
            if (t == 0 && l == 8)
                e[3] = (uint8_t)(rng() % 8);     /* collide APIC IDs now and then */
            t_bytes(e, l < sizeof(e) ? (l ? l : 2) : sizeof(e));
        }
        len = scratch_len;
        if (!well_formed && rng() % 2)
            len = sizeof(struct acpi_madt) + rng() % (scratch_len - sizeof(struct acpi_madt) + 1);
        scratch_len = len;
        p = t_copy();
        memset(&ai, 0, sizeof(ai));
        rc = acpi_parse_madt(p, len, &ai);
        free(p);

        if (rc == 0)
            ok++;
        else if (rc == -EINVAL)
            malformed++;
        else
            bad++;
        if (well_formed && rc != 0)
            bad++;
        if (ai.nr_cpus > ACPI_MAX_CPUS || ai.nr_ioapics > ACPI_MAX_IOAPICS ||
            ai.nr_overrides > ACPI_MAX_OVERRIDES)
            bad++;
        for (i = 0; i < ai.nr_cpus; i++) {
            if (!ai.cpus[i].x2apic && ai.cpus[i].apic_id == 0xff)
                bad++;
            for (j = 0; j < i; j++)
                if (ai.cpus[j].apic_id == ai.cpus[i].apic_id)
                    bad++;
        }
    }
    printk_log_clear();
    CHECK_EQ(bad, 0);
    CHECK(ok > 5000 && malformed > 3000, "well-formed %u, malformed %u", ok, malformed);
}

static void test_fuzz_fadt_hpet(void)
{
    unsigned int iter, bad = 0, parsed = 0;

    rng_state = 0x0123456789abcdefULL;
    for (iter = 0; iter < 20000; iter++) {
        size_t len = rng() % (sizeof(struct acpi_fadt) + 16), i;
        uint8_t *p = malloc(len ? len : 1);
        int rc;

        for (i = 0; i < len; i++)
            p[i] = (uint8_t)rng();
        if (len >= sizeof(struct acpi_table_header) && rng() % 4)
            ((struct acpi_table_header *)p)->length = (uint32_t)(len - rng() % 8);
        rc = acpi_parse_fadt(p, len, &ai);
        if (rc == 0) {
            parsed++;
            if (ai.pm1a_cnt > 0xffff || ai.pm1b_cnt > 0xffff || ai.pm_tmr > 0xffff)
                bad++;
            if (ai.have_reset && ai.reset_reg.space > ACPI_GAS_SPACE_PCI)
                bad++;
        } else if (rc != -EINVAL || ai.have_fadt)
            bad++;
        rc = acpi_parse_hpet(p, len, &ai);
        if (rc != 0 && (rc != -EINVAL || ai.hpet_addr))
            bad++;
        free(p);
    }
    printk_log_clear();
    CHECK_EQ(bad, 0);
    CHECK(parsed > 1000, "parsed %u", parsed);
}

/* Whole boots over tables of random (but checksummed) content. */
static void test_fuzz_boot(void)
{
    static const char *sigs[] = { "FACP", "APIC", "HPET", "SSDT", "DSDT", "XSDT" };
    unsigned int iter, bad = 0;

    rng_state = 0xb00710adb00710adULL;
    for (iter = 0; iter < 2000; iter++) {
        paddr_t ents[6];
        unsigned int i;

        mem_reset();
        put_low_mem();
        for (i = 0; i < 6; i++) {
            size_t len = 36 + rng() % 300, j;

            t_begin(sigs[rng() % 6], (uint8_t)rng());
            for (j = 36; j < len; j++)
                scratch[j] = (rng() % 3) ? (uint8_t)rng() : aml_hot[rng() % sizeof(aml_hot)];
            scratch_len = len;
            table_fix(scratch, len);
            if (rng() % 8 == 0)
                ((struct acpi_table_header *)scratch)->length = (uint32_t)rng();
            ents[i] = 0x7f000000UL + i * 0x1000;
            if (rng() % 8 == 0)
                ents[i] = rng();
            mem_put(0x7f000000UL + i * 0x1000, scratch, len);
        }
        put_root(PA_RSDT, false, ents, 6);
        put_rsdp(PA_EBDA, 0, PA_RSDT, 0, "FUZZ  ");
        if (acpi_boot_init(0, NULL, 0) != 0 || !acpi_info.present)
            bad++;
        if (acpi_info.nr_cpus > ACPI_MAX_CPUS)
            bad++;
    }
    mem_reset();
    CHECK_EQ(bad, 0);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "checksum", test_checksum },
        { "s5_encodings", test_s5_encodings },
        { "s5_method", test_s5_method },
        { "s5_not_found", test_s5_not_found },
        { "s5_malformed", test_s5_malformed },
        { "s5_realistic_dsdt", test_s5_realistic_dsdt },
        { "madt_mixed", test_madt_mixed },
        { "madt_zero_length_entry", test_madt_zero_length_entry },
        { "madt_truncated", test_madt_truncated },
        { "madt_short_and_unknown_entries", test_madt_short_and_unknown_entries },
        { "madt_duplicates_and_invalid_ids", test_madt_duplicates_and_invalid_ids },
        { "madt_limits", test_madt_limits },
        { "madt_bad_header", test_madt_bad_header },
        { "fadt_v1", test_fadt_v1 },
        { "fadt_x_fields", test_fadt_x_fields },
        { "fadt_x_field_not_io", test_fadt_x_field_not_io },
        { "fadt_reset_spaces", test_fadt_reset_spaces },
        { "fadt_too_short", test_fadt_too_short },
        { "hpet", test_hpet },
        { "boot_v1_ebda", test_boot_v1_ebda },
        { "boot_v2_prefers_xsdt", test_boot_v2_prefers_xsdt },
        { "boot_rsdp_choice", test_boot_rsdp_choice },
        { "boot_copy_without_low_memory", test_boot_copy_without_low_memory },
        { "boot_hint_only", test_boot_hint_only },
        { "boot_bad_xsdt_falls_back", test_boot_bad_xsdt_falls_back },
        { "boot_bad_tables", test_boot_bad_tables },
        { "boot_s5_in_ssdt", test_boot_s5_in_ssdt },
        { "boot_duplicates", test_boot_duplicates },
        { "power_encodings", test_power_encodings },
        { "power_refusals", test_power_refusals },
        { "fuzz_s5", test_fuzz_s5 },
        { "fuzz_madt", test_fuzz_madt },
        { "fuzz_fadt_hpet", test_fuzz_fadt_hpet },
        { "fuzz_boot", test_fuzz_boot },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
