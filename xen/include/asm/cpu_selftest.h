/*
 * Boot self-tests of the CPU platform (arch/x86/cpu_selftest.c), run by
 * selftest=timer / selftest=ipi.  Each prints per-CPU lines and a final
 * "selftest <word>: PASS" or "selftest <word>: FAIL: <reason>".
 */
#ifndef ASM_CPU_SELFTEST_H
#define ASM_CPU_SELFTEST_H

#include <xen/types.h>

/* One-shot order and lateness, stop/re-arm, remote arming, migration, periodic phase: every CPU. */
bool selftest_timer(void);
/* on_selected_cpus to each CPU and to all, without wait, concurrent callers; event checks. */
bool selftest_ipi(void);

#endif
