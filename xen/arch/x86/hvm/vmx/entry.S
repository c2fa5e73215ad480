/*
 * VM entry and exit for VMX: switch the general registers between host
 * and guest around VMLAUNCH/VMRESUME.  The VMCS holds the guest's RSP and
 * RIP; HOST_RSP is this stack, HOST_RIP is vmx_asm_exit.
 *
 * int vmx_asm_enter(struct hvm_gprs *gprs, unsigned long launched)
 *   returns 0 after a VM exit (the guest's registers saved in *gprs),
 *   1 if the entry failed with VMfailInvalid, 2 with VMfailValid.
 */
#include <asm/hvm/vmx/vmx_asm.h>

        .text
        .globl  vmx_asm_enter
        .type   vmx_asm_enter, @function
vmx_asm_enter:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* gprs: found at (%rsp) after the exit */
        mov     $VMX_ASM_HOST_RSP, %eax
        vmwrite %rsp, %rax
        test    %rsi, %rsi              /* ZF=1: never launched */
        mov     HVM_GPRS_rax(%rdi), %rax
        mov     HVM_GPRS_rbx(%rdi), %rbx
        mov     HVM_GPRS_rcx(%rdi), %rcx
        mov     HVM_GPRS_rdx(%rdi), %rdx
        mov     HVM_GPRS_rsi(%rdi), %rsi
        mov     HVM_GPRS_rbp(%rdi), %rbp
        mov     HVM_GPRS_r8(%rdi), %r8
        mov     HVM_GPRS_r9(%rdi), %r9
        mov     HVM_GPRS_r10(%rdi), %r10
        mov     HVM_GPRS_r11(%rdi), %r11
        mov     HVM_GPRS_r12(%rdi), %r12
        mov     HVM_GPRS_r13(%rdi), %r13
        mov     HVM_GPRS_r14(%rdi), %r14
        mov     HVM_GPRS_r15(%rdi), %r15
        mov     HVM_GPRS_rdi(%rdi), %rdi    /* MOV leaves the flags alone */
        jz      1f
        vmresume
        jmp     2f
1:      vmlaunch
2:      /* Still here: the entry failed.  CF: VMfailInvalid, ZF: VMfailValid. */
        mov     $1, %eax
        jc      3f
        mov     $2, %eax
3:      add     $8, %rsp                /* the gprs pointer */
        jmp     vmx_asm_return
        .size   vmx_asm_enter, . - vmx_asm_enter

        .globl  vmx_asm_exit
        .type   vmx_asm_exit, @function
vmx_asm_exit:
        /* RSP is HOST_RSP: the gprs pointer on top.  Interrupts are off. */
        xchg    %rdi, (%rsp)            /* rdi = gprs, stack slot = guest RDI */
        mov     %rax, HVM_GPRS_rax(%rdi)
        mov     %rbx, HVM_GPRS_rbx(%rdi)
        mov     %rcx, HVM_GPRS_rcx(%rdi)
        mov     %rdx, HVM_GPRS_rdx(%rdi)
        mov     %rsi, HVM_GPRS_rsi(%rdi)
        mov     %rbp, HVM_GPRS_rbp(%rdi)
        mov     %r8, HVM_GPRS_r8(%rdi)
        mov     %r9, HVM_GPRS_r9(%rdi)
        mov     %r10, HVM_GPRS_r10(%rdi)
        mov     %r11, HVM_GPRS_r11(%rdi)
        mov     %r12, HVM_GPRS_r12(%rdi)
        mov     %r13, HVM_GPRS_r13(%rdi)
        mov     %r14, HVM_GPRS_r14(%rdi)
        mov     %r15, HVM_GPRS_r15(%rdi)
        pop     %rax                    /* guest RDI */
        mov     %rax, HVM_GPRS_rdi(%rdi)
        xor     %eax, %eax
vmx_asm_return:
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   vmx_asm_exit, . - vmx_asm_exit

        .section .note.GNU-stack, "", @progbits
