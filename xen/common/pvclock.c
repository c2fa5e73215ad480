/*
 * pvclock publication (xen/pvclock.h).  The guest may read t at any time
 * from another vCPU: the version is made odd before and even after the
 * other fields change, with barriers, so that a reader who sees the same
 * even version before and after its reads has a consistent copy.
 */
#include <xen/pvclock.h>

#define pvclock_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

bool pvclock_publish(struct vcpu_time_info *t, uint64_t tsc, uint64_t now,
                     const struct time_scale *scale, uint8_t flags)
{
    uint32_t version = t->version;

    if (scale->shift < -128 || scale->shift > 127)
        return false;
    /* Odd: the guest may have scribbled on it; the next even value still differs. */
    version |= 1;
    t->version = version;
    pvclock_barrier();
    t->tsc_timestamp = tsc;
    t->system_time = now;
    t->tsc_to_system_mul = scale->mul_frac;
    t->tsc_shift = (int8_t)scale->shift;
    t->flags = flags;
    pvclock_barrier();
    t->version = version + 1;
    return true;
}

uint64_t pvclock_read(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc - t->tsc_timestamp, m = t->tsc_to_system_mul;

    if (t->tsc_shift >= 0)
        delta <<= t->tsc_shift;
    else
        delta >>= -t->tsc_shift;
    return t->system_time + (delta >> 32) * m + (((delta & 0xffffffffULL) * m) >> 32);
}
