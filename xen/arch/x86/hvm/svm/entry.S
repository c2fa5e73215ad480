/*
 * VMRUN and back: load the guest's general registers, swap the state that
 * VMRUN does not switch (FS, GS, TR, LDTR, KernelGSBase, the SYSCALL and
 * SYSENTER MSRs) with VMLOAD/VMSAVE, run the guest with GIF clear around
 * the switch, and save the guest's registers again at #VMEXIT.
 *
 * void svm_vmrun(paddr_t vmcb_pa, struct hvm_gprs *gprs, paddr_t host_pa)
 */
#define GPR_RBX  8
#define GPR_RCX  16
#define GPR_RDX  24
#define GPR_RSI  32
#define GPR_RDI  40
#define GPR_RBP  48
#define GPR_R8   56
#define GPR_R9   64
#define GPR_R10  72
#define GPR_R11  80
#define GPR_R12  88
#define GPR_R13  96
#define GPR_R14  104
#define GPR_R15  112

        .section .text, "ax", @progbits
        .globl svm_vmrun
        .type svm_vmrun, @function
svm_vmrun:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                    /* 16(%rsp): host VMSAVE area */
        push    %rdi                    /*  8(%rsp): VMCB */
        push    %rsi                    /*  0(%rsp): guest registers */

        /*
         * GIF = 0 holds host interrupts until the guest runs; IF = 1 lets
         * them cause an INTR intercept while it does (V_INTR_MASKING).
         */
        clgi
        sti
        mov     %rdx, %rax
        vmsave  %rax

        mov     %rsi, %rax
        mov     GPR_RBX(%rax), %rbx
        mov     GPR_RCX(%rax), %rcx
        mov     GPR_RDX(%rax), %rdx
        mov     GPR_RSI(%rax), %rsi
        mov     GPR_RDI(%rax), %rdi
        mov     GPR_RBP(%rax), %rbp
        mov     GPR_R8(%rax), %r8
        mov     GPR_R9(%rax), %r9
        mov     GPR_R10(%rax), %r10
        mov     GPR_R11(%rax), %r11
        mov     GPR_R12(%rax), %r12
        mov     GPR_R13(%rax), %r13
        mov     GPR_R14(%rax), %r14
        mov     GPR_R15(%rax), %r15

        mov     8(%rsp), %rax
        vmload  %rax
        vmrun   %rax
        /* #VMEXIT: RAX, RSP back from the host save area, GIF = 0. */
        vmsave  %rax

        mov     (%rsp), %rax
        mov     %rbx, GPR_RBX(%rax)
        mov     %rcx, GPR_RCX(%rax)
        mov     %rdx, GPR_RDX(%rax)
        mov     %rsi, GPR_RSI(%rax)
        mov     %rdi, GPR_RDI(%rax)
        mov     %rbp, GPR_RBP(%rax)
        mov     %r8, GPR_R8(%rax)
        mov     %r9, GPR_R9(%rax)
        mov     %r10, GPR_R10(%rax)
        mov     %r11, GPR_R11(%rax)
        mov     %r12, GPR_R12(%rax)
        mov     %r13, GPR_R13(%rax)
        mov     %r14, GPR_R14(%rax)
        mov     %r15, GPR_R15(%rax)

        mov     16(%rsp), %rax
        vmload  %rax
        cli
        stgi

        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size svm_vmrun, . - svm_vmrun
