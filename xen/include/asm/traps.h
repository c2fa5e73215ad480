/*
 * Exceptions and interrupts: the register frame entry.S builds, the vector
 * numbers (SDM: "Exception and interrupt reference"), and the dispatch API.
 * Shared with entry.S, so the frame offsets are plain constants here and
 * checked against the C structure below.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/config.h>

#define X86_EXC_DE   0      /* divide error */
#define X86_EXC_DB   1      /* debug */
#define X86_EXC_NMI  2
#define X86_EXC_BP   3      /* breakpoint */
#define X86_EXC_OF   4      /* overflow */
#define X86_EXC_BR   5      /* BOUND range exceeded */
#define X86_EXC_UD   6      /* invalid opcode */
#define X86_EXC_NM   7      /* device not available */
#define X86_EXC_DF   8      /* double fault */
#define X86_EXC_CSO  9      /* coprocessor segment overrun (reserved) */
#define X86_EXC_TS   10     /* invalid TSS */
#define X86_EXC_NP   11     /* segment not present */
#define X86_EXC_SS   12     /* stack-segment fault */
#define X86_EXC_GP   13     /* general protection */
#define X86_EXC_PF   14     /* page fault */
#define X86_EXC_MF   16     /* x87 floating-point error */
#define X86_EXC_AC   17     /* alignment check */
#define X86_EXC_MC   18     /* machine check */
#define X86_EXC_XM   19     /* SIMD floating-point */
#define X86_EXC_VE   20     /* virtualization exception */
#define X86_EXC_CP   21     /* control protection */
#define X86_EXC_HV   28     /* hypervisor injection (AMD) */
#define X86_EXC_VC   29     /* VMM communication (AMD SEV-ES) */
#define X86_EXC_SX   30     /* security exception (AMD) */
#define X86_NR_EXCEPTIONS 32

/* Exceptions for which the CPU pushes an error code; the others get a 0. */
#define X86_EXC_HAVE_ERROR_CODE                                              \
    ((_AC(1, U) << X86_EXC_DF) | (_AC(1, U) << X86_EXC_TS) |                 \
     (_AC(1, U) << X86_EXC_NP) | (_AC(1, U) << X86_EXC_SS) |                 \
     (_AC(1, U) << X86_EXC_GP) | (_AC(1, U) << X86_EXC_PF) |                 \
     (_AC(1, U) << X86_EXC_AC) | (_AC(1, U) << X86_EXC_CP) |                 \
     (_AC(1, U) << X86_EXC_VC) | (_AC(1, U) << X86_EXC_SX))

#define FIRST_IRQ_VECTOR     X86_NR_EXCEPTIONS
#define NR_VECTORS           256
/* The local APIC's spurious-interrupt vector: delivered without EOI, ignored. */
#define SPURIOUS_APIC_VECTOR 0xff

/* Page-fault error code bits (SDM: "Page-fault error code"). */
#define PFEC_PRESENT      (1U << 0)   /* 0: page not present, 1: protection */
#define PFEC_WRITE        (1U << 1)
#define PFEC_USER         (1U << 2)
#define PFEC_RSVD         (1U << 3)   /* reserved bit set in a paging entry */
#define PFEC_INSN_FETCH   (1U << 4)
#define PFEC_PROT_KEY     (1U << 5)
#define PFEC_SHADOW_STACK (1U << 6)
#define PFEC_SGX          (1U << 15)

/*
 * struct cpu_user_regs, lowest address first: the general registers
 * entry.S saves, the vector and error code (dummy 0 if the CPU pushed
 * none), then the frame the CPU pushed.
 */
#define UREGS_r15        0
#define UREGS_r14        8
#define UREGS_r13        16
#define UREGS_r12        24
#define UREGS_r11        32
#define UREGS_r10        40
#define UREGS_r9         48
#define UREGS_r8         56
#define UREGS_rbp        64
#define UREGS_rdi        72
#define UREGS_rsi        80
#define UREGS_rdx        88
#define UREGS_rcx        96
#define UREGS_rbx        104
#define UREGS_rax        112
#define UREGS_vector     120
#define UREGS_error_code 128
#define UREGS_rip        136
#define UREGS_cs         144
#define UREGS_rflags     152
#define UREGS_rsp        160
#define UREGS_ss         168
#define UREGS_SIZE       176

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <xen/compiler.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* Pushed by the CPU. */
    uint64_t rip, cs, rflags, rsp, ss;
};

#define UREGS_CHECK(f) \
    _Static_assert(offsetof(struct cpu_user_regs, f) == UREGS_##f, "UREGS_" #f)
UREGS_CHECK(r15);
UREGS_CHECK(r14);
UREGS_CHECK(r13);
UREGS_CHECK(r12);
UREGS_CHECK(r11);
UREGS_CHECK(r10);
UREGS_CHECK(r9);
UREGS_CHECK(r8);
UREGS_CHECK(rbp);
UREGS_CHECK(rdi);
UREGS_CHECK(rsi);
UREGS_CHECK(rdx);
UREGS_CHECK(rcx);
UREGS_CHECK(rbx);
UREGS_CHECK(rax);
UREGS_CHECK(vector);
UREGS_CHECK(error_code);
UREGS_CHECK(rip);
UREGS_CHECK(cs);
UREGS_CHECK(rflags);
UREGS_CHECK(rsp);
UREGS_CHECK(ss);
#undef UREGS_CHECK
_Static_assert(sizeof(struct cpu_user_regs) == UREGS_SIZE, "UREGS_SIZE");
/* The CPU aligns RSP to 16 before pushing; C must be entered aligned too. */
_Static_assert(UREGS_SIZE % 16 == 0, "frame keeps the stack 16-byte aligned");

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);
/* Returns true if it dealt with the NMI (no message is printed then). */
typedef bool (*nmi_callback_t)(struct cpu_user_regs *regs);

/*
 * Build the IDT (all 256 vectors) and load this CPU's descriptors
 * (cpu_desc_init(0)) and the IDT.  The first thing start_xen does.
 */
void trap_init(void);
/* On a secondary CPU, after cpu_desc_set_stacks(cpu): GDT/TSS and IDT. */
void trap_init_cpu(unsigned int cpu);

/*
 * Route vector (FIRST_IRQ_VECTOR..255) to fn, or back to "unhandled" with
 * NULL.  The handler runs with interrupts off and does its own EOI.
 */
void set_irq_handler(unsigned int vector, irq_handler_t fn);
/* Let a watchdog or crash handler claim NMIs; NULL restores the default. */
void set_nmi_callback(nmi_callback_t fn);

/* Called by entry.S for every vector with the frame it built. */
void do_trap(struct cpu_user_regs *regs);

/* "Xen call trace:" from (rip, rbp), walking saved frame pointers. */
void show_call_trace(unsigned long rip, unsigned long rbp);
/* The same from the caller's own frame (for panic and BUG paths). */
void show_current_call_trace(void);
/* Registers (with symbols) and call trace of a saved frame. */
void show_execution_state(const struct cpu_user_regs *regs);
/* The same for the running code: a snapshot taken in this call. */
void show_current_execution_state(void);
/*
 * The frame of the interrupt being handled on this CPU (what it was doing
 * when interrupted), or NULL outside interrupt handlers.  Lets a function
 * run by on_selected_cpus() report where its target was.
 */
struct cpu_user_regs *get_irq_regs(void);
/*
 * entry.S: the caller's registers as at this call: RIP is the return
 * address, RSP the value after the return; the caller-saved registers
 * hold whatever the call left in them.
 */
void regs_save_current(struct cpu_user_regs *regs);
#endif /* !__ASSEMBLY__ */

#endif
