/* How many CPUs the hypervisor is built for; per-CPU arrays are sized by it. */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#define NR_CPUS 256

#endif
