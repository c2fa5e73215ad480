/*
 * Scheduler core: vCPU lifecycle, wake/sleep/pause, affinity, run-state
 * accounting, and the SCHEDULE_SOFTIRQ handler that asks a CPU's pool
 * scheduler what to run next.  Switching vCPUs only changes the CPU's
 * current vCPU: there is no stack to switch in this design.
 *
 * No hardware access here: the run loop and `current` live in runloop.c,
 * so that host tests can drive this file with a simulated clock.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/boot_params.h>
#include <xen/keyhandler.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/mm.h>

#define SCHED_PAGE_SIZE 4096UL

struct sched_pcpu sched_pcpu[NR_CPUS];
struct domain idle_domain = { .domain_id = DOMID_IDLE, .name = "idle", .max_vcpus = NR_CPUS };
static struct vcpu *idle_vcpus[NR_CPUS];
static int nr_vcpus;                        /* atomic: non-idle vCPUs */
bool scheduler_ready;                       /* pool 0 exists: CPUs may join */

/* ------------------------------------------------------------ helpers */

static unsigned int sched_alloc_order(size_t size)
{
    unsigned int order = 0;

    while ((SCHED_PAGE_SIZE << order) < size)
        order++;
    return order;
}

void *sched_alloc(size_t size)
{
    return alloc_xenheap_pages(sched_alloc_order(size));
}

void sched_free(void *p, size_t size)
{
    if (p)
        free_xenheap_pages(p, sched_alloc_order(size));
}

static void sched_count_vcpu(int delta)
{
    __atomic_fetch_add(&nr_vcpus, delta, __ATOMIC_SEQ_CST);
}

unsigned int sched_nr_vcpus(void)
{
    return (unsigned int)__atomic_load_n(&nr_vcpus, __ATOMIC_SEQ_CST);
}

void sched_tickle(unsigned int cpu)
{
    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

void sched_vcpu_hard_mask(const struct scheduler *s, const struct vcpu *v, cpumask_t *m)
{
    cpumask_and(m, &v->cpu_hard_affinity, &s->cpus);
    if (cpumask_empty(m))
        *m = s->cpus;
}

bool sched_vcpu_may_run_on(const struct scheduler *s, const struct vcpu *v, unsigned int cpu)
{
    cpumask_t m;

    sched_vcpu_hard_mask(s, v, &m);
    return cpumask_test_cpu(cpu, &m);
}

bool sched_vcpu_soft_mask(const struct scheduler *s, const struct vcpu *v, cpumask_t *m)
{
    cpumask_t hard;

    sched_vcpu_hard_mask(s, v, &hard);
    cpumask_and(m, &v->cpu_soft_affinity, &hard);
    /* Soft affinity covering all allowed CPUs, or none of them, is no preference. */
    return !cpumask_empty(m) && !cpumask_equal(m, &hard);
}

bool sched_vcpu_prefers(const struct scheduler *s, const struct vcpu *v, unsigned int cpu)
{
    cpumask_t soft;

    return !sched_vcpu_soft_mask(s, v, &soft) || cpumask_test_cpu(cpu, &soft);
}

/* The scheduler of d's pool, locked: d cannot change pools while it is held. */
static struct scheduler *sched_domain_lock(const struct domain *d)
{
    for (;;) {
        struct cpupool *c = ACCESS_ONCE(d->cpupool);

        spin_lock(&c->sched.lock);
        if (c == ACCESS_ONCE(d->cpupool))
            return &c->sched;
        spin_unlock(&c->sched.lock);
    }
}

struct scheduler *sched_vcpu_lock(const struct vcpu *v)
{
    return sched_domain_lock(v->domain);
}

void sched_vcpu_unlock(struct scheduler *s)
{
    spin_unlock(&s->lock);
}

/* ---------------------------------------------------------- run states */

static void runstate_set(struct vcpu *v, int state, s_time_t now)
{
    s_time_t delta = now - v->runstate.state_entry_time;

    if (delta > 0)
        v->runstate.time[v->runstate.state] += delta;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

/* The run state of a vCPU that may not run now: blocked on an event, or offline. */
static int runstate_not_runnable(const struct vcpu *v)
{
    return (ACCESS_ONCE(v->pause_flags) & VPF_blocked) ? RUNSTATE_blocked : RUNSTATE_offline;
}

void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate *out)
{
    struct scheduler *s = is_idle_vcpu(v) ? NULL : sched_vcpu_lock(v);
    s_time_t delta;

    *out = v->runstate;
    if (s)
        sched_vcpu_unlock(s);
    delta = NOW() - out->state_entry_time;
    if (delta > 0)
        out->time[out->state] += delta;
}

/* ------------------------------------------------------------ schedule */

/* The scheduler of cpu's pool, locked; NULL if the CPU is in no pool. */
static struct scheduler *sched_cpu_lock(unsigned int cpu)
{
    for (;;) {
        struct cpupool *c = ACCESS_ONCE(sched_pcpu[cpu].pool);

        if (!c)
            return NULL;
        spin_lock(&c->sched.lock);
        if (c == ACCESS_ONCE(sched_pcpu[cpu].pool))
            return &c->sched;
        spin_unlock(&c->sched.lock);
    }
}

/* The promises of do_schedule (sched-if.h); breaking one is a scheduler bug. */
static void sched_check_decision(const struct scheduler *s, unsigned int cpu,
                                 const struct vcpu *prev, const struct vcpu *next)
{
    if (is_idle_vcpu(next)) {
        BUG_ON(next != sched_pcpu[cpu].idle);
        return;
    }
    BUG_ON(!s || next->domain->cpupool != s->pool);
    BUG_ON(next->processor != cpu);
    BUG_ON(!cpumask_test_cpu(cpu, &s->cpus) || !sched_vcpu_may_run_on(s, next, cpu));
    /*
     * Not runnable is allowed: pause counts and flags change without the
     * lock, so a vCPU whose pause is in flight (count raised, its
     * vcpu_sleep_nosync() still to come) is still queued and may be
     * chosen.  It runs until that sleep finds it running and makes this
     * CPU schedule again.
     */
    BUG_ON(next != prev && next->is_running);
}

static void sched_switch(struct sched_pcpu *sr, struct vcpu *prev, struct vcpu *next,
                         s_time_t now)
{
    prev->is_running = false;
    runstate_set(prev, vcpu_runnable(prev) ? RUNSTATE_runnable : runstate_not_runnable(prev),
                 now);
    next->is_running = true;
    cpumask_set_cpu(next->processor, &next->ran_on);
    runstate_set(next, RUNSTATE_running, now);
    sr->curr = next;
    sr->nr_switches++;
    sched_arch_set_current(next);
}

void sched_schedule(unsigned int cpu)
{
    struct sched_pcpu *sr = &sched_pcpu[cpu];
    struct scheduler *s = sched_cpu_lock(cpu);
    struct vcpu *prev = sr->curr;
    struct sched_decision d = { .next = sr->idle, .slice = 0 };
    s_time_t now = NOW();

    if (s)
        d = sched_do_schedule(s, cpu, prev, now);
    else
        BUG_ON(!is_idle_vcpu(prev));   /* a CPU leaves its pool only when idle */
    sched_check_decision(s, cpu, prev, d.next);

    if (d.slice > 0)
        set_timer(&sr->slice_timer, now + d.slice);
    else
        stop_timer(&sr->slice_timer);

    if (d.next != prev) {
        sched_switch(sr, prev, d.next, now);
        /* prev was moved elsewhere while it ran here: its new CPU may run it now. */
        if (!is_idle_vcpu(prev) && prev->processor != cpu && vcpu_runnable(prev))
            sched_tickle(prev->processor);
    }
    if (s)
        spin_unlock(&s->lock);
}

static void sched_softirq(void)
{
    sched_schedule(smp_processor_id());
}

static void sched_slice_timer_fn(void *data)
{
    sched_tickle((unsigned int)(unsigned long)data);
}

void sched_wait_cpu_idle(unsigned int cpu)
{
    while (!is_idle_vcpu(ACCESS_ONCE(sched_pcpu[cpu].curr))) {
        if (cpu == smp_processor_id())
            sched_schedule(cpu);
        else
            sched_arch_wait(cpu);
    }
}

/* --------------------------------------------------------------- dumps */

const char *sched_vcpu_str(const struct vcpu *v, char *buf, size_t len)
{
    if (is_idle_vcpu(v))
        snprintf(buf, len, "idle");
    else
        snprintf(buf, len, "d%uv%u", v->domain->domain_id, v->vcpu_id);
    return buf;
}

/* "1.234": nanoseconds as seconds with millisecond precision. */
static const char *sched_time_str(s_time_t t, char *buf, size_t len)
{
    if (t < 0)
        t = 0;
    snprintf(buf, len, "%ld.%03ld", (long)(t / SECONDS(1)),
             (long)(t % SECONDS(1) / MILLISECS(1)));
    return buf;
}

static const char *sched_cpus_str(const cpumask_t *m, char *buf, size_t len)
{
    cpumask_t all;

    cpumask_setall(&all);
    if (cpumask_equal(m, &all))
        return "all";
    if (cpumask_empty(m))
        return "none";
    return cpumask_format_list(m, buf, len);
}

static const char *sched_pause_flags_str(unsigned long flags, char *buf, size_t len)
{
    if (!flags)
        return "none";
    snprintf(buf, len, "%s%s%s", flags & VPF_blocked ? "blocked" : "",
             (flags & VPF_blocked) && (flags & VPF_down) ? "," : "",
             flags & VPF_down ? "down" : "");
    return buf;
}

/* One vCPU, with its pool's scheduler lock held. */
static void sched_dump_vcpu(const struct vcpu *v, s_time_t now)
{
    static const char *const state_names[NR_RUNSTATES] = {
        [RUNSTATE_running] = "running",
        [RUNSTATE_runnable] = "runnable",
        [RUNSTATE_blocked] = "blocked",
        [RUNSTATE_offline] = "offline",
    };
    struct vcpu_runstate r = v->runstate;
    unsigned long flags = ACCESS_ONCE(v->pause_flags);
    char name[SCHED_VCPU_STR_LEN], t[NR_RUNSTATES + 1][24], hard[64], soft[64], pf[24];
    s_time_t in_state = now - r.state_entry_time;

    if (in_state > 0)
        r.time[r.state] += in_state;
    printk("  %s: CPU%u, %s for %s s; running %s s, runnable %s s, blocked %s s, offline %s s\n",
           sched_vcpu_str(v, name, sizeof(name)), v->processor, state_names[r.state],
           sched_time_str(in_state, t[NR_RUNSTATES], sizeof(t[0])),
           sched_time_str(r.time[RUNSTATE_running], t[RUNSTATE_running], sizeof(t[0])),
           sched_time_str(r.time[RUNSTATE_runnable], t[RUNSTATE_runnable], sizeof(t[0])),
           sched_time_str(r.time[RUNSTATE_blocked], t[RUNSTATE_blocked], sizeof(t[0])),
           sched_time_str(r.time[RUNSTATE_offline], t[RUNSTATE_offline], sizeof(t[0])));
    printk("    hard affinity %s, soft affinity %s; pause flags %s, pause count %d\n",
           sched_cpus_str(&v->cpu_hard_affinity, hard, sizeof(hard)),
           sched_cpus_str(&v->cpu_soft_affinity, soft, sizeof(soft)),
           sched_pause_flags_str(flags, pf, sizeof(pf)), ACCESS_ONCE(v->pause_count));
}

/* One domain, with the pool configuration lock held (its pool is stable). */
static void sched_dump_domain(struct domain *d, void *arg)
{
    struct scheduler *s = &d->cpupool->sched;
    unsigned int *count = arg, i;
    s_time_t now = NOW();

    (*count)++;
    printk("Domain %u \"%s\": pool %u, %u vCPU slot(s), pause count %d%s\n", d->domain_id,
           d->name, d->cpupool->id, d->max_vcpus, ACCESS_ONCE(d->pause_count),
           d->is_dying ? ", dying" : "");
    if (!keyhandler_trylock(&s->lock)) {
        printk("  vCPUs: (busy)\n");
        return;
    }
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            sched_dump_vcpu(d->vcpu[i], now);
    spin_unlock(&s->lock);
}

/* Debug key 'q'. */
static void sched_dump_domains(unsigned char key)
{
    unsigned int count = 0;

    if (cpupool_for_each_domain(sched_dump_domain, &count))
        printk("Domains: (busy)\n");
    else if (!count)
        printk("Domains: none\n");
}

/* ------------------------------------------------------- CPUs and boot */

void sched_cpu_start(unsigned int cpu)
{
    struct sched_pcpu *sr = &sched_pcpu[cpu];
    struct vcpu *idle;
    int rc;

    if (sr->up)
        return;
    idle = sched_alloc(sizeof(*idle));
    if (!idle)
        panic("scheduler: no memory for the idle vCPU of CPU %u", cpu);
    idle->vcpu_id = cpu;
    idle->processor = cpu;
    idle->domain = &idle_domain;
    idle->is_running = true;
    idle->runstate.state = RUNSTATE_running;
    idle->runstate.state_entry_time = NOW();
    cpumask_set_cpu(cpu, &idle->cpu_hard_affinity);
    idle_vcpus[cpu] = idle;
    sr->idle = sr->curr = idle;
    init_timer(&sr->slice_timer, sched_slice_timer_fn, (void *)(unsigned long)cpu, cpu);
    sched_arch_set_current(idle);
    sr->up = true;

    rc = cpupool_assign_cpu(CPUPOOL_ID_BOOT, cpu);
    if (rc)
        printk(XENLOG_WARNING "scheduler: CPU %u not added to pool 0 (%d): it stays idle\n",
               cpu, rc);
}

static const char *boot_sched_name = "credit";

const char *sched_default_name(void)
{
    return boot_sched_name;
}

void scheduler_init(void)
{
    const char *name = opt_sched;

    idle_domain.vcpu = idle_vcpus;
    open_softirq(SCHEDULE_SOFTIRQ, sched_softirq);
    if (!sched_find_ops(name)) {
        printk(XENLOG_WARNING "scheduler: unknown sched=%s, using credit\n", name);
        name = "credit";
    }
    boot_sched_name = name;
    if (cpupool_init(name))
        panic("scheduler: cannot create pool 0 with the %s scheduler", name);
    printk("Scheduler: %s\n", name);
    register_keyhandler('r', cpupool_dump_runqs, "run queues of each CPU pool");
    register_keyhandler('q', sched_dump_domains, "domains and their vCPUs");
    sched_cpu_start(smp_processor_id());
    __atomic_store_n(&scheduler_ready, true, __ATOMIC_RELEASE);
}

/* --------------------------------------------------------------- vCPUs */

int sched_init_vcpu(struct vcpu *v, unsigned int processor)
{
    struct domain *d = v->domain;
    struct scheduler *s;
    void *vdata;

    if (!d->cpupool || !v->run || v->vcpu_id >= d->max_vcpus || d->vcpu[v->vcpu_id])
        return -EINVAL;

    v->pause_flags = VPF_down;
    v->pause_count = 0;
    v->is_running = false;
    memset(&v->runstate, 0, sizeof(v->runstate));
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    cpumask_setall(&v->cpu_hard_affinity);
    cpumask_clear(&v->cpu_soft_affinity);

    s = sched_vcpu_lock(v);
    /* Allocating under the lock keeps d->sched_priv from changing under us. */
    vdata = s->ops->alloc_vdata(s, v, d->sched_priv);
    if (!vdata) {
        sched_vcpu_unlock(s);
        return -ENOMEM;
    }
    v->sched_priv = vdata;
    v->processor = cpumask_test_cpu(processor, &s->cpus) ? processor : cpumask_first(&s->cpus);
    d->vcpu[v->vcpu_id] = v;
    sched_insert_vcpu(s, v);
    sched_vcpu_unlock(s);
    sched_count_vcpu(1);
    return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    struct scheduler *s;
    void *vdata;

    vcpu_pause(v);
    s = sched_vcpu_lock(v);
    sched_remove_vcpu(s, v);
    vdata = v->sched_priv;
    v->sched_priv = NULL;
    v->domain->vcpu[v->vcpu_id] = NULL;
    sched_vcpu_unlock(s);
    s->ops->free_vdata(s, vdata);
    sched_count_vcpu(-1);
}

void vcpu_wake(struct vcpu *v)
{
    struct scheduler *s = sched_vcpu_lock(v);

    /*
     * Runnable yet neither running nor queued happens: unblocked (without
     * the lock) between its CPU's requeue and switch, it was left out of
     * the queue but called runnable.  So ask even then: wake is idempotent.
     */
    if (vcpu_runnable(v) && !v->is_running) {
        if (v->runstate.state != RUNSTATE_runnable)
            runstate_set(v, RUNSTATE_runnable, NOW());
        sched_wake(s, v);
    }
    sched_vcpu_unlock(s);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    struct scheduler *s = sched_vcpu_lock(v);

    if (!vcpu_runnable(v)) {
        int state = runstate_not_runnable(v);

        if (v->is_running) {
            sched_tickle(v->processor);
        } else if (v->runstate.state == RUNSTATE_runnable) {
            runstate_set(v, state, NOW());
            sched_sleep(s, v);
        } else if (v->runstate.state != state) {
            runstate_set(v, state, NOW());
        }
    }
    sched_vcpu_unlock(s);
}

void vcpu_sleep_sync(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    vcpu_sleep_nosync(v);
    while (ACCESS_ONCE(v->is_running) && !vcpu_runnable(v)) {
        unsigned int where = ACCESS_ONCE(v->processor);

        if (where == cpu) {
            /* Not from v's own run hook: it would stop under its own feet. */
            BUG_ON(sched_pcpu[cpu].in_run_hook && sched_pcpu[cpu].curr == v);
            sched_schedule(cpu);
        } else {
            sched_arch_wait(where);
        }
    }
}

void vcpu_yield(struct vcpu *v)
{
    struct scheduler *s = sched_vcpu_lock(v);

    sched_yield(s, v);
    sched_tickle(v->processor);
    sched_vcpu_unlock(s);
}

void vcpu_up(struct vcpu *v)
{
    __atomic_fetch_and(&v->pause_flags, ~VPF_down, __ATOMIC_SEQ_CST);
    vcpu_wake(v);
}

void vcpu_down(struct vcpu *v)
{
    __atomic_fetch_or(&v->pause_flags, VPF_down, __ATOMIC_SEQ_CST);
    vcpu_sleep_nosync(v);
}

void vcpu_block(struct vcpu *v)
{
    __atomic_fetch_or(&v->pause_flags, VPF_blocked, __ATOMIC_SEQ_CST);
    vcpu_sleep_nosync(v);
}

void vcpu_unblock(struct vcpu *v)
{
    if (__atomic_fetch_and(&v->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST) & VPF_blocked)
        vcpu_wake(v);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    __atomic_fetch_add(&v->pause_count, 1, __ATOMIC_SEQ_CST);
    vcpu_sleep_nosync(v);
}

void vcpu_pause(struct vcpu *v)
{
    __atomic_fetch_add(&v->pause_count, 1, __ATOMIC_SEQ_CST);
    vcpu_sleep_sync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    int left = __atomic_sub_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST);

    BUG_ON(left < 0);
    if (!left)
        vcpu_wake(v);
}

void domain_pause_nosync(struct domain *d)
{
    unsigned int i;

    __atomic_fetch_add(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep_nosync(d->vcpu[i]);
}

void domain_pause(struct domain *d)
{
    unsigned int i;

    domain_pause_nosync(d);
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep_sync(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    unsigned int i;
    int left = __atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST);

    BUG_ON(left < 0);
    if (left)
        return;
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_wake(d->vcpu[i]);
}

int vcpu_set_affinity(struct vcpu *v, const cpumask_t *hard, const cpumask_t *soft)
{
    struct scheduler *s;

    if (hard && cpumask_empty(hard))
        return -EINVAL;
    s = sched_vcpu_lock(v);
    if (hard && !cpumask_intersects(hard, &s->cpus)) {
        sched_vcpu_unlock(s);
        return -EINVAL;
    }
    if (hard)
        v->cpu_hard_affinity = *hard;
    if (soft)
        v->cpu_soft_affinity = *soft;
    sched_affinity_changed(s, v);
    sched_vcpu_unlock(s);
    return 0;
}

int sched_adjust_domain(struct domain *d, struct sched_domain_params *p, bool set)
{
    struct scheduler *s;
    int rc = -EINVAL;

    if (!d->cpupool)
        return -EINVAL;
    s = sched_domain_lock(d);
    if (s->ops->adjust_domain)
        rc = s->ops->adjust_domain(s, d, p, set);
    spin_unlock(&s->lock);
    return rc;
}
