/*
 * The console ring backend (common/guest_console.c) against a guest that
 * plays by the rules and one that does not: output is printed in order
 * across the ring's wrap; indices the guest forges never make the backend
 * read or write outside the ring; input fills in[] up to its size and
 * notifies; teardown leaves nothing reachable.  The p2m, the event
 * channels and the console line printer are stand-ins here.
 */
#include "test.h"
#include <xen/bootdomain.h>
#include <public/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/event.h>
#include <xen/guest_console.h>
#include <public/io/console.h>

#define RING_GFN 0x1234
#define RING_MFN 0x42
#define PORT     5

/* The ring page, with guard bytes around it that must never change. */
static struct {
    uint8_t before[4096];
    union {
        struct xencons_interface intf;
        uint8_t bytes[4096];
    } page;
    uint8_t after[4096];
} mem __attribute__((aligned(4096)));

static struct domain dom;
static bool ring_mapped = true;
static bool ring_on_demand;     /* not yet backed: the first touch maps it */
static unsigned int touches;
static int alloc_port_rc = PORT;
static evtchn_xen_notify_fn *notify_fn;
static unsigned int sends;
static char written[1 << 16];
static size_t written_len;

/* ---- stand-ins ---- */

mfn_t p2m_get_entry(struct p2m *p2m, gfn_t gfn, p2m_type_t *t, p2m_memtype_t *mt,
                    unsigned int *order)
{
    bool ok = ring_mapped && gfn == RING_GFN;

    if (ok && ring_on_demand) {
        *t = p2m_populate_on_demand;
        return INVALID_MFN;
    }
    *t = ok ? p2m_ram_rw : p2m_invalid;
    return ok ? RING_MFN : INVALID_MFN;
}

int domain_populate_touch(struct domain *d, gfn_t gfn)
{
    touches++;
    if (gfn != RING_GFN || !ring_on_demand)
        return -EFAULT;
    ring_on_demand = false;
    return 0;
}

void *maddr_to_virt(paddr_t ma)
{
    if (ma != (paddr_t)RING_MFN << 12) {
        printf("FAIL: conring: backend mapped machine address %#lx\n", (unsigned long)ma);
        abort();
    }
    return &mem.page;
}

void *alloc_xenheap_pages(unsigned int order)
{
    return aligned_alloc(4096, 4096UL << order);
}

void free_xenheap_pages(void *p, unsigned int order)
{
    free(p);
}

int evtchn_alloc_xen_port(struct domain *d, evtchn_xen_notify_fn *notify)
{
    notify_fn = notify;
    return alloc_port_rc;
}

int evtchn_send_port(struct domain *d, unsigned int port)
{
    CHECK_EQ(port, PORT);
    sends++;
    return 0;
}

/* The control domain's CONSOLEIO_read side. */
static char io_typed[8];
static unsigned int io_nr, virqs;

void console_io_input(struct domain *d, char c)
{
    CHECK(d == &dom, "input of another domain");
    if (io_nr < sizeof(io_typed))
        io_typed[io_nr] = c;
    io_nr++;
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    CHECK(d == &dom, "VIRQ for another domain");
    CHECK_EQ(virq, VIRQ_CONSOLE);
    virqs++;
}

void guest_console_write(struct domain *d, const char *s, size_t len)
{
    CHECK(d == &dom, "output of another domain");
    CHECK(written_len + len <= sizeof(written), "too much output");
    memcpy(written + written_len, s, len);
    written_len += len;
}

/* ---- helpers ---- */

static struct xencons_interface *ring = &mem.page.intf;

static void reset(void)
{
    guest_console_ring_destroy(&dom);
    memset(&dom, 0, sizeof(dom));
    memset(&mem, 0x5a, sizeof(mem));
    ring_mapped = true;
    alloc_port_rc = PORT;
    notify_fn = NULL;
    sends = 0;
    written_len = 0;
    printk_log_clear();
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), 0);
}

static bool guards_intact(void)
{
    size_t i;

    for (i = 0; i < sizeof(mem.before); i++)
        if (mem.before[i] != 0x5a || mem.after[i] != 0x5a)
            return false;
    for (i = sizeof(struct xencons_interface); i < sizeof(mem.page.bytes); i++)
        if (mem.page.bytes[i] != 0x5a)
            return false;
    return true;
}

/* What a guest does: copy into out[], publish, notify. */
static void guest_write(const char *s, size_t n)
{
    uint32_t prod = ring->out_prod;
    size_t i;

    for (i = 0; i < n; i++, prod++)
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = s[i];
    ring->out_prod = prod;
    notify_fn(&dom, PORT);
}

/* ---- tests ---- */

static void test_init(void)
{
    reset();
    CHECK_EQ(dom.hvm.params[HVM_PARAM_CONSOLE_PFN], RING_GFN);
    CHECK_EQ(dom.hvm.params[HVM_PARAM_CONSOLE_EVTCHN], PORT);
    CHECK(notify_fn != NULL, "no notify callback registered");
    CHECK(ring->in_cons == 0 && ring->in_prod == 0 && ring->out_cons == 0 &&
          ring->out_prod == 0 && ring->out[0] == 0, "ring page not cleared");
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), -EEXIST);

    /* A frame that is not RAM, no port, or port 0: no ring, no params. */
    guest_console_ring_destroy(&dom);
    memset(&dom, 0, sizeof(dom));
    ring_mapped = false;
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), -EINVAL);
    ring_mapped = true;
    alloc_port_rc = -ENOSPC;
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), -ENOSPC);
    alloc_port_rc = 0;
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), -EINVAL);
    CHECK(dom.console_ring == NULL && dom.hvm.params[HVM_PARAM_CONSOLE_PFN] == 0 &&
          dom.hvm.params[HVM_PARAM_CONSOLE_EVTCHN] == 0, "failed init left state");
    alloc_port_rc = PORT;

    /* RAM populated on first touch: init backs the page. */
    ring_on_demand = true;
    touches = 0;
    CHECK_EQ(guest_console_ring_init(&dom, RING_GFN), 0);
    CHECK_EQ(touches, 1);
    CHECK(!ring_on_demand, "ring page not backed");
}

static void test_output_wraps(void)
{
    char expect[8192], line[64];
    size_t n = 0;
    unsigned int i;

    reset();
    guest_write("hello\n", 6);
    CHECK(written_len == 6 && !memcmp(written, "hello\n", 6), "first line");
    CHECK_EQ(ring->out_cons, 6);
    /* Many uneven writes: the array wraps several times. */
    memcpy(expect, "hello\n", 6);
    n = 6;
    for (i = 0; i < 200; i++) {
        int len = snprintf(line, sizeof(line), "line %u %.*s\n", i, (int)(i % 37),
                           "abcdefghijklmnopqrstuvwxyz0123456789");

        guest_write(line, (size_t)len);
        memcpy(expect + n, line, (size_t)len);
        n += (size_t)len;
    }
    CHECK(n > 2 * sizeof(ring->out), "test too small: %zu", n);
    CHECK(written_len == n && !memcmp(written, expect, n), "output in order across the wrap");
    CHECK_EQ(ring->out_cons, ring->out_prod);
    /* A full ring at once. */
    written_len = 0;
    memset(expect, 'x', sizeof(ring->out));
    guest_write(expect, sizeof(ring->out));
    CHECK_EQ(written_len, sizeof(ring->out));
    CHECK(guards_intact(), "bytes outside the ring changed");
    CHECK_EQ(sends, 0);
}

static void test_hostile_output(void)
{
    reset();
    guest_write("ok\n", 3);
    /* One byte more than the ring holds. */
    ring->out_prod = ring->out_cons + sizeof(ring->out) + 1;
    written_len = 0;
    notify_fn(&dom, PORT);
    CHECK_EQ(written_len, 0);
    CHECK(printk_log_contains("console ring broken"), "no warning");
    /* Broken for good: a sane out_prod later is not read either. */
    ring->out_prod = ring->out_cons + 1;
    notify_fn(&dom, PORT);
    CHECK_EQ(written_len, 0);

    /* out_prod behind out_cons is as bad. */
    reset();
    guest_write("ab\n", 3);
    ring->out_prod = 1;
    notify_fn(&dom, PORT);
    CHECK_EQ(ring->out_cons, 3);

    /* A forged out_cons is ignored: the backend keeps its own. */
    reset();
    ring->out_cons = 1000;
    guest_write("xyz\n", 4);
    CHECK(written_len == 4 && !memcmp(written, "xyz\n", 4), "forged out_cons changed output");

    /* Another port, or the page gone from the p2m: nothing read. */
    reset();
    written_len = 0;
    ring->out_prod = 5;
    notify_fn(&dom, PORT + 1);
    CHECK_EQ(written_len, 0);
    ring_mapped = false;
    notify_fn(&dom, PORT);
    CHECK_EQ(written_len, 0);
    CHECK(guards_intact(), "bytes outside the ring changed");
}

static void test_input(void)
{
    unsigned int i;

    reset();
    guest_console_input(&dom, 'a');
    CHECK(ring->in[0] == 'a' && ring->in_prod == 1, "first byte");
    CHECK_EQ(sends, 1);
    /* The guest never reads: the ring fills, then bytes are dropped. */
    for (i = 1; i < sizeof(ring->in) + 10; i++)
        guest_console_input(&dom, (char)('a' + i % 26));
    CHECK_EQ(ring->in_prod, sizeof(ring->in));
    CHECK_EQ(sends, sizeof(ring->in));
    /* It reads everything: room again, and the index wraps the array. */
    ring->in_cons = ring->in_prod;
    guest_console_input(&dom, 'Z');
    CHECK(ring->in[0] == 'Z' && ring->in_prod == sizeof(ring->in) + 1, "wrapped byte");

    /* A forged in_cons ahead of in_prod or far behind: dropped, nothing written. */
    reset();
    ring->in_cons = 5000;
    guest_console_input(&dom, 'q');
    ring->in_cons = (uint32_t)-3000;
    guest_console_input(&dom, 'q');
    CHECK_EQ(ring->in_prod, 0);
    CHECK_EQ(sends, 0);
    CHECK(guards_intact(), "bytes outside the ring changed");

    /* Page gone from the p2m: dropped. */
    reset();
    ring->in_cons = 0;
    ring_mapped = false;
    guest_console_input(&dom, 'q');
    CHECK_EQ(sends, 0);

    /* Only the control domain also gets it through CONSOLEIO_read, with VIRQ_CONSOLE. */
    CHECK(io_nr == 0 && virqs == 0, "an ordinary domain's input went to console_io");
    reset();
    dom.capabilities = BOOT_CAP_CONTROL;
    guest_console_input(&dom, 'k');
    CHECK(io_nr == 1 && io_typed[0] == 'k' && virqs == 1, "control domain: %u bytes, %u VIRQs",
          io_nr, virqs);
    CHECK(ring->in[0] == 'k' && sends == 1, "and its ring too");
}

static void test_destroy(void)
{
    reset();
    guest_console_ring_destroy(&dom);
    CHECK(dom.console_ring == NULL, "ring still attached");
    written_len = 0;
    ring->out_prod = 3;
    notify_fn(&dom, PORT);
    guest_console_input(&dom, 'x');
    CHECK_EQ(written_len, 0);
    CHECK_EQ(sends, 0);
    guest_console_ring_destroy(&dom);   /* twice is harmless */
}

int main(void)
{
    static const struct test_case cases[] = {
        { "conring.init", test_init },
        { "conring.output_wraps", test_output_wraps },
        { "conring.hostile_output", test_hostile_output },
        { "conring.input", test_input },
        { "conring.destroy", test_destroy },
    };

    return test_run(cases, sizeof(cases) / sizeof(cases[0]));
}
