/*
 * The 2-level event channel bitmaps (shared_info.evtchn_pending/mask and
 * vcpu_info.evtchn_pending_sel / evtchn_upcall_pending), and the choice of
 * a free port.  Pure code on memory the guest shares: every update is an
 * atomic bit operation because the guest changes the same words at will.
 * Host-tested in tools/tests/evtchn.
 */
#ifndef XEN_EVTCHN_2L_H
#define XEN_EVTCHN_2L_H

#include <xen/types.h>
#include <public/xen.h>

/* Ports of the 2-level ABI: 64 words of 64 bits. */
#define EVTCHN_2L_PORTS     4096u
#define EVTCHN_2L_WORD_BITS 64u

/*
 * Mark port pending.  If it was not pending before and is not masked, set
 * its selector bit in vi (NULL: the vCPU has no vcpu_info yet); returns
 * true if that raised evtchn_upcall_pending from 0 to 1: the vCPU must be
 * notified.
 */
bool evtchn_2l_set_pending(struct shared_info *s, struct vcpu_info *vi, unsigned int port);
/* Clear the mask bit; if the port is pending, deliver as set_pending would. */
bool evtchn_2l_unmask(struct shared_info *s, struct vcpu_info *vi, unsigned int port);
void evtchn_2l_clear_pending(struct shared_info *s, unsigned int port);
bool evtchn_2l_is_pending(const struct shared_info *s, unsigned int port);
bool evtchn_2l_is_masked(const struct shared_info *s, unsigned int port);
/*
 * Raise the selector bit of `word` and the upcall flag (a vcpu_info that
 * was just registered, or an unmask): true if the upcall flag went 0 -> 1.
 */
bool evtchn_2l_raise(struct vcpu_info *vi, unsigned int word);

/*
 * The lowest port in [1, nr) whose entry in `in_use` (one byte per port)
 * is zero, or -ENOSPC.  Port 0 is never handed out: guests treat it as
 * "no port".
 */
int evtchn_2l_find_free(const uint8_t *in_use, unsigned int nr);

#endif
