/*
 * One domain node of a Hyperlaunch configuration: its properties, its
 * kernel and ramdisk modules and the pinning of its vCPUs, each checked
 * against what the machine has.  Checks that involve other domains (ids,
 * names, the control domain, total memory) are in hyperlaunch_links.c.
 */
#include <xen/errno.h>
#include <xen/string.h>
#include <xen/cpumask.h>
#include "hyperlaunch.h"

#define DOMID_FIRST_RESERVED 0x7FF0U
#define PATH_LEN 96

/* What a domain's pass needs besides the context. */
struct hl_dom {
    struct hl_ctx *c;
    struct boot_domain *bd;
    int idx;
    int kernel_node;            /* the first node of each kind, or -1 */
    int ramdisk_node;
    bool cpus_bad;              /* "cpus" was unusable: vCPU ids cannot be judged */
    bool pool_bad;              /* so was "domain-cpupool": nor can affinities */
};

#define DOM_PROBLEM(d, ...) hl_problem((d)->c, (d)->bd->path, (d)->idx, __VA_ARGS__)

/* "name: must be ..." for a property of the wrong size or shape; true if read. */
static bool read_u32(struct hl_dom *d, const char *name, uint32_t *v)
{
    int rc = fdt_prop_u32(d->c->fdt, d->bd->node, name, v);

    if (rc == -EINVAL)
        DOM_PROBLEM(d, "%s: must be one 32-bit cell", name);
    return !rc;
}

/* A size in KiB that may be one or two cells; true if present and well formed. */
static bool read_kib(struct hl_dom *d, const char *name, uint64_t *v)
{
    int rc = hl_prop_u64_or_u32(d->c->fdt, d->bd->node, name, v);

    if (rc == -EINVAL)
        DOM_PROBLEM(d, "%s: must be a 64-bit (or 32-bit) number of KiB", name);
    return !rc;
}

static void parse_ids(struct hl_dom *d)
{
    const struct fdt *f = d->c->fdt;
    struct boot_domain *bd = d->bd;
    const char *name;
    const void *uuid;
    uint32_t v, len, i;
    int rc;

    bd->domid = BOOT_DOMID_ANY;
    if (read_u32(d, "domid", &v)) {
        if (v >= DOMID_FIRST_RESERVED)
            DOM_PROBLEM(d, "domid %u: must be below %u (0x7ff0 and above are reserved)", v,
                        DOMID_FIRST_RESERVED);
        else
            bd->domid = v;
    }

    rc = fdt_prop_string(f, bd->node, "domain-name", &name);
    if (rc == -EINVAL) {
        DOM_PROBLEM(d, "domain-name: must be one string");
    } else if (!rc) {
        len = (uint32_t)strlen(name);
        for (i = 0; i < len && name[i] > ' ' && name[i] < 0x7f; i++)
            ;
        if (!len || len >= BOOT_NAME_LEN || i != len)
            DOM_PROBLEM(d, "domain-name: must be 1 to %u printable characters without blanks",
                        BOOT_NAME_LEN - 1);
        else
            memcpy(bd->name, name, len + 1);
    }

    uuid = fdt_get_prop(f, bd->node, "domain-uuid", &len);
    if (uuid && len != sizeof(bd->uuid)) {
        DOM_PROBLEM(d, "domain-uuid: must be exactly 16 bytes, not %u", len);
    } else if (uuid) {
        memcpy(bd->uuid, uuid, sizeof(bd->uuid));
        bd->has_uuid = true;
    }
}

static void parse_mode_caps(struct hl_dom *d)
{
    struct boot_domain *bd = d->bd;
    uint32_t v;

    if (read_u32(d, "mode", &v)) {
        bd->mode = v;
        if (v & BOOT_MODE_PV)
            DOM_PROBLEM(d, "mode %#x: PV domains are not supported (only PVH is built)", v);
        else if (v & BOOT_MODE_DM)
            DOM_PROBLEM(d, "mode %#x: device-model (HVM) domains are not supported "
                        "(only PVH is built)", v);
        else if (v)
            DOM_PROBLEM(d, "mode %#x: unknown bits", v);
    }
    if (read_u32(d, "capabilities", &v)) {
        if (v & ~BOOT_CAP_ALL)
            DOM_PROBLEM(d, "capabilities %#x: only CONTROL (1), HARDWARE (2) and XENSTORE (4) "
                        "exist", v);
        else
            bd->caps = v;
    }
}

static void parse_memory(struct hl_dom *d)
{
    struct boot_domain *bd = d->bd;
    uint64_t ram_kib = d->c->m->ram_bytes >> 10;
    bool has_mem = read_kib(d, "memory", &bd->mem_kib);

    if (!has_mem && !fdt_get_prop(d->c->fdt, bd->node, "memory", NULL))
        DOM_PROBLEM(d, "memory: missing (the initial memory in KiB is required)");
    else if (has_mem && !bd->mem_kib)
        DOM_PROBLEM(d, "memory: must not be 0");
    else if (has_mem && bd->mem_kib > ram_kib)
        DOM_PROBLEM(d, "memory: %llu KiB is more than the %llu KiB of RAM free for domains",
                    (unsigned long long)bd->mem_kib, (unsigned long long)ram_kib);
    if (read_kib(d, "mem-min", &bd->mem_min_kib) && has_mem && bd->mem_min_kib > bd->mem_kib)
        DOM_PROBLEM(d, "mem-min: %llu KiB is more than memory (%llu KiB)",
                    (unsigned long long)bd->mem_min_kib, (unsigned long long)bd->mem_kib);
    if (read_kib(d, "mem-max", &bd->mem_max_kib) && has_mem && bd->mem_max_kib < bd->mem_kib)
        DOM_PROBLEM(d, "mem-max: %llu KiB is less than memory (%llu KiB)",
                    (unsigned long long)bd->mem_max_kib, (unsigned long long)bd->mem_kib);
}

static void parse_cpus_pool(struct hl_dom *d)
{
    const struct fdt *f = d->c->fdt;
    struct boot_domain *bd = d->bd;
    char path[PATH_LEN];
    uint32_t v = 0;
    int node, pool;

    bd->nr_vcpus = 1;
    if (read_u32(d, "cpus", &v)) {
        if (!v || v > BOOT_MAX_VCPUS)
            DOM_PROBLEM(d, "cpus %u: must be 1 to %u", v, BOOT_MAX_VCPUS);
        else
            bd->nr_vcpus = v;
    }
    d->cpus_bad = fdt_get_prop(f, bd->node, "cpus", NULL) && bd->nr_vcpus != v;
    if (!read_u32(d, "domain-cpupool", &v)) {
        d->pool_bad = fdt_get_prop(f, bd->node, "domain-cpupool", NULL) != NULL;
        return;
    }
    d->pool_bad = true;
    node = fdt_find_phandle(f, v);
    pool = hl_pool_by_node(d->c->cfg, node);
    if (node < 0)
        DOM_PROBLEM(d, "domain-cpupool: no node has phandle %#x", v);
    else if (pool < 0)
        DOM_PROBLEM(d, "domain-cpupool: %s is not one of the configuration's CPU pools",
                    hl_node_path(f, node, path, sizeof(path)));
    else if (!d->c->cfg->pools[pool].valid)
        DOM_PROBLEM(d, "domain-cpupool: the pool %s is invalid", d->c->cfg->pools[pool].path);
    else {
        bd->pool = (unsigned int)pool;
        d->pool_bad = false;
    }
}

/* Copy src into dst[len]; false (and dst unchanged) if it does not fit. */
static bool copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);

    if (n >= len)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static void module_by_index(struct hl_dom *d, int node, const char *path, struct boot_mod_ref *ref)
{
    const struct boot_machine *m = d->c->m;
    uint32_t v;

    if (fdt_prop_u32(d->c->fdt, node, "module-index", &v)) {
        hl_problem(d->c, path, d->idx, "module-index: must be one 32-bit cell");
    } else if (v >= m->nr_modules) {
        hl_problem(d->c, path, d->idx, "module-index %u: the boot loader gave only %u module(s)",
                   v, m->nr_modules);
    } else if ((int)v == d->c->cfg->config_module) {
        hl_problem(d->c, path, d->idx, "module-index %u: that is the configuration itself", v);
    } else if (m->modules[v].end <= m->modules[v].start) {
        hl_problem(d->c, path, d->idx, "module-index %u: the module is empty", v);
    } else {
        ref->present = true;
        ref->index = (int)v;
        ref->start = m->modules[v].start;
        ref->size = m->modules[v].end - m->modules[v].start;
        copy_str(ref->cmdline, sizeof(ref->cmdline), hl_cmdline_after_path(m->modules[v].cmdline));
    }
}

/* A range given by reg must lie inside one module; a whole module brings its command line. */
static void module_by_reg(struct hl_dom *d, int node, const char *path, struct boot_mod_ref *ref)
{
    const struct boot_machine *m = d->c->m;
    uint64_t addr, size, a2, s2;
    unsigned int i;

    if (fdt_node_reg(d->c->fdt, node, 0, &addr, &size)) {
        hl_problem(d->c, path, d->idx, "reg: malformed (one address and one size, in the cells "
                   "the parent's #address-cells and #size-cells say)");
        return;
    }
    if (!fdt_node_reg(d->c->fdt, node, 1, &a2, &s2)) {
        hl_problem(d->c, path, d->idx, "reg: must be exactly one range");
        return;
    }
    if (!size || addr + size < addr) {
        hl_problem(d->c, path, d->idx, "reg <%#llx %#llx>: not a usable range",
                   (unsigned long long)addr, (unsigned long long)size);
        return;
    }
    for (i = 0; i < m->nr_modules; i++)
        if (addr >= m->modules[i].start && addr + size <= m->modules[i].end)
            break;
    if (i == m->nr_modules) {
        hl_problem(d->c, path, d->idx, "reg <%#llx %#llx>: not inside any boot module",
                   (unsigned long long)addr, (unsigned long long)size);
    } else if ((int)i == d->c->cfg->config_module) {
        hl_problem(d->c, path, d->idx, "reg <%#llx %#llx>: inside the configuration module",
                   (unsigned long long)addr, (unsigned long long)size);
    } else {
        ref->present = true;
        ref->index = -1;
        ref->start = addr;
        ref->size = size;
        if (addr == m->modules[i].start && addr + size == m->modules[i].end)
            copy_str(ref->cmdline, sizeof(ref->cmdline),
                     hl_cmdline_after_path(m->modules[i].cmdline));
    }
}

static void parse_module(struct hl_dom *d, int node, const char *path, struct boot_mod_ref *ref,
                         int *seen, const char *what)
{
    bool by_index = fdt_get_prop(d->c->fdt, node, "module-index", NULL) != NULL;
    bool by_reg = fdt_get_prop(d->c->fdt, node, "reg", NULL) != NULL;

    if (*seen >= 0) {
        hl_problem(d->c, path, d->idx, "a second %s node", what);
        return;
    }
    *seen = node;
    if (by_index == by_reg)
        hl_problem(d->c, path, d->idx, "needs exactly one of module-index and reg");
    else if (by_index)
        module_by_index(d, node, path, ref);
    else
        module_by_reg(d, node, path, ref);
}

/* The first CPU of a that is not in b, or NR_CPUS. */
static unsigned int first_outside(const cpumask_t *a, const cpumask_t *b)
{
    cpumask_t t;

    cpumask_andnot(&t, a, b);
    return cpumask_first(&t);
}

static void parse_vcpu(struct hl_dom *d, int node, const char *path)
{
    const struct fdt *f = d->c->fdt;
    struct boot_domain *bd = d->bd;
    const struct boot_pool *pool = &d->c->cfg->pools[bd->pool];
    const char *list;
    cpumask_t mask;
    uint32_t id;
    unsigned int cpu;

    if (fdt_prop_u32(f, node, "id", &id)) {
        hl_problem(d->c, path, d->idx, "id: missing or not one 32-bit cell");
        return;
    }
    if (d->cpus_bad)
        return;                 /* the domain is already invalid for its "cpus" */
    if (id >= bd->nr_vcpus) {
        hl_problem(d->c, path, d->idx, "id %u: the domain has %u vCPU(s)", id, bd->nr_vcpus);
        return;
    }
    if (boot_vcpu_pinned(bd, id)) {
        hl_problem(d->c, path, d->idx, "id %u: this vCPU is already pinned by another node", id);
        return;
    }
    if (fdt_prop_string(f, node, "hard-affinity", &list)) {
        hl_problem(d->c, path, d->idx, "hard-affinity: missing or not one string");
        return;
    }
    if (cpumask_parse_list(list, &mask)) {
        hl_problem(d->c, path, d->idx, "hard-affinity \"%s\": not a CPU list such as \"0-3,6\"",
                   list);
        return;
    }
    cpu = first_outside(&mask, &d->c->m->cpus);
    if (cpu < NR_CPUS) {
        hl_problem(d->c, path, d->idx, "hard-affinity \"%s\": CPU %u is not online", list, cpu);
        return;
    }
    cpu = first_outside(&mask, &pool->cpus);
    if (cpu < NR_CPUS && !d->pool_bad) {
        hl_problem(d->c, path, d->idx, "hard-affinity \"%s\": CPU %u is not in the domain's "
                   "pool %s", list, cpu, pool->path);
        return;
    }
    bd->vcpu_hard[id] = mask;
    bd->vcpu_pinned[id / 8] |= (uint8_t)(1u << (id % 8));
}

static bool is_evtchn_node(const struct fdt *f, int node)
{
    return fdt_node_is_compatible(f, node, "xen,evtchn-v1") ||
           fdt_node_is_compatible(f, node, "xen,evtchn");
}

static void parse_children(struct hl_dom *d)
{
    const struct fdt *f = d->c->fdt;
    char path[PATH_LEN];
    const char *compat;
    int child, rc;

    fdt_for_each_child(f, d->bd->node, child) {
        rc = fdt_prop_string_index(f, child, "compatible", 0, &compat);
        if (rc == -ENOENT)
            continue;           /* not ours to judge: no compatible, no meaning */
        hl_node_path(f, child, path, sizeof(path));
        if (fdt_node_is_compatible(f, child, "multiboot,kernel"))
            parse_module(d, child, path, &d->bd->kernel, &d->kernel_node, "kernel");
        else if (fdt_node_is_compatible(f, child, "multiboot,ramdisk"))
            parse_module(d, child, path, &d->bd->ramdisk, &d->ramdisk_node, "ramdisk");
        else if (fdt_node_is_compatible(f, child, "xen,vcpu"))
            parse_vcpu(d, child, path);
        else if (is_evtchn_node(f, child))
            continue;           /* hyperlaunch_links.c pairs them up */
        else if (rc)
            hl_problem(d->c, path, d->idx, "compatible: not a list of strings");
        else
            hl_problem(d->c, path, d->idx, "unknown compatible \"%s\"", compat);
    }
}

/* The module's own command line wins; the kernel node's bootargs stand in for an empty one. */
static void choose_cmdline(struct hl_dom *d)
{
    struct boot_domain *bd = d->bd;
    char path[PATH_LEN];
    const char *args;
    int rc;

    if (d->kernel_node < 0) {
        DOM_PROBLEM(d, "no kernel (a child node with compatible \"multiboot,kernel\")");
        return;
    }
    rc = fdt_prop_string(d->c->fdt, d->kernel_node, "bootargs", &args);
    hl_node_path(d->c->fdt, d->kernel_node, path, sizeof(path));
    if (rc == -EINVAL)
        hl_problem(d->c, path, d->idx, "bootargs: must be one string");
    else if (!rc && !copy_str(bd->cmdline, sizeof(bd->cmdline), args))
        hl_problem(d->c, path, d->idx, "bootargs: longer than %u characters",
                   (unsigned int)sizeof(bd->cmdline) - 1);
    if (bd->kernel.cmdline[0])
        memcpy(bd->cmdline, bd->kernel.cmdline, sizeof(bd->cmdline));
}

void hl_parse_domain(struct hl_ctx *c, int node, unsigned int idx)
{
    struct hl_dom d = { .c = c, .bd = &c->cfg->domains[idx], .idx = (int)idx, .kernel_node = -1,
                       .ramdisk_node = -1 };

    d.bd->valid = true;
    d.bd->node = node;
    hl_node_path(c->fdt, node, d.bd->path, sizeof(d.bd->path));
    d.bd->kernel.index = d.bd->ramdisk.index = -1;
    parse_ids(&d);
    parse_mode_caps(&d);
    parse_memory(&d);
    parse_cpus_pool(&d);
    parse_children(&d);
    choose_cmdline(&d);
}
