/*
 * Boot self-tests of the scheduler, for the emulator tests
 * (selftest=sched-pin,sched-null,sched-credit).  Test vCPUs busy-work and
 * note every pCPU they ran on; the boot CPU runs its own run loop for a
 * while (sched_run_for) and then checks where and how long they ran.
 * Each prints "selftest sched-...: PASS" or "... FAIL: <why>".
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>

#define STEST_MAX_CPUS     8
#define STEST_MAX_VCPUS    (2 * STEST_MAX_CPUS + 1)
/* Test domains take ids below the reserved range that no boot domain uses. */
#define STEST_DOMID_BASE   0x7F00U
#define STEST_POOL_NULL    0x5E01U
#define STEST_POOL_CREDIT  0x5E02U
#define STEST_JOIN_WAIT    SECONDS(1)

#define STEST_PIN_RUN      SECONDS(1)
#define STEST_NULL_RUN     MILLISECS(500)
#define STEST_NULL_RERUN   MILLISECS(300)
#define STEST_CREDIT_RUN   SECONDS(2)
/*
 * Weights 256:512 must give run times 1:2.  Over 2 s with 30 ms slices
 * the scheduler decides about 65 times, so whole slices alone can put
 * either side off by one slice (about 5% of the ratio); emulators deliver
 * timer interrupts late and unevenly, and a loaded host preempts an
 * emulator's CPU thread in the middle of a slice.  +-40% still tells 2
 * from ignored weights (1.0).  The ratio is judged only if the test CPU
 * switched vCPUs at least once per 90 ms (30 are asked): a CPU whose
 * host thread runs in bursts gets long refill windows that cap both
 * vCPUs' credit, and they take turns whatever their weights (seen in CI:
 * 1.06).  The host tests (tools/tests/sched) check the weights on a
 * simulated clock either way.
 */
#define STEST_CREDIT_MIN_SWITCHES   (STEST_CREDIT_RUN / MILLISECS(90))
#define STEST_CREDIT_RATIO_PERMILLE 2000
#define STEST_CREDIT_TOLERANCE      800

struct stest_vcpu {
    struct vcpu vcpu;
    uint64_t iterations;
    cpumask_t ran_on;
    cpumask_t allowed;
};

struct stest_domain {
    struct domain dom;
    struct vcpu *slots[STEST_MAX_VCPUS];
    struct stest_vcpu tv[STEST_MAX_VCPUS];
};

static unsigned int stest_next_domid;

/* The run hook: busy-work until this CPU has a softirq to look at. */
static void stest_vcpu_run(struct vcpu *v)
{
    struct stest_vcpu *tv = container_of(v, struct stest_vcpu, vcpu);
    unsigned int cpu = smp_processor_id();

    cpumask_set_cpu(cpu, &tv->ran_on);
    do
        ACCESS_ONCE(tv->iterations)++;
    while (!softirq_pending(cpu));
}

static void stest_domain_destroy(struct stest_domain *sd)
{
    unsigned int i;

    if (!sd)
        return;
    for (i = 0; i < sd->dom.max_vcpus; i++)
        if (sd->slots[i])
            sched_destroy_vcpu(sd->slots[i]);
    sched_destroy_domain(&sd->dom);
    sched_free(sd, sizeof(*sd));
}

/* A domain of n test vCPUs (down, unpinned) in a pool; weight 0: the default. */
static struct stest_domain *stest_domain_create(const char *name, unsigned int n,
                                                unsigned int poolid, unsigned int weight)
{
    struct stest_domain *sd = sched_alloc(sizeof(*sd));
    unsigned int i;

    if (!sd || n > STEST_MAX_VCPUS)
        goto fail;
    sd->dom.domain_id = (domid_t)(STEST_DOMID_BASE + stest_next_domid++ % 0x80);
    snprintf(sd->dom.name, sizeof(sd->dom.name), "%s", name);
    sd->dom.max_vcpus = n;
    sd->dom.vcpu = sd->slots;
    if (sched_init_domain(&sd->dom, poolid))
        goto fail;
    if (weight) {
        struct sched_domain_params p = { .weight = weight, .cap = 0 };

        if (sched_adjust_domain(&sd->dom, &p, true)) {
            stest_domain_destroy(sd);
            return NULL;
        }
    }
    for (i = 0; i < n; i++) {
        struct stest_vcpu *tv = &sd->tv[i];

        tv->vcpu.vcpu_id = i;
        tv->vcpu.domain = &sd->dom;
        tv->vcpu.run = stest_vcpu_run;
        cpumask_setall(&tv->allowed);
        if (sched_init_vcpu(&tv->vcpu, 0)) {
            stest_domain_destroy(sd);
            return NULL;
        }
    }
    return sd;
 fail:
    sched_free(sd, sizeof(*sd));
    return NULL;
}

static void stest_up_all(struct stest_domain *sd)
{
    unsigned int i;

    for (i = 0; i < sd->dom.max_vcpus; i++)
        if (sd->slots[i])
            vcpu_up(sd->slots[i]);
}

static bool __printf(2, 3) stest_fail(const char *word, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "selftest %s: FAIL: %s\n", word, why);
    return false;
}

static bool stest_pass(const char *word)
{
    printk("selftest %s: PASS\n", word);
    return true;
}

/*
 * Up to STEST_MAX_CPUS CPUs of pool 0, once every online CPU has joined
 * the scheduler (secondary CPUs join from their own run loop).
 */
static unsigned int stest_cpus(unsigned int *cpus)
{
    s_time_t until = NOW() + STEST_JOIN_WAIT;
    unsigned int cpu, n = 0;
    cpumask_t pool0;

    for_each_cpu(cpu, &cpu_online_map)
        while (!ACCESS_ONCE(sched_pcpu[cpu].pool) && NOW() < until)
            sched_arch_wait(cpu);
    if (cpupool_get_cpus(CPUPOOL_ID_BOOT, &pool0))
        return 0;
    for_each_cpu(cpu, &pool0) {
        if (n == STEST_MAX_CPUS)
            break;
        cpus[n++] = cpu;
    }
    return n;
}

/* Move CPUs between pools; on failure, those already moved go back. */
static int stest_move_cpus(const unsigned int *cpus, unsigned int n, unsigned int from,
                           unsigned int to)
{
    unsigned int i;
    int rc = 0;

    for (i = 0; i < n; i++) {
        rc = cpupool_unassign_cpu(from, cpus[i]);
        if (rc)
            break;
        rc = cpupool_assign_cpu(to, cpus[i]);
        if (rc) {
            cpupool_assign_cpu(from, cpus[i]);
            break;
        }
    }
    if (rc)
        while (i-- > 0)
            if (!cpupool_unassign_cpu(to, cpus[i]))
                cpupool_assign_cpu(from, cpus[i]);
    return rc;
}

/* Every vCPU ran, and only within tv->allowed; else a FAIL line and false. */
static bool stest_check_ran_within(const char *word, const struct stest_domain *sd)
{
    unsigned int i, cpu;

    for (i = 0; i < sd->dom.max_vcpus; i++) {
        const struct stest_vcpu *tv = &sd->tv[i];
        cpumask_t outside;

        if (!tv->iterations)
            return stest_fail(word, "d%u v%u never ran", sd->dom.domain_id, i);
        cpumask_andnot(&outside, &tv->ran_on, &tv->allowed);
        cpu = cpumask_first(&outside);
        if (cpu != NR_CPUS)
            return stest_fail(word, "d%u v%u ran on CPU %u outside its hard affinity",
                              sd->dom.domain_id, i, cpu);
    }
    return true;
}

/*
 * sched-pin: vCPUs pinned to one CPU or to two neighbours run for a
 * second; each must have run, and only where it was allowed to.
 */
bool sched_selftest_pin(void)
{
    static const char word[] = "sched-pin";
    unsigned int cpus[STEST_MAX_CPUS], n = stest_cpus(cpus), nv, i;
    const struct cpupool *pool0 = cpupool_find(CPUPOOL_ID_BOOT);
    struct stest_domain *sd;
    bool ok;

    if (!n || !pool0)
        return stest_fail(word, "no CPU in pool 0");
    /* The null scheduler runs one vCPU per CPU; the others share. */
    nv = pool0->sched.ops->sched_id == SCHED_ID_NULL ? n : 2 * n;
    sd = stest_domain_create(word, nv, CPUPOOL_ID_BOOT, 0);
    if (!sd)
        return stest_fail(word, "cannot create a test domain of %u vCPUs", nv);
    for (i = 0; i < nv; i++) {
        struct stest_vcpu *tv = &sd->tv[i];

        cpumask_clear(&tv->allowed);
        cpumask_set_cpu(cpus[i % n], &tv->allowed);
        if ((i & 1) && n > 1)
            cpumask_set_cpu(cpus[(i + 1) % n], &tv->allowed);
        if (vcpu_set_affinity(&tv->vcpu, &tv->allowed, NULL)) {
            stest_domain_destroy(sd);
            return stest_fail(word, "pinning v%u refused", i);
        }
    }
    printk("selftest %s: %u vCPUs pinned over %u CPUs, running for 1 s\n", word, nv, n);
    stest_up_all(sd);
    sched_run_for(STEST_PIN_RUN);
    domain_pause(&sd->dom);
    ok = stest_check_ran_within(word, sd);
    stest_domain_destroy(sd);
    return ok && stest_pass(word);
}

/* The one CPU a vCPU ran on, or NR_CPUS if none or several. */
static unsigned int stest_only_cpu(const struct stest_vcpu *tv)
{
    return cpumask_weight(&tv->ran_on) == 1 ? cpumask_first(&tv->ran_on) : NR_CPUS;
}

static bool stest_null_checks(const char *word, struct stest_domain *sd, unsigned int n)
{
    struct stest_vcpu *extra = &sd->tv[n];
    cpumask_t seen;
    unsigned int i, cpu, freed;

    cpumask_clear(&seen);
    for (i = 0; i < n; i++) {
        cpu = stest_only_cpu(&sd->tv[i]);
        if (!sd->tv[i].iterations || cpu == NR_CPUS)
            return stest_fail(word, "v%u ran on %u CPUs, not one", i,
                              cpumask_weight(&sd->tv[i].ran_on));
        if (cpumask_test_cpu(cpu, &seen))
            return stest_fail(word, "v%u shares CPU %u with another vCPU", i, cpu);
        cpumask_set_cpu(cpu, &seen);
    }
    if (extra->iterations)
        return stest_fail(word, "v%u ran although every CPU was taken", n);

    /* Its CPU freed, the waiting vCPU gets that one and runs only there. */
    freed = stest_only_cpu(&sd->tv[0]);
    sched_destroy_vcpu(&sd->tv[0].vcpu);
    domain_unpause(&sd->dom);
    sched_run_for(STEST_NULL_RERUN);
    domain_pause(&sd->dom);
    cpu = stest_only_cpu(extra);
    if (!extra->iterations || cpu != freed)
        return stest_fail(word, "waiting v%u did not take freed CPU %u (ran on %u CPUs)", n,
                          freed, cpumask_weight(&extra->ran_on));
    return true;
}

/*
 * sched-null: a null pool takes pool 0's CPUs; as many vCPUs as CPUs
 * each get a CPU of their own, one more waits and gets the CPU that the
 * first one frees.
 */
bool sched_selftest_null(void)
{
    static const char word[] = "sched-null";
    unsigned int cpus[STEST_MAX_CPUS], n = stest_cpus(cpus);
    struct stest_domain *sd;
    bool ok;
    int rc;

    if (!n)
        return stest_fail(word, "no CPU in pool 0");
    rc = cpupool_create(STEST_POOL_NULL, "null");
    if (rc)
        return stest_fail(word, "cannot create a null pool (%d)", rc);
    rc = stest_move_cpus(cpus, n, CPUPOOL_ID_BOOT, STEST_POOL_NULL);
    if (rc) {
        cpupool_destroy(STEST_POOL_NULL);
        return stest_fail(word, "cannot move %u CPUs to the null pool (%d)", n, rc);
    }
    sd = stest_domain_create(word, n + 1, STEST_POOL_NULL, 0);
    if (!sd) {
        ok = stest_fail(word, "cannot create a test domain of %u vCPUs", n + 1);
    } else {
        printk("selftest %s: %u vCPUs on %u CPUs, running for 0.5 s\n", word, n + 1, n);
        stest_up_all(sd);
        sched_run_for(STEST_NULL_RUN);
        domain_pause(&sd->dom);
        ok = stest_null_checks(word, sd, n);
        stest_domain_destroy(sd);
    }
    if (stest_move_cpus(cpus, n, STEST_POOL_NULL, CPUPOOL_ID_BOOT) ||
        cpupool_destroy(STEST_POOL_NULL))
        ok = ok && stest_fail(word, "cannot give the CPUs back to pool 0");
    return ok && stest_pass(word);
}

static bool stest_credit_checks(const char *word, struct stest_domain *a, struct stest_domain *b,
                                unsigned long switches, bool *judged)
{
    struct vcpu_runstate ra, rb;
    s_time_t ta, tb;
    int64_t ratio;

    vcpu_runstate_get(&a->tv[0].vcpu, &ra);
    vcpu_runstate_get(&b->tv[0].vcpu, &rb);
    ta = ra.time[RUNSTATE_running];
    tb = rb.time[RUNSTATE_running];
    if (ta <= 0 || tb <= 0)
        return stest_fail(word, "a vCPU never ran (%ld ns, %ld ns)", (long)ta, (long)tb);
    ratio = tb * 1000 / ta;
    printk("selftest %s: weight 256 ran %ld ms, weight 512 ran %ld ms: ratio %ld.%03ld "
           "(%lu switches)\n", word, (long)(ta / MILLISECS(1)), (long)(tb / MILLISECS(1)),
           (long)(ratio / 1000), (long)(ratio % 1000), switches);
    if (ta + tb < STEST_CREDIT_RUN / 2)
        return stest_fail(word, "they ran %ld ms of %ld ms", (long)((ta + tb) / MILLISECS(1)),
                          (long)(STEST_CREDIT_RUN / MILLISECS(1)));
    *judged = switches >= (unsigned long)STEST_CREDIT_MIN_SWITCHES;
    if (!*judged) {
        printk("selftest %s: SKIP: %lu switches in 2 s (want %lu): this CPU ran in bursts, "
               "the ratio says nothing about the weights\n", word, switches,
               (unsigned long)STEST_CREDIT_MIN_SWITCHES);
        return true;
    }
    if (ratio < STEST_CREDIT_RATIO_PERMILLE - STEST_CREDIT_TOLERANCE ||
        ratio > STEST_CREDIT_RATIO_PERMILLE + STEST_CREDIT_TOLERANCE)
        return stest_fail(word, "run-time ratio %ld.%03ld, want 2 +-40%%", (long)(ratio / 1000),
                          (long)(ratio % 1000));
    return true;
}

/*
 * sched-credit: two vCPUs of weights 256 and 512 share one CPU (in a
 * credit pool of its own) for 2 s: run times must be 1:2.
 */
bool sched_selftest_credit(void)
{
    static const char word[] = "sched-credit";
    unsigned int cpus[STEST_MAX_CPUS], n = stest_cpus(cpus), cpu;
    struct stest_domain *a = NULL, *b = NULL;
    bool ok, judged = false;
    int rc;

    if (!n)
        return stest_fail(word, "no CPU in pool 0");
    cpu = cpus[n - 1];
    rc = cpupool_create(STEST_POOL_CREDIT, "credit");
    if (rc)
        return stest_fail(word, "cannot create a credit pool (%d)", rc);
    rc = stest_move_cpus(&cpu, 1, CPUPOOL_ID_BOOT, STEST_POOL_CREDIT);
    if (rc) {
        cpupool_destroy(STEST_POOL_CREDIT);
        return stest_fail(word, "cannot move CPU %u to the credit pool (%d)", cpu, rc);
    }
    a = stest_domain_create("sched-credit-256", 1, STEST_POOL_CREDIT, 256);
    b = stest_domain_create("sched-credit-512", 1, STEST_POOL_CREDIT, 512);
    if (!a || !b) {
        ok = stest_fail(word, "cannot create the test domains");
    } else {
        unsigned long switches = sched_pcpu[cpu].nr_switches;

        printk("selftest %s: weights 256 and 512 on CPU %u, running for 2 s\n", word, cpu);
        stest_up_all(a);
        stest_up_all(b);
        sched_run_for(STEST_CREDIT_RUN);
        domain_pause(&a->dom);
        domain_pause(&b->dom);
        switches = ACCESS_ONCE(sched_pcpu[cpu].nr_switches) - switches;
        ok = stest_credit_checks(word, a, b, switches, &judged);
    }
    stest_domain_destroy(a);
    stest_domain_destroy(b);
    if (stest_move_cpus(&cpu, 1, STEST_POOL_CREDIT, CPUPOOL_ID_BOOT) ||
        cpupool_destroy(STEST_POOL_CREDIT))
        ok = ok && stest_fail(word, "cannot give CPU %u back to pool 0", cpu);
    return ok && (!judged || stest_pass(word));
}

struct stest_domain *sched_selftest_load_start(const char *name)
{
    unsigned int cpus[STEST_MAX_CPUS], n = stest_cpus(cpus);
    struct stest_domain *sd;
    cpumask_t first;

    if (!n)
        return NULL;
    sd = stest_domain_create(name, n + 1, CPUPOOL_ID_BOOT, 0);
    if (!sd)
        return NULL;
    /* One pinned vCPU shows an affinity; one more than CPUs makes a queue somewhere. */
    cpumask_clear(&first);
    cpumask_set_cpu(cpus[0], &first);
    vcpu_set_affinity(&sd->tv[0].vcpu, &first, NULL);
    stest_up_all(sd);
    return sd;
}

void sched_selftest_load_stop(struct stest_domain *sd)
{
    if (!sd)
        return;
    domain_pause(&sd->dom);
    stest_domain_destroy(sd);
}
