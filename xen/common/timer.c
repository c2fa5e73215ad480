/*
 * Software timers: a min-heap of timers per CPU (common/timer_heap.c)
 * under that CPU's lock, run by the CPU itself from TIMER_SOFTIRQ.  The
 * hardware timer of each CPU is armed for the head of its own heap; a
 * change to another CPU's heap that makes a new head kicks that CPU.
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/keyhandler.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/symbols.h>
#include <xen/timer.h>
#include <xen/timer_heap.h>
#include <asm/page.h>
#include <asm/processor.h>

/* Heap arrays are whole pages: slot 0 is unused, so a page holds 511 timers. */
#define HEAP_SLOTS(order) (((PAGE_SIZE << (order)) / sizeof(struct timer *)) - 1)
#define HEAP_MAX_ORDER    4
/* If the heap cannot grow, look again this much later. */
#define GROW_RETRY        MILLISECS(1)

static struct timer_queue {
    spinlock_t lock;
    struct timer_heap heap;
    unsigned int heap_order;        /* of heap.elt, if heap.limit */
    struct timer *overflow;         /* TIMER_STATUS_in_list, waiting for a bigger heap */
    struct timer *running;          /* whose function is running now */
} __aligned(64) timer_queues[NR_CPUS];

/* Lock the queue t is on; t->cpu may change until we hold it. */
static unsigned int timer_lock(struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = ACCESS_ONCE(t->cpu);

        spin_lock_irqsave(&timer_queues[cpu].lock, *flags);
        if (likely(ACCESS_ONCE(t->cpu) == cpu))
            return cpu;
        spin_unlock_irqrestore(&timer_queues[cpu].lock, *flags);
    }
}

static void timer_unlock(unsigned int cpu, unsigned long flags)
{
    spin_unlock_irqrestore(&timer_queues[cpu].lock, flags);
}

static bool timer_queued(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap || t->status == TIMER_STATUS_in_list;
}

static void list_remove(struct timer_queue *q, struct timer *t)
{
    struct timer **pp;

    for (pp = &q->overflow; *pp; pp = &(*pp)->list_next) {
        if (*pp == t) {
            *pp = t->list_next;
            t->list_next = NULL;
            return;
        }
    }
    BUG();
}

/* Take t off its queue; true if it was the head (the hardware was armed for it). */
static bool deactivate(struct timer_queue *q, struct timer *t)
{
    bool was_first = false;

    if (t->status == TIMER_STATUS_in_heap) {
        was_first = timer_heap_first(&q->heap) == t;
        timer_heap_remove(&q->heap, t);
    } else if (t->status == TIMER_STATUS_in_list) {
        list_remove(q, t);
    }
    t->status = TIMER_STATUS_inactive;
    return was_first;
}

/* Queue t; true if the CPU must look again (new head, or the heap must grow). */
static bool activate(struct timer_queue *q, struct timer *t)
{
    if (timer_heap_add(&q->heap, t)) {
        t->status = TIMER_STATUS_in_heap;
        return timer_heap_first(&q->heap) == t;
    }
    t->status = TIMER_STATUS_in_list;
    t->list_next = q->overflow;
    q->overflow = t;
    return true;
}

/* Arm this CPU's hardware for the head of its own queue (lock held). */
static void queue_reprogram(struct timer_queue *q)
{
    const struct timer *first = timer_heap_first(&q->heap);

    if (q->overflow)
        reprogram_timer(NOW() + GROW_RETRY);
    else if (first)
        reprogram_timer(first->expires > 0 ? first->expires : 1);
    else
        reprogram_timer(0);
}

/*
 * The queue of `cpu` changed (lock held).  Our own: re-arm at once, before
 * an interrupt handler can arm it for something else.  Another CPU's:
 * returns true to kick it once the lock is dropped.
 */
static bool queue_changed(unsigned int cpu)
{
    if (cpu == smp_processor_id()) {
        queue_reprogram(&timer_queues[cpu]);
        return false;
    }
    return true;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

static void timer_arm(struct timer *t, s_time_t expires, s_time_t period)
{
    unsigned long flags;
    unsigned int cpu = timer_lock(t, &flags);
    bool kick = false;

    BUG_ON(t->status == TIMER_STATUS_invalid);
    if (timer_queued(t))
        deactivate(&timer_queues[cpu], t);
    t->expires = expires;
    t->period = period > 0 ? period : 0;
    if (activate(&timer_queues[cpu], t))
        kick = queue_changed(cpu);
    timer_unlock(cpu, flags);
    if (kick)
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void set_timer(struct timer *t, s_time_t expires)
{
    timer_arm(t, expires, 0);
}

void set_periodic_timer(struct timer *t, s_time_t first, s_time_t period)
{
    timer_arm(t, first, period);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    unsigned int cpu = timer_lock(t, &flags);

    if (timer_queued(t) && deactivate(&timer_queues[cpu], t) && cpu == smp_processor_id())
        queue_reprogram(&timer_queues[cpu]);
    /* Another CPU just takes one early interrupt and finds nothing due. */
    timer_unlock(cpu, flags);
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    unsigned long flags;
    unsigned int old_cpu;
    bool kick = false;

    BUG_ON(new_cpu >= NR_CPUS);
    for (;;) {
        old_cpu = ACCESS_ONCE(t->cpu);
        if (old_cpu == new_cpu)
            return;
        /* Both locks, lower CPU first, so that two migrations cannot deadlock. */
        flags = irq_save();
        spin_lock(&timer_queues[min(old_cpu, new_cpu)].lock);
        spin_lock(&timer_queues[max(old_cpu, new_cpu)].lock);
        if (likely(ACCESS_ONCE(t->cpu) == old_cpu))
            break;
        spin_unlock(&timer_queues[max(old_cpu, new_cpu)].lock);
        spin_unlock(&timer_queues[min(old_cpu, new_cpu)].lock);
        irq_restore(flags);
    }
    if (timer_queued(t)) {
        deactivate(&timer_queues[old_cpu], t);
        t->cpu = new_cpu;
        if (activate(&timer_queues[new_cpu], t))
            kick = queue_changed(new_cpu);
    } else {
        t->cpu = new_cpu;
    }
    spin_unlock(&timer_queues[max(old_cpu, new_cpu)].lock);
    spin_unlock(&timer_queues[min(old_cpu, new_cpu)].lock);
    irq_restore(flags);
    if (kick)
        cpu_raise_softirq(new_cpu, TIMER_SOFTIRQ);
}

void kill_timer(struct timer *t)
{
    unsigned long flags;
    unsigned int cpu = timer_lock(t, &flags), other;

    if (timer_queued(t))
        deactivate(&timer_queues[cpu], t);
    t->status = TIMER_STATUS_invalid;
    timer_unlock(cpu, flags);

    /* Its function may still be running where it was before a migration. */
    for_each_cpu(other, &cpu_online_map)
        while (other != smp_processor_id() &&
               __atomic_load_n(&timer_queues[other].running, __ATOMIC_ACQUIRE) == t)
            cpu_relax();
}

bool timer_is_active(const struct timer *t)
{
    return timer_queued(t);
}

/* Move waiting timers from the overflow list into free heap slots (lock held). */
static void queue_drain_overflow(struct timer_queue *q)
{
    struct timer *t;

    while ((t = q->overflow) && q->heap.nr < q->heap.limit) {
        q->overflow = t->list_next;
        t->list_next = NULL;
        t->status = TIMER_STATUS_inactive;
        activate(q, t);
    }
}

/*
 * The heap was full and timers wait on the overflow list: allocate a
 * larger array (no lock held: this is softirq context, on the queue's own
 * CPU, the only one that resizes it) and move them in.
 */
static void queue_grow(struct timer_queue *q)
{
    unsigned long flags;
    unsigned int order = q->heap.limit ? q->heap_order + 1 : 0, old_order = q->heap_order;
    struct timer **old_elt = q->heap.limit ? q->heap.elt : NULL, **elt;

    spin_lock_irqsave(&q->lock, flags);
    queue_drain_overflow(q);
    spin_unlock_irqrestore(&q->lock, flags);
    if (!ACCESS_ONCE(q->overflow) || order > HEAP_MAX_ORDER)
        return;
    elt = alloc_xenheap_pages(order);
    if (!elt) {
        printk(XENLOG_WARNING "timer: CPU%u: no memory to grow the timer heap\n",
               smp_processor_id());
        return;
    }
    spin_lock_irqsave(&q->lock, flags);
    timer_heap_move(&q->heap, elt, (unsigned int)HEAP_SLOTS(order));
    q->heap_order = order;
    queue_drain_overflow(q);
    spin_unlock_irqrestore(&q->lock, flags);
    free_xenheap_pages(old_elt, old_order);
}

/* The heap's head if due, else a due timer from the overflow list (lock held). */
static struct timer *queue_first_due(struct timer_queue *q, s_time_t now)
{
    struct timer *t = timer_heap_first(&q->heap);

    if (t && t->expires <= now)
        return t;
    for (t = q->overflow; t; t = t->list_next)
        if (t->expires <= now)
            return t;
    return NULL;
}

static void timer_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    struct timer_queue *q = &timer_queues[cpu];
    unsigned long flags;
    struct timer *t;

    if (ACCESS_ONCE(q->overflow))
        queue_grow(q);

    spin_lock_irqsave(&q->lock, flags);
    while ((t = queue_first_due(q, NOW()))) {
        void (*fn)(void *) = t->function;
        void *data = t->data;

        deactivate(q, t);
        /*
         * Periodic: re-armed from its due time, before it runs, so that it
         * may stop or re-set itself.
         */
        if (t->period) {
            t->expires = timer_next_periodic(t->expires, t->period, NOW());
            activate(q, t);
        }
        __atomic_store_n(&q->running, t, __ATOMIC_RELEASE);
        spin_unlock_irqrestore(&q->lock, flags);
        fn(data);
        spin_lock_irqsave(&q->lock, flags);
        __atomic_store_n(&q->running, NULL, __ATOMIC_RELEASE);
    }
    queue_reprogram(q);
    spin_unlock_irqrestore(&q->lock, flags);
}

/* What is read under a queue's lock, to be printed after it is dropped. */
struct timer_queue_info {
    unsigned int in_heap, in_list;
    s_time_t first_expires;
    void (*first_fn)(void *);
};

static bool timer_queue_info(unsigned int cpu, struct timer_queue_info *info)
{
    struct timer_queue *q = &timer_queues[cpu];
    const struct timer *t;
    unsigned long flags = irq_save();

    if (!keyhandler_trylock(&q->lock)) {
        irq_restore(flags);
        return false;
    }
    info->in_heap = q->heap.nr;
    info->in_list = 0;
    for (t = q->overflow; t; t = t->list_next)
        info->in_list++;
    t = timer_heap_first(&q->heap);
    info->first_fn = t ? t->function : NULL;
    info->first_expires = t ? t->expires : 0;
    spin_unlock(&q->lock);
    irq_restore(flags);
    return true;
}

void timer_dump_queues(void)
{
    s_time_t now = NOW();
    unsigned int cpu;

    printk("Timer queues:\n");
    for_each_cpu(cpu, &cpu_online_map) {
        struct timer_queue_info info;
        char sym[SYMBOL_STR_LEN];
        s_time_t due;

        if (!timer_queue_info(cpu, &info)) {
            printk("  CPU%u: (busy)\n", cpu);
            continue;
        }
        if (!info.first_fn) {
            printk("  CPU%u: %u timer(s)\n", cpu, info.in_heap + info.in_list);
            continue;
        }
        /* Overdue: the CPU is busy (this very dump, on the CPU typing it) or cannot keep up. */
        due = info.first_expires - now;
        symbols_snprint(sym, sizeof(sym), (unsigned long)info.first_fn);
        printk("  CPU%u: %u timer(s)%s, earliest %s %ld us: %s\n", cpu,
               info.in_heap + info.in_list, info.in_list ? " (some waiting for the heap to grow)" : "",
               due >= 0 ? "due in" : "overdue by", (long)((due >= 0 ? due : -due) / MICROSECS(1)),
               sym);
    }
}

int timer_init_cpu(unsigned int cpu)
{
    struct timer_queue *q = &timer_queues[cpu];
    struct timer **elt;
    unsigned long flags;

    if (q->heap.limit)
        return 0;
    elt = alloc_xenheap_pages(0);
    if (!elt)
        return -ENOMEM;
    spin_lock_irqsave(&q->lock, flags);
    timer_heap_move(&q->heap, elt, (unsigned int)HEAP_SLOTS(0));
    q->heap_order = 0;
    spin_unlock_irqrestore(&q->lock, flags);
    return 0;
}

void timer_init(void)
{
    open_softirq(TIMER_SOFTIRQ, timer_softirq);
    if (timer_init_cpu(0))
        panic("timer: no memory for CPU 0's timer heap");
}
