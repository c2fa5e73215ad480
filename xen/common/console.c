/*
 * The hypervisor console: printk with Xen's log levels and "(XEN) " line
 * prefix, a ring of everything printed (for `xl dmesg`), the serial
 * devices selected with console= and configured with com1=/com2=, and
 * serial input, polled and handed to whoever has the input focus.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/keyhandler.h>
#include <xen/param.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <xen/guest_console.h>
#include <xen/errno.h>
#include <xen/timer.h>

#define CONRING_SIZE (64 * 1024)
#define MAX_SERIAL 4
/* Serial input is polled (the UARTs run without interrupts) this often. */
#define CONSOLE_POLL_PERIOD MILLISECS(10)
/* At most this many characters per device and poll: a broken UART must not hold the CPU. */
#define CONSOLE_POLL_MAX_CHARS 64
/* Typed CONSOLE_SWITCH_COUNT times in a row, switches the input focus. */
#define CONSOLE_SWITCH_CHAR 0x01            /* Ctrl-A */
#define CONSOLE_SWITCH_COUNT 3
/* console_focus value for the hypervisor (its debug keys); not a domain id. */
#define CONSOLE_FOCUS_XEN 0xFFFFFFFFU

/* Levels: 0 error, 1 warning, 2 info, 3 debug; 4 = "all". */
enum { LVL_NONE = -1, LVL_ERR, LVL_WARNING, LVL_INFO, LVL_DEBUG, LVL_ALL };

static char conring[CONRING_SIZE];
static uint64_t conring_prod;               /* free-running */
static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;

static struct {
    const struct serial_port_ops *ops;
    void *dev;
} serial[MAX_SERIAL];
static unsigned int nr_serial;

static char opt_console[64] = "com1";
static char opt_com1[64] = "";
static char opt_com2[64] = "";
string_param("console", opt_console);
string_param("com1", opt_com1);
string_param("com2", opt_com2);

/* Printed when level <= lower; levels up to upper are printed too (Xen rate-limits those). */
static int xen_lower = LVL_WARNING, xen_upper = LVL_WARNING;
static int guest_lower = LVL_NONE, guest_upper = LVL_WARNING;

static int parse_level_name(const char *s, const char **end)
{
    static const struct { const char *name; int lvl; } names[] = {
        { "none", LVL_NONE }, { "error", LVL_ERR }, { "warning", LVL_WARNING },
        { "info", LVL_INFO }, { "debug", LVL_DEBUG }, { "all", LVL_ALL },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(names); i++) {
        size_t n = strlen(names[i].name);

        if (!strncmp(s, names[i].name, n) && (s[n] == '\0' || s[n] == '/')) {
            *end = s + n;
            return names[i].lvl;
        }
    }
    return -2;
}

/* "<lower>[/<upper>]" as Xen's loglvl= and guest_loglvl= take it. */
static int parse_loglvl(const char *s, int *lower, int *upper)
{
    const char *p;
    int lo = parse_level_name(s, &p), hi;

    if (lo == -2)
        return -EINVAL;
    hi = lo;
    if (*p == '/') {
        hi = parse_level_name(p + 1, &p);
        if (hi == -2 || *p)
            return -EINVAL;
    }
    *lower = lo;
    *upper = hi < lo ? lo : hi;
    return 0;
}

static int parse_xen_loglvl(const char *s)
{
    return parse_loglvl(s, &xen_lower, &xen_upper);
}
static int parse_guest_loglvl(const char *s)
{
    return parse_loglvl(s, &guest_lower, &guest_upper);
}
custom_param("loglvl", parse_xen_loglvl);
custom_param("guest_loglvl", parse_guest_loglvl);

void console_register_serial(const struct serial_port_ops *ops, void *dev)
{
    if (nr_serial < MAX_SERIAL) {
        serial[nr_serial].ops = ops;
        serial[nr_serial].dev = dev;
        nr_serial++;
    }
}

static void serial_putc(char c)
{
    unsigned int i;

    for (i = 0; i < nr_serial; i++) {
        if (c == '\n')
            serial[i].ops->putc(serial[i].dev, '\r');
        serial[i].ops->putc(serial[i].dev, c);
    }
}

void console_write_raw(const char *s, size_t len)
{
    while (len--)
        serial_putc(*s++);
}

static void conring_put(char c)
{
    conring[conring_prod++ % CONRING_SIZE] = c;
}

size_t console_read_ring(char *buf, size_t size)
{
    unsigned long flags;
    uint64_t start, n, i;

    spin_lock_irqsave(&console_lock, flags);
    n = conring_prod < CONRING_SIZE ? conring_prod : CONRING_SIZE;
    if (n > size)
        n = size;
    start = conring_prod - n;
    for (i = 0; i < n; i++)
        buf[i] = conring[(start + i) % CONRING_SIZE];
    spin_unlock_irqrestore(&console_lock, flags);
    return (size_t)n;
}

/* Emit one formatted message, adding the prefix at each line start. */
static void emit(const char *msg, const char *prefix)
{
    for (; *msg; msg++) {
        if (at_line_start) {
            const char *p;

            for (p = prefix; *p; p++) {
                conring_put(*p);
                serial_putc(*p);
            }
            at_line_start = false;
        }
        conring_put(*msg);
        serial_putc(*msg);
        if (*msg == '\n')
            at_line_start = true;
    }
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[1024];
    unsigned long flags;
    int level = LVL_WARNING, lower = xen_lower;
    const char *prefix = "(XEN) ";

    /* Level prefix: "<N>" for the hypervisor, "<GN>" for guest-caused messages. */
    if (fmt[0] == '<' && fmt[1] == 'G' && fmt[2] >= '0' && fmt[2] <= '3' && fmt[3] == '>') {
        level = fmt[2] - '0';
        lower = guest_lower;
        if (level <= guest_upper && level > guest_lower)
            lower = guest_upper;
        fmt += 4;
    } else if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>') {
        level = fmt[1] - '0';
        if (level <= xen_upper && level > xen_lower)
            lower = xen_upper;
        fmt += 3;
    }
    if (level > lower)
        return;

    vsnprintf(buf, sizeof(buf), fmt, ap);
    spin_lock_irqsave(&console_lock, flags);
    emit(buf, prefix);
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void console_flush(void)
{
    unsigned int i;

    for (i = 0; i < nr_serial; i++)
        if (serial[i].ops->flush)
            serial[i].ops->flush(serial[i].dev);
}

/* ---- Domain output ---- */

static DEFINE_SPINLOCK(guest_line_lock);

static void guest_line_emit(struct domain *d)
{
    if (d->name[0])
        printk(XENLOG_G_WARNING "(%s) %.*s\n", d->name, (int)d->con_len, d->con_buf);
    else
        printk(XENLOG_G_WARNING "(d%u) %.*s\n", d->domain_id, (int)d->con_len, d->con_buf);
    d->con_len = 0;
}

static void guest_putc_locked(struct domain *d, char c)
{
    if (c == '\n') {
        guest_line_emit(d);
    } else if (c != '\r') {
        /* Control characters other than newline would upset the log: shown as '.'. */
        d->con_buf[d->con_len++] = (c < ' ' || c > '~') ? '.' : c;
        if (d->con_len == sizeof(d->con_buf))
            guest_line_emit(d);
    }
}

void guest_console_putc(struct domain *d, char c)
{
    unsigned long flags;

    spin_lock_irqsave(&guest_line_lock, flags);
    guest_putc_locked(d, c);
    spin_unlock_irqrestore(&guest_line_lock, flags);
}

void guest_console_write(struct domain *d, const char *s, size_t len)
{
    unsigned long flags;

    spin_lock_irqsave(&guest_line_lock, flags);
    while (len--)
        guest_putc_locked(d, *s++);
    spin_unlock_irqrestore(&guest_line_lock, flags);
}

void guest_console_flush(struct domain *d)
{
    unsigned long flags;

    spin_lock_irqsave(&guest_line_lock, flags);
    if (d->con_len)
        guest_line_emit(d);
    spin_unlock_irqrestore(&guest_line_lock, flags);
}

/* ---- Input ---- */

/*
 * Who gets typed characters: the hypervisor (debug keys) or one domain,
 * by id.  Used only by console_input(), which runs on one CPU (the poll
 * timer's).
 */
static unsigned int console_focus = CONSOLE_FOCUS_XEN;
static unsigned int switch_chars_seen;      /* Ctrl-A in a row, held back */
static struct timer console_poll_timer;

/* The live domain with the lowest id above `after` (-1: any), or NULL. */
static struct domain *next_console_domain(int after)
{
    struct domain *d, *best = NULL;

    domlist_lock();
    for_each_domain(d)
        if (!d->is_dying && (int)d->domain_id > after &&
            (!best || d->domain_id < best->domain_id))
            best = d;
    domlist_unlock();
    return best;
}

/* Three Ctrl-A: hypervisor -> each domain in id order -> hypervisor. */
static void console_switch_focus(void)
{
    struct domain *d = next_console_domain(console_focus == CONSOLE_FOCUS_XEN
                                               ? -1 : (int)console_focus);

    if (d) {
        console_focus = d->domain_id;
        printk("*** Serial input to d%u%s%s%s (type Ctrl-A three times to switch input)\n",
               d->domain_id, d->name[0] ? " (" : "", d->name, d->name[0] ? ")" : "");
    } else {
        console_focus = CONSOLE_FOCUS_XEN;
        printk("*** Serial input to the hypervisor (type Ctrl-A three times to switch input)\n");
    }
}

static void console_deliver(char c)
{
    struct domain *d;

    if (console_focus == CONSOLE_FOCUS_XEN) {
        handle_keypress((unsigned char)c);
        return;
    }
    d = domain_find((domid_t)console_focus);
    if (!d) {
        /* The domain went away: input returns to the hypervisor. */
        console_focus = CONSOLE_FOCUS_XEN;
        handle_keypress((unsigned char)c);
        return;
    }
    guest_console_input(d, c);
}

void console_input(char c)
{
    if (c == CONSOLE_SWITCH_CHAR) {
        if (++switch_chars_seen == CONSOLE_SWITCH_COUNT) {
            switch_chars_seen = 0;
            console_switch_focus();
        }
        return;
    }
    /* Fewer than three in a row were ordinary input after all. */
    for (; switch_chars_seen; switch_chars_seen--)
        console_deliver(CONSOLE_SWITCH_CHAR);
    console_deliver(c);
}

static void console_poll(void *unused)
{
    unsigned int i, n;
    int c;

    for (i = 0; i < nr_serial; i++) {
        if (!serial[i].ops->getc)
            continue;
        for (n = 0; n < CONSOLE_POLL_MAX_CHARS; n++) {
            c = serial[i].ops->getc(serial[i].dev);
            if (c < 0)
                break;
            console_input((char)c);
        }
    }
}

void console_init_postirq(void)
{
    if (!nr_serial)
        return;
    init_timer(&console_poll_timer, console_poll, NULL, smp_processor_id());
    set_periodic_timer(&console_poll_timer, NOW() + CONSOLE_POLL_PERIOD, CONSOLE_POLL_PERIOD);
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}

static void setup_com(int index, const char *opts)
{
    struct ns16550_config cfg;

    if (ns16550_parse_options(opts, &cfg)) {
        printk(XENLOG_WARNING "com%d: bad options \"%s\" (expected <baud>[/<clock>][,DPS[,<io-base>[,<irq>]]]); using defaults\n",
               index + 1, opts);
        ns16550_parse_options("", &cfg);
    }
    ns16550_init(index, &cfg);
}

void console_early_init(void)
{
    struct ns16550_config cfg;

    ns16550_parse_options("", &cfg);
    ns16550_init(0, &cfg);
}

/*
 * Called once the command line is parsed.  Before this the console already
 * prints on COM1 as the firmware left it (console_early_init).
 */
void console_init(void)
{
    const char *p = opt_console;

    nr_serial = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n == 4 && !strncmp(p, "com1", 4))
            setup_com(0, opt_com1);
        else if (n == 4 && !strncmp(p, "com2", 4))
            setup_com(1, opt_com2);
        else if ((n == 3 && !strncmp(p, "vga", 3)) || (n == 4 && !strncmp(p, "none", 4)))
            ; /* no VGA console: nothing to set up */
        else
            printk(XENLOG_WARNING "console: unknown device \"%.*s\" ignored\n", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
}
