/*
 * Quiet the legacy interrupt controllers at boot: the 8259 pair is
 * re-initialised onto harmless vectors and fully masked, and every
 * redirection entry of every I/O APIC the MADT lists is masked.
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/io_apic.h>

#define PIC_MASTER_CMD   0x20
#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_CMD    0xa0
#define PIC_SLAVE_DATA   0xa1
#define PIC_ICW1_INIT    0x11   /* edge, cascade, ICW4 follows */
#define PIC_ICW4_8086    0x01
#define PIC_MASTER_BASE  0x20   /* vectors 0x20-0x27 */
#define PIC_SLAVE_BASE   0x28   /* vectors 0x28-0x2f */
#define PIC_CASCADE_IRQ  2

static uint32_t io_apic_read(volatile uint32_t *win, unsigned int reg)
{
    win[IO_APIC_REGSEL / 4] = reg;
    return win[IO_APIC_WIN / 4];
}

static void io_apic_write(volatile uint32_t *win, unsigned int reg, uint32_t val)
{
    win[IO_APIC_REGSEL / 4] = reg;
    win[IO_APIC_WIN / 4] = val;
}

/*
 * Even masked, an 8259 can raise a spurious IRQ7/IRQ15; the BIOS leaves
 * the master on vectors 0x08-0x0f, where that would look like an
 * exception.  Move both onto 0x20-0x2f first.
 */
static void pic_mask_all(void)
{
    outb(PIC_ICW1_INIT, PIC_MASTER_CMD);
    outb(PIC_ICW1_INIT, PIC_SLAVE_CMD);
    outb(PIC_MASTER_BASE, PIC_MASTER_DATA);
    outb(PIC_SLAVE_BASE, PIC_SLAVE_DATA);
    outb(1U << PIC_CASCADE_IRQ, PIC_MASTER_DATA);
    outb(PIC_CASCADE_IRQ, PIC_SLAVE_DATA);
    outb(PIC_ICW4_8086, PIC_MASTER_DATA);
    outb(PIC_ICW4_8086, PIC_SLAVE_DATA);
    outb(0xff, PIC_MASTER_DATA);
    outb(0xff, PIC_SLAVE_DATA);
}

void io_apic_init(void)
{
    unsigned int i, pin, pins_total = 0;

    pic_mask_all();

    for (i = 0; i < acpi_info.nr_ioapics; i++) {
        const struct acpi_ioapic *io = &acpi_info.ioapics[i];
        volatile uint32_t *win;
        unsigned int pins;

        if (!io->addr || io->addr & 0xf) {
            printk(XENLOG_WARNING "IOAPIC[%u]: bad address %#x, not touched\n", i, io->addr);
            continue;
        }
        win = maddr_to_virt(io->addr);
        pins = IO_APIC_VER_MAXREDIR(io_apic_read(win, IO_APIC_REG_VER)) + 1;
        for (pin = 0; pin < pins; pin++) {
            uint32_t lo = io_apic_read(win, IO_APIC_REG_REDIR(pin));

            io_apic_write(win, IO_APIC_REG_REDIR(pin), lo | IO_APIC_REDIR_MASKED);
        }
        pins_total += pins;
        printk(XENLOG_INFO "IOAPIC[%u]: ID %u at %#x, GSI %u-%u, all pins masked\n", i, io->id,
               io->addr, io->gsi_base, io->gsi_base + pins - 1);
    }
    printk("Interrupts: 8259 PICs masked, %u I/O APIC pin(s) masked on %u I/O APIC(s)\n",
           pins_total, acpi_info.nr_ioapics);
}
