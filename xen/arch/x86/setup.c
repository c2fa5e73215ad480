/*
 * start_xen: from the boot CPU's first C instruction to the end of boot.
 * Order: console, traps, boot information, command line, memory map,
 * direct map, page allocator, time, ACPI; then (later issues) CPUs, HVM,
 * scheduler and domains.
 */
#include <xen/lib.h>
#include <xen/domain.h>
#include <xen/bootdomain.h>
#include <xen/memory.h>
#include <xen/bootinfo.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/keyhandler.h>
#include <xen/launch.h>
#include <xen/mm.h>
#include <xen/multiboot2.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/selftest.h>
#include <xen/shutdown.h>
#include <xen/symbols.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/desc.h>
#include <asm/hvm/hvm.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <asm/traps.h>

#define MBI_MAX_SIZE (1u << 20)

extern char _start[], _end[];
extern const char xen_compiler[], xen_build_date[], xen_build_host[], xen_full_version[];

void start_xen(uint32_t magic, uint32_t mbi_pa);

static struct boot_info boot_info;

static void print_banner(void)
{
    printk(" Xen-compatible hypervisor %s\n", xen_full_version);
    printk("Xen version %s (%s) (%s) %s\n", xen_full_version, xen_build_host, xen_compiler,
           xen_build_date);
}

/* Copy out and validate what GRUB gave us while the boot tables still map it. */
static void parse_boot_info(uint32_t mbi_pa)
{
    const char *err = NULL;
    uint32_t total;
    size_t avail;

    if (!mbi_pa || (mbi_pa & 7))
        panic("multiboot2 info at %#x is not 8-byte aligned", mbi_pa);
    total = *(const volatile uint32_t *)(unsigned long)mbi_pa;
    /* Never read further than the info claims, nor past the 4 GiB boot map. */
    avail = min((uint64_t)total, (uint64_t)MBI_MAX_SIZE);
    avail = min((uint64_t)avail, GB(4) - mbi_pa);
    if (multiboot2_parse((const void *)(unsigned long)mbi_pa, avail, mbi_pa, &boot_info, &err))
        panic("%s", err ? err : "bad multiboot2 information");
}

static void report_memory(void)
{
    struct page_alloc_stats st;
    char a[32], b[32];

    page_alloc_get_stats(&st);
    printk("Page allocator: %s free of %s; %lu free 1 GiB chunks, %lu split\n",
           fmt_size(st.free_pages << 12, a, sizeof(a)), fmt_size(st.total_pages << 12, b, sizeof(b)),
           (unsigned long)st.free_1g, (unsigned long)st.split_1g);
    printk("Memory metadata: allocator %s, direct map page tables %s (%s pages)\n",
           fmt_size(st.meta_bytes, a, sizeof(a)),
           fmt_size(directmap_bytes_of_pagetables, b, sizeof(b)),
           cpu_has_page1gb ? "1 GiB" : "2 MiB");
}

/* Debug key 'm': the boot report again, as things stand now. */
static void dump_memory(unsigned char key)
{
    report_memory();
    domain_memory_report_all();
}

static char config_bootargs[MAX_CMDLINE];

void start_xen(uint32_t magic, uint32_t mbi_pa)
{
    paddr_t top = GB(4), ram_top = 0;
    unsigned int i, problems;

    console_early_init();
    trap_init();
    smp_prepare_boot_cpu();         /* GS base: smp_processor_id() and per-CPU data work from here */

    if (magic != MULTIBOOT2_BOOTLOADER_MAGIC)
        panic("not started by a multiboot2 boot loader (magic %#x)", magic);
    parse_boot_info(mbi_pa);
    hypercall_set_boot_info(&boot_info);    /* XENVER_commandline, the machine memory map */

    /* The boot loader's command line, then a Hyperlaunch configuration's own options. */
    hyperlaunch_xen_bootargs(boot_info.modules, boot_info.nr_modules, config_bootargs,
                             sizeof(config_bootargs));
    problems = cmdline_parse(boot_info.cmdline) + cmdline_parse(config_bootargs);
    console_init();
    print_banner();
    if (problems)
        printk(XENLOG_WARNING "Command line: %u problem(s), see above; going on\n", problems);
    bootinfo_print(&boot_info);
    if (config_bootargs[0])
        printk("Command line from the Hyperlaunch configuration: %s\n", config_bootargs);

    /* What the page allocator must never hand out. */
    boot_reserve(XEN_PHYS_START, __pa_image(_end), "hypervisor image");
    boot_reserve(boot_info.mbi_start, boot_info.mbi_end, "multiboot2 info");
    for (i = 0; i < boot_info.nr_modules; i++)
        boot_reserve(boot_info.modules[i].start, boot_info.modules[i].end, "module");

    for (i = 0; i < boot_info.nr_mem; i++) {
        paddr_t end = boot_info.mem[i].addr + boot_info.mem[i].size;

        top = max(top, end);
        if (boot_info.mem[i].type == MEM_RAM)
            ram_top = max(ram_top, end);
    }
    setup_directmap(&boot_info, top);
    setup_page_alloc(&boot_info, ram_top);
    report_memory();
    register_keyhandler('m', dump_memory, "memory: page allocator statistics");

    early_tsc_calibrate();
    acpi_boot_init(boot_info.rsdp, boot_info.rsdp_copy, boot_info.rsdp_len);

    smp_boot_init(&boot_info);      /* CPU list, PICs and I/O APICs masked, LAPIC, IPIs */
    time_init();                    /* TSC against HPET / PM timer / PIT, CPU 0's timer */
    timer_init();
    keyhandler_init();              /* 'h', '0', 'd'; subsystems add their own keys */
    console_init_postirq();         /* serial input polled from here on */
    scheduler_init();               /* idle domain, pool 0 with sched=, CPU 0 */
    local_irq_enable();
    cpu_bringup_all();              /* every other CPU, each into the scheduler */
    hvm_init();                     /* SVM or VMX on every CPU, or a clear message */
    launch_boot_domains(&boot_info);     /* Hyperlaunch or classic: built, then started together */

    selftest_run_boot();

    printk("Boot complete\n");
    /* Runs vCPUs; when none exists CPU 0 says "Nothing to run" and powers off. */
    sched_run_loop();
}
