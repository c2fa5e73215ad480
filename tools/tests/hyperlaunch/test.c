/*
 * Host tests of the Hyperlaunch configuration reader (common/hyperlaunch*.c):
 * a valid configuration read back field by field, the dom0less layout,
 * pools, pinning, event channels, modules by index and by reg, every kind
 * of bad configuration (the report line, and the other domains staying
 * valid), finding the configuration among the modules, and the classic
 * configuration.  Blobs are built with libfdt (hl_blob.c).
 */
#include "test.h"
#include "hl_blob.h"
#include <xen/errno.h>
#include <xen/mm.h>
#include <libfdt.h>
#include <limits.h>
#include <unistd.h>

/* Module addresses are host pointers in the one test that reads modules. */
void *maddr_to_virt(paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

static struct boot_config cfg;
static struct boot_machine M;

/* Parse the blob as built so far, from a copy of exactly its size (for ASan). */
static int parse(void)
{
    size_t n = hlb_finish();
    uint8_t *copy = malloc(n);
    int rc;

    memcpy(copy, hl_blob, n);
    printk_log_clear();
    rc = hyperlaunch_parse(copy, n, HL_MOD_CFG, &M, &cfg);
    free(copy);
    return rc;
}

static void setup(void)
{
    hl_machine(&M);
    hlb_base();
}

static bool mask_is(const cpumask_t *m, const char *list)
{
    cpumask_t want;

    return !cpumask_parse_list(list, &want) && cpumask_equal(m, &want);
}

#define LOGGED(s) CHECK(printk_log_contains(s), "log lacks \"%s\":\n%s", s, printk_log)

/* Whether the channel is there, whichever end is a. */
static bool has_evtchn(unsigned int da, unsigned int pa, unsigned int db, unsigned int pb)
{
    unsigned int i;

    for (i = 0; i < cfg.nr_evtchns; i++) {
        const struct boot_evtchn *e = &cfg.evtchns[i];

        if ((e->dom_a == da && e->port_a == pa && e->dom_b == db && e->port_b == pb) ||
            (e->dom_a == db && e->port_a == pb && e->dom_b == da && e->port_b == pa))
            return true;
    }
    return false;
}

/* ---- The valid configuration ---------------------------------------------------- */

static void test_valid(void)
{
    static const uint8_t uuid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    const struct boot_domain *d0 = &cfg.domains[0], *d1 = &cfg.domains[1];

    setup();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(cfg.nr_problems, 0);
    LOGGED("Hyperlaunch: configuration (module 0): 2 domain(s), 2 CPU pool(s), "
           "1 event channel(s), no problem found");
    CHECK(cfg.hyperlaunch, "not marked Hyperlaunch");
    CHECK_EQ(cfg.config_module, HL_MOD_CFG);
    CHECK(!strcmp(cfg.xen_bootargs, "loglvl=all"), "xen bootargs \"%s\"", cfg.xen_bootargs);
    CHECK_EQ(cfg.nr_domains, 2);

    CHECK(d0->valid, "dom0 invalid");
    CHECK(!strcmp(d0->path, HL_D0), "path %s", d0->path);
    CHECK_EQ(d0->node, fdt_path_offset(hl_blob, HL_D0));
    CHECK_EQ(d0->domid, 0);
    CHECK(!strcmp(d0->name, "control"), "name %s", d0->name);
    CHECK(d0->has_uuid && !memcmp(d0->uuid, uuid, 16), "uuid");
    CHECK_EQ(d0->mode, 0);
    CHECK_EQ(d0->mem_kib, 512 * 1024);
    CHECK_EQ(d0->mem_min_kib, 256 * 1024);
    CHECK_EQ(d0->mem_max_kib, 1024 * 1024);
    CHECK_EQ(d0->nr_vcpus, 2);
    CHECK_EQ(d0->caps, BOOT_CAP_ALL);
    CHECK_EQ(d0->pool, 0);
    CHECK(d0->kernel.present && d0->kernel.index == HL_MOD_K0, "dom0 kernel");
    CHECK_EQ(d0->kernel.start, hl_mods[HL_MOD_K0].start);
    CHECK_EQ(d0->kernel.size, hl_mods[HL_MOD_K0].end - hl_mods[HL_MOD_K0].start);
    CHECK(!strcmp(d0->kernel.cmdline, "console=hvc0 earlyprintk"), "%s", d0->kernel.cmdline);
    CHECK(!strcmp(d0->cmdline, "console=hvc0 earlyprintk"), "cmdline %s", d0->cmdline);
    CHECK(d0->ramdisk.present && d0->ramdisk.index == HL_MOD_RD0, "dom0 ramdisk");
    CHECK_EQ(d0->ramdisk.start, hl_mods[HL_MOD_RD0].start);
    CHECK_EQ(d0->ramdisk.size, 0x400000);
    CHECK(!strcmp(d0->ramdisk.cmdline, ""), "ramdisk cmdline %s", d0->ramdisk.cmdline);
    CHECK(boot_vcpu_pinned(d0, 0) && !boot_vcpu_pinned(d0, 1), "dom0 pinning");
    CHECK(mask_is(&d0->vcpu_hard[0], "0-1"), "dom0 vCPU 0 affinity");

    CHECK(d1->valid, "guest invalid");
    CHECK(!strcmp(d1->path, HL_D1), "path %s", d1->path);
    CHECK_EQ(d1->domid, 5);
    CHECK(!strcmp(d1->name, "guest"), "name %s", d1->name);
    CHECK(!d1->has_uuid, "guest has a uuid");
    CHECK_EQ(d1->mem_kib, 128 * 1024);
    CHECK_EQ(d1->mem_min_kib, 0);
    CHECK_EQ(d1->mem_max_kib, 0);
    CHECK_EQ(d1->nr_vcpus, 4);
    CHECK_EQ(d1->caps, 0);
    CHECK_EQ(d1->pool, 1);
    CHECK(d1->kernel.present && d1->kernel.index == -1, "guest kernel by reg");
    CHECK_EQ(d1->kernel.start, HL_PACK_START + 0x1000);
    CHECK_EQ(d1->kernel.size, 0x200000);
    CHECK(!d1->kernel.cmdline[0], "part of a module has no command line");
    CHECK(!strcmp(d1->cmdline, "console=hvc0 quiet"), "cmdline %s", d1->cmdline);
    CHECK(!d1->ramdisk.present, "guest ramdisk");
    CHECK(boot_vcpu_pinned(d1, 3) && !boot_vcpu_pinned(d1, 0), "guest pinning");
    CHECK(mask_is(&d1->vcpu_hard[3], "4,6"), "guest vCPU 3 affinity");

    CHECK_EQ(cfg.nr_pools, 2);
    CHECK(cfg.pools[0].valid && cfg.pools[0].node == -1, "boot pool");
    CHECK(mask_is(&cfg.pools[0].cpus, "0-3,7"), "boot pool CPUs");
    CHECK(!cfg.pools[0].sched[0], "boot pool scheduler");
    CHECK(cfg.pools[1].valid && !strcmp(cfg.pools[1].path, HL_POOL), "pool 1 %s",
          cfg.pools[1].path);
    CHECK(mask_is(&cfg.pools[1].cpus, "4-6"), "pool 1 CPUs");
    CHECK(!strcmp(cfg.pools[1].sched, "credit2"), "pool 1 scheduler %s", cfg.pools[1].sched);

    CHECK_EQ(cfg.nr_evtchns, 1);
    CHECK(has_evtchn(0, 10, 1, 20), "dom0 port 10 <-> guest port 20");
}

/*
 * What the boot CPU reads before the command line is parsed: the same
 * bootargs, found through the module list (module 1 here, after a module
 * that is not a tree), and nothing from a blob that is not valid.
 */
static void check_early_bootargs(const char *want)
{
    size_t n = hlb_finish();
    uint8_t *copy = malloc(n), junk[8] = "junk";
    struct boot_module mods[2] = {
        { (uintptr_t)junk, (uintptr_t)junk + sizeof(junk), "/boot/junk" },
        { 0, 0, "/boot/hl.dtb" },
    };
    char buf[MAX_CMDLINE];

    memcpy(copy, hl_blob, n);
    mods[1].start = (uintptr_t)copy;
    mods[1].end = (uintptr_t)copy + n;
    hyperlaunch_xen_bootargs(mods, 2, buf, sizeof(buf));
    CHECK(!strcmp(buf, want), "early bootargs \"%s\"", buf);
    hyperlaunch_xen_bootargs(mods, 1, buf, sizeof(buf));
    CHECK(!buf[0], "no configuration: no bootargs");
    copy[8] ^= 0xff;            /* break the header: the blob is no longer valid */
    hyperlaunch_xen_bootargs(mods, 2, buf, sizeof(buf));
    CHECK(!buf[0], "invalid blob: no bootargs");
    free(copy);
}

/* Domains directly under /chosen, as dom0less on Arm; cells of #address-cells 1. */
static void test_dom0less(void)
{
    uint32_t reg[2] = { 0x3000000, 0x800000 };

    hl_machine(&M);
    hlb_empty();
    hlb_add("/chosen", "domU2");
    hlb_add("/chosen", "domU1");
    hlb_add("/chosen", "xen-config");
    hlb_str("/chosen/xen-config", "compatible", "xen,config");
    hlb_str("/chosen/xen-config", "bootargs", "sched=credit2");
    hlb_u32("/chosen", "#address-cells", 1);
    hlb_u32("/chosen", "#size-cells", 1);
    hlb_u32("/chosen/domU1", "#address-cells", 1);
    hlb_u32("/chosen/domU1", "#size-cells", 1);
    hlb_str("/chosen/domU1", "compatible", "xen,domain");
    hlb_u64("/chosen/domU1", "memory", 65536);
    hlb_add("/chosen/domU1", "module@3000000");
    hlb_str("/chosen/domU1/module@3000000", "compatible", "multiboot,kernel");
    hlb_cells("/chosen/domU1/module@3000000", "reg", 2, reg);
    hlb_str("/chosen/domU1/module@3000000", "bootargs", "console=hvc0");
    hlb_str("/chosen/domU2", "compatible", "xen,domain");
    hlb_u32("/chosen/domU2", "memory", 65536);
    hlb_u32("/chosen/domU2", "cpus", 3);
    hlb_add("/chosen/domU2", "kernel");
    hlb_str("/chosen/domU2/kernel", "compatible", "multiboot,kernel");
    hlb_u32("/chosen/domU2/kernel", "module-index", HL_MOD_K0);
    hlb_add("/chosen/domU2", "passthrough");     /* no compatible: not ours to judge */

    CHECK_EQ(parse(), 0);
    CHECK_EQ(cfg.nr_domains, 2);
    CHECK(!strcmp(cfg.xen_bootargs, "sched=credit2"), "%s", cfg.xen_bootargs);
    check_early_bootargs("sched=credit2");
    CHECK(cfg.domains[0].valid && cfg.domains[1].valid, "both valid");
    CHECK(!strcmp(cfg.domains[0].path, "/chosen/domU1"), "%s", cfg.domains[0].path);
    CHECK_EQ(cfg.domains[0].domid, BOOT_DOMID_ANY);
    CHECK(!cfg.domains[0].name[0], "no name");
    CHECK_EQ(cfg.domains[0].nr_vcpus, 1);
    CHECK_EQ(cfg.domains[0].caps, 0);
    /* reg covering a whole module: that module, and its (empty) command line. */
    CHECK_EQ(cfg.domains[0].kernel.start, 0x3000000);
    CHECK_EQ(cfg.domains[0].kernel.size, 0x800000);
    CHECK(!strcmp(cfg.domains[0].cmdline, "console=hvc0"), "%s", cfg.domains[0].cmdline);
    CHECK_EQ(cfg.domains[1].mem_kib, 65536);
    CHECK_EQ(cfg.domains[1].nr_vcpus, 3);
    CHECK(!strcmp(cfg.domains[1].cmdline, "console=hvc0 earlyprintk"), "%s",
          cfg.domains[1].cmdline);
    CHECK_EQ(cfg.nr_pools, 1);
    CHECK(mask_is(&cfg.pools[0].cpus, "0-7"), "all CPUs in the boot pool");
}

/* reg covering a whole module takes the module's command line over bootargs. */
static void test_reg_whole_module(void)
{
    uint32_t reg[3] = { 0, 0x1000000, 0x800000 };

    setup();
    hlb_cells(HL_D1 "/kernel", "reg", 3, reg);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(cfg.domains[1].kernel.index, -1);
    CHECK(!strcmp(cfg.domains[1].cmdline, "console=hvc0 earlyprintk"), "%s",
          cfg.domains[1].cmdline);
    /* An empty module command line leaves bootargs in charge. */
    setup();
    hlb_u32(HL_D0 "/kernel", "module-index", HL_MOD_K1);
    CHECK_EQ(parse(), 0);
    CHECK(!strcmp(cfg.domains[0].cmdline, "not used: the module has a command line"), "%s",
          cfg.domains[0].cmdline);
    /* Neither: no command line. */
    setup();
    hlb_u32(HL_D0 "/kernel", "module-index", HL_MOD_K1);
    hlb_del(HL_D0 "/kernel", "bootargs");
    CHECK_EQ(parse(), 0);
    CHECK(!cfg.domains[0].cmdline[0], "%s", cfg.domains[0].cmdline);
}

/* Pools in /cpupools naming CPUs by phandles of cpu nodes; pinning inside them. */
static void test_pools(void)
{
    uint32_t cells[2] = { 0x20, 0x21 }, one = 3;

    setup();
    hlb_add("/", "cpus");
    hlb_u32("/cpus", "#address-cells", 1);
    hlb_u32("/cpus", "#size-cells", 0);
    hlb_add("/cpus", "cpu@2");
    hlb_str("/cpus/cpu@2", "device_type", "cpu");
    hlb_u32("/cpus/cpu@2", "reg", 2);
    hlb_u32("/cpus/cpu@2", "phandle", 0x20);
    hlb_add("/cpus", "cpu@7");
    hlb_str("/cpus/cpu@7", "device_type", "cpu");
    hlb_u32("/cpus/cpu@7", "reg", 7);
    hlb_u32("/cpus/cpu@7", "phandle", 0x21);
    hlb_add("/", "cpupools");
    hlb_add("/cpupools", "p2");
    hlb_str("/cpupools/p2", "compatible", "xen,cpupool");
    hlb_cells("/cpupools/p2", "cpupool-cpus", 2, cells);
    hlb_str("/cpupools/p2", "cpupool-sched", "null");
    hlb_u32("/cpupools/p2", "phandle", 0x30);
    hlb_add("/chosen", "p3");
    hlb_str("/chosen/p3", "compatible", "xen,cpupool");
    hlb_cells("/chosen/p3", "cpupool-cpus", 1, &one);
    /* Pools outside /chosen and /cpupools are not configuration. */
    hlb_add("/", "elsewhere");
    hlb_str("/elsewhere", "compatible", "xen,cpupool");
    hlb_cells("/elsewhere", "cpupool-cpus", 1, &one);
    hlb_u32(HL_D0, "domain-cpupool", 0x30);
    hlb_str(HL_D0 "/vcpu0", "hard-affinity", "2,7");

    CHECK_EQ(parse(), 0);
    /* In document order: /cpupools (added after /chosen, so first), then /chosen's. */
    CHECK_EQ(cfg.nr_pools, 4);
    CHECK(mask_is(&cfg.pools[0].cpus, "0-1"), "boot pool keeps 0-1");
    CHECK(!strcmp(cfg.pools[1].path, "/cpupools/p2"), "%s", cfg.pools[1].path);
    CHECK(mask_is(&cfg.pools[1].cpus, "2,7"), "pool by cpu phandles");
    CHECK(!strcmp(cfg.pools[1].sched, "null"), "%s", cfg.pools[1].sched);
    CHECK(!strcmp(cfg.pools[2].path, "/chosen/p3"), "%s", cfg.pools[2].path);
    CHECK(mask_is(&cfg.pools[2].cpus, "3"), "pool by CPU number");
    CHECK(!strcmp(cfg.pools[3].path, HL_POOL), "%s", cfg.pools[3].path);
    CHECK_EQ(cfg.domains[0].pool, 1);
    CHECK_EQ(cfg.domains[1].pool, 3);
    CHECK(mask_is(&cfg.domains[0].vcpu_hard[0], "2,7"), "dom0 pinned in its pool");
}

/* Every vCPU pinned, each somewhere else. */
static void test_pinning(void)
{
    static const char *const lists[4] = { "4", "5-6", "4,6", "4-6" };
    char path[64];
    unsigned int i;

    setup();
    hlb_rm(HL_D1 "/vcpu3");
    for (i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "vcpu%u", i);
        hlb_add(HL_D1, path);
        snprintf(path, sizeof(path), HL_D1 "/vcpu%u", i);
        hlb_str(path, "compatible", "xen,vcpu");
        hlb_u32(path, "id", 3 - i);
        hlb_str(path, "hard-affinity", lists[i]);
    }
    CHECK_EQ(parse(), 0);
    for (i = 0; i < 4; i++) {
        CHECK(boot_vcpu_pinned(&cfg.domains[1], 3 - i), "vCPU %u pinned", 3 - i);
        CHECK(mask_is(&cfg.domains[1].vcpu_hard[3 - i], lists[i]), "vCPU %u: %s", 3 - i,
              lists[i]);
    }
    CHECK(!boot_vcpu_pinned(&cfg.domains[1], 4), "past the last vCPU");
}

/* Channels in both directions between three domains, ports checked per domain. */
static void test_evtchns(void)
{
    uint32_t a[2] = { 11, 0x41 }, b[2] = { 10, 0x40 }, c[2] = { 12, 0x43 }, d[2] = { 10, 0x42 };

    setup();
    hlb_add("/chosen", "third");
    hlb_str("/chosen/third", "compatible", "xen,domain");
    hlb_u32("/chosen/third", "memory", 4096);
    hlb_add("/chosen/third", "kernel");
    hlb_str("/chosen/third/kernel", "compatible", "multiboot,kernel");
    hlb_u32("/chosen/third/kernel", "module-index", HL_MOD_K1);
    /* dom0 port 11 <-> third port 10; guest port 12 <-> third port 10 would clash: use 13. */
    hlb_add(HL_D0, "ev-third");
    hlb_str(HL_D0 "/ev-third", "compatible", "xen,evtchn-v1");
    hlb_u32(HL_D0 "/ev-third", "phandle", 0x40);
    hlb_cells(HL_D0 "/ev-third", "xen,evtchn", 2, a);
    hlb_add("/chosen/third", "ev-dom0");
    hlb_str("/chosen/third/ev-dom0", "compatible", "xen,evtchn-v1");
    hlb_u32("/chosen/third/ev-dom0", "phandle", 0x41);
    hlb_cells("/chosen/third/ev-dom0", "xen,evtchn", 2, b);
    hlb_add(HL_D1, "ev-third");
    hlb_str(HL_D1 "/ev-third", "compatible", "xen,evtchn-v1");
    hlb_u32(HL_D1 "/ev-third", "phandle", 0x42);
    hlb_cells(HL_D1 "/ev-third", "xen,evtchn", 2, c);
    hlb_add("/chosen/third", "ev-guest");
    hlb_str("/chosen/third/ev-guest", "compatible", "xen,evtchn-v1");
    hlb_u32("/chosen/third/ev-guest", "phandle", 0x43);
    d[0] = 13;
    hlb_cells("/chosen/third/ev-guest", "xen,evtchn", 2, d);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(cfg.nr_domains, 3);
    CHECK_EQ(cfg.nr_evtchns, 3);
    CHECK(has_evtchn(0, 10, 1, 20), "dom0 <-> guest");
    CHECK(has_evtchn(0, 11, 2, 10), "dom0 <-> third");
    CHECK(has_evtchn(1, 12, 2, 13), "guest <-> third");

    /* The same port twice in the third domain. */
    setup();
    hlb_add("/chosen", "third");
    hlb_str("/chosen/third", "compatible", "xen,domain");
    hlb_u32("/chosen/third", "memory", 4096);
    hlb_add("/chosen/third", "kernel");
    hlb_str("/chosen/third/kernel", "compatible", "multiboot,kernel");
    hlb_u32("/chosen/third/kernel", "module-index", HL_MOD_K1);
    hlb_add(HL_D0, "ev-third");
    hlb_str(HL_D0 "/ev-third", "compatible", "xen,evtchn-v1");
    hlb_u32(HL_D0 "/ev-third", "phandle", 0x40);
    hlb_cells(HL_D0 "/ev-third", "xen,evtchn", 2, a);
    hlb_add("/chosen/third", "ev-dom0");
    hlb_str("/chosen/third/ev-dom0", "compatible", "xen,evtchn-v1");
    hlb_u32("/chosen/third/ev-dom0", "phandle", 0x41);
    hlb_cells("/chosen/third/ev-dom0", "xen,evtchn", 2, b);
    hlb_add(HL_D1, "ev-third");
    hlb_str(HL_D1 "/ev-third", "compatible", "xen,evtchn-v1");
    hlb_u32(HL_D1 "/ev-third", "phandle", 0x42);
    hlb_cells(HL_D1 "/ev-third", "xen,evtchn", 2, c);
    hlb_add("/chosen/third", "ev-guest");
    hlb_str("/chosen/third/ev-guest", "compatible", "xen,evtchn-v1");
    hlb_u32("/chosen/third/ev-guest", "phandle", 0x43);
    d[0] = 10;
    hlb_cells("/chosen/third/ev-guest", "xen,evtchn", 2, d);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_problems, 1);
    /* third's children in document order: ev-guest (added last), then ev-dom0. */
    LOGGED("Hyperlaunch: /chosen/third/ev-dom0: xen,evtchn: the local port is already used "
           "in this domain\n");
    CHECK(!cfg.domains[0].valid && cfg.domains[1].valid && !cfg.domains[2].valid,
          "the clash invalidates the two domains it involves");
    CHECK_EQ(cfg.nr_evtchns, 0);
}

/* ---- Bad configurations ------------------------------------------------------- */

static void ev_cells(const char *path, uint32_t port, uint32_t peer)
{
    uint32_t v[2] = { port, peer };

    hlb_cells(path, "xen,evtchn", 2, v);
}

static void add_node(const char *parent, const char *name, const char *compat)
{
    char path[128];

    hlb_add(parent, name);
    snprintf(path, sizeof(path), "%s/%s", parent, name);
    hlb_str(path, "compatible", compat);
}

static void e_unknown_child(void) { add_node(HL_D1, "foo", "xen,bogus"); }
static void e_cpus_size(void) { hlb_u64(HL_D1, "cpus", 4); }
static void e_uuid_size(void) { hlb_raw(HL_D0, "domain-uuid", "0123456789abcde", 15); }
static void e_memory_size(void) { hlb_raw(HL_D1, "memory", "abc", 3); }
static void e_index_size(void) { hlb_raw(HL_D0 "/kernel", "module-index", "ab", 2); }
static void e_dup_domid(void) { hlb_u32(HL_D1, "domid", 0); }
static void e_dup_name(void) { hlb_str(HL_D1, "domain-name", "control"); }
static void e_mem_too_big(void) { hlb_u64(HL_D1, "memory", 8ULL << 20); }
static void e_mem_sum(void)
{
    hlb_u64(HL_D0, "memory", 3ULL << 20);
    hlb_u64(HL_D0, "mem-max", 4ULL << 20);
    hlb_u64(HL_D1, "memory", 2ULL << 20);
}
static void e_mem_missing(void) { hlb_del(HL_D1, "memory"); }
static void e_mem_zero(void) { hlb_u32(HL_D1, "memory", 0); }
static void e_mem_min(void) { hlb_u64(HL_D0, "mem-min", 600 * 1024); }
static void e_mem_max(void) { hlb_u32(HL_D0, "mem-max", 1024); }
static void e_pin_offline(void) { hlb_str(HL_D0 "/vcpu0", "hard-affinity", "1,9"); }
static void e_pin_bad_list(void) { hlb_str(HL_D0 "/vcpu0", "hard-affinity", "3-1"); }
static void e_pin_other_pool(void) { hlb_str(HL_D0 "/vcpu0", "hard-affinity", "3-4"); }
static void e_pin_outside_pool(void) { hlb_str(HL_D1 "/vcpu3", "hard-affinity", "2"); }
static void e_pin_id(void) { hlb_u32(HL_D1 "/vcpu3", "id", 4); }
static void e_pin_no_list(void) { hlb_del(HL_D1 "/vcpu3", "hard-affinity"); }
static void e_pin_twice(void)
{
    add_node(HL_D0, "again", "xen,vcpu");
    hlb_u32(HL_D0 "/again", "id", 0);
    hlb_str(HL_D0 "/again", "hard-affinity", "1");
}
static void e_pool_offline(void)
{
    uint32_t c[2] = { 4, 12 };

    hlb_cells(HL_POOL, "cpupool-cpus", 2, c);
}
static void e_pool_cells(void) { hlb_raw(HL_POOL, "cpupool-cpus", "abcde", 5); }
static void e_pool_sched(void) { hlb_str(HL_POOL, "cpupool-sched", "fifo"); }
static void e_pool_overlap(void)
{
    uint32_t c[2] = { 6, 7 };

    add_node(HL_HV, "pool2", "xen,cpupool");
    hlb_cells(HL_HV "/pool2", "cpupool-cpus", 2, c);
}
static void e_pool_all(void)
{
    uint32_t c[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

    hlb_cells(HL_POOL, "cpupool-cpus", 8, c);
}
static void e_pool_phandle(void) { hlb_u32(HL_D1, "domain-cpupool", 0x999); }
static void e_pool_not_pool(void) { hlb_u32(HL_D1, "domain-cpupool", HL_PH_EV0); }
static void e_index_missing(void) { hlb_u32(HL_D0 "/kernel", "module-index", 9); }
static void e_index_config(void) { hlb_u32(HL_D0 "/ramdisk", "module-index", HL_MOD_CFG); }
static void e_reg_outside(void)
{
    uint32_t reg[3] = { 0, 0x9000000, 0x1000 };

    hlb_cells(HL_D1 "/kernel", "reg", 3, reg);
}
static void e_reg_straddles(void)
{
    uint32_t reg[3] = { 0, 0x37ff000, 0x2000 };

    hlb_cells(HL_D1 "/kernel", "reg", 3, reg);
}
static void e_reg_config(void)
{
    uint32_t reg[3] = { 0, 0x100000, 0x100 };

    hlb_cells(HL_D1 "/kernel", "reg", 3, reg);
}
static void e_reg_cells(void)
{
    uint32_t reg[2] = { 0, 0x1000000 };

    hlb_cells(HL_D1 "/kernel", "reg", 2, reg);
}
static void e_index_and_reg(void)
{
    uint32_t reg[2] = { 0x1000000, 0x1000 };

    hlb_cells(HL_D0 "/kernel", "reg", 2, reg);
}
static void e_no_kernel(void) { hlb_rm(HL_D1 "/kernel"); }
static void e_two_kernels(void)
{
    add_node(HL_D0, "kernel2", "multiboot,kernel");
    hlb_u32(HL_D0 "/kernel2", "module-index", HL_MOD_K1);
}
static void e_two_ramdisks(void)
{
    add_node(HL_D0, "ramdisk2", "multiboot,ramdisk");
    hlb_u32(HL_D0 "/ramdisk2", "module-index", HL_MOD_K1);
}
static void e_mode_pv(void) { hlb_u32(HL_D1, "mode", 1); }
static void e_mode_dm(void) { hlb_u32(HL_D1, "mode", 2); }
static void e_domid_reserved(void) { hlb_u32(HL_D1, "domid", 0x7ff0); }
static void e_name_blank(void) { hlb_str(HL_D1, "domain-name", "my guest"); }
static void e_name_long(void) { hlb_str(HL_D1, "domain-name", "abcdefghijklmnopqrstuvwxyz012345"); }
static void e_name_empty(void) { hlb_str(HL_D1, "domain-name", ""); }
static void e_cpus_zero(void) { hlb_u32(HL_D1, "cpus", 0); }
static void e_cpus_many(void) { hlb_u32(HL_D1, "cpus", BOOT_MAX_VCPUS + 1); }
static void e_caps_bits(void) { hlb_u32(HL_D1, "capabilities", 8); }
static void e_two_controls(void) { hlb_u32(HL_D1, "capabilities", BOOT_CAP_CONTROL); }
static void e_ev_not_back(void)
{
    add_node(HL_D1, "ev2", "xen,evtchn-v1");
    hlb_u32(HL_D1 "/ev2", "phandle", 0x12);
    ev_cells(HL_D1 "/ev2", 30, HL_PH_EV0);
}
static void e_ev_port0(void) { ev_cells(HL_EV1, 0, HL_PH_EV0); }
static void e_ev_port_big(void) { ev_cells(HL_EV1, 4096, HL_PH_EV0); }
static void e_ev_size(void) { hlb_u32(HL_EV1, "xen,evtchn", 20); }
static void e_ev_peer_kind(void) { ev_cells(HL_EV1, 20, HL_PH_POOL); }
static void e_ev_same_dom(void)
{
    add_node(HL_D0, "ev2", "xen,evtchn");
    hlb_u32(HL_D0 "/ev2", "phandle", 0x12);
    ev_cells(HL_D0 "/ev2", 11, 0x13);
    add_node(HL_D0, "ev3", "xen,evtchn");
    hlb_u32(HL_D0 "/ev3", "phandle", 0x13);
    ev_cells(HL_D0 "/ev3", 12, 0x12);
}
static void e_ev_dup_port(void)
{
    add_node(HL_D0, "ev2", "xen,evtchn-v1");
    hlb_u32(HL_D0 "/ev2", "phandle", 0x12);
    ev_cells(HL_D0 "/ev2", 10, 0x13);
    add_node(HL_D1, "ev2", "xen,evtchn-v1");
    hlb_u32(HL_D1 "/ev2", "phandle", 0x13);
    ev_cells(HL_D1 "/ev2", 21, 0x12);
}
static void e_hv_child(void) { add_node(HL_HV, "thing", "xen,thing"); }
static void e_config_args(void) { hlb_u32(HL_HV "/config", "bootargs", 7); }
static void e_bootargs(void) { hlb_u32(HL_D1 "/kernel", "bootargs", 7); }
static void e_no_hvm(void) { M.hvm = false; }
static void e_control_chars(void) { add_node(HL_D1, "x\033[2J", "bad\033]0;\007"); }

/*
 * Nodes an edit adds come first among their siblings (libfdt), so where two
 * nodes clash the problem is reported at the base configuration's one.
 */
struct bad_case {
    const char *name;
    void (*edit)(void);
    const char *line;           /* after "Hyperlaunch: " */
    bool valid0, valid1;
    unsigned int problems;      /* 0 means 1 */
};

static const struct bad_case bad_cases[] = {
    { "unknown compatible", e_unknown_child,
      HL_D1 "/foo: unknown compatible \"xen,bogus\"", true, false, 0 },
    { "cpus size", e_cpus_size, HL_D1 ": cpus: must be one 32-bit cell", true, false, 0 },
    { "uuid size", e_uuid_size, HL_D0 ": domain-uuid: must be exactly 16 bytes, not 15",
      false, true, 0 },
    { "memory size", e_memory_size,
      HL_D1 ": memory: must be a 64-bit (or 32-bit) number of KiB", true, false, 0 },
    { "module-index size", e_index_size,
      HL_D0 "/kernel: module-index: must be one 32-bit cell", false, true, 0 },
    { "duplicate domid", e_dup_domid, HL_D1 ": domid 0: already used by " HL_D0, true, false, 0 },
    { "duplicate name", e_dup_name,
      HL_D1 ": domain-name \"control\": already used by " HL_D0, true, false, 0 },
    { "memory beyond RAM", e_mem_too_big,
      HL_D1 ": memory: 8388608 KiB is more than the 4194304 KiB of RAM free for domains",
      true, false, 0 },
    { "memory sum beyond RAM", e_mem_sum,
      HL_D1 ": memory: 2097152 KiB does not fit in the 1048576 KiB the domains before it "
      "leave", true, false, 0 },
    { "memory missing", e_mem_missing,
      HL_D1 ": memory: missing (the initial memory in KiB is required)", true, false, 0 },
    { "memory zero", e_mem_zero, HL_D1 ": memory: must not be 0", true, false, 0 },
    { "mem-min above memory", e_mem_min,
      HL_D0 ": mem-min: 614400 KiB is more than memory (524288 KiB)", false, true, 0 },
    { "mem-max below memory", e_mem_max,
      HL_D0 ": mem-max: 1024 KiB is less than memory (524288 KiB)", false, true, 0 },
    { "pinned to an offline CPU", e_pin_offline,
      HL_D0 "/vcpu0: hard-affinity \"1,9\": CPU 9 is not online", false, true, 0 },
    { "bad CPU list", e_pin_bad_list,
      HL_D0 "/vcpu0: hard-affinity \"3-1\": not a CPU list such as \"0-3,6\"", false, true, 0 },
    { "pinned into another pool", e_pin_other_pool,
      HL_D0 "/vcpu0: hard-affinity \"3-4\": CPU 4 is not in the domain's pool (boot pool)",
      false, true, 0 },
    { "pinned outside the pool", e_pin_outside_pool,
      HL_D1 "/vcpu3: hard-affinity \"2\": CPU 2 is not in the domain's pool " HL_POOL,
      true, false, 0 },
    { "vcpu id too big", e_pin_id, HL_D1 "/vcpu3: id 4: the domain has 4 vCPU(s)", true, false, 0 },
    { "vcpu without list", e_pin_no_list,
      HL_D1 "/vcpu3: hard-affinity: missing or not one string", true, false, 0 },
    { "vcpu pinned twice", e_pin_twice,
      HL_D0 "/vcpu0: id 0: this vCPU is already pinned by another node", false, true, 0 },
    { "pool with an offline CPU", e_pool_offline,
      HL_POOL ": cpupool-cpus: CPU 12 is not online", true, false, 2 },
    { "pool cells", e_pool_cells, HL_POOL ": cpupool-cpus: must be a list of 32-bit cells",
      true, false, 2 },
    { "pool scheduler", e_pool_sched, HL_POOL ": cpupool-sched \"fifo\": no such scheduler",
      true, false, 2 },
    { "overlapping pools", e_pool_overlap,
      HL_POOL ": cpupool-cpus: CPU 6 is already in another pool", true, false, 2 },
    { "pool takes every CPU", e_pool_all,
      HL_POOL ": cpupool-cpus: takes the last online CPU, but the boot pool needs at least one",
      true, false, 2 },
    { "pool phandle", e_pool_phandle, HL_D1 ": domain-cpupool: no node has phandle 0x999",
      true, false, 0 },
    { "pool phandle not a pool", e_pool_not_pool,
      HL_D1 ": domain-cpupool: " HL_EV0 " is not one of the configuration's CPU pools",
      true, false, 0 },
    { "missing module", e_index_missing,
      HL_D0 "/kernel: module-index 9: the boot loader gave only 5 module(s)", false, true, 0 },
    { "module is the configuration", e_index_config,
      HL_D0 "/ramdisk: module-index 0: that is the configuration itself", false, true, 0 },
    { "reg outside modules", e_reg_outside,
      HL_D1 "/kernel: reg <0x9000000 0x1000>: not inside any boot module", true, false, 0 },
    { "reg across a module's end", e_reg_straddles,
      HL_D1 "/kernel: reg <0x37ff000 0x2000>: not inside any boot module", true, false, 0 },
    { "reg in the configuration", e_reg_config,
      HL_D1 "/kernel: reg <0x100000 0x100>: inside the configuration module", true, false, 0 },
    { "reg cells", e_reg_cells, HL_D1 "/kernel: reg: malformed", true, false, 0 },
    { "module-index and reg", e_index_and_reg,
      HL_D0 "/kernel: needs exactly one of module-index and reg", false, true, 0 },
    { "no kernel", e_no_kernel,
      HL_D1 ": no kernel (a child node with compatible \"multiboot,kernel\")", true, false, 0 },
    { "two kernels", e_two_kernels, HL_D0 "/kernel: a second kernel node", false, true, 0 },
    { "two ramdisks", e_two_ramdisks, HL_D0 "/ramdisk: a second ramdisk node", false, true, 0 },
    { "PV mode", e_mode_pv,
      HL_D1 ": mode 0x1: PV domains are not supported (only PVH is built)", true, false, 0 },
    { "device model mode", e_mode_dm,
      HL_D1 ": mode 0x2: device-model (HVM) domains are not supported", true, false, 0 },
    { "reserved domid", e_domid_reserved, HL_D1 ": domid 32752: must be below 32752",
      true, false, 0 },
    { "name with a blank", e_name_blank,
      HL_D1 ": domain-name: must be 1 to 31 printable characters without blanks", true, false, 0 },
    { "name too long", e_name_long,
      HL_D1 ": domain-name: must be 1 to 31 printable characters without blanks", true, false, 0 },
    { "empty name", e_name_empty,
      HL_D1 ": domain-name: must be 1 to 31 printable characters without blanks", true, false, 0 },
    { "no vCPU", e_cpus_zero, HL_D1 ": cpus 0: must be 1 to 128", true, false, 0 },
    { "too many vCPUs", e_cpus_many, HL_D1 ": cpus 129: must be 1 to 128", true, false, 0 },
    { "unknown capability", e_caps_bits, HL_D1 ": capabilities 0x8: only CONTROL (1)",
      true, false, 0 },
    { "two control domains", e_two_controls,
      HL_D1 ": capabilities: a second control domain (" HL_D0 " is one)", true, false, 0 },
    { "evtchn peer does not point back", e_ev_not_back,
      HL_D1 "/ev2: xen,evtchn: the peer does not name this node back", false, false, 0 },
    { "evtchn port 0", e_ev_port0,
      HL_EV1 ": xen,evtchn: the local port must be 1 to 4095", false, false, 0 },
    { "evtchn port 4096", e_ev_port_big,
      HL_EV1 ": xen,evtchn: the local port must be 1 to 4095", false, false, 0 },
    { "evtchn size", e_ev_size,
      HL_EV1 ": xen,evtchn: must be <local-port &peer-node> (two 32-bit cells)", false, false, 0 },
    { "evtchn peer not an evtchn", e_ev_peer_kind,
      HL_EV1 ": xen,evtchn: the peer is not a \"xen,evtchn-v1\" node", false, false, 0 },
    { "evtchn in one domain", e_ev_same_dom,
      HL_D0 "/ev3: xen,evtchn: both ends are in the same domain", false, true, 0 },
    { "evtchn port twice", e_ev_dup_port,
      HL_EV0 ": xen,evtchn: the local port is already used in this domain", false, false, 0 },
    { "unknown hypervisor child", e_hv_child,
      HL_HV "/thing: unknown compatible \"xen,thing\"", true, true, 0 },
    { "xen,config bootargs", e_config_args, HL_HV "/config: bootargs: must be one string",
      true, true, 0 },
    { "kernel bootargs", e_bootargs, HL_D1 "/kernel: bootargs: must be one string", true, false, 0 },
    { "control characters", e_control_chars,
      HL_D1 "/x?[2J: unknown compatible \"bad?]0;?\"", true, false, 0 },
    { "no HVM", e_no_hvm, "/: this machine offers no hardware virtualisation", false, false, 0 },
};

static void check_bad(const struct bad_case *b)
{
    unsigned int problems = b->problems ? b->problems : 1;
    char want[320];
    int rc;

    setup();
    b->edit();
    rc = parse();
    CHECK(rc == -EINVAL, "%s: rc %d", b->name, rc);
    CHECK(cfg.nr_problems == problems, "%s: %u problems, expected %u:\n%s", b->name,
          cfg.nr_problems, problems, printk_log);
    snprintf(want, sizeof(want), "Hyperlaunch: %u problem(s) in the configuration (module 0):\n",
             problems);
    CHECK(!strncmp(printk_log, want, strlen(want)), "%s: heading:\n%s", b->name, printk_log);
    snprintf(want, sizeof(want), "\nHyperlaunch: %s", b->line);
    CHECK(printk_log_contains(want), "%s: no line \"%s\" in:\n%s", b->name, b->line, printk_log);
    CHECK(cfg.nr_domains == 2, "%s: %u domains", b->name, cfg.nr_domains);
    CHECK(cfg.domains[0].valid == b->valid0 && cfg.domains[1].valid == b->valid1,
          "%s: validity %d %d, expected %d %d:\n%s", b->name, cfg.domains[0].valid,
          cfg.domains[1].valid, b->valid0, b->valid1, printk_log);
    if (b->valid0 && b->valid1) {
        LOGGED("Hyperlaunch: 2 of 2 domain(s) will still be built:\n");
    } else if (b->valid0 || b->valid1) {
        snprintf(want, sizeof(want), "Hyperlaunch: 1 of 2 domain(s) will still be built:\n"
                 "Hyperlaunch:   %s (%s)\n", b->valid0 ? HL_D0 : HL_D1,
                 b->valid0 ? "control" : "guest");
        CHECK(printk_log_contains(want), "%s: summary:\n%s", b->name, printk_log);
    } else {
        LOGGED("Hyperlaunch: none of the 2 domain(s) will be built\n");
    }
    /* A channel is kept only between domains that are both built. */
    CHECK(cfg.nr_evtchns == (b->valid0 && b->valid1), "%s: %u channels", b->name, cfg.nr_evtchns);
}

static void test_bad(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad_cases); i++)
        check_bad(&bad_cases[i]);
}

static unsigned int occurrences(const char *needle)
{
    const char *p = printk_log;
    unsigned int n = 0;

    while ((p = strstr(p, needle))) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* Several problems at once: each printed once, in one report, valid domains listed. */
static void test_many_problems(void)
{
    const char *heading = "Hyperlaunch: 3 problem(s) in the configuration (module 0):\n";

    setup();
    add_node("/chosen", "third", "xen,domain");
    hlb_u32("/chosen/third", "memory", 4096);
    hlb_str("/chosen/third", "domain-name", "third");
    add_node("/chosen/third", "kernel", "multiboot,kernel");
    hlb_u32("/chosen/third/kernel", "module-index", HL_MOD_K1);
    e_mode_pv();
    e_mem_missing();
    e_hv_child();
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_problems, 3);
    CHECK(!strncmp(printk_log, heading, strlen(heading)), "heading:\n%s", printk_log);
    LOGGED("Hyperlaunch: 2 of 3 domain(s) will still be built:\n"
           "Hyperlaunch:   " HL_D0 " (control)\nHyperlaunch:   /chosen/third (third)\n");
    /* One report: one heading, each problem once. */
    CHECK_EQ(occurrences("problem(s) in the configuration"), 1);
    CHECK_EQ(occurrences(HL_D1 ": mode 0x1"), 1);
    CHECK_EQ(occurrences(HL_D1 ": memory: missing"), 1);
    CHECK_EQ(occurrences(HL_HV "/thing: unknown compatible"), 1);
    CHECK_EQ(occurrences("\n"), 3 + 1 + 3);
    CHECK(cfg.domains[0].valid && !cfg.domains[1].valid && cfg.domains[2].valid, "validity");
}

static void test_no_domain(void)
{
    hl_machine(&M);
    hlb_empty();
    hlb_add("/chosen", "hypervisor");
    hlb_str(HL_HV, "compatible", "hypervisor,xen");
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_domains, 0);
    LOGGED("Hyperlaunch: 1 problem(s) in the configuration (module 0):\n"
           "Hyperlaunch: /chosen: no domain (a node with compatible \"xen,domain\" under "
           "/chosen/hypervisor or /chosen)\n");
    /* A hypervisor node of the wrong kind hides its domains. */
    setup();
    hlb_str(HL_HV, "compatible", "hypervisor,kvm");
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_domains, 0);
    CHECK_EQ(cfg.nr_problems, 2);
    LOGGED("Hyperlaunch: /chosen/hypervisor: compatible: must be \"hypervisor,xen\"");
    /* No /chosen at all. */
    hl_machine(&M);
    fdt_create_empty_tree(hl_blob, sizeof(hl_blob));
    CHECK_EQ(parse(), -EINVAL);
    LOGGED("Hyperlaunch: /: no domain");
}

/* BOOT_MAX_DOMAINS are read; the next is a problem of its own. */
static void test_too_many_domains(void)
{
    char name[32], path[64];
    unsigned int i, valid = 0;

    hl_machine(&M);
    hlb_empty();
    for (i = 0; i <= BOOT_MAX_DOMAINS; i++) {
        snprintf(name, sizeof(name), "d%u", i);
        snprintf(path, sizeof(path), "/chosen/d%u", i);
        add_node("/chosen", name, "xen,domain");
        hlb_u32(path, "memory", 1024);
        add_node(path, "kernel", "multiboot,kernel");
        strcat(path, "/kernel");
        hlb_u32(path, "module-index", HL_MOD_K1);
    }
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_problems, 1);
    CHECK_EQ(cfg.nr_domains, BOOT_MAX_DOMAINS);
    for (i = 0; i < cfg.nr_domains; i++)
        valid += cfg.domains[i].valid;
    CHECK_EQ(valid, BOOT_MAX_DOMAINS);
    LOGGED("Hyperlaunch: /chosen/d0: more than 64 domains: this one is not built\n");
    LOGGED("Hyperlaunch: 64 of 64 domain(s) will still be built:\n");
}

/* More pools than fit: the extra one is reported, a domain naming it too. */
static void test_too_many_pools(void)
{
    char name[32], path[96];
    unsigned int i;

    setup();
    for (i = 8; i < 32; i++)
        cpumask_set_cpu(i, &M.cpus);
    /*
     * p14..p0 come first in the document (libfdt adds each new node first)
     * and fill BOOT_MAX_POOLS with the boot pool: the base pool is one too many.
     */
    for (i = 0; i < BOOT_MAX_POOLS - 1; i++) {
        snprintf(name, sizeof(name), "p%u", i);
        snprintf(path, sizeof(path), "/chosen/p%u", i);
        add_node("/chosen", name, "xen,cpupool");
        hlb_u32(path, "cpupool-cpus", 10 + i);
        hlb_u32(path, "phandle", 0x200 + i);
    }
    hlb_u32(HL_D0, "domain-cpupool", 0x200 + 14);
    hlb_str(HL_D0 "/vcpu0", "hard-affinity", "24");
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(cfg.nr_pools, BOOT_MAX_POOLS);
    CHECK_EQ(cfg.nr_problems, 2);
    snprintf(path, sizeof(path), "Hyperlaunch: " HL_POOL ": more than %u CPU pools besides the "
             "boot pool\n", BOOT_MAX_POOLS - 1);
    LOGGED(path);
    LOGGED("Hyperlaunch: " HL_D1 ": domain-cpupool: " HL_POOL " is not one of the "
           "configuration's CPU pools\n");
    CHECK(cfg.domains[0].valid && !cfg.domains[1].valid, "validity");
    CHECK_EQ(cfg.domains[0].pool, 1);
    CHECK(mask_is(&cfg.pools[1].cpus, "24"), "p14");
    CHECK(mask_is(&cfg.pools[0].cpus, "0-9,25-31"), "boot pool keeps the rest");
}

/* ---- Blobs that are not configurations ------------------------------------------- */

static void test_malformed(void)
{
    size_t n;
    uint8_t *copy;
    int rc;

    hl_machine(&M);
    setup();
    n = hlb_finish();
    /* One byte short: the header's totalsize no longer fits. */
    copy = malloc(n - 1);
    memcpy(copy, hl_blob, n - 1);
    printk_log_clear();
    rc = hyperlaunch_parse(copy, n - 1, 3, &M, &cfg);
    free(copy);
    CHECK_EQ(rc, -EINVAL);
    CHECK_EQ(cfg.nr_domains, 0);
    CHECK_EQ(cfg.nr_problems, 1);
    CHECK(cfg.hyperlaunch && cfg.config_module == 3, "cfg initialised");
    LOGGED("Hyperlaunch: 1 problem(s) in the configuration (module 3):\n"
           "Hyperlaunch: /: malformed device tree: ");
    LOGGED("Hyperlaunch: no domain will be built\n");

    /* A broken token in the structure block. */
    copy = malloc(n);
    memcpy(copy, hl_blob, n);
    /* The token after the root's BEGIN_NODE and empty name: make it 7, which is none. */
    memcpy(copy + fdt_off_dt_struct(hl_blob) + 8, "\0\0\0\7", 4);
    printk_log_clear();
    rc = hyperlaunch_parse(copy, n, 0, &M, &cfg);
    CHECK_EQ(rc, -EINVAL);
    LOGGED("malformed device tree");

    /* Not a device tree at all. */
    memset(copy, 0x5a, n);
    printk_log_clear();
    rc = hyperlaunch_parse(copy, n, 0, &M, &cfg);
    CHECK_EQ(rc, -ENOEXEC);
    CHECK_EQ(cfg.nr_domains, 0);
    LOGGED("Hyperlaunch: /: not a flattened device tree");
    rc = hyperlaunch_parse(copy, 2, 0, &M, &cfg);
    CHECK_EQ(rc, -ENOEXEC);
    free(copy);
}

/* ---- Finding the configuration ---------------------------------------------------- */

static void test_find_config(void)
{
    struct boot_module mods[4];
    uint8_t *kernel = malloc(64), *tiny = malloc(3), *dtb;
    size_t n;

    setup();
    n = hlb_finish();
    dtb = malloc(n);
    memcpy(dtb, hl_blob, n);
    memset(kernel, 0x7f, 64);
    memcpy(tiny, hl_blob, 3);           /* the magic's first three bytes, then the end */
    memset(mods, 0, sizeof(mods));
    mods[0] = (struct boot_module){ (uintptr_t)kernel, (uintptr_t)kernel + 64, "k" };
    mods[1] = (struct boot_module){ (uintptr_t)tiny, (uintptr_t)tiny + 3, "t" };
    mods[2] = (struct boot_module){ (uintptr_t)dtb, (uintptr_t)dtb + n, "cfg" };
    mods[3] = (struct boot_module){ (uintptr_t)dtb, (uintptr_t)dtb + n, "cfg2" };
    CHECK_EQ(hyperlaunch_find_config(mods, 4), 2);
    CHECK_EQ(hyperlaunch_find_config(mods, 2), -1);
    CHECK_EQ(hyperlaunch_find_config(mods, 0), -1);
    mods[0] = mods[2];
    CHECK_EQ(hyperlaunch_find_config(mods, 4), 0);
    free(kernel);
    free(tiny);
    free(dtb);
}

/* ---- Classic boot ----------------------------------------------------------------- */

static void test_classic(void)
{
    const struct boot_domain *d = &cfg.domains[0];
    struct boot_module mods[2] = {
        { 0x1000000, 0x1800000, "  /boot/vmlinuz   root=/dev/ram0 console=hvc0" },
        { 0x2000000, 0x2100000, "/boot/initrd.img ignored" },
    };

    hl_machine(&M);
    M.modules = mods;
    M.nr_modules = 2;
    printk_log_clear();
    classic_config(&M, 0, 0, &cfg);
    CHECK(!cfg.hyperlaunch && cfg.config_module == -1, "classic");
    CHECK_EQ(cfg.nr_domains, 1);
    CHECK_EQ(cfg.nr_problems, 0);
    CHECK(d->valid && d->domid == 0 && d->caps == BOOT_CAP_ALL && d->pool == 0, "dom0");
    CHECK(!strcmp(d->name, "Domain-0"), "%s", d->name);
    /* 4 GiB: 1/16 would be 256 MiB, at most 128 MiB is kept back. */
    CHECK_EQ(d->mem_kib, (HL_RAM - (128ULL << 20)) >> 10);
    CHECK_EQ(d->nr_vcpus, 8);
    CHECK(d->kernel.present && d->kernel.index == 0 && d->kernel.start == 0x1000000 &&
          d->kernel.size == 0x800000, "kernel");
    CHECK(!strcmp(d->cmdline, "root=/dev/ram0 console=hvc0"), "cmdline \"%s\"", d->cmdline);
    CHECK(d->ramdisk.present && d->ramdisk.index == 1 && d->ramdisk.size == 0x100000, "ramdisk");
    CHECK_EQ(cfg.nr_pools, 1);
    CHECK(mask_is(&cfg.pools[0].cpus, "0-7"), "boot pool");
    CHECK_EQ(cfg.nr_evtchns, 0);

    /* Small machines keep 1/16; dom0_mem= and dom0_max_vcpus= are honoured. */
    M.ram_bytes = 1ULL << 30;
    classic_config(&M, 0, 3, &cfg);
    CHECK_EQ(d->mem_kib, (1ULL << 20) - (1ULL << 16));
    CHECK_EQ(d->nr_vcpus, 3);
    classic_config(&M, 256ULL << 20, 0, &cfg);
    CHECK_EQ(d->mem_kib, 256 * 1024);
    /* Memory capped at what exists; vCPUs may outnumber CPUs (as in Xen), up to the limit. */
    classic_config(&M, 8ULL << 30, 100, &cfg);
    CHECK_EQ(d->mem_kib, 1ULL << 20);
    CHECK_EQ(d->nr_vcpus, 100);
    classic_config(&M, 0, 1000, &cfg);
    CHECK_EQ(d->nr_vcpus, BOOT_MAX_VCPUS);

    /* One module: no ramdisk; a path alone: no command line. */
    M.nr_modules = 1;
    snprintf(mods[0].cmdline, sizeof(mods[0].cmdline), "/boot/vmlinuz");
    classic_config(&M, 0, 0, &cfg);
    CHECK(d->kernel.present && !d->ramdisk.present && !d->cmdline[0], "kernel only");

    /* No module: nothing to build. */
    M.nr_modules = 0;
    classic_config(&M, 0, 0, &cfg);
    CHECK_EQ(cfg.nr_domains, 0);
    LOGGED("no boot module");

    /* Without HVM the control domain cannot run. */
    M.nr_modules = 1;
    M.hvm = false;
    printk_log_clear();
    classic_config(&M, 0, 0, &cfg);
    CHECK(!d->valid && cfg.nr_problems == 1, "no HVM");
    LOGGED("no hardware virtualisation");
}

/* ---- The worked example of docs/man/xen-hyperlaunch.7.md ----------------------- */

/* The manual page: from tools/tests (make run), or found from the binary (build/tests). */
static char *read_manual(void)
{
    static const char *const rel[] = { "../../docs/man/xen-hyperlaunch.7.md",
                                       "docs/man/xen-hyperlaunch.7.md" };
    char exe[PATH_MAX - 64], path[PATH_MAX];
    unsigned int i;
    size_t n;
    ssize_t len;
    char *text, *slash;

    for (i = 0; i < ARRAY_SIZE(rel); i++) {
        text = test_read_file(rel[i], &n);
        if (text)
            break;
    }
    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (!text && len > 0) {
        exe[len] = 0;
        slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        snprintf(path, sizeof(path), "%s/../../docs/man/xen-hyperlaunch.7.md", exe);
        text = test_read_file(path, &n);
    }
    if (text) {
        text = realloc(text, n + 1);
        text[n] = 0;
    }
    return text;
}

/* The .dts in the EXAMPLE section (indented 4), compiled by dtc into hl_blob. */
static bool example_blob(void)
{
    char *man = read_manual(), *start, *end, *line, dts[32] = "/tmp/hl-example-XXXXXX";
    char cmd[128], dtb_path[40];
    size_t n = 0;
    uint8_t *dtb;
    FILE *f;
    int fd;
    bool ok = false;

    CHECK(man != NULL, "docs/man/xen-hyperlaunch.7.md not found");
    start = man ? strstr(man, "    /dts-v1/;") : NULL;
    end = start ? strstr(start, "\n    };\n") : NULL;
    CHECK(end != NULL, "no .dts in the manual's example");
    fd = end ? mkstemp(dts) : -1;
    if (fd >= 0) {
        f = fdopen(fd, "w");
        end[strlen("\n    };")] = 0;
        for (line = strtok(start, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(f, "%s\n", strncmp(line, "    ", 4) ? line : line + 4);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s.dtb %s", dts, dts);
        CHECK(!system(cmd), "dtc failed on the manual's example (%s)", dts);
        snprintf(dtb_path, sizeof(dtb_path), "%s.dtb", dts);
        dtb = test_read_file(dtb_path, &n);
        if (dtb && n <= sizeof(hl_blob)) {
            memcpy(hl_blob, dtb, n);
            ok = true;
        }
        free(dtb);
        unlink(dtb_path);
        unlink(dts);
    }
    free(man);
    return ok;
}

static void test_manual_example(void)
{
    struct boot_module mods[4] = {
        { 0x100000, 0x101000, "/boot/hl.dtb" },
        { 0x1000000, 0x1800000, "/boot/vmlinuz console=hvc0 root=/dev/ram0" },
        { 0x2000000, 0x2400000, "/boot/initrd.img" },
        { 0x3000000, 0x3100000, "/boot/rt.elf" },
    };
    const struct boot_domain *ctl = &cfg.domains[0], *rt = &cfg.domains[1];
    size_t n;
    uint8_t *copy;
    int rc;

    if (!example_blob())
        return;
    hl_machine(&M);
    cpumask_clear(&M.cpus);
    cpumask_parse_list("0-3", &M.cpus);
    M.modules = mods;
    M.nr_modules = 4;
    n = fdt_totalsize(hl_blob);
    copy = malloc(n);
    memcpy(copy, hl_blob, n);
    printk_log_clear();
    rc = hyperlaunch_parse(copy, n, 0, &M, &cfg);
    free(copy);
    CHECK(rc == 0, "the manual's example has problems:\n%s", printk_log);
    CHECK_EQ(cfg.nr_domains, 2);
    CHECK(!strcmp(cfg.xen_bootargs, "loglvl=all"), "%s", cfg.xen_bootargs);
    CHECK(!strcmp(ctl->name, "ctl") && ctl->domid == 0 && ctl->caps == BOOT_CAP_CONTROL, "ctl");
    CHECK(ctl->mem_kib == 524288 && ctl->nr_vcpus == 2 && ctl->pool == 0, "ctl resources");
    CHECK(!strcmp(ctl->cmdline, "console=hvc0 root=/dev/ram0"), "%s", ctl->cmdline);
    CHECK(ctl->ramdisk.present && ctl->ramdisk.index == 2, "ctl ramdisk");
    CHECK(boot_vcpu_pinned(ctl, 0) && mask_is(&ctl->vcpu_hard[0], "0"), "ctl vCPU 0 on CPU 0");
    CHECK(!boot_vcpu_pinned(ctl, 1), "ctl vCPU 1 free");
    CHECK(!strcmp(rt->name, "rt") && rt->domid == 1 && rt->mem_kib == 65536, "rt");
    CHECK(!strcmp(rt->cmdline, "console=hvc0"), "%s", rt->cmdline);
    CHECK(rt->pool == 1 && !strcmp(cfg.pools[1].sched, "null"), "rt pool");
    CHECK(mask_is(&cfg.pools[1].cpus, "2-3") && mask_is(&cfg.pools[0].cpus, "0-1"), "pools");
    CHECK(mask_is(&rt->vcpu_hard[0], "2") && mask_is(&rt->vcpu_hard[1], "3"), "rt pinning");
    CHECK(cfg.nr_evtchns == 1 && has_evtchn(0, 10, 1, 11), "ctl:10 <-> rt:11");
}

int main(void)
{
    static const struct test_case cases[] = {
        { "hl_valid", test_valid },
        { "hl_dom0less", test_dom0less },
        { "hl_reg_whole_module", test_reg_whole_module },
        { "hl_pools", test_pools },
        { "hl_pinning", test_pinning },
        { "hl_evtchns", test_evtchns },
        { "hl_bad", test_bad },
        { "hl_many_problems", test_many_problems },
        { "hl_no_domain", test_no_domain },
        { "hl_too_many_domains", test_too_many_domains },
        { "hl_too_many_pools", test_too_many_pools },
        { "hl_malformed", test_malformed },
        { "hl_find_config", test_find_config },
        { "hl_classic", test_classic },
        { "hl_manual_example", test_manual_example },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
