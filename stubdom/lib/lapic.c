/* The local APIC through its xAPIC MMIO page (identity-mapped below 4 GiB). */
#include "guest.h"

#define LAPIC_DEFAULT_BASE 0xfee00000ull
#define IPI_TIMEOUT_MS 100

/* Read once, on the boot CPU (every RDMSR may be a VM exit). */
uint64_t lapic_base(void)
{
    static uint64_t base;
    uint64_t v;

    if (!base)
        base = rdmsr_safe(MSR_APIC_BASE, &v) >= 0 ? LAPIC_DEFAULT_BASE : v & APIC_BASE_ADDR_MASK;
    return base;
}

uint32_t lapic_read(unsigned int reg)
{
    return mmio_read32(lapic_base() + reg);
}

void lapic_write(unsigned int reg, uint32_t val)
{
    mmio_write32(lapic_base() + reg, val);
}

unsigned int lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

bool lapic_irr_pending(unsigned int vector)
{
    return lapic_read(LAPIC_IRR + 0x10 * (vector / 32)) & (1u << (vector % 32));
}

bool lapic_send_ipi(unsigned int apic_id, uint32_t icr_lo)
{
    uint64_t deadline;

    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_lo);
    deadline = rdtsc() + IPI_TIMEOUT_MS * tsc_ticks_per_ms();
    while (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_BUSY)
        if (rdtsc() > deadline)
            return false;
    return true;
}

/*
 * Firmware may leave the 8259 PICs unmasked with IRQ0 on vector 8 (QEMU's
 * SeaBIOS does): mask them before enabling interrupts.  Where no PIC is
 * emulated the writes are dropped.
 */
#define PIC_MASTER_IMR 0x21
#define PIC_SLAVE_IMR 0xa1

void legacy_pic_mask(void)
{
    outb(PIC_MASTER_IMR, 0xff);
    outb(PIC_SLAVE_IMR, 0xff);
}
