/*
 * Emulated devices of the PVH platform, for now: the port 0xE9 debug
 * console (xen/guest_console.h: printed line by line, prefixed with the domain),
 * all-ones reads and dropped writes on every other port, and a minimal
 * xAPIC at 0xFEE00000: the register file, the timer (one-shot and
 * periodic, a 1 GHz clock) delivering through IRR/ISR/EOI, and INIT/SIPI.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/guest_console.h>
#include <xen/time.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/msr.h>
#include <asm/hvm/support.h>

#define DEBUG_PORT 0xe9

void hvm_portio(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint64_t *val)
{
    if (in) {
        /* Nothing answers: the bus floats high.  Port 0xE9 reads 0xE9 (Bochs/QEMU debug port). */
        *val = port == DEBUG_PORT && size == 1 ? DEBUG_PORT : ~0ULL;
        return;
    }
    if (port == DEBUG_PORT && size == 1)
        guest_console_putc(v->domain, (char)*val);
}

/* ------------------------------------------------------- minimal vLAPIC */

#define APIC_ID      0x020
#define APIC_VERSION 0x030
#define APIC_TPR     0x080
#define APIC_PPR     0x0a0
#define APIC_EOI     0x0b0
#define APIC_LDR     0x0d0
#define APIC_DFR     0x0e0
#define APIC_SVR     0x0f0
#define APIC_ESR     0x280
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define APIC_LVT_TMR 0x320
#define APIC_LVT_ERR 0x370
#define APIC_TMICT   0x380
#define APIC_TMCCT   0x390
#define APIC_TDCR    0x3e0
#define APIC_ISR     0x100
#define APIC_IRR     0x200
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_PERIODIC (1u << 17)
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_ICR_BUSY   (1u << 12)

#define REG(v, off) ((v)->hvm.vlapic_regs[(off) >> 4])

#define ICR_DELIVERY_SHIFT 8
#define ICR_DELIVERY_MASK  (7u << ICR_DELIVERY_SHIFT)
#define ICR_DM_INIT        (5u << ICR_DELIVERY_SHIFT)
#define ICR_DM_STARTUP     (6u << ICR_DELIVERY_SHIFT)
#define ICR_DEST_LOGICAL   (1u << 11)
#define ICR_LEVEL_ASSERT   (1u << 14)
#define ICR_SHORTHAND_MASK (3u << 18)

/*
 * Only what starting secondary vCPUs needs: INIT and SIPI to one vCPU by
 * physical APIC ID (2 x vCPU id).  Fixed interrupts, NMIs, logical and
 * shorthand destinations come with the full vLAPIC and are dropped.
 */
static void vlapic_send_ipi(struct vcpu *v, uint32_t lo, uint32_t hi)
{
    struct domain *d = v->domain;
    unsigned int apic_id = hi >> 24, mode = lo & ICR_DELIVERY_MASK;
    struct vcpu *target;

    if ((lo & (ICR_DEST_LOGICAL | ICR_SHORTHAND_MASK)) || (apic_id & 1) ||
        apic_id / 2 >= d->max_vcpus)
        return;
    target = d->vcpu[apic_id / 2];
    if (!target || target == v)
        return;
    if (mode == ICR_DM_INIT && (lo & ICR_LEVEL_ASSERT))
        hvm_vcpu_init_ipi(target);
    else if (mode == ICR_DM_STARTUP)
        hvm_vcpu_sipi(target, (uint8_t)lo);
}

/* ---- IRR / ISR ---- */

static void vec_set(struct vcpu *v, unsigned int base, unsigned int vec)
{
    __atomic_fetch_or(&REG(v, base + 0x10 * (vec / 32)), 1u << (vec % 32), __ATOMIC_SEQ_CST);
}

static void vec_clear(struct vcpu *v, unsigned int base, unsigned int vec)
{
    __atomic_fetch_and(&REG(v, base + 0x10 * (vec / 32)), ~(1u << (vec % 32)), __ATOMIC_SEQ_CST);
}

static int vec_highest(struct vcpu *v, unsigned int base)
{
    int i;

    for (i = 7; i >= 0; i--) {
        uint32_t w = ACCESS_ONCE(REG(v, base + 0x10 * (unsigned int)i));

        if (w)
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

int vlapic_pending_irq(struct vcpu *v)
{
    int irr = vec_highest(v, APIC_IRR), isr = vec_highest(v, APIC_ISR);
    unsigned int tpr = REG(v, APIC_TPR) & 0xf0;

    if (irr < 0 || !(REG(v, APIC_SVR) & APIC_SVR_ENABLE))
        return -1;
    if (isr >= 0 && (irr & 0xf0) <= (isr & 0xf0))
        return -1;
    if ((unsigned int)(irr & 0xf0) <= tpr)
        return -1;
    return irr;
}

void vlapic_ack_irq(struct vcpu *v, unsigned int vector)
{
    vec_clear(v, APIC_IRR, vector);
    vec_set(v, APIC_ISR, vector);
}

void vcpu_kick(struct vcpu *v)
{
    vcpu_unblock(v);
    /* If it is in the guest, an exit makes it look at what is pending. */
    if (ACCESS_ONCE(v->is_running) && v->processor != smp_processor_id())
        smp_send_event_check_cpu(v->processor);
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    if (vector < 16)
        return;
    vec_set(v, APIC_IRR, vector);
    vcpu_kick(v);
}

/* ---- timer: a 1 GHz clock, so one count is one nanosecond before the divider ---- */

static unsigned int timer_divisor(struct vcpu *v)
{
    uint32_t d = REG(v, APIC_TDCR);
    unsigned int code = (d & 3) | ((d >> 1) & 4);

    return code == 7 ? 1 : 2u << code;
}

static s_time_t timer_period(struct vcpu *v)
{
    return (s_time_t)REG(v, APIC_TMICT) * timer_divisor(v);
}

static void vlapic_timer_fn(void *data)
{
    struct vcpu *v = data;
    uint32_t lvt = REG(v, APIC_LVT_TMR);

    if (!(lvt & APIC_LVT_MASKED) && (lvt & 0xff) >= 16)
        vec_set(v, APIC_IRR, lvt & 0xff);
    if ((lvt & APIC_LVT_PERIODIC) && REG(v, APIC_TMICT) && !v->domain->is_dying) {
        v->hvm.vlapic_timer_start += timer_period(v);
        set_timer(&v->hvm.vlapic_timer, v->hvm.vlapic_timer_start + timer_period(v));
    }
    vcpu_kick(v);
}

static void timer_load(struct vcpu *v)
{
    if (!REG(v, APIC_TMICT)) {
        stop_timer(&v->hvm.vlapic_timer);
        return;
    }
    v->hvm.vlapic_timer_start = NOW();
    set_timer(&v->hvm.vlapic_timer, v->hvm.vlapic_timer_start + timer_period(v));
}

static uint32_t timer_current(struct vcpu *v)
{
    s_time_t left;

    if (!REG(v, APIC_TMICT) || !timer_is_active(&v->hvm.vlapic_timer))
        return 0;
    left = v->hvm.vlapic_timer_start + timer_period(v) - NOW();
    return left > 0 ? (uint32_t)(left / timer_divisor(v)) : 0;
}

void vlapic_init(struct vcpu *v)
{
    init_timer(&v->hvm.vlapic_timer, vlapic_timer_fn, v, v->processor);
}

void vlapic_destroy(struct vcpu *v)
{
    kill_timer(&v->hvm.vlapic_timer);
}

bool hvm_is_lapic_gpa(uint64_t gpa)
{
    return (gpa & ~0xfffULL) == HVM_LAPIC_BASE;
}

void vlapic_reset(struct vcpu *v)
{
    unsigned int off;

    if (v->hvm.vlapic_timer.status != TIMER_STATUS_invalid)
        stop_timer(&v->hvm.vlapic_timer);
    memset(v->hvm.vlapic_regs, 0, sizeof(v->hvm.vlapic_regs));
    REG(v, APIC_ID) = (v->vcpu_id * 2) << 24;
    REG(v, APIC_VERSION) = 0x14 | (5u << 16);  /* integrated APIC, 6 LVT entries */
    REG(v, APIC_DFR) = 0xffffffffU;
    REG(v, APIC_SVR) = 0xff;
    for (off = APIC_LVT_TMR; off <= APIC_LVT_ERR; off += 0x10)
        REG(v, off) = APIC_LVT_MASKED;
}

uint32_t vlapic_read(struct vcpu *v, unsigned int offset)
{
    if (offset >= 0x400)
        return 0;
    switch (offset) {
    case APIC_PPR:
        return REG(v, APIC_TPR) & 0xf0;
    case APIC_EOI:
        return 0;
    case APIC_TMCCT:
        return timer_current(v);
    default:
        return REG(v, offset);
    }
}

void vlapic_write(struct vcpu *v, unsigned int offset, uint32_t val)
{
    switch (offset) {
    case APIC_TPR:
        REG(v, offset) = val & 0xff;
        break;
    case APIC_LDR:
        REG(v, offset) = val & 0xff000000U;
        break;
    case APIC_DFR:
        REG(v, offset) = val | 0x0fffffffU;
        break;
    case APIC_SVR:
        REG(v, offset) = val & 0x13ff;
        break;
    case APIC_ESR:
        REG(v, offset) = 0;
        break;
    case APIC_ICR_LO:
        REG(v, offset) = val & ~APIC_ICR_BUSY;
        vlapic_send_ipi(v, val, REG(v, APIC_ICR_HI));
        break;
    case APIC_ICR_HI:
        REG(v, offset) = val & 0xff000000U;
        break;
    case APIC_EOI: {
        int isr = vec_highest(v, APIC_ISR);

        if (isr >= 0)
            vec_clear(v, APIC_ISR, (unsigned int)isr);
        break;
    }
    case APIC_TMICT:
        REG(v, offset) = val;
        timer_load(v);
        break;
    case APIC_TDCR:
        REG(v, offset) = val & 0xb;
        break;
    default:
        if (offset >= APIC_LVT_TMR && offset <= APIC_LVT_ERR)
            REG(v, offset) = val & 0x000317ffU;
        /* ID, version, ISR/TMR/IRR and the rest: read-only here. */
        break;
    }
}
