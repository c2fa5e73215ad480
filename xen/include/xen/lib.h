/* Logging, formatting, assertions and small helpers used everywhere. */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/string.h>

/*
 * Log levels, given as a prefix of the format string as in Xen:
 * printk(XENLOG_WARNING "...").  Guest-originated messages use the
 * XENLOG_G_* forms and are filtered by guest_loglvl= instead of loglvl=.
 */
#define XENLOG_ERR       "<0>"
#define XENLOG_WARNING   "<1>"
#define XENLOG_INFO      "<2>"
#define XENLOG_DEBUG     "<3>"
#define XENLOG_G_ERR     "<G0>"
#define XENLOG_G_WARNING "<G1>"
#define XENLOG_G_INFO    "<G2>"
#define XENLOG_G_DEBUG   "<G3>"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void __noreturn panic(const char *fmt, ...) __printf(1, 2);

/* Number parsing: like strtoull, but never reads past the terminator. */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base);
/* "512M", "4G", "1T", "4096" (bytes if no suffix unless def_shift says otherwise). */
uint64_t parse_size_and_unit(const char *s, const char **end);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define ASSERT(c) BUG_ON(!(c))

#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

/* Population count without libgcc (no POPCNT assumed). */
static inline unsigned int hweight64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
}

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)
#define TB(x) ((uint64_t)(x) << 40)

#endif
