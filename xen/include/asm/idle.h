/*
 * What a CPU does when it has nothing to run.
 *
 * arch_idle(): halt until the next interrupt unless a softirq is already
 * pending (checked with interrupts off, then STI;HLT, so a wake-up cannot
 * slip in between).  Returns with interrupts enabled.  The scheduler's
 * per-CPU loop calls it when the idle vCPU is current:
 *     for (;;) { do_softirq(); if (idle) arch_idle(); else run vCPU; }
 *
 * idle_loop(): that loop for a CPU with nothing but softirqs, where each
 * secondary CPU goes after bring-up.  A scheduler takes the CPU over from
 * its SCHEDULE_SOFTIRQ handler.
 */
#ifndef ASM_IDLE_H
#define ASM_IDLE_H

#include <xen/compiler.h>

void arch_idle(void);
void __noreturn idle_loop(void);

#endif
