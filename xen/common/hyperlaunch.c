/*
 * Hyperlaunch configuration reader: finding the configuration among the
 * boot modules, the pass over it that fills struct boot_config, the
 * report, and the classic (no configuration) equivalent.
 *
 * The whole configuration is read twice when it has problems: a first
 * pass counts them, so that the report's heading can say how many there
 * are before the second pass prints each one.  Both passes see the same
 * blob and machine, so they find the same problems.
 */
#include <xen/errno.h>
#include <xen/string.h>
#include <xen/mm.h>
#include "hyperlaunch.h"

/* Names and strings come from the blob: keep control characters off the console. */
static void hl_printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            *s = '?';
}

void hl_problem(struct hl_ctx *c, const char *path, int dom, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    c->cfg->nr_problems++;
    if (dom >= 0 && (unsigned int)dom < c->cfg->nr_domains)
        c->cfg->domains[dom].valid = false;
    if (!c->emit)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hl_printable(msg);
    printk(XENLOG_ERR "Hyperlaunch: %s: %s\n", path, msg);
}

const char *hl_node_path(const struct fdt *fdt, int node, char *buf, size_t len)
{
    int chain[FDT_MAX_DEPTH + 1];
    unsigned int n = 0;
    size_t pos = 0;

    for (; node >= 0 && node != fdt_root(fdt) && n < ARRAY_SIZE(chain); node = fdt_parent(fdt, node))
        chain[n++] = node;
    buf[0] = '\0';
    if (!n)
        snprintf(buf, len, "/");
    while (n && pos < len) {
        int w = snprintf(buf + pos, len - pos, "/%s", fdt_node_name(fdt, chain[--n]));

        if (w < 0)
            break;
        pos += (size_t)w;
    }
    hl_printable(buf);
    return buf;
}

int hl_prop_u64_or_u32(const struct fdt *fdt, int node, const char *name, uint64_t *val)
{
    uint32_t v32;
    int rc = fdt_prop_u64(fdt, node, name, val);

    if (rc != -EINVAL)
        return rc;
    rc = fdt_prop_u32(fdt, node, name, &v32);
    if (!rc)
        *val = v32;
    return rc;
}

/* GRUB's module command lines start with the file's path; the rest is the kernel's. */
const char *hl_cmdline_after_path(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int hyperlaunch_find_config(const struct boot_module *mods, unsigned int nr_mods)
{
    unsigned int i;

    for (i = 0; i < nr_mods; i++) {
        if (mods[i].end < mods[i].start + sizeof(uint32_t))
            continue;
        if (fdt_has_magic(maddr_to_virt(mods[i].start), (size_t)(mods[i].end - mods[i].start)))
            return (int)i;
    }
    return -1;
}

static void init_config(struct boot_config *cfg, int config_module, const struct boot_machine *m)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->config_module = config_module;
    cfg->nr_pools = 1;
    cfg->pools[0].node = -1;
    snprintf(cfg->pools[0].path, sizeof(cfg->pools[0].path), "(boot pool)");
    cfg->pools[0].cpus = m->cpus;
    cfg->pools[0].valid = true;
}

static bool is_known_hv_child(const struct fdt *f, int node)
{
    return fdt_node_is_compatible(f, node, "xen,domain") ||
           fdt_node_is_compatible(f, node, "xen,config") ||
           fdt_node_is_compatible(f, node, "xen,cpupool");
}

/* Children of /chosen/hypervisor must all be things this reader knows. */
static void check_hv_children(struct hl_ctx *c)
{
    const struct fdt *f = c->fdt;
    char path[96];
    const char *compat;
    int child;

    fdt_for_each_child(f, c->hv, child) {
        int rc = fdt_prop_string_index(f, child, "compatible", 0, &compat);

        if (rc == -ENOENT || is_known_hv_child(f, child))
            continue;
        hl_node_path(f, child, path, sizeof(path));
        if (rc)
            hl_problem(c, path, -1, "compatible: not a list of strings");
        else
            hl_problem(c, path, -1, "unknown compatible \"%s\" (expected \"xen,domain\", "
                       "\"xen,config\" or \"xen,cpupool\")", compat);
    }
}

/* The first "xen,config" node under the hypervisor node or /chosen. */
static void parse_xen_config(struct hl_ctx *c)
{
    const struct fdt *f = c->fdt;
    int parents[2] = { c->hv, c->chosen }, child;
    const char *args;
    char path[96];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(parents); i++)
        fdt_for_each_child(f, parents[i], child) {
            int rc;

            if (!fdt_node_is_compatible(f, child, "xen,config"))
                continue;
            hl_node_path(f, child, path, sizeof(path));
            rc = fdt_prop_string(f, child, "bootargs", &args);
            if (rc == -EINVAL)
                hl_problem(c, path, -1, "bootargs: must be one string");
            else if (!rc && strlen(args) >= sizeof(c->cfg->xen_bootargs))
                hl_problem(c, path, -1, "bootargs: longer than %u characters",
                           (unsigned int)sizeof(c->cfg->xen_bootargs) - 1);
            else if (!rc)
                memcpy(c->cfg->xen_bootargs, args, strlen(args) + 1);
            return;
        }
}

/* Domain nodes: children of the hypervisor node, then dom0less-style children of /chosen. */
static void parse_domains(struct hl_ctx *c)
{
    const struct fdt *f = c->fdt;
    int parents[2] = { c->hv, c->chosen }, node;
    char path[96];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(parents); i++)
        fdt_for_each_child(f, parents[i], node) {
            if (!fdt_node_is_compatible(f, node, "xen,domain"))
                continue;
            if (c->cfg->nr_domains == BOOT_MAX_DOMAINS) {
                hl_problem(c, hl_node_path(f, node, path, sizeof(path)), -1,
                           "more than %u domains: this one is not built", BOOT_MAX_DOMAINS);
                continue;
            }
            hl_parse_domain(c, node, c->cfg->nr_domains++);
        }
}

static void parse_pass(struct hl_ctx *c)
{
    struct boot_config *cfg = c->cfg;
    unsigned int i;

    c->chosen = fdt_find_node(c->fdt, "/chosen");
    c->hv = fdt_find_child(c->fdt, c->chosen, "hypervisor");
    if (c->hv >= 0 && !fdt_node_is_compatible(c->fdt, c->hv, "hypervisor,xen")) {
        hl_problem(c, "/chosen/hypervisor", -1,
                   "compatible: must be \"hypervisor,xen\"; its children are ignored");
        c->hv = -ENOENT;
    }
    if (c->hv >= 0)
        check_hv_children(c);
    parse_xen_config(c);
    hl_parse_pools(c);
    parse_domains(c);
    if (!cfg->nr_domains)
        hl_problem(c, c->chosen >= 0 ? "/chosen" : "/", -1,
                   "no domain (a node with compatible \"xen,domain\" under /chosen/hypervisor "
                   "or /chosen)");
    if (!c->m->hvm && cfg->nr_domains) {
        hl_problem(c, "/", -1, "this machine offers no hardware virtualisation (VT-x or AMD-V "
                   "with nested paging): no PVH domain can run");
        for (i = 0; i < cfg->nr_domains; i++)
            cfg->domains[i].valid = false;
    }
    hl_parse_evtchns(c);
    hl_check_domains(c);
    hl_drop_broken_evtchns(cfg);
}

static void print_summary(const struct boot_config *cfg)
{
    unsigned int i, valid = 0;

    for (i = 0; i < cfg->nr_domains; i++)
        valid += cfg->domains[i].valid;
    if (!cfg->nr_problems) {
        printk("Hyperlaunch: configuration (module %d): %u domain(s), %u CPU pool(s), "
               "%u event channel(s), no problem found\n", cfg->config_module, cfg->nr_domains,
               cfg->nr_pools, cfg->nr_evtchns);
        return;
    }
    if (!valid) {
        printk(XENLOG_ERR "Hyperlaunch: none of the %u domain(s) will be built\n",
               cfg->nr_domains);
        return;
    }
    printk(XENLOG_ERR "Hyperlaunch: %u of %u domain(s) will still be built:\n", valid,
           cfg->nr_domains);
    for (i = 0; i < cfg->nr_domains; i++)
        if (cfg->domains[i].valid)
            printk(XENLOG_ERR "Hyperlaunch:   %s%s%s%s\n", cfg->domains[i].path,
                   cfg->domains[i].name[0] ? " (" : "", cfg->domains[i].name,
                   cfg->domains[i].name[0] ? ")" : "");
}

int hyperlaunch_parse(const void *blob, size_t size, int config_module,
                      const struct boot_machine *m, struct boot_config *cfg)
{
    struct fdt fdt;
    struct hl_ctx c = { .fdt = &fdt, .m = m, .cfg = cfg };
    const char *err = "";
    int rc;

    init_config(cfg, config_module, m);
    cfg->hyperlaunch = true;
    rc = fdt_check(&fdt, blob, size, &err);
    if (rc) {
        cfg->nr_problems = 1;
        printk(XENLOG_ERR "Hyperlaunch: 1 problem(s) in the configuration (module %d):\n",
               config_module);
        printk(XENLOG_ERR "Hyperlaunch: /: %s: %s\n",
               rc == -ENOEXEC ? "not a flattened device tree" : "malformed device tree", err);
        printk(XENLOG_ERR "Hyperlaunch: no domain will be built\n");
        return rc == -ENOEXEC ? -ENOEXEC : -EINVAL;
    }
    parse_pass(&c);
    if (cfg->nr_problems) {
        printk(XENLOG_ERR "Hyperlaunch: %u problem(s) in the configuration (module %d):\n",
               cfg->nr_problems, config_module);
        init_config(cfg, config_module, m);
        cfg->hyperlaunch = true;
        c.emit = true;
        parse_pass(&c);
    }
    print_summary(cfg);
    return cfg->nr_problems ? -EINVAL : 0;
}

/* Xen's rule for dom0 without dom0_mem=: all free RAM but 1/16 of it, at most 128 MiB kept. */
static uint64_t classic_default_mem(uint64_t ram)
{
    uint64_t reserve = ram / 16;

    return ram - (reserve < MB(128) ? reserve : MB(128));
}

static void classic_module(const struct boot_machine *m, unsigned int i, struct boot_mod_ref *ref)
{
    const char *args = hl_cmdline_after_path(m->modules[i].cmdline);

    ref->present = true;
    ref->index = (int)i;
    ref->start = m->modules[i].start;
    ref->size = m->modules[i].end > m->modules[i].start ? m->modules[i].end - m->modules[i].start
                                                        : 0;
    snprintf(ref->cmdline, sizeof(ref->cmdline), "%s", args);
}

void classic_config(const struct boot_machine *m, uint64_t dom0_mem_bytes,
                    unsigned int dom0_vcpus, struct boot_config *cfg)
{
    struct boot_domain *bd = &cfg->domains[0];
    unsigned int online = cpumask_weight(&m->cpus);
    uint64_t mem;

    init_config(cfg, -1, m);
    if (!m->nr_modules) {
        printk(XENLOG_ERR "Classic boot: no boot module, so no control domain to build\n");
        return;
    }
    cfg->nr_domains = 1;
    bd->valid = m->hvm;
    bd->node = -1;
    snprintf(bd->path, sizeof(bd->path), "(classic dom0)");
    bd->domid = 0;
    snprintf(bd->name, sizeof(bd->name), "Domain-0");
    bd->caps = BOOT_CAP_ALL;
    mem = dom0_mem_bytes ? dom0_mem_bytes : classic_default_mem(m->ram_bytes);
    if (mem > m->ram_bytes)
        mem = m->ram_bytes;
    bd->mem_kib = mem >> 10;
    /* As in Xen: dom0_max_vcpus= may give more vCPUs than there are CPUs. */
    bd->nr_vcpus = dom0_vcpus ? dom0_vcpus : online;
    if (bd->nr_vcpus > BOOT_MAX_VCPUS)
        bd->nr_vcpus = BOOT_MAX_VCPUS;
    if (!bd->nr_vcpus)
        bd->nr_vcpus = 1;
    classic_module(m, 0, &bd->kernel);
    if (m->nr_modules > 1)
        classic_module(m, 1, &bd->ramdisk);
    memcpy(bd->cmdline, bd->kernel.cmdline, sizeof(bd->cmdline));
    if (!bd->valid) {
        cfg->nr_problems = 1;
        printk(XENLOG_ERR "Classic boot: this machine offers no hardware virtualisation "
               "(VT-x or AMD-V with nested paging): the control domain cannot run\n");
    }
}

/*
 * Early boot, before the command line is parsed: the "xen,config" node's
 * bootargs of the configuration module, if there is one and it is a valid
 * tree.  Problems are left to hyperlaunch_parse()'s report.
 */
void hyperlaunch_xen_bootargs(const struct boot_module *mods, unsigned int nr_mods, char *buf,
                              size_t len)
{
    int idx = hyperlaunch_find_config(mods, nr_mods);
    const char *err, *args;
    struct fdt fdt;
    int parents[2], child;
    unsigned int i;

    buf[0] = '\0';
    if (idx < 0 || fdt_check(&fdt, maddr_to_virt(mods[idx].start),
                             (size_t)(mods[idx].end - mods[idx].start), &err))
        return;
    parents[1] = fdt_find_node(&fdt, "/chosen");
    parents[0] = fdt_find_child(&fdt, parents[1], "hypervisor");
    for (i = 0; i < ARRAY_SIZE(parents); i++)
        fdt_for_each_child(&fdt, parents[i], child)
            if (fdt_node_is_compatible(&fdt, child, "xen,config")) {
                if (!fdt_prop_string(&fdt, child, "bootargs", &args) && strlen(args) < len)
                    memcpy(buf, args, strlen(args) + 1);
                return;
            }
}
