/*
 * A small unit-test framework for hypervisor code compiled for the host.
 * Each check prints "PASS: <test>: <what>" or "FAIL: ..."; the runner in
 * automation/ counts those lines.  A test binary exits non-zero if any
 * check failed.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>

extern unsigned int test_passed, test_failed;
extern const char *test_current;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            test_passed++;                                                   \
        } else {                                                             \
            test_failed++;                                                   \
            printf("FAIL: %s: %s:%d: %s: ", test_current, __FILE__, __LINE__, #cond); \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

#define CHECK_EQ(a, b) CHECK((a) == (b), "%s = %lld, expected %lld", #a, \
                             (long long)(a), (long long)(b))

typedef void (*test_fn)(void);
struct test_case {
    const char *name;
    test_fn fn;
};

/* Runs every case, prints one PASS/FAIL line per case, returns exit status. */
int test_run(const struct test_case *cases, unsigned int n);

/* A whole file in a malloc'd buffer (*len its size), or NULL if unreadable. */
void *test_read_file(const char *path, size_t *len);

/* printk output captured by the host shim (lib/host_shim.c), for assertions. */
extern char printk_log[1 << 16];
extern size_t printk_log_len;
void printk_log_clear(void);
bool printk_log_contains(const char *needle);

#endif
