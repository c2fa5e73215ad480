/*
 * Host tests of the timer heap (common/timer_heap.c): ordering, removal
 * from any slot, growth, random operations against a reference model;
 * the periodic re-arm arithmetic; and the TSC/ns fixed-point scaling
 * (xen/time_scale.h) against exact 128-bit arithmetic.
 */
#include "test.h"
#include <xen/lib.h>
#include <xen/timer_heap.h>
#include <xen/time_scale.h>

#define POOL 600

static struct timer pool[POOL];
static bool queued[POOL];

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void heap_setup(struct timer_heap *h, unsigned int limit)
{
    h->elt = calloc(limit + 1, sizeof(*h->elt));
    h->nr = 0;
    h->limit = limit;
    memset(pool, 0, sizeof(pool));
    memset(queued, 0, sizeof(queued));
}

/* Every parent no later than its children, every timer knowing its slot. */
static bool heap_valid(const struct timer_heap *h)
{
    unsigned int i;

    for (i = 1; i <= h->nr; i++) {
        if (!h->elt[i] || h->elt[i]->heap_offset != i)
            return false;
        if (i > 1 && h->elt[i / 2]->expires > h->elt[i]->expires)
            return false;
    }
    return true;
}

static void test_heap_basic(void)
{
    struct timer_heap h;
    static const s_time_t when[] = { 50, 10, 40, 30, 20 };
    unsigned int i;

    heap_setup(&h, 8);
    CHECK(timer_heap_first(&h) == NULL, "empty heap has no first");
    for (i = 0; i < ARRAY_SIZE(when); i++) {
        pool[i].expires = when[i];
        CHECK(timer_heap_add(&h, &pool[i]), "add %u", i);
    }
    CHECK_EQ(h.nr, 5);
    CHECK(heap_valid(&h), "heap invariant after adds");
    CHECK(timer_heap_first(&h) == &pool[1], "earliest (10) first");
    /* Remove from the middle, then the head. */
    timer_heap_remove(&h, &pool[2]);
    CHECK_EQ(pool[2].heap_offset, 0);
    CHECK(heap_valid(&h), "heap invariant after middle removal");
    timer_heap_remove(&h, &pool[1]);
    CHECK(timer_heap_first(&h) == &pool[4], "20 is first after removing 10");
    timer_heap_remove(&h, &pool[0]);   /* the last slot, most likely */
    CHECK(heap_valid(&h), "heap invariant");
    CHECK_EQ(h.nr, 2);
    free(h.elt);
}

static void test_heap_drain_sorted(void)
{
    struct timer_heap h;
    s_time_t prev = INT64_MIN;
    unsigned int i, n = 0;

    heap_setup(&h, POOL);
    for (i = 0; i < POOL; i++) {
        pool[i].expires = (s_time_t)(rng() % 1000);   /* many equal deadlines */
        timer_heap_add(&h, &pool[i]);
    }
    CHECK(heap_valid(&h), "heap invariant with duplicates");
    while (timer_heap_first(&h)) {
        struct timer *t = timer_heap_first(&h);

        CHECK(t->expires >= prev, "drained out of order: %ld after %ld", (long)t->expires,
              (long)prev);
        prev = t->expires;
        timer_heap_remove(&h, t);
        n++;
    }
    CHECK_EQ(n, POOL);
    free(h.elt);
}

static void test_heap_full_and_move(void)
{
    struct timer_heap h;
    struct timer **old, **bigger = calloc(9, sizeof(*bigger));
    unsigned int i;

    heap_setup(&h, 4);
    for (i = 0; i < 5; i++)
        pool[i].expires = 100 - i;
    for (i = 0; i < 4; i++)
        CHECK(timer_heap_add(&h, &pool[i]), "add %u fits", i);
    CHECK(!timer_heap_add(&h, &pool[4]), "a full heap refuses");
    CHECK_EQ(pool[4].heap_offset, 0);
    old = h.elt;
    timer_heap_move(&h, bigger, 8);
    memset(old, 0xa5, 5 * sizeof(*old));    /* nothing may still point into it */
    free(old);
    CHECK_EQ(h.limit, 8);
    CHECK_EQ(h.nr, 4);
    CHECK(heap_valid(&h), "heap invariant after move");
    CHECK(timer_heap_first(&h) == &pool[3], "earliest still first");
    CHECK(timer_heap_add(&h, &pool[4]), "room after the move");
    CHECK(timer_heap_first(&h) == &pool[4], "the new earliest (96) is first");
    free(h.elt);
}

/* Random adds, removals and pops against a reference: the min must always agree. */
static void test_heap_random_vs_reference(void)
{
    struct timer_heap h;
    unsigned long ops;
    unsigned int nq = 0;

    heap_setup(&h, POOL);
    for (ops = 0; ops < 300000; ops++) {
        unsigned int i = (unsigned int)(rng() % POOL), op = (unsigned int)(rng() % 3), j;
        s_time_t ref_min = INT64_MAX;

        if (op == 0 && !queued[i]) {
            pool[i].expires = (s_time_t)(rng() % 100000) - 50000;
            CHECK(timer_heap_add(&h, &pool[i]), "add");
            queued[i] = true;
            nq++;
        } else if (op == 1 && queued[i]) {
            timer_heap_remove(&h, &pool[i]);
            queued[i] = false;
            nq--;
        } else if (op == 2 && timer_heap_first(&h)) {
            struct timer *t = timer_heap_first(&h);

            timer_heap_remove(&h, t);
            queued[t - pool] = false;
            nq--;
        }
        if (ops % 97)
            continue;
        for (j = 0; j < POOL; j++)
            if (queued[j])
                ref_min = min(ref_min, pool[j].expires);
        if (!nq) {
            CHECK(timer_heap_first(&h) == NULL, "empty heap at op %lu", ops);
            continue;
        }
        CHECK(timer_heap_first(&h) && timer_heap_first(&h)->expires == ref_min,
              "min disagrees with the reference at op %lu", ops);
        CHECK(queued[timer_heap_first(&h) - pool], "first is a queued timer");
        CHECK_EQ(h.nr, nq);
        CHECK(heap_valid(&h), "heap invariant at op %lu", ops);
    }
    free(h.elt);
}

/* The reference: step forward one period at a time. */
static s_time_t periodic_slow(s_time_t prev, s_time_t period, s_time_t now)
{
    s_time_t next = prev + period;

    while (next <= now)
        next += period;
    return next;
}

static void test_periodic_rearm(void)
{
    unsigned int i;

    /* On time: exactly one period after the previous expiry, whenever it ran. */
    CHECK_EQ(timer_next_periodic(1000, 100, 1000), 1100);
    CHECK_EQ(timer_next_periodic(1000, 100, 1099), 1100);
    /* Now exactly on the next boundary: that one is due already, take the one after. */
    CHECK_EQ(timer_next_periodic(1000, 100, 1100), 1200);
    /* Many periods missed: skipped, phase kept. */
    CHECK_EQ(timer_next_periodic(1000, 100, 5555), 5600);
    /* Clock behind the expiry (another CPU's view): still one period on. */
    CHECK_EQ(timer_next_periodic(1000, 100, 900), 1100);
    /* No drift: a thousand late runs in a row stay on the grid. */
    {
        s_time_t e = 0;

        for (i = 0; i < 1000; i++)
            e = timer_next_periodic(e, 10000000, e + 3000000);   /* 3 ms late each time */
        CHECK_EQ(e, 1000LL * 10000000);
    }
    for (i = 0; i < 20000; i++) {
        s_time_t prev = (s_time_t)(rng() % 1000000000), period = (s_time_t)(rng() % 1000000) + 1;
        s_time_t now = prev + (s_time_t)(rng() % 50000000) - 1000;
        s_time_t got = timer_next_periodic(prev, period, now);

        if (got != periodic_slow(prev, period, now) || (got - prev) % period || got <= now) {
            CHECK(false, "prev %ld period %ld now %ld: %ld", (long)prev, (long)period, (long)now,
                  (long)got);
            break;
        }
    }
    CHECK(i == 20000, "random re-arm cases agree with the step-by-step reference");
}

static void test_time_scale(void)
{
    static const uint64_t rates[] = { 10000000ULL, 200000000ULL, 999999999ULL, 1000000000ULL,
                                      1000000001ULL, 2595677000ULL, 3999999999ULL, 5000000000ULL,
                                      1193182ULL, 3579545ULL, 1001236000ULL, 123456789012ULL };
    unsigned int i, j, k;

    for (i = 0; i < ARRAY_SIZE(rates); i++) {
        for (j = 0; j < ARRAY_SIZE(rates); j++) {
            struct time_scale s;
            bool ok = true;

            time_scale_init(&s, rates[i], rates[j]);
            ok = s.mul_frac >= 0x7fffffffU;
            for (k = 0; k < 200 && ok; k++) {
                /* Keep x * to / from within range for the positive shifts. */
                uint64_t x = rng() >> (k % 64);
                unsigned __int128 exact;
                uint64_t got;
                double rel;

                if (s.shift > 0)
                    x >>= s.shift + 1;
                exact = (unsigned __int128)x * rates[j] / rates[i];
                got = time_scale_apply(&s, x);
                rel = exact ? ((double)got - (double)exact) / (double)exact : (double)got;
                /* 2^-29 relative, or off by at most 2 units for tiny values. */
                if ((rel > 1.0 / (1 << 29) || rel < -1.0 / (1 << 29)) &&
                    (got > exact + 2 || got + 2 < exact)) {
                    CHECK(false, "%lu Hz -> %lu Hz: x=%lu got %lu want %lu",
                          (unsigned long)rates[i], (unsigned long)rates[j], (unsigned long)x,
                          (unsigned long)got, (unsigned long)exact);
                    ok = false;
                }
            }
            CHECK(ok, "scale %lu -> %lu Hz accurate", (unsigned long)rates[i],
                  (unsigned long)rates[j]);
        }
    }
    /* The cases time.c relies on, exactly. */
    {
        struct time_scale s;

        time_scale_init(&s, 1000000000ULL, 1000000000ULL);
        CHECK_EQ(time_scale_apply(&s, 123456789ULL), 123456789ULL - 0);
        time_scale_init(&s, 2000000000ULL, 1000000000ULL);
        CHECK_EQ(time_scale_apply(&s, 2000000000ULL), 1000000000ULL);
        /* A day of a 5 GHz TSC: no overflow, and under 2^-30 off (80 us). */
        time_scale_init(&s, 5000000000ULL, 1000000000ULL);
        CHECK(llabs((long long)time_scale_apply(&s, 5000000000ULL * 86400) -
                    86400LL * 1000000000LL) < 80000, "one day at 5 GHz");
    }
}

int main(void)
{
    static const struct test_case cases[] = {
        { "heap_basic", test_heap_basic },
        { "heap_drain_sorted", test_heap_drain_sorted },
        { "heap_full_and_move", test_heap_full_and_move },
        { "heap_random_vs_reference", test_heap_random_vs_reference },
        { "periodic_rearm", test_periodic_rearm },
        { "time_scale", test_time_scale },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
