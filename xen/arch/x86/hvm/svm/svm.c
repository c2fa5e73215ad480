/*
 * The AMD SVM engine: detection, per-CPU enabling, the vendor ops table,
 * VMRUN with ASID and TLB management, #VMEXIT decoding into struct
 * hvm_exit, event injection and guest state access through the VMCB.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/p2m.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm/svm.h>
#include <asm/hvm/svm/npt.h>
#include <asm/hvm/debugreg.h>

BUILD_BUG_ON(offsetof(struct hvm_gprs, rbx) != 8);
BUILD_BUG_ON(offsetof(struct hvm_gprs, rbp) != 48);
BUILD_BUG_ON(offsetof(struct hvm_gprs, r8) != 56);
BUILD_BUG_ON(offsetof(struct hvm_gprs, r15) != 112);

#define CPUID_EXT1_ECX_SVM    (1u << 2)
#define CPUID_EXT1_EDX_PAGE1G (1u << 26)
#define MSR_PAT               0x277U
#define X86_CR4_OSFXSR_BIT    (1UL << 9)
#define X86_CR0_TS_BIT        (1UL << 3)
#define X86_CR0_EM_BIT        (1UL << 2)
#define X86_EFLAGS_IF_BIT     (1ULL << 9)
#define DR6_BS                (1ULL << 14)
#define EXC_DB_BIT            (1u << 1)

/* Per CPU: the host save area VMRUN uses, and our own VMSAVE area for the host. */
static void *hsave_area[NR_CPUS];
static void *host_vmsave_area[NR_CPUS];
static uint32_t svm_nr_asids;
static bool svm_has_vmcb_clean;
/* Per CPU: the VMCB it last ran (clean bits count only for that one), whose DR0-3 it holds. */
static paddr_t last_vmcb[NR_CPUS];
static struct svm_vcpu *dr_owner[NR_CPUS];

static inline struct svm_vcpu *to_svm(struct vcpu *v)
{
    return v->hvm.vendor;
}

static inline struct vmcb *vmcb_of(struct vcpu *v)
{
    return to_svm(v)->vmcb;
}

static int svm_cpu_up(unsigned int cpu)
{
    if (cpu >= NR_CPUS || !hsave_area[cpu] || !host_vmsave_area[cpu])
        return -ENOMEM;
    /* Guests' x87/SSE state is switched with FXSAVE/FXRSTOR (vcpu_run.c). */
    write_cr4(read_cr4() | X86_CR4_OSFXSR_BIT);
    write_cr0(read_cr0() & ~(X86_CR0_TS_BIT | X86_CR0_EM_BIT));
    hvm_xstate_cpu_up();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_maddr(hsave_area[cpu]));
    /* Nested page table memory types index the host PAT. */
    wrmsr(MSR_PAT, NPT_HOST_PAT);
    svm_asid_init_cpu(cpu, svm_nr_asids);
    return 0;
}

static void svm_cpu_down(void)
{
    wrmsr(MSR_VM_HSAVE_PA, 0);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
}

static int svm_domain_initialise(struct domain *d)
{
    struct svm_domain *sd = alloc_xenheap_pages(0);
    int rc;

    if (!sd)
        return -ENOMEM;
    rc = svm_domain_tables_init(sd);
    if (rc) {
        free_xenheap_pages(sd, 0);
        return rc;
    }
    cpumask_clear(&sd->run_cpus);
    d->hvm.vendor = sd;
    return 0;
}

static void svm_domain_destroy(struct domain *d)
{
    struct svm_domain *sd = d->hvm.vendor;

    if (!sd)
        return;
    svm_domain_tables_free(sd);
    free_xenheap_pages(sd, 0);
    d->hvm.vendor = NULL;
}

static int svm_vcpu_initialise(struct vcpu *v)
{
    struct svm_vcpu *sv = alloc_xenheap_pages(0);

    if (!sv)
        return -ENOMEM;
    memset(sv, 0, sizeof(*sv));
    sv->vmcb = alloc_xenheap_pages(0);
    if (!sv->vmcb || hvm_xstate_init(&v->hvm.xstate)) {
        hvm_xstate_free(&v->hvm.xstate);
        if (sv->vmcb)
            free_xenheap_pages(sv->vmcb, 0);
        free_xenheap_pages(sv, 0);
        return -ENOMEM;
    }
    sv->vmcb_pa = virt_to_maddr(sv->vmcb);
    sv->asid_cpu = ~0u;
    sv->last_cpu = ~0u;
    sv->dr_cpu = ~0u;
    v->hvm.vendor = sv;
    svm_vmcb_init(v, sv->vmcb, v->domain->hvm.vendor);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *sv = to_svm(v);
    unsigned int cpu;

    if (!sv)
        return;
    /* A later svm_vcpu may reuse this memory: it must not look like the owner. */
    for (cpu = 0; cpu < NR_CPUS; cpu++)
        __atomic_compare_exchange_n(&dr_owner[cpu], &(struct svm_vcpu *){ sv }, NULL, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    hvm_xstate_free(&v->hvm.xstate);
    free_xenheap_pages(sv->vmcb, 0);
    free_xenheap_pages(sv, 0);
    v->hvm.vendor = NULL;
}

/* ------------------------------------------------------------ exits */

static void decode_ioio(const struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t info = vmcb->exitinfo1;
    unsigned int sz = (unsigned int)((info & IOIO_SZ_MASK) >> IOIO_SZ_SHIFT);

    e->reason = HVM_EXIT_IO;
    e->u.io.port = (uint16_t)(info >> IOIO_PORT_SHIFT);
    e->u.io.size = (uint8_t)(sz & 4 ? 4 : sz & 2 ? 2 : 1);
    e->u.io.in = info & IOIO_TYPE_IN;
    e->u.io.string = info & IOIO_STR;
    e->u.io.rep = info & IOIO_REP;
    /* EXITINFO2 holds the next RIP whether or not NRIPS exists. */
    if (vmcb->exitinfo2 > vmcb->rip && vmcb->exitinfo2 - vmcb->rip <= 15)
        e->insn_len = (unsigned int)(vmcb->exitinfo2 - vmcb->rip);
}

static void svm_decode_exit(const struct vmcb *vmcb, struct hvm_exit *e, bool nrips)
{
    uint64_t code = vmcb->exitcode;

    memset(e, 0, sizeof(*e));
    e->raw_reason = code;
    if (nrips && vmcb->next_rip > vmcb->rip && vmcb->next_rip - vmcb->rip <= 15)
        e->insn_len = (unsigned int)(vmcb->next_rip - vmcb->rip);

    switch (code) {
    case VMEXIT_INTR:
        e->reason = HVM_EXIT_EXTINT;
        break;
    case VMEXIT_NMI:
        e->reason = HVM_EXIT_NMI;
        break;
    case VMEXIT_SMI:
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_VINTR:
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_CPUID:
        e->reason = HVM_EXIT_CPUID;
        break;
    case VMEXIT_MSR:
        e->reason = vmcb->exitinfo1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
        break;
    case VMEXIT_IOIO:
        decode_ioio(vmcb, e);
        break;
    case VMEXIT_HLT:
        e->reason = HVM_EXIT_HLT;
        break;
    case VMEXIT_VMMCALL:
        e->reason = HVM_EXIT_HYPERCALL;
        break;
    case VMEXIT_NPF:
        e->reason = HVM_EXIT_NPF;
        e->u.npf.gpa = vmcb->exitinfo2;
        e->u.npf.write = vmcb->exitinfo1 & NPF_WRITE;
        e->u.npf.fetch = vmcb->exitinfo1 & NPF_FETCH;
        e->u.npf.read = !e->u.npf.write && !e->u.npf.fetch;
        break;
    case VMEXIT_SHUTDOWN:
        e->reason = HVM_EXIT_TRIPLE_FAULT;
        break;
    case VMEXIT_INVALID:
        e->reason = HVM_EXIT_INVALID_STATE;
        break;
    case VMEXIT_INIT:
        e->reason = HVM_EXIT_INIT;
        break;
    case VMEXIT_XSETBV:
        e->reason = HVM_EXIT_XSETBV;
        break;
    case VMEXIT_PAUSE:
        e->reason = HVM_EXIT_PAUSE;
        break;
    default:
        if (code >= VMEXIT_DR0_READ && code <= VMEXIT_DR15_WRITE) {
            e->reason = HVM_EXIT_DR_ACCESS;
        } else if (code >= VMEXIT_EXCEPTION_DE && code < VMEXIT_EXCEPTION_DE + 32) {
            e->reason = HVM_EXIT_EXCEPTION;
            e->u.exc.vector = (uint8_t)(code - VMEXIT_EXCEPTION_DE);
            e->u.exc.error = (uint32_t)vmcb->exitinfo1;
            e->u.exc.cr2 = vmcb->exitinfo2;
        } else {
            /* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT and anything unexpected. */
            e->reason = HVM_EXIT_UNHANDLED;
        }
        break;
    }
}

static bool svm_has_nrips;

/* ------------------------------------------------------------- NMIs */

/* The #DB intercept back to what hvm_debug= asked for. */
static void svm_db_intercept(struct vmcb *vmcb, bool on)
{
    vmcb->intercept_exc = (vmcb->intercept_exc & ~EXC_DB_BIT) |
                          (on ? EXC_DB_BIT : hvm_debug_exceptions & EXC_DB_BIT);
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_INTERCEPTS);
}

/* NMI blocking after an exit (asm/hvm/svm/nmi.h): the IRET intercept, our single step. */
static void svm_nmi_exit(struct svm_vcpu *sv, struct hvm_exit *exit)
{
    struct vmcb *vmcb = sv->vmcb;
    bool stepping = sv->nmi.singlestep;
    uint64_t rflags = vmcb->rflags;

    if (vmcb->exitcode == VMEXIT_IRET) {
        svm_nmi_iret_exit(&sv->nmi, vmcb->rip);
        vmcb->intercept_misc1 &= ~VMCB_INTC1_IRET;
        vmcb_mark_dirty(vmcb, VMCB_CLEAN_INTERCEPTS);
        exit->reason = HVM_EXIT_NONE;
        return;
    }
    if (svm_nmi_after_exit(&sv->nmi, vmcb->exitcode == VMEXIT_EXCEPTION_DB, vmcb->rip,
                           &rflags)) {
        vmcb->dr6 &= ~DR6_BS;
        exit->reason = HVM_EXIT_NONE;
    }
    vmcb->rflags = rflags;
    if (stepping)
        svm_db_intercept(vmcb, false);
}

/*
 * The guest's first MOV to or from a DR: give it DR0-3 (loaded before
 * each VMRUN from then on, saved after) and stop intercepting; the
 * instruction runs again, natively.  DR6 and DR7 are in the VMCB and
 * VMRUN / #VMEXIT switch them with the host's.
 */
static void svm_dr_first_use(struct svm_vcpu *sv, struct hvm_exit *exit)
{
    sv->dr_live = true;
    sv->vmcb->intercept_dr = 0;
    vmcb_mark_dirty(sv->vmcb, VMCB_CLEAN_INTERCEPTS);
    exit->reason = HVM_EXIT_NONE;
}

/*
 * Clean bits hold only if this VMCB was the last one run on this CPU:
 * otherwise the CPU reloads everything.  The vintr word is always
 * reloaded, and so are the intercept vectors: interrupt delivery code
 * (the interrupt window) sets them in several places.
 */
static void svm_clean_bits_before_vmrun(struct svm_vcpu *sv, unsigned int cpu)
{
    if (!svm_has_vmcb_clean || sv->last_cpu != cpu || last_vmcb[cpu] != sv->vmcb_pa)
        sv->vmcb->clean_bits = 0;
    vmcb_mark_dirty(sv->vmcb, VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS);
}

static void svm_clean_bits_after_vmrun(struct svm_vcpu *sv, unsigned int cpu)
{
    sv->vmcb->clean_bits = svm_has_vmcb_clean ? VMCB_CLEAN_ALL : 0;
    sv->last_cpu = cpu;
    last_vmcb[cpu] = sv->vmcb_pa;
}

static void svm_vcpu_enter(struct vcpu *v, struct hvm_exit *exit)
{
    struct svm_vcpu *sv = to_svm(v);
    struct vmcb *vmcb = sv->vmcb;
    struct p2m *p2m = &v->domain->hvm.p2m;
    struct svm_domain *sd = v->domain->hvm.vendor;
    unsigned int cpu = smp_processor_id();
    uint64_t gen;
    bool fresh = false;

    /*
     * Join the flush IPI targets before reading tlb_gen (a locked, fully
     * ordered update): a flusher either sees this CPU in run_cpus and
     * kicks it, or moved tlb_gen before the load below.
     */
    if (!cpumask_test_cpu(cpu, &sd->run_cpus))
        cpumask_set_cpu(cpu, &sd->run_cpus);
    /* Changed nested translations: drop this vCPU's TLB entries by taking a clean ASID. */
    p2m->hw_loaded = true;
    gen = __atomic_load_n(&p2m->tlb_gen, __ATOMIC_ACQUIRE);
    if (gen != sv->tlb_gen_seen) {
        sv->tlb_gen_seen = gen;
        fresh = true;
    }
    svm_clean_bits_before_vmrun(sv, cpu);
    svm_asid_handle_vmrun(v, vmcb, fresh);
    if (sv->dr_live && (dr_owner[cpu] != sv || sv->dr_cpu != cpu)) {
        hvm_load_debug_regs(sv->dr, NULL);
        dr_owner[cpu] = sv;
        sv->dr_cpu = cpu;
    }

    /* An event whose delivery an exit interrupted goes first. */
    if (sv->ev.reinject && !(vmcb->eventinj & EVENTINJ_VALID))
        vmcb->eventinj = sv->ev.reinject;
    sv->ev.reinject = 0;
    /* An external interrupt goes in as a virtual interrupt (virq.h), never with a window. */
    if (sv->ev.virq) {
        vmcb->vintr = svm_virq_vintr(&sv->ev, vmcb->vintr);
        vmcb->intercept_misc1 &= ~VMCB_INTC1_VINTR;
    }

    vmcb->rax = v->hvm.gprs.rax;
    hvm_xstate_enter(&v->hvm.xstate);
    svm_vmrun(sv->vmcb_pa, &v->hvm.gprs, virt_to_maddr(host_vmsave_area[smp_processor_id()]));
    hvm_xstate_exit(&v->hvm.xstate);
    v->hvm.gprs.rax = vmcb->rax;
    svm_clean_bits_after_vmrun(sv, cpu);
    if (sv->dr_live)
        hvm_save_debug_regs(sv->dr, NULL);

    svm_virq_after_exit(&sv->ev, vmcb->vintr, vmcb->exitintinfo);
    vmcb->eventinj = 0;
    /* An interrupt window lasts one entry: common code asks again if it still needs one. */
    vmcb->vintr = svm_virq_clear(vmcb->vintr);
    vmcb->intercept_misc1 &= ~VMCB_INTC1_VINTR;
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS);
    svm_decode_exit(vmcb, exit, svm_has_nrips);
    svm_nmi_exit(sv, exit);
    if (exit->reason == HVM_EXIT_DR_ACCESS)
        svm_dr_first_use(sv, exit);
    /* Where NRIPS is missing, EXITINFO2 of IOIO exits carries the next RIP. */
}

/* ------------------------------------------------------ guest state */

static uint64_t svm_get_rip(struct vcpu *v) { return vmcb_of(v)->rip; }
/*
 * The hypervisor moves RIP only past an instruction it emulated or
 * skipped: an STI or MOV SS shadow covered that instruction and ends with it.
 */
static void svm_set_rip(struct vcpu *v, uint64_t rip)
{
    struct vmcb *vmcb = vmcb_of(v);

    vmcb->rip = rip;
    vmcb->int_state &= ~VMCB_INT_SHADOW;
}
static uint64_t svm_get_rflags(struct vcpu *v) { return vmcb_of(v)->rflags; }
static void svm_set_rflags(struct vcpu *v, uint64_t f) { vmcb_of(v)->rflags = f | 2; }
static uint64_t svm_get_rsp(struct vcpu *v) { return vmcb_of(v)->rsp; }
static void svm_set_rsp(struct vcpu *v, uint64_t rsp) { vmcb_of(v)->rsp = rsp; }

static uint64_t svm_get_cr(struct vcpu *v, unsigned int cr)
{
    struct vmcb *vmcb = vmcb_of(v);

    switch (cr) {
    case 0: return vmcb->cr0;
    case 2: return vmcb->cr2;
    case 3: return vmcb->cr3;
    case 4: return vmcb->cr4;
    default: return 0;
    }
}

static int svm_set_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    struct vmcb *vmcb = vmcb_of(v);

    switch (cr) {
    case 0:
        if (val >> 32)
            return -EINVAL;
        vmcb->cr0 = val;
        break;
    case 2:
        vmcb->cr2 = val;
        vmcb_mark_dirty(vmcb, VMCB_CLEAN_CR2);
        return 0;
    case 3:
        vmcb->cr3 = val;
        break;
    case 4:
        vmcb->cr4 = val;
        break;
    default:
        return -EINVAL;
    }
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_CR);
    return 0;
}

/* The guest never sees EFER.SVME: VMRUN requires it set in the VMCB. */
static uint64_t svm_get_efer(struct vcpu *v)
{
    return vmcb_of(v)->efer & ~EFER_SVME;
}

static int svm_set_efer(struct vcpu *v, uint64_t efer)
{
    struct vmcb *vmcb = vmcb_of(v);
    /* SCE, LME, LMA, NXE, FFXSR are what a guest may set. */
    const uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | (1ull << 14);

    if (efer & ~allowed)
        return -EINVAL;
    /* LMA follows LME once paging is on; keep what the CPU computed. */
    efer = (efer & ~EFER_LMA) | (vmcb->efer & EFER_LMA);
    vmcb->efer = efer | EFER_SVME;
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_CR);
    return 0;
}

static struct vmcb_seg *seg_of(struct vmcb *vmcb, enum x86_segment seg)
{
    switch (seg) {
    case x86_seg_cs: return &vmcb->cs;
    case x86_seg_ss: return &vmcb->ss;
    case x86_seg_ds: return &vmcb->ds;
    case x86_seg_es: return &vmcb->es;
    case x86_seg_fs: return &vmcb->fs;
    case x86_seg_gs: return &vmcb->gs;
    case x86_seg_tr: return &vmcb->tr;
    case x86_seg_ldtr: return &vmcb->ldtr;
    case x86_seg_gdtr: return &vmcb->gdtr;
    case x86_seg_idtr: return &vmcb->idtr;
    default: return NULL;
    }
}

static void svm_get_segment(struct vcpu *v, enum x86_segment seg, struct segment_register *reg)
{
    const struct vmcb_seg *s = seg_of(vmcb_of(v), seg);

    memset(reg, 0, sizeof(*reg));
    if (!s)
        return;
    reg->sel = s->sel;
    reg->attr = s->attr;
    reg->limit = s->limit;
    reg->base = s->base;
}

static void svm_set_segment(struct vcpu *v, enum x86_segment seg,
                            const struct segment_register *reg)
{
    struct vmcb *vmcb = vmcb_of(v);
    struct vmcb_seg *s = seg_of(vmcb, seg);

    if (!s)
        return;
    s->sel = reg->sel;
    s->attr = reg->attr;
    s->limit = reg->limit;
    s->base = reg->base;
    /* The VMCB keeps CPL apart from CS; it follows SS.DPL (APM: "Segment State"). */
    if (seg == x86_seg_ss)
        vmcb->cpl = (uint8_t)((reg->attr >> 5) & 3);
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_SEG | VMCB_CLEAN_DT);
}

static unsigned int svm_get_cpl(struct vcpu *v)
{
    return vmcb_of(v)->cpl;
}

static void svm_inject_event(struct vcpu *v, const struct hvm_event *ev)
{
    struct vmcb *vmcb = vmcb_of(v);
    uint64_t inj = ev->vector | ((uint64_t)ev->type << EVENTINJ_TYPE_SHIFT) | EVENTINJ_VALID;

    if (ev->type == HVM_EVENT_EXTINT) {
        to_svm(v)->ev.virq = (uint16_t)(SVM_VIRQ_PENDING | ev->vector);
        return;
    }

    if (ev->has_error)
        inj |= EVENTINJ_EV | ((uint64_t)ev->error << EVENTINJ_ERR_SHIFT);
    if (ev->type == HVM_EVENT_HW_EXC && ev->vector == 14) {
        vmcb->cr2 = ev->cr2;
        vmcb_mark_dirty(vmcb, VMCB_CLEAN_CR2);
    }
    vmcb->eventinj = inj;
    /* A new exception replaces one the exit interrupted (a fault while delivering it). */
    to_svm(v)->ev.reinject = 0;
    /* NMIs are blocked from this delivery until an IRET completes. */
    if (ev->type == HVM_EVENT_NMI) {
        svm_nmi_injected(&to_svm(v)->nmi);
        vmcb->intercept_misc1 |= VMCB_INTC1_IRET;
        vmcb_mark_dirty(vmcb, VMCB_CLEAN_INTERCEPTS);
    }
}

static bool svm_interrupts_enabled(struct vcpu *v)
{
    struct vmcb *vmcb = vmcb_of(v);

    /* An event an exit interrupted goes first: the interrupt waits for the window after it. */
    return (vmcb->rflags & X86_EFLAGS_IF_BIT) && !(vmcb->int_state & VMCB_INT_SHADOW) &&
           !to_svm(v)->ev.reinject && !to_svm(v)->ev.virq;
}

/* In an NMI handler (until its IRET completes), in an STI / MOV SS shadow, or an event queued. */
static bool svm_nmi_blocked(struct vcpu *v)
{
    struct svm_vcpu *sv = to_svm(v);

    return sv->nmi.masked || (sv->vmcb->int_state & VMCB_INT_SHADOW) || sv->ev.reinject ||
           (sv->vmcb->eventinj & EVENTINJ_VALID);
}

/* No NMI-window intercept without vNMI: the IRET intercept, or a single step (nmi.h). */
static void svm_enable_nmi_window(struct vcpu *v)
{
    struct svm_vcpu *sv = to_svm(v);
    struct vmcb *vmcb = sv->vmcb;
    uint64_t rflags = vmcb->rflags;

    /* A handed-over interrupt is queued too: its frame would take our TF. */
    if (svm_nmi_want_step(&sv->nmi, vmcb->int_state & VMCB_INT_SHADOW,
                          sv->ev.reinject || sv->ev.virq || (vmcb->eventinj & EVENTINJ_VALID),
                          &rflags)) {
        vmcb->rflags = rflags;
        svm_db_intercept(vmcb, true);
    }
}

static void svm_enable_intr_window(struct vcpu *v)
{
    struct vmcb *vmcb = vmcb_of(v);

    /* One is already handed over: it goes in when it can, the rest at a later exit. */
    if (to_svm(v)->ev.virq)
        return;

    /* A virtual interrupt request that exits when the guest could take it. */
    vmcb->intercept_misc1 |= VMCB_INTC1_VINTR;
    vmcb->vintr |= VMCB_VINTR_V_IRQ | VMCB_VINTR_IGN_TPR;
}

/* INIT: nothing queued, no window, NMIs unblocked. */
static void svm_reset_events(struct vcpu *v)
{
    struct svm_vcpu *sv = to_svm(v);
    struct vmcb *vmcb = sv->vmcb;
    uint64_t rflags = vmcb->rflags;

    svm_nmi_reset(&sv->nmi, &rflags);
    vmcb->rflags = rflags;
    svm_db_intercept(vmcb, false);
    vmcb->eventinj = 0;
    sv->ev.reinject = 0;
    sv->ev.virq = 0;
    vmcb->int_state = 0;
    vmcb->vintr = svm_virq_clear(vmcb->vintr);
    vmcb->intercept_misc1 &= ~(VMCB_INTC1_VINTR | VMCB_INTC1_IRET);
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS);
}

/* The IPI is the work: it makes the target leave the guest (VMEXIT_INTR). */
static void svm_kick_here(void *info)
{
}

/*
 * After tlb_gen moved: every vCPU takes a clean ASID at its next VMRUN,
 * but one in the guest on another CPU keeps its translations until it
 * exits.  Kick those CPUs and wait, as the p2m frees unlinked tables as
 * soon as this returns.  The IPI needs interrupts on; the run loop has
 * them off, so they are on for the wait only (as in VMX).
 */
static void svm_flush_domain(struct domain *d)
{
    struct svm_domain *sd = d->hvm.vendor;
    cpumask_t others;
    bool irq_off;

    if (!sd)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    others = sd->run_cpus;
    cpumask_clear_cpu(smp_processor_id(), &others);
    if (cpumask_empty(&others))
        return;
    irq_off = !local_irq_is_enabled();
    if (irq_off)
        local_irq_enable();
    on_selected_cpus(&others, svm_kick_here, NULL, true);
    if (irq_off)
        local_irq_disable();
}

static void svm_npt_flush(struct p2m *p2m)
{
    svm_flush_domain(container_of(p2m, struct domain, hvm.p2m));
}

static struct p2m_ops svm_p2m_ops;

static void svm_flush_guest_tlbs(struct domain *d)
{
    __atomic_add_fetch(&d->hvm.p2m.tlb_gen, 1, __ATOMIC_SEQ_CST);
    svm_flush_domain(d);
}

static void svm_write_hypercall_insn(uint8_t *p)
{
    p[0] = 0x0f; /* VMMCALL */
    p[1] = 0x01;
    p[2] = 0xd9;
}

static void svm_dump_vcpu(struct vcpu *v)
{
    svm_vmcb_dump(vmcb_of(v));
}

static struct hvm_function_table svm_function_table = {
    .name = "SVM",
    .cpu_up = svm_cpu_up,
    .cpu_down = svm_cpu_down,
    .domain_initialise = svm_domain_initialise,
    .domain_destroy = svm_domain_destroy,
    .vcpu_initialise = svm_vcpu_initialise,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_enter = svm_vcpu_enter,
    .get_rip = svm_get_rip,
    .set_rip = svm_set_rip,
    .get_rflags = svm_get_rflags,
    .set_rflags = svm_set_rflags,
    .get_rsp = svm_get_rsp,
    .set_rsp = svm_set_rsp,
    .get_cr = svm_get_cr,
    .set_cr = svm_set_cr,
    .get_efer = svm_get_efer,
    .set_efer = svm_set_efer,
    .get_segment = svm_get_segment,
    .set_segment = svm_set_segment,
    .get_cpl = svm_get_cpl,
    .inject_event = svm_inject_event,
    .interrupts_enabled = svm_interrupts_enabled,
    .enable_intr_window = svm_enable_intr_window,
    .nmi_blocked = svm_nmi_blocked,
    .enable_nmi_window = svm_enable_nmi_window,
    .reset_events = svm_reset_events,
    .p2m_ops = &svm_p2m_ops,
    .flush_guest_tlbs = svm_flush_guest_tlbs,
    .write_hypercall_insn = svm_write_hypercall_insn,
    .dump_vcpu = svm_dump_vcpu,
};

const struct hvm_function_table *start_svm(void)
{
    struct cpuid_regs r;
    unsigned int cpu;

    cpuid(0x80000000U, &r);
    if (r.a < 0x8000000aU)
        return NULL;
    cpuid(0x80000001U, &r);
    if (!(r.c & CPUID_EXT1_ECX_SVM))
        return NULL;
    svm_function_table.has_1g_nested_pages = r.d & CPUID_EXT1_EDX_PAGE1G;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        printk("SVM: disabled by the firmware (VM_CR.SVMDIS)\n");
        return NULL;
    }
    cpuid(0x8000000aU, &r);
    if (!(r.d & SVM_FEAT_NP)) {
        printk("SVM: no nested paging: not usable\n");
        return NULL;
    }
    svm_nr_asids = r.b;
    svm_has_nrips = r.d & SVM_FEAT_NRIPS;
    svm_has_vmcb_clean = r.d & SVM_FEAT_VMCB_CLEAN;
    svm_function_table.has_next_rip = svm_has_nrips;
    /* RDTSCP runs natively wherever the host has it (no intercept to turn on). */
    svm_function_table.has_rdtscp = true;
    svm_p2m_ops = npt_p2m_ops;
    svm_p2m_ops.flush = svm_npt_flush;

    for (cpu = 0; cpu < nr_cpu_ids && cpu < NR_CPUS; cpu++) {
        if (!cpumask_test_cpu(cpu, &cpu_online_map))
            continue;
        hsave_area[cpu] = alloc_xenheap_pages(0);
        host_vmsave_area[cpu] = alloc_xenheap_pages(0);
        if (!hsave_area[cpu] || !host_vmsave_area[cpu])
            return NULL;
    }
    printk("HVM: SVM enabled: %u ASIDs, nested paging%s%s%s%s\n", svm_nr_asids,
           svm_has_nrips ? ", next-RIP save" : ", no next-RIP save (lengths decoded)",
           svm_has_vmcb_clean ? ", VMCB clean bits" : "",
           r.d & SVM_FEAT_VGIF ? ", vGIF" : "",
           svm_function_table.has_1g_nested_pages ? ", 1 GiB nested pages" : "");
    return &svm_function_table;
}
