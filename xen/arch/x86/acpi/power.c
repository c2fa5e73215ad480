/*
 * Leaving the machine through ACPI: S5 (soft off) via the PM1 control
 * registers, and reset via the FADT's reset register.
 *
 * Without an AML interpreter the _PTS and _GTS methods firmware may want
 * run before sleeping are not evaluated; QEMU and most PC chipsets power
 * off without them.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/acpi.h>
#include <asm/acpi_tables.h>

/* PCI configuration mechanism #1. */
#define PCI_CONF_ADDRESS    0xcf8
#define PCI_CONF_DATA       0xcfc
#define PCI_CONF_ENABLE     (1U << 31)

#define POST_PORT           0x80    /* reading it takes about a microsecond */

#define S5_WAIT_MS          1000
#define RESET_WAIT_MS       500

uint16_t acpi_pm1_cnt_sleep(uint16_t cur, uint8_t slp_typ, bool enable)
{
    /* Keep SCI_EN and the rest; never write 1 to GBL_RLS (it raises an SMI). */
    uint16_t v = cur & (uint16_t)~(ACPI_PM1_CNT_SLP_TYP_MASK | ACPI_PM1_CNT_SLP_EN |
                                   ACPI_PM1_CNT_GBL_RLS);

    v |= (uint16_t)((slp_typ & 7U) << ACPI_PM1_CNT_SLP_TYP_SHIFT);
    if (enable)
        v |= ACPI_PM1_CNT_SLP_EN;
    return v;
}

int acpi_reset_pci_addr(uint64_t gas_addr, uint32_t *cf8, uint16_t *data_port)
{
    uint32_t dev = ACPI_GAS_PCI_DEV(gas_addr), fn = ACPI_GAS_PCI_FN(gas_addr);
    uint32_t off = ACPI_GAS_PCI_OFFSET(gas_addr);

    if (ACPI_GAS_PCI_RSVD(gas_addr) || dev >= 32 || fn >= 8 || off >= 256)
        return -EINVAL;
    /* Bus 0: the GAS cannot name another. */
    *cf8 = PCI_CONF_ENABLE | (dev << 11) | (fn << 8) | (off & 0xfcU);
    *data_port = (uint16_t)(PCI_CONF_DATA + (off & 3U));
    return 0;
}

/*
 * Busy-wait for about `ms` milliseconds: by the PM timer if there is one,
 * else by POST port reads.  Bounded by a spin count either way, so a
 * stuck timer cannot hold us here.
 */
static void acpi_delay_ms(unsigned int ms)
{
    const struct acpi_info *ai = &acpi_info;
    uint32_t mask = ai->pm_tmr_32bit ? 0xffffffffU : 0x00ffffffU;
    uint64_t want = (uint64_t)ms * ACPI_PM_TIMER_HZ / 1000, elapsed = 0;
    unsigned long spins, max_spins = (unsigned long)ms * 1000;
    uint32_t last, now;

    if (ai->pm_tmr) {
        last = inl((uint16_t)ai->pm_tmr) & mask;
        for (spins = 0; elapsed < want && spins < 10 * max_spins; spins++) {
            now = inl((uint16_t)ai->pm_tmr) & mask;
            elapsed += (now - last) & mask;
            last = now;
        }
        return;
    }
    for (spins = 0; spins < max_spins; spins++)
        (void)inb(POST_PORT);
}

void acpi_power_off(void)
{
    const struct acpi_info *ai = &acpi_info;
    uint16_t a, b = 0;

    if (!ai->pm1a_cnt || !ai->have_s5) {
        printk(XENLOG_WARNING "ACPI: cannot enter S5: %s\n",
               !ai->pm1a_cnt ? "no PM1a control block" : "no \\_S5 object");
        return;
    }
    printk("Powering off (ACPI S5)\n");
    console_flush();     /* the machine stops with the write below */
    local_irq_disable();

    /* ACPI: "Sleeping state": program SLP_TYP, then set SLP_EN. */
    a = acpi_pm1_cnt_sleep(inw((uint16_t)ai->pm1a_cnt), ai->s5_slp_typa, false);
    outw(a, (uint16_t)ai->pm1a_cnt);
    if (ai->pm1b_cnt) {
        b = acpi_pm1_cnt_sleep(inw((uint16_t)ai->pm1b_cnt), ai->s5_slp_typb, false);
        outw(b, (uint16_t)ai->pm1b_cnt);
    }
    outw(a | ACPI_PM1_CNT_SLP_EN, (uint16_t)ai->pm1a_cnt);
    if (ai->pm1b_cnt)
        outw(b | ACPI_PM1_CNT_SLP_EN, (uint16_t)ai->pm1b_cnt);

    acpi_delay_ms(S5_WAIT_MS);
    printk(XENLOG_ERR "ACPI: still running after entering S5\n");
}

void acpi_reboot(void)
{
    const struct acpi_info *ai = &acpi_info;
    const struct acpi_gas_info *r = &ai->reset_reg;
    volatile uint8_t *mmio;
    uint32_t cf8;
    uint16_t port;

    if (!ai->have_reset)
        return;
    printk(XENLOG_INFO "ACPI: resetting through the FADT reset register\n");

    switch (r->space) {
    case ACPI_GAS_SPACE_MEMORY:
        mmio = maddr_to_virt(r->addr);
        if (!mmio)
            return;
        *mmio = ai->reset_value;
        break;
    case ACPI_GAS_SPACE_IO:
        outb(ai->reset_value, (uint16_t)r->addr);
        break;
    case ACPI_GAS_SPACE_PCI:
        if (acpi_reset_pci_addr(r->addr, &cf8, &port))
            return;
        outl(cf8, PCI_CONF_ADDRESS);
        outb(ai->reset_value, port);
        break;
    default:
        return;
    }

    acpi_delay_ms(RESET_WAIT_MS);
    printk(XENLOG_WARNING "ACPI: the reset register did not reset the machine\n");
}
