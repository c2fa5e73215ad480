/*
 * The simulated machine behind the scheduler host tests (see sim.h): what
 * runloop.c and the platform layer provide in the hypervisor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include "sim.h"

#define SIM_MAX_TIMERS 1024
/* Softirq rounds at one instant before the simulation calls it a livelock. */
#define SIM_MAX_ROUNDS 100000

s_time_t sim_now = 1;
unsigned int sim_cpu;
unsigned int sim_ncpus;
unsigned long sim_events;
unsigned int nr_cpu_ids = 1;
cpumask_t cpu_online_map, cpu_present_map;
char opt_sched[16] = "credit";

static uint64_t softirq_bits[NR_CPUS];
static void (*softirq_handlers[NR_SOFTIRQS])(void);
static struct timer *timers[SIM_MAX_TIMERS];
static unsigned int nr_timers;
static bool in_run_hook;

s_time_t NOW(void)
{
    return sim_now;
}

unsigned int smp_processor_id(void)
{
    return sim_cpu;
}

void *alloc_xenheap_pages(unsigned int order)
{
    size_t size = 4096UL << order;
    void *p = aligned_alloc(4096, size);

    if (p)
        memset(p, 0, size);
    return p;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    free(va);
}

/* ---- softirqs ---- */

void open_softirq(unsigned int nr, void (*handler)(void))
{
    softirq_handlers[nr] = handler;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if (cpu >= NR_CPUS) {
        printf("FAIL: softirq raised for CPU %u\n", cpu);
        abort();
    }
    softirq_bits[cpu] |= 1ULL << nr;
}

void raise_softirq(unsigned int nr)
{
    cpu_raise_softirq(sim_cpu, nr);
}

/* Inside a run hook, every check sees work pending: a hook runs one round per event. */
bool softirq_pending(unsigned int cpu)
{
    return in_run_hook || softirq_bits[cpu] != 0;
}

/* One CPU handles its softirqs; true if there were any. */
static bool sim_softirqs_of(unsigned int cpu)
{
    unsigned int saved = sim_cpu, rounds = 0;
    bool any = false;

    sim_cpu = cpu;
    while (softirq_bits[cpu]) {
        unsigned int nr = (unsigned int)__builtin_ctzll(softirq_bits[cpu]);

        softirq_bits[cpu] &= ~(1ULL << nr);
        if (softirq_handlers[nr])
            softirq_handlers[nr]();
        sim_events++;
        any = true;
        if (++rounds > SIM_MAX_ROUNDS) {
            printf("FAIL: CPU %u raises softirqs for ever at %ld ns\n", cpu, (long)sim_now);
            abort();
        }
    }
    sim_cpu = saved;
    return any;
}

void do_softirq(void)
{
    sim_softirqs_of(sim_cpu);
}

void sim_settle(void)
{
    unsigned int cpu, rounds = 0;
    bool again = true;

    while (again) {
        again = false;
        for (cpu = 0; cpu < sim_ncpus; cpu++)
            again |= sim_softirqs_of(cpu);
        if (++rounds > SIM_MAX_ROUNDS) {
            printf("FAIL: softirqs never settle at %ld ns\n", (long)sim_now);
            abort();
        }
    }
    for (cpu = 0; cpu < sim_ncpus; cpu++) {
        struct vcpu *v = sched_pcpu[cpu].curr;

        if (!v || is_idle_vcpu(v))
            continue;
        sim_cpu = cpu;
        in_run_hook = true;
        sched_pcpu[cpu].in_run_hook = true;
        v->run(v);
        sched_pcpu[cpu].in_run_hook = false;
        in_run_hook = false;
    }
    sim_cpu = 0;
}

/* ---- timers ---- */

static int timer_index(const struct timer *t)
{
    unsigned int i;

    for (i = 0; i < nr_timers; i++)
        if (timers[i] == t)
            return (int)i;
    return -1;
}

static void timer_dequeue(struct timer *t)
{
    int i = timer_index(t);

    if (i >= 0)
        timers[i] = timers[--nr_timers];
    t->status = TIMER_STATUS_inactive;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    timer_dequeue(t);
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *t, s_time_t expires)
{
    if (timer_index(t) < 0) {
        if (nr_timers == SIM_MAX_TIMERS) {
            printf("FAIL: too many simulated timers\n");
            abort();
        }
        timers[nr_timers++] = t;
    }
    t->expires = expires;
    t->period = 0;
    t->status = TIMER_STATUS_in_heap;
}

void set_periodic_timer(struct timer *t, s_time_t first, s_time_t period)
{
    set_timer(t, first);
    t->period = period;
}

void stop_timer(struct timer *t)
{
    timer_dequeue(t);
}

void kill_timer(struct timer *t)
{
    timer_dequeue(t);
    t->status = TIMER_STATUS_invalid;
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    t->cpu = new_cpu;
}

bool timer_is_active(const struct timer *t)
{
    return timer_index(t) >= 0;
}

/* The earliest timer due at or before `end`, or NULL. */
static struct timer *timer_next(s_time_t end)
{
    struct timer *best = NULL;
    unsigned int i;

    for (i = 0; i < nr_timers; i++)
        if (timers[i]->expires <= end && (!best || timers[i]->expires < best->expires))
            best = timers[i];
    return best;
}

void sim_run(s_time_t duration)
{
    s_time_t end = sim_now + duration;
    struct timer *t;

    sim_settle();
    while ((t = timer_next(end))) {
        if (t->expires > sim_now)
            sim_now = t->expires;
        if (t->period)
            t->expires += t->period;
        else
            timer_dequeue(t);
        sim_cpu = t->cpu;
        t->function(t->data);
        sim_cpu = 0;
        sim_events++;
        sim_settle();
    }
    sim_now = end;
    sim_settle();
}

/* ---- what runloop.c provides in the hypervisor ---- */

static struct vcpu *sim_current[NR_CPUS];

void sched_arch_set_current(struct vcpu *v)
{
    sim_current[sim_cpu] = v;
}

/* Waiting for another CPU: let it handle its softirqs, as it would meanwhile. */
void sched_arch_wait(unsigned int cpu)
{
    static unsigned int idle_waits;

    if (sim_softirqs_of(cpu)) {
        idle_waits = 0;
        return;
    }
    if (++idle_waits > SIM_MAX_ROUNDS) {
        printf("FAIL: waiting for CPU %u, which has nothing to do\n", cpu);
        abort();
    }
}

void sched_run_for(s_time_t duration)
{
    sim_run(duration);
}

void sim_boot(unsigned int ncpus, const char *sched)
{
    unsigned int cpu;

    sim_ncpus = ncpus;
    nr_cpu_ids = ncpus;
    for (cpu = 0; cpu < ncpus; cpu++) {
        cpumask_set_cpu(cpu, &cpu_online_map);
        cpumask_set_cpu(cpu, &cpu_present_map);
    }
    snprintf(opt_sched, sizeof(opt_sched), "%s", sched);
    sim_cpu = 0;
    scheduler_init();
    for (cpu = 1; cpu < ncpus; cpu++) {
        sim_cpu = cpu;
        sched_cpu_start(cpu);
        if (sim_current[cpu] != sched_pcpu[cpu].idle) {
            printf("FAIL: CPU %u did not start on its idle vCPU\n", cpu);
            abort();
        }
    }
    sim_cpu = 0;
    sim_settle();
}
