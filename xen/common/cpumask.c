/*
 * CPU lists as people write them ("0-3,6,8-9"): parsing into a cpumask
 * and formatting one back.  Pure code: host-tested in tools/tests/cpumask.
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/errno.h>

/* A decimal CPU number below NR_CPUS; advances *p.  -EINVAL otherwise. */
static int parse_cpu(const char **p, unsigned int *cpu)
{
    const char *s = *p;
    unsigned int v = 0;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned int)(*s - '0');
        if (v >= NR_CPUS)           /* also stops before the value could overflow */
            return -EINVAL;
    }
    *p = s;
    *cpu = v;
    return 0;
}

int cpumask_parse_list(const char *s, cpumask_t *m)
{
    cpumask_t res;

    cpumask_clear(&res);
    if (!s || !*s)
        return -EINVAL;
    for (;;) {
        unsigned int lo, hi, c;

        if (parse_cpu(&s, &lo))
            return -EINVAL;
        hi = lo;
        if (*s == '-') {
            s++;
            if (parse_cpu(&s, &hi) || hi < lo)
                return -EINVAL;
        }
        for (c = lo; c <= hi; c++)
            cpumask_set_cpu(c, &res);
        if (*s == '\0')
            break;
        if (*s != ',')
            return -EINVAL;
        s++;                        /* a ',' must be followed by another item */
    }
    *m = res;
    return 0;
}

/* Append the decimal form of v at buf[*pos] if it fits with a terminator. */
static bool put_num(char *buf, size_t len, size_t *pos, unsigned int v)
{
    char digits[10];
    unsigned int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (*pos + n >= len)
        return false;
    while (n)
        buf[(*pos)++] = digits[--n];
    return true;
}

static bool put_char(char *buf, size_t len, size_t *pos, char c)
{
    if (*pos + 1 >= len)
        return false;
    buf[(*pos)++] = c;
    return true;
}

/*
 * Runs of two or more CPUs are written as ranges.  Whole items only: if
 * the list does not fit, it is cut after the last item that leaves room
 * for ",..." (or is just "..."; or empty if len < 4).
 */
char *cpumask_format_list(const cpumask_t *m, char *buf, size_t len)
{
    size_t pos = 0, item_end = 0;
    unsigned int lo = cpumask_first(m);
    bool truncated = false;

    if (!len)
        return buf;
    while (lo < NR_CPUS) {
        unsigned int hi = lo;
        bool ok;

        while (hi + 1 < NR_CPUS && cpumask_test_cpu(hi + 1, m))
            hi++;
        ok = (!pos || put_char(buf, len, &pos, ',')) && put_num(buf, len, &pos, lo);
        if (ok && hi != lo)
            ok = put_char(buf, len, &pos, '-') && put_num(buf, len, &pos, hi);
        if (!ok) {
            truncated = true;
            break;
        }
        item_end = pos;
        lo = cpumask_next_from(hi + 1, m);
    }
    pos = item_end;
    while (truncated) {
        const char *more = pos ? ",..." : "...";
        size_t n = strlen(more);

        if (pos + n < len) {
            memcpy(buf + pos, more, n);
            pos += n;
            break;
        }
        if (!pos)
            break;
        /* Drop the last whole item and its comma to make room. */
        while (pos && buf[pos - 1] != ',')
            pos--;
        if (pos)
            pos--;
    }
    buf[pos] = '\0';
    return buf;
}
