/*
 * Descriptor tables: the per-CPU GDT and 64-bit TSS, the IDT gate format,
 * and the stacks the TSS points at (RSP0 and the interrupt stack table).
 * SDM: "Segment descriptors", "Task-state segment (64-bit mode)",
 * "64-bit mode IDT" gate descriptors.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <asm/config.h>

/*
 * Interrupt stack table slots (1-based, as the gate's IST field takes them):
 * the exceptions that may arrive on a broken or untrusted stack get a
 * known-good one of their own.
 */
#define IST_NONE 0
#define IST_DF   1      /* double fault */
#define IST_NMI  2
#define IST_MCE  3      /* machine check */
#define IST_NR   3      /* slots in use */

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/smp.h>

/* Code/data segment descriptor (8 bytes). */
struct seg_desc {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t base_mid;
    uint8_t type : 4;       /* SEG_TYPE_* or SYS_TYPE_* */
    uint8_t s : 1;          /* 1 = code/data, 0 = system */
    uint8_t dpl : 2;
    uint8_t p : 1;
    uint8_t limit_hi : 4;
    uint8_t avl : 1;
    uint8_t l : 1;          /* 64-bit code */
    uint8_t db : 1;         /* 32-bit default operand size */
    uint8_t g : 1;          /* limit in 4 KiB units */
    uint8_t base_hi;
} __packed;
_Static_assert(sizeof(struct seg_desc) == 8, "segment descriptor is 8 bytes");

/* System descriptor in long mode (TSS, LDT): 16 bytes, 64-bit base. */
struct sys_desc64 {
    struct seg_desc lo;
    uint32_t base_upper;
    uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct sys_desc64) == 16, "system descriptor is 16 bytes");

#define SEG_TYPE_DATA_RW_A  0x3     /* read/write, accessed */
#define SEG_TYPE_CODE_XR_A  0xb     /* execute/read, accessed */
#define SYS_TYPE_TSS_AVAIL  0x9
#define SYS_TYPE_TSS_BUSY   0xb
#define SYS_TYPE_INTR_GATE  0xe

/* The GDT every CPU has its own copy of; selectors are the member offsets. */
struct cpu_gdt {
    struct seg_desc null;
    struct seg_desc code64;         /* __HYPERVISOR_CS */
    struct seg_desc data;           /* __HYPERVISOR_DS */
    struct seg_desc code32;         /* for 32-bit trampolines */
    struct sys_desc64 tss;          /* TSS_SELECTOR */
} __packed __aligned(16);
_Static_assert(offsetof(struct cpu_gdt, code64) == __HYPERVISOR_CS, "CS selector");
_Static_assert(offsetof(struct cpu_gdt, data) == __HYPERVISOR_DS, "DS selector");
_Static_assert(offsetof(struct cpu_gdt, code32) == 0x18, "32-bit CS selector");
_Static_assert(offsetof(struct cpu_gdt, tss) == TSS_SELECTOR, "TSS selector");

/* 64-bit task-state segment: only stack pointers and the I/O map base matter. */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];                /* stacks for a change to CPL 0..2 */
    uint64_t reserved1;
    uint64_t ist[7];                /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;            /* past the limit: no I/O bitmap */
} __packed;
_Static_assert(sizeof(struct tss64) == 0x68, "64-bit TSS is 0x68 bytes");
_Static_assert(offsetof(struct tss64, rsp) == 0x04, "TSS RSP0");
_Static_assert(offsetof(struct tss64, ist) == 0x24, "TSS IST1");
_Static_assert(offsetof(struct tss64, iomap_base) == 0x66, "TSS I/O map base");

/* IDT gate in long mode (16 bytes). */
struct gate_desc64 {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist : 3;
    uint8_t zero0 : 5;
    uint8_t type : 4;               /* SYS_TYPE_INTR_GATE */
    uint8_t zero1 : 1;
    uint8_t dpl : 2;
    uint8_t p : 1;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct gate_desc64) == 16, "IDT gate is 16 bytes");

/* Operand of LGDT/LIDT/SGDT. */
struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/*
 * Stacks a CPU's TSS points at, each STACK_SIZE bytes, given by their top
 * (highest address, 16-byte aligned).  rsp0 is the CPU's main stack: the
 * TSS needs it for a change of privilege level, and stack traces use it to
 * know where a frame may lie.
 */
struct cpu_stacks {
    void *rsp0;
    void *ist[IST_NR];              /* ist[0] is IST1 (IST_DF) */
};

/*
 * Record the stacks of `cpu` before its cpu_desc_init().  CPU 0 starts on
 * the boot stack with static IST stacks; other CPUs have none until their
 * bring-up code allocates them and calls this.
 */
void cpu_desc_set_stacks(unsigned int cpu, const struct cpu_stacks *stacks);

/*
 * Build the GDT and TSS of `cpu` and load them on the calling CPU: LGDT,
 * data segments, CS by a far return, then LTR.  FS and GS are left null
 * (their bases must be set after this).  May be called again (resume).
 */
void cpu_desc_init(unsigned int cpu);

/* Which CPU's GDT the calling CPU has loaded, or -1 before cpu_desc_init(). */
int cpu_desc_current_cpu(void);

/*
 * If [sp, sp + 8) lies on a CPU's main or IST stack, give that stack's
 * bounds [*lo, *hi) and return true.  For stack walkers that must not fault.
 */
bool cpu_desc_stack_bounds(unsigned long sp, unsigned long *lo, unsigned long *hi);

#endif /* !__ASSEMBLY__ */

#endif
