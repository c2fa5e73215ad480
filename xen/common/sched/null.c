/*
 * The null scheduler: every vCPU is given one pCPU of its hard affinity
 * (one of its soft affinity if it can) for as long as it exists, and that
 * pCPU runs nothing else: no time slices, no queues, no migration.  A vCPU
 * that finds no free pCPU it may use waits, first come first served, for
 * the next one freed.  Meant for static partitioning (Hyperlaunch pools).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched-if.h>

struct null_vcpu {
    struct sched_list wait_link;    /* on the waiting list when it has no pCPU */
    struct vcpu *vcpu;
};

struct null_pcpu {
    struct vcpu *assigned;
};

struct null_priv {
    struct sched_list waitq;
};

static inline struct null_priv *null_priv(const struct scheduler *s)
{
    return s->priv;
}
static inline struct null_pcpu *null_pcpu(unsigned int cpu)
{
    return sched_cpu_priv(cpu);
}
static inline struct null_vcpu *null_vcpu(const struct vcpu *v)
{
    return v->sched_priv;
}

static bool null_is_waiting(const struct null_vcpu *nv)
{
    return sched_list_linked(&nv->wait_link);
}

static bool null_cpu_is_free(const struct scheduler *s, unsigned int cpu)
{
    return cpumask_test_cpu(cpu, &s->cpus) && !null_pcpu(cpu)->assigned;
}

/* A free CPU of mask: `prefer` if it is one, else the lowest; NR_CPUS if none. */
static unsigned int null_free_cpu_in(const struct scheduler *s, const cpumask_t *mask,
                                     unsigned int prefer)
{
    unsigned int cpu;

    if (cpumask_test_cpu(prefer, mask) && null_cpu_is_free(s, prefer))
        return prefer;
    for_each_cpu(cpu, mask)
        if (null_cpu_is_free(s, cpu))
            return cpu;
    return NR_CPUS;
}

static unsigned int null_pick_free_cpu(const struct scheduler *s, const struct vcpu *v)
{
    cpumask_t hard, soft;
    unsigned int cpu;

    if (sched_vcpu_soft_mask(s, v, &soft)) {
        cpu = null_free_cpu_in(s, &soft, v->processor);
        if (cpu != NR_CPUS)
            return cpu;
    }
    sched_vcpu_hard_mask(s, v, &hard);
    return null_free_cpu_in(s, &hard, v->processor);
}

static void null_assign(struct vcpu *v, unsigned int cpu)
{
    null_pcpu(cpu)->assigned = v;
    v->processor = cpu;
    sched_tickle(cpu);
}

/* Give v a free pCPU, or put it on the waiting list. */
static void null_place(struct scheduler *s, struct null_vcpu *nv)
{
    struct vcpu *v = nv->vcpu;
    unsigned int cpu = null_pick_free_cpu(s, v);

    if (cpu != NR_CPUS) {
        null_assign(v, cpu);
        return;
    }
    sched_list_insert_before(&nv->wait_link, &null_priv(s)->waitq);
    printk(XENLOG_WARNING "sched null: d%u v%u: no free CPU it may use, waiting\n",
           v->domain->domain_id, v->vcpu_id);
}

/* cpu has no vCPU: give it to the longest-waiting vCPU that may use it. */
static void null_cpu_freed(struct scheduler *s, unsigned int cpu)
{
    struct sched_list *pos;

    if (!null_cpu_is_free(s, cpu))
        return;
    sched_list_for_each(pos, &null_priv(s)->waitq) {
        struct null_vcpu *nv = sched_list_entry(pos, struct null_vcpu, wait_link);

        if (sched_vcpu_may_run_on(s, nv->vcpu, cpu)) {
            sched_list_del(&nv->wait_link);
            null_assign(nv->vcpu, cpu);
            printk(XENLOG_INFO "sched null: d%u v%u: got CPU %u\n",
                   nv->vcpu->domain->domain_id, nv->vcpu->vcpu_id, cpu);
            return;
        }
    }
}

/* Take v's pCPU away from it; returns that CPU, or NR_CPUS if it had none. */
static unsigned int null_unassign(struct null_vcpu *nv)
{
    unsigned int cpu = nv->vcpu->processor;

    if (null_is_waiting(nv)) {
        sched_list_del(&nv->wait_link);
        return NR_CPUS;
    }
    if (null_pcpu(cpu)->assigned != nv->vcpu)
        return NR_CPUS;
    null_pcpu(cpu)->assigned = NULL;
    return cpu;
}

static struct sched_decision null_do_schedule(struct scheduler *s, unsigned int cpu,
                                              struct vcpu *prev, s_time_t now)
{
    struct sched_decision d = { .next = sched_pcpu[cpu].idle, .slice = 0 };
    struct vcpu *v;

    if (!cpumask_test_cpu(cpu, &s->cpus))
        return d;                   /* leaving the pool */
    null_cpu_freed(s, cpu);
    v = null_pcpu(cpu)->assigned;
    /* After a pinning change it may still be running where it was: wait for it. */
    if (v && vcpu_runnable(v) && (v == prev || !v->is_running))
        d.next = v;
    return d;
}

static void *null_alloc_vdata(struct scheduler *s, struct vcpu *v, void *ddata)
{
    struct null_vcpu *nv = sched_alloc(sizeof(*nv));

    if (!nv)
        return NULL;
    sched_list_init(&nv->wait_link);
    nv->vcpu = v;
    return nv;
}

static void null_free_vdata(struct scheduler *s, void *vdata)
{
    sched_free(vdata, sizeof(struct null_vcpu));
}

static void null_insert_vcpu(struct scheduler *s, struct vcpu *v)
{
    null_place(s, null_vcpu(v));
}

static void null_remove_vcpu(struct scheduler *s, struct vcpu *v)
{
    unsigned int cpu = null_unassign(null_vcpu(v));

    if (cpu != NR_CPUS)
        null_cpu_freed(s, cpu);
}

static void null_wake(struct scheduler *s, struct vcpu *v)
{
    if (!null_is_waiting(null_vcpu(v)))
        sched_tickle(v->processor);
}

static void null_sleep(struct scheduler *s, struct vcpu *v)
{
    /* Its pCPU stays reserved for it; the core stops it if it runs. */
}

static void null_yield(struct scheduler *s, struct vcpu *v)
{
    /* Nobody else may use its pCPU. */
}

static void null_affinity_changed(struct scheduler *s, struct vcpu *v)
{
    struct null_vcpu *nv = null_vcpu(v);
    unsigned int old;

    if (null_is_waiting(nv)) {
        unsigned int cpu = null_pick_free_cpu(s, v);

        if (cpu != NR_CPUS) {
            sched_list_del(&nv->wait_link);
            null_assign(v, cpu);
        }
        return;
    }
    if (sched_vcpu_may_run_on(s, v, v->processor))
        return;
    old = null_unassign(nv);
    null_place(s, nv);
    if (old != NR_CPUS) {
        sched_tickle(old);
        null_cpu_freed(s, old);
    }
}

static void null_dump_runq(struct scheduler *s)
{
    struct sched_list *pos;
    unsigned int n = 0;

    sched_list_for_each(pos, &null_priv(s)->waitq)
        n++;
    printk("  null: %u vCPU(s) waiting for a free CPU\n", n);
    sched_list_for_each(pos, &null_priv(s)->waitq) {
        struct null_vcpu *nv = sched_list_entry(pos, struct null_vcpu, wait_link);
        char name[SCHED_VCPU_STR_LEN];

        printk("    waiting: %s\n", sched_vcpu_str(nv->vcpu, name, sizeof(name)));
    }
}

static void null_dump_cpu(struct scheduler *s, unsigned int cpu)
{
    const struct vcpu *v = null_pcpu(cpu)->assigned;
    char name[SCHED_VCPU_STR_LEN];

    if (v)
        printk("    assigned to %s (%s)\n", sched_vcpu_str(v, name, sizeof(name)),
               vcpu_runnable(v) ? "runnable" : "not runnable");
    else
        printk("    free\n");
}

static void *null_alloc_pdata(struct scheduler *s, unsigned int cpu)
{
    return sched_alloc(sizeof(struct null_pcpu));
}

static void null_free_pdata(struct scheduler *s, void *pdata)
{
    sched_free(pdata, sizeof(struct null_pcpu));
}

static void null_add_cpu(struct scheduler *s, unsigned int cpu)
{
    null_cpu_freed(s, cpu);
}

/* A pCPU given to a vCPU stays with it: it cannot leave the pool. */
static bool null_can_remove_cpu(struct scheduler *s, unsigned int cpu)
{
    return !null_pcpu(cpu)->assigned;
}

static void *null_remove_cpu(struct scheduler *s, unsigned int cpu)
{
    return null_pcpu(cpu);
}

static int null_init(struct scheduler *s)
{
    struct null_priv *priv = sched_alloc(sizeof(*priv));

    if (!priv)
        return -ENOMEM;
    sched_list_init(&priv->waitq);
    s->priv = priv;
    return 0;
}

static void null_deinit(struct scheduler *s)
{
    sched_free(s->priv, sizeof(struct null_priv));
    s->priv = NULL;
}

const struct scheduler_ops sched_null_ops = {
    .name = "null",
    .sched_id = SCHED_ID_NULL,
    .init = null_init,
    .deinit = null_deinit,
    .alloc_pdata = null_alloc_pdata,
    .free_pdata = null_free_pdata,
    .add_cpu = null_add_cpu,
    .can_remove_cpu = null_can_remove_cpu,
    .remove_cpu = null_remove_cpu,
    .alloc_vdata = null_alloc_vdata,
    .free_vdata = null_free_vdata,
    .insert_vcpu = null_insert_vcpu,
    .remove_vcpu = null_remove_vcpu,
    .wake = null_wake,
    .sleep = null_sleep,
    .yield = null_yield,
    .affinity_changed = null_affinity_changed,
    .do_schedule = null_do_schedule,
    .dump_runq = null_dump_runq,
    .dump_cpu = null_dump_cpu,
};
