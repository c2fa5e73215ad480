/*
 * Host tests of the scheduler on a simulated 8-CPU machine (sim.c): the
 * core, the credit and null schedulers and CPU pools.  credit.c and null.c
 * are included here so that their decision functions (run-queue insertion,
 * load-balancing choice) can be checked directly as well as through the
 * ops table.  Every case leaves all CPUs in pool 0 and no vCPU behind.
 */
#include "test.h"
#include "sim.h"
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include "../../../xen/common/sched/credit.c"
#include "../../../xen/common/sched/null.c"

#define NCPUS 8
#define MAXV  24

struct tvcpu {
    struct vcpu vcpu;
    unsigned long runs;
    cpumask_t ran_on;
    unsigned long bad_runs;         /* run hook called where it may not run */
};

struct tdom {
    struct domain d;
    struct vcpu *slots[MAXV];
    struct tvcpu tv[MAXV];
};

static unsigned int next_domid = 1;

/* The run hook: records where it ran and whether it was allowed there. */
static void tvcpu_run(struct vcpu *v)
{
    struct tvcpu *tv = container_of(v, struct tvcpu, vcpu);
    unsigned int cpu = smp_processor_id();

    tv->runs++;
    cpumask_set_cpu(cpu, &tv->ran_on);
    if (!cpumask_test_cpu(cpu, &v->cpu_hard_affinity) ||
        !cpumask_test_cpu(cpu, &v->domain->cpupool->sched.cpus) || sched_pcpu[cpu].curr != v ||
        v->processor != cpu)
        tv->bad_runs++;
}

static struct tdom *tdom_new(unsigned int nv, unsigned int pool)
{
    struct tdom *t = calloc(1, sizeof(*t));
    unsigned int i;

    t->d.domain_id = (domid_t)next_domid++;
    t->d.max_vcpus = nv;
    t->d.vcpu = t->slots;
    CHECK_EQ(sched_init_domain(&t->d, pool), 0);
    for (i = 0; i < nv; i++) {
        t->tv[i].vcpu.vcpu_id = i;
        t->tv[i].vcpu.domain = &t->d;
        t->tv[i].vcpu.run = tvcpu_run;
        CHECK_EQ(sched_init_vcpu(&t->tv[i].vcpu, 0), 0);
    }
    return t;
}

static void tdom_free(struct tdom *t)
{
    unsigned int i;

    for (i = 0; i < t->d.max_vcpus; i++)
        if (t->slots[i])
            sched_destroy_vcpu(t->slots[i]);
    sched_destroy_domain(&t->d);
    free(t);
}

static struct vcpu *V(struct tdom *t, unsigned int i)
{
    return &t->tv[i].vcpu;
}

static void tdom_up(struct tdom *t)
{
    unsigned int i;

    for (i = 0; i < t->d.max_vcpus; i++)
        vcpu_up(V(t, i));
}

static void tdom_clear_runs(struct tdom *t)
{
    unsigned int i;

    for (i = 0; i < t->d.max_vcpus; i++) {
        t->tv[i].runs = 0;
        cpumask_clear(&t->tv[i].ran_on);
    }
}

static unsigned long tdom_bad_runs(const struct tdom *t)
{
    unsigned long bad = 0;
    unsigned int i;

    for (i = 0; i < t->d.max_vcpus; i++)
        bad += t->tv[i].bad_runs;
    return bad;
}

static void set_params(struct tdom *t, unsigned int weight, unsigned int cap)
{
    struct sched_domain_params p = { .weight = weight, .cap = cap };

    CHECK_EQ(sched_adjust_domain(&t->d, &p, true), 0);
}

static s_time_t run_time(struct vcpu *v)
{
    struct vcpu_runstate r;

    vcpu_runstate_get(v, &r);
    return r.time[RUNSTATE_running];
}

static cpumask_t cpus_of(unsigned int lo, unsigned int hi)
{
    cpumask_t m;
    unsigned int c;

    cpumask_clear(&m);
    for (c = lo; c <= hi; c++)
        cpumask_set_cpu(c, &m);
    return m;
}

static cpumask_t cpu_only(unsigned int cpu)
{
    return cpus_of(cpu, cpu);
}

static void set_hard(struct vcpu *v, cpumask_t m)
{
    CHECK_EQ(vcpu_set_affinity(v, &m, NULL), 0);
}

static void set_hard_soft(struct vcpu *v, cpumask_t hard, cpumask_t soft)
{
    CHECK_EQ(vcpu_set_affinity(v, &hard, &soft), 0);
}

static bool ran_only_on(const struct tvcpu *tv, cpumask_t m)
{
    return tv->runs && cpumask_equal(&tv->ran_on, &m);
}

static bool ran_within(const struct tvcpu *tv, cpumask_t m)
{
    return cpumask_subset(&tv->ran_on, &m);
}

/* A pool of CPUs lo..hi taken from pool 0. */
static void pool_new(unsigned int id, const char *sched, unsigned int lo, unsigned int hi)
{
    unsigned int cpu;

    CHECK_EQ(cpupool_create(id, sched), 0);
    for (cpu = lo; cpu <= hi; cpu++) {
        CHECK_EQ(cpupool_unassign_cpu(CPUPOOL_ID_BOOT, cpu), 0);
        CHECK_EQ(cpupool_assign_cpu(id, cpu), 0);
    }
}

static void pool_del(unsigned int id)
{
    cpumask_t m;
    unsigned int cpu;

    CHECK_EQ(cpupool_get_cpus(id, &m), 0);
    for_each_cpu(cpu, &m) {
        CHECK_EQ(cpupool_unassign_cpu(id, cpu), 0);
        CHECK_EQ(cpupool_assign_cpu(CPUPOOL_ID_BOOT, cpu), 0);
    }
    CHECK_EQ(cpupool_destroy(id), 0);
}

static struct scheduler *pool_sched(unsigned int id)
{
    return &cpupool_find(id)->sched;
}

/* What every case leaves behind: no vCPU, every CPU back in pool 0 and idle. */
static void check_clean(void)
{
    cpumask_t m;
    unsigned int cpu;

    sim_run(MILLISECS(1));
    CHECK_EQ(sched_nr_vcpus(), 0);
    CHECK_EQ(cpupool_get_cpus(CPUPOOL_ID_BOOT, &m), 0);
    CHECK(cpumask_equal(&m, &cpu_online_map), "pool 0 lost CPUs");
    for (cpu = 0; cpu < NCPUS; cpu++)
        CHECK(sched_cpu_is_idle(cpu), "CPU %u not idle", cpu);
}

/* A tiny deterministic generator (xorshift64). */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ------------------------------------------------------------------ */

static void test_boot(void)
{
    cpumask_t m;
    unsigned int cpu;

    CHECK(printk_log_contains("Scheduler: credit"), "no scheduler line");
    CHECK_EQ(cpupool_get_cpus(CPUPOOL_ID_BOOT, &m), 0);
    CHECK_EQ(cpumask_weight(&m), NCPUS);
    for (cpu = 0; cpu < NCPUS; cpu++) {
        CHECK(sched_pcpu[cpu].up && sched_cpu_is_idle(cpu), "CPU %u", cpu);
        CHECK(sched_pcpu[cpu].idle->domain == &idle_domain, "CPU %u idle domain", cpu);
    }
    CHECK_EQ(cpupool_find(CPUPOOL_ID_BOOT)->sched.ops->sched_id, SCHED_ID_CREDIT);
    CHECK_EQ(sched_nr_vcpus(), 0);
}

/* Run-queue insertion: by priority, first in first out within one. */
static void test_runq_order(void)
{
    static const int pris[5] = { CSCHED_PRI_OVER, CSCHED_PRI_UNDER, CSCHED_PRI_BOOST,
                                 CSCHED_PRI_UNDER, CSCHED_PRI_OVER };
    static const unsigned int want[5] = { 2, 1, 3, 0, 4 };
    static const unsigned int want2[4] = { 2, 3, 4, 0 };
    struct csched_vcpu *svc[5];
    struct scheduler *s;
    struct sched_list *pos;
    struct tdom *t;
    unsigned int i, n;

    pool_new(10, "credit", 7, 7);
    s = pool_sched(10);
    t = tdom_new(5, 10);            /* down: on no queue */
    spin_lock(&s->lock);
    for (i = 0; i < 5; i++) {
        svc[i] = csched_vcpu(V(t, i));
        CHECK_EQ(svc[i]->queued_on, CSCHED_NOT_QUEUED);
        svc[i]->pri = pris[i];
        svc[i]->credit = pris[i] == CSCHED_PRI_OVER ? -1 : 0;
        csched_runq_insert(svc[i], 7);
    }
    CHECK_EQ(csched_pcpu(7)->nr_queued, 5);
    n = 0;
    sched_list_for_each(pos, &csched_pcpu(7)->runq) {
        CHECK(csched_runq_entry(pos) == svc[want[n]], "position %u is not v%u", n, want[n]);
        n++;
    }
    CHECK_EQ(n, 5);
    CHECK(csched_runq_first(7) == svc[2], "boosted vCPU not first");

    /* Out of the middle; then v4 earns credit and moves to the tail of UNDER. */
    csched_runq_remove(svc[1]);
    CHECK_EQ(svc[1]->queued_on, CSCHED_NOT_QUEUED);
    svc[4]->credit = MILLISECS(1);
    csched_update_pri(svc[4]);
    CHECK_EQ(svc[4]->pri, CSCHED_PRI_UNDER);
    n = 0;
    sched_list_for_each(pos, &csched_pcpu(7)->runq) {
        CHECK(csched_runq_entry(pos) == svc[want2[n]], "after changes, position %u", n);
        n++;
    }
    CHECK_EQ(n, 4);
    CHECK_EQ(csched_pcpu(7)->nr_queued, 4);
    while (csched_runq_first(7))
        csched_runq_remove(csched_runq_first(7));
    CHECK_EQ(csched_pcpu(7)->nr_queued, 0);
    spin_unlock(&s->lock);
    tdom_free(t);
    pool_del(10);
    check_clean();
}

/* A vCPU that wakes with credit is boosted and takes the CPU at once. */
static void test_boost_preempts(void)
{
    struct tdom *a, *b;

    pool_new(10, "credit", 7, 7);
    a = tdom_new(1, 10);
    b = tdom_new(1, 10);
    tdom_up(a);
    sim_run(MILLISECS(35));         /* a's own boost ended when its first slice was charged */
    CHECK(sched_cpu_curr(7) == V(a, 0), "a does not run");
    CHECK_EQ(csched_vcpu(V(a, 0))->pri, CSCHED_PRI_UNDER);
    vcpu_up(V(b, 0));
    sim_settle();
    CHECK(sched_cpu_curr(7) == V(b, 0), "woken b did not preempt a");
    CHECK_EQ(V(a, 0)->runstate.state, RUNSTATE_runnable);
    CHECK_EQ(csched_vcpu(V(a, 0))->queued_on, 7);
    tdom_free(a);
    tdom_free(b);
    pool_del(10);
    check_clean();
}

/* Both the pinned and the balancing checks of the random test, after each step. */
static unsigned int check_invariants(struct scheduler *s, struct tdom **doms, unsigned int nd)
{
    unsigned int bad = 0, cpu, i, j;

    for_each_cpu(cpu, &s->cpus) {
        struct vcpu *v = sched_cpu_curr(cpu);

        if (is_idle_vcpu(v))
            continue;
        if (!cpumask_test_cpu(cpu, &v->cpu_hard_affinity) || v->processor != cpu ||
            !v->is_running || v->runstate.state != RUNSTATE_running)
            bad++;
    }
    for (i = 0; i < nd; i++) {
        for (j = 0; j < doms[i]->d.max_vcpus; j++) {
            struct vcpu *v = V(doms[i], j);
            unsigned int on = 0;

            for_each_cpu(cpu, &s->cpus)
                on += sched_cpu_curr(cpu) == v;
            if (on != (v->is_running ? 1U : 0U))
                bad++;
            if (!v->is_running && vcpu_runnable(v) != (v->runstate.state == RUNSTATE_runnable))
                bad++;
            if (s->ops == &sched_credit_ops) {
                struct csched_vcpu *svc = csched_vcpu(v);

                if (svc->queued_on != CSCHED_NOT_QUEUED &&
                    (v->is_running || !vcpu_runnable(v) || !cpumask_test_cpu(svc->queued_on, &v->cpu_hard_affinity)))
                    bad++;
            }
        }
    }
    if (s->ops == &sched_credit_ops) {
        for_each_cpu(cpu, &s->cpus) {
            struct sched_list *pos;
            int last = CSCHED_PRI_BOOST;
            unsigned int n = 0;

            sched_list_for_each(pos, &csched_pcpu(cpu)->runq) {
                struct csched_vcpu *svc = csched_runq_entry(pos);

                if (svc->pri > last || svc->queued_on != cpu)
                    bad++;
                last = svc->pri;
                n++;
            }
            if (n != csched_pcpu(cpu)->nr_queued)
                bad++;
        }
    }
    return bad;
}

static cpumask_t random_mask(const cpumask_t *within, bool may_be_empty)
{
    cpumask_t m;
    unsigned int cpu;

    do {
        cpumask_clear(&m);
        for_each_cpu(cpu, within)
            if (rng() & 1)
                cpumask_set_cpu(cpu, &m);
    } while (!may_be_empty && cpumask_empty(&m));
    return m;
}

/*
 * Thousands of random steps (pinning changes, blocking, pausing, yields)
 * with random hard and soft affinities: no vCPU is ever picked on a CPU
 * outside its hard affinity, and the run queues stay consistent.
 */
static void random_affinity(const char *sched, uint64_t seed)
{
    enum { ND = 3, NV = 6, STEPS = 4000 };
    struct tdom *doms[ND];
    struct scheduler *s;
    unsigned int paused[ND][NV] = { { 0 } }, dpaused[ND] = { 0 };
    unsigned long runs = 0, bad = 0, broken = 0, step;
    unsigned int i, j;
    cpumask_t pool;

    rng_state = seed;
    pool_new(12, sched, 1, 7);
    s = pool_sched(12);
    pool = s->cpus;
    for (i = 0; i < ND; i++) {
        doms[i] = tdom_new(NV, 12);
        for (j = 0; j < NV; j++) {
            cpumask_t hard = random_mask(&pool, false), soft = random_mask(&pool, true);

            CHECK_EQ(vcpu_set_affinity(V(doms[i], j), &hard, &soft), 0);
        }
        tdom_up(doms[i]);
    }
    for (step = 0; step < STEPS; step++) {
        unsigned int di = (unsigned int)(rng() % ND), vi = (unsigned int)(rng() % NV);
        struct vcpu *v = V(doms[di], vi);
        cpumask_t hard, soft;

        switch (rng() % 9) {
        case 0:
        case 1:
            hard = random_mask(&pool, false);
            soft = random_mask(&pool, true);
            CHECK_EQ(vcpu_set_affinity(v, &hard, &soft), 0);
            break;
        case 2:
            vcpu_block(v);
            break;
        case 3:
            vcpu_unblock(v);
            break;
        case 4:
            if (paused[di][vi] < 2) {
                paused[di][vi]++;
                vcpu_pause_nosync(v);
            }
            break;
        case 5:
            if (paused[di][vi]) {
                paused[di][vi]--;
                vcpu_unpause(v);
            }
            break;
        case 6:
            if (v->is_running)
                vcpu_yield(v);
            break;
        case 7:
            if (!dpaused[di]) {
                dpaused[di] = 1;
                domain_pause(&doms[di]->d);
            } else {
                dpaused[di] = 0;
                domain_unpause(&doms[di]->d);
            }
            break;
        default:
            break;
        }
        sim_run((s_time_t)(rng() % MILLISECS(40)));
        broken += check_invariants(s, doms, ND);
    }
    for (i = 0; i < ND; i++) {
        for (j = 0; j < NV; j++) {
            runs += doms[i]->tv[j].runs;
            while (paused[i][j]--)
                vcpu_unpause(V(doms[i], j));
            vcpu_unblock(V(doms[i], j));
        }
        if (dpaused[i])
            domain_unpause(&doms[i]->d);
        bad += tdom_bad_runs(doms[i]);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(broken, 0);
    CHECK(runs > STEPS / 2, "only %lu vCPU runs in %u steps", runs, STEPS);
    for (i = 0; i < ND; i++)
        tdom_free(doms[i]);
    pool_del(12);
    check_clean();
}

static void test_affinity_random_credit(void)
{
    random_affinity("credit", 0x1234567887654321ULL);
    random_affinity("credit", 0xfeedfacecafebeefULL);
}

static void test_affinity_random_null(void)
{
    random_affinity("null", 0x0123456789abcdefULL);
}

/* Pinned vCPUs run where they are pinned, and only there. */
static void test_pinning(void)
{
    struct tdom *t = tdom_new(16, CPUPOOL_ID_BOOT);
    unsigned int i;

    for (i = 0; i < 16; i++) {
        cpumask_t m = cpu_only(i % NCPUS);

        if (i & 1)
            cpumask_set_cpu((i + 1) % NCPUS, &m);
        set_hard(V(t, i), m);
    }
    tdom_up(t);
    sim_run(SECONDS(1));
    for (i = 0; i < 16; i++) {
        cpumask_t outside;

        cpumask_andnot(&outside, &t->tv[i].ran_on, &V(t, i)->cpu_hard_affinity);
        CHECK(t->tv[i].runs > 0, "v%u never ran", i);
        CHECK(cpumask_empty(&outside), "v%u ran on CPU %u", i, cpumask_first(&outside));
    }
    CHECK_EQ(tdom_bad_runs(t), 0);
    /* A mask with no CPU of the pool is refused; an empty one too. */
    {
        cpumask_t none, far;

        cpumask_clear(&none);
        cpumask_clear(&far);
        cpumask_set_cpu(NR_CPUS - 1, &far);
        CHECK_EQ(vcpu_set_affinity(V(t, 0), &none, NULL), -EINVAL);
        CHECK_EQ(vcpu_set_affinity(V(t, 0), &far, NULL), -EINVAL);
    }
    tdom_free(t);
    check_clean();
}

/* Soft affinity: an idle CPU it prefers is chosen over other idle ones. */
static void test_soft_affinity(void)
{
    struct tdom *t;
    cpumask_t soft = cpu_only(5), all = cpus_of(4, 7);

    pool_new(10, "credit", 4, 7);
    t = tdom_new(3, 10);
    CHECK_EQ(vcpu_set_affinity(V(t, 0), &all, &soft), 0);
    vcpu_up(V(t, 0));
    sim_run(MILLISECS(100));
    CHECK(ran_only_on(&t->tv[0], soft), "did not run (only) on its soft CPU 5");

    /* CPU 5 now busy with a vCPU pinned there: the next one preferring 5 goes to an idle CPU. */
    set_hard(V(t, 1), cpu_only(5));
    CHECK_EQ(vcpu_set_affinity(V(t, 0), &all, &soft), 0);
    vcpu_up(V(t, 1));
    CHECK_EQ(vcpu_set_affinity(V(t, 2), &all, &soft), 0);
    tdom_clear_runs(t);
    vcpu_up(V(t, 2));
    sim_run(MILLISECS(1));
    CHECK(V(t, 2)->is_running && V(t, 2)->processor != 5, "v2 waits although CPUs are idle");
    CHECK_EQ(tdom_bad_runs(t), 0);
    tdom_free(t);
    pool_del(10);
    check_clean();
}

/*
 * Load balancing: the choice (a vCPU that prefers the thief, then any it
 * may run, never one pinned away), then the real thing: an idle CPU takes
 * the vCPU it may run from a busy peer's queue, and not the pinned one.
 */
static void test_load_balance(void)
{
    struct tdom *t;
    struct scheduler *s;
    struct csched_vcpu *a, *b, *c;

    pool_new(10, "credit", 6, 7);
    s = pool_sched(10);
    t = tdom_new(4, 10);
    set_hard(V(t, 0), cpus_of(6, 7));
    set_hard(V(t, 1), cpu_only(6));
    set_hard_soft(V(t, 2), cpus_of(6, 7), cpu_only(7));
    set_hard(V(t, 3), cpu_only(6));
    vcpu_up(V(t, 3));               /* keeps CPU 6 busy: only busy CPUs are stolen from */
    sim_run(MILLISECS(5));
    CHECK(sched_cpu_curr(6) == V(t, 3), "v3 not running on CPU 6");
    spin_lock(&s->lock);
    a = csched_vcpu(V(t, 0));
    c = csched_vcpu(V(t, 1));
    b = csched_vcpu(V(t, 2));
    a->pri = b->pri = c->pri = CSCHED_PRI_UNDER;
    csched_runq_insert(a, 6);
    csched_runq_insert(c, 6);
    csched_runq_insert(b, 6);
    CHECK(csched_steal(s, 7, CSCHED_PRI_IDLE) == b, "did not prefer the soft-affine vCPU");
    CHECK(csched_steal(s, 7, CSCHED_PRI_UNDER) == NULL, "stole an equal");
    csched_runq_remove(b);
    CHECK(csched_steal(s, 7, CSCHED_PRI_IDLE) == a, "did not take the unpinned vCPU");
    csched_runq_remove(a);
    CHECK(csched_steal(s, 7, CSCHED_PRI_IDLE) == NULL, "stole a vCPU pinned to CPU 6");
    CHECK(csched_steal(s, 6, CSCHED_PRI_IDLE) == NULL, "stole from itself");
    csched_runq_insert(a, 6);
    CHECK(csched_steal(s, 7, CSCHED_PRI_IDLE) == a, "a again");
    sched_pcpu[6].curr = sched_pcpu[6].idle;       /* as if CPU 6 were idle */
    CHECK(csched_steal(s, 7, CSCHED_PRI_IDLE) == NULL, "stole from an idle CPU");
    sched_pcpu[6].curr = V(t, 3);
    csched_runq_remove(a);
    csched_runq_remove(c);
    spin_unlock(&s->lock);

    /* For real: four vCPUs on CPU 6, then one of them may also use CPU 7. */
    set_hard(V(t, 0), cpu_only(6));
    set_hard(V(t, 2), cpu_only(6));
    vcpu_up(V(t, 1));
    vcpu_up(V(t, 0));
    vcpu_up(V(t, 2));
    sim_run(MILLISECS(5));
    CHECK(sched_cpu_is_idle(7), "CPU 7 busy before balancing");
    CHECK_EQ(csched_pcpu(6)->nr_queued, 3);
    set_hard(V(t, 2), cpus_of(6, 7));
    tdom_clear_runs(t);
    sim_run(MILLISECS(200));
    CHECK(cpumask_test_cpu(7, &t->tv[2].ran_on), "idle CPU 7 did not take v2");
    CHECK(!cpumask_test_cpu(7, &t->tv[0].ran_on) && !cpumask_test_cpu(7, &t->tv[1].ran_on) &&
          !cpumask_test_cpu(7, &t->tv[3].ran_on), "a vCPU pinned to 6 ran on 7");
    CHECK(run_time(V(t, 2)) > MILLISECS(150), "v2 ran only %ld ms", (long)(run_time(V(t, 2)) / 1000000));
    CHECK_EQ(tdom_bad_runs(t), 0);
    tdom_free(t);
    pool_del(10);
    check_clean();
}

/* Weights 256 and 512 on one CPU for 10 s: CPU time 1:2 within 10%. */
static void test_credit_weights(void)
{
    struct tdom *a, *b;
    s_time_t ta, tb;
    long ratio;

    pool_new(11, "credit", 7, 7);
    a = tdom_new(1, 11);
    b = tdom_new(1, 11);
    set_params(a, 256, 0);
    set_params(b, 512, 0);
    tdom_up(a);
    tdom_up(b);
    sim_run(SECONDS(10));
    ta = run_time(V(a, 0));
    tb = run_time(V(b, 0));
    ratio = (long)(tb * 1000 / ta);
    CHECK(ratio >= 1800 && ratio <= 2200, "ratio %ld/1000 (a %ld ms, b %ld ms)", ratio,
          (long)(ta / 1000000), (long)(tb / 1000000));
    CHECK(ta + tb >= SECONDS(10) - MILLISECS(10), "the CPU idled: %ld ms used",
          (long)((ta + tb) / 1000000));
    tdom_free(a);
    tdom_free(b);
    pool_del(11);
    check_clean();
}

/* Weights 256:256:512 over two CPUs: 0.5, 0.5 and 1 CPU. */
static void test_credit_weights_smp(void)
{
    struct tdom *d[3];
    static const unsigned int w[3] = { 256, 256, 512 };
    static const long want_ms[3] = { 5000, 5000, 10000 };
    unsigned int i;

    pool_new(11, "credit", 6, 7);
    for (i = 0; i < 3; i++) {
        d[i] = tdom_new(1, 11);
        set_params(d[i], w[i], 0);
        tdom_up(d[i]);
    }
    sim_run(SECONDS(10));
    for (i = 0; i < 3; i++) {
        long ms = (long)(run_time(V(d[i], 0)) / 1000000);

        CHECK(ms >= want_ms[i] * 9 / 10 && ms <= want_ms[i] * 11 / 10, "d%u ran %ld ms, want %ld",
              i, ms, want_ms[i]);
    }
    for (i = 0; i < 3; i++)
        tdom_free(d[i]);
    pool_del(11);
    check_clean();
}

/* A 50% cap alone on a CPU: half of it; a 25% cap beside an uncapped vCPU: a quarter. */
static void test_credit_cap(void)
{
    struct tdom *a, *b;
    struct sched_domain_params p;
    long ms;

    pool_new(11, "credit", 7, 7);
    a = tdom_new(1, 11);
    set_params(a, 0, 50);
    memset(&p, 0, sizeof(p));
    CHECK_EQ(sched_adjust_domain(&a->d, &p, false), 0);
    CHECK(p.weight == 256 && p.cap == 50, "params read back %u/%u", p.weight, p.cap);
    tdom_up(a);
    sim_run(SECONDS(10));
    ms = (long)(run_time(V(a, 0)) / 1000000);
    CHECK(ms >= 4500 && ms <= 5500, "50%% cap: ran %ld ms of 10000", ms);

    set_params(a, 0, 25);
    b = tdom_new(1, 11);
    tdom_up(b);
    {
        s_time_t a0 = run_time(V(a, 0)), b0 = run_time(V(b, 0));
        long ams, bms;

        sim_run(SECONDS(10));
        ams = (long)((run_time(V(a, 0)) - a0) / 1000000);
        bms = (long)((run_time(V(b, 0)) - b0) / 1000000);
        CHECK(ams >= 2250 && ams <= 2750, "25%% cap beside another: ran %ld ms", ams);
        CHECK(bms >= 7000, "uncapped neighbour ran only %ld ms", bms);
    }
    /* Cap removed: it shares equally again. */
    set_params(a, 0, 0);
    {
        s_time_t a0 = run_time(V(a, 0));
        long ams;

        sim_run(SECONDS(4));
        ams = (long)((run_time(V(a, 0)) - a0) / 1000000);
        CHECK(ams >= 1800 && ams <= 2200, "uncapped again: ran %ld ms of 4000", ams);
    }
    p.weight = 70000;
    p.cap = 0;
    CHECK_EQ(sched_adjust_domain(&a->d, &p, true), -EINVAL);
    p.weight = 0;
    p.cap = 101;
    CHECK_EQ(sched_adjust_domain(&a->d, &p, true), -EINVAL);
    tdom_free(a);
    tdom_free(b);
    pool_del(11);
    check_clean();
}

/* sched_credit_tslice_ms=: the slice equal vCPUs take turns with. */
static void test_credit_tslice(void)
{
    struct tdom *a, *b;
    unsigned long before;

    opt_credit_tslice_ms = 10;
    pool_new(11, "credit", 7, 7);
    opt_credit_tslice_ms = CSCHED_DEFAULT_TSLICE_MS;
    CHECK_EQ(csched_priv(pool_sched(11))->tslice, MILLISECS(10));
    a = tdom_new(1, 11);
    b = tdom_new(1, 11);
    tdom_up(a);
    tdom_up(b);
    sim_run(MILLISECS(100));
    before = sched_pcpu[7].nr_switches;
    sim_run(SECONDS(1));
    CHECK(sched_pcpu[7].nr_switches - before >= 95 && sched_pcpu[7].nr_switches - before <= 105,
          "%lu switches in 1 s with 10 ms slices", sched_pcpu[7].nr_switches - before);
    tdom_free(a);
    tdom_free(b);
    pool_del(11);

    printk_log_clear();
    opt_credit_tslice_ms = 0;
    pool_new(11, "credit", 7, 7);
    CHECK(printk_log_contains("sched_credit_tslice_ms=0 out of range"), "no warning");
    CHECK_EQ(csched_priv(pool_sched(11))->tslice, MILLISECS(CSCHED_DEFAULT_TSLICE_MS));
    pool_del(11);
    check_clean();
}

/* Equal vCPUs on one CPU: one that yields lets the other run. */
static void test_yield(void)
{
    struct tdom *t;
    struct vcpu *run;

    pool_new(10, "credit", 7, 7);
    t = tdom_new(2, 10);
    tdom_up(t);
    sim_run(MILLISECS(45));
    run = sched_cpu_curr(7);
    CHECK(run == V(t, 0) || run == V(t, 1), "nothing runs");
    vcpu_yield(run);
    sim_settle();
    CHECK(sched_cpu_curr(7) != run && !is_idle_vcpu(sched_cpu_curr(7)), "yield kept the CPU");
    tdom_free(t);
    pool_del(10);
    check_clean();
}

/* Pause counts nest; runstates add up to the time elapsed. */
static void test_pause_runstate(void)
{
    struct tdom *t;
    struct vcpu *v;
    struct vcpu_runstate r;
    s_time_t born, total;
    unsigned int i;

    pool_new(10, "credit", 7, 7);
    born = sim_now;
    t = tdom_new(1, 10);
    v = V(t, 0);
    CHECK_EQ(v->runstate.state, RUNSTATE_offline);
    sim_run(MILLISECS(10));
    vcpu_up(v);
    sim_run(MILLISECS(100));
    CHECK(v->is_running, "not running after vcpu_up");
    vcpu_block(v);
    sim_settle();
    CHECK(!v->is_running && v->runstate.state == RUNSTATE_blocked, "block: state %d",
          v->runstate.state);
    sim_run(MILLISECS(50));
    vcpu_unblock(v);
    sim_settle();
    CHECK(v->is_running, "unblock did not run it");

    vcpu_pause(v);
    CHECK(!v->is_running && v->runstate.state == RUNSTATE_offline, "pause did not stop it");
    vcpu_pause_nosync(v);
    vcpu_unpause(v);
    sim_run(MILLISECS(20));
    CHECK(!v->is_running, "ran with one pause left");
    vcpu_unpause(v);
    sim_settle();
    CHECK(v->is_running, "did not run when unpaused");
    domain_pause(&t->d);
    domain_pause(&t->d);
    domain_unpause(&t->d);
    sim_run(MILLISECS(20));
    CHECK(!v->is_running, "ran in a paused domain");
    domain_unpause(&t->d);
    sim_run(MILLISECS(20));
    CHECK(v->is_running, "domain unpause did not run it");

    vcpu_runstate_get(v, &r);
    for (total = 0, i = 0; i < NR_RUNSTATES; i++)
        total += r.time[i];
    CHECK_EQ(total, sim_now - born);
    CHECK_EQ(r.time[RUNSTATE_blocked], MILLISECS(50));
    CHECK_EQ(r.time[RUNSTATE_running], MILLISECS(100 + 20));
    CHECK_EQ(r.time[RUNSTATE_offline], MILLISECS(10 + 20 + 20));
    tdom_free(t);
    pool_del(10);
    check_clean();
}

/*
 * A pause in flight: domain_pause_nosync() has raised the count but not
 * yet taken each vCPU off its queue when another CPU schedules and picks
 * a queued one.  It may run until the pause reaches it (the scheduler is
 * not told of a raised count), then must stop; nothing is lost.
 */
static void test_pause_in_flight(void)
{
    struct tdom *t;
    unsigned int i;

    pool_new(11, "credit", 7, 7);
    t = tdom_new(2, 11);
    tdom_up(t);
    sim_run(MILLISECS(5));
    CHECK(V(t, 0)->is_running != V(t, 1)->is_running, "not one running, one queued");

    __atomic_fetch_add(&t->d.pause_count, 1, __ATOMIC_SEQ_CST);
    sched_tickle(7);
    sim_settle();                   /* CPU 7 schedules: the queued one comes next */
    for (i = 0; i < 2; i++)
        vcpu_sleep_nosync(V(t, i));
    sim_run(MILLISECS(5));
    for (i = 0; i < 2; i++)
        CHECK(!V(t, i)->is_running && V(t, i)->runstate.state == RUNSTATE_offline,
              "v%u: running %d, state %d", i, V(t, i)->is_running, V(t, i)->runstate.state);
    tdom_clear_runs(t);
    domain_unpause(&t->d);
    sim_run(MILLISECS(100));
    CHECK(t->tv[0].runs && t->tv[1].runs, "a vCPU was lost: runs %lu, %lu", t->tv[0].runs,
          t->tv[1].runs);
    tdom_free(t);
    pool_del(11);
    check_clean();
}

/*
 * An unblock racing a block: the vCPU blocks (HLT) and its CPU schedules;
 * another CPU's vcpu_unblock() clears VPF_blocked without the lock after
 * do_schedule left the vCPU off the queue but before the switch (which
 * calls it runnable), then its vcpu_wake() gets the lock.  The wake must
 * still queue it: a runstate of "runnable" is no proof of being queued.
 * A wake of a vCPU that is already queued changes nothing.
 */
static const struct scheduler_ops *race_ops_orig;
static struct vcpu *race_unblock;

static struct sched_decision race_do_schedule(struct scheduler *s, unsigned int cpu,
                                              struct vcpu *prev, s_time_t now)
{
    struct sched_decision d = race_ops_orig->do_schedule(s, cpu, prev, now);

    if (race_unblock)
        __atomic_fetch_and(&race_unblock->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST);
    race_unblock = NULL;
    return d;
}

static void test_unblock_during_schedule(void)
{
    static struct scheduler_ops race_ops;
    struct scheduler *s;
    struct tdom *t;
    struct vcpu *v;

    pool_new(12, "credit", 7, 7);
    t = tdom_new(2, 12);
    v = V(t, 0);
    vcpu_up(v);
    sim_run(MILLISECS(5));
    CHECK(v->is_running, "not running after vcpu_up");

    s = &t->d.cpupool->sched;
    race_ops_orig = s->ops;
    race_ops = *s->ops;
    race_ops.do_schedule = race_do_schedule;
    s->ops = &race_ops;
    race_unblock = v;
    vcpu_block(v);
    sim_settle();                   /* CPU 7 schedules; the unblock lands inside */
    s->ops = race_ops_orig;
    CHECK(!v->is_running && !(v->pause_flags & VPF_blocked), "race not set up: running %d",
          v->is_running);
    vcpu_wake(v);                   /* the rest of that vcpu_unblock() */
    tdom_clear_runs(t);
    sim_run(MILLISECS(20));
    CHECK(t->tv[0].runs && v->is_running, "woken vCPU lost: runs %lu, state %d", t->tv[0].runs,
          v->runstate.state);

    vcpu_up(V(t, 1));               /* queued behind v on the one CPU */
    sim_settle();
    vcpu_wake(V(t, 1));
    vcpu_wake(V(t, 1));
    sim_run(MILLISECS(100));
    CHECK(t->tv[1].runs, "queued vCPU never ran");
    tdom_free(t);
    pool_del(12);
    check_clean();
}

/*
 * Null: one CPU per vCPU; more vCPUs than CPUs wait (with a warning) and
 * take the next CPU freed that they may use; pinning and soft affinity
 * are respected; a CPU with a vCPU cannot leave the pool.
 */
static void test_null(void)
{
    struct tdom *t, *u;
    cpumask_t seen;
    unsigned int i, cpu;

    pool_new(20, "null", 4, 7);
    t = tdom_new(4, 20);
    tdom_up(t);
    sim_run(MILLISECS(50));
    cpumask_clear(&seen);
    for (i = 0; i < 4; i++) {
        cpu = V(t, i)->processor;
        CHECK(cpumask_weight(&t->tv[i].ran_on) == 1 && cpumask_test_cpu(cpu, &t->tv[i].ran_on),
              "v%u ran on %u CPUs", i, cpumask_weight(&t->tv[i].ran_on));
        CHECK(!cpumask_test_cpu(cpu, &seen), "CPU %u given twice", cpu);
        cpumask_set_cpu(cpu, &seen);
        CHECK(sched_cpu_curr(cpu) == V(t, i), "CPU %u does not run v%u", cpu, i);
    }
    CHECK_EQ(sched_pcpu[4].slice_timer.status == TIMER_STATUS_in_heap, 0);

    /* A fifth vCPU waits, warned about, and never runs. */
    printk_log_clear();
    u = tdom_new(3, 20);
    CHECK(printk_log_contains("no free CPU it may use, waiting"), "no warning");
    set_hard(V(u, 1), cpu_only(6));
    set_hard_soft(V(u, 2), cpus_of(4, 7), cpu_only(7));
    tdom_up(u);
    sim_run(MILLISECS(50));
    for (i = 0; i < 3; i++)
        CHECK_EQ(u->tv[i].runs, 0);
    CHECK_EQ(cpupool_unassign_cpu(20, 5), -EBUSY);

    /* CPU 5 frees up: u0 (first in line, may use any) gets it, not u1 (pinned to 6). */
    cpu = 5;
    for (i = 0; i < 4; i++)
        if (V(t, i)->processor == cpu)
            break;
    sched_destroy_vcpu(V(t, i));
    sim_run(MILLISECS(50));
    CHECK(ran_only_on(&u->tv[0], cpu_only(5)), "u0 did not take CPU 5");
    CHECK_EQ(u->tv[1].runs, 0);

    /* CPU 7 frees up: u1 may not use it, u2 prefers it. */
    for (i = 0; i < 4; i++)
        if (t->slots[i] && V(t, i)->processor == 7)
            break;
    sched_destroy_vcpu(V(t, i));
    sim_run(MILLISECS(50));
    CHECK(ran_only_on(&u->tv[2], cpu_only(7)), "u2 did not take CPU 7");
    CHECK_EQ(u->tv[1].runs, 0);

    /* CPU 6 frees up: u1, pinned there, finally runs, there only. */
    for (i = 0; i < 4; i++)
        if (t->slots[i] && V(t, i)->processor == 6)
            break;
    sched_destroy_vcpu(V(t, i));
    sim_run(MILLISECS(50));
    CHECK(ran_only_on(&u->tv[1], cpu_only(6)), "u1 did not take CPU 6");
    CHECK_EQ(tdom_bad_runs(t) + tdom_bad_runs(u), 0);

    /* Repinning a running vCPU moves it to a free CPU it may use. */
    for (i = 0; i < 4 && !t->slots[i]; i++)
        ;
    cpu = V(t, i)->processor;
    tdom_free(u);
    sim_run(MILLISECS(1));
    {
        unsigned int to = cpu == 4 ? 5 : 4;

        set_hard(V(t, i), cpu_only(to));
        tdom_clear_runs(t);
        sim_run(MILLISECS(50));
        CHECK(ran_only_on(&t->tv[i], cpu_only(to)), "repinned vCPU not on CPU %u", to);
        CHECK(sched_cpu_is_idle(cpu), "old CPU %u still busy", cpu);
    }
    tdom_free(t);
    pool_del(20);
    check_clean();
}

/* Pools: creation rules, overlapping assignment, refused removals, domain moves. */
static void test_cpupools(void)
{
    struct tdom *t;
    cpumask_t m;
    unsigned int i;

    CHECK_EQ(cpupool_create(30, "no-such-scheduler"), -EINVAL);
    CHECK_EQ(cpupool_create(CPUPOOL_ID_BOOT, "credit"), -EEXIST);
    CHECK_EQ(cpupool_create(30, "credit"), 0);
    CHECK_EQ(cpupool_create(30, "null"), -EEXIST);
    CHECK_EQ(cpupool_assign_cpu(30, 3), -EBUSY);         /* still in pool 0 */
    CHECK_EQ(cpupool_unassign_cpu(30, 3), -EINVAL);      /* not in pool 30 */
    CHECK_EQ(cpupool_assign_cpu(31, 3), -ENOENT);
    CHECK_EQ(cpupool_assign_cpu(30, NR_CPUS), -EINVAL);
    CHECK_EQ(cpupool_destroy(CPUPOOL_ID_BOOT), -EBUSY);
    {
        struct domain d = { .domain_id = 999, .max_vcpus = 0 };

        CHECK_EQ(sched_init_domain(&d, 30), -EINVAL);    /* a pool without CPUs */
        CHECK_EQ(sched_init_domain(&d, 31), -ENOENT);
    }
    CHECK_EQ(cpupool_unassign_cpu(CPUPOOL_ID_BOOT, 6), 0);
    CHECK_EQ(cpupool_unassign_cpu(CPUPOOL_ID_BOOT, 7), 0);
    CHECK_EQ(cpupool_assign_cpu(30, 6), 0);
    CHECK_EQ(cpupool_assign_cpu(30, 6), -EBUSY);
    CHECK_EQ(cpupool_assign_cpu(CPUPOOL_ID_BOOT, 6), -EBUSY);   /* overlapping: refused */
    CHECK_EQ(cpupool_assign_cpu(30, 7), 0);
    CHECK_EQ(cpupool_get_cpus(30, &m), 0);
    CHECK(cpumask_equal(&m, &(cpumask_t){ .bits = { 0xc0 } }), "pool 30 CPUs");
    CHECK_EQ(cpupool_destroy(30), -EBUSY);                 /* it has CPUs */

    /* A domain in pool 0, running everywhere, moves to pool 30: then runs on 6-7 only. */
    t = tdom_new(4, CPUPOOL_ID_BOOT);
    set_hard(V(t, 3), cpu_only(1));
    tdom_up(t);
    sim_run(MILLISECS(100));
    printk_log_clear();
    CHECK_EQ(cpupool_move_domain(&t->d, 30), 0);
    CHECK(printk_log_contains("pinned outside pool 30: pinning reset"), "no pinning warning");
    CHECK(t->d.cpupool == cpupool_find(30), "domain not in pool 30");
    CHECK_EQ(cpupool_find(30)->n_dom, 1);
    tdom_clear_runs(t);
    sim_run(MILLISECS(300));
    for (i = 0; i < 4; i++)
        CHECK(t->tv[i].runs && ran_within(&t->tv[i], cpus_of(6, 7)), "v%u after the move", i);
    CHECK_EQ(cpupool_destroy(30), -EBUSY);

    /* A CPU with vCPUs on it leaves a credit pool; they carry on on the other. */
    CHECK_EQ(cpupool_unassign_cpu(30, 7), 0);
    CHECK(sched_cpu_is_idle(7) && !sched_pcpu[7].pool, "CPU 7 still in use");
    tdom_clear_runs(t);
    sim_run(MILLISECS(300));
    for (i = 0; i < 4; i++)
        CHECK(ran_only_on(&t->tv[i], cpu_only(6)), "v%u not only on CPU 6", i);
    CHECK_EQ(cpupool_unassign_cpu(30, 6), -EBUSY);          /* the domain's last CPU */
    CHECK_EQ(cpupool_assign_cpu(30, 7), 0);
    set_hard(V(t, 0), cpu_only(7));
    CHECK_EQ(cpupool_unassign_cpu(30, 7), -EBUSY);          /* v0's only CPU */

    /* On to a null pool of two CPUs: two vCPUs run, two wait. */
    CHECK_EQ(cpupool_create(31, "null"), 0);
    CHECK_EQ(cpupool_unassign_cpu(CPUPOOL_ID_BOOT, 4), 0);
    CHECK_EQ(cpupool_unassign_cpu(CPUPOOL_ID_BOOT, 5), 0);
    CHECK_EQ(cpupool_assign_cpu(31, 4), 0);
    CHECK_EQ(cpupool_assign_cpu(31, 5), 0);
    CHECK_EQ(cpupool_move_domain(&t->d, 31), 0);
    CHECK_EQ(cpupool_find(30)->n_dom, 0);
    tdom_clear_runs(t);
    sim_run(MILLISECS(100));
    {
        unsigned int ran = 0;

        for (i = 0; i < 4; i++) {
            ran += t->tv[i].runs > 0;
            CHECK(ran_within(&t->tv[i], cpus_of(4, 5)), "v%u outside the null pool", i);
        }
        CHECK_EQ(ran, 2);
    }
    CHECK_EQ(cpupool_move_domain(&t->d, CPUPOOL_ID_BOOT), 0);
    CHECK_EQ(cpupool_move_domain(&t->d, 77), -ENOENT);
    CHECK_EQ(tdom_bad_runs(t), 0);
    tdom_free(t);
    pool_del(30);
    pool_del(31);
    CHECK(cpupool_find(30) == NULL && cpupool_find(31) == NULL, "pools not gone");
    /* A destroyed pool's id can be used again. */
    CHECK_EQ(cpupool_create(30, "null"), 0);
    CHECK_EQ(cpupool_destroy(30), 0);
    check_clean();
}

/* The boot self-tests (selftest=sched-*) pass on the simulated machine too. */
static void test_boot_selftests(void)
{
    printk_log_clear();
    CHECK(sched_selftest_pin(), "sched-pin failed");
    CHECK(printk_log_contains("selftest sched-pin: PASS"), "no PASS line");
    CHECK(sched_selftest_null(), "sched-null failed");
    CHECK(printk_log_contains("selftest sched-null: PASS"), "no PASS line");
    CHECK(printk_log_contains("no free CPU it may use, waiting"), "null: no waiting warning");
    CHECK(sched_selftest_credit(), "sched-credit failed");
    CHECK(printk_log_contains("selftest sched-credit: PASS"), "no PASS line");
    CHECK(!printk_log_contains("FAIL"), "a FAIL line");
    check_clean();
}

/* Debug keys: what the scheduler registers (in scheduler_init, at sim_boot), pressed here. */
static keyhandler_fn_t test_keys[256];

void register_keyhandler(char key, keyhandler_fn_t fn, const char *desc)
{
    test_keys[(unsigned char)key] = fn;
}

static void press(char key)
{
    keyhandler_fn_t fn = test_keys[(unsigned char)key];

    CHECK(fn != NULL, "key '%c' not registered", key);
    printk_log_clear();
    if (fn)
        fn((unsigned char)key);
}

/* 'r' and 'q' show pools, queues, the null waiting list and vCPUs; a held lock gives "(busy)". */
static void test_debug_keys(void)
{
    struct tdom *t, *n;
    char line[96];

    pool_new(40, "null", 6, 7);
    t = tdom_new(9, CPUPOOL_ID_BOOT);
    snprintf(t->d.name, sizeof(t->d.name), "busy");
    set_hard(V(t, 0), cpu_only(1));
    n = tdom_new(3, 40);
    tdom_up(t);
    tdom_up(n);
    vcpu_down(V(t, 8));
    sim_run(MILLISECS(45));

    press('r');
    CHECK(printk_log_contains("CPU pool 0: scheduler credit, CPUs 0-5, 1 domain(s)\n"),
          "no pool 0 line:\n%s", printk_log);
    CHECK(printk_log_contains("CPU pool 40: scheduler null, CPUs 6-7, 1 domain(s)\n"),
          "no pool 40 line");
    CHECK(printk_log_contains("  credit: time slice 30 ms"), "no credit settings");
    CHECK(printk_log_contains("    run queue: 1\n"), "no queue of one");
    CHECK(printk_log_contains("    running: d"), "no running vCPU");
    CHECK(printk_log_contains("  null: 1 vCPU(s) waiting for a free CPU\n"), "no waiting count");
    snprintf(line, sizeof(line), "    waiting: d%uv2\n", n->d.domain_id);
    CHECK(printk_log_contains(line), "no %s", line);
    snprintf(line, sizeof(line), "  CPU6: current d%uv", n->d.domain_id);
    CHECK(printk_log_contains(line), "no %s", line);
    CHECK(printk_log_contains("    assigned to d"), "no null assignment");

    press('q');
    snprintf(line, sizeof(line), "Domain %u \"busy\": pool 0, 9 vCPU slot(s), pause count 0\n",
             t->d.domain_id);
    CHECK(printk_log_contains(line), "no %s:\n%s", line, printk_log);
    snprintf(line, sizeof(line), "  d%uv0: CPU1, ", t->d.domain_id);
    CHECK(printk_log_contains(line), "no %s", line);
    CHECK(printk_log_contains("    hard affinity 1, soft affinity none; pause flags none"),
          "no pinned vCPU");
    CHECK(printk_log_contains("    hard affinity all, soft affinity none; pause flags down, "
                              "pause count 0\n"), "no downed vCPU");
    snprintf(line, sizeof(line), "  d%uv8: CPU", t->d.domain_id);
    CHECK(printk_log_contains(line) && printk_log_contains(", offline for 0.045 s; "),
          "no offline vCPU");

    /* A dump finds a lock held (by the code it interrupted): it says so and goes on. */
    spin_lock(&pool_sched(CPUPOOL_ID_BOOT)->lock);
    press('r');
    CHECK(printk_log_contains("CPU pool 0: (busy)\n"), "pool 0 not busy");
    CHECK(printk_log_contains("CPU pool 40: scheduler null"), "pool 40 not shown");
    CHECK(!printk_log_contains("CPUs in no pool"), "pool 0's CPUs shown as in no pool");
    press('q');
    CHECK(printk_log_contains("  vCPUs: (busy)\n"), "vCPUs not busy");
    spin_unlock(&pool_sched(CPUPOOL_ID_BOOT)->lock);

    tdom_free(n);
    tdom_free(t);
    pool_del(40);
    press('q');
    CHECK(printk_log_contains("Domains: none\n"), "domains left");
    check_clean();
}

static const struct test_case cases[] = {
    { "sched: boot, pool 0 and idle vCPUs", test_boot },
    { "sched: credit run-queue order", test_runq_order },
    { "sched: credit boost on wake", test_boost_preempts },
    { "sched: pinning respected", test_pinning },
    { "sched: random affinities, credit", test_affinity_random_credit },
    { "sched: random affinities, null", test_affinity_random_null },
    { "sched: soft affinity preferred", test_soft_affinity },
    { "sched: load balancing", test_load_balance },
    { "sched: credit weights 256:512", test_credit_weights },
    { "sched: credit weights over 2 CPUs", test_credit_weights_smp },
    { "sched: credit caps", test_credit_cap },
    { "sched: credit time slice option", test_credit_tslice },
    { "sched: yield", test_yield },
    { "sched: pause counts and runstates", test_pause_runstate },
    { "sched: pause in flight", test_pause_in_flight },
    { "sched: unblock during schedule", test_unblock_during_schedule },
    { "sched: null scheduler", test_null },
    { "sched: cpupools", test_cpupools },
    { "sched: boot self-tests simulated", test_boot_selftests },
    { "sched: debug keys r and q", test_debug_keys },
};

int main(void)
{
    /* Unbuffered: a BUG_ON in scheduler code aborts, and its message must not be lost. */
    setvbuf(stdout, NULL, _IONBF, 0);
    sim_boot(NCPUS, "credit");
    return test_run(cases, ARRAY_SIZE(cases));
}
