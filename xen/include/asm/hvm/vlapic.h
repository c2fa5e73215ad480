/*
 * The virtual local APIC of HVM vCPUs: xAPIC MMIO at 0xFEE00000 and the
 * x2APIC MSRs, the timer (one-shot, periodic, TSC-deadline), IPIs
 * (fixed, lowest priority, NMI, INIT, SIPI; physical, logical and
 * shorthand destinations) and the IRR/ISR/PPR logic that picks the
 * vector to inject.
 *
 * vlapic_logic.c holds the pure part (register-file arithmetic, host-tested
 * in tools/tests/vlapic); vlapic.c ties it to vCPUs, timers and IPIs.
 */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

#include <xen/types.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/spinlock.h>

/* Register offsets in the xAPIC page (the x2APIC MSR is 0x800 + offset / 16). */
#define LAPIC_ID         0x020
#define LAPIC_LVR        0x030
#define LAPIC_TPR        0x080
#define LAPIC_APR        0x090
#define LAPIC_PPR        0x0a0
#define LAPIC_EOI        0x0b0
#define LAPIC_RRR        0x0c0
#define LAPIC_LDR        0x0d0
#define LAPIC_DFR        0x0e0
#define LAPIC_SVR        0x0f0
#define LAPIC_ISR        0x100
#define LAPIC_TMR        0x180
#define LAPIC_IRR        0x200
#define LAPIC_ESR        0x280
#define LAPIC_CMCI       0x2f0
#define LAPIC_ICR        0x300
#define LAPIC_ICR2       0x310
#define LAPIC_LVTT       0x320
#define LAPIC_LVTTHMR    0x330
#define LAPIC_LVTPC      0x340
#define LAPIC_LVT0       0x350
#define LAPIC_LVT1       0x360
#define LAPIC_LVTERR     0x370
#define LAPIC_TMICT      0x380
#define LAPIC_TMCCT      0x390
#define LAPIC_TDCR       0x3e0
#define LAPIC_SELF_IPI   0x3f0       /* x2APIC only */
#define LAPIC_REGS_END   0x400

/* Version: integrated APIC (0x14), max LVT entry 5 (six LVTs, no CMCI), no directed EOI. */
#define VLAPIC_VERSION  (0x14u | (5u << 16))

#define LAPIC_SVR_ENABLE     (1u << 8)
#define LAPIC_SVR_FOCUS      (1u << 9)
#define LAPIC_LVT_MASKED     (1u << 16)
#define LAPIC_LVT_PENDING    (1u << 12)
#define LAPIC_TIMER_MODE_MASK        (3u << 17)
#define LAPIC_TIMER_ONESHOT          (0u << 17)
#define LAPIC_TIMER_PERIODIC         (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE     (2u << 17)
#define LAPIC_DFR_FLAT       0xffffffffu
#define LAPIC_DFR_CLUSTER    0x0fffffffu

/* ESR bits. */
#define LAPIC_ESR_SEND_ILLEGAL   (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL   (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG    (1u << 7)

/* ICR fields (low word; the destination is ICR2[31:24] in xAPIC, ICR[63:32] in x2APIC). */
#define LAPIC_ICR_VECTOR         0xffu
#define LAPIC_ICR_MODE_SHIFT     8
#define LAPIC_ICR_MODE_MASK      (7u << LAPIC_ICR_MODE_SHIFT)
#define LAPIC_DM_FIXED           0
#define LAPIC_DM_LOWEST          1
#define LAPIC_DM_SMI             2
#define LAPIC_DM_NMI             4
#define LAPIC_DM_INIT            5
#define LAPIC_DM_STARTUP         6
#define LAPIC_ICR_LOGICAL        (1u << 11)
#define LAPIC_ICR_BUSY           (1u << 12)
#define LAPIC_ICR_LEVEL_ASSERT   (1u << 14)
#define LAPIC_ICR_TRIGGER_LEVEL  (1u << 15)
#define LAPIC_ICR_SHORT_SHIFT    18
#define LAPIC_SH_NONE            0
#define LAPIC_SH_SELF            1
#define LAPIC_SH_ALL             2
#define LAPIC_SH_OTHERS          3

/* IA32_APIC_BASE. */
#define LAPIC_BASE_BSP       (1ULL << 8)
#define LAPIC_BASE_EXTD      (1ULL << 10)
#define LAPIC_BASE_ENABLE    (1ULL << 11)
#define LAPIC_BASE_ADDR      0xfee00000ULL
#define LAPIC_MSR_APICBASE       0x0000001bU
#define LAPIC_MSR_TSC_DEADLINE   0x000006e0U
#define LAPIC_MSR_X2APIC_FIRST   0x00000800U
#define LAPIC_MSR_X2APIC_LAST    0x000008ffU

/* ------------------------------------------------ pure logic (vlapic_logic.c) */

/* One register file: 64 32-bit registers, indexed by xAPIC offset >> 4. */
#define VLAPIC_NR_REGS 64
#define VLAPIC_REG(regs, off) ((regs)[(off) >> 4])

/* Highest bit set in the 256-bit register at `base` (ISR, TMR, IRR), or -1. */
int vlapic_highest_vector(const uint32_t *regs, unsigned int base);
/* Processor priority from TPR and the highest in-service vector (SDM "PPR"). */
uint32_t vlapic_compute_ppr(const uint32_t *regs);
/* The IRR vector the CPU would take now (above PPR's class, APIC enabled), or -1. */
int vlapic_deliverable_vector(const uint32_t *regs);

/* Timer divider from TDCR bits 0, 1 and 3: 1, 2, 4 ... 128. */
unsigned int vlapic_timer_divisor(uint32_t tdcr);
/* Nanoseconds for `count` ticks at the 1 GHz APIC bus clock through `divisor`. */
uint64_t vlapic_timer_ns(uint32_t count, unsigned int divisor);
/*
 * Current count `elapsed_ns` after loading `initial`: counting down to 0
 * (one-shot: stays 0; periodic: reloads).
 */
uint32_t vlapic_timer_current(uint32_t initial, unsigned int divisor, uint64_t elapsed_ns,
                              bool periodic);

/* A decoded interrupt command. */
struct vlapic_icr {
    uint8_t vector;
    uint8_t mode;           /* LAPIC_DM_* */
    uint8_t shorthand;      /* LAPIC_SH_* */
    bool logical;
    bool level_assert;
    bool level_trigger;
    uint32_t dest;          /* 8-bit in xAPIC, 32-bit in x2APIC */
};
void vlapic_icr_decode(uint64_t icr, bool x2apic, struct vlapic_icr *out);

/*
 * Does the APIC with this ID / LDR / DFR accept destination `dest`
 * (xAPIC: 8 bits, flat or cluster by DFR; x2APIC: 32 bits, cluster)?
 */
bool vlapic_match_physical(uint32_t apic_id, uint32_t dest, bool x2apic);
bool vlapic_match_logical(uint32_t ldr, uint32_t dfr, uint32_t dest, bool x2apic);
/* x2APIC LDR derived from the x2APIC ID: cluster ID[31:4] in 31:16, 1 << ID[3:0] below. */
uint32_t vlapic_x2apic_ldr(uint32_t x2apic_id);

/*
 * x2APIC MSR (0x800..0x8ff) to xAPIC offset for a read or a write, or -1
 * when the access is architecturally invalid (#GP): unknown register,
 * read of EOI/SELF_IPI, write of a read-only register.
 */
int vlapic_x2apic_offset(uint32_t msr, bool write);
/* Writable bits of a register (0 for read-only ones); x2apic: SELF_IPI, no DFR. */
uint32_t vlapic_write_mask(unsigned int offset, bool x2apic);

/* IA32_APIC_BASE: may the guest go from `cur` to `val`? (modes, reserved bits, no relocation) */
bool vlapic_base_write_ok(uint64_t cur, uint64_t val);

/* ---------------------------------------------- per-vCPU state (vlapic.c) */

struct vlapic {
    uint32_t regs[VLAPIC_NR_REGS];  /* register file (TMCCT and PPR are computed on read) */
    uint64_t base_msr;              /* IA32_APIC_BASE */
    uint64_t tsc_deadline;          /* IA32_TSC_DEADLINE, 0 = disarmed */
    uint32_t esr_pending;           /* errors since the last ESR write */
    bool nmi_pending;               /* an NMI (IPI or LINT) waits for injection */
    bool init_pending;              /* INIT while running: reset at the next entry */
    spinlock_t lock;                /* timer state against the timer function */
    struct timer timer;
    s_time_t timer_start;           /* when TMICT was loaded / the current period began */
    uint64_t timer_period;          /* ns of the current count (periodic: one period) */
};

struct vcpu;

/* Set-up and teardown with the vCPU; reset to the power-on state (INIT, PVH start). */
void vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
void vlapic_reset(struct vcpu *v);

/* xAPIC MMIO at the APIC page: is gpa in it (and the APIC in xAPIC mode)? */
bool hvm_is_lapic_gpa(uint64_t gpa);
/* 32-bit access at offset (0..0xff0, 16-byte aligned). */
uint32_t vlapic_read(struct vcpu *v, unsigned int offset);
void vlapic_write(struct vcpu *v, unsigned int offset, uint32_t val);

/*
 * MSRs the vLAPIC owns: IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC
 * range.  0, or -EINVAL for the caller to raise #GP.
 */
bool vlapic_owns_msr(uint32_t msr);
int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* The highest pending vector that may be delivered now (TPR, ISR), or -1. */
int vlapic_pending_irq(struct vcpu *v);
/*
 * Anything that should end a HLT with IF=1: an NMI, the event-channel
 * upcall (evtchn_upcall_vector), or a deliverable vLAPIC vector.
 */
bool vlapic_event_waiting(struct vcpu *v);
/* Delivery started: the vector moves from IRR to ISR. */
void vlapic_ack_irq(struct vcpu *v, unsigned int vector);
/* Raise a fixed, edge-triggered interrupt (vector 16..255) and kick the vCPU. */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);
/* An NMI for v (an NMI IPI): injected at the next entry. */
void vlapic_set_nmi(struct vcpu *v);
/*
 * Something is pending for v (an interrupt, an event): wake it if blocked
 * and make it leave the guest if it runs on another CPU.
 */
void vcpu_kick(struct vcpu *v);
/*
 * At each entry, on v's CPU: an INIT that arrived while v was running
 * takes effect (v goes down waiting for a SIPI).  True if v went down.
 */
bool vlapic_handle_init(struct vcpu *v);

/* Debug: one line of v's vLAPIC state (mode, priorities, pending vectors, timer). */
void vlapic_dump(struct vcpu *v);

#endif
