/*
 * Host tests of the p2m tree with both encoders (EPT and NPT): entry bit
 * patterns, leaf sizes chosen for ranges up to 12 TiB, splitting and
 * merging, limits, allocation failure, and random operations checked
 * against a reference model.  Table pages come from a simulated allocator
 * that counts them and hands out high machine addresses.
 */
#include "test.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/errno.h>
#include <xen/p2m.h>
#include <asm/page.h>
#include <asm/hvm/vmx/ept.h>
#include <asm/hvm/svm/npt.h>

/* ---- simulated table memory: every page the p2m allocates, by machine address ---- */
#define SIM_BASE 0x7f0000000000ULL /* tables sit high, so entries use high address bits */
#define SIM_PAGES (1u << 22)
static void *sim_page[SIM_PAGES];
static uint64_t sim_next, sim_allocs, sim_frees, sim_live;
static long sim_fail_after = -1; /* successful allocations before one fails; -1: never */
static unsigned int sim_errors;

paddr_t alloc_pages(unsigned int order)
{
    void *p;

    if (order != PAGE_ORDER_4K) {
        sim_errors++;
        return INVALID_PADDR;
    }
    if (sim_fail_after == 0)
        return INVALID_PADDR;
    if (sim_fail_after > 0)
        sim_fail_after--;
    if (sim_next == SIM_PAGES)
        return INVALID_PADDR;
    p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(p, 0xA5, PAGE_SIZE); /* garbage, as real RAM would hold */
    sim_page[sim_next] = p;
    sim_allocs++;
    sim_live++;
    return SIM_BASE + (sim_next++ << PAGE_SHIFT);
}

static uint64_t sim_index(paddr_t ma)
{
    uint64_t i = (ma - SIM_BASE) >> PAGE_SHIFT;

    if (ma < SIM_BASE || i >= sim_next || !sim_page[i]) {
        printf("FAIL: %s: access to unallocated table page %#lx\n", test_current,
               (unsigned long)ma);
        abort();
    }
    return i;
}

void free_pages(paddr_t ma, unsigned int order)
{
    uint64_t i = sim_index(ma);

    if (order != PAGE_ORDER_4K || (ma & (PAGE_SIZE - 1)))
        sim_errors++;
    free(sim_page[i]);
    sim_page[i] = NULL; /* never handed out again: a stale use aborts */
    sim_frees++;
    sim_live--;
}

void *maddr_to_virt(paddr_t ma)
{
    return (char *)sim_page[sim_index(ma)] + (ma & (PAGE_SIZE - 1));
}

paddr_t virt_to_maddr(const void *va)
{
    (void)va;
    abort();
}

/* ---- encoders under test, with a flush that records when it ran ---- */
static unsigned int flush_calls;
static uint64_t frees_at_flush;

static void test_flush(struct p2m *p2m)
{
    flush_calls++;
    frees_at_flush = sim_frees;
}

static struct p2m_ops ept_ops, npt_ops;
static const struct p2m_ops *encoders[] = {&ept_ops, &npt_ops};
#define NR_ENCODERS 2

static void encoders_init(void)
{
    ept_ops = ept_p2m_ops;
    ept_ops.flush = test_flush; /* INVEPT would #UD in user mode */
    npt_ops = npt_p2m_ops;
    npt_ops.flush = test_flush;
}

#define GB_FRAMES (1ULL << 18)
#define MB2_FRAMES (1ULL << 9)
#define TB_FRAMES (1ULL << 28)

static void setup(struct p2m *p, const struct p2m_ops *ops, unsigned int gpa_bits,
                  unsigned int max_order)
{
    sim_fail_after = -1;
    CHECK_EQ(p2m_init(p, ops, gpa_bits, max_order), 0);
    p->hw_loaded = true;
    flush_calls = 0;
}

static struct p2m_stats stats(struct p2m *p)
{
    struct p2m_stats st;

    p2m_get_stats(p, &st);
    return st;
}

static void expect_leaves(struct p2m *p, uint64_t n4k, uint64_t n2m, uint64_t n1g, uint64_t tables)
{
    struct p2m_stats st = stats(p);

    CHECK(st.leaves[P2M_LEVEL_4K] == n4k && st.leaves[P2M_LEVEL_2M] == n2m &&
              st.leaves[P2M_LEVEL_1G] == n1g && st.table_pages == tables,
          "%s: leaves 4K %lu 2M %lu 1G %lu tables %lu, expected %lu %lu %lu %lu", p->ops->name,
          (unsigned long)st.leaves[0], (unsigned long)st.leaves[1], (unsigned long)st.leaves[2],
          (unsigned long)st.table_pages, (unsigned long)n4k, (unsigned long)n2m, (unsigned long)n1g,
          (unsigned long)tables);
    CHECK_EQ(st.meta_bytes, st.table_pages * PAGE_SIZE);
    CHECK_EQ(st.frames, n4k + n2m * MB2_FRAMES + n1g * GB_FRAMES);
}

static void expect_map(struct p2m *p, gfn_t gfn, mfn_t mfn, p2m_type_t t, unsigned int order)
{
    p2m_type_t gt;
    unsigned int go;
    mfn_t got = p2m_get_entry(p, gfn, &gt, NULL, &go);

    CHECK(got == mfn && gt == t && go == order,
          "%s: gfn %#lx -> mfn %#lx type %d order %u, expected %#lx %d %u", p->ops->name,
          (unsigned long)gfn, (unsigned long)got, gt, go, (unsigned long)mfn, t, order);
}

static void finish(struct p2m *p)
{
    CHECK_EQ(p2m_check(p), 0);
    p2m_teardown(p);
    CHECK_EQ(sim_live, 0);
    CHECK_EQ(sim_errors, 0);
}

/* ---- encoders: exact bits ---- */

static uint64_t leaf(const struct p2m_ops *ops, p2m_type_t t, p2m_memtype_t mt, mfn_t mfn,
                     unsigned int level)
{
    struct p2m_leaf l = {t, mt, mfn};

    return ops->make_leaf(&l, level);
}

static void test_ept_bits(void)
{
    const struct p2m_ops *o = &ept_p2m_ops;
    struct p2m p = {.levels = 4, .root = 0x123456000ULL};
    uint64_t table = o->make_table(0x7f0000123000ULL);
    uint64_t pod = leaf(o, p2m_populate_on_demand, P2M_MT_WB, INVALID_MFN, 1);

    /* RWX, WB (6 << 3), ignore PAT, type 1 at 52, suppress #VE. */
    CHECK_EQ(leaf(o, p2m_ram_rw, P2M_MT_WB, 0x12345, 0), 0x8010000012345077ULL);
    /* R-X, UC, ignore PAT, large page (bit 7), type 2. */
    CHECK_EQ(leaf(o, p2m_ram_ro, P2M_MT_UC, 0x200, 1), 0x80200000002000C5ULL);
    /* RW-, WC (1 << 3), guest PAT honoured, 1 GiB page, type 3. */
    CHECK_EQ(leaf(o, p2m_mmio_direct, P2M_MT_WC, 0x40000, 2), 0x803000004000008BULL);
    /* R--, WB, ignore PAT, type 6. */
    CHECK_EQ(leaf(o, p2m_grant_map_ro, P2M_MT_WB, 0x1, 0), 0x8060000000001071ULL);
    /* Not present (bits 2:0 clear): the rest is for software. */
    CHECK_EQ(pod, 0x80400000000000F0ULL);
    /* The widest frame fills bits 12-51 exactly. */
    CHECK_EQ(leaf(o, p2m_ram_rw, P2M_MT_WB, 0xFFFFFFFFFFULL, 0), 0x801FFFFFFFFFF077ULL);
    CHECK_EQ(table, 0x00007F0000123007ULL);
    CHECK_EQ(o->table_maddr(table), 0x7f0000123000ULL);
    CHECK(o->is_table(table, 1) && o->is_table(table, 2) && o->is_table(table, 3) &&
              o->is_table(table, 4) && !o->is_table(table, 0),
          "table entry recognised at levels 1-4 only");
    CHECK(!o->is_table(0x80200000002000C5ULL, 1) && !o->is_table(0x803000004000008BULL, 2) &&
              !o->is_table(pod, 1) && !o->is_table(0, 1),
          "leaves and empty slots are not tables");
    CHECK(!o->is_present(pod) && !o->is_present(0) && o->is_present(table) &&
              o->is_present(0x8060000000001071ULL),
          "presence is bits 2:0");
    /* EPTP: WB, walk length 4 (3 at bits 5:3), A/D at bit 6. */
    CHECK_EQ(ept_eptp(&p, false), 0x12345601EULL);
    CHECK_EQ(ept_eptp(&p, true), 0x12345605EULL);
    p.levels = 5;
    CHECK_EQ(ept_eptp(&p, false), 0x123456026ULL);
    /* The data view agrees with the raw bits. */
    {
        ept_entry_t e = {.raw = 0x803000004000008BULL};

        CHECK(e.r && e.w && !e.x && e.emt == 1 && !e.ipat && e.sp && e.mfn == 0x40000 &&
                  e.sw_type == p2m_mmio_direct && e.suppress_ve,
              "ept_entry_t fields");
    }
}

static void test_npt_bits(void)
{
    const struct p2m_ops *o = &npt_p2m_ops;
    struct p2m p = {.levels = 4, .root = 0x7f0000042000ULL};
    uint64_t table = o->make_table(0x7f0000123000ULL);
    struct p2m_leaf l;
    unsigned int i;
    static const p2m_memtype_t mts[] = {P2M_MT_UC, P2M_MT_WC, P2M_MT_WT, P2M_MT_WP, P2M_MT_WB};

    /* P, RW, U; PAT index 0 (WB); executable; type 1. */
    CHECK_EQ(leaf(o, p2m_ram_rw, P2M_MT_WB, 0x12345, 0), 0x0010000012345007ULL);
    /* UC is PAT index 3: PWT | PCD; device memory is NX. */
    CHECK_EQ(leaf(o, p2m_mmio_direct, P2M_MT_UC, 0xfee00, 0), 0x80300000FEE0001FULL);
    /* WC is PAT index 4: the PAT bit, at 7 in a 4 KiB entry. */
    CHECK_EQ(leaf(o, p2m_mmio_direct, P2M_MT_WC, 0xfd000, 0), 0x80300000FD000087ULL);
    /* Read-only 2 MiB, WT (PWT), PS. */
    CHECK_EQ(leaf(o, p2m_ram_ro, P2M_MT_WT, 0x400, 1), 0x002000000040008DULL);
    /* 2 MiB WC: PS at 7, PAT at 12. */
    CHECK_EQ(leaf(o, p2m_mmio_direct, P2M_MT_WC, 0x600, 1), 0x8030000000601087ULL);
    /* 1 GiB read-only grant, WP (PAT index 5: PAT | PWT), NX, type 6. */
    CHECK_EQ(leaf(o, p2m_grant_map_ro, P2M_MT_WP, 0x80000, 2), 0x806000008000108DULL);
    /* Populate on demand: not present. */
    CHECK_EQ(leaf(o, p2m_populate_on_demand, P2M_MT_WB, INVALID_MFN, 1), 0x8040000000000084ULL);
    CHECK_EQ(table, 0x00007F0000123007ULL);
    CHECK_EQ(o->table_maddr(table), 0x7f0000123000ULL);
    CHECK(o->is_table(table, 1) && o->is_table(table, 3) && !o->is_table(table, 0) &&
              !o->is_table(0x8030000000601087ULL, 1) && !o->is_table(0x8040000000000084ULL, 1),
          "PS and P decide tables");
    CHECK(!o->is_present(0x8040000000000084ULL) && o->is_present(table), "presence is P");
    /* A large page's PAT bit is not part of its frame. */
    o->decode_leaf(0x8030000000601087ULL, 1, &l);
    CHECK(l.mfn == 0x600 && l.mt == P2M_MT_WC && l.type == p2m_mmio_direct, "2M WC decode");
    CHECK_EQ(NPT_HOST_PAT, 0x0007050100070406ULL);
    CHECK_EQ(npt_ncr3(&p), 0x7f0000042000ULL);
    /* Each memory type's PAT index selects that type in the host PAT. */
    for (i = 0; i < ARRAY_SIZE(mts); i++) {
        npt_entry_t e4 = {.raw = leaf(o, p2m_ram_rw, mts[i], 0x1000, 0)};
        npt_entry_t e2 = {.raw = leaf(o, p2m_ram_rw, mts[i], 0x1000, 1)};
        unsigned int i4 = e4.pwt | e4.pcd << 1 | e4.pat_4k << 2;
        unsigned int i2 = e2.pwt | e2.pcd << 1 | e2.pat_large << 2;

        CHECK_EQ((NPT_HOST_PAT >> (8 * i4)) & 0xff, mts[i]);
        CHECK_EQ((NPT_HOST_PAT >> (8 * i2)) & 0xff, mts[i]);
    }
}

/* Every type, memory type and leaf size survives encoding, and only bits 52-55 hold the type. */
static void test_encoder_roundtrip(void)
{
    static const p2m_memtype_t mts[] = {P2M_MT_UC, P2M_MT_WC, P2M_MT_WT, P2M_MT_WP, P2M_MT_WB};
    static const mfn_t frames[] = {0, 0x40000, 0xFFFFFC0000ULL, 0x123440000ULL};
    unsigned int e, t, m, lv, f, bad = 0, n = 0;

    for (e = 0; e < NR_ENCODERS; e++) {
        const struct p2m_ops *o = e ? &npt_p2m_ops : &ept_p2m_ops;

        for (t = 1; t < P2M_NR_TYPES; t++)
            for (m = 0; m < ARRAY_SIZE(mts); m++)
                for (lv = 0; lv < P2M_NR_LEAF_LEVELS; lv++)
                    for (f = 0; f < ARRAY_SIZE(frames); f++) {
                        bool has = p2m_type_has_mfn((p2m_type_t)t);
                        mfn_t mfn = has ? frames[f] : INVALID_MFN;
                        uint64_t raw = leaf(o, (p2m_type_t)t, mts[m], mfn, lv);
                        struct p2m_leaf l;

                        o->decode_leaf(raw, lv, &l);
                        n++;
                        if (l.type != t || l.mt != mts[m] || (has && l.mfn != mfn) || raw == 0 ||
                            ((raw >> 52) & 0xf) != t || o->is_table(raw, lv) ||
                            o->is_present(raw) != (p2m_type_access((p2m_type_t)t) != 0)) {
                            if (!bad++)
                                printf("  %s: type %u mt %u level %u mfn %#lx -> %#lx\n", o->name,
                                       t, mts[m], lv, (unsigned long)mfn, (unsigned long)raw);
                        }
                    }
    }
    CHECK(bad == 0, "%u of %u encodings do not round-trip", bad, n);
    CHECK_EQ(n, 2 * (P2M_NR_TYPES - 1) * 5 * 3 * 4);
}

/* ---- mapping, querying, unmapping ---- */

static void test_map_query(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        p2m_memtype_t mt;

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        expect_leaves(&p, 0, 0, 0, 1);
        expect_map(&p, 0x1000, INVALID_MFN, p2m_invalid, 27);

        CHECK_EQ(p2m_set_entry(&p, 0x1000, 0x5555, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, 0x400, 0x800, PAGE_ORDER_2M, p2m_ram_ro, P2M_MT_WT), 0);
        CHECK_EQ(p2m_set_entry(&p, 0x80000, 0xC0000, PAGE_ORDER_1G, p2m_mmio_direct, P2M_MT_UC), 0);
        /* Filling empty slots changes nothing the hardware could cache. */
        CHECK_EQ(flush_calls, 0);
        expect_leaves(&p, 1, 1, 1, 4);

        expect_map(&p, 0x1000, 0x5555, p2m_ram_rw, 0);
        expect_map(&p, 0xfff, INVALID_MFN, p2m_invalid, 9);
        expect_map(&p, 0x1001, INVALID_MFN, p2m_invalid, 0);
        expect_map(&p, 0x400, 0x800, p2m_ram_ro, 9);
        expect_map(&p, 0x5ff, 0x9ff, p2m_ram_ro, 9);
        expect_map(&p, 0x600, INVALID_MFN, p2m_invalid, 9);
        expect_map(&p, 0x80000, 0xC0000, p2m_mmio_direct, 18);
        expect_map(&p, 0xBFFFF, 0xFFFFF, p2m_mmio_direct, 18);
        expect_map(&p, 0xC0000, INVALID_MFN, p2m_invalid, 18);
        p2m_get_entry(&p, 0x500, NULL, &mt, NULL);
        CHECK_EQ(mt, P2M_MT_WT);
        p2m_get_entry(&p, 0x90000, NULL, &mt, NULL);
        CHECK_EQ(mt, P2M_MT_UC);

        /* Misaligned or odd-sized single entries are refused, with no effect. */
        CHECK_EQ(p2m_set_entry(&p, 0x401, 0x800, PAGE_ORDER_2M, p2m_ram_rw, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x400, 0x801, PAGE_ORDER_2M, p2m_ram_rw, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x40000, 0x200, PAGE_ORDER_1G, p2m_ram_rw, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x2000, 0x2000, 1, p2m_ram_rw, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x2000, 0x2000, 0, p2m_invalid, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x2000, 0x2000, 0, P2M_NR_TYPES, P2M_MT_WB), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x2000, 0x2000, 0, p2m_ram_rw, 2), -EINVAL);
        CHECK_EQ(p2m_set_entry(&p, 0x2000, 0x2000, 0, p2m_ram_rw, 7), -EINVAL);
        CHECK_EQ(p2m_change_type_range(&p, 0x400, 1, p2m_ram_ro, p2m_populate_on_demand), -EINVAL);
        CHECK_EQ(p2m_change_type_range(&p, 0x400, 1, p2m_invalid, p2m_ram_rw), -EINVAL);
        expect_leaves(&p, 1, 1, 1, 4);

        /* Remapping a page to another frame is a change: flush. */
        CHECK_EQ(p2m_set_entry(&p, 0x1000, 0x6666, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        expect_map(&p, 0x1000, 0x6666, p2m_ram_rw, 0);
        CHECK_EQ(flush_calls, 1);
        /* Setting what is already there is not. */
        CHECK_EQ(p2m_set_entry(&p, 0x1000, 0x6666, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(flush_calls, 1);

        CHECK_EQ(p2m_remove_range(&p, 0x1000, 1), 0);
        expect_map(&p, 0x1000, INVALID_MFN, p2m_invalid, 9);
        expect_leaves(&p, 0, 1, 1, 3); /* the 4K table went empty and was freed */
        CHECK_EQ(p2m_remove_range(&p, 0x400, 0x200), 0);
        CHECK_EQ(p2m_remove_range(&p, 0x80000, GB_FRAMES), 0);
        expect_leaves(&p, 0, 0, 0, 1);
        expect_map(&p, 0x80000, INVALID_MFN, p2m_invalid, 27);
        CHECK(flush_calls == 4, "%s: %u flushes", p.ops->name, flush_calls);
        /* Removing nothing needs nothing. */
        CHECK_EQ(p2m_remove_range(&p, 0x80000, GB_FRAMES), 0);
        CHECK_EQ(flush_calls, 4);
        finish(&p);
    }
}

/* 12 TiB of 1 GiB-aligned frames: 12288 1 GiB leaves in 24 + 1 table pages. */
static void test_range_12tib(void)
{
    unsigned int e, k;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        uint64_t nr = 12 * TB_FRAMES, allocs;
        mfn_t base = 16 * TB_FRAMES; /* host frames from 16 TiB */
        struct p2m_stats st;

        setup(&p, encoders[e], 46, PAGE_ORDER_1G);
        allocs = sim_allocs;
        CHECK_EQ(p2m_set_range(&p, 0, base, nr, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 12288, 25);
        CHECK_EQ(sim_allocs - allocs, 24);
        st = stats(&p);
        CHECK_EQ(st.meta_bytes, 25 * 4096);
        CHECK_EQ(st.frames, nr);
        for (k = 0; k <= 24; k++) {
            gfn_t g = (gfn_t)k << 27; /* every 512 GiB table boundary */

            if (k < 24) {
                expect_map(&p, g, base + g, p2m_ram_rw, 18);
                expect_map(&p, g + 0x12345, base + g + 0x12345, p2m_ram_rw, 18);
            }
            if (k > 0)
                expect_map(&p, g - 1, base + g - 1, p2m_ram_rw, 18);
        }
        expect_map(&p, nr, INVALID_MFN, p2m_invalid, 27);
        CHECK_EQ(p2m_check(&p), 0);
        printk_log_clear();
        p2m_dump(&p, "d1");
        CHECK(printk_log_contains("RAM mapped 12582912 MiB: 12288 x 1G, 0 x 2M, 0 x 4K; "
                                  "25 table pages (100 KiB)"),
              "dump: %s", printk_log);
        CHECK_EQ(p2m_remove_range(&p, 0, nr), 0);
        expect_leaves(&p, 0, 0, 0, 1);

        /* 64 GiB of frames aligned to 2 MiB only: 2 MiB leaves. */
        CHECK_EQ(p2m_set_range(&p, 0, base + 0x200, 64 * GB_FRAMES, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 64 * 512, 0, 1 + 1 + 64);
        expect_map(&p, 64 * GB_FRAMES - 1, base + 0x200 + 64 * GB_FRAMES - 1, p2m_ram_rw, 9);
        finish(&p);
    }
}

/* Misaligned ranges: 4 KiB at the edges, 2 MiB next, 1 GiB where both sides allow. */
static void test_range_misaligned(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t G = 5 * GB_FRAMES, s = G - 0x201;
        uint64_t nr = 0x201 + GB_FRAMES + 0x200 + 5;
        mfn_t d = 7 * GB_FRAMES; /* gfn -> gfn + 7 GiB: 1 GiB-aligned offset */

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_range(&p, s, s + d, nr, p2m_ram_rw, P2M_MT_WB), 0);
        /* root, the 1G-entry table, two 2M-entry tables, two 4K-entry tables */
        expect_leaves(&p, 1 + 5, 1 + 1, 1, 6);
        expect_map(&p, s - 1, INVALID_MFN, p2m_invalid, 0);
        expect_map(&p, s, s + d, p2m_ram_rw, 0);
        expect_map(&p, s + 1, s + 1 + d, p2m_ram_rw, 9);
        expect_map(&p, G - 1, G - 1 + d, p2m_ram_rw, 9);
        expect_map(&p, G, G + d, p2m_ram_rw, 18);
        expect_map(&p, G + GB_FRAMES - 1, G + GB_FRAMES - 1 + d, p2m_ram_rw, 18);
        expect_map(&p, G + GB_FRAMES, G + GB_FRAMES + d, p2m_ram_rw, 9);
        expect_map(&p, G + GB_FRAMES + 0x1ff, G + GB_FRAMES + 0x1ff + d, p2m_ram_rw, 9);
        expect_map(&p, G + GB_FRAMES + 0x200, G + GB_FRAMES + 0x200 + d, p2m_ram_rw, 0);
        expect_map(&p, G + GB_FRAMES + 0x204, G + GB_FRAMES + 0x204 + d, p2m_ram_rw, 0);
        expect_map(&p, G + GB_FRAMES + 0x205, INVALID_MFN, p2m_invalid, 0);
        CHECK_EQ(p2m_remove_range(&p, s, nr), 0);
        expect_leaves(&p, 0, 0, 0, 1);

        /* Frames off by one from any alignment: 4 KiB leaves only. */
        CHECK_EQ(p2m_set_range(&p, 0x1ff, 0x10200, 0x402, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0x402, 0, 0, 1 + 1 + 1 + 4);
        expect_map(&p, 0x1ff, 0x10200, p2m_ram_rw, 0);
        expect_map(&p, 0x600, 0x10601, p2m_ram_rw, 0);
        expect_map(&p, 0x601, INVALID_MFN, p2m_invalid, 0);
        CHECK_EQ(p2m_remove_range(&p, 0, 0x1000), 0);

        /* A whole GiB of frames aligned to 2 MiB but not 1 GiB: 512 2 MiB leaves. */
        CHECK_EQ(p2m_set_range(&p, G, G + 0x200, GB_FRAMES, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 512, 0, 3);
        expect_map(&p, G + 0x3ffff, G + 0x3ffff + 0x200, p2m_ram_rw, 9);
        /* Remapped to 1 GiB-aligned frames, it becomes one leaf; the table goes. */
        CHECK_EQ(p2m_set_range(&p, G, G, GB_FRAMES, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);

        /* Scattered 4K pages inside a GiB, then the whole GiB set at once. */
        CHECK_EQ(p2m_set_entry(&p, 9 * GB_FRAMES + 3, 0x77, 0, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, 9 * GB_FRAMES + 0x30003, 0x78, 0, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 2, 0, 1, 2 + 1 + 2);
        CHECK_EQ(p2m_set_range(&p, 9 * GB_FRAMES, 0, GB_FRAMES, p2m_ram_ro, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 2, 2);
        expect_map(&p, 9 * GB_FRAMES + 3, 3, p2m_ram_ro, 18);
        finish(&p);
    }
}

/* Splitting a 1 GiB leaf for one 4 KiB change, and merging it back. */
static void test_split_merge(void)
{
    unsigned int e, k;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t G = 3 * GB_FRAMES, P = G + 0x12345;
        mfn_t M = 9 * GB_FRAMES;
        unsigned int bad = 0, flushes;
        uint64_t frees;

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_entry(&p, G, M, PAGE_ORDER_1G, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);

        CHECK_EQ(p2m_change_type_range(&p, P, 1, p2m_ram_rw, p2m_ram_ro), 0);
        expect_leaves(&p, 512, 511, 0, 4);
        CHECK_EQ(flush_calls, 1);
        for (k = 0; k < 512; k++) {
            gfn_t b = G + k * MB2_FRAMES, last = b + MB2_FRAMES - 1;
            unsigned int order = (P >> 9) == (b >> 9) ? 0 : 9;
            p2m_type_t t1, t2;
            unsigned int o1, o2;

            if (p2m_get_entry(&p, b, &t1, NULL, &o1) != M + (b - G) ||
                p2m_get_entry(&p, last, &t2, NULL, &o2) != M + (last - G) || t1 != p2m_ram_rw ||
                t2 != p2m_ram_rw || o1 != order || o2 != order)
                bad++;
        }
        CHECK(bad == 0, "%s: %u 2 MiB blocks wrong after the split", p.ops->name, bad);
        expect_map(&p, P - 1, M + (P - 1 - G), p2m_ram_rw, 0);
        expect_map(&p, P, M + (P - G), p2m_ram_ro, 0);
        expect_map(&p, P + 1, M + (P + 1 - G), p2m_ram_rw, 0);
        CHECK_EQ(p2m_check(&p), 0);

        /* Restoring merges 4K -> 2M -> 1G and frees both tables, after the flush. */
        frees = sim_frees;
        flushes = flush_calls;
        CHECK_EQ(p2m_change_type_range(&p, P, 1, p2m_ram_ro, p2m_ram_rw), 0);
        expect_leaves(&p, 0, 0, 1, 2);
        CHECK_EQ(sim_frees - frees, 2);
        CHECK_EQ(flush_calls, flushes + 1);
        CHECK_EQ(frees_at_flush, frees);
        expect_map(&p, P, M + (P - G), p2m_ram_rw, 18);

        /* The same through remapping one page elsewhere and back. */
        CHECK_EQ(p2m_set_entry(&p, P, 0x42, PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 512, 511, 0, 4);
        expect_map(&p, P, 0x42, p2m_ram_rw, 0);
        CHECK_EQ(p2m_set_entry(&p, P, M + (P - G), PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);

        /* A different memory type on one page also splits, and merges back. */
        CHECK_EQ(p2m_set_entry(&p, P, M + (P - G), PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_UC), 0);
        expect_leaves(&p, 512, 511, 0, 4);
        CHECK_EQ(p2m_set_entry(&p, P, M + (P - G), PAGE_ORDER_4K, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);

        /* Splitting a 2 MiB leaf out of the GiB: 511 2M + 512 4K. */
        CHECK_EQ(p2m_remove_range(&p, G + 0x400 + 7, 1), 0);
        expect_leaves(&p, 511, 511, 0, 4);
        expect_map(&p, G + 0x407, INVALID_MFN, p2m_invalid, 0);
        CHECK_EQ(p2m_set_range(&p, G + 0x407, M + 0x407, 1, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);
        finish(&p);
    }
}

/* Type changes over ranges that cross superpage boundaries. */
static void test_change_type_crossing(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t G = 4 * GB_FRAMES, s = G + GB_FRAMES - 3, end = G + 2 * GB_FRAMES + 5;
        mfn_t M = 20 * GB_FRAMES;
        uint64_t allocs;

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_range(&p, G, M, 3 * GB_FRAMES, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 3, 2);

        CHECK_EQ(p2m_change_type_range(&p, s, end - s, p2m_ram_rw, p2m_ram_ro), 0);
        /* GiB 0: 511 2M + 509 + 3 4K; GiB 1 whole; GiB 2: 5 + 507 4K + 511 2M. */
        expect_leaves(&p, 1024, 1022, 1, 2 + 2 + 2);
        expect_map(&p, s - 1, M + (s - 1 - G), p2m_ram_rw, 0);
        expect_map(&p, s, M + (s - G), p2m_ram_ro, 0);
        expect_map(&p, G + GB_FRAMES - 1, M + GB_FRAMES - 1, p2m_ram_ro, 0);
        expect_map(&p, G + GB_FRAMES, M + GB_FRAMES, p2m_ram_ro, 18);
        expect_map(&p, G + 2 * GB_FRAMES + 4, M + 2 * GB_FRAMES + 4, p2m_ram_ro, 0);
        expect_map(&p, end, M + (end - G), p2m_ram_rw, 0);
        expect_map(&p, G + 2 * GB_FRAMES + 0x200, M + 2 * GB_FRAMES + 0x200, p2m_ram_rw, 9);
        expect_map(&p, G + GB_FRAMES - 0x201, M + GB_FRAMES - 0x201, p2m_ram_rw, 9);

        /* Types that do not match change nothing: no splits, no flush. */
        allocs = sim_allocs;
        flush_calls = 0;
        CHECK_EQ(p2m_change_type_range(&p, G, 3 * GB_FRAMES, p2m_grant_map_rw, p2m_ram_ro), 0);
        CHECK_EQ(sim_allocs, allocs);
        CHECK_EQ(flush_calls, 0);
        expect_leaves(&p, 1024, 1022, 1, 6);

        /* Back: everything merges into three 1 GiB leaves. */
        CHECK_EQ(p2m_change_type_range(&p, G, 3 * GB_FRAMES, p2m_ram_ro, p2m_ram_rw), 0);
        expect_leaves(&p, 0, 0, 3, 2);

        /* Only matching entries change, holes stay holes. */
        CHECK_EQ(p2m_remove_range(&p, G + 0x1000, 0x10), 0);
        CHECK_EQ(p2m_set_range(&p, G + 0x2000, 0x5, 1, p2m_mmio_direct, P2M_MT_UC), 0);
        CHECK_EQ(p2m_change_type_range(&p, G, 0x4000, p2m_ram_rw, p2m_map_foreign), 0);
        expect_map(&p, G + 0x1000, INVALID_MFN, p2m_invalid, 0);
        expect_map(&p, G + 0x2000, 0x5, p2m_mmio_direct, 0);
        expect_map(&p, G + 0x1010, M + 0x1010, p2m_map_foreign, 0);
        expect_map(&p, G + 0x3fff, M + 0x3fff, p2m_map_foreign, 9);
        expect_map(&p, G + 0x4000, M + 0x4000, p2m_ram_rw, 9);
        CHECK_EQ(p2m_check(&p), 0);
        finish(&p);
    }
}

/* Guest frames across terabytes, and the guest-physical width limit. */
static void test_terabytes_and_limits(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t g40 = 40 * TB_FRAMES, g63 = 63 * TB_FRAMES, top = 64 * TB_FRAMES;
        struct p2m_stats before, after;
        uint64_t allocs, live = sim_live;

        CHECK_EQ(p2m_init(&p, encoders[e], 53, PAGE_ORDER_1G), -EINVAL);
        CHECK_EQ(p2m_init(&p, encoders[e], 31, PAGE_ORDER_1G), -EINVAL);
        CHECK_EQ(p2m_init(&p, encoders[e], 40, 10), -EINVAL);
        CHECK_EQ(p2m_init(&p, encoders[e], 40, 27), -EINVAL);
        CHECK_EQ(sim_live, live);

        setup(&p, encoders[e], 46, PAGE_ORDER_1G); /* 64 TiB */
        CHECK_EQ(p.levels, 4);
        CHECK_EQ(p2m_set_entry(&p, g40, 0x1234, 0, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, g40 + 0x200, 0xFFFFFFFE00ULL, 9, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, g63, 60 * TB_FRAMES, 18, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, top - 1, 0xFFFFFFFFFFULL, 0, p2m_ram_rw, P2M_MT_WB), 0);
        expect_map(&p, g40, 0x1234, p2m_ram_rw, 0);
        expect_map(&p, g40 + 0x3ff, 0xFFFFFFFFFFULL, p2m_ram_rw, 9);
        expect_map(&p, g63 + 0x3ffff, 60 * TB_FRAMES + 0x3ffff, p2m_ram_rw, 18);
        expect_map(&p, top - 1, 0xFFFFFFFFFFULL, p2m_ram_rw, 0);
        expect_map(&p, top, INVALID_MFN, p2m_invalid, 0);

        before = stats(&p);
        allocs = sim_allocs;
        flush_calls = 0;
        CHECK_EQ(p2m_set_entry(&p, top, 0, 0, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_set_range(&p, top - 1, 0, 2, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_set_range(&p, 0, 0, top + 1, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_set_range(&p, 1, 0, ~0ULL, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_set_range(&p, ~0ULL, 0, 1, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_remove_range(&p, g63, top), -ERANGE);
        CHECK_EQ(p2m_change_type_range(&p, top - 1, 2, p2m_ram_rw, p2m_ram_ro), -ERANGE);
        /* Frames beyond 52-bit machine addresses. */
        CHECK_EQ(p2m_set_range(&p, 0, 1ULL << 40, 1, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        CHECK_EQ(p2m_set_range(&p, 0, (1ULL << 40) - 1, 2, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        /* ... which do not matter for a type without frames. */
        CHECK_EQ(p2m_set_range(&p, 0, INVALID_MFN, 1, p2m_populate_on_demand, P2M_MT_WB), 0);
        CHECK_EQ(p2m_remove_range(&p, 0, 1), 0);
        after = stats(&p);
        CHECK(memcmp(&before, &after, sizeof(before)) == 0, "stats moved");
        expect_map(&p, top - 1, 0xFFFFFFFFFFULL, p2m_ram_rw, 0);
        expect_map(&p, g63, 60 * TB_FRAMES, p2m_ram_rw, 18);
        CHECK_EQ(p2m_check(&p), 0);
        finish(&p);
        CHECK_EQ(sim_allocs - allocs, 3); /* only the PoD page's tables */

        /* 52 bits: five levels; the last GiB below 4 PiB. */
        setup(&p, encoders[e], 52, PAGE_ORDER_1G);
        CHECK_EQ(p.levels, 5);
        CHECK_EQ(p2m_set_entry(&p, (1ULL << 40) - GB_FRAMES, 0x40000, 18, p2m_ram_rw, P2M_MT_WB),
                 0);
        expect_leaves(&p, 0, 0, 1, 3);
        expect_map(&p, (1ULL << 40) - 1, 0x7ffff, p2m_ram_rw, 18);
        expect_map(&p, 0, INVALID_MFN, p2m_invalid, 36);
        CHECK_EQ(p2m_set_entry(&p, 1ULL << 40, 0, 0, p2m_ram_rw, P2M_MT_WB), -ERANGE);
        finish(&p);
    }
}

/* Leaf sizes the hardware lacks are never used. */
static void test_max_order(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;

        setup(&p, encoders[e], 40, PAGE_ORDER_2M);
        CHECK_EQ(p2m_set_range(&p, 0, 0, 4 * GB_FRAMES, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 2048, 0, 1 + 1 + 4);
        CHECK_EQ(p2m_set_entry(&p, 8 * GB_FRAMES, 0, PAGE_ORDER_1G, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 2560, 0, 1 + 1 + 5);
        expect_map(&p, 8 * GB_FRAMES + 5, 5, p2m_ram_rw, 9);
        finish(&p);

        setup(&p, encoders[e], 40, PAGE_ORDER_4K);
        CHECK_EQ(p2m_set_range(&p, 0x200, 0x200, 0x400, p2m_ram_rw, P2M_MT_WB), 0);
        expect_leaves(&p, 1024, 0, 0, 1 + 1 + 1 + 2);
        finish(&p);
    }
}

/* Populate on demand: not present to the hardware, split and merged like RAM. */
static void test_populate_on_demand(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t G = 2 * GB_FRAMES;

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_range(&p, G, 0, GB_FRAMES, p2m_populate_on_demand, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);
        expect_map(&p, G + 77, INVALID_MFN, p2m_populate_on_demand, 18);

        /* First touches populate: the PoD entries were never present, no flush. */
        CHECK_EQ(p2m_set_entry(&p, G + 5, 0x999, 0, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_entry(&p, G + 0x200, 0x400, 9, p2m_ram_rw, P2M_MT_WB), 0);
        CHECK_EQ(flush_calls, 0);
        expect_leaves(&p, 512, 511, 0, 4);
        expect_map(&p, G + 4, INVALID_MFN, p2m_populate_on_demand, 0);
        expect_map(&p, G + 5, 0x999, p2m_ram_rw, 0);
        expect_map(&p, G + 0x3ff, 0x5ff, p2m_ram_rw, 9);
        expect_map(&p, G + 0x400, INVALID_MFN, p2m_populate_on_demand, 9);

        /* Giving the memory back (reclaim) merges back to one PoD GiB. */
        CHECK_EQ(p2m_set_range(&p, G + 5, 0, 1, p2m_populate_on_demand, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 512, 0, 3);
        CHECK(flush_calls == 1, "%s: %u flushes", p.ops->name, flush_calls);
        CHECK_EQ(p2m_set_range(&p, G + 0x200, 0, 0x200, p2m_populate_on_demand, P2M_MT_WB), 0);
        expect_leaves(&p, 0, 0, 1, 2);
        finish(&p);
    }
}

/*
 * Lazy population's reserved GiB: one p2m_ram_unscrubbed leaf with its
 * frames, made present 2 MiB at a time (change of type, frames kept), is
 * counted by type at every step and merges back into one 1 GiB RAM leaf
 * when the last piece turns.
 */
static void test_unscrubbed_coalesce(void)
{
    unsigned int e, i;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        struct p2m_stats st;
        gfn_t G = 5 * GB_FRAMES;
        mfn_t M = 0x40000 * 7;

        setup(&p, encoders[e], 48, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_range(&p, 0, 0, 8 * GB_FRAMES, p2m_populate_on_demand, P2M_MT_WB), 0);
        CHECK_EQ(p2m_set_range(&p, G, M, GB_FRAMES, p2m_ram_unscrubbed, P2M_MT_WB), 0);
        expect_map(&p, G + 1234, M + 1234, p2m_ram_unscrubbed, 18);
        CHECK_EQ(p.type_frames[p2m_populate_on_demand], 7 * GB_FRAMES);
        CHECK_EQ(p.type_frames[p2m_ram_unscrubbed], GB_FRAMES);
        for (i = 0; i < 512; i++) {
            gfn_t g = G + ((i * 37) % 512) * MB2_FRAMES;   /* out of order */

            CHECK_EQ(p2m_change_type_range(&p, g, MB2_FRAMES, p2m_ram_unscrubbed, p2m_ram_rw), 0);
            if (i == 0) {
                expect_map(&p, g + 3, M + (g - G) + 3, p2m_ram_rw, 9);
                CHECK_EQ(p.ram_leaves[P2M_LEVEL_2M], 1);
                CHECK_EQ(p.type_frames[p2m_ram_rw], MB2_FRAMES);
            }
            if (i == 100)
                CHECK_EQ(p2m_check(&p), 0);
        }
        expect_map(&p, G + 999, M + 999, p2m_ram_rw, 18);
        p2m_get_stats(&p, &st);
        CHECK_EQ(st.ram_leaves[P2M_LEVEL_1G], 1);
        CHECK_EQ(st.ram_leaves[P2M_LEVEL_2M], 0);
        CHECK_EQ(st.type_frames[p2m_ram_unscrubbed], 0);
        CHECK_EQ(st.type_frames[p2m_ram_rw], GB_FRAMES);
        /* Unscrubbed frames are never present to the hardware. */
        CHECK(!p.ops->is_present(p.ops->make_leaf(&(struct p2m_leaf){p2m_ram_unscrubbed,
                                                                     P2M_MT_WB, M}, 2)),
              "%s: unscrubbed leaf present", p.ops->name);
        finish(&p);
    }
}

/* Allocation failure: an error, a consistent tree, nothing leaked. */
static void test_enomem(void)
{
    unsigned int e;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        gfn_t G = GB_FRAMES;
        uint64_t live = sim_live;

        sim_fail_after = 0;
        CHECK_EQ(p2m_init(&p, encoders[e], 40, PAGE_ORDER_1G), -ENOMEM);
        CHECK_EQ(sim_live, live);

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        CHECK_EQ(p2m_set_entry(&p, G, G, PAGE_ORDER_1G, p2m_ram_rw, P2M_MT_WB), 0);
        sim_fail_after = 0;
        CHECK_EQ(p2m_change_type_range(&p, G + 3, 1, p2m_ram_rw, p2m_ram_ro), -ENOMEM);
        expect_leaves(&p, 0, 0, 1, 2);
        expect_map(&p, G + 3, G + 3, p2m_ram_rw, 18);
        CHECK_EQ(flush_calls, 0);

        /* The 1G -> 2M split succeeds, 2M -> 4K fails: the split is merged away. */
        sim_fail_after = 1;
        CHECK_EQ(p2m_change_type_range(&p, G + 3, 1, p2m_ram_rw, p2m_ram_ro), -ENOMEM);
        expect_leaves(&p, 0, 0, 1, 2);
        expect_map(&p, G + 3, G + 3, p2m_ram_rw, 18);
        CHECK_EQ(p2m_check(&p), 0);

        /* A range: some of it done, the rest as before, every gfn one or the other. */
        sim_fail_after = 3;
        CHECK_EQ(p2m_set_range(&p, 0x10, 0x5000, 0x1000, p2m_ram_rw, P2M_MT_WB), -ENOMEM);
        expect_map(&p, 0x10, 0x5000, p2m_ram_rw, 0);
        expect_map(&p, 0x1f, 0x500f, p2m_ram_rw, 0);
        /* Tables for the first two 2 MiB blocks were allocated, the third failed. */
        expect_map(&p, 0x3ff, 0x53ef, p2m_ram_rw, 0);
        expect_map(&p, 0x400, INVALID_MFN, p2m_invalid, 9);
        CHECK_EQ(p2m_check(&p), 0);
        sim_fail_after = -1;
        CHECK_EQ(p2m_set_range(&p, 0x10, 0x5000, 0x1000, p2m_ram_rw, P2M_MT_WB), 0);
        expect_map(&p, 0x100f, 0x5fff, p2m_ram_rw, 0);
        finish(&p);
    }
}

/* Unlinked tables are freed only after the flush; none without hw_loaded. */
static void test_flush_and_teardown(void)
{
    unsigned int e, i;

    for (e = 0; e < NR_ENCODERS; e++) {
        struct p2m p;
        uint64_t gen, frees;

        setup(&p, encoders[e], 40, PAGE_ORDER_1G);
        p.hw_loaded = false;
        for (i = 0; i < 200; i++)
            CHECK_EQ(p2m_set_entry(&p, (gfn_t)i * 0x1001, i, 0, p2m_ram_rw, P2M_MT_WB), 0);
        gen = p.tlb_gen;
        CHECK_EQ(p2m_remove_range(&p, 0, 0x1000), 0);
        CHECK_EQ(flush_calls, 0);
        CHECK(p.tlb_gen > gen, "tlb_gen moves even when no CPU has loaded the p2m");

        p.hw_loaded = true;
        frees = sim_frees;
        /* One remove frees more tables than one batch: several flushes, each before frees. */
        CHECK_EQ(p2m_remove_range(&p, 0, p.max_gfn), 0);
        /* 199 4K-entry tables, four 2M-entry ones, one 1G-entry one: batches of 64. */
        CHECK_EQ(sim_frees - frees, 199 + 4 + 1);
        CHECK_EQ(flush_calls, 4);
        CHECK_EQ(frees_at_flush, frees + 192);
        expect_leaves(&p, 0, 0, 0, 1);

        for (i = 0; i < 200; i++)
            CHECK_EQ(p2m_set_entry(&p, (gfn_t)i * 0x100001, i, 0, p2m_ram_rw, P2M_MT_WB), 0);
        flush_calls = 0;
        frees = sim_frees;
        p2m_teardown(&p);
        /* 200 + 200 + 2 tables and the root, in batches of 64 */
        CHECK_EQ(flush_calls, 7);
        CHECK_EQ(sim_live, 0);
        CHECK_EQ(sim_frees - frees, 403);
        p2m_teardown(&p); /* twice is harmless */
        CHECK_EQ(sim_live, 0);
    }
}

/* ---- random operations against a reference model ---- */

#define WIN_BASE (40 * TB_FRAMES) /* the window: 4 GiB at 40 TiB */
#define WIN_SIZE (4 * GB_FRAMES)
static mfn_t model_mfn[WIN_SIZE], old_mfn[WIN_SIZE];
static uint8_t model_type[WIN_SIZE], model_mt[WIN_SIZE], old_type[WIN_SIZE], old_mt[WIN_SIZE];
static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
    return rnd() % n;
}

static inline bool same_entry(uint64_t i, p2m_type_t t, p2m_memtype_t mt, mfn_t mfn, bool has,
                              bool old)
{
    if ((old ? old_type[i] : model_type[i]) != t)
        return false;
    if (t == p2m_invalid)
        return true;
    if ((old ? old_mt[i] : model_mt[i]) != mt)
        return false;
    return !has || (old ? old_mfn[i] : model_mfn[i]) == mfn;
}

/*
 * Compares [lo, hi) (window offsets) with the model, one leaf at a time.
 * With adopt, a gfn may instead hold its old value, and the model takes
 * whatever the tree has (after a failed change).
 */
static unsigned int verify(struct p2m *p, uint64_t lo, uint64_t hi, bool adopt)
{
    uint64_t g = lo, bad = 0;

    while (g < hi) {
        p2m_type_t t;
        p2m_memtype_t mt;
        unsigned int order;
        mfn_t mfn = p2m_get_entry(p, WIN_BASE + g, &t, &mt, &order);
        uint64_t size = 1ULL << order, start = g & ~(size - 1), end = min(start + size, hi), x;
        mfn_t base = mfn == INVALID_MFN ? INVALID_MFN : mfn - (g - start);
        bool has = p2m_type_has_mfn(t);

        for (x = g; x < end; x++) {
            mfn_t m = has ? base + (x - start) : INVALID_MFN;

            if (same_entry(x, t, mt, m, has, false))
                continue;
            if (adopt && same_entry(x, t, mt, m, has, true)) {
                model_type[x] = (uint8_t)t;
                model_mt[x] = (uint8_t)mt;
                model_mfn[x] = m;
                continue;
            }
            if (!bad++)
                printf("  %s: gfn +%#lx: tree %d/%u/%#lx, model %u/%u/%#lx\n", p->ops->name,
                       (unsigned long)x, t, mt, (unsigned long)m, model_type[x], model_mt[x],
                       (unsigned long)model_mfn[x]);
        }
        g = end;
    }
    return (unsigned int)bad;
}

static bool block_uniform(uint64_t s, uint64_t n)
{
    uint64_t i;
    p2m_type_t t = model_type[s];

    if (p2m_type_has_mfn(t) && (model_mfn[s] & (n - 1)))
        return false;
    for (i = s + 1; i < s + n; i++) {
        if (model_type[i] != t)
            return false;
        if (t == p2m_invalid)
            continue;
        if (model_mt[i] != model_mt[s])
            return false;
        if (p2m_type_has_mfn(t) && model_mfn[i] != model_mfn[s] + (i - s))
            return false;
    }
    return true;
}

/* The canonical tree the model implies: leaves by size and table pages. */
static void expect_canonical(struct p2m *p)
{
    uint64_t n[3] = {0, 0, 0}, tables = 1, b, m, i;
    bool any = false;

    for (b = 0; b < WIN_SIZE; b += GB_FRAMES) {
        if (block_uniform(b, GB_FRAMES)) {
            if (model_type[b] != p2m_invalid) {
                n[2]++;
                any = true;
            }
            continue;
        }
        any = true;
        tables++;
        for (m = b; m < b + GB_FRAMES; m += MB2_FRAMES) {
            if (block_uniform(m, MB2_FRAMES)) {
                n[1] += model_type[m] != p2m_invalid;
                continue;
            }
            tables++;
            for (i = m; i < m + MB2_FRAMES; i++)
                n[0] += model_type[i] != p2m_invalid;
        }
    }
    expect_leaves(p, n[0], n[1], n[2], tables + any);
}

static const p2m_type_t mfn_types[] = {p2m_ram_rw,       p2m_ram_rw,      p2m_ram_rw,
                                       p2m_ram_ro,       p2m_mmio_direct, p2m_grant_map_rw,
                                       p2m_grant_map_ro, p2m_map_foreign, p2m_ram_unscrubbed};

static void random_run(const struct p2m_ops *ops, uint64_t seed, unsigned int steps)
{
    struct p2m p;
    unsigned int step, bad = 0, nomem = 0, rejected = 0;
    uint64_t i;

    rng_state = seed;
    memset(model_type, 0, sizeof(model_type));
    setup(&p, ops, 46, PAGE_ORDER_1G);
    for (step = 0; step < steps && !bad; step++) {
        unsigned int kind = (unsigned int)rnd_below(100), cls = (unsigned int)rnd_below(100);
        uint64_t nr, s, lo, hi;
        p2m_type_t t, from;
        p2m_memtype_t mt;
        mfn_t mfn = 0;
        unsigned int order = 0;
        int rc, want = 0;

        if (cls < 50)
            nr = 1 + rnd_below(64);
        else if (cls < 75)
            nr = 1 + rnd_below(2048);
        else if (cls < 94)
            nr = MB2_FRAMES * (1 + rnd_below(rnd_below(4) ? 64 : 1024));
        else
            nr = GB_FRAMES * (1 + rnd_below(2));
        s = rnd_below(WIN_SIZE - nr + 1);
        if (cls >= 75)
            s &= ~(cls < 94 ? MB2_FRAMES - 1 : GB_FRAMES - 1);

        t = rnd_below(8) ? mfn_types[rnd_below(ARRAY_SIZE(mfn_types))] : p2m_populate_on_demand;
        mt = rnd_below(8) ? P2M_MT_WB : (rnd_below(2) ? P2M_MT_UC : P2M_MT_WC);
        switch (rnd_below(4)) {
        case 0:
        case 1: /* contiguous with the window's usual frames: superpages and merges */
            mfn = 0x100000000ULL + s;
            break;
        case 2:
            mfn = 0x100000000ULL + s + MB2_FRAMES * rnd_below(4);
            break;
        default: /* anywhere; large ranges at least 2 MiB-aligned */
            mfn = rnd_below(1ULL << 39);
            if (nr > 4096)
                mfn &= ~(MB2_FRAMES - 1);
            break;
        }
        if (kind >= 40 && kind < 55) { /* one naturally aligned entry */
            order = (unsigned int)(rnd_below(3) * 9);
            s &= ~((1ULL << order) - 1);
            mfn &= ~((1ULL << order) - 1);
            nr = 1ULL << order;
        }
        memcpy(old_type + s, model_type + s, nr);
        memcpy(old_mt + s, model_mt + s, nr);
        memcpy(old_mfn + s, model_mfn + s, nr * sizeof(mfn_t));

        if (rnd_below(20) == 0)
            sim_fail_after = (long)rnd_below(4);

        if (kind < 40) {
            rc = p2m_set_range(&p, WIN_BASE + s, mfn, nr, t, mt);
            for (i = s; i < s + nr; i++) {
                model_type[i] = (uint8_t)t;
                model_mt[i] = (uint8_t)mt;
                model_mfn[i] = p2m_type_has_mfn(t) ? mfn + (i - s) : INVALID_MFN;
            }
        } else if (kind < 55) {
            rc = p2m_set_entry(&p, WIN_BASE + s, mfn, order, t, mt);
            for (i = s; i < s + nr; i++) {
                model_type[i] = (uint8_t)t;
                model_mt[i] = (uint8_t)mt;
                model_mfn[i] = p2m_type_has_mfn(t) ? mfn + (i - s) : INVALID_MFN;
            }
        } else if (kind < 80) {
            from = mfn_types[rnd_below(ARRAY_SIZE(mfn_types))];
            if (rnd_below(10) == 0) {
                /* Mixing a type with frames and one without is refused. */
                want = -EINVAL;
                t = p2m_populate_on_demand;
            } else if (t == p2m_populate_on_demand) {
                t = p2m_ram_ro;
            }
            rc = p2m_change_type_range(&p, WIN_BASE + s, nr, from, t);
            for (i = s; i < s + nr && !want; i++)
                if (model_type[i] == from)
                    model_type[i] = (uint8_t)t;
        } else {
            rc = p2m_remove_range(&p, WIN_BASE + s, nr);
            for (i = s; i < s + nr; i++)
                model_type[i] = p2m_invalid;
        }
        sim_fail_after = -1;

        lo = s >= MB2_FRAMES ? s - MB2_FRAMES : 0;
        hi = min(s + nr + MB2_FRAMES, WIN_SIZE);
        if (rc == -ENOMEM) {
            nomem++;
            bad += verify(&p, s, s + nr, true);
            bad += p2m_check(&p);
        } else if (rc != want) {
            printf("  %s: step %u: rc %d, expected %d\n", ops->name, step, rc, want);
            bad++;
        }
        rejected += rc == -EINVAL;
        bad += verify(&p, lo, hi, false);
        if (step % 250 == 0) {
            bad += verify(&p, 0, WIN_SIZE, false);
            bad += p2m_check(&p);
            expect_canonical(&p);
        }
    }
    CHECK(bad == 0, "%s: seed %#lx: stopped at step %u", ops->name, (unsigned long)seed, step);
    CHECK_EQ(verify(&p, 0, WIN_SIZE, false), 0);
    CHECK_EQ(p2m_check(&p), 0);
    expect_canonical(&p);
    CHECK(nomem > 0 && rejected > 0, "%s: %u allocation failures, %u refusals exercised", ops->name,
          nomem, rejected);
    printf("  %s: %u steps, %u allocation failures; leaves 4K %lu 2M %lu 1G %lu, %lu tables\n",
           ops->name, step, nomem, (unsigned long)p.nr_leaves[0], (unsigned long)p.nr_leaves[1],
           (unsigned long)p.nr_leaves[2], (unsigned long)p.nr_tables);
    finish(&p);
}

static void test_random_vs_model(void)
{
    random_run(&ept_ops, 0x9E3779B97F4A7C15ULL, 3000);
    random_run(&npt_ops, 0xD1B54A32D192ED03ULL, 3000);
}

/* More seeds, shorter runs: different mixes of leaf sizes at the end. */
static void test_random_seeds(void)
{
    unsigned int e, r;

    for (e = 0; e < NR_ENCODERS; e++)
        for (r = 0; r < 3; r++)
            random_run(encoders[e], 0x1234567ULL * (r + 1) + e, 400);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"p2m_ept_bits", test_ept_bits},
        {"p2m_npt_bits", test_npt_bits},
        {"p2m_encoder_roundtrip", test_encoder_roundtrip},
        {"p2m_map_query", test_map_query},
        {"p2m_range_12tib", test_range_12tib},
        {"p2m_range_misaligned", test_range_misaligned},
        {"p2m_split_merge", test_split_merge},
        {"p2m_change_type_crossing", test_change_type_crossing},
        {"p2m_terabytes_and_limits", test_terabytes_and_limits},
        {"p2m_max_order", test_max_order},
        {"p2m_populate_on_demand", test_populate_on_demand},
        {"p2m_unscrubbed_coalesce", test_unscrubbed_coalesce},
        {"p2m_enomem", test_enomem},
        {"p2m_flush_and_teardown", test_flush_and_teardown},
        {"p2m_random_vs_model", test_random_vs_model},
        {"p2m_random_seeds", test_random_seeds},
    };

    encoders_init();
    return test_run(cases, ARRAY_SIZE(cases));
}
