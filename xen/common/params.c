/*
 * The command-line parser: one pass over "opt opt=value no-opt ...",
 * each option looked up in the table that boolean_param() and friends
 * build.  Problems are reported and skipped; nothing here is fatal.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/errno.h>

#define MAX_OPT_LEN 256

int parse_bool(const char *s, const char *end)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    size_t n = end ? (size_t)(end - s) : strlen(s);
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(yes); i++)
        if (strlen(yes[i]) == n && !strncmp(s, yes[i], n))
            return 1;
    for (i = 0; i < ARRAY_SIZE(no); i++)
        if (strlen(no[i]) == n && !strncmp(s, no[i], n))
            return 0;
    return -1;
}

static int store_uint(const struct kernel_param *p, uint64_t v)
{
    switch (p->len) {
    case 1:
        if (v > UINT8_MAX)
            return -ERANGE;
        *(uint8_t *)p->var = (uint8_t)v;
        break;
    case 2:
        if (v > UINT16_MAX)
            return -ERANGE;
        *(uint16_t *)p->var = (uint16_t)v;
        break;
    case 4:
        if (v > UINT32_MAX)
            return -ERANGE;
        *(uint32_t *)p->var = (uint32_t)v;
        break;
    case 8:
        *(uint64_t *)p->var = v;
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

/* Apply one option; val is NULL when no '=' was given. */
static int apply(const struct kernel_param *p, const char *val, bool negated)
{
    const char *end;
    uint64_t v;
    int b;

    switch (p->type) {
    case PARAM_BOOL:
        if (!val)
            b = !negated;
        else {
            b = parse_bool(val, NULL);
            if (b < 0)
                return -EINVAL;
            if (negated)
                b = !b;
        }
        *(bool *)p->var = b;
        return 0;
    case PARAM_UINT:
        if (!val || negated || !*val || *val == '-')
            return -EINVAL;
        v = simple_strtoull(val, &end, 0);
        if (*end)
            return -EINVAL;
        /* The parsers saturate on overflow: UINT64_MAX means "too big". */
        if (v == UINT64_MAX)
            return -ERANGE;
        return store_uint(p, v);
    case PARAM_SIZE:
        if (!val || negated || !*val || *val < '0' || *val > '9')
            return -EINVAL;
        v = parse_size_and_unit(val, &end);
        if (*end)
            return -EINVAL;
        if (v == UINT64_MAX)
            return -ERANGE;
        return store_uint(p, v);
    case PARAM_STRING:
        if (!val || negated)
            return -EINVAL;
        if (strlen(val) >= p->len)
            return -E2BIG;
        memcpy(p->var, val, strlen(val) + 1);
        return 0;
    case PARAM_CUSTOM:
        if (negated)
            return -EINVAL;
        return p->func(val ? val : "");
    default:
        return -EINVAL;
    }
}

static const struct kernel_param *lookup(const struct kernel_param *start,
                                         const struct kernel_param *end,
                                         const char *name)
{
    const struct kernel_param *p;

    for (p = start; p < end; p++)
        if (!strcmp(p->name, name))
            return p;
    return NULL;
}

unsigned int cmdline_parse_table(const char *cmdline,
                                 const struct kernel_param *start,
                                 const struct kernel_param *end)
{
    char opt[MAX_OPT_LEN];
    unsigned int problems = 0;
    const char *s = cmdline;

    while (*s) {
        const struct kernel_param *p;
        const char *tok;
        char *eq, *name;
        size_t n;
        bool negated = false;
        int rc;

        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        tok = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        n = (size_t)(s - tok);
        /* "--" ends the hypervisor's options (what follows is for dom0). */
        if (n == 2 && tok[0] == '-' && tok[1] == '-')
            break;
        if (n >= sizeof(opt)) {
            printk(XENLOG_WARNING "cmdline: option \"%.32s...\" is too long, ignored\n", tok);
            problems++;
            continue;
        }
        memcpy(opt, tok, n);
        opt[n] = '\0';
        name = opt;
        eq = strchr(opt, '=');
        if (eq)
            *eq++ = '\0';

        p = lookup(start, end, name);
        if (!p && !strncmp(name, "no-", 3)) {
            p = lookup(start, end, name + 3);
            negated = p != NULL;
        }
        if (!p) {
            printk(XENLOG_WARNING "cmdline: unknown option \"%s\" ignored\n", name);
            problems++;
            continue;
        }
        if (negated && p->type != PARAM_BOOL) {
            printk(XENLOG_WARNING "cmdline: \"no-\" does not apply to \"%s\"\n", p->name);
            problems++;
            continue;
        }
        rc = apply(p, eq, negated);
        if (rc) {
            printk(XENLOG_WARNING "cmdline: bad value \"%s\" for \"%s\" (%s), ignored\n",
                   eq ? eq : "", p->name,
                   rc == -ERANGE ? "out of range" : rc == -E2BIG ? "too long" : "invalid");
            problems++;
        }
    }
    return problems;
}

unsigned int cmdline_parse(const char *cmdline)
{
    return cmdline_parse_table(cmdline, __start_xen_params, __stop_xen_params);
}
