/*
 * lapic: the virtual local APIC, register by register and interrupt by
 * interrupt.  On the boot CPU: xAPIC registers (ID, version, TPR/PPR,
 * LDR/DFR, SVR, ESR, reserved offsets), self-IPIs, TPR masking, EOI
 * order with ISR/PPR, the timer one-shot, periodic and TSC-deadline.
 * With other CPUs (started by INIT-SIPI-SIPI, then idling in `sti; hlt`):
 * fixed IPIs by physical ID, shorthands, physical broadcast, flat and
 * cluster logical destinations, lowest priority (one receiver), NMIs, and
 * INIT of a running CPU followed by a restart.  Last, x2APIC: the mode
 * transitions of IA32_APIC_BASE, the MSRs, #GP for every invalid access,
 * self-IPI through SELF_IPI and ICR, an IPI to an xAPIC-mode CPU.
 *
 * Timing is never measured against an assumed TSC rate (emulators run at
 * any speed): timers are checked by counting interrupts, TSC-deadline by
 * comparing the TSC at the interrupt with the deadline.
 */
#include "guest.h"

const char test_name[] = "lapic";

#define MAX_CPUS 8
#define WAIT_MS 3000                    /* generous: every APIC access is a VM exit */

#define LAPIC_TPR 0x080
#define LAPIC_PPR 0x0a0
#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0
#define LAPIC_ISR 0x100
#define LAPIC_ESR 0x280
#define LAPIC_RESERVED 0x040
#define LAPIC_SELF_IPI_XAPIC 0x3f0
#define TIMER_ONESHOT (0u << 17)
#define TIMER_PERIODIC (1u << 17)
#define TIMER_TSC_DEADLINE (2u << 17)
#define ICR_FIXED (0u << 8)
#define ICR_LOWEST (1u << 8)
#define ICR_NMI (4u << 8)
#define ICR_LOGICAL (1u << 11)
#define ICR_SELF (1u << 18)
#define ICR_ALL (2u << 18)
#define ICR_OTHERS (3u << 18)

#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_X2APIC(off) (0x800u + ((off) >> 4))
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* Vectors: each has its own handler and counters. */
#define VEC_IPI 0x70
#define VEC_CMD 0xe8                    /* above the APs' raised TPR: commands always get in */
#define VEC_TIMER 0x60
#define VEC_LOW 0x45
#define VEC_MID 0x55
#define VEC_HIGH 0x85
#define VEC_X2 0x51

static unsigned int ncpus = 1;
static uint32_t apic_ids[MAX_CPUS];
static volatile unsigned int hits[256][MAX_CPUS];
static volatile unsigned int nmi_hits[MAX_CPUS];
static volatile bool cpu_x2apic[MAX_CPUS];
static volatile uint64_t timer_tsc;
static volatile uint8_t order[8];
static volatile unsigned int order_len;
static volatile uint32_t isr_seen, ppr_seen;

/* ------------------------------------------------------------ helpers */

/* This CPU's number: CPUID's initial APIC ID (2 x vCPU id on Xen) works in either mode. */
static unsigned int this_cpu(void)
{
    uint32_t id = cpuid(1).ebx >> 24;
    unsigned int i;

    for (i = 0; i < ncpus; i++)
        if (apic_ids[i] == id)
            return i;
    return 0;
}

static void eoi(void)
{
    if (cpu_x2apic[this_cpu()])
        wrmsr(MSR_X2APIC(LAPIC_EOI), 0);
    else
        lapic_write(LAPIC_EOI, 0);
}

static bool wait_for(volatile unsigned int *p, unsigned int want)
{
    uint64_t end = rdtsc() + WAIT_MS * tsc_ticks_per_ms();

    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want)
        if (rdtsc() > end)
            return false;
    return true;
}

/* Let anything that should not happen have the chance to (a few ms by TSC, at least many exits). */
static void settle(void)
{
    uint64_t end = rdtsc() + 20 * tsc_ticks_per_ms();
    unsigned int i;

    for (i = 0; i < 200 || rdtsc() < end; i++)
        (void)cpuid(0);
}

static void send_icr(uint32_t dest, uint32_t lo)
{
    lapic_write(LAPIC_ICR_HI, dest << 24);
    lapic_write(LAPIC_ICR_LO, lo);
}

static void count_irq(struct trap_frame *f)
{
    unsigned int n_cpu = this_cpu();

    __atomic_add_fetch(&hits[f->vector][n_cpu], 1, __ATOMIC_RELEASE);
    eoi();
}

static void timer_irq(struct trap_frame *f)
{
    timer_tsc = rdtsc();
    count_irq(f);
}

/* EOI order: record each vector with the ISR and PPR it sees. */
static void order_irq(struct trap_frame *f)
{
    if (order_len < ARRAY_SIZE(order))
        order[order_len++] = (uint8_t)f->vector;
    if (f->vector == VEC_HIGH) {
        isr_seen = lapic_read(LAPIC_ISR + 0x10 * (VEC_HIGH / 32));
        ppr_seen = lapic_read(LAPIC_PPR);
    }
    lapic_write(LAPIC_EOI, 0);
}

/* ---------------------------------------------------------- NMI handler */

void lapic_nmi(void);
void lapic_nmi(void)
{
    __atomic_add_fetch(&nmi_hits[this_cpu()], 1, __ATOMIC_RELEASE);
}

/* Caller-saved registers around a C call; 9 pushes keep RSP 16-byte aligned at the call. */
extern char nmi_entry[];
asm(".text\n"
    "nmi_entry:\n\t"
    "push %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"
    "push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\t"
    "cld\n\tcall lapic_nmi\n\t"
    "pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\t"
    "pop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n\t"
    "iretq\n");

/* The runtime reports every exception as fatal: point the shared IDT's vector 2 here instead. */
static void install_nmi_handler(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } desc;
    uint8_t *gate;
    uint64_t a = (uint64_t)(uintptr_t)nmi_entry;

    asm volatile("sidt %0" : "=m"(desc));
    gate = (uint8_t *)(uintptr_t)(desc.base + 2 * 16);
    gate[0] = (uint8_t)a;
    gate[1] = (uint8_t)(a >> 8);
    gate[6] = (uint8_t)(a >> 16);
    gate[7] = (uint8_t)(a >> 24);
    memcpy(gate + 8, (uint32_t[]){(uint32_t)(a >> 32)}, 4);
}

/* ---------------------------------------------------- the other CPUs */

enum { CMD_NONE, CMD_FLAT, CMD_CLUSTER, CMD_TPR_HIGH, CMD_TPR_ZERO, CMD_STOP };
static volatile unsigned int cmd, cmd_seq;
static volatile unsigned int cmd_seen[MAX_CPUS];
static volatile uint32_t svr_at_start[MAX_CPUS];
static volatile unsigned int ap_started[MAX_CPUS];

/* Flat: LDR bit = CPU number.  Cluster: CPU i in cluster i / 2 + 1, bit i % 2. */
static uint32_t flat_ldr(unsigned int n_cpu)
{
    return (1u << n_cpu) << 24;
}

static uint32_t cluster_ldr(unsigned int n_cpu)
{
    return ((n_cpu / 2 + 1) << 4 | (1u << (n_cpu % 2))) << 24;
}

static void run_cmd(unsigned int n_cpu, unsigned int c)
{
    switch (c) {
    case CMD_FLAT:
        lapic_write(LAPIC_DFR, 0xffffffffu);
        lapic_write(LAPIC_LDR, flat_ldr(n_cpu));
        break;
    case CMD_CLUSTER:
        lapic_write(LAPIC_DFR, 0x0fffffffu);
        lapic_write(LAPIC_LDR, cluster_ldr(n_cpu));
        break;
    case CMD_TPR_HIGH:
        lapic_write(LAPIC_TPR, 0x80);
        break;
    case CMD_TPR_ZERO:
        lapic_write(LAPIC_TPR, 0);
        break;
    default:
        break;
    }
}

static void ap_main(unsigned int n_cpu)
{
    svr_at_start[n_cpu] = lapic_read(LAPIC_SVR);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_TPR, 0);
    run_cmd(n_cpu, CMD_FLAT);
    __atomic_add_fetch(&ap_started[n_cpu], 1, __ATOMIC_RELEASE);
    for (;;) {
        unsigned int seq = __atomic_load_n(&cmd_seq, __ATOMIC_ACQUIRE);

        if (cmd_seen[n_cpu] != seq) {
            if (cmd == CMD_STOP)
                break;
            run_cmd(n_cpu, cmd);
            __atomic_store_n(&cmd_seen[n_cpu], seq, __ATOMIC_RELEASE);
        }
        /* STI's shadow covers HLT: an interrupt already pending ends the HLT at once. */
        asm volatile("sti; hlt; cli" ::: "memory");
    }
    cpu_halt_forever();
}

/* Every AP runs `c`, woken by an all-but-self IPI; true once all have. */
static bool broadcast_cmd(unsigned int c, bool x2)
{
    unsigned int i, seq = cmd_seq + 1;
    uint64_t end;

    cmd = c;
    __atomic_store_n(&cmd_seq, seq, __ATOMIC_RELEASE);
    if (x2)
        wrmsr(MSR_X2APIC(LAPIC_ICR_LO), ICR_OTHERS | VEC_CMD);
    else
        send_icr(0, ICR_OTHERS | VEC_CMD);
    if (c == CMD_STOP)
        return true;
    end = rdtsc() + WAIT_MS * tsc_ticks_per_ms();
    for (i = 1; i < ncpus; i++)
        while (__atomic_load_n(&cmd_seen[i], __ATOMIC_ACQUIRE) != seq)
            if (rdtsc() > end)
                return false;
    return true;
}

/* ------------------------------------------------------------ xAPIC */

static void test_registers(void)
{
    uint64_t base = 0;
    uint32_t ver, ldr, dfr, id, esr;

    int rc = rdmsr_safe(MSR_APIC_BASE, &base);

    check(rc < 0 && (base & (APIC_BASE_ENABLE | APIC_BASE_EXTD | APIC_BASE_BSP |
                             APIC_BASE_ADDR_MASK)) ==
                        (0xfee00000u | APIC_BASE_ENABLE | APIC_BASE_BSP),
          "apic_base", "IA32_APIC_BASE %#lx (want 0xfee00900: xAPIC, enabled, BSP)", base);
    id = lapic_read(LAPIC_ID);
    check(id >> 24 == (cpuid(1).ebx >> 24), "id", "ID register %#x, CPUID initial APIC ID %u", id,
          cpuid(1).ebx >> 24);
    ver = lapic_read(LAPIC_VERSION);
    check((ver & 0xff) >= 0x10 && (ver & 0xff) <= 0x15 && ((ver >> 16) & 0xff) >= 5, "version",
          "version %#x: integrated APIC, max LVT %u", ver, (ver >> 16) & 0xff);
    lapic_write(LAPIC_TPR, 0x5a);
    check(lapic_read(LAPIC_TPR) == 0x5a && lapic_read(LAPIC_PPR) == 0x5a, "tpr_ppr",
          "TPR %#x PPR %#x after writing 0x5a", lapic_read(LAPIC_TPR), lapic_read(LAPIC_PPR));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LDR, 0xa5ffffffu);
    ldr = lapic_read(LAPIC_LDR);
    lapic_write(LAPIC_DFR, 0x0u);
    dfr = lapic_read(LAPIC_DFR);
    check(ldr == 0xa5000000u && dfr == 0x0fffffffu, "ldr_dfr",
          "LDR %#x (want 0xa5000000), cluster DFR %#x (want 0x0fffffff)", ldr, dfr);
    lapic_write(LAPIC_DFR, 0xffffffffu);
    lapic_write(LAPIC_LDR, flat_ldr(0));
    check(lapic_read(LAPIC_RESERVED) == 0 && lapic_read(LAPIC_SELF_IPI_XAPIC) == 0, "reserved_read",
          "reserved offsets 0x40, 0x3f0 read %#x %#x", lapic_read(LAPIC_RESERVED),
          lapic_read(LAPIC_SELF_IPI_XAPIC));
    /* ESR: errors latch on the next write; a send of vector 3 is illegal. */
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_LVT_TIMER + 0x50, LAPIC_LVT_MASKED);     /* LVT error masked */
    send_icr(0, ICR_SELF | 3);
    lapic_write(LAPIC_ESR, 0);
    esr = lapic_read(LAPIC_ESR);
    check(esr & (1u << 5), "esr_illegal_vector", "ESR %#x after a self-IPI of vector 3", esr);
    lapic_write(LAPIC_RESERVED, 0x12345678u);
    lapic_write(LAPIC_ESR, 0);
    esr = lapic_read(LAPIC_ESR);
    check(esr & (1u << 7), "esr_illegal_register", "ESR %#x after a write to offset 0x40", esr);
    lapic_write(LAPIC_ESR, 0);
    esr = lapic_read(LAPIC_ESR);
    check(esr == 0, "esr_clear", "ESR %#x after two writes", esr);
    check(!(lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_BUSY), "icr_idle", "ICR %#x: delivery status idle",
          lapic_read(LAPIC_ICR_LO));
}

static void test_svr(void)
{
    uint32_t lvt;

    lapic_write(LAPIC_SVR, LAPIC_SPURIOUS_VECTOR);          /* software-disable */
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
    lvt = lapic_read(LAPIC_LVT_TIMER);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    check(lvt & LAPIC_LVT_MASKED, "svr_disable_masks",
          "LVT timer %#x written unmasked while disabled", lvt);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}

static void test_self_ipi(void)
{
    unsigned int before = hits[VEC_IPI][0];
    bool ok;

    irq_enable();
    send_icr(0, ICR_SELF | VEC_IPI);
    ok = wait_for(&hits[VEC_IPI][0], before + 1);
    check(ok, "self_ipi", "shorthand self, vector %#x: %u",
          VEC_IPI, hits[VEC_IPI][0] - before);
    send_icr(apic_ids[0], ICR_FIXED | VEC_IPI);
    ok = wait_for(&hits[VEC_IPI][0], before + 2);
    check(ok, "self_ipi_physical", "to own APIC ID %u: %u",
          apic_ids[0], hits[VEC_IPI][0] - before);
    irq_disable();
}

static void test_tpr(void)
{
    unsigned int mid = hits[VEC_MID][0], high = hits[VEC_HIGH][0];
    bool ok;

    irq_set_handler(VEC_MID, count_irq);
    irq_set_handler(VEC_HIGH, count_irq);
    lapic_write(LAPIC_TPR, 0x60);
    irq_enable();
    send_icr(0, ICR_SELF | VEC_MID);
    send_icr(0, ICR_SELF | VEC_HIGH);
    wait_for(&hits[VEC_HIGH][0], high + 1);
    settle();
    check(hits[VEC_MID][0] == mid && hits[VEC_HIGH][0] == high + 1 && lapic_irr_pending(VEC_MID),
          "tpr_masks", "TPR 0x60: vector %#x held (%u, pending %d), %#x delivered (%u)", VEC_MID,
          hits[VEC_MID][0] - mid, lapic_irr_pending(VEC_MID), VEC_HIGH, hits[VEC_HIGH][0] - high);
    lapic_write(LAPIC_TPR, 0);
    ok = wait_for(&hits[VEC_MID][0], mid + 1);
    check(ok, "tpr_release", "TPR 0: vector %#x delivered (%u)",
          VEC_MID, hits[VEC_MID][0] - mid);
    irq_disable();
}

static void test_eoi_order(void)
{
    uint32_t isr_after;

    irq_set_handler(VEC_LOW, order_irq);
    irq_set_handler(VEC_HIGH, order_irq);
    order_len = 0;
    send_icr(0, ICR_SELF | VEC_LOW);
    send_icr(0, ICR_SELF | VEC_HIGH);
    check(lapic_irr_pending(VEC_LOW) && lapic_irr_pending(VEC_HIGH), "irr_pending",
          "IF=0: vectors %#x and %#x pending in IRR", VEC_LOW, VEC_HIGH);
    irq_enable();
    wait_for(&order_len, 2);
    irq_disable();
    isr_after = lapic_read(LAPIC_ISR + 0x10 * (VEC_HIGH / 32));
    check(order_len == 2 && order[0] == VEC_HIGH && order[1] == VEC_LOW, "priority_order",
          "delivered %u: %#x then %#x (want %#x then %#x)", order_len, order[0], order[1], VEC_HIGH,
          VEC_LOW);
    check((isr_seen & (1u << (VEC_HIGH % 32))) && (ppr_seen & 0xf0) == (VEC_HIGH & 0xf0) &&
              !(isr_after & (1u << (VEC_HIGH % 32))) && lapic_read(LAPIC_PPR) == 0,
          "isr_ppr_eoi", "in the handler ISR bit set (%#x), PPR %#x; after EOI ISR %#x PPR %#x",
          isr_seen, ppr_seen, isr_after, lapic_read(LAPIC_PPR));
}

/* --------------------------------------------------------------- timer */

static void test_timer(void)
{
    unsigned int n = hits[VEC_TIMER][0];
    uint32_t c1, c2;
    bool ok;

    irq_set_handler(VEC_TIMER, timer_irq);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
    /* One-shot: exactly one interrupt, then the count stays 0. */
    lapic_write(LAPIC_LVT_TIMER, TIMER_ONESHOT | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 2000000);
    irq_enable();
    wait_for(&hits[VEC_TIMER][0], n + 1);
    settle();
    settle();
    irq_disable();
    check(hits[VEC_TIMER][0] == n + 1 && lapic_read(LAPIC_TIMER_CURRENT) == 0, "timer_oneshot",
          "%u interrupt(s), current count %u afterwards", hits[VEC_TIMER][0] - n,
          lapic_read(LAPIC_TIMER_CURRENT));

    /* Periodic: keeps firing; the current count moves; stops when the count is 0. */
    n = hits[VEC_TIMER][0];
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3);                   /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, TIMER_PERIODIC | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 62500);                /* 1 ms */
    c1 = lapic_read(LAPIC_TIMER_CURRENT);
    settle();
    c2 = lapic_read(LAPIC_TIMER_CURRENT);
    irq_enable();
    ok = wait_for(&hits[VEC_TIMER][0], n + 5);
    check(ok, "timer_periodic",
          "%u interrupts (want >= 5); current count %u then %u of 62500",
          hits[VEC_TIMER][0] - n, c1, c2);
    check(c1 <= 62500 && c2 <= 62500 && c1 != c2, "timer_current", "current count %u then %u", c1,
          c2);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    settle();
    n = hits[VEC_TIMER][0];
    settle();
    settle();
    irq_disable();
    check(hits[VEC_TIMER][0] == n, "timer_stop", "%u interrupt(s) after the count was set to 0",
          hits[VEC_TIMER][0] - n);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}

static void test_tsc_deadline(void)
{
    unsigned int n = hits[VEC_TIMER][0];
    uint64_t deadline, dl_read = 1, ignored = 1;
    bool ok;

    if (!(cpuid(1).ecx & CPUID1_ECX_TSC_DEADLINE)) {
        skip("tsc_deadline", "CPUID.1:ECX.TSC_DEADLINE clear");
        return;
    }
    rdmsr_safe(MSR_TSC_DEADLINE, &ignored);                 /* one-shot mode: reads 0 */
    lapic_write(LAPIC_LVT_TIMER, TIMER_TSC_DEADLINE | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 12345);                /* ignored in this mode */
    deadline = rdtsc() + 5 * tsc_ticks_per_ms();
    ok = wrmsr_safe(MSR_TSC_DEADLINE, deadline) < 0 && rdmsr_safe(MSR_TSC_DEADLINE, &dl_read) < 0;
    check(ok && dl_read == deadline && lapic_read(LAPIC_TIMER_INITIAL) == 0 && ignored == 0,
          "tsc_deadline_msr", "armed %#lx, reads %#lx; TMICT %u; MSR in one-shot mode %#lx",
          deadline, dl_read, lapic_read(LAPIC_TIMER_INITIAL), ignored);
    irq_enable();
    wait_for(&hits[VEC_TIMER][0], n + 1);
    settle();
    irq_disable();
    rdmsr_safe(MSR_TSC_DEADLINE, &dl_read);
    check(hits[VEC_TIMER][0] == n + 1 && timer_tsc >= deadline && dl_read == 0, "tsc_deadline",
          "%u interrupt(s), %ld TSC ticks after the deadline; MSR then %#lx",
          hits[VEC_TIMER][0] - n, (long)(timer_tsc - deadline), dl_read);
    /* A deadline already past fires at once. */
    n = hits[VEC_TIMER][0];
    wrmsr(MSR_TSC_DEADLINE, 1);
    irq_enable();
    ok = wait_for(&hits[VEC_TIMER][0], n + 1);
    check(ok, "tsc_deadline_past", "%u interrupt(s)",
          hits[VEC_TIMER][0] - n);
    irq_disable();
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}

/* ------------------------------------------------------ IPIs between CPUs */

static void snapshot(unsigned int vec, unsigned int *out)
{
    unsigned int i;

    for (i = 0; i < ncpus; i++)
        out[i] = hits[vec][i];
}

/* After an IPI: wait for the CPUs in `want` to count one more, then check nobody else did. */
static bool check_receivers(const char *name, const unsigned int *before, uint32_t want,
                            const char *what)
{
    unsigned int i, got = 0;

    for (i = 0; i < ncpus; i++)
        if (want & (1u << i))
            wait_for(&hits[VEC_IPI][i], before[i] + 1);
    settle();
    for (i = 0; i < ncpus; i++)
        if (hits[VEC_IPI][i] != before[i])
            got |= 1u << i;
    for (i = 0; i < ncpus; i++)
        if (hits[VEC_IPI][i] - before[i] > 1)
            got |= 1u << 31;                    /* a double delivery */
    return check(got == want, name, "%s: CPUs %#x received (want %#x)", what, got, want);
}

static void test_ipis(void)
{
    unsigned int before[MAX_CPUS], i;
    uint32_t all = (1u << ncpus) - 1, others = all & ~1u, mask;
    bool ok;

    irq_enable();
    for (i = 1; i < ncpus; i++) {
        char name[24];

        snapshot(VEC_IPI, before);
        send_icr(apic_ids[i], ICR_FIXED | VEC_IPI);
        snprintf(name, sizeof(name), "ipi_cpu%u", i);
        check_receivers(name, before, 1u << i, "fixed IPI by physical APIC ID");
    }
    snapshot(VEC_IPI, before);
    send_icr(0, ICR_OTHERS | VEC_IPI);
    check_receivers("ipi_all_but_self", before, others, "shorthand all-excluding-self");
    snapshot(VEC_IPI, before);
    send_icr(0, ICR_ALL | VEC_IPI);
    check_receivers("ipi_all", before, all, "shorthand all-including-self");
    snapshot(VEC_IPI, before);
    send_icr(0xff, ICR_FIXED | VEC_IPI);
    check_receivers("ipi_broadcast", before, all, "physical destination 0xff");

    /* Flat logical: every CPU has LDR bit = its number. */
    mask = ncpus > 2 ? 0x6 : 0x2;
    snapshot(VEC_IPI, before);
    send_icr(mask, ICR_LOGICAL | VEC_IPI);
    check_receivers("logical_flat", before, mask, "flat logical destination");

    /* Lowest priority to every AP: exactly one takes it. */
    snapshot(VEC_IPI, before);
    send_icr(others, ICR_LOGICAL | ICR_LOWEST | VEC_IPI);
    {
        uint64_t end = rdtsc() + WAIT_MS * tsc_ticks_per_ms();
        unsigned int total = 0;

        while (!total && rdtsc() < end)
            for (i = 0; i < ncpus; i++)
                total += hits[VEC_IPI][i] - before[i];
        settle();
        total = 0;
        for (i = 0; i < ncpus; i++)
            total += hits[VEC_IPI][i] - before[i];
        check(total == 1 && hits[VEC_IPI][0] == before[0], "lowest_priority",
              "%u CPU(s) took a lowest-priority IPI to mask %#x (want 1, not the sender)", total,
              others);
    }

    /* Cluster logical. */
    lapic_write(LAPIC_DFR, 0x0fffffffu);
    lapic_write(LAPIC_LDR, cluster_ldr(0));
    if (!check(broadcast_cmd(CMD_CLUSTER, false), "cluster_setup", "every AP in cluster mode"))
        goto flat;
    snapshot(VEC_IPI, before);
    send_icr(0x12, ICR_LOGICAL | VEC_IPI);
    check_receivers("logical_cluster", before, 0x2, "cluster 1, bit 1");
    snapshot(VEC_IPI, before);
    send_icr(0xf2, ICR_LOGICAL | VEC_IPI);
    check_receivers("logical_cluster_all", before, all & 0xaa, "cluster 15 (all clusters), bit 1");
    snapshot(VEC_IPI, before);
    send_icr(0x23, ICR_LOGICAL | VEC_IPI);
    check_receivers("logical_cluster2", before, all & 0xc, "cluster 2, bits 0 and 1");
flat:
    lapic_write(LAPIC_DFR, 0xffffffffu);
    lapic_write(LAPIC_LDR, flat_ldr(0));
    broadcast_cmd(CMD_FLAT, false);

    /* TPR on the receiver holds the IPI; lowering it lets it in. */
    if (check(broadcast_cmd(CMD_TPR_HIGH, false), "remote_tpr_setup", "APs raised TPR")) {
        snapshot(VEC_IPI, before);
        send_icr(apic_ids[1], ICR_FIXED | VEC_IPI);
        settle();
        check(hits[VEC_IPI][1] == before[1], "remote_tpr_masks", "CPU1 with TPR 0x80 took %u",
              hits[VEC_IPI][1] - before[1]);
        broadcast_cmd(CMD_TPR_ZERO, false);
        ok = wait_for(&hits[VEC_IPI][1], before[1] + 1);
        check(ok, "remote_tpr_release",
              "CPU1 took it after TPR 0 (%u)", hits[VEC_IPI][1] - before[1]);
    }
    irq_disable();
}

static void test_nmi(void)
{
    unsigned int i, n;
    bool ok;

    irq_enable();
    n = nmi_hits[0];
    send_icr(apic_ids[0], ICR_NMI);
    ok = wait_for(&nmi_hits[0], n + 1);
    check(ok, "nmi_self", "NMI to own APIC ID: %u", nmi_hits[0] - n);
    for (i = 1; i < ncpus; i++) {
        char name[24];

        n = nmi_hits[i];
        send_icr(apic_ids[i], ICR_NMI);
        snprintf(name, sizeof(name), "nmi_cpu%u", i);
        ok = wait_for(&nmi_hits[i], n + 1);
        check(ok, name, "NMI IPI: %u", nmi_hits[i] - n);
    }
    irq_disable();
}

/* INIT to a running CPU puts it back to wait-for-SIPI; a SIPI restarts it with a reset APIC. */
static void test_init_running(void)
{
    unsigned int n_cpu = ncpus - 1, started = ap_started[n_cpu], before[MAX_CPUS];
    int r = smp_start_ap(apic_ids[n_cpu], n_cpu, ap_main);

    bool ok = r == 0 && wait_for(&ap_started[n_cpu], started + 1);

    check(ok, "init_running",
          "CPU %u restarted by INIT-SIPI-SIPI while running: %d", n_cpu, r);
    check(svr_at_start[n_cpu] == 0xff, "init_reset", "SVR after INIT %#x (want 0xff)",
          svr_at_start[n_cpu]);
    irq_enable();
    snapshot(VEC_IPI, before);
    send_icr(apic_ids[n_cpu], ICR_FIXED | VEC_IPI);
    check_receivers("init_then_ipi", before, 1u << n_cpu, "fixed IPI to the restarted CPU");
    irq_disable();
}

/* ------------------------------------------------------------- x2APIC */

static bool gp_read(uint32_t msr)
{
    uint64_t v;

    return rdmsr_safe(msr, &v) == X86_EXC_GP;
}

static bool gp_write(uint32_t msr, uint64_t val)
{
    return wrmsr_safe(msr, val) == X86_EXC_GP;
}

static void x2apic_invalid(void)
{
    static const struct { uint32_t msr; bool write; uint64_t val; const char *what; } bad[] = {
        {0x809, false, 0, "read APR"},          {0x80c, false, 0, "read RRR"},
        {0x80e, false, 0, "read DFR"},          {0x831, false, 0, "read ICR2"},
        {0x82f, false, 0, "read CMCI"},         {0x80b, false, 0, "read EOI"},
        {0x83f, false, 0, "read SELF_IPI"},     {0x840, false, 0, "read 0x840"},
        {0x8ff, false, 0, "read 0x8ff"},        {0x802, true, 0, "write ID"},
        {0x803, true, 0, "write version"},      {0x80d, true, 1, "write LDR"},
        {0x80a, true, 0, "write PPR"},          {0x839, true, 0, "write current count"},
        {0x810, true, 0, "write ISR"},          {0x820, true, 0, "write IRR"},
        {0x80b, true, 1, "EOI of 1"},           {0x828, true, 1, "ESR of 1"},
        {0x808, true, 0x100, "TPR bit 8"},      {0x83f, true, 0x100, "SELF_IPI bit 8"},
        {0x830, true, 1u << 13, "ICR bit 13"},  {0x83e, true, 0x4, "TDCR bit 2"},
    };
    unsigned int i, nok = 0;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        bool gp = bad[i].write ? gp_write(bad[i].msr, bad[i].val) : gp_read(bad[i].msr);

        if (gp)
            nok++;
        else
            fail("x2apic_gp", "%s (MSR %#x) did not raise #GP", bad[i].what, bad[i].msr);
    }
    if (nok == ARRAY_SIZE(bad))
        pass("x2apic_gp", "all %u invalid x2APIC accesses raised #GP", nok);
}

static void test_x2apic(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE), v = 0, ldr = 0, ver = 0;
    unsigned int n, before[MAX_CPUS];
    bool ok;

    if (!(cpuid(1).ecx & CPUID1_ECX_X2APIC)) {
        skip("x2apic", "CPUID.1:ECX.x2APIC clear");
        return;
    }
    check(gp_read(MSR_X2APIC(LAPIC_ID)) && gp_write(MSR_X2APIC(LAPIC_TPR), 0), "x2apic_off_gp",
          "x2APIC MSRs raise #GP in xAPIC mode");
    check(gp_write(MSR_APIC_BASE, (base & ~(uint64_t)APIC_BASE_ENABLE) | APIC_BASE_EXTD),
          "apic_base_invalid", "EXTD without EN raises #GP");
    check(gp_write(MSR_APIC_BASE, (base & ~APIC_BASE_ADDR_MASK) | 0xfec00000u), "apic_base_move",
          "relocation is refused (#GP)");
    check(wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_EXTD) < 0, "x2apic_enable",
          "xAPIC -> x2APIC");
    cpu_x2apic[0] = true;
    rdmsr_safe(MSR_X2APIC(LAPIC_ID), &v);
    rdmsr_safe(MSR_X2APIC(LAPIC_LDR), &ldr);
    rdmsr_safe(MSR_X2APIC(LAPIC_VERSION), &ver);
    check(v == apic_ids[0] && ldr == ((v >> 4) << 16 | 1u << (v & 0xf)) && (ver & 0xff) >= 0x10,
          "x2apic_regs", "ID %#lx, LDR %#lx (derived), version %#lx", v, ldr, ver);
    check(lapic_read(LAPIC_ID) == 0xffffffffu, "x2apic_mmio_off", "xAPIC page reads %#x",
          lapic_read(LAPIC_ID));
    x2apic_invalid();

    irq_enable();
    n = hits[VEC_X2][0];
    irq_set_handler(VEC_X2, count_irq);
    wrmsr(MSR_X2APIC(LAPIC_SELF_IPI_XAPIC), VEC_X2);
    ok = wait_for(&hits[VEC_X2][0], n + 1);
    check(ok, "x2apic_self_ipi", "SELF_IPI: %u", hits[VEC_X2][0] - n);
    wrmsr(MSR_X2APIC(LAPIC_ICR_LO), ((uint64_t)apic_ids[0] << 32) | VEC_X2);
    ok = wait_for(&hits[VEC_X2][0], n + 2);
    check(ok, "x2apic_icr_self", "64-bit ICR to own ID: %u",
          hits[VEC_X2][0] - n - 1);
    wrmsr(MSR_X2APIC(LAPIC_TPR), 0x60);
    v = rdmsr(MSR_X2APIC(LAPIC_TPR));
    ldr = rdmsr(MSR_X2APIC(LAPIC_PPR));
    check(v == 0x60 && ldr == 0x60, "x2apic_tpr", "TPR %#lx PPR %#lx", v, ldr);
    wrmsr(MSR_X2APIC(LAPIC_TPR), 0);
    if (ncpus > 1) {
        snapshot(VEC_IPI, before);
        wrmsr(MSR_X2APIC(LAPIC_ICR_LO), ((uint64_t)apic_ids[1] << 32) | VEC_IPI);
        check_receivers("x2apic_ipi", before, 0x2, "x2APIC ICR to an xAPIC-mode CPU");
    }
    irq_disable();

    check(gp_write(MSR_APIC_BASE, base), "x2apic_to_xapic", "x2APIC -> xAPIC raises #GP");
    check(wrmsr_safe(MSR_APIC_BASE, base & ~(uint64_t)(APIC_BASE_ENABLE | APIC_BASE_EXTD)) < 0,
          "apic_disable", "x2APIC -> disabled");
    cpu_x2apic[0] = false;
    check(lapic_read(LAPIC_ID) == 0xffffffffu && gp_read(MSR_X2APIC(LAPIC_ID)), "disabled_regs",
          "disabled: MMIO reads %#x, x2APIC MSRs #GP", lapic_read(LAPIC_ID));
    check(gp_write(MSR_APIC_BASE, base | APIC_BASE_EXTD), "disabled_to_x2apic",
          "disabled -> x2APIC raises #GP");
    ok = wrmsr_safe(MSR_APIC_BASE, base) < 0;
    check(ok && lapic_read(LAPIC_SVR) == 0xff &&
              (lapic_read(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED),
          "reenable_reset", "disabled -> xAPIC: SVR %#x, LVT timer %#x (reset state)",
          lapic_read(LAPIC_SVR), lapic_read(LAPIC_LVT_TIMER));
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

/* ---------------------------------------------------------------- main */

static void start_aps(void)
{
    static struct acpi_cpu cpus[ACPI_MAX_CPUS];
    int n = acpi_find_cpus(cpus, ARRAY_SIZE(cpus));
    unsigned int self = lapic_id(), i;

    apic_ids[0] = self;
    if (n <= 1)
        return;
    smp_prepare();
    for (i = 0; i < (unsigned int)n && ncpus < MAX_CPUS; i++) {
        if (cpus[i].apic_id == self)
            continue;
        apic_ids[ncpus] = cpus[i].apic_id;
        ncpus++;
        if (smp_start_ap(cpus[i].apic_id, ncpus - 1, ap_main) ||
            !wait_for(&ap_started[ncpus - 1], 1)) {
            fail("ap_start", "CPU with APIC ID %u did not start", cpus[i].apic_id);
            ncpus--;
            return;
        }
    }
    pass("ap_start", "%u CPU(s) running", ncpus);
}

void test_main(void)
{
    irq_disable();
    legacy_pic_mask();
    install_nmi_handler();
    irq_set_handler(VEC_IPI, count_irq);
    irq_set_handler(VEC_CMD, count_irq);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_TPR, 0);

    test_registers();
    test_svr();
    test_self_ipi();
    test_tpr();
    test_eoi_order();
    test_timer();
    test_tsc_deadline();
    start_aps();
    test_nmi();
    if (ncpus > 1) {
        test_ipis();
        test_init_running();
    } else {
        skip("ipis", "one CPU: no IPIs between CPUs");
    }
    test_x2apic();
    if (ncpus > 1)
        broadcast_cmd(CMD_STOP, false);
}
