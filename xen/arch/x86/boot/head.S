/*
 * Multiboot2 header and the first instructions: GRUB (BIOS or EFI, after
 * ExitBootServices) enters start32 in 32-bit protected mode, paging off,
 * EAX = multiboot2 magic, EBX = physical address of the boot information.
 * We check the CPU, build nothing at run time (the boot page tables are
 * static), enable long mode and jump to the image's upper-half address.
 */
#include <asm/config.h>
#include <asm/page.h>

#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_ARCH_I386        0
#define MB2_TAG_END          0
#define MB2_TAG_ADDRESS      2
#define MB2_TAG_ENTRY        3
#define MB2_TAG_MODULE_ALIGN 6

#define sym_phys(s) ((s) - XEN_VIRT_START)

#define COM1 0x3f8

        .section .text.multiboot2, "ax", @progbits
        .balign 8
        .code32
mb2_header:
        .long MB2_HEADER_MAGIC
        .long MB2_ARCH_I386
        .long mb2_header_end - mb2_header
        .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /* Address tag: load the flat image at XEN_PHYS_START. */
        .balign 8
        .short MB2_TAG_ADDRESS, 0
        .long 24
        .long sym_phys(mb2_header)
        .long sym_phys(_start)
        .long sym_phys(_edata)
        .long sym_phys(__bss_end)
        /* Entry tag. */
        .balign 8
        .short MB2_TAG_ENTRY, 0
        .long 12
        .long sym_phys(start32)
        /* Page-align modules: kernels are copied page by page later. */
        .balign 8
        .short MB2_TAG_MODULE_ALIGN, 0
        .long 8
        .balign 8
        .short MB2_TAG_END, 0
        .long 8
mb2_header_end:

        .section .text.boot32, "ax", @progbits
        .code32
        .globl start32
start32:
        cli
        cld
        /* Remember what GRUB gave us before anything clobbers it. */
        mov     %eax, sym_phys(boot_mb_magic)
        mov     %ebx, sym_phys(boot_mb_info)

        /* A stack of our own, in the image (still physical addresses). */
        mov     $sym_phys(boot_stack_top), %esp

        cmp     $MB2_BOOTLOADER_MAGIC, %eax
        je      1f
        mov     $sym_phys(msg_not_mb2), %esi
        jmp     early_fail
1:
        /* Long mode? CPUID 0x80000001 EDX bit 29. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebp              /* keep NX support (bit 20) */

        /* Zero .bss: GRUB does, but other loaders may not. */
        xor     %eax, %eax
        mov     $sym_phys(__bss_start), %ebx
        mov     $sym_phys(__bss_end), %ecx
        sub     %ebx, %ecx
        mov     %ebx, %edi
        rep stosb

        lgdt    sym_phys(boot_gdt_desc)

        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $sym_phys(boot_l4), %eax
        mov     %eax, %cr3

        mov     $0xc0000080, %ecx       /* EFER */
        rdmsr
        or      $(1 << 8), %eax         /* LME */
        bt      $20, %ebp
        jnc     2f
        or      $(1 << 11), %eax        /* NXE */
2:      wrmsr

        mov     %cr0, %eax
        or      $(0x80010001), %eax     /* PG | WP | PE */
        mov     %eax, %cr0

        ljmp    $__HYPERVISOR_CS, $sym_phys(start64_low)

no_long_mode:
        mov     $sym_phys(msg_no_lm), %esi
        /* fall through */

/* Print the string at %esi on COM1 (polled, as the firmware left it) and stop. */
early_fail:
        mov     $COM1 + 5, %dx
3:      in      %dx, %al
        test    $0x20, %al
        jz      3b
        lodsb
        test    %al, %al
        jz      4f
        mov     $COM1, %dx
        out     %al, %dx
        jmp     early_fail
4:      hlt
        jmp     4b

        .code64
start64_low:
        /* Still running at the physical address; move to the upper half. */
        movabs  $start64, %rax
        jmp     *%rax

        .section .text.entry, "ax", @progbits
start64:
        mov     $__HYPERVISOR_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        /* Reload the GDT through its upper-half address. */
        lgdt    boot_gdt_desc64(%rip)
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     boot_mb_magic(%rip), %edi
        mov     boot_mb_info(%rip), %esi
        call    start_xen
        ud2

        .section .rodata, "a", @progbits
msg_not_mb2:
        .asciz "Xen: not started by a multiboot2 loader (bad magic in EAX)\r\n"
msg_no_lm:
        .asciz "Xen: this CPU does not support long mode (x86-64)\r\n"

        .section .data, "aw", @progbits
        .balign 8
        .globl boot_mb_magic, boot_mb_info
boot_mb_magic:  .long 0
boot_mb_info:   .long 0

        .balign 16
        .globl boot_gdt
boot_gdt:
        .quad 0                         /* null */
        .quad 0x00af9b000000ffff        /* 0x08: 64-bit code, DPL 0 */
        .quad 0x00cf93000000ffff        /* 0x10: data, DPL 0 */
        .quad 0x00cf9b000000ffff        /* 0x18: 32-bit code (trampolines later) */
boot_gdt_end:
boot_gdt_desc:
        .short boot_gdt_end - boot_gdt - 1
        .long sym_phys(boot_gdt)
        .balign 8
boot_gdt_desc64:
        .short boot_gdt_end - boot_gdt - 1
        .quad boot_gdt

/*
 * Boot page tables: identity map of the first 4 GiB (the boot information
 * and modules may be anywhere below 4 GiB) and the image window at
 * XEN_VIRT_START, both with 2 MiB pages.  setup replaces these with the
 * real tables once the memory map is known.
 */
        .section .data.page_aligned, "aw", @progbits
        .balign 4096
        .globl boot_l4, boot_l3_ident, boot_l3_high, boot_l2_ident
boot_l4:
        .quad sym_phys(boot_l3_ident) + (_PAGE_PRESENT | _PAGE_RW)
        .fill 510, 8, 0
        .quad sym_phys(boot_l3_high) + (_PAGE_PRESENT | _PAGE_RW)
boot_l3_ident:
        .quad sym_phys(boot_l2_ident) + 0x0000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad sym_phys(boot_l2_ident) + 0x1000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad sym_phys(boot_l2_ident) + 0x2000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad sym_phys(boot_l2_ident) + 0x3000 + (_PAGE_PRESENT | _PAGE_RW)
        .fill 508, 8, 0
boot_l3_high:
        .fill 510, 8, 0
        .quad sym_phys(boot_l2_ident) + (_PAGE_PRESENT | _PAGE_RW)  /* -2 GiB */
        .quad 0
boot_l2_ident:
        .set i, 0
        .rept 2048
        .quad (i << 21) + (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)
        .set i, i + 1
        .endr

        .section .bss.stack_aligned, "aw", @nobits
        .balign 16
        .globl boot_stack, boot_stack_top
boot_stack:
        .skip STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
