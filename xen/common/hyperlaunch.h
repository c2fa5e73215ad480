/*
 * Shared between the parts of the Hyperlaunch configuration reader
 * (hyperlaunch.c: entry points and report; hyperlaunch_domain.c: one
 * domain node; hyperlaunch_links.c: pools, event channels and the checks
 * across domains).  Not an interface: see xen/bootdomain.h.
 */
#ifndef COMMON_HYPERLAUNCH_H
#define COMMON_HYPERLAUNCH_H

#include <xen/bootdomain.h>
#include <xen/fdt.h>
#include <xen/lib.h>

/* The pass over the configuration in progress. */
struct hl_ctx {
    const struct fdt *fdt;
    const struct boot_machine *m;
    struct boot_config *cfg;
    bool emit;                  /* print problems (second pass) or only count them */
    int chosen;                 /* node offsets, or -ENOENT */
    int hv;
};

/*
 * Record one problem at `path`; `dom` >= 0 is the index of a domain the
 * problem makes invalid.
 */
void __printf(4, 5) hl_problem(struct hl_ctx *c, const char *path, int dom,
                               const char *fmt, ...);

/* The node's absolute path ("/chosen/domU1") in buf. */
const char *hl_node_path(const struct fdt *fdt, int node, char *buf, size_t len);

/* A u64 property that may also be written as one u32 cell. */
int hl_prop_u64_or_u32(const struct fdt *fdt, int node, const char *name, uint64_t *val);

/* The module's command line without its first word (the path GRUB puts there). */
const char *hl_cmdline_after_path(const char *cmdline);

/* hyperlaunch_links.c */
void hl_parse_pools(struct hl_ctx *c);
int hl_pool_by_node(const struct boot_config *cfg, int node);
void hl_check_domains(struct hl_ctx *c);
void hl_parse_evtchns(struct hl_ctx *c);
void hl_drop_broken_evtchns(struct boot_config *cfg);

/* hyperlaunch_domain.c */
void hl_parse_domain(struct hl_ctx *c, int node, unsigned int idx);

#endif
