/*
 * conring: the domain console ring (xencons_interface) as Linux's hvc_xen
 * uses it.  The guest finds the ring through HVM_PARAM_CONSOLE_PFN and
 * HVM_PARAM_CONSOLE_EVTCHN, writes lines into out[] and notifies the port
 * (EVTCHNOP_send); the hypervisor must print them as this domain's lines
 * and drain the ring.  More than a ring's worth of lines checks the wrap
 * and the wait for space.  Serial input typed to this domain (Ctrl-A x3,
 * then "hello" and Enter) must arrive in in[] and mark the port pending
 * in shared_info.  The xenstore params must say "none" (Linux then
 * disables xenbus instead of waiting for xenstored).  Last, a hostile
 * out_prod must not hurt the hypervisor.
 *
 * Results go to port 0xE9 as usual; only the lines under test go through
 * the ring.  Without Xen CPUID leaves every check is skipped.
 */
#include "guest.h"

const char test_name[] = "conring";

/* Xen public ABI (xen.h, hvm/hvm_op.h, hvm/params.h, event_channel.h, memory.h). */
#define HYPERVISOR_memory_op       12
#define HYPERVISOR_event_channel_op 32
#define HYPERVISOR_hvm_op          34
#define HVMOP_get_param            1
#define HVM_PARAM_STORE_PFN        1
#define HVM_PARAM_STORE_EVTCHN     2
#define HVM_PARAM_CONSOLE_PFN      17
#define HVM_PARAM_CONSOLE_EVTCHN   18
#define EVTCHNOP_send              4
#define XENMEM_add_to_physmap      7
#define XENMAPSPACE_shared_info    0
#define DOMID_SELF                 0x7ff0
#define XEN_EFAULT                 14

struct xen_hvm_param {
    uint16_t domid;
    uint32_t index;
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout");

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");

struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(__builtin_offsetof(struct xencons_interface, out_prod) == 3084,
               "xencons_interface layout");

/* shared_info (x86-64): evtchn_pending[64] at 2048. */
#define SHINFO_EVTCHN_PENDING 2048

#define INPUT_WAIT_MS 30000

/* The other side changes the ring at any time: read and write it once. */
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define barrier() asm volatile("" ::: "memory")

static struct xencons_interface *ring;
static uint32_t port;
static uint64_t bytes_written;
static uint8_t shinfo_page[4096] __aligned(4096);

/* 64-bit convention: RAX = number, RDI, RSI; result in RAX. */
static long hypercall2(uint64_t nr, uint64_t a1, uint64_t a2)
{
    long ret;

    if (cpu.vendor_id == VENDOR_INTEL)
        asm volatile("vmcall" : "=a"(ret), "+D"(a1), "+S"(a2) : "a"(nr) : "memory");
    else
        asm volatile("vmmcall" : "=a"(ret), "+D"(a1), "+S"(a2) : "a"(nr) : "memory");
    return ret;
}

static long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hypercall2(HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p);

    *value = rc ? 0 : p.value;
    return rc;
}

static long notify(void)
{
    uint32_t send = port;

    return hypercall2(HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send);
}

static bool wait_until(bool (*cond)(void), uint64_t ms)
{
    uint64_t end = rdtsc() + ms * tsc_ticks_per_ms();

    while (!cond())
        if (rdtsc() > end)
            return false;
        else
            cpu_relax();
    return true;
}

static bool ring_has_space(void)
{
    return ACCESS_ONCE(ring->out_prod) - ACCESS_ONCE(ring->out_cons) < sizeof(ring->out);
}

static bool ring_drained(void)
{
    return ACCESS_ONCE(ring->out_cons) == ACCESS_ONCE(ring->out_prod);
}

/* Write like hvc_xen: fill what fits, publish, notify; wait while full. */
static bool ring_write(const char *s, size_t len)
{
    while (len) {
        uint32_t prod = ring->out_prod;

        if (!wait_until(ring_has_space, 2000))
            return false;
        while (len && prod - ACCESS_ONCE(ring->out_cons) < sizeof(ring->out)) {
            ring->out[prod & (sizeof(ring->out) - 1)] = *s++;
            prod++;
            len--;
        }
        barrier(); /* data before the index (x86 keeps stores in order) */
        ACCESS_ONCE(ring->out_prod) = prod;
        if (notify())
            return false;
    }
    return true;
}

static bool __printf(1, 2) ring_printf(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    bytes_written += (uint64_t)n;
    return ring_write(buf, (size_t)n);
}

static bool find_ring(void)
{
    uint64_t pfn = 0, evtchn = 0, store_pfn = 1, store_evtchn = 1;
    long rc1 = get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
    long rc2 = get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn);
    long rc3 = get_param(HVM_PARAM_STORE_PFN, &store_pfn);
    unsigned int i;
    bool reserved = false;

    /*
     * Linux disables xenbus on an error or a zero PFN; a page with no
     * xenstored behind it would hang its boot.  -EFAULT means our own
     * argument was not read: that proves nothing.
     */
    check((!rc3 && !store_pfn) || (rc3 < 0 && rc3 != -XEN_EFAULT), "store_none",
          "HVM_PARAM_STORE_PFN rc %ld value %#lx", rc3, (unsigned long)store_pfn);
    get_param(HVM_PARAM_STORE_EVTCHN, &store_evtchn);
    info("store evtchn %lu", (unsigned long)store_evtchn);
    if (!check(!rc1 && !rc2 && pfn && evtchn && evtchn < 4096, "params",
               "CONSOLE_PFN rc %ld = %#lx, CONSOLE_EVTCHN rc %ld = %lu", rc1,
               (unsigned long)pfn, rc2, (unsigned long)evtchn))
        return false;
    /* Linux maps the ring with ioremap, which refuses RAM. */
    for (i = 0; i < memmap_count(); i++) {
        const struct mem_range *m = memmap_get(i);

        if (pfn * PAGE_SIZE >= m->base && pfn * PAGE_SIZE < m->base + m->size)
            reserved = m->type != E820_RAM;
    }
    check(reserved, "reserved", "ring page %#lx is outside RAM in the memory map",
          (unsigned long)(pfn * PAGE_SIZE));
    if (pfn * PAGE_SIZE >= 4 * GiB && paging_map(pfn * PAGE_SIZE, PAGE_SIZE))
        return false;
    ring = (struct xencons_interface *)(pfn * PAGE_SIZE);
    port = (uint32_t)evtchn;
    return true;
}

static void test_output(void)
{
    unsigned int i;
    uint64_t before;
    bool ok = true;

    for (i = 1; i <= 3 && ok; i++)
        ok = ring_printf("conring: ring line %u\n", i);
    check(ok && wait_until(ring_drained, 1000), "output",
          "3 lines written, out_cons %u out_prod %u", ring->out_cons, ring->out_prod);

    /* 60 lines of 69 bytes: about twice the ring. */
    before = bytes_written;
    for (i = 0; i < 60 && ok; i++)
        ok = ring_printf("conring: wrap line %02u ..........................................%s\n",
                         i, i == 59 ? " end" : "....");
    check(ok && wait_until(ring_drained, 1000), "wrap",
          "60 lines (%lu bytes) through a 2048-byte ring, out_cons %u out_prod %u",
          (unsigned long)(bytes_written - before), ring->out_cons, ring->out_prod);
}

static bool input_arrived(void)
{
    uint32_t cons = ring->in_cons, prod = ACCESS_ONCE(ring->in_prod);

    barrier();
    while (cons != prod) {
        char c = ring->in[cons & (sizeof(ring->in) - 1)];

        cons++;
        if (c == '\r' || c == '\n') {
            ring->in_cons = cons;
            return true;
        }
    }
    return false;
}

static bool map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
        .idx = 0, .gpfn = (uint64_t)shinfo_page / PAGE_SIZE,
    };

    return hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)&x) == 0;
}

static void test_input(void)
{
    bool shinfo = map_shared_info();
    volatile uint64_t *pending = (volatile uint64_t *)(shinfo_page + SHINFO_EVTCHN_PENDING);
    char got[64];
    uint32_t i, n = 0, start = ring->in_cons;

    if (shinfo)
        pending[port / 64] &= ~(1ULL << (port % 64));
    ring_printf("conring: waiting for input\n");
    wait_until(ring_drained, 1000);
    if (!wait_until(input_arrived, INPUT_WAIT_MS)) {
        fail("input", "no line typed to this domain within %u s (in_prod %u)",
             INPUT_WAIT_MS / 1000, ring->in_prod);
        return;
    }
    for (i = start; i != ring->in_cons && n < sizeof(got) - 1; i++) {
        char c = ring->in[i & (sizeof(ring->in) - 1)];

        if (c != '\r' && c != '\n')
            got[n++] = c;
    }
    got[n] = 0;
    check(n == 5 && !memcmp(got, "hello", 5), "input", "typed line '%s' read from in[]", got);
    if (shinfo)
        check(pending[port / 64] & (1ULL << (port % 64)), "input_event",
              "console port %u pending in shared_info", port);
    else
        skip("input_event", "cannot map shared_info");
}

static void test_hostile(void)
{
    uint64_t v;

    /* An out_prod far ahead of out_cons: the backend must not read past out[]. */
    ACCESS_ONCE(ring->out_prod) = ring->out_cons + 0x10000;
    notify();
    check(get_param(HVM_PARAM_CONSOLE_PFN, &v) == 0, "hostile",
          "hypervisor alive after out_prod = out_cons + 0x10000");
}

void test_main(void)
{
    if (!cpu.xen_base) {
        skip("params", "no Xen CPUID leaves");
        return;
    }
    if (!find_ring())
        return;
    test_output();
    test_input();
    test_hostile();
}
