/*
 * Hypercalls: the one dispatch table and the handlers it names, and the
 * checked copies handlers use for guest arguments.
 *
 * A handler gets the calling vCPU and the five arguments, already
 * truncated to 32 bits for a 32-bit caller, and returns a Xen error code
 * (-EFAULT, -EINVAL, ...) or a non-negative result.  It validates every
 * argument itself: nothing a guest passes is trusted.  The caller's CPL
 * is checked before dispatch (CPL 0 only).
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>
#include <xen/compiler.h>

struct vcpu;
struct domain;

typedef long hypercall_fn_t(struct vcpu *v, const uint64_t args[5]);

#define NR_HYPERCALLS 64

/* The handlers (each in the file that owns its subsystem). */
hypercall_fn_t do_memory_op;            /* common/memory.c */
hypercall_fn_t do_xen_version;          /* common/version.c */
hypercall_fn_t do_console_io;           /* common/console_io.c */
hypercall_fn_t do_grant_table_op;       /* common/grant_table.c */
hypercall_fn_t do_vm_assist;            /* common/version.c */
hypercall_fn_t do_vcpu_op;              /* common/vcpu_op.c */
hypercall_fn_t do_sched_op;             /* common/sched_op.c */
hypercall_fn_t do_event_channel_op;     /* common/event_channel.c */
hypercall_fn_t do_hvm_op;               /* arch/x86/hvm/hvm_op.c */
hypercall_fn_t do_set_timer_op;         /* common/vcpu_op.c */
hypercall_fn_t do_physdev_op;           /* arch/x86/hvm/hvm_op.c */

/*
 * Guest-virtual copies for hypercall arguments, through the caller's own
 * page tables (current paging mode, 1 GiB / 2 MiB / 4 KiB pages, U/S and
 * R/W checked as for a supervisor access).  0, or -EFAULT if any byte is
 * unmapped, not RAM or not writable: no fault is injected, as in Xen.
 * Lengths above HYPERCALL_COPY_MAX are refused with -EFAULT too.
 */
#define HYPERCALL_COPY_MAX (1UL << 20)
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

/* Is the caller's domain privileged (CONTROL capability)? */
bool hypercall_is_privileged(const struct vcpu *v);

#endif
