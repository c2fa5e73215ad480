/*
 * The per-CPU run loop, and what the scheduler core needs from the CPU it
 * runs on: setting its current vCPU, waiting for another CPU.  The only
 * scheduler file that touches the hardware; host tests put a simulator
 * in its place.
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched-if.h>
#include <xen/shutdown.h>
#include <xen/softirq.h>
#include <asm/idle.h>
#include <asm/processor.h>

#define SCHED_BOOT_CPU 0

void sched_arch_set_current(struct vcpu *v)
{
    get_cpu_info()->current = v;
}

void sched_arch_wait(unsigned int cpu)
{
    cpu_relax();
}

/* Softirqs (which may switch vCPUs), then run the current vCPU or idle. */
static void sched_run_once(unsigned int cpu)
{
    struct sched_pcpu *sr = &sched_pcpu[cpu];
    struct vcpu *v;

    do_softirq();
    v = sr->curr;
    if (is_idle_vcpu(v)) {
        /* Idle time zeroes free memory, 256 KiB at a time, before halting. */
        if (page_scrub_step())
            return;
        arch_idle();
        return;
    }
    sr->in_run_hook = true;
    v->run(v);
    sr->in_run_hook = false;
}

void __noreturn sched_run_loop(void)
{
    unsigned int cpu = smp_processor_id();

    /* A secondary CPU may get here before the boot CPU made pool 0. */
    while (!__atomic_load_n(&scheduler_ready, __ATOMIC_ACQUIRE))
        cpu_relax();
    sched_cpu_start(cpu);
    for (;;) {
        if (cpu == SCHED_BOOT_CPU && !sched_nr_vcpus()) {
            printk("Nothing to run: powering off\n");
            machine_power_off();
        }
        sched_run_once(cpu);
    }
}

static void sched_run_for_timer_fn(void *data)
{
    /* Nothing to do: its softirq has already woken the CPU to look at the time. */
}

void sched_run_for(s_time_t duration)
{
    unsigned int cpu = smp_processor_id();
    s_time_t end = NOW() + duration;
    struct timer t = { 0 };

    init_timer(&t, sched_run_for_timer_fn, NULL, cpu);
    set_timer(&t, end);
    while (NOW() < end)
        sched_run_once(cpu);
    kill_timer(&t);
}
