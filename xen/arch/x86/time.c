/*
 * System time from the TSC: calibration against the best platform clock
 * (HPET, else ACPI PM timer, else PIT), NOW(), the per-CPU timer interrupt
 * and reprogram_timer(), and the TSC agreement check at CPU bring-up.
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/delay.h>
#include <xen/keyhandler.h>
#include <xen/param.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/time_scale.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/hpet.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>

#define CALIBRATE_MS      50
#define CALIBRATE_MAX_MS  1000          /* give up on a clock that does not move */
#define PM_TMR_HZ         3579545ULL    /* ACPI: the PM timer's fixed rate */
#define PIT_HZ            1193182ULL
#define PIT_CH2           0x42
#define PIT_MODE          0x43
#define PIT_MODE_CH2_ONESHOT 0xb0       /* channel 2, lobyte/hibyte, mode 0 */
#define PORT_B            0x61
#define PORT_B_GATE2      0x01
#define PORT_B_SPEAKER    0x02
#define PORT_B_OUT2       0x20
#define TSC_HZ_MIN        10000000ULL   /* 10 MHz: anything slower is a bad reading */
#define TSC_HZ_MAX        (1ULL << 40)
/* The furthest ahead the hardware is armed; a later deadline is re-armed on the way. */
#define TIMER_MAX_SPAN    SECONDS(1)
#define TSC_SYNC_ROUNDS_MIN 8
#define TSC_SYNC_ROUNDS_MAX 64          /* until one round trip is tight enough */
#define TSC_SYNC_WAIT_MS  5000          /* the other CPU's emulator thread may starve */

uint64_t tsc_khz;
const char *time_source_name = "none";

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;            /* TSC value at NOW() == 0 */
static struct time_scale tsc_to_ns, ns_to_tsc, ns_to_apic;

/* An lfence keeps RDTSC from being executed ahead of the loads before it. */
static inline uint64_t rdtsc_ordered(void)
{
    __asm__ __volatile__("lfence" ::: "memory");
    return rdtsc();
}

/* TSC ticks that make up `ms` by the early estimate (2 GHz if there is none). */
static uint64_t tsc_budget(unsigned int ms)
{
    return (cpu_khz ? cpu_khz : 2000000) * ms;
}

/* ---- Platform clocks ---- */

static uint64_t calibrate_hpet(void)
{
    uint64_t target, t0, t1, limit, elapsed_ns;
    uint32_t start, now;

    if (!hpet_init())
        return 0;
    target = MILLISECS(CALIBRATE_MS) * 1000000ULL / hpet_period_fs;   /* fs per ms: 10^12 */
    limit = tsc_budget(CALIBRATE_MAX_MS);
    start = hpet_read32();
    t0 = rdtsc_ordered();
    do {
        now = hpet_read32();
        t1 = rdtsc_ordered();
        if (t1 - t0 > limit) {
            printk(XENLOG_WARNING "HPET: counter does not advance, not used\n");
            return 0;
        }
    } while ((uint32_t)(now - start) < target);
    elapsed_ns = (uint64_t)(uint32_t)(now - start) * hpet_period_fs / 1000000ULL;
    return (t1 - t0) * 1000000000ULL / elapsed_ns;
}

static uint64_t calibrate_pmtimer(void)
{
    uint32_t mask = acpi_info.pm_tmr_32bit ? 0xffffffffU : 0xffffffU;
    uint64_t target = PM_TMR_HZ * CALIBRATE_MS / 1000, t0, t1, limit;
    uint16_t port = (uint16_t)acpi_info.pm_tmr;
    uint32_t start, now;

    if (!acpi_info.pm_tmr || acpi_info.pm_tmr > 0xffff)
        return 0;
    limit = tsc_budget(CALIBRATE_MAX_MS);
    start = inl(port) & mask;
    t0 = rdtsc_ordered();
    do {
        now = inl(port) & mask;
        t1 = rdtsc_ordered();
        if (t1 - t0 > limit) {
            printk(XENLOG_WARNING "ACPI PM timer: does not advance, not used\n");
            return 0;
        }
    } while (((now - start) & mask) < target);
    return (t1 - t0) * PM_TMR_HZ / ((now - start) & mask);
}

uint64_t pit_tsc_hz(unsigned int ms)
{
    uint64_t count = PIT_HZ * ms / 1000, t0, t1, limit = tsc_budget(CALIBRATE_MAX_MS);
    uint8_t b = inb(PORT_B);

    if (!count || count > 0xffff)
        return 0;
    /* Gate channel 2 on, speaker off; mode 0 raises OUT2 at terminal count. */
    outb((uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2), PORT_B);
    outb(PIT_MODE_CH2_ONESHOT, PIT_MODE);
    outb((uint8_t)count, PIT_CH2);
    outb((uint8_t)(count >> 8), PIT_CH2);
    t0 = rdtsc_ordered();
    do {
        t1 = rdtsc_ordered();
        if (t1 - t0 > limit) {
            outb(b, PORT_B);
            return 0;
        }
    } while (!(inb(PORT_B) & PORT_B_OUT2));
    outb(b, PORT_B);
    return (t1 - t0) * PIT_HZ / count;
}

static uint64_t calibrate_pit(void)
{
    return pit_tsc_hz(CALIBRATE_MS);
}

/* In order of preference. */
static const struct platform_clock {
    const char *opt;                /* clocksource= word */
    const char *name;
    uint64_t (*tsc_hz)(void);
} platform_clocks[] = {
    { "hpet", "HPET", calibrate_hpet },
    { "acpi", "ACPI PM timer", calibrate_pmtimer },
    { "pit", "PIT", calibrate_pit },
};

/* clocksource=hpet|acpi|pit: calibrate against that clock (if it works) instead of the best. */
static char opt_clocksource[8];
string_param("clocksource", opt_clocksource);

/* ---- System time ---- */

s_time_t NOW(void)
{
    int64_t delta = (int64_t)(rdtsc() - tsc_at_boot);

    /* A CPU whose TSC is a little behind CPU 0's must not see negative time. */
    if (delta < 0)
        return 0;
    return (s_time_t)time_scale_apply(&tsc_to_ns, (uint64_t)delta);
}

static void timer_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    raise_softirq(TIMER_SOFTIRQ);
}

void reprogram_timer(s_time_t deadline)
{
    s_time_t now;

    if (!deadline) {
        if (apic_has_tsc_deadline)
            apic_timer_set_tsc_deadline(0);
        else
            apic_timer_set_oneshot(0);
        return;
    }
    now = NOW();
    if (deadline > now + TIMER_MAX_SPAN)
        deadline = now + TIMER_MAX_SPAN;
    if (deadline < 0)
        deadline = 0;
    if (apic_has_tsc_deadline) {
        /* A deadline in the past fires at once (SDM: TSC-deadline mode). */
        uint64_t tsc = tsc_at_boot + time_scale_apply(&ns_to_tsc, (uint64_t)deadline);

        apic_timer_set_tsc_deadline(tsc ? tsc : 1);
    } else {
        uint64_t ticks = 0;

        if (deadline > now)
            ticks = time_scale_apply(&ns_to_apic, (uint64_t)(deadline - now));
        /* At least 1: a zero count would disarm it instead. */
        ticks = max(ticks, (uint64_t)1);
        apic_timer_set_oneshot((uint32_t)min(ticks, (uint64_t)0xffffffffU));
    }
}

/* ---- Debug key 't' ---- */

static struct time_sample {
    s_time_t now;
    uint64_t tsc;
} time_samples[NR_CPUS];

static void time_sample_this_cpu(void *unused)
{
    struct time_sample *t = &time_samples[smp_processor_id()];

    t->tsc = rdtsc_ordered();
    t->now = NOW();
}

static void time_print_stime(const char *prefix, s_time_t t, const char *suffix)
{
    printk("%s%ld.%09ld s%s\n", prefix, (long)(t / SECONDS(1)), (long)(t % SECONDS(1)), suffix);
}

/*
 * Every CPU reads its clocks, one after the other, while this CPU waits:
 * a CPU whose NOW() falls outside this CPU's before/after window
 * disagrees with it by at least that much.
 */
static void time_dump(unsigned char key)
{
    s_time_t before, after;
    unsigned int cpu;

    printk("Platform clock: %s; TSC %lu.%03lu MHz; timer interrupt: %s\n", time_source_name,
           (unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000),
           apic_has_tsc_deadline ? "TSC deadline" : "APIC one-shot");
    before = NOW();
    time_sample_this_cpu(NULL);
    on_selected_cpus(&cpu_online_map, time_sample_this_cpu, NULL, true);
    after = NOW();
    printk("Sampled on CPU%u between %ld and %ld ns:\n", smp_processor_id(), (long)before,
           (long)after);
    for_each_cpu(cpu, &cpu_online_map) {
        const struct time_sample *t = &time_samples[cpu];
        char prefix[64];

        snprintf(prefix, sizeof(prefix), "  CPU%u: TSC %#lx, NOW() ", cpu, (unsigned long)t->tsc);
        time_print_stime(prefix, t->now,
                         t->now < before || t->now > after ? " (outside the window)" : "");
    }
    timer_dump_queues();
}

void time_init_cpu(void)
{
    apic_timer_setup_cpu();
}

/* The TSC rate by `pc`, or 0 if it has none or gives nonsense. */
static uint64_t platform_clock_try(const struct platform_clock *pc)
{
    uint64_t hz = pc->tsc_hz();

    if (hz >= TSC_HZ_MIN && hz < TSC_HZ_MAX)
        return hz;
    if (hz)
        printk(XENLOG_WARNING "Time: %s gave an implausible TSC rate (%lu Hz)\n", pc->name,
               (unsigned long)hz);
    return 0;
}

void time_init(void)
{
    const struct platform_clock *pc = NULL;
    struct cpuid_regs r;
    unsigned int i;
    bool invariant = false;

    for (i = 0; opt_clocksource[0] && i < ARRAY_SIZE(platform_clocks); i++) {
        if (strcmp(opt_clocksource, platform_clocks[i].opt))
            continue;
        tsc_hz = platform_clock_try(&platform_clocks[i]);
        if (tsc_hz)
            pc = &platform_clocks[i];
        break;
    }
    if (opt_clocksource[0] && !pc)
        printk(XENLOG_WARNING "Time: clocksource=%s unknown or unusable; using the best there is\n",
               opt_clocksource);
    for (i = 0; !pc && i < ARRAY_SIZE(platform_clocks); i++) {
        tsc_hz = platform_clock_try(&platform_clocks[i]);
        if (tsc_hz)
            pc = &platform_clocks[i];
    }
    if (pc) {
        time_source_name = pc->name;
    } else {
        tsc_hz = (cpu_khz ? cpu_khz : 2000000) * 1000;
        time_source_name = "nothing (early estimate)";
        printk(XENLOG_WARNING "Time: no platform clock could calibrate the TSC\n");
    }
    tsc_khz = tsc_hz / 1000;
    cpu_khz = tsc_khz;                  /* udelay() now uses the better figure */
    time_scale_init(&tsc_to_ns, tsc_hz, 1000000000ULL);
    time_scale_init(&ns_to_tsc, 1000000000ULL, tsc_hz);
    tsc_at_boot = rdtsc();

    cpuid(0x80000000, &r);
    if (r.a >= 0x80000007) {
        cpuid(0x80000007, &r);
        invariant = (r.d >> 8) & 1;
    }
    printk("Time: TSC %lu.%03lu MHz%s, calibrated against %s over %u ms\n",
           (unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000),
           invariant ? " (invariant)" : "", time_source_name, CALIBRATE_MS);

    apic_timer_calibrate();
    if (!apic_has_tsc_deadline)
        time_scale_init(&ns_to_apic, 1000000000ULL, (uint64_t)apic_timer_khz * 1000);
    set_irq_handler(LOCAL_TIMER_VECTOR, timer_interrupt);
    time_init_cpu();
    register_keyhandler('t', time_dump, "time: clocks of each CPU, timer queues");
}

/* ---- TSC agreement between CPUs ---- */

/*
 * Steps: 1 = new CPU ready, 2r+2 = CPU 0's request of round r, 2r+3 = the
 * answer, TSC_SYNC_DONE = result published.  Rounds go on (up to a limit)
 * until one round trip was short enough to bound the skew usefully: under
 * an emulator the other CPU may not be running when it is asked.
 */
#define TSC_SYNC_DONE 0xffffffffU
static unsigned int tsc_sync_step;
static uint64_t tsc_sync_value;
static struct tsc_sync_result tsc_sync_res;

static unsigned int sync_load(void)
{
    return __atomic_load_n(&tsc_sync_step, __ATOMIC_ACQUIRE);
}

static void sync_store(unsigned int v)
{
    __atomic_store_n(&tsc_sync_step, v, __ATOMIC_RELEASE);
}

void tsc_sync_prepare(void)
{
    sync_store(0);
}

static bool sync_wait_bsp(unsigned int step)
{
    uint64_t t0 = rdtsc(), limit = tsc_khz * TSC_SYNC_WAIT_MS;

    while (sync_load() != step) {
        if (rdtsc() - t0 > limit)
            return false;
        cpu_relax();
    }
    return true;
}

bool tsc_sync_bsp(struct tsc_sync_result *res)
{
    int64_t ahead = INT64_MIN, behind = INT64_MIN;
    uint64_t best_rtt = UINT64_MAX, tight = tsc_khz * TSC_SKEW_WARN_NS / 1000000 / 2;
    unsigned int r;

    if (!sync_wait_bsp(1))
        return false;
    for (r = 0; r < TSC_SYNC_ROUNDS_MAX && (r < TSC_SYNC_ROUNDS_MIN || best_rtt > tight); r++) {
        uint64_t t0, t1, t;

        t0 = rdtsc_ordered();
        sync_store(2 * r + 2);
        if (!sync_wait_bsp(2 * r + 3))
            return false;
        t1 = rdtsc_ordered();
        t = __atomic_load_n(&tsc_sync_value, __ATOMIC_RELAXED);
        ahead = max(ahead, (int64_t)(t - t1));
        behind = max(behind, (int64_t)(t0 - t));
        best_rtt = min(best_rtt, t1 - t0);
    }
    res->ahead_ns = ahead > 0 ? (int64_t)time_scale_apply(&tsc_to_ns, (uint64_t)ahead) : 0;
    res->behind_ns = behind > 0 ? (int64_t)time_scale_apply(&tsc_to_ns, (uint64_t)behind) : 0;
    res->best_rtt_ns = time_scale_apply(&tsc_to_ns, best_rtt);
    res->rounds = r;
    tsc_sync_res = *res;
    sync_store(TSC_SYNC_DONE);
    return true;
}

void tsc_sync_ap(struct tsc_sync_result *res)
{
    unsigned int r, step;

    sync_store(1);
    for (r = 0;; r++) {
        while ((step = sync_load()) != 2 * r + 2 && step != TSC_SYNC_DONE)
            cpu_relax();
        if (step == TSC_SYNC_DONE)
            break;
        __atomic_store_n(&tsc_sync_value, rdtsc_ordered(), __ATOMIC_RELAXED);
        sync_store(2 * r + 3);
    }
    *res = tsc_sync_res;
}
