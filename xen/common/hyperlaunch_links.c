/*
 * What ties a Hyperlaunch configuration's domains together: CPU pools,
 * static event channels, and the rules across domains (unique ids and
 * names, one control domain, memory that fits all of them).
 */
#include <xen/errno.h>
#include <xen/string.h>
#include <xen/cpumask.h>
#include "hyperlaunch.h"

#define PATH_LEN 96
#define EVTCHN_PORT_MAX 4095U   /* the 2-level ABI's ports for a 32-bit guest */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- CPU pools ----------------------------------------------------------- */

static bool is_under(const struct fdt *f, int node, int ancestor)
{
    if (ancestor < 0)
        return false;
    while (node >= 0 && node != ancestor)
        node = fdt_parent(f, node);
    return node == ancestor;
}

/*
 * A cell of cpupool-cpus names a CPU either by phandle (a node with
 * device_type "cpu" whose reg is the CPU number, as on Arm) or, when no
 * such node has that phandle, directly by number.
 */
static int pool_cell_cpu(struct hl_ctx *c, struct boot_pool *p, uint32_t cell, unsigned int *cpu)
{
    const struct fdt *f = c->fdt;
    int node = fdt_find_phandle(f, cell);
    uint64_t addr, size;
    char path[PATH_LEN];

    if (node < 0 || !fdt_prop_has_string(f, node, "device_type", "cpu")) {
        *cpu = cell;
        return 0;
    }
    if (fdt_node_reg(f, node, 0, &addr, &size) || addr >= NR_CPUS) {
        hl_problem(c, p->path, -1, "cpupool-cpus: %s has no reg that is a CPU number",
                   hl_node_path(f, node, path, sizeof(path)));
        return -EINVAL;
    }
    *cpu = (unsigned int)addr;
    return 0;
}

static void parse_pool_cpus(struct hl_ctx *c, struct boot_pool *p)
{
    const uint8_t *v;
    uint32_t len = 0, i;
    unsigned int cpu;

    v = fdt_get_prop(c->fdt, p->node, "cpupool-cpus", &len);
    if (!v || !len || len % 4) {
        hl_problem(c, p->path, -1, "cpupool-cpus: %s", v ? "must be a list of 32-bit cells"
                                                         : "missing");
        p->valid = false;
        return;
    }
    for (i = 0; i < len / 4; i++) {
        if (pool_cell_cpu(c, p, be32(v + 4 * i), &cpu)) {
            p->valid = false;
            continue;
        }
        if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &c->m->cpus)) {
            hl_problem(c, p->path, -1, "cpupool-cpus: CPU %u is not online", cpu);
            p->valid = false;
            continue;
        }
        cpumask_set_cpu(cpu, &p->cpus);
    }
}

static void parse_pool_sched(struct hl_ctx *c, struct boot_pool *p)
{
    const char *sched;
    unsigned int i;
    int rc = fdt_prop_string(c->fdt, p->node, "cpupool-sched", &sched);

    if (rc == -ENOENT)
        return;
    if (rc) {
        hl_problem(c, p->path, -1, "cpupool-sched: must be one string");
        p->valid = false;
        return;
    }
    for (i = 0; c->m->schedulers && c->m->schedulers[i]; i++)
        if (!strcmp(sched, c->m->schedulers[i]))
            break;
    if (!c->m->schedulers || !c->m->schedulers[i] || strlen(sched) >= sizeof(p->sched)) {
        hl_problem(c, p->path, -1, "cpupool-sched \"%s\": no such scheduler", sched);
        p->valid = false;
        return;
    }
    memcpy(p->sched, sched, strlen(sched) + 1);
}

/* The pool's CPUs may not be in an earlier pool, and must leave one for the boot pool. */
static void check_pool_cpus(struct hl_ctx *c, struct boot_pool *p, cpumask_t *taken)
{
    cpumask_t left;
    unsigned int cpu;

    cpumask_and(&left, &p->cpus, taken);
    cpu = cpumask_first(&left);
    if (cpu < NR_CPUS) {
        hl_problem(c, p->path, -1, "cpupool-cpus: CPU %u is already in another pool", cpu);
        p->valid = false;
        return;
    }
    cpumask_andnot(&left, &c->m->cpus, taken);
    cpumask_andnot(&left, &left, &p->cpus);
    if (cpumask_empty(&left)) {
        hl_problem(c, p->path, -1, "cpupool-cpus: takes the last online CPU, but the boot pool "
                   "needs at least one");
        p->valid = false;
        return;
    }
    cpumask_or(taken, taken, &p->cpus);
}

/* Pools anywhere under /chosen or /cpupools; pool 0 keeps the online CPUs the others leave. */
void hl_parse_pools(struct hl_ctx *c)
{
    const struct fdt *f = c->fdt;
    struct boot_config *cfg = c->cfg;
    int cpupools = fdt_find_node(f, "/cpupools"), node;
    char path[PATH_LEN];
    cpumask_t taken;

    cpumask_clear(&taken);
    for (node = fdt_find_compatible(f, -1, "xen,cpupool"); node >= 0;
         node = fdt_find_compatible(f, node, "xen,cpupool")) {
        struct boot_pool *p;

        if (!is_under(f, node, c->chosen) && !is_under(f, node, cpupools))
            continue;
        if (cfg->nr_pools == BOOT_MAX_POOLS) {
            hl_problem(c, hl_node_path(f, node, path, sizeof(path)), -1,
                       "more than %u CPU pools besides the boot pool", BOOT_MAX_POOLS - 1);
            continue;
        }
        p = &cfg->pools[cfg->nr_pools++];
        p->node = node;
        p->valid = true;
        hl_node_path(f, node, p->path, sizeof(p->path));
        parse_pool_cpus(c, p);
        parse_pool_sched(c, p);
        if (p->valid)
            check_pool_cpus(c, p, &taken);
    }
    cpumask_andnot(&cfg->pools[0].cpus, &c->m->cpus, &taken);
}

int hl_pool_by_node(const struct boot_config *cfg, int node)
{
    unsigned int i;

    for (i = 1; node >= 0 && i < cfg->nr_pools; i++)
        if (cfg->pools[i].node == node)
            return (int)i;
    return -1;
}

/* ---- Static event channels ------------------------------------------------ */

/* One end: a "xen,evtchn-v1" child of a domain node. */
struct ev_end {
    int node;
    int dom;                    /* index in cfg->domains, -1 if not a domain's */
    uint32_t port;
    uint32_t peer_phandle;
    int peer;                   /* node, or negative */
};

static bool is_evtchn(const struct fdt *f, int node)
{
    return fdt_node_is_compatible(f, node, "xen,evtchn-v1") ||
           fdt_node_is_compatible(f, node, "xen,evtchn");
}

static int dom_by_node(const struct boot_config *cfg, int node)
{
    unsigned int i;

    for (i = 0; node >= 0 && i < cfg->nr_domains; i++)
        if (cfg->domains[i].node == node)
            return (int)i;
    return -1;
}

/* Read an end; the reason it is unusable, or NULL. */
static const char *read_end(struct hl_ctx *c, int node, struct ev_end *e)
{
    const struct fdt *f = c->fdt;
    uint32_t len;
    const uint8_t *v = fdt_get_prop(f, node, "xen,evtchn", &len);

    e->node = node;
    e->dom = dom_by_node(c->cfg, fdt_parent(f, node));
    e->peer = -ENOENT;
    if (!v || len != 8)
        return "xen,evtchn: must be <local-port &peer-node> (two 32-bit cells)";
    e->port = be32(v);
    e->peer_phandle = be32(v + 4);
    e->peer = fdt_find_phandle(f, e->peer_phandle);
    if (!e->port || e->port > EVTCHN_PORT_MAX)
        return "xen,evtchn: the local port must be 1 to 4095";
    if (e->peer < 0)
        return "xen,evtchn: the peer phandle names no node";
    if (!is_evtchn(f, e->peer))
        return "xen,evtchn: the peer is not a \"xen,evtchn-v1\" node";
    return NULL;
}

static bool port_used(const struct boot_config *cfg, unsigned int dom, unsigned int port)
{
    unsigned int i;

    for (i = 0; i < cfg->nr_evtchns; i++)
        if ((cfg->evtchns[i].dom_a == dom && cfg->evtchns[i].port_a == port) ||
            (cfg->evtchns[i].dom_b == dom && cfg->evtchns[i].port_b == port))
            return true;
    return false;
}

/* A problem with an end makes both domains it involves invalid. */
static void end_problem(struct hl_ctx *c, const struct ev_end *e, const struct ev_end *peer,
                        const char *why)
{
    char path[PATH_LEN];

    hl_problem(c, hl_node_path(c->fdt, e->node, path, sizeof(path)), e->dom, "%s", why);
    if (peer && peer->dom >= 0)
        c->cfg->domains[peer->dom].valid = false;
}

static void pair_up(struct hl_ctx *c, const struct ev_end *e)
{
    struct boot_config *cfg = c->cfg;
    struct ev_end p;
    struct boot_evtchn *ev;

    if (read_end(c, e->peer, &p)) {
        /* The peer's own turn reports why; it is unusable, so is this end. */
        if (e->dom >= 0)
            cfg->domains[e->dom].valid = false;
        return;
    }
    if (p.dom < 0)
        end_problem(c, e, NULL, "xen,evtchn: the peer is not in a domain node");
    else if (p.peer != e->node)
        end_problem(c, e, &p, "xen,evtchn: the peer does not name this node back");
    else if (e->node > p.node)
        return;                 /* a mutual pair: judged and recorded from its first end */
    else if (p.dom == e->dom)
        end_problem(c, e, &p, "xen,evtchn: both ends are in the same domain");
    else if (port_used(cfg, (unsigned int)e->dom, e->port))
        end_problem(c, e, &p, "xen,evtchn: the local port is already used in this domain");
    else if (port_used(cfg, (unsigned int)p.dom, p.port))
        end_problem(c, &p, e, "xen,evtchn: the local port is already used in this domain");
    else if (cfg->nr_evtchns == BOOT_MAX_EVTCHNS)
        end_problem(c, e, &p, "xen,evtchn: more than 256 static event channels");
    else {
        ev = &cfg->evtchns[cfg->nr_evtchns++];
        ev->dom_a = (unsigned int)e->dom;
        ev->port_a = e->port;
        ev->dom_b = (unsigned int)p.dom;
        ev->port_b = p.port;
    }
}

void hl_parse_evtchns(struct hl_ctx *c)
{
    const struct fdt *f = c->fdt;
    struct ev_end e;
    const char *why;
    unsigned int i;
    int child;

    for (i = 0; i < c->cfg->nr_domains; i++)
        fdt_for_each_child(f, c->cfg->domains[i].node, child) {
            if (!is_evtchn(f, child))
                continue;
            why = read_end(c, child, &e);
            if (why) {
                struct ev_end p = { .dom = e.peer >= 0 ? dom_by_node(c->cfg, fdt_parent(f, e.peer))
                                                       : -1 };

                end_problem(c, &e, &p, why);
            } else {
                pair_up(c, &e);
            }
        }
}

/* A channel to a domain that will not be built cannot be set up either. */
void hl_drop_broken_evtchns(struct boot_config *cfg)
{
    unsigned int i, n = 0;

    for (i = 0; i < cfg->nr_evtchns; i++)
        if (cfg->domains[cfg->evtchns[i].dom_a].valid && cfg->domains[cfg->evtchns[i].dom_b].valid)
            cfg->evtchns[n++] = cfg->evtchns[i];
    cfg->nr_evtchns = n;
}

/* ---- Rules across domains ------------------------------------------------- */

static void check_unique(struct hl_ctx *c, unsigned int i)
{
    struct boot_domain *bd = &c->cfg->domains[i];
    unsigned int j;

    for (j = 0; j < i; j++) {
        const struct boot_domain *o = &c->cfg->domains[j];

        if (bd->domid != BOOT_DOMID_ANY && bd->domid == o->domid)
            hl_problem(c, bd->path, (int)i, "domid %u: already used by %s", bd->domid, o->path);
        if (bd->name[0] && !strcmp(bd->name, o->name))
            hl_problem(c, bd->path, (int)i, "domain-name \"%s\": already used by %s", bd->name,
                       o->path);
        if ((bd->caps & BOOT_CAP_CONTROL) && (o->caps & BOOT_CAP_CONTROL))
            hl_problem(c, bd->path, (int)i, "capabilities: a second control domain (%s is one)",
                       o->path);
    }
}

/* Domains get memory in order; one that does not fit what the valid ones before it left fails. */
void hl_check_domains(struct hl_ctx *c)
{
    struct boot_config *cfg = c->cfg;
    uint64_t left = c->m->ram_bytes >> 10;
    unsigned int i;

    for (i = 0; i < cfg->nr_domains; i++)
        check_unique(c, i);
    for (i = 0; i < cfg->nr_domains; i++) {
        struct boot_domain *bd = &cfg->domains[i];

        if (!bd->valid)
            continue;
        if (bd->mem_kib > left)
            hl_problem(c, bd->path, (int)i, "memory: %llu KiB does not fit in the %llu KiB the "
                       "domains before it leave", (unsigned long long)bd->mem_kib,
                       (unsigned long long)left);
        else
            left -= bd->mem_kib;
    }
}
