/* Busy-wait delays from the TSC, calibrated once against the PIT at boot. */
#ifndef XEN_DELAY_H
#define XEN_DELAY_H

#include <xen/types.h>

extern uint64_t cpu_khz;        /* TSC ticks per millisecond, 0 until calibrated */
void early_tsc_calibrate(void);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

#endif
