/*
 * pae: a trip from long mode into 32-bit PAE paging and back.  The guest
 * drops to compatibility mode, turns paging and EFER.LME off, points CR3
 * at a PDPT of its own (the first GiB identity-mapped, the second an alias
 * of it) and turns paging on again in the same CR0 write that clears
 * CR0.CD.  On VMX that write exits (CD is the hypervisor's), so it is the
 * hypervisor that must load the four PDPTEs into the VMCS: if it does not,
 * the next fetch faults with no 32-bit IDT and the domain dies of a triple
 * fault.  In PAE mode the guest reads a value through the alias, reloads
 * CR3 with a second PDPT (the CPU's own PDPTE load) and reads it again,
 * then goes back to long mode and reports.
 */
#include "guest.h"

const char test_name[] = "pae";

#define PTE_P 0x1u
#define PTE_RW 0x2u
#define PTE_PS 0x80u
#define ALIAS_BASE 0x40000000u /* linear GiB 1 maps physical GiB 0 */
#define MAGIC 0x5ae5ae01u

/* The trip in 32-bit code (below); returns what it read at the alias. */
uint32_t pae_trip(uint32_t pdpt, uint32_t probe, uint32_t pdpt2);

static uint64_t pd[512] __aligned(4096);
static uint64_t pdpt[4] __aligned(32);
static uint64_t pdpt2[4] __aligned(32);
static volatile uint32_t magic = MAGIC;
volatile uint32_t pae_saved_cr3, pae_saved_rsp_lo, pae_saved_rsp_hi, pae_seen_cr4;

asm(".pushsection .text\n"
    ".globl pae_trip\n"
    ".code64\n"
    "pae_trip:\n\t"
    "push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n\t"
    "mov %rsp, %rax; mov %eax, pae_saved_rsp_lo(%rip); shr $32, %rax;"
    " mov %eax, pae_saved_rsp_hi(%rip)\n\t"
    "mov %cr3, %rax; mov %eax, pae_saved_cr3(%rip)\n\t"
    "mov %edx, %ebp\n\t"                  /* the second PDPT */
    "pushq $0x10; lea 1f(%rip), %rax; push %rax; lretq\n"
    ".code32\n"
    "1:\n\t"
    "mov %cr0, %eax; or $0x40000000, %eax; mov %eax, %cr0\n\t" /* CD on */
    "and $0x7fffffff, %eax; mov %eax, %cr0\n\t"               /* paging off: long mode ends */
    "mov %edi, %ebx\n\t"
    "mov $0xc0000080, %ecx; rdmsr; and $0xfffffeff, %eax; wrmsr\n\t" /* EFER.LME off */
    "mov %ebx, %cr3\n\t"
    "mov %cr0, %eax; and $0xbfffffff, %eax; or $0x80000000, %eax\n\t"
    "mov %eax, %cr0\n\t"                  /* PAE paging on, CD off: one (exiting) write */
    "mov (%esi), %ebx\n\t"                /* through the alias: needs PDPTE 1 */
    "mov %ebp, %cr3\n\t"                  /* the CPU loads the second PDPT itself */
    "mov (%esi), %eax; cmp %eax, %ebx; je 3f; xor %ebx, %ebx\n" /* must read the same */
    "3:\n\t"
    "mov %cr4, %eax; mov %eax, pae_seen_cr4\n\t"
    "mov %cr0, %eax; and $0x7fffffff, %eax; mov %eax, %cr0\n\t" /* paging off */
    "mov $0xc0000080, %ecx; rdmsr; or $0x100, %eax; wrmsr\n\t"  /* EFER.LME on */
    "mov pae_saved_cr3, %eax; mov %eax, %cr3\n\t"
    "mov %cr0, %eax; or $0x80000000, %eax; mov %eax, %cr0\n\t" /* long mode again */
    "ljmp $0x08, $2f\n"
    ".code64\n"
    "2:\n\t"
    "mov pae_saved_rsp_hi(%rip), %eax; shl $32, %rax; mov pae_saved_rsp_lo(%rip), %ecx;"
    " or %rcx, %rax; mov %rax, %rsp\n\t"
    "mov %ebx, %eax\n\t"
    "pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n\t"
    "ret\n"
    ".popsection\n");

static void build_tables(void)
{
    unsigned int i;

    for (i = 0; i < 512; i++)
        pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
    /* PDPTEs have no R/W or U/S bits: those positions are reserved. */
    pdpt[0] = (uintptr_t)pd | PTE_P;
    pdpt[1] = (uintptr_t)pd | PTE_P;
    pdpt[2] = pdpt[3] = 0;
    pdpt2[0] = pdpt2[1] = (uintptr_t)pd | PTE_P;
    pdpt2[2] = pdpt2[3] = 0;
}

void test_main(void)
{
    uint64_t rflags;
    uint32_t got;

    if ((uintptr_t)&magic >= ALIAS_BASE || (uintptr_t)pdpt >= (1ull << 32)) {
        skip("pae_trip", "image above 1 GiB");
        return;
    }
    build_tables();
    asm volatile("pushf; pop %0; cli" : "=r"(rflags));
    got = pae_trip((uint32_t)(uintptr_t)pdpt, ALIAS_BASE + (uint32_t)(uintptr_t)&magic,
                   (uint32_t)(uintptr_t)pdpt2);
    if (rflags & (1u << 9))
        irq_enable();
    check(got == MAGIC, "pae_alias", "read %#x through linear %#x in PAE mode (want %#x)", got,
          ALIAS_BASE + (uint32_t)(uintptr_t)&magic, MAGIC);
    check(pae_seen_cr4 & (1u << 5), "pae_cr4", "CR4 in PAE mode %#x (PAE set)", pae_seen_cr4);
    magic = MAGIC + 1;
    check(magic == MAGIC + 1, "long_mode_back", "back in 64-bit mode, memory writable");
}
