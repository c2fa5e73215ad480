/*
 * Guest XSAVE state: each vCPU has its own XCR0, loaded while it runs
 * (the host's is put back at every exit), and its own copy of the
 * XSAVE-managed registers beyond x87/SSE (the YMM upper halves), which
 * are saved after each exit and restored before each entry; x87 and SSE
 * are switched with FXSAVE/FXRSTOR by the run loop.  Guests are offered
 * x87, SSE and AVX state, as far as the host has them.
 */
#ifndef ASM_HVM_XSTATE_H
#define ASM_HVM_XSTATE_H

#include <xen/types.h>

struct vcpu;

#define XSTATE_X87      (1ULL << 0)
#define XSTATE_SSE      (1ULL << 1)
#define XSTATE_YMM      (1ULL << 2)
#define XSTATE_OPMASK   (1ULL << 5)
#define XSTATE_ZMM_HI256 (1ULL << 6)
#define XSTATE_HI16_ZMM (1ULL << 7)
#define XSTATE_AVX512   (XSTATE_OPMASK | XSTATE_ZMM_HI256 | XSTATE_HI16_ZMM)
/* What the run loop's FXSAVE does not cover. */
#define XSTATE_EXTENDED (~(XSTATE_X87 | XSTATE_SSE))
/* Components guests may enable (as far as the host has them). */
#define XSTATE_GUEST_MAX (XSTATE_X87 | XSTATE_SSE | XSTATE_YMM)
/* The legacy region plus the XSAVE header: the smallest XSAVE area. */
#define XSTATE_AREA_MIN 576U

/* Per vCPU, in struct hvm_vcpu (v->hvm.xstate); the vendor code sets it up and switches it. */
struct hvm_xstate {
    uint64_t xcr0;                  /* the guest's XCR0 */
    void *area;                     /* standard-format XSAVE image, one page */
};

/* v's XSAVE state (see above). */
struct hvm_xstate *hvm_xstate_of(struct vcpu *v);

/* Boot, per CPU (vendor cpu_up): CR4.OSXSAVE on, learn what guests may have. */
void hvm_xstate_cpu_up(void);
/* The components guests may enable: 0 if the host has no XSAVE. */
uint64_t hvm_xstate_allowed(void);
/* Sizes of a standard / compacted XSAVE area holding the components in xcr0. */
uint32_t hvm_xstate_size(uint64_t xcr0);
uint32_t hvm_xstate_size_compact(uint64_t xcr0);

int hvm_xstate_init(struct hvm_xstate *xs);
void hvm_xstate_free(struct hvm_xstate *xs);
/* Around each VM entry, with interrupts off: the guest's XCR0 and extended state in, then out. */
void hvm_xstate_enter(struct hvm_xstate *xs);
void hvm_xstate_exit(struct hvm_xstate *xs);

/*
 * May XCR0 be set to val, given the allowed components?  The
 * architectural rules: x87 always on, nothing unsupported, AVX needs SSE,
 * the three AVX-512 components all or none and only with AVX.  Pure
 * (host-tested).
 */
static inline bool hvm_xcr0_valid(uint64_t allowed, uint64_t val)
{
    if (!(val & XSTATE_X87) || (val & ~allowed))
        return false;
    if ((val & XSTATE_YMM) && !(val & XSTATE_SSE))
        return false;
    if ((val & XSTATE_AVX512) && ((val & XSTATE_AVX512) != XSTATE_AVX512 || !(val & XSTATE_YMM)))
        return false;
    return true;
}

#endif
