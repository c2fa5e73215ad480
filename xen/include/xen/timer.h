/*
 * Software timers: each belongs to one CPU and runs there, from the timer
 * softirq, once its expiry time has passed.  A periodic timer re-arms
 * itself `period` after its previous expiry.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/types.h>
#include <xen/time.h>

struct timer {
    s_time_t expires;
    s_time_t period;                /* 0: one-shot */
    void (*function)(void *data);
    void *data;
    unsigned int cpu;
    unsigned int heap_offset;       /* index in its CPU's heap, 0 = not queued */
    uint8_t status;                 /* TIMER_STATUS_* */
    struct timer *list_next;        /* while waiting for its CPU's heap to grow */
};

#define TIMER_STATUS_invalid  0     /* never initialised, or killed */
#define TIMER_STATUS_inactive 1
#define TIMER_STATUS_in_heap  2
#define TIMER_STATUS_in_list  3     /* the heap was full: queued on a list until it grows */

/*
 * All of these may be called from any CPU, with interrupts on or off, and
 * from interrupt handlers; a timer's function runs on its CPU from the
 * timer softirq, with no lock held and interrupts as do_softirq() found
 * them (on, in the idle loop).  It may set, stop or migrate its own timer.
 */
void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
/* (Re)arm as a one-shot timer at absolute time `expires`; a past time fires at the next softirq. */
void set_timer(struct timer *t, s_time_t expires);
/*
 * Arm a periodic timer: first at `first`, then every `period` ns after
 * each previous expiry (lateness does not accumulate; wholly missed
 * periods are skipped).  The timer is re-armed before its function runs.
 */
void set_periodic_timer(struct timer *t, s_time_t first, s_time_t period);
void stop_timer(struct timer *t);
void migrate_timer(struct timer *t, unsigned int new_cpu);
/* Stop and invalidate; waits if its handler is running on another CPU. */
void kill_timer(struct timer *t);
bool timer_is_active(const struct timer *t);

void timer_init(void);              /* boot: the softirq and CPU 0's queue */
/* For debug keys: each online CPU's queue, its length and earliest timer. */
void timer_dump_queues(void);
/* Give `cpu` its heap before it comes up (CPU bring-up code); -ENOMEM is survivable. */
int timer_init_cpu(unsigned int cpu);

#endif
