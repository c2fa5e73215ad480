/* --print (what was understood, for people) and --list-modules (for scripts). */
#include "hyperlaunch.h"

static void print_uuid(FILE *out, const uint8_t *u)
{
    for (unsigned int i = 0; i < 16; i++)
        fprintf(out, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u[i]);
}

static void print_domain(FILE *out, const struct hl_config *c, const struct hl_domain *d)
{
    char buf[4 * HL_MAX_CPUS];

    fprintf(out, "domain %s (%s)\n", d->name, d->file);
    fprintf(out, "  domid         %ld%s\n", d->domid, d->control ? " (control domain)" : "");
    fprintf(out, "  uuid          ");
    print_uuid(out, d->uuid);
    fprintf(out, "%s\n", d->uuid_given ? "" : " (generated)");
    fprintf(out, "  memory        %llu MiB, max %llu MiB\n", (unsigned long long)d->mem_mib,
            (unsigned long long)(d->maxmem_mib ? d->maxmem_mib : d->mem_mib));
    fprintf(out, "  vcpus         %u\n", d->vcpus);
    for (unsigned int v = 0; v < d->vcpus; v++)
        if (d->pinned[v])
            fprintf(out, "  vcpu %-8u on CPUs %s\n", v,
                    cpuset_format(&d->affinity[v], buf, sizeof(buf)));
    fprintf(out, "  pool          %s\n", d->pool_idx >= 0 ? c->pools[d->pool_idx].name
                                                          : "(boot pool)");
    fprintf(out, "  kernel        module %u: %s\n", d->kernel_index, d->kernel);
    if (d->ramdisk)
        fprintf(out, "  ramdisk       module %u: %s\n", d->ramdisk_index, d->ramdisk);
    fprintf(out, "  cmdline       \"%s\"\n", d->cmdline);
    for (unsigned int i = 0; i < d->nr_evtchns; i++)
        fprintf(out, "  evtchn        port %u <-> %s port %u\n", d->evtchns[i].port,
                d->evtchns[i].peer, d->evtchns[i].peer_port);
}

void print_config(FILE *out, const struct hl_config *c)
{
    char buf[4 * HL_MAX_CPUS];

    for (unsigned int i = 0; i < c->nr_pools; i++) {
        const struct hl_pool *p = &c->pools[i];

        fprintf(out, "pool %s: CPUs %s, scheduler %s\n", p->name,
                cpuset_format(&p->cpus, buf, sizeof(buf)), p->sched[0] ? p->sched
                                                                     : "(boot scheduler)");
    }
    for (unsigned int i = 0; i < c->nr_domains; i++)
        print_domain(out, c, &c->domains[i]);
    fprintf(out, "modules\n");
    for (unsigned int i = 0; i < c->nr_modules; i++)
        fprintf(out, "  %u: %s%s%s\n", i, i ? c->modules[i].path : "(this configuration)",
                c->modules[i].cmdline[0] ? " " : "", c->modules[i].cmdline);
}

void print_modules(FILE *out, const struct hl_config *c)
{
    for (unsigned int i = 0; i < c->nr_modules; i++)
        fprintf(out, "%u\t%s\t%s\n", i, c->modules[i].path, c->modules[i].cmdline);
}
