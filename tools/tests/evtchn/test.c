/*
 * Host tests of the pure event channel and guest time code: the 2-level
 * pending / mask / selector / upcall bit protocol (common/evtchn_2l.c),
 * free-port choice, and pvclock publication (common/pvclock.c) against
 * exact 128-bit arithmetic.
 */
#include "test.h"
#include <xen/errno.h>
#include <xen/evtchn_2l.h>
#include <xen/pvclock.h>

static struct shared_info sh;

static void reset(void)
{
    memset(&sh, 0, sizeof(sh));
}

static void test_layout(void)
{
    /* Offsets Linux relies on (LINUX-PVH.md, from Xen 4.17's headers). */
    CHECK_EQ(sizeof(struct vcpu_info), 64);
    CHECK_EQ(offsetof(struct vcpu_info, evtchn_pending_sel), 8);
    CHECK_EQ(offsetof(struct vcpu_info, time), 32);
    CHECK_EQ(sizeof(struct vcpu_time_info), 32);
    CHECK_EQ(offsetof(struct vcpu_time_info, tsc_to_system_mul), 24);
    CHECK_EQ(offsetof(struct vcpu_time_info, tsc_shift), 28);
    CHECK_EQ(offsetof(struct shared_info, evtchn_pending), 2048);
    CHECK_EQ(offsetof(struct shared_info, evtchn_mask), 2560);
    CHECK_EQ(offsetof(struct shared_info, wc_version), 3072);
    CHECK_EQ(offsetof(struct shared_info, wc_sec_hi), 3084);
}

static void test_pending_unmasked(void)
{
    struct vcpu_info *vi = &sh.vcpu_info[0];

    reset();
    CHECK(evtchn_2l_set_pending(&sh, vi, 3), "first event raises the upcall");
    CHECK_EQ(sh.evtchn_pending[0], 1ULL << 3);
    CHECK_EQ(vi->evtchn_pending_sel, 1);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
    /* Same word: selector already set, nothing new to tell. */
    CHECK(!evtchn_2l_set_pending(&sh, vi, 5), "same word: no new upcall");
    CHECK_EQ(sh.evtchn_pending[0], (1ULL << 3) | (1ULL << 5));
    /* Already pending: nothing changes. */
    CHECK(!evtchn_2l_set_pending(&sh, vi, 3), "already pending");
    /* Another word while upcall_pending is still set: selector bit, no new upcall. */
    CHECK(!evtchn_2l_set_pending(&sh, vi, 64 * 7 + 1), "upcall still pending");
    CHECK_EQ(vi->evtchn_pending_sel, 1 | (1ULL << 7));
    /* The guest consumed everything: the next event raises a new upcall. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    memset(sh.evtchn_pending, 0, sizeof(sh.evtchn_pending));
    CHECK(evtchn_2l_set_pending(&sh, vi, 4095), "last port");
    CHECK_EQ(vi->evtchn_pending_sel, 1ULL << 63);
    CHECK_EQ(sh.evtchn_pending[63], 1ULL << 63);
    CHECK(evtchn_2l_is_pending(&sh, 4095), "is_pending");
    evtchn_2l_clear_pending(&sh, 4095);
    CHECK(!evtchn_2l_is_pending(&sh, 4095), "cleared");
}

static void test_masked(void)
{
    struct vcpu_info *vi = &sh.vcpu_info[1];

    reset();
    sh.evtchn_mask[2] = 1ULL << 1;
    CHECK(evtchn_2l_is_masked(&sh, 129), "masked");
    CHECK(!evtchn_2l_set_pending(&sh, vi, 129), "masked: no upcall");
    CHECK(evtchn_2l_is_pending(&sh, 129), "masked: still pending");
    CHECK_EQ(vi->evtchn_pending_sel, 0);
    CHECK_EQ(vi->evtchn_upcall_pending, 0);
    /* Unmask delivers what arrived meanwhile. */
    CHECK(evtchn_2l_unmask(&sh, vi, 129), "unmask delivers");
    CHECK(!evtchn_2l_is_masked(&sh, 129), "unmasked");
    CHECK_EQ(vi->evtchn_pending_sel, 1ULL << 2);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
    /* Unmask of a port that is not pending raises nothing. */
    sh.evtchn_mask[0] = 1;
    CHECK(!evtchn_2l_unmask(&sh, vi, 0), "unmask idle port");
    CHECK_EQ(sh.evtchn_mask[0], 0);
}

static void test_no_vcpu_info(void)
{
    reset();
    /* A vCPU without vcpu_info: the event waits in the bitmap for registration. */
    CHECK(!evtchn_2l_set_pending(&sh, NULL, 70), "no vcpu_info");
    CHECK(evtchn_2l_is_pending(&sh, 70), "kept pending");
    CHECK(!evtchn_2l_raise(NULL, 1), "raise without vcpu_info");
    CHECK(evtchn_2l_raise(&sh.vcpu_info[2], 1), "raise on registration");
}

static void test_out_of_range(void)
{
    struct shared_info before;

    reset();
    before = sh;
    CHECK(!evtchn_2l_set_pending(&sh, &sh.vcpu_info[0], EVTCHN_2L_PORTS), "port 4096");
    CHECK(!evtchn_2l_set_pending(&sh, &sh.vcpu_info[0], ~0u), "port ~0");
    CHECK(!evtchn_2l_unmask(&sh, &sh.vcpu_info[0], 1u << 31), "unmask huge port");
    evtchn_2l_clear_pending(&sh, 99999);
    CHECK(!evtchn_2l_is_pending(&sh, 4096), "is_pending beyond");
    CHECK(!memcmp(&before, &sh, sizeof(sh)), "nothing written");
}

static void test_find_free(void)
{
    static uint8_t used[EVTCHN_2L_PORTS];

    memset(used, 0, sizeof(used));
    CHECK_EQ(evtchn_2l_find_free(used, EVTCHN_2L_PORTS), 1);
    used[1] = used[2] = 1;
    CHECK_EQ(evtchn_2l_find_free(used, EVTCHN_2L_PORTS), 3);
    used[0] = 0;
    memset(used + 1, 1, EVTCHN_2L_PORTS - 1);
    CHECK_EQ(evtchn_2l_find_free(used, EVTCHN_2L_PORTS), -ENOSPC);
    used[4000] = 0;
    CHECK_EQ(evtchn_2l_find_free(used, EVTCHN_2L_PORTS), 4000);
}

/* Exact delta * 1e9 / hz. */
static uint64_t exact_ns(uint64_t delta, uint64_t hz)
{
    return (uint64_t)((unsigned __int128)delta * 1000000000u / hz);
}

static void test_pvclock(void)
{
    static const uint64_t rates[] = { 1000000000ULL, 2400000000ULL, 2999999000ULL,
                                      100000000ULL, 5500000000ULL, 1193182ULL };
    static const uint64_t deltas[] = { 0, 1, 1000, 123456789, 1ULL << 32, 3600ULL * 3000000000ULL,
                                       1ULL << 44 };
    unsigned int i, j;

    for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        struct vcpu_time_info t;
        struct time_scale s;
        uint64_t tsc0 = 0x123456789abULL, now0 = 5000000000ULL;

        memset(&t, 0, sizeof(t));
        t.version = 6;
        time_scale_init(&s, rates[i], 1000000000ULL);
        CHECK(pvclock_publish(&t, tsc0, now0, &s, XEN_PVCLOCK_TSC_STABLE_BIT), "publish");
        CHECK(t.version == 8, "version 6 -> 8 (rate %llu)", (unsigned long long)rates[i]);
        CHECK_EQ(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
        CHECK(t.tsc_to_system_mul != 0, "non-zero multiplier (Linux divides by it)");
        for (j = 0; j < sizeof(deltas) / sizeof(deltas[0]); j++) {
            uint64_t want = now0 + exact_ns(deltas[j], rates[i]);
            uint64_t got = pvclock_read(&t, tsc0 + deltas[j]);
            uint64_t err = got > want ? got - want : want - got;

            /* time_scale's bound (2^-30 relative) plus rounding. */
            CHECK(err <= (want - now0) / (1u << 29) + 2,
                  "rate %llu delta %llu: got %llu want %llu", (unsigned long long)rates[i],
                  (unsigned long long)deltas[j], (unsigned long long)got,
                  (unsigned long long)want);
        }
    }
}

static void test_pvclock_version(void)
{
    struct vcpu_time_info t;
    struct time_scale s = { .shift = 200, .mul_frac = 1u << 31 };

    memset(&t, 0, sizeof(t));
    /* A guest that left the version odd still sees it move to a new even value. */
    t.version = 7;
    time_scale_init(&s, 1000000000ULL, 1000000000ULL);
    CHECK(pvclock_publish(&t, 1, 2, &s, 0), "publish");
    CHECK_EQ(t.version, 8);
    CHECK(pvclock_publish(&t, 1, 2, &s, 0), "publish again");
    CHECK_EQ(t.version, 10);
    /* A scale a guest's int8 tsc_shift cannot carry is refused, untouched. */
    s.shift = 200;
    CHECK(!pvclock_publish(&t, 1, 2, &s, 0), "shift out of range");
    CHECK_EQ(t.version, 10);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "layout", test_layout },
        { "pending_unmasked", test_pending_unmasked },
        { "masked", test_masked },
        { "no_vcpu_info", test_no_vcpu_info },
        { "out_of_range", test_out_of_range },
        { "find_free", test_find_free },
        { "pvclock", test_pvclock },
        { "pvclock_version", test_pvclock_version },
    };

    return test_run(cases, sizeof(cases) / sizeof(cases[0]));
}
