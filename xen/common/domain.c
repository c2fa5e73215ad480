/*
 * Domains: creation and destruction, the domain list, shutdown and crash
 * (deferred destruction from a safe context), vCPU creation, and the RAM
 * a domain owns (allocated in the largest pieces, recorded as extents so
 * that it goes back exactly as it came).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/domain.h>
#include <xen/guest_console.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/p2m.h>
#include <xen/param.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>

/* One page of allocation records. */
#define EXTENTS_PER_PAGE 254
struct domain_extent {
    paddr_t ma;
    unsigned int order;
};
struct domain_extents {
    struct domain_extents *next;
    unsigned int nr;
    struct domain_extent e[EXTENTS_PER_PAGE];
};
BUILD_BUG_ON(sizeof(struct domain_extents) > PAGE_SIZE);

struct domain *domain_list;
static DEFINE_SPINLOCK(domlist_spinlock);
static struct domid_map domid_map;
static struct timer reaper;
static bool reaper_ready;

static const char *const shutdown_reasons[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

void domlist_lock(void)
{
    spin_lock(&domlist_spinlock);
}

void domlist_unlock(void)
{
    spin_unlock(&domlist_spinlock);
}

uint64_t domain_host_free_pages(void)
{
    struct page_alloc_stats st;

    page_alloc_get_stats(&st);
    return st.free_pages;
}

static struct domain *find_locked(domid_t id)
{
    struct domain *d;

    for_each_domain(d)
        if (d->domain_id == id)
            return d;
    return NULL;
}

struct domain *domain_find(domid_t id)
{
    struct domain *d;

    domlist_lock();
    d = find_locked(id);
    if (d && d->is_dying)
        d = NULL;
    domlist_unlock();
    return d;
}

/* ------------------------------------------------------------ reaping */

static void domain_reap(void *unused)
{
    for (;;) {
        struct domain *d, *victim = NULL;

        domlist_lock();
        for_each_domain(d)
            if (d->is_shutting_down && !d->is_dying) {
                victim = d;
                break;
            }
        domlist_unlock();
        if (!victim)
            break;
        domain_destroy(victim);
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (__atomic_exchange_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST))
        return;
    d->shutdown_code = reason;
    guest_console_flush(d);
    printk("Domain %u (%s) shut down: %s\n", d->domain_id, d->name,
           reason < ARRAY_SIZE(shutdown_reasons) ? shutdown_reasons[reason] : "unknown");
    domain_pause_nosync(d);
    /* Destroyed from the timer softirq: never from under one of its own vCPUs. */
    set_timer(&reaper, NOW());
}

void domain_crash(struct domain *d, struct vcpu *v, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    if (d->is_shutting_down)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "d%u (%s): domain crashed: %s\n", d->domain_id, d->name, buf);
    if (v && hvm_funcs)
        hvm_dump_guest(v);
    domain_shutdown(d, 3 /* SHUTDOWN_crash */);
}

/* ---------------------------------------------------------- creation */

struct domain *domain_create(domid_t domid, const struct domain_create_args *args, int *err)
{
    struct domain *d = NULL, *o;
    int rc, id;

    if (!reaper_ready) {
        init_timer(&reaper, domain_reap, NULL, 0);
        reaper_ready = true;
    }
    if (!args->max_vcpus || args->max_vcpus > HVM_MAX_VCPUS ||
        (args->name && domain_name_check(args->name))) {
        rc = -EINVAL;
        goto fail;
    }
    if (!hvm_enabled) {
        rc = -ENODEV;
        goto fail;
    }

    domlist_lock();
    if (domid == DOMID_INVALID)
        id = domid_alloc(&domid_map, 1);
    else
        id = domid_claim(&domid_map, domid);
    if (id >= 0 && domid != DOMID_INVALID)
        id = domid;
    if (id >= 0 && args->name) {
        for_each_domain(o)
            if (!strcmp(o->name, args->name)) {
                domid_release(&domid_map, (unsigned int)id);
                id = -EEXIST;
                break;
            }
    }
    domlist_unlock();
    if (id < 0) {
        rc = id;
        goto fail;
    }

    rc = -ENOMEM;
    d = alloc_xenheap_pages(0);
    if (!d)
        goto fail_id;
    BUILD_BUG_ON(sizeof(*d) > PAGE_SIZE);
    d->domain_id = (domid_t)id;
    if (args->name)
        snprintf(d->name, sizeof(d->name), "%s", args->name);
    else
        snprintf(d->name, sizeof(d->name), "d%d", id);
    if (args->handle)
        memcpy(d->handle, args->handle, sizeof(d->handle));
    d->max_vcpus = args->max_vcpus;
    d->max_pages = args->max_pages;
    d->vcpu = alloc_xenheap_pages(0);
    if (!d->vcpu)
        goto fail_d;
    /* Created paused: the builder unpauses it when it is complete. */
    d->pause_count = 1;

    rc = sched_init_domain(d, CPUPOOL_ID_BOOT);
    if (rc)
        goto fail_vcpus;
    rc = hvm_domain_initialise(d);
    if (rc)
        goto fail_sched;
    rc = evtchn_domain_init(d);
    if (rc) {
        hvm_domain_destroy(d);
        goto fail_sched;
    }

    domlist_lock();
    d->next_in_list = domain_list;
    domain_list = d;
    domlist_unlock();
    return d;

fail_sched:
    sched_destroy_domain(d);
fail_vcpus:
    free_xenheap_pages(d->vcpu, 0);
fail_d:
    free_xenheap_pages(d, 0);
fail_id:
    domlist_lock();
    domid_release(&domid_map, (unsigned int)id);
    domlist_unlock();
fail:
    *err = rc;
    return NULL;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id)
{
    struct vcpu *v;
    unsigned int cpu;

    if (vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id])
        return NULL;
    v = alloc_xenheap_pages(0);
    if (!v)
        return NULL;
    BUILD_BUG_ON(sizeof(*v) > PAGE_SIZE);
    v->vcpu_id = vcpu_id;
    v->domain = d;
    v->run = hvm_vcpu_run;
    if (hvm_vcpu_initialise(v)) {
        free_xenheap_pages(v, 0);
        return NULL;
    }
    vlapic_reset(v);
    if (evtchn_vcpu_init(v)) {
        hvm_vcpu_destroy(v);
        free_xenheap_pages(v, 0);
        return NULL;
    }
    /* Spread the domains' vCPUs over the CPUs; the scheduler moves them as it likes. */
    cpu = (d->domain_id + vcpu_id) % cpumask_weight(&cpu_online_map);
    if (sched_init_vcpu(v, cpu)) {
        evtchn_vcpu_destroy(v);
        hvm_vcpu_destroy(v);
        free_xenheap_pages(v, 0);
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------ memory */

/*
 * Guest RAM is populated lazily by default (common/p2m_pod.c): building a
 * domain only marks its RAM populate-on-demand and claims host memory for
 * it; what the builder writes is backed at once (domain_copy_to_gpa), and
 * the rest on the guest's first touch.  "no-lazy-populate" backs and
 * scrubs everything at build time instead (for comparison).
 * "pod-touch=1G" scrubs a whole dirty GiB at its first touch (one 1 GiB
 * leaf at once) instead of the 2 MiB piece touched.
 */
static bool opt_lazy_populate = true;
boolean_param("lazy-populate", opt_lazy_populate);
static uint64_t opt_pod_touch = MB(2);
size_param("pod-touch", opt_pod_touch);

static int extent_record(struct domain *d, paddr_t ma, unsigned int order)
{
    struct domain_extents *x = d->extents;

    if (!x || x->nr == EXTENTS_PER_PAGE) {
        x = alloc_xenheap_pages(0);
        if (!x)
            return -ENOMEM;
        x->next = d->extents;
        d->extents = x;
    }
    x->e[x->nr].ma = ma;
    x->e[x->nr].order = order;
    x->nr++;
    return 0;
}

static int extent_record_cb(void *arg, paddr_t ma, unsigned int order)
{
    return extent_record(arg, ma, order);
}

static int populate_piece(struct domain *d, uint64_t gfn, unsigned int order)
{
    bool clean;
    paddr_t ma = alloc_pages_ex(order, ALLOC_PREFER_CLEAN, &clean);
    uint64_t n = 1ULL << order;
    int rc;

    if (ma == INVALID_PADDR)
        return -ENOMEM;
    /* Nothing of a previous owner may reach the guest. */
    if (!clean)
        scrub_pages(ma, order);
    rc = extent_record(d, ma, order);
    if (!rc)
        rc = p2m_set_range(&d->hvm.p2m, gfn, ma >> PAGE_SHIFT, n, p2m_ram_rw, P2M_MT_WB);
    if (rc) {
        if (d->extents && d->extents->nr && d->extents->e[d->extents->nr - 1].ma == ma)
            d->extents->nr--;
        free_pages(ma, order);
        return rc;
    }
    d->tot_pages += n;
    return 0;
}

/* Frames the domain is promised but does not have yet. */
static uint64_t pending_pages(struct domain *d)
{
    return __atomic_load_n(&d->hvm.p2m.type_frames[p2m_populate_on_demand], __ATOMIC_RELAXED);
}

/*
 * RAM must fit the guest-physical space: the p2m's 4-level EPT/NPT (48
 * bits) and the width the CPU reports (a guest is told the same width).
 */
static int check_gpa_space(struct domain *d, uint64_t gfn, uint64_t nr)
{
    unsigned int bits = min(d->hvm.p2m.gpa_bits, paddr_bits);
    uint64_t limit = 1ULL << (bits - PAGE_SHIFT);

    if (nr <= limit && gfn <= limit - nr)
        return 0;
    printk(XENLOG_ERR "d%u: RAM up to %#lx is beyond the %u-bit guest-physical space "
           "(CPU physical address width %u, %u-level %s)\n", d->domain_id,
           (unsigned long)((gfn + nr) << PAGE_SHIFT), bits, paddr_bits, d->hvm.p2m.levels,
           d->hvm.p2m.ops->name);
    return -ERANGE;
}

static int populate_eager(struct domain *d, uint64_t gfn, uint64_t nr)
{
    static const unsigned int orders[] = { PAGE_ORDER_1G, PAGE_ORDER_2M, PAGE_ORDER_4K };

    while (nr) {
        unsigned int k;
        int rc = -ENOMEM;

        for (k = 0; k < ARRAY_SIZE(orders); k++) {
            unsigned int order = orders[k];
            uint64_t n = 1ULL << order;

            if ((gfn & (n - 1)) || nr < n)
                continue;
            rc = populate_piece(d, gfn, order);
            if (rc == -ENOMEM)
                continue;       /* try smaller pieces */
            if (!rc) {
                gfn += n;
                nr -= n;
            }
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

int domain_populate_ram(struct domain *d, uint64_t gfn, uint64_t nr)
{
    uint64_t committed = d->tot_pages + pending_pages(d);
    int rc;

    if (committed + nr > d->max_pages || committed + nr < nr)
        return -E2BIG;
    rc = check_gpa_space(d, gfn, nr);
    if (rc)
        return rc;
    if (opt_lazy_populate)
        return domain_populate_on_demand(d, gfn, nr);
    return populate_eager(d, gfn, nr);
}

int domain_populate_on_demand(struct domain *d, uint64_t gfn, uint64_t nr)
{
    int rc = check_gpa_space(d, gfn, nr);

    if (rc)
        return rc;
    d->hvm.p2m.pod.touch_order = opt_pod_touch >= GB(1) ? PAGE_ORDER_1G : PAGE_ORDER_2M;
    rc = p2m_pod_set(&d->hvm.p2m, gfn, nr);
    if (rc == -ENOMEM)
        printk(XENLOG_ERR "d%u: cannot claim %lu MiB of host memory for its RAM\n",
               d->domain_id, (unsigned long)(nr >> 8));
    return rc;
}

int domain_populate_touch(struct domain *d, uint64_t gfn)
{
    struct p2m_pod_touch t;
    uint64_t t0 = rdtsc();
    int rc = p2m_pod_touch(&d->hvm.p2m, gfn, extent_record_cb, d, &t);

    __atomic_add_fetch(&d->tot_pages, t.allocated, __ATOMIC_RELAXED);
    p2m_pod_account(&d->hvm.p2m, &t, rdtsc() - t0);
    return rc;
}

/* Visit the RAM behind [gpa, gpa + len) page piece by page piece, backing it as needed. */
static int gpa_access(struct domain *d, uint64_t gpa, void *buf, const void *src, size_t len)
{
    while (len) {
        p2m_type_t t;
        mfn_t mfn = p2m_get_entry(&d->hvm.p2m, gpa >> PAGE_SHIFT, &t, NULL, NULL);
        size_t off = gpa & (PAGE_SIZE - 1), n = PAGE_SIZE - off;
        uint8_t *p;

        if (t == p2m_populate_on_demand || t == p2m_ram_unscrubbed) {
            if (domain_populate_touch(d, gpa >> PAGE_SHIFT))
                return -EFAULT;
            continue;
        }
        if (n > len)
            n = len;
        if ((t != p2m_ram_rw && t != p2m_ram_ro) || mfn == INVALID_MFN)
            return -EFAULT;
        p = (uint8_t *)maddr_to_virt(((paddr_t)mfn << PAGE_SHIFT) + off);
        if (src) {
            memcpy(p, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memcpy(buf, p, n);
            buf = (uint8_t *)buf + n;
        }
        gpa += n;
        len -= n;
    }
    return 0;
}

int domain_copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return gpa_access(d, gpa, NULL, src, len);
}

int domain_read_gpa(struct domain *d, uint64_t gpa, void *dst, size_t len)
{
    return gpa_access(d, gpa, dst, NULL, len);
}

static uint64_t domain_extent_pages(struct domain *d)
{
    const struct domain_extents *x;
    uint64_t n = 0;

    for (x = d->extents; x; x = x->next)
        n++;
    return n;
}

/*
 * Give a dying domain's RAM back in the chunks it came in (1 GiB where it
 * was allocated so): the allocator marks them dirty, to be scrubbed in the
 * background or when next handed to a guest.  The p2m must be gone.
 */
static void domain_free_ram(struct domain *d)
{
    uint64_t chunks[3] = { 0, 0, 0 };
    unsigned int i;

    p2m_pod_release(&d->hvm.p2m);
    while (d->extents) {
        struct domain_extents *x = d->extents;

        for (i = 0; i < x->nr; i++) {
            free_pages(x->e[i].ma, x->e[i].order);
            chunks[x->e[i].order >= PAGE_ORDER_1G ? 0 : x->e[i].order >= PAGE_ORDER_2M ? 1 : 2]++;
        }
        d->extents = x->next;
        free_xenheap_pages(x, 0);
    }
    printk("d%u: RAM returned as %lu x 1G, %lu x 2M, %lu x 4K chunks (dirty until scrubbed)\n",
           d->domain_id, (unsigned long)chunks[0], (unsigned long)chunks[1],
           (unsigned long)chunks[2]);
}

/* The operator view of one domain's memory (build report, debug key 'm', destruction). */
void domain_memory_report(struct domain *d)
{
    struct page_alloc_stats st;
    struct p2m_stats ps;
    char name[DOMAIN_NAME_LEN + 8];

    snprintf(name, sizeof(name), "d%u (%s)", d->domain_id, d->name);
    p2m_get_stats(&d->hvm.p2m, &ps);
    page_alloc_get_stats(&st);
    printk("%s RAM: %lu MiB populated, %lu MiB pending, max %lu MiB\n", name,
           (unsigned long)(d->tot_pages >> 8), (unsigned long)(pending_pages(d) >> 8),
           (unsigned long)(d->max_pages >> 8));
    p2m_dump(&d->hvm.p2m, name);
    p2m_pod_dump(&d->hvm.p2m, name);
    printk("%s metadata: p2m tables %lu KiB, allocation records %lu KiB (host allocator %lu KiB)\n",
           name, (unsigned long)(ps.meta_bytes >> 10),
           (unsigned long)(domain_extent_pages(d) << 2), (unsigned long)(st.meta_bytes >> 10));
}

void domain_memory_report_all(void)
{
    struct page_alloc_stats st;
    struct domain *d;

    page_alloc_get_stats(&st);
    printk("Scrubbing: %lu MiB free and clean (pool %lu MiB), %lu GiB scrubbed in the "
           "background; %lu MiB claimed for lazy RAM\n", (unsigned long)(st.clean_pages >> 8),
           (unsigned long)(st.scrub_pool_pages >> 8), (unsigned long)st.scrubbed_1g,
           (unsigned long)(st.claimed_pages >> 8));
    domlist_lock();
    for_each_domain(d)
        if (!d->is_dying)
            domain_memory_report(d);
    domlist_unlock();
}

/* --------------------------------------------------------- destruction */

void domain_destroy(struct domain *d)
{
    struct domain **pp;
    uint64_t pages = d->tot_pages, before = domain_host_free_pages();
    char name[DOMAIN_NAME_LEN];
    char cpus[64];
    unsigned int i, id;

    d->is_dying = true;
    domain_pause_nosync(d);
    /* No timer may wake a vCPU the scheduler no longer knows. */
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vlapic_destroy(d->vcpu[i]);
    evtchn_domain_destroy(d);
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        sched_destroy_vcpu(v);
        /* Where it ran: operators (and tests) check this against its pinning. */
        printk("d%u vCPU%u ran on CPUs %s\n", d->domain_id, v->vcpu_id,
               cpumask_empty(&v->ran_on) ? "none"
                                         : cpumask_format_list(&v->ran_on, cpus, sizeof(cpus)));
        hvm_vcpu_destroy(v);
        free_xenheap_pages(v, 0);
    }
    sched_destroy_domain(d);
    guest_console_ring_destroy(d);
    guest_console_flush(d);

    /* The p2m goes first: no translation to freed frames may remain. */
    domain_memory_report(d);
    hvm_domain_destroy(d);
    grant_table_destroy(d);
    domain_abi_destroy(d);
    domain_free_ram(d);

    domlist_lock();
    for (pp = &domain_list; *pp; pp = &(*pp)->next_in_list)
        if (*pp == d) {
            *pp = d->next_in_list;
            break;
        }
    domid_release(&domid_map, d->domain_id);
    domlist_unlock();

    id = d->domain_id;
    snprintf(name, sizeof(name), "%s", d->name);
    free_xenheap_pages(d->vcpu, 0);
    free_xenheap_pages(d, 0);
    printk("Domain %u (%s) destroyed: %lu pages of RAM returned; host free pages %lu -> %lu\n",
           id, name, (unsigned long)pages, (unsigned long)before,
           (unsigned long)domain_host_free_pages());
}
