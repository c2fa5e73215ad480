/*
 * Inter-processor interrupts: run a function on other CPUs
 * (on_selected_cpus), make them look at their softirqs (event check) and
 * stop them (panic, shutdown).  Every IPI names its target by APIC ID
 * (physical destination mode).
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/delay.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/smpboot.h>

#define STOP_WAIT_US 100000

DEFINE_PER_CPU(unsigned long, ipi_event_checks);

unsigned int smp_processor_id(void)
{
    unsigned int id;

    __asm__ __volatile__("movl %%gs:0, %0" : "=r"(id));
    return id;
}

void send_IPI_mask(const cpumask_t *mask, unsigned int vector)
{
    unsigned int cpu;

    for_each_cpu(cpu, mask) {
        uint32_t dest = cpu_physical_id(cpu);

        if (dest != BAD_APICID)
            apic_send_ipi(dest, APIC_ICR_DM_FIXED | vector);
    }
}

/* ---- Event check ---- */

static void event_check_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    /* The softirq bit was set before the IPI; the CPU's loop will see it. */
    this_cpu(ipi_event_checks)++;
}

void smp_send_event_check_mask(const cpumask_t *mask)
{
    cpumask_t targets;

    cpumask_and(&targets, mask, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &targets);
    send_IPI_mask(&targets, EVENT_CHECK_VECTOR);
}

void smp_send_event_check_cpu(unsigned int cpu)
{
    if (cpu != smp_processor_id() && cpumask_test_cpu(cpu, &cpu_online_map))
        apic_send_ipi(cpu_physical_id(cpu), APIC_ICR_DM_FIXED | EVENT_CHECK_VECTOR);
}

/* ---- Function calls ---- */

/*
 * One call at a time, described here while call_lock is held.  A target
 * leaves `pending` once it has copied what it needs (no wait) or once the
 * function has returned (wait); the caller holds the lock until `pending`
 * is empty, so the description stays valid for every target.
 */
static DEFINE_SPINLOCK(call_lock);
static struct call_data {
    void (*fn)(void *);
    void *info;
    bool wait;
    cpumask_t pending;
} call_data;

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();
    void (*fn)(void *);
    void *info;

    (void)regs;
    apic_eoi();
    if (!cpumask_test_cpu(cpu, &call_data.pending))
        return;                     /* not for us (a stale or duplicate IPI) */
    fn = call_data.fn;
    info = call_data.info;
    if (call_data.wait) {
        fn(info);
        cpumask_clear_cpu(cpu, &call_data.pending);
    } else {
        cpumask_clear_cpu(cpu, &call_data.pending);
        fn(info);
    }
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *), void *info, bool wait)
{
    cpumask_t targets;

    /*
     * Two CPUs calling at once: one waits for call_lock.  It must take the
     * other's IPI meanwhile, so interrupts must be on, as they must be for
     * the caller's own wait.
     */
    BUG_ON(!local_irq_is_enabled());
    cpumask_and(&targets, mask, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &targets);
    if (cpumask_empty(&targets))
        return;

    spin_lock(&call_lock);
    call_data.fn = fn;
    call_data.info = info;
    call_data.wait = wait;
    call_data.pending = targets;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    send_IPI_mask(&targets, CALL_FUNCTION_VECTOR);
    while (!cpumask_empty(&call_data.pending))
        cpu_relax();
    spin_unlock(&call_lock);
}

void smp_call_function(void (*fn)(void *), void *info, bool wait)
{
    on_selected_cpus(&cpu_online_map, fn, info, wait);
}

/* ---- Stop ---- */

static void __noreturn stop_this_cpu(void)
{
    cpumask_clear_cpu(smp_processor_id(), &cpu_online_map);
    for (;;) {
        local_irq_disable();
        halt();
    }
}

static void stop_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    apic_write(APIC_SVR, apic_read(APIC_SVR) & ~APIC_SVR_ENABLE);
    stop_this_cpu();
}

/*
 * No locks: this runs on the way down (panic), perhaps with call_lock or
 * the console lock held somewhere.  Waits a little for the others to go.
 */
void smp_send_stop(void)
{
    cpumask_t targets;
    unsigned int us;

    targets = cpu_online_map;
    cpumask_clear_cpu(smp_processor_id(), &targets);
    send_IPI_mask(&targets, STOP_VECTOR);
    for (us = 0; us < STOP_WAIT_US && cpumask_intersects(&targets, &cpu_online_map); us += 10)
        udelay(10);
}

void smp_ipi_init(void)
{
    set_irq_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
    set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
    set_irq_handler(STOP_VECTOR, stop_interrupt);
}
