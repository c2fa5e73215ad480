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
#include <xen/sched.h>
#include <xen/p2m.h>
#include <asm/page.h>
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
    if (v && hvm_funcs) {
        const struct hvm_gprs *g = &v->hvm.gprs;

        printk("d%uv%u registers:\n", d->domain_id, v->vcpu_id);
        printk("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", (unsigned long)g->rax,
               (unsigned long)g->rbx, (unsigned long)g->rcx, (unsigned long)g->rdx);
        printk("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", (unsigned long)g->rsi,
               (unsigned long)g->rdi, (unsigned long)g->rbp, (unsigned long)g->r8);
        printk("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", (unsigned long)g->r9,
               (unsigned long)g->r10, (unsigned long)g->r11, (unsigned long)g->r12);
        printk("  r13=%016lx r14=%016lx r15=%016lx\n", (unsigned long)g->r13,
               (unsigned long)g->r14, (unsigned long)g->r15);
        hvm_funcs->dump_vcpu(v);
    }
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
    /* Spread the domains' vCPUs over the CPUs; the scheduler moves them as it likes. */
    cpu = (d->domain_id + vcpu_id) % cpumask_weight(&cpu_online_map);
    if (sched_init_vcpu(v, cpu)) {
        hvm_vcpu_destroy(v);
        free_xenheap_pages(v, 0);
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------ memory */

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

static int populate_piece(struct domain *d, uint64_t gfn, unsigned int order)
{
    paddr_t ma = alloc_pages(order);
    uint64_t n = 1ULL << order, i;
    int rc;

    if (ma == INVALID_PADDR)
        return -ENOMEM;
    /* Nothing of a previous owner may reach the guest. */
    for (i = 0; i < n; i++)
        memset(maddr_to_virt(ma + i * PAGE_SIZE), 0, PAGE_SIZE);
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

int domain_populate_ram(struct domain *d, uint64_t gfn, uint64_t nr)
{
    static const unsigned int orders[] = { PAGE_ORDER_1G, PAGE_ORDER_2M, PAGE_ORDER_4K };

    if (d->tot_pages + nr > d->max_pages || d->tot_pages + nr < nr)
        return -E2BIG;
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

int domain_populate_on_demand(struct domain *d, uint64_t gfn, uint64_t nr)
{
    return p2m_set_range(&d->hvm.p2m, gfn, INVALID_MFN, nr, p2m_populate_on_demand, P2M_MT_WB);
}

/* Visit the RAM behind [gpa, gpa + len) page piece by page piece. */
static int gpa_access(struct domain *d, uint64_t gpa, void *buf, const void *src, size_t len)
{
    while (len) {
        p2m_type_t t;
        mfn_t mfn = p2m_get_entry(&d->hvm.p2m, gpa >> PAGE_SHIFT, &t, NULL, NULL);
        size_t off = gpa & (PAGE_SIZE - 1), n = PAGE_SIZE - off;
        uint8_t *p;

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

/* --------------------------------------------------------- destruction */

void domain_destroy(struct domain *d)
{
    struct domain **pp;
    uint64_t pages = d->tot_pages, before = domain_host_free_pages();
    char name[DOMAIN_NAME_LEN];
    unsigned int i, id;

    d->is_dying = true;
    domain_pause_nosync(d);
    /* No timer may wake a vCPU the scheduler no longer knows. */
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vlapic_destroy(d->vcpu[i]);
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        sched_destroy_vcpu(v);
        hvm_vcpu_destroy(v);
        free_xenheap_pages(v, 0);
    }
    sched_destroy_domain(d);
    guest_console_flush(d);

    /* The p2m goes first: no translation to freed frames may remain. */
    hvm_domain_destroy(d);
    while (d->extents) {
        struct domain_extents *x = d->extents;

        for (i = 0; i < x->nr; i++)
            free_pages(x->e[i].ma, x->e[i].order);
        d->extents = x->next;
        free_xenheap_pages(x, 0);
    }

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
