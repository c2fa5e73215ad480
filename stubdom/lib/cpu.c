/* What the CPU says about itself: vendor, paging features, TSC rate, Xen leaves. */
#include "guest.h"

/* "XenVMMXenVMM" in EBX, ECX, EDX (Xen public ABI: arch-x86/cpuid.h). */
#define XEN_SIG_EBX 0x566e6558u
#define XEN_SIG_ECX 0x65584d4du
#define XEN_SIG_EDX 0x4d4d566eu

#define CPUID_EXT_1GB_PAGES (1u << 26) /* 0x80000001 EDX */
#define ASSUMED_TSC_KHZ 3000000ull

struct cpu_info cpu;

/* Scan the hypervisor range the way Linux does: step 0x100, EAX - base >= 2. */
uint32_t xen_cpuid_base(void)
{
    uint32_t base;

    for (base = 0x40000000u; base < 0x40010000u; base += 0x100) {
        struct cpuid_regs r = cpuid(base);

        if (r.ebx == XEN_SIG_EBX && r.ecx == XEN_SIG_ECX && r.edx == XEN_SIG_EDX &&
            r.eax - base >= 2)
            return base;
    }
    return 0;
}

static uint64_t detect_tsc_khz(void)
{
    struct cpuid_regs r;

    if (cpu.xen_base) {
        r = cpuid_count(cpu.xen_base + 3, 0);
        if (r.ecx)
            return r.ecx;
    }
    if (cpu.max_leaf >= 0x15) {
        r = cpuid(0x15); /* TSC = crystal (ECX Hz) * EBX / EAX */
        if (r.eax && r.ebx && r.ecx)
            return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
    }
    if (cpu.max_leaf >= 0x16) {
        r = cpuid(0x16); /* EAX: base frequency in MHz */
        if (r.eax & 0xffff)
            return (uint64_t)(r.eax & 0xffff) * 1000;
    }
    return 0;
}

void cpu_detect(void)
{
    struct cpuid_regs r = cpuid(0);

    cpu.max_leaf = r.eax;
    memcpy(cpu.vendor + 0, &r.ebx, 4);
    memcpy(cpu.vendor + 4, &r.edx, 4);
    memcpy(cpu.vendor + 8, &r.ecx, 4);
    cpu.vendor[12] = '\0';
    if (!memcmp(cpu.vendor, "GenuineIntel", 12))
        cpu.vendor_id = VENDOR_INTEL;
    else if (!memcmp(cpu.vendor, "AuthenticAMD", 12))
        cpu.vendor_id = VENDOR_AMD;
    else if (!memcmp(cpu.vendor, "HygonGenuine", 12))
        cpu.vendor_id = VENDOR_HYGON;
    else
        cpu.vendor_id = VENDOR_OTHER;

    cpu.max_ext_leaf = cpuid(0x80000000u).eax;
    if (cpu.max_ext_leaf >= 0x80000001u)
        cpu.has_1g_pages = cpuid(0x80000001u).edx & CPUID_EXT_1GB_PAGES;
    cpu.phys_bits = 36;
    if (cpu.max_ext_leaf >= 0x80000008u)
        cpu.phys_bits = cpuid(0x80000008u).eax & 0xff;
    cpu.xen_base = xen_cpuid_base();
    cpu.tsc_khz = detect_tsc_khz();
}

uint64_t tsc_ticks_per_ms(void)
{
    return cpu.tsc_khz ? cpu.tsc_khz : ASSUMED_TSC_KHZ;
}
