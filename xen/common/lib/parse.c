/* Number and size parsing shared by the command line and config parsers. */
#include <xen/lib.h>

unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base)
{
    unsigned long long v = 0;

    if (!base) {
        base = 10;
        if (s[0] == '0') {
            base = 8;
            if (s[1] == 'x' || s[1] == 'X') {
                base = 16;
                s += 2;
            }
        }
    } else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    for (;; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (*s >= 'a' && *s <= 'z')
            d = (unsigned int)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'Z')
            d = (unsigned int)(*s - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (end)
        *end = s;
    return v;
}

uint64_t parse_size_and_unit(const char *s, const char **end)
{
    const char *p;
    uint64_t v = simple_strtoull(s, &p, 0);

    switch (*p) {
    case 'T': case 't':
        v <<= 10;
        /* fall through */
    case 'G': case 'g':
        v <<= 10;
        /* fall through */
    case 'M': case 'm':
        v <<= 10;
        /* fall through */
    case 'K': case 'k':
        v <<= 10;
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
