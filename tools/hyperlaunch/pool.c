/*
 * xl cpupool files (name, sched, cpus) and --pool NAME:SCHED:CPUS: the CPU
 * pools domains may name with `pool =`.
 */
#include "hyperlaunch.h"
#include <stdlib.h>
#include <string.h>

static const char *const pool_keys[] = { "name", "sched", "cpus", "nodes", NULL };
static const char *const schedulers[] = { "credit", "credit2", "rtds", "arinc653", "null",
                                          NULL };

bool file_is_pool(struct hl_file *f)
{
    bool pool_only_key = false;

    for (unsigned int i = 0; i < f->nr; i++) {
        if (!setting_in_list(pool_keys, f->settings[i].key))
            return false;
        if (strcmp(f->settings[i].key, "name"))
            pool_only_key = true;
    }
    return pool_only_key;
}

static int pool_set(struct hl_pool *p, const char *name, const char *sched,
                    const struct hl_pos *name_pos, const struct hl_pos *sched_pos)
{
    if (!setting_name_ok(name)) {
        hl_error(name_pos, "name: expected 1 to %d letters, digits, '_', '-' or '.', found "
                 "\"%s\"", HL_NAME_LEN - 1, name);
        return -1;
    }
    snprintf(p->name, sizeof(p->name), "%s", name);
    if (sched && !setting_in_list(schedulers, sched)) {
        hl_error(sched_pos, "sched: expected credit, credit2, rtds, arinc653 or null, found "
                 "\"%s\"", sched);
        return -1;
    }
    snprintf(p->sched, sizeof(p->sched), "%s", sched ? sched : "");
    return 0;
}

static int pool_cpus(const struct hl_value *v, const struct hl_options *o,
                     struct hl_pool *p)
{
    struct hl_cpuset one;
    bool all;

    if (v->type != HL_LIST) {
        if (setting_cpus(v, o, &p->cpus, &all))
            return -1;
        if (all && !o->nr_cpus) {
            hl_error(&v->pos, "cpus: \"all\" in a pool needs --nr-cpus");
            return -1;
        }
        if (all) {
            memset(&p->cpus, 0, sizeof(p->cpus));
            for (unsigned int c = 0; c < o->nr_cpus; c++)
                cpuset_set(&p->cpus, c);
        }
        return 0;
    }
    for (unsigned int i = 0; i < v->nr_items; i++) {
        if (setting_cpus(&v->items[i], o, &one, &all))
            return -1;
        for (unsigned int c = 0; c < HL_MAX_CPUS && !all; c++)
            if (cpuset_test(&one, c))
                cpuset_set(&p->cpus, c);
    }
    if (cpuset_empty(&p->cpus)) {
        hl_error(&v->pos, "cpus: expected at least one CPU number");
        return -1;
    }
    return 0;
}

int pool_from_file(struct hl_file *f, const struct hl_options *o, struct hl_pool *p)
{
    struct hl_setting *st;
    const char *name = setting_string(f, "name", true), *sched = setting_string(f, "sched", false);
    struct hl_pos nopos = { f->path, 0, 0 };
    int rc = 0;

    memset(p, 0, sizeof(*p));
    p->pos = nopos;
    if (!name || (xlcfg_get(f, "sched") && !sched))
        rc = -1;
    else
        rc = pool_set(p, name, sched, &xlcfg_get(f, "name")->val.pos,
                      sched ? &xlcfg_get(f, "sched")->val.pos : &nopos);
    if ((st = xlcfg_get(f, "nodes"))) {
        hl_error(&st->pos, "nodes: NUMA node pools are not supported; give cpus instead");
        rc = -1;
    }
    st = xlcfg_get(f, "cpus");
    if (!st) {
        hl_error(&nopos, "no cpus = ... setting (it is required in a pool file)");
        rc = -1;
    } else if (pool_cpus(&st->val, o, p)) {
        rc = -1;
    }
    return rc;
}

int pool_from_arg(const char *arg, const struct hl_options *o, struct hl_pool *p)
{
    struct hl_pos pos = { "--pool", 0, 0 };
    char *copy = hl_strdup(arg), *c1 = strchr(copy, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    struct hl_value v = { HL_STRING, NULL, pos, NULL, 0 };
    int rc = -1;

    memset(p, 0, sizeof(*p));
    p->pos = pos;
    if (!c2) {
        hl_error(&pos, "expected NAME:SCHED:CPUS (e.g. pool1:credit:2-3), found \"%s\"", arg);
        goto out;
    }
    *c1 = *c2 = 0;
    if (pool_set(p, copy, c1[1] ? c1 + 1 : NULL, &pos, &pos))
        goto out;
    v.text = c2 + 1;
    rc = pool_cpus(&v, o, p);
out:
    free(copy);
    return rc;
}
