/*
 * Host tests of tools/hyperlaunch: the whole program (hl_main) runs in a
 * forked child on files written here, in a scratch directory.  Good files
 * must give a blob that the hypervisor's own FDT reader (common/lib/fdt.c)
 * validates and reads back with every value, and that its Hyperlaunch
 * reader (common/hyperlaunch*.c) accepts with the same meaning; bad files
 * must give the right file:line:column message, a nonzero exit and no
 * output.  Mutated files go through the parser in this process, under
 * AddressSanitizer; the children exit() so LeakSanitizer checks them too.
 */
#define _GNU_SOURCE            /* memmem */
#include "test.h"
#include <xen/fdt.h>
#include <xen/errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../hyperlaunch/hyperlaunch.h"
#include <xen/bootdomain.h>
#include <xen/mm.h>

static char dir[64];
static char out_text[1 << 16], err_text[1 << 16];
static uint8_t *blob;
static size_t blob_len;
static struct fdt F;
static bool blob_ok;            /* F describes the current blob */

static void put(const char *name, const char *text)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f)) {
        perror(path);
        exit(2);
    }
}

static void slurp(const char *name, char *buf, size_t len)
{
    char path[128];
    FILE *f;
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f) {
        n = fread(buf, 1, len - 1, f);
        fclose(f);
    }
    buf[n] = 0;
}

/* Run hyperlaunch with these arguments (NULL-terminated) in the scratch dir; its exit status. */
static int run_argv(const char *const *args)
{
    char *argv[32];
    int argc = 0, status;
    pid_t pid;
    char path[128];

    argv[argc++] = "hyperlaunch";
    for (; *args && argc < 31; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    snprintf(path, sizeof(path), "%s/out.dtb", dir);
    unlink(path);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (chdir(dir))
            _exit(99);
        if (!freopen("stdout.txt", "w", stdout) || !freopen("stderr.txt", "w", stderr))
            _exit(99);
        status = hl_main(argc, argv);
        fflush(stdout);
        fflush(stderr);
        exit(status);           /* not _exit: LeakSanitizer checks at exit */
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    slurp("stdout.txt", out_text, sizeof(out_text));
    slurp("stderr.txt", err_text, sizeof(err_text));
    free(blob);
    blob_ok = false;
    blob = test_read_file(path, &blob_len);
    return WEXITSTATUS(status);
}

/* Validate the blob with the hypervisor's reader. */
#define run(...) run_argv((const char *const[]){ __VA_ARGS__, NULL })

static bool read_blob(void)
{
    const char *why;

    if (!blob)
        return false;
    if (fdt_check(&F, blob, blob_len, &why)) {
        printf("fdt_check: %s\n", why);
        return false;
    }
    blob_ok = true;
    return true;
}

static int node_at(const char *path)
{
    return blob_ok ? fdt_find_node(&F, path) : -ENOENT;
}

static int domain_node(const char *name)
{
    const char *s;

    if (!blob_ok)
        return -ENOENT;
    for (int n = fdt_find_compatible(&F, -1, "xen,domain"); n >= 0;
         n = fdt_find_compatible(&F, n, "xen,domain"))
        if (!fdt_prop_string(&F, n, "domain-name", &s) && !strcmp(s, name))
            return n;
    return -ENOENT;
}

static uint32_t u32(int node, const char *prop)
{
    uint32_t v = 0xdeadbeef;

    CHECK(!fdt_prop_u32(&F, node, prop, &v), "%s is a u32", prop);
    return v;
}

static uint64_t u64(int node, const char *prop)
{
    uint64_t v = 0xdeadbeef;

    CHECK(!fdt_prop_u64(&F, node, prop, &v), "%s is a u64", prop);
    return v;
}

static const char *str(int node, const char *prop)
{
    const char *s = "(absent)";

    CHECK(!fdt_prop_string(&F, node, prop, &s), "%s is a string", prop);
    return s;
}

#define CHECK_STR(a, b) CHECK(!strcmp((a), (b)), "%s = \"%s\", expected \"%s\"", #a, (a), (b))

static const char cpuid_cfg[] =
    "# a test guest\n"
    "name = \"cpuid\"\n"
    "type = \"pvh\"\n"
    "kernel = \"cpuid.elf\"\n"
    "ramdisk = 'initrd.img'\n"
    "memory = 64\n"
    "maxmem = 0x60        # hex, as xl allows\n"
    "vcpus = 2\n"
    "uuid = \"00112233-4455-6677-8899-aabbccddeeff\"\n"
    "extra = \"console=hvc0 x=\\\"y\\\"\"; root = \"/dev/ram0\"\n";

static const char msr_cfg[] = "name='msr'\nmemory=32\nkernel='msr.elf'\ncmdline='a b  c'\n";

/* ---- Good files ------------------------------------------------------------ */

static void test_two_domains(void)
{
    int d, k, r;
    uint32_t len;
    const uint8_t *uuid;
    static const uint8_t want_uuid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                           0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

    put("cpuid.cfg", cpuid_cfg);
    put("msr.cfg", msr_cfg);
    put("cpuid.elf", "k");
    put("initrd.img", "r");
    put("msr.elf", "k");
    CHECK_EQ(run("-o", "out.dtb", "cpuid.cfg", "msr.cfg"), 0);
    CHECK(err_text[0] == 0, "no messages, got: %s", err_text);
    CHECK(read_blob(), "the blob is valid: %s", err_text);
    if (!blob_ok)
        return;
    CHECK(fdt_node_is_compatible(&F, node_at("/chosen/hypervisor"),
                                 "hypervisor,xen"), "/chosen/hypervisor");
    d = domain_node("cpuid");
    CHECK(d >= 0, "domain cpuid found");
    CHECK_EQ(u32(d, "domid"), 1);
    CHECK_EQ(u32(d, "mode"), 0);
    CHECK_EQ(u64(d, "memory"), 64 * 1024);
    CHECK_EQ(u64(d, "mem-max"), 0x60 * 1024);
    CHECK_EQ(u32(d, "cpus"), 2);
    CHECK_EQ(u32(d, "capabilities"), 0);
    uuid = fdt_get_prop(&F, d, "domain-uuid", &len);
    CHECK(uuid && len == 16 && !memcmp(uuid, want_uuid, 16), "uuid as given");
    CHECK(fdt_get_prop(&F, d, "domain-cpupool", &len) == NULL, "no pool");
    k = fdt_find_child(&F, d, "kernel");
    CHECK(fdt_node_is_compatible(&F, k, "multiboot,kernel"), "kernel node");
    CHECK_EQ(u32(k, "module-index"), 1);
    CHECK_STR(str(k, "bootargs"), "root=/dev/ram0 console=hvc0 x=\"y\"");
    r = fdt_find_child(&F, d, "ramdisk");
    CHECK(fdt_node_is_compatible(&F, r, "multiboot,ramdisk"), "ramdisk node");
    CHECK_EQ(u32(r, "module-index"), 2);
    CHECK(fdt_find_compatible(&F, d, "xen,vcpu") < 0, "no pinning: no vcpu nodes");

    d = domain_node("msr");
    CHECK_EQ(u32(d, "domid"), 2);
    CHECK_EQ(u64(d, "memory"), 32 * 1024);
    CHECK_EQ(u64(d, "mem-max"), 32 * 1024);
    CHECK_EQ(u32(d, "cpus"), 1);
    uuid = fdt_get_prop(&F, d, "domain-uuid", &len);
    CHECK(uuid && len == 16 && (uuid[6] >> 4) == 4 && (uuid[8] >> 6) == 2,
          "generated uuid is version 4, RFC 4122 variant");
    k = fdt_find_child(&F, d, "kernel");
    CHECK_EQ(u32(k, "module-index"), 3);
    CHECK_STR(str(k, "bootargs"), "a b  c");
    CHECK(fdt_find_child(&F, d, "ramdisk") < 0, "no ramdisk node");
}

static const char ctl_cfg[] =
    "name = \"ctl\"\nmemory = 128\nkernel = \"k\"\ncontrol = 1\nvcpus = 2\n"
    "pool = \"fast\"\n"
    "cpus = [\"2\",\n        \"3\",   # vCPU1\n]\n"
    "evtchn = [ \"port=10,peer=worker,peer-port=11\",\n"
    "           \"port=12,peer=worker,peer-port=13\" ]\n";
static const char worker_cfg[] =
    "name = \"worker\"\nmemory = 64\nkernel = \"k\"\nvcpus = 3\ndomid = 7\n"
    "cpus = \"^2-3,^6-7\"\n"
    "evtchn = \"port=13,peer=ctl,peer-port=12\"\n";
static const char fast_pool[] = "name = \"fast\"\nsched = \"null\"\ncpus = [\"2\", \"3\"]\n";

/* The evtchn child of `dom` for `port`; checks its peer end points back. */
static void check_evtchn(int dom, unsigned int port, int peer_dom, unsigned int peer_port)
{
    int e, p;
    uint32_t v;

    for (e = fdt_find_compatible(&F, dom, "xen,evtchn-v1"); e >= 0;
         e = fdt_find_compatible(&F, e, "xen,evtchn-v1"))
        if (fdt_parent(&F, e) == dom && !fdt_prop_cell(&F, e, "xen,evtchn", 0, &v) &&
            v == port)
            break;
    CHECK(e >= 0, "evtchn node for port %u", port);
    CHECK(!fdt_prop_cell(&F, e, "xen,evtchn", 1, &v), "peer phandle cell");
    p = fdt_find_phandle(&F, v);
    CHECK(p >= 0 && fdt_parent(&F, p) == peer_dom, "port %u: peer node in the peer domain",
          port);
    CHECK(!fdt_prop_cell(&F, p, "xen,evtchn", 0, &v) && v == peer_port,
          "port %u: peer port %u", port, peer_port);
    CHECK(!fdt_prop_cell(&F, p, "xen,evtchn", 1, &v) && fdt_find_phandle(&F, v) == e,
          "port %u: the peer points back", port);
}

static void test_pools_pinning_evtchns(void)
{
    int ctl, worker, pool, v;
    uint32_t ph, cell, len;
    char name[16];

    put("ctl.cfg", ctl_cfg);
    put("worker.cfg", worker_cfg);
    put("fast.cfg", fast_pool);
    CHECK_EQ(run("--nr-cpus", "8", "-o", "out.dtb", "--pool", "slow:credit:6-7", "ctl.cfg",
                 "worker.cfg", "fast.cfg"), 0);
    CHECK(read_blob(), "the blob is valid: %s", err_text);
    if (!blob_ok)
        return;
    ctl = domain_node("ctl");
    worker = domain_node("worker");
    CHECK_EQ(u32(ctl, "domid"), 0);
    CHECK_EQ(u32(ctl, "capabilities"), 1);
    CHECK_EQ(u32(worker, "domid"), 7);
    CHECK_EQ(u32(worker, "capabilities"), 0);

    ph = u32(ctl, "domain-cpupool");
    pool = fdt_find_phandle(&F, ph);
    CHECK(fdt_node_is_compatible(&F, pool, "xen,cpupool"), "domain-cpupool names a pool");
    CHECK_STR(str(pool, "cpupool-sched"), "null");
    CHECK(!fdt_prop_cell(&F, pool, "cpupool-cpus", 0, &cell) && cell == 2, "pool CPU 2");
    CHECK(!fdt_prop_cell(&F, pool, "cpupool-cpus", 1, &cell) && cell == 3, "pool CPU 3");
    CHECK(fdt_get_prop(&F, pool, "cpupool-cpus", &len) && len == 8, "2 CPUs only");
    pool = node_at("/chosen/hypervisor/cpupool-slow");
    CHECK_STR(str(pool, "cpupool-sched"), "credit");
    CHECK(!fdt_prop_cell(&F, pool, "cpupool-cpus", 1, &cell) && cell == 7, "--pool CPUs");

    for (unsigned int i = 0; i < 2; i++) {
        snprintf(name, sizeof(name), "vcpu%u", i);
        v = fdt_find_child(&F, ctl, name);
        CHECK(fdt_node_is_compatible(&F, v, "xen,vcpu"), "ctl %s", name);
        CHECK_EQ(u32(v, "id"), i);
        CHECK_STR(str(v, "hard-affinity"), i ? "3" : "2");
    }
    for (unsigned int i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "vcpu%u", i);
        v = fdt_find_child(&F, worker, name);
        CHECK_EQ(u32(v, "id"), i);
        CHECK_STR(str(v, "hard-affinity"), "0-1,4-5");
    }
    /* 10<->11 written on one side only; 12<->13 on both: one channel. */
    check_evtchn(ctl, 10, worker, 11);
    check_evtchn(ctl, 12, worker, 13);
    check_evtchn(worker, 11, ctl, 10);
    check_evtchn(worker, 13, ctl, 12);
}

/* Only hyperlaunch_find_config maps modules; nothing here calls it. */
void *maddr_to_virt(paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

static bool mask_is(const cpumask_t *m, const char *list)
{
    cpumask_t want;

    return !cpumask_parse_list(list, &want) && cpumask_equal(m, &want);
}

/* The blob of the test above, through the hypervisor's own configuration reader. */
static void test_hypervisor_reads_it(void)
{
    static struct boot_config cfg;
    static struct boot_module mods[3];
    static const char *const scheds[] = { "credit", "null", NULL };
    struct boot_machine m = { .ram_bytes = 1ULL << 30, .modules = mods, .nr_modules = 3,
                              .schedulers = scheds, .hvm = true };
    const struct boot_domain *ctl = &cfg.domains[0], *worker = &cfg.domains[1];
    const struct boot_pool *fast;

    put("ctl.cfg", ctl_cfg);
    put("worker.cfg", worker_cfg);
    put("fast.cfg", fast_pool);
    CHECK_EQ(run("--nr-cpus", "8", "-o", "out.dtb", "--pool", "slow:credit:6-7", "ctl.cfg",
                 "worker.cfg", "fast.cfg"), 0);
    if (!blob)
        return;
    cpumask_clear(&m.cpus);
    for (unsigned int cpu = 0; cpu < 8; cpu++)
        cpumask_set_cpu(cpu, &m.cpus);
    /* Module 0 is the blob; the kernels' command lines start with their path. */
    for (unsigned int i = 0; i < 3; i++) {
        mods[i].start = 0x1000000 * (i + 1);
        mods[i].end = mods[i].start + 0x10000;
    }
    snprintf(mods[0].cmdline, MAX_CMDLINE, "/boot/out.dtb");
    snprintf(mods[1].cmdline, MAX_CMDLINE, "/boot/k");
    snprintf(mods[2].cmdline, MAX_CMDLINE, "/boot/1-k");
    printk_log_clear();
    CHECK_EQ(hyperlaunch_parse(blob, blob_len, 0, &m, &cfg), 0);
    CHECK_EQ(cfg.nr_problems, 0);
    CHECK(cfg.hyperlaunch, "Hyperlaunch configuration");
    CHECK_EQ(cfg.nr_domains, 2);
    CHECK(!strcmp(ctl->name, "ctl") && ctl->valid, "ctl: %s", printk_log);
    CHECK_EQ(ctl->domid, 0);
    CHECK_EQ(ctl->caps, BOOT_CAP_CONTROL);
    CHECK_EQ(ctl->mode, 0);
    CHECK_EQ(ctl->mem_kib, 128 * 1024);
    CHECK_EQ(ctl->nr_vcpus, 2);
    CHECK(ctl->kernel.present && ctl->kernel.index == 1 && !ctl->ramdisk.present, "ctl kernel");
    CHECK(boot_vcpu_pinned(ctl, 0) && mask_is(&ctl->vcpu_hard[0], "2"), "ctl vCPU0 on 2");
    CHECK(boot_vcpu_pinned(ctl, 1) && mask_is(&ctl->vcpu_hard[1], "3"), "ctl vCPU1 on 3");
    CHECK(ctl->pool > 0 && ctl->pool < cfg.nr_pools, "ctl in a pool of its own");
    fast = &cfg.pools[ctl->pool];
    CHECK(mask_is(&fast->cpus, "2-3") && !strcmp(fast->sched, "null"), "pool fast");
    CHECK_EQ(cfg.nr_pools, 3);
    CHECK(!strcmp(worker->name, "worker") && worker->valid, "worker");
    CHECK_EQ(worker->domid, 7);
    CHECK_EQ(worker->caps, 0);
    CHECK_EQ(worker->nr_vcpus, 3);
    CHECK_EQ(worker->pool, 0);
    CHECK(worker->kernel.index == 2, "worker kernel");
    for (unsigned int v = 0; v < 3; v++)
        CHECK(boot_vcpu_pinned(worker, v) && mask_is(&worker->vcpu_hard[v], "0-1,4-5"),
              "worker vCPU%u", v);
    CHECK_EQ(cfg.nr_evtchns, 2);
    for (unsigned int i = 0; i < cfg.nr_evtchns && i < 2; i++) {
        const struct boot_evtchn *e = &cfg.evtchns[i];
        bool a_ctl = e->dom_a == 0;
        unsigned int ctl_port = a_ctl ? e->port_a : e->port_b;
        unsigned int w_port = a_ctl ? e->port_b : e->port_a;

        CHECK((e->dom_a == 0 && e->dom_b == 1) || (e->dom_a == 1 && e->dom_b == 0),
              "channel %u joins ctl and worker", i);
        CHECK((ctl_port == 10 && w_port == 11) || (ctl_port == 12 && w_port == 13),
              "channel %u: ports %u and %u", i, ctl_port, w_port);
    }
}

static void test_grub_and_print(void)
{
    static const char want[] =
        "menuentry 'Hyperlaunch: cpuid msr' {\n"
        "    multiboot2 /mnt/xen.gz console=com1 'a'\\''b'\\''c'\n"
        "    module2 /mnt/out.dtb /mnt/out.dtb\n"
        "    module2 /mnt/cpuid.elf /mnt/cpuid.elf root=/dev/ram0 console=hvc0 'x=\"y\"'\n"
        "    module2 /mnt/initrd.img /mnt/initrd.img\n"
        "    module2 /mnt/msr.elf /mnt/msr.elf a b c\n"
        "}\n";

    put("cpuid.cfg", cpuid_cfg);
    put("msr.cfg", msr_cfg);
    CHECK_EQ(run("-o", "out.dtb", "--grub", "-", "--boot-dir", "/mnt", "--xen-args",
                 "console=com1 a'b'c", "cpuid.cfg", "msr.cfg"), 0);
    CHECK(!strcmp(out_text, want), "grub entry:\n%s\nexpected:\n%s", out_text, want);
    CHECK_EQ(run("--print", "--list-modules", "cpuid.cfg", "msr.cfg"), 0);
    CHECK(strstr(out_text, "domain cpuid (cpuid.cfg)\n  domid         1\n"), "%s", out_text);
    CHECK(strstr(out_text, "  memory        64 MiB, max 96 MiB\n"), "print memory");
    CHECK(strstr(out_text, "1\tcpuid.elf\troot=/dev/ram0 console=hvc0 x=\"y\"\n"),
          "module list");
    CHECK(strstr(out_text, "2\tinitrd.img\t\n3\tmsr.elf\ta b  c\n"), "module list");
    CHECK(blob == NULL, "no -o: no blob written");
}

/* CRLF line ends, ';' between settings, '#' inside strings, a list over lines, no final newline. */
static void test_grammar(void)
{
    int d, v;

    put("g.cfg", "name = 'g' # the name\r\nmemory = 16 ;kernel=\"k\" ; vcpus=2\r\n"
                 "cpus = [ \"0\" , \r\n  \"1-2,^2\" # vCPU1\r\n ]\r\n;;\n"
                 "extra=\"x # y\\x41\\'\" ; root = '/dev/\"q\"'");
    CHECK_EQ(run("-o", "out.dtb", "g.cfg"), 0);
    CHECK(read_blob(), "the blob is valid: %s", err_text);
    if (!blob_ok)
        return;
    d = domain_node("g");
    CHECK_EQ(u32(d, "cpus"), 2);
    CHECK_STR(str(fdt_find_child(&F, d, "kernel"), "bootargs"), "root=/dev/\"q\" x # yA'");
    v = fdt_find_child(&F, d, "vcpu1");
    CHECK_STR(str(v, "hard-affinity"), "1");
    v = fdt_find_child(&F, d, "vcpu0");
    CHECK_STR(str(v, "hard-affinity"), "0");
}

/*
 * Fixed-seed mutations of good files through the parser and the domain
 * reader, in this process (AddressSanitizer watches): nothing may crash,
 * and every refusal must have printed an error.
 */
static void test_fuzz(void)
{
    static const char *const seeds[] = { cpuid_cfg, msr_cfg, ctl_cfg, worker_cfg, fast_pool };
    static const char alphabet[] = "\"'[],;#=\\\n 0x9-^aZ_";
    struct hl_options o = { 8 };
    unsigned int seed = 12345, refused = 0, silent = 0, n = 4000;
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    char text[1024];

    fflush(stderr);
    dup2(null, 2);
    for (unsigned int i = 0; i < n; i++) {
        const char *src = seeds[i % 5];
        size_t len = strlen(src);
        struct hl_file f;
        unsigned int before;

        memcpy(text, src, len + 1);
        for (unsigned int m = 0; m < 1 + (i % 4); m++) {
            seed = seed * 1103515245 + 12345;
            size_t at = (seed >> 8) % len;
            char c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];

            if ((seed >> 4) % 3 == 0 && len > 1) {     /* delete */
                memmove(text + at, text + at + 1, len - at);
                len--;
            } else if ((seed >> 4) % 3 == 1 && len + 1 < sizeof(text)) {   /* insert */
                memmove(text + at + 1, text + at, len - at + 1);
                text[at] = c;
                len++;
            } else {
                text[at] = c;
            }
        }
        before = hl_nr_errors;
        if (xlcfg_parse("fuzz.cfg", text, &f)) {
            refused++;
            silent += hl_nr_errors == before;
        } else if (file_is_pool(&f)) {
            struct hl_pool p;

            if (pool_from_file(&f, &o, &p)) {
                refused++;
                silent += hl_nr_errors == before;
            }
        } else {
            struct hl_domain *d = calloc(1, sizeof(*d));

            if (domain_from_file(&f, &o, d)) {
                refused++;
                silent += hl_nr_errors == before;
            }
            domain_free(d);
            free(d);
        }
        xlcfg_free(&f);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(null);
    CHECK(refused > n / 4 && refused < n, "mutations refused: %u of %u", refused, n);
    CHECK_EQ(silent, 0);
}

/* The ISO holds the same entry (GRUB's grub.cfg is stored as it is in ISO 9660). */
static void test_iso(void)
{
    uint8_t *iso;
    size_t len;
    char path[128];
    static const char want[] = "    module2 /boot/hyperlaunch.dtb /boot/hyperlaunch.dtb\n"
                               "    module2 /boot/cpuid.elf /boot/cpuid.elf root=/dev/ram0";

    if (system("grub-mkrescue --version >/dev/null 2>&1")) {
        printf("SKIP: grub-mkrescue not installed\n");
        CHECK(1, "skipped");
        return;
    }
    put("cpuid.cfg", cpuid_cfg);
    put("msr.cfg", msr_cfg);
    put("xen.gz", "not really a hypervisor");
    put("cpuid.elf", "k");
    put("initrd.img", "r");
    put("msr.elf", "k");
    CHECK_EQ(run("--iso", "t.iso", "--xen", "xen.gz", "--xen-args", "console=com1",
                 "cpuid.cfg", "msr.cfg"), 0);
    snprintf(path, sizeof(path), "%s/t.iso", dir);
    iso = test_read_file(path, &len);
    CHECK(iso && len > (1 << 20), "an ISO was written (%zu bytes): %s", iso ? len : 0,
          err_text);
    CHECK(iso && memmem(iso, len, want, sizeof(want) - 1), "its grub.cfg has the modules");
    CHECK(iso && memmem(iso, len, "multiboot2 /boot/xen.gz console=com1", 36), "and xen");
    free(iso);
    CHECK_EQ(run("--iso", "t.iso", "--xen", "nope.gz", "cpuid.cfg"), 2);
    CHECK(strstr(err_text, "cannot read nope.gz"), "%s", err_text);
}

static void test_warnings(void)
{
    put("w.cfg", "name='w'\nmemory=16\nkernel='missing.elf'\nbuilder = 'hvm'\n"
                 "cmdline='c'\nextra='e'\n");
    CHECK_EQ(run("-o", "out.dtb", "w.cfg"), 0);
    CHECK(strstr(err_text, "w.cfg:4:1: warning: builder is not a setting"), "%s", err_text);
    CHECK(strstr(err_text, "w.cfg:6:1: warning: extra is ignored when cmdline is set"),
          "%s", err_text);
    CHECK(strstr(err_text, "warning: kernel missing.elf cannot be read"), "%s", err_text);
    CHECK(read_blob(), "warnings still give a blob");
}

/* ---- Bad files ----------------------------------------------------------------- */

struct bad {
    const char *text;
    const char *message;        /* expected in stderr */
};

#define BASE "name='x'\nmemory=16\nkernel='k'\n"

static const struct bad bad_files[] = {
    { "name = \"x\nmemory = 1\n", "e.cfg:1:8: error: unterminated string" },
    { "memory = [16\nkernel = 'k'\n", "e.cfg:2:1: error: expected ',' or ']' after a list "
      "item (the list opened at line 1, column 10)" },
    { "memory = [16,\n", "e.cfg:1:10: error: unterminated list" },
    { "memory = [[1]]\n", "e.cfg:1:11: error: expected a number or a 'string' (lists do not" },
    { "name 'x'\n", "e.cfg:1:6: error: expected '=' after the setting name" },
    { "  = 3\n", "e.cfg:1:3: error: expected a setting name" },
    { "memory = 16 17\n", "e.cfg:1:13: error: expected the end of the line or ';'" },
    { "memory = \n", "e.cfg:1:10: error: expected a value: a number, a 'string' or a [list], "
      "found end of line" },
    { "memory = 12abc\n", "e.cfg:1:10: error: expected a number (decimal, or hex with 0x)" },
    { "extra = \"\\q\"\n", "e.cfg:1:11: error: unknown escape \\q" },
    { "extra = \"\\x0\"\n", "e.cfg:1:11: error: expected two hex digits" },
    { "name='x'\nname='y'\n", "e.cfg:2:1: error: name is set twice (first at line 1)" },
    { "memory=16\nkernel='k'\n", "e.cfg: error: no name = ... setting" },
    { "name='x'\nkernel='k'\n", "e.cfg: error: no memory = ... setting" },
    { "name='x'\nmemory=16\n", "e.cfg: error: no kernel = ... setting" },
    { BASE "type = \"hvm\"\n", "e.cfg:4:8: error: type: expected \"pvh\"" },
    { BASE "type = 1\n", "e.cfg:4:8: error: type: expected a quoted string, found a number" },
    { "name='a b'\nmemory=16\nkernel='k'\n", "e.cfg:1:6: error: name: expected 1 to 31" },
    { "name='x'\nmemory=0\nkernel='k'\n", "e.cfg:2:8: error: memory: expected a number from 1" },
    { "name='x'\nmemory='lots'\nkernel='k'\n", "e.cfg:2:8: error: memory: expected a number, "
      "found \"lots\"" },
    { BASE "maxmem = 8\n", "e.cfg:4:10: error: maxmem: expected at least memory (16)" },
    { BASE "vcpus = 129\n", "e.cfg:4:9: error: vcpus: expected a number from 1 to 128" },
    { BASE "cpus = \"3-1\"\n", "e.cfg:4:8: error: cpus: expected a range written low-high" },
    { BASE "cpus = \"nodes:0\"\n", "e.cfg:4:8: error: cpus: expected CPU numbers (NUMA" },
    { BASE "cpus = \"^1\"\n", "e.cfg:4:8: error: cpus: expected CPU numbers: \"all\" or \"^N\" "
      "with exclusions needs --nr-cpus" },
    { BASE "cpus = \"999\"\n", "e.cfg:4:8: error: cpus: expected a CPU number below 256" },
    { BASE "cpus = [\"1\", \"2\"]\n", "e.cfg:4:8: error: cpus: expected at most one entry per "
      "vCPU (vcpus = 1), found 2" },
    { BASE "uuid = \"0011\"\n", "e.cfg:4:8: error: uuid: expected xxxxxxxx-" },
    { BASE "control = 2\n", "e.cfg:4:11: error: control: expected a number from 0 to 1" },
    { BASE "domid = 32752\n", "e.cfg:4:9: error: domid: expected a number from 0 to 32751" },
    { BASE "pool = \"nope\"\n", "e.cfg:4:8: error: pool: expected the name of a pool" },
    { BASE "evtchn = [\"port=1,peer=x\"]\n", "e.cfg:4:11: error: evtchn: expected all of port" },
    { BASE "evtchn = [\"port=0,peer=y,peer-port=2\"]\n", "e.cfg:4:11: error: evtchn: port: "
      "expected a port number from 1 to 4095" },
    { BASE "evtchn = [\"port=1,peer=y,bogus=2\"]\n", "e.cfg:4:11: error: evtchn: expected "
      "port=, peer= or peer-port=" },
    { BASE "evtchn = [\"port=1,peer=nobody,peer-port=2\"]\n", "e.cfg:4:11: error: evtchn: "
      "peer: expected the name of a domain, found \"nobody\"" },
    { BASE "evtchn = [\"port=1,peer=x,peer-port=2\"]\n", "e.cfg:4:11: error: evtchn: peer: a "
      "channel joins two different domains" },
    { BASE "evtchn = ['port=1,peer=z,peer-port=2', 'port=1,peer=z,peer-port=3']\n",
      "e.cfg:4:40: error: evtchn: port 1 is used twice" },
    { BASE "extra = \"a\\nb\"\n", "e.cfg:4:9: error: command line: expected printable" },
    { "name = 'p'\nsched = 'bfs'\ncpus = '1'\n", "e.cfg:2:9: error: sched: expected credit" },
    { "name = 'p'\nsched = 'null'\nnodes = '0'\ncpus='1'\n", "e.cfg:3:1: error: nodes: NUMA" },
    { "name = 'p'\nsched = 'null'\n", "e.cfg: error: no cpus = ... setting" },
};

static void test_bad_files(void)
{
    for (unsigned int i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
        const struct bad *b = &bad_files[i];

        put("e.cfg", b->text);
        CHECK_EQ(run("-o", "out.dtb", "e.cfg"), 1);
        CHECK(strstr(err_text, b->message), "file:\n%s\nexpected: %s\ngot: %s", b->text,
              b->message, err_text);
        CHECK(strstr(err_text, "nothing written"), "says nothing was written");
        CHECK(blob == NULL, "no blob for a bad file (%s)", b->message);
    }
}

/* Problems that need several files. */
static void test_bad_combinations(void)
{
    uint32_t len;

    put("a.cfg", "name='a'\nmemory=16\nkernel='k'\ncontrol=1\ndomid=3\n");
    put("b.cfg", "name='a'\nmemory=16\nkernel='k'\ncontrol=1\ndomid=3\n");
    CHECK_EQ(run("-o", "out.dtb", "a.cfg", "b.cfg"), 1);
    CHECK(strstr(err_text, "b.cfg:1:6: error: name: \"a\" is already the name of the domain "
                 "in a.cfg"), "%s", err_text);
    CHECK(strstr(err_text, "b.cfg:4:9: error: control: at most one control domain"), "control");
    CHECK(strstr(err_text, "b.cfg:5:7: error: domid: 3 is already the domid of a"), "domid");
    CHECK(strstr(err_text, "hyperlaunch: 3 errors; nothing written"), "count");
    CHECK(blob == NULL, "no blob");

    put("b.cfg", "name='b'\nmemory=16\nkernel='k'\nvcpus=2\ncpus='0-2'\n");
    put("p.cfg", "name='p'\ncpus='2-3'\n");
    CHECK_EQ(run("-o", "out.dtb", "--pool", "q:credit:3-4", "a.cfg", "b.cfg", "p.cfg"), 1);
    CHECK(strstr(err_text, "p.cfg: error: pool \"p\" shares CPUs with pool \"q\""), "%s",
          err_text);
    CHECK(strstr(err_text, "b.cfg:5:6: error: cpus: vCPU 0 is pinned to 0-2, which includes "
                 "CPUs of pool \"p\""), "%s", err_text);

    put("b.cfg", "name='b'\nmemory=16\nkernel='k'\npool='p'\ncpus='1-2'\n");
    CHECK_EQ(run("-o", "out.dtb", "a.cfg", "b.cfg", "p.cfg"), 1);
    CHECK(strstr(err_text, "b.cfg:5:6: error: cpus: vCPU 0 is pinned to 1-2, outside pool "
                 "\"p\" (2-3)"), "%s", err_text);

    put("b.cfg", "name='b'\nmemory=16\nkernel='k'\nevtchn=['port=5,peer=a,peer-port=6']\n");
    put("c.cfg", "name='c'\nmemory=16\nkernel='k'\nevtchn=['port=7,peer=a,peer-port=6']\n");
    CHECK_EQ(run("-o", "out.dtb", "a.cfg", "b.cfg", "c.cfg"), 1);
    CHECK(strstr(err_text, "c.cfg:4:9: error: evtchn: port 6 of a is already the end of "
                 "another channel (to b port 5, b.cfg:4)"), "%s", err_text);

    put("b.cfg", "name='b'\nmemory=16\nkernel='k'\npool='Pool-0'\n");
    CHECK_EQ(run("-o", "out.dtb", "--pool", "Pool-0:credit:1", "a.cfg", "b.cfg"), 1);
    CHECK(strstr(err_text, "--pool: error: pool \"Pool-0\" is the boot pool"), "%s", err_text);
    CHECK(!strstr(err_text, "b.cfg"), "pool = \"Pool-0\" is the boot pool: %s", err_text);
    CHECK_EQ(run("-o", "out.dtb", "a.cfg", "b.cfg"), 0);
    CHECK(read_blob() && fdt_get_prop(&F, domain_node("b"), "domain-cpupool", &len) == NULL,
          "Pool-0: no domain-cpupool");

    CHECK_EQ(run("-o", "out.dtb", "--pool", "x:credit", "a.cfg"), 1);
    CHECK(strstr(err_text, "--pool: error: expected NAME:SCHED:CPUS"), "%s", err_text);
    CHECK_EQ(run("-o", "out.dtb", "missing.cfg"), 1);
    CHECK(strstr(err_text, "missing.cfg: error: cannot open"), "%s", err_text);
    CHECK_EQ(run("-o", "out.dtb", "p.cfg"), 1);
    CHECK(strstr(err_text, "error: no domain file given"), "%s", err_text);
    CHECK_EQ(run("--bogus", "a.cfg"), 1);
    CHECK(strstr(err_text, "usage: hyperlaunch"), "usage on a bad option");
}

int main(void)
{
    static const struct test_case cases[] = {
        { "hyperlaunch_tool: two domains, every value read back", test_two_domains },
        { "hyperlaunch_tool: pools, pinning, event channels", test_pools_pinning_evtchns },
        { "hyperlaunch_tool: the hypervisor's reader agrees", test_hypervisor_reads_it },
        { "hyperlaunch_tool: GRUB entry, --print, --list-modules", test_grub_and_print },
        { "hyperlaunch_tool: warnings", test_warnings },
        { "hyperlaunch_tool: xl.cfg grammar", test_grammar },
        { "hyperlaunch_tool: bootable ISO", test_iso },
        { "hyperlaunch_tool: bad files", test_bad_files },
        { "hyperlaunch_tool: bad combinations", test_bad_combinations },
        { "hyperlaunch_tool: mutated files", test_fuzz },
    };
    char cmd[96];
    int rc;

    snprintf(dir, sizeof(dir), "/tmp/hyperlaunch-test-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    rc = test_run(cases, sizeof(cases) / sizeof(cases[0]));
    free(blob);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd))
        printf("could not remove %s\n", dir);
    return rc;
}
