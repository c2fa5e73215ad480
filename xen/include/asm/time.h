/*
 * x86 time internals: the platform clocks that calibrate the TSC, and the
 * check at CPU bring-up that a new CPU's TSC agrees with CPU 0's.
 */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <xen/types.h>

/* TSC ticks per second measured over `ms` (at most 50) of PIT channel 2; 0 if it did not count. */
uint64_t pit_tsc_hz(unsigned int ms);

/*
 * TSC agreement, measured by ping-pong: CPU 0 reads its TSC (t0), asks,
 * the new CPU reads its own (t), CPU 0 reads again (t1).  With equal
 * clocks t0 <= t <= t1, so t - t1 > 0 proves the new CPU is ahead by at
 * least that much and t0 - t > 0 that it is behind; the emulator's
 * scheduling can only hide skew, never invent it.
 */
struct tsc_sync_result {
    int64_t ahead_ns;       /* > 0: proven ahead of CPU 0 by this much */
    int64_t behind_ns;      /* > 0: proven behind */
    uint64_t best_rtt_ns;   /* shortest t1 - t0: how tight the bound is */
    unsigned int rounds;
};
#define TSC_SKEW_WARN_NS 5000

void tsc_sync_prepare(void);                              /* CPU 0, before the SIPI */
bool tsc_sync_bsp(struct tsc_sync_result *res);          /* CPU 0; false: no answer */
void tsc_sync_ap(struct tsc_sync_result *res);           /* the new CPU */

#endif
