/*
 * 16550-compatible UART, polled.  Configured with Xen's syntax:
 *   comN=<baud>[/<clock-hz>][,DPS[,<io-base>[,<irq>]]]   e.g. com1=115200,8n1
 * where baud may be "auto" (keep what firmware set) and DPS is data bits,
 * parity (n/o/e/m/s) and stop bits.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <asm/io.h>

/* UART registers (offsets from the I/O base). */
#define UART_RBR 0      /* receive buffer (DLAB=0) */
#define UART_THR 0      /* transmit holding (DLAB=0) */
#define UART_DLL 0      /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1      /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_DLAB  0x80
#define FCR_ENABLE 0x01
#define FCR_CLEAR  0x06
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT2  0x08
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40

#define DEFAULT_CLOCK_HZ 1843200

struct ns16550 {
    uint16_t io_base;
    bool present;
};

static struct ns16550 uarts[2];
static const uint16_t default_io_base[2] = { 0x3f8, 0x2f8 };

static void ns16550_putc(void *dev, char c)
{
    struct ns16550 *u = dev;
    unsigned int spins = 0;

    /* Bounded wait: a wedged or absent UART must not hang the console. */
    while (!(inb((uint16_t)(u->io_base + UART_LSR)) & LSR_THRE) && ++spins < 100000)
        __builtin_ia32_pause();
    outb((uint8_t)c, (uint16_t)(u->io_base + UART_THR));
}

static int ns16550_getc(void *dev)
{
    struct ns16550 *u = dev;
    uint8_t lsr = inb((uint16_t)(u->io_base + UART_LSR));

    /* All ones: nothing answers at this port (no UART), not a waiting byte. */
    if (lsr == 0xff || !(lsr & LSR_DR))
        return -1;
    return inb((uint16_t)(u->io_base + UART_RBR));
}

/* Transmitter empty: holding register and shift register both drained. */
static void ns16550_flush(void *dev)
{
    struct ns16550 *u = dev;
    unsigned int spins = 0;

    while (!(inb((uint16_t)(u->io_base + UART_LSR)) & LSR_TEMT) && ++spins < 1000000)
        __builtin_ia32_pause();
}

static const struct serial_port_ops ns16550_ops = {
    .putc = ns16550_putc,
    .getc = ns16550_getc,
    .flush = ns16550_flush,
};

int ns16550_parse_options(const char *s, struct ns16550_config *cfg)
{
    const char *p = s;

    cfg->baud = 0;
    cfg->clock_hz = DEFAULT_CLOCK_HZ;
    cfg->data_bits = 8;
    cfg->parity = 'n';
    cfg->stop_bits = 1;
    cfg->io_base = 0;
    cfg->irq = -1;

    if (!strncmp(p, "auto", 4))
        p += 4;
    else if (*p >= '0' && *p <= '9') {
        /* Range-check before narrowing: 2^32 + 9600 is not 9600. */
        unsigned long long baud = simple_strtoull(p, &p, 10);

        if (baud < 50 || baud > 4000000)
            return -EINVAL;
        cfg->baud = (unsigned int)baud;
    }
    if (*p == '/') {
        unsigned long long clock = simple_strtoull(p + 1, &p, 0);

        if (clock < 16 * 50 || clock > UINT32_MAX)
            return -EINVAL;
        cfg->clock_hz = (unsigned int)clock;
    }
    if (*p == '\0')
        return 0;
    if (*p++ != ',')
        return -EINVAL;
    if (*p && *p != ',') {
        if (p[0] < '5' || p[0] > '8')
            return -EINVAL;
        cfg->data_bits = (unsigned int)(p[0] - '0');
        if (!p[1] || !strchr("noems", p[1]))
            return -EINVAL;
        cfg->parity = p[1];
        if (p[2] != '1' && p[2] != '2')
            return -EINVAL;
        cfg->stop_bits = (unsigned int)(p[2] - '0');
        p += 3;
    }
    if (*p == '\0')
        return 0;
    if (*p++ != ',')
        return -EINVAL;
    if (*p && *p != ',') {
        unsigned long long io = simple_strtoull(p, &p, 0);

        if (!io || io > 0xfff8)
            return -EINVAL;
        cfg->io_base = (uint16_t)io;
    }
    if (*p == '\0')
        return 0;
    if (*p++ != ',')
        return -EINVAL;
    if (*p) {
        unsigned long long irq = simple_strtoull(p, &p, 0);

        if (irq > 255)
            return -EINVAL;
        cfg->irq = (int)irq;
    }
    /* Anything after (PCI bdf for PCI UARTs) is not supported. */
    return *p ? -EINVAL : 0;
}

void ns16550_init(int index, const struct ns16550_config *cfg)
{
    struct ns16550 *u = &uarts[index];
    uint8_t lcr;

    u->io_base = cfg->io_base ? cfg->io_base : default_io_base[index];

    if (cfg->baud) {
        unsigned int div = cfg->clock_hz / (16 * cfg->baud);

        if (!div)
            div = 1;
        lcr = (uint8_t)((cfg->data_bits - 5) | ((cfg->stop_bits - 1) << 2));
        switch (cfg->parity) {
        case 'o': lcr |= 0x08; break;
        case 'e': lcr |= 0x18; break;
        case 'm': lcr |= 0x28; break;
        case 's': lcr |= 0x38; break;
        default: break;
        }
        outb(0, (uint16_t)(u->io_base + UART_IER));     /* polled: no interrupts */
        outb(lcr | LCR_DLAB, (uint16_t)(u->io_base + UART_LCR));
        outb((uint8_t)div, (uint16_t)(u->io_base + UART_DLL));
        outb((uint8_t)(div >> 8), (uint16_t)(u->io_base + UART_DLM));
        outb(lcr, (uint16_t)(u->io_base + UART_LCR));
        outb(FCR_ENABLE | FCR_CLEAR, (uint16_t)(u->io_base + UART_FCR));
        outb(MCR_DTR | MCR_RTS | MCR_OUT2, (uint16_t)(u->io_base + UART_MCR));
    }
    u->present = true;
    console_register_serial(&ns16550_ops, u);
}
