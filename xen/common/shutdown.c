/*
 * Ending the hypervisor: panic(), and power-off, reboot or halt of the
 * machine.  `noreboot` keeps the machine halted after a panic so its
 * console can be read.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/param.h>
#include <xen/shutdown.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/processor.h>

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

static bool in_panic;

void __noreturn machine_halt(void)
{
    printk("Halting the machine\n");
    local_irq_disable();
    for (;;)
        halt();
}

void __noreturn machine_power_off(void)
{
    local_irq_disable();
    acpi_power_off();
    printk(XENLOG_ERR "ACPI power-off failed; halting instead\n");
    machine_halt();
}

void __noreturn machine_restart(unsigned int delay_ms)
{
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) no_idt = { 0, 0 };

    if (delay_ms) {
        printk("Rebooting in %u seconds...\n", (delay_ms + 999) / 1000);
        mdelay(delay_ms);
    }
    printk("Rebooting\n");
    local_irq_disable();
    console_flush();
    acpi_reboot();
    /* Keyboard controller pulse, then a triple fault. */
    outb(0xfe, 0x64);
    mdelay(50);
    __asm__ __volatile__("lidt %0; int3" : : "m"(no_idt));
    for (;;)
        halt();
}

void panic(const char *fmt, ...)
{
    va_list ap;
    char buf[256];

    local_irq_disable();
    if (in_panic) {
        /* A panic while panicking: say so as plainly as possible and stop. */
        console_write_raw("\nNested panic: halting\n", 23);
        for (;;)
            halt();
    }
    in_panic = true;
    console_force_unlock();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "\n****************************************\n");
    printk(XENLOG_ERR "Panic on CPU 0:\n");
    printk(XENLOG_ERR "%s\n", buf);
    printk(XENLOG_ERR "****************************************\n\n");
    if (opt_noreboot)
        machine_halt();
    machine_restart(5000);
}
