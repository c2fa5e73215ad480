/*
 * Options read at boot for subsystems that act later: dom0_mem,
 * dom0_max_vcpus, maxcpus, nosmp and sched.  They are parsed and checked
 * here so that a bad value is reported at once, with the others.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/errno.h>
#include <xen/boot_params.h>

struct dom0_mem_spec opt_dom0_mem;
unsigned int opt_dom0_max_vcpus_min, opt_dom0_max_vcpus_max;
unsigned int opt_maxcpus;
bool opt_nosmp;
char opt_sched[16] = "credit";

static const char *const known_schedulers[] = { "credit", "null" };

/* "<size>" or "-<size>"; returns 0 and advances *p, or -EINVAL. */
static int parse_signed_size(const char **p, int64_t *out)
{
    const char *s = *p, *end;
    bool neg = *s == '-';
    uint64_t v;

    if (neg)
        s++;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    v = parse_size_and_unit(s, &end);
    if (end == s || (*end && *end != ',') || v == 0 || v > (1ULL << 62))
        return -EINVAL;
    *out = neg ? -(int64_t)v : (int64_t)v;
    *p = end;
    return 0;
}

int parse_dom0_mem(const char *s)
{
    struct dom0_mem_spec spec = { .set = true };

    while (*s) {
        int64_t *slot = &spec.amount;

        if (!strncmp(s, "min:", 4)) {
            slot = &spec.min;
            s += 4;
        } else if (!strncmp(s, "max:", 4)) {
            slot = &spec.max;
            s += 4;
        }
        if (parse_signed_size(&s, slot))
            return -EINVAL;
        if (*s == ',')
            s++;
        else if (*s)
            return -EINVAL;
    }
    if (!spec.min && !spec.max && !spec.amount)
        return -EINVAL;
    if (spec.min > 0 && spec.max > 0 && spec.min > spec.max)
        return -EINVAL;
    opt_dom0_mem = spec;
    return 0;
}
custom_param("dom0_mem", parse_dom0_mem);

int parse_dom0_max_vcpus(const char *s)
{
    const char *end;
    unsigned long long lo, hi;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    lo = simple_strtoull(s, &end, 10);
    hi = lo;
    if (*end == '-') {
        s = end + 1;
        if (*s == '\0')
            hi = 0;                 /* "<min>-": no upper bound */
        else {
            if (*s < '0' || *s > '9')
                return -EINVAL;
            hi = simple_strtoull(s, &end, 10);
        }
    }
    if (*end || lo > 4096 || hi > 4096 || (hi && lo > hi) || (!lo && !hi))
        return -EINVAL;
    opt_dom0_max_vcpus_min = (unsigned int)lo;
    opt_dom0_max_vcpus_max = (unsigned int)hi;
    return 0;
}
custom_param("dom0_max_vcpus", parse_dom0_max_vcpus);

int parse_sched(const char *s)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(known_schedulers); i++) {
        if (!strcmp(s, known_schedulers[i])) {
            memcpy(opt_sched, s, strlen(s) + 1);
            return 0;
        }
    }
    return -EINVAL;
}
custom_param("sched", parse_sched);

integer_param("maxcpus", opt_maxcpus);
boolean_param("nosmp", opt_nosmp);
