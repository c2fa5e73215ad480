/*
 * Local APIC driver: enabling (x2APIC or xAPIC), EOI, IPIs with physical
 * destinations only, and the per-CPU timer in TSC-deadline or one-shot mode.
 * Bochs's x2APIC logical/cluster mode differs from hardware (PLATFORMS.md),
 * so logical destinations are never used.
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define APIC_XAPIC_DEFAULT_BASE 0xfee00000UL
#define APIC_CALIBRATE_MS       10
#define APIC_ERRORS_REPORTED    16

bool x2apic_enabled;
bool apic_has_tsc_deadline;
uint32_t apic_timer_khz;

/* x2apic=no keeps xAPIC (MMIO) mode even if the CPU offers x2APIC. */
static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);
/* apic_tsc_deadline=no uses the one-shot timer even where TSC-deadline exists. */
static bool opt_tsc_deadline = true;
boolean_param("apic_tsc_deadline", opt_tsc_deadline);

static volatile uint32_t *apic_mmio;
static unsigned int apic_errors;
static unsigned long spurious_count;

uint32_t apic_read(unsigned int reg)
{
    if (x2apic_enabled)
        return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return apic_mmio[reg / 4];
}

void apic_write(unsigned int reg, uint32_t val)
{
    if (x2apic_enabled)
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), val);
    else
        apic_mmio[reg / 4] = val;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

uint32_t apic_read_id(void)
{
    if (x2apic_enabled)
        return apic_read(APIC_ID);
    return apic_read(APIC_ID) >> 24;
}

uint32_t apic_cpuid_id(void)
{
    struct cpuid_regs r;

    cpuid(0, &r);
    if (r.a >= 0xb) {
        cpuid_count(0xb, 0, &r);
        if (r.b)                /* leaf 0xB implemented: EDX is the x2APIC ID */
            return r.d;
    }
    cpuid(1, &r);
    return r.b >> 24;
}

/* ---- IPIs ---- */

void apic_send_ipi(uint32_t dest, uint32_t icr_low)
{
    unsigned long flags = irq_save();

    if (x2apic_enabled) {
        /*
         * SDM: a WRMSR to the x2APIC ICR is not serializing; without a fence
         * the target may see the IPI before the data the sender wrote.
         */
        __asm__ __volatile__("mfence" ::: "memory");
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4), ((uint64_t)dest << 32) | icr_low);
    } else {
        while (apic_mmio[APIC_ICR / 4] & APIC_ICR_BUSY)
            cpu_relax();
        apic_mmio[APIC_ICR2 / 4] = dest << 24;
        apic_mmio[APIC_ICR / 4] = icr_low;
    }
    irq_restore(flags);
}

void apic_send_ipi_self(unsigned int vector)
{
    unsigned long flags = irq_save();

    if (x2apic_enabled) {
        __asm__ __volatile__("mfence" ::: "memory");
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4), APIC_ICR_SH_SELF | APIC_ICR_DM_FIXED | vector);
    } else {
        while (apic_mmio[APIC_ICR / 4] & APIC_ICR_BUSY)
            cpu_relax();
        apic_mmio[APIC_ICR / 4] = APIC_ICR_SH_SELF | APIC_ICR_DM_FIXED | vector;
    }
    irq_restore(flags);
}

/* SDM "MP initialization": INIT assert, edge-triggered (no de-assert needed since P4). */
void apic_send_init(uint32_t dest)
{
    apic_send_ipi(dest, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT);
}

void apic_send_sipi(uint32_t dest, unsigned int page)
{
    apic_send_ipi(dest, APIC_ICR_DM_STARTUP | (page & 0xff));
}

/* ---- Spurious and error interrupts ---- */

static void apic_spurious_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    /* SDM: a spurious interrupt is not in service, so it takes no EOI. */
    __atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED);
}

static void apic_error_interrupt(struct cpu_user_regs *regs)
{
    uint32_t esr;

    (void)regs;
    /* The ESR latches errors on a write; read it after writing it. */
    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    apic_eoi();
    if (__atomic_fetch_add(&apic_errors, 1, __ATOMIC_RELAXED) < APIC_ERRORS_REPORTED)
        printk(XENLOG_WARNING "APIC error on CPU%u: ESR %#x\n", smp_processor_id(), esr);
}

/* ---- Enabling ---- */

static unsigned int apic_max_lvt(void)
{
    return APIC_LVR_MAXLVT(apic_read(APIC_LVR));
}

void apic_init_cpu(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    bool bsp = base & APIC_BASE_BSP;
    unsigned int maxlvt;

    /* SDM: x2APIC mode is entered from xAPIC mode, never from "disabled". */
    if (!(base & APIC_BASE_ENABLE)) {
        base |= APIC_BASE_ENABLE;
        wrmsr(MSR_APIC_BASE, base);
    }
    if (x2apic_enabled && !(base & APIC_BASE_EXTD))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);

    /*
     * Nothing comes through the legacy pins: the 8259s and every I/O APIC
     * pin are masked.  LINT1 keeps delivering NMIs on the boot CPU, as the
     * firmware's virtual-wire set-up has it.
     */
    maxlvt = apic_max_lvt();
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, bsp ? APIC_LVT_DM_NMI : APIC_LVT_MASKED);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    if (maxlvt >= 4)
        apic_write(APIC_LVT_PMC, APIC_LVT_MASKED);
    if (maxlvt >= 5)
        apic_write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
    if (maxlvt >= 6)
        apic_write(APIC_LVT_CMCI, APIC_LVT_MASKED);

    apic_write(APIC_ESR, 0);
    apic_write(APIC_LVT_ERROR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    (void)apic_read(APIC_ESR);
}

void apic_init_bsp(void)
{
    struct cpuid_regs r;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    paddr_t addr = base & APIC_BASE_ADDR_MASK;

    cpuid(1, &r);
    if (!((r.d >> 9) & 1))
        panic("APIC: this CPU has no local APIC");
    apic_has_tsc_deadline = ((r.c >> 24) & 1) && opt_tsc_deadline;

    if (base & APIC_BASE_EXTD) {
        /* Leaving x2APIC mode needs the APIC disabled first: keep it. */
        if (!opt_x2apic)
            printk(XENLOG_WARNING "APIC: firmware enabled x2APIC mode; x2apic=no ignored\n");
        x2apic_enabled = true;
    } else {
        x2apic_enabled = ((r.c >> 21) & 1) && opt_x2apic;
    }
    if (!addr)
        addr = APIC_XAPIC_DEFAULT_BASE;
    /* The direct map covers the low 4 GiB, where the APIC page lives. */
    apic_mmio = maddr_to_virt(addr);

    set_irq_handler(SPURIOUS_APIC_VECTOR, apic_spurious_interrupt);
    set_irq_handler(ERROR_APIC_VECTOR, apic_error_interrupt);
    apic_init_cpu();

    printk("APIC: %s mode, base %#lx, version %#x, boot CPU APIC ID %u, timer: %s\n",
           x2apic_enabled ? "x2APIC" : "xAPIC", (unsigned long)addr,
           apic_read(APIC_LVR) & 0xff, apic_read_id(),
           apic_has_tsc_deadline ? "TSC-deadline" : "one-shot");
}

/* ---- Timer ---- */

void apic_timer_calibrate(void)
{
    uint64_t t0, t1, span = tsc_khz * APIC_CALIBRATE_MS;
    uint32_t left;

    if (apic_has_tsc_deadline)
        return;
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
    apic_write(APIC_TMICT, 0xffffffffU);
    t0 = rdtsc();
    do {
        t1 = rdtsc();
    } while (t1 - t0 < span);
    left = apic_read(APIC_TMCCT);
    t1 = rdtsc();
    apic_write(APIC_TMICT, 0);
    if (left == 0 || left == 0xffffffffU)
        panic("APIC: the timer did not count sensibly during calibration (left %#x)", left);
    apic_timer_khz = (uint32_t)((uint64_t)(0xffffffffU - left) * tsc_khz / (t1 - t0));
    printk("APIC: timer %u.%03u MHz (one-shot, divide 1)\n", apic_timer_khz / 1000,
           apic_timer_khz % 1000);
}

void apic_timer_setup_cpu(void)
{
    if (apic_has_tsc_deadline) {
        apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
        /* SDM: order the LVT write before the first IA32_TSC_DEADLINE write. */
        __asm__ __volatile__("mfence" ::: "memory");
        wrmsr(MSR_TSC_DEADLINE, 0);
    } else {
        apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
        apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
        apic_write(APIC_TMICT, 0);
    }
}

void apic_timer_set_tsc_deadline(uint64_t tsc)
{
    wrmsr(MSR_TSC_DEADLINE, tsc);
}

void apic_timer_set_oneshot(uint32_t ticks)
{
    apic_write(APIC_TMICT, ticks);
}
