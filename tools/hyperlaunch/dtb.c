/*
 * The configuration blob, written with libfdt's sequential-write API in
 * the binding of docs/man/xen-hyperlaunch.7.md:
 *
 *   /chosen/hypervisor        compatible "hypervisor,xen"
 *     cpupool-NAME            "xen,cpupool": cpupool-cpus <u32...>, cpupool-sched
 *     domain-NAME             "xen,domain": domid, domain-name, domain-uuid, mode,
 *                             memory, mem-max (KiB, u64), cpus, capabilities,
 *                             domain-cpupool <&pool>
 *       kernel, ramdisk       "multiboot,kernel"/"multiboot,ramdisk": module-index,
 *                             bootargs (kernel)
 *       vcpuN                 "xen,vcpu": id, hard-affinity "2-3"
 *       evtchnPORT            "xen,evtchn-v1": xen,evtchn <port &peer-end>
 */
#include "hyperlaunch.h"
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define CAP_CONTROL 0x1U        /* the binding's capabilities bits */

/* Every libfdt call goes through here; the first failure sticks. */
struct sw {
    void *fdt;
    int err;
};

static void sw_check(struct sw *w, int rc)
{
    if (rc < 0 && !w->err)
        w->err = rc;
}

/* Node names carry no unit address: these nodes have no reg. */
static void begin(struct sw *w, const char *prefix, const char *name, unsigned int n)
{
    char full[64];

    if (name)
        snprintf(full, sizeof(full), "%s%s", prefix, name);
    else if (n != ~0U)
        snprintf(full, sizeof(full), "%s%u", prefix, n);
    else
        snprintf(full, sizeof(full), "%s", prefix);
    sw_check(w, fdt_begin_node(w->fdt, full));
}

static void end(struct sw *w)
{
    sw_check(w, fdt_end_node(w->fdt));
}

static void prop_u32(struct sw *w, const char *name, uint32_t v)
{
    sw_check(w, fdt_property_u32(w->fdt, name, v));
}

static void prop_u64(struct sw *w, const char *name, uint64_t v)
{
    sw_check(w, fdt_property_u64(w->fdt, name, v));
}

static void prop_str(struct sw *w, const char *name, const char *s)
{
    sw_check(w, fdt_property_string(w->fdt, name, s));
}

/* A string list ("multiboot,kernel\0multiboot,module\0"). */
static void prop_strs(struct sw *w, const char *name, const char *a, const char *b)
{
    char buf[128];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;

    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    sw_check(w, fdt_property(w->fdt, name, buf, (int)(la + lb)));
}

static void write_pool(struct sw *w, const struct hl_pool *p)
{
    fdt32_t cells[HL_MAX_CPUS];
    int n = 0;

    begin(w, "cpupool-", p->name, 0);
    prop_str(w, "compatible", "xen,cpupool");
    for (unsigned int c = 0; c < HL_MAX_CPUS; c++)
        if (cpuset_test(&p->cpus, c))
            cells[n++] = cpu_to_fdt32(c);
    sw_check(w, fdt_property(w->fdt, "cpupool-cpus", cells, n * (int)sizeof(cells[0])));
    if (p->sched[0])
        prop_str(w, "cpupool-sched", p->sched);
    prop_u32(w, "phandle", p->phandle);
    end(w);
}

static void write_modules(struct sw *w, const struct hl_domain *d)
{
    begin(w, "kernel", NULL, ~0U);
    prop_strs(w, "compatible", "multiboot,kernel", "multiboot,module");
    prop_u32(w, "module-index", d->kernel_index);
    if (d->cmdline[0])
        prop_str(w, "bootargs", d->cmdline);
    end(w);
    if (!d->ramdisk)
        return;
    begin(w, "ramdisk", NULL, ~0U);
    prop_strs(w, "compatible", "multiboot,ramdisk", "multiboot,module");
    prop_u32(w, "module-index", d->ramdisk_index);
    end(w);
}

static void write_vcpus(struct sw *w, const struct hl_domain *d)
{
    char list[4 * HL_MAX_CPUS];

    for (unsigned int v = 0; v < d->vcpus; v++) {
        if (!d->pinned[v])
            continue;
        begin(w, "vcpu", NULL, v);
        prop_str(w, "compatible", "xen,vcpu");
        prop_u32(w, "id", v);
        prop_str(w, "hard-affinity", cpuset_format(&d->affinity[v], list, sizeof(list)));
        end(w);
    }
}

static void write_evtchns(struct sw *w, const struct hl_domain *d)
{
    for (unsigned int i = 0; i < d->nr_evtchns; i++) {
        const struct hl_evtchn *e = &d->evtchns[i];
        fdt32_t cells[2] = { cpu_to_fdt32(e->port), cpu_to_fdt32(e->peer_phandle) };

        begin(w, "evtchn", NULL, e->port);
        prop_str(w, "compatible", "xen,evtchn-v1");
        sw_check(w, fdt_property(w->fdt, "xen,evtchn", cells, sizeof(cells)));
        prop_u32(w, "phandle", e->phandle);
        end(w);
    }
}

static void write_domain(struct sw *w, const struct hl_config *c, const struct hl_domain *d)
{
    uint64_t maxmem = d->maxmem_mib ? d->maxmem_mib : d->mem_mib;

    begin(w, "domain-", d->name, 0);
    prop_str(w, "compatible", "xen,domain");
    prop_u32(w, "domid", (uint32_t)d->domid);
    prop_str(w, "domain-name", d->name);
    sw_check(w, fdt_property(w->fdt, "domain-uuid", d->uuid, sizeof(d->uuid)));
    prop_u32(w, "mode", 0);                     /* PVH */
    prop_u64(w, "memory", d->mem_mib * 1024);
    prop_u64(w, "mem-max", maxmem * 1024);
    prop_u32(w, "cpus", d->vcpus);
    prop_u32(w, "capabilities", d->control ? CAP_CONTROL : 0);
    if (d->pool_idx >= 0)
        prop_u32(w, "domain-cpupool", c->pools[d->pool_idx].phandle);
    write_modules(w, d);
    write_vcpus(w, d);
    write_evtchns(w, d);
    end(w);
}

void *dtb_build(const struct hl_config *c, size_t *size)
{
    /* Generous bounds per node; libfdt refuses (NOSPACE) rather than overrun. */
    int bufsize = 4096 + (int)c->nr_domains * (HL_CMDLINE_MAX + 1024 + HL_MAX_VCPUS * 96) +
                  (int)c->nr_pools * (HL_MAX_CPUS * 4 + 128);
    struct sw w;

    for (unsigned int i = 0; i < c->nr_domains; i++)
        bufsize += (int)c->domains[i].nr_evtchns * 128;
    w.fdt = malloc((size_t)bufsize);
    w.err = 0;

    if (!w.fdt) {
        perror("hyperlaunch");
        return NULL;
    }
    sw_check(&w, fdt_create(w.fdt, bufsize));
    sw_check(&w, fdt_finish_reservemap(w.fdt));
    begin(&w, "", NULL, ~0U);
    prop_u32(&w, "#address-cells", 2);
    prop_u32(&w, "#size-cells", 2);
    begin(&w, "chosen", NULL, ~0U);
    begin(&w, "hypervisor", NULL, ~0U);
    prop_str(&w, "compatible", "hypervisor,xen");
    for (unsigned int i = 0; i < c->nr_pools; i++)
        write_pool(&w, &c->pools[i]);
    for (unsigned int i = 0; i < c->nr_domains; i++)
        write_domain(&w, c, &c->domains[i]);
    end(&w);
    end(&w);
    end(&w);
    sw_check(&w, fdt_finish(w.fdt));
    if (w.err) {
        fprintf(stderr, "hyperlaunch: error: writing the device tree: %s\n",
                fdt_strerror(w.err));
        free(w.fdt);
        return NULL;
    }
    *size = fdt_totalsize(w.fdt);
    return w.fdt;
}
