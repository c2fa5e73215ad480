/*
 * I/O APICs and the legacy 8259 PICs.  Until device interrupts are routed,
 * every input of both is masked so that nothing can arrive unasked.
 */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

/* I/O APIC MMIO window (ICH/PIIX datasheets; ACPI MADT gives the base). */
#define IO_APIC_REGSEL          0x00
#define IO_APIC_WIN             0x10
/* Indirect registers. */
#define IO_APIC_REG_ID          0x00
#define IO_APIC_REG_VER         0x01
#define IO_APIC_VER_MAXREDIR(v) (((v) >> 16) & 0xff)
#define IO_APIC_REG_REDIR(pin)  (0x10 + 2 * (pin))     /* low half; +1 is the high half */
#define IO_APIC_REDIR_MASKED    (1U << 16)

/* Remap the 8259s away from the exception vectors and mask them; mask every I/O APIC pin. */
void io_apic_init(void);

#endif
