/*
 * Domain consoles: what a domain writes (port 0xE9, console_io, its
 * console ring) reaches the serial line as whole lines prefixed with the
 * domain's name, and serial input given to a domain (the Ctrl-A focus)
 * reaches its console ring.
 */
#ifndef XEN_GUEST_CONSOLE_H
#define XEN_GUEST_CONSOLE_H

#include <xen/types.h>

struct domain;

/*
 * One byte of domain output (common/console.c).  Lines are printed as
 * "(name) text" when complete (or 256 bytes long); '\r' is dropped,
 * other control characters show as '.'.  Lines of different domains never
 * interleave mid-line.
 */
void guest_console_putc(struct domain *d, char c);
void guest_console_write(struct domain *d, const char *s, size_t len);
/* Print a partial line (domain teardown). */
void guest_console_flush(struct domain *d);

/*
 * The console ring (xencons_interface) of a domain (common/guest_console.c):
 * set up at build with the ring's guest frame; allocates the event channel
 * and fills HVM_PARAM_CONSOLE_PFN / HVM_PARAM_CONSOLE_EVTCHN.  0 or -errno.
 */
int guest_console_ring_init(struct domain *d, uint64_t ring_gfn);
void guest_console_ring_destroy(struct domain *d);
/* One byte of serial input for the domain (it has the console focus). */
void guest_console_input(struct domain *d, char c);
/*
 * The same byte for CONSOLEIO_read (common/console_io.c): a privileged
 * domain reads its input there; guest_console_input() passes it on.
 */
void console_io_input(struct domain *d, char c);

#endif
