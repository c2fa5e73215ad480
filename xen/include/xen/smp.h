/* CPUs: how many we are built for, who is running, and cross-CPU calls. */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include <xen/types.h>

#define NR_CPUS 256

#ifndef __ASSEMBLY__
struct cpumask;
struct vcpu;

/*
 * What the GS base of each CPU points at.  Kept tiny and fixed: assembly
 * and smp_processor_id() read it at known offsets.
 */
struct cpu_info {
    unsigned int processor_id;      /* offset 0 */
    uint32_t apic_id;               /* offset 4 */
    unsigned long per_cpu_offset;   /* offset 8 */
    struct vcpu *current;           /* offset 16 */
    unsigned long stack_top;        /* offset 24 */
    struct cpu_info *self;          /* offset 32: lets C find the struct */
};
_Static_assert(offsetof(struct cpu_info, processor_id) == 0, "cpu_info: processor_id");
_Static_assert(offsetof(struct cpu_info, per_cpu_offset) == 8, "cpu_info: per_cpu_offset");
_Static_assert(offsetof(struct cpu_info, current) == 16, "cpu_info: current");
_Static_assert(offsetof(struct cpu_info, self) == 32, "cpu_info: self");

static inline struct cpu_info *get_cpu_info(void)
{
    struct cpu_info *ci;

    __asm__ __volatile__("mov %%gs:0x20, %0" : "=r"(ci));
    return ci;
}

/* The running CPU's number (0 = the boot CPU). */
unsigned int smp_processor_id(void);
extern unsigned int nr_cpu_ids;     /* highest possible CPU number + 1 */

/*
 * Run fn(info) on every online CPU in mask (the caller excluded); wait for
 * completion if wait.  fn runs in interrupt context on each target (with
 * interrupts off: short, no sleeping, no on_selected_cpus of its own).
 * The caller must have interrupts on (so not an interrupt handler): while
 * one call is in flight, another caller waits with interrupts on and can
 * serve it.
 */
void on_selected_cpus(const struct cpumask *mask, void (*fn)(void *), void *info, bool wait);
/* Run fn(info) on every other online CPU. */
void smp_call_function(void (*fn)(void *), void *info, bool wait);
/* Make the CPUs in mask (the caller and offline CPUs excluded) look at their softirqs. */
void smp_send_event_check_mask(const struct cpumask *mask);
void smp_send_event_check_cpu(unsigned int cpu);
/* Stop every other CPU (panic, shutdown): takes no locks, waits up to 100 ms. */
void smp_send_stop(void);
#endif

#endif
