/*
 * Boot self-tests chosen on the command line, for the emulator tests:
 * selftest=word[,word...], run in the given order by selftest_run_boot()
 * at the end of boot.  Each word is a row of selftests[]; unknown words
 * are reported and skipped.
 *
 * fault-*: take an exception in the hypervisor on purpose.  Each must end
 * in the FATAL TRAP report naming the faulting function, then panic.
 * nmi, irq: go through the NMI and interrupt dispatch and come back.
 * keys-wait: keep boot going with busy test vCPUs while debug keys are
 * typed on the console, then go on.
 */
#include <xen/lib.h>
#include <xen/keyhandler.h>
#include <xen/param.h>
#include <xen/sched-if.h>
#include <xen/selftest.h>
#include <asm/cpu_selftest.h>
#include <asm/hvm/vmx/vmx.h>
#include <asm/traps.h>

#define MAX_SELFTESTS 16

/* In the lower half, which the hypervisor never maps. */
#define SELFTEST_UNMAPPED_ADDR 0xdead0000000UL
/* Bit 63 set, bits 62..47 clear: not canonical with 48-bit addresses. */
#define SELFTEST_NONCANONICAL_ADDR 0x8000000000000000UL

/*
 * Called after the faulting instruction: reaching it means the test failed.
 * It also makes each fault function a non-leaf one, which gives it a frame
 * of its own so that the call trace shows its caller too.
 */
static void selftest_not_reached(const char *word)
{
    printk(XENLOG_ERR "selftest: %s returned instead of trapping\n", word);
}

static bool __attribute__((noinline)) selftest_fault_pf(void)
{
    __asm__ __volatile__("movl $0, (%0)" : : "r"(SELFTEST_UNMAPPED_ADDR) : "memory");
    selftest_not_reached("fault-pf");
    return false;
}

static bool __attribute__((noinline)) selftest_fault_ud(void)
{
    __asm__ __volatile__("ud2" ::: "memory");
    selftest_not_reached("fault-ud");
    return false;
}

static bool __attribute__((noinline)) selftest_fault_gp(void)
{
    unsigned long v;

    __asm__ __volatile__("mov (%1), %0" : "=r"(v) : "r"(SELFTEST_NONCANONICAL_ADDR) : "memory");
    selftest_not_reached("fault-gp");
    return false;
}

static bool __attribute__((noinline)) selftest_fault_de(void)
{
    unsigned int quot, rem;

    /* In asm so the compiler can neither fold nor reject the division. */
    __asm__ __volatile__("divl %%ecx"
                         : "=a"(quot), "=d"(rem)
                         : "a"(1), "d"(0), "c"(0)
                         : "cc");
    selftest_not_reached("fault-de");
    return false;
}

/* Push onto an unmapped stack: the #PF cannot be delivered, so #DF (on IST1). */
static bool __attribute__((noinline)) selftest_fault_df(void)
{
    __asm__ __volatile__("mov %%rsp, %%rbx\n\t"
                         "mov %0, %%rsp\n\t"
                         "push $0\n\t"
                         "mov %%rbx, %%rsp"
                         : : "r"(SELFTEST_UNMAPPED_ADDR) : "rbx", "memory");
    selftest_not_reached("fault-df");
    return false;
}

/* INT n: through the IDT gate of vector n, as if the vector were delivered. */
#define selftest_int(vector) __asm__ __volatile__("int %0" : : "i"(vector) : "memory")

/* The NMI vector (on IST2) by software: must print a line and come back. */
static bool selftest_nmi(void)
{
    selftest_int(X86_EXC_NMI);
    return true;
}

#define SELFTEST_IRQ_VECTOR 0x41
#define SELFTEST_UNHANDLED_VECTOR 0x40

static unsigned int selftest_irq_count;

static void selftest_irq_handler(struct cpu_user_regs *regs)
{
    if (regs->vector == SELFTEST_IRQ_VECTOR)
        selftest_irq_count++;
}

/*
 * A handled vector reaches its handler; an unhandled one is logged once
 * however often it comes; the spurious vector is ignored.
 */
static bool selftest_irq(void)
{
    set_irq_handler(SELFTEST_IRQ_VECTOR, selftest_irq_handler);
    selftest_int(SELFTEST_IRQ_VECTOR);
    selftest_int(SELFTEST_IRQ_VECTOR);
    set_irq_handler(SELFTEST_IRQ_VECTOR, NULL);
    selftest_int(SELFTEST_UNHANDLED_VECTOR);
    selftest_int(SELFTEST_UNHANDLED_VECTOR);
    selftest_int(SPURIOUS_APIC_VECTOR);
    if (selftest_irq_count != 2) {
        printk(XENLOG_ERR "selftest: irq: handler ran %u times, expected 2\n",
               selftest_irq_count);
        return false;
    }
    return true;
}

/*
 * keys-wait: up to KEYS_WAIT_MAX, or until no key came for KEYS_WAIT_QUIET
 * after at least one did, so that a test that has typed its keys need not
 * wait out the rest.
 */
#define KEYS_WAIT_MAX   SECONDS(15)
#define KEYS_WAIT_QUIET SECONDS(5)
#define KEYS_WAIT_STEP  MILLISECS(100)

static bool selftest_keys_wait(void)
{
    s_time_t start = NOW(), last;
    struct stest_domain *load = sched_selftest_load_start("keys-wait");

    printk("selftest keys-wait: waiting up to %ld s for debug keys (%s)\n",
           (long)(KEYS_WAIT_MAX / SECONDS(1)),
           load ? "test vCPUs are running" : "no test vCPUs: could not create them");
    for (;;) {
        s_time_t now = NOW();

        last = keyhandler_last_key_time();
        if (now - start >= KEYS_WAIT_MAX || (last > start && now - last >= KEYS_WAIT_QUIET))
            break;
        /* Runs this CPU's softirqs, the key handlers among them, and the test vCPUs. */
        sched_run_for(KEYS_WAIT_STEP);
    }
    sched_selftest_load_stop(load);
    printk("selftest keys-wait: done\n");
    return true;
}

static const struct selftest {
    const char *word;
    bool (*run)(void);          /* false: failed (details printed) */
} selftests[] = {
    { "fault-pf", selftest_fault_pf },
    { "fault-ud", selftest_fault_ud },
    { "fault-gp", selftest_fault_gp },
    { "fault-de", selftest_fault_de },
    { "fault-df", selftest_fault_df },
    { "nmi", selftest_nmi },
    { "irq", selftest_irq },
    { "timer", selftest_timer },
    { "ipi", selftest_ipi },
    { "sched-pin", sched_selftest_pin },
    { "sched-null", sched_selftest_null },
    { "sched-credit", sched_selftest_credit },
    { "vmx", vmx_selftest },
    { "keys-wait", selftest_keys_wait },
};

static const struct selftest *selected[MAX_SELFTESTS];
static unsigned int nr_selected;

static const struct selftest *selftest_find(const char *word, size_t len)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(selftests); i++)
        if (strlen(selftests[i].word) == len && !strncmp(selftests[i].word, word, len))
            return &selftests[i];
    return NULL;
}

/* Never fails: a bad word must not stop the words that are good. */
static int selftest_parse(const char *s)
{
    while (*s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const struct selftest *t = selftest_find(s, len);

        if (!len)
            ; /* empty word: "a,,b" */
        else if (!t)
            printk(XENLOG_WARNING "selftest: unknown test \"%.*s\" ignored\n", (int)len, s);
        else if (nr_selected == MAX_SELFTESTS)
            printk(XENLOG_WARNING "selftest: more than %u tests, \"%.*s\" ignored\n",
                   MAX_SELFTESTS, (int)len, s);
        else
            selected[nr_selected++] = t;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}
custom_param("selftest", selftest_parse);

void selftest_run_boot(void)
{
    unsigned int i;

    for (i = 0; i < nr_selected; i++) {
        const struct selftest *t = selected[i];

        printk(XENLOG_INFO "selftest: running %s\n", t->word);
        if (t->run())
            printk(XENLOG_INFO "selftest: %s passed\n", t->word);
        else
            printk(XENLOG_ERR "selftest: %s FAILED\n", t->word);
    }
}
