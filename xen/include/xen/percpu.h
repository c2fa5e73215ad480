/*
 * Per-CPU variables.  DEFINE_PER_CPU(type, name) puts a zero-initialised
 * template in .bss.percpu; every CPU other than CPU 0 gets its own zeroed
 * copy, found by adding __per_cpu_offset[cpu] (CPU 0's offset is 0: it uses
 * the template itself).  The running CPU finds its offset through struct
 * cpu_info at the GS base.  Variables must not have initialisers.
 * A CPU's area exists from just before it is started (smpboot.c); a CPU
 * that is not up must not be asked for (see INVALID_PERCPU_OFFSET).
 */
#ifndef XEN_PERCPU_H
#define XEN_PERCPU_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/smp.h>

#define DEFINE_PER_CPU(type, name) \
    __section(".bss.percpu") __typeof__(type) per_cpu__##name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name

extern unsigned long __per_cpu_offset[NR_CPUS];
/* The template's bounds (xen.lds.S). */
extern char __per_cpu_start[], __per_cpu_end[];
/*
 * The offset of a CPU that has no area (not present, or not up yet):
 * per_cpu() then lands on a non-canonical address and faults (#GP).
 */
#define INVALID_PERCPU_OFFSET 0x8000000000000000UL

#define per_cpu(name, cpu) \
    (*(__typeof__(&per_cpu__##name))((char *)&per_cpu__##name + __per_cpu_offset[cpu]))
/* struct cpu_info's per_cpu_offset (offset 8 from the GS base). */
static inline unsigned long this_cpu_offset(void)
{
    unsigned long off;

    __asm__ __volatile__("movq %%gs:8, %0" : "=r"(off));
    return off;
}
#define this_cpu(name) \
    (*(__typeof__(&per_cpu__##name))((char *)&per_cpu__##name + this_cpu_offset()))

#endif
