/*
 * Host tests of external interrupts into SVM guests as virtual interrupts
 * (xen/arch/x86/hvm/svm/virq.c): the vintr word that hands one over, what
 * a taken or untaken V_IRQ means after the exit, and how an interrupted
 * delivery (EXITINTINFO) is queued again, including QEMU's way of
 * reporting an interrupted virtual interrupt.
 */
#include "test.h"
#include <xen/lib.h>
#include <asm/hvm/svm/virq.h>
#include <asm/hvm/svm/vmcb.h>

#define CALLBACK 0xf3
#define TPR_MASKING VMCB_VINTR_MASKING
#define INTINFO(type, vec) (EVENTINJ_VALID | ((uint64_t)(type) << EVENTINJ_TYPE_SHIFT) | (vec))

static void test_vintr_word(void)
{
    struct svm_events e = { .virq = SVM_VIRQ_PENDING | CALLBACK };
    uint64_t w = svm_virq_vintr(&e, TPR_MASKING | 0x5 /* V_TPR */);

    CHECK(w & VMCB_VINTR_V_IRQ, "V_IRQ set");
    CHECK(w & VMCB_VINTR_IGN_TPR, "the guest's TPR does not hold it back");
    CHECK_EQ((w & VMCB_VINTR_VECTOR_MASK) >> VMCB_VINTR_VECTOR_SHIFT, CALLBACK);
    CHECK_EQ((w & VMCB_VINTR_PRIO_MASK) >> VMCB_VINTR_PRIO_SHIFT, 0xf);
    CHECK(w & TPR_MASKING, "V_INTR_MASKING kept");
    CHECK_EQ(w & 0xff, 0x5);
    /* Nothing handed over: the word is left alone. */
    e.virq = 0;
    CHECK_EQ(svm_virq_vintr(&e, TPR_MASKING | VMCB_VINTR_V_IRQ), TPR_MASKING | VMCB_VINTR_V_IRQ);
    /* Another vector replaces the old one entirely. */
    w = svm_virq_vintr(&(struct svm_events){ .virq = SVM_VIRQ_PENDING | 0xce }, 0);
    e.virq = SVM_VIRQ_PENDING | 0x31;
    w = svm_virq_vintr(&e, w);
    CHECK_EQ((w & VMCB_VINTR_VECTOR_MASK) >> VMCB_VINTR_VECTOR_SHIFT, 0x31);
    CHECK_EQ(svm_virq_clear(w | TPR_MASKING), TPR_MASKING);
}

static void test_taken_or_not(void)
{
    struct svm_events e = { .virq = SVM_VIRQ_PENDING | CALLBACK };
    uint64_t w = svm_virq_vintr(&e, TPR_MASKING);

    /* The exit came before the guest took it (V_IRQ still set): still handed over. */
    svm_virq_after_exit(&e, w, 0);
    CHECK_EQ(e.virq, SVM_VIRQ_PENDING | CALLBACK);
    CHECK_EQ(e.reinject, 0);
    /* Taken (the CPU cleared V_IRQ): done, and nothing to deliver again. */
    svm_virq_after_exit(&e, w & ~VMCB_VINTR_V_IRQ, 0);
    CHECK_EQ(e.virq, 0);
    CHECK_EQ(e.reinject, 0);
    /* A V_IRQ left by an interrupt window (nothing handed over) is not an interrupt. */
    svm_virq_after_exit(&e, VMCB_VINTR_V_IRQ, 0);
    CHECK_EQ(e.virq, 0);
}

static void test_interrupted_delivery(void)
{
    struct svm_events e = { 0 };

    /* Taken, then an exit (a nested page fault on the guest's stack) cut its delivery short. */
    e.virq = SVM_VIRQ_PENDING | CALLBACK;
    svm_virq_after_exit(&e, 0, INTINFO(0, CALLBACK));
    CHECK_EQ(e.virq, SVM_VIRQ_PENDING | CALLBACK);
    CHECK_EQ(e.reinject, 0);
    /* QEMU reports it as an "exception" 0xf3: still an interrupt, handed over again. */
    e = (struct svm_events){ 0 };
    svm_virq_after_exit(&e, 0, INTINFO(3, CALLBACK));
    CHECK_EQ(e.virq, SVM_VIRQ_PENDING | CALLBACK);
    CHECK_EQ(e.reinject, 0);
    /* A real exception (#PF with its error code) goes back through EVENTINJ. */
    e = (struct svm_events){ 0 };
    svm_virq_after_exit(&e, 0, INTINFO(3, 14) | EVENTINJ_EV | (0x2ull << EVENTINJ_ERR_SHIFT));
    CHECK_EQ(e.virq, 0);
    CHECK_EQ(e.reinject, INTINFO(3, 14) | EVENTINJ_EV | (0x2ull << EVENTINJ_ERR_SHIFT));
    /* So do NMIs and software interrupts. */
    e = (struct svm_events){ 0 };
    svm_virq_after_exit(&e, 0, INTINFO(2, 2));
    CHECK_EQ(e.reinject, INTINFO(2, 2));
    CHECK_EQ(e.virq, 0);
    e = (struct svm_events){ 0 };
    svm_virq_after_exit(&e, 0, INTINFO(4, 0x80));
    CHECK_EQ(e.reinject, INTINFO(4, 0x80));
    /* Not valid: nothing was being delivered. */
    e = (struct svm_events){ 0 };
    svm_virq_after_exit(&e, 0, INTINFO(3, 14) & ~EVENTINJ_VALID);
    CHECK(!e.virq && !e.reinject, "invalid EXITINTINFO ignored");
}

int main(void)
{
    static const struct test_case cases[] = {
        {"svm_virq_vintr_word", test_vintr_word},
        {"svm_virq_taken_or_not", test_taken_or_not},
        {"svm_virq_interrupted_delivery", test_interrupted_delivery},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
