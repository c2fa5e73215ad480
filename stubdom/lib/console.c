/*
 * Console output on I/O port 0xE9 (one OUT per byte) and printf, formatted
 * by the hypervisor's own vsnprintf (xen/common/lib/vsprintf.c, linked in).
 * Each printf call is formatted into a buffer and written under a lock, so
 * lines from several CPUs do not interleave.
 */
#include "guest.h"

#define LINE_MAX 256

static spinlock_t console_lock;

void vprintf(const char *fmt, va_list ap)
{
    char line[LINE_MAX];
    const char *p;

    vsnprintf(line, sizeof(line), fmt, ap);
    spin_lock(&console_lock);
    for (p = line; *p; p++)
        outb(CONSOLE_PORT, (uint8_t)*p);
    spin_unlock(&console_lock);
}

/* For the fatal-exception path: the faulting code may hold the lock. */
void console_break_lock(void)
{
    spin_unlock(&console_lock);
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}
