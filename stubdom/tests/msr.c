/*
 * msr: the MSRs Linux touches early without fault protection can be read
 * (and, where Linux writes them, written) without a fault; MSRs nobody
 * implements raise #GP on read and on write, which this guest catches.
 */
#include "guest.h"

const char test_name[] = "msr";

#define GS_BASE_TEST_VALUE                                                                         \
    ((uint64_t)0xffff888012345000) /* canonical, like a Linux per-CPU base                         \
                                    */
#define LAPIC_DEFAULT_BASE ((uint64_t)0xfee00000)

static bool read_ok(const char *name, uint32_t msr, uint64_t *val)
{
    int v = rdmsr_safe(msr, val);

    return check(v < 0, name, "rdmsr %#x %s %#lx", msr, v < 0 ? "=" : "FAULTED",
                 v < 0 ? *val : (uint64_t)v);
}

static void check_efer(void)
{
    uint64_t efer;

    if (!read_ok("efer_read", MSR_EFER, &efer))
        return;
    check((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "efer_long_mode",
          "EFER %#lx: LME %s, LMA %s", efer, efer & EFER_LME ? "set" : "CLEAR",
          efer & EFER_LMA ? "set" : "CLEAR");
    /* Linux's PVH entry does rdmsr; or LME; wrmsr. */
    check(wrmsr_safe(MSR_EFER, efer) < 0, "efer_write", "wrmsr EFER %#lx (unchanged)", efer);
}

static void check_gs_base(void)
{
    uint64_t old, now = 0;
    int v;

    if (!read_ok("gs_base_read", MSR_GS_BASE, &old))
        return;
    v = wrmsr_safe(MSR_GS_BASE, GS_BASE_TEST_VALUE);
    if (v < 0)
        rdmsr_safe(MSR_GS_BASE, &now);
    check(v < 0 && now == GS_BASE_TEST_VALUE, "gs_base_write", "wrote %#lx, read back %#lx%s",
          (uint64_t)GS_BASE_TEST_VALUE, now, v < 0 ? "" : " (wrmsr FAULTED)");
    wrmsr_safe(MSR_GS_BASE, old);
}

static void check_apic_base(void)
{
    uint64_t v;

    if (!read_ok("apic_base_read", MSR_APIC_BASE, &v))
        return;
    check((v & APIC_BASE_ENABLE) && (v & APIC_BASE_BSP) &&
              (v & APIC_BASE_ADDR_MASK) == LAPIC_DEFAULT_BASE,
          "apic_base_value", "%#lx: enabled %s, BSP %s, x2APIC %s, base %#lx", v,
          v & APIC_BASE_ENABLE ? "yes" : "NO", v & APIC_BASE_BSP ? "yes" : "NO",
          v & APIC_BASE_EXTD ? "yes" : "no", v & APIC_BASE_ADDR_MASK);
}

/* Intel: Linux writes 0 to 0x8B before CPUID.1 to read the microcode revision. */
static void check_intel_msrs(void)
{
    uint64_t v;

    read_ok("bios_sign_id_read", MSR_BIOS_SIGN_ID, &v);
    if (cpu.vendor_id != VENDOR_INTEL) {
        int f = rdmsr_safe(MSR_MISC_ENABLE, &v);

        info("not Intel: MISC_ENABLE %s (not checked)", f < 0 ? "reads" : "faults");
        return;
    }
    check(wrmsr_safe(MSR_BIOS_SIGN_ID, 0) < 0, "bios_sign_id_write", "wrmsr %#x = 0",
          MSR_BIOS_SIGN_ID);
    read_ok("misc_enable_read", MSR_MISC_ENABLE, &v);
}

static void expect_gp(uint32_t msr)
{
    char name[32];
    uint64_t v = 0;
    int r = rdmsr_safe(msr, &v);

    snprintf(name, sizeof(name), "unknown_read_%#x", msr);
    check(r == X86_EXC_GP, name, "rdmsr %#x: %s", msr,
          r == X86_EXC_GP ? "#GP as expected"
          : r < 0         ? "no fault (returned data)"
                          : exception_name((unsigned int)r));
    if (r < 0)
        info("  rdmsr %#x returned %#lx", msr, v);
    r = wrmsr_safe(msr, 0x1234567890ull);
    snprintf(name, sizeof(name), "unknown_write_%#x", msr);
    check(r == X86_EXC_GP, name, "wrmsr %#x: %s", msr,
          r == X86_EXC_GP ? "#GP as expected"
          : r < 0         ? "no fault (write accepted)"
                          : exception_name((unsigned int)r));
}

/* A fault every CPU raises, to show the catching itself works (QEMU TCG never #GPs on MSRs). */
static void check_gp_control(void)
{
    uint64_t v;
    int r = read64_safe(0x8000000000000000ull, &v);

    check(r == X86_EXC_GP, "gp_control", "load from a non-canonical address: %s",
          r == X86_EXC_GP ? "#GP caught"
          : r < 0         ? "no fault"
                          : exception_name((unsigned int)r));
}

void test_main(void)
{
    check_gp_control();
    check_efer();
    check_gs_base();
    check_apic_base();
    check_intel_msrs();
    expect_gp(0x1234);
    expect_gp(0xc0011234);
    /* The #GP handler ran through this guest's IDT: the guest is still alive. */
    pass("alive", "still running after the expected faults");
}
