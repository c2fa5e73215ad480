/*
 * hlt: HLT with interrupts enabled returns when an interrupt arrives.  The
 * interrupt source is the local APIC timer in one-shot mode (xAPIC MMIO).
 * First the timer is armed with IF = 0 and its vector polled in the IRR for
 * at most WAIT_MS (measured with RDTSC): if it never becomes pending the
 * guest reports `SKIP: ... no timer interrupt within N ms` and stops
 * there, since a HLT would never return.  Otherwise: delivery on STI, HLT
 * woken by the timer, and HLT with the interrupt already pending.
 */
#include "guest.h"

const char test_name[] = "hlt";

#define TIMER_VECTOR 0x40
#define TIMER_COUNT 1000000u /* 1 ms at the usual 1 GHz APIC timer clock */
#define WAIT_MS 500          /* generous: every IRR poll may be a VM exit under an emulator */
#define LAPIC_TPR 0x080
#define CPUID1_EDX_APIC (1u << 9)

static volatile unsigned int timer_interrupts;
static volatile uint64_t timer_tsc;

static void timer_interrupt(struct trap_frame *f)
{
    timer_interrupts++;
    timer_tsc = rdtsc();
    lapic_write(LAPIC_EOI, 0);
}

static uint64_t ticks_to_us(uint64_t ticks)
{
    return ticks * 1000 / tsc_ticks_per_ms();
}

static void timer_arm(void)
{
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
    lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT);
}

/* Poll with IF = 0 until the timer vector is pending in the IRR; false after WAIT_MS. */
static bool wait_pending(uint64_t start, uint64_t *at)
{
    uint64_t deadline = start + WAIT_MS * tsc_ticks_per_ms();

    while (!lapic_irr_pending(TIMER_VECTOR)) {
        if (rdtsc() > deadline)
            return false;
        cpu_relax();
    }
    *at = rdtsc();
    return true;
}

static bool lapic_usable(void)
{
    uint64_t base = 0;
    uint32_t version;

    if (!(cpuid(1).edx & CPUID1_EDX_APIC) || rdmsr_safe(MSR_APIC_BASE, &base) >= 0 ||
        !(base & APIC_BASE_ENABLE) || (base & APIC_BASE_EXTD)) {
        skip("lapic", "no xAPIC: CPUID.1:EDX.APIC or APIC_BASE %#lx", base);
        return false;
    }
    version = lapic_read(LAPIC_VERSION);
    info("LAPIC at %#lx: id %u, version register %#x", lapic_base(), lapic_id(), version);
    if (version == 0xffffffffu || !version) {
        skip("lapic", "LAPIC registers read %#x: not emulated", version);
        return false;
    }
    return true;
}

void test_main(void)
{
    uint64_t start, pending_at, tsc;
    unsigned int count;

    info("TSC %lu kHz%s", tsc_ticks_per_ms(), cpu.tsc_khz ? "" : " (assumed)");
    if (!lapic_usable())
        return;
    irq_set_handler(TIMER_VECTOR, timer_interrupt);
    irq_disable();
    legacy_pic_mask();
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);

    /* 1. Does the timer fire at all? */
    start = rdtsc();
    timer_arm();
    if (!wait_pending(start, &pending_at)) {
        skip("timer", "no timer interrupt within %u ms (current count %#x)", WAIT_MS,
             lapic_read(LAPIC_TIMER_CURRENT));
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
        return;
    }
    pass("timer", "one-shot timer (count %u) pending after %lu us", TIMER_COUNT,
         ticks_to_us(pending_at - start));

    /* 2. The pending interrupt is delivered once IF is set. */
    start = rdtsc();
    irq_enable();
    while (!timer_interrupts && rdtsc() - start < WAIT_MS * tsc_ticks_per_ms())
        cpu_relax();
    irq_disable();
    check(timer_interrupts == 1, "delivery", "%u interrupt(s) %lu us after STI (want 1)",
          timer_interrupts, ticks_to_us(timer_tsc - start));

    /* 3. HLT sleeps until the timer fires.  STI's shadow covers the HLT. */
    count = timer_interrupts;
    start = rdtsc();
    timer_arm();
    asm volatile("sti; hlt; cli" ::: "memory");
    tsc = rdtsc();
    check(timer_interrupts == count + 1, "hlt_wakeup",
          "HLT returned after %lu us with %u new interrupt(s) (timer fired at %lu us)",
          ticks_to_us(tsc - start), timer_interrupts - count, ticks_to_us(timer_tsc - start));

    /* 4. HLT with the interrupt already pending must not sleep. */
    count = timer_interrupts;
    start = rdtsc();
    timer_arm();
    if (wait_pending(start, &pending_at)) {
        asm volatile("sti; hlt; cli" ::: "memory");
        tsc = rdtsc();
        check(timer_interrupts == count + 1, "hlt_pending",
              "HLT with the interrupt pending returned after %lu us, %u interrupt(s)",
              ticks_to_us(tsc - pending_at), timer_interrupts - count);
    } else {
        fail("hlt_pending", "timer did not fire again within %u ms", WAIT_MS);
    }
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}
