/*
 * Inside the scheduler: the ops table every scheduler implementation
 * fills (credit.c, null.c), the scheduler instance each CPU pool owns,
 * the per-CPU scheduling block, and the helpers implementations share.
 *
 * Locking: one lock per scheduler instance (that is, per pool) guards its
 * run queues, its per-CPU and per-vCPU data, and the scheduling state of
 * the pool's vCPUs.  Every op but init, deinit and the alloc and free
 * ones is called with it held.  The pool configuration lock (cpupool.c)
 * is taken before any instance lock; two instance locks are taken in pool
 * id order.
 */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/timer.h>

/* Scheduler ids, the values of Xen's public XEN_SCHEDULER_*. */
#define SCHED_ID_CREDIT 5
#define SCHED_ID_NULL   9

/* ---------------------------------------------------------------- lists */

/* Intrusive doubly linked lists; an element linked to itself is on none. */
struct sched_list {
    struct sched_list *next, *prev;
};

static inline void sched_list_init(struct sched_list *l)
{
    l->next = l->prev = l;
}
static inline bool sched_list_empty(const struct sched_list *head)
{
    return head->next == head;
}
static inline bool sched_list_linked(const struct sched_list *e)
{
    return e->next != e;
}
/* Put e just before pos (before head: at the tail). */
static inline void sched_list_insert_before(struct sched_list *e, struct sched_list *pos)
{
    e->prev = pos->prev;
    e->next = pos;
    pos->prev->next = e;
    pos->prev = e;
}
static inline void sched_list_del(struct sched_list *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    sched_list_init(e);
}
#define sched_list_entry(ptr, type, member) container_of(ptr, type, member)
#define sched_list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define sched_list_for_each_safe(pos, n, head) \
    for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); (pos) = (n), (n) = (pos)->next)

/* ------------------------------------------------------------- ops table */

struct scheduler;

/* What a scheduler decides for one CPU. */
struct sched_decision {
    struct vcpu *next;      /* a vCPU it may run here, or this CPU's idle vCPU */
    s_time_t slice;         /* reschedule after this long; <= 0: only when asked */
};

struct scheduler_ops {
    const char *name;               /* as in sched= and cpupool-sched */
    unsigned int sched_id;          /* SCHED_ID_* */

    /* One instance per pool; allocate and free its private data (s->priv). */
    int (*init)(struct scheduler *s);
    void (*deinit)(struct scheduler *s);

    /*
     * CPUs.  alloc_pdata runs without the lock.  add_cpu runs once the CPU
     * is in s->cpus with its data in sched_pcpu[cpu].sched_priv.  Removal:
     * can_remove_cpu may refuse; then the CPU leaves s->cpus (from then on
     * do_schedule there must return idle and no vCPU may be placed there),
     * and once it runs idle, remove_cpu hands back its data for free_pdata.
     */
    void *(*alloc_pdata)(struct scheduler *s, unsigned int cpu);
    void (*free_pdata)(struct scheduler *s, void *pdata);
    void (*add_cpu)(struct scheduler *s, unsigned int cpu);
    bool (*can_remove_cpu)(struct scheduler *s, unsigned int cpu);
    void *(*remove_cpu)(struct scheduler *s, unsigned int cpu);

    /* Domains (optional: NULL means no per-domain data / nothing to adjust). */
    void *(*alloc_ddata)(struct scheduler *s, struct domain *d);
    void (*free_ddata)(struct scheduler *s, void *ddata);
    int (*adjust_domain)(struct scheduler *s, struct domain *d,
                         struct sched_domain_params *p, bool set);

    /*
     * vCPUs.  insert_vcpu and remove_vcpu see a vCPU that does not run;
     * wake is called when a vCPU not running is runnable, perhaps queued already (a no-op then);
     * sleep when a queued one stops being runnable; affinity_changed after
     * its masks changed, running or not.
     */
    void *(*alloc_vdata)(struct scheduler *s, struct vcpu *v, void *ddata);
    void (*free_vdata)(struct scheduler *s, void *vdata);
    void (*insert_vcpu)(struct scheduler *s, struct vcpu *v);
    void (*remove_vcpu)(struct scheduler *s, struct vcpu *v);
    void (*wake)(struct scheduler *s, struct vcpu *v);
    void (*sleep)(struct scheduler *s, struct vcpu *v);
    void (*yield)(struct scheduler *s, struct vcpu *v);
    void (*affinity_changed)(struct scheduler *s, struct vcpu *v);

    /*
     * The next vCPU for `cpu` (its idle vCPU if none) and for how long.
     * prev is what ran there until now (idle or a vCPU of this pool); if it
     * is still runnable the scheduler keeps it: chooses it again, queues
     * it, or moves it to a CPU it may use.  The result must be runnable
     * (or have a pause in flight: see sched_check_decision), have
     * processor == cpu, allow cpu in its hard affinity, and not run
     * elsewhere.
     */
    struct sched_decision (*do_schedule)(struct scheduler *s, unsigned int cpu,
                                         struct vcpu *prev, s_time_t now);

    /*
     * Debug key 'r' (optional), with the lock held: dump_runq prints the
     * instance's settings and the vCPUs that wait for no CPU in
     * particular; dump_cpu what waits for `cpu` (its run queue, or the
     * vCPU the CPU is reserved for).
     */
    void (*dump_runq)(struct scheduler *s);
    void (*dump_cpu)(struct scheduler *s, unsigned int cpu);
};

/* A scheduler instance; each CPU pool has one. */
struct scheduler {
    const struct scheduler_ops *ops;
    void *priv;
    spinlock_t lock;
    cpumask_t cpus;                 /* the CPUs it schedules */
    struct cpupool *pool;
};

struct cpupool {
    unsigned int id;
    struct scheduler sched;
    unsigned int n_dom;
    struct domain *domains;         /* linked by next_in_pool */
    struct cpupool *next;           /* all pools, by id */
};

extern const struct scheduler_ops sched_credit_ops;
extern const struct scheduler_ops sched_null_ops;
/* The ops table registered under `name`, or NULL. */
const struct scheduler_ops *sched_find_ops(const char *name);
/* Name of scheduler i (0, 1, ...), NULL past the last. */
const char *sched_name_at(unsigned int i);
/* The scheduler of pool 0 (sched=, or credit if that names none). */
const char *sched_default_name(void);

/* Calls through the table read like plain calls. */
static inline struct sched_decision sched_do_schedule(struct scheduler *s, unsigned int cpu,
                                                      struct vcpu *prev, s_time_t now)
{
    return s->ops->do_schedule(s, cpu, prev, now);
}
static inline void sched_wake(struct scheduler *s, struct vcpu *v)
{
    s->ops->wake(s, v);
}
static inline void sched_sleep(struct scheduler *s, struct vcpu *v)
{
    s->ops->sleep(s, v);
}
static inline void sched_yield(struct scheduler *s, struct vcpu *v)
{
    s->ops->yield(s, v);
}
static inline void sched_insert_vcpu(struct scheduler *s, struct vcpu *v)
{
    s->ops->insert_vcpu(s, v);
}
static inline void sched_remove_vcpu(struct scheduler *s, struct vcpu *v)
{
    s->ops->remove_vcpu(s, v);
}
static inline void sched_affinity_changed(struct scheduler *s, struct vcpu *v)
{
    s->ops->affinity_changed(s, v);
}

/* ------------------------------------------------------ per-CPU block */

struct sched_pcpu {
    struct cpupool *pool;           /* NULL: in no pool, runs its idle vCPU only */
    struct vcpu *curr;              /* what it runs; equals cpu_info's current */
    struct vcpu *idle;              /* its idle vCPU */
    void *sched_priv;               /* the pool scheduler's per-CPU data */
    struct timer slice_timer;       /* raises SCHEDULE_SOFTIRQ when the slice ends */
    unsigned long nr_switches;
    bool up;                        /* has entered the scheduler */
    bool in_run_hook;               /* inside curr->run() */
} __aligned(64);

extern struct sched_pcpu sched_pcpu[NR_CPUS];

static inline struct vcpu *sched_cpu_curr(unsigned int cpu)
{
    return sched_pcpu[cpu].curr;
}
static inline bool sched_cpu_is_idle(unsigned int cpu)
{
    return is_idle_vcpu(sched_pcpu[cpu].curr);
}
static inline void *sched_cpu_priv(unsigned int cpu)
{
    return sched_pcpu[cpu].sched_priv;
}

/* ---------------------------------------------------- shared helpers */

/* Ask `cpu` to run its scheduler (SCHEDULE_SOFTIRQ, with an IPI if remote). */
void sched_tickle(unsigned int cpu);
/* The SCHEDULE_SOFTIRQ work for the running CPU `cpu`. */
void sched_schedule(unsigned int cpu);
/*
 * Where v may run: its hard affinity within s->cpus (all of s->cpus in
 * the defensive case that they do not intersect).
 */
void sched_vcpu_hard_mask(const struct scheduler *s, const struct vcpu *v, cpumask_t *m);
bool sched_vcpu_may_run_on(const struct scheduler *s, const struct vcpu *v, unsigned int cpu);
/* Its soft affinity within the hard mask; false if that leaves no choice to make. */
bool sched_vcpu_soft_mask(const struct scheduler *s, const struct vcpu *v, cpumask_t *m);
/* cpu is where v would like to be: in its soft mask, or it has none. */
bool sched_vcpu_prefers(const struct scheduler *s, const struct vcpu *v, unsigned int cpu);
/* Lock the scheduler of v's domain's pool (stable while held). */
struct scheduler *sched_vcpu_lock(const struct vcpu *v);
void sched_vcpu_unlock(struct scheduler *s);
/* Wait until `cpu` runs its idle vCPU (for CPU removal). */
void sched_wait_cpu_idle(unsigned int cpu);
/* The first join of `cpu` (on that CPU): idle vCPU, slice timer, pool 0. */
void sched_cpu_start(unsigned int cpu);
extern bool scheduler_ready;        /* scheduler_init() done: other CPUs may join */

/* "d5v1", or "idle" for an idle vCPU: how dumps name a vCPU.  Returns buf. */
#define SCHED_VCPU_STR_LEN 24
const char *sched_vcpu_str(const struct vcpu *v, char *buf, size_t len);

/* Zeroed memory for scheduler data (whole pages until a small-object allocator exists). */
void *sched_alloc(size_t size);
void sched_free(void *p, size_t size);

/* Boot-time pool set-up (cpupool.c): the pool lock and pool 0. */
int cpupool_init(const char *sched_name);
struct cpupool *cpupool_find(unsigned int poolid);
/* Debug key 'r': every pool, its scheduler and CPUs, and what each CPU runs and queues. */
void cpupool_dump_runqs(unsigned char key);
/*
 * For debug keys: fn(d, arg) on every domain of every pool, in pool
 * order, with the pool configuration lock held (no domain comes, goes
 * or changes pools meanwhile).  -EBUSY if that lock stayed busy.
 */
int cpupool_for_each_domain(void (*fn)(struct domain *d, void *arg), void *arg);

/*
 * What the run loop's environment provides.  In the hypervisor: runloop.c
 * and the platform layer; in host tests: the test shim.
 */
void sched_arch_set_current(struct vcpu *v);   /* on the running CPU */
void sched_arch_wait(unsigned int cpu);        /* one step of waiting for `cpu` */
/* For boot self-tests: run this CPU's run loop for `duration`, then return. */
void sched_run_for(s_time_t duration);

/* Boot self-tests of the scheduler (selftest=sched-pin,sched-null,sched-credit). */
bool sched_selftest_pin(void);
bool sched_selftest_null(void);
bool sched_selftest_credit(void);
/*
 * For selftest=keys-wait: a test domain named `name` whose busy vCPUs
 * keep pool 0's CPUs occupied (one more vCPU than CPUs, the first pinned
 * to the first CPU), so that debug keys have something to show; NULL if
 * it cannot be made.  Stop destroys it.
 */
struct stest_domain;
struct stest_domain *sched_selftest_load_start(const char *name);
void sched_selftest_load_stop(struct stest_domain *sd);

#endif
