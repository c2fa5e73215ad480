/*
 * vcpu_op and set_timer_op: where a vCPU's vcpu_info, runstate and time
 * areas live, its single-shot and periodic VIRQ_TIMER timers, and
 * bringing vCPUs up and down.  vcpu_op(cmd, vcpuid, arg) names a vCPU of
 * the caller's own domain.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/p2m.h>
#include <xen/hypercall.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <public/vcpu.h>
#include <public/errno.h>
#include "event_priv.h"

/* ------------------------------------------------------ vcpu_info */

static long vcpu_register_vcpu_info(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_vcpu *ev = v->evtchn;
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *vi, *old;
    p2m_type_t t;
    mfn_t mfn;

    if (copy_from_guest(caller, &r, arg, sizeof(r)))
        return -EFAULT;
    /* The whole structure inside one page. */
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -EINVAL;
    if (r.mfn >= d->hvm.p2m.max_gfn)
        return -EINVAL;
    mfn = p2m_get_entry(&d->hvm.p2m, r.mfn, &t, NULL, NULL);
    /* RAM the guest has not touched yet is backed now, as its own first touch would. */
    if (t == p2m_populate_on_demand || t == p2m_ram_unscrubbed) {
        if (domain_populate_touch(d, r.mfn))
            return -EINVAL;
        mfn = p2m_get_entry(&d->hvm.p2m, r.mfn, &t, NULL, NULL);
    }
    /*
     * Only RAM the domain can write (or its shared_info page).  The frame
     * stays with the domain until it is destroyed (the memory code keeps
     * frames it unmaps): the pointer below cannot outlive it.
     */
    if (t != p2m_ram_rw || mfn == INVALID_MFN)
        return -EINVAL;
    vi = (struct vcpu_info *)((uint8_t *)maddr_to_virt((paddr_t)mfn << PAGE_SHIFT) + r.offset);

    spin_lock(&d->evtchn->lock);
    /* Once moved it stays, as in Xen: a second registration is refused. */
    if (ev->vi_registered) {
        spin_unlock(&d->evtchn->lock);
        return -EINVAL;
    }
    old = ev->vi;
    if (old)
        memcpy(vi, old, sizeof(*vi));
    else
        memset(vi, 0, sizeof(*vi));
    __atomic_store_n(&ev->vi, vi, __ATOMIC_SEQ_CST);
    ev->vi_registered = true;
    /* A sender that still used the old place set a pending bit: scan every word. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    ev->time_dirty = true;
    guest_time_publish(v);
    spin_unlock(&d->evtchn->lock);
    evtchn_notify_vcpu(v);
    return 0;
}

/* ------------------------------------------------ runstate and time areas */

static long vcpu_register_area(struct vcpu *caller, struct vcpu *v, uint64_t arg,
                               uint64_t *where)
{
    uint64_t gva;

    if (copy_from_guest(caller, &gva, arg, sizeof(gva)))
        return -EFAULT;
    /* Written at v's next entry, through v's own page tables. */
    *where = gva;
    v->evtchn->time_dirty = true;
    if (v == caller)
        evtchn_vcpu_enter(v);
    return 0;
}

static long vcpu_get_runstate_info(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info ri;

    guest_runstate_get(v, &ri);
    return copy_to_guest(caller, arg, &ri, sizeof(ri)) ? -EFAULT : 0;
}

/* ------------------------------------------------------------ timers */

static long vcpu_set_singleshot(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer s;
    s_time_t deadline;

    if (v != caller)
        return -EINVAL;
    if (copy_from_guest(caller, &s, arg, sizeof(s)))
        return -EFAULT;
    deadline = (s_time_t)s.timeout_abs_ns;
    if ((s.flags & VCPU_SSHOTTMR_future) && deadline < guest_time_now())
        return -XEN_ETIME;
    /* A deadline in the past (or "negative") fires at once. */
    migrate_timer(&v->evtchn->singleshot_timer, smp_processor_id());
    set_timer(&v->evtchn->singleshot_timer, guest_time_to_host(deadline));
    return 0;
}

static long vcpu_set_periodic(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer p;
    s_time_t period;

    if (copy_from_guest(caller, &p, arg, sizeof(p)))
        return -EFAULT;
    /* Xen's bounds: at least 1 ms; at most what s_time_t arithmetic survives. */
    if (p.period_ns < (uint64_t)MILLISECS(1) || p.period_ns > (uint64_t)STIME_MAX / 4)
        return -EINVAL;
    period = (s_time_t)p.period_ns;
    v->evtchn->periodic_period = period;
    set_periodic_timer(&v->evtchn->periodic_timer, NOW() + period, period);
    return 0;
}

long do_set_timer_op(struct vcpu *v, const uint64_t args[5])
{
    s_time_t deadline = (s_time_t)args[0], left;

    if (!v->evtchn)
        return -ENOSYS;
    if (!deadline) {
        stop_timer(&v->evtchn->singleshot_timer);
        return 0;
    }
    left = deadline - guest_time_now();
    /*
     * A deadline that wrapped negative or lies more than 2^50 ns (about 13
     * days) ahead is a guest's jiffies arithmetic gone wrong, not a wish
     * to sleep that long: fire in 100 ms, neither at once (which would
     * spin a guest with nothing to do) nor never (which could hang one).
     */
    if (deadline < 0 || left > (s_time_t)1 << 50)
        deadline = guest_time_now() + MILLISECS(100);
    migrate_timer(&v->evtchn->singleshot_timer, smp_processor_id());
    set_timer(&v->evtchn->singleshot_timer, guest_time_to_host(deadline));
    return 0;
}

/* -------------------------------------------------------- up and down */

static bool vcpu_is_down(const struct vcpu *v)
{
    return ACCESS_ONCE(v->pause_flags) & VPF_down;
}

static long vcpu_op_up(struct vcpu *v)
{
    /* Only a vCPU that was started once (INIT/SIPI) has a state to resume. */
    if (!v->evtchn->has_run)
        return -EINVAL;
    if (vcpu_is_down(v))
        vcpu_up(v);
    return 0;
}

static long vcpu_op_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned int i;

    /* The last running vCPU may not go down: nothing could bring it back. */
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i] != v && !vcpu_is_down(d->vcpu[i]))
            break;
    if (i == d->max_vcpus)
        return -EINVAL;
    if (!vcpu_is_down(v))
        vcpu_down(v);
    return 0;
}

/* ------------------------------------------------------------ physid */

static void read_apic_id(void *info)
{
    *(uint32_t *)info = get_cpu_info()->apic_id;
}

/*
 * The identity of the one pCPU v is pinned to (Xen: -EINVAL unless
 * pinned).  The ACPI processor id is not recorded here: the CPU number
 * stands in for it.
 */
static long vcpu_get_physid(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_get_physid p;
    cpumask_t one;
    unsigned int cpu;
    uint32_t apic_id = 0;

    if (cpumask_weight(&v->cpu_hard_affinity) != 1)
        return -EINVAL;
    cpu = cpumask_first(&v->cpu_hard_affinity);
    if (cpu >= nr_cpu_ids || !cpumask_test_cpu(cpu, &cpu_online_map))
        return -EINVAL;
    if (cpu == smp_processor_id()) {
        read_apic_id(&apic_id);
    } else {
        cpumask_clear(&one);
        cpumask_set_cpu(cpu, &one);
        on_selected_cpus(&one, read_apic_id, &apic_id, true);
    }
    p.phys_id = apic_id | ((uint64_t)cpu << 32);
    return copy_to_guest(caller, arg, &p, sizeof(p)) ? -EFAULT : 0;
}

/* ---------------------------------------------------------- dispatch */

long do_vcpu_op(struct vcpu *caller, const uint64_t args[5])
{
    uint32_t cmd = (uint32_t)args[0];
    uint64_t arg = args[2];
    struct vcpu *v;

    if (args[1] > UINT32_MAX)
        return -ENOENT;
    v = evtchn_vcpu_of(caller->domain, (unsigned int)args[1]);
    if (!v || !v->evtchn)
        return -ENOENT;

    switch (cmd) {
    case VCPUOP_register_vcpu_info:
        return vcpu_register_vcpu_info(caller, v, arg);
    case VCPUOP_register_runstate_memory_area:
        return vcpu_register_area(caller, v, arg, &v->evtchn->runstate_gva);
    case VCPUOP_register_vcpu_time_memory_area:
        return vcpu_register_area(caller, v, arg, &v->evtchn->time_gva);
    case VCPUOP_get_runstate_info:
        return vcpu_get_runstate_info(caller, v, arg);
    case VCPUOP_set_singleshot_timer:
        return vcpu_set_singleshot(caller, v, arg);
    case VCPUOP_stop_singleshot_timer:
        if (v != caller)
            return -EINVAL;
        stop_timer(&v->evtchn->singleshot_timer);
        return 0;
    case VCPUOP_set_periodic_timer:
        return vcpu_set_periodic(caller, v, arg);
    case VCPUOP_stop_periodic_timer:
        v->evtchn->periodic_period = 0;
        stop_timer(&v->evtchn->periodic_timer);
        return 0;
    case VCPUOP_is_up:
        return !vcpu_is_down(v);
    case VCPUOP_up:
        return vcpu_op_up(v);
    case VCPUOP_down:
        return vcpu_op_down(v);
    case VCPUOP_get_physid:
        return vcpu_get_physid(caller, v, arg);
    default:
        /*
         * VCPUOP_initialise (PVH vCPUs start through INIT/SIPI) and
         * VCPUOP_send_nmi (no virtual NMI source yet) are not offered.
         */
        return -ENOSYS;
    }
}
