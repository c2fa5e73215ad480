/* Number and size parsing shared by the command line and config parsers. */
#include <xen/lib.h>

/* Value of c as a digit in bases up to 36; 36 if it is not one. */
static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A' + 10);
    return 36;
}

/*
 * As strtoull: a "0x" prefix counts only when a hex digit follows (so "0x"
 * alone is the number 0 followed by "x"), and a value too large saturates
 * at ULLONG_MAX instead of wrapping.
 */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base)
{
    unsigned long long v = 0;
    bool overflow = false;
    bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;

    if (!base) {
        base = 10;
        if (s[0] == '0')
            base = 8;
        if (hex_prefix) {
            base = 16;
            s += 2;
        }
    } else if (base == 16 && hex_prefix)
        s += 2;
    for (;; s++) {
        unsigned int d = digit_value(*s);

        if (d >= base)
            break;
        if (v > (~0ULL - d) / base)
            overflow = true;
        else
            v = v * base + d;
    }
    if (end)
        *end = s;
    return overflow ? ~0ULL : v;
}

/* v << 10, saturating at UINT64_MAX. */
static uint64_t shl10_saturating(uint64_t v)
{
    return v > (UINT64_MAX >> 10) ? UINT64_MAX : v << 10;
}

uint64_t parse_size_and_unit(const char *s, const char **end)
{
    const char *p;
    uint64_t v = simple_strtoull(s, &p, 0);

    switch (*p) {
    case 'T': case 't':
        v = shl10_saturating(v);
        /* fall through */
    case 'G': case 'g':
        v = shl10_saturating(v);
        /* fall through */
    case 'M': case 'm':
        v = shl10_saturating(v);
        /* fall through */
    case 'K': case 'k':
        v = shl10_saturating(v);
        p++;
        break;
    case 'B': case 'b':
        p++;
        break;
    default:
        break;
    }
    if (end)
        *end = p;
    return v;
}
