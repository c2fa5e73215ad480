/*
 * smp: start every other CPU listed in the MADT (found through
 * hvm_start_info.rsdp_paddr, else the BIOS areas) with INIT-SIPI-SIPI via
 * the local APIC's ICR; each prints its CPU number and APIC ID.
 */
#include "guest.h"

const char test_name[] = "smp";

#define XEN_HVM_VCPU_ID_PRESENT (1u << 3)
#define WAIT_MS 1000

static volatile unsigned int cpus_running = 1;

static void report_cpu(unsigned int n)
{
    char vcpu[24] = "", name[16];

    if (cpu.xen_base) {
        struct cpuid_regs r = cpuid(cpu.xen_base + 4);

        if (r.eax & XEN_HVM_VCPU_ID_PRESENT)
            snprintf(vcpu, sizeof(vcpu), ", Xen vCPU %u", r.ebx);
    }
    snprintf(name, sizeof(name), "cpu%u", n);
    pass(name, "CPU %u running: APIC ID %u%s", n, lapic_id(), vcpu);
}

static void ap_main(unsigned int n)
{
    report_cpu(n);
    __atomic_add_fetch(&cpus_running, 1, __ATOMIC_RELEASE);
}

void test_main(void)
{
    static struct acpi_cpu cpus[ACPI_MAX_CPUS];
    int n = acpi_find_cpus(cpus, ARRAY_SIZE(cpus));
    unsigned int self = lapic_id(), number = 1, expected = 1;
    uint64_t deadline;
    int i;

    if (n < 0) {
        skip("madt", "no MADT (rsdp_paddr %#lx): cannot list CPUs",
             start_info() ? start_info()->rsdp_paddr : 0);
        return;
    }
    info("MADT lists %d enabled CPU(s); this is APIC ID %u", n, self);
    report_cpu(0);
    if (n <= 1) {
        skip("aps", "only one CPU in the MADT");
        return;
    }
    info("AP trampoline at %#lx", smp_prepare());
    for (i = 0; i < n; i++) {
        char name[24];
        int r;

        if (cpus[i].apic_id == self)
            continue;
        snprintf(name, sizeof(name), "start_apic%u", cpus[i].apic_id);
        r = smp_start_ap(cpus[i].apic_id, number, ap_main);
        check(r == 0, name, "CPU %u (APIC ID %u, ACPI UID %u): %s", number, cpus[i].apic_id,
              cpus[i].uid,
              r == 0    ? "started"
              : r == -2 ? "IPI not delivered (ICR stays busy)"
              : r == -3 ? "no response to INIT-SIPI-SIPI"
                        : "cannot start (APIC ID or CPU count out of range)");
        if (r == 0)
            expected++;
        number++;
    }
    /* Let the last AP finish its line before the summary. */
    deadline = rdtsc() + WAIT_MS * tsc_ticks_per_ms();
    while (__atomic_load_n(&cpus_running, __ATOMIC_ACQUIRE) < expected && rdtsc() < deadline)
        cpu_relax();
    check(cpus_running == (unsigned int)n, "all", "%u of %d CPUs running", cpus_running, n);
}
