/*
 * Guest NMI blocking on SVM without vNMI: the state machine of
 * asm/hvm/svm/nmi.h (injected -> IRET intercepted -> IRET completed),
 * kept apart from the VMCB so that the host tests drive it.
 */
#include <asm/hvm/svm/nmi.h>

void svm_nmi_injected(struct svm_nmi *n)
{
    n->masked = true;
    n->iret_seen = false;
}

void svm_nmi_iret_exit(struct svm_nmi *n, uint64_t rip)
{
    n->iret_seen = true;
    n->iret_rip = rip;
}

static void step_end(struct svm_nmi *n, uint64_t *rflags)
{
    n->singlestep = false;
    if (!(n->guest_rflags & SVM_NMI_EFLAGS_TF))
        *rflags &= ~SVM_NMI_EFLAGS_TF;
    if (!(n->guest_rflags & SVM_NMI_EFLAGS_RF))
        *rflags &= ~SVM_NMI_EFLAGS_RF;
}

bool svm_nmi_after_exit(struct svm_nmi *n, bool db, uint64_t rip, uint64_t *rflags)
{
    bool ours = false;

    if (n->singlestep) {
        /* The guest's own TF would have made the same #DB: then it is the guest's. */
        ours = db && !(n->guest_rflags & SVM_NMI_EFLAGS_TF);
        step_end(n, rflags);
    }
    /* Same RIP without our trap: the exit came in the middle of the IRET, which runs again. */
    if (n->iret_seen && (ours || rip != n->iret_rip)) {
        n->iret_seen = false;
        n->masked = false;
    }
    return ours;
}

bool svm_nmi_want_step(struct svm_nmi *n, bool shadow, bool queued, uint64_t *rflags)
{
    if ((n->masked && !n->iret_seen) || n->singlestep || queued)
        return false;
    if (!n->iret_seen && !shadow)
        return false;
    n->singlestep = true;
    n->guest_rflags = *rflags;
    *rflags |= SVM_NMI_EFLAGS_TF | SVM_NMI_EFLAGS_RF;
    return true;
}

void svm_nmi_reset(struct svm_nmi *n, uint64_t *rflags)
{
    if (n->singlestep)
        step_end(n, rflags);
    n->masked = false;
    n->iret_seen = false;
}
