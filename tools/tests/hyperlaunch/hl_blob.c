/* Building Hyperlaunch configurations with libfdt for host tests (see hl_blob.h). */
#include "test.h"
#include "hl_blob.h"
#include <libfdt.h>

uint8_t hl_blob[HL_BLOB_MAX];

struct boot_module hl_mods[HL_NR_MODS] = {
    [HL_MOD_CFG] = { 0x100000, 0x110000, "/boot/hl.dtb" },
    [HL_MOD_K0] = { 0x1000000, 0x1800000, "/boot/vmlinuz console=hvc0 earlyprintk" },
    [HL_MOD_RD0] = { 0x2000000, 0x2400000, "/boot/initrd.img" },
    [HL_MOD_K1] = { 0x3000000, 0x3800000, "/boot/guest" },
    [HL_MOD_PACK] = { HL_PACK_START, HL_PACK_START + 0x1000000, "/boot/pack.bin packed" },
};

const char *const hl_scheds[] = { "credit", "credit2", "null", NULL };

void hl_machine(struct boot_machine *m)
{
    unsigned int cpu;

    memset(m, 0, sizeof(*m));
    cpumask_clear(&m->cpus);
    for (cpu = 0; cpu < 8; cpu++)
        cpumask_set_cpu(cpu, &m->cpus);
    m->ram_bytes = HL_RAM;
    m->modules = hl_mods;
    m->nr_modules = HL_NR_MODS;
    m->schedulers = hl_scheds;
    m->hvm = true;
}

static void ok(int rc, const char *what, const char *path)
{
    CHECK(rc >= 0, "libfdt: %s %s: %s", what, path, fdt_strerror(rc));
}

int hlb_off(const char *path)
{
    int off = fdt_path_offset(hl_blob, path);

    ok(off, "find", path);
    return off;
}

int hlb_add(const char *parent, const char *name)
{
    int off = fdt_add_subnode(hl_blob, hlb_off(parent), name);

    ok(off, "add under", parent);
    return off;
}

void hlb_rm(const char *path)
{
    ok(fdt_del_node(hl_blob, hlb_off(path)), "delete", path);
}

void hlb_u32(const char *path, const char *name, uint32_t v)
{
    ok(fdt_setprop_u32(hl_blob, hlb_off(path), name, v), name, path);
}

void hlb_u64(const char *path, const char *name, uint64_t v)
{
    ok(fdt_setprop_u64(hl_blob, hlb_off(path), name, v), name, path);
}

void hlb_str(const char *path, const char *name, const char *s)
{
    ok(fdt_setprop_string(hl_blob, hlb_off(path), name, s), name, path);
}

void hlb_raw(const char *path, const char *name, const void *v, int len)
{
    ok(fdt_setprop(hl_blob, hlb_off(path), name, v, len), name, path);
}

void hlb_cells(const char *path, const char *name, unsigned int n, const uint32_t *cells)
{
    unsigned int i;

    hlb_raw(path, name, NULL, 0);
    for (i = 0; i < n; i++)
        ok(fdt_appendprop_u32(hl_blob, hlb_off(path), name, cells[i]), name, path);
}

void hlb_del(const char *path, const char *name)
{
    ok(fdt_delprop(hl_blob, hlb_off(path), name), name, path);
}

void hlb_empty(void)
{
    ok(fdt_create_empty_tree(hl_blob, sizeof(hl_blob)), "create", "/");
    hlb_add("/", "chosen");
}

static void compat(const char *path, const char *a, const char *b)
{
    char both[96];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;

    memcpy(both, a, la);
    if (b)
        memcpy(both + la, b, lb);
    hlb_raw(path, "compatible", both, (int)(la + lb));
}

/*
 * Two domains under /chosen/hypervisor:
 *   dom0:  domid 0, "control", a uuid, 512 MiB (256 MiB..1 GiB), 2 vCPUs,
 *          every capability; kernel and ramdisk by module-index (the
 *          kernel's own command line wins over its bootargs); vCPU 0
 *          pinned to CPUs 0-1; event channel port 10 to the guest's 20.
 *   guest: domid 5, "guest", 128 MiB as one u32 cell, 4 vCPUs, in the
 *          pool of CPUs 4-6 (credit2); kernel by reg (a part of the
 *          pack module, so its bootargs are the command line); vCPU 3
 *          pinned to CPUs 4 and 6.
 * and a "xen,config" node with the hypervisor's bootargs.
 */
void hlb_base(void)
{
    static const uint8_t uuid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    uint32_t cells[3] = { 4, 5, 6 }, ev[2];

    hlb_empty();
    /* libfdt puts a new node first among its siblings: add them last to first. */
    hlb_add("/chosen", "hypervisor");
    hlb_add(HL_HV, "guest");
    hlb_add(HL_HV, "dom0");
    hlb_add(HL_HV, "pool");
    hlb_add(HL_HV, "config");
    hlb_add(HL_D0, "evtchn");
    hlb_add(HL_D0, "vcpu0");
    hlb_add(HL_D0, "ramdisk");
    hlb_add(HL_D0, "kernel");
    hlb_add(HL_D1, "evtchn");
    hlb_add(HL_D1, "vcpu3");
    hlb_add(HL_D1, "kernel");
    compat(HL_HV, "hypervisor,xen", "xen,hypervisor");

    compat(HL_HV "/config", "xen,config", NULL);
    hlb_str(HL_HV "/config", "bootargs", "loglvl=all");

    compat(HL_POOL, "xen,cpupool", NULL);
    hlb_cells(HL_POOL, "cpupool-cpus", 3, cells);
    hlb_str(HL_POOL, "cpupool-sched", "credit2");
    hlb_u32(HL_POOL, "phandle", HL_PH_POOL);

    compat(HL_D0, "xen,domain", NULL);
    hlb_u32(HL_D0, "domid", 0);
    hlb_str(HL_D0, "domain-name", "control");
    hlb_raw(HL_D0, "domain-uuid", uuid, 16);
    hlb_u32(HL_D0, "mode", 0);
    hlb_u64(HL_D0, "memory", 512 * 1024);
    hlb_u64(HL_D0, "mem-min", 256 * 1024);
    hlb_u64(HL_D0, "mem-max", 1024 * 1024);
    hlb_u32(HL_D0, "cpus", 2);
    hlb_u32(HL_D0, "capabilities", BOOT_CAP_ALL);
    compat(HL_D0 "/kernel", "multiboot,kernel", "multiboot,module");
    hlb_u32(HL_D0 "/kernel", "module-index", HL_MOD_K0);
    hlb_str(HL_D0 "/kernel", "bootargs", "not used: the module has a command line");
    compat(HL_D0 "/ramdisk", "multiboot,ramdisk", "multiboot,module");
    hlb_u32(HL_D0 "/ramdisk", "module-index", HL_MOD_RD0);
    compat(HL_D0 "/vcpu0", "xen,vcpu", NULL);
    hlb_u32(HL_D0 "/vcpu0", "id", 0);
    hlb_str(HL_D0 "/vcpu0", "hard-affinity", "0-1");
    compat(HL_EV0, "xen,evtchn-v1", NULL);
    hlb_u32(HL_EV0, "phandle", HL_PH_EV0);
    ev[0] = 10;
    ev[1] = HL_PH_EV1;
    hlb_cells(HL_EV0, "xen,evtchn", 2, ev);

    compat(HL_D1, "xen,domain", NULL);
    hlb_u32(HL_D1, "#address-cells", 2);
    hlb_u32(HL_D1, "#size-cells", 1);
    hlb_u32(HL_D1, "domid", 5);
    hlb_str(HL_D1, "domain-name", "guest");
    hlb_u32(HL_D1, "memory", 128 * 1024);
    hlb_u32(HL_D1, "cpus", 4);
    hlb_u32(HL_D1, "capabilities", 0);
    hlb_u32(HL_D1, "domain-cpupool", HL_PH_POOL);
    compat(HL_D1 "/kernel", "multiboot,kernel", "multiboot,module");
    {
        uint32_t reg[3] = { 0, (uint32_t)HL_PACK_START + 0x1000, 0x200000 };

        hlb_cells(HL_D1 "/kernel", "reg", 3, reg);
    }
    hlb_str(HL_D1 "/kernel", "bootargs", "console=hvc0 quiet");
    compat(HL_D1 "/vcpu3", "xen,vcpu", NULL);
    hlb_u32(HL_D1 "/vcpu3", "id", 3);
    hlb_str(HL_D1 "/vcpu3", "hard-affinity", "4,6");
    compat(HL_EV1, "xen,evtchn", NULL);
    hlb_u32(HL_EV1, "phandle", HL_PH_EV1);
    ev[0] = 20;
    ev[1] = HL_PH_EV0;
    hlb_cells(HL_EV1, "xen,evtchn", 2, ev);
}

size_t hlb_finish(void)
{
    ok(fdt_pack(hl_blob), "pack", "/");
    return fdt_totalsize(hl_blob);
}
