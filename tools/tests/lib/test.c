/* Runner for the host unit tests. */
#include "test.h"

unsigned int test_passed, test_failed;
const char *test_current;

int test_run(const struct test_case *cases, unsigned int n)
{
    unsigned int i, bad = 0;

    for (i = 0; i < n; i++) {
        unsigned int before = test_failed, checks = test_passed;

        test_current = cases[i].name;
        cases[i].fn();
        if (test_failed != before) {
            printf("FAIL: %s\n", cases[i].name);
            bad++;
        } else if (test_passed == checks) {
            /* A case that checked nothing proves nothing. */
            printf("FAIL: %s: made no checks\n", cases[i].name);
            bad++;
        } else {
            printf("PASS: %s (%u checks)\n", cases[i].name, test_passed - checks);
        }
    }
    fflush(stdout);
    return bad ? 1 : 0;
}

void *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (n < 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}
