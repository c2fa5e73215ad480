/*
 * Console output on I/O port 0xE9 (one OUT per byte) and a small printf:
 * %d %i %u %x %X %p %s %c %%, flags '-' '0' '#', a width, and the
 * length modifiers l, ll and z.  Each printf call is formatted into a buffer
 * and written under a lock, so lines from several CPUs do not interleave.
 */
#include "guest.h"

#define LINE_MAX 256

struct out {
    char *buf;
    size_t size, len;
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_padded(struct out *o, const char *s, size_t n, unsigned int width, bool left,
                       char pad)
{
    size_t i;

    if (!left)
        for (i = n; i < width; i++)
            out_char(o, pad);
    for (i = 0; i < n; i++)
        out_char(o, s[i]);
    if (left)
        for (i = n; i < width; i++)
            out_char(o, ' ');
}

static void out_number(struct out *o, uint64_t v, bool negative, unsigned int base, bool upper,
                       const char *prefix, unsigned int width, bool left, bool zero)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    char num[32];
    size_t n = 0, len = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (negative)
        num[len++] = '-';
    while (*prefix)
        num[len++] = *prefix++;
    if (zero && !left) {
        /* Zero padding goes between the sign/prefix and the digits. */
        while (len + n < width && len + n < sizeof(num))
            num[len++] = '0';
    }
    while (n)
        num[len++] = tmp[--n];
    out_padded(o, num, len, width, left, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        unsigned int width = 0, lng = 0;

        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        for (fmt++;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned int)(*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            out_number(&o, mag, v < 0, 10, false, "", width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            unsigned int base = *fmt == 'u' ? 10 : 16;
            out_number(&o, v, false, base, *fmt == 'X', alt && base == 16 ? "0x" : "", width, left,
                       zero);
            break;
        }
        case 'p':
            out_number(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, false, "0x", width,
                       left, zero);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            out_padded(&o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            out_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end */
            break;
        default:
            out_char(&o, '%');
            out_char(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

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
