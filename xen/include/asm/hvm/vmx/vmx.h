/*
 * The Intel VMX engine: the entry point that fills the HVM ops table, the
 * pure exit decoder (host-tested) and the VMX boot self-test.
 */
#ifndef ASM_HVM_VMX_VMX_H
#define ASM_HVM_VMX_VMX_H

#include <asm/hvm/hvm.h>
#include <asm/hvm/vmx/vmcs.h>

/* Detect and check VMX; NULL (with the reason printed) if it can't be used. */
const struct hvm_function_table *start_vmx(void);

/*
 * Turns the raw exit fields into the common form.  Needs nothing but its
 * arguments.  External interrupts, NMIs and the interrupt window decode
 * to HVM_EXIT_EXTINT / HVM_EXIT_NMI / HVM_EXIT_NONE; vmx.c acts on them.
 */
void vmx_decode_exit(const struct vmx_exit_info *info, struct hvm_exit *exit);

/*
 * PAE page-directory-pointer entries as MOV to CR3 would accept them: a
 * present entry has no reserved bit set (bits 2:1, 8:5, and from
 * maxphyaddr up).  Pure (host-tested).
 */
bool vmx_pdptes_valid(const uint64_t pdpte[4], unsigned int maxphyaddr);

/* Whether EPTPs enable the accessed/dirty flags (the CPU has them). */
bool vmx_ept_ad_in_use(void);

/* Boot self-test `selftest=vmx`: a throwaway guest on this CPU. */
bool vmx_selftest(void);

#endif
