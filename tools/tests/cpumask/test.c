/*
 * Host tests of CPU list parsing and formatting (common/cpumask.c):
 * valid lists and ranges, malformed and out-of-range input, formatting
 * with ranges, truncation into small buffers, and random round trips.
 */
#include "test.h"
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/cpumask.h>

static cpumask_t mask_of(const unsigned int *cpus, unsigned int n)
{
    cpumask_t m;
    unsigned int i;

    cpumask_clear(&m);
    for (i = 0; i < n; i++)
        cpumask_set_cpu(cpus[i], &m);
    return m;
}

static void check_parse(const char *s, const unsigned int *cpus, unsigned int n)
{
    cpumask_t got, want = mask_of(cpus, n);
    int rc = cpumask_parse_list(s, &got);

    CHECK(rc == 0, "\"%s\" rejected (%d)", s, rc);
    CHECK(rc || cpumask_equal(&got, &want), "\"%s\" parsed to the wrong set", s);
}

static void test_parse_valid(void)
{
    static const unsigned int zero[] = { 0 }, last[] = { NR_CPUS - 1 }, seven[] = { 7 };
    static const unsigned int ex[] = { 0, 1, 2, 3, 6, 8, 9 }, three[] = { 1, 2, 3 };
    static const unsigned int overlap[] = { 0, 1, 2, 3, 4, 5 };
    unsigned int all[NR_CPUS], i;
    char buf[16];

    for (i = 0; i < NR_CPUS; i++)
        all[i] = i;
    check_parse("0", zero, 1);
    check_parse("0-3,6,8-9", ex, ARRAY_SIZE(ex));
    check_parse("3,1,2", three, 3);           /* any order */
    check_parse("1-3", three, 3);
    check_parse("2,1-2,3,3", three, 3);       /* repeats are harmless */
    check_parse("0-3,2-5", overlap, ARRAY_SIZE(overlap));
    check_parse("007", seven, 1);             /* leading zeros */
    check_parse("7-7", seven, 1);
    snprintf(buf, sizeof(buf), "%u", NR_CPUS - 1);
    check_parse(buf, last, 1);
    snprintf(buf, sizeof(buf), "0-%u", NR_CPUS - 1);
    check_parse(buf, all, NR_CPUS);
}

static void test_parse_invalid(void)
{
    static const char *const bad[] = {
        "", "3-1", "a", "1,,2", ",1", "1,", "1-", "-1", "1-2-3", "1 2", " 1", "1 ", "1a",
        "0x3", "+1", "1;2", "1-a", "--", ",", "99999999999999999999999", "4294967297",
    };
    char big[32], range[32], pastend[32];
    unsigned int i;
    cpumask_t m, before;

    snprintf(big, sizeof(big), "%u", NR_CPUS);
    snprintf(range, sizeof(range), "0-%u", NR_CPUS);
    snprintf(pastend, sizeof(pastend), "1,%u", NR_CPUS + 10);
    cpumask_clear(&before);
    cpumask_set_cpu(42, &before);
    for (i = 0; i < ARRAY_SIZE(bad) + 3; i++) {
        const char *s = i < ARRAY_SIZE(bad) ? bad[i] : i == ARRAY_SIZE(bad) ? big :
                        i == ARRAY_SIZE(bad) + 1 ? range : pastend;

        m = before;
        CHECK(cpumask_parse_list(s, &m) == -EINVAL, "\"%s\" accepted", s);
        CHECK(cpumask_equal(&m, &before), "\"%s\": mask changed on error", s);
    }
    CHECK(cpumask_parse_list(NULL, &m) == -EINVAL, "NULL accepted");
}

static void check_format(const unsigned int *cpus, unsigned int n, const char *want)
{
    cpumask_t m = mask_of(cpus, n);
    char buf[1024];

    CHECK(strcmp(cpumask_format_list(&m, buf, sizeof(buf)), want) == 0, "got \"%s\", want \"%s\"",
          buf, want);
}

static void test_format(void)
{
    static const unsigned int ex[] = { 0, 1, 2, 3, 6, 8, 9 }, pair[] = { 4, 5 }, one[] = { 0 };
    static const unsigned int ends[] = { 0, NR_CPUS - 1 };
    unsigned int all[NR_CPUS], evens[NR_CPUS / 2], i;
    char want[1024], want_all[16], want_ends[16];
    size_t pos = 0;

    snprintf(want_all, sizeof(want_all), "0-%u", NR_CPUS - 1);
    snprintf(want_ends, sizeof(want_ends), "0,%u", NR_CPUS - 1);
    for (i = 0; i < NR_CPUS; i++)
        all[i] = i;
    for (i = 0; i < NR_CPUS / 2; i++) {
        evens[i] = 2 * i;
        pos += (size_t)snprintf(want + pos, sizeof(want) - pos, "%s%u", i ? "," : "", 2 * i);
    }
    check_format(NULL, 0, "");
    check_format(one, 1, "0");
    check_format(pair, 2, "4-5");
    check_format(ex, ARRAY_SIZE(ex), "0-3,6,8-9");
    check_format(all, NR_CPUS, want_all);
    check_format(ends, 2, want_ends);
    check_format(evens, NR_CPUS / 2, want);
}

/* Small buffers: always terminated, whole items only, ",..." when cut. */
static void test_format_truncated(void)
{
    static const unsigned int ex[] = { 0, 1, 2, 3, 6, 8, 9, 100, 101, 200 };
    cpumask_t m = mask_of(ex, ARRAY_SIZE(ex));
    const char *full = "0-3,6,8-9,100-101,200";
    char buf[64];
    size_t len;

    for (len = 1; len <= strlen(full) + 1; len++) {
        size_t n;

        memset(buf, 'X', sizeof(buf));
        cpumask_format_list(&m, buf, len);
        n = strnlen(buf, sizeof(buf));
        CHECK(n < len, "len %zu: output \"%.*s\" overruns", len, (int)n, buf);
        CHECK(buf[len] == 'X' || len == sizeof(buf), "len %zu: wrote past the buffer", len);
        if (len == strlen(full) + 1) {
            CHECK(strcmp(buf, full) == 0, "len %zu: \"%s\" is not the whole list", len, buf);
        } else if (len < 4) {
            CHECK(n == 0, "len %zu: \"%s\" should be empty", len, buf);
        } else {
            size_t body = n >= 4 && !strcmp(buf + n - 4, ",...") ? n - 4 :
                          !strcmp(buf, "...") ? 0 : (size_t)-1;

            CHECK(body != (size_t)-1, "len %zu: \"%s\" does not end in an ellipsis", len, buf);
            /* The part before it is a prefix of the full list, cut at an item boundary. */
            CHECK(body == (size_t)-1 || (!strncmp(buf, full, body) && (full[body] == ',' || !body)),
                  "len %zu: \"%s\" is not whole items of \"%s\"", len, buf, full);
        }
    }
    memset(buf, 'X', sizeof(buf));
    cpumask_format_list(&m, buf, 0);
    CHECK(buf[0] == 'X', "len 0 writes nothing");
}

/* Format then parse gives the same set back. */
static void test_round_trip(void)
{
    uint64_t seed = 12345;
    unsigned int iter, ok = 0;

    for (iter = 0; iter < 5000; iter++) {
        cpumask_t m, back;
        unsigned int i, density = iter % 7;
        char buf[1024];

        cpumask_clear(&m);
        for (i = 0; i < NR_CPUS; i++) {
            seed = seed * 6364136223846793005ULL + 1;
            if ((seed >> 60) < density * 2)
                cpumask_set_cpu(i, &m);
        }
        cpumask_format_list(&m, buf, sizeof(buf));
        if (cpumask_empty(&m)) {
            ok += buf[0] == '\0';
            continue;
        }
        if (cpumask_parse_list(buf, &back) == 0 && cpumask_equal(&m, &back))
            ok++;
        else
            CHECK(false, "round trip of \"%s\" failed", buf);
    }
    CHECK_EQ(ok, 5000);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "parse_valid", test_parse_valid },
        { "parse_invalid", test_parse_invalid },
        { "format", test_format },
        { "format_truncated", test_format_truncated },
        { "round_trip", test_round_trip },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
