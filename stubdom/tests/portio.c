/*
 * portio: reads of I/O ports nobody emulates return all ones for the
 * access width and leave the rest of EAX alone; writes to them are dropped
 * without a fault; port 0xE9 output works (this guest's every line).  The
 * ports are the ones Linux probes at boot (PIC, PIT, i8042, CMOS, COM1, PCI
 * configuration).  Without Xen, or in an initial domain (which may own
 * the real devices), the machine may answer on some of them: a value other
 * than all ones is then reported as SKIP, not FAIL.
 */
#include "guest.h"

const char test_name[] = "portio";

#define EAX_FILL 0x5a5a5a5au /* preloaded into EAX to see what IN changes */
#define SIF_INITDOMAIN (1u << 1)

static bool strict; /* a Xen domU: nothing may answer */

struct port_read {
    uint16_t port;
    uint8_t width;
    const char *what;
};

static const struct port_read reads[] = {
    {0x21, 1, "PIC master IMR"},   {0xa1, 1, "PIC slave IMR"},    {0x40, 1, "PIT counter 0"},
    {0x61, 1, "system control B"}, {0x60, 1, "i8042 data"},       {0x64, 1, "i8042 status"},
    {0x70, 1, "CMOS index"},       {0x71, 1, "CMOS data"},        {0x3f8 + 5, 1, "COM1 LSR"},
    {0x2f8 + 5, 1, "COM2 LSR"},    {0x3f8, 2, "COM1 (word)"},     {0xcf8, 4, "PCI CONFIG_ADDRESS"},
    {0xcfc, 4, "PCI CONFIG_DATA"}, {0x1f0, 2, "IDE data (word)"},
};

static uint32_t port_read(uint16_t port, unsigned int width)
{
    switch (width) {
    case 1:
        return inb_eax(port, EAX_FILL);
    case 2:
        return inw_eax(port, EAX_FILL);
    default:
        return inl(port);
    }
}

/* All ones in the accessed bytes, EAX_FILL in the others. */
static uint32_t expected(unsigned int width)
{
    uint32_t ones = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;

    return (EAX_FILL & ~ones) | ones;
}

static void report_value(const char *name, bool ok, const char *fmt, uint16_t port,
                         unsigned int width, uint32_t got)
{
    if (ok || strict)
        check(ok, name, fmt, port, width, got, expected(width));
    else
        skip(name, "port %#x width %u read %#x: a device answers (%s)", port, width, got,
             cpu.xen_base ? "initial domain" : "not on Xen");
}

static void check_reads(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(reads); i++) {
        const struct port_read *r = &reads[i];
        uint32_t got = port_read(r->port, r->width);
        char name[32];

        snprintf(name, sizeof(name), "read_%#x", r->port);
        info("%-20s port %#06x width %u: EAX=%#010x", r->what, r->port, r->width, got);
        report_value(name, got == expected(r->width), "port %#x width %u EAX=%#x, want %#x",
                     r->port, r->width, got);
    }
}

/* Write a value a real device would keep, then read: a dropped write reads all ones. */
static void check_write(uint16_t port, unsigned int width, uint32_t val, const char *what)
{
    char name[32];
    uint32_t got;

    if (width == 1)
        outb(port, (uint8_t)val);
    else if (width == 2)
        outw(port, (uint16_t)val);
    else
        outl(port, val);
    got = port_read(port, width);
    snprintf(name, sizeof(name), "write_%#x", port);
    info("%-20s port %#06x width %u: wrote %#x, read back EAX=%#010x", what, port, width, val, got);
    report_value(name, got == expected(width),
                 "write to port %#x width %u dropped: read back %#x, want %#x", port, width, got);
}

void test_main(void)
{
    strict = cpu.xen_base && !(start_info() && (start_info()->flags & SIF_INITDOMAIN));
    check_reads();
    check_write(0x80, 1, 0x55, "POST code");
    check_write(0x3f8 + 3, 1, 0x03, "COM1 LCR");
    check_write(0x2f8 + 3, 1, 0x03, "COM2 LCR");
    check_write(0xcf8, 4, 0x80000000u, "PCI CONFIG_ADDRESS");
    pass("e9_output", "this line came through port %#x", CONSOLE_PORT);
}
