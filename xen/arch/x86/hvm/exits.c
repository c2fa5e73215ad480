/*
 * Vendor-neutral VM exit handlers: CPUID, MSRs, port I/O, HLT, the
 * control-register moves, nested page faults, and the
 * fatal ones.  Each returns 0
 * to keep running the vCPU, or a negative value when it must stop.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/p2m.h>
#include <asm/processor.h>
#include <xen/mm.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/cpuid.h>
#include <asm/hvm/msr.h>
#include <asm/hvm/support.h>
#include <asm/hvm/strio.h>
#include <asm/hvm/xstate.h>
#include <asm/hvm/debugreg.h>
#include <xen/param.h>
#include <xen/string.h>

#define X86_EFLAGS_IF (1ULL << 9)
/* Vectors (asm/traps.h has them too, but also PFEC names that guest_walk.h defines). */
#define HVM_EXC_UD 6
#define HVM_EXC_GP 13
#define PUBLIC_SHUTDOWN_poweroff 0
#define PUBLIC_SHUTDOWN_crash 3

static const struct hvm_insn_match insn_cpuid = { INSN_MAP_0F, 0xa2, -1, "CPUID" };
static const struct hvm_insn_match insn_rdmsr = { INSN_MAP_0F, 0x32, -1, "RDMSR" };
static const struct hvm_insn_match insn_wrmsr = { INSN_MAP_0F, 0x30, -1, "WRMSR" };
static const struct hvm_insn_match insn_hlt = { INSN_MAP_1BYTE, 0xf4, -1, "HLT" };
/* VMCALL (0f 01 c1) or VMMCALL (0f 01 d9): the exit already says which family. */
static const struct hvm_insn_match insn_mov_to_cr = { INSN_MAP_0F, 0x22, -1, "MOV to CR" };
static const struct hvm_insn_match insn_mov_from_cr = { INSN_MAP_0F, 0x20, -1, "MOV from CR" };
static const struct hvm_insn_match insn_xsetbv = { INSN_MAP_0F, 0x01, 0xd1, "XSETBV" };
#define X86_CR4_OSXSAVE (1ULL << 18)

static inline void gp_fault(struct vcpu *v)
{
    hvm_inject_exception(v, HVM_EXC_GP, true, 0);
}

int hvm_exit_nothing(struct vcpu *v, struct hvm_exit *exit)
{
    return 0;
}

/* ---------------------------------------------------------------- CPUID */

int hvm_exit_cpuid(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    uint32_t leaf = (uint32_t)g->rax, sub = (uint32_t)g->rcx;
    struct hvm_cpuid_ctx ctx = { .vcpu_id = v->vcpu_id, .domid = v->domain->domain_id };
    struct cpuid_leaf host = { 0 }, out;
    struct cpuid_regs r;

    cpuid(0, &r);
    ctx.host_max_basic = r.a;
    cpuid(0x80000000U, &r);
    ctx.host_max_ext = r.a;
    ctx.xcr0_allowed = hvm_xstate_allowed();
    ctx.no_rdtscp = !hvm_funcs->has_rdtscp;
    if (ctx.xcr0_allowed) {
        ctx.guest_xcr0 = hvm_xstate_of(v)->xcr0;
        ctx.guest_osxsave = hvm_funcs->get_cr(v, 4) & X86_CR4_OSXSAVE;
        ctx.xsave_size = hvm_xstate_size(ctx.guest_xcr0);
        ctx.xsave_size_max = hvm_xstate_size(ctx.xcr0_allowed);
        ctx.xsave_size_compact = hvm_xstate_size_compact(ctx.guest_xcr0);
    }
    if (hvm_cpuid_needs_host(leaf)) {
        cpuid_count(leaf, sub, &r);
        host.a = r.a;
        host.b = r.b;
        host.c = r.c;
        host.d = r.d;
    }
    hvm_cpuid_policy(leaf, sub, &host, &ctx, &out);
    if (hvm_skip_insn(v, exit, &insn_cpuid))
        return -EINVAL;
    g->rax = out.a;
    g->rbx = out.b;
    g->rcx = out.c;
    g->rdx = out.d;
    return 0;
}

/* ----------------------------------------------------------------- MSRs */

static int write_hypercall_page(struct vcpu *v, uint64_t gpa)
{
    uint8_t *page = alloc_xenheap_pages(0);
    int rc;

    if (!page)
        return -ENOMEM;
    hvm_hypercall_page_fill(page, hvm_funcs->write_hypercall_insn);
    rc = domain_copy_to_gpa(v->domain, gpa, page, PAGE_SIZE);
    free_xenheap_pages(page, 0);
    return rc;
}

static int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    const struct hvm_msr_desc *d = hvm_msr_lookup(msr);

    if (vlapic_owns_msr(msr))       /* APIC_BASE, TSC_DEADLINE, x2APIC: vlapic.c */
        return vlapic_msr_read(v, msr, val);
    switch (d->kind) {
    case HVM_MSR_ZERO:
        *val = 0;
        return 0;
    case HVM_MSR_CONST:
        *val = d->value;
        return 0;
    case HVM_MSR_EFER:
        *val = hvm_funcs->get_efer(v);
        return 0;
    case HVM_MSR_APIC_BASE:
        *val = HVM_LAPIC_BASE | MSR_APIC_BASE_ENABLE | (v->vcpu_id ? 0 : MSR_APIC_BASE_BSP);
        return 0;
    case HVM_MSR_HYPERCALL_PAGE:
        *val = 0;
        return 0;
    case HVM_MSR_TSC:
        *val = rdtsc();
        return 0;
    case HVM_MSR_TSC_AUX:
        *val = v->hvm.tsc_aux;
        return 0;
    default:
        return -EINVAL;
    }
}

static int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    const struct hvm_msr_desc *d = hvm_msr_lookup(msr);

    if (vlapic_owns_msr(msr))       /* APIC_BASE, TSC_DEADLINE, x2APIC: vlapic.c */
        return vlapic_msr_write(v, msr, val);
    switch (d->kind) {
    case HVM_MSR_ZERO:
    case HVM_MSR_CONST:
    case HVM_MSR_TSC:
        return 0;
    case HVM_MSR_EFER:
        return hvm_funcs->set_efer(v, val);
    case HVM_MSR_TSC_AUX:
        if (val >> 32)
            return -EINVAL;
        v->hvm.tsc_aux = (uint32_t)val;
        wrmsr(MSR_TSC_AUX, val);
        return 0;
    case HVM_MSR_APIC_BASE:
        /* Only the reset value: no relocation, no x2APIC, no disabling yet. */
        return (val & ~MSR_APIC_BASE_BSP) == (HVM_LAPIC_BASE | MSR_APIC_BASE_ENABLE) ? 0 : -EINVAL;
    case HVM_MSR_HYPERCALL_PAGE:
        /* Xen's layout: page frame in the high bits, page index (0 only) in the low 12. */
        if (val & 0xfff)
            return -EINVAL;
        v->hvm.hypercall_page_gpa = val;
        if (write_hypercall_page(v, val)) {
            printk(XENLOG_G_WARNING "d%u: hypercall page at %#lx is not RAM\n",
                   v->domain->domain_id, (unsigned long)val);
            return -EINVAL;
        }
        return 0;
    default:
        return -EINVAL;
    }
}

int hvm_exit_msr_read(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    uint64_t val;

    if (msr_read(v, (uint32_t)g->rcx, &val)) {
        gp_fault(v);
        return 0;
    }
    if (hvm_skip_insn(v, exit, &insn_rdmsr))
        return -EINVAL;
    g->rax = (uint32_t)val;
    g->rdx = val >> 32;
    return 0;
}

int hvm_exit_msr_write(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    uint64_t val = (uint32_t)g->rax | (g->rdx << 32);

    if (msr_write(v, (uint32_t)g->rcx, val)) {
        gp_fault(v);
        return 0;
    }
    return hvm_skip_insn(v, exit, &insn_wrmsr) ? -EINVAL : 0;
}

/* ------------------------------------------------------------- port I/O */

int hvm_exit_io(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    unsigned int size = exit->u.io.size;
    uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
    uint64_t val = g->rax & mask;

    if (exit->u.io.string)
        return hvm_emulate_string_io(v, exit);
    if (!exit->insn_len) {
        domain_crash(v->domain, v, "I/O exit without a next RIP");
        return -EINVAL;
    }
    hvm_portio(v, exit->u.io.port, size, exit->u.io.in, &val);
    if (exit->u.io.in) {
        /* IN to EAX zero-extends; to AL/AX keeps the other bits. */
        if (size == 4)
            g->rax = (uint32_t)val;
        else
            g->rax = (g->rax & ~mask) | (val & mask);
    }
    return hvm_skip_insn(v, exit, NULL);
}

/* ------------------------------------------------------------------ HLT */

/* Every vCPU of d halted with interrupts off (or never started): nothing can wake it. */
static bool all_vcpus_dead(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *w = d->vcpu[i];

        if (w && !w->hvm.halted_irq_off && !(ACCESS_ONCE(w->pause_flags) & VPF_down))
            return false;
    }
    return true;
}

/* With IF=0 only an NMI ends HLT (INIT resets the vCPU through the vLAPIC). */
static bool hlt_wakes(struct vcpu *v)
{
    if (v->hvm.halted_irq_off)
        return ACCESS_ONCE(v->hvm.vlapic.nmi_pending) && !hvm_funcs->nmi_blocked(v);
    return vlapic_event_waiting(v);
}

int hvm_exit_hlt(struct vcpu *v, struct hvm_exit *exit)
{
    if (hvm_skip_insn(v, exit, &insn_hlt))
        return -EINVAL;
    if (!(hvm_funcs->get_rflags(v) & X86_EFLAGS_IF)) {
        /* cli; hlt: only an NMI or INIT could wake it; on every vCPU, Xen calls it power-off. */
        v->hvm.halted_irq_off = true;
        if (all_vcpus_dead(v->domain)) {
            domain_shutdown(v->domain, PUBLIC_SHUTDOWN_poweroff);
            return -EINVAL;
        }
    } else {
        v->hvm.halted_irq_off = false;
    }
    /* Sleep until something can be delivered (an interrupt, an upcall, an NMI). */
    if (hlt_wakes(v))
        return 0;
    vcpu_block(v);
    /* It may have arrived between the check and the block. */
    if (hlt_wakes(v))
        vcpu_unblock(v);
    return 0;
}

/* ------------------------------------------------ control registers */

#define APIC_TPR_OFFSET 0x80

/*
 * MOV to/from CRn.  CR8 is the vLAPIC's TPR (bits 7:4); the others go to
 * the vendor's set_cr, whose refusal is the guest's #GP(0).  Outside
 * 64-bit mode the operand is 32 bits.
 */
int hvm_exit_cr_access(struct vcpu *v, struct hvm_exit *exit)
{
    unsigned int cr = exit->u.cr.cr, reg = exit->u.cr.gpr;
    bool is64 = hvm_cpu_mode(v) == CPU_MODE_64;
    uint64_t val;

    if (exit->u.cr.write) {
        val = hvm_get_gpr(v, reg);
        if (!is64)
            val = (uint32_t)val;
        if (cr == 8) {
            if (val >> 4) {
                gp_fault(v);
                return 0;
            }
            vlapic_write(v, APIC_TPR_OFFSET, (uint32_t)val << 4);
        } else if (hvm_funcs->set_cr(v, cr, val)) {
            gp_fault(v);
            return 0;
        }
        return hvm_skip_insn(v, exit, &insn_mov_to_cr) ? -EINVAL : 0;
    }
    if (cr == 8)
        val = (vlapic_read(v, APIC_TPR_OFFSET) >> 4) & 0xf;
    else
        val = hvm_funcs->get_cr(v, cr);
    if (hvm_skip_insn(v, exit, &insn_mov_from_cr))
        return -EINVAL;
    hvm_set_gpr(v, reg, is64 ? val : (uint32_t)val);
    return 0;
}

/* ------------------------------------------------- nested page faults */

static int emulate_lapic_access(struct vcpu *v, struct hvm_exit *exit)
{
    uint8_t bytes[INSN_MAX_LEN];
    struct insn_info ii;
    struct mmio_insn mi;
    unsigned int avail, offset = (unsigned int)(exit->u.npf.gpa & 0xfff);
    int rc = hvm_fetch_insn(v, bytes, &avail, &ii);

    if (rc < 0)
        return rc == -EFAULT ? 0 : rc;
    rc = mmio_decode(bytes, avail, hvm_cpu_mode(v), &mi);
    if (rc < 0 || mi.size != 4 || (offset & 0xf)) {
        domain_crash(v->domain, v, "LAPIC access at %#lx: unsupported instruction or size (%d)",
                     (unsigned long)exit->u.npf.gpa, rc);
        return -EINVAL;
    }
    switch (mi.kind) {
    case MMIO_LOAD:
        hvm_set_gpr(v, mi.reg, mmio_reg_result(&mi, hvm_get_gpr(v, mi.reg),
                                               vlapic_read(v, offset)));
        break;
    case MMIO_STORE:
    case MMIO_STORE_IMM:
        vlapic_write(v, offset, (uint32_t)mmio_store_value(&mi, hvm_get_gpr(v, mi.reg)));
        break;
    case MMIO_XCHG: {
        uint32_t old = vlapic_read(v, offset);

        vlapic_write(v, offset, (uint32_t)mmio_store_value(&mi, hvm_get_gpr(v, mi.reg)));
        hvm_set_gpr(v, mi.reg, mmio_reg_result(&mi, hvm_get_gpr(v, mi.reg), old));
        break;
    }
    default:
        return -EINVAL;
    }
    exit->insn_len = mi.len;
    return hvm_skip_insn(v, exit, NULL);
}

int hvm_exit_npf(struct vcpu *v, struct hvm_exit *exit)
{
    struct domain *d = v->domain;
    uint64_t gpa = exit->u.npf.gpa;
    p2m_type_t t;

    p2m_get_entry(&d->hvm.p2m, gpa >> PAGE_SHIFT, &t, NULL, NULL);
    if (t == p2m_populate_on_demand || t == p2m_ram_unscrubbed) {
        if (domain_populate_touch(d, gpa >> PAGE_SHIFT) == 0)
            return 0;
        domain_crash(d, v, "out of memory backing gpa %#lx", (unsigned long)gpa);
        return -ENOMEM;
    }
    if (hvm_is_lapic_gpa(gpa))
        return emulate_lapic_access(v, exit);
    domain_crash(d, v, "bad memory access: gpa %#lx rip %#lx (%s), p2m type %u",
                 (unsigned long)gpa, (unsigned long)hvm_get_rip(v),
                 exit->u.npf.write ? "write" : exit->u.npf.fetch ? "fetch" : "read",
                 (unsigned int)t);
    return -EFAULT;
}

/* ------------------------------------------------------------- fatal */

int hvm_exit_triple_fault(struct vcpu *v, struct hvm_exit *exit)
{
    domain_crash(v->domain, v, "triple fault");
    return -EFAULT;
}

int hvm_exit_invalid_state(struct vcpu *v, struct hvm_exit *exit)
{
    domain_crash(v->domain, v, "invalid guest state: VM entry failed");
    return -EFAULT;
}

int hvm_exit_init(struct vcpu *v, struct hvm_exit *exit)
{
    /* No INIT source yet (vLAPIC IPIs come later); a stray one is ignored. */
    return 0;
}

/*
 * XSETBV: only XCR0, only at CPL 0, only values the architecture allows
 * with the components this host lets guests have; the vendor code loads
 * the new XCR0 before the next entry.
 */
int hvm_exit_xsetbv(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_gprs *g = &v->hvm.gprs;
    uint64_t val = (uint32_t)g->rax | ((uint64_t)(uint32_t)g->rdx << 32);
    uint64_t allowed = hvm_xstate_allowed();

    if (!allowed || !(hvm_funcs->get_cr(v, 4) & X86_CR4_OSXSAVE)) {
        hvm_inject_exception(v, HVM_EXC_UD, false, 0);
        return 0;
    }
    if (hvm_get_cpl(v) != 0 || (uint32_t)g->rcx != 0 || !hvm_xcr0_valid(allowed, val)) {
        gp_fault(v);
        return 0;
    }
    if (hvm_skip_insn(v, exit, &insn_xsetbv))
        return -EINVAL;
    hvm_xstate_of(v)->xcr0 = val;
    return 0;
}

/* ------------------------------------------- exceptions (hvm_debug=) */

uint32_t hvm_debug_exceptions;

static const struct {
    const char *name;
    uint8_t vector;
} debug_exc_names[] = {
    {"de", 0}, {"ud", 6}, {"nm", 7}, {"ts", 10}, {"np", 11}, {"ss", 12}, {"gp", 13},
    {"pf", 14}, {"mf", 16}, {"ac", 17}, {"xm", 19},
};

static int parse_hvm_debug(const char *s)
{
    int rc = 0;

    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        unsigned int i;

        for (i = 0; i < ARRAY_SIZE(debug_exc_names); i++)
            if (strlen(debug_exc_names[i].name) == len && !strncmp(s, debug_exc_names[i].name, len))
                break;
        if (i < ARRAY_SIZE(debug_exc_names))
            hvm_debug_exceptions |= 1U << debug_exc_names[i].vector;
        else
            rc = -EINVAL;
        s += len + (e ? 1 : 0);
    }
    return rc;
}
custom_param("hvm_debug", parse_hvm_debug);

/* Vectors whose delivery pushes an error code. */
static bool exc_has_error(uint8_t vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

/*
 * An intercepted guest exception (hvm_debug=, or #AC on VMX, which vmx.c
 * reflects itself): say where it happened, the first times per vCPU, then
 * deliver it as the CPU would have, with its error code and CR2.
 */
#define DEBUG_EXC_LOG_MAX 64
int hvm_exit_exception(struct vcpu *v, struct hvm_exit *exit)
{
    struct hvm_event ev = {
        .vector = exit->u.exc.vector, .type = HVM_EVENT_HW_EXC,
        .has_error = exc_has_error(exit->u.exc.vector), .error = exit->u.exc.error,
        .cr2 = exit->u.exc.cr2,
    };

    if (v->hvm.nr_exits[HVM_EXIT_EXCEPTION] <= DEBUG_EXC_LOG_MAX)
        printk(XENLOG_G_INFO "d%u v%u: exception %u at %#lx (error %#x, cr2 %#lx), delivered\n",
               v->domain->domain_id, v->vcpu_id, ev.vector, (unsigned long)hvm_get_rip(v),
               ev.has_error ? ev.error : 0, (unsigned long)ev.cr2);
    v->hvm.event = ev;
    v->hvm.event_pending = true;
    return 0;
}

int hvm_exit_unhandled(struct vcpu *v, struct hvm_exit *exit)
{
    domain_crash(v->domain, v, "unexpected VM exit (vendor code %#lx)",
                 (unsigned long)exit->raw_reason);
    return -EINVAL;
}
