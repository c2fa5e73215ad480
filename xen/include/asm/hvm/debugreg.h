/*
 * Guest debug registers.  The hypervisor never sets a breakpoint itself,
 * so DR0-3 and DR6 hold a guest's values while that guest runs and nobody
 * needs them back afterwards; DR7, the only one that arms anything, is
 * switched by VM entry and exit (VMCS, VMCB).  Vendor code intercepts DR
 * accesses until a vCPU first uses one, then loads and saves these around
 * its runs.
 */
#ifndef ASM_HVM_DEBUGREG_H
#define ASM_HVM_DEBUGREG_H

#include <xen/types.h>

/* DR6 and DR7 at reset: reserved bits that read as 1. */
#define HVM_DR6_INIT 0xffff0ff0ULL
#define HVM_DR7_INIT 0x400ULL

/* dr6 NULL: DR6 lives in the control block (SVM). */
static inline void hvm_load_debug_regs(const uint64_t dr[4], const uint64_t *dr6)
{
    __asm__ __volatile__("mov %0, %%db0" : : "r"(dr[0]));
    __asm__ __volatile__("mov %0, %%db1" : : "r"(dr[1]));
    __asm__ __volatile__("mov %0, %%db2" : : "r"(dr[2]));
    __asm__ __volatile__("mov %0, %%db3" : : "r"(dr[3]));
    if (dr6)
        __asm__ __volatile__("mov %0, %%db6" : : "r"(*dr6));
}

static inline void hvm_save_debug_regs(uint64_t dr[4], uint64_t *dr6)
{
    __asm__ __volatile__("mov %%db0, %0" : "=r"(dr[0]));
    __asm__ __volatile__("mov %%db1, %0" : "=r"(dr[1]));
    __asm__ __volatile__("mov %%db2, %0" : "=r"(dr[2]));
    __asm__ __volatile__("mov %%db3, %0" : "=r"(dr[3]));
    if (dr6)
        __asm__ __volatile__("mov %%db6, %0" : "=r"(*dr6));
}

/*
 * hvm_debug=ud,gp,...: guest exceptions to intercept, log and deliver
 * unchanged, for debugging guests (a bit per vector; exits.c parses it).
 * Only faults, whose delivery an exit can repeat exactly: not #DB or #BP
 * (traps that need instruction lengths), #DF or #MC.
 */
extern uint32_t hvm_debug_exceptions;

#endif
