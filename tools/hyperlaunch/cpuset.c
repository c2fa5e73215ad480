/*
 * CPU lists in xl's syntax ("2-3", "0,4-7", "all", "^1", "0-7,^2-3") read
 * into a set, and written back in the plain "0-3,6" form that the
 * hypervisor's hard-affinity and cpupool readers take.
 */
#include "hyperlaunch.h"
#include <string.h>

bool cpuset_test(const struct hl_cpuset *s, unsigned int cpu)
{
    return cpu < HL_MAX_CPUS && ((s->w[cpu / 64] >> (cpu % 64)) & 1);
}

void cpuset_set(struct hl_cpuset *s, unsigned int cpu)
{
    if (cpu < HL_MAX_CPUS)
        s->w[cpu / 64] |= 1ULL << (cpu % 64);
}

static void cpuset_clear_cpu(struct hl_cpuset *s, unsigned int cpu)
{
    if (cpu < HL_MAX_CPUS)
        s->w[cpu / 64] &= ~(1ULL << (cpu % 64));
}

bool cpuset_empty(const struct hl_cpuset *s)
{
    for (unsigned int i = 0; i < HL_MAX_CPUS / 64; i++)
        if (s->w[i])
            return false;
    return true;
}

bool cpuset_subset(const struct hl_cpuset *a, const struct hl_cpuset *b)
{
    for (unsigned int i = 0; i < HL_MAX_CPUS / 64; i++)
        if (a->w[i] & ~b->w[i])
            return false;
    return true;
}

bool cpuset_intersects(const struct hl_cpuset *a, const struct hl_cpuset *b)
{
    for (unsigned int i = 0; i < HL_MAX_CPUS / 64; i++)
        if (a->w[i] & b->w[i])
            return true;
    return false;
}

unsigned int cpuset_weight(const struct hl_cpuset *s)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < HL_MAX_CPUS / 64; i++)
        n += (unsigned int)__builtin_popcountll(s->w[i]);
    return n;
}

static const char *parse_cpu(const char **p, unsigned int *cpu)
{
    unsigned int v = 0;

    if (**p < '0' || **p > '9')
        return "a CPU number";
    for (; **p >= '0' && **p <= '9'; (*p)++) {
        v = v * 10 + (unsigned int)(**p - '0');
        if (v >= HL_MAX_CPUS)
            return "a CPU number below 256";
    }
    *cpu = v;
    return NULL;
}

const char *cpuset_parse(const char *text, unsigned int nr_cpus, struct hl_cpuset *s,
                         bool *all)
{
    struct hl_cpuset plus, minus;
    bool any_plus = false, any_minus = false, every = false;
    const char *p = text, *why;

    memset(&plus, 0, sizeof(plus));
    memset(&minus, 0, sizeof(minus));
    if (!strncmp(p, "nodes:", 6) || !strncmp(p, "node:", 5))
        return "CPU numbers (NUMA node lists are not supported)";
    for (;;) {
        bool neg = false;
        unsigned int lo, hi;

        while (*p == ' ')
            p++;
        if (*p == '^') {
            neg = true;
            p++;
        }
        if (!strncmp(p, "all", 3) && !neg) {
            every = any_plus = true;
            p += 3;
        } else {
            if ((why = parse_cpu(&p, &lo)))
                return why;
            hi = lo;
            if (*p == '-') {
                p++;
                if ((why = parse_cpu(&p, &hi)))
                    return why;
                if (hi < lo)
                    return "a range written low-high";
            }
            for (unsigned int c = lo; c <= hi; c++)
                cpuset_set(neg ? &minus : &plus, c);
            any_plus |= !neg;
            any_minus |= neg;
        }
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p != ',')
            return "a list like \"0-3,6\" or \"all,^1\"";
        p++;
    }
    if (!any_plus)
        every = true;                   /* "^1": all but CPU 1 */
    if (every) {
        if (!any_minus) {
            *all = true;
            memset(s, 0xff, sizeof(*s));
            return NULL;
        }
        if (!nr_cpus)
            return "CPU numbers: \"all\" or \"^N\" with exclusions needs --nr-cpus";
        for (unsigned int c = 0; c < nr_cpus; c++)
            cpuset_set(&plus, c);
    }
    for (unsigned int c = 0; c < HL_MAX_CPUS; c++)
        if (cpuset_test(&minus, c))
            cpuset_clear_cpu(&plus, c);
    if (cpuset_empty(&plus))
        return "a list leaving at least one CPU";
    *all = false;
    *s = plus;
    return NULL;
}

char *cpuset_format(const struct hl_cpuset *s, char *buf, size_t len)
{
    size_t pos = 0;

    buf[0] = 0;
    for (unsigned int c = 0; c < HL_MAX_CPUS; c++) {
        unsigned int e = c;
        int n;

        if (!cpuset_test(s, c))
            continue;
        while (e + 1 < HL_MAX_CPUS && cpuset_test(s, e + 1))
            e++;
        if (e == c)
            n = snprintf(buf + pos, len - pos, "%s%u", pos ? "," : "", c);
        else
            n = snprintf(buf + pos, len - pos, "%s%u-%u", pos ? "," : "", c, e);
        if (n < 0 || (size_t)n >= len - pos)
            break;
        pos += (size_t)n;
        c = e;
    }
    return buf;
}
