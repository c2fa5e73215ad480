/*
 * The credit scheduler: fair time-sharing of a pool's CPUs by domain
 * weight, with optional caps.
 *
 * Credit is CPU time in nanoseconds.  Running burns it one for one.  When
 * a CPU of the pool schedules and CSCHED_REFILL_PERIOD has passed since
 * the last refill, the time elapsed on all the pool's CPUs is handed out
 * to the domains that want CPU time, in proportion to their weights; a
 * domain's share is split evenly among its active vCPUs, no vCPU gets more
 * than one CPU's worth, and a capped domain no more than its cap.
 *
 * A vCPU with credit left is UNDER, one in debt is OVER; a vCPU that wakes
 * up with credit is BOOSTed until it is first charged, which keeps latency
 * low for vCPUs that mostly wait.  Each CPU has a run queue sorted by
 * priority, first-in first-out within a priority, so equals take turns of
 * one time slice; a vCPU that yields lets the next one in its queue go
 * first.  A capped vCPU in debt is parked off the queues until a refill
 * pays its debt.  A CPU that would otherwise run idle or an OVER vCPU takes
 * the best vCPU of higher priority queued on a busy peer that may run on
 * it, preferring one whose soft affinity includes it.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/sched-if.h>

#define CSCHED_DEFAULT_WEIGHT    256
#define CSCHED_MAX_WEIGHT        65535
#define CSCHED_DEFAULT_TSLICE_MS 30
#define CSCHED_MIN_TSLICE_MS     1
#define CSCHED_MAX_TSLICE_MS     1000
#define CSCHED_REFILL_PERIOD     MILLISECS(10)
/* Longer gaps between refills (an idle pool) pay no more than this. */
#define CSCHED_MAX_REFILL_WINDOW SECONDS(1)
/* The shortest slice a capped vCPU gets, and the shortest idle wait. */
#define CSCHED_MIN_SLICE         MICROSECS(100)
#define CSCHED_NOT_QUEUED        NR_CPUS

static unsigned int opt_credit_tslice_ms = CSCHED_DEFAULT_TSLICE_MS;
integer_param("sched_credit_tslice_ms", opt_credit_tslice_ms);

enum csched_pri {
    CSCHED_PRI_IDLE,            /* only for comparing with an idle CPU */
    CSCHED_PRI_OVER,
    CSCHED_PRI_UNDER,
    CSCHED_PRI_BOOST,
};

struct csched_dom {
    unsigned int weight;
    unsigned int cap;           /* percent of one CPU; 0 = none */
    unsigned int max_vcpus;
    unsigned int nr_active;     /* refill scratch: its vCPUs that want CPU time */
};

struct csched_vcpu {
    struct sched_list q_link;   /* on a run queue, or on the parked list */
    struct sched_list all_link; /* on the instance's list of all its vCPUs */
    struct vcpu *vcpu;
    struct csched_dom *dom;
    s_time_t credit;
    s_time_t start;             /* burned up to here */
    int pri;
    unsigned int queued_on;     /* the CPU whose queue holds it, or CSCHED_NOT_QUEUED */
    bool parked;
    bool yielding;              /* gives way at its next deschedule */
};

struct csched_pcpu {
    struct sched_list runq;
    unsigned int nr_queued;
};

struct csched_priv {
    struct sched_list all;
    struct sched_list parked;
    s_time_t tslice;
    s_time_t last_refill;
};

static inline struct csched_priv *csched_priv(const struct scheduler *s)
{
    return s->priv;
}
static inline struct csched_pcpu *csched_pcpu(unsigned int cpu)
{
    return sched_cpu_priv(cpu);
}
static inline struct csched_vcpu *csched_vcpu(const struct vcpu *v)
{
    return v->sched_priv;
}
static inline struct csched_vcpu *csched_runq_entry(struct sched_list *l)
{
    return sched_list_entry(l, struct csched_vcpu, q_link);
}

/* --------------------------------------------------------- run queues */

/* At the tail of its priority: behind its equals, ahead of lower ones. */
static void csched_runq_insert(struct csched_vcpu *svc, unsigned int cpu)
{
    struct csched_pcpu *pc = csched_pcpu(cpu);
    struct sched_list *pos;

    BUG_ON(svc->queued_on != CSCHED_NOT_QUEUED || svc->parked);
    sched_list_for_each(pos, &pc->runq)
        if (csched_runq_entry(pos)->pri < svc->pri)
            break;
    sched_list_insert_before(&svc->q_link, pos);
    svc->queued_on = cpu;
    pc->nr_queued++;
}

static void csched_runq_remove(struct csched_vcpu *svc)
{
    sched_list_del(&svc->q_link);
    csched_pcpu(svc->queued_on)->nr_queued--;
    svc->queued_on = CSCHED_NOT_QUEUED;
}

static struct csched_vcpu *csched_runq_first(unsigned int cpu)
{
    struct csched_pcpu *pc = csched_pcpu(cpu);

    return sched_list_empty(&pc->runq) ? NULL : csched_runq_entry(pc->runq.next);
}

static void csched_park(struct csched_priv *priv, struct csched_vcpu *svc)
{
    sched_list_insert_before(&svc->q_link, &priv->parked);
    svc->parked = true;
}

static void csched_unpark(struct csched_vcpu *svc)
{
    sched_list_del(&svc->q_link);
    svc->parked = false;
}

/* ---------------------------------------------------- credit, priority */

static int csched_credit_pri(const struct csched_vcpu *svc)
{
    return svc->credit >= 0 ? CSCHED_PRI_UNDER : CSCHED_PRI_OVER;
}

static bool csched_is_capped_out(const struct csched_vcpu *svc)
{
    return svc->dom->cap && svc->credit <= 0;
}

static void csched_burn(const struct csched_priv *priv, struct csched_vcpu *svc, s_time_t now)
{
    s_time_t ran = now - svc->start;

    if (ran > 0)
        svc->credit -= ran;
    svc->start = now;
    /* A debt floor: a vCPU that ran alone for long is not starved later for it. */
    if (svc->credit < -priv->tslice)
        svc->credit = -priv->tslice;
}

/* Priority from credit (a boost stays until the vCPU is descheduled); requeue if it moved. */
static void csched_update_pri(struct csched_vcpu *svc)
{
    int pri = csched_credit_pri(svc);
    unsigned int cpu = svc->queued_on;

    if (svc->pri == CSCHED_PRI_BOOST || svc->pri == pri)
        return;
    svc->pri = pri;
    if (cpu != CSCHED_NOT_QUEUED) {
        csched_runq_remove(svc);
        csched_runq_insert(svc, cpu);
    }
}

static int csched_cpu_pri(unsigned int cpu)
{
    struct vcpu *curr = sched_cpu_curr(cpu);

    return is_idle_vcpu(curr) ? CSCHED_PRI_IDLE : csched_vcpu(curr)->pri;
}

static s_time_t csched_slice(const struct csched_priv *priv, const struct csched_vcpu *svc)
{
    if (!svc->dom->cap)
        return priv->tslice;
    /* A capped vCPU stops when its credit runs out. */
    if (svc->credit < CSCHED_MIN_SLICE)
        return CSCHED_MIN_SLICE;
    return min(priv->tslice, svc->credit);
}

/* ---------------------------------------------------------- placement */

static unsigned int csched_load(unsigned int cpu)
{
    return csched_pcpu(cpu)->nr_queued + (sched_cpu_is_idle(cpu) ? 0 : 1);
}

/* The least loaded CPU of a non-empty mask: ties go to `prefer`, then to the lowest. */
static unsigned int csched_least_loaded(const cpumask_t *mask, unsigned int prefer)
{
    unsigned int cpu, best = NR_CPUS, best_load = ~0U;

    if (cpumask_test_cpu(prefer, mask)) {
        best = prefer;
        best_load = csched_load(prefer);
    }
    for_each_cpu(cpu, mask) {
        unsigned int load = csched_load(cpu);

        if (load < best_load) {
            best = cpu;
            best_load = load;
        }
    }
    return best;
}

/*
 * Where a vCPU that does not run should wait: an idle CPU it prefers, else
 * any idle CPU it may use, else the least loaded one it prefers unless one
 * it may use is less loaded by more than one.
 */
static unsigned int csched_pick_cpu(const struct scheduler *s, const struct csched_vcpu *svc)
{
    const struct vcpu *v = svc->vcpu;
    cpumask_t hard, soft;
    unsigned int cpu, soft_cpu = NR_CPUS;

    sched_vcpu_hard_mask(s, v, &hard);
    if (sched_vcpu_soft_mask(s, v, &soft)) {
        soft_cpu = csched_least_loaded(&soft, v->processor);
        if (!csched_load(soft_cpu))
            return soft_cpu;
    }
    cpu = csched_least_loaded(&hard, v->processor);
    if (soft_cpu != NR_CPUS && csched_load(soft_cpu) <= csched_load(cpu) + 1)
        return soft_cpu;
    return cpu;
}

/* Queue a runnable vCPU where it is best placed; kick that CPU if it should run it now. */
static void csched_place(struct scheduler *s, struct csched_vcpu *svc)
{
    unsigned int cpu = csched_pick_cpu(s, svc);

    svc->vcpu->processor = cpu;
    csched_runq_insert(svc, cpu);
    if (svc->pri > csched_cpu_pri(cpu))
        sched_tickle(cpu);
}

/*
 * Load balancing: the best vCPU queued on a busy peer of `cpu` with a
 * priority above `floor` that may run on `cpu`.  Among equal priorities, one that
 * prefers `cpu` comes first, then one that does not prefer where it is.
 */
static struct csched_vcpu *csched_steal(const struct scheduler *s, unsigned int cpu, int floor)
{
    struct csched_vcpu *best = NULL;
    int best_key = -1;
    unsigned int peer;

    for_each_cpu(peer, &s->cpus) {
        struct sched_list *pos;

        /* An idle peer was kicked when work was queued there: it runs that itself. */
        if (peer == cpu || sched_cpu_is_idle(peer))
            continue;
        sched_list_for_each(pos, &csched_pcpu(peer)->runq) {
            struct csched_vcpu *svc = csched_runq_entry(pos);
            int key;

            if (svc->pri <= floor)
                break;              /* sorted: the rest are no better */
            if (!sched_vcpu_may_run_on(s, svc->vcpu, cpu))
                continue;
            key = svc->pri * 4 + (sched_vcpu_prefers(s, svc->vcpu, cpu) ? 2 : 0) +
                  (sched_vcpu_prefers(s, svc->vcpu, peer) ? 0 : 1);
            if (key > best_key) {
                best = svc;
                best_key = key;
            }
        }
    }
    return best;
}

/* Move everything queued on a CPU that is leaving the pool. */
static void csched_evacuate(struct scheduler *s, unsigned int cpu)
{
    struct csched_vcpu *svc;

    while ((svc = csched_runq_first(cpu))) {
        csched_runq_remove(svc);
        csched_place(s, svc);
    }
}

/* ------------------------------------------------------------- refill */

static bool csched_is_active(const struct csched_vcpu *svc)
{
    return svc->vcpu->is_running || svc->vcpu->runstate.state == RUNSTATE_runnable;
}

/* After a refill: CPUs whose queue now outranks what they run, and idle ones if work waits. */
static void csched_tickle_after_refill(const struct scheduler *s, unsigned int self)
{
    unsigned int cpu;
    bool waiting = false;

    for_each_cpu(cpu, &s->cpus)
        if (csched_pcpu(cpu)->nr_queued)
            waiting = true;
    for_each_cpu(cpu, &s->cpus) {
        const struct csched_vcpu *first = csched_runq_first(cpu);

        if (cpu == self)
            continue;
        if ((first && first->pri > csched_cpu_pri(cpu)) || (waiting && sched_cpu_is_idle(cpu)))
            sched_tickle(cpu);
    }
}

/* Pay out the CPU time elapsed since the last refill.  `self`: the CPU doing it. */
static void csched_refill(struct scheduler *s, s_time_t now, unsigned int self)
{
    struct csched_priv *priv = csched_priv(s);
    s_time_t elapsed = now - priv->last_refill;
    uint64_t total_weight = 0, ncpus = cpumask_weight(&s->cpus);
    struct sched_list *pos;
    unsigned int cpu;

    if (elapsed < CSCHED_REFILL_PERIOD)
        return;
    priv->last_refill = now;
    elapsed = min(elapsed, (s_time_t)CSCHED_MAX_REFILL_WINDOW);

    /* Charge what runs; a boost ends once the vCPU has been charged. */
    for_each_cpu(cpu, &s->cpus) {
        if (!sched_cpu_is_idle(cpu)) {
            struct csched_vcpu *svc = csched_vcpu(sched_cpu_curr(cpu));

            csched_burn(priv, svc, now);
            svc->pri = csched_credit_pri(svc);
        }
    }

    sched_list_for_each(pos, &priv->all) {
        struct csched_vcpu *svc = sched_list_entry(pos, struct csched_vcpu, all_link);

        if (csched_is_active(svc) && svc->dom->nr_active++ == 0)
            total_weight += svc->dom->weight;
    }
    sched_list_for_each(pos, &priv->all) {
        struct csched_vcpu *svc = sched_list_entry(pos, struct csched_vcpu, all_link);
        struct csched_dom *sdom = svc->dom;
        s_time_t share;

        if (!csched_is_active(svc))
            continue;
        share = (s_time_t)((uint64_t)elapsed * ncpus * sdom->weight / total_weight);
        if (sdom->cap)
            share = min(share, elapsed * (s_time_t)sdom->cap / 100);
        share = min(share / (s_time_t)sdom->nr_active, elapsed);
        svc->credit = min(svc->credit + share, priv->tslice);
        csched_update_pri(svc);
        if (svc->parked && !csched_is_capped_out(svc)) {
            csched_unpark(svc);
            csched_place(s, svc);
        }
    }
    sched_list_for_each(pos, &priv->all)
        sched_list_entry(pos, struct csched_vcpu, all_link)->dom->nr_active = 0;

    csched_tickle_after_refill(s, self);
}

/* ---------------------------------------------------------- scheduling */

/* prev stops running here: charge it, and keep it if it is still runnable. */
static void csched_requeue_prev(struct scheduler *s, struct csched_vcpu *svc, unsigned int cpu,
                                s_time_t now)
{
    struct csched_priv *priv = csched_priv(s);
    struct vcpu *v = svc->vcpu;

    csched_burn(priv, svc, now);
    svc->pri = csched_credit_pri(svc);      /* a boost lasts one run */
    if (!vcpu_runnable(v))
        return;
    if (csched_is_capped_out(svc))
        csched_park(priv, svc);
    else if (cpumask_test_cpu(cpu, &s->cpus) && sched_vcpu_may_run_on(s, v, cpu))
        csched_runq_insert(svc, cpu);
    else
        csched_place(s, svc);
}

static struct sched_decision csched_do_schedule(struct scheduler *s, unsigned int cpu,
                                                struct vcpu *prev, s_time_t now)
{
    struct csched_priv *priv = csched_priv(s);
    struct sched_decision d = { .next = sched_pcpu[cpu].idle, .slice = 0 };
    struct csched_vcpu *best, *next;

    csched_refill(s, now, cpu);
    if (!is_idle_vcpu(prev))
        csched_requeue_prev(s, csched_vcpu(prev), cpu, now);
    if (!cpumask_test_cpu(cpu, &s->cpus)) {
        csched_evacuate(s, cpu);        /* leaving the pool */
        return d;
    }

    best = csched_runq_first(cpu);
    if (best && best->yielding && best->q_link.next != &csched_pcpu(cpu)->runq)
        best = csched_runq_entry(best->q_link.next);    /* give way, even to a lower priority */
    if (!is_idle_vcpu(prev))
        csched_vcpu(prev)->yielding = false;
    next = csched_steal(s, cpu, best ? best->pri : CSCHED_PRI_IDLE);
    if (!next)
        next = best;
    if (next) {
        csched_runq_remove(next);
        next->vcpu->processor = cpu;
        next->start = now;
        d.next = next->vcpu;
        d.slice = csched_slice(priv, next);
    } else if (!sched_list_empty(&priv->parked)) {
        /* Wake up for the refill that lets capped vCPUs run again. */
        d.slice = max(priv->last_refill + CSCHED_REFILL_PERIOD - now, (s_time_t)CSCHED_MIN_SLICE);
    }
    return d;
}

/* ------------------------------------------------------------- vCPUs */

static void *csched_alloc_vdata(struct scheduler *s, struct vcpu *v, void *ddata)
{
    struct csched_vcpu *svc = sched_alloc(sizeof(*svc));

    if (!svc)
        return NULL;
    sched_list_init(&svc->q_link);
    sched_list_init(&svc->all_link);
    svc->vcpu = v;
    svc->dom = ddata;
    svc->pri = CSCHED_PRI_UNDER;
    svc->queued_on = CSCHED_NOT_QUEUED;
    return svc;
}

static void csched_free_vdata(struct scheduler *s, void *vdata)
{
    sched_free(vdata, sizeof(struct csched_vcpu));
}

static void csched_insert_vcpu(struct scheduler *s, struct vcpu *v)
{
    struct csched_vcpu *svc = csched_vcpu(v);

    sched_list_insert_before(&svc->all_link, &csched_priv(s)->all);
    if (v->runstate.state == RUNSTATE_runnable)
        csched_place(s, svc);
}

/* Off the queue or the parked list. */
static void csched_dequeue(struct csched_vcpu *svc)
{
    if (svc->queued_on != CSCHED_NOT_QUEUED)
        csched_runq_remove(svc);
    else if (svc->parked)
        csched_unpark(svc);
}

static void csched_remove_vcpu(struct scheduler *s, struct vcpu *v)
{
    struct csched_vcpu *svc = csched_vcpu(v);

    csched_dequeue(svc);
    sched_list_del(&svc->all_link);
}

static void csched_wake(struct scheduler *s, struct vcpu *v)
{
    struct csched_vcpu *svc = csched_vcpu(v);

    /* Already waiting to run (the core asks whenever it may have been left out). */
    if (svc->queued_on != CSCHED_NOT_QUEUED || svc->parked)
        return;
    if (csched_is_capped_out(svc)) {
        csched_park(csched_priv(s), svc);
        return;
    }
    svc->pri = svc->credit >= 0 ? CSCHED_PRI_BOOST : CSCHED_PRI_OVER;
    csched_place(s, svc);
}

static void csched_sleep(struct scheduler *s, struct vcpu *v)
{
    csched_dequeue(csched_vcpu(v));
}

/* At its next deschedule, the next vCPU queued behind it runs first, whatever its priority. */
static void csched_yield(struct scheduler *s, struct vcpu *v)
{
    csched_vcpu(v)->yielding = true;
}

static void csched_affinity_changed(struct scheduler *s, struct vcpu *v)
{
    struct csched_vcpu *svc = csched_vcpu(v);

    if (svc->queued_on != CSCHED_NOT_QUEUED && !sched_vcpu_may_run_on(s, v, svc->queued_on)) {
        csched_runq_remove(svc);
        csched_place(s, svc);
    } else if (v->is_running && !sched_vcpu_may_run_on(s, v, v->processor)) {
        sched_tickle(v->processor);     /* its do_schedule moves it */
    }
}

/* ------------------------------------------------------------ domains */

static void *csched_alloc_ddata(struct scheduler *s, struct domain *d)
{
    struct csched_dom *sdom = sched_alloc(sizeof(*sdom));

    if (!sdom)
        return NULL;
    sdom->weight = CSCHED_DEFAULT_WEIGHT;
    sdom->max_vcpus = d->max_vcpus;
    return sdom;
}

static void csched_free_ddata(struct scheduler *s, void *ddata)
{
    sched_free(ddata, sizeof(struct csched_dom));
}

static int csched_adjust_domain(struct scheduler *s, struct domain *d,
                                struct sched_domain_params *p, bool set)
{
    struct csched_dom *sdom = d->sched_priv;
    struct sched_list *pos, *n;

    if (!set) {
        p->weight = sdom->weight;
        p->cap = sdom->cap;
        return 0;
    }
    if (p->weight > CSCHED_MAX_WEIGHT || p->cap > 100 * max(sdom->max_vcpus, 1U))
        return -EINVAL;
    if (p->weight)
        sdom->weight = p->weight;
    sdom->cap = p->cap;
    if (sdom->cap)
        return 0;
    /* Uncapped now: its parked vCPUs may run again. */
    sched_list_for_each_safe(pos, n, &csched_priv(s)->parked) {
        struct csched_vcpu *svc = csched_runq_entry(pos);

        if (svc->dom == sdom) {
            csched_unpark(svc);
            svc->pri = csched_credit_pri(svc);
            csched_place(s, svc);
        }
    }
    return 0;
}

/* --------------------------------------------------------------- dumps */

static const char *const csched_pri_names[] = {
    [CSCHED_PRI_IDLE] = "IDLE",
    [CSCHED_PRI_OVER] = "OVER",
    [CSCHED_PRI_UNDER] = "UNDER",
    [CSCHED_PRI_BOOST] = "BOOST",
};

/* "d1v2 UNDER credit 1234 us (weight 256)": credit as of its last charge. */
static void csched_dump_vcpu(const char *prefix, const struct csched_vcpu *svc)
{
    char name[SCHED_VCPU_STR_LEN];

    printk("%s%s %s credit %ld us (weight %u%s)%s\n", prefix,
           sched_vcpu_str(svc->vcpu, name, sizeof(name)), csched_pri_names[svc->pri],
           (long)(svc->credit / MICROSECS(1)), svc->dom->weight, svc->dom->cap ? ", capped" : "",
           svc->yielding ? ", yielding" : "");
}

static void csched_dump_runq(struct scheduler *s)
{
    struct csched_priv *priv = csched_priv(s);
    struct sched_list *pos;
    unsigned int nr = 0, nr_parked = 0;

    sched_list_for_each(pos, &priv->all)
        nr++;
    sched_list_for_each(pos, &priv->parked)
        nr_parked++;
    printk("  credit: time slice %ld ms, last refill %ld ms ago; %u vCPUs, %u parked (capped, in debt)\n",
           (long)(priv->tslice / MILLISECS(1)), (long)((NOW() - priv->last_refill) / MILLISECS(1)),
           nr, nr_parked);
    sched_list_for_each(pos, &priv->parked)
        csched_dump_vcpu("    parked: ", csched_runq_entry(pos));
}

static void csched_dump_cpu(struct scheduler *s, unsigned int cpu)
{
    struct csched_pcpu *pc = csched_pcpu(cpu);
    struct vcpu *curr = sched_cpu_curr(cpu);
    struct sched_list *pos;
    unsigned int i = 0;

    if (!is_idle_vcpu(curr))
        csched_dump_vcpu("    running: ", csched_vcpu(curr));
    printk("    run queue: %u\n", pc->nr_queued);
    sched_list_for_each(pos, &pc->runq) {
        char prefix[16];

        snprintf(prefix, sizeof(prefix), "    %3u: ", ++i);
        csched_dump_vcpu(prefix, csched_runq_entry(pos));
    }
}

/* --------------------------------------------------------- CPUs, pools */

static void *csched_alloc_pdata(struct scheduler *s, unsigned int cpu)
{
    struct csched_pcpu *pc = sched_alloc(sizeof(*pc));

    if (pc)
        sched_list_init(&pc->runq);
    return pc;
}

static void csched_free_pdata(struct scheduler *s, void *pdata)
{
    sched_free(pdata, sizeof(struct csched_pcpu));
}

static void csched_add_cpu(struct scheduler *s, unsigned int cpu)
{
    /* Nothing queued here yet: its first schedule steals from the others. */
}

static bool csched_can_remove_cpu(struct scheduler *s, unsigned int cpu)
{
    return true;
}

static void *csched_remove_cpu(struct scheduler *s, unsigned int cpu)
{
    csched_evacuate(s, cpu);
    return csched_pcpu(cpu);
}

static int csched_init(struct scheduler *s)
{
    struct csched_priv *priv = sched_alloc(sizeof(*priv));
    unsigned int ms = opt_credit_tslice_ms;

    if (!priv)
        return -ENOMEM;
    if (ms < CSCHED_MIN_TSLICE_MS || ms > CSCHED_MAX_TSLICE_MS) {
        printk(XENLOG_WARNING "sched_credit_tslice_ms=%u out of range [%u, %u], using %u\n", ms,
               CSCHED_MIN_TSLICE_MS, CSCHED_MAX_TSLICE_MS, CSCHED_DEFAULT_TSLICE_MS);
        ms = opt_credit_tslice_ms = CSCHED_DEFAULT_TSLICE_MS;
    }
    sched_list_init(&priv->all);
    sched_list_init(&priv->parked);
    priv->tslice = MILLISECS(ms);
    priv->last_refill = NOW();
    s->priv = priv;
    return 0;
}

static void csched_deinit(struct scheduler *s)
{
    sched_free(s->priv, sizeof(struct csched_priv));
    s->priv = NULL;
}

const struct scheduler_ops sched_credit_ops = {
    .name = "credit",
    .sched_id = SCHED_ID_CREDIT,
    .init = csched_init,
    .deinit = csched_deinit,
    .alloc_pdata = csched_alloc_pdata,
    .free_pdata = csched_free_pdata,
    .add_cpu = csched_add_cpu,
    .can_remove_cpu = csched_can_remove_cpu,
    .remove_cpu = csched_remove_cpu,
    .alloc_ddata = csched_alloc_ddata,
    .free_ddata = csched_free_ddata,
    .adjust_domain = csched_adjust_domain,
    .alloc_vdata = csched_alloc_vdata,
    .free_vdata = csched_free_vdata,
    .insert_vcpu = csched_insert_vcpu,
    .remove_vcpu = csched_remove_vcpu,
    .wake = csched_wake,
    .sleep = csched_sleep,
    .yield = csched_yield,
    .affinity_changed = csched_affinity_changed,
    .do_schedule = csched_do_schedule,
    .dump_runq = csched_dump_runq,
    .dump_cpu = csched_dump_cpu,
};
