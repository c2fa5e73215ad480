/*
 * Secondary-CPU start: a STARTUP IPI with vector V starts an AP in real
 * mode at V * 4 KiB.  smp.c copies this trampoline to such a page and fills
 * in its data fields; the AP switches to protected mode, then to long mode
 * with the boot CPU's page tables, and calls ap_start() on its own stack.
 * The code is position-independent: EBX holds the page's address.
 */

#define GDT_CODE64 0x08
#define GDT_CODE32 0x10
#define GDT_DATA 0x18
#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

#define OFF(sym) ((sym) - ap_tramp_start)

    .section .rodata
    .globl ap_tramp_start, ap_tramp_end
    .globl ap_tramp_gdt_desc, ap_tramp_pm_jump, ap_tramp_lm_jump, ap_tramp_cr3
    .code16
ap_tramp_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    movzwl %ax, %ebx
    shl $4, %ebx
    lgdtl OFF(ap_tramp_gdt_desc)
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl *OFF(ap_tramp_pm_jump)

    .code32
    .globl ap_tramp_pm32
ap_tramp_pm32:
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov OFF(ap_tramp_cr3)(%ebx), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0
    ljmpl *OFF(ap_tramp_lm_jump)(%ebx)

    .balign 8
ap_tramp_gdt_desc:  .word 0                 /* limit, base: the boot CPU's GDT */
                    .long 0
ap_tramp_pm_jump:   .long 0                 /* page + OFF(ap_tramp_pm32) */
                    .word GDT_CODE32
ap_tramp_lm_jump:   .long ap_entry64
                    .word GDT_CODE64
ap_tramp_cr3:       .long 0
ap_tramp_end:

    .text
    .code64
ap_entry64:
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov ap_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call ap_start
1:  cli
    hlt
    jmp 1b
