/*
 * Fuzzing the device tree reader (common/lib/fdt.c) and the Hyperlaunch
 * configuration reader (common/hyperlaunch*.c) with mutated configurations.
 *
 * Two mutators: bytes (bit flips, boundary values, truncation, header
 * fields), which mostly exercise fdt_check's rejection paths, and
 * structure (libfdt edits: values of the wrong size or kind, properties
 * and nodes removed or added, duplicate phandles), which produce valid
 * device trees that are bad configurations.  Every accepted blob is walked
 * through every accessor; every parse result is checked against the
 * promises of xen/bootdomain.h (a domain marked valid really is buildable).
 */
#include "test.h"
#include "fuzz.h"
#include "../hyperlaunch/hl_blob.h"
#include <xen/fdt.h>
#include <xen/errno.h>
#include <libfdt.h>

#define NR_SEEDS 3

static uint8_t seeds[NR_SEEDS][HL_BLOB_MAX];
static size_t seed_len[NR_SEEDS];
static bool seeded;
static struct boot_config cfg;

/* ---- Seeds ------------------------------------------------------------------------ */

static void dom0less_seed(void)
{
    hlb_empty();
    hlb_add("/chosen", "domU2");
    hlb_add("/chosen", "domU1");
    hlb_str("/chosen/domU1", "compatible", "xen,domain");
    hlb_u32("/chosen/domU1", "#address-cells", 1);
    hlb_u32("/chosen/domU1", "#size-cells", 1);
    hlb_u32("/chosen/domU1", "memory", 65536);
    hlb_u32("/chosen/domU1", "cpus", 2);
    hlb_add("/chosen/domU1", "kernel");
    hlb_str("/chosen/domU1/kernel", "compatible", "multiboot,kernel");
    {
        uint32_t reg[2] = { 0x3000000, 0x800000 };

        hlb_cells("/chosen/domU1/kernel", "reg", 2, reg);
    }
    hlb_str("/chosen/domU2", "compatible", "xen,domain");
    hlb_u64("/chosen/domU2", "memory", 65536);
    hlb_str("/chosen/domU2", "domain-name", "two");
    hlb_add("/chosen/domU2", "kernel");
    hlb_str("/chosen/domU2/kernel", "compatible", "multiboot,kernel");
    hlb_u32("/chosen/domU2/kernel", "module-index", HL_MOD_K1);
    hlb_add("/chosen/domU2", "ramdisk");
    hlb_str("/chosen/domU2/ramdisk", "compatible", "multiboot,ramdisk");
    hlb_u32("/chosen/domU2/ramdisk", "module-index", HL_MOD_RD0);
}

/* The base with cpu nodes, a pool naming them, and a third domain with channels. */
static void rich_seed(void)
{
    uint32_t cells[2] = { 0x20, 0x21 }, ev[2];

    hlb_base();
    hlb_add("/", "cpus");
    hlb_u32("/cpus", "#address-cells", 1);
    hlb_u32("/cpus", "#size-cells", 0);
    hlb_add("/cpus", "cpu@7");
    hlb_add("/cpus", "cpu@3");
    hlb_str("/cpus/cpu@3", "device_type", "cpu");
    hlb_u32("/cpus/cpu@3", "reg", 3);
    hlb_u32("/cpus/cpu@3", "phandle", 0x20);
    hlb_str("/cpus/cpu@7", "device_type", "cpu");
    hlb_u32("/cpus/cpu@7", "reg", 7);
    hlb_u32("/cpus/cpu@7", "phandle", 0x21);
    hlb_add("/chosen", "pool2");
    hlb_str("/chosen/pool2", "compatible", "xen,cpupool");
    hlb_cells("/chosen/pool2", "cpupool-cpus", 2, cells);
    hlb_str("/chosen/pool2", "cpupool-sched", "null");
    hlb_u32("/chosen/pool2", "phandle", 0x30);
    hlb_add("/chosen", "third");
    hlb_str("/chosen/third", "compatible", "xen,domain");
    hlb_u32("/chosen/third", "memory", 8192);
    hlb_u32("/chosen/third", "cpus", 2);
    hlb_u32("/chosen/third", "domain-cpupool", 0x30);
    hlb_add("/chosen/third", "ev");
    hlb_add("/chosen/third", "vcpu1");
    hlb_add("/chosen/third", "kernel");
    hlb_str("/chosen/third/kernel", "compatible", "multiboot,kernel");
    hlb_u32("/chosen/third/kernel", "module-index", HL_MOD_K0);
    hlb_str("/chosen/third/vcpu1", "compatible", "xen,vcpu");
    hlb_u32("/chosen/third/vcpu1", "id", 1);
    hlb_str("/chosen/third/vcpu1", "hard-affinity", "7");
    hlb_str("/chosen/third/ev", "compatible", "xen,evtchn-v1");
    hlb_u32("/chosen/third/ev", "phandle", 0x40);
    ev[0] = 7;
    ev[1] = 0x41;
    hlb_cells("/chosen/third/ev", "xen,evtchn", 2, ev);
    hlb_add(HL_D1, "ev-third");
    hlb_str(HL_D1 "/ev-third", "compatible", "xen,evtchn-v1");
    hlb_u32(HL_D1 "/ev-third", "phandle", 0x41);
    ev[0] = 8;
    ev[1] = 0x40;
    hlb_cells(HL_D1 "/ev-third", "xen,evtchn", 2, ev);
}

static void make_seeds(void)
{
    void (*build[NR_SEEDS])(void) = { hlb_base, dom0less_seed, rich_seed };
    unsigned int i;

    if (seeded)
        return;
    for (i = 0; i < NR_SEEDS; i++) {
        build[i]();
        seed_len[i] = hlb_finish();
        memcpy(seeds[i], hl_blob, seed_len[i]);
    }
    seeded = true;
}

/* ---- The full walk ---------------------------------------------------------------- */

/* The node's path as it is (hl_node_path makes it printable, so cannot be looked up). */
static void raw_path(const struct fdt *f, int node, char *buf, size_t len)
{
    int chain[FDT_MAX_DEPTH + 1];
    unsigned int n = 0;
    size_t pos = 0;

    for (; node > fdt_root(f) && n < ARRAY_SIZE(chain); node = fdt_parent(f, node))
        chain[n++] = node;
    snprintf(buf, len, "/");
    while (n && pos < len) {
        int w = snprintf(buf + pos, len - pos, "/%s", fdt_node_name(f, chain[--n]));

        if (w < 0)
            break;
        pos += (size_t)w;
    }
}

static unsigned int walk_props(const struct fdt *f, int node)
{
    unsigned int bad = 0, i;
    volatile uint8_t sink;
    const char *name, *s;
    const uint8_t *v;
    uint32_t len, u32, len2;
    uint64_t u64;
    int prop, n;

    fdt_for_each_prop(f, node, prop) {
        v = fdt_prop_info(f, prop, &name, &len);
        sink = (uint8_t)name[strlen(name)];
        if (len)
            sink = v[0] ^ v[len - 1];
        (void)sink;
        /* By name finds the first property of that name: this one unless repeated. */
        if (!fdt_get_prop(f, node, name, &len2))
            bad++;
        fdt_prop_u32(f, node, name, &u32);
        fdt_prop_u64(f, node, name, &u64);
        for (i = 0; i <= len / 4; i++)
            fdt_prop_cell(f, node, name, i, &u32);
        fdt_prop_string(f, node, name, &s);
        n = fdt_prop_string_count(f, node, name);
        for (i = 0; n > 0 && i <= (unsigned int)n; i++)
            if (!fdt_prop_string_index(f, node, name, i, &s))
                sink = (uint8_t)s[strlen(s)];
        fdt_prop_has_string(f, node, name, "xen,domain");
    }
    return bad;
}

static unsigned int walk(const struct fdt *f)
{
    unsigned int bad = 0, i, nodes = 0;
    char path[96];
    uint64_t a, s;
    int node, child;

    for (i = 0; i < f->nr_rsv; i++)
        fdt_rsv(f, i, &a, &s);
    for (node = fdt_root(f); node >= 0; node = fdt_walk_next(f, node)) {
        uint32_t ph = fdt_node_phandle(f, node);
        const char *name = fdt_node_name(f, node);

        nodes++;
        if (node != fdt_root(f) && fdt_parent(f, node) < 0)
            bad++;
        fdt_for_each_child(f, node, child)
            if (fdt_parent(f, child) != node)
                bad++;
        if (ph != FDT_PHANDLE_NONE && fdt_find_phandle(f, ph) < 0)
            bad++;
        fdt_node_address_cells(f, node);
        fdt_node_size_cells(f, node);
        for (i = 0; i < 4 && !fdt_node_reg(f, node, i, &a, &s); i++)
            ;
        fdt_node_is_compatible(f, node, "xen,cpupool");
        if (name[0] && fdt_find_child(f, fdt_parent(f, node), name) < 0)
            bad++;
        raw_path(f, node, path, sizeof(path));
        if (strlen(path) < sizeof(path) - 8 && fdt_find_node(f, path) != node)
            bad++;
        bad += walk_props(f, node);
    }
    if (nodes != f->nr_nodes)
        bad++;
    for (node = fdt_find_compatible(f, -1, "xen,domain"); node >= 0;
         node = fdt_find_compatible(f, node, "xen,domain"))
        ;
    return bad;
}

/* ---- What a parse result promises ------------------------------------------------- */

static bool in_module(const struct boot_machine *m, const struct boot_mod_ref *r)
{
    unsigned int i;

    for (i = 0; i < m->nr_modules; i++)
        if ((int)i != cfg.config_module && r->start >= m->modules[i].start &&
            r->size && r->start + r->size <= m->modules[i].end && r->start + r->size > r->start)
            return true;
    return false;
}

static unsigned int check_pools(const struct boot_machine *m)
{
    unsigned int bad = 0, i, j;
    cpumask_t all;

    if (!cfg.nr_pools || cfg.nr_pools > BOOT_MAX_POOLS || !cfg.pools[0].valid)
        return 1;
    cpumask_clear(&all);
    for (i = 0; i < cfg.nr_pools; i++) {
        const struct boot_pool *p = &cfg.pools[i];

        if (!p->valid)
            continue;
        bad += !cpumask_subset(&p->cpus, &m->cpus);
        bad += cpumask_intersects(&p->cpus, &all);
        bad += strnlen(p->sched, sizeof(p->sched)) == sizeof(p->sched);
        for (j = 0; p->sched[0] && m->schedulers[j] && strcmp(p->sched, m->schedulers[j]); j++)
            ;
        bad += p->sched[0] && !m->schedulers[j];
        cpumask_or(&all, &all, &p->cpus);
    }
    if (cfg.hyperlaunch)
        bad += cpumask_empty(&cfg.pools[0].cpus) && !cpumask_empty(&m->cpus);
    return bad;
}

static unsigned int check_domain(const struct boot_machine *m, unsigned int i, uint64_t *mem,
                                 unsigned int *controls)
{
    const struct boot_domain *d = &cfg.domains[i];
    const struct boot_pool *p = &cfg.pools[d->pool];
    unsigned int bad = 0, j, v;

    bad += !d->kernel.present || !in_module(m, &d->kernel);
    bad += d->ramdisk.present && !in_module(m, &d->ramdisk);
    bad += !d->mem_kib || d->mem_kib > m->ram_bytes >> 10;
    bad += d->mem_min_kib > d->mem_kib || (d->mem_max_kib && d->mem_max_kib < d->mem_kib);
    bad += !d->nr_vcpus || d->nr_vcpus > BOOT_MAX_VCPUS;
    bad += d->pool >= cfg.nr_pools || !p->valid;
    bad += d->domid >= 0x7ff0 && d->domid != BOOT_DOMID_ANY;
    bad += d->mode != 0 || (d->caps & ~BOOT_CAP_ALL);
    bad += strnlen(d->cmdline, sizeof(d->cmdline)) == sizeof(d->cmdline);
    bad += strnlen(d->name, sizeof(d->name)) == sizeof(d->name);
    for (j = 0; d->name[j]; j++)
        bad += d->name[j] <= ' ' || d->name[j] >= 0x7f;
    for (v = 0; v < BOOT_MAX_VCPUS; v++)
        if (boot_vcpu_pinned(d, v))
            bad += v >= d->nr_vcpus || cpumask_empty(&d->vcpu_hard[v]) ||
                   !cpumask_subset(&d->vcpu_hard[v], &p->cpus);
    for (j = 0; j < i; j++) {
        const struct boot_domain *o = &cfg.domains[j];

        if (!o->valid)
            continue;
        bad += d->domid != BOOT_DOMID_ANY && d->domid == o->domid;
        bad += d->name[0] && !strcmp(d->name, o->name);
    }
    *mem += d->mem_kib;
    *controls += !!(d->caps & BOOT_CAP_CONTROL);
    return bad;
}

static unsigned int check_evtchns(void)
{
    unsigned int bad = 0, i, j;

    if (cfg.nr_evtchns > BOOT_MAX_EVTCHNS)
        return 1;
    for (i = 0; i < cfg.nr_evtchns; i++) {
        const struct boot_evtchn *e = &cfg.evtchns[i];

        if (e->dom_a >= cfg.nr_domains || e->dom_b >= cfg.nr_domains) {
            bad++;
            continue;
        }
        bad += e->dom_a == e->dom_b || !cfg.domains[e->dom_a].valid ||
               !cfg.domains[e->dom_b].valid;
        bad += !e->port_a || e->port_a > 4095 || !e->port_b || e->port_b > 4095;
        for (j = 0; j < i; j++) {
            const struct boot_evtchn *o = &cfg.evtchns[j];

            bad += (o->dom_a == e->dom_a && o->port_a == e->port_a) ||
                   (o->dom_b == e->dom_a && o->port_b == e->port_a) ||
                   (o->dom_a == e->dom_b && o->port_a == e->port_b) ||
                   (o->dom_b == e->dom_b && o->port_b == e->port_b);
        }
    }
    return bad;
}

static unsigned int check_cfg(const struct boot_machine *m, int rc, int fdt_rc)
{
    unsigned int bad = 0, i, controls = 0, valid = 0;
    uint64_t mem = 0;

    bad += fdt_rc && (!rc || cfg.nr_domains);
    bad += rc && rc != -EINVAL && rc != -ENOEXEC;
    bad += !rc != !cfg.nr_problems;
    bad += !cfg.hyperlaunch || cfg.config_module != HL_MOD_CFG;
    if (cfg.nr_domains > BOOT_MAX_DOMAINS)
        return bad + 1;
    bad += check_pools(m);
    for (i = 0; i < cfg.nr_domains; i++)
        if (cfg.domains[i].valid) {
            valid++;
            bad += check_domain(m, i, &mem, &controls);
        }
    bad += mem > m->ram_bytes >> 10 || controls > 1;
    bad += !m->hvm && valid;
    bad += check_evtchns();
    if (bad && getenv("TEST_VERBOSE"))
        printf("fuzz: broken promise after:\n%s\n", printk_log);
    return bad;
}

/* ---- One run ---------------------------------------------------------------------- */

static unsigned int run_one(const uint8_t *blob, size_t len, struct fuzz_stats *st)
{
    struct boot_machine m;
    struct fdt f;
    const char *err;
    uint8_t *copy = fuzz_at_end(blob, len);
    unsigned int bad = 0, i;
    int frc, rc;

    st->runs++;
    frc = fdt_check(&f, copy, len, &err);
    if (!frc) {
        st->accepted++;
        bad += walk(&f);
    } else {
        bad += (frc != -EINVAL && frc != -ENOEXEC) || !err;
    }
    hl_machine(&m);
    switch (fuzz_rnd() % 16) {
    case 0:
        m.hvm = false;
        break;
    case 1:
        m.ram_bytes = 600ULL << 20;     /* the base domains fit one by one, not together */
        break;
    case 2:
        cpumask_clear(&m.cpus);
        cpumask_set_cpu(0, &m.cpus);
        cpumask_set_cpu(5, &m.cpus);
        break;
    }
    printk_log_clear();
    rc = hyperlaunch_parse(copy, len, HL_MOD_CFG, &m, &cfg);
    bad += check_cfg(&m, rc, frc);
    for (i = 0; i < cfg.nr_domains; i++)
        if (cfg.domains[i].valid) {
            st->deep++;
            break;
        }
    free(copy);
    return bad;
}

/* ---- Byte mutations --------------------------------------------------------------- */

static const uint32_t be_values[] = { 0, 1, 2, 3, 4, 8, 9, 16, 40, 0x7fffffff, 0x80000000,
                                      0xffffffff, 0xd00dfeed, 0x7ff0, 4095, 4096, 0x11, 0x100 };

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void mutate_bytes(uint8_t *b, size_t *len)
{
    unsigned int k, n = 1 + (unsigned int)(fuzz_rnd() % 4);

    for (k = 0; k < n && *len >= 8; k++) {
        size_t at = (size_t)(fuzz_rnd() % *len), from, cnt;

        switch (fuzz_rnd() % 7) {
        case 0:
            b[at] ^= (uint8_t)(1u << (fuzz_rnd() % 8));
            break;
        case 1:
            b[at] = (uint8_t)fuzz_rnd();
            break;
        case 2:             /* a token, length or name offset set to a boundary */
            at &= ~(size_t)3;
            if (at + 4 <= *len)
                put_be32(b + at, be_values[fuzz_rnd() % ARRAY_SIZE(be_values)]);
            break;
        case 3:             /* a header field */
            at = 4 * (size_t)(fuzz_rnd() % 10);
            put_be32(b + at, fuzz_rnd() % 2 ? be_values[fuzz_rnd() % ARRAY_SIZE(be_values)]
                                            : (uint32_t)(fuzz_rnd() % (*len + 64)));
            break;
        case 4:
            *len = (size_t)(fuzz_rnd() % *len);
            break;
        case 5:             /* a run of bytes copied elsewhere */
            from = (size_t)(fuzz_rnd() % *len);
            cnt = 4 + (size_t)(fuzz_rnd() % 29);
            if (from + cnt <= *len && at + cnt <= *len)
                memmove(b + at, b + from, cnt);
            break;
        default:            /* a length field one off */
            at &= ~(size_t)3;
            if (at + 4 <= *len)
                put_be32(b + at, ((uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 |
                                  (uint32_t)b[at + 2] << 8 | b[at + 3]) + (fuzz_rnd() % 2 ? 1 : -1u));
            break;
        }
    }
}

unsigned int fuzz_fdt_bytes(unsigned int iterations, struct fuzz_stats *st)
{
    static uint8_t buf[HL_BLOB_MAX];
    unsigned int i, bad = 0;

    make_seeds();
    for (i = 0; i < iterations; i++) {
        unsigned int s = (unsigned int)(fuzz_rnd() % NR_SEEDS);
        size_t len = seed_len[s];

        memcpy(buf, seeds[s], len);
        mutate_bytes(buf, &len);
        bad += run_one(buf, len, st);
    }
    return bad;
}

/* ---- Structure mutations ---------------------------------------------------------- */

static const char *const prop_names[] = {
    "compatible", "domid", "domain-name", "domain-uuid", "mode", "memory", "mem-min",
    "mem-max", "cpus", "capabilities", "domain-cpupool", "module-index", "reg", "bootargs",
    "id", "hard-affinity", "xen,evtchn", "cpupool-cpus", "cpupool-sched", "phandle",
    "#address-cells", "#size-cells", "device_type",
};

static const char *const strings[] = {
    "xen,domain", "multiboot,kernel", "multiboot,ramdisk", "xen,vcpu", "xen,evtchn-v1",
    "xen,evtchn", "xen,cpupool", "xen,config", "hypervisor,xen", "cpu", "credit2", "null",
    "0-3", "0-7,9", "3-1", "", "a b", "0-255", "4,6", "7", "0123456789012345678901234567890123",
};

static const uint32_t u32_values[] = { 0, 1, 2, 3, 4, 5, 7, 8, 10, 20, 0x10, 0x11, 0x20, 0x30,
                                       0x40, 0x41, 0x100, 0x7fef, 0x7ff0, 4095, 4096, 128, 129,
                                       0xffffffff, 0x80000000 };

static int pick_node(const uint8_t *w)
{
    int node, n = 0, want;

    for (node = 0; node >= 0; node = fdt_next_node(w, node, NULL))
        n++;
    want = (int)(fuzz_rnd() % (uint64_t)n);
    for (node = 0; want-- > 0; node = fdt_next_node(w, node, NULL))
        ;
    return node;
}

/* A property of the node, by index; NULL name if it has none. */
static const char *pick_prop(const uint8_t *w, int node)
{
    int prop, n = 0, want, len;
    const char *name = NULL;

    fdt_for_each_property_offset(prop, w, node)
        n++;
    if (!n)
        return NULL;
    want = (int)(fuzz_rnd() % (uint64_t)n);
    fdt_for_each_property_offset(prop, w, node)
        if (!want--) {
            fdt_getprop_by_offset(w, prop, &name, &len);
            break;
        }
    return name;
}

static void set_value(uint8_t *w, int node, const char *name)
{
    uint8_t raw[24];
    unsigned int i, n;
    const char *str;

    switch (fuzz_rnd() % 5) {
    case 0:
        n = (unsigned int)(fuzz_rnd() % sizeof(raw));
        for (i = 0; i < n; i++)
            raw[i] = (uint8_t)fuzz_rnd();
        fdt_setprop(w, node, name, raw, (int)n);
        break;
    case 1:
        fdt_setprop_u32(w, node, name, u32_values[fuzz_rnd() % ARRAY_SIZE(u32_values)]);
        break;
    case 2:
        fdt_setprop_u64(w, node, name, fuzz_rnd() % 2 ? fuzz_rnd() : fuzz_rnd() % 0x500000);
        break;
    case 3:             /* (fdt_setprop_string evaluates its argument twice) */
        str = strings[fuzz_rnd() % ARRAY_SIZE(strings)];
        fdt_setprop_string(w, node, name, str);
        break;
    default:            /* two cells: a port (or address) and a phandle (or size) */
        fdt_setprop_u32(w, node, name, u32_values[fuzz_rnd() % ARRAY_SIZE(u32_values)]);
        fdt_appendprop_u32(w, node, name, u32_values[fuzz_rnd() % ARRAY_SIZE(u32_values)]);
        break;
    }
}

static void mutate_structure(uint8_t *w)
{
    unsigned int k, n = 1 + (unsigned int)(fuzz_rnd() % 3);

    for (k = 0; k < n; k++) {
        int node = pick_node(w), sub;
        const char *name = pick_prop(w, node);
        char copy[64];

        if (name) {
            snprintf(copy, sizeof(copy), "%s", name);   /* edits move the strings */
            name = copy;
        }
        switch (fuzz_rnd() % 8) {
        case 0:
        case 1:
        case 2:
            if (name)
                set_value(w, node, name);
            break;
        case 3:
            if (name)
                fdt_delprop(w, node, name);
            break;
        case 4:
            set_value(w, node, prop_names[fuzz_rnd() % ARRAY_SIZE(prop_names)]);
            break;
        case 5:
            if (node > 0)
                fdt_del_node(w, node);
            break;
        case 6:
            snprintf(copy, sizeof(copy), "n%u", (unsigned int)(fuzz_rnd() % 1000));
            sub = fdt_add_subnode(w, node, copy);
            if (sub >= 0) {
                const char *compat = strings[fuzz_rnd() % 9];

                fdt_setprop_string(w, sub, "compatible", compat);
                set_value(w, sub, prop_names[fuzz_rnd() % ARRAY_SIZE(prop_names)]);
            }
            break;
        default:            /* phandles, duplicates included */
            fdt_setprop_u32(w, node, "phandle", u32_values[fuzz_rnd() % ARRAY_SIZE(u32_values)]);
            break;
        }
    }
}

unsigned int fuzz_fdt_structure(unsigned int iterations, struct fuzz_stats *st)
{
    static uint8_t w[HL_BLOB_MAX];
    unsigned int i, bad = 0;

    make_seeds();
    for (i = 0; i < iterations; i++) {
        unsigned int s = (unsigned int)(fuzz_rnd() % NR_SEEDS);

        if (fdt_open_into(seeds[s], w, sizeof(w)) < 0) {
            bad++;
            continue;
        }
        mutate_structure(w);
        fdt_pack(w);
        bad += run_one(w, fdt_totalsize(w), st);
    }
    return bad;
}
