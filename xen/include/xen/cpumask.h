/* Sets of CPUs as fixed-size bitmaps (NR_CPUS bits). Pure code: host-testable. */
#ifndef XEN_CPUMASK_H
#define XEN_CPUMASK_H

#include <xen/types.h>
#include <xen/smp.h>
#include <xen/lib.h>

#define CPUMASK_WORDS ((NR_CPUS + 63) / 64)

typedef struct cpumask {
    uint64_t bits[CPUMASK_WORDS];
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        m->bits[i] = 0;
}
static inline void cpumask_setall(cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        m->bits[i] = ~0ULL;
}
static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_or(&m->bits[cpu / 64], 1ULL << (cpu % 64), __ATOMIC_SEQ_CST);
}
static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_and(&m->bits[cpu / 64], ~(1ULL << (cpu % 64)), __ATOMIC_SEQ_CST);
}
static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return cpu < NR_CPUS && ((m->bits[cpu / 64] >> (cpu % 64)) & 1);
}
static inline bool cpumask_test_and_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    uint64_t bit = 1ULL << (cpu % 64);

    return __atomic_fetch_and(&m->bits[cpu / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}
#define CPUMASK_BINOP(name, op)                                               \
    static inline void name(cpumask_t *d, const cpumask_t *a, const cpumask_t *b) \
    {                                                                         \
        for (unsigned int i = 0; i < CPUMASK_WORDS; i++)                      \
            d->bits[i] = a->bits[i] op b->bits[i];                            \
    }
CPUMASK_BINOP(cpumask_and, &)
CPUMASK_BINOP(cpumask_or, |)
CPUMASK_BINOP(cpumask_andnot, & ~)
#undef CPUMASK_BINOP
static inline bool cpumask_empty(const cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (m->bits[i])
            return false;
    return true;
}
static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] & b->bits[i])
            return true;
    return false;
}
static inline bool cpumask_subset(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] & ~b->bits[i])
            return false;
    return true;
}
static inline bool cpumask_equal(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] != b->bits[i])
            return false;
    return true;
}
static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        n += hweight64(m->bits[i]);
    return n;
}
/* First set CPU at or after `start`, or NR_CPUS. */
static inline unsigned int cpumask_next_from(unsigned int start, const cpumask_t *m)
{
    for (unsigned int c = start; c < NR_CPUS; c++) {
        uint64_t w = m->bits[c / 64] >> (c % 64);

        if (w)
            return c + (unsigned int)__builtin_ctzll(w);
        c |= 63;
    }
    return NR_CPUS;
}
#define cpumask_first(m) cpumask_next_from(0, m)
#define for_each_cpu(cpu, m) \
    for ((cpu) = cpumask_first(m); (cpu) < NR_CPUS; (cpu) = cpumask_next_from((cpu) + 1, m))

/* Parse a CPU list such as "0-3,6,8-9" (as the Hyperlaunch binding and xl use). */
int cpumask_parse_list(const char *s, cpumask_t *m);
/* Format as a CPU list into buf; returns buf. */
char *cpumask_format_list(const cpumask_t *m, char *buf, size_t len);

extern cpumask_t cpu_online_map;    /* CPUs that are up and scheduling */
extern cpumask_t cpu_present_map;   /* CPUs the firmware lists as enabled */

#endif
