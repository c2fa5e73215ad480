/*
 * The meaning of one parsed file: an xl.cfg domain (the subset in
 * docs/man/xl.cfg.5.md plus our control, domid and evtchn keys) or an xl
 * cpupool file (name, sched, cpus).  Each value is checked here; checks
 * across files are in config.c.
 */
#include "hyperlaunch.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char *const pool_keys[] = { "name", "sched", "cpus", "nodes", NULL };
static const char *const schedulers[] = { "credit", "credit2", "rtds", "arinc653", "null",
                                          NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

bool domain_file_is_pool(struct hl_file *f)
{
    bool pool_only_key = false;

    for (unsigned int i = 0; i < f->nr; i++) {
        if (!in_list(pool_keys, f->settings[i].key))
            return false;
        if (strcmp(f->settings[i].key, "name"))
            pool_only_key = true;
    }
    return pool_only_key;
}

static const char *type_name(const struct hl_value *v)
{
    return v->type == HL_LIST ? "a list" : v->type == HL_NUMBER ? "a number" : "a string";
}

/* A string setting; NULL if absent (an error if required) or not a string. */
static const char *get_string(struct hl_file *f, const char *key, bool required)
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
                 type_name(&st->val));
        return NULL;
    }
    return st->val.text;
}

/* A number (or a string holding one, as xl allows) in [min, max]; 1 if absent. */
static int get_uint(struct hl_file *f, const char *key, uint64_t min, uint64_t max,
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

static bool name_ok(const char *s)
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

static int get_name(struct hl_file *f, char *name, struct hl_pos *where)
{
    const char *s = get_string(f, "name", true);
    struct hl_setting *st = xlcfg_get(f, "name");

    if (!s)
        return -1;
    *where = st->val.pos;
    if (!name_ok(s)) {
        hl_error(where, "name: expected 1 to %d letters, digits, '_', '-' or '.', found \"%s\"",
                 HL_NAME_LEN - 1, s);
        return -1;
    }
    snprintf(name, HL_NAME_LEN, "%s", s);
    return 0;
}

static char *xstrdup(const char *s)
{
    char *r = strdup(s);

    if (!r) {
        perror("hyperlaunch");
        exit(2);
    }
    return r;
}

/* ---- cpus ------------------------------------------------------------------ */

static int parse_cpus_text(const struct hl_value *v, const struct hl_options *o,
                           struct hl_cpuset *s, bool *all)
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

/* "2-3" pins every vCPU to 2-3; ["2", "3"] pins vCPU0 to 2 and vCPU1 to 3. */
static int domain_cpus(struct hl_file *f, const struct hl_options *o, struct hl_domain *d)
{
    struct hl_setting *st = xlcfg_get(f, "cpus");
    struct hl_cpuset set;
    bool all;

    if (!st)
        return 0;
    d->cpus_pos = st->val.pos;
    if (st->val.type != HL_LIST) {
        if (parse_cpus_text(&st->val, o, &set, &all))
            return -1;
        for (unsigned int v = 0; v < d->vcpus && !all; v++) {
            d->pinned[v] = true;
            d->affinity[v] = set;
        }
        return 0;
    }
    if (st->val.nr_items > d->vcpus) {
        hl_error(&st->val.pos, "cpus: expected at most one entry per vCPU (vcpus = %u), "
                 "found %u", d->vcpus, st->val.nr_items);
        return -1;
    }
    for (unsigned int v = 0; v < st->val.nr_items; v++) {
        if (parse_cpus_text(&st->val.items[v], o, &set, &all))
            return -1;
        d->pinned[v] = !all;
        d->affinity[v] = set;
    }
    return 0;
}

/* ---- uuid, cmdline, event channels ------------------------------------------ */

static int domain_uuid(struct hl_file *f, struct hl_domain *d)
{
    const char *s = get_string(f, "uuid", false);
    struct hl_setting *st = xlcfg_get(f, "uuid");
    unsigned int n = 0;

    if (!st)
        return 0;
    if (!s)
        return -1;
    for (const char *p = s; *p; p++) {
        unsigned int off = (unsigned int)(p - s);
        int hi;

        if (off == 8 || off == 13 || off == 18 || off == 23) {
            if (*p != '-')
                break;
            continue;
        }
        hi = (*p >= '0' && *p <= '9') ? *p - '0' : (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'
             ? (*p | 0x20) - 'a' + 10 : -1;
        if (hi < 0 || n >= 32)
            break;
        d->uuid[n / 2] = (uint8_t)(n % 2 ? d->uuid[n / 2] | hi : hi << 4);
        n++;
    }
    if (n != 32 || strlen(s) != 36) {
        hl_error(&st->val.pos, "uuid: expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx "
                 "(hex digits), found \"%s\"", s);
        return -1;
    }
    d->uuid_given = true;
    return 0;
}

/* A random (version 4, RFC 4122 variant) uuid for a domain that names none. */
static void random_uuid(uint8_t uuid[16])
{
    if (getrandom(uuid, 16, 0) != 16) {
        perror("hyperlaunch: getrandom");
        exit(2);
    }
    uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
    uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
}

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* xl: cmdline as given; otherwise "root=ROOT EXTRA" from root and extra. */
static int domain_cmdline(struct hl_file *f, struct hl_domain *d)
{
    struct hl_setting *cst = xlcfg_get(f, "cmdline");
    const char *cmd = get_string(f, "cmdline", false);
    const char *root = get_string(f, "root", false);
    const char *extra = get_string(f, "extra", false);
    struct hl_setting *rst = xlcfg_get(f, "root"), *est = xlcfg_get(f, "extra");
    size_t n;

    if ((cst && !cmd) || (rst && !root) || (est && !extra))
        return -1;
    if (cmd) {
        if (rst || est)
            hl_warn(&(rst ? rst : est)->pos, "%s is ignored when cmdline is set (as in xl)",
                    rst ? "root" : "extra");
        n = (size_t)snprintf(d->cmdline, sizeof(d->cmdline), "%s", cmd);
    } else {
        n = (size_t)snprintf(d->cmdline, sizeof(d->cmdline), "%s%s%s%s",
                             root ? "root=" : "", root ? root : "",
                             root && extra ? " " : "", extra ? extra : "");
    }
    if (n >= sizeof(d->cmdline)) {
        hl_error(&(cst ? cst : rst ? rst : est)->val.pos,
                 "command line: expected at most %zu characters, found %zu",
                 sizeof(d->cmdline) - 1, n);
        return -1;
    }
    if (!printable(d->cmdline)) {
        hl_error(&(cst ? cst : rst ? rst : est)->val.pos,
                 "command line: expected printable characters (no newline or tab)");
        return -1;
    }
    return 0;
}

/* One "port=10,peer=dom2,peer-port=11" entry. */
static int parse_evtchn(const struct hl_value *v, struct hl_evtchn *e)
{
    char *copy, *item, *save = NULL;
    bool have_port = false, have_peer_port = false;
    int rc = -1;

    memset(e, 0, sizeof(*e));
    e->pos = v->pos;
    if (v->type != HL_STRING) {
        hl_error(&v->pos, "evtchn: expected a string \"port=N,peer=NAME,peer-port=M\", "
                 "found %s", type_name(v));
        return -1;
    }
    copy = xstrdup(v->text);
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end;
        unsigned long n;

        while (*item == ' ')
            item++;
        if (!eq) {
            hl_error(&v->pos, "evtchn: expected KEY=VALUE, found \"%s\"", item);
            goto out;
        }
        *eq++ = 0;
        if (!strcmp(item, "peer")) {
            if (!name_ok(eq)) {
                hl_error(&v->pos, "evtchn: peer: expected a domain name, found \"%s\"", eq);
                goto out;
            }
            free(e->peer);
            e->peer = xstrdup(eq);
            continue;
        }
        errno = 0;
        n = strtoul(eq, &end, 0);
        if (strcmp(item, "port") && strcmp(item, "peer-port")) {
            hl_error(&v->pos, "evtchn: expected port=, peer= or peer-port=, found \"%s=\"",
                     item);
            goto out;
        }
        if (!*eq || *end || errno || n < 1 || n > HL_MAX_PORT) {
            hl_error(&v->pos, "evtchn: %s: expected a port number from 1 to %u, found \"%s\"",
                     item, HL_MAX_PORT, eq);
            goto out;
        }
        if (!strcmp(item, "port")) {
            e->port = (unsigned int)n;
            have_port = true;
        } else {
            e->peer_port = (unsigned int)n;
            have_peer_port = true;
        }
    }
    if (!have_port || !have_peer_port || !e->peer) {
        hl_error(&v->pos, "evtchn: expected all of port=N, peer=NAME and peer-port=M in "
                 "\"%s\"", v->text);
        goto out;
    }
    rc = 0;
out:
    if (rc) {
        free(e->peer);
        e->peer = NULL;
    }
    free(copy);
    return rc;
}

static int domain_evtchns(struct hl_file *f, struct hl_domain *d)
{
    struct hl_setting *st = xlcfg_get(f, "evtchn");
    const struct hl_value *items;
    unsigned int n;

    if (!st)
        return 0;
    items = st->val.type == HL_LIST ? st->val.items : &st->val;
    n = st->val.type == HL_LIST ? st->val.nr_items : 1;
    d->evtchns = calloc(n ? n : 1, sizeof(*d->evtchns));
    if (!d->evtchns) {
        perror("hyperlaunch");
        exit(2);
    }
    for (unsigned int i = 0; i < n; i++) {
        if (parse_evtchn(&items[i], &d->evtchns[i]))
            return -1;
        d->nr_evtchns++;
        for (unsigned int j = 0; j < i; j++) {
            if (d->evtchns[j].port == d->evtchns[i].port) {
                hl_error(&items[i].pos, "evtchn: port %u is used twice in this domain",
                         d->evtchns[i].port);
                return -1;
            }
        }
    }
    return 0;
}

/* ---- the domain -------------------------------------------------------------- */

static int domain_basics(struct hl_file *f, struct hl_domain *d)
{
    const char *type = get_string(f, "type", false);
    struct hl_setting *st = xlcfg_get(f, "type");
    uint64_t v;
    int rc = 0;

    if (st && (!type || strcmp(type, "pvh"))) {
        if (type)
            hl_error(&st->val.pos, "type: expected \"pvh\" (the only type built), found "
                     "\"%s\"", type);
        rc = -1;
    }
    rc |= get_name(f, d->name, &d->name_pos);
    switch (get_uint(f, "memory", 1, 1ULL << 30, &d->mem_mib)) {
    case 1:
        hl_error(&(struct hl_pos){ f->path, 0, 0 }, "no memory = ... setting (MiB; it is "
                 "required)");
        rc = -1;
        break;
    case -1:
        rc = -1;
    }
    if (get_uint(f, "maxmem", 1, 1ULL << 30, &d->maxmem_mib) < 0)
        rc = -1;
    if (d->maxmem_mib && d->mem_mib && d->maxmem_mib < d->mem_mib) {
        hl_error(&xlcfg_get(f, "maxmem")->val.pos, "maxmem: expected at least memory (%llu),"
                 " found %llu", (unsigned long long)d->mem_mib,
                 (unsigned long long)d->maxmem_mib);
        rc = -1;
    }
    d->vcpus = 1;
    switch (get_uint(f, "vcpus", 1, HL_MAX_VCPUS, &v)) {
    case 0: d->vcpus = (unsigned int)v; break;
    case -1: rc = -1;
    }
    d->domid = -1;
    switch (get_uint(f, "domid", 0, HL_MAX_DOMID, &v)) {
    case 0:
        d->domid = (long)v;
        d->domid_pos = xlcfg_get(f, "domid")->val.pos;
        break;
    case -1: rc = -1;
    }
    switch (get_uint(f, "control", 0, 1, &v)) {
    case 0:
        d->control = v;
        d->control_pos = xlcfg_get(f, "control")->val.pos;
        break;
    case -1: rc = -1;
    }
    return rc;
}

static int domain_files(struct hl_file *f, struct hl_domain *d)
{
    const char *kernel = get_string(f, "kernel", true);
    const char *ramdisk = get_string(f, "ramdisk", false);
    const char *pool = get_string(f, "pool", false);
    int rc = 0;

    if (!kernel)
        rc = -1;
    else
        d->kernel = xstrdup(kernel);
    if (ramdisk)
        d->ramdisk = xstrdup(ramdisk);
    else if (xlcfg_get(f, "ramdisk"))
        rc = -1;
    if (pool) {
        d->pool = xstrdup(pool);
        d->pool_pos = xlcfg_get(f, "pool")->val.pos;
    } else if (xlcfg_get(f, "pool")) {
        rc = -1;
    }
    if ((kernel && !printable(kernel)) || (ramdisk && !printable(ramdisk))) {
        hl_error(&xlcfg_get(f, kernel && !printable(kernel) ? "kernel" : "ramdisk")->val.pos,
                 "expected a file name without control characters");
        rc = -1;
    }
    return rc;
}

int domain_from_file(struct hl_file *f, const struct hl_options *o, struct hl_domain *d)
{
    int rc = 0;

    memset(d, 0, sizeof(*d));
    d->file = f->path;
    d->pool_idx = -1;
    rc |= domain_basics(f, d);
    rc |= domain_files(f, d);
    rc |= domain_uuid(f, d);
    if (!d->uuid_given)
        random_uuid(d->uuid);
    rc |= domain_cmdline(f, d);
    rc |= domain_cpus(f, o, d);
    rc |= domain_evtchns(f, d);
    domain_warn_unused(f);
    return rc ? -1 : 0;
}

void domain_warn_unused(struct hl_file *f)
{
    for (unsigned int i = 0; i < f->nr; i++)
        if (!f->settings[i].used)
            hl_warn(&f->settings[i].pos, "%s is not a setting hyperlaunch knows; ignored",
                    f->settings[i].key);
}

void domain_free(struct hl_domain *d)
{
    for (unsigned int i = 0; i < d->nr_evtchns; i++)
        free(d->evtchns[i].peer);
    free(d->evtchns);
    free(d->kernel);
    free(d->ramdisk);
    free(d->pool);
}

/* ---- pools ------------------------------------------------------------------ */

static int pool_set(struct hl_pool *p, const char *name, const char *sched,
                    const struct hl_pos *name_pos, const struct hl_pos *sched_pos)
{
    if (!name_ok(name)) {
        hl_error(name_pos, "name: expected 1 to %d letters, digits, '_', '-' or '.', found "
                 "\"%s\"", HL_NAME_LEN - 1, name);
        return -1;
    }
    snprintf(p->name, sizeof(p->name), "%s", name);
    if (sched && !in_list(schedulers, sched)) {
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
        if (parse_cpus_text(v, o, &p->cpus, &all))
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
        if (parse_cpus_text(&v->items[i], o, &one, &all))
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
    const char *name = get_string(f, "name", true), *sched = get_string(f, "sched", false);
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
    char *copy = xstrdup(arg), *c1 = strchr(copy, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
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
