/*
 * Guest NMI blocking on SVM without vNMI.  The VMCB does not hold it: an
 * NMI the hypervisor injects masks further NMIs until an IRET of the
 * guest completes, and only the IRET intercept shows when that is.  The
 * intercept fires before the IRET runs, so the mask lifts once RIP has
 * left the IRET or a single step over it (TF set by the hypervisor, the
 * #DB intercepted) has trapped.  Pure state (host-tested in
 * tools/tests/svm_nmi); svm.c sets the intercepts and the VMCB fields.
 */
#ifndef ASM_HVM_SVM_NMI_H
#define ASM_HVM_SVM_NMI_H

#include <xen/types.h>

#define SVM_NMI_EFLAGS_TF   (1ULL << 8)
#define SVM_NMI_EFLAGS_RF   (1ULL << 16)

struct svm_nmi {
    bool masked;                /* an NMI went in and no IRET has completed since */
    bool iret_seen;             /* the IRET intercept fired; the IRET runs at the next entry */
    uint64_t iret_rip;
    bool singlestep;            /* TF is ours, for an exit after one instruction */
    uint64_t guest_rflags;      /* the guest's TF and RF before it */
};

/* An NMI was injected: masked (the caller intercepts IRET). */
void svm_nmi_injected(struct svm_nmi *n);
/* The IRET intercept fired with RIP at the IRET (the caller stops intercepting IRET). */
void svm_nmi_iret_exit(struct svm_nmi *n, uint64_t rip);
/*
 * Any other exit, RIP now at rip, db: a #DB intercept.  Ends a single
 * step (TF and RF in *rflags back to the guest's) and lifts the mask once
 * the IRET completed.  True: the #DB was our single step's, not the
 * guest's (the caller drops it and clears DR6.BS).
 */
bool svm_nmi_after_exit(struct svm_nmi *n, bool db, uint64_t rip, uint64_t *rflags);
/*
 * The NMI window: in the handler the IRET intercept is it (false).  With
 * the IRET about to run or in an STI / MOV SS shadow: single-step (TF and
 * RF into *rflags; true: the caller intercepts #DB).  Not with an event
 * queued for this entry: TF would be pushed into its frame, so the NMI
 * waits for the next exit.
 */
bool svm_nmi_want_step(struct svm_nmi *n, bool shadow, bool queued, uint64_t *rflags);
/* INIT: unmasked, no step (TF and RF in *rflags back to the guest's). */
void svm_nmi_reset(struct svm_nmi *n, uint64_t *rflags);

#endif
