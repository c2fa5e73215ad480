/*
 * Domain console rings (xencons_interface).  First version: input for a
 * domain without a ring is dropped; the ring service comes with the Xen ABI.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_console.h>

int guest_console_ring_init(struct domain *d, uint64_t ring_gfn)
{
    (void)d;
    (void)ring_gfn;
    return -EOPNOTSUPP;
}

void guest_console_ring_destroy(struct domain *d)
{
    (void)d;
}

void guest_console_input(struct domain *d, char c)
{
    (void)d;
    (void)c;
}
