/*
 * Host tests of the vLAPIC's pure logic (xen/arch/x86/hvm/vlapic_logic.c):
 * vector scans, PPR and the deliverable vector, timer divide and count
 * maths, ICR decoding, physical and logical destination matching, the
 * x2APIC MSR map and write masks, IA32_APIC_BASE transitions, and the
 * MADT's APIC IDs agreeing with the vLAPIC's (2 x vCPU id).
 */
#include "test.h"
#include <xen/compiler.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/acpi.h>
#include <asm/acpi_tables.h>

static uint32_t regs[VLAPIC_NR_REGS];

static void set_vec(unsigned int base, unsigned int vec)
{
    VLAPIC_REG(regs, base + 0x10 * (vec / 32)) |= 1u << (vec % 32);
}

static void clear_all(void)
{
    memset(regs, 0, sizeof(regs));
}

static void test_vector_scan(void)
{
    clear_all();
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_IRR), -1);
    set_vec(LAPIC_IRR, 0x31);
    set_vec(LAPIC_IRR, 0xef);
    set_vec(LAPIC_IRR, 0x20);
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_IRR), 0xef);
    set_vec(LAPIC_IRR, 0xff);
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_IRR), 0xff);
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_ISR), -1);
    set_vec(LAPIC_ISR, 0x10);
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_ISR), 0x10);
}

/* PPR: the TPR unless the in-service class is higher; delivery needs a class above PPR's. */
static void test_priority(void)
{
    clear_all();
    CHECK_EQ(vlapic_compute_ppr(regs), 0);
    VLAPIC_REG(regs, LAPIC_TPR) = 0x35;
    CHECK_EQ(vlapic_compute_ppr(regs), 0x35);
    set_vec(LAPIC_ISR, 0x51);
    CHECK_EQ(vlapic_compute_ppr(regs), 0x50);
    VLAPIC_REG(regs, LAPIC_TPR) = 0x5f;
    CHECK_EQ(vlapic_compute_ppr(regs), 0x5f);   /* same class: TPR with its low bits */

    clear_all();
    CHECK_EQ(vlapic_deliverable_vector(regs), -1);
    set_vec(LAPIC_IRR, 0x40);
    CHECK_EQ(vlapic_deliverable_vector(regs), 0x40);
    VLAPIC_REG(regs, LAPIC_TPR) = 0x40;         /* TPR masks its own class */
    CHECK_EQ(vlapic_deliverable_vector(regs), -1);
    VLAPIC_REG(regs, LAPIC_TPR) = 0x3f;
    CHECK_EQ(vlapic_deliverable_vector(regs), 0x40);
    VLAPIC_REG(regs, LAPIC_TPR) = 0;
    set_vec(LAPIC_ISR, 0x45);                   /* in service in the same class: held */
    CHECK_EQ(vlapic_deliverable_vector(regs), -1);
    set_vec(LAPIC_IRR, 0x61);                   /* a higher class nests */
    CHECK_EQ(vlapic_deliverable_vector(regs), 0x61);
    /* EOI order: the highest in-service vector goes first. */
    set_vec(LAPIC_ISR, 0x61);
    CHECK_EQ(vlapic_highest_vector(regs, LAPIC_ISR), 0x61);
}

static void test_timer_maths(void)
{
    static const struct { uint32_t tdcr; unsigned int div; } divs[] = {
        {0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1},
        {0xfffffff4, 2}, {0xfffffffb, 1},        /* bits other than 0, 1, 3 do not count */
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(divs); i++)
        CHECK(vlapic_timer_divisor(divs[i].tdcr) == divs[i].div, "TDCR %#x: divisor %u, want %u",
              divs[i].tdcr, vlapic_timer_divisor(divs[i].tdcr), divs[i].div);
    CHECK_EQ(vlapic_timer_ns(1000000, 1), 1000000);
    CHECK_EQ(vlapic_timer_ns(0xffffffffU, 128), 0xffffffffULL * 128);   /* no 32-bit overflow */
    /* One-shot: counts down, stops at 0. */
    CHECK_EQ(vlapic_timer_current(1000, 2, 0, false), 1000);
    CHECK_EQ(vlapic_timer_current(1000, 2, 500, false), 750);
    CHECK_EQ(vlapic_timer_current(1000, 2, 2000, false), 0);
    CHECK_EQ(vlapic_timer_current(1000, 2, 1u << 30, false), 0);
    /* Periodic: reloads. */
    CHECK_EQ(vlapic_timer_current(1000, 1, 2500, true), 500);
    CHECK_EQ(vlapic_timer_current(1000, 1, 1000, true), 1000);
    CHECK_EQ(vlapic_timer_current(0, 1, 5, true), 0);
}

static void test_icr_decode(void)
{
    struct vlapic_icr icr;

    /* xAPIC: INIT level assert to APIC ID 4 (ICR2 bits 31:24). */
    vlapic_icr_decode(((uint64_t)4 << 56) | 0x4500, false, &icr);
    CHECK_EQ(icr.mode, LAPIC_DM_INIT);
    CHECK(icr.level_assert && !icr.logical && !icr.level_trigger, "INIT assert, physical");
    CHECK_EQ(icr.dest, 4);
    CHECK_EQ(icr.shorthand, LAPIC_SH_NONE);
    /* SIPI vector 0x9e. */
    vlapic_icr_decode(((uint64_t)2 << 56) | 0x069e, false, &icr);
    CHECK_EQ(icr.mode, LAPIC_DM_STARTUP);
    CHECK_EQ(icr.vector, 0x9e);
    /* Fixed, logical, all-excluding-self. */
    vlapic_icr_decode(0x000c0841, false, &icr);
    CHECK_EQ(icr.mode, LAPIC_DM_FIXED);
    CHECK_EQ(icr.vector, 0x41);
    CHECK(icr.logical, "logical");
    CHECK_EQ(icr.shorthand, LAPIC_SH_OTHERS);
    /* NMI, self. */
    vlapic_icr_decode(0x00040400, false, &icr);
    CHECK_EQ(icr.mode, LAPIC_DM_NMI);
    CHECK_EQ(icr.shorthand, LAPIC_SH_SELF);
    /* x2APIC: 32-bit destination in the high half. */
    vlapic_icr_decode(((uint64_t)0x12345678 << 32) | 0x0150, true, &icr);
    CHECK_EQ(icr.dest, 0x12345678);
    CHECK_EQ(icr.mode, LAPIC_DM_LOWEST);
    CHECK_EQ(icr.vector, 0x50);
}

static void test_destinations(void)
{
    /* Physical. */
    CHECK(vlapic_match_physical(2, 2, false), "xAPIC physical match");
    CHECK(!vlapic_match_physical(2, 4, false), "xAPIC physical mismatch");
    CHECK(vlapic_match_physical(6, 0xff, false), "xAPIC broadcast 0xff");
    CHECK(!vlapic_match_physical(0x102, 2, true), "x2APIC uses all 32 bits");
    CHECK(vlapic_match_physical(0x102, 0x102, true), "x2APIC physical match");
    CHECK(vlapic_match_physical(0x102, 0xffffffffU, true), "x2APIC broadcast");
    CHECK(!vlapic_match_physical(0x102, 0xff, true), "0xff is no x2APIC broadcast");
    /* Flat logical. */
    CHECK(vlapic_match_logical(0x02000000, LAPIC_DFR_FLAT, 0x03, false), "flat: common bit");
    CHECK(!vlapic_match_logical(0x02000000, LAPIC_DFR_FLAT, 0x05, false), "flat: no common bit");
    CHECK(!vlapic_match_logical(0, LAPIC_DFR_FLAT, 0x7f, false), "flat: LDR 0 matches nothing");
    CHECK(vlapic_match_logical(0, LAPIC_DFR_FLAT, 0xff, false), "flat: 0xff is a broadcast");
    /* Cluster logical: cluster in the high nibble. */
    CHECK(vlapic_match_logical(0x21000000, LAPIC_DFR_CLUSTER, 0x23, false), "cluster match");
    CHECK(!vlapic_match_logical(0x21000000, LAPIC_DFR_CLUSTER, 0x13, false), "other cluster");
    CHECK(!vlapic_match_logical(0x21000000, LAPIC_DFR_CLUSTER, 0x22, false), "no common bit");
    CHECK(vlapic_match_logical(0x21000000, LAPIC_DFR_CLUSTER, 0xf1, false), "cluster 15: all");
    CHECK(!vlapic_match_logical(0x21000000, 0x5fffffff, 0x21, false), "undefined model");
    /* x2APIC cluster: LDR derived from the ID. */
    CHECK_EQ(vlapic_x2apic_ldr(0), 0x00000001);
    CHECK_EQ(vlapic_x2apic_ldr(6), 0x00000040);
    CHECK_EQ(vlapic_x2apic_ldr(0x23), 0x00020008);
    CHECK(vlapic_match_logical(vlapic_x2apic_ldr(0x23), 0, 0x00020018, true), "x2APIC cluster");
    CHECK(!vlapic_match_logical(vlapic_x2apic_ldr(0x23), 0, 0x00010008, true),
          "x2APIC other cluster");
    CHECK(vlapic_match_logical(vlapic_x2apic_ldr(0x23), 0, 0xffffffffU, true), "x2APIC broadcast");
}

static void test_x2apic_map(void)
{
    static const struct { uint32_t msr; int rd, wr; } map[] = {
        {0x802, 0x020, -1}, {0x803, 0x030, -1}, {0x808, 0x080, 0x080}, {0x809, -1, -1},
        {0x80a, 0x0a0, -1}, {0x80b, -1, 0x0b0}, {0x80c, -1, -1}, {0x80d, 0x0d0, -1},
        {0x80e, -1, -1}, {0x80f, 0x0f0, 0x0f0}, {0x810, 0x100, -1}, {0x817, 0x170, -1},
        {0x818, 0x180, -1}, {0x827, 0x270, -1}, {0x828, 0x280, 0x280}, {0x82f, -1, -1},
        {0x830, 0x300, 0x300}, {0x831, -1, -1}, {0x832, 0x320, 0x320}, {0x837, 0x370, 0x370},
        {0x838, 0x380, 0x380}, {0x839, 0x390, -1}, {0x83e, 0x3e0, 0x3e0}, {0x83f, -1, 0x3f0},
        {0x800, -1, -1}, {0x840, -1, -1}, {0x8ff, -1, -1}, {0x7ff, -1, -1}, {0x900, -1, -1},
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(map); i++) {
        int rd = vlapic_x2apic_offset(map[i].msr, false);
        int wr = vlapic_x2apic_offset(map[i].msr, true);

        CHECK(rd == map[i].rd && wr == map[i].wr, "MSR %#x: read %d write %d, want %d %d",
              map[i].msr, rd, wr, map[i].rd, map[i].wr);
    }
    CHECK_EQ(vlapic_write_mask(LAPIC_LDR, true), 0);
    CHECK_EQ(vlapic_write_mask(LAPIC_LDR, false), 0xff000000U);
    CHECK_EQ(vlapic_write_mask(LAPIC_ID, false), 0);          /* ID is read-only here */
    CHECK_EQ(vlapic_write_mask(LAPIC_TDCR, false), 0xb);
    CHECK_EQ(vlapic_write_mask(LAPIC_LVTT, false), 0x000700ffU);
    CHECK_EQ(vlapic_write_mask(LAPIC_SELF_IPI, false), 0);
    CHECK_EQ(vlapic_write_mask(LAPIC_SELF_IPI, true), 0xff);
    CHECK_EQ(vlapic_write_mask(LAPIC_ICR, false) & LAPIC_ICR_BUSY, 0);
}

static void test_apic_base(void)
{
    const uint64_t base = LAPIC_BASE_ADDR, en = LAPIC_BASE_ENABLE, x2 = LAPIC_BASE_EXTD;
    const uint64_t bsp = LAPIC_BASE_BSP;

    CHECK(vlapic_base_write_ok(base | en | bsp, base | en | bsp), "same value");
    CHECK(vlapic_base_write_ok(base | en, base | en | x2), "xAPIC -> x2APIC");
    CHECK(vlapic_base_write_ok(base | en | x2, base), "x2APIC -> disabled");
    CHECK(vlapic_base_write_ok(base, base | en), "disabled -> xAPIC");
    CHECK(vlapic_base_write_ok(base | en, base), "xAPIC -> disabled");
    CHECK(!vlapic_base_write_ok(base | en | x2, base | en), "x2APIC -> xAPIC refused");
    CHECK(!vlapic_base_write_ok(base, base | en | x2), "disabled -> x2APIC refused");
    CHECK(!vlapic_base_write_ok(base | en, base | x2), "EXTD without EN refused");
    CHECK(!vlapic_base_write_ok(base | en, 0xfec00000ULL | en), "relocation refused");
    CHECK(!vlapic_base_write_ok(base | en, base | en | 1), "reserved bit 0");
    CHECK(!vlapic_base_write_ok(base | en, base | en | (1ULL << 9)), "reserved bit 9");
    CHECK(!vlapic_base_write_ok(base | en, base | en | (1ULL << 63)), "reserved bit 63");
}

/* The MADT the domain builder writes names the APIC IDs the vLAPIC reports: 2 x vCPU id. */
static void test_madt_ids(void)
{
    static uint8_t buf[4096];
    const struct acpi_madt *madt = (const struct acpi_madt *)(buf + 96);
    const struct acpi_madt_lapic *l = (const struct acpi_madt_lapic *)(madt + 1);
    unsigned int i;

    CHECK_EQ(hvm_acpi_build(buf, sizeof(buf), 0xfc000000ULL, 4), 0);
    for (i = 0; i < 4; i++) {
        CHECK_EQ(l[i].apic_id, 2 * i);
        CHECK_EQ(l[i].processor_uid, i);
    }
}

int main(void)
{
    static const struct test_case cases[] = {
        {"vlapic_vector_scan", test_vector_scan},
        {"vlapic_priority", test_priority},
        {"vlapic_timer_maths", test_timer_maths},
        {"vlapic_icr_decode", test_icr_decode},
        {"vlapic_destinations", test_destinations},
        {"vlapic_x2apic_map", test_x2apic_map},
        {"vlapic_apic_base", test_apic_base},
        {"vlapic_madt_ids", test_madt_ids},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
