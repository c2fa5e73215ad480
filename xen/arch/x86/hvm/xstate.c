/*
 * Guest XCR0 and XSAVE state (see asm/hvm/xstate.h).  The hypervisor
 * itself uses no XSAVE-managed state: it only needs CR4.OSXSAVE so that
 * XSETBV, XSAVE and XRSTOR work for it when switching guests' state.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/xstate.h>

#define CPUID1_ECX_XSAVE    (1U << 26)
#define X86_CR4_OSXSAVE     (1UL << 18)
#define XSTATE_CPUID        0xdU
#define XSTATE_ALIGN64      (1U << 1)   /* CPUID.(0xD, i).ECX: 64-byte aligned when compacted */
#define XSTATE_NR           63
#define XSTATE_MXCSR_OFFSET 24          /* in the legacy region */

static uint64_t xstate_allowed;         /* 0: guests get no XSAVE */
static uint64_t host_xcr0;
static uint32_t comp_size[XSTATE_NR], comp_offset[XSTATE_NR];
static bool comp_align64[XSTATE_NR];

static inline uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;

    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t index, uint64_t val)
{
    __asm__ __volatile__("xsetbv" : : "c"(index), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                         : "memory");
}

struct hvm_xstate *hvm_xstate_of(struct vcpu *v)
{
    return &v->hvm.xstate;
}

void hvm_xstate_cpu_up(void)
{
    struct cpuid_regs r;
    uint64_t supported;
    unsigned int i;

    cpuid(1, &r);
    if (!(r.c & CPUID1_ECX_XSAVE))
        return;
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    host_xcr0 = xgetbv(0);
    cpuid_count(XSTATE_CPUID, 0, &r);
    supported = ((uint64_t)r.d << 32) | r.a;
    for (i = 2; i < XSTATE_NR; i++) {
        if (!(supported & XSTATE_GUEST_MAX & (1ULL << i)))
            continue;
        cpuid_count(XSTATE_CPUID, i, &r);
        comp_size[i] = r.a;
        comp_offset[i] = r.b;
        comp_align64[i] = r.c & XSTATE_ALIGN64;
    }
    /* Each component's image must fit the vCPU's one-page area. */
    if ((supported & (XSTATE_X87 | XSTATE_SSE)) != (XSTATE_X87 | XSTATE_SSE) ||
        hvm_xstate_size(supported & XSTATE_GUEST_MAX) > PAGE_SIZE)
        return;
    xstate_allowed = supported & XSTATE_GUEST_MAX;
}

uint64_t hvm_xstate_allowed(void)
{
    return xstate_allowed;
}

uint32_t hvm_xstate_size(uint64_t xcr0)
{
    uint32_t size = XSTATE_AREA_MIN;
    unsigned int i;

    for (i = 2; i < XSTATE_NR; i++)
        if ((xcr0 & (1ULL << i)) && comp_offset[i] + comp_size[i] > size)
            size = comp_offset[i] + comp_size[i];
    return size;
}

uint32_t hvm_xstate_size_compact(uint64_t xcr0)
{
    uint32_t size = XSTATE_AREA_MIN;
    unsigned int i;

    for (i = 2; i < XSTATE_NR; i++) {
        if (!(xcr0 & (1ULL << i)))
            continue;
        if (comp_align64[i])
            size = (size + 63) & ~63U;
        size += comp_size[i];
    }
    return size;
}

int hvm_xstate_init(struct hvm_xstate *xs)
{
    xs->xcr0 = XSTATE_X87;          /* the reset value */
    xs->area = NULL;
    if (!xstate_allowed)
        return 0;
    /* Zeroed: XSTATE_BV = 0, every component starts in its initial state. */
    xs->area = alloc_xenheap_pages(0);
    if (!xs->area)
        return -ENOMEM;
    memset(xs->area, 0, PAGE_SIZE);
    return 0;
}

void hvm_xstate_free(struct hvm_xstate *xs)
{
    if (xs->area)
        free_xenheap_pages(xs->area, 0);
    xs->area = NULL;
}

/*
 * The components switched: only those offered, which the one-page area
 * holds (see hvm_xstate_exit() for how XCR0 can hold others).
 */
static uint64_t switched(const struct hvm_xstate *xs)
{
    return xs->xcr0 & xstate_allowed & XSTATE_EXTENDED;
}

void hvm_xstate_enter(struct hvm_xstate *xs)
{
    uint64_t ext = switched(xs);

    if (!xstate_allowed)
        return;
    if (xs->xcr0 != host_xcr0)
        xsetbv(0, xs->xcr0);
    if (ext) {
        /*
         * Restoring YMM also loads MXCSR from the image, whatever the mask
         * says about SSE.  The guest's MXCSR is live (the run loop's
         * FXRSTOR put it there) and may be newer than the image's (the
         * image is only written while YMM is on): put the live one in.
         */
        uint32_t *mxcsr = (uint32_t *)((uint8_t *)xs->area + XSTATE_MXCSR_OFFSET);

        __asm__ __volatile__("stmxcsr %0" : "=m"(*mxcsr));
        __asm__ __volatile__("xrstor64 (%0)" : : "r"(xs->area), "a"((uint32_t)ext),
                             "d"((uint32_t)(ext >> 32)) : "memory");
    }
}

/*
 * XSETBV always exits on real CPUs (unconditionally on VMX, intercepted
 * on SVM), but QEMU's emulated SVM lets it through: there XCR0 changes
 * under us.  Then the value the CPU accepted is the guest's; it still
 * stays this guest's alone, as the host's is put back below.
 */
static void notice_unintercepted_xsetbv(struct hvm_xstate *xs)
{
    static bool warned;
    uint64_t cur = xgetbv(0);

    if (cur == xs->xcr0)
        return;
    if (!warned) {
        warned = true;
        printk(XENLOG_WARNING "HVM: XSETBV was not intercepted (XCR0 %#lx -> %#lx): "
               "taking the guest's XCR0 from the CPU\n", (unsigned long)xs->xcr0,
               (unsigned long)cur);
    }
    xs->xcr0 = cur;
}

void hvm_xstate_exit(struct hvm_xstate *xs)
{
    uint64_t ext;

    if (!xstate_allowed)
        return;
    notice_unintercepted_xsetbv(xs);
    ext = switched(xs);
    if (ext)
        __asm__ __volatile__("xsave64 (%0)" : : "r"(xs->area), "a"((uint32_t)ext),
                             "d"((uint32_t)(ext >> 32)) : "memory");
    if (xs->xcr0 != host_xcr0)
        xsetbv(0, host_xcr0);
}
