/*
 * Guest time: the pvclock in each vcpu_info (and an optional second copy
 * at a guest address), the wallclock in shared_info, the runstate area,
 * and the per-vCPU timers that raise VIRQ_TIMER or end a SCHEDOP_poll.
 *
 * Guest system time is one straight line of the TSC, anchored once at
 * (guest_tsc0, guest_ns0): every vCPU's pvclock snapshot lies on that
 * line, so readings agree across vCPUs and pCPUs.  The line's rate comes
 * from tsc_khz and may differ from NOW()'s by a few parts per million,
 * so guest deadlines are converted to host time relative to "now" on
 * both clocks rather than compared with NOW() directly.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/hypercall.h>
#include <xen/pvclock.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <public/vcpu.h>
#include "event_priv.h"

static struct time_scale guest_scale;
static uint64_t guest_tsc0;
static s_time_t guest_ns0;
static uint8_t guest_pvclock_flags;
static uint64_t boot_wallclock_ns;  /* wall time at guest system time 0; 0: unknown */
static bool guest_time_ready;

s_time_t guest_time_now(void)
{
    return guest_ns0 + (s_time_t)time_scale_apply(&guest_scale, rdtsc() - guest_tsc0);
}

s_time_t guest_time_to_host(s_time_t guest_deadline)
{
    s_time_t host_now = NOW(), left = guest_deadline - guest_time_now();

    if (left <= 0)
        return host_now;
    return left > STIME_MAX - host_now ? STIME_MAX : host_now + left;
}

/* ---------------------------------------------------------- wallclock */

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

static unsigned int cmos_read(uint8_t reg)
{
    outb(reg, CMOS_INDEX);
    return inb(CMOS_DATA);
}

static unsigned int bcd(unsigned int v, bool is_bcd)
{
    return is_bcd ? (v >> 4) * 10 + (v & 15) : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Seconds since the epoch from the RTC, or 0 if it does not answer sensibly. */
static uint64_t rtc_read_seconds(void)
{
    unsigned int sec, min, hour, day, mon, year, cent, regb, tries;
    bool is_bcd, pm;

    /* Wait (boundedly) for an update in progress to end: it lasts under 2 ms. */
    for (tries = 0; tries < 100000 && (cmos_read(0x0a) & 0x80); tries++)
        cpu_relax();
    sec = cmos_read(0x00);
    min = cmos_read(0x02);
    hour = cmos_read(0x04);
    day = cmos_read(0x07);
    mon = cmos_read(0x08);
    year = cmos_read(0x09);
    cent = cmos_read(0x32);
    regb = cmos_read(0x0b);
    if (sec == 0xff && regb == 0xff)
        return 0;           /* no RTC: the port reads as all ones */
    is_bcd = !(regb & 4);
    pm = hour & 0x80;
    sec = bcd(sec, is_bcd);
    min = bcd(min, is_bcd);
    hour = bcd(hour & 0x7f, is_bcd);
    day = bcd(day, is_bcd);
    mon = bcd(mon, is_bcd);
    year = bcd(year, is_bcd);
    cent = bcd(cent, is_bcd);
    if (!(regb & 2))
        hour = hour % 12 + (pm ? 12 : 0);
    if (cent < 19 || cent > 30)
        cent = year < 70 ? 20 : 19;
    if (sec > 59 || min > 59 || hour > 23 || !day || day > 31 || !mon || mon > 12)
        return 0;
    return (uint64_t)days_from_civil(cent * 100 + year, mon, day) * 86400 + hour * 3600 +
           min * 60 + sec;
}

static bool tsc_is_invariant(void)
{
    struct cpuid_regs r;

    cpuid(0x80000000, &r);
    if (r.a < 0x80000007)
        return false;
    cpuid(0x80000007, &r);
    return (r.d >> 8) & 1;
}

/* Once, with the first domain: the time line and the wall time at its zero. */
static void guest_time_setup(void)
{
    uint64_t secs;

    time_scale_init(&guest_scale, (tsc_khz ? tsc_khz : 1000000) * 1000, 1000000000ULL);
    guest_tsc0 = rdtsc();
    guest_ns0 = NOW();
    /*
     * CPU bring-up checked that the CPUs' TSCs agree; an invariant TSC
     * also keeps its rate, so the guest may skip cross-vCPU monotonicity fixes.
     */
    guest_pvclock_flags = tsc_is_invariant() ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
    secs = rtc_read_seconds();
    if (secs)
        boot_wallclock_ns = secs * 1000000000ULL - (uint64_t)guest_time_now();
    printk("Guest time: wallclock %s%lu, pvclock TSC %sstable\n", secs ? "" : "unknown, ",
           (unsigned long)secs, guest_pvclock_flags ? "" : "not ");
    guest_time_ready = true;
}

void guest_time_domain_init(struct domain *d)
{
    struct shared_info *s = d->evtchn->shared;
    uint32_t version;

    if (!guest_time_ready)
        guest_time_setup();
    version = s->wc_version | 1;
    s->wc_version = version;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)(boot_wallclock_ns / 1000000000ULL);
    s->wc_sec_hi = (uint32_t)(boot_wallclock_ns / 1000000000ULL >> 32);
    s->wc_nsec = (uint32_t)(boot_wallclock_ns % 1000000000ULL);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version = version + 1;
}

/* ------------------------------------------------------------- timers */

static void vcpu_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void poll_timer_fn(void *data)
{
    struct vcpu *v = data;
    struct evtchn_domain *ed = v->domain->evtchn;
    uint64_t bit = 1ULL << (v->vcpu_id % 64);

    if (__atomic_fetch_and(&ed->poll_mask[v->vcpu_id / 64], ~bit, __ATOMIC_SEQ_CST) & bit) {
        v->evtchn->poll_port = 0;
        vcpu_unblock(v);
    }
}

void guest_time_poll_timeout(struct vcpu *v, s_time_t deadline)
{
    migrate_timer(&v->evtchn->poll_timer, smp_processor_id());
    set_timer(&v->evtchn->poll_timer, guest_time_to_host(deadline));
}

void guest_time_vcpu_init(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;

    init_timer(&ev->singleshot_timer, vcpu_timer_fn, v, v->processor);
    init_timer(&ev->periodic_timer, vcpu_timer_fn, v, v->processor);
    init_timer(&ev->poll_timer, poll_timer_fn, v, v->processor);
    ev->timers_live = true;
    ev->time_dirty = true;
}

void guest_time_vcpu_destroy(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;

    if (!ev || !ev->timers_live)
        return;
    ev->timers_live = false;
    kill_timer(&ev->singleshot_timer);
    kill_timer(&ev->periodic_timer);
    kill_timer(&ev->poll_timer);
}

/* --------------------------------------------------------- publishing */

/*
 * The areas are at guest-virtual addresses: only v's own page tables, and
 * only once it has paging on, reach them.  A secondary vCPU whose areas
 * were registered for it starts in real mode, where the same number
 * would name some unrelated guest-physical page.  Only for v == current.
 */
static bool vcpu_areas_reachable(struct vcpu *v)
{
    return v == get_current() && (hvm_funcs->get_cr(v, 0) & X86_CR0_PG);
}

void guest_time_publish(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;
    struct vcpu_time_info t;
    uint64_t tsc = rdtsc();
    uint64_t now = (uint64_t)guest_ns0 + time_scale_apply(&guest_scale, tsc - guest_tsc0);

    if (ev->vi)
        pvclock_publish(&ev->vi->time, tsc, now, &guest_scale, guest_pvclock_flags);
    if (ev->time_gva && vcpu_areas_reachable(v)) {
        memset(&t, 0, sizeof(t));
        if (ev->vi)
            t.version = ev->vi->time.version;
        pvclock_publish(&t, tsc, now, &guest_scale, guest_pvclock_flags);
        copy_to_guest(v, ev->time_gva, &t, sizeof(t));
    }
}

void guest_runstate_get(struct vcpu *v, struct vcpu_runstate_info *ri)
{
    struct vcpu_runstate rs;
    unsigned int i;

    vcpu_runstate_get(v, &rs);
    memset(ri, 0, sizeof(*ri));
    ri->state = rs.state;
    ri->state_entry_time = (uint64_t)rs.state_entry_time;
    for (i = 0; i < NR_RUNSTATES; i++)
        ri->time[i] = (uint64_t)rs.time[i];
}

static void runstate_publish(struct vcpu *v)
{
    struct vcpu_runstate_info ri;

    guest_runstate_get(v, &ri);
    /* A bad address is the guest's loss, as in Xen: the update is skipped. */
    copy_to_guest(v, v->evtchn->runstate_gva, &ri, sizeof(ri));
}

void evtchn_vcpu_enter(struct vcpu *v)
{
    struct evtchn_vcpu *ev = v->evtchn;
    unsigned int cpu = smp_processor_id();
    s_time_t entry;

    if (!ev)
        return;
    entry = ACCESS_ONCE(v->runstate.state_entry_time);
    /* Nothing changed since the last entry: the usual case, two compares. */
    if (!ev->time_dirty && cpu == ev->time_cpu && entry == ev->runstate_seen && ev->has_run)
        return;
    ev->has_run = true;
    ev->time_cpu = cpu;
    ev->runstate_seen = entry;
    guest_time_publish(v);
    if (!ev->runstate_gva && !ev->time_gva) {
        ev->time_dirty = false;
        return;
    }
    /* Not reachable yet (paging off): try again at the next entry. */
    ev->time_dirty = !vcpu_areas_reachable(v);
    if (ev->runstate_gva && !ev->time_dirty)
        runstate_publish(v);
}
