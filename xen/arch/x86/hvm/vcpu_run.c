/*
 * The HVM vCPU run hook (v->run): enter the guest, dispatch each exit
 * through a table indexed by exit reason, and return to the scheduler's
 * run loop when a softirq is pending.  Also the instruction fetch and
 * skip that exits need where the hardware gives no instruction length.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/domain.h>
#include <xen/event.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/msr.h>
#include <asm/hvm/vlapic.h>
#include <xen/p2m.h>
#include <xen/mm.h>
#include <asm/page.h>

#define X86_CR0_PE_BIT  (1ULL << 0)
#define X86_CR0_WP_BIT  (1ULL << 16)
#define X86_CR0_PG_BIT  (1ULL << 31)
#define X86_CR4_PSE_BIT (1ULL << 4)
#define X86_CR4_PAE_BIT (1ULL << 5)
#define X86_CR4_LA57    (1ULL << 12)
#define X86_CR4_SMEP    (1ULL << 20)
#define X86_CR4_SMAP    (1ULL << 21)
#define X86_CR4_PKE     (1ULL << 22)
#define X86_EFER_LMA    (1ULL << 10)
#define X86_EFER_NXE    (1ULL << 11)
#define X86_EFLAGS_VM   (1ULL << 17)
#define X86_EFLAGS_AC   (1ULL << 18)
#define SEG_L           (1u << 9)
#define SEG_DB          (1u << 10)

static const hvm_exit_handler_t exit_handlers[HVM_EXIT_NR] = {
    [HVM_EXIT_NONE] = hvm_exit_nothing,
    [HVM_EXIT_EXTINT] = hvm_exit_nothing,
    [HVM_EXIT_NMI] = hvm_exit_nothing,
    [HVM_EXIT_CPUID] = hvm_exit_cpuid,
    [HVM_EXIT_MSR_READ] = hvm_exit_msr_read,
    [HVM_EXIT_MSR_WRITE] = hvm_exit_msr_write,
    [HVM_EXIT_IO] = hvm_exit_io,
    [HVM_EXIT_HLT] = hvm_exit_hlt,
    [HVM_EXIT_HYPERCALL] = hvm_exit_hypercall,
    [HVM_EXIT_NPF] = hvm_exit_npf,
    [HVM_EXIT_TRIPLE_FAULT] = hvm_exit_triple_fault,
    [HVM_EXIT_INVALID_STATE] = hvm_exit_invalid_state,
    [HVM_EXIT_INIT] = hvm_exit_init,
    [HVM_EXIT_XSETBV] = hvm_exit_xsetbv,
    [HVM_EXIT_CR_ACCESS] = hvm_exit_cr_access,
    [HVM_EXIT_EXCEPTION] = hvm_exit_exception,
    [HVM_EXIT_PAUSE] = hvm_exit_nothing,
    [HVM_EXIT_UNHANDLED] = hvm_exit_unhandled,
};

static int read_gpa_cb(void *ctx, uint64_t gpa, void *buf, unsigned int len)
{
    return domain_read_gpa(ctx, gpa, buf, len);
}

/* Emulated stores and hypercall results: never into p2m-read-only memory. */
static int write_gpa_cb(void *ctx, uint64_t gpa, const void *buf, unsigned int len)
{
    struct domain *d = ctx;
    p2m_type_t t;

    p2m_get_entry(&d->hvm.p2m, gpa >> PAGE_SHIFT, &t, NULL, NULL);
    if (t == p2m_ram_ro)
        return -EACCES;
    return domain_copy_to_gpa(d, gpa, buf, len);
}

/*
 * Accessed and dirty bits in the guest's page tables, set atomically as
 * the CPU would for the accesses emulated or copied here.  The walk has just read
 * the entry, so its page is populated RAM.
 */
static int cmpxchg_gpa_cb(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_val,
                          unsigned int len)
{
    struct domain *d = ctx;
    p2m_type_t t;
    mfn_t mfn = p2m_get_entry(&d->hvm.p2m, gpa >> PAGE_SHIFT, &t, NULL, NULL);
    void *p;

    if (t != p2m_ram_rw || mfn == INVALID_MFN || (len != 4 && len != 8) || (gpa & (len - 1)))
        return -EFAULT;
    p = maddr_to_virt(((paddr_t)mfn << PAGE_SHIFT) + (gpa & (PAGE_SIZE - 1)));
    if (len == 8)
        return __atomic_compare_exchange_n((uint64_t *)p, &old, new_val, false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
    {
        uint32_t old32 = (uint32_t)old;

        return __atomic_compare_exchange_n((uint32_t *)p, &old32, (uint32_t)new_val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
    }
}

void hvm_walk_env(struct vcpu *v, struct guest_walk_env *env)
{
    uint64_t cr0 = hvm_funcs->get_cr(v, 0), cr4 = hvm_funcs->get_cr(v, 4);
    uint64_t efer = hvm_funcs->get_efer(v);

    memset(env, 0, sizeof(*env));
    env->mode = guest_paging_mode_of(cr0 & X86_CR0_PG_BIT, cr4 & X86_CR4_PAE_BIT,
                                     efer & X86_EFER_LMA, cr4 & X86_CR4_LA57);
    env->cr3 = hvm_funcs->get_cr(v, 3);
    env->cr0_wp = cr0 & X86_CR0_WP_BIT;
    env->cr4_pse = cr4 & X86_CR4_PSE_BIT;
    env->cr4_smep = cr4 & X86_CR4_SMEP;
    env->cr4_smap = cr4 & X86_CR4_SMAP;
    env->cr4_pke = cr4 & X86_CR4_PKE;
    env->efer_nxe = efer & X86_EFER_NXE;
    env->eflags_ac = hvm_funcs->get_rflags(v) & X86_EFLAGS_AC;
    env->has_1g_pages = true;
    env->cpl = hvm_get_cpl(v);
    env->maxphyaddr = 48;
    env->ctx = v->domain;
    env->read_gpa = read_gpa_cb;
    env->write_gpa = write_gpa_cb;
    env->cmpxchg_gpa = cmpxchg_gpa_cb;
}

enum cpu_mode hvm_cpu_mode(struct vcpu *v)
{
    struct segment_register cs;

    hvm_funcs->get_segment(v, x86_seg_cs, &cs);
    return insn_cpu_mode(hvm_funcs->get_cr(v, 0) & X86_CR0_PE_BIT,
                         hvm_funcs->get_rflags(v) & X86_EFLAGS_VM,
                         hvm_funcs->get_efer(v) & X86_EFER_LMA, cs.attr & SEG_L, cs.attr & SEG_DB);
}

int hvm_fetch_insn(struct vcpu *v, uint8_t *bytes, unsigned int *avail, struct insn_info *ii)
{
    struct guest_walk_env env;
    struct guest_copy_fault fault;
    struct segment_register cs;
    uint64_t rip = hvm_get_rip(v);
    enum cpu_mode mode = hvm_cpu_mode(v);
    uint64_t linear;
    int rc, len;

    hvm_funcs->get_segment(v, x86_seg_cs, &cs);
    linear = mode == CPU_MODE_64 ? rip : (uint32_t)(cs.base + rip);
    hvm_walk_env(v, &env);
    rc = fetch_from_guest_linear(&env, bytes, linear, INSN_MAX_LEN, &fault);
    *avail = rc ? (unsigned int)fault.done : INSN_MAX_LEN;
    len = insn_decode(bytes, *avail, mode, ii);
    if (len == -EAGAIN && rc == -EFAULT) {
        struct hvm_event ev = { .vector = 14, .type = HVM_EVENT_HW_EXC, .has_error = true,
                                .error = fault.pfec, .cr2 = fault.linear };

        v->hvm.event = ev;
        v->hvm.event_pending = true;
        return -EFAULT;
    }
    if (len < 0) {
        domain_crash(v->domain, v, "cannot decode the instruction at %#lx (error %d, %u bytes)",
                     (unsigned long)linear, len, *avail);
        return len;
    }
    return len;
}

int hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit, const struct hvm_insn_match *m)
{
    uint64_t rip = hvm_get_rip(v);
    unsigned int len = exit->insn_len;

    if (!len && !m) {
        domain_crash(v->domain, v, "an exit without an instruction length");
        return -EINVAL;
    }
    if (!len) {
        uint8_t bytes[INSN_MAX_LEN];
        struct insn_info ii;
        unsigned int avail;
        int rc = hvm_fetch_insn(v, bytes, &avail, &ii);

        if (rc < 0)
            return rc;
        if (ii.map != m->map || ii.opcode != m->opcode ||
            (m->modrm >= 0 && (!ii.has_modrm || ii.modrm != (uint8_t)m->modrm))) {
            domain_crash(v->domain, v, "%s exit but the instruction at RIP is not %s", m->name,
                         m->name);
            return -EINVAL;
        }
        len = (unsigned int)rc;
    }
    rip += len;
    if (hvm_cpu_mode(v) != CPU_MODE_64)
        rip = (uint32_t)rip;
    hvm_set_rip(v, rip);
    return 0;
}

uint64_t hvm_get_gpr(struct vcpu *v, unsigned int reg)
{
    const struct hvm_gprs *g = &v->hvm.gprs;

    switch (reg & 15) {
    case 0: return g->rax;
    case 1: return g->rcx;
    case 2: return g->rdx;
    case 3: return g->rbx;
    case 4: return hvm_funcs->get_rsp(v);
    case 5: return g->rbp;
    case 6: return g->rsi;
    case 7: return g->rdi;
    case 8: return g->r8;
    case 9: return g->r9;
    case 10: return g->r10;
    case 11: return g->r11;
    case 12: return g->r12;
    case 13: return g->r13;
    case 14: return g->r14;
    default: return g->r15;
    }
}

void hvm_set_gpr(struct vcpu *v, unsigned int reg, uint64_t val)
{
    struct hvm_gprs *g = &v->hvm.gprs;

    switch (reg & 15) {
    case 0: g->rax = val; break;
    case 1: g->rcx = val; break;
    case 2: g->rdx = val; break;
    case 3: g->rbx = val; break;
    case 4: hvm_funcs->set_rsp(v, val); break;
    case 5: g->rbp = val; break;
    case 6: g->rsi = val; break;
    case 7: g->rdi = val; break;
    case 8: g->r8 = val; break;
    case 9: g->r9 = val; break;
    case 10: g->r10 = val; break;
    case 11: g->r11 = val; break;
    case 12: g->r12 = val; break;
    case 13: g->r13 = val; break;
    case 14: g->r14 = val; break;
    default: g->r15 = val; break;
    }
}

/*
 * The hypervisor itself never uses the FPU or SSE: a vCPU's x87/SSE state
 * stays in the registers while it runs and is saved when its run hook
 * returns to the scheduler, so vCPUs sharing a CPU do not see each other's.
 * TSC_AUX likewise is loaded at the start of the hook.
 */
static void fpu_load(struct vcpu *v)
{
    if (v->hvm.fpu_initialised)
        __asm__ __volatile__("fxrstor64 (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    else
        __asm__ __volatile__("fninit" : : : "memory");
}

static void fpu_save(struct vcpu *v)
{
    __asm__ __volatile__("fxsave64 (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    v->hvm.fpu_initialised = true;
}

/* An NMI, now: whatever IF says, once the guest is not blocking NMIs. */
static bool inject_nmi(struct vcpu *v)
{
    struct hvm_event ev = { .type = HVM_EVENT_NMI, .vector = 2 };
    struct vlapic *vl = &v->hvm.vlapic;

    if (!ACCESS_ONCE(vl->nmi_pending) || hvm_funcs->nmi_blocked(v) ||
        !__atomic_exchange_n(&vl->nmi_pending, false, __ATOMIC_SEQ_CST))
        return false;
    hvm_inject_event(v, &ev);
    /* It ends a `cli; hlt`: the vCPU runs again (exits.c counts it as alive). */
    v->hvm.halted_irq_off = false;
    return true;
}

/* The event-channel callback vector, else the vLAPIC's highest deliverable vector. */
static bool inject_irq(struct vcpu *v)
{
    struct hvm_event ev = { .type = HVM_EVENT_EXTINT };
    int vec;

    if (!hvm_funcs->interrupts_enabled(v))
        return false;
    vec = evtchn_upcall_vector(v);
    if (vec < 0) {
        vec = vlapic_pending_irq(v);
        if (vec >= 0)
            vlapic_ack_irq(v, (unsigned int)vec);
    }
    if (vec < 0)
        return false;
    ev.vector = (uint8_t)vec;
    hvm_inject_event(v, &ev);
    return true;
}

/*
 * What goes into the guest at this entry, one event in priority order: an
 * exception (or re-queued event), an NMI, an interrupt.  What is left
 * waiting gets a window from the vendor: an exit as soon as the guest
 * can take it.  The two windows are apart: NMIs do not wait for IF, and
 * an NMI held by the guest's NMI handler does not hold up interrupts
 * (nor make an interrupt window spin while the handler runs with IF=1).
 */
static void inject_pending_events(struct vcpu *v)
{
    if (v->hvm.event_pending) {
        hvm_inject_event(v, &v->hvm.event);
        v->hvm.event_pending = false;
    } else if (inject_nmi(v) || inject_irq(v)) {
        /* The interrupt just injected is the one waiting (the callback vector is level). */
        if (ACCESS_ONCE(v->hvm.vlapic.nmi_pending))
            hvm_funcs->enable_nmi_window(v);
        return;
    }
    if (ACCESS_ONCE(v->hvm.vlapic.nmi_pending))
        hvm_funcs->enable_nmi_window(v);
    if (evtchn_upcall_vector(v) >= 0 || vlapic_pending_irq(v) >= 0)
        hvm_funcs->enable_intr_window(v);
}

void hvm_vcpu_run(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct hvm_exit exit;

    fpu_load(v);
    wrmsr(MSR_TSC_AUX, v->hvm.tsc_aux);
    for (;;) {
        hvm_exit_handler_t fn = NULL;

        /* An INIT that came while it ran: down, waiting for a SIPI. */
        if (vlapic_handle_init(v))
            break;
        evtchn_vcpu_enter(v);
        local_irq_disable();
        if (softirq_pending(cpu) || !vcpu_runnable(v)) {
            local_irq_enable();
            break;
        }
        inject_pending_events(v);
        hvm_funcs->vcpu_enter(v, &exit);
        local_irq_enable();         /* the host interrupt that made the exit, if any */

        if ((unsigned int)exit.reason < HVM_EXIT_NR)
            fn = exit_handlers[exit.reason];
        if (!fn) {
            domain_crash(v->domain, v, "exit reason %u (vendor code %#lx) has no handler",
                         (unsigned int)exit.reason, (unsigned long)exit.raw_reason);
            break;
        }
        v->hvm.nr_exits[exit.reason]++;
        if (fn(v, &exit) < 0 && v->domain->is_shutting_down)
            break;
    }
    fpu_save(v);
}
