/*
 * Early TSC calibration against PIT channel 2 (gated through port 0x61),
 * enough for delays in panic and reboot paths.  The platform timer code
 * refines the frequency later.
 */
#include <xen/lib.h>
#include <xen/delay.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PIT_HZ       1193182
#define PIT_CH2      0x42
#define PIT_MODE     0x43
#define PORT_B       0x61
#define CALIBRATE_MS 10

uint64_t cpu_khz;

void early_tsc_calibrate(void)
{
    unsigned int count = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t t0, t1, spins = 0;
    uint8_t b = inb(PORT_B);

    /* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count). */
    outb((uint8_t)((b & ~0x02) | 0x01), PORT_B);
    outb(0xb0, PIT_MODE);
    outb((uint8_t)count, PIT_CH2);
    outb((uint8_t)(count >> 8), PIT_CH2);
    t0 = rdtsc();
    /* OUT2 (bit 5) rises at terminal count; bound the wait in case there is no PIT. */
    while (!(inb(PORT_B) & 0x20) && ++spins < 50000000)
        cpu_relax();
    t1 = rdtsc();
    outb(b, PORT_B);
    if (spins >= 50000000 || t1 <= t0) {
        cpu_khz = 2000000;      /* no usable PIT: assume 2 GHz */
        printk(XENLOG_WARNING "TSC: PIT did not count; assuming %lu kHz\n", (unsigned long)cpu_khz);
        return;
    }
    cpu_khz = (t1 - t0) / CALIBRATE_MS;
    printk("TSC: %lu.%03lu MHz (calibrated against the PIT)\n",
           (unsigned long)(cpu_khz / 1000), (unsigned long)(cpu_khz % 1000));
}

void udelay(unsigned long us)
{
    uint64_t khz = cpu_khz ? cpu_khz : 2000000;
    uint64_t end = rdtsc() + us * khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

void mdelay(unsigned long ms)
{
    while (ms--)
        udelay(1000);
}
