/*
 * What hypervisor code expects from its environment, provided on the host:
 * printk (captured into printk_log and echoed when TEST_VERBOSE is set) and
 * panic (aborts the test).
 */
#include <stdarg.h>
#include "test.h"

char printk_log[1 << 16];
size_t printk_log_len;

void printk_log_clear(void)
{
    printk_log_len = 0;
    printk_log[0] = '\0';
}

bool printk_log_contains(const char *needle)
{
    return strstr(printk_log, needle) != NULL;
}

void vprintk(const char *fmt, va_list ap);
void printk(const char *fmt, ...);
void panic(const char *fmt, ...);

void vprintk(const char *fmt, va_list ap)
{
    char buf[1024];
    int n;

    if (fmt[0] == '<' && fmt[1] == 'G' && fmt[3] == '>')
        fmt += 4;
    else if (fmt[0] == '<' && fmt[2] == '>')
        fmt += 3;
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    if (printk_log_len + (size_t)n + 1 < sizeof(printk_log)) {
        memcpy(printk_log + printk_log_len, buf, (size_t)n + 1);
        printk_log_len += (size_t)n;
    }
    if (getenv("TEST_VERBOSE"))
        fputs(buf, stdout);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    printf("FAIL: %s: hypervisor code panicked: ", test_current ? test_current : "?");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    abort();
}

/* The console has nothing buffered on the host. */
void console_flush(void);
__attribute__((weak)) void console_flush(void)
{
}

/* Debug keys: a test that wants to press them defines its own. */
void register_keyhandler(char key, void (*fn)(unsigned char key), const char *desc);
__attribute__((weak)) void register_keyhandler(char key, void (*fn)(unsigned char key),
                                               const char *desc)
{
}
