/*
 * Typed values of settings (strings, numbers in a range, names, CPU lists),
 * each refusal printed at the value's file:line:column.  Shared by the
 * domain (domain.c) and cpupool (pool.c) readers.
 */
#include "hyperlaunch.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool setting_in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

const char *setting_type_name(const struct hl_value *v)
{
    return v->type == HL_LIST ? "a list" : v->type == HL_NUMBER ? "a number" : "a string";
}

/* A string setting; NULL if absent (an error if required) or not a string. */
const char *setting_string(struct hl_file *f, const char *key, bool required)
{
    struct hl_setting *st = xlcfg_get(f, key);
    struct hl_pos pos = { f->path, 0, 0 };

    if (!st) {
        if (required)
            hl_error(&pos, "no %s = ... setting (it is required)", key);
        return NULL;
    }
    if (st->val.type != HL_STRING) {
        hl_error(&st->val.pos, "%s: expected a quoted string, found %s", key,
                 setting_type_name(&st->val));
        return NULL;
    }
    return st->val.text;
}

/* A number (or a string holding one, as xl allows) in [min, max]; 1 if absent. */
int setting_uint(struct hl_file *f, const char *key, uint64_t min, uint64_t max,
                 uint64_t *out)
{
    struct hl_setting *st = xlcfg_get(f, key);
    unsigned long long v;
    char *end;

    if (!st)
        return 1;
    if (st->val.type == HL_LIST) {
        hl_error(&st->val.pos, "%s: expected a number, found a list", key);
        return -1;
    }
    errno = 0;
    v = strtoull(st->val.text, &end, 0);
    if (!st->val.text[0] || *end || errno || st->val.text[0] == '-') {
        hl_error(&st->val.pos, "%s: expected a number, found \"%s\"", key, st->val.text);
        return -1;
    }
    if (v < min || v > max) {
        hl_error(&st->val.pos, "%s: expected a number from %llu to %llu, found %llu", key,
                 (unsigned long long)min, (unsigned long long)max, v);
        return -1;
    }
    *out = v;
    return 0;
}

bool setting_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= HL_NAME_LEN)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return false;
    return true;
}

char *hl_strdup(const char *s)
{
    char *r = strdup(s);

    if (!r) {
        perror("hyperlaunch");
        exit(2);
    }
    return r;
}

int setting_cpus(const struct hl_value *v, const struct hl_options *o, struct hl_cpuset *s,
                 bool *all)
{
    const char *why;

    if (v->type == HL_LIST) {
        hl_error(&v->pos, "cpus: expected a CPU list string, found a list");
        return -1;
    }
    why = cpuset_parse(v->text, o->nr_cpus, s, all);
    if (why) {
        hl_error(&v->pos, "cpus: expected %s, found \"%s\"", why, v->text);
        return -1;
    }
    return 0;
}
