/*
 * Boot domains: choose Hyperlaunch or the classic layout, validate the
 * whole configuration before anything is built, make the CPU pools, build
 * every valid domain paused, wire the static event channels, then start
 * them all together.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/bootdomain.h>
#include <xen/boot_params.h>
#include <xen/domain.h>
#include <xen/event.h>
#include <xen/launch.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>

/* hyperlaunch=strict: a configuration with any problem builds nothing. */
static char opt_hyperlaunch[16] = "";
string_param("hyperlaunch", opt_hyperlaunch);

static const char *scheduler_names[8];

static unsigned int config_order(void)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < sizeof(struct boot_config))
        order++;
    return order;
}

/* dom0_mem= resolved against the memory there is: bytes, 0 = default. */
static uint64_t dom0_mem_bytes(uint64_t avail)
{
    int64_t want = opt_dom0_mem.amount;
    uint64_t bytes;

    if (!opt_dom0_mem.set || !want)
        return 0;
    bytes = want > 0 ? (uint64_t)want
                     : ((uint64_t)-want < avail ? avail - (uint64_t)-want : 0);
    if (opt_dom0_mem.min > 0 && bytes < (uint64_t)opt_dom0_mem.min)
        bytes = (uint64_t)opt_dom0_mem.min;
    if (opt_dom0_mem.max > 0 && bytes > (uint64_t)opt_dom0_mem.max)
        bytes = (uint64_t)opt_dom0_mem.max;
    return bytes ? bytes : 1;
}

/* Xen's rule: one vCPU per CPU, raised to dom0_max_vcpus=<min> and capped at <max>. */
static unsigned int dom0_vcpus(const struct boot_machine *m)
{
    unsigned int n = cpumask_weight(&m->cpus);

    if (opt_dom0_max_vcpus_min > n)
        n = opt_dom0_max_vcpus_min;
    if (opt_dom0_max_vcpus_max && opt_dom0_max_vcpus_max < n)
        n = opt_dom0_max_vcpus_max;
    return n;
}

/* Pools 1.. of the configuration: created, and their CPUs taken from pool 0. */
static int make_pools(struct boot_config *cfg)
{
    unsigned int i, cpu;
    int rc;

    for (i = 1; i < cfg->nr_pools; i++) {
        struct boot_pool *p = &cfg->pools[i];

        if (!p->valid)
            continue;
        rc = cpupool_create(i, p->sched[0] ? p->sched : sched_default_name());
        for_each_cpu(cpu, &p->cpus) {
            if (rc)
                break;
            rc = cpupool_unassign_cpu(CPUPOOL_ID_BOOT, cpu);
            if (!rc)
                rc = cpupool_assign_cpu(i, cpu);
        }
        if (rc) {
            printk(XENLOG_ERR "Hyperlaunch: %s: cannot make the pool: error %d\n", p->path, rc);
            p->valid = false;
        }
    }
    return 0;
}

static void bind_evtchns(const struct boot_config *cfg, struct domain *const *built)
{
    unsigned int i;

    for (i = 0; i < cfg->nr_evtchns; i++) {
        const struct boot_evtchn *e = &cfg->evtchns[i];
        struct domain *a = built[e->dom_a], *b = built[e->dom_b];
        int rc;

        if (!a || !b)
            continue;
        rc = evtchn_bind_static(a, e->port_a, b, e->port_b);
        if (rc)
            printk(XENLOG_ERR "Hyperlaunch: event channel d%u:%u <-> d%u:%u: error %d\n",
                   a->domain_id, e->port_a, b->domain_id, e->port_b, rc);
        else
            printk("Hyperlaunch: event channel d%u:%u <-> d%u:%u\n", a->domain_id, e->port_a,
                   b->domain_id, e->port_b);
    }
}

unsigned int launch_boot_domains(const struct boot_info *bi)
{
    static struct domain *built[BOOT_MAX_DOMAINS];
    struct boot_machine m = { 0 };
    struct boot_config *cfg;
    unsigned int i, n = 0;
    int idx, rc = 0;
    uint64_t before = domain_host_free_pages();

    if (!bi->nr_modules) {
        printk("No boot modules: no domain to build\n");
        return 0;
    }
    cfg = alloc_xenheap_pages(config_order());
    if (!cfg) {
        printk(XENLOG_ERR "Boot domains: no memory for the configuration\n");
        return 0;
    }
    m.cpus = cpu_online_map;
    m.ram_bytes = before << PAGE_SHIFT;
    m.modules = bi->modules;
    m.nr_modules = bi->nr_modules;
    for (i = 0; i + 1 < ARRAY_SIZE(scheduler_names) && sched_name_at(i); i++)
        scheduler_names[i] = sched_name_at(i);
    m.schedulers = scheduler_names;
    m.hvm = hvm_enabled;

    idx = hyperlaunch_find_config(bi->modules, bi->nr_modules);
    if (idx >= 0) {
        printk("Hyperlaunch: configuration in module %d\n", idx);
        rc = hyperlaunch_parse(maddr_to_virt(bi->modules[idx].start),
                               (size_t)(bi->modules[idx].end - bi->modules[idx].start), idx, &m,
                               cfg);
        if (rc && !strcmp(opt_hyperlaunch, "strict")) {
            printk(XENLOG_ERR "Hyperlaunch: hyperlaunch=strict and the configuration has "
                              "problems: no domain is built\n");
            goto out;
        }
    } else {
        classic_config(&m, dom0_mem_bytes(m.ram_bytes), dom0_vcpus(&m), cfg);
    }
    if (!hvm_enabled) {
        printk(XENLOG_ERR "Boot domains: no HVM support: no domain is built\n");
        goto out;
    }

    make_pools(cfg);
    for (i = 0; i < cfg->nr_domains; i++) {
        const struct boot_domain *bd = &cfg->domains[i];

        built[i] = NULL;
        if (!bd->valid || !cfg->pools[bd->pool].valid)
            continue;
        built[i] = domain_build(bd, bd->pool);
        if (built[i])
            n++;
    }
    bind_evtchns(cfg, built);
    printk("%s: %u of %u domain(s) built; host free memory %lu -> %lu pages\n",
           cfg->hyperlaunch ? "Hyperlaunch" : "Classic boot", n, cfg->nr_domains,
           (unsigned long)before, (unsigned long)domain_host_free_pages());
    /* All together. */
    for (i = 0; i < cfg->nr_domains; i++)
        if (built[i])
            domain_unpause(built[i]);
out:
    free_xenheap_pages(cfg, config_order());
    return n;
}
