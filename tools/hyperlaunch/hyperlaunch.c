/* The command line: read every file, check the whole, write what was asked for. */
#include "hyperlaunch.h"
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BLOB_NAME "hyperlaunch.dtb"

static const char usage[] =
    "usage: hyperlaunch [OPTIONS] FILE.cfg...\n"
    "Read xl.cfg-style domain files (and xl cpupool files) and write a Hyperlaunch\n"
    "configuration: the device tree blob, a GRUB menu entry, a bootable ISO.\n"
    "\n"
    "  -o, --output FILE       write the configuration blob (device tree) to FILE\n"
    "  -g, --grub FILE         write a GRUB menu entry to FILE ('-': standard output)\n"
    "  -i, --iso FILE          make a bootable GRUB ISO (needs grub-mkrescue)\n"
    "  -x, --xen PATH          hypervisor for the ISO (default: xen/xen.gz,\n"
    "                          build/xen/xen.gz or /boot/xen.gz, the first that exists)\n"
    "  -a, --xen-args ARGS     hypervisor command line in the GRUB entry\n"
    "  -p, --pool NAME:SCHED:CPUS  a CPU pool (as a cpupool file would give); repeatable\n"
    "  -n, --nr-cpus N         CPUs of the target machine (for \"^N\" lists; checks)\n"
    "  -b, --boot-dir DIR      where GRUB finds the files (default /boot)\n"
    "  -P, --print             print the configuration understood\n"
    "  -l, --list-modules      print the boot modules: index<TAB>path<TAB>command line\n"
    "  -h, --help              this text\n"
    "With no output option the files are only checked.  Exit status: 0 done,\n"
    "1 a file or option is wrong (each problem printed as file:line:column), 2 I/O.\n";

struct args {
    const char *output, *grub, *iso, *xen, *xen_args, *boot_dir;
    bool print, list;
    struct hl_options o;
    char **pools;
    unsigned int nr_pools;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "grub", required_argument, NULL, 'g' },
        { "iso", required_argument, NULL, 'i' },
        { "xen", required_argument, NULL, 'x' },
        { "xen-args", required_argument, NULL, 'a' },
        { "pool", required_argument, NULL, 'p' },
        { "nr-cpus", required_argument, NULL, 'n' },
        { "boot-dir", required_argument, NULL, 'b' },
        { "print", no_argument, NULL, 'P' },
        { "list-modules", no_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    char *end;

    optind = 0;                 /* glibc: start afresh (hl_main may run more than once) */
    while ((opt = getopt_long(argc, argv, "o:g:i:x:a:p:n:b:Plh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': a->output = optarg; break;
        case 'g': a->grub = optarg; break;
        case 'i': a->iso = optarg; break;
        case 'x': a->xen = optarg; break;
        case 'a': a->xen_args = optarg; break;
        case 'b': a->boot_dir = optarg; break;
        case 'P': a->print = true; break;
        case 'l': a->list = true; break;
        case 'p':
            if (a->nr_pools == HL_MAX_POOLS) {
                fprintf(stderr, "hyperlaunch: error: at most %d pools\n", HL_MAX_POOLS);
                return -1;
            }
            a->pools[a->nr_pools++] = optarg;
            break;
        case 'n':
            a->o.nr_cpus = (unsigned int)strtoul(optarg, &end, 10);
            if (*end || !*optarg || a->o.nr_cpus < 1 || a->o.nr_cpus > HL_MAX_CPUS) {
                fprintf(stderr, "hyperlaunch: error: --nr-cpus: expected 1 to %d\n",
                        HL_MAX_CPUS);
                return -1;
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return 1;
        default:
            fputs(usage, stderr);
            return -1;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "hyperlaunch: error: no domain file given\n%s", usage);
        return -1;
    }
    return 0;
}

/* Each file is a domain or, by its keys, a pool; every file is read even after errors. */
static void read_files(char **files, unsigned int n, const struct args *a, struct hl_config *c)
{
    for (unsigned int i = 0; i < a->nr_pools; i++)
        if (!pool_from_arg(a->pools[i], &a->o, &c->pools[c->nr_pools]))
            c->nr_pools++;
    for (unsigned int i = 0; i < n; i++) {
        struct hl_file f;
        struct hl_pos pos = { files[i], 0, 0 };

        if (xlcfg_read(files[i], &f)) {
            xlcfg_free(&f);
            continue;
        }
        if (file_is_pool(&f)) {
            if (c->nr_pools == HL_MAX_POOLS)
                hl_error(&pos, "more than %d pools", HL_MAX_POOLS);
            else if (!pool_from_file(&f, &a->o, &c->pools[c->nr_pools]))
                c->nr_pools++;
        } else if (c->nr_domains == HL_MAX_DOMAINS) {
            hl_error(&pos, "more than %d domains", HL_MAX_DOMAINS);
        } else if (!domain_from_file(&f, &a->o, &c->domains[c->nr_domains])) {
            c->nr_domains++;
        } else {
            domain_free(&c->domains[c->nr_domains]);
        }
        xlcfg_free(&f);
    }
}

static int write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    bool ok;

    if (!f) {
        perror(path);
        return -1;
    }
    ok = fwrite(data, 1, size, f) == size;
    if (fclose(f) || !ok) {
        perror(path);
        return -1;
    }
    return 0;
}

static const char *default_xen(void)
{
    static const char *const candidates[] = { "xen/xen.gz", "build/xen/xen.gz",
                                              "/boot/xen.gz" };

    for (unsigned int i = 0; i < 3; i++)
        if (!access(candidates[i], R_OK))
            return candidates[i];
    return NULL;
}

static int make_iso(const struct args *a, const struct hl_config *c, const char *blob_path)
{
    const char *xen = a->xen ? a->xen : default_xen();

    if (!xen) {
        fprintf(stderr, "hyperlaunch: error: --iso: no xen.gz found; give --xen PATH\n");
        return 1;
    }
    return iso_make(a->iso, c, xen, a->xen_args, blob_path) ? 2 : 0;
}

static int write_outputs(const struct args *a, struct hl_config *c, const char *blob_path)
{
    size_t size;
    void *blob = dtb_build(c, &size);
    char tmp[] = "/tmp/hyperlaunch-dtb.XXXXXX";
    int rc = 0, fd;

    if (!blob)
        return 2;
    if (a->output && write_file(a->output, blob, size))
        rc = 2;
    if (!rc && a->iso && !a->output) {
        fd = mkstemp(tmp);
        if (fd < 0 || close(fd) || write_file(tmp, blob, size))
            rc = 2;
        blob_path = tmp;
    }
    if (!rc && a->iso)
        rc = make_iso(a, c, blob_path);
    if (a->iso && !a->output)
        unlink(tmp);
    free(blob);
    if (!rc && a->grub) {
        FILE *f = strcmp(a->grub, "-") ? fopen(a->grub, "w") : stdout;

        if (!f) {
            perror(a->grub);
            return 2;
        }
        grub_entry(f, c, a->xen_args, a->boot_dir);
        if (f != stdout && fclose(f)) {
            perror(a->grub);
            return 2;
        }
    }
    if (!rc && a->print)
        print_config(stdout, c);
    if (!rc && a->list)
        print_modules(stdout, c);
    return rc;
}

int hl_main(int argc, char **argv)
{
    struct args a = { .boot_dir = "/boot", .xen_args = "" };
    struct hl_config *c = calloc(1, sizeof(*c));
    char *pools[HL_MAX_POOLS];
    int rc;

    if (!c) {
        perror("hyperlaunch");
        return 2;
    }
    hl_nr_errors = 0;
    a.pools = pools;
    rc = parse_args(argc, argv, &a);
    if (rc) {
        free(c);
        return rc < 0 ? 1 : 0;
    }
    read_files(argv + optind, (unsigned int)(argc - optind), &a, c);
    if (!hl_nr_errors)
        config_finish(c, &a.o, a.output ? a.output : DEFAULT_BLOB_NAME);
    if (hl_nr_errors) {
        fprintf(stderr, "hyperlaunch: %u error%s; nothing written\n", hl_nr_errors,
                hl_nr_errors == 1 ? "" : "s");
        rc = 1;
    } else {
        rc = write_outputs(&a, c, a.output ? a.output : DEFAULT_BLOB_NAME);
    }
    for (unsigned int i = 0; i < c->nr_domains; i++)
        domain_free(&c->domains[i]);
    free(c);
    return rc;
}
