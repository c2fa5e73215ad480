/*
 * Entry of every test guest: the PVH ELF note, the 32-bit entry point the
 * hypervisor jumps to (EBX = hvm_start_info), the switch to long mode with
 * a first identity map of [0, 1 GiB) in 2 MiB pages, and the exception and
 * interrupt stubs.  paging.c builds the real page tables afterwards.
 */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC 0x336ec578

#define GDT_CODE64 0x08
#define GDT_CODE32 0x10
#define GDT_DATA 0x18

#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_PS 0x080

#define BOOT_STACK_SIZE 16384

/* The PVH entry note (Xen public ABI: elfnote.h): name "Xen", 8-byte address. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                         /* namesz */
    .long 8                         /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY  /* type */
    .asciz "Xen"
    .balign 4
    .quad pvh_entry32

/*
 * 32-bit protected mode, paging off, no stack, IF = 0 (PVH entry state).
 * Nothing here may fault: there is no IDT until traps_init().
 */
    .section .text.entry, "ax"
    .code32
    .globl pvh_entry32
pvh_entry32:
    cld
    mov $(boot_stack + BOOT_STACK_SIZE), %esp   /* ESP is undefined at entry */
    mov %ebx, entry_ebx
    mov %cr0, %eax
    mov %eax, entry_cr0
    mov %cr4, %eax
    mov %eax, entry_cr4
    pushf
    popl %eax
    mov %eax, entry_eflags
    /* Keep the hvm_start_info address only if it carries the magic. */
    xor %eax, %eax
    cmpl $HVM_START_MAGIC, (%ebx)
    jne 1f
    mov %ebx, %eax
1:  mov %eax, start_info_paddr

    lgdt gdt_desc
    ljmp $GDT_CODE32, $2f
2:  mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs

    /* Clear the boot page tables: do not rely on the loader for this. */
    mov $boot_pgtables, %edi
    mov $(3 * 4096 / 4), %ecx
    xor %eax, %eax
    rep stosl
    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB. */
    movl $(boot_pdpt + PTE_P + PTE_RW), boot_pml4
    movl $(boot_pd + PTE_P + PTE_RW), boot_pdpt
    mov $boot_pd, %edi
    mov $(PTE_P + PTE_RW + PTE_PS), %eax
    mov $512, %ecx
3:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 3b

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG + CR0_PE), %eax
    mov %eax, %cr0
    ljmp $GDT_CODE64, $entry64

    .code64
entry64:
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $(boot_stack + BOOT_STACK_SIZE), %rsp
    xor %ebp, %ebp
    call guest_start
4:  cli
    hlt
    jmp 4b

/*
 * One 16-byte stub per vector: push a zero error code where the CPU pushes
 * none, push the vector number, and go to trap_common, which saves the
 * registers as a struct trap_frame and calls trap_dispatch().
 */
    .text
    .balign 16
    .globl trap_stubs
trap_stubs:
    vec = 0
    .rept 256
    .balign 16
    .if !((vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30))
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    vec = vec + 1
    .endr

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    cld
    call trap_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

    .data
    .balign 8
    .globl start_info_paddr, entry_ebx, entry_cr0, entry_cr4, entry_eflags
start_info_paddr: .long 0
entry_ebx:        .long 0
entry_cr0:        .long 0
entry_cr4:        .long 0
entry_eflags:     .long 0

    .balign 16
    .globl gdt, gdt_desc
gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf9a000000ffff        /* 0x10: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x18: data */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .quad gdt

/* Not part of .bss: the runtime checks that the loader zeroed .bss. */
    .section .bss.noclear, "aw", @nobits
    .balign 4096
boot_pgtables:
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096
    .globl boot_stack
boot_stack: .skip BOOT_STACK_SIZE
