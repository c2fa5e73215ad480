/*
 * Emulated devices of the PVH platform, for now: the port 0xE9 debug
 * console (xen/guest_console.h: printed line by line, prefixed with the domain),
 * and all-ones reads and dropped writes on every other port.  The local
 * APIC is vlapic.c.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/guest_console.h>
#include <asm/hvm/support.h>

#define DEBUG_PORT 0xe9

void hvm_portio(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint64_t *val)
{
    if (in) {
        /* Nothing answers: the bus floats high.  Port 0xE9 reads 0xE9 (Bochs/QEMU debug port). */
        *val = port == DEBUG_PORT && size == 1 ? DEBUG_PORT : ~0ULL;
        return;
    }
    if (port == DEBUG_PORT && size == 1)
        guest_console_putc(v->domain, (char)*val);
}
