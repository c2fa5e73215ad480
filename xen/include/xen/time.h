/* System time: nanoseconds since boot, consistent across CPUs. */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

typedef int64_t s_time_t;
#define NANOSECONDS(ns) ((s_time_t)(ns))
#define MICROSECS(us)   ((s_time_t)(us) * 1000LL)
#define MILLISECS(ms)   ((s_time_t)(ms) * 1000000LL)
#define SECONDS(s)      ((s_time_t)(s) * 1000000000LL)
#define STIME_MAX       INT64_MAX

/* Nanoseconds since the TSC was calibrated at boot. */
s_time_t NOW(void);

/* Calibrate the TSC against the best platform timer (HPET, ACPI PM timer, PIT). */
void time_init(void);
/* Per-CPU timer hardware set-up (TSC-deadline or LAPIC one-shot); on every CPU. */
void time_init_cpu(void);
extern uint64_t tsc_khz;
extern const char *time_source_name;  /* which platform timer calibrated the TSC */

/* Arm this CPU's timer interrupt for absolute time `deadline` (0: disarm). */
void reprogram_timer(s_time_t deadline);

#endif
