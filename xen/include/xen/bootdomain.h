/*
 * What to build at boot: the domains, CPU pools and static event channels
 * of a Hyperlaunch configuration (a flattened device tree among the boot
 * modules, docs/man/xen-hyperlaunch.7.md), or of a classic boot (no
 * configuration: the first module is the control domain's kernel, the
 * second its ramdisk).
 *
 * Parsing (common/hyperlaunch.c) is pure code, host-tested and fuzzed; it
 * validates everything before anything is built and prints one report.
 * Building (common/domain_build.c) turns each valid entry into a domain.
 */
#ifndef XEN_BOOTDOMAIN_H
#define XEN_BOOTDOMAIN_H

#include <xen/types.h>
#include <xen/cpumask.h>
#include <xen/bootinfo.h>

#define BOOT_MAX_DOMAINS  64
#define BOOT_MAX_POOLS    16
#define BOOT_MAX_EVTCHNS  256
#define BOOT_MAX_VCPUS    128        /* = HVM_MAX_VCPUS */
#define BOOT_NAME_LEN     32         /* = DOMAIN_NAME_LEN */
#define BOOT_SCHED_LEN    16
#define BOOT_MAX_PROBLEMS 64         /* problems remembered (all are printed) */

/* Domain capabilities (the binding's "capabilities" bits). */
#define BOOT_CAP_CONTROL  0x1U
#define BOOT_CAP_HARDWARE 0x2U
#define BOOT_CAP_XENSTORE 0x4U
#define BOOT_CAP_ALL      0x7U

/* The binding's "mode" bits; neither = PVH, the only mode built. */
#define BOOT_MODE_PV      0x1U
#define BOOT_MODE_DM      0x2U

#define BOOT_DOMID_ANY    0xFFFFU    /* no domid given: the lowest free one */

/* A boot module a domain uses: by index in the module list, or by address. */
struct boot_mod_ref {
    bool present;
    int index;                       /* module list index, -1 if located by reg */
    paddr_t start;                   /* always filled once validated */
    uint64_t size;
    char cmdline[MAX_CMDLINE];       /* the module's own command line after the path, or "" */
};

struct boot_domain {
    bool valid;                      /* no problem found: will be built */
    int node;                        /* FDT node offset, -1 for classic */
    char path[96];                   /* node path, for messages ("/chosen/domU1") */
    unsigned int domid;              /* 0..0x7FEF, or BOOT_DOMID_ANY */
    char name[BOOT_NAME_LEN];        /* "" if none */
    uint8_t uuid[16];
    bool has_uuid;
    uint32_t mode;
    uint64_t mem_kib;                /* initial memory */
    uint64_t mem_min_kib, mem_max_kib;   /* 0 = not given */
    unsigned int nr_vcpus;
    uint32_t caps;                   /* BOOT_CAP_* */
    unsigned int pool;               /* index in boot_config.pools, 0 = the boot pool */
    struct boot_mod_ref kernel, ramdisk;
    char cmdline[MAX_CMDLINE];       /* kernel command line: the module's, else bootargs */
    /* Per-vCPU hard affinity from "xen,vcpu" nodes; vCPUs not named run anywhere in the pool. */
    cpumask_t vcpu_hard[BOOT_MAX_VCPUS];
    uint8_t vcpu_pinned[BOOT_MAX_VCPUS / 8];   /* bit set: vcpu_hard[] applies */
};

/* Pool 0 always exists: the CPUs no other pool takes, scheduler from sched=. */
struct boot_pool {
    int node;                        /* -1 for the boot pool */
    char path[96];
    cpumask_t cpus;
    char sched[BOOT_SCHED_LEN];      /* "" = the boot scheduler */
    bool valid;
};

/* Both ends of a static interdomain event channel, by domain index. */
struct boot_evtchn {
    unsigned int dom_a, port_a;
    unsigned int dom_b, port_b;
};

struct boot_config {
    bool hyperlaunch;                /* false: classic boot */
    int config_module;               /* index of the FDT module, -1 if none */
    bool strict;                     /* hyperlaunch=strict: any problem stops all */
    char xen_bootargs[MAX_CMDLINE];  /* "xen,config" bootargs, "" if none */
    unsigned int nr_domains;
    struct boot_domain domains[BOOT_MAX_DOMAINS];
    unsigned int nr_pools;           /* >= 1: pools[0] is the boot pool */
    struct boot_pool pools[BOOT_MAX_POOLS];
    unsigned int nr_evtchns;
    struct boot_evtchn evtchns[BOOT_MAX_EVTCHNS];
    unsigned int nr_problems;        /* all problems found (the report lists each) */
};

/* What the machine offers, for validation. */
struct boot_machine {
    cpumask_t cpus;                  /* CPUs that are online */
    uint64_t ram_bytes;              /* free RAM for domains */
    const struct boot_module *modules;
    unsigned int nr_modules;
    const char *const *schedulers;   /* NULL-terminated list of scheduler names */
    bool hvm;                        /* PVH guests can run */
};

static inline bool boot_vcpu_pinned(const struct boot_domain *bd, unsigned int vcpu)
{
    return vcpu < BOOT_MAX_VCPUS && (bd->vcpu_pinned[vcpu / 8] >> (vcpu % 8)) & 1;
}

/* Index of the first module that is a flattened device tree (by magic), or -1. */
int hyperlaunch_find_config(const struct boot_module *mods, unsigned int nr_mods);

/*
 * Read and validate the configuration in blob[0, size).  Every problem
 * found is printed (one "Hyperlaunch: <path>: <problem>" line each, under a
 * heading) and counted; domains with a problem of their own get
 * valid = false, the others stay valid.  A problem that is not any one
 * domain's (a malformed blob, an overlapping pool, a bad event channel)
 * invalidates the domains it involves.  Returns 0 if no problem was found,
 * -EINVAL if some were, -ENOEXEC if the blob is not a device tree at all.
 * `cfg` is always fully initialised.
 */
int hyperlaunch_parse(const void *blob, size_t size, int config_module,
                      const struct boot_machine *m, struct boot_config *cfg);

/*
 * Early boot: the bootargs of the configuration's "xen,config" node (options
 * for the hypervisor itself, parsed after the boot loader's command line),
 * or "" if there is no valid configuration or no such node.
 */
void hyperlaunch_xen_bootargs(const struct boot_module *mods, unsigned int nr_mods, char *buf,
                              size_t len);

/*
 * The classic configuration: module 0 is the control domain's kernel (domid
 * 0, every capability, all CPUs in the boot pool), module 1 (if any) its
 * ramdisk; memory and vCPUs from dom0_mem= / dom0_max_vcpus= (given here,
 * 0 = default).  No module: no domain.
 */
void classic_config(const struct boot_machine *m, uint64_t dom0_mem_bytes,
                    unsigned int dom0_vcpus, struct boot_config *cfg);

#endif
