/*
 * The per-CPU queue of software timers: a binary min-heap ordered by
 * expiry, elements 1..nr of an array (slot 0 unused), each timer knowing
 * its own slot (heap_offset, 0 = not queued) so that removal is O(log n).
 * Pure code without locks or allocation: host-tested in tools/tests/timer.
 */
#ifndef XEN_TIMER_HEAP_H
#define XEN_TIMER_HEAP_H

#include <xen/timer.h>

struct timer_heap {
    struct timer **elt;             /* elt[1..nr]; elt[0] unused */
    unsigned int nr;
    unsigned int limit;             /* usable slots: the array has limit + 1 entries */
};

/* Queue t (not already queued).  False if the heap is full. */
bool timer_heap_add(struct timer_heap *h, struct timer *t);
/* Take a queued t out. */
void timer_heap_remove(struct timer_heap *h, struct timer *t);
/* The earliest timer, or NULL. */
static inline struct timer *timer_heap_first(const struct timer_heap *h)
{
    return h->nr ? h->elt[1] : NULL;
}
/* Move the contents into a new array of new_limit + 1 entries (new_limit >= nr). */
void timer_heap_move(struct timer_heap *h, struct timer **new_elt, unsigned int new_limit);

/*
 * When a periodic timer that was due at `prev` runs again: `prev + period`,
 * so that lateness does not accumulate.  If `now` is already past that,
 * the missed periods are skipped (not run in a burst): the result is the
 * first prev + k * period (k >= 1) later than now.
 */
s_time_t timer_next_periodic(s_time_t prev, s_time_t period, s_time_t now);

#endif
