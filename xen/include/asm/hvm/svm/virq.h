/*
 * External interrupts into SVM guests as virtual interrupts: the vector
 * goes in the VMCB's V_IRQ fields (TPR ignored) instead of EVENTINJ, and
 * the CPU delivers it when the guest can take it.  Common code hands one
 * over only when the guest can (IF set, no shadow), so it is taken at the
 * first instruction; V_IRQ still set at the exit means it was not.
 *
 * Hardware does both equally well.  QEMU's TCG (7.2) does not: an EVENTINJ
 * interrupt's vector stays behind as a pending exception that it delivers
 * a second time, whatever IF says, when its execution loop is next kicked.
 * A guest then takes its interrupt handler inside its interrupt handler
 * (Linux with two vCPUs: self-deadlocks on a runqueue lock, entry-stack
 * overflows; two Linux domains under multi-threaded TCG: stray faults).
 *
 * Pure state (host-tested in tools/tests/svm_virq); svm.c moves it in and
 * out of the VMCB around each VMRUN.
 */
#ifndef ASM_HVM_SVM_VIRQ_H
#define ASM_HVM_SVM_VIRQ_H

#include <xen/types.h>

#define SVM_VIRQ_PENDING 0x100u     /* with the vector in the low byte */

struct svm_events {
    uint16_t virq;                  /* SVM_VIRQ_PENDING | vector, 0 if none */
    uint64_t reinject;              /* another event to deliver again (EVENTINJ format) or 0 */
};

/* The vintr word that hands e->virq to the CPU (unchanged if there is none). */
uint64_t svm_virq_vintr(const struct svm_events *e, uint64_t vintr);
/*
 * After a VMRUN: what the CPU left in vintr and EXITINTINFO.  A virtual
 * interrupt it took is done; one whose delivery an exit interrupted (an
 * external interrupt, or what QEMU reports for it: an "exception" above
 * 31, which no exception is) is handed over again; any other interrupted
 * event is injected again through EVENTINJ.
 */
void svm_virq_after_exit(struct svm_events *e, uint64_t vintr, uint64_t exitintinfo);
/* The word with V_IRQ and its vector, priority and TPR override cleared. */
uint64_t svm_virq_clear(uint64_t vintr);

#endif
