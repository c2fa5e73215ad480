/*
 * CPU pools: each pool owns one scheduler instance and a set of CPUs; a
 * CPU is in at most one pool, a domain in exactly one, and a domain's
 * vCPUs run only on its pool's CPUs.  Pool 0 is made at boot with the
 * sched= scheduler and gets every CPU as it comes up; Hyperlaunch moves
 * CPUs from it into pools of their own ("xen,cpupool").
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/sched-if.h>

/* Every scheduler there is; sched= and cpupool-sched name one of them. */
static const struct scheduler_ops *const sched_table[] = {
    &sched_credit_ops,
    &sched_null_ops,
};

/* Serialises pool configuration; taken before any scheduler lock. */
static DEFINE_SPINLOCK(cpupool_lock);
static struct cpupool *cpupool_list;        /* by increasing id */
/*
 * Destroyed pools are kept for reuse, never freed: a CPU or vCPU lock
 * path may still be spinning on the lock of a pool that just went away.
 */
static struct cpupool *cpupool_spare;

const struct scheduler_ops *sched_find_ops(const char *name)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(sched_table); i++)
        if (!strcmp(sched_table[i]->name, name))
            return sched_table[i];
    return NULL;
}

const char *sched_name_at(unsigned int i)
{
    return i < ARRAY_SIZE(sched_table) ? sched_table[i]->name : NULL;
}

/* Pool lookup; the caller holds cpupool_lock. */
struct cpupool *cpupool_find(unsigned int poolid)
{
    struct cpupool *c;

    for (c = cpupool_list; c && c->id <= poolid; c = c->next)
        if (c->id == poolid)
            return c;
    return NULL;
}

static int cpupool_create_locked(unsigned int poolid, const struct scheduler_ops *ops)
{
    struct cpupool **pp, *c;
    int rc;

    for (pp = &cpupool_list; *pp && (*pp)->id < poolid; pp = &(*pp)->next)
        ;
    if (*pp && (*pp)->id == poolid)
        return -EEXIST;
    if (cpupool_spare) {
        c = cpupool_spare;
        cpupool_spare = c->next;
    } else {
        c = sched_alloc(sizeof(*c));    /* zeroed: its lock starts unlocked */
        if (!c)
            return -ENOMEM;
    }
    c->id = poolid;
    c->n_dom = 0;
    c->domains = NULL;
    c->sched.ops = ops;
    c->sched.priv = NULL;
    c->sched.pool = c;
    cpumask_clear(&c->sched.cpus);
    rc = ops->init(&c->sched);
    if (rc) {
        c->next = cpupool_spare;
        cpupool_spare = c;
        return rc;
    }
    c->next = *pp;
    *pp = c;
    return 0;
}

int cpupool_create(unsigned int poolid, const char *sched_name)
{
    const struct scheduler_ops *ops = sched_find_ops(sched_name);
    int rc;

    if (!ops)
        return -EINVAL;
    spin_lock(&cpupool_lock);
    rc = cpupool_create_locked(poolid, ops);
    spin_unlock(&cpupool_lock);
    return rc;
}

int cpupool_init(const char *sched_name)
{
    return cpupool_create(CPUPOOL_ID_BOOT, sched_name);
}

int cpupool_destroy(unsigned int poolid)
{
    struct cpupool **pp, *c;
    int rc = 0;

    spin_lock(&cpupool_lock);
    for (pp = &cpupool_list; *pp && (*pp)->id != poolid; pp = &(*pp)->next)
        ;
    c = *pp;
    if (!c)
        rc = -ENOENT;
    else if (poolid == CPUPOOL_ID_BOOT || c->n_dom || !cpumask_empty(&c->sched.cpus))
        rc = -EBUSY;
    if (!rc) {
        *pp = c->next;
        c->sched.ops->deinit(&c->sched);
        c->sched.priv = NULL;
        c->next = cpupool_spare;
        cpupool_spare = c;
    }
    spin_unlock(&cpupool_lock);
    return rc;
}

int cpupool_get_cpus(unsigned int poolid, cpumask_t *cpus)
{
    struct cpupool *c;
    int rc = -ENOENT;

    spin_lock(&cpupool_lock);
    c = cpupool_find(poolid);
    if (c) {
        spin_lock(&c->sched.lock);
        *cpus = c->sched.cpus;
        spin_unlock(&c->sched.lock);
        rc = 0;
    }
    spin_unlock(&cpupool_lock);
    return rc;
}

int cpupool_assign_cpu(unsigned int poolid, unsigned int cpu)
{
    struct sched_pcpu *sr;
    struct scheduler *s;
    struct cpupool *c;
    void *pdata;
    int rc = 0;

    if (cpu >= NR_CPUS || !sched_pcpu[cpu].up)
        return -EINVAL;
    sr = &sched_pcpu[cpu];
    spin_lock(&cpupool_lock);
    c = cpupool_find(poolid);
    if (!c) {
        rc = -ENOENT;
        goto out;
    }
    if (sr->pool) {
        rc = -EBUSY;                /* already in a pool: unassign it first */
        goto out;
    }
    s = &c->sched;
    pdata = s->ops->alloc_pdata(s, cpu);
    if (!pdata) {
        rc = -ENOMEM;
        goto out;
    }
    spin_lock(&s->lock);
    sr->sched_priv = pdata;
    cpumask_set_cpu(cpu, &s->cpus);
    sr->pool = c;
    s->ops->add_cpu(s, cpu);
    spin_unlock(&s->lock);
    sched_tickle(cpu);
 out:
    spin_unlock(&cpupool_lock);
    return rc;
}

/* Can cpu leave c?  Called with c's scheduler lock held. */
static int cpupool_cpu_removable(struct cpupool *c, unsigned int cpu)
{
    struct scheduler *s = &c->sched;
    const struct domain *d;
    cpumask_t rest;
    unsigned int i;

    if (c->n_dom && cpumask_weight(&s->cpus) == 1)
        return -EBUSY;              /* its domains would have nowhere to run */
    if (!s->ops->can_remove_cpu(s, cpu))
        return -EBUSY;
    rest = s->cpus;
    cpumask_clear_cpu(cpu, &rest);
    for (d = c->domains; d; d = d->next_in_pool)
        for (i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i] && !cpumask_intersects(&d->vcpu[i]->cpu_hard_affinity, &rest))
                return -EBUSY;      /* would break a vCPU's pinning */
    return 0;
}

int cpupool_unassign_cpu(unsigned int poolid, unsigned int cpu)
{
    struct sched_pcpu *sr;
    struct scheduler *s;
    struct cpupool *c;
    void *pdata;
    int rc;

    if (cpu >= NR_CPUS)
        return -EINVAL;
    sr = &sched_pcpu[cpu];
    spin_lock(&cpupool_lock);
    c = cpupool_find(poolid);
    if (!c || sr->pool != c) {
        rc = c ? -EINVAL : -ENOENT;
        goto out;
    }
    s = &c->sched;
    spin_lock(&s->lock);
    rc = cpupool_cpu_removable(c, cpu);
    if (!rc)
        cpumask_clear_cpu(cpu, &s->cpus);   /* nothing new is placed there */
    spin_unlock(&s->lock);
    if (rc)
        goto out;

    /* Let the CPU deschedule what it runs; its scheduler now gives it idle. */
    sched_tickle(cpu);
    sched_wait_cpu_idle(cpu);

    spin_lock(&s->lock);
    pdata = s->ops->remove_cpu(s, cpu);
    sr->pool = NULL;
    sr->sched_priv = NULL;
    spin_unlock(&s->lock);
    s->ops->free_pdata(s, pdata);
 out:
    spin_unlock(&cpupool_lock);
    return rc;
}

static void cpupool_link_domain(struct cpupool *c, struct domain *d)
{
    d->next_in_pool = c->domains;
    c->domains = d;
    c->n_dom++;
}

static void cpupool_unlink_domain(struct cpupool *c, struct domain *d)
{
    struct domain **pp;

    for (pp = &c->domains; *pp; pp = &(*pp)->next_in_pool) {
        if (*pp == d) {
            *pp = d->next_in_pool;
            d->next_in_pool = NULL;
            c->n_dom--;
            return;
        }
    }
    BUG();
}

int sched_init_domain(struct domain *d, unsigned int poolid)
{
    struct scheduler *s;
    struct cpupool *c;
    void *ddata = NULL;
    int rc = 0;

    spin_lock(&cpupool_lock);
    c = cpupool_find(poolid);
    if (!c) {
        rc = -ENOENT;
        goto out;
    }
    s = &c->sched;
    if (cpumask_empty(&s->cpus)) {
        rc = -EINVAL;               /* a pool without CPUs could not run it */
        goto out;
    }
    if (s->ops->alloc_ddata) {
        ddata = s->ops->alloc_ddata(s, d);
        if (!ddata) {
            rc = -ENOMEM;
            goto out;
        }
    }
    spin_lock(&s->lock);
    d->sched_priv = ddata;
    d->cpupool = c;
    cpupool_link_domain(c, d);
    spin_unlock(&s->lock);
 out:
    spin_unlock(&cpupool_lock);
    return rc;
}

void sched_destroy_domain(struct domain *d)
{
    struct cpupool *c;
    struct scheduler *s;
    void *ddata;
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++)
        BUG_ON(d->vcpu[i]);
    spin_lock(&cpupool_lock);
    c = d->cpupool;
    s = &c->sched;
    spin_lock(&s->lock);
    cpupool_unlink_domain(c, d);
    ddata = d->sched_priv;
    d->sched_priv = NULL;
    spin_unlock(&s->lock);
    if (s->ops->free_ddata)
        s->ops->free_ddata(s, ddata);
    d->cpupool = NULL;
    spin_unlock(&cpupool_lock);
}

/* Per-vCPU data for the destination scheduler, made before anything moves. */
static int cpupool_alloc_move_data(struct scheduler *ns, struct domain *d, void **ddata,
                                   void **vdata)
{
    unsigned int i;

    *ddata = NULL;
    if (ns->ops->alloc_ddata) {
        *ddata = ns->ops->alloc_ddata(ns, d);
        if (!*ddata)
            return -ENOMEM;
    }
    for (i = 0; i < d->max_vcpus; i++) {
        if (!d->vcpu[i])
            continue;
        vdata[i] = ns->ops->alloc_vdata(ns, d->vcpu[i], *ddata);
        if (!vdata[i])
            return -ENOMEM;
    }
    return 0;
}

/* Frees what the scheduler `s` allocated for d: after a move or a failed one. */
static void cpupool_free_move_data(struct scheduler *s, struct domain *d, void *ddata,
                                   void **vdata)
{
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++)
        if (vdata[i])
            s->ops->free_vdata(s, vdata[i]);
    if (ddata && s->ops->free_ddata)
        s->ops->free_ddata(s, ddata);
}

/* Both schedulers' locks, in pool id order. */
static void cpupool_lock_two(struct cpupool *a, struct cpupool *b)
{
    if (a->id > b->id) {
        struct cpupool *t = a;

        a = b;
        b = t;
    }
    spin_lock(&a->sched.lock);
    spin_lock(&b->sched.lock);
}

/* Take every vCPU of the paused domain d from os and give it to ns. */
static void cpupool_switch_domain(struct domain *d, struct cpupool *oldc, struct cpupool *newc,
                                  void **ddata, void **vdata)
{
    struct scheduler *os = &oldc->sched, *ns = &newc->sched;
    unsigned int i;
    void *t;

    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            sched_remove_vcpu(os, d->vcpu[i]);
    t = d->sched_priv;
    d->sched_priv = *ddata;
    *ddata = t;
    d->cpupool = newc;
    cpupool_unlink_domain(oldc, d);
    cpupool_link_domain(newc, d);
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        cpumask_t m;

        if (!v)
            continue;
        if (!cpumask_intersects(&v->cpu_hard_affinity, &ns->cpus)) {
            printk(XENLOG_WARNING "cpupool: d%u v%u pinned outside pool %u: pinning reset\n",
                   d->domain_id, v->vcpu_id, newc->id);
            cpumask_setall(&v->cpu_hard_affinity);
        }
        sched_vcpu_hard_mask(ns, v, &m);
        if (!cpumask_test_cpu(v->processor, &m))
            v->processor = cpumask_first(&m);
        t = v->sched_priv;
        v->sched_priv = vdata[i];
        vdata[i] = t;
        sched_insert_vcpu(ns, v);
    }
}

int cpupool_move_domain(struct domain *d, unsigned int poolid)
{
    struct cpupool *oldc, *newc;
    void **vdata = NULL, *ddata = NULL;
    size_t vdata_size = d->max_vcpus * sizeof(*vdata);
    int rc = 0;

    spin_lock(&cpupool_lock);
    newc = cpupool_find(poolid);
    oldc = d->cpupool;
    if (!newc || !oldc) {
        rc = newc ? -EINVAL : -ENOENT;
        goto out;
    }
    if (newc == oldc)
        goto out;
    if (cpumask_empty(&newc->sched.cpus)) {
        rc = -EINVAL;
        goto out;
    }
    vdata = sched_alloc(vdata_size);
    if (!vdata) {
        rc = -ENOMEM;
        goto out;
    }
    rc = cpupool_alloc_move_data(&newc->sched, d, &ddata, vdata);
    if (rc) {
        cpupool_free_move_data(&newc->sched, d, ddata, vdata);
        goto out;
    }

    domain_pause(d);
    cpupool_lock_two(oldc, newc);
    cpupool_switch_domain(d, oldc, newc, &ddata, vdata);
    spin_unlock(&newc->sched.lock);
    spin_unlock(&oldc->sched.lock);
    /* ddata and vdata now hold the old scheduler's data. */
    cpupool_free_move_data(&oldc->sched, d, ddata, vdata);
    domain_unpause(d);
 out:
    sched_free(vdata, vdata_size);
    spin_unlock(&cpupool_lock);
    return rc;
}

/* ---------------------------------------------------------------- dumps */

/* One pool, its scheduler lock held. */
static void cpupool_dump_pool(struct cpupool *c)
{
    struct scheduler *s = &c->sched;
    char cpus[64], name[SCHED_VCPU_STR_LEN];
    unsigned int cpu;

    printk("CPU pool %u: scheduler %s, CPUs %s, %u domain(s)\n", c->id, s->ops->name,
           cpumask_empty(&s->cpus) ? "none" : cpumask_format_list(&s->cpus, cpus, sizeof(cpus)),
           c->n_dom);
    if (s->ops->dump_runq)
        s->ops->dump_runq(s);
    for_each_cpu(cpu, &s->cpus) {
        const struct sched_pcpu *sr = &sched_pcpu[cpu];

        printk("  CPU%u: current %s, %lu switches\n", cpu,
               sched_vcpu_str(sr->curr, name, sizeof(name)), sr->nr_switches);
        if (s->ops->dump_cpu)
            s->ops->dump_cpu(s, cpu);
    }
}

void cpupool_dump_runqs(unsigned char key)
{
    cpumask_t pooled, rest;
    struct cpupool *c;
    char cpus[64];

    if (!keyhandler_trylock(&cpupool_lock)) {
        printk("CPU pools: (busy)\n");
        return;
    }
    cpumask_clear(&pooled);
    for (c = cpupool_list; c; c = c->next) {
        /* Changes only under cpupool_lock: readable without the pool's own. */
        cpumask_or(&pooled, &pooled, &c->sched.cpus);
        if (!keyhandler_trylock(&c->sched.lock)) {
            printk("CPU pool %u: (busy)\n", c->id);
            continue;
        }
        cpupool_dump_pool(c);
        spin_unlock(&c->sched.lock);
    }
    spin_unlock(&cpupool_lock);
    cpumask_andnot(&rest, &cpu_online_map, &pooled);
    if (!cpumask_empty(&rest))
        printk("CPUs in no pool (idle): %s\n", cpumask_format_list(&rest, cpus, sizeof(cpus)));
}

int cpupool_for_each_domain(void (*fn)(struct domain *d, void *arg), void *arg)
{
    struct cpupool *c;
    struct domain *d;

    if (!keyhandler_trylock(&cpupool_lock))
        return -EBUSY;
    for (c = cpupool_list; c; c = c->next)
        for (d = c->domains; d; d = d->next_in_pool)
            fn(d, arg);
    spin_unlock(&cpupool_lock);
    return 0;
}
