/*
 * The virtual local APIC of an HVM vCPU (the pure register logic is in
 * vlapic_logic.c): xAPIC MMIO and x2APIC MSR access, IA32_APIC_BASE mode
 * changes, the timer (one-shot and periodic on a 1 GHz APIC clock,
 * TSC-deadline), and IPIs to the vCPUs of the same domain.
 *
 * Concurrency: the register file belongs to its vCPU, which alone reads
 * and writes it through MMIO/MSR exits.  Other CPUs only set IRR bits
 * (atomically), the NMI and INIT flags, and kick.  The timer function may
 * run on another CPU: the lock orders it against the vCPU's timer writes.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/time.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/vlapic.h>

#define REG(v, off) VLAPIC_REG((v)->hvm.vlapic.regs, off)

/* A periodic timer faster than this would keep the CPU busy with nothing but its interrupts. */
#define MIN_PERIOD_NS MICROSECS(50)
/* TSC deadlines further away than this are treated as this far (no overflow in the maths). */
#define MAX_DEADLINE_MS (1000ULL * 3600 * 24 * 365)

static inline struct vlapic *vl(struct vcpu *v)
{
    return &v->hvm.vlapic;
}

static bool hw_enabled(struct vcpu *v)
{
    return vl(v)->base_msr & LAPIC_BASE_ENABLE;
}

static bool x2apic_mode(struct vcpu *v)
{
    return (vl(v)->base_msr & (LAPIC_BASE_ENABLE | LAPIC_BASE_EXTD)) ==
           (LAPIC_BASE_ENABLE | LAPIC_BASE_EXTD);
}

static bool sw_enabled(struct vcpu *v)
{
    return hw_enabled(v) && (REG(v, LAPIC_SVR) & LAPIC_SVR_ENABLE);
}

/* Xen numbers APIC IDs 2 x vCPU id; the MADT (hvm/acpi.c) says the same. */
static uint32_t apic_id_of(const struct vcpu *v)
{
    return v->vcpu_id * 2;
}

/* ------------------------------------------------------- IRR, ISR, errors */

static void vec_set(struct vcpu *v, unsigned int base, unsigned int vec)
{
    __atomic_fetch_or(&REG(v, base + 0x10 * (vec / 32)), 1u << (vec % 32), __ATOMIC_SEQ_CST);
}

static void vec_clear(struct vcpu *v, unsigned int base, unsigned int vec)
{
    __atomic_fetch_and(&REG(v, base + 0x10 * (vec / 32)), ~(1u << (vec % 32)), __ATOMIC_SEQ_CST);
}

void vcpu_kick(struct vcpu *v)
{
    /* A vCPU in HLT with IF=0 sleeps on: only an NMI (or INIT, which resets it) ends that. */
    if (!ACCESS_ONCE(v->hvm.halted_irq_off) || ACCESS_ONCE(v->hvm.vlapic.nmi_pending) ||
        ACCESS_ONCE(v->hvm.vlapic.init_pending))
        vcpu_unblock(v);
    /* If it is in the guest, an exit makes it look at what is pending. */
    if (ACCESS_ONCE(v->is_running) && v->processor != smp_processor_id())
        smp_send_event_check_cpu(v->processor);
}

/* Latch an error for the next ESR write, and raise the error LVT if unmasked. */
static void vlapic_error(struct vcpu *v, uint32_t bits)
{
    uint32_t lvt = REG(v, LAPIC_LVTERR);

    __atomic_fetch_or(&vl(v)->esr_pending, bits, __ATOMIC_SEQ_CST);
    if (!(lvt & LAPIC_LVT_MASKED) && (lvt & 0xff) >= 16) {
        vec_set(v, LAPIC_IRR, lvt & 0xff);
        vcpu_kick(v);
    }
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    if (vector < 16)
        return;
    vec_set(v, LAPIC_IRR, vector);
    vcpu_kick(v);
}

/* A fixed interrupt from an IPI or an LVT: vectors 0-15 are illegal (receive error). */
static void deliver_fixed(struct vcpu *v, uint8_t vector)
{
    if (vector < 16)
        vlapic_error(v, LAPIC_ESR_RECV_ILLEGAL);
    else
        vlapic_set_irq(v, vector);
}

void vlapic_set_nmi(struct vcpu *v)
{
    __atomic_store_n(&vl(v)->nmi_pending, true, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
}

int vlapic_pending_irq(struct vcpu *v)
{
    if (!hw_enabled(v))
        return -1;
    return vlapic_deliverable_vector(vl(v)->regs);
}

bool vlapic_event_waiting(struct vcpu *v)
{
    return ACCESS_ONCE(vl(v)->nmi_pending) || evtchn_upcall_vector(v) >= 0 ||
           vlapic_pending_irq(v) >= 0;
}

void vlapic_ack_irq(struct vcpu *v, unsigned int vector)
{
    vec_clear(v, LAPIC_IRR, vector);
    vec_set(v, LAPIC_ISR, vector);
}

static void vlapic_eoi(struct vcpu *v)
{
    int isr = vlapic_highest_vector(vl(v)->regs, LAPIC_ISR);

    if (isr >= 0)
        vec_clear(v, LAPIC_ISR, (unsigned int)isr);
}

/* --------------------------------------------------------------- timer */

static uint32_t timer_mode(struct vcpu *v)
{
    return REG(v, LAPIC_LVTT) & LAPIC_TIMER_MODE_MASK;
}

static void vlapic_timer_fn(void *data)
{
    struct vcpu *v = data;
    struct vlapic *l = vl(v);
    uint32_t lvt = REG(v, LAPIC_LVTT);
    unsigned long flags;
    bool fire = true;

    spin_lock_irqsave(&l->lock, flags);
    if ((lvt & LAPIC_TIMER_MODE_MASK) == LAPIC_TIMER_TSC_DEADLINE) {
        fire = l->tsc_deadline != 0;
        l->tsc_deadline = 0;
    } else if ((lvt & LAPIC_TIMER_MODE_MASK) == LAPIC_TIMER_PERIODIC && l->timer_period &&
               !v->domain->is_dying) {
        s_time_t now = NOW(), period = (s_time_t)l->timer_period;

        /* Wholly missed periods are skipped: lateness does not pile up interrupts. */
        l->timer_start += period;
        if (now - l->timer_start >= period)
            l->timer_start += (now - l->timer_start) / period * period;
        set_timer(&l->timer, l->timer_start + period);
    }
    spin_unlock_irqrestore(&l->lock, flags);
    if (fire && !(lvt & LAPIC_LVT_MASKED))
        deliver_fixed(v, (uint8_t)lvt);
    vcpu_kick(v);
}

/* TMICT written (or the mode changed): start counting down from it, or stop at 0. */
static void timer_load(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    unsigned long flags;

    spin_lock_irqsave(&l->lock, flags);
    stop_timer(&l->timer);
    l->timer_period = vlapic_timer_ns(REG(v, LAPIC_TMICT),
                                      vlapic_timer_divisor(REG(v, LAPIC_TDCR)));
    if (timer_mode(v) == LAPIC_TIMER_PERIODIC && l->timer_period && l->timer_period < MIN_PERIOD_NS)
        l->timer_period = MIN_PERIOD_NS;
    l->timer_start = NOW();
    if (l->timer_period)
        set_timer(&l->timer, l->timer_start + (s_time_t)l->timer_period);
    spin_unlock_irqrestore(&l->lock, flags);
}

static void timer_stop(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    unsigned long flags;

    spin_lock_irqsave(&l->lock, flags);
    stop_timer(&l->timer);
    l->timer_period = 0;
    l->tsc_deadline = 0;
    spin_unlock_irqrestore(&l->lock, flags);
}

static uint32_t timer_current(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    uint32_t mode = timer_mode(v), count = 0;
    unsigned long flags;

    spin_lock_irqsave(&l->lock, flags);
    if (mode != LAPIC_TIMER_TSC_DEADLINE && l->timer_period)
        count = vlapic_timer_current(REG(v, LAPIC_TMICT), vlapic_timer_divisor(REG(v, LAPIC_TDCR)),
                                     (uint64_t)(NOW() - l->timer_start),
                                     mode == LAPIC_TIMER_PERIODIC);
    spin_unlock_irqrestore(&l->lock, flags);
    return count;
}

/*
 * The guest's TSC: VMX's TSC_OFFSET and the VMCB's tsc_offset are left at
 * 0 (vmx.c, vmcb.c), so it is the host TSC.
 */
static uint64_t guest_tsc(struct vcpu *v)
{
    return rdtsc();
}

/* System time at which the guest TSC reaches `deadline` (now if it has). */
static s_time_t tsc_deadline_to_stime(struct vcpu *v, uint64_t deadline)
{
    uint64_t now_tsc = guest_tsc(v), khz = tsc_khz ? tsc_khz : 1000000, delta, ms;

    if (deadline <= now_tsc)
        return NOW();
    delta = deadline - now_tsc;
    ms = delta / khz;
    if (ms >= MAX_DEADLINE_MS)
        return NOW() + MILLISECS(MAX_DEADLINE_MS);
    return NOW() + MILLISECS(ms) + (s_time_t)((delta % khz) * 1000000 / khz);
}

static void tsc_deadline_write(struct vcpu *v, uint64_t val)
{
    struct vlapic *l = vl(v);
    unsigned long flags;

    /* Outside TSC-deadline mode the MSR ignores writes (and reads 0). */
    if (timer_mode(v) != LAPIC_TIMER_TSC_DEADLINE)
        return;
    spin_lock_irqsave(&l->lock, flags);
    stop_timer(&l->timer);
    l->tsc_deadline = val;
    if (val)
        set_timer(&l->timer, tsc_deadline_to_stime(v, val));
    spin_unlock_irqrestore(&l->lock, flags);
}

static void lvtt_write(struct vcpu *v, uint32_t val)
{
    uint32_t old = timer_mode(v), new = val & LAPIC_TIMER_MODE_MASK;

    if (new == LAPIC_TIMER_MODE_MASK)
        new = old;                      /* mode 3 is reserved: keep the old mode */
    REG(v, LAPIC_LVTT) = (val & ~LAPIC_TIMER_MODE_MASK) | new;
    /* Entering or leaving TSC-deadline mode disarms the timer and clears the count. */
    if (old != new && (old == LAPIC_TIMER_TSC_DEADLINE || new == LAPIC_TIMER_TSC_DEADLINE)) {
        REG(v, LAPIC_TMICT) = 0;
        timer_stop(v);
    }
}

/* ---------------------------------------------------------------- IPIs */

static bool ipi_matches(const struct vcpu *src, struct vcpu *dst, const struct vlapic_icr *icr,
                        bool x2)
{
    switch (icr->shorthand) {
    case LAPIC_SH_SELF:
        return dst == src;
    case LAPIC_SH_ALL:
        return true;
    case LAPIC_SH_OTHERS:
        return dst != src;
    default:
        break;
    }
    if (!icr->logical)
        return vlapic_match_physical(x2 ? apic_id_of(dst) : REG(dst, LAPIC_ID) >> 24, icr->dest,
                                     x2);
    return vlapic_match_logical(REG(dst, LAPIC_LDR), REG(dst, LAPIC_DFR), icr->dest, x2);
}

static void ipi_deliver(const struct vcpu *src, struct vcpu *dst, const struct vlapic_icr *icr)
{
    switch (icr->mode) {
    case LAPIC_DM_FIXED:
    case LAPIC_DM_LOWEST:
        /* A software-disabled APIC accepts no fixed interrupts. */
        if (sw_enabled(dst))
            deliver_fixed(dst, icr->vector);
        break;
    case LAPIC_DM_NMI:
        vlapic_set_nmi(dst);
        break;
    case LAPIC_DM_INIT:
        if (dst == src)
            break;
        if (ACCESS_ONCE(dst->pause_flags) & VPF_down) {
            hvm_vcpu_init_ipi(dst);
        } else {
            /* It runs: it resets itself at its next entry (vlapic_handle_init). */
            __atomic_store_n(&vl(dst)->init_pending, true, __ATOMIC_SEQ_CST);
            vcpu_kick(dst);
        }
        break;
    case LAPIC_DM_STARTUP:
        if (dst != src)
            hvm_vcpu_sipi(dst, icr->vector);
        break;
    default:
        break;                          /* SMI and the reserved modes: nothing to deliver */
    }
}

/*
 * The interrupt command: delivery is immediate, so the delivery-status
 * bit never reads busy.  Lowest priority goes to the first match (the
 * lowest vCPU id): every vCPU has the same priority to the hypervisor.
 */
static void vlapic_send_ipi(struct vcpu *v, uint64_t cmd, bool x2)
{
    struct domain *d = v->domain;
    struct vlapic_icr icr;
    unsigned int i;

    vlapic_icr_decode(cmd, x2, &icr);
    if ((icr.mode == LAPIC_DM_FIXED || icr.mode == LAPIC_DM_LOWEST) && icr.vector < 16) {
        vlapic_error(v, LAPIC_ESR_SEND_ILLEGAL);
        return;
    }
    /* INIT level de-assert is a no-op on integrated APICs; a SIPI or INIT to oneself is ignored. */
    if (icr.mode == LAPIC_DM_INIT && !icr.level_assert)
        return;
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *dst = d->vcpu[i];

        if (!dst || !hw_enabled(dst) || !ipi_matches(v, dst, &icr, x2))
            continue;
        if (icr.mode == LAPIC_DM_LOWEST && !sw_enabled(dst))
            continue;                   /* the next candidate takes it */
        ipi_deliver(v, dst, &icr);
        if (icr.mode == LAPIC_DM_LOWEST)
            break;
    }
}

/* ------------------------------------------------------ INIT and reset */

void vlapic_init(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    const spinlock_t unlocked = SPIN_LOCK_UNLOCKED;

    l->lock = unlocked;
    init_timer(&l->timer, vlapic_timer_fn, v, v->processor);
}

void vlapic_destroy(struct vcpu *v)
{
    kill_timer(&vl(v)->timer);
}

/* The power-on / INIT state: xAPIC mode at 0xFEE00000, software-disabled, LVTs masked. */
void vlapic_reset(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    unsigned int off;

    if (l->timer.status != TIMER_STATUS_invalid)
        timer_stop(v);
    memset(l->regs, 0, sizeof(l->regs));
    REG(v, LAPIC_ID) = apic_id_of(v) << 24;
    REG(v, LAPIC_LVR) = VLAPIC_VERSION;
    REG(v, LAPIC_DFR) = LAPIC_DFR_FLAT;
    REG(v, LAPIC_SVR) = 0xff;
    for (off = LAPIC_LVTT; off <= LAPIC_LVTERR; off += 0x10)
        REG(v, off) = LAPIC_LVT_MASKED;
    l->base_msr = LAPIC_BASE_ADDR | LAPIC_BASE_ENABLE | (v->vcpu_id ? 0 : LAPIC_BASE_BSP);
    l->tsc_deadline = 0;
    l->esr_pending = 0;
    l->timer_period = 0;
    __atomic_store_n(&l->nmi_pending, false, __ATOMIC_SEQ_CST);
}

bool vlapic_handle_init(struct vcpu *v)
{
    /* A plain load first: this runs before every VM entry. */
    if (!ACCESS_ONCE(vl(v)->init_pending) ||
        !__atomic_exchange_n(&vl(v)->init_pending, false, __ATOMIC_SEQ_CST))
        return false;
    vlapic_reset(v);
    v->hvm.event_pending = false;
    /* Whatever the vendor had queued or was blocking dies with the INIT too. */
    hvm_funcs->reset_events(v);
    v->hvm.halted_irq_off = false;
    v->hvm.wait_for_sipi = true;
    vcpu_down(v);
    return true;
}

/* ----------------------------------------------------- register access */

static uint32_t reg_read(struct vcpu *v, unsigned int off)
{
    switch (off) {
    case LAPIC_PPR:
        return vlapic_compute_ppr(vl(v)->regs);
    case LAPIC_TMCCT:
        return timer_current(v);
    case LAPIC_EOI:
    case LAPIC_SELF_IPI:
        return 0;
    default:
        return REG(v, off);
    }
}

static void svr_write(struct vcpu *v, uint32_t val)
{
    unsigned int off;

    REG(v, LAPIC_SVR) = val & vlapic_write_mask(LAPIC_SVR, false);
    if (val & LAPIC_SVR_ENABLE)
        return;
    /* Software-disabled: every LVT is masked (and stays so until re-enabled). */
    for (off = LAPIC_LVTT; off <= LAPIC_LVTERR; off += 0x10)
        REG(v, off) |= LAPIC_LVT_MASKED;
}

/* A write the access path has validated (x2APIC: reserved bits and direction). */
static void reg_write(struct vcpu *v, unsigned int off, uint64_t val, bool x2)
{
    uint32_t v32 = (uint32_t)val, mask = vlapic_write_mask(off, x2);

    switch (off) {
    case LAPIC_EOI:
        vlapic_eoi(v);
        break;
    case LAPIC_SVR:
        svr_write(v, v32);
        break;
    case LAPIC_ESR:
        REG(v, LAPIC_ESR) = __atomic_exchange_n(&vl(v)->esr_pending, 0, __ATOMIC_SEQ_CST);
        break;
    case LAPIC_DFR:
        REG(v, LAPIC_DFR) = (v32 & mask) | ~mask;
        break;
    case LAPIC_ICR:
        REG(v, LAPIC_ICR) = v32 & mask;
        if (x2)
            REG(v, LAPIC_ICR2) = (uint32_t)(val >> 32);
        vlapic_send_ipi(v, ((uint64_t)REG(v, LAPIC_ICR2) << 32) | REG(v, LAPIC_ICR), x2);
        break;
    case LAPIC_LVTT:
        lvtt_write(v, sw_enabled(v) ? v32 & mask : (v32 & mask) | LAPIC_LVT_MASKED);
        break;
    case LAPIC_LVTTHMR: case LAPIC_LVTPC: case LAPIC_LVT0: case LAPIC_LVT1: case LAPIC_LVTERR:
        /* Delivery status and remote IRR read 0: delivery is immediate, nothing is level-held. */
        REG(v, off) = sw_enabled(v) ? v32 & mask : (v32 & mask) | LAPIC_LVT_MASKED;
        break;
    case LAPIC_TMICT:
        if (timer_mode(v) == LAPIC_TIMER_TSC_DEADLINE)
            break;                      /* ignored in TSC-deadline mode */
        REG(v, LAPIC_TMICT) = v32;
        timer_load(v);
        break;
    case LAPIC_SELF_IPI:
        deliver_fixed(v, (uint8_t)v32);
        break;
    default:
        /* TPR, LDR, ICR2, TDCR: their writable bits.  Read-only registers: mask 0, ignored. */
        if (mask)
            REG(v, off) = v32 & mask;
        break;
    }
}

/* Registers of the xAPIC page (reads of the others give 0 and an ESR error). */
static bool xapic_reg_exists(unsigned int off)
{
    switch (off) {
    case LAPIC_ID: case LAPIC_LVR: case LAPIC_TPR: case LAPIC_APR: case LAPIC_PPR: case LAPIC_EOI:
    case LAPIC_RRR: case LAPIC_LDR: case LAPIC_DFR: case LAPIC_SVR: case LAPIC_ESR: case LAPIC_ICR:
    case LAPIC_ICR2: case LAPIC_LVTT: case LAPIC_LVTTHMR: case LAPIC_LVTPC: case LAPIC_LVT0:
    case LAPIC_LVT1: case LAPIC_LVTERR: case LAPIC_TMICT: case LAPIC_TMCCT: case LAPIC_TDCR:
        return true;
    default:
        return off >= LAPIC_ISR && off < LAPIC_ESR;
    }
}

bool hvm_is_lapic_gpa(uint64_t gpa)
{
    return (gpa & ~0xfffULL) == LAPIC_BASE_ADDR;
}

/*
 * xAPIC MMIO.  With the APIC disabled or in x2APIC mode the page is not
 * decoded: reads float to all ones and writes are dropped.
 */
uint32_t vlapic_read(struct vcpu *v, unsigned int offset)
{
    if (!hw_enabled(v) || x2apic_mode(v))
        return ~0u;
    if (offset >= LAPIC_REGS_END || (offset & 0xf))
        return 0;
    if (!xapic_reg_exists(offset)) {
        vlapic_error(v, LAPIC_ESR_ILLEGAL_REG);
        return 0;
    }
    return reg_read(v, offset);
}

void vlapic_write(struct vcpu *v, unsigned int offset, uint32_t val)
{
    if (!hw_enabled(v) || x2apic_mode(v) || offset >= LAPIC_REGS_END || (offset & 0xf))
        return;
    if (!xapic_reg_exists(offset)) {
        vlapic_error(v, LAPIC_ESR_ILLEGAL_REG);
        return;
    }
    reg_write(v, offset, val, false);
}

void vlapic_dump(struct vcpu *v)
{
    struct vlapic *l = vl(v);

    printk("  vLAPIC %s ID %u: TPR %#x PPR %#x SVR %#x IRR %d ISR %d LVTT %#x TMICT %u%s%s%s\n",
           !hw_enabled(v) ? "disabled" : x2apic_mode(v) ? "x2APIC" : "xAPIC", apic_id_of(v),
           REG(v, LAPIC_TPR), vlapic_compute_ppr(l->regs), REG(v, LAPIC_SVR),
           vlapic_highest_vector(l->regs, LAPIC_IRR), vlapic_highest_vector(l->regs, LAPIC_ISR),
           REG(v, LAPIC_LVTT), REG(v, LAPIC_TMICT),
           timer_is_active(&l->timer) ? ", timer armed" : "",
           ACCESS_ONCE(l->nmi_pending) ? ", NMI pending" : "",
           ACCESS_ONCE(l->init_pending) ? ", INIT pending" : "");
}

/* ------------------------------------------------------------- MSRs */

bool vlapic_owns_msr(uint32_t msr)
{
    return msr == LAPIC_MSR_APICBASE || msr == LAPIC_MSR_TSC_DEADLINE ||
           (msr >= LAPIC_MSR_X2APIC_FIRST && msr <= LAPIC_MSR_X2APIC_LAST);
}

/* IA32_APIC_BASE: EN and EXTD with the architectural transitions; the base cannot move. */
static int apic_base_write(struct vcpu *v, uint64_t val)
{
    struct vlapic *l = vl(v);
    uint64_t keep = l->base_msr & LAPIC_BASE_BSP;
    bool was_x2 = x2apic_mode(v);

    if (!vlapic_base_write_ok(l->base_msr, val))
        return -EINVAL;
    if (!(val & LAPIC_BASE_ENABLE)) {
        /* Globally disabled: the APIC returns to its reset state, then stays off. */
        vlapic_reset(v);
        l->base_msr = LAPIC_BASE_ADDR | keep;
        return 0;
    }
    l->base_msr = (val & ~LAPIC_BASE_BSP) | keep;
    if (!was_x2 && x2apic_mode(v))
        /* Entering x2APIC: the 32-bit ID is implied, the LDR is derived from it. */
        REG(v, LAPIC_LDR) = vlapic_x2apic_ldr(apic_id_of(v));
    return 0;
}

int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    int off;

    if (msr == LAPIC_MSR_APICBASE) {
        *val = vl(v)->base_msr;
        return 0;
    }
    if (msr == LAPIC_MSR_TSC_DEADLINE) {
        *val = timer_mode(v) == LAPIC_TIMER_TSC_DEADLINE ? vl(v)->tsc_deadline : 0;
        return 0;
    }
    off = vlapic_x2apic_offset(msr, false);
    if (!x2apic_mode(v) || off < 0)
        return -EINVAL;
    switch (off) {
    case LAPIC_ID:
        *val = apic_id_of(v);
        break;
    case LAPIC_ICR:
        *val = ((uint64_t)REG(v, LAPIC_ICR2) << 32) | REG(v, LAPIC_ICR);
        break;
    default:
        *val = reg_read(v, (unsigned int)off);
        break;
    }
    return 0;
}

/* Bits an x2APIC write may set without #GP: the writable ones and those that read back as 0. */
static uint64_t x2apic_allowed(unsigned int off)
{
    uint32_t mask = vlapic_write_mask(off, true);

    switch (off) {
    case LAPIC_ICR:
        return 0xffffffff00000000ULL | mask;
    case LAPIC_LVTT: case LAPIC_LVTTHMR: case LAPIC_LVTPC: case LAPIC_LVTERR:
        return mask | LAPIC_LVT_PENDING;
    case LAPIC_LVT0: case LAPIC_LVT1:
        return mask | LAPIC_LVT_PENDING | (1u << 14);
    case LAPIC_EOI: case LAPIC_ESR:
        return 0;                       /* only 0 may be written */
    default:
        return mask;
    }
}

int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    int off;

    if (msr == LAPIC_MSR_APICBASE)
        return apic_base_write(v, val);
    if (msr == LAPIC_MSR_TSC_DEADLINE) {
        tsc_deadline_write(v, val);
        return 0;
    }
    off = vlapic_x2apic_offset(msr, true);
    if (!x2apic_mode(v) || off < 0 || (val & ~x2apic_allowed((unsigned int)off)))
        return -EINVAL;
    reg_write(v, (unsigned int)off, val, true);
    return 0;
}
