/*
 * Bringing up the CPUs and talking to them: CPU numbering from the MADT,
 * per-CPU areas and stacks, INIT-SIPI-SIPI through a real-mode trampoline
 * (boot/trampoline.S), and the IPI vectors behind xen/smp.h.
 *
 * start_xen's order:
 *   trap_init(); smp_prepare_boot_cpu();         GS base: smp_processor_id(), per-CPU data
 *   ... memory, page allocator, acpi_boot_init() ...
 *   smp_boot_init(&boot_info);                    CPU list, PIC/I/O APIC masked, LAPIC, IPIs
 *   time_init(); timer_init();                    TSC calibration, CPU 0's timer
 *   local_irq_enable();
 *   cpu_bringup_all();                            every other present CPU
 */
#ifndef ASM_SMPBOOT_H
#define ASM_SMPBOOT_H

#include <xen/types.h>
#include <xen/bootinfo.h>
#include <xen/cpumask.h>
#include <xen/percpu.h>

/* CPU 0's struct cpu_info at the GS base; right after trap_init(). */
void smp_prepare_boot_cpu(void);
/*
 * After ACPI: number the CPUs (CPU 0 = this one, then MADT order), honour
 * nosmp, maxcpus= and smp_fake_absent_apic=; mask the 8259s and I/O APICs;
 * enable CPU 0's local APIC; install the IPI handlers; choose the
 * trampoline page below 1 MiB from `bi`'s memory map.
 */
void smp_boot_init(const struct boot_info *bi);
/*
 * Start every present CPU, one at a time, each into idle_loop(); a CPU
 * that does not answer is reported and left out.  Needs time_init(),
 * timer_init() and interrupts enabled on CPU 0.
 */
void cpu_bringup_all(void);

/* The APIC ID of a present CPU, BAD_APICID otherwise. */
uint32_t cpu_physical_id(unsigned int cpu);

/* Send `vector` to every CPU in mask (the caller too, if it is in mask). */
void send_IPI_mask(const cpumask_t *mask, unsigned int vector);
void smp_ipi_init(void);

/* Event-check IPIs this CPU has taken (boot self-tests). */
DECLARE_PER_CPU(unsigned long, ipi_event_checks);

static inline bool local_irq_is_enabled(void)
{
    unsigned long flags;

    __asm__ __volatile__("pushf; pop %0" : "=r"(flags));
    return flags & (1UL << 9);
}

#endif
