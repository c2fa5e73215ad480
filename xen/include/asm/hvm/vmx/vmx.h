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

/* Boot self-test `selftest=vmx`: a throwaway guest on this CPU. */
bool vmx_selftest(void);

#endif
