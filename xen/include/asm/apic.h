/*
 * The local APIC: register offsets (SDM: "Local APIC register address
 * map"), the vectors the hypervisor reserves for itself, and the driver
 * API (x2APIC through MSRs when the CPU has it, else xAPIC through MMIO).
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <xen/types.h>
#include <asm/traps.h>

/* IA32_APIC_BASE MSR. */
#define MSR_APIC_BASE            0x1bU
#define APIC_BASE_BSP            (1UL << 8)
#define APIC_BASE_EXTD           (1UL << 10)   /* x2APIC mode */
#define APIC_BASE_ENABLE         (1UL << 11)
#define APIC_BASE_ADDR_MASK      0x000ffffffffff000UL

#define MSR_TSC_DEADLINE         0x6e0U
#define MSR_X2APIC_FIRST         0x800U        /* + (xAPIC offset >> 4) */

/* Register offsets in the xAPIC MMIO page. */
#define APIC_ID                  0x020
#define APIC_LVR                 0x030         /* version */
#define APIC_TPR                 0x080
#define APIC_EOI                 0x0b0
#define APIC_LDR                 0x0d0
#define APIC_DFR                 0x0e0
#define APIC_SVR                 0x0f0
#define APIC_ESR                 0x280
#define APIC_LVT_CMCI            0x2f0
#define APIC_ICR                 0x300         /* x2APIC: one 64-bit MSR */
#define APIC_ICR2                0x310         /* xAPIC: destination in bits 31:24 */
#define APIC_LVT_TIMER           0x320
#define APIC_LVT_THERMAL         0x330
#define APIC_LVT_PMC             0x340
#define APIC_LVT_LINT0           0x350
#define APIC_LVT_LINT1           0x360
#define APIC_LVT_ERROR           0x370
#define APIC_TMICT               0x380         /* timer initial count */
#define APIC_TMCCT               0x390         /* timer current count */
#define APIC_TDCR                0x3e0         /* timer divide configuration */

#define APIC_SVR_ENABLE          (1U << 8)
#define APIC_LVR_MAXLVT(v)       (((v) >> 16) & 0xff)

/* LVT entry fields. */
#define APIC_LVT_MASKED          (1U << 16)
#define APIC_LVT_DM_FIXED        (0U << 8)
#define APIC_LVT_DM_NMI          (4U << 8)
#define APIC_TIMER_ONESHOT       (0U << 17)
#define APIC_TIMER_TSC_DEADLINE  (2U << 17)
#define APIC_TDCR_DIV_1          0xbU

/* Interrupt command register fields. */
#define APIC_ICR_DM_FIXED        (0U << 8)
#define APIC_ICR_DM_NMI          (4U << 8)
#define APIC_ICR_DM_INIT         (5U << 8)
#define APIC_ICR_DM_STARTUP      (6U << 8)
#define APIC_ICR_DEST_LOGICAL    (1U << 11)    /* never used: physical only */
#define APIC_ICR_BUSY            (1U << 12)    /* xAPIC delivery status */
#define APIC_ICR_LEVEL_ASSERT    (1U << 14)
#define APIC_ICR_TRIGGER_LEVEL   (1U << 15)
#define APIC_ICR_SH_SELF         (1U << 18)

/*
 * Vectors the hypervisor owns, all in the highest priority class (0xf0-0xff)
 * so that no device interrupt can hold them off.  SPURIOUS_APIC_VECTOR
 * (0xff) is in asm/traps.h.  Vectors 0x20-0xef are free for devices and
 * virtualisation (posted interrupts etc.).
 */
#define ERROR_APIC_VECTOR        0xfe
#define EVENT_CHECK_VECTOR       0xfd  /* "look at your softirqs" */
#define CALL_FUNCTION_VECTOR     0xfc  /* on_selected_cpus() */
#define STOP_VECTOR              0xfb  /* smp_send_stop() */
#define LOCAL_TIMER_VECTOR       0xfa  /* APIC timer / TSC deadline */

#define BAD_APICID               0xffffffffU

#ifndef __ASSEMBLY__
extern bool x2apic_enabled;          /* all CPUs use the same mode */
extern bool apic_has_tsc_deadline;
extern uint32_t apic_timer_khz;      /* APIC timer ticks per ms at divide 1 */

/*
 * Boot CPU: pick the mode (x2APIC if CPUID.1:ECX[21] and not x2apic=no),
 * enable the APIC, install the spurious and error handlers.  Later CPUs
 * call apic_init_cpu() with the mode the boot CPU chose.
 */
void apic_init_bsp(void);
void apic_init_cpu(void);

uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);
void apic_eoi(void);
/* This CPU's APIC ID, from the APIC itself. */
uint32_t apic_read_id(void);
/* This CPU's APIC ID from CPUID (works before the APIC is enabled). */
uint32_t apic_cpuid_id(void);

/*
 * Send one IPI with physical destination `dest` (an APIC ID); `icr_low`
 * is the low ICR word (vector | delivery mode | level/trigger bits).
 * Interrupt-safe; waits for an xAPIC's previous IPI to be accepted.
 */
void apic_send_ipi(uint32_t dest, uint32_t icr_low);
void apic_send_ipi_self(unsigned int vector);
void apic_send_init(uint32_t dest);
void apic_send_sipi(uint32_t dest, unsigned int page);   /* start at page << 12 */

/*
 * The LAPIC timer: TSC-deadline mode when CPUID.1:ECX[24], else one-shot
 * at divide 1.  apic_timer_calibrate() measures the one-shot rate against
 * the (calibrated) TSC, on the boot CPU.
 */
void apic_timer_calibrate(void);
void apic_timer_setup_cpu(void);
void apic_timer_set_tsc_deadline(uint64_t tsc);   /* 0: disarm */
void apic_timer_set_oneshot(uint32_t ticks);      /* 0: disarm */
#endif

#endif
