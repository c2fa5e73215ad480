/*
 * Domains and vCPUs, and what the rest of the hypervisor asks of the
 * scheduler: creating and destroying vCPUs, waking and pausing them,
 * pinning them, reading their run-state times, and CPU pools.
 * The scheduler's own interface (ops table, per-CPU data) is sched-if.h.
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/cpumask.h>
#include <asm/hvm/vcpu.h>
#include <xen/smp.h>
#include <xen/time.h>

/* Domain ids (Xen's public xen.h): 0..0x7FEF name domains, the rest are reserved. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IDLE           0x7FFFU

/* vCPU run states, with the values of Xen's public vcpu.h. */
#define RUNSTATE_running  0     /* is its pCPU's current vCPU */
#define RUNSTATE_runnable 1     /* wants a pCPU, has none */
#define RUNSTATE_blocked  2     /* waits for an event (VPF_blocked) */
#define RUNSTATE_offline  3     /* down or paused */
#define NR_RUNSTATES      4

/* Time spent in each run state; the layout of Xen's vcpu_runstate_info. */
struct vcpu_runstate {
    int state;
    s_time_t state_entry_time;
    s_time_t time[NR_RUNSTATES];
};

/* Bits of vcpu->pause_flags: reasons other than pause counts not to run. */
#define VPF_blocked (1UL << 0)  /* waiting for an event */
#define VPF_down    (1UL << 1)  /* never brought up, or taken down */

struct domain;
struct cpupool;

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;         /* the pCPU it runs on, is queued on, or last ran on */
    struct domain *domain;

    /*
     * Runs the vCPU on this pCPU until a softirq is pending here, then
     * returns to the run loop (for HVM: VM entry until an exit that needs
     * the scheduler).
     */
    void (*run)(struct vcpu *v);

    /* Scheduling state, guarded by the lock of the domain's pool scheduler. */
    bool is_running;                /* it is its pCPU's current vCPU */
    struct vcpu_runstate runstate;
    cpumask_t cpu_hard_affinity;    /* may run only here (within its pool's CPUs) */
    cpumask_t cpu_soft_affinity;    /* prefers to run here */
    void *sched_priv;               /* the pool scheduler's per-vCPU data */

    /* Changed atomically, without the lock; see vcpu_runnable(). */
    unsigned long pause_flags;      /* VPF_* */
    int pause_count;

    struct hvm_vcpu hvm;

    cpumask_t ran_on;               /* every pCPU it has run on (pinning checks, key 'q') */

    /* Event channel upcall state, vcpu_info, runstate area, guest timers: xen/event.h. */
    struct evtchn_vcpu *evtchn;
};

#define DOMAIN_NAME_LEN 32

struct domain {
    domid_t domain_id;
    char name[DOMAIN_NAME_LEN];     /* for the console (debug key 'q'); "" if it has none */
    unsigned int max_vcpus;
    struct vcpu **vcpu;             /* max_vcpus slots, NULL until created */

    struct cpupool *cpupool;        /* its pool: its vCPUs run only on the pool's CPUs */
    struct domain *next_in_pool;    /* guarded by the pool configuration lock */
    void *sched_priv;               /* the pool scheduler's per-domain data */

    int pause_count;                /* atomic */
    bool is_dying;

    struct hvm_domain hvm;

    /* Identity, memory and life cycle: common/domain.c (xen/domain.h). */
    uint8_t handle[16];             /* UUID */
    uint64_t tot_pages;             /* RAM frames it owns: 64-bit for terabyte guests */
    uint64_t max_pages;
    struct domain *next_in_list;    /* the domain list, guarded by domlist_lock */
    struct domain_extents *extents; /* the allocations backing its RAM */
    bool is_shutting_down;
    unsigned int shutdown_code;     /* SHUTDOWN_* of public/sched.h */

    uint32_t capabilities;          /* BOOT_CAP_* of xen/bootdomain.h: CONTROL = privileged */

    /* Xen ABI state, each owned by its subsystem. */
    struct evtchn_domain *evtchn;   /* ports, shared_info (xen/event.h) */
    struct grant_table *grant_table;            /* common/grant_table.c */
    struct guest_console_ring *console_ring;    /* common/guest_console.c */
    struct domain_abi *abi;         /* memory map, vm_assist, console_io input (xen/memory.h) */
    char con_buf[256];              /* output line being assembled (xen/guest_console.h) */
    unsigned int con_len;
};

/* Weights and caps of a domain (the credit scheduler's; others may refuse). */
struct sched_domain_params {
    unsigned int weight;            /* relative share; 0 on set: unchanged */
    unsigned int cap;               /* percent of one CPU, 0 = uncapped */
};

extern struct domain idle_domain;

static inline bool is_idle_domain(const struct domain *d)
{
    return d->domain_id == DOMID_IDLE;
}

static inline bool is_idle_vcpu(const struct vcpu *v)
{
    return is_idle_domain(v->domain);
}

/* Neither blocked, down nor paused (its own count or its domain's). */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    return !ACCESS_ONCE(v->pause_flags) && !ACCESS_ONCE(v->pause_count) &&
           !ACCESS_ONCE(v->domain->pause_count);
}

/*
 * The vCPU this CPU runs.  Not a `current` macro: that name is also the
 * field of struct cpu_info.
 */
static inline struct vcpu *get_current(void)
{
    return get_cpu_info()->current;
}

/* Boot: SCHEDULE_SOFTIRQ, the idle domain, pool 0 (sched=) and the boot CPU. */
void scheduler_init(void);
/*
 * Every CPU's last call: join the scheduler (pool 0 on first entry), then
 * for ever: softirqs, then run the current vCPU or idle.  On the boot CPU
 * it powers the machine off when no vCPU other than idle ones exists.
 */
void __noreturn sched_run_loop(void);
/* Number of vCPUs other than idle ones. */
unsigned int sched_nr_vcpus(void);

/*
 * Domains join a pool before any of their vCPUs is created, and leave it
 * after the last one was destroyed.
 */
int sched_init_domain(struct domain *d, unsigned int poolid);
void sched_destroy_domain(struct domain *d);
int sched_adjust_domain(struct domain *d, struct sched_domain_params *p, bool set);

/*
 * v->vcpu_id and v->domain set by the caller; registers v in d->vcpu[].
 * It starts down (VPF_down), with all CPUs as hard affinity and no soft
 * affinity; `processor` is only a hint.
 */
int sched_init_vcpu(struct vcpu *v, unsigned int processor);
/* Pauses v, waits until it stops running, and takes it out of the scheduler. */
void sched_destroy_vcpu(struct vcpu *v);

/* State changes.  Not from hard-IRQ context: they take scheduler locks. */
void vcpu_wake(struct vcpu *v);             /* if it became runnable, queue it */
void vcpu_sleep_nosync(struct vcpu *v);     /* if not runnable, take it off its pCPU */
void vcpu_sleep_sync(struct vcpu *v);       /* ... and wait until it has stopped running */
void vcpu_yield(struct vcpu *v);            /* by v itself: let others of its priority run */
void vcpu_up(struct vcpu *v);
void vcpu_down(struct vcpu *v);
void vcpu_block(struct vcpu *v);            /* by v itself: wait for vcpu_unblock */
void vcpu_unblock(struct vcpu *v);
void vcpu_pause(struct vcpu *v);            /* not by v itself: waits */
void vcpu_pause_nosync(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
void domain_pause(struct domain *d);        /* waits until none of its vCPUs runs */
void domain_pause_nosync(struct domain *d);
void domain_unpause(struct domain *d);

/*
 * Hard and soft affinity (either may be NULL: unchanged).  The hard mask
 * must include at least one CPU of the domain's pool: -EINVAL otherwise.
 */
int vcpu_set_affinity(struct vcpu *v, const cpumask_t *hard, const cpumask_t *soft);
/* A snapshot, the current state's time counted up to now. */
void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate *out);

/*
 * CPU pools.  Pool 0 is created at boot with the sched= scheduler and gets
 * every CPU as it comes up.  A CPU belongs to at most one pool: to move one,
 * unassign it from its pool, then assign it to the other.
 */
#define CPUPOOL_ID_BOOT 0U
int cpupool_create(unsigned int poolid, const char *sched_name);
int cpupool_destroy(unsigned int poolid);   /* only without CPUs and domains */
int cpupool_assign_cpu(unsigned int poolid, unsigned int cpu);
int cpupool_unassign_cpu(unsigned int poolid, unsigned int cpu);
int cpupool_move_domain(struct domain *d, unsigned int poolid);
/* The pool's CPUs into *cpus; -ENOENT if there is no such pool. */
int cpupool_get_cpus(unsigned int poolid, cpumask_t *cpus);

#endif
