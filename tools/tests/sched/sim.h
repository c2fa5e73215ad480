/*
 * A simulated machine for host tests of the scheduler: a clock that only
 * moves when told, CPUs that take turns on one host thread, softirqs,
 * timers and the page allocator (sim.c).  Time passes for whatever each
 * CPU's current vCPU is; run hooks are called once per simulated event.
 */
#ifndef SCHED_SIM_H
#define SCHED_SIM_H

#include <xen/sched-if.h>

extern s_time_t sim_now;
extern unsigned int sim_cpu;        /* the CPU "executing" now */
extern unsigned int sim_ncpus;

/* scheduler_init() with `sched` as sched=, then CPUs 1..ncpus-1 join. */
void sim_boot(unsigned int ncpus, const char *sched);
/* Every CPU looks at its softirqs until none is pending, then runs its vCPU's hook once. */
void sim_settle(void);
/* Let `duration` of simulated time pass, firing timers in order. */
void sim_run(s_time_t duration);
/* Number of softirq handler calls and timer firings so far (progress checks). */
extern unsigned long sim_events;

#endif
