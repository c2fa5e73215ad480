/*
 * Result lines and the end of a test.  Every line names the guest and the
 * check: `PASS: cpuid.signature: ...`, `FAIL: ...`, `SKIP: ...`; the last
 * line is `TEST DONE: N passed, N failed`.
 */
#include "guest.h"

static unsigned int nr_passed, nr_failed, nr_skipped;

static void report(const char *kind, const char *check_name, const char *fmt, va_list ap)
{
    char detail[200];

    vsnprintf(detail, sizeof(detail), fmt, ap);
    printf("%s: %s.%s: %s\n", kind, test_name, check_name, detail);
}

void pass(const char *check_name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("PASS", check_name, fmt, ap);
    va_end(ap);
    __atomic_add_fetch(&nr_passed, 1, __ATOMIC_RELAXED);
}

void fail(const char *check_name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("FAIL", check_name, fmt, ap);
    va_end(ap);
    __atomic_add_fetch(&nr_failed, 1, __ATOMIC_RELAXED);
}

void skip(const char *check_name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("SKIP", check_name, fmt, ap);
    va_end(ap);
    __atomic_add_fetch(&nr_skipped, 1, __ATOMIC_RELAXED);
}

bool check(bool ok, const char *check_name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(ok ? "PASS" : "FAIL", check_name, fmt, ap);
    va_end(ap);
    __atomic_add_fetch(ok ? &nr_passed : &nr_failed, 1, __ATOMIC_RELAXED);
    return ok;
}

void info(const char *fmt, ...)
{
    char line[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s: %s\n", test_name, line);
}

void __noreturn cpu_halt_forever(void)
{
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}

/*
 * Until the shutdown hypercall exists the guest powers off the way Linux
 * does without ACPI: `cli; hlt` on every vCPU.  Under plain QEMU (no Xen
 * leaves) it first writes to QEMU's isa-debug-exit port, which run-in-qemu
 * configures, so QEMU exits with status (value << 1) | 1.
 */
#define QEMU_DEBUG_EXIT_PORT 0xf4

void __noreturn guest_poweroff(void)
{
    if (!cpu.xen_base)
        outl(QEMU_DEBUG_EXIT_PORT, nr_failed ? 1 : 0);
    cpu_halt_forever();
}

void __noreturn test_done(void)
{
    if (nr_skipped)
        printf("TEST DONE: %u passed, %u failed (%u skipped)\n", nr_passed, nr_failed, nr_skipped);
    else
        printf("TEST DONE: %u passed, %u failed\n", nr_passed, nr_failed);
    guest_poweroff();
}
