/*
 * Host tests of SVM's guest NMI blocking without vNMI
 * (xen/arch/x86/hvm/svm/nmi.c): an injected NMI masks NMIs until an IRET
 * completes; the IRET intercept, the single step over the IRET (and over
 * an interrupt shadow), the guest's own TF, an exit in the middle of the
 * IRET, and INIT.
 */
#include "test.h"
#include <xen/lib.h>
#include <asm/hvm/svm/nmi.h>

#define TF SVM_NMI_EFLAGS_TF
#define RF SVM_NMI_EFLAGS_RF
#define IRET_RIP 0x1000ULL

/* Injected, then the handler's IRET intercepted at IRET_RIP. */
static void to_iret(struct svm_nmi *n)
{
    memset(n, 0, sizeof(*n));
    svm_nmi_injected(n);
    svm_nmi_iret_exit(n, IRET_RIP);
}

static void test_handler_masks(void)
{
    struct svm_nmi n = { 0 };
    uint64_t rflags = 0x2;

    svm_nmi_injected(&n);
    CHECK(n.masked, "masked after injection");
    /* In the handler the IRET intercept is the window: no single step. */
    CHECK(!svm_nmi_want_step(&n, false, false, &rflags), "no step in the handler");
    CHECK_EQ(rflags, 0x2);
    /* Exits in the handler (RIP anywhere) do not unmask. */
    CHECK(!svm_nmi_after_exit(&n, false, 0x2000, &rflags), "not a step");
    CHECK(n.masked, "still masked in the handler");
}

static void test_iret_step(void)
{
    struct svm_nmi n;
    uint64_t rflags = 0x2;

    to_iret(&n);
    CHECK(n.masked, "masked until the IRET ran");
    CHECK(svm_nmi_want_step(&n, false, false, &rflags), "step over the IRET");
    CHECK_EQ(rflags, 0x2 | TF | RF);
    CHECK(!svm_nmi_want_step(&n, false, false, &rflags), "one step at a time");
    /* The IRET ran and popped TF=0 (as the stack had it); our trap came. */
    rflags = 0x202;
    CHECK(svm_nmi_after_exit(&n, true, 0x3000, &rflags), "our #DB");
    CHECK(!n.masked && !n.iret_seen && !n.singlestep, "unmasked");
    CHECK_EQ(rflags, 0x202);
}

static void test_iret_restarted(void)
{
    struct svm_nmi n;
    uint64_t rflags = 0x2;

    to_iret(&n);
    svm_nmi_want_step(&n, false, false, &rflags);
    /* A nested page fault while the IRET read its frame: it runs again. */
    CHECK(!svm_nmi_after_exit(&n, false, IRET_RIP, &rflags), "not our #DB");
    CHECK(n.masked && n.iret_seen, "still masked: the IRET did not complete");
    CHECK_EQ(rflags, 0x2);                  /* our TF and RF gone */
    /* Next window: step again; this time the IRET completes. */
    CHECK(svm_nmi_want_step(&n, false, false, &rflags), "step again");
    CHECK(svm_nmi_after_exit(&n, true, 0x3000, &rflags), "our #DB");
    CHECK(!n.masked, "unmasked");
}

static void test_iret_other_exit(void)
{
    struct svm_nmi n;
    uint64_t rflags = 0x202;

    /* No step asked for (nothing pending): the next exit past the IRET unmasks. */
    to_iret(&n);
    CHECK(!svm_nmi_after_exit(&n, false, 0x4000, &rflags), "no step");
    CHECK(!n.masked, "unmasked once RIP left the IRET");
    CHECK_EQ(rflags, 0x202);
}

static void test_guest_tf(void)
{
    struct svm_nmi n;
    uint64_t rflags = 0x2 | TF;

    /* The guest single-steps itself: the #DB is its own, and its TF stays. */
    to_iret(&n);
    CHECK(svm_nmi_want_step(&n, false, false, &rflags), "step");
    CHECK(!svm_nmi_after_exit(&n, true, 0x3000, &rflags), "the guest's #DB");
    CHECK(!n.masked, "the IRET completed");
    CHECK_EQ(rflags & TF, TF);
    CHECK_EQ(rflags & RF, 0);
}

static void test_shadow_and_queued(void)
{
    struct svm_nmi n = { 0 };
    uint64_t rflags = 0x2;

    /* Not masked, no shadow, nothing queued: the NMI goes in, no window needed. */
    CHECK(!svm_nmi_want_step(&n, false, false, &rflags), "nothing to step over");
    /* An event queued: TF would land in its frame, so no step. */
    CHECK(!svm_nmi_want_step(&n, true, true, &rflags), "no step with an event queued");
    to_iret(&n);
    CHECK(!svm_nmi_want_step(&n, false, true, &rflags), "no step over the IRET with an event");
    CHECK_EQ(rflags, 0x2);
    /* An STI / MOV SS shadow: step over it. */
    memset(&n, 0, sizeof(n));
    CHECK(svm_nmi_want_step(&n, true, false, &rflags), "step over the shadow");
    CHECK(svm_nmi_after_exit(&n, true, 0x5000, &rflags), "our #DB after the shadow");
    CHECK_EQ(rflags, 0x2);
    CHECK(!n.singlestep, "step over");
}

static void test_reset(void)
{
    struct svm_nmi n;
    uint64_t rflags = 0x2;

    to_iret(&n);
    svm_nmi_want_step(&n, false, false, &rflags);
    svm_nmi_reset(&n, &rflags);
    CHECK(!n.masked && !n.iret_seen && !n.singlestep, "INIT unblocks");
    CHECK_EQ(rflags, 0x2);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"svm_nmi_handler_masks", test_handler_masks},
        {"svm_nmi_iret_step", test_iret_step},
        {"svm_nmi_iret_restarted", test_iret_restarted},
        {"svm_nmi_iret_other_exit", test_iret_other_exit},
        {"svm_nmi_guest_tf", test_guest_tf},
        {"svm_nmi_shadow_and_queued", test_shadow_and_queued},
        {"svm_nmi_reset", test_reset},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
