/*
 * cpustate: per-vCPU CPU state the hypervisor must keep apart between
 * guests: the debug registers (DR0-3 read back, survive exits and other
 * domains running, a data breakpoint fires in the guest), TSC_AUX
 * (RDTSCP and RDPID return the guest's value), and CR0.CD/NW (read back
 * as written).  Two copies run at once in the test cases, each with values
 * of its own (derived from its domain id).
 */
#include "guest.h"

const char test_name[] = "cpustate";

#define MSR_TSC_AUX 0xc0000103u
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define DR7_L0 (1ull << 0)
#define DR7_RW0_WRITE (1ull << 16)
#define DR7_LEN0_4 (3ull << 18)
#define DR6_B0 (1ull << 0)

extern uint32_t entry_cr0; /* head.S */
static unsigned int domid;
static volatile uint32_t watched;

#define READ_DR(n)                                                                                 \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile("mov %%db" #n ", %0" : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define WRITE_DR(n, v) asm volatile("mov %0, %%db" #n : : "r"((uint64_t)(v)) : "memory")

static uint64_t read_cr0(void)
{
    uint64_t v;

    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static void write_cr0(uint64_t v)
{
    asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static uint64_t dr_value(unsigned int i)
{
    /* Canonical, distinct per register and per domain. */
    return 0x7f0000001000ull + ((uint64_t)domid << 20) + i * 0x40;
}

static bool drs_match(uint64_t got[4])
{
    unsigned int i;

    got[0] = READ_DR(0);
    got[1] = READ_DR(1);
    got[2] = READ_DR(2);
    got[3] = READ_DR(3);
    for (i = 0; i < 4; i++)
        if (got[i] != dr_value(i))
            return false;
    return true;
}

/* Many exits and ~300 ms of time in which the other domain runs too. */
static void let_others_run(void)
{
    uint64_t end = rdtsc() + 300 * tsc_ticks_per_ms();
    unsigned int n = 0;

    while (rdtsc() < end || n < 2000) {
        (void)cpuid(0);
        n++;
    }
}

static void check_dr_values(void)
{
    uint64_t got[4];
    bool ok;

    WRITE_DR(0, dr_value(0));
    WRITE_DR(1, dr_value(1));
    WRITE_DR(2, dr_value(2));
    WRITE_DR(3, dr_value(3));
    ok = drs_match(got);
    check(ok, "dr_readback", "DR0-3 %#lx %#lx %#lx %#lx (want %#lx...)", got[0], got[1], got[2],
          got[3], dr_value(0));
    let_others_run();
    ok = drs_match(got);
    check(ok, "dr_kept", "after exits and other domains: DR0-3 %#lx %#lx %#lx %#lx", got[0], got[1],
          got[2], got[3]);
}

/* A 4-byte write breakpoint on `watched`: #DB after the store, DR6.B0 set. */
static void check_breakpoint(void)
{
    uint64_t dr6;
    int vec;

    WRITE_DR(6, 0);
    WRITE_DR(0, (uintptr_t)&watched);
    WRITE_DR(7, DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_4);
    trap_caught_clear();
    /* #DB is a trap: it reports the instruction after the store. */
    asm volatile("movl $1, (%0)\n1: nop\n2:\n\t" EXTABLE_ENTRY(1b, 2b) : : "r"(&watched)
                 : "memory");
    vec = trap_caught.vector;
    dr6 = READ_DR(6);
    WRITE_DR(7, 0);
    WRITE_DR(0, dr_value(0));
    check(vec == 1 && (dr6 & DR6_B0), "dr_breakpoint", "vector %d, DR6 %#lx (want 1, B0 set)",
          vec, dr6);
    watched = 2; /* disarmed: no #DB now (one would end the test) */
    pass("dr_disarmed", "a store with DR7 clear raised nothing");
}

static void check_tsc_aux(void)
{
    uint32_t want = 0x5a000 + domid, aux = 0, id;
    struct cpuid_regs r = cpuid(0x80000001u);

    if (!(r.edx & (1u << 27))) {
        skip("tsc_aux", "no RDTSCP");
        return;
    }
    wrmsr(MSR_TSC_AUX, want);
    let_others_run();
    asm volatile("rdtscp" : "=c"(aux) : : "eax", "edx");
    check(aux == want && rdmsr(MSR_TSC_AUX) == want, "tsc_aux", "RDTSCP ECX %#x (want %#x)", aux,
          want);
    if (!(cpuid_count(7, 0).ecx & (1u << 22))) {
        info("no RDPID");
        return;
    }
    asm volatile("rdpid %q0" : "=r"(id));
    check(id == want, "rdpid", "RDPID %#x (want %#x)", id, want);
}

/*
 * CR0.CD and NW: clear at entry (PVH: every writable bit but PE), still
 * so at the start of the test (nothing here changed them, so nothing
 * another domain did may show), and read back as this guest writes them.
 */
static void check_cr0_cache_bits(void)
{
    uint64_t cr0 = read_cr0(), clear, cd;

    check(!(entry_cr0 & (CR0_CD | CR0_NW)) && !(cr0 & (CR0_CD | CR0_NW)), "cr0_entry",
          "CR0 at entry %#x, at the start of the test %#lx: CD/NW must be clear", entry_cr0, cr0);

    write_cr0(cr0 & ~(CR0_CD | CR0_NW));
    clear = read_cr0();
    write_cr0((cr0 & ~(CR0_CD | CR0_NW)) | CR0_CD);
    cd = read_cr0();
    write_cr0(cr0 & ~(CR0_CD | CR0_NW));
    check(!(clear & (CR0_CD | CR0_NW)) && (cd & (CR0_CD | CR0_NW)) == CR0_CD, "cr0_cd_nw",
          "at start %#lx, after clearing CD/NW %#lx, after setting CD %#lx", cr0, clear, cd);
}

void test_main(void)
{
    if (cpu.xen_base)
        domid = cpuid_count(cpu.xen_base + 4, 0).ecx & 0xffff;
    info("domain id %u", domid);
    check_cr0_cache_bits();
    check_dr_values();
    check_breakpoint();
    check_tsc_aux();
}
