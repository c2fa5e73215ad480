/*
 * String port I/O (INS, OUTS, with or without REP) emulated element by
 * element through the guest's segments and page tables.
 */
#ifndef ASM_HVM_STRIO_H
#define ASM_HVM_STRIO_H

#include <xen/types.h>
#include <asm/hvm/hvm.h>

struct vcpu;

/* Elements done per exit at most: a long REP restarts itself (RIP stays). */
#define HVM_STRIO_BATCH 1024

/*
 * Emulate the INS/OUTS behind an I/O exit: 0 to go on (done, partly done
 * with the rest on re-execution, or an exception queued for the guest),
 * negative after crashing the domain.
 */
int hvm_emulate_string_io(struct vcpu *v, const struct hvm_exit *exit);

#endif
