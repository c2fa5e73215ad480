/*
 * Host tests of the multiboot2 parser (common/multiboot2.c) and of the
 * boot information printer (common/bootinfo.c): well-formed infos parsed
 * exactly, malformed ones rejected or repaired, and a fixed-seed fuzzer.
 * Every info is parsed from the very end of a malloc'd block so that
 * AddressSanitizer catches any read past what the parser was given.
 */
#include "test.h"
#include <xen/bootinfo.h>
#include <xen/multiboot2.h>
#include <xen/errno.h>

#define MADDR 0x10000ULL            /* where the info "is" in machine memory */
#define BUILD_MAX (128 * 1024)

/* ---- Building infos ------------------------------------------------------ */

struct mbi {
    uint8_t b[BUILD_MAX];
    size_t len;
};

static struct mbi M, M2;
static struct boot_info bi;
static const char *err;

static void put32(struct mbi *m, size_t off, uint32_t v)
{
    memcpy(m->b + off, &v, sizeof(v));
}

static void put64(struct mbi *m, size_t off, uint64_t v)
{
    memcpy(m->b + off, &v, sizeof(v));
}

static uint32_t get32(const struct mbi *m, size_t off)
{
    uint32_t v;

    memcpy(&v, m->b + off, sizeof(v));
    return v;
}

static void mbi_begin(struct mbi *m)
{
    memset(m->b, 0, sizeof(m->b));
    m->len = 8;
}

/*
 * Fill the padding after a tag of `size` bytes at `off` with junk and
 * advance past it: the parser must never look at padding, and junk (unlike
 * zeros) shows if it does.
 */
static void mbi_pad(struct mbi *m, size_t off, size_t size)
{
    size_t end = off + ((size + 7) & ~(size_t)7);

    memset(m->b + off + size, 0xa5, end - off - size);
    m->len = end;
}

/* A tag of the given (possibly lying) size, holding plen bytes of payload. */
static size_t mbi_tag_sized(struct mbi *m, uint32_t type, uint32_t size, const void *payload,
                            size_t plen)
{
    size_t off = m->len;

    put32(m, off, type);
    put32(m, off + 4, size);
    if (plen)
        memcpy(m->b + off + 8, payload, plen);
    mbi_pad(m, off, 8 + plen);
    return off;
}

static size_t mbi_tag(struct mbi *m, uint32_t type, const void *payload, size_t plen)
{
    return mbi_tag_sized(m, type, (uint32_t)(8 + plen), payload, plen);
}

static size_t mbi_string(struct mbi *m, uint32_t type, const char *s)
{
    return mbi_tag(m, type, s, strlen(s) + 1);
}

static size_t mbi_module(struct mbi *m, uint32_t start, uint32_t end, const char *cmdline)
{
    uint8_t p[256];
    size_t n = strlen(cmdline) + 1;

    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    memcpy(p + 8, cmdline, n);
    return mbi_tag(m, MB2_TAG_MODULE, p, 8 + n);
}

struct ent {
    uint64_t addr, len;
    uint32_t type;
};

static size_t mbi_mmap(struct mbi *m, uint32_t entry_size, const struct ent *e, unsigned int n)
{
    size_t off = m->len, i;

    put32(m, off, MB2_TAG_MMAP);
    put32(m, off + 4, (uint32_t)(16 + (size_t)n * entry_size));
    put32(m, off + 8, entry_size);
    put32(m, off + 12, 0);
    for (i = 0; i < n; i++) {
        size_t at = off + 16 + i * entry_size;

        put64(m, at, e[i].addr);
        put64(m, at + 8, e[i].len);
        put32(m, at + 16, e[i].type);
    }
    mbi_pad(m, off, 16 + (size_t)n * entry_size);
    return off;
}

struct edesc {
    uint32_t type;
    uint64_t start, pages, attr;
};

static size_t mbi_efi_mmap(struct mbi *m, uint32_t dsz, const struct edesc *d, unsigned int n)
{
    size_t off = m->len, i;

    put32(m, off, MB2_TAG_EFI_MMAP);
    put32(m, off + 4, (uint32_t)(16 + (size_t)n * dsz));
    put32(m, off + 8, dsz);
    put32(m, off + 12, 1);
    for (i = 0; i < n; i++) {
        size_t at = off + 16 + i * dsz;

        put32(m, at, d[i].type);
        put64(m, at + 8, d[i].start);
        put64(m, at + 16, 0xdead0000 + i);      /* virt_start: must be ignored */
        put64(m, at + 24, d[i].pages);
        put64(m, at + 32, d[i].attr);
    }
    mbi_pad(m, off, 16 + (size_t)n * dsz);
    return off;
}

static size_t mbi_efi64(struct mbi *m, uint64_t systab)
{
    uint8_t p[8];

    memcpy(p, &systab, 8);
    return mbi_tag(m, MB2_TAG_EFI64, p, 8);
}

static void mbi_finish(struct mbi *m)
{
    mbi_tag(m, MB2_TAG_END, NULL, 0);
    put32(m, 0, (uint32_t)m->len);
}

static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void make_rsdp(uint8_t *r, bool v2, const char *oem)
{
    uint32_t len = ACPI_RSDP_V2_LEN, rsdt = 0x7ffe1000;
    uint64_t xsdt = 0x7ffe2000;

    memset(r, 0, ACPI_RSDP_V2_LEN);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, oem, 6);
    r[15] = v2 ? 2 : 0;
    memcpy(r + 16, &rsdt, 4);
    r[8] = (uint8_t)-acpi_sum(r, ACPI_RSDP_V1_LEN);
    if (v2) {
        memcpy(r + 20, &len, 4);
        memcpy(r + 24, &xsdt, 8);
        r[32] = (uint8_t)-acpi_sum(r, ACPI_RSDP_V2_LEN);
    }
}

/* ---- Parsing from the end of a heap block ---------------------------------- */

/* Parse the first `avail` bytes of data placed `misalign` bytes into a block that ends with them. */
static int parse_raw(const uint8_t *data, size_t avail, paddr_t maddr, size_t misalign)
{
    uint8_t *p = malloc(avail + misalign ? avail + misalign : 1);
    int rc;

    memcpy(p + misalign, data, avail);
    printk_log_clear();
    err = NULL;
    rc = multiboot2_parse(p + misalign, avail, maddr, &bi, &err);
    free(p);
    return rc;
}

static int parse(const struct mbi *m)
{
    return parse_raw(m->b, m->len, MADDR, 0);
}

static bool err_is(const char *s)
{
    return err && !strcmp(err, s);
}

static bool err_has(const char *s)
{
    return err && strstr(err, s);
}

static void check_mem(const struct ent *exp, unsigned int n)
{
    unsigned int i;

    CHECK_EQ(bi.nr_mem, n);
    for (i = 0; i < n && i < bi.nr_mem; i++) {
        CHECK(bi.mem[i].addr == exp[i].addr && bi.mem[i].size == exp[i].len &&
              bi.mem[i].type == exp[i].type,
              "mem[%u] = [%#lx + %#lx] type %u, expected [%#lx + %#lx] type %u", i,
              (unsigned long)bi.mem[i].addr, (unsigned long)bi.mem[i].size, bi.mem[i].type,
              (unsigned long)exp[i].addr, (unsigned long)exp[i].len, exp[i].type);
    }
}

/* ---- A typical BIOS boot --------------------------------------------------- */

static const struct ent bios_map[] = {
    { 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE },
    { 0x9fc00, 0x400, MB2_MEMORY_RESERVED },
    { 0xf0000, 0x10000, MB2_MEMORY_RESERVED },
    { 0x100000, 0x7fe00000, MB2_MEMORY_AVAILABLE },
    { 0x7ff00000, 0x10000, MB2_MEMORY_ACPI_RECLAIMABLE },
    { 0x7ff10000, 0x10000, MB2_MEMORY_NVS },
    { 0x7ff20000, 0xe0000, MB2_MEMORY_RESERVED },
    { 0xfec00000, 0x1000, 7 },              /* unknown type */
    { 0x100000000, 0x80000000, MB2_MEMORY_AVAILABLE },
    { 0x180000000, 0x100000, MB2_MEMORY_BADRAM },
};

static const struct ent bios_expect[] = {
    { 0x0, 0x9fc00, MEM_RAM },
    { 0x9fc00, 0x400, MEM_RESERVED },
    { 0xf0000, 0x10000, MEM_RESERVED },
    { 0x100000, 0x7fe00000, MEM_RAM },
    { 0x7ff00000, 0x10000, MEM_ACPI },
    { 0x7ff10000, 0x10000, MEM_NVS },
    { 0x7ff20000, 0xe0000, MEM_RESERVED },
    { 0xfec00000, 0x1000, MEM_RESERVED },
    { 0x100000000, 0x80000000, MEM_RAM },
    { 0x180000000, 0x100000, MEM_UNUSABLE },
};

static size_t bios_rsdp_off;

static void build_bios(struct mbi *m)
{
    uint8_t rsdp[ACPI_RSDP_V2_LEN];
    uint8_t meminfo[8] = { 0x7f, 0x02, 0, 0, 0x00, 0xfc, 0x1f, 0 };

    make_rsdp(rsdp, false, "BOCHS ");
    mbi_begin(m);
    mbi_string(m, MB2_TAG_CMDLINE, "console=com1 com1=115200,8n1 loglvl=all");
    mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06-13+deb12u1");
    mbi_module(m, 0x200000, 0xa00000, "vmlinuz root=/dev/xvda1 ro");
    mbi_module(m, 0xa00000, 0x1234567, "initrd.img");
    mbi_tag(m, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
    mbi_mmap(m, sizeof(struct mb2_mmap_entry), bios_map, ARRAY_SIZE(bios_map));
    bios_rsdp_off = mbi_tag(m, MB2_TAG_ACPI_OLD, rsdp, ACPI_RSDP_V1_LEN);
    mbi_tag(m, 99, "future", 6);            /* unknown tags are skipped */
    mbi_finish(m);
}

static void test_bios_boot(void)
{
    uint8_t rsdp[ACPI_RSDP_V2_LEN];

    build_bios(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK(err == NULL, "err = %s", err);
    CHECK_EQ(bi.nr_warnings, 0);
    CHECK(!strcmp(bi.cmdline, "console=com1 com1=115200,8n1 loglvl=all"), "%s", bi.cmdline);
    CHECK(!strcmp(bi.loader, "GRUB 2.06-13+deb12u1"), "%s", bi.loader);
    CHECK_EQ(bi.mbi_start, MADDR);
    CHECK_EQ(bi.mbi_end, MADDR + M.len);
    check_mem(bios_expect, ARRAY_SIZE(bios_expect));
    CHECK(!bi.mem_from_efi, "mem_from_efi");
    CHECK_EQ(bi.nr_modules, 2);
    CHECK_EQ(bi.modules[0].start, 0x200000);
    CHECK_EQ(bi.modules[0].end, 0xa00000);
    CHECK(!strcmp(bi.modules[0].cmdline, "vmlinuz root=/dev/xvda1 ro"), "%s", bi.modules[0].cmdline);
    CHECK_EQ(bi.modules[1].start, 0xa00000);
    CHECK_EQ(bi.modules[1].end, 0x1234567);
    CHECK(!strcmp(bi.modules[1].cmdline, "initrd.img"), "%s", bi.modules[1].cmdline);
    make_rsdp(rsdp, false, "BOCHS ");
    CHECK_EQ(bi.rsdp_len, ACPI_RSDP_V1_LEN);
    CHECK_EQ(bi.rsdp, MADDR + bios_rsdp_off + 8);
    CHECK(!memcmp(bi.rsdp_copy, rsdp, ACPI_RSDP_V1_LEN), "rsdp bytes");
    CHECK_EQ(bi.efi_system_table, 0);
    CHECK(bi.efi_boot_services_exited, "no tag 18: boot services exited");
    CHECK(printk_log_len == 0, "printed: %s", printk_log);
}

/* The same info from an odd address: every read must cope with misalignment. */
static void test_unaligned_buffer(void)
{
    unsigned int mis;

    build_bios(&M);
    for (mis = 1; mis < 8; mis++) {
        CHECK_EQ(parse_raw(M.b, M.len, MADDR, mis), 0);
        check_mem(bios_expect, ARRAY_SIZE(bios_expect));
        CHECK_EQ(bi.nr_modules, 2);
        CHECK_EQ(bi.rsdp_len, ACPI_RSDP_V1_LEN);
        CHECK_EQ(bi.nr_warnings, 0);
    }
    /* A machine address that is not 8-aligned breaks the spec: warned. */
    CHECK_EQ(parse_raw(M.b, M.len, MADDR + 4, 0), 0);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("not 8-byte aligned"), "%s", printk_log);
    CHECK_EQ(bi.rsdp, MADDR + 4 + bios_rsdp_off + 8);
}

/* ---- ACPI RSDP copies ------------------------------------------------------ */

static size_t build_acpi(struct mbi *m, const uint8_t *v1, size_t v1len, const uint8_t *v2,
                         size_t v2len, size_t *v2_off)
{
    static const struct ent ram[] = { { 0, 0x80000000, 1 } };
    size_t v1_off = 0;

    mbi_begin(m);
    mbi_mmap(m, 24, ram, 1);
    if (v1)
        v1_off = mbi_tag(m, MB2_TAG_ACPI_OLD, v1, v1len);
    if (v2)
        *v2_off = mbi_tag(m, MB2_TAG_ACPI_NEW, v2, v2len);
    mbi_finish(m);
    return v1_off;
}

static void test_acpi_v1_and_v2(void)
{
    uint8_t v1[ACPI_RSDP_V2_LEN], v2[ACPI_RSDP_V2_LEN + 8];
    size_t v1_off, v2_off = 0;

    make_rsdp(v1, false, "OEMV1 ");
    make_rsdp(v2, true, "OEMV2 ");

    /* Both given: the v2 copy wins, whatever the order. */
    build_acpi(&M, v1, 20, v2, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp_len, ACPI_RSDP_V2_LEN);
    CHECK_EQ(bi.rsdp, MADDR + v2_off + 8);
    CHECK(!memcmp(bi.rsdp_copy, v2, ACPI_RSDP_V2_LEN), "v2 bytes");
    CHECK_EQ(bi.nr_warnings, 0);

    mbi_begin(&M);
    {
        static const struct ent ram[] = { { 0, 0x80000000, 1 } };

        mbi_mmap(&M, 24, ram, 1);
    }
    v2_off = mbi_tag(&M, MB2_TAG_ACPI_NEW, v2, 36);
    mbi_tag(&M, MB2_TAG_ACPI_OLD, v1, 20);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp_len, ACPI_RSDP_V2_LEN);
    CHECK_EQ(bi.rsdp, MADDR + v2_off + 8);

    /* Only v2. */
    build_acpi(&M, NULL, 0, v2, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, MADDR + v2_off + 8);
    CHECK_EQ(bi.rsdp_len, 36);

    /* A v2 copy whose length covers extra bytes the tag holds: summed over length. */
    memset(v2 + 36, 0x5a, 8);
    {
        uint32_t len = 44;

        memcpy(v2 + 20, &len, 4);
        v2[32] = 0;
        v2[32] = (uint8_t)-acpi_sum(v2, 44);
    }
    build_acpi(&M, NULL, 0, v2, 44, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_EQ(bi.nr_warnings, 0);

    /* No RSDP at all. */
    v1_off = build_acpi(&M, NULL, 0, NULL, 0, NULL);
    CHECK_EQ(v1_off, 0);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK_EQ(bi.rsdp_len, 0);
}

static void test_acpi_bad(void)
{
    uint8_t v1[ACPI_RSDP_V2_LEN], v2[ACPI_RSDP_V2_LEN], bad[ACPI_RSDP_V2_LEN];
    size_t v1_off, v2_off = 0;
    uint32_t len;

    make_rsdp(v1, false, "OEMV1 ");
    make_rsdp(v2, true, "OEMV2 ");

    /* v1 checksum wrong. */
    memcpy(bad, v1, sizeof(bad));
    bad[8] ^= 1;
    build_acpi(&M, bad, 20, NULL, 0, NULL);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("bad checksum"), "%s", printk_log);

    /* Signature wrong (checksum fixed up to match). */
    memcpy(bad, v1, sizeof(bad));
    bad[0] = 'X';
    bad[8] = 0;
    bad[8] = (uint8_t)-acpi_sum(bad, 20);
    build_acpi(&M, bad, 20, NULL, 0, NULL);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("bad signature"), "%s", printk_log);

    /* Tag too short for a v1 RSDP. */
    build_acpi(&M, v1, 19, NULL, 0, NULL);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has 19 bytes, needs 20"), "%s", printk_log);

    /* v2: extended checksum wrong -> fall back to the valid v1 copy. */
    memcpy(bad, v2, sizeof(bad));
    bad[32] ^= 0x80;
    v1_off = build_acpi(&M, v1, 20, bad, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, MADDR + v1_off + 8);
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("bad extended checksum"), "%s", printk_log);

    /* v2: length field below 36 and beyond the tag. */
    memcpy(bad, v2, sizeof(bad));
    len = 20;
    memcpy(bad + 20, &len, 4);
    bad[32] = 0;
    bad[32] = (uint8_t)-acpi_sum(bad, 36);
    build_acpi(&M, NULL, 0, bad, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has length 20"), "%s", printk_log);
    len = 4096;
    memcpy(bad + 20, &len, 4);
    bad[32] = 0;
    bad[32] = (uint8_t)-acpi_sum(bad, 36);
    build_acpi(&M, NULL, 0, bad, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has length 4096, tag holds 36"), "%s", printk_log);
    /*
     * Length 40 in a 36-byte tag, checksummed over the 4 padding bytes
     * (0xa5) that follow: only the length check can refuse it.
     */
    len = 40;
    memcpy(bad + 20, &len, 4);
    bad[32] = 0;
    bad[32] = (uint8_t)-(acpi_sum(bad, 36) + 4 * 0xa5);
    build_acpi(&M, NULL, 0, bad, 36, &v2_off);
    CHECK_EQ(M.b[v2_off + 8 + 36], 0xa5);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has length 40, tag holds 36"), "%s", printk_log);

    /* v2 tag holding a revision 0 RSDP. */
    build_acpi(&M, NULL, 0, v1, 36, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has revision 0"), "%s", printk_log);

    /* v2 tag too short. */
    build_acpi(&M, NULL, 0, v2, 30, &v2_off);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK(printk_log_contains("has 30 bytes, needs 36"), "%s", printk_log);
}

/* ---- Memory map normalisation ---------------------------------------------- */

static int parse_map(const struct ent *e, unsigned int n)
{
    mbi_begin(&M);
    mbi_mmap(&M, sizeof(struct mb2_mmap_entry), e, n);
    mbi_finish(&M);
    return parse(&M);
}

static void test_map_sort_merge_overlap(void)
{
    /* Unsorted, adjacent same-type pieces, duplicates, zero lengths. */
    static const struct ent in1[] = {
        { 0x200000, 0x100000, 1 },
        { 0x0, 0x100000, 1 },
        { 0x100000, 0x100000, 1 },      /* joins the two around it */
        { 0x100000, 0x100000, 1 },      /* duplicate */
        { 0x500000, 0, 2 },             /* empty: dropped */
        { 0x400000, 0x1000, 2 },
        { 0x401000, 0x1000, 2 },
    };
    static const struct ent out1[] = {
        { 0x0, 0x300000, MEM_RAM },
        { 0x400000, 0x2000, MEM_RESERVED },
    };
    /* Holes of other types inside RAM split it; the stricter type wins. */
    static const struct ent in2[] = {
        { 0x0, 0x1000000, 1 },
        { 0x800000, 0x100000, 2 },      /* reserved inside RAM */
        { 0x200000, 0x100000, 3 },      /* ACPI inside RAM */
        { 0x280000, 0x100000, 4 },      /* NVS overlapping the ACPI range's end */
        { 0xf00000, 0x200000, 5 },      /* unusable across RAM's end */
        { 0x2000000, 0x1000000, 4 },    /* NVS ... */
        { 0x2800000, 0x1000000, 2 },    /* ... overlapped by reserved */
    };
    static const struct ent out2[] = {
        { 0x0, 0x200000, MEM_RAM },
        { 0x200000, 0x80000, MEM_ACPI },
        { 0x280000, 0x100000, MEM_NVS },
        { 0x380000, 0x480000, MEM_RAM },
        { 0x800000, 0x100000, MEM_RESERVED },
        { 0x900000, 0x600000, MEM_RAM },
        { 0xf00000, 0x200000, MEM_UNUSABLE },
        { 0x2000000, 0x800000, MEM_NVS },
        { 0x2800000, 0x1000000, MEM_RESERVED },
    };
    /* Reserved listed first, RAM over it later: reserved still wins. */
    static const struct ent in3[] = {
        { 0x1000, 0x1000, 2 },
        { 0x0, 0x10000, 1 },
        { 0x10000, 0x10000, 1 },
    };
    static const struct ent out3[] = {
        { 0x0, 0x1000, MEM_RAM },
        { 0x1000, 0x1000, MEM_RESERVED },
        { 0x2000, 0x1e000, MEM_RAM },
    };
    /* Ranges reaching the top of the address space exactly. */
    static const struct ent in4[] = {
        { 0xffffffffffffe000ULL, 0x1000, 2 },
        { 0x0, 0x1000, 1 },
    };

    CHECK_EQ(parse_map(in1, ARRAY_SIZE(in1)), 0);
    check_mem(out1, ARRAY_SIZE(out1));
    CHECK_EQ(bi.nr_warnings, 0);

    CHECK_EQ(parse_map(in2, ARRAY_SIZE(in2)), 0);
    check_mem(out2, ARRAY_SIZE(out2));
    CHECK_EQ(bi.nr_warnings, 0);

    CHECK_EQ(parse_map(in3, ARRAY_SIZE(in3)), 0);
    check_mem(out3, ARRAY_SIZE(out3));

    CHECK_EQ(parse_map(in4, ARRAY_SIZE(in4)), 0);
    CHECK_EQ(bi.nr_mem, 2);
    CHECK_EQ(bi.mem[1].addr, 0xffffffffffffe000ULL);
    CHECK_EQ(bi.mem[1].size, 0x1000);
    CHECK_EQ(bi.nr_warnings, 0);
}

static void test_map_overflow(void)
{
    static const struct ent in[] = {
        { 0x0, 0x9f000, 1 },
        { 0xfffffffffffff000ULL, 0x2000, 1 },   /* wraps */
        { 0x1, UINT64_MAX, 2 },                 /* wraps */
        { UINT64_MAX, 1, 1 },                   /* end == 2^64: not representable */
        { 0x100000, 0x100000, 1 },
    };
    static const struct ent out[] = {
        { 0x0, 0x9f000, MEM_RAM },
        { 0x100000, 0x100000, MEM_RAM },
    };

    CHECK_EQ(parse_map(in, ARRAY_SIZE(in)), 0);
    check_mem(out, ARRAY_SIZE(out));
    CHECK_EQ(bi.nr_warnings, 3);
    CHECK(printk_log_contains("BIOS memory map entry 1 [0xfffffffffffff000 + 0x2000] wraps around"),
          "%s", printk_log);
}

static struct ent many[2048];

static void test_map_too_many(void)
{
    unsigned int i;

    /* 300 separate RAM ranges: the first 256 are kept. */
    for (i = 0; i < 300; i++)
        many[i] = (struct ent){ (uint64_t)i << 20, 0x1000, 1 };
    CHECK_EQ(parse_map(many, 300), 0);
    CHECK_EQ(bi.nr_mem, MAX_MEMMAP_ENTRIES);
    CHECK_EQ(bi.mem[255].addr, 255ULL << 20);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("top 44 ranges dropped"), "%s", printk_log);

    /* 2000 ranges: more than the parser's scratch space as well. */
    for (i = 0; i < 2000; i++)
        many[i] = (struct ent){ (uint64_t)i << 20, 0x1000, 1 };
    CHECK_EQ(parse_map(many, 2000), 0);
    CHECK_EQ(bi.nr_mem, MAX_MEMMAP_ENTRIES);
    CHECK_EQ(bi.nr_warnings, 2);
    CHECK(printk_log_contains("976 dropped (RAM first)"), "%s", printk_log);

    /*
     * Scratch full of RAM, then a reserved range over the first RAM range:
     * it must still be honoured (a RAM range makes room for it).
     */
    for (i = 0; i < 1024; i++)
        many[i] = (struct ent){ (uint64_t)i << 20, 0x1000, 1 };
    many[1024] = (struct ent){ 0x0, 0x800, 2 };
    CHECK_EQ(parse_map(many, 1025), 0);
    CHECK_EQ(bi.mem[0].addr, 0);
    CHECK_EQ(bi.mem[0].size, 0x800);
    CHECK_EQ(bi.mem[0].type, MEM_RESERVED);
    CHECK_EQ(bi.mem[1].addr, 0x800);
    CHECK_EQ(bi.mem[1].type, MEM_RAM);

    /* Thousands of adjacent pieces collapse into one range without loss. */
    for (i = 0; i < 2000; i++)
        many[i] = (struct ent){ (uint64_t)i << 12, 0x1000, 1 };
    CHECK_EQ(parse_map(many, 2000), 0);
    CHECK_EQ(bi.nr_mem, 1);
    CHECK_EQ(bi.mem[0].size, 2000ULL << 12);
    CHECK_EQ(bi.nr_warnings, 0);
}

static void test_map_entry_size(void)
{
    static const struct ent ram[] = { { 0, 0x80000000, 1 }, { 0x100000000, 0x1000, 2 } };
    static const uint32_t bad[] = { 0, 7, 8, 16, 20, 25, 33, 0x1000, 0xfffffff8 };
    unsigned int i;

    /* A larger, 8-aligned stride is fine. */
    mbi_begin(&M);
    mbi_mmap(&M, 32, ram, 2);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_mem, 2);
    CHECK_EQ(bi.mem[1].type, MEM_RESERVED);
    CHECK_EQ(bi.nr_warnings, 0);

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        mbi_begin(&M);
        mbi_mmap(&M, 24, ram, 2);           /* lay out with 24, then lie */
        put32(&M, 8 + 8, bad[i]);
        mbi_finish(&M);
        CHECK(parse(&M) == -EINVAL, "entry size %u accepted", bad[i]);
        CHECK(err_is("multiboot2 info: the memory map has no usable entries"), "%u: %s", bad[i], err);
        CHECK(bi.nr_warnings >= 1, "entry size %u: no warning", bad[i]);
    }

    /* Trailing bytes after the last whole entry: warned, the rest used. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 2);
    put32(&M, 8 + 4, 16 + 24 + 20);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_mem, 1);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("20 bytes after the last whole entry"), "%s", printk_log);

    /* mmap tag too small for its own fixed part. */
    mbi_begin(&M);
    mbi_tag(&M, MB2_TAG_MMAP, "\x18\0\0\0", 4);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(printk_log_contains("tag 6 at offset 0x8 has size 12, less than the 16 it needs"), "%s",
          printk_log);
    CHECK(err_has("no memory map"), "%s", err);
}

static void test_no_memory_map(void)
{
    static const struct ent reserved_only[] = { { 0, 0, 1 } };

    mbi_begin(&M);
    mbi_string(&M, MB2_TAG_CMDLINE, "x");
    mbi_finish(&M);
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_is("multiboot2 info: no memory map (neither tag 6 nor tag 17)"), "%s", err);

    /* A memory map whose only entry is empty. */
    CHECK_EQ(parse_map(reserved_only, 1), -EINVAL);
    CHECK(err_is("multiboot2 info: the memory map has no usable entries"), "%s", err);
}

/* ---- EFI boots ------------------------------------------------------------- */

static const struct edesc efi_map[] = {
    { EFI_BOOT_SERVICES_CODE, 0x0, 0x1, 0xf },
    { EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9e, 0xf },
    { EFI_RESERVED_TYPE, 0x9f000, 0x1, 0xf },
    { EFI_LOADER_CODE, 0x100000, 0x100, 0xf },
    { EFI_LOADER_DATA, 0x200000, 0x100, 0xf },
    { EFI_BOOT_SERVICES_DATA, 0x300000, 0x100, 0xf },
    { EFI_CONVENTIONAL_MEMORY, 0x400000, 0x7b00, 0xf },
    { EFI_ACPI_RECLAIM_MEMORY, 0x7f00000, 0x10, 0xf },
    { EFI_ACPI_MEMORY_NVS, 0x7f10000, 0x10, 0xf },
    { EFI_RUNTIME_SERVICES_CODE, 0x7f20000, 0x10, 0x800000000000000fULL },
    { EFI_RUNTIME_SERVICES_DATA, 0x7f30000, 0x10, 0x800000000000000fULL },
    { EFI_CONVENTIONAL_MEMORY, 0x7f40000, 0x10, 0x800000000000000fULL },  /* runtime */
    { EFI_UNUSABLE_MEMORY, 0x7f50000, 0x10, 0xf },
    { EFI_MEMORY_MAPPED_IO, 0xe0000000, 0x10000, 1 },
    { EFI_MEMORY_MAPPED_IO_PORT_SPACE, 0xfe000000, 0x10, 1 },
    { EFI_PAL_CODE, 0xfe010000, 0x10, 1 },
    { EFI_PERSISTENT_MEMORY, 0x100000000, 0x10000, 0xf },
    { EFI_UNACCEPTED_MEMORY, 0x200000000, 0x10, 0xf },
    { 0x70000000, 0x300000000, 0x10, 0xf },    /* OEM type */
    { EFI_CONVENTIONAL_MEMORY, 0x400000000, 0, 0xf },   /* no pages */
};

static const struct ent efi_expect[] = {
    { 0x0, 0x9f000, MEM_RAM },
    { 0x9f000, 0x1000, MEM_RESERVED },
    { 0x100000, 0x7e00000, MEM_RAM },
    { 0x7f00000, 0x10000, MEM_ACPI },
    { 0x7f10000, 0x10000, MEM_NVS },
    { 0x7f20000, 0x30000, MEM_RESERVED },
    { 0x7f50000, 0x10000, MEM_UNUSABLE },
    { 0xe0000000, 0x10000000, MEM_RESERVED },
    { 0xfe000000, 0x20000, MEM_RESERVED },
    { 0x100000000, 0x10000000, MEM_RESERVED },
    { 0x200000000, 0x10000, MEM_RESERVED },
    { 0x300000000, 0x10000, MEM_RESERVED },
};

static size_t efi_mmap_off;

static void build_efi(struct mbi *m, uint32_t dsz, bool with_bios, bool bs_running)
{
    mbi_begin(m);
    mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.12");
    mbi_efi64(m, 0x7fe8f018);
    if (with_bios)
        mbi_mmap(m, 24, bios_map, ARRAY_SIZE(bios_map));
    efi_mmap_off = mbi_efi_mmap(m, dsz, efi_map, ARRAY_SIZE(efi_map));
    if (bs_running)
        mbi_tag(m, MB2_TAG_EFI_BS, NULL, 0);
    mbi_finish(m);
}

static void test_efi_boot(void)
{
    static const uint32_t sizes[] = { 40, 48, 56, 1024 };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        build_efi(&M, sizes[i], true, false);
        CHECK_EQ(parse(&M), 0);
        CHECK(bi.mem_from_efi, "descriptor size %u: EFI map not preferred", sizes[i]);
        check_mem(efi_expect, ARRAY_SIZE(efi_expect));
        CHECK_EQ(bi.efi_system_table, 0x7fe8f018);
        CHECK(bi.efi_boot_services_exited, "exited");
        CHECK_EQ(bi.nr_warnings, 0);
    }

    /* Tag 18: boot services are still running. */
    build_efi(&M, 48, false, true);
    CHECK_EQ(parse(&M), 0);
    CHECK(!bi.efi_boot_services_exited, "tag 18 present");
    CHECK(bi.mem_from_efi, "EFI map only");
    check_mem(efi_expect, ARRAY_SIZE(efi_expect));
}

static void test_efi_bad(void)
{
    static const uint32_t bad[] = { 0, 8, 32, 39, 44, 1032, 4096, 0xffffffff };
    unsigned int i;
    size_t off;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        /* Bad descriptor size with a BIOS map: fall back to it. */
        build_efi(&M, 48, true, false);
        off = efi_mmap_off;
        CHECK_EQ(get32(&M, off), MB2_TAG_EFI_MMAP);
        put32(&M, off + 8, bad[i]);
        CHECK_EQ(parse(&M), 0);
        CHECK(!bi.mem_from_efi, "descriptor size %u used", bad[i]);
        check_mem(bios_expect, ARRAY_SIZE(bios_expect));
        CHECK_EQ(bi.nr_warnings, 2);
        CHECK(printk_log_contains("using the BIOS memory map"), "%s", printk_log);

        /* ... and without one: nothing to go on. */
        build_efi(&M, 48, false, false);
        off = efi_mmap_off;
        CHECK_EQ(get32(&M, off), MB2_TAG_EFI_MMAP);
        put32(&M, off + 8, bad[i]);
        CHECK_EQ(parse(&M), -EINVAL);
        CHECK(err_has("no usable entries"), "%s", err);
    }

    /* Page counts that overflow when turned into bytes, and wrapping ranges. */
    {
        static const struct edesc d[] = {
            { EFI_CONVENTIONAL_MEMORY, 0x0, 0x10, 0 },
            { EFI_CONVENTIONAL_MEMORY, 0x100000, 1ULL << 52, 0 },
            { EFI_CONVENTIONAL_MEMORY, 0xfffffffffff00000ULL, 0x100, 0 },
            { EFI_CONVENTIONAL_MEMORY, 0x200000, 0x10, 0 },
        };

        mbi_begin(&M);
        mbi_efi_mmap(&M, 48, d, ARRAY_SIZE(d));
        mbi_finish(&M);
        CHECK_EQ(parse(&M), 0);
        CHECK_EQ(bi.nr_mem, 2);
        CHECK_EQ(bi.nr_warnings, 2);
        CHECK(printk_log_contains("EFI memory map entry 1 [0x100000 + 0x10000000000000] has too many pages"),
              "%s", printk_log);
        CHECK(printk_log_contains("EFI memory map entry 2 [0xfffffffffff00000 + 0x100000] wraps"),
              "%s", printk_log);
    }

    /* EFI64 tag with a null pointer or cut short. */
    mbi_begin(&M);
    mbi_efi64(&M, 0);
    mbi_tag(&M, MB2_TAG_EFI64, "\x18\0\0\0", 4);
    mbi_efi_mmap(&M, 48, efi_map, 2);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.efi_system_table, 0);
    CHECK_EQ(bi.nr_warnings, 2);
}

/* ---- Strings and modules --------------------------------------------------- */

static void test_strings(void)
{
    static const struct ent ram[] = { { 0, 0x80000000, 1 } };
    static char big[3000];

    /* Not NUL-terminated within the tag: cut at the tag's end. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_tag(&M, MB2_TAG_CMDLINE, "abcdefghijk", 11);  /* the padding after it is 0 */
    mbi_tag(&M, MB2_TAG_BOOT_LOADER_NAME, "GRUB", 4);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK(!strcmp(bi.cmdline, "abcdefghijk"), "%s", bi.cmdline);
    CHECK(!strcmp(bi.loader, "GRUB"), "%s", bi.loader);
    CHECK_EQ(bi.nr_warnings, 2);
    CHECK(printk_log_contains("command line (tag at offset 0x30) is not NUL-terminated"), "%s", printk_log);

    /* Empty tags (no room even for the NUL). */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_tag(&M, MB2_TAG_CMDLINE, NULL, 0);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK(!strcmp(bi.cmdline, ""), "%s", bi.cmdline);
    CHECK_EQ(bi.nr_warnings, 1);

    /* Longer than our buffers: truncated. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_string(&M, MB2_TAG_CMDLINE, big);
    mbi_string(&M, MB2_TAG_BOOT_LOADER_NAME, big);
    mbi_module(&M, 0x1000, 0x2000, big + 2800);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(strlen(bi.cmdline), MAX_CMDLINE - 1);
    CHECK_EQ(strlen(bi.loader), sizeof(bi.loader) - 1);
    CHECK_EQ(strlen(bi.modules[0].cmdline), 199);
    CHECK_EQ(bi.nr_warnings, 2);
    CHECK(printk_log_contains("command line is 2999 characters long, truncated to 1023"), "%s",
          printk_log);

    /* Exactly one more than fits (the NUL included): still cut by one. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_string(&M, MB2_TAG_CMDLINE, big + sizeof(big) - 1 - MAX_CMDLINE);
    mbi_string(&M, MB2_TAG_BOOT_LOADER_NAME, big + sizeof(big) - 1 - sizeof(bi.loader));
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(strlen(bi.cmdline), MAX_CMDLINE - 1);
    CHECK_EQ(strlen(bi.loader), sizeof(bi.loader) - 1);
    CHECK_EQ(bi.nr_warnings, 2);
    /* One less: fits exactly, no warning. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_string(&M, MB2_TAG_CMDLINE, big + sizeof(big) - MAX_CMDLINE);
    mbi_string(&M, MB2_TAG_BOOT_LOADER_NAME, big + sizeof(big) - sizeof(bi.loader));
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(strlen(bi.cmdline), MAX_CMDLINE - 1);
    CHECK_EQ(strlen(bi.loader), sizeof(bi.loader) - 1);
    CHECK_EQ(bi.nr_warnings, 0);

    /* A second command line is ignored. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_string(&M, MB2_TAG_CMDLINE, "first");
    mbi_string(&M, MB2_TAG_CMDLINE, "second");
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK(!strcmp(bi.cmdline, "first"), "%s", bi.cmdline);
    CHECK_EQ(bi.nr_warnings, 1);
}

static void test_modules(void)
{
    static const struct ent ram[] = { { 0, 0x80000000, 1 } };
    unsigned int i;

    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_module(&M, 0x100000, 0x200000, "kernel");
    mbi_module(&M, 0x300000, 0x200000, "backwards");     /* start > end */
    mbi_module(&M, 0x400000, 0x400000, "empty");         /* empty file: kept */
    mbi_tag(&M, MB2_TAG_MODULE, "\0\0\x50\0", 4);        /* no room for the addresses */
    mbi_module(&M, 0xfffff000, 0xffffffff, "");
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_modules, 3);
    CHECK(!strcmp(bi.modules[0].cmdline, "kernel"), "%s", bi.modules[0].cmdline);
    CHECK_EQ(bi.modules[1].start, 0x400000);
    CHECK_EQ(bi.modules[1].end, 0x400000);
    CHECK_EQ(bi.modules[2].start, 0xfffff000);
    CHECK_EQ(bi.modules[2].end, 0xffffffff);
    CHECK(!strcmp(bi.modules[2].cmdline, ""), "%s", bi.modules[2].cmdline);
    CHECK_EQ(bi.nr_warnings, 2);
    CHECK(printk_log_contains("ends (0x200000) before it starts (0x300000)"), "%s", printk_log);

    /* Too many: the first MAX_BOOT_MODULES are kept. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    for (i = 0; i < MAX_BOOT_MODULES + 6; i++) {
        char name[16];

        snprintf(name, sizeof(name), "mod%u", i);
        mbi_module(&M, 0x100000 + i * 0x1000, 0x100800 + i * 0x1000, name);
    }
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_modules, MAX_BOOT_MODULES);
    CHECK(!strcmp(bi.modules[MAX_BOOT_MODULES - 1].cmdline, "mod63"), "%s",
          bi.modules[MAX_BOOT_MODULES - 1].cmdline);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("more than 64 modules: the last 6 ignored"), "%s", printk_log);
}

/* ---- Malformed structure --------------------------------------------------- */

static void test_truncated(void)
{
    size_t n;
    unsigned int bad_rc = 0, bad_rc2 = 0;

    build_bios(&M);
    for (n = 0; n < M.len; n++) {
        /* total_size still says the full length: beyond what is readable. */
        if (parse_raw(M.b, n, MADDR, 0) != -EINVAL || !err)
            bad_rc++;
        /* total_size rewritten to match: then the end tag is missing. */
        if (n >= 4) {
            memcpy(&M2, &M, sizeof(M));
            put32(&M2, 0, (uint32_t)n);
            if (parse_raw(M2.b, n, MADDR, 0) != -EINVAL || !err)
                bad_rc2++;
        }
    }
    CHECK_EQ(bad_rc, 0);
    CHECK_EQ(bad_rc2, 0);
    CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), 0);

    CHECK_EQ(parse_raw(M.b, 7, MADDR, 0), -EINVAL);
    CHECK(err_is("multiboot2 info: only 7 bytes readable, less than its header"), "%s", err);
    CHECK_EQ(multiboot2_parse(NULL, 100, MADDR, &bi, &err), -EINVAL);
    CHECK(err_has("less than its header"), "%s", err);
    /* err may be NULL. */
    CHECK_EQ(multiboot2_parse(NULL, 100, MADDR, &bi, NULL), -EINVAL);
}

static void test_total_size_lies(void)
{
    static const uint32_t small[] = { 0, 1, 8, 15 };
    unsigned int i;

    build_bios(&M);

    /* Too big for what is readable. */
    put32(&M, 0, (uint32_t)M.len + 8);
    CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), -EINVAL);
    CHECK(err_has("is beyond the"), "%s", err);
    put32(&M, 0, 0xffffffff);
    CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), -EINVAL);

    /* Below the minimum. */
    for (i = 0; i < ARRAY_SIZE(small); i++) {
        put32(&M, 0, small[i]);
        CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), -EINVAL);
        CHECK(err_has("less than the minimum of 16"), "%u: %s", small[i], err);
    }

    /* Smaller than the tags: the end tag falls outside. */
    put32(&M, 0, 64);
    CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), -EINVAL);
    CHECK(err_has("beyond total size 0x40") || err_has("no end tag"), "%s", err);

    /* Not a multiple of 8 but covering the end tag: parsed, warned. */
    build_bios(&M);
    put32(&M, 0, (uint32_t)M.len + 4);
    CHECK_EQ(parse_raw(M.b, M.len + 4, MADDR, 0), 0);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("is not a multiple of 8"), "%s", printk_log);
    check_mem(bios_expect, ARRAY_SIZE(bios_expect));

    /* Not a multiple of 8 and cutting the end tag. */
    put32(&M, 0, (uint32_t)M.len - 4);
    CHECK_EQ(parse_raw(M.b, M.len, MADDR, 0), -EINVAL);
    CHECK(err_is("multiboot2 info: no end tag within total size 0x1ec"), "%s", err);

    /* An info whose end would wrap the address space. */
    build_bios(&M);
    CHECK_EQ(parse_raw(M.b, M.len, UINT64_MAX - 64, 0), -EINVAL);
    CHECK(err_has("wraps the address space"), "%s", err);
}

static void test_tag_sizes(void)
{
    static const struct ent ram[] = { { 0, 0x80000000, 1 } };
    static const uint32_t bad[] = { 0, 1, 7 };
    unsigned int i;
    size_t off;

    /* The example from the design notes, exactly. */
    mbi_begin(&M);
    mbi_tag(&M, MB2_TAG_BOOT_LOADER_NAME, "01234567890123456789012345678901234567890123456789", 50);
    off = mbi_mmap(&M, 24, ram, 1);
    CHECK_EQ(off, 0x48);
    mbi_tag_sized(&M, 1000, (uint32_t)(0x1f8 - M.len), NULL, 0);   /* filler up to 0x1f8 */
    M.len = 0x1f8;
    mbi_finish(&M);
    CHECK_EQ(M.len, 0x200);
    put32(&M, off + 4, 4096);
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_is("multiboot2 info: tag 6 at offset 0x48 has size 4096 beyond total size 0x200"),
          "%s", err);

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        put32(&M, off + 4, bad[i]);
        CHECK_EQ(parse(&M), -EINVAL);
        CHECK(err_has("has size") && err_has("less than 8"), "%s", err);
    }
    put32(&M, off + 4, 0xffffffff);
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_has("has size 4294967295 beyond total size 0x200"), "%s", err);

    /* Overrunning by one byte. */
    mbi_begin(&M);
    off = mbi_mmap(&M, 24, ram, 1);
    mbi_finish(&M);
    put32(&M, off + 4, (uint32_t)(M.len - off + 1));
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_has("beyond total size"), "%s", err);
    /* Reaching exactly to the end means the end tag is swallowed. */
    put32(&M, off + 4, (uint32_t)(M.len - off));
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_has("no end tag"), "%s", err);

    /* Missing end tag: replaced by a padding tag. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_tag(&M, 1000, NULL, 0);
    put32(&M, 0, (uint32_t)M.len);
    CHECK_EQ(parse(&M), -EINVAL);
    CHECK(err_is("multiboot2 info: no end tag within total size 0x38"), "%s", err);

    /* An end tag with the wrong size: accepted, warned. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_tag(&M, MB2_TAG_END, "\0\0\0\0\0\0\0\0", 8);
    put32(&M, 0, (uint32_t)M.len);
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_warnings, 1);
    CHECK(printk_log_contains("end tag at offset 0x30 has size 16"), "%s", printk_log);

    /* Data after the end tag is not looked at. */
    mbi_begin(&M);
    mbi_mmap(&M, 24, ram, 1);
    mbi_finish(&M);
    memset(M.b + M.len, 0xff, 64);
    put32(&M, 0, (uint32_t)M.len + 64);
    M.len += 64;
    CHECK_EQ(parse(&M), 0);
    CHECK_EQ(bi.nr_mem, 1);
    CHECK_EQ(bi.nr_warnings, 0);
}

/* ---- Printing ----------------------------------------------------------------- */

static void test_fmt_size(void)
{
    static const struct {
        uint64_t bytes;
        const char *s;
    } cases[] = {
        { 0, "0 B" },
        { 1023, "1023 B" },
        { 1024, "1.0 KiB" },
        { 4096, "4.0 KiB" },
        { 1536, "1.5 KiB" },
        { 1024 * 1023 + 40, "1023.0 KiB" },
        { 1024 * 1023 + 1000, "1.0 MiB" },         /* 1023.98 KiB */
        { 1024 * 1024 - 1, "1.0 MiB" },             /* rounds up into the next unit */
        { 512ULL << 20, "512.0 MiB" },
        { 3ULL << 29, "1.5 GiB" },
        { (1ULL << 30) + (1ULL << 30) / 20 + 1, "1.1 GiB" },  /* just over 1.05 */
        { (1ULL << 30) + (1ULL << 30) / 20 - 1, "1.0 GiB" },
        { 13ULL << 40, "13.0 TiB" },
        { (13ULL << 40) - (2ULL << 30), "13.0 TiB" },
        { 5ULL << 50, "5.0 PiB" },
        { UINT64_MAX, "16384.0 PiB" },
    };
    char buf[32];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK(!strcmp(fmt_size(cases[i].bytes, buf, sizeof(buf)), cases[i].s),
              "%#llx -> \"%s\", expected \"%s\"", (unsigned long long)cases[i].bytes, buf,
              cases[i].s);
    /* Short buffers are cut, still terminated. */
    CHECK(!strcmp(fmt_size(13ULL << 40, buf, 5), "13.0"), "%s", buf);
}

static void test_print(void)
{
    uint8_t v2[ACPI_RSDP_V2_LEN];
    size_t v2_off = 0;

    build_bios(&M);
    CHECK_EQ(parse(&M), 0);
    printk_log_clear();
    bootinfo_print(&bi);
    CHECK(printk_log_contains("Bootloader: GRUB 2.06-13+deb12u1\n"), "%s", printk_log);
    CHECK(printk_log_contains("Command line: console=com1 com1=115200,8n1 loglvl=all\n"), "%s",
          printk_log);
    CHECK(printk_log_contains("Memory map (from BIOS):\n"
                              " [0000000000000000, 000000000009fbff] (RAM)\n"
                              " [000000000009fc00, 000000000009ffff] (reserved)\n"), "%s",
          printk_log);
    CHECK(printk_log_contains(" [000000007ff00000, 000000007ff0ffff] (ACPI data)\n"
                              " [000000007ff10000, 000000007ff1ffff] (ACPI NVS)\n"), "%s",
          printk_log);
    CHECK(printk_log_contains(" [0000000180000000, 00000001800fffff] (unusable)\n"), "%s",
          printk_log);
    CHECK(printk_log_contains("Usable RAM: 4.0 GiB\n"), "%s", printk_log);
    CHECK(printk_log_contains(" Module 0: [0000000000200000, 0000000000a00000) 8.0 MiB, cmdline \"vmlinuz root=/dev/xvda1 ro\"\n"),
          "%s", printk_log);
    CHECK(printk_log_contains(" Module 1: [0000000000a00000, 0000000001234567) 8.2 MiB, cmdline \"initrd.img\"\n"),
          "%s", printk_log);
    CHECK(printk_log_contains("ACPI RSDP: copy at 0000000000010"), "%s", printk_log);
    CHECK(printk_log_contains("(ACPI 1.0)"), "%s", printk_log);
    CHECK(!printk_log_contains("EFI system table"), "%s", printk_log);

    build_efi(&M, 48, true, true);
    make_rsdp(v2, true, "OEMV2 ");
    M.len -= 8;
    v2_off = mbi_tag(&M, MB2_TAG_ACPI_NEW, v2, 36);
    mbi_finish(&M);
    CHECK_EQ(parse(&M), 0);
    printk_log_clear();
    bootinfo_print(&bi);
    CHECK(printk_log_contains("Memory map (from EFI):\n"), "%s", printk_log);
    CHECK(printk_log_contains("EFI system table: 000000007fe8f018, boot services still running\n"),
          "%s", printk_log);
    CHECK(printk_log_contains("(ACPI 2.0+)"), "%s", printk_log);
    CHECK(printk_log_contains("Boot modules: 0\n"), "%s", printk_log);
    CHECK_EQ(bi.rsdp, MADDR + v2_off + 8);
}

/* A 13 TiB machine: what the emulator test looks for. */
static void test_print_13tib(void)
{
    static const struct ent map[] = {
        { 0x0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0x100000, 0xbff00000, 1 },
        { 0xfeffc000, 0x4000, 2 },
        { 0x100000000, (13ULL << 40) - 0xc0000000, 1 },
    };

    CHECK_EQ(parse_map(map, ARRAY_SIZE(map)), 0);
    printk_log_clear();
    bootinfo_print(&bi);
    CHECK(printk_log_contains("Usable RAM: 13.0 TiB\n"), "%s", printk_log);
    CHECK(printk_log_contains(" [0000000100000000, 00000d003fffffff] (RAM)\n"), "%s", printk_log);
}

/* ---- Fuzzing ----------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Everything a successful parse promises. */
static const char *check_invariants(void)
{
    unsigned int i;

    if (!bi.nr_mem || bi.nr_mem > MAX_MEMMAP_ENTRIES)
        return "nr_mem";
    for (i = 0; i < bi.nr_mem; i++) {
        const struct boot_mem_range *r = &bi.mem[i];

        if (!r->size || r->size > UINT64_MAX - r->addr)
            return "range size";
        if (r->type < MEM_RAM || r->type > MEM_UNUSABLE)
            return "range type";
        if (i && r->addr < bi.mem[i - 1].addr + bi.mem[i - 1].size)
            return "ranges unsorted or overlapping";
        if (i && r->type == bi.mem[i - 1].type && r->addr == bi.mem[i - 1].addr + bi.mem[i - 1].size)
            return "adjacent ranges not merged";
    }
    if (bi.nr_modules > MAX_BOOT_MODULES)
        return "nr_modules";
    for (i = 0; i < bi.nr_modules; i++) {
        if (bi.modules[i].start > bi.modules[i].end)
            return "module start > end";
        if (strnlen(bi.modules[i].cmdline, MAX_CMDLINE) == MAX_CMDLINE)
            return "module cmdline unterminated";
    }
    if (strnlen(bi.cmdline, sizeof(bi.cmdline)) == sizeof(bi.cmdline))
        return "cmdline unterminated";
    if (strnlen(bi.loader, sizeof(bi.loader)) == sizeof(bi.loader))
        return "loader unterminated";
    if (bi.rsdp_len != 0 && bi.rsdp_len != 20 && bi.rsdp_len != 36)
        return "rsdp_len";
    if (bi.rsdp_len) {
        if (memcmp(bi.rsdp_copy, "RSD PTR ", 8) || acpi_sum(bi.rsdp_copy, 20))
            return "rsdp not valid";
        if (bi.rsdp < bi.mbi_start + 16 || bi.rsdp + bi.rsdp_len > bi.mbi_end)
            return "rsdp outside the info";
    } else if (bi.rsdp)
        return "rsdp without copy";
    if (bi.mbi_start != MADDR || bi.mbi_end <= bi.mbi_start)
        return "mbi bounds";
    return NULL;
}

static const uint32_t interesting[] = {
    0, 1, 7, 8, 9, 15, 16, 20, 23, 24, 25, 32, 36, 40, 47, 48, 0x7fffffff, 0x80000000,
    0xfffffff8, 0xffffffff, 2, 3, 4, 5, 6, 12, 14, 15, 17, 18, 21,
};

static void fuzz_one(const struct mbi *seed)
{
    unsigned int k, nmut = 1 + (unsigned int)(rng() % 8);
    size_t len = seed->len;

    memcpy(M2.b, seed->b, seed->len);
    for (k = 0; k < nmut; k++) {
        uint64_t r = rng();
        size_t at = (size_t)(rng() % len);

        switch (r % 8) {
        case 0:     /* flip a bit */
            M2.b[at] ^= (uint8_t)(1u << ((r >> 8) % 8));
            break;
        case 1:     /* random byte */
            M2.b[at] = (uint8_t)(r >> 8);
            break;
        case 2:     /* interesting value at an aligned spot (hits sizes and types) */
        case 3:
            at &= ~(size_t)3;
            if (at + 4 <= len)
                put32(&M2, at, interesting[(r >> 8) % ARRAY_SIZE(interesting)]);
            break;
        case 4:     /* a random 64-bit value (addresses, lengths, page counts) */
            at &= ~(size_t)7;
            if (at + 8 <= len)
                put64(&M2, at, rng());
            break;
        case 5:     /* cut the info short, keep total_size honest or not */
            len = at < 8 ? len : at;
            if (r & 0x100)
                put32(&M2, 0, (uint32_t)len);
            break;
        case 6:     /* tag size nudged by a little */
            at &= ~(size_t)7;
            if (at + 8 <= len)
                put32(&M2, at + 4, get32(&M2, at + 4) + (uint32_t)((r >> 8) % 17) - 8);
            break;
        default:    /* total_size nudged */
            put32(&M2, 0, get32(&M2, 0) + (uint32_t)((r >> 8) % 33) - 16);
            break;
        }
    }
    M2.len = len;
}

static void test_fuzz(void)
{
    static struct mbi seeds[4];
    unsigned int i, ok = 0, rejected = 0, broken = 0, bad_rc = 0;
    uint8_t v2[ACPI_RSDP_V2_LEN];

    build_bios(&seeds[0]);
    build_efi(&seeds[1], 48, true, true);
    make_rsdp(v2, true, "FUZZ  ");
    seeds[1].len -= 8;
    mbi_tag(&seeds[1], MB2_TAG_ACPI_NEW, v2, 36);
    mbi_module(&seeds[1], 0x100000, 0x200000, "k");
    mbi_finish(&seeds[1]);
    build_efi(&seeds[2], 40, false, false);
    mbi_begin(&seeds[3]);
    mbi_mmap(&seeds[3], 24, bios_map, 4);
    mbi_string(&seeds[3], MB2_TAG_CMDLINE, "x");
    mbi_finish(&seeds[3]);

    for (i = 0; i < 200000; i++) {
        const char *why;
        int rc;

        fuzz_one(&seeds[i % ARRAY_SIZE(seeds)]);
        rc = parse_raw(M2.b, M2.len, MADDR, i & 7 ? 0 : (i >> 3) % 8);
        if (rc == 0) {
            ok++;
            why = check_invariants();
            if (why) {
                if (!broken)
                    printf("fuzz iteration %u: %s\n", i, why);
                broken++;
            }
        } else if (rc == -EINVAL && err && !strncmp(err, "multiboot2 info", 15)) {
            rejected++;
        } else {
            if (!bad_rc)
                printf("fuzz iteration %u: rc %d err %s\n", i, rc, err ? err : "(null)");
            bad_rc++;
        }
    }
    CHECK_EQ(broken, 0);
    CHECK_EQ(bad_rc, 0);
    /* The mutations must exercise both outcomes substantially. */
    if (getenv("TEST_VERBOSE"))
        printf("fuzz: %u parsed, %u rejected\n", ok, rejected);
    CHECK(ok > 20000, "only %u parsed", ok);
    CHECK(rejected > 20000, "only %u rejected", rejected);
    printk_log_clear();
}

int main(void)
{
    static const struct test_case cases[] = {
        { "multiboot2_bios_boot", test_bios_boot },
        { "multiboot2_unaligned_buffer", test_unaligned_buffer },
        { "multiboot2_acpi_v1_and_v2", test_acpi_v1_and_v2 },
        { "multiboot2_acpi_bad", test_acpi_bad },
        { "multiboot2_map_sort_merge_overlap", test_map_sort_merge_overlap },
        { "multiboot2_map_overflow", test_map_overflow },
        { "multiboot2_map_too_many", test_map_too_many },
        { "multiboot2_map_entry_size", test_map_entry_size },
        { "multiboot2_no_memory_map", test_no_memory_map },
        { "multiboot2_efi_boot", test_efi_boot },
        { "multiboot2_efi_bad", test_efi_bad },
        { "multiboot2_strings", test_strings },
        { "multiboot2_modules", test_modules },
        { "multiboot2_truncated", test_truncated },
        { "multiboot2_total_size_lies", test_total_size_lies },
        { "multiboot2_tag_sizes", test_tag_sizes },
        { "bootinfo_fmt_size", test_fmt_size },
        { "bootinfo_print", test_print },
        { "bootinfo_print_13tib", test_print_13tib },
        { "multiboot2_fuzz", test_fuzz },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
