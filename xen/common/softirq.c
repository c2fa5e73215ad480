/*
 * Softirqs: a pending bit per CPU and kind, set from anywhere (interrupt
 * handlers, other CPUs) and acted on when the CPU next runs do_softirq()
 * from its idle or run loop.  Raising one on another CPU sends it an
 * event-check IPI so that it leaves HLT or guest mode to look.
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/smp.h>
#include <xen/softirq.h>

_Static_assert(NR_SOFTIRQS <= 64, "softirq bits fit in one word");

/* One cache line per CPU: raising on one CPU must not slow down another. */
static struct softirq_cpu {
    uint64_t pending;
} __aligned(64) softirq_cpu[NR_CPUS];

static void (*softirq_handlers[NR_SOFTIRQS])(void);

void open_softirq(unsigned int nr, void (*handler)(void))
{
    BUG_ON(nr >= NR_SOFTIRQS);
    __atomic_store_n(&softirq_handlers[nr], handler, __ATOMIC_RELEASE);
}

/* Set the bit; true if it was clear. */
static bool softirq_mark(unsigned int cpu, unsigned int nr)
{
    uint64_t bit = 1ULL << nr;

    return !(__atomic_fetch_or(&softirq_cpu[cpu].pending, bit, __ATOMIC_SEQ_CST) & bit);
}

void raise_softirq(unsigned int nr)
{
    BUG_ON(nr >= NR_SOFTIRQS);
    softirq_mark(smp_processor_id(), nr);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    BUG_ON(nr >= NR_SOFTIRQS || cpu >= NR_CPUS);
    /*
     * Only the transition from clear needs a kick: if the bit was already
     * set, whoever set it has kicked, or the CPU is yet to look.
     */
    if (softirq_mark(cpu, nr) && cpu != smp_processor_id())
        smp_send_event_check_cpu(cpu);      /* only if it is online */
}

bool softirq_pending(unsigned int cpu)
{
    return cpu < NR_CPUS && __atomic_load_n(&softirq_cpu[cpu].pending, __ATOMIC_ACQUIRE) != 0;
}

void do_softirq(void)
{
    for (;;) {
        /* Re-read: a handler (the scheduler) may come back on another stack. */
        unsigned int cpu = smp_processor_id();
        uint64_t pending = __atomic_load_n(&softirq_cpu[cpu].pending, __ATOMIC_ACQUIRE);
        unsigned int nr;
        void (*fn)(void);

        if (!pending)
            return;
        nr = (unsigned int)__builtin_ctzll(pending);
        __atomic_fetch_and(&softirq_cpu[cpu].pending, ~(1ULL << nr), __ATOMIC_SEQ_CST);
        fn = __atomic_load_n(&softirq_handlers[nr], __ATOMIC_ACQUIRE);
        if (fn)
            fn();
    }
}
