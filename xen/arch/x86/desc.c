/*
 * Per-CPU GDT and TSS: built in place for each CPU and loaded by that CPU.
 * The TSS gives the CPU its RSP0 and IST stacks (asm/desc.h).
 */
#include <xen/lib.h>
#include <asm/desc.h>
#include <asm/page.h>

extern char boot_stack[], boot_stack_top[];

static struct cpu_gdt cpu_gdt[NR_CPUS];
/* 128-byte slots so that no TSS straddles a page boundary. */
static struct tss_slot {
    struct tss64 tss;
} __aligned(128) cpu_tss[NR_CPUS];

/* CPU 0's IST stacks; other CPUs' come from their bring-up code. */
static uint8_t bsp_ist_stack[IST_NR][STACK_SIZE] __aligned(PAGE_SIZE);

static struct cpu_stacks cpu_stacks[NR_CPUS] = {
    [0] = {
        .rsp0 = boot_stack_top,
        .ist = {
            [IST_DF - 1]  = bsp_ist_stack[IST_DF - 1] + STACK_SIZE,
            [IST_NMI - 1] = bsp_ist_stack[IST_NMI - 1] + STACK_SIZE,
            [IST_MCE - 1] = bsp_ist_stack[IST_MCE - 1] + STACK_SIZE,
        },
    },
};

void cpu_desc_set_stacks(unsigned int cpu, const struct cpu_stacks *stacks)
{
    unsigned int i;

    BUG_ON(cpu >= NR_CPUS);
    BUG_ON(!IS_ALIGNED((unsigned long)stacks->rsp0, 16));
    for (i = 0; i < IST_NR; i++)
        BUG_ON(!stacks->ist[i] || !IS_ALIGNED((unsigned long)stacks->ist[i], 16));
    cpu_stacks[cpu] = *stacks;
}

/* A flat (base 0, 4 GiB limit) code or data descriptor at DPL 0. */
static struct seg_desc flat_desc(unsigned int type, bool long_mode)
{
    return (struct seg_desc){
        .limit_lo = 0xffff,
        .type = type & 0xf,
        .s = 1,
        .dpl = 0,
        .p = 1,
        .limit_hi = 0xf,
        .l = long_mode,
        .db = !long_mode,
        .g = 1,
    };
}

static struct sys_desc64 tss_desc(const struct tss64 *tss)
{
    unsigned long base = (unsigned long)tss;
    unsigned long limit = sizeof(*tss) - 1;

    return (struct sys_desc64){
        .lo = {
            .limit_lo = limit & 0xffff,
            .base_lo = base & 0xffff,
            .base_mid = (base >> 16) & 0xff,
            .type = SYS_TYPE_TSS_AVAIL,
            .s = 0,
            .dpl = 0,
            .p = 1,
            .limit_hi = (limit >> 16) & 0xf,
            .g = 0,
            .base_hi = (base >> 24) & 0xff,
        },
        .base_upper = (uint32_t)(base >> 32),
    };
}

static void tss_fill(struct tss64 *tss, const struct cpu_stacks *stacks)
{
    unsigned int i;

    memset(tss, 0, sizeof(*tss));
    tss->rsp[0] = (unsigned long)stacks->rsp0;
    for (i = 0; i < IST_NR; i++)
        tss->ist[i] = (unsigned long)stacks->ist[i];
    tss->iomap_base = sizeof(*tss);
}

static void gdt_fill(struct cpu_gdt *gdt, const struct tss64 *tss)
{
    memset(gdt, 0, sizeof(*gdt));
    gdt->code64 = flat_desc(SEG_TYPE_CODE_XR_A, true);
    gdt->data = flat_desc(SEG_TYPE_DATA_RW_A, false);
    gdt->code32 = flat_desc(SEG_TYPE_CODE_XR_A, false);
    /* Rebuilt as "available" each time: LTR faults on a busy TSS. */
    gdt->tss = tss_desc(tss);
}

static void load_gdt_and_segments(const struct cpu_gdt *gdt)
{
    struct desc_ptr ptr = {
        .limit = sizeof(*gdt) - 1,
        .base = (unsigned long)gdt,
    };
    unsigned long tmp;

    __asm__ __volatile__("lgdt %0" : : "m"(ptr) : "memory");
    __asm__ __volatile__(
        "mov %[ds], %%ds\n\t"
        "mov %[ds], %%es\n\t"
        "mov %[ds], %%ss\n\t"
        "mov %[null], %%fs\n\t"
        "mov %[null], %%gs\n\t"
        /* CS can only be reloaded by a far transfer. */
        "pushq %[cs]\n\t"
        "lea 1f(%%rip), %[tmp]\n\t"
        "pushq %[tmp]\n\t"
        "lretq\n"
        "1:"
        : [tmp] "=&r"(tmp)
        : [ds] "r"(__HYPERVISOR_DS), [null] "r"(0), [cs] "i"(__HYPERVISOR_CS)
        : "memory");
    __asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR) : "memory");
}

void cpu_desc_init(unsigned int cpu)
{
    unsigned int i;

    BUG_ON(cpu >= NR_CPUS);
    BUG_ON(!cpu_stacks[cpu].rsp0);
    for (i = 0; i < IST_NR; i++)
        BUG_ON(!cpu_stacks[cpu].ist[i]);

    tss_fill(&cpu_tss[cpu].tss, &cpu_stacks[cpu]);
    gdt_fill(&cpu_gdt[cpu], &cpu_tss[cpu].tss);
    load_gdt_and_segments(&cpu_gdt[cpu]);
}

int cpu_desc_current_cpu(void)
{
    struct desc_ptr ptr;
    unsigned long base, first = (unsigned long)&cpu_gdt[0];

    __asm__ __volatile__("sgdt %0" : "=m"(ptr));
    base = ptr.base;
    if (base < first || base >= first + sizeof(cpu_gdt) ||
        (base - first) % sizeof(cpu_gdt[0]))
        return -1;
    return (int)((base - first) / sizeof(cpu_gdt[0]));
}

static bool on_stack(unsigned long sp, const void *top, unsigned long *lo, unsigned long *hi)
{
    unsigned long t = (unsigned long)top;

    if (!t || sp < t - STACK_SIZE || sp + 8 > t)
        return false;
    *lo = t - STACK_SIZE;
    *hi = t;
    return true;
}

bool cpu_desc_stack_bounds(unsigned long sp, unsigned long *lo, unsigned long *hi)
{
    unsigned int cpu, i;

    for (cpu = 0; cpu < NR_CPUS; cpu++) {
        const struct cpu_stacks *s = &cpu_stacks[cpu];

        if (on_stack(sp, s->rsp0, lo, hi))
            return true;
        for (i = 0; i < IST_NR; i++)
            if (on_stack(sp, s->ist[i], lo, hi))
                return true;
    }
    return false;
}
