/*
 * From head.S's 64-bit entry to the guest's test_main: checks what the
 * loader and the PVH entry handed over, installs the IDT and page tables,
 * reads the memory map, runs the test and ends it.
 */
#include "guest.h"

#define DATA_CANARY 0x5374756264617461ull /* "atadbutS": .data was loaded */

extern uint32_t entry_cr0, entry_cr4, entry_eflags;

static volatile uint64_t data_canary = DATA_CANARY;

static bool bss_is_zero(void)
{
    uintptr_t a;

    for (a = (uintptr_t)__bss_start; a < (uintptr_t)__bss_end; a++)
        if (*(const volatile uint8_t *)a)
            return false;
    return true;
}

static void report_loader(bool bss_zero)
{
    check(data_canary == DATA_CANARY && bss_zero, "loader", "image at %#lx-%#lx: .data %s, .bss %s",
          (uint64_t)(uintptr_t)__image_start, (uint64_t)(uintptr_t)__image_end,
          data_canary == DATA_CANARY ? "loaded" : "NOT loaded", bss_zero ? "zeroed" : "NOT zeroed");
}

static void report_entry_state(void)
{
    bool ok = (entry_cr0 & CR0_PE) && !(entry_cr0 & CR0_PG) && !(entry_eflags & X86_EFLAGS_IF);

    check(ok, "entry_state", "cr0=%#x cr4=%#x eflags=%#x (need PE, no PG, IF=0)", entry_cr0,
          entry_cr4, entry_eflags);
}

static void report_start_info(void)
{
    const struct hvm_start_info *si = start_info();
    unsigned int i;

    if (!check(si != NULL, "start_info", "EBX=%#x, magic %s", entry_ebx, si ? "ok" : "missing"))
        info("no hvm_start_info: using the fallback memory map");
    else
        info("hvm_start_info: version %u flags %#x modules %u rsdp %#lx memmap %#lx (%u entries)",
             si->version, si->flags, si->nr_modules, si->rsdp_paddr, si->memmap_paddr,
             si->memmap_entries);
    if (si && si->cmdline_paddr && !paging_map(si->cmdline_paddr, 1) &&
        *(const char *)(uintptr_t)si->cmdline_paddr)
        info("command line: \"%s\"", (const char *)(uintptr_t)si->cmdline_paddr);
    info("memory map from %s:", memmap_source());
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        info("  %#014lx-%#014lx %s", r->base, r->base + r->size, memmap_type_name(r->type));
    }
}

void __noreturn guest_start(void);
void __noreturn guest_start(void)
{
    bool bss_zero = bss_is_zero();

    if (!bss_zero)
        memset(__bss_start, 0, (uintptr_t)__bss_end - (uintptr_t)__bss_start);
    cpu_detect();
    traps_init();
    paging_init();
    memmap_init();

    info("starting: %s CPU, %s, %u physical address bits, Xen leaves %s", cpu.vendor,
         cpu.has_1g_pages ? "1 GiB pages" : "no 1 GiB pages", cpu.phys_bits,
         cpu.xen_base ? "present" : "absent");
    report_loader(bss_zero);
    report_entry_state();
    report_start_info();
    test_main();
    test_done();
}
