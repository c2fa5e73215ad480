/*
 * The MSR view of an HVM guest as a table (pure, host-tested): which MSRs
 * exist and how each is handled.  Anything not listed raises #GP.  MSRs
 * the VMCB/VMCS holds (FS/GS base, SYSCALL, SYSENTER, PAT) never exit.
 */
#ifndef ASM_HVM_MSR_H
#define ASM_HVM_MSR_H

#include <xen/types.h>

enum hvm_msr_kind {
    HVM_MSR_GP,             /* unknown: #GP on read and write */
    HVM_MSR_ZERO,           /* reads 0, writes ignored (early-boot MSRs Linux touches unguarded) */
    HVM_MSR_EFER,           /* through the vendor (hidden SVME) */
    HVM_MSR_APIC_BASE,      /* xAPIC at 0xFEE00000, enabled; BSP flag on vCPU 0 */
    HVM_MSR_HYPERCALL_PAGE, /* writes fill the page at the address written */
    HVM_MSR_TSC,            /* reads the TSC, writes ignored */
    HVM_MSR_CONST,          /* reads a fixed value, writes ignored */
    HVM_MSR_TSC_AUX,        /* per vCPU, loaded into the CPU while it runs (RDTSCP, RDPID) */
};

struct hvm_msr_desc {
    uint32_t msr;
    uint8_t kind;           /* enum hvm_msr_kind */
    uint64_t value;         /* HVM_MSR_CONST */
    const char *name;
};

/* The row for msr; a static HVM_MSR_GP row if it is not listed. */
const struct hvm_msr_desc *hvm_msr_lookup(uint32_t msr);

#define MSR_TSC_AUX           0xc0000103U
#define MSR_APIC_BASE_BSP     (1ULL << 8)
#define MSR_APIC_BASE_ENABLE  (1ULL << 11)
#define HVM_LAPIC_BASE        0xfee00000ULL

/* Number of stubs in the hypercall page, and their size. */
#define HYPERCALL_PAGE_STUBS  128
#define HYPERCALL_STUB_SIZE   32
#define HYPERCALL_IRET        23    /* __HYPERVISOR_iret: ud2 in an HVM guest's page */
/*
 * Fill a 4 KiB hypercall page: stub i is `mov $i, %eax; <insn>; ret`,
 * padded with int3; stub 23 is ud2.  insn: the vendor's 3-byte VMCALL/VMMCALL.
 */
void hvm_hypercall_page_fill(uint8_t *page, void (*insn)(uint8_t *three_bytes));

#endif
