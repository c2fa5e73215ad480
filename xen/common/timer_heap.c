/* The timer min-heap (xen/timer_heap.h): sift up, sift down, remove by slot. */
#include <xen/lib.h>
#include <xen/timer_heap.h>

static void heap_set(struct timer_heap *h, unsigned int i, struct timer *t)
{
    h->elt[i] = t;
    t->heap_offset = i;
}

static void sift_up(struct timer_heap *h, unsigned int i)
{
    struct timer *t = h->elt[i];

    while (i > 1 && h->elt[i / 2]->expires > t->expires) {
        heap_set(h, i, h->elt[i / 2]);
        i /= 2;
    }
    heap_set(h, i, t);
}

static void sift_down(struct timer_heap *h, unsigned int i)
{
    struct timer *t = h->elt[i];

    for (;;) {
        unsigned int c = 2 * i;

        if (c > h->nr)
            break;
        if (c + 1 <= h->nr && h->elt[c + 1]->expires < h->elt[c]->expires)
            c++;
        if (h->elt[c]->expires >= t->expires)
            break;
        heap_set(h, i, h->elt[c]);
        i = c;
    }
    heap_set(h, i, t);
}

bool timer_heap_add(struct timer_heap *h, struct timer *t)
{
    ASSERT(!t->heap_offset);
    if (h->nr == h->limit)
        return false;
    h->nr++;
    heap_set(h, h->nr, t);
    sift_up(h, h->nr);
    return true;
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    unsigned int i = t->heap_offset;
    struct timer *last;

    ASSERT(i >= 1 && i <= h->nr && h->elt[i] == t);
    last = h->elt[h->nr];
    h->elt[h->nr] = NULL;
    h->nr--;
    t->heap_offset = 0;
    if (last == t)
        return;
    /* The last element fills the hole and moves whichever way it must. */
    heap_set(h, i, last);
    if (i > 1 && h->elt[i / 2]->expires > last->expires)
        sift_up(h, i);
    else
        sift_down(h, i);
}

void timer_heap_move(struct timer_heap *h, struct timer **new_elt, unsigned int new_limit)
{
    unsigned int i;

    ASSERT(new_limit >= h->nr);
    new_elt[0] = NULL;
    for (i = 1; i <= h->nr; i++)
        new_elt[i] = h->elt[i];
    h->elt = new_elt;
    h->limit = new_limit;
}

s_time_t timer_next_periodic(s_time_t prev, s_time_t period, s_time_t now)
{
    s_time_t next = prev + period;

    ASSERT(period > 0);
    if (next <= now)
        next += ((now - next) / period + 1) * period;
    return next;
}
