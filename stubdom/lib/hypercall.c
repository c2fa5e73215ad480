/*
 * The hypercall page and pvclock reading for test guests (hypercall.h).
 */
#include "hypercall.h"

/* Executable .bss page: the hypervisor fills it on the MSR write. */
static uint8_t hypercall_page[4096] __aligned(4096);

int hypercall_page_init(void)
{
    struct cpuid_regs r;

    if (!cpu.xen_base)
        return -1;
    r = cpuid(cpu.xen_base + 2);
    if (!r.eax)
        return -1;
    wrmsr(r.ebx, (uint64_t)(uintptr_t)hypercall_page);
    /* Stub 0 begins with `mov $0, %eax` (B8 imm32). */
    return hypercall_page[0] == 0xb8 ? 0 : -1;
}

long hypercall_page_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t fn = (uint64_t)(uintptr_t)&hypercall_page[nr * 32], rax;

    /* The stubs clobber RAX only; the call convention clobbers the rest listed. */
    asm volatile("call *%[fn]"
                 : "=a"(rax), "+D"(a1), "+S"(a2), "+d"(a3)
                 : [fn] "r"(fn)
                 : "memory", "rcx", "r8", "r9", "r10", "r11");
    return (long)rax;
}

uint64_t pvclock_ns(volatile struct vcpu_time_info *t)
{
    uint32_t version;
    uint64_t delta, sys, m;
    int8_t shift;

    do {
        version = t->version;
        asm volatile("" ::: "memory");
        delta = rdtsc() - t->tsc_timestamp;
        sys = t->system_time;
        m = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        asm volatile("" ::: "memory");
    } while ((version & 1) || version != t->version);
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return sys + (delta >> 32) * m + (((delta & 0xffffffffULL) * m) >> 32);
}
