/*
 * The HPET as a reference clock: found through ACPI, its main counter
 * started if the firmware left it stopped.  Its comparators are not used.
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <asm/acpi.h>
#include <asm/hpet.h>

uint64_t hpet_period_fs;
static volatile uint8_t *hpet_regs;

static uint64_t hpet_read64(unsigned int reg)
{
    return *(volatile uint64_t *)(hpet_regs + reg);
}

static void hpet_write64(unsigned int reg, uint64_t val)
{
    *(volatile uint64_t *)(hpet_regs + reg) = val;
}

uint32_t hpet_read32(void)
{
    return *(volatile uint32_t *)(hpet_regs + HPET_MAIN_COUNTER);
}

bool hpet_init(void)
{
    paddr_t addr = acpi_info.hpet_addr;
    uint64_t cap, cfg;

    if (!addr)
        return false;
    /* The direct map is only known to cover the low 4 GiB, where HPETs live. */
    if (addr & 0x7 || addr + HPET_MMIO_SIZE > GB(4)) {
        printk(XENLOG_WARNING "HPET: address %#lx not usable\n", (unsigned long)addr);
        return false;
    }
    hpet_regs = maddr_to_virt(addr);
    cap = hpet_read64(HPET_GEN_CAP);
    if (cap == ~0ULL || !HPET_CAP_PERIOD_FS(cap) || HPET_CAP_PERIOD_FS(cap) > HPET_MAX_PERIOD_FS) {
        printk(XENLOG_WARNING "HPET: at %#lx: bad capabilities %#lx, not used\n",
               (unsigned long)addr, (unsigned long)cap);
        return false;
    }
    hpet_period_fs = HPET_CAP_PERIOD_FS(cap);
    cfg = hpet_read64(HPET_GEN_CFG);
    if (!(cfg & HPET_CFG_ENABLE))
        hpet_write64(HPET_GEN_CFG, cfg | HPET_CFG_ENABLE);
    printk(XENLOG_INFO "HPET: at %#lx, %lu fs/tick (%lu kHz), %u-bit, %u comparators, rev %lu\n",
           (unsigned long)addr, (unsigned long)hpet_period_fs,
           (unsigned long)(1000000000000ULL / hpet_period_fs),
           (cap & HPET_CAP_COUNT_64) ? 64 : 32, (unsigned int)HPET_CAP_NUM_TIM(cap),
           (unsigned long)HPET_CAP_REV(cap));
    return true;
}
