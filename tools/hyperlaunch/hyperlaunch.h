/*
 * hyperlaunch: turn xl.cfg-style domain files (and xl cpupool files) into
 * a Hyperlaunch configuration blob, a GRUB menu entry and a bootable ISO.
 * See docs/man/hyperlaunch.1.md and docs/man/xl.cfg.5.md.
 *
 * The stages, one file each: xlcfg.c reads the xl.cfg grammar into
 * settings; domain.c (or pool.c, with setting.c for typed values) turns
 * one file's settings into a domain (or a pool); config.c checks the
 * domains against each other and numbers the boot modules; dtb.c, grub.c
 * and print.c write the outputs.
 */
#ifndef HYPERLAUNCH_H
#define HYPERLAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HL_MAX_CPUS     256     /* the hypervisor's NR_CPUS */
#define HL_MAX_VCPUS    128     /* BOOT_MAX_VCPUS */
#define HL_MAX_DOMAINS  64      /* BOOT_MAX_DOMAINS */
#define HL_MAX_POOLS    15      /* BOOT_MAX_POOLS, less the boot pool */
#define HL_NAME_LEN     32      /* BOOT_NAME_LEN, with its NUL */
#define HL_MAX_DOMID    0x7FEFU /* below DOMID_FIRST_RESERVED */
#define HL_MAX_PORT     4095U   /* 2-level event channel ABI, 64-bit guests */
#define HL_CMDLINE_MAX  1024    /* MAX_CMDLINE: module line (path + args) */
#define HL_BOOT_POOL    "Pool-0" /* xl's name for the default pool */

/* Where something was written: file:line:column (1-based). */
struct hl_pos {
    const char *file;
    int line, col;
};

/* ---- xlcfg.c: the xl.cfg grammar --------------------------------------- */

enum hl_vtype { HL_STRING, HL_NUMBER, HL_LIST };

struct hl_value {
    enum hl_vtype type;
    char *text;                 /* string contents or number as written */
    struct hl_pos pos;
    struct hl_value *items;     /* HL_LIST: atoms only, as in xl */
    unsigned int nr_items;
};

struct hl_setting {
    char *key;
    struct hl_pos pos;
    struct hl_value val;
    bool used;                  /* read by domain.c; the rest get a warning */
};

struct hl_file {
    const char *path;
    struct hl_setting *settings;
    unsigned int nr;
};

/* Read and parse a file; prints "file:line:col: error: ..." and returns -1 on failure. */
int xlcfg_read(const char *path, struct hl_file *f);
/* Parse text already in memory (NUL-terminated); `path` names it in messages. */
int xlcfg_parse(const char *path, const char *text, struct hl_file *f);
struct hl_setting *xlcfg_get(struct hl_file *f, const char *key);
void xlcfg_free(struct hl_file *f);

/* ---- messages ------------------------------------------------------------ */

void hl_error(const struct hl_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hl_warn(const struct hl_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern unsigned int hl_nr_errors;

/* ---- cpuset.c: CPU lists as xl writes them -------------------------------- */

struct hl_cpuset {
    uint64_t w[HL_MAX_CPUS / 64];
};

bool cpuset_test(const struct hl_cpuset *s, unsigned int cpu);
void cpuset_set(struct hl_cpuset *s, unsigned int cpu);
bool cpuset_empty(const struct hl_cpuset *s);
bool cpuset_subset(const struct hl_cpuset *a, const struct hl_cpuset *b);
bool cpuset_intersects(const struct hl_cpuset *a, const struct hl_cpuset *b);
unsigned int cpuset_weight(const struct hl_cpuset *s);

/*
 * "2-3", "0,4-7", "all", "^1", "0-7,^2-3" -> set.  Exclusions with no
 * positive item mean "all CPUs but", which needs nr_cpus (0 = unknown).
 * `all` is set when the text means every CPU (the caller may then not pin).
 * Returns NULL or a message saying what was expected.
 */
const char *cpuset_parse(const char *text, unsigned int nr_cpus, struct hl_cpuset *s,
                         bool *all);
/* "0-3,6" form, as the hypervisor's hard-affinity parser reads it. */
char *cpuset_format(const struct hl_cpuset *s, char *buf, size_t len);

/* ---- domain.c: one file's meaning ----------------------------------------- */

struct hl_evtchn {
    unsigned int port, peer_port;
    char *peer;                 /* peer domain's name */
    struct hl_pos pos;
    int peer_dom;               /* config.c: index of the peer domain */
    uint32_t phandle;           /* config.c: of this end's node */
    uint32_t peer_phandle;
};

struct hl_domain {
    const char *file;
    char name[HL_NAME_LEN];
    uint64_t mem_mib, maxmem_mib;        /* maxmem 0 = same as memory */
    unsigned int vcpus;
    /* Hard affinity per vCPU; pinned[v] false: runs anywhere in its pool. */
    bool pinned[HL_MAX_VCPUS];
    struct hl_cpuset affinity[HL_MAX_VCPUS];
    struct hl_pos cpus_pos;
    char *kernel, *ramdisk;
    char cmdline[HL_CMDLINE_MAX];
    uint8_t uuid[16];
    bool uuid_given;
    char *pool;                          /* NULL: the boot pool */
    struct hl_pos pool_pos, control_pos, domid_pos, name_pos;
    bool control;
    long domid;                          /* -1: assigned by config.c */
    struct hl_evtchn *evtchns;
    unsigned int nr_evtchns;
    /* config.c */
    int pool_idx;                        /* -1: boot pool */
    unsigned int kernel_index, ramdisk_index;
};

struct hl_pool {
    char name[HL_NAME_LEN];
    char sched[16];
    struct hl_cpuset cpus;
    struct hl_pos pos;                   /* of the file, or file "--pool" */
    uint32_t phandle;
};

struct hl_options {
    unsigned int nr_cpus;                /* --nr-cpus, 0 = unknown */
};

int domain_from_file(struct hl_file *f, const struct hl_options *o, struct hl_domain *d);
/* Warn about every setting nobody read. */
void domain_warn_unused(struct hl_file *f);
void domain_free(struct hl_domain *d);

/* ---- pool.c: xl cpupool files and --pool ---------------------------------- */

/* True if the file is an xl cpupool file: only pool keys, and more than a name. */
bool file_is_pool(struct hl_file *f);
int pool_from_file(struct hl_file *f, const struct hl_options *o, struct hl_pool *p);
/* "NAME:SCHED:CPUS" from --pool. */
int pool_from_arg(const char *arg, const struct hl_options *o, struct hl_pool *p);

/* ---- setting.c: typed values, errors printed at the value ------------------ */

bool setting_in_list(const char *const *list, const char *s);
const char *setting_type_name(const struct hl_value *v);
/* A string setting; NULL if absent (an error if required) or not a string. */
const char *setting_string(struct hl_file *f, const char *key, bool required);
/* A number (or a string holding one, as xl allows) in [min, max]: 0, 1 if absent, -1. */
int setting_uint(struct hl_file *f, const char *key, uint64_t min, uint64_t max,
                 uint64_t *out);
/* 1 to HL_NAME_LEN - 1 of [A-Za-z0-9_.-]. */
bool setting_name_ok(const char *s);
/* A CPU list string (see cpuset_parse) for `cpus`. */
int setting_cpus(const struct hl_value *v, const struct hl_options *o, struct hl_cpuset *s,
                 bool *all);
char *hl_strdup(const char *s);             /* exits on failure */

/* ---- config.c: the whole configuration ------------------------------------ */

struct hl_module {
    const char *path;                    /* as given (file to read) */
    const char *cmdline;                 /* after the path on the module line */
    char boot_name[64];                  /* unique file name under the boot dir */
};

struct hl_config {
    struct hl_domain domains[HL_MAX_DOMAINS];
    unsigned int nr_domains;
    struct hl_pool pools[HL_MAX_POOLS];
    unsigned int nr_pools;
    /* Module 0 is the blob itself; then each domain's kernel, ramdisk. */
    struct hl_module modules[1 + 2 * HL_MAX_DOMAINS];
    unsigned int nr_modules;
};

/* Cross-checks, domid assignment, phandles, module numbering.  0 or -1. */
int config_finish(struct hl_config *c, const struct hl_options *o, const char *blob_path);

/* ---- outputs -------------------------------------------------------------- */

/* The blob in a malloc'd buffer; NULL on failure (message printed). */
void *dtb_build(const struct hl_config *c, size_t *size);
/* The GRUB menu entry; files are named boot_dir/boot_name. */
void grub_entry(FILE *out, const struct hl_config *c, const char *xen_args,
                const char *boot_dir);
/* A bootable ISO holding xen, the blob and the modules; 0 or -1. */
int iso_make(const char *iso, const struct hl_config *c, const char *xen,
             const char *xen_args, const char *blob_path);
/* What was understood, for --print. */
void print_config(FILE *out, const struct hl_config *c);
/* Tab-separated "index, path, command line" per module, for scripts. */
void print_modules(FILE *out, const struct hl_config *c);

/* hyperlaunch.c: the whole program (main.c calls it; tests call it too). */
int hl_main(int argc, char **argv);

#endif
