/*
 * evshutdown: SCHEDOP_shutdown ends the domain with the reason it gives,
 * unless SCHEDOP_shutdown_code recorded another one first (what a kexec
 * crash kernel does).  The guest records "reboot", then asks for
 * "poweroff": the hypervisor must report a reboot.  Nothing may run
 * after the shutdown call, so this guest prints no TEST DONE; the case
 * checks the hypervisor's line instead.
 */
#include "guest.h"
#include "hypercall.h"

const char test_name[] = "evshutdown";

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1

void test_main(void)
{
    uint32_t reason = 99;
    long rc;

    if (!cpu.xen_base) {
        skip("xen", "no Xen CPUID leaves: nothing to test");
        return;
    }
    rc = xencall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown_code, XPTR(&reason));
    check(rc == -XEN_EINVAL, "shutdown_code_bad", "reason 99: %ld (want -22)", rc);
    reason = SHUTDOWN_reboot;
    rc = xencall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown_code, XPTR(&reason));
    check(rc == 0, "shutdown_code", "recorded reboot: %ld", rc);
    info("asking for poweroff; the recorded reboot must win");
    reason = SHUTDOWN_poweroff;
    rc = xencall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, XPTR(&reason));
    fail("shutdown", "SCHEDOP_shutdown returned %ld and the guest still runs", rc);
}
