/*
 * Busy-wait delays from the TSC.  An early calibration against PIT
 * channel 2 makes them usable in panic and reboot paths from the start;
 * time_init() (time.c) replaces cpu_khz with its better measurement.
 */
#include <xen/lib.h>
#include <xen/delay.h>
#include <asm/processor.h>
#include <asm/time.h>

#define CALIBRATE_MS 10

uint64_t cpu_khz;

void early_tsc_calibrate(void)
{
    uint64_t hz = pit_tsc_hz(CALIBRATE_MS);

    if (!hz) {
        cpu_khz = 2000000;      /* no usable PIT: assume 2 GHz */
        printk(XENLOG_WARNING "TSC: PIT did not count; assuming %lu kHz\n", (unsigned long)cpu_khz);
        return;
    }
    cpu_khz = hz / 1000;
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
