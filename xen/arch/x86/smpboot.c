/*
 * CPU bring-up: numbering the CPUs the MADT lists, each CPU's struct
 * cpu_info, per-CPU area and stacks, and starting the secondary CPUs with
 * INIT-SIPI-SIPI (SDM: "MP initialization protocol") through the
 * real-mode trampoline in boot/trampoline.S.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/cpumask.h>
#include <xen/delay.h>
#include <xen/boot_params.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/idle.h>
#include <asm/io_apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <asm/time.h>
#include <asm/traps.h>

/*
 * Where the trampoline may go: a free RAM page below 1 MiB (the SIPI
 * vector names a page there), above the real-mode IVT and BIOS data in
 * page 0, below the EBDA and the legacy video hole.
 */
#define TRAMPOLINE_LOWEST  0x1000UL
#define TRAMPOLINE_LIMIT   0x9f000UL
/* SDM MP initialization: INIT, 10 ms, SIPI, 200 us, SIPI, 200 us. */
#define INIT_DELAY_MS      10
#define SIPI_DELAY_US      200
#define CALLIN_WAIT_MS     5000         /* after the first SIPI: as Xen; emulator threads may starve */
#define ONLINE_WAIT_MS     5000         /* from call-in to online: slow under emulation */
#define EFER_KEEP          (EFER_SCE | EFER_LME | EFER_NXE)
#define MSR_TSC            0x10U

extern char trampoline_start[], trampoline_end[];
extern char boot_stack_top[];

unsigned int nr_cpu_ids = 1;
cpumask_t cpu_online_map;
cpumask_t cpu_present_map;
/* CPUs that are not up have no per-CPU area: make a stray access fault. */
unsigned long __per_cpu_offset[NR_CPUS] = { [1 ... NR_CPUS - 1] = INVALID_PERCPU_OFFSET };

static struct cpu_info cpu_infos[NR_CPUS];
static uint32_t cpu_apicid[NR_CPUS] = { [0 ... NR_CPUS - 1] = BAD_APICID };
static paddr_t trampoline_pa;

/* Test aid: smp_fake_absent_apic=<APIC ID> lists a CPU that cannot answer. */
static unsigned int opt_fake_absent_apic = BAD_APICID;
integer_param("smp_fake_absent_apic", opt_fake_absent_apic);
/* Test aid: smp_fake_tsc_skew_us=<us> puts CPU 1's TSC that far ahead as it starts. */
static unsigned int opt_fake_tsc_skew_us;
integer_param("smp_fake_tsc_skew_us", opt_fake_tsc_skew_us);

/*
 * Handed to the CPU being started (one at a time).  The trampoline reads
 * the first three through their physical addresses, before paging is on.
 */
uint32_t ap_callin;                     /* set by the trampoline in 32-bit mode */
uint32_t ap_boot_tramp_cr3;             /* ap_l4 */
uint32_t ap_boot_efer;
unsigned long ap_boot_cr3;              /* the hypervisor's page tables */
unsigned long ap_boot_stack;
static unsigned int ap_boot_cpu;
static unsigned long ap_boot_cr0, ap_boot_cr4;

/*
 * The trampoline's page tables: the hypervisor's upper half plus an
 * identity map of the low 2 MiB, where the trampoline runs when paging
 * comes on.  The live tables map nothing low, and stay untouched.
 */
static pte_t ap_l4[512] __aligned(PAGE_SIZE);
static pte_t ap_l3[512] __aligned(PAGE_SIZE);
static pte_t ap_l2[512] __aligned(PAGE_SIZE);

void start_secondary(void);

uint32_t cpu_physical_id(unsigned int cpu)
{
    return cpu < NR_CPUS ? cpu_apicid[cpu] : BAD_APICID;
}

static void cpu_info_init(unsigned int cpu, unsigned long stack_top)
{
    struct cpu_info *ci = &cpu_infos[cpu];

    ci->processor_id = cpu;
    ci->apic_id = cpu_apicid[cpu];
    ci->per_cpu_offset = __per_cpu_offset[cpu];
    ci->current = NULL;
    ci->stack_top = stack_top;
    ci->self = ci;
}

void smp_prepare_boot_cpu(void)
{
    cpu_apicid[0] = apic_cpuid_id();
    __per_cpu_offset[0] = 0;
    cpu_info_init(0, (unsigned long)boot_stack_top);
    wrmsr(MSR_GS_BASE, (unsigned long)&cpu_infos[0]);
    cpumask_set_cpu(0, &cpu_present_map);
    cpumask_set_cpu(0, &cpu_online_map);
}

/* ---- The CPU list ---- */

static bool apicid_listed(uint32_t id)
{
    unsigned int cpu;

    for (cpu = 0; cpu < nr_cpu_ids; cpu++)
        if (cpu_apicid[cpu] == id)
            return true;
    return false;
}

/* Give the next CPU number to `id`, within the limits; false if left out. */
static bool cpu_add(uint32_t id, unsigned int limit, unsigned int *skipped)
{
    if (apicid_listed(id)) {
        printk(XENLOG_WARNING "SMP: APIC ID %u listed twice; once is enough\n", id);
        return false;
    }
    if (!x2apic_enabled && id > 0xfe) {
        printk(XENLOG_WARNING "SMP: APIC ID %u needs x2APIC mode; CPU left out\n", id);
        return false;
    }
    if (nr_cpu_ids >= limit) {
        (*skipped)++;
        return false;
    }
    cpu_apicid[nr_cpu_ids] = id;
    cpumask_set_cpu(nr_cpu_ids, &cpu_present_map);
    nr_cpu_ids++;
    return true;
}

static bool range_has_type(const struct boot_info *bi, paddr_t s, paddr_t e, bool ram)
{
    unsigned int i;

    for (i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *m = &bi->mem[i];

        if ((m->type == MEM_RAM) != ram)
            continue;
        if (ram ? (m->addr <= s && e <= m->addr + m->size) : (m->addr < e && s < m->addr + m->size))
            return true;
    }
    return false;
}

/* The highest page below TRAMPOLINE_LIMIT that is RAM and holds no boot data. */
static paddr_t trampoline_pick(const struct boot_info *bi)
{
    paddr_t pa;
    unsigned int i;

    for (pa = TRAMPOLINE_LIMIT - PAGE_SIZE; pa >= TRAMPOLINE_LOWEST; pa -= PAGE_SIZE) {
        paddr_t end = pa + PAGE_SIZE;
        bool busy = !range_has_type(bi, pa, end, true) || range_has_type(bi, pa, end, false) ||
                    (bi->mbi_start < end && pa < bi->mbi_end);

        for (i = 0; i < bi->nr_modules && !busy; i++)
            busy = bi->modules[i].start < end && pa < bi->modules[i].end;
        if (!busy)
            return pa;
    }
    return 0;
}

void smp_boot_init(const struct boot_info *bi)
{
    unsigned int i, skipped = 0, limit = NR_CPUS;
    bool bsp_listed = false;
    char list[64];

    io_apic_init();
    apic_init_bsp();
    smp_ipi_init();

    cpu_apicid[0] = cpu_infos[0].apic_id = apic_read_id();
    if (opt_nosmp)
        limit = 1;
    else if (opt_maxcpus && opt_maxcpus < limit)
        limit = opt_maxcpus;

    for (i = 0; i < acpi_info.nr_cpus; i++) {
        uint32_t id = acpi_info.cpus[i].apic_id;

        if (id == cpu_apicid[0])
            bsp_listed = true;
        else
            cpu_add(id, limit, &skipped);
    }
    if (!bsp_listed)
        printk(XENLOG_WARNING "SMP: the boot CPU (APIC ID %u) is not in the MADT\n", cpu_apicid[0]);
    if (opt_fake_absent_apic != BAD_APICID &&
        cpu_add(opt_fake_absent_apic, limit, &skipped))
        printk(XENLOG_WARNING
               "SMP: smp_fake_absent_apic: CPU%u has APIC ID %u, which no CPU answers to\n",
               nr_cpu_ids - 1, opt_fake_absent_apic);

    printk("SMP: %u CPU(s) present: %s (boot CPU APIC ID %u)%s\n", nr_cpu_ids,
           cpumask_format_list(&cpu_present_map, list, sizeof(list)), cpu_apicid[0],
           opt_nosmp ? ", nosmp" : "");
    if (skipped)
        printk("SMP: %u more CPU(s) left out by %s\n", skipped,
               opt_nosmp ? "nosmp" : limit < NR_CPUS ? "maxcpus=" : "the build's NR_CPUS");

    if (nr_cpu_ids > 1) {
        trampoline_pa = trampoline_pick(bi);
        if (!trampoline_pa) {
            printk(XENLOG_WARNING
                   "SMP: no free RAM page below 1 MiB for the trampoline; one CPU only\n");
            for (i = 1; i < nr_cpu_ids; i++)
                cpumask_clear_cpu(i, &cpu_present_map);
        }
    }
}

/* ---- Bringing one CPU up ---- */

struct ap_memory {
    void *stack;
    void *ist[IST_NR];
    void *percpu;
    unsigned int percpu_order;
};

static unsigned long percpu_size(void)
{
    return (unsigned long)__per_cpu_end - (unsigned long)__per_cpu_start;
}

static unsigned int percpu_order(void)
{
    unsigned long size = percpu_size();
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

static void ap_memory_free(struct ap_memory *m)
{
    unsigned int i;

    free_xenheap_pages(m->stack, STACK_ORDER);
    for (i = 0; i < IST_NR; i++)
        free_xenheap_pages(m->ist[i], STACK_ORDER);
    free_xenheap_pages(m->percpu, m->percpu_order);
}

static bool ap_memory_alloc(struct ap_memory *m)
{
    unsigned int i;
    bool ok;

    m->percpu_order = percpu_order();
    m->stack = alloc_xenheap_pages(STACK_ORDER);
    ok = m->stack != NULL;
    for (i = 0; i < IST_NR; i++) {
        m->ist[i] = alloc_xenheap_pages(STACK_ORDER);
        ok = ok && m->ist[i];
    }
    m->percpu = percpu_size() ? alloc_xenheap_pages(m->percpu_order) : NULL;
    ok = ok && (m->percpu || !percpu_size());
    if (!ok)
        ap_memory_free(m);
    return ok;
}

static bool ap_called_in(unsigned int cpu)
{
    (void)cpu;
    return __atomic_load_n(&ap_callin, __ATOMIC_ACQUIRE);
}

static bool ap_online(unsigned int cpu)
{
    return cpumask_test_cpu(cpu, &cpu_online_map);
}

/* Poll cond(cpu) for up to `ms`. */
static bool wait_until(bool (*cond)(unsigned int), unsigned int cpu, unsigned int ms)
{
    uint64_t t0 = rdtsc(), limit = tsc_khz * ms;

    while (!cond(cpu)) {
        if (rdtsc() - t0 > limit)
            return false;
        cpu_relax();
    }
    return true;
}

/* Undo a failed start: park the CPU in wait-for-SIPI and forget it. */
static void cpu_up_failed(unsigned int cpu, struct ap_memory *m, const char *why)
{
    uint32_t id = cpu_apicid[cpu];

    printk(XENLOG_WARNING "CPU%u (APIC ID %u) %s\n", cpu, id, why);
    apic_send_init(id);
    mdelay(INIT_DELAY_MS);
    __per_cpu_offset[cpu] = INVALID_PERCPU_OFFSET;
    ap_memory_free(m);
    cpumask_clear_cpu(cpu, &cpu_present_map);
}

static bool cpu_up(unsigned int cpu)
{
    struct ap_memory mem = { 0 };
    struct cpu_stacks stacks;
    struct tsc_sync_result tsc;
    uint32_t id = cpu_apicid[cpu];
    unsigned long flags;
    unsigned int i;
    bool synced;

    if (!ap_memory_alloc(&mem)) {
        printk(XENLOG_WARNING "CPU%u (APIC ID %u): no memory for its stacks; left out\n", cpu, id);
        cpumask_clear_cpu(cpu, &cpu_present_map);
        return false;
    }
    if (mem.percpu)
        __per_cpu_offset[cpu] = (unsigned long)mem.percpu - (unsigned long)__per_cpu_start;
    cpu_info_init(cpu, (unsigned long)mem.stack + STACK_SIZE);
    stacks.rsp0 = (char *)mem.stack + STACK_SIZE;
    for (i = 0; i < IST_NR; i++)
        stacks.ist[i] = (char *)mem.ist[i] + STACK_SIZE;
    cpu_desc_set_stacks(cpu, &stacks);
    if (timer_init_cpu(cpu))
        printk(XENLOG_WARNING "CPU%u: no memory for its timer heap yet\n", cpu);

    ap_boot_cpu = cpu;
    ap_boot_stack = cpu_infos[cpu].stack_top;
    __atomic_store_n(&ap_callin, 0, __ATOMIC_RELEASE);
    tsc_sync_prepare();

    apic_send_init(id);
    mdelay(INIT_DELAY_MS);
    apic_send_sipi(id, (unsigned int)(trampoline_pa >> PAGE_SHIFT));
    udelay(SIPI_DELAY_US);
    /* A second SIPI only if the first was missed (SDM: it would be ignored anyway). */
    if (!ap_called_in(cpu)) {
        apic_send_sipi(id, (unsigned int)(trampoline_pa >> PAGE_SHIFT));
        udelay(SIPI_DELAY_US);
    }
    if (!wait_until(ap_called_in, cpu, CALLIN_WAIT_MS)) {
        cpu_up_failed(cpu, &mem, "did not start");
        return false;
    }

    /* Undisturbed by interrupts: each round's bound is as tight as it can be. */
    flags = irq_save();
    synced = tsc_sync_bsp(&tsc);
    irq_restore(flags);
    if (!synced) {
        cpu_up_failed(cpu, &mem, "started but stopped answering");
        return false;
    }
    if (!wait_until(ap_online, cpu, ONLINE_WAIT_MS)) {
        cpu_up_failed(cpu, &mem, "started but did not come online");
        return false;
    }
    return true;
}

/* The C entry of a secondary CPU, on its own stack (boot/trampoline.S). */
void start_secondary(void)
{
    unsigned int cpu = ap_boot_cpu;
    struct tsc_sync_result tsc;

    /* A CPU that wakes late must not take over another's identity. */
    if (apic_cpuid_id() != cpu_apicid[cpu])
        for (;;)
            halt();

    write_cr0(ap_boot_cr0);
    write_cr4(ap_boot_cr4);
    trap_init_cpu(cpu);
    /* After the GDT load, which clears the GS base on some CPUs. */
    wrmsr(MSR_GS_BASE, (unsigned long)&cpu_infos[cpu]);
    apic_init_cpu();

    if (cpu == 1 && opt_fake_tsc_skew_us)
        wrmsr(MSR_TSC, rdtsc() + tsc_khz * opt_fake_tsc_skew_us / 1000);
    tsc_sync_ap(&tsc);
    time_init_cpu();

    if (tsc.ahead_ns > TSC_SKEW_WARN_NS || tsc.behind_ns > TSC_SKEW_WARN_NS)
        printk(XENLOG_WARNING "CPU%u: APIC ID %u online, TSC %s CPU0's by at least %ld ns: "
               "NOW() differs between them\n", cpu, cpu_apicid[cpu],
               tsc.ahead_ns > tsc.behind_ns ? "ahead of" : "behind",
               (long)max(tsc.ahead_ns, tsc.behind_ns));
    else
        printk("CPU%u: APIC ID %u online, TSC in step with CPU0 (to %lu ns, %u rounds)\n", cpu,
               cpu_apicid[cpu], (unsigned long)tsc.best_rtt_ns, tsc.rounds);

    cpumask_set_cpu(cpu, &cpu_online_map);
    local_irq_enable();
    sched_run_loop();
}

/* ---- All of them ---- */

/* Linker symbols: compare them as addresses, not as pointers into one object. */
static size_t trampoline_size(void)
{
    return (unsigned long)trampoline_end - (unsigned long)trampoline_start;
}

static void trampoline_setup(void)
{
    size_t len = trampoline_size();
    const pte_t *live = maddr_to_virt(read_cr3() & PTE_ADDR_MASK);
    unsigned int i;

    BUG_ON(len > PAGE_SIZE);
    memcpy(maddr_to_virt(trampoline_pa), trampoline_start, len);

    for (i = 0; i < 512; i++)
        ap_l4[i] = live[i];
    ap_l4[0] = __pa_image(ap_l3) | PAGE_HYPERVISOR;
    ap_l3[0] = __pa_image(ap_l2) | PAGE_HYPERVISOR;
    ap_l2[0] = 0 | PAGE_HYPERVISOR | _PAGE_PSE;

    /* The trampoline loads CR3 in 32-bit mode: everything it needs is below 4 GiB. */
    BUG_ON(__pa_image(ap_l4) >> 32 || read_cr3() >> 32);
    ap_boot_tramp_cr3 = (uint32_t)__pa_image(ap_l4);
    ap_boot_efer = (uint32_t)(rdmsr(MSR_EFER) & EFER_KEEP);
    ap_boot_cr3 = read_cr3();
    ap_boot_cr0 = read_cr0();
    ap_boot_cr4 = read_cr4();
}

void cpu_bringup_all(void)
{
    unsigned int cpu, present = cpumask_weight(&cpu_present_map);
    char online[64];

    BUG_ON(!local_irq_is_enabled());
    if (nr_cpu_ids > 1 && trampoline_pa) {
        trampoline_setup();
        printk(XENLOG_INFO "SMP: trampoline at %#lx (%lu bytes)\n", (unsigned long)trampoline_pa,
               (unsigned long)trampoline_size());
        for (cpu = 1; cpu < nr_cpu_ids; cpu++) {
            if (cpumask_test_cpu(cpu, &cpu_present_map))
                cpu_up(cpu);
        }
    }
    printk("SMP: %u of %u CPU(s) online: %s\n", cpumask_weight(&cpu_online_map), present,
           cpumask_format_list(&cpu_online_map, online, sizeof(online)));
}
