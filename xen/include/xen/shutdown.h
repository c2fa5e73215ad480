/* Ending the hypervisor: power-off, reboot, halt. */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/compiler.h>

extern bool opt_noreboot;

void __noreturn machine_power_off(void);
void __noreturn machine_restart(unsigned int delay_ms);
void __noreturn machine_halt(void);

#endif
