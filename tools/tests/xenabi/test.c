/*
 * Host tests of the non-event Xen ABI calls (common/memory.c,
 * grant_table.c, version.c, privilege.c, arch/x86/hvm/hvm_op.c) on a
 * simulated machine: a real p2m (EPT encoder) over lazily allocated
 * machine frames, guest "virtual" addresses that are host pointers, and
 * stand-ins for the domain builder and event channel code.  The
 * reservation calls run random sequences checked against a model of the
 * guest-physical map and of the domain's page count.
 */
#include "test.h"
#include <sys/mman.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <xen/guest_console.h>
#include <xen/bootdomain.h>
#include <asm/page.h>
#include <asm/hvm/support.h>
#include <asm/hvm/vmx/ept.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/version.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* ---- the simulated machine: frames allocated on first access ---- */
#define SIM_FRAMES (1u << 22)
static uint8_t *frame[SIM_FRAMES];
static uint64_t next_mfn = 0x100, frames_allocated;

paddr_t alloc_pages(unsigned int order)
{
    uint64_t n = 1ULL << order, m = (next_mfn + n - 1) & ~(n - 1);

    if (m + n > SIM_FRAMES)
        return INVALID_PADDR;
    next_mfn = m + n;
    frames_allocated += n;
    return (paddr_t)m << PAGE_SHIFT;
}

void free_pages(paddr_t ma, unsigned int order)
{
    (void)ma;
    frames_allocated -= 1ULL << order;
}

static void *heap_virt(paddr_t ma);

void *maddr_to_virt(paddr_t ma)
{
    uint64_t m = ma >> PAGE_SHIFT;

    if (m >= SIM_FRAMES)
        return heap_virt(ma);
    if (!frame[m]) {
        frame[m] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        memset(frame[m], 0xA5, PAGE_SIZE);       /* garbage, as real RAM holds */
    }
    return frame[m] + (ma & (PAGE_SIZE - 1));
}

/* Xenheap: contiguous host memory, numbered from a high machine address. */
#define HEAP_MFN 0x3000000ULL
struct heap_block {
    void *va;
    uint64_t mfn, pages;
};
static struct heap_block heap[256];
static unsigned int nr_heap;
static uint64_t heap_next = HEAP_MFN;

static void *heap_virt(paddr_t ma)
{
    uint64_t m = ma >> PAGE_SHIFT;
    unsigned int i;

    for (i = 0; i < nr_heap; i++)
        if (m - heap[i].mfn < heap[i].pages)
            return (char *)heap[i].va + ((m - heap[i].mfn) << PAGE_SHIFT) + (ma & (PAGE_SIZE - 1));
    abort();
}

void *alloc_xenheap_pages(unsigned int order)
{
    uint64_t pages = 1ULL << order;
    void *va = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);

    if (nr_heap == ARRAY_SIZE(heap))
        abort();
    memset(va, 0, pages * PAGE_SIZE);
    heap[nr_heap++] = (struct heap_block){ va, heap_next, pages };
    heap_next += pages;
    return va;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    unsigned int i;

    (void)order;
    for (i = 0; i < nr_heap; i++)
        if (heap[i].va == va) {
            free(va);
            heap[i] = heap[--nr_heap];
            return;
        }
    abort();
}

paddr_t virt_to_maddr(const void *va)
{
    unsigned int i;

    for (i = 0; i < nr_heap; i++) {
        uintptr_t off = (uintptr_t)va - (uintptr_t)heap[i].va;

        if (off < heap[i].pages * PAGE_SIZE)
            return ((paddr_t)heap[i].mfn << PAGE_SHIFT) + off;
    }
    abort();
}

/* ---- stand-ins for the rest of the hypervisor ---- */
const char xen_compiler[] = "gcc (host test)", xen_build_date[] = "today",
           xen_build_host[] = "tester@example.org";
static struct domain doms[2];
static struct vcpu vcpus[2];
static enum cpu_mode mode = CPU_MODE_64;
static uint64_t callback_param, shared_gfn = ~0ULL;
static int upcall_vector = -1;
static char console_out[256];
static size_t console_len;

#define BAD_GVA 0xdead0000000ULL
#define ENODATA 61     /* what version.c returns for build_id and commandline */

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    (void)v;
    if (gva == BAD_GVA || gva < 0x10000)
        return -EFAULT;
    memcpy(dst, (void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    (void)v;
    if (gva == BAD_GVA || gva < 0x10000)
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

enum cpu_mode hvm_cpu_mode(struct vcpu *v)
{
    (void)v;
    return mode;
}

struct domain *domain_find(domid_t id)
{
    return id < ARRAY_SIZE(doms) ? &doms[id] : NULL;
}

/* The builder's eager population: largest aligned pieces, counted. */
int domain_populate_ram(struct domain *d, uint64_t gfn, uint64_t nr)
{
    if (d->tot_pages + nr > d->max_pages)
        return -E2BIG;
    while (nr) {
        unsigned int order = !(gfn & 511) && nr >= 512 ? 9 : 0;
        paddr_t ma = alloc_pages(order);
        int rc = p2m_set_range(&d->hvm.p2m, gfn, ma >> PAGE_SHIFT, 1ULL << order, p2m_ram_rw,
                               P2M_MT_WB);

        uint64_t k;

        if (rc)
            return rc;
        for (k = 0; k < (1ULL << order); k++)
            memset(maddr_to_virt(ma + k * PAGE_SIZE), 0, PAGE_SIZE);
        d->tot_pages += 1ULL << order;
        gfn += 1ULL << order;
        nr -= 1ULL << order;
    }
    return 0;
}

int evtchn_map_shared_info(struct domain *d, uint64_t gfn)
{
    static void *page;

    if (!page)
        page = alloc_xenheap_pages(0);
    if (shared_gfn != ~0ULL)
        p2m_remove_range(&d->hvm.p2m, shared_gfn, 1);
    shared_gfn = gfn;
    return p2m_set_range(&d->hvm.p2m, gfn, virt_to_maddr(page) >> PAGE_SHIFT, 1, p2m_ram_rw,
                         P2M_MT_WB);
}

int evtchn_set_callback_param(struct domain *d, uint64_t val)
{
    (void)d;
    if (val >> 56 != HVM_PARAM_CALLBACK_TYPE_VECTOR)
        return -EINVAL;
    callback_param = val;
    return 0;
}

int evtchn_set_upcall_vector(struct vcpu *v, uint8_t vector)
{
    (void)v;
    upcall_vector = vector;
    return 0;
}

void guest_console_write(struct domain *d, const char *s, size_t len)
{
    (void)d;
    if (console_len + len < sizeof(console_out)) {
        memcpy(console_out + console_len, s, len);
        console_len += len;
    }
}

s_time_t NOW(void)
{
    static s_time_t t = 1000;

    return t += 10;
}

static void setup(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(doms); i++) {
        struct domain *d = &doms[i];

        if (d->abi)
            domain_abi_destroy(d);
        if (d->grant_table)
            grant_table_destroy(d);
        if (d->hvm.p2m.root)
            p2m_teardown(&d->hvm.p2m);
        free(d->vcpu);
        memset(d, 0, sizeof(*d));
        d->domain_id = (domid_t)i;
        d->max_pages = 4096;
        d->max_vcpus = 1;
        d->vcpu = calloc(1, sizeof(*d->vcpu));
        d->vcpu[0] = &vcpus[i];
        vcpus[i].domain = d;
        CHECK_EQ(p2m_init(&d->hvm.p2m, &ept_p2m_ops, 48, PAGE_ORDER_1G), 0);
        /* 8 MiB of RAM from 0, like a small guest. */
        CHECK_EQ(domain_populate_ram(d, 0, 2048), 0);
    }
    doms[0].capabilities = BOOT_CAP_ALL;        /* d0: control domain */
    shared_gfn = ~0ULL;
    mode = CPU_MODE_64;
}

#define ARGS(...) ((const uint64_t[5]){ __VA_ARGS__ })
#define P(x) ((uint64_t)(uintptr_t)(x))

static p2m_type_t type_at(struct domain *d, uint64_t gfn)
{
    p2m_type_t t;

    p2m_get_entry(&d->hvm.p2m, gfn, &t, NULL, NULL);
    return t;
}

/* ------------------------------------------------------------ tests */

static void test_version(void)
{
    struct xen_feature_info fi = { 0, 0 };
    char buf[1024];

    setup();
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_version)), 0x40011);
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_get_features, P(&fi))), 0);
    CHECK_EQ(fi.submap & 0x304, 0x304);
    CHECK_EQ(fi.submap >> XENFEAT_dom0 & 1, 0);
    CHECK_EQ(do_xen_version(&vcpus[0], ARGS(XENVER_get_features, P(&fi))), 0);
    CHECK_EQ(fi.submap >> XENFEAT_dom0 & 1, 1);
    fi.submap_idx = 1;
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_get_features, P(&fi))), -EINVAL);
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_pagesize)), 4096);
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_commandline, P(buf))), 0);
    CHECK(!strcmp(buf, "<denied>"), "unprivileged command line: %.20s", buf);
    CHECK_EQ(do_xen_version(&vcpus[0], ARGS(XENVER_commandline, P(buf))), -ENODATA);
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_build_id, P(buf))), -EPERM);
    CHECK_EQ(do_xen_version(&vcpus[0], ARGS(XENVER_build_id, P(buf))), -ENODATA);
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_compile_info, P(buf))), 0);
    CHECK(!strcmp(((struct xen_compile_info *)buf)->compile_by, "tester") &&
              !strcmp(((struct xen_compile_info *)buf)->compile_domain, "example.org"),
          "compile_by/domain split at '@'");
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_extraversion, BAD_GVA)), -EFAULT);
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(99)), -ENOSYS);
    /* A 32-bit caller gets a 4-byte virt_start. */
    mode = CPU_MODE_32;
    memset(buf, 0x55, 16);
    CHECK_EQ(do_xen_version(&vcpus[1], ARGS(XENVER_platform_parameters, P(buf))), 0);
    CHECK(*(uint32_t *)buf == 0xF5800000u && buf[4] == 0x55, "32-bit platform_parameters");
}

static void test_vm_assist(void)
{
    setup();
    CHECK_EQ(do_vm_assist(&vcpus[1], ARGS(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag)), 0);
    CHECK(vm_assist_enabled(&doms[1], VMASST_TYPE_runstate_update_flag), "enabled");
    CHECK(!vm_assist_enabled(&doms[0], VMASST_TYPE_runstate_update_flag), "per domain");
    CHECK_EQ(do_vm_assist(&vcpus[1], ARGS(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag)),
             0);
    CHECK(!vm_assist_enabled(&doms[1], VMASST_TYPE_runstate_update_flag), "disabled");
    CHECK_EQ(do_vm_assist(&vcpus[1], ARGS(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)),
             -EINVAL);
    CHECK_EQ(do_vm_assist(&vcpus[1], ARGS(VMASST_CMD_enable, 64)), -EINVAL);
    CHECK_EQ(do_vm_assist(&vcpus[1], ARGS(2, VMASST_TYPE_runstate_update_flag)), -ENOSYS);
}

static void test_memory_map(void)
{
    struct e820entry map[3] = {
        { 0, 0x9f000, 1 }, { 0x100000, 0x700000, 1 }, { 0xfc000000, 0x1000, 3 }
    };
    struct e820entry out[4];
    struct xen_memory_map m = { 4, { (void *)out } };

    setup();
    CHECK_EQ(do_memory_op(&vcpus[1], ARGS(XENMEM_memory_map, P(&m))), -ENOSYS);
    CHECK_EQ(domain_set_memory_map(&doms[1], map, 0), -EINVAL);
    CHECK_EQ(domain_set_memory_map(&doms[1], map, DOMAIN_E820_MAX + 1), -EINVAL);
    CHECK_EQ(domain_set_memory_map(&doms[1], map, 3), 0);
    CHECK_EQ(do_memory_op(&vcpus[1], ARGS(XENMEM_memory_map, P(&m))), 0);
    CHECK_EQ(m.nr_entries, 3);
    CHECK(!memcmp(out, map, sizeof(map)), "entries as given");
    m.nr_entries = 1;
    memset(out, 0, sizeof(out));
    CHECK_EQ(do_memory_op(&vcpus[1], ARGS(XENMEM_memory_map, P(&m))), 0);
    CHECK(m.nr_entries == 1 && out[1].size == 0, "room for one: one written");
    m.buffer.p = (void *)(uintptr_t)BAD_GVA;
    CHECK_EQ(do_memory_op(&vcpus[1], ARGS(XENMEM_memory_map, P(&m))), -EFAULT);
    CHECK_EQ(do_memory_op(&vcpus[1], ARGS(XENMEM_machine_memory_map, P(&m))), -EPERM);
}

static long cur_pages(struct vcpu *v, domid_t id);

/* Memory below 4 GiB, where a 32-bit caller's 4-byte pointers can reach. */
static void *low_alloc(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                   -1, 0);

    if (p == MAP_FAILED || (uintptr_t)p + len > (1ULL << 32))
        abort();
    return p;
}

/* A 32-bit caller's layouts: 4-byte handles and frame numbers. */
static void test_compat(void)
{
    struct e820entry map[2] = { { 0, 0x9f000, 1 }, { 0x100000, 0x700000, 1 } };
    uint32_t *low = low_alloc(PAGE_SIZE);
    struct vcpu *v = &vcpus[1];
    struct domain *d = &doms[1];
    long before;

    setup();
    mode = CPU_MODE_32;
    CHECK_EQ(domain_set_memory_map(d, map, 2), 0);
    /* memory_map { u32 nr_entries; u32 buffer; } */
    low[0] = 8;
    low[1] = (uint32_t)(uintptr_t)&low[16];
    low[2] = 0x77777777;                        /* beyond the 8-byte structure */
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_memory_map, P(low))), 0);
    CHECK(low[0] == 2 && !memcmp(&low[16], map, sizeof(map)) && low[2] == 0x77777777,
          "compat memory_map: %u entries", low[0]);
    /* reservation { u32 extent_start, nr_extents, extent_order, mem_flags; u16 domid; } */
    d->max_pages = 2048 + 2;
    before = cur_pages(v, DOMID_SELF);
    memset(low, 0, PAGE_SIZE);
    low[0] = (uint32_t)(uintptr_t)&low[32];
    low[1] = 2;
    low[4] = DOMID_SELF;
    low[32] = 0x4000;
    low[33] = 0x4002;
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_populate_physmap, P(low))), 2);
    CHECK(type_at(d, 0x4000) == p2m_ram_rw && type_at(d, 0x4002) == p2m_ram_rw &&
              type_at(d, 0x4001) == p2m_invalid, "compat populate: 4-byte extents");
    CHECK_EQ(cur_pages(v, DOMID_SELF), before + 2);
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_decrease_reservation, P(low))), 2);
    CHECK_EQ(cur_pages(v, DOMID_SELF), before);
    /* add_to_physmap { u16 domid, size; u32 space, idx, gpfn; } */
    memset(low, 0, PAGE_SIZE);
    low[0] = DOMID_SELF;
    low[1] = XENMAPSPACE_grant_table;
    low[2] = 0;
    low[3] = 0x4005;
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_add_to_physmap, P(low))), 0);
    CHECK_EQ(type_at(d, 0x4005), p2m_ram_rw);
    /* remove_from_physmap { u16 domid; u32 gpfn; } */
    low[0] = DOMID_SELF;
    low[1] = 0x4005;
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_remove_from_physmap, P(low))), 0);
    CHECK_EQ(type_at(d, 0x4005), p2m_invalid);
    /* gnttab_setup_table { u16 dom; u32 nr_frames; s16 status; u32 frame_list; } */
    memset(low, 0, PAGE_SIZE);
    low[0] = DOMID_SELF;
    low[1] = 2;
    low[2] = 0x5555;
    low[3] = (uint32_t)(uintptr_t)&low[32];
    low[34] = 0x12345678;
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_setup_table, P(low), 1)), 0);
    CHECK(low[2] == 0 && low[32] == 0xffffffffu && low[33] == 0xffffffffu &&
              low[34] == 0x12345678, "compat setup_table: status %#x, frames %#x %#x",
          low[2], low[32], low[33]);
    munmap(low, PAGE_SIZE);
}

static long reservation(struct vcpu *v, unsigned long cmd, uint64_t *gfns, uint64_t nr,
                        unsigned int order, domid_t domid)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    r.extent_start.p = gfns;
    r.nr_extents = nr;
    r.extent_order = order;
    r.domid = domid;
    return do_memory_op(v, ARGS(cmd, P(&r)));
}

static long cur_pages(struct vcpu *v, domid_t id)
{
    return do_memory_op(v, ARGS(XENMEM_current_reservation, P(&id)));
}

/* Random populate / decrease against a model of which gfns are RAM. */
#define MODEL_GFNS 8192
static bool model[MODEL_GFNS];

static void test_reservation_model(void)
{
    struct vcpu *v = &vcpus[1];
    struct domain *d = &doms[1];
    uint64_t i, ram = 2048, heap_before;
    unsigned int step, bad = 0;

    setup();
    memset(model, 0, sizeof(model));
    for (i = 0; i < 2048; i++)
        model[i] = true;
    srand(7);
    for (step = 0; step < 3000; step++) {
        unsigned int order = rand() % 3 ? 0 : 9, n = 1u << order, j;
        uint64_t gfn = ((uint64_t)rand() % MODEL_GFNS) & ~(uint64_t)(n - 1);
        bool populate = rand() % 2, all_ram = true, all_empty = true;
        long want, rc;

        for (j = 0; j < n; j++) {
            all_ram &= model[gfn + j];
            all_empty &= !model[gfn + j];
        }
        if (populate)
            want = all_empty && ram + n <= d->max_pages;
        else
            want = all_ram;
        /* Fill what is given back with a pattern: it must never come back. */
        if (!populate && all_ram)
            for (j = 0; j < n; j++)
                memset(maddr_to_virt((paddr_t)p2m_get_entry(&d->hvm.p2m, gfn + j, NULL, NULL,
                                                             NULL) << PAGE_SHIFT),
                       0x5A, PAGE_SIZE);
        rc = reservation(v, populate ? XENMEM_populate_physmap : XENMEM_decrease_reservation,
                         &gfn, 1, order, DOMID_SELF);
        if (rc != want && bad++ < 5)
            printf("  step %u: %s order %u at %#lx: %ld, want %ld\n", step,
                   populate ? "populate" : "decrease", order, (unsigned long)gfn, rc, want);
        if (rc == 1)
            for (j = 0; j < n; j++)
                model[gfn + j] = populate;
        if (rc == 1)
            ram = populate ? ram + n : ram - n;
        if (rc == 1 && populate)
            for (j = 0; j < n; j++) {
                mfn_t m = p2m_get_entry(&d->hvm.p2m, gfn + j, NULL, NULL, NULL);
                const uint8_t *p = maddr_to_virt((paddr_t)m << PAGE_SHIFT);
                unsigned int k;

                for (k = 0; k < PAGE_SIZE && p[k] == 0; k++)
                    ;
                if (k != PAGE_SIZE && bad++ < 5)
                    printf("  step %u: gfn %#lx not zeroed\n", step, (unsigned long)(gfn + j));
            }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(cur_pages(v, DOMID_SELF), (long)ram);
    CHECK_EQ(d->tot_pages, ram);
    for (i = 0; i < MODEL_GFNS; i++)
        if ((type_at(d, i) == p2m_ram_rw) != model[i] && bad++ < 5)
            printf("  gfn %#lx: p2m and model differ\n", (unsigned long)i);
    CHECK_EQ(bad, 0);
    CHECK_EQ(p2m_check(&d->hvm.p2m), 0);
    /* Frames given back are reused: a populate after a decrease allocates nothing new. */
    heap_before = frames_allocated;
    for (i = 0; i < MODEL_GFNS && model[i]; i++)
        ;
    {
        uint64_t g = i;

        for (i = 0; i < MODEL_GFNS && !model[i]; i++)
            ;
        CHECK_EQ(reservation(v, XENMEM_decrease_reservation, &i, 1, 0, DOMID_SELF), 1);
        CHECK_EQ(reservation(v, XENMEM_populate_physmap, &g, 1, 0, DOMID_SELF), 1);
        CHECK_EQ(frames_allocated, heap_before);
    }
}

static void test_reservation_hostile(void)
{
    struct vcpu *v = &vcpus[1];
    uint64_t gfn = 0x3000, far = 1ULL << 40;
    struct xen_memory_reservation r;
    long before;

    setup();
    doms[1].max_pages = 2048;                   /* d1 is full */
    before = cur_pages(v, DOMID_SELF);
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_populate_physmap, BAD_GVA)), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, (uint64_t *)BAD_GVA, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1ULL << 40, 0, DOMID_SELF), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1, 18, DOMID_SELF), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1, 10, DOMID_SELF), 0);
    gfn = 0x3001;
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1, 9, DOMID_SELF), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &far, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1, 0, 0x7fee), 0);
    /* Another existing domain: only for a privileged caller. */
    CHECK_EQ(reservation(v, XENMEM_populate_physmap, &gfn, 1, 0, 0), 0);
    CHECK_EQ(reservation(&vcpus[0], XENMEM_populate_physmap, &gfn, 1, 0, 1), 0);
    CHECK_EQ(reservation(v, XENMEM_increase_reservation, &gfn, 1, 0, DOMID_SELF), 0);
    memset(&r, 0, sizeof(r));
    r.extent_start.p = &gfn;
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    r.mem_flags = XENMEMF_populate_on_demand;
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_populate_physmap, P(&r))), 0);
    r.mem_flags = 0;
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_populate_physmap | (7UL << 6), P(&r))), 7);
    CHECK_EQ(cur_pages(v, DOMID_SELF), before);
    /* The control domain may act on d1: give back one of its pages, then populate it. */
    gfn = 5;
    CHECK_EQ(reservation(&vcpus[0], XENMEM_decrease_reservation, &gfn, 1, 0, 1), 1);
    CHECK_EQ(cur_pages(&vcpus[0], 1), before - 1);
    CHECK_EQ(cur_pages(v, 0), -EPERM);
    CHECK_EQ(cur_pages(v, 0x7fee), -ESRCH);
    gfn = 0x3001;
    CHECK_EQ(reservation(&vcpus[0], XENMEM_populate_physmap, &gfn, 1, 0, 1), 1);
    CHECK_EQ(type_at(&doms[1], 0x3001), p2m_ram_rw);
    /* The work cap: a long list completes in several calls, each reporting progress. */
    {
        static uint64_t list[20000];
        unsigned long done = 0;
        long rc;
        unsigned int calls = 0, k;

        for (k = 0; k < 20000; k++)
            list[k] = 0x10000 + k;
        doms[1].max_pages = 1 << 20;
        while (done < 20000 && calls++ < 10) {
            rc = reservation(v, XENMEM_populate_physmap | (done << 6), list, 20000, 0, DOMID_SELF);
            CHECK(rc > (long)done, "progress from %lu: %ld", done, rc);
            if (rc <= (long)done)
                break;
            done = (unsigned long)rc;
        }
        CHECK_EQ(done, 20000);
        CHECK_EQ(calls, 1);
    }
}

static long physmap(struct vcpu *v, domid_t dom, unsigned int space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x;

    memset(&x, 0, sizeof(x));
    x.domid = dom;
    x.space = space;
    x.idx = idx;
    x.gpfn = gpfn;
    return do_memory_op(v, ARGS(XENMEM_add_to_physmap, P(&x)));
}

static void test_physmap(void)
{
    struct vcpu *v = &vcpus[1];
    struct domain *d = &doms[1];
    struct xen_remove_from_physmap rm = { DOMID_SELF, 0x20 };
    uint64_t g;
    long before;

    setup();
    before = cur_pages(v, DOMID_SELF);
    /* shared_info over RAM: the RAM page goes, the page is special from then on. */
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x10), 0);
    CHECK_EQ(shared_gfn, 0x10);
    CHECK_EQ(cur_pages(v, DOMID_SELF), before - 1);
    g = 0x10;
    CHECK_EQ(reservation(v, XENMEM_decrease_reservation, &g, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x11), -EINVAL);
    CHECK_EQ(physmap(v, DOMID_SELF, 77, 0, 0x11), -EINVAL);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 0x11), -ENOSYS);
    CHECK_EQ(physmap(v, 0, XENMAPSPACE_shared_info, 0, 0x11), -EPERM);
    CHECK_EQ(physmap(v, 0x7fee, XENMAPSPACE_shared_info, 0, 0x11), -ESRCH);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ULL << 40), -EINVAL);
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_add_to_physmap, BAD_GVA)), -EFAULT);

    /* Grant frames: into a hole, over RAM, moved, grown to the maximum. */
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x5000), 0);
    {
        mfn_t m = p2m_get_entry(&d->hvm.p2m, 0x5000, NULL, NULL, NULL);
        uint32_t *entry = maddr_to_virt((paddr_t)m << PAGE_SHIFT);

        entry[3] = 0x1234;
        CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x30), 0);
        CHECK_EQ(type_at(d, 0x5000), p2m_invalid);
        CHECK_EQ(p2m_get_entry(&d->hvm.p2m, 0x30, NULL, NULL, NULL), m);
        CHECK_EQ(entry[3], 0x1234);
    }
    CHECK_EQ(cur_pages(v, DOMID_SELF), before - 2);
    g = 0x30;
    CHECK_EQ(reservation(v, XENMEM_decrease_reservation, &g, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_grant_table, 64, 0x31), -EINVAL);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, 0x31),
             -EINVAL);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_grant_table, 63, 0x5001), 0);
    {
        struct gnttab_query_size q = { DOMID_SELF, 0, 0, 0 };
        uint64_t frames[3] = { 0, 0, 0 };
        struct gnttab_setup_table st;

        CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size, P(&q), 1)), 0);
        CHECK(q.nr_frames == 64 && q.max_nr_frames == 64 && q.status == 0, "grown to 64");
        memset(&st, 0, sizeof(st));
        st.dom = DOMID_SELF;
        st.nr_frames = 2;
        st.frame_list.p = frames;
        CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_setup_table, P(&st), 1)), 0);
        CHECK(st.status == 0 && frames[0] == 0x30 && frames[1] == GNTTAB_NO_GFN,
              "setup_table lists gfns: %#lx %#lx", (unsigned long)frames[0],
              (unsigned long)frames[1]);
        st.nr_frames = 65;
        CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_setup_table, P(&st), 1)), 0);
        CHECK_EQ(st.status, GNTST_general_error);
        st.dom = 0;
        st.nr_frames = 1;
        CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_setup_table, P(&st), 1)), 0);
        CHECK_EQ(st.status, GNTST_permission_denied);
        st.dom = 0x7fee;
        CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_setup_table, P(&st), 1)), 0);
        CHECK_EQ(st.status, GNTST_bad_domain);
    }
    /* gmfn: move a RAM page; remove_from_physmap: punch a hole, count it. */
    before = cur_pages(v, DOMID_SELF);
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_gmfn, 0x40, 0x6000), 0);
    CHECK(type_at(d, 0x40) == p2m_invalid && type_at(d, 0x6000) == p2m_ram_rw, "moved");
    CHECK_EQ(physmap(v, DOMID_SELF, XENMAPSPACE_gmfn, 0x40, 0x6001), -EINVAL);
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_remove_from_physmap, P(&rm))), 0);
    CHECK_EQ(type_at(d, 0x20), p2m_invalid);
    CHECK_EQ(cur_pages(v, DOMID_SELF), before - 1);
    CHECK_EQ(do_memory_op(v, ARGS(XENMEM_remove_from_physmap, P(&rm))), -ENOENT);
    CHECK_EQ(p2m_check(&d->hvm.p2m), 0);
}

static void test_grant_ops(void)
{
    struct vcpu *v = &vcpus[1];
    struct gnttab_set_version sv = { 2 };
    struct gnttab_get_version gv = { DOMID_SELF, 0, 0 };
    struct gnttab_query_size q = { DOMID_SELF, 0, 0, 0 };

    setup();
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_set_version, P(&sv), 1)), -ENOSYS);
    CHECK_EQ(sv.version, 1);
    sv.version = 0;
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_set_version, P(&sv), 1)), -EINVAL);
    sv.version = 1;
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_set_version, P(&sv), 1)), 0);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_get_version, P(&gv), 1)), 0);
    CHECK_EQ(gv.version, 1);
    gv.dom = 0;
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_get_version, P(&gv), 1)), -EPERM);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size, P(&q), 1)), 0);
    CHECK(q.nr_frames == 1 && q.max_nr_frames == 64, "a new table has 1 of 64 frames");
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size, P(&q), 0)), -EINVAL);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size, P(&q), 0x80000000u)), -EINVAL);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size | 0x1000, P(&q), 1)), -EINVAL);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_map_grant_ref, P(&q), 1)), -ENOSYS);
    CHECK_EQ(do_grant_table_op(v, ARGS(GNTTABOP_query_size, BAD_GVA, 1)), -EFAULT);
}

static long param(struct vcpu *v, bool set, domid_t dom, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param a;
    long rc;

    memset(&a, 0, sizeof(a));
    a.domid = dom;
    a.index = index;
    a.value = *value;
    rc = do_hvm_op(v, ARGS(set ? HVMOP_set_param : HVMOP_get_param, P(&a)));
    if (!set)
        *value = a.value;
    return rc;
}

static void test_hvm_op(void)
{
    struct vcpu *v = &vcpus[1];
    struct xen_hvm_evtchn_upcall_vector uv = { 0, 0xf0 };
    uint64_t val;

    setup();
    doms[1].hvm.params[HVM_PARAM_CONSOLE_PFN] = 0xfeff;
    val = 0;
    CHECK_EQ(param(v, false, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &val), 0);
    CHECK_EQ(val, 0xfeff);
    val = 1;
    CHECK_EQ(param(v, true, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &val), -EPERM);
    CHECK_EQ(param(v, true, DOMID_SELF, HVM_PARAM_STORE_PFN, &val), -EPERM);
    CHECK_EQ(param(v, false, DOMID_SELF, HVM_PARAM_IDENT_PT, &val), -EPERM);
    CHECK_EQ(param(v, false, DOMID_SELF, HVM_NR_PARAMS, &val), -EINVAL);
    CHECK_EQ(param(v, false, 0, HVM_PARAM_STORE_PFN, &val), -EPERM);
    CHECK_EQ(param(v, false, 0x7fee, HVM_PARAM_STORE_PFN, &val), -ESRCH);
    /* The control domain may read and set what the guest cannot. */
    CHECK_EQ(param(&vcpus[0], false, 1, HVM_PARAM_IDENT_PT, &val), 0);
    val = 0x1234;
    CHECK_EQ(param(&vcpus[0], true, 1, HVM_PARAM_STORE_PFN, &val), 0);
    CHECK_EQ(doms[1].hvm.params[HVM_PARAM_STORE_PFN], 0x1234);
    val = (2ULL << 56) | 0xf3;
    CHECK_EQ(param(v, true, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    CHECK_EQ(callback_param, val);
    val = 0x10;     /* GSI type: refused by the event code, not stored */
    CHECK_EQ(param(v, true, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &val), -EINVAL);
    CHECK_EQ(doms[1].hvm.params[HVM_PARAM_CALLBACK_IRQ], (2ULL << 56) | 0xf3);
    val = 5;
    CHECK_EQ(param(v, true, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &val), -EINVAL);
    CHECK_EQ(do_hvm_op(v, ARGS(HVMOP_set_evtchn_upcall_vector, P(&uv))), 0);
    CHECK_EQ(upcall_vector, 0xf0);
    uv.vector = 0xf;
    CHECK_EQ(do_hvm_op(v, ARGS(HVMOP_set_evtchn_upcall_vector, P(&uv))), -EINVAL);
    uv.vector = 0xf0;
    uv.vcpu = 1;
    CHECK_EQ(do_hvm_op(v, ARGS(HVMOP_set_evtchn_upcall_vector, P(&uv))), -ENOENT);
    CHECK_EQ(do_hvm_op(v, ARGS(HVMOP_get_param, BAD_GVA)), -EFAULT);
    CHECK_EQ(do_hvm_op(v, ARGS(77)), -ENOSYS);
    CHECK_EQ(do_physdev_op(v, ARGS(5)), -ENOSYS);
}

static void test_privilege(void)
{
    int err = 0;

    setup();
    CHECK(hypercall_is_privileged(&vcpus[0]) && !hypercall_is_privileged(&vcpus[1]),
          "CONTROL capability is privilege");
    CHECK(hypercall_target_domain(&vcpus[1], DOMID_SELF, &err) == &doms[1], "self");
    CHECK(hypercall_target_domain(&vcpus[1], 1, &err) == &doms[1], "own id");
    CHECK(!hypercall_target_domain(&vcpus[1], 0, &err) && err == -EPERM, "other: %d", err);
    CHECK(!hypercall_target_domain(&vcpus[0], DOMID_XEN, &err) && err == -ESRCH, "DOMID_XEN");
    CHECK(hypercall_target_domain(&vcpus[0], 1, &err) == &doms[1], "privileged: other");
}

int main(void)
{
    static const struct test_case cases[] = {
        { "xenabi_version", test_version },
        { "xenabi_vm_assist", test_vm_assist },
        { "xenabi_memory_map", test_memory_map },
        { "xenabi_reservation_model", test_reservation_model },
        { "xenabi_reservation_hostile", test_reservation_hostile },
        { "xenabi_physmap", test_physmap },
        { "xenabi_compat", test_compat },
        { "xenabi_grant_ops", test_grant_ops },
        { "xenabi_hvm_op", test_hvm_op },
        { "xenabi_privilege", test_privilege },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
