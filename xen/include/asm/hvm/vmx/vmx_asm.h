/*
 * Offsets into struct hvm_gprs for the VM entry stub (vmx/entry.S);
 * vmx.c checks them against the C layout.
 */
#ifndef ASM_HVM_VMX_VMX_ASM_H
#define ASM_HVM_VMX_VMX_ASM_H

#define HVM_GPRS_rax 0
#define HVM_GPRS_rbx 8
#define HVM_GPRS_rcx 16
#define HVM_GPRS_rdx 24
#define HVM_GPRS_rsi 32
#define HVM_GPRS_rdi 40
#define HVM_GPRS_rbp 48
#define HVM_GPRS_r8  56
#define HVM_GPRS_r9  64
#define HVM_GPRS_r10 72
#define HVM_GPRS_r11 80
#define HVM_GPRS_r12 88
#define HVM_GPRS_r13 96
#define HVM_GPRS_r14 104
#define HVM_GPRS_r15 112

/* VMCS encoding of HOST_RSP (asm/hvm/vmx/vmcs.h), written by the stub. */
#define VMX_ASM_HOST_RSP 0x6c14

#endif
