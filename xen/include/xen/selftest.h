/* Boot self-tests selected with selftest= (common/selftest.c). */
#ifndef XEN_SELFTEST_H
#define XEN_SELFTEST_H

/* Run the selected tests in command-line order; the last step of boot. */
void selftest_run_boot(void);

#endif
