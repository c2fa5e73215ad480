/*
 * The hypercall gate: VMCALL / VMMCALL from the guest (directly or through
 * the hypercall page), the caller's CPL and mode checked, arguments taken
 * by the 64-bit or 32-bit convention of the mode it runs in, dispatch
 * through the one table, and the checked guest copies handlers use.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/guest_walk.h>
#include <public/xen.h>

/* Every row names a handler that exists: the table is complete at link time. */
static hypercall_fn_t *const hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_vm_assist] = do_vm_assist,
    [__HYPERVISOR_physdev_op] = do_physdev_op,
    [__HYPERVISOR_hvm_op] = do_hvm_op,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
};

static const struct hvm_insn_match insn_hypercall = { INSN_MAP_0F, 0x01, -1, "VMCALL/VMMCALL" };

int hvm_exit_hypercall(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    bool is64 = hvm_cpu_mode(v) == CPU_MODE_64;
    uint64_t nr = is64 ? g->rax : (uint32_t)g->rax;
    uint64_t args[5];
    long ret;

    if (hvm_skip_insn(v, exit, &insn_hypercall))
        return -EINVAL;
    if (hvm_get_cpl(v) != 0) {
        ret = -EPERM;
        goto out;
    }
    if (is64) {
        args[0] = g->rdi; args[1] = g->rsi; args[2] = g->rdx; args[3] = g->r10; args[4] = g->r8;
    } else {
        args[0] = (uint32_t)g->rbx; args[1] = (uint32_t)g->rcx; args[2] = (uint32_t)g->rdx;
        args[3] = (uint32_t)g->rsi; args[4] = (uint32_t)g->rdi;
    }
    if (nr >= NR_HYPERCALLS || !hypercall_table[nr])
        ret = -ENOSYS;
    else
        ret = hypercall_table[nr](v, args);
out:
    g->rax = is64 ? (uint64_t)ret : (uint32_t)ret;
    return 0;
}

static int guest_copy(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool to_guest)
{
    struct guest_walk_env env;
    struct guest_copy_fault fault;

    if (len > HYPERCALL_COPY_MAX)
        return -EFAULT;
    if (!len)
        return 0;
    if (hvm_cpu_mode(v) != CPU_MODE_64)
        gva = (uint32_t)gva;
    /* The caller runs at CPL 0: its arguments are reached with supervisor rights. */
    hvm_walk_env(v, &env);
    /* SMAP does not apply: Xen reads user buffers (privcmd) for the kernel too. */
    env.eflags_ac = true;
    if (to_guest)
        return copy_to_guest_linear(&env, gva, buf, len, &fault) ? -EFAULT : 0;
    return copy_from_guest_linear(&env, buf, gva, len, &fault) ? -EFAULT : 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    return guest_copy(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    return guest_copy(v, gva, (void *)(uintptr_t)src, len, true);
}
