/*
 * x86 instructions and architectural constants the test guests use: CPUID,
 * MSRs, port I/O, control registers, the TSC, and the "safe" forms of
 * instructions that may fault (see traps.c for how the fault is caught).
 */
#ifndef STUBDOM_X86_H
#define STUBDOM_X86_H

#include <stdint.h>
#include <stdbool.h>

/* Control-register and EFER bits (SDM: control registers; EFER). */
#define CR0_PE (1u << 0)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

/* MSR numbers. */
#define MSR_APIC_BASE 0x0000001bu
#define MSR_BIOS_SIGN_ID 0x0000008bu /* Intel microcode revision; AMD patch level */
#define MSR_MISC_ENABLE 0x000001a0u  /* Intel only */
#define MSR_EFER 0xc0000080u
#define MSR_GS_BASE 0xc0000101u

#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_ADDR_MASK ((uint64_t)0x000ffffffffff000)

/* Exception vectors. */
#define X86_EXC_UD 6
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_NR_EXCEPTIONS 32

#define X86_EFLAGS_IF (1u << 9)

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;

    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t val)
{
    asm volatile("outb %0, %1" ::"a"(val), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t val)
{
    asm volatile("outw %0, %1" ::"a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
    asm volatile("outl %0, %1" ::"a"(val), "Nd"(port));
}

/*
 * Port reads that return the whole of EAX: `in` of a byte or word must
 * leave the rest of EAX alone, so the caller can preload it and see
 * whether an emulator clobbered the upper bytes.
 */
static inline uint32_t inb_eax(uint16_t port, uint32_t eax)
{
    asm volatile("inb %1, %%al" : "+a"(eax) : "Nd"(port));
    return eax;
}

static inline uint32_t inw_eax(uint16_t port, uint32_t eax)
{
    asm volatile("inw %1, %%ax" : "+a"(eax) : "Nd"(port));
    return eax;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    asm volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline void cpu_relax(void)
{
    asm volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
    asm volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
    asm volatile("sti" ::: "memory");
}

static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t val)
{
    *(volatile uint32_t *)addr = val;
}

/*
 * Fault-tolerant instructions.  Each records its own address and where to
 * resume in the .extable section; if it faults, the exception handler
 * resumes there and stores the vector in `trap_caught` (traps.c).  They
 * return the vector, or -1 when the instruction completed.  Only one CPU
 * may use them at a time.
 */
struct caught_trap {
    int vector; /* -1: none */
    uint64_t error_code;
    uint64_t rip;
};
extern volatile struct caught_trap trap_caught;

#define EXTABLE_ENTRY(insn, fixup)                                                                 \
    ".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #insn ", " #fixup "\n\t.popsection\n\t"

static inline void trap_caught_clear(void)
{
    trap_caught.vector = -1;
    trap_caught.error_code = 0;
    trap_caught.rip = 0;
}

static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;

    trap_caught_clear();
    asm volatile("1: rdmsr\n2:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : "+a"(lo), "+d"(hi)
                 : "c"(msr)
                 : "memory");
    *val = ((uint64_t)hi << 32) | lo;
    return trap_caught.vector;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
    trap_caught_clear();
    asm volatile("1: wrmsr\n2:\n\t" EXTABLE_ENTRY(1b, 2b)::"c"(msr), "a"((uint32_t)val),
                 "d"((uint32_t)(val >> 32))
                 : "memory");
    return trap_caught.vector;
}

static inline int read64_safe(uint64_t addr, uint64_t *val)
{
    uint64_t v = 0;

    trap_caught_clear();
    asm volatile("1: movq (%1), %0\n2:\n\t" EXTABLE_ENTRY(1b, 2b) : "+r"(v) : "r"(addr) : "memory");
    *val = v;
    return trap_caught.vector;
}

static inline int write64_safe(uint64_t addr, uint64_t val)
{
    trap_caught_clear();
    asm volatile("1: movq %1, (%0)\n2:\n\t" EXTABLE_ENTRY(1b, 2b)::"r"(addr), "r"(val) : "memory");
    return trap_caught.vector;
}

#endif /* STUBDOM_X86_H */
