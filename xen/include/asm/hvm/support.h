/*
 * Helpers shared by the vendor-neutral exit handlers: instruction
 * fetch/decode and skipping, the guest paging environment, register
 * access by number, port and MMIO emulation entry points.
 */
#ifndef ASM_HVM_SUPPORT_H
#define ASM_HVM_SUPPORT_H

#include <xen/types.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/insn.h>
#include <asm/hvm/guest_walk.h>
#include <asm/hvm/vlapic.h>   /* the vLAPIC's prototypes used to live here */

struct vcpu;

/* Which instruction an exit is for, to check the bytes at RIP against. */
struct hvm_insn_match {
    uint8_t map;            /* enum insn_map */
    uint8_t opcode;
    int16_t modrm;          /* the whole ModRM byte, or -1 for any */
    const char *name;
};

/* The guest paging environment of v, from its control registers. */
void hvm_walk_env(struct vcpu *v, struct guest_walk_env *env);
enum cpu_mode hvm_cpu_mode(struct vcpu *v);
/*
 * Fetch and decode the instruction at CS:RIP: its length (> 0), or a
 * negative error after which the domain has been crashed or a #PF queued.
 */
int hvm_fetch_insn(struct vcpu *v, uint8_t *bytes, unsigned int *avail, struct insn_info *ii);
/*
 * Move RIP past the instruction the exit was for.  Uses exit->insn_len if
 * the vendor knew it, else fetches and decodes, checking it is the
 * instruction `m` (else crashes the domain).  0 or negative.
 */
int hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit, const struct hvm_insn_match *m);
/* Register by x86 number (0 = rAX ... 15 = r15). */
uint64_t hvm_get_gpr(struct vcpu *v, unsigned int reg);
void hvm_set_gpr(struct vcpu *v, unsigned int reg, uint64_t val);

/* Exit handlers (exits.c): 0 = go on running, negative = stop (domain crashed/shut down). */
typedef int (*hvm_exit_handler_t)(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_nothing(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_cpuid(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_msr_read(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_msr_write(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_io(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_hlt(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_hypercall(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_cr_access(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_npf(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_triple_fault(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_invalid_state(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_init(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_xsetbv(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_exception(struct vcpu *v, struct hvm_exit *exit);
int hvm_exit_unhandled(struct vcpu *v, struct hvm_exit *exit);

/* io.c: port I/O (val: in/out value in the low `size` bytes). */
void hvm_portio(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint64_t *val);

/*
 * pvh.c: put v in the PVH entry state (32-bit protected mode, paging off,
 * flat segments, EBX = start_info) at entry.
 */
void pvh_vcpu_set_entry_state(struct vcpu *v, uint32_t entry, uint32_t start_info);
/*
 * INIT and Start-up IPIs to a secondary vCPU (from the vLAPIC's ICR): INIT
 * makes a vCPU that is down wait for a SIPI; SIPI starts it in real mode
 * at vector x 4 KiB.  Others are ignored, as by a CPU that already runs.
 */
void hvm_vcpu_init_ipi(struct vcpu *target);
void hvm_vcpu_sipi(struct vcpu *target, uint8_t vector);

#endif
