/*
 * The meaning of one parsed domain file: the xl.cfg subset in
 * docs/man/xl.cfg.5.md plus our control, domid and evtchn keys.  Each
 * value is checked here; checks across files are in config.c.
 */
#include "hyperlaunch.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static int get_name(struct hl_file *f, char *name, struct hl_pos *where)
{
    const char *s = setting_string(f, "name", true);
    struct hl_setting *st = xlcfg_get(f, "name");

    if (!s)
        return -1;
    *where = st->val.pos;
    if (!setting_name_ok(s)) {
        hl_error(where, "name: expected 1 to %d letters, digits, '_', '-' or '.', found \"%s\"",
                 HL_NAME_LEN - 1, s);
        return -1;
    }
    snprintf(name, HL_NAME_LEN, "%s", s);
    return 0;
}

/* ---- cpus ------------------------------------------------------------------ */

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
        if (setting_cpus(&st->val, o, &set, &all))
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
        if (setting_cpus(&st->val.items[v], o, &set, &all))
            return -1;
        d->pinned[v] = !all;
        d->affinity[v] = set;
    }
    return 0;
}

/* ---- uuid, cmdline, event channels ------------------------------------------ */

static int domain_uuid(struct hl_file *f, struct hl_domain *d)
{
    const char *s = setting_string(f, "uuid", false);
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
    const char *cmd = setting_string(f, "cmdline", false);
    const char *root = setting_string(f, "root", false);
    const char *extra = setting_string(f, "extra", false);
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
                 "found %s", setting_type_name(v));
        return -1;
    }
    copy = hl_strdup(v->text);
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
            if (!setting_name_ok(eq)) {
                hl_error(&v->pos, "evtchn: peer: expected a domain name, found \"%s\"", eq);
                goto out;
            }
            free(e->peer);
            e->peer = hl_strdup(eq);
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
    const char *type = setting_string(f, "type", false);
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
    switch (setting_uint(f, "memory", 1, 1ULL << 30, &d->mem_mib)) {
    case 1:
        hl_error(&(struct hl_pos){ f->path, 0, 0 }, "no memory = ... setting (MiB; it is "
                 "required)");
        rc = -1;
        break;
    case -1:
        rc = -1;
    }
    if (setting_uint(f, "maxmem", 1, 1ULL << 30, &d->maxmem_mib) < 0)
        rc = -1;
    if (d->maxmem_mib && d->mem_mib && d->maxmem_mib < d->mem_mib) {
        hl_error(&xlcfg_get(f, "maxmem")->val.pos, "maxmem: expected at least memory (%llu),"
                 " found %llu", (unsigned long long)d->mem_mib,
                 (unsigned long long)d->maxmem_mib);
        rc = -1;
    }
    d->vcpus = 1;
    switch (setting_uint(f, "vcpus", 1, HL_MAX_VCPUS, &v)) {
    case 0: d->vcpus = (unsigned int)v; break;
    case -1: rc = -1;
    }
    d->domid = -1;
    switch (setting_uint(f, "domid", 0, HL_MAX_DOMID, &v)) {
    case 0:
        d->domid = (long)v;
        d->domid_pos = xlcfg_get(f, "domid")->val.pos;
        break;
    case -1: rc = -1;
    }
    switch (setting_uint(f, "control", 0, 1, &v)) {
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
    const char *kernel = setting_string(f, "kernel", true);
    const char *ramdisk = setting_string(f, "ramdisk", false);
    const char *pool = setting_string(f, "pool", false);
    int rc = 0;

    if (!kernel)
        rc = -1;
    else
        d->kernel = hl_strdup(kernel);
    if (ramdisk)
        d->ramdisk = hl_strdup(ramdisk);
    else if (xlcfg_get(f, "ramdisk"))
        rc = -1;
    if (pool) {
        d->pool = hl_strdup(pool);
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
