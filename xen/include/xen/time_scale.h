/*
 * Fixed-point rate conversion (TSC ticks <-> nanoseconds <-> APIC timer
 * ticks): y = ((x shifted by `shift`) * mul_frac) >> 32, a 64x32-bit
 * multiply that needs neither 128-bit division nor floating point.
 * Pure code: host-tested in tools/tests/timer.
 */
#ifndef XEN_TIME_SCALE_H
#define XEN_TIME_SCALE_H

#include <xen/types.h>

struct time_scale {
    int shift;              /* x << shift if positive, x >> -shift if negative */
    uint32_t mul_frac;      /* about [2^31, 2^32): the rest of the ratio, as a 0.32 fraction */
};

/*
 * Make `s` convert a count at from_hz into a count at to_hz.  Both must be
 * non-zero and below 2^40 (1 THz), so the ratio's binary exponent stays
 * within +-40.  The relative error is below 2^-30.
 */
static inline void time_scale_init(struct time_scale *s, uint64_t from_hz, uint64_t to_hz)
{
    uint64_t num = to_hz, den = from_hz, frac;
    int shift = 0;

    /* Bring num/den into [1/2, 1), moving the factors of two into shift. */
    while (num >= den) {
        den <<= 1;
        shift++;
    }
    while (num < den / 2) {
        num <<= 1;
        shift--;
    }
    /* num << 32 must fit in 64 bits: drop low bits of both (num >= den / 2). */
    while (den >> 32) {
        num >>= 1;
        den >>= 1;
    }
    /* Rounded to nearest; num < den keeps it below 2^32 but for rounding up. */
    frac = ((num << 32) + den / 2) / den;
    s->shift = shift;
    s->mul_frac = frac > 0xffffffffULL ? 0xffffffffU : (uint32_t)frac;
}

/* x * to_hz / from_hz.  With a positive shift, x must be below 2^(64 - shift). */
static inline uint64_t time_scale_apply(const struct time_scale *s, uint64_t x)
{
    uint64_t m = s->mul_frac;

    if (s->shift >= 0)
        x <<= s->shift;
    else
        x >>= -s->shift;
    /* The top 64 bits of the 96-bit product x * m, in two 64-bit multiplies. */
    return (x >> 32) * m + (((x & 0xffffffffULL) * m) >> 32);
}

#endif
