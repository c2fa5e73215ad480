/*
 * events: event channels, shared_info / vcpu_info, guest time, vcpu_op
 * and sched_op as a PVH Linux guest uses them.  It fills the hypercall
 * page, maps shared_info, takes upcalls through the callback vector with
 * interrupts on, binds VIRQ_TIMER and IPI ports, uses the single-shot,
 * periodic and set_timer_op timers, blocks and polls (with timeouts),
 * connects two of its own ports through alloc_unbound + bind_interdomain,
 * moves its vcpu_info and registers a runstate area, and checks the error
 * codes for hostile arguments.  Every wait is bounded by the TSC, so a
 * lost event is a FAIL, never a hang.
 */
#include "guest.h"
#include "hypercall.h"

const char test_name[] = "events";

#define CALLBACK_VECTOR 0xf3
#define UNMAPPED_PTR ((uint64_t)0xdead0000000)

static uint8_t shinfo_page[4096] __aligned(4096);
static uint8_t vcpu_info_page[4096] __aligned(4096);
static struct vcpu_runstate_info runstate_area;

static struct shared_info *sh;
static struct vcpu_info *vi;
static volatile unsigned int upcalls;
static uint64_t seen[64];           /* ports the upcall handler found pending */

static long evtchn_op(unsigned int cmd, void *arg)
{
    return xencall2(__HYPERVISOR_event_channel_op, cmd, XPTR(arg));
}

static long vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return xencall(__HYPERVISOR_vcpu_op, cmd, vcpu, XPTR(arg), 0, 0);
}

static long sched_op(unsigned int cmd, void *arg)
{
    return xencall2(__HYPERVISOR_sched_op, cmd, XPTR(arg));
}

static uint64_t now_ns(void)
{
    return pvclock_ns(&vi->time);
}

/* The guest side of the 2-level ABI, as Linux's upcall handler does it. */
static void upcall_handler(struct trap_frame *f)
{
    uint64_t sel;

    (void)f;
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        uint64_t bits = __atomic_load_n(&sh->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                        ~__atomic_load_n(&sh->evtchn_mask[w], __ATOMIC_SEQ_CST);

        sel &= sel - 1;
        __atomic_fetch_and(&sh->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
        __atomic_fetch_or(&seen[w], bits, __ATOMIC_SEQ_CST);
    }
    upcalls++;
}

static bool bit_test(const uint64_t *map, unsigned int port)
{
    return (__atomic_load_n(&map[port / 64], __ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

static void seen_clear(unsigned int port)
{
    __atomic_fetch_and(&seen[port / 64], ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
}

static void mask_port(unsigned int port, bool on)
{
    if (on)
        __atomic_fetch_or(&sh->evtchn_mask[port / 64], 1ULL << (port % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&sh->evtchn_mask[port / 64], ~(1ULL << (port % 64)),
                           __ATOMIC_SEQ_CST);
}

/* With interrupts on, wait up to ms for the handler to see port. */
static bool wait_seen(unsigned int port, unsigned int ms)
{
    uint64_t end = rdtsc() + ms * tsc_ticks_per_ms();
    bool ok = false;

    irq_enable();
    while (rdtsc() < end && !(ok = bit_test(seen, port)))
        cpu_relax();
    irq_disable();
    return ok;
}

static long send(unsigned int port)
{
    struct evtchn_port_arg a = { port };

    return evtchn_op(EVTCHNOP_send, &a);
}

static long singleshot(uint64_t abs_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { abs_ns, flags };

    return vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* ------------------------------------------------------------ setup */

static bool setup_shared_info(void)
{
    struct xen_add_to_physmap x = { DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                    XPTR(shinfo_page) >> 12 };
    long rc = xencall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, XPTR(&x));

    if (!check(rc == 0, "map_shared_info", "add_to_physmap(shared_info) at gfn %#lx: %ld",
               (unsigned long)x.gpfn, rc))
        return false;
    sh = (struct shared_info *)shinfo_page;
    vi = &sh->vcpu_info[0];
    check(!(vi->time.version & 1) && vi->time.version && vi->time.tsc_to_system_mul,
          "pvclock_valid", "version %u, mul %#x, shift %d, flags %#x", vi->time.version,
          vi->time.tsc_to_system_mul, vi->time.tsc_shift, vi->time.flags);
    return true;
}

#define SAFETY_VECTOR 0x40

static void safety_handler(struct trap_frame *f)
{
    (void)f;
    lapic_write(LAPIC_EOI, 0);
}

/* A one-shot LAPIC timer interrupt after `count` ticks at divide 1. */
static void lapic_safety_timer(uint32_t count)
{
    legacy_pic_mask();
    irq_set_handler(SAFETY_VECTOR, safety_handler);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, SAFETY_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, count);
}

static void test_time(void)
{
    uint64_t t0 = 0, t1 = 0, ticks = 0;
    uint32_t c0, c1;
    unsigned int tries;

    /*
     * The pvclock's rate against the hypervisor's own clock, which the
     * vLAPIC timer counts at 1 GHz (divide 1): 20 ms by the pvclock must
     * be 20 ms of LAPIC counts, within emulation jitter.  The emulator's
     * thread may be preempted between a clock read and the LAPIC read
     * next to it, so up to five tries; a wrong rate fails all of them.
     */
    for (tries = 0; tries < 5; tries++) {
        lapic_safety_timer(0xffffffffu);
        c0 = lapic_read(LAPIC_TIMER_CURRENT);
        t0 = now_ns();
        while (now_ns() - t0 < 20000000)
            cpu_relax();
        t1 = now_ns();
        c1 = lapic_read(LAPIC_TIMER_CURRENT);
        lapic_write(LAPIC_TIMER_INITIAL, 0);
        ticks = c0 - c1;
        if (t1 > t0 && ticks + 2000000 > (t1 - t0) * 9 / 10 &&
            ticks < (t1 - t0) * 11 / 10 + 2000000)
            break;
    }
    check(tries < 5, "pvclock_rate", "%lu ns of pvclock = %lu LAPIC timer ns (try %u)",
          (unsigned long)(t1 - t0), (unsigned long)ticks, tries + 1);
    if (!sh->wc_sec && !sh->wc_sec_hi)
        skip("wallclock", "the hypervisor reports no wall time");
    else
        check(!(sh->wc_version & 1) && sh->wc_sec >= 1577836800u && sh->wc_nsec < 1000000000u,
              "wallclock", "boot at %u s since the epoch (+%u ns), version %u", sh->wc_sec,
              sh->wc_nsec, sh->wc_version);
}

static bool setup_callback(void)
{
    struct xen_hvm_param p = { DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ,
                               (HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | CALLBACK_VECTOR };
    struct xen_hvm_param bad = p;
    long rc;

    irq_set_handler(CALLBACK_VECTOR, upcall_handler);
    bad.value = (1ULL << 56) | 5; /* PCI INTx: no such thing for PVH */
    rc = xencall2(__HYPERVISOR_hvm_op, HVMOP_set_param, XPTR(&bad));
    check(rc == -XEN_EINVAL, "callback_bad_type", "callback type 1: %ld (want -22)", rc);
    rc = xencall2(__HYPERVISOR_hvm_op, HVMOP_set_param, XPTR(&p));
    return check(rc == 0, "callback_vector", "HVM_PARAM_CALLBACK_IRQ = %#lx: %ld",
                 (unsigned long)p.value, rc);
}

/* ------------------------------------------------------------ events */

static int test_ipi(void)
{
    struct evtchn_bind_ipi b = { 0, 0 };
    long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);
    unsigned int before;
    bool ok;

    if (!check(rc == 0 && b.port, "bind_ipi", "port %u: %ld", b.port, rc))
        return -1;
    /* Interrupts off: the event must be recorded, not delivered. */
    rc = send(b.port);
    check(rc == 0 && bit_test(sh->evtchn_pending, b.port) && vi->evtchn_upcall_pending &&
              (vi->evtchn_pending_sel & (1ULL << (b.port / 64))),
          "send_marks_pending", "send %ld, pending %d, upcall %u, sel %#lx", rc,
          bit_test(sh->evtchn_pending, b.port), vi->evtchn_upcall_pending,
          (unsigned long)vi->evtchn_pending_sel);
    before = upcalls;
    ok = wait_seen(b.port, 1000);
    check(ok && upcalls > before, "ipi_upcall", "callback vector taken %u time(s)",
          upcalls - before);

    /* Masked: pending without an upcall; unmask delivers it. */
    mask_port(b.port, true);
    seen_clear(b.port);
    rc = send(b.port);
    check(rc == 0 && bit_test(sh->evtchn_pending, b.port) && !vi->evtchn_upcall_pending,
          "masked_no_upcall", "send %ld, pending %d, upcall %u", rc,
          bit_test(sh->evtchn_pending, b.port), vi->evtchn_upcall_pending);
    {
        struct evtchn_port_arg u = { b.port };

        rc = evtchn_op(EVTCHNOP_unmask, &u);
    }
    check(rc == 0 && wait_seen(b.port, 1000), "unmask_delivers", "unmask %ld", rc);
    return (int)b.port;
}

static int test_timer(void)
{
    struct evtchn_bind_virq b = { VIRQ_TIMER, 0, 0 }, again = b;
    uint64_t t0, dt;
    bool ok;
    long rc = evtchn_op(EVTCHNOP_bind_virq, &b);

    if (!check(rc == 0 && b.port, "bind_virq_timer", "port %u: %ld", b.port, rc))
        return -1;
    rc = evtchn_op(EVTCHNOP_bind_virq, &again);
    check(rc == -XEN_EEXIST, "bind_virq_twice", "%ld (want -17)", rc);

    seen_clear(b.port);
    t0 = now_ns();
    rc = singleshot(t0 + 10000000, 0);
    ok = rc == 0 && wait_seen(b.port, 2000);
    dt = now_ns() - t0;
    check(ok && dt >= 9000000, "singleshot", "set %ld, fired after %lu us", rc,
          (unsigned long)(dt / 1000));
    rc = singleshot(now_ns() - 1000000, VCPU_SSHOTTMR_future);
    check(rc == -XEN_ETIME, "singleshot_past_future", "%ld (want -62)", rc);
    seen_clear(b.port);
    rc = singleshot(1, 0);  /* long past: fires at once */
    check(rc == 0 && wait_seen(b.port, 1000), "singleshot_past", "%ld", rc);
    seen_clear(b.port);
    rc = singleshot(now_ns() + 100000000, 0);
    check(rc == 0 && vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) == 0 &&
              !wait_seen(b.port, 200),
          "singleshot_stop", "a stopped timer stays quiet");

    seen_clear(b.port);
    t0 = now_ns();
    rc = xencall2(__HYPERVISOR_set_timer_op, t0 + 5000000, 0);
    ok = rc == 0 && wait_seen(b.port, 2000);
    dt = now_ns() - t0;
    check(ok && dt >= 4000000, "set_timer_op", "%ld, fired after %lu us", rc,
          (unsigned long)(dt / 1000));
    return (int)b.port;
}

static void test_periodic(unsigned int tport)
{
    uint64_t period = 10000000, t0;
    unsigned int n = 0;
    long rc;

    rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &(uint64_t){ 1000 });
    check(rc == -XEN_EINVAL, "periodic_too_short", "1 us period: %ld (want -22)", rc);
    rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &period);
    t0 = now_ns();
    while (rc == 0 && n < 3 && now_ns() - t0 < 2000000000ULL) {
        seen_clear(tport);
        if (wait_seen(tport, 1000))
            n++;
    }
    check(rc == 0 && n == 3, "periodic", "%u ticks of 10 ms in %lu ms", n,
          (unsigned long)((now_ns() - t0) / 1000000));
    rc = vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    /* A tick that fired before the stop may still be on its way. */
    wait_seen(tport, 20);
    seen_clear(tport);
    check(rc == 0 && !wait_seen(tport, 50), "periodic_stop", "%ld", rc);
}

/* SCHEDOP_block and HLT with interrupts off / on, each with a safety timer. */
static void test_block(unsigned int tport, unsigned int ipi)
{
    uint64_t t0, dt;
    long rc;

    seen_clear(tport);
    t0 = now_ns();
    singleshot(t0 + 20000000, 0);
    rc = sched_op(SCHEDOP_block, NULL);
    check(rc == 0 && now_ns() - t0 >= 15000000 && bit_test(sh->evtchn_pending, tport),
          "block_until_timer", "%ld after %lu us, timer pending %d", rc,
          (unsigned long)((now_ns() - t0) / 1000), bit_test(sh->evtchn_pending, tport));
    wait_seen(tport, 100);

    /* An event already pending: block returns at once (safety timer at 500 ms). */
    send(ipi);
    t0 = now_ns();
    singleshot(t0 + 500000000, 0);
    rc = sched_op(SCHEDOP_block, NULL);
    check(rc == 0 && now_ns() - t0 < 400000000, "block_pending", "%ld after %lu us", rc,
          (unsigned long)((now_ns() - t0) / 1000));
    wait_seen(ipi, 100);
    vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);

    /* sti; hlt sleeps until the timer's upcall. */
    seen_clear(tport);
    t0 = now_ns();
    singleshot(t0 + 20000000, 0);
    asm volatile("sti; hlt; cli" ::: "memory");
    check(bit_test(seen, tport), "hlt_wakeup", "woke after %lu us by the timer upcall",
          (unsigned long)((now_ns() - t0) / 1000));

    /*
     * sti; hlt with an upcall already pending must not sleep.  The safety
     * net is the LAPIC timer (500 ms at the vLAPIC's 1 GHz): a further
     * event could not wake a vCPU whose upcall flag is already set.
     */
    seen_clear(ipi);
    send(ipi);
    lapic_safety_timer(500000000);
    t0 = now_ns();
    asm volatile("sti; hlt; cli" ::: "memory");
    dt = now_ns() - t0;
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    check(bit_test(seen, ipi) && dt < 400000000, "hlt_pending", "returned after %lu us%s",
          (unsigned long)(dt / 1000), dt >= 400000000 ? " (slept through the upcall)" : "");
    wait_seen(ipi, 10);
}

static long poll(uint32_t *ports, unsigned int nr, uint64_t timeout)
{
    struct sched_poll p = { XPTR(ports), nr, timeout };

    return sched_op(SCHEDOP_poll, &p);
}

static void test_poll(unsigned int tport, unsigned int ipi)
{
    uint32_t ports[2] = { ipi, tport }, big[130];
    uint64_t t0;
    long rc;
    unsigned int i;

    /* Masked ports, nothing pending: the timeout ends it. */
    mask_port(ipi, true);
    mask_port(tport, true);
    vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
    t0 = now_ns();
    rc = poll(ports, 1, t0 + 30000000);
    check(rc == 0 && now_ns() - t0 >= 25000000 && now_ns() - t0 < 1000000000ULL,
          "poll_timeout", "%ld after %lu us", rc, (unsigned long)((now_ns() - t0) / 1000));

    /* A masked port going pending wakes the poller (the timer at 20 ms, timeout 2 s). */
    t0 = now_ns();
    singleshot(t0 + 20000000, 0);
    rc = poll(ports, 2, t0 + 2000000000ULL);
    check(rc == 0 && bit_test(sh->evtchn_pending, tport) && now_ns() - t0 < 1500000000ULL,
          "poll_wake_masked", "%ld after %lu us", rc, (unsigned long)((now_ns() - t0) / 1000));

    /* Already pending: returns at once. */
    t0 = now_ns();
    rc = poll(&ports[1], 1, t0 + 2000000000ULL);
    check(rc == 0 && now_ns() - t0 < 1000000000ULL, "poll_pending", "%ld after %lu us", rc,
          (unsigned long)((now_ns() - t0) / 1000));

    for (i = 0; i < 130; i++)
        big[i] = ipi;
    check(poll(big, 129, 0) == -XEN_EINVAL, "poll_too_many", "129 ports refused");
    check(sched_op(SCHEDOP_poll, (void *)UNMAPPED_PTR) == -XEN_EFAULT, "poll_bad_arg",
          "unmapped argument");
    {
        struct sched_poll p = { UNMAPPED_PTR, 2, 0 };

        check(sched_op(SCHEDOP_poll, &p) == -XEN_EFAULT, "poll_bad_list", "unmapped list");
    }
    big[0] = 5000;
    check(poll(big, 1, 0) == -XEN_EINVAL, "poll_bad_port", "port 5000 refused");

    mask_port(ipi, false);
    mask_port(tport, false);
    {
        struct evtchn_port_arg u = { tport };

        evtchn_op(EVTCHNOP_unmask, &u);
    }
    wait_seen(tport, 50);
}

static void test_interdomain(void)
{
    struct evtchn_alloc_unbound a = { DOMID_SELF, DOMID_SELF, 0 };
    struct evtchn_bind_interdomain b = { DOMID_SELF, 0, 0 };
    struct evtchn_status st;
    struct evtchn_port_arg c;
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    if (!check(rc == 0 && a.port, "alloc_unbound", "port %u: %ld", a.port, rc))
        return;
    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = a.port;
    rc = evtchn_op(EVTCHNOP_status, &st);
    check(rc == 0 && st.status == EVTCHNSTAT_unbound, "status_unbound", "%ld, status %u", rc,
          st.status);
    b.remote_port = a.port;
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
    if (!check(rc == 0 && b.local_port && b.local_port != a.port, "bind_interdomain",
               "local %u <-> %u: %ld", b.local_port, a.port, rc))
        return;
    st.port = b.local_port;
    rc = evtchn_op(EVTCHNOP_status, &st);
    check(rc == 0 && st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == a.port,
          "status_interdomain", "%ld, status %u, peer port %u", rc, st.status,
          st.u.interdomain.port);
    /* Binding starts with an event on the new port (nothing sent earlier is lost). */
    wait_seen(b.local_port, 100);
    seen_clear(a.port);
    check(send(b.local_port) == 0 && wait_seen(a.port, 1000), "interdomain_send",
          "%u -> %u", b.local_port, a.port);
    seen_clear(b.local_port);
    check(send(a.port) == 0 && wait_seen(b.local_port, 1000), "interdomain_reply",
          "%u -> %u", a.port, b.local_port);
    b.local_port = 0;
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
    check(rc == -XEN_EINVAL, "bind_interdomain_bound", "a bound port again: %ld (want -22)", rc);
    c.port = st.port;
    rc = evtchn_op(EVTCHNOP_close, &c);
    st.port = a.port;
    check(rc == 0 && evtchn_op(EVTCHNOP_status, &st) == 0 && st.status == EVTCHNSTAT_unbound,
          "close_interdomain", "close %ld; the peer is unbound again (status %u)", rc,
          st.status);
    check(send(a.port) == 0, "send_unbound", "dropped silently");
}

static void test_hostile(void)
{
    struct evtchn_port_arg p = { 5000 };
    struct evtchn_bind_virq v = { 100, 0, 0 };
    struct evtchn_bind_ipi i = { 1000, 0 };
    struct evtchn_bind_pirq pirq = { 1, 0, 0 };
    struct evtchn_init_control ic = { XPTR(vcpu_info_page) >> 12, 0, 0, 0, { 0 } };
    struct evtchn_status st = { 0x1234, 1, 0, 0, { { 0 } } };
    struct evtchn_alloc_unbound au = { 0x1234, DOMID_SELF, 0 };
    struct evtchn_bind_interdomain bi = { DOMID_SELF, 3000, 0 };
    struct sched_remote_shutdown rs = { 0x1234, 0 };
    uint32_t reason = 77;
    long rc;

    check(evtchn_op(EVTCHNOP_send, &p) == -XEN_EINVAL, "send_bad_port", "port 5000");
    p.port = 0;
    check(evtchn_op(EVTCHNOP_send, &p) == -XEN_EINVAL, "send_port0", "port 0");
    p.port = 4095;
    check(evtchn_op(EVTCHNOP_close, &p) == -XEN_EINVAL, "close_free_port", "port 4095");
    p.port = 0xffffffffu;
    check(evtchn_op(EVTCHNOP_unmask, &p) == -XEN_EINVAL, "unmask_bad_port", "port ~0");
    check(evtchn_op(EVTCHNOP_bind_virq, &v) == -XEN_EINVAL, "bind_virq_bad", "virq 100");
    v.virq = VIRQ_DEBUG;
    v.vcpu = 77;
    check(evtchn_op(EVTCHNOP_bind_virq, &v) == -XEN_ENOENT, "bind_virq_bad_vcpu", "vcpu 77");
    v.virq = VIRQ_CONSOLE;
    v.vcpu = 1;
    check(evtchn_op(EVTCHNOP_bind_virq, &v) == -XEN_EINVAL, "bind_virq_global_vcpu",
          "a global VIRQ on vCPU 1");
    check(evtchn_op(EVTCHNOP_bind_ipi, &i) == -XEN_ENOENT, "bind_ipi_bad_vcpu", "vcpu 1000");
    check(evtchn_op(EVTCHNOP_bind_pirq, &pirq) == -XEN_EPERM, "bind_pirq", "no physical IRQs");
    rc = evtchn_op(EVTCHNOP_init_control, &ic);
    check(rc == -XEN_ENOSYS, "init_control", "FIFO refused: %ld (Linux falls back to 2-level)",
          rc);
    rc = evtchn_op(EVTCHNOP_status, &st);
    check(rc == -XEN_EPERM || rc == -XEN_ESRCH, "status_other_domain", "%ld", rc);
    /* A privileged guest gets -ESRCH: there is no domain 0x1234. */
    rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    check(rc == -XEN_EPERM || rc == -XEN_ESRCH, "alloc_unbound_other", "%ld", rc);
    check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL, "bind_interdomain_free",
          "remote port 3000 is not unbound");
    check(evtchn_op(EVTCHNOP_send, (void *)UNMAPPED_PTR) == -XEN_EFAULT, "evtchn_bad_arg",
          "unmapped argument");
    check(evtchn_op(99, &p) == -XEN_ENOSYS, "evtchn_bad_cmd", "command 99");

    check(vcpu_op(VCPUOP_is_up, 1000, NULL) == -XEN_ENOENT, "vcpu_op_bad_vcpu", "vcpu 1000");
    check(xencall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1ULL << 32, 0, 0, 0) == -XEN_ENOENT,
          "vcpu_op_huge_vcpu", "vcpu 2^32");
    check(vcpu_op(VCPUOP_is_up, 0, NULL) == 1, "vcpu_is_up", "vCPU 0 is up");
    rc = vcpu_op(VCPUOP_is_up, 1, NULL);
    if (rc == -XEN_ENOENT) {
        skip("vcpu_up_down", "one vCPU only");
    } else {
        struct vcpu_set_singleshot_timer t = { 0, 0 };

        /* vCPU 1 exists but was never started (no INIT/SIPI from us). */
        check(rc == 0, "vcpu1_is_down", "is_up(1) = %ld", rc);
        rc = vcpu_op(VCPUOP_up, 1, NULL);
        check(rc == -XEN_EINVAL, "vcpu_up_uninitialised", "%ld (want -22)", rc);
        rc = vcpu_op(VCPUOP_down, 0, NULL);
        check(rc == -XEN_EINVAL, "vcpu_down_last", "the last running vCPU: %ld (want -22)", rc);
        rc = vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
        check(rc == -XEN_EINVAL, "singleshot_other_vcpu", "%ld (want -22)", rc);
    }
    check(vcpu_op(VCPUOP_register_runstate_memory_area, 0, (void *)UNMAPPED_PTR) ==
              -XEN_EFAULT,
          "runstate_bad_arg", "unmapped argument");
    check(vcpu_op(VCPUOP_get_runstate_info, 0, (void *)UNMAPPED_PTR) == -XEN_EFAULT,
          "runstate_info_bad_ptr", "unmapped result");
    check(vcpu_op(77, 0, NULL) == -XEN_ENOSYS, "vcpu_op_bad_cmd", "command 77");

    check(sched_op(SCHEDOP_shutdown, &reason) == -XEN_EINVAL, "shutdown_bad_reason",
          "reason 77");
    rc = sched_op(SCHEDOP_remote_shutdown, &rs);
    check(rc == -XEN_EPERM || rc == -XEN_ESRCH, "remote_shutdown", "domain 0x1234: %ld", rc);
    check(sched_op(99, NULL) == -XEN_ENOSYS, "sched_op_bad_cmd", "command 99");
    check(sched_op(SCHEDOP_yield, NULL) == 0, "yield", "0");
}

static void test_runstate(void)
{
    struct vcpu_runstate_info ri;
    uint64_t p = XPTR(&runstate_area);
    long rc;

    memset(&runstate_area, 0xff, sizeof(runstate_area));
    rc = vcpu_op(VCPUOP_register_runstate_memory_area, 0, &p);
    check(rc == 0 && runstate_area.state == RUNSTATE_running &&
              runstate_area.time[RUNSTATE_running] > 0,
          "runstate_area", "%ld: state %d, running %lu ns, blocked %lu ns", rc,
          runstate_area.state, (unsigned long)runstate_area.time[RUNSTATE_running],
          (unsigned long)runstate_area.time[RUNSTATE_blocked]);
    rc = vcpu_op(VCPUOP_get_runstate_info, 0, &ri);
    /* The block tests ran first: blocked time was counted. */
    check(rc == 0 && ri.state == RUNSTATE_running && ri.time[RUNSTATE_blocked] > 10000000,
          "runstate_info", "%ld: blocked %lu us so far", rc,
          (unsigned long)(ri.time[RUNSTATE_blocked] / 1000));
}

static void test_move_vcpu_info(unsigned int ipi)
{
    struct vcpu_register_vcpu_info r = { XPTR(vcpu_info_page) >> 12, 4096 - 32, 0 };
    struct vcpu_info *nv = (struct vcpu_info *)(vcpu_info_page + 64);
    long rc;

    check(vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == -XEN_EINVAL, "vcpu_info_straddles",
          "offset 4064 refused");
    r.mfn = 1ULL << 40;
    r.offset = 0;
    check(vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == -XEN_EINVAL, "vcpu_info_bad_gfn",
          "gfn 2^40 refused");
    r.mfn = XPTR(vcpu_info_page) >> 12;
    r.offset = 64;
    rc = vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
    if (!check(rc == 0 && nv->evtchn_upcall_pending == 1 && nv->evtchn_pending_sel == ~0ULL &&
                   !(nv->time.version & 1) && nv->time.tsc_to_system_mul,
               "register_vcpu_info", "%ld: upcall %u, sel %#lx, time version %u", rc,
               nv->evtchn_upcall_pending, (unsigned long)nv->evtchn_pending_sel,
               nv->time.version))
        return;
    vi = nv;
    wait_seen(ipi, 100);
    seen_clear(ipi);
    check(send(ipi) == 0 && wait_seen(ipi, 1000), "moved_vcpu_info_upcall",
          "upcall through the new vcpu_info");
    check(vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == -XEN_EINVAL, "vcpu_info_twice",
          "a second registration is refused");
}

#define UPCALL_LAPIC_VECTOR 0xf4

static void upcall_lapic_handler(struct trap_frame *f)
{
    upcall_handler(f);
    lapic_write(LAPIC_EOI, 0);
}

/* HVMOP_set_evtchn_upcall_vector: this vCPU's upcalls arrive through the vLAPIC. */
static void test_upcall_vector(unsigned int ipi)
{
    struct xen_hvm_evtchn_upcall_vector u = { 0, 5 };
    unsigned int before = upcalls;
    long rc;
    bool ok;

    rc = xencall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, XPTR(&u));
    check(rc == -XEN_EINVAL, "upcall_vector_bad", "vector 5: %ld (want -22)", rc);
    irq_set_handler(UPCALL_LAPIC_VECTOR, upcall_lapic_handler);
    u.vector = UPCALL_LAPIC_VECTOR;
    rc = xencall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, XPTR(&u));
    seen_clear(ipi);
    ok = rc == 0 && send(ipi) == 0 && wait_seen(ipi, 1000);
    check(ok && upcalls > before, "upcall_vector", "%ld; upcall through LAPIC vector %#x", rc,
          UPCALL_LAPIC_VECTOR);
    /* Each new event is a new edge: a second one arrives too. */
    seen_clear(ipi);
    check(send(ipi) == 0 && wait_seen(ipi, 1000), "upcall_vector_again", "second event");
}

static void test_reset(unsigned int ipi)
{
    struct evtchn_status st;
    uint16_t dom = DOMID_SELF; /* struct evtchn_reset */
    long rc = evtchn_op(EVTCHNOP_reset, &dom);

    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = ipi;
    check(rc == 0 && evtchn_op(EVTCHNOP_status, &st) == 0 && st.status == EVTCHNSTAT_closed,
          "reset", "%ld; port %u status %u", rc, ipi, st.status);
}

void test_main(void)
{
    long v;
    int ipi, tport;

    if (!cpu.xen_base) {
        skip("xen", "no Xen CPUID leaves: nothing to test");
        return;
    }
    v = xencall2(__HYPERVISOR_xen_version, XENVER_version, 0);
    check(hypercall_page_init() == 0 &&
              hypercall_page_call(__HYPERVISOR_xen_version, XENVER_version, 0, 0) == v,
          "hypercall_page", "xen_version through the page: %#lx", (unsigned long)v);
    if (!setup_shared_info())
        return;
    test_time();
    if (!setup_callback())
        return;
    ipi = test_ipi();
    tport = test_timer();
    if (ipi < 0 || tport < 0)
        return;
    test_periodic((unsigned int)tport);
    test_block((unsigned int)tport, (unsigned int)ipi);
    test_poll((unsigned int)tport, (unsigned int)ipi);
    test_interdomain();
    test_hostile();
    test_runstate();
    test_move_vcpu_info((unsigned int)ipi);
    test_upcall_vector((unsigned int)ipi);
    test_reset((unsigned int)ipi);
}
