/*
 * pvclock: the vcpu_time_info a guest reads to turn its TSC into system
 * time.  Pure code, host-tested in tools/tests/evtchn.
 */
#ifndef XEN_PVCLOCK_H
#define XEN_PVCLOCK_H

#include <xen/types.h>
#include <xen/time_scale.h>
#include <public/xen.h>

/*
 * Publish (tsc, now) and the TSC -> ns scale into t with the version
 * protocol: version odd while the fields change, even (and larger) after.
 * Returns false, writing nothing, if the scale cannot be expressed as a
 * vcpu_time_info (shift outside the int8 range).
 */
bool pvclock_publish(struct vcpu_time_info *t, uint64_t tsc, uint64_t now,
                     const struct time_scale *scale, uint8_t flags);
/* What a guest computes from t at TSC value tsc (the reader's side, for tests). */
uint64_t pvclock_read(const struct vcpu_time_info *t, uint64_t tsc);

#endif
