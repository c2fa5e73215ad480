/*
 * Starting secondary CPUs with INIT-SIPI-SIPI (SDM: MP initialization;
 * the universal start-up algorithm).  One AP at a time: the boot CPU hands
 * over a stack and a CPU number, and waits until the AP has taken them.
 */
#include "guest.h"

#define AP_STACK_SIZE 8192
#define INIT_DELAY_MS 10
#define SIPI_DELAY_US 200
#define AP_START_TIMEOUT_MS 1000
#define LOW_MEMORY_TOP 0x9f000ull

extern const char ap_tramp_start[], ap_tramp_end[], ap_tramp_pm32[];
extern const char ap_tramp_gdt_desc[], ap_tramp_pm_jump[], ap_tramp_cr3[];
extern const char gdt_desc[];

volatile uint64_t ap_stack_top;
static uint8_t ap_stacks[SMP_MAX_CPUS][AP_STACK_SIZE] __aligned(16) __noclear;
static volatile unsigned int ap_cpu_number;
static volatile bool ap_taken;
static void (*volatile ap_function)(unsigned int cpu);
static uint64_t trampoline;

void ap_start(void);
void ap_start(void)
{
    unsigned int cpu_number = ap_cpu_number;
    void (*fn)(unsigned int) = ap_function;

    traps_load_idt();
    __atomic_store_n(&ap_taken, true, __ATOMIC_RELEASE);
    fn(cpu_number);
    cpu_halt_forever();
}

static void delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_ticks_per_ms() / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

static bool low_page_usable(uint64_t page)
{
    unsigned int i;

    if (memmap_is_protected(page, PAGE_SIZE))
        return false;
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        if (r->type == E820_RAM && r->base <= page && page + PAGE_SIZE <= r->base + r->size)
            return true;
    }
    return false;
}

/* The highest free RAM page below 0x9f000, or 0x8000 when the map is only a guess. */
static uint64_t pick_trampoline_page(void)
{
    uint64_t page;

    for (page = LOW_MEMORY_TOP - PAGE_SIZE; page >= 0x1000; page -= PAGE_SIZE)
        if (low_page_usable(page))
            return page;
    return 0x8000;
}

/* Offset of a trampoline symbol (linker symbols: compare as addresses). */
static uint64_t tramp_offset(const char *sym)
{
    return (uintptr_t)sym - (uintptr_t)ap_tramp_start;
}

static void put32(uint64_t page, const char *field, uint32_t val)
{
    memcpy((void *)(uintptr_t)(page + tramp_offset(field)), &val, 4);
}

uint64_t smp_prepare(void)
{
    uint64_t page = pick_trampoline_page();
    uint64_t base = 0;
    uint16_t limit;

    memcpy((void *)(uintptr_t)page, ap_tramp_start, tramp_offset(ap_tramp_end));
    memcpy(&limit, gdt_desc, 2);
    memcpy(&base, gdt_desc + 2, 8);
    memcpy((void *)(uintptr_t)(page + tramp_offset(ap_tramp_gdt_desc)), &limit, 2);
    put32(page, ap_tramp_gdt_desc + 2, (uint32_t)base);
    put32(page, ap_tramp_pm_jump, (uint32_t)(page + tramp_offset(ap_tramp_pm32)));
    put32(page, ap_tramp_cr3, (uint32_t)read_cr3());
    memmap_protect(page, PAGE_SIZE);
    trampoline = page;
    return page;
}

static bool wait_taken(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_ticks_per_ms() / 1000;

    while (!__atomic_load_n(&ap_taken, __ATOMIC_ACQUIRE))
        if (rdtsc() > end)
            return false;
    return true;
}

int smp_start_ap(unsigned int apic_id, unsigned int cpu_number, void (*fn)(unsigned int cpu))
{
    uint32_t vector = (uint32_t)(trampoline >> 12);

    if (!trampoline || cpu_number == 0 || cpu_number >= SMP_MAX_CPUS || apic_id > 0xff)
        return -1;
    ap_stack_top = (uint64_t)(uintptr_t)(ap_stacks[cpu_number] + AP_STACK_SIZE);
    ap_cpu_number = cpu_number;
    ap_function = fn;
    __atomic_store_n(&ap_taken, false, __ATOMIC_RELEASE);

    if (!lapic_send_ipi(apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL_ASSERT))
        return -2;
    delay_us(INIT_DELAY_MS * 1000);
    if (!lapic_send_ipi(apic_id, LAPIC_ICR_STARTUP | vector))
        return -2;
    if (wait_taken(SIPI_DELAY_US))
        return 0;
    if (!lapic_send_ipi(apic_id, LAPIC_ICR_STARTUP | vector))
        return -2;
    return wait_taken(AP_START_TIMEOUT_MS * 1000) ? 0 : -3;
}
