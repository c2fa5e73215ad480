/*
 * printf-style formatting for the hypervisor: %d %i %u %x %X %o %c %s %p %%,
 * flags '-', '0', '#', ' ', '+', width and precision (also '*'), and the
 * length modifiers hh, h, l, ll, z, t, j.
 */
#include <xen/lib.h>

struct out {
    char *buf;
    size_t size, pos;
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_padded(struct out *o, const char *s, size_t len, int width, bool left, char pad)
{
    int fill = width > (int)len ? width - (int)len : 0;

    if (!left)
        while (fill-- > 0)
            put(o, pad);
    while (len--)
        put(o, *s++);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, unsigned long long v, bool neg, unsigned int base,
                       bool upper, int width, int prec, bool left, bool zero, char sign,
                       bool alt)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[72];
    int n = 0, len, pad;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (n < prec && n < 64)
        tmp[n++] = '0';
    len = n + (neg || sign ? 1 : 0) + (alt && base == 16 ? 2 : 0) + (alt && base == 8 ? 1 : 0);
    pad = width > len ? width - len : 0;
    if (!left && !zero)
        while (pad-- > 0)
            put(o, ' ');
    if (neg)
        put(o, '-');
    else if (sign)
        put(o, sign);
    if (alt && base == 16) {
        put(o, '0');
        put(o, upper ? 'X' : 'x');
    } else if (alt && base == 8)
        put(o, '0');
    if (!left && zero)
        while (pad-- > 0)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        char sign = 0;
        int width = 0, prec = -1, lng = 0;
        unsigned long long v;
        bool neg;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (;;) {
            fmt++;
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else if (*fmt == '+')
                sign = '+';
            else if (*fmt == ' ')
                sign = sign ? sign : ' ';
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
        }
        for (;; fmt++) {
            if (*fmt == 'h')
                lng = lng > 0 ? lng : lng - 1;
            else if (*fmt == 'l')
                lng = lng < 0 ? 1 : lng + 1;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
                lng = 2;
            else
                break;
        }
        switch (*fmt) {
        case '\0':
            fmt--;
            break;
        case '%':
            put(&o, '%');
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = "(null)";
            put_padded(&o, s, prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s), width, left, ' ');
            break;
        }
        case 'p':
            put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, false,
                       width ? width : 16, -1, left, true, 0, false);
            break;
        case 'd':
        case 'i': {
            long long s;

            if (lng >= 2)
                s = va_arg(ap, long long);
            else if (lng == 1)
                s = va_arg(ap, long);
            else
                s = va_arg(ap, int);
            if (lng == -1)
                s = (short)s;
            else if (lng <= -2)
                s = (signed char)s;
            neg = s < 0;
            v = neg ? 0ULL - (unsigned long long)s : (unsigned long long)s;
            put_number(&o, v, neg, 10, false, width, prec, left, zero && prec < 0, sign, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (lng >= 2)
                v = va_arg(ap, unsigned long long);
            else if (lng == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng <= -2)
                v = (unsigned char)v;
            put_number(&o, v, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
                       width, prec, left, zero && prec < 0, 0, alt && v);
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return (int)o.pos;
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
