/*
 * Per-CPU variables.  DEFINE_PER_CPU(type, name) puts a zero-initialised
 * template in .bss.percpu; every CPU other than CPU 0 gets its own zeroed
 * copy, found by adding __per_cpu_offset[cpu] (CPU 0's offset is 0: it uses
 * the template itself).  The running CPU finds its offset through struct
 * cpu_info at the GS base.  Variables must not have initialisers.
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

#define per_cpu(name, cpu) \
    (*(__typeof__(&per_cpu__##name))((char *)&per_cpu__##name + __per_cpu_offset[cpu]))
#define this_cpu(name) per_cpu(name, smp_processor_id())

#endif
