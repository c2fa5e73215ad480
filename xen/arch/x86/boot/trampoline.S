/*
 * Where a secondary CPU starts after its SIPI: in real mode at the start
 * of the page below 1 MiB that smpboot.c copied trampoline_start..end to.
 * It goes to protected mode, reports in, enables long mode with paging on
 * the trampoline's own tables (identity map of the low 2 MiB plus the
 * hypervisor's upper half), jumps to the image and there switches to the
 * hypervisor's tables and the stack smpboot.c gave it.
 *
 * Only offsets from trampoline_start are used before the jump to the
 * image (the code runs wherever it was copied); %ebx holds the copy's
 * physical address.  Image variables are reached by physical address
 * while paging is off.
 */
#include <asm/config.h>
#include <asm/page.h>

#define sym_phys(s)   ((s) - XEN_VIRT_START)
#define TRAMP(s)      ((s) - trampoline_start)

#define CR0_PE        0x00000001
#define CR0_ET        0x00000010
#define CR0_NE        0x00000020
#define CR0_WP        0x00010000
#define CR0_PG        0x80000000
#define CR4_PAE       0x00000020
#define MSR_EFER      0xc0000080

#define TRAMP_CS64    0x08      /* selectors of tramp_gdt, as in the boot GDT */
#define TRAMP_DS      0x10
#define TRAMP_CS32    0x18

        .section .text.trampoline, "ax", @progbits
        .code16
        .balign 16
        .globl trampoline_start, trampoline_end
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ebx, %ebx
        mov     %ax, %bx
        shl     $4, %ebx                        /* physical address of this copy */

        /* The GDT base and far-jump targets depend on where the copy is. */
        lea     TRAMP(tramp_gdt)(%ebx), %eax
        mov     %eax, TRAMP(tramp_gdt_ptr) + 2
        lea     TRAMP(tramp_prot32)(%ebx), %eax
        mov     %eax, TRAMP(tramp_jmp32)
        lea     TRAMP(tramp_long64)(%ebx), %eax
        mov     %eax, TRAMP(tramp_jmp64)
        lgdtl   TRAMP(tramp_gdt_ptr)

        mov     %cr0, %eax
        or      $CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *TRAMP(tramp_jmp32)

        .code32
tramp_prot32:
        mov     $TRAMP_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        /* "Alive": the boot CPU stops sending SIPIs and waits for the rest. */
        movl    $1, sym_phys(ap_callin)

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     sym_phys(ap_boot_tramp_cr3), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        mov     sym_phys(ap_boot_efer), %eax   /* LME, and NXE as the boot CPU has it */
        xor     %edx, %edx
        wrmsr
        /* Caches on (INIT left CD and NW set), paging on: long mode, compatibility submode. */
        mov     $(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE), %eax
        mov     %eax, %cr0
        ljmpl   *TRAMP(tramp_jmp64)(%ebx)

        .code64
tramp_long64:
        movabs  $ap_start64, %rax
        jmp     *%rax

        .balign 8
tramp_gdt:
        .quad 0                         /* null */
        .quad 0x00af9b000000ffff        /* TRAMP_CS64: 64-bit code */
        .quad 0x00cf93000000ffff        /* TRAMP_DS: flat data */
        .quad 0x00cf9b000000ffff        /* TRAMP_CS32: flat 32-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
        .word   tramp_gdt_end - tramp_gdt - 1
        .long   0                       /* filled in: tramp_gdt's physical address */
tramp_jmp32:                            /* far pointers (offset, selector), offsets filled in */
        .long   0
        .word   TRAMP_CS32
tramp_jmp64:
        .long   0
        .word   TRAMP_CS64
trampoline_end:

/* In the image, at its linked address: the hypervisor's tables, the CPU's stack, C. */
        .section .text, "ax", @progbits
        .code64
ap_start64:
        mov     ap_boot_cr3(%rip), %rax
        mov     %rax, %cr3
        mov     ap_boot_stack(%rip), %rsp
        xor     %ebp, %ebp
        call    start_secondary
        ud2

        .section .note.GNU-stack, "", @progbits
