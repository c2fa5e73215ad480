/* The hypervisor console: serial line, log ring and log levels. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

/* COM1 as the firmware left it, before the command line is known. */
void console_early_init(void);
/* Set-up from the parsed command line (console=, comN=). */
void console_init(void);
/* Write raw bytes to every console device (no prefix, no ring). */
void console_write_raw(const char *s, size_t len);
/* Copy the newest part of the log ring to buf; returns bytes copied. */
size_t console_read_ring(char *buf, size_t size);
/* Wait until every console device has sent what it was given (before power-off). */
void console_flush(void);
/* Emergency mode: drop locks, print synchronously (panic, fatal traps). */
void console_force_unlock(void);
/*
 * Once timers work: poll serial input every 10 ms on this CPU.  Input goes
 * to console_input().
 */
void console_init_postirq(void);
/*
 * One character typed on the console, for whoever has the input focus:
 * the hypervisor's debug keys (keyhandler.h) for now.  Ctrl-A three times
 * in a row switches the focus (to domain consoles, once they exist) and
 * is not passed on.  Called on one CPU only (the poll timer's).
 */
void console_input(char c);

/* Serial port drivers register a put/get pair. */
struct serial_port_ops {
    void (*putc)(void *dev, char c);
    int (*getc)(void *dev);         /* -1 if no character waiting */
    void (*flush)(void *dev);       /* wait until everything written has left */
};
void console_register_serial(const struct serial_port_ops *ops, void *dev);

/* 16550 UART (drivers/char/ns16550.c). */
struct ns16550_config {
    unsigned int baud;      /* 0 = leave as the boot loader set it ("auto") */
    unsigned int clock_hz;
    unsigned int data_bits, stop_bits;
    char parity;            /* 'n', 'o', 'e', 'm', 's' */
    uint16_t io_base;
    int irq;
};
int ns16550_parse_options(const char *s, struct ns16550_config *cfg);
void ns16550_init(int index, const struct ns16550_config *cfg);

#endif
