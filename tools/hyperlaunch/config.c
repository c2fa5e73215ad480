/*
 * The configuration as a whole: checks that need every file (one control
 * domain, unique names and domids, pools that exist and do not overlap,
 * event channels whose ends agree), then the numbers the outputs share:
 * domids, phandles and the boot module list.
 */
#include "hyperlaunch.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hl_pos file_pos(const struct hl_domain *d)
{
    struct hl_pos pos = { d->file, 0, 0 };

    return pos;
}

static void check_names_and_control(struct hl_config *c)
{
    for (unsigned int i = 0; i < c->nr_domains; i++) {
        struct hl_domain *d = &c->domains[i];

        for (unsigned int j = 0; j < i; j++) {
            const struct hl_domain *o = &c->domains[j];

            if (!strcmp(o->name, d->name))
                hl_error(&d->name_pos, "name: \"%s\" is already the name of the domain in "
                         "%s", d->name, o->file);
            if (d->control && o->control)
                hl_error(&d->control_pos, "control: at most one control domain; %s (%s) "
                         "is one already", o->name, o->file);
            if (d->domid >= 0 && o->domid == d->domid)
                hl_error(&d->domid_pos, "domid: %ld is already the domid of %s (%s)",
                         d->domid, o->name, o->file);
        }
    }
}

static bool domid_taken(const struct hl_config *c, long domid)
{
    for (unsigned int i = 0; i < c->nr_domains; i++)
        if (c->domains[i].domid == domid)
            return true;
    return false;
}

/* The control domain gets 0 if free; others the lowest free domid from 1. */
static void assign_domids(struct hl_config *c)
{
    for (unsigned int pass = 0; pass < 2; pass++) {
        for (unsigned int i = 0; i < c->nr_domains; i++) {
            struct hl_domain *d = &c->domains[i];
            long id = d->control ? 0 : 1;

            if (d->domid >= 0 || d->control != (pass == 0))
                continue;
            while (domid_taken(c, id))
                id++;
            d->domid = id;
        }
    }
}

static void check_pools(struct hl_config *c, const struct hl_options *o)
{
    char buf[64];

    for (unsigned int i = 0; i < c->nr_pools; i++) {
        struct hl_pool *p = &c->pools[i];

        p->phandle = i + 1;
        if (!strcmp(p->name, HL_BOOT_POOL))
            hl_error(&p->pos, "pool \"%s\" is the boot pool: it has the CPUs no other pool "
                     "takes and cannot be defined", p->name);
        for (unsigned int j = 0; j < i; j++) {
            if (!strcmp(c->pools[j].name, p->name))
                hl_error(&p->pos, "pool \"%s\" is defined twice", p->name);
            else if (cpuset_intersects(&c->pools[j].cpus, &p->cpus))
                hl_error(&p->pos, "pool \"%s\" shares CPUs with pool \"%s\" (a CPU is in "
                         "one pool only)", p->name, c->pools[j].name);
        }
        for (unsigned int cpu = o->nr_cpus; o->nr_cpus && cpu < HL_MAX_CPUS; cpu++)
            if (cpuset_test(&p->cpus, cpu))
                hl_error(&p->pos, "pool \"%s\": CPUs %s go beyond --nr-cpus %u", p->name,
                         cpuset_format(&p->cpus, buf, sizeof(buf)), o->nr_cpus);
    }
}

/* A domain of the boot pool may not be pinned to CPUs another pool takes. */
static void boot_pool_check(const struct hl_config *c, const struct hl_domain *d)
{
    char buf[64];

    for (unsigned int v = 0; v < d->vcpus; v++) {
        for (unsigned int j = 0; d->pinned[v] && j < c->nr_pools; j++) {
            if (cpuset_intersects(&d->affinity[v], &c->pools[j].cpus)) {
                hl_error(&d->cpus_pos, "cpus: vCPU %u is pinned to %s, which includes CPUs "
                         "of pool \"%s\" (the domain is in the boot pool: give pool = ...)",
                         v, cpuset_format(&d->affinity[v], buf, sizeof(buf)),
                         c->pools[j].name);
                return;
            }
        }
    }
}

/* Each domain's pool exists; each pinned vCPU stays inside its pool and the machine. */
static void check_domain_cpus(struct hl_config *c, const struct hl_options *o)
{
    struct hl_cpuset machine;
    char buf[64];

    memset(&machine, 0, sizeof(machine));
    for (unsigned int cpu = 0; cpu < (o->nr_cpus ? o->nr_cpus : HL_MAX_CPUS); cpu++)
        cpuset_set(&machine, cpu);
    for (unsigned int i = 0; i < c->nr_domains; i++) {
        struct hl_domain *d = &c->domains[i];
        const struct hl_pool *p = NULL;

        for (unsigned int j = 0; d->pool && j < c->nr_pools; j++)
            if (!strcmp(c->pools[j].name, d->pool))
                d->pool_idx = (int)j;
        if (d->pool && d->pool_idx < 0 && strcmp(d->pool, HL_BOOT_POOL)) {
            hl_error(&d->pool_pos, "pool: expected the name of a pool given in a cpupool "
                     "file or with --pool, found \"%s\"", d->pool);
            continue;
        }
        if (d->pool_idx >= 0)
            p = &c->pools[d->pool_idx];
        else
            boot_pool_check(c, d);
        for (unsigned int v = 0; v < d->vcpus; v++) {
            if (!d->pinned[v])
                continue;
            if (p && !cpuset_subset(&d->affinity[v], &p->cpus)) {
                hl_error(&d->cpus_pos, "cpus: vCPU %u is pinned to %s, outside pool \"%s\" "
                         "(%s)", v, cpuset_format(&d->affinity[v], buf, sizeof(buf)),
                         p->name, cpuset_format(&p->cpus, buf + 32, sizeof(buf) - 32));
                break;
            }
            if (!cpuset_subset(&d->affinity[v], &machine)) {
                hl_error(&d->cpus_pos, "cpus: vCPU %u is pinned beyond --nr-cpus %u", v,
                         o->nr_cpus);
                break;
            }
        }
    }
}

static int domain_by_name(const struct hl_config *c, const char *name)
{
    for (unsigned int i = 0; i < c->nr_domains; i++)
        if (!strcmp(c->domains[i].name, name))
            return (int)i;
    return -1;
}

static struct hl_evtchn *evtchn_by_port(struct hl_domain *d, unsigned int port)
{
    for (unsigned int i = 0; i < d->nr_evtchns; i++)
        if (d->evtchns[i].port == port)
            return &d->evtchns[i];
    return NULL;
}

/* The other end of e (in domain j); made if only one side wrote the channel. */
static void pair_evtchn(struct hl_config *c, unsigned int i, struct hl_evtchn *e, int j)
{
    struct hl_domain *peer = &c->domains[j];
    struct hl_evtchn *other = evtchn_by_port(peer, e->peer_port);

    if (other) {
        if (strcmp(other->peer, c->domains[i].name) || other->peer_port != e->port)
            hl_error(&e->pos, "evtchn: port %u of %s is already the end of another channel "
                     "(to %s port %u, %s:%d)", e->peer_port, peer->name, other->peer,
                     other->peer_port, other->pos.file, other->pos.line);
        return;
    }
    other = realloc(peer->evtchns, (peer->nr_evtchns + 1) * sizeof(*other));
    if (!other) {
        perror("hyperlaunch");
        exit(2);
    }
    peer->evtchns = other;
    other = &peer->evtchns[peer->nr_evtchns++];
    memset(other, 0, sizeof(*other));
    other->port = e->peer_port;
    other->peer_port = e->port;
    other->peer = strdup(c->domains[i].name);
    other->pos = e->pos;
    other->peer_dom = (int)i;
    if (!other->peer) {
        perror("hyperlaunch");
        exit(2);
    }
}

static void check_evtchns(struct hl_config *c)
{
    uint32_t phandle = c->nr_pools + 1;
    unsigned int before = hl_nr_errors;

    for (unsigned int i = 0; i < c->nr_domains; i++) {
        struct hl_domain *d = &c->domains[i];

        /* nr_evtchns of an earlier peer may grow; d->evtchns may move. */
        for (unsigned int k = 0; k < d->nr_evtchns; k++) {
            struct hl_evtchn *e = &d->evtchns[k];
            int j = domain_by_name(c, e->peer);

            if (j < 0) {
                hl_error(&e->pos, "evtchn: peer: expected the name of a domain, found \"%s\"",
                         e->peer);
                continue;
            }
            if ((unsigned int)j == i) {
                hl_error(&e->pos, "evtchn: peer: a channel joins two different domains");
                continue;
            }
            e->peer_dom = j;
            pair_evtchn(c, i, e, j);
        }
    }
    if (hl_nr_errors != before)
        return;
    for (unsigned int i = 0; i < c->nr_domains; i++)
        for (unsigned int k = 0; k < c->domains[i].nr_evtchns; k++)
            c->domains[i].evtchns[k].phandle = phandle++;
    for (unsigned int i = 0; i < c->nr_domains; i++) {
        for (unsigned int k = 0; k < c->domains[i].nr_evtchns; k++) {
            struct hl_evtchn *e = &c->domains[i].evtchns[k];

            e->peer_phandle = evtchn_by_port(&c->domains[e->peer_dom], e->peer_port)->phandle;
        }
    }
}

/* A unique name under the boot directory, of the characters GRUB takes as they are. */
static void boot_name(struct hl_config *c, struct hl_module *m, unsigned int idx)
{
    const char *base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
    char clean[48];
    size_t n = 0;

    for (; *base && n + 1 < sizeof(clean); base++) {
        char ch = *base;

        clean[n++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ? ch : '_';
    }
    clean[n] = 0;
    snprintf(m->boot_name, sizeof(m->boot_name), "%s", n ? clean : "module");
    for (unsigned int i = 0; i < idx; i++) {
        if (!strcmp(c->modules[i].boot_name, m->boot_name) || !strcmp(m->boot_name, "xen.gz")
            || !strcmp(m->boot_name, "grub")) {
            snprintf(m->boot_name, sizeof(m->boot_name), "%u-%s", idx, n ? clean : "module");
            break;
        }
    }
}

static unsigned int add_module(struct hl_config *c, const char *path, const char *cmdline)
{
    struct hl_module *m = &c->modules[c->nr_modules];

    m->path = path;
    m->cmdline = cmdline;
    boot_name(c, m, c->nr_modules);
    return c->nr_modules++;
}

static void number_modules(struct hl_config *c, const char *blob_path)
{
    c->nr_modules = 0;
    add_module(c, blob_path, "");
    for (unsigned int i = 0; i < c->nr_domains; i++) {
        struct hl_domain *d = &c->domains[i];
        struct hl_pos pos = file_pos(d);

        d->kernel_index = add_module(c, d->kernel, d->cmdline);
        /* The module line holds "/boot/NAME " before the command line. */
        if (strlen("/boot/") + strlen(c->modules[d->kernel_index].boot_name) + 1 +
            strlen(d->cmdline) >= HL_CMDLINE_MAX)
            hl_error(&pos, "the kernel's module line (path and command line) would be longer "
                     "than %d characters", HL_CMDLINE_MAX - 1);
        if (access(d->kernel, R_OK))
            hl_warn(&pos, "kernel %s cannot be read here (fine if it exists where GRUB "
                    "boots)", d->kernel);
        if (d->ramdisk) {
            d->ramdisk_index = add_module(c, d->ramdisk, "");
            if (access(d->ramdisk, R_OK))
                hl_warn(&pos, "ramdisk %s cannot be read here", d->ramdisk);
        }
    }
}

int config_finish(struct hl_config *c, const struct hl_options *o, const char *blob_path)
{
    unsigned int before = hl_nr_errors;

    if (!c->nr_domains) {
        hl_error(NULL, "no domain file given (a domain file has at least name, memory and "
                 "kernel)");
        return -1;
    }
    check_names_and_control(c);
    if (hl_nr_errors == before)
        assign_domids(c);
    check_pools(c, o);
    check_domain_cpus(c, o);
    if (hl_nr_errors == before)
        check_evtchns(c);
    if (hl_nr_errors == before)
        number_modules(c, blob_path);
    return hl_nr_errors == before ? 0 : -1;
}
