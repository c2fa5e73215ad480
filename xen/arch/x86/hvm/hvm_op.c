/*
 * hvm_op: HVM parameters (the storage is d->hvm.params[]), the per-vCPU
 * upcall vector and the other calls a PVH guest makes; physdev_op, of
 * which a PVH domain without devices gets Xen's refusals.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <asm/hvm/support.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/physdev.h>

/* Parameters a guest may set on itself (Xen 4.17's list); others need a privileged caller. */
static bool guest_may_set(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_X87_FIP_WIDTH:
        return true;
    default:
        return false;
    }
}

/* Parameters a guest may read on itself (Xen 4.17's list). */
static bool guest_may_get(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_X87_FIP_WIDTH:
        return true;
    default:
        return false;
    }
}

/* Parameters that, once non-zero, keep their value. */
static bool set_once(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_VIRIDIAN:
    case HVM_PARAM_IOREQ_SERVER_PFN:
    case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_MCA_CAP:
        return true;
    default:
        return false;
    }
}

static long set_param(struct vcpu *v, struct domain *d, uint32_t index, uint64_t value)
{
    uint64_t *p = &d->hvm.params[index];
    int rc;

    if (d == v->domain && !guest_may_set(index))
        return -EPERM;
    if (set_once(index) && *p && *p != value)
        return -EEXIST;
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
        rc = evtchn_set_callback_param(d, value);
        if (rc)
            return rc;
        break;
    case HVM_PARAM_X87_FIP_WIDTH:
        if (value != 0 && value != 4 && value != 8)
            return -EINVAL;
        break;
    /* Features this hypervisor does not have: only "off" is accepted. */
    case HVM_PARAM_VIRIDIAN:
    case HVM_PARAM_NESTEDHVM:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_MCA_CAP:
        if (value)
            return -EINVAL;
        break;
    default:
        break;
    }
    __atomic_store_n(p, value, __ATOMIC_RELEASE);
    return 0;
}

static long param_op(struct vcpu *v, bool set, uint64_t arg)
{
    struct xen_hvm_param a;
    struct domain *d;
    int err = 0;
    long rc;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -EFAULT;
    if (a.index >= HVM_NR_PARAMS)
        return -EINVAL;
    d = hypercall_target_domain(v, a.domid, &err);
    if (!d)
        return err;
    if (set)
        return set_param(v, d, a.index, a.value);
    if (d == v->domain && !guest_may_get(a.index))
        return -EPERM;
    a.value = __atomic_load_n(&d->hvm.params[a.index], __ATOMIC_ACQUIRE);
    rc = copy_to_guest(v, arg, &a, sizeof(a)) ? -EFAULT : 0;
    return rc;
}

static long set_upcall_vector(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_evtchn_upcall_vector op;
    struct domain *d = v->domain;
    struct vcpu *target;

    if (copy_from_guest(v, &op, arg, sizeof(op)))
        return -EFAULT;
    if (op.vector < 0x10)
        return -EINVAL;
    if (op.vcpu >= d->max_vcpus || !(target = d->vcpu[op.vcpu]))
        return -ENOENT;
    return evtchn_set_upcall_vector(target, op.vector);
}

/* A hint for shadow paging: with hardware paging Xen refuses it (-EINVAL). */
static long pagetable_dying(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_pagetable_dying a;
    int err = 0;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -EFAULT;
    if (!hypercall_target_domain(v, a.domid, &err))
        return err;
    return -EINVAL;
}

static long get_time(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_get_time t = { (uint64_t)NOW() };

    return copy_to_guest(v, arg, &t, sizeof(t)) ? -EFAULT : 0;
}

long do_hvm_op(struct vcpu *v, const uint64_t args[5])
{
    switch (args[0]) {
    case HVMOP_set_param:
        return param_op(v, true, args[1]);
    case HVMOP_get_param:
        return param_op(v, false, args[1]);
    case HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(v, args[1]);
    case HVMOP_pagetable_dying:
        return pagetable_dying(v, args[1]);
    case HVMOP_get_time:
        return get_time(v, args[1]);
    default:
        return -ENOSYS;
    }
}

/*
 * physdev_op: interrupts and PCI devices of the hardware domain.  A PVH
 * domain has no emulated pirqs and no device is passed through, so Xen
 * answers every sub-operation with -ENOSYS (Linux then keeps using its
 * own LAPIC and MSI paths); a hardware domain would need real pirq and
 * PCI support, which this hypervisor does not have yet.
 */
long do_physdev_op(struct vcpu *v, const uint64_t args[5])
{
    (void)v;
    (void)args;
    return -ENOSYS;
}
