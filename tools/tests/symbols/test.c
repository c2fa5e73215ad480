/* Host tests of the call-trace symbol lookup (xen/common/symbols.c). */
#include "test.h"
#include <xen/symbols.h>

/*
 * The hypervisor's own table is generated at link time; here it is empty,
 * and _etext (the end of the last symbol) is an object of ours.
 */
const uint64_t xen_symbols_nr = 0;
const uint64_t xen_symbols_addr[1];
const uint32_t xen_symbols_off[1];
const char xen_symbols_names[1];
const char _etext[1];

/* A fake text section: 0x1000 alpha (0x40), 0x1040 beta and its alias gamma, 0x1100 delta to end 0x1180. */
static const uint64_t fake_addr[] = { 0x1000, 0x1040, 0x1040, 0x1100 };
static const uint32_t fake_off[] = { 0, 6, 11, 17 };
static const char fake_names[] = "alpha\0beta\0gamma\0delta";
static const struct symbol_table fake = {
    .nr = 4, .addr = fake_addr, .off = fake_off, .names = fake_names, .end = 0x1180,
};

static bool lookup_is(const struct symbol_table *t, unsigned long addr, const char *want,
                      unsigned long want_off, unsigned long want_size)
{
    unsigned long off = ~0UL, size = ~0UL;
    const char *name = symbols_lookup_in(t, addr, &off, &size);

    if (!want)
        return name == NULL;
    return name && !strcmp(name, want) && off == want_off && size == want_size;
}

static void test_exact_hits(void)
{
    CHECK(lookup_is(&fake, 0x1000, "alpha", 0, 0x40), "first symbol start");
    CHECK(lookup_is(&fake, 0x1100, "delta", 0, 0x80), "last symbol start");
    /* Aliases share an address: the later entry names it, sized to the next address. */
    CHECK(lookup_is(&fake, 0x1040, "gamma", 0, 0xc0), "alias");
}

static void test_offsets(void)
{
    CHECK(lookup_is(&fake, 0x101a, "alpha", 0x1a, 0x40), "inside first");
    CHECK(lookup_is(&fake, 0x103f, "alpha", 0x3f, 0x40), "last byte of first");
    CHECK(lookup_is(&fake, 0x10ff, "gamma", 0xbf, 0xc0), "last byte before delta");
    CHECK(lookup_is(&fake, 0x117f, "delta", 0x7f, 0x80), "last byte of text");
}

static void test_out_of_range(void)
{
    CHECK(lookup_is(&fake, 0, NULL, 0, 0), "address 0");
    CHECK(lookup_is(&fake, 0xfff, NULL, 0, 0), "just before the first");
    CHECK(lookup_is(&fake, 0x1180, NULL, 0, 0), "at the end");
    CHECK(lookup_is(&fake, ~0UL, NULL, 0, 0), "far after the last");
}

static void test_empty_table(void)
{
    static const struct symbol_table empty = { .nr = 0, .end = 0x2000 };

    CHECK(lookup_is(&empty, 0x1000, NULL, 0, 0), "empty table finds nothing");
    CHECK(symbols_lookup(0x1000, NULL, NULL) == NULL, "hypervisor table is empty here");
}

static void test_end_marker(void)
{
    /* _etext is itself in the real table: a zero-sized last entry. */
    static const uint64_t addr[] = { 0x1000, 0x1100 };
    static const uint32_t off[] = { 0, 2 };
    static const struct symbol_table t = {
        .nr = 2, .addr = addr, .off = off, .names = "f\0_etext", .end = 0x1100,
    };

    CHECK(lookup_is(&t, 0x10ff, "f", 0xff, 0x100), "sized up to the marker");
    CHECK(lookup_is(&t, 0x1100, NULL, 0, 0), "the marker contains nothing");
}

static void test_single_entry(void)
{
    static const uint64_t addr[] = { 0x5000 };
    static const uint32_t off[] = { 0 };
    static const struct symbol_table t = {
        .nr = 1, .addr = addr, .off = off, .names = "only", .end = 0x5010,
    };

    CHECK(lookup_is(&t, 0x5000, "only", 0, 0x10), "start");
    CHECK(lookup_is(&t, 0x500f, "only", 0xf, 0x10), "end");
    CHECK(lookup_is(&t, 0x4fff, NULL, 0, 0), "before");
}

static void test_many_entries(void)
{
    /* Every address of a larger table, to exercise the search at all depths. */
    static uint64_t addr[1000];
    static uint32_t off[1000];
    static char names[1000 * 8];
    struct symbol_table t = { .nr = 1000, .addr = addr, .off = off, .names = names };
    unsigned int i, bad = 0;
    size_t pos = 0;

    for (i = 0; i < 1000; i++) {
        addr[i] = 0x100000 + (uint64_t)i * 0x20;
        off[i] = (uint32_t)pos;
        pos += (size_t)sprintf(names + pos, "f%u", i) + 1;
    }
    t.end = 0x100000 + 1000 * 0x20;
    for (i = 0; i < 1000 * 0x20; i += 3) {
        char want[16];

        snprintf(want, sizeof(want), "f%u", i / 0x20);
        if (!lookup_is(&t, 0x100000 + i, want, i % 0x20, 0x20))
            bad++;
    }
    CHECK(bad == 0, "%u wrong lookups", bad);
}

static void test_snprint(void)
{
    char buf[SYMBOL_STR_LEN];
    int n;

    n = symbols_snprint_in(&fake, buf, sizeof(buf), 0x101a);
    CHECK(!strcmp(buf, "alpha+0x1a/0x40"), "got \"%s\"", buf);
    CHECK_EQ(n, (int)strlen("alpha+0x1a/0x40"));
    symbols_snprint_in(&fake, buf, sizeof(buf), 0xdead);
    CHECK(!strcmp(buf, "0x000000000000dead"), "unknown: got \"%s\"", buf);
    symbols_snprint_in(&fake, buf, 6, 0x101a);
    CHECK(!strcmp(buf, "alpha"), "truncated: got \"%s\"", buf);
}

static void test_print_symbol(void)
{
    printk_log_clear();
    print_symbol("at %s\n", 0x1000);
    CHECK(printk_log_contains("at 0x0000000000001000\n"), "log: %s", printk_log);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "symbols_exact_hits", test_exact_hits },
        { "symbols_offsets", test_offsets },
        { "symbols_out_of_range", test_out_of_range },
        { "symbols_empty_table", test_empty_table },
        { "symbols_end_marker", test_end_marker },
        { "symbols_single_entry", test_single_entry },
        { "symbols_many_entries", test_many_entries },
        { "symbols_snprint", test_snprint },
        { "symbols_print_symbol", test_print_symbol },
    };

    return test_run(cases, sizeof(cases) / sizeof(cases[0]));
}
