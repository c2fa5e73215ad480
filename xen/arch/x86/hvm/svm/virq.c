/* External interrupts as virtual interrupts (see asm/hvm/svm/virq.h). */
#include <asm/hvm/svm/virq.h>
#include <asm/hvm/svm/vmcb.h>

#define TYPE_EXTINT     (0ull << EVENTINJ_TYPE_SHIFT)
#define TYPE_EXCEPTION  (3ull << EVENTINJ_TYPE_SHIFT)

uint64_t svm_virq_clear(uint64_t vintr)
{
    return vintr & ~(VMCB_VINTR_V_IRQ | VMCB_VINTR_IGN_TPR | VMCB_VINTR_PRIO_MASK |
                     VMCB_VINTR_VECTOR_MASK);
}

uint64_t svm_virq_vintr(const struct svm_events *e, uint64_t vintr)
{
    if (!e->virq)
        return vintr;
    return svm_virq_clear(vintr) | VMCB_VINTR_V_IRQ | VMCB_VINTR_IGN_TPR | VMCB_VINTR_PRIO_MASK |
           ((uint64_t)(e->virq & 0xff) << VMCB_VINTR_VECTOR_SHIFT);
}

void svm_virq_after_exit(struct svm_events *e, uint64_t vintr, uint64_t exitintinfo)
{
    uint64_t type = exitintinfo & EVENTINJ_TYPE_MASK;
    unsigned int vector = exitintinfo & EVENTINJ_VECTOR_MASK;

    if (e->virq && !(vintr & VMCB_VINTR_V_IRQ))
        e->virq = 0;
    if (!(exitintinfo & EVENTINJ_VALID))
        return;
    if (type == TYPE_EXTINT || (type == TYPE_EXCEPTION && vector >= 32))
        e->virq = (uint16_t)(SVM_VIRQ_PENDING | vector);
    else
        e->reinject = exitintinfo;
}
