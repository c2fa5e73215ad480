/*
 * Command-line options, declared next to what they configure and parsed in
 * one place (common/params.c).  The table lives in the section "xen_params",
 * whose bounds the linker provides as __start_xen_params/__stop_xen_params.
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/types.h>
#include <xen/compiler.h>

enum param_type {
    PARAM_BOOL,     /* "opt", "no-opt", "opt=<bool>" */
    PARAM_UINT,     /* unsigned integer, any base strtoull accepts */
    PARAM_SIZE,     /* size with K/M/G/T suffix */
    PARAM_STRING,   /* copied into a char array of `len` bytes */
    PARAM_CUSTOM,   /* handed to a function that returns 0 or -EINVAL */
};

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;       /* size of the variable (uint: 1/2/4/8; string: bytes) */
    void *var;
    int (*func)(const char *val);
};

#define __PARAM_CAT2(a, b) a##b
#define __PARAM_CAT(a, b) __PARAM_CAT2(a, b)
#define __param(_name, _type, _len, _var, _func)                              \
    static const struct kernel_param __used __section("xen_params")           \
        __aligned(8) __PARAM_CAT(__kparam_, __COUNTER__) =                    \
        { _name, _type, _len, _var, _func }

#define boolean_param(n, v) __param(n, PARAM_BOOL, sizeof(v), &(v), NULL)
#define integer_param(n, v) __param(n, PARAM_UINT, sizeof(v), &(v), NULL)
#define size_param(n, v)    __param(n, PARAM_SIZE, sizeof(v), &(v), NULL)
#define string_param(n, v)  __param(n, PARAM_STRING, sizeof(v), (v), NULL)
#define custom_param(n, f)  __param(n, PARAM_CUSTOM, 0, NULL, f)

extern const struct kernel_param __start_xen_params[], __stop_xen_params[];

/*
 * Parse `cmdline` against the table [start, end).  Unknown options and bad
 * values are reported with printk and skipped; returns how many problems
 * were found (never fatal).
 */
unsigned int cmdline_parse_table(const char *cmdline,
                                 const struct kernel_param *start,
                                 const struct kernel_param *end);
unsigned int cmdline_parse(const char *cmdline);

/* Helpers for custom parsers: "yes/on/true/enable/1" -> 1, the negations -> 0, else -1. */
int parse_bool(const char *s, const char *end);

#endif
