/*
 * console_io: a privileged domain writes to and reads from the
 * hypervisor's console.  Its output goes through the domain console
 * (prefixed lines); its input is what was typed while it had the console
 * focus (kept in a small per-domain buffer, oldest bytes dropped).  Other
 * domains get Xen's answer, -EPERM: they have console rings.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_console.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <public/xen.h>

/* Bytes copied from the guest per step: bounded stack use for any length. */
#define CONSOLE_IO_CHUNK 128

static long console_write(struct vcpu *v, uint64_t count, uint64_t buf)
{
    char chunk[CONSOLE_IO_CHUNK];

    /* Xen takes count as an unsigned int. */
    count = (uint32_t)count;
    while (count) {
        size_t n = count < sizeof(chunk) ? count : sizeof(chunk);

        if (copy_from_guest(v, chunk, buf, n))
            return -EFAULT;
        guest_console_write(v->domain, chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

/*
 * May run in interrupt context: only uses d->abi if it exists (the
 * domain builder creates it with the memory map), never allocates.
 */
void console_io_input(struct domain *d, char c)
{
    struct domain_abi *a = __atomic_load_n(&d->abi, __ATOMIC_ACQUIRE);
    unsigned long flags;

    if (!a)
        return;
    spin_lock_irqsave(&a->in_lock, flags);
    if (a->in_prod - a->in_cons == CONSOLE_IO_INBUF)
        a->in_cons++;
    a->in[a->in_prod++ % CONSOLE_IO_INBUF] = c;
    spin_unlock_irqrestore(&a->in_lock, flags);
}

/* Up to count bytes of input: the number copied (0 if none waits). */
static long console_read(struct vcpu *v, uint64_t count, uint64_t buf)
{
    struct domain_abi *a = v->domain->abi;
    char tmp[CONSOLE_IO_INBUF];
    unsigned int n = 0;
    unsigned long flags;

    /* The result is a count or an error: a count that looks negative is refused. */
    if ((int32_t)count < 0)
        return -E2BIG;
    if (!a)
        return 0;
    spin_lock_irqsave(&a->in_lock, flags);
    while (n < (uint32_t)count && a->in_cons != a->in_prod)
        tmp[n++] = a->in[a->in_cons++ % CONSOLE_IO_INBUF];
    spin_unlock_irqrestore(&a->in_lock, flags);
    if (n && copy_to_guest(v, buf, tmp, n))
        return -EFAULT;
    return n;
}

long do_console_io(struct vcpu *v, const uint64_t args[5])
{
    if (!hypercall_is_privileged(v))
        return -EPERM;
    switch (args[0]) {
    case CONSOLEIO_write:
        return console_write(v, args[1], args[2]);
    case CONSOLEIO_read:
        return console_read(v, args[1], args[2]);
    default:
        return -ENOSYS;
    }
}
