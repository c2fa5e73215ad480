/*
 * Entry stubs for all 256 vectors and the common path into C.  Each stub
 * makes the frame uniform (a 0 where the CPU pushes no error code), pushes
 * its vector and joins trap_common, which saves the general registers as
 * struct cpu_user_regs (asm/traps.h) and calls do_trap().
 */
#include <asm/config.h>
#include <asm/traps.h>

        .section .rodata, "a", @progbits
        .balign 8
        .globl trap_stub_table
trap_stub_table:                        /* NR_VECTORS stub addresses */

        .section .text.entry, "ax", @progbits
        .altmacro
.macro TRAP_STUB vec
        .balign 16
trap_stub_\vec:
        .if \vec >= X86_NR_EXCEPTIONS
        pushq   $0
        .elseif ((X86_EXC_HAVE_ERROR_CODE >> \vec) & 1) == 0
        pushq   $0
        .endif
        pushq   $\vec
        jmp     trap_common
        .pushsection .rodata, "a", @progbits
        .quad   trap_stub_\vec
        .popsection
.endm

        .set    vec, 0
        .rept   NR_VECTORS
        TRAP_STUB %vec
        .set    vec, vec + 1
        .endr
        .noaltmacro

trap_common:
        cld
        sub     $UREGS_vector, %rsp
        mov     %r15, UREGS_r15(%rsp)
        mov     %r14, UREGS_r14(%rsp)
        mov     %r13, UREGS_r13(%rsp)
        mov     %r12, UREGS_r12(%rsp)
        mov     %r11, UREGS_r11(%rsp)
        mov     %r10, UREGS_r10(%rsp)
        mov     %r9, UREGS_r9(%rsp)
        mov     %r8, UREGS_r8(%rsp)
        mov     %rbp, UREGS_rbp(%rsp)
        mov     %rdi, UREGS_rdi(%rsp)
        mov     %rsi, UREGS_rsi(%rsp)
        mov     %rdx, UREGS_rdx(%rsp)
        mov     %rcx, UREGS_rcx(%rsp)
        mov     %rbx, UREGS_rbx(%rsp)
        mov     %rax, UREGS_rax(%rsp)

        /*
         * A frame record (saved rbp, return address) naming the interrupted
         * code, so that frame-pointer walks from C pass through the trap.
         * Two words keep the stack 16-byte aligned for the call.
         */
        pushq   UREGS_rip(%rsp)
        pushq   UREGS_rbp + 8(%rsp)
        mov     %rsp, %rbp
        lea     16(%rsp), %rdi
        call    do_trap
        add     $16, %rsp

        mov     UREGS_r15(%rsp), %r15
        mov     UREGS_r14(%rsp), %r14
        mov     UREGS_r13(%rsp), %r13
        mov     UREGS_r12(%rsp), %r12
        mov     UREGS_r11(%rsp), %r11
        mov     UREGS_r10(%rsp), %r10
        mov     UREGS_r9(%rsp), %r9
        mov     UREGS_r8(%rsp), %r8
        mov     UREGS_rbp(%rsp), %rbp
        mov     UREGS_rdi(%rsp), %rdi
        mov     UREGS_rsi(%rsp), %rsi
        mov     UREGS_rdx(%rsp), %rdx
        mov     UREGS_rcx(%rsp), %rcx
        mov     UREGS_rbx(%rsp), %rbx
        mov     UREGS_rax(%rsp), %rax
        add     $UREGS_rip, %rsp        /* drop registers, vector, error code */
        iretq

/*
 * void regs_save_current(struct cpu_user_regs *regs) (asm/traps.h): the
 * caller's registers in the layout of an interrupt frame, for reports of
 * what a CPU is doing when no interrupt stopped it.  RIP is the return
 * address and RSP its value after the return; RDI is `regs` itself.
 */
        .text
        .globl  regs_save_current
regs_save_current:
        mov     %r15, UREGS_r15(%rdi)
        mov     %r14, UREGS_r14(%rdi)
        mov     %r13, UREGS_r13(%rdi)
        mov     %r12, UREGS_r12(%rdi)
        mov     %r11, UREGS_r11(%rdi)
        mov     %r10, UREGS_r10(%rdi)
        mov     %r9, UREGS_r9(%rdi)
        mov     %r8, UREGS_r8(%rdi)
        mov     %rbp, UREGS_rbp(%rdi)
        mov     %rdi, UREGS_rdi(%rdi)
        mov     %rsi, UREGS_rsi(%rdi)
        mov     %rdx, UREGS_rdx(%rdi)
        mov     %rcx, UREGS_rcx(%rdi)
        mov     %rbx, UREGS_rbx(%rdi)
        mov     %rax, UREGS_rax(%rdi)
        movq    $0, UREGS_vector(%rdi)
        movq    $0, UREGS_error_code(%rdi)
        mov     (%rsp), %rax
        mov     %rax, UREGS_rip(%rdi)
        lea     8(%rsp), %rax
        mov     %rax, UREGS_rsp(%rdi)
        pushfq
        popq    UREGS_rflags(%rdi)
        xor     %eax, %eax
        mov     %cs, %ax
        mov     %rax, UREGS_cs(%rdi)
        mov     %ss, %ax
        mov     %rax, UREGS_ss(%rdi)
        mov     UREGS_rax(%rdi), %rax
        ret

        .section .note.GNU-stack, "", @progbits
