/*
 * The pure part of the virtual local APIC (host-tested in tools/tests/vlapic):
 * arithmetic on a register file and on register values, with no vCPU,
 * timer or lock.  Architectural facts from the SDM, "Advanced
 * Programmable Interrupt Controller (APIC)" and "x2APIC".
 */
#include <xen/types.h>
#include <asm/hvm/vlapic.h>

int vlapic_highest_vector(const uint32_t *regs, unsigned int base)
{
    int i;

    for (i = 7; i >= 0; i--) {
        uint32_t w = __atomic_load_n(&VLAPIC_REG(regs, base + 0x10 * (unsigned int)i),
                                     __ATOMIC_RELAXED);

        if (w)
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

/* PPR = TPR when its class is at least the in-service class, else the in-service class. */
uint32_t vlapic_compute_ppr(const uint32_t *regs)
{
    uint32_t tpr = VLAPIC_REG(regs, LAPIC_TPR) & 0xff;
    int isr = vlapic_highest_vector(regs, LAPIC_ISR);
    uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr;

    return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

/* An IRR vector is taken only if its class is above PPR's class. */
int vlapic_deliverable_vector(const uint32_t *regs)
{
    int irr = vlapic_highest_vector(regs, LAPIC_IRR);

    if (irr < 0 || ((uint32_t)irr & 0xf0) <= (vlapic_compute_ppr(regs) & 0xf0))
        return -1;
    return irr;
}

/* TDCR: bits 0, 1 and 3 form a code; 0..6 divide by 2 << code, 7 by 1. */
unsigned int vlapic_timer_divisor(uint32_t tdcr)
{
    unsigned int code = (tdcr & 3) | ((tdcr >> 1) & 4);

    return code == 7 ? 1 : 2u << code;
}

uint64_t vlapic_timer_ns(uint32_t count, unsigned int divisor)
{
    return (uint64_t)count * divisor;
}

uint32_t vlapic_timer_current(uint32_t initial, unsigned int divisor, uint64_t elapsed_ns,
                              bool periodic)
{
    uint64_t ticks = elapsed_ns / (divisor ? divisor : 1);

    if (!initial)
        return 0;
    if (periodic)
        ticks %= initial;
    else if (ticks >= initial)
        return 0;
    return initial - (uint32_t)ticks;
}

void vlapic_icr_decode(uint64_t icr, bool x2apic, struct vlapic_icr *out)
{
    uint32_t lo = (uint32_t)icr, hi = (uint32_t)(icr >> 32);

    out->vector = (uint8_t)(lo & LAPIC_ICR_VECTOR);
    out->mode = (uint8_t)((lo & LAPIC_ICR_MODE_MASK) >> LAPIC_ICR_MODE_SHIFT);
    out->shorthand = (uint8_t)((lo >> LAPIC_ICR_SHORT_SHIFT) & 3);
    out->logical = lo & LAPIC_ICR_LOGICAL;
    out->level_assert = lo & LAPIC_ICR_LEVEL_ASSERT;
    out->level_trigger = lo & LAPIC_ICR_TRIGGER_LEVEL;
    out->dest = x2apic ? hi : hi >> 24;
}

bool vlapic_match_physical(uint32_t apic_id, uint32_t dest, bool x2apic)
{
    if (x2apic)
        return dest == 0xffffffffU || dest == apic_id;
    return dest == 0xff || dest == (apic_id & 0xff);
}

/*
 * xAPIC flat: any common bit of the 8-bit logical ID.  xAPIC cluster:
 * same cluster (high nibble; cluster 15 is every cluster) and a common bit
 * in the low nibble.  x2APIC: same 16-bit cluster and a common bit in the
 * low 16.  All ones is a broadcast in every model.
 */
bool vlapic_match_logical(uint32_t ldr, uint32_t dfr, uint32_t dest, bool x2apic)
{
    uint32_t id, mda;

    if (x2apic)
        return dest == 0xffffffffU ||
               ((ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff));
    mda = dest & 0xff;
    if (mda == 0xff)
        return true;
    id = ldr >> 24;
    switch (dfr >> 28) {
    case 0xf:
        return id & mda;
    case 0x0:
        return ((mda >> 4) == 0xf || (mda >> 4) == (id >> 4)) && (id & mda & 0xf);
    default:
        return false;                   /* an undefined model matches nothing */
    }
}

uint32_t vlapic_x2apic_ldr(uint32_t x2apic_id)
{
    return ((x2apic_id >> 4) << 16) | (1u << (x2apic_id & 0xf));
}

int vlapic_x2apic_offset(uint32_t msr, bool write)
{
    unsigned int off;

    if (msr < LAPIC_MSR_X2APIC_FIRST || msr > LAPIC_MSR_X2APIC_LAST)
        return -1;
    off = (msr - LAPIC_MSR_X2APIC_FIRST) << 4;
    switch (off) {
    case LAPIC_ID: case LAPIC_LVR: case LAPIC_PPR: case LAPIC_LDR: case LAPIC_TMCCT:
        return write ? -1 : (int)off;
    case LAPIC_EOI: case LAPIC_SELF_IPI:
        return write ? (int)off : -1;
    case LAPIC_TPR: case LAPIC_SVR: case LAPIC_ESR: case LAPIC_ICR:
    case LAPIC_LVTT: case LAPIC_LVTTHMR: case LAPIC_LVTPC: case LAPIC_LVT0: case LAPIC_LVT1:
    case LAPIC_LVTERR: case LAPIC_TMICT: case LAPIC_TDCR:
        return (int)off;
    default:
        /* ISR, TMR, IRR: read-only; APR, RRR, DFR, ICR2, CMCI and the rest do not exist. */
        if (off >= LAPIC_ISR && off < LAPIC_ESR)
            return write ? -1 : (int)off;
        return -1;
    }
}

uint32_t vlapic_write_mask(unsigned int offset, bool x2apic)
{
    switch (offset) {
    case LAPIC_TPR:
        return 0xff;
    case LAPIC_LDR:
        return x2apic ? 0 : 0xff000000U;
    case LAPIC_DFR:
        return x2apic ? 0 : 0xf0000000U;
    case LAPIC_SVR:
        return 0x3ff;                   /* vector, enable, focus; no EOI-broadcast suppression */
    case LAPIC_ICR:
        return 0x000ccfffU;             /* vector, mode, dest mode, level, trigger, shorthand */
    case LAPIC_ICR2:
        return x2apic ? 0 : 0xff000000U;
    case LAPIC_LVTT:
        return 0x000700ffU;             /* vector, mask, mode (one-shot, periodic, TSC-deadline) */
    case LAPIC_LVTTHMR: case LAPIC_LVTPC:
        return 0x000107ffU;             /* vector, delivery mode, mask */
    case LAPIC_LVT0: case LAPIC_LVT1:
        return 0x0001a7ffU;             /* + polarity and trigger mode */
    case LAPIC_LVTERR:
        return 0x000100ffU;
    case LAPIC_TMICT:
        return 0xffffffffU;
    case LAPIC_TDCR:
        return 0xb;
    case LAPIC_SELF_IPI:
        return x2apic ? 0xff : 0;
    default:
        return 0;
    }
}

bool vlapic_base_write_ok(uint64_t cur, uint64_t val)
{
    const uint64_t mode = LAPIC_BASE_ENABLE | LAPIC_BASE_EXTD;
    uint64_t from = cur & mode, to = val & mode;

    /* Only the BSP flag, EXTD and EN besides the (fixed) base address. */
    if ((val & ~(mode | LAPIC_BASE_BSP)) != LAPIC_BASE_ADDR)
        return false;
    if (to == LAPIC_BASE_EXTD)
        return false;                   /* EXTD without EN is invalid */
    if (from == mode && to == LAPIC_BASE_ENABLE)
        return false;                   /* x2APIC -> xAPIC must go through disabled */
    if (from == 0 && to == mode)
        return false;                   /* disabled -> x2APIC must go through xAPIC */
    return true;
}
