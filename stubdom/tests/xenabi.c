/*
 * xenabi: the Xen guest ABI calls other than event channels, with Xen
 * 4.17's answers -- xen_version, vm_assist, memory_op (memory map,
 * reservations, add_to_physmap of shared_info and grant frames,
 * populate/decrease with the memory touched), grant_table_op v1, hvm_op
 * parameters, console_io and physdev_op -- each also with hostile
 * arguments (bad sub-ops, unmapped pointers, huge extents, other domains,
 * read-only parameters).  Whether this domain is privileged (console_io
 * works, hvm_start_info says SIF_PRIVILEGED) decides the expected answer
 * where Xen's depends on it.
 */
#include "guest.h"
#include "xencall.h"
#include "hypercall.h"

const char test_name[] = "xenabi";

#define UNMAPPED ((uint64_t)0xdead0000000) /* canonical, never mapped by this guest */
#define NO_DOMAIN 0x7feeu                  /* a valid domain id nobody uses */
#define SIF_PRIVILEGED 1u
#define INVALID_GFN (~(uint64_t)0)

static bool privileged;

static void expect(const char *name, long got, long want)
{
    check(got == want, name, "returned %ld, want %ld", got, want);
}

static long memop(unsigned long cmd, void *arg)
{
    return xencall2(__HYPERVISOR_memory_op, cmd, XPTR(arg));
}

static long reservation(unsigned long cmd, uint64_t *gfns, uint64_t nr, unsigned int order,
                        uint16_t domid)
{
    struct xen_memory_reservation r = {XPTR(gfns), nr, order, 0, domid};

    return memop(cmd, &r);
}

static long cur_pages(void)
{
    uint16_t self = DOMID_SELF;

    return memop(XENMEM_current_reservation, &self);
}

/* ------------------------------------------------ pages for the tests */

#define MAX_PICKS 16
static uint64_t picked[MAX_PICKS][2];
static unsigned int nr_picked;

/* The highest free, unprotected RAM block of `size` (aligned to it) below 4 GiB; 0 if none. */
static uint64_t pick_ram(uint64_t size)
{
    unsigned int i;

    for (i = memmap_count(); i-- > 0;) {
        const struct mem_range *r = memmap_get(i);
        uint64_t end = r->base + r->size, a;

        if (r->type != E820_RAM || r->base >= 4 * GiB || end < size)
            continue;
        if (end > 4 * GiB)
            end = 4 * GiB;
        for (a = (end - size) & ~(size - 1); a >= r->base && a >= MiB; a -= size) {
            if (memmap_is_protected(a, size))
                continue;
            memmap_protect(a, size);
            if (nr_picked < MAX_PICKS) {
                picked[nr_picked][0] = a;
                picked[nr_picked++][1] = size;
            }
            return a;
        }
    }
    return 0;
}

/* A 2 MiB-aligned hole of `size` below 4 GiB that no memory map entry touches. */
static uint64_t pick_hole(uint64_t size)
{
    uint64_t a;
    unsigned int i;

    for (a = 2 * GiB; a + size <= 3 * GiB; a += 2 * MiB) {
        bool clear = true;

        for (i = 0; i < memmap_count(); i++) {
            const struct mem_range *r = memmap_get(i);

            if (a < r->base + r->size && r->base < a + size)
                clear = false;
        }
        if (clear)
            return a;
    }
    return 0;
}

/* A NUL within the first n bytes (a fixed-size string field is terminated). */
static bool has_nul(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!s[i])
            return true;
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Does s contain word? */
static bool str_has(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; *s; s++)
        if (!memcmp(s, word, n))
            return true;
    return false;
}

/* Every byte of [p, p + len) is c. */
static bool all_bytes(const volatile uint8_t *p, size_t len, uint8_t c)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (p[i] != c)
            return false;
    return true;
}

/* ------------------------------------------------------- xen_version */

static void test_version(void)
{
    char buf[1024];
    struct xen_compile_info ci;
    struct xen_feature_info fi = {0, 0};
    uint64_t params = 0;
    long rc;

    rc = xencall2(__HYPERVISOR_xen_version, XENVER_version, 0);
    check(rc == 0x40011 && (uint32_t)rc == cpuid(cpu.xen_base + 1).eax, "version",
          "%#lx (Xen 4.17 is 0x40011; CPUID says %#x)", rc, cpuid(cpu.xen_base + 1).eax);

    /* The same handler through the hypercall page (older Linux kernels call it so). */
    if (hypercall_page_init() == 0)
        expect("version_via_page",
               hypercall_page_call(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011);
    else
        fail("version_via_page", "no hypercall page");

    memset(buf, 0x7f, sizeof(buf));
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_extraversion, XPTR(buf));
    check(rc == 0 && buf[0] == '.' && has_nul(buf, 16), "extraversion", "rc %ld, \"%.15s\"",
          rc, buf);

    memset(&ci, 0x7f, sizeof(ci));
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_compile_info, XPTR(&ci));
    check(rc == 0 && ci.compiler[0] && has_nul(ci.compiler, 64) && has_nul(ci.compile_date, 32),
          "compile_info", "rc %ld, compiler \"%.40s\"", rc, ci.compiler);

    memset(buf, 0x7f, sizeof(buf));
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_capabilities, XPTR(buf));
    check(rc == 0 && has_nul(buf, sizeof(buf)) && str_has(buf, "hvm-3.0-x86_64"), "capabilities",
          "rc %ld, \"%.80s\"", rc, buf);

    memset(buf, 0x7f, 64);
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_changeset, XPTR(buf));
    check(rc == 0 && buf[0] && has_nul(buf, 64), "changeset", "rc %ld, \"%.63s\"", rc, buf);

    rc = xencall2(__HYPERVISOR_xen_version, XENVER_platform_parameters, XPTR(&params));
    check(rc == 0 && params == 0xffff800000000000ull, "platform_parameters",
          "rc %ld, virt_start %#lx", rc, params);

    rc = xencall2(__HYPERVISOR_xen_version, XENVER_get_features, XPTR(&fi));
    check(rc == 0 && (fi.submap >> XENFEAT_auto_translated_physmap & 1) &&
              (fi.submap >> XENFEAT_hvm_callback_vector & 1) &&
              (fi.submap >> XENFEAT_hvm_safe_pvclock & 1),
          "get_features", "rc %ld, submap 0 = %#x (need bits 2, 8, 9)", rc, fi.submap);
    fi.submap_idx = 1;
    expect("get_features_bad_submap",
           xencall2(__HYPERVISOR_xen_version, XENVER_get_features, XPTR(&fi)), -XEN_EINVAL);

    expect("pagesize", xencall2(__HYPERVISOR_xen_version, XENVER_pagesize, 0), 4096);
    expect("guest_handle", xencall2(__HYPERVISOR_xen_version, XENVER_guest_handle, XPTR(buf)), 0);

    memset(buf, 0x7f, sizeof(buf));
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_commandline, XPTR(buf));
    if (privileged)
        check((rc == 0 && has_nul(buf, sizeof(buf))) || rc == -XEN_ENODATA, "commandline",
              "privileged: rc %ld, \"%.60s\"", rc, rc ? "" : buf);
    else
        check(rc == 0 && str_eq(buf, "<denied>"), "commandline", "unprivileged: rc %ld, \"%.20s\"",
              rc, buf);
    rc = xencall2(__HYPERVISOR_xen_version, XENVER_build_id, XPTR(buf));
    expect("build_id", rc, privileged ? -XEN_ENODATA : -XEN_EPERM);

    expect("version_bad_subop", xencall2(__HYPERVISOR_xen_version, 99, XPTR(buf)), -XEN_ENOSYS);
    expect("version_unmapped",
           xencall2(__HYPERVISOR_xen_version, XENVER_capabilities, UNMAPPED), -XEN_EFAULT);
}

static void test_vm_assist(void)
{
    expect("vm_assist_enable",
           xencall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag),
           0);
    expect("vm_assist_disable",
           xencall2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag),
           0);
    /* PV-only assists do not exist for an HVM domain. */
    expect("vm_assist_pv_type",
           xencall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_4gb_segments),
           -XEN_EINVAL);
    expect("vm_assist_huge_type", xencall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 1ull << 40),
           -XEN_EINVAL);
    expect("vm_assist_bad_cmd",
           xencall2(__HYPERVISOR_vm_assist, 7, VMASST_TYPE_runstate_update_flag), -XEN_ENOSYS);
}

/* ---------------------------------------------------------- memory_op */

static void test_memory_map(void)
{
    static struct e820entry e[MEMMAP_MAX];
    struct xen_memory_map m = {MEMMAP_MAX, XPTR(e)};
    unsigned int i, same = 0;
    long rc;

    rc = memop(XENMEM_memory_map, &m);
    for (i = 0; rc == 0 && i < m.nr_entries && i < memmap_count(); i++) {
        const struct mem_range *r = memmap_get(i);

        same += e[i].addr == r->base && e[i].size == r->size && e[i].type == r->type;
    }
    check(rc == 0 && m.nr_entries == memmap_count() && same == m.nr_entries, "memory_map",
          "rc %ld, %u entries (start info has %u), %u equal", rc, m.nr_entries, memmap_count(),
          same);
    m.nr_entries = 1;
    rc = memop(XENMEM_memory_map, &m);
    check(rc == 0 && m.nr_entries == 1, "memory_map_short", "rc %ld, %u entries for room for 1",
          rc, m.nr_entries);
    m.buffer = UNMAPPED;
    m.nr_entries = 4;
    expect("memory_map_unmapped_buffer", memop(XENMEM_memory_map, &m), -XEN_EFAULT);
    expect("memory_map_unmapped_arg", xencall2(__HYPERVISOR_memory_op, XENMEM_memory_map, UNMAPPED),
           -XEN_EFAULT);

    m.buffer = XPTR(e);
    m.nr_entries = MEMMAP_MAX;
    rc = memop(XENMEM_machine_memory_map, &m);
    if (privileged)
        check(rc == 0 && m.nr_entries > 0, "machine_memory_map", "privileged: rc %ld, %u entries",
              rc, m.nr_entries);
    else
        expect("machine_memory_map", rc, -XEN_EPERM);
}

static void test_reservation_queries(void)
{
    uint16_t self = DOMID_SELF, none = NO_DOMAIN;
    long cur = cur_pages(), max = memop(XENMEM_maximum_reservation, &self);
    long gpfn = memop(XENMEM_maximum_gpfn, &self);
    uint64_t top = 0;
    unsigned int i;

    for (i = 0; i < memmap_count(); i++)
        if (memmap_get(i)->type == E820_RAM)
            top = memmap_get(i)->base + memmap_get(i)->size;
    check(cur > 0 && max >= cur, "reservation", "current %ld, maximum %ld pages", cur, max);
    check(gpfn >= (long)(top >> 12) - 1, "maximum_gpfn", "%#lx, RAM ends at gfn %#lx", gpfn,
          top >> 12);
    expect("reservation_no_domain", memop(XENMEM_current_reservation, &none), -XEN_ESRCH);
    expect("reservation_unmapped",
           xencall2(__HYPERVISOR_memory_op, XENMEM_current_reservation, UNMAPPED), -XEN_EFAULT);
    check(memop(XENMEM_maximum_ram_page, NULL) > 0, "maximum_ram_page", "%ld",
          memop(XENMEM_maximum_ram_page, NULL));
    expect("memory_op_unknown", memop(XENMEM_get_sharing_freed_pages, NULL), -XEN_ENOSYS);
    expect("memory_op_bad_cmd", memop(63, NULL), -XEN_ENOSYS);
}

/* Give back 2 MiB of RAM, populate it elsewhere, touch it; reuse a page given back. */
static void test_populate(void)
{
    uint64_t ram = pick_ram(2 * MiB), hole = pick_hole(4 * MiB), gfn[2];
    long before = cur_pages(), rc;
    volatile uint64_t *p;
    uint64_t i;
    bool zero = true, kept = true;

    if (!ram || !hole) {
        fail("populate", "no free 2 MiB of RAM (%#lx) or no hole (%#lx) to test with", ram, hole);
        return;
    }
    info("populate: giving back RAM at %#lx, populating the hole at %#lx", ram, hole);
    gfn[0] = ram >> 12;
    rc = reservation(XENMEM_decrease_reservation, gfn, 1, 9, DOMID_SELF);
    check(rc == 1 && cur_pages() == before - 512, "decrease_2m", "rc %ld, pages %ld -> %ld", rc,
          before, cur_pages());
    expect("decrease_again", reservation(XENMEM_decrease_reservation, gfn, 1, 9, DOMID_SELF), 0);

    gfn[0] = hole >> 12;
    rc = reservation(XENMEM_populate_physmap, gfn, 1, 9, DOMID_SELF);
    check(rc == 1 && cur_pages() == before, "populate_2m", "rc %ld, pages %ld", rc, cur_pages());
    if (rc == 1) {
        paging_map(hole, 2 * MiB);
        p = (volatile uint64_t *)(uintptr_t)hole;
        for (i = 0; i < 2 * MiB / 8; i += 512)
            zero &= p[i] == 0;
        for (i = 0; i < 2 * MiB / 8; i += 512)
            p[i] = hole + i * 8;
        for (i = 0; i < 2 * MiB / 8; i += 512)
            kept &= p[i] == hole + i * 8;
        check(zero && kept, "populate_2m_touch", "every page read as zero: %s, kept writes: %s",
              zero ? "yes" : "NO", kept ? "yes" : "NO");
    }
    expect("populate_again", reservation(XENMEM_populate_physmap, gfn, 1, 9, DOMID_SELF), 0);
    /* Above the domU (and control domain) maximum order. */
    gfn[0] = 0;
    expect("populate_order_18", reservation(XENMEM_populate_physmap, gfn, 1, 18, DOMID_SELF), 0);

    /* At max_pages now: one more page only after one is given back. */
    gfn[0] = (hole >> 12) + 512;
    rc = reservation(XENMEM_populate_physmap, gfn, 1, 0, DOMID_SELF);
    check(rc == 0 || cur_pages() < memop(XENMEM_maximum_reservation, &(uint16_t){DOMID_SELF}),
          "populate_over_max", "rc %ld at %ld of %ld pages", rc, cur_pages(),
          memop(XENMEM_maximum_reservation, &(uint16_t){DOMID_SELF}));
    if (rc == 0) {
        gfn[0] = (hole >> 12) + 1;
        expect("decrease_4k", reservation(XENMEM_decrease_reservation, gfn, 1, 0, DOMID_SELF), 1);
        gfn[0] = (hole >> 12) + 512;
        rc = reservation(XENMEM_populate_physmap, gfn, 1, 0, DOMID_SELF);
        expect("populate_4k_reuse", rc, 1);
        if (rc == 1) {
            paging_map(hole + 2 * MiB, PAGE_SIZE);
            p = (volatile uint64_t *)(uintptr_t)(hole + 2 * MiB);
            check(all_bytes((volatile uint8_t *)p, PAGE_SIZE, 0), "populate_4k_scrubbed",
                  "a page given back comes back zeroed");
            p[0] = 0x1234;
            check(p[0] == 0x1234, "populate_4k_touch", "read back %#lx", p[0]);
        }
    }
    check(cur_pages() == before, "reservation_balance", "pages %ld, started with %ld", cur_pages(),
          before);
}

/* Punch a hole into RAM, then fill it again. */
static void test_remove_from_physmap(void)
{
    uint64_t page = pick_ram(PAGE_SIZE), gfn = page >> 12;
    struct xen_remove_from_physmap x = {DOMID_SELF, gfn};
    long before = cur_pages(), rc;

    if (!page) {
        fail("remove_from_physmap", "no free RAM page");
        return;
    }
    rc = memop(XENMEM_remove_from_physmap, &x);
    check(rc == 0 && cur_pages() == before - 1, "remove_from_physmap", "rc %ld, pages %ld -> %ld",
          rc, before, cur_pages());
    expect("remove_from_physmap_hole", memop(XENMEM_remove_from_physmap, &x), -XEN_ENOENT);
    expect("remove_from_physmap_refill",
           reservation(XENMEM_populate_physmap, &gfn, 1, 0, DOMID_SELF), 1);
    *(volatile uint64_t *)(uintptr_t)page = 0x5678;
    check(*(volatile uint64_t *)(uintptr_t)page == 0x5678 && cur_pages() == before,
          "remove_from_physmap_touch", "refilled page works, pages %ld", cur_pages());
    x.domid = NO_DOMAIN;
    expect("remove_from_physmap_no_domain", memop(XENMEM_remove_from_physmap, &x), -XEN_ESRCH);
}

/* Arguments a hostile guest might pass: nothing done, nothing broken. */
static void test_reservation_hostile(void)
{
    uint64_t gfn[1] = {(2 * GiB >> 12) + 3};
    struct xen_memory_reservation r = {UNMAPPED, 1, 0, 0, DOMID_SELF};

    expect("populate_unmapped_list", memop(XENMEM_populate_physmap, &r), 0);
    expect("populate_unmapped_arg",
           xencall2(__HYPERVISOR_memory_op, XENMEM_populate_physmap, UNMAPPED), 0);
    expect("populate_huge_count",
           reservation(XENMEM_populate_physmap, gfn, 1ull << 40, 0, DOMID_SELF), 0);
    expect("populate_unaligned", reservation(XENMEM_populate_physmap, gfn, 1, 9, DOMID_SELF), 0);
    gfn[0] = 1ull << 52;
    expect("populate_beyond_space", reservation(XENMEM_populate_physmap, gfn, 1, 0, DOMID_SELF),
           0);
    expect("populate_no_domain", reservation(XENMEM_populate_physmap, gfn, 1, 0, NO_DOMAIN), 0);
    r.extent_start = XPTR(gfn);
    r.mem_flags = XENMEMF_populate_on_demand;
    expect("populate_pod", memop(XENMEM_populate_physmap, &r), 0);
    /* A start extent beyond nr_extents comes straight back. */
    r.mem_flags = 0;
    expect("populate_start_beyond", memop(XENMEM_populate_physmap | (5ul << 6), &r), 5);
    gfn[0] = 3 * GiB >> 12;
    expect("decrease_hole", reservation(XENMEM_decrease_reservation, gfn, 1, 0, DOMID_SELF), 0);
    expect("increase_translated", reservation(XENMEM_increase_reservation, gfn, 1, 0, DOMID_SELF),
           0);
}

/* ------------------------------------------- shared_info, grant frames */

static long add_to_physmap(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = {domid, 0, space, idx, gpfn};

    return memop(XENMEM_add_to_physmap, &x);
}

static void test_shared_info(void)
{
    uint64_t page = pick_ram(PAGE_SIZE);
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)page;
    long before = cur_pages(), rc;

    if (!page) {
        fail("shared_info", "no free RAM page");
        return;
    }
    memset((void *)p, 0xa5, PAGE_SIZE);
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, page >> 12);
    check(rc == 0 && !all_bytes(p, PAGE_SIZE, 0xa5) && cur_pages() == before - 1, "shared_info",
          "rc %ld at %#lx; the RAM page was replaced: %s; pages %ld -> %ld", rc, page,
          all_bytes(p, PAGE_SIZE, 0xa5) ? "NO" : "yes", before, cur_pages());
    if (rc == 0)
        check(*(volatile uint32_t *)(p + SHINFO_VCPU0_TIME_MUL) != 0 &&
                  !(*(volatile uint32_t *)(p + SHINFO_VCPU0_TIME_VERSION) & 1),
              "shared_info_time", "vcpu_info[0].time: version %u, tsc_to_system_mul %#x",
              *(volatile uint32_t *)(p + SHINFO_VCPU0_TIME_VERSION),
              *(volatile uint32_t *)(p + SHINFO_VCPU0_TIME_MUL));
    {
        uint64_t g = page >> 12;

        expect("decrease_shared_info",
               reservation(XENMEM_decrease_reservation, &g, 1, 0, DOMID_SELF), 0);
    }
    expect("shared_info_bad_idx", add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x7000),
           -XEN_EINVAL);
    expect("physmap_bad_space", add_to_physmap(DOMID_SELF, 99, 0, 0x7000), -XEN_EINVAL);
    expect("physmap_foreign", add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 0x7000),
           -XEN_ENOSYS);
    expect("physmap_no_domain", add_to_physmap(NO_DOMAIN, XENMAPSPACE_shared_info, 0, 0x7000),
           -XEN_ESRCH);
    expect("physmap_beyond_space",
           add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ull << 52), -XEN_EINVAL);
    expect("physmap_unmapped", xencall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, UNMAPPED),
           -XEN_EFAULT);
}

static long gnttab(unsigned int cmd, void *arg, unsigned int count)
{
    return xencall(__HYPERVISOR_grant_table_op, cmd, XPTR(arg), count, 0, 0);
}

static void test_grant_table(void)
{
    struct gnttab_query_size q = {DOMID_SELF, 0, 0, 0};
    struct gnttab_set_version sv = {1};
    struct gnttab_get_version gv = {DOMID_SELF, 0, 0};
    uint64_t frames[4] = {0, 0, 0, 0};
    struct gnttab_setup_table st = {DOMID_SELF, 2, 99, XPTR(frames)};
    uint64_t g1 = pick_ram(PAGE_SIZE), g2 = pick_ram(PAGE_SIZE);
    volatile uint32_t *p2 = (volatile uint32_t *)(uintptr_t)g2;
    long rc;

    rc = gnttab(GNTTABOP_query_size, &q, 1);
    check(rc == 0 && q.status == GNTST_okay && q.nr_frames == 1 && q.max_nr_frames == 64,
          "gnttab_query_size", "rc %ld status %d: %u of %u frames (Xen: 1 of 64)", rc, q.status,
          q.nr_frames, q.max_nr_frames);
    expect("gnttab_set_version_1", gnttab(GNTTABOP_set_version, &sv, 1), 0);
    sv.version = 2;
    rc = gnttab(GNTTABOP_set_version, &sv, 1);
    check(rc == -XEN_ENOSYS && sv.version == 1, "gnttab_set_version_2",
          "rc %ld, version now %u (want -ENOSYS, 1)", rc, sv.version);
    sv.version = 3;
    expect("gnttab_set_version_3", gnttab(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    rc = gnttab(GNTTABOP_get_version, &gv, 1);
    check(rc == 0 && gv.version == 1, "gnttab_get_version", "rc %ld, version %u", rc, gv.version);
    expect("gnttab_count_2", gnttab(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
    expect("gnttab_bad_cmd", gnttab(99, &q, 1), -XEN_ENOSYS);
    expect("gnttab_unmapped", gnttab(GNTTABOP_query_size, (void *)UNMAPPED, 1), -XEN_EFAULT);
    q.dom = NO_DOMAIN;
    rc = gnttab(GNTTABOP_query_size, &q, 1);
    check(rc == 0 && q.status == GNTST_bad_domain, "gnttab_no_domain", "rc %ld status %d", rc,
          q.status);

    if (!g1 || !g2) {
        fail("gnttab_map", "no free RAM pages");
        return;
    }
    /* Map frame 0, write a grant entry, move the frame: the entry moves with it. */
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0, g1 >> 12);
    expect("gnttab_map_frame", rc, 0);
    if (rc == 0) {
        volatile uint32_t *p1 = (volatile uint32_t *)(uintptr_t)g1;

        check(p1[2] == 0 && p1[3] == 0, "gnttab_frame_zeroed", "entry 1 reads %#x %#x", p1[2],
              p1[3]);
        p1[2] = 0x00010001; /* GTF_permit_access for domain 1 */
        p1[3] = 0x12345;
    }
    memset((void *)p2, 0, PAGE_SIZE);
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0, g2 >> 12);
    check(rc == 0 && p2[2] == 0x00010001 && p2[3] == 0x12345, "gnttab_move_frame",
          "rc %ld, entry 1 at the new place: %#x %#x", rc, p2[2], p2[3]);
    rc = gnttab(GNTTABOP_setup_table, &st, 1);
    check(rc == 0 && st.status == GNTST_okay && frames[0] == g2 >> 12 && frames[1] == INVALID_GFN,
          "gnttab_setup_table", "rc %ld status %d frames %#lx %#lx (want %#lx, unmapped)", rc,
          st.status, frames[0], frames[1], g2 >> 12);
    st.nr_frames = 65;
    rc = gnttab(GNTTABOP_setup_table, &st, 1);
    check(rc == 0 && st.status == GNTST_general_error, "gnttab_setup_too_many", "rc %ld status %d",
          rc, st.status);
    expect("gnttab_map_beyond_max",
           add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 64, g1 >> 12), -XEN_EINVAL);
    expect("gnttab_map_status_v1",
           add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status,
                          g1 >> 12),
           -XEN_EINVAL);
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 63, g1 >> 12);
    q.dom = DOMID_SELF;
    check(rc == 0 && gnttab(GNTTABOP_query_size, &q, 1) == 0 && q.nr_frames == 64,
          "gnttab_grow", "map frame 63: rc %ld, table now %u frames", rc, q.nr_frames);
    {
        uint64_t g = g2 >> 12;

        expect("decrease_grant_frame",
               reservation(XENMEM_decrease_reservation, &g, 1, 0, DOMID_SELF), 0);
    }
}

/* -------------------------------------------------------------- hvm_op */

static long hvm_param(bool set, uint16_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param a = {domid, 0, index, value ? *value : 0};
    long rc = xencall2(__HYPERVISOR_hvm_op, set ? HVMOP_set_param : HVMOP_get_param, XPTR(&a));

    if (value && !set)
        *value = a.value;
    return rc;
}

static volatile unsigned int upcalls;

static void upcall_handler(struct trap_frame *frame)
{
    (void)frame;
    upcalls++;
    lapic_write(LAPIC_EOI, 0);
}

static void test_hvm_op(void)
{
    uint64_t v = 0, t1 = 0, t2 = 0;
    struct xen_hvm_pagetable_dying pd = {DOMID_SELF, {0, 0, 0}, 0x1000};
    struct xen_hvm_evtchn_upcall_vector uv = {0, 0x5};
    long rc;

    rc = hvm_param(false, DOMID_SELF, HVM_PARAM_STORE_PFN, &v);
    check(rc == 0 && v == 0, "store_pfn_none", "rc %ld, STORE_PFN %#lx (0 = no xenstore)", rc, v);
    v = 1;
    rc = hvm_param(false, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v);
    check(rc == 0 && v == 0, "store_evtchn_none", "rc %ld, STORE_EVTCHN %lu", rc, v);
    rc = hvm_param(false, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &v);
    check(rc == 0, "console_pfn", "rc %ld, CONSOLE_PFN %#lx", rc, v);
    v = 0x1234;
    expect("set_store_pfn", hvm_param(true, DOMID_SELF, HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
    expect("set_console_pfn", hvm_param(true, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &v), -XEN_EPERM);
    expect("get_ident_pt", hvm_param(false, DOMID_SELF, HVM_PARAM_IDENT_PT, &v), -XEN_EPERM);
    expect("param_bad_index", hvm_param(false, DOMID_SELF, HVM_NR_PARAMS, &v), -XEN_EINVAL);
    expect("param_huge_index", hvm_param(true, DOMID_SELF, 0xffffffffu, &v), -XEN_EINVAL);
    expect("param_no_domain", hvm_param(false, NO_DOMAIN, HVM_PARAM_STORE_PFN, &v), -XEN_ESRCH);
    expect("param_unmapped", xencall2(__HYPERVISOR_hvm_op, HVMOP_get_param, UNMAPPED), -XEN_EFAULT);
    v = 3;
    expect("fip_width_bad", hvm_param(true, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &v), -XEN_EINVAL);
    v = 4;
    rc = hvm_param(true, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &v);
    v = 0;
    check(rc == 0 && hvm_param(false, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &v) == 0 && v == 4,
          "fip_width", "set 4: rc %ld, reads back %lu", rc, v);

    /* The callback vector Linux uses; a handler is in place in case an event comes. */
    irq_set_handler(0xf3, upcall_handler);
    v = (2ull << 56) | 0xf3;
    rc = hvm_param(true, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v);
    v = 0;
    check(rc == 0 && hvm_param(false, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v) == 0 &&
              v == ((2ull << 56) | 0xf3),
          "callback_irq", "set vector 0xf3: rc %ld, reads back %#lx", rc, v);

    expect("upcall_vector_low",
           xencall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, XPTR(&uv)), -XEN_EINVAL);
    uv.vector = 0xf4;
    uv.vcpu = 1000;
    expect("upcall_vector_bad_vcpu",
           xencall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, XPTR(&uv)), -XEN_ENOENT);
    irq_set_handler(0xf4, upcall_handler);
    uv.vcpu = 0;
    expect("upcall_vector",
           xencall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, XPTR(&uv)), 0);

    /* With hardware paging Xen has no use for the hint and says so. */
    expect("pagetable_dying", xencall2(__HYPERVISOR_hvm_op, HVMOP_pagetable_dying, XPTR(&pd)),
           -XEN_EINVAL);
    rc = xencall2(__HYPERVISOR_hvm_op, HVMOP_get_time, XPTR(&t1));
    xencall2(__HYPERVISOR_hvm_op, HVMOP_get_time, XPTR(&t2));
    check(rc == 0 && t1 > 0 && t2 >= t1, "get_time", "rc %ld, %lu then %lu ns", rc, t1, t2);
    expect("hvm_op_bad", xencall2(__HYPERVISOR_hvm_op, 200, XPTR(&v)), -XEN_ENOSYS);
}

/* ----------------------------------------------- console_io, physdev */

static void test_console_io(void)
{
    static const char msg[] = "xenabi: console_io write works\n";
    char buf[16];

    expect("console_write",
           xencall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, XPTR(msg), 0, 0),
           privileged ? 0 : -XEN_EPERM);
    expect("console_write_unmapped",
           xencall(__HYPERVISOR_console_io, CONSOLEIO_write, 64, UNMAPPED, 0, 0),
           privileged ? -XEN_EFAULT : -XEN_EPERM);
    expect("console_read_negative",
           xencall(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000u, XPTR(buf), 0, 0),
           privileged ? -XEN_E2BIG : -XEN_EPERM);
    if (privileged) {
        long rc = xencall(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), XPTR(buf), 0, 0);

        check(rc >= 0 && rc <= (long)sizeof(buf), "console_read", "rc %ld (bytes of input)", rc);
    }
    expect("console_bad_cmd", xencall(__HYPERVISOR_console_io, 7, 0, 0, 0, 0),
           privileged ? -XEN_ENOSYS : -XEN_EPERM);
}

static void test_physdev(void)
{
    uint32_t q[2] = {1, 0};

    expect("physdev_irq_status_query",
           xencall2(__HYPERVISOR_physdev_op, PHYSDEVOP_irq_status_query, XPTR(q)), -XEN_ENOSYS);
    expect("physdev_bad", xencall2(__HYPERVISOR_physdev_op, 1000, 0), -XEN_ENOSYS);
}

/* "peer=N" on the command line: domain N exists (a Hyperlaunch case sets it), else -1. */
static int peer_domain(const struct hvm_start_info *si)
{
    const char *c = si && si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
    int n = -1;

    for (; *c; c++) {
        if ((c[0] != 'p' || c[1] != 'e' || c[2] != 'e' || c[3] != 'r' || c[4] != '=') ||
            c[5] < '0' || c[5] > '9')
            continue;
        for (c += 5, n = 0; *c >= '0' && *c <= '9'; c++)
            n = n * 10 + (*c - '0');
        break;
    }
    return n;
}

/* Another domain: a privileged caller may look at it, others get -EPERM. */
static void test_peer(uint16_t peer)
{
    struct gnttab_query_size q = {peer, 0, 0, 0};
    uint64_t v = 1;
    long rc = memop(XENMEM_current_reservation, &peer);

    info("peer domain %u", peer);
    if (privileged) {
        check(rc > 0, "peer_reservation", "current_reservation(d%u) = %ld", peer, rc);
        rc = hvm_param(false, peer, HVM_PARAM_STORE_PFN, &v);
        check(rc == 0 && v == 0, "peer_param", "get_param(d%u, STORE_PFN): rc %ld value %#lx",
              peer, rc, v);
        rc = gnttab(GNTTABOP_query_size, &q, 1);
        check(rc == 0 && q.status == GNTST_okay && q.max_nr_frames == 64, "peer_gnttab",
              "query_size(d%u): rc %ld status %d", peer, rc, q.status);
        return;
    }
    expect("peer_reservation", rc, -XEN_EPERM);
    expect("peer_param", hvm_param(false, peer, HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
    expect("peer_set_param", hvm_param(true, peer, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EPERM);
    rc = gnttab(GNTTABOP_query_size, &q, 1);
    check(rc == 0 && q.status == -8, "peer_gnttab",
          "query_size(d%u): rc %ld status %d (want GNTST_permission_denied, -8)", peer, rc,
          q.status);
    expect("peer_physmap", add_to_physmap(peer, XENMAPSPACE_shared_info, 0, 0x7000), -XEN_EPERM);
    {
        uint64_t gfn = 2 * GiB >> 12;

        expect("peer_populate", reservation(XENMEM_populate_physmap, &gfn, 1, 0, peer), 0);
    }
}

void test_main(void)
{
    const struct hvm_start_info *si = start_info();

    if (!cpu.xen_base) {
        skip("xenabi", "no Xen CPUID leaves: not running on Xen");
        return;
    }
    /* console_io is for privileged domains only: its answer tells which we are. */
    privileged = xencall(__HYPERVISOR_console_io, CONSOLEIO_write, 0, 0, 0, 0) == 0;
    info("this domain is %s (start info flags %#x)", privileged ? "privileged" : "unprivileged",
         si ? si->flags : 0);
    if (si)
        check(privileged == !!(si->flags & SIF_PRIVILEGED), "privilege_consistent",
              "console_io says %s, SIF_PRIVILEGED is %s", privileged ? "privileged" : "not",
              si->flags & SIF_PRIVILEGED ? "set" : "clear");
    if (peer_domain(si) >= 0)
        test_peer((uint16_t)peer_domain(si));
    test_version();
    test_vm_assist();
    test_memory_map();
    test_reservation_queries();
    test_reservation_hostile();
    test_populate();
    test_remove_from_physmap();
    test_shared_info();
    test_grant_table();
    test_hvm_op();
    test_console_io();
    test_physdev();
}
