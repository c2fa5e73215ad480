/*
 * Host tests of the command-line code: the option parser (common/params.c)
 * with the number parsers it uses (common/lib/parse.c), the comN= syntax
 * (ns16550_parse_options) and loglvl=/guest_loglvl=/console= (console.c).
 *
 * console.c and ns16550.c are included whole rather than linked: console.c
 * defines printk, which the host shim already provides, and both need their
 * hardware entry points replaced (ns16550_init is a recording stub here,
 * interrupt masking a no-op) while their parsers and statics stay visible.
 */
#include "test.h"

#include <xen/spinlock.h>
/* cli/popf fault in user space; a single-threaded test needs no masking. */
#undef spin_lock_irqsave
#undef spin_unlock_irqrestore
#define spin_lock_irqsave(l, f) do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { spin_unlock(l); (void)(f); } while (0)

#define printk console_printk
#define vprintk console_vprintk
#include "../../../xen/common/console.c"
#undef printk
#undef vprintk

#define ns16550_init ns16550_init_hw
#include "../../../xen/drivers/char/ns16550.c"
#undef ns16550_init

/* ---- Stubs --------------------------------------------------------------- */

static unsigned int stub_calls;
static int stub_index[4];
static struct ns16550_config stub_cfg[4];

void ns16550_init(int index, const struct ns16550_config *cfg)
{
    if (stub_calls < ARRAY_SIZE(stub_cfg)) {
        stub_index[stub_calls] = index;
        stub_cfg[stub_calls] = *cfg;
    }
    stub_calls++;
}

/* What console.c's input side calls: keys are recorded, the poll timer is only noted. */
static unsigned char keys_seen[256];
static unsigned int nr_keys_seen;
static struct timer *poll_timer_armed;
static s_time_t poll_period_armed;

void handle_keypress(unsigned char key)
{
    if (nr_keys_seen < ARRAY_SIZE(keys_seen))
        keys_seen[nr_keys_seen] = key;
    nr_keys_seen++;
}

/* The domain list the input focus cycles through, and what each domain was typed. */
static struct domain fake_doms[2];
struct domain *domain_list;
static char typed[2][16];
static unsigned int nr_typed[2];

void domlist_lock(void)
{
}

void domlist_unlock(void)
{
}

struct domain *domain_find(domid_t id)
{
    struct domain *d;

    for (d = domain_list; d; d = d->next_in_list)
        if (d->domain_id == id && !d->is_dying)
            return d;
    return NULL;
}

void guest_console_input(struct domain *d, char c)
{
    unsigned int i = (unsigned int)(d - fake_doms);

    if (nr_typed[i] < sizeof(typed[i]) - 1)
        typed[i][nr_typed[i]++] = c;
}

unsigned int smp_processor_id(void)
{
    return 0;
}

s_time_t NOW(void)
{
    return 0;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
}

void set_periodic_timer(struct timer *t, s_time_t first, s_time_t period)
{
    poll_timer_armed = t;
    poll_period_armed = period;
}

/* ---- A private option table -------------------------------------------------- */

static bool t_bool;
static uint8_t t_u8;
static uint16_t t_u16;
static uint32_t t_u32;
static uint64_t t_u64;
static uint64_t t_size;
static uint32_t t_size32;
static char t_str[8];
static unsigned int custom_calls;
static char custom_val[300];

static int t_custom(const char *v)
{
    if (!strcmp(v, "bad"))
        return -EINVAL;
    custom_calls++;
    snprintf(custom_val, sizeof(custom_val), "%s", v);
    return 0;
}

static const struct kernel_param tbl[] = {
    { "flag", PARAM_BOOL, sizeof(t_bool), &t_bool, NULL },
    { "u8", PARAM_UINT, sizeof(t_u8), &t_u8, NULL },
    { "u16", PARAM_UINT, sizeof(t_u16), &t_u16, NULL },
    { "u32", PARAM_UINT, sizeof(t_u32), &t_u32, NULL },
    { "u64", PARAM_UINT, sizeof(t_u64), &t_u64, NULL },
    { "size", PARAM_SIZE, sizeof(t_size), &t_size, NULL },
    { "size32", PARAM_SIZE, sizeof(t_size32), &t_size32, NULL },
    { "str", PARAM_STRING, sizeof(t_str), t_str, NULL },
    { "cust", PARAM_CUSTOM, 0, NULL, t_custom },
    { "no-thing", PARAM_BOOL, sizeof(t_bool), &t_bool, NULL },  /* a name that starts with no- */
};

static unsigned int parse(const char *s)
{
    printk_log_clear();
    return cmdline_parse_table(s, tbl, tbl + ARRAY_SIZE(tbl));
}

/* The same options declared the usual way, in the xen_params section. */
static bool t_sec_bool;
static uint32_t t_sec_u32;
boolean_param("test_sec_flag", t_sec_bool);
integer_param("test_sec_u32", t_sec_u32);

/* ---- Booleans ----------------------------------------------------------------- */

static void test_bool(void)
{
    static const struct {
        const char *val;
        int expect;
    } vals[] = {
        { "1", 1 }, { "yes", 1 }, { "on", 1 }, { "true", 1 }, { "enable", 1 },
        { "0", 0 }, { "no", 0 }, { "off", 0 }, { "false", 0 }, { "disable", 0 },
        { "", -1 }, { "maybe", -1 }, { "ON", -1 }, { "yess", -1 }, { "2", -1 }, { "o", -1 },
    };
    static const char onx[] = "onx";
    char buf[64];
    unsigned int i;

    t_bool = false;
    CHECK_EQ(parse("flag"), 0);
    CHECK(t_bool, "flag");
    CHECK_EQ(parse("no-flag"), 0);
    CHECK(!t_bool, "no-flag");

    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        bool before = !vals[i].expect;     /* so that a real change shows */

        t_bool = before;
        snprintf(buf, sizeof(buf), "flag=%s", vals[i].val);
        if (vals[i].expect < 0) {
            t_bool = true;
            CHECK(parse(buf) == 1, "%s accepted", buf);
            CHECK(t_bool, "%s changed the value", buf);
            CHECK(printk_log_contains("(invalid)"), "%s: %s", buf, printk_log);
            t_bool = false;
            CHECK(parse(buf) == 1 && !t_bool, "%s", buf);
        } else {
            CHECK(parse(buf) == 0, "%s rejected", buf);
            CHECK(t_bool == (vals[i].expect == 1), "%s gave %d", buf, t_bool);
            /* "no-" inverts an explicit value too. */
            snprintf(buf, sizeof(buf), "no-flag=%s", vals[i].val);
            CHECK(parse(buf) == 0, "%s rejected", buf);
            CHECK(t_bool == (vals[i].expect == 0), "%s gave %d", buf, t_bool);
        }
    }

    /* A table name that itself starts with "no-" is found before stripping. */
    t_bool = false;
    CHECK_EQ(parse("no-thing"), 0);
    CHECK(t_bool, "no-thing is its own option");

    CHECK_EQ(parse_bool("on", NULL), 1);
    CHECK_EQ(parse_bool("onx", NULL), -1);
    CHECK_EQ(parse_bool(onx, onx + 2), 1);     /* bounded by end */
    CHECK_EQ(parse_bool("disable", NULL), 0);
}

/* ---- Integers ----------------------------------------------------------------- */

static void test_integers(void)
{
    t_u8 = 0;
    t_u16 = 0;
    t_u32 = 0;
    t_u64 = 0;
    CHECK_EQ(parse("u32=10"), 0);
    CHECK_EQ(t_u32, 10);
    CHECK_EQ(parse("u32=0x1f"), 0);
    CHECK_EQ(t_u32, 31);
    CHECK_EQ(parse("u32=0X1F"), 0);
    CHECK_EQ(t_u32, 31);
    CHECK_EQ(parse("u32=010"), 0);          /* C rules: leading 0 is octal */
    CHECK_EQ(t_u32, 8);
    CHECK_EQ(parse("u32=0"), 0);
    CHECK_EQ(t_u32, 0);
    CHECK_EQ(parse("u32=1 u32=2"), 0);      /* the last one wins */
    CHECK_EQ(t_u32, 2);

    /* Per-width limits. */
    CHECK_EQ(parse("u8=255 u16=65535 u32=4294967295 u64=18446744073709551614"), 0);
    CHECK_EQ(t_u8, 255);
    CHECK_EQ(t_u16, 65535);
    CHECK_EQ(t_u32, 4294967295U);
    CHECK_EQ(t_u64, 18446744073709551614ULL);
    CHECK_EQ(parse("u8=256"), 1);
    CHECK(printk_log_contains("bad value \"256\" for \"u8\" (out of range)"), "%s", printk_log);
    CHECK_EQ(t_u8, 255);
    CHECK_EQ(parse("u16=65536 u16=0x10000"), 2);
    CHECK_EQ(t_u16, 65535);
    CHECK_EQ(parse("u32=4294967296"), 1);
    CHECK_EQ(t_u32, 4294967295U);
    CHECK(printk_log_contains("(out of range)"), "%s", printk_log);

    /* 64-bit overflow used to wrap silently (2^64 read as 0). */
    t_u64 = 7;
    CHECK_EQ(parse("u64=18446744073709551616"), 1);
    CHECK(printk_log_contains("(out of range)"), "%s", printk_log);
    CHECK_EQ(parse("u64=99999999999999999999999999"), 1);
    CHECK_EQ(parse("u64=0x10000000000000000"), 1);
    CHECK_EQ(parse("u32=18446744073709551617"), 1);     /* 2^64 + 1 is not 1 */
    CHECK_EQ(t_u64, 7);
    CHECK_EQ(t_u32, 4294967295U);
    CHECK_EQ(parse("u64=0xfffffffffffffffe"), 0);
    CHECK_EQ(t_u64, 0xfffffffffffffffeULL);

    /* Malformed. */
    t_u32 = 5;
    CHECK_EQ(parse("u32=-1"), 1);
    CHECK(printk_log_contains("bad value \"-1\" for \"u32\" (invalid)"), "%s", printk_log);
    CHECK_EQ(parse("u32=12abc"), 1);
    CHECK_EQ(parse("u32="), 1);
    CHECK_EQ(parse("u32"), 1);
    CHECK_EQ(parse("u32=+5"), 1);
    CHECK_EQ(parse("u32=08"), 1);           /* 8 is no octal digit */
    CHECK_EQ(parse("u32=0x"), 1);           /* no hex digits: used to be read as 0 */
    CHECK_EQ(parse("u32=0xg"), 1);
    CHECK_EQ(parse("u32=1.5"), 1);
    CHECK_EQ(parse("u32=10K"), 1);          /* sizes only for size options */
    CHECK_EQ(parse("no-u32"), 1);
    CHECK(printk_log_contains("\"no-\" does not apply to \"u32\""), "%s", printk_log);
    CHECK_EQ(t_u32, 5);
    /* "u32= 5" is two tokens: an empty value and an unknown option "5". */
    CHECK_EQ(parse("u32= 5"), 2);
    CHECK_EQ(t_u32, 5);
}

static void test_number_parsers(void)
{
    const char *end;

    CHECK_EQ(simple_strtoull("123xyz", &end, 10), 123);
    CHECK(!strcmp(end, "xyz"), "%s", end);
    CHECK_EQ(simple_strtoull("0x", &end, 0), 0);
    CHECK(!strcmp(end, "x"), "0x: end at \"%s\"", end);
    CHECK_EQ(simple_strtoull("0x", &end, 16), 0);
    CHECK(!strcmp(end, "x"), "0x base 16: end at \"%s\"", end);
    CHECK_EQ(simple_strtoull("0x1A", &end, 16), 0x1a);
    CHECK_EQ(simple_strtoull("1A", &end, 16), 0x1a);
    CHECK_EQ(simple_strtoull("0x10", &end, 10), 0);
    CHECK(!strcmp(end, "x10"), "%s", end);
    CHECK_EQ(simple_strtoull("777", &end, 8), 511);
    CHECK_EQ(simple_strtoull("zz", &end, 36), 35 * 36 + 35);
    CHECK(simple_strtoull("18446744073709551615", &end, 10) == UINT64_MAX && !*end, "max");
    CHECK(simple_strtoull("18446744073709551616", &end, 10) == UINT64_MAX && !*end,
          "saturates, consuming all digits");
    CHECK(simple_strtoull("0x1ffffffffffffffff", &end, 0) == UINT64_MAX && !*end, "hex saturates");
    CHECK_EQ(simple_strtoull("", &end, 0), 0);
    CHECK(end && !*end, "empty");
    CHECK_EQ(simple_strtoull("5", NULL, 0), 5);

    CHECK_EQ(parse_size_and_unit("4096", &end), 4096);
    CHECK_EQ(parse_size_and_unit("4k", &end), 4096);
    CHECK_EQ(parse_size_and_unit("3T", &end), 3ULL << 40);
    CHECK_EQ(parse_size_and_unit("7b", &end), 7);
    CHECK(parse_size_and_unit("16777215T", &end) == (16777215ULL << 40) && !*end, "max T");
    CHECK(parse_size_and_unit("16777216T", &end) == UINT64_MAX && !*end, "T saturates");
    CHECK(parse_size_and_unit("17179869184G", &end) == UINT64_MAX, "G saturates");
    CHECK(parse_size_and_unit("18014398509481984K", &end) == UINT64_MAX, "K saturates");
    CHECK(parse_size_and_unit("18014398509481983K", &end) == 18014398509481983ULL << 10, "K max");
    CHECK_EQ(parse_size_and_unit("12Q", &end), 12);
    CHECK(!strcmp(end, "Q"), "%s", end);
}

/* ---- Sizes ------------------------------------------------------------------- */

static void test_sizes(void)
{
    static const struct {
        const char *opt;
        uint64_t v;
    } ok[] = {
        { "size=4096", 4096 },
        { "size=4K", 4096 },
        { "size=4k", 4096 },
        { "size=512M", 512ULL << 20 },
        { "size=4G", 4ULL << 30 },
        { "size=2g", 2ULL << 30 },
        { "size=1T", 1ULL << 40 },
        { "size=13t", 13ULL << 40 },
        { "size=10B", 10 },
        { "size=0x10M", 16ULL << 20 },
        { "size=0", 0 },
        { "size=16777215T", 16777215ULL << 40 },
    };
    static const char *const bad[] = {
        "size=1.5G", "size=M", "size=-1M", "size=1KB", "size=", "size", "size=4X",
        "size=G4", "no-size", "size= 4",
    };
    char what[64];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(ok); i++) {
        t_size = 12345;
        CHECK(parse(ok[i].opt) == 0, "%s rejected: %s", ok[i].opt, printk_log);
        CHECK(t_size == ok[i].v, "%s gave %#llx", ok[i].opt, (unsigned long long)t_size);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        t_size = 12345;
        CHECK(parse(bad[i]) >= 1, "%s accepted", bad[i]);
        CHECK(t_size == 12345, "%s changed the value", bad[i]);
    }

    /* Overflow: used to wrap (16777216T is 2^64, read as 0). */
    t_size = 12345;
    CHECK_EQ(parse("size=16777216T"), 1);
    CHECK(printk_log_contains("(out of range)"), "%s", printk_log);
    CHECK_EQ(parse("size=17179869184G"), 1);
    CHECK_EQ(parse("size=16777217T"), 1);   /* 2^64 + 2^40 is not 1T */
    CHECK_EQ(t_size, 12345);

    /* Width of the variable. */
    t_size32 = 1;
    CHECK_EQ(parse("size32=3G"), 0);
    CHECK_EQ(t_size32, 3U << 30);
    snprintf(what, sizeof(what), "size32=4G");
    CHECK_EQ(parse(what), 1);
    CHECK(printk_log_contains("bad value \"4G\" for \"size32\" (out of range)"), "%s", printk_log);
    CHECK_EQ(t_size32, 3U << 30);
}

/* ---- Strings and custom options ------------------------------------------------ */

static void test_strings(void)
{
    memset(t_str, 0, sizeof(t_str));
    CHECK_EQ(parse("str=abc"), 0);
    CHECK(!strcmp(t_str, "abc"), "%s", t_str);
    CHECK_EQ(parse("str=1234567"), 0);      /* 7 characters + NUL fill the array */
    CHECK(!strcmp(t_str, "1234567"), "%s", t_str);
    CHECK_EQ(parse("str=12345678"), 1);
    CHECK(printk_log_contains("bad value \"12345678\" for \"str\" (too long)"), "%s", printk_log);
    CHECK(!strcmp(t_str, "1234567"), "unchanged: %s", t_str);
    CHECK_EQ(parse("str=a=b"), 0);          /* only the first '=' separates */
    CHECK(!strcmp(t_str, "a=b"), "%s", t_str);
    CHECK_EQ(parse("str=--"), 0);           /* "--" ends the line only as a whole token */
    CHECK(!strcmp(t_str, "--"), "%s", t_str);
    CHECK_EQ(parse("str="), 0);
    CHECK(!strcmp(t_str, ""), "%s", t_str);
    strcpy(t_str, "keep");
    CHECK_EQ(parse("str"), 1);
    CHECK_EQ(parse("no-str"), 1);
    CHECK(!strcmp(t_str, "keep"), "%s", t_str);
}

static void test_custom(void)
{
    custom_calls = 0;
    CHECK_EQ(parse("cust=x,y:z"), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK(!strcmp(custom_val, "x,y:z"), "%s", custom_val);
    CHECK_EQ(parse("cust"), 0);
    CHECK_EQ(custom_calls, 2);
    CHECK(!strcmp(custom_val, ""), "%s", custom_val);
    CHECK_EQ(parse("cust=bad"), 1);
    CHECK(printk_log_contains("bad value \"bad\" for \"cust\" (invalid)"), "%s", printk_log);
    CHECK_EQ(parse("no-cust"), 1);
    CHECK_EQ(custom_calls, 2);
}

/* ---- The line as a whole ------------------------------------------------------- */

static void test_line(void)
{
    char longtok[400], line[600], expect[64];

    CHECK_EQ(parse(""), 0);
    CHECK_EQ(parse("   \t  "), 0);
    CHECK(printk_log_len == 0, "%s", printk_log);

    t_bool = false;
    t_u32 = 0;
    CHECK_EQ(parse("  flag\t\tu32=7   "), 0);
    CHECK(t_bool, "flag");
    CHECK_EQ(t_u32, 7);

    /* Unknown options are reported, counted and skipped. */
    t_u32 = 0;
    CHECK_EQ(parse("bogus u32=9 no-bogus2 =5 FLAG"), 4);
    CHECK_EQ(t_u32, 9);
    CHECK(printk_log_contains("unknown option \"bogus\" ignored"), "%s", printk_log);
    CHECK(printk_log_contains("unknown option \"no-bogus2\" ignored"), "%s", printk_log);
    CHECK(printk_log_contains("unknown option \"\" ignored"), "%s", printk_log);
    CHECK(printk_log_contains("unknown option \"FLAG\" ignored"), "%s", printk_log);

    /* "--" ends the hypervisor's part. */
    t_u32 = 0;
    t_bool = false;
    CHECK_EQ(parse("u32=1 -- u32=2 flag bogus"), 0);
    CHECK_EQ(t_u32, 1);
    CHECK(!t_bool, "option after --");
    CHECK_EQ(parse("--"), 0);
    CHECK_EQ(parse("u32=3\t--\tflag"), 0);
    CHECK_EQ(t_u32, 3);
    CHECK(!t_bool, "option after tab-separated --");
    CHECK_EQ(parse("--- flag"), 1);         /* not the terminator */
    CHECK(t_bool, "flag after ---");
    CHECK_EQ(parse("u32=4--"), 1);
    CHECK_EQ(t_u32, 3);

    /* Tokens too long for the parser's buffer: reported, the rest goes on. */
    memset(longtok, 'a', sizeof(longtok));
    memcpy(longtok, "str=", 4);
    longtok[sizeof(longtok) - 1] = '\0';
    snprintf(line, sizeof(line), "u32=11 %s u32=12", longtok);
    CHECK_EQ(parse(line), 1);
    snprintf(expect, sizeof(expect), "option \"%.32s...\" is too long", longtok);
    CHECK(printk_log_contains(expect), "%s", printk_log);
    CHECK_EQ(t_u32, 12);
    /* 255 characters still fit; the value is then too long for str. */
    longtok[255] = '\0';
    CHECK_EQ(parse(longtok), 1);
    CHECK(printk_log_contains("(too long)"), "%s", printk_log);
    longtok[256] = '\0';
    longtok[255] = 'a';
    CHECK_EQ(parse(longtok), 1);
    CHECK(printk_log_contains("is too long, ignored"), "%s", printk_log);
    /* A long value for a custom option arrives whole. */
    memcpy(longtok, "cust=", 5);
    longtok[255] = '\0';
    CHECK_EQ(parse(longtok), 0);
    CHECK_EQ(strlen(custom_val), 250);
}

/* The options placed in the xen_params section (ours and console.c's). */
static void test_section_table(void)
{
    t_sec_bool = false;
    t_sec_u32 = 0;
    printk_log_clear();
    CHECK_EQ(cmdline_parse("test_sec_flag test_sec_u32=0x20 bogus"), 1);
    CHECK(t_sec_bool, "test_sec_flag");
    CHECK_EQ(t_sec_u32, 32);
    CHECK(printk_log_contains("unknown option \"bogus\""), "%s", printk_log);
    /* The private table's options are not in the section. */
    CHECK_EQ(cmdline_parse("u32=1"), 1);
    CHECK_EQ(cmdline_parse("no-test_sec_flag"), 0);
    CHECK(!t_sec_bool, "no-test_sec_flag");
}

/* ---- comN= -------------------------------------------------------------------- */

static void test_com_options(void)
{
    static const char *const bad[] = {
        "115200,9n1", "abc", "115200,8x1", "115200,8n1,0", "115200,8n3", "115200,8n",
        "115200,8", "115200,4n1", "49", "4000001", "4294967346", "18446744073709551616",
        "115200/100", "115200/4294968096", "115200/", "115200,8n1,0x10000", "115200,8n1,0xfff9",
        "115200,8n1,0x2f8,256", "115200,8n1,0x2f8,3,extra", "115200,8n1x", "autox", "115200x",
        "115200,8n1,0x2f8z", "115200,8n1,zz", "115200;8n1", "-115200", " 115200",
    };
    struct ns16550_config cfg;
    unsigned int i;

    CHECK_EQ(ns16550_parse_options("", &cfg), 0);
    CHECK(cfg.baud == 0 && cfg.clock_hz == 1843200 && cfg.data_bits == 8 && cfg.parity == 'n' &&
          cfg.stop_bits == 1 && cfg.io_base == 0 && cfg.irq == -1, "defaults");

    CHECK_EQ(ns16550_parse_options("115200,8n1", &cfg), 0);
    CHECK(cfg.baud == 115200 && cfg.data_bits == 8 && cfg.parity == 'n' && cfg.stop_bits == 1,
          "115200,8n1");
    CHECK_EQ(ns16550_parse_options("115200", &cfg), 0);
    CHECK_EQ(cfg.baud, 115200);
    CHECK_EQ(ns16550_parse_options("auto", &cfg), 0);
    CHECK_EQ(cfg.baud, 0);
    CHECK_EQ(ns16550_parse_options("auto,7e2", &cfg), 0);
    CHECK(cfg.baud == 0 && cfg.data_bits == 7 && cfg.parity == 'e' && cfg.stop_bits == 2, "auto,7e2");

    CHECK_EQ(ns16550_parse_options("9600/1843200,7e2,0x2f8,3", &cfg), 0);
    CHECK_EQ(cfg.baud, 9600);
    CHECK_EQ(cfg.clock_hz, 1843200);
    CHECK_EQ(cfg.data_bits, 7);
    CHECK_EQ(cfg.parity, 'e');
    CHECK_EQ(cfg.stop_bits, 2);
    CHECK_EQ(cfg.io_base, 0x2f8);
    CHECK_EQ(cfg.irq, 3);

    CHECK_EQ(ns16550_parse_options("115200/0x1c2000,5o1", &cfg), 0);
    CHECK(cfg.clock_hz == 0x1c2000 && cfg.data_bits == 5 && cfg.parity == 'o', "hex clock, 5o1");
    CHECK_EQ(ns16550_parse_options("57600,6m1", &cfg), 0);
    CHECK_EQ(cfg.parity, 'm');
    CHECK_EQ(ns16550_parse_options("38400,8s2", &cfg), 0);
    CHECK_EQ(cfg.parity, 's');
    CHECK_EQ(ns16550_parse_options("115200,,0x3e8", &cfg), 0);
    CHECK(cfg.io_base == 0x3e8 && cfg.data_bits == 8 && cfg.irq == -1, "empty DPS");
    CHECK_EQ(ns16550_parse_options("115200,8n1,,4", &cfg), 0);
    CHECK(cfg.io_base == 0 && cfg.irq == 4, "empty io base");
    CHECK_EQ(ns16550_parse_options(",8n1", &cfg), 0);
    CHECK_EQ(cfg.baud, 0);
    CHECK_EQ(ns16550_parse_options("50", &cfg), 0);
    CHECK_EQ(ns16550_parse_options("4000000", &cfg), 0);
    CHECK_EQ(ns16550_parse_options("115200,8n1,0xfff8,0", &cfg), 0);
    CHECK(cfg.io_base == 0xfff8 && cfg.irq == 0, "limits");
    CHECK_EQ(ns16550_parse_options("115200,8n1,0x2f8,255", &cfg), 0);
    CHECK_EQ(cfg.irq, 255);
    /* A trailing comma leaves the IRQ unset. */
    CHECK_EQ(ns16550_parse_options("115200,8n1,0x2f8,", &cfg), 0);
    CHECK_EQ(cfg.irq, -1);

    for (i = 0; i < ARRAY_SIZE(bad); i++)
        CHECK(ns16550_parse_options(bad[i], &cfg) == -EINVAL, "\"%s\" accepted (baud %u)", bad[i],
              cfg.baud);
}

/* ---- loglvl=, guest_loglvl=, console= ---------------------------------------------- */

static void reset_console(void)
{
    xen_lower = xen_upper = LVL_WARNING;
    guest_lower = LVL_NONE;
    guest_upper = LVL_WARNING;
    conring_prod = 0;
    at_line_start = true;
    printk_log_clear();
}

static bool ring_contains(const char *needle)
{
    static char buf[CONRING_SIZE + 1];
    size_t n = console_read_ring(buf, CONRING_SIZE);

    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

static void test_loglvl(void)
{
    static const struct {
        const char *val;
        int lower, upper;
    } ok[] = {
        { "all", LVL_ALL, LVL_ALL },
        { "info/debug", LVL_INFO, LVL_DEBUG },
        { "warning", LVL_WARNING, LVL_WARNING },
        { "none", LVL_NONE, LVL_NONE },
        { "none/all", LVL_NONE, LVL_ALL },
        { "error/info", LVL_ERR, LVL_INFO },
        { "debug/info", LVL_DEBUG, LVL_DEBUG },     /* upper below lower: raised */
    };
    static const char *const bad[] = {
        "bogus", "none/", "/all", "", "inf", "infos", "info/debug/all", "info/bogus", "INFO",
        "all/",
    };
    char buf[64];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(ok); i++) {
        reset_console();
        snprintf(buf, sizeof(buf), "loglvl=%s", ok[i].val);
        CHECK(cmdline_parse(buf) == 0, "%s rejected", buf);
        CHECK(xen_lower == ok[i].lower && xen_upper == ok[i].upper, "%s gave %d/%d", buf,
              xen_lower, xen_upper);
        snprintf(buf, sizeof(buf), "guest_loglvl=%s", ok[i].val);
        CHECK(cmdline_parse(buf) == 0, "%s rejected", buf);
        CHECK(guest_lower == ok[i].lower && guest_upper == ok[i].upper, "%s gave %d/%d", buf,
              guest_lower, guest_upper);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        reset_console();
        snprintf(buf, sizeof(buf), "loglvl=%s", bad[i]);
        CHECK(cmdline_parse(buf) == 1, "%s accepted", buf);
        CHECK(xen_lower == LVL_WARNING && xen_upper == LVL_WARNING, "%s changed levels", buf);
    }
    reset_console();
    CHECK_EQ(cmdline_parse("loglvl"), 1);
    CHECK_EQ(cmdline_parse("no-loglvl"), 1);
    CHECK(xen_lower == LVL_WARNING, "unchanged");
}

/* What the levels do to printing. */
static void test_loglvl_filter(void)
{
    reset_console();
    console_printk(XENLOG_ERR "msg-err\n");
    console_printk(XENLOG_WARNING "msg-warn\n");
    console_printk(XENLOG_INFO "msg-info\n");
    console_printk("msg-default\n");
    console_printk(XENLOG_G_WARNING "msg-guest-warn\n");
    console_printk(XENLOG_G_INFO "msg-guest-info\n");
    CHECK(ring_contains("(XEN) msg-err\n"), "error printed");
    CHECK(ring_contains("(XEN) msg-warn\n"), "warning printed");
    CHECK(!ring_contains("msg-info"), "info filtered by default");
    CHECK(ring_contains("(XEN) msg-default\n"), "no prefix: printed");
    CHECK(ring_contains("msg-guest-warn"), "guest warning printed (upper)");
    CHECK(!ring_contains("msg-guest-info"), "guest info filtered");

    reset_console();
    CHECK_EQ(cmdline_parse("loglvl=all guest_loglvl=none"), 0);
    console_printk(XENLOG_DEBUG "msg-debug\n");
    console_printk(XENLOG_G_ERR "msg-guest-err\n");
    CHECK(ring_contains("msg-debug"), "debug printed with loglvl=all");
    CHECK(!ring_contains("msg-guest-err"), "guest errors filtered with guest_loglvl=none");

    reset_console();
    CHECK_EQ(cmdline_parse("loglvl=none"), 0);
    console_printk(XENLOG_ERR "msg-none\n");
    CHECK(!ring_contains("msg-none"), "nothing printed with loglvl=none");

    reset_console();
    CHECK_EQ(cmdline_parse("loglvl=error/info"), 0);
    console_printk(XENLOG_INFO "msg-info2\n");
    console_printk(XENLOG_DEBUG "msg-debug2\n");
    CHECK(ring_contains("msg-info2"), "up to upper printed");
    CHECK(!ring_contains("msg-debug2"), "above upper filtered");
    reset_console();
}

static void test_console_devices(void)
{
    reset_console();
    stub_calls = 0;
    CHECK_EQ(cmdline_parse("console=com1,com2 com1=115200,8n1 com2=9600,7e1,0x2f8,3"), 0);
    console_init();
    CHECK_EQ(stub_calls, 2);
    CHECK(stub_index[0] == 0 && stub_cfg[0].baud == 115200 && stub_cfg[0].data_bits == 8,
          "com1 configured");
    CHECK(stub_index[1] == 1 && stub_cfg[1].baud == 9600 && stub_cfg[1].io_base == 0x2f8 &&
          stub_cfg[1].irq == 3 && stub_cfg[1].parity == 'e', "com2 configured");

    /* Bad comN= options: warned, defaults used. */
    reset_console();
    stub_calls = 0;
    CHECK_EQ(cmdline_parse("console=com1 com1=115200,9n1"), 0);
    console_init();
    CHECK_EQ(stub_calls, 1);
    CHECK(stub_cfg[0].baud == 0 && stub_cfg[0].data_bits == 8, "defaults after bad options");
    CHECK(ring_contains("com1: bad options \"115200,9n1\""), "warning printed");

    /* Unknown devices, empty items, vga and none. */
    reset_console();
    stub_calls = 0;
    CHECK_EQ(cmdline_parse("console=vga,,bogus,none com1="), 0);
    console_init();
    CHECK_EQ(stub_calls, 0);
    CHECK(ring_contains("console: unknown device \"bogus\" ignored"), "bogus warned");
    CHECK(ring_contains("console: unknown device \"\" ignored"), "empty item warned");

    /* console= too long for its 64-byte buffer. */
    CHECK_EQ(cmdline_parse("console=com1,com1,com1,com1,com1,com1,com1,com1,com1,com1,com1,com1,com1"),
             1);
    CHECK(!strcmp(opt_console, "vga,,bogus,none"), "%s", opt_console);
    CHECK_EQ(cmdline_parse("console=com1"), 0);
    reset_console();
}

/* ---- Serial input ------------------------------------------------------------ */

static unsigned int fake_uart_waiting;

static void fake_uart_putc(void *dev, char c)
{
}

static int fake_uart_getc(void *dev)
{
    if (!fake_uart_waiting)
        return -1;
    fake_uart_waiting--;
    return 'k';
}

static const struct serial_port_ops fake_uart_ops = {
    .putc = fake_uart_putc,
    .getc = fake_uart_getc,
};

static bool keys_are(const char *want, unsigned int n)
{
    bool same = nr_keys_seen == n && !memcmp(keys_seen, want, n);

    nr_keys_seen = 0;
    return same;
}

/* Keys reach the hypervisor; Ctrl-A three times switches focus and is eaten, fewer are keys. */
static void test_console_input(void)
{
    unsigned int i;

    reset_console();
    nr_keys_seen = 0;
    console_input('h');
    CHECK(keys_are("h", 1), "plain key");
    console_input(0x01);
    console_input(0x01);
    console_input('r');
    CHECK(keys_are("\x01\x01r", 3), "two Ctrl-A are input");
    for (i = 0; i < 3; i++)
        console_input(0x01);
    CHECK(keys_are("", 0), "three Ctrl-A passed on");
    CHECK(ring_contains("*** Serial input to the hypervisor"), "no switch message");
    for (i = 0; i < 4; i++)
        console_input(0x01);
    console_input('q');
    CHECK(keys_are("\x01q", 2), "the fourth Ctrl-A is input");

    /* Polling: every 10 ms, at most 64 characters per device and poll. */
    console_register_serial(&fake_uart_ops, NULL);
    console_init_postirq();
    CHECK(poll_timer_armed == &console_poll_timer, "poll timer not armed");
    CHECK_EQ(poll_period_armed, MILLISECS(10));
    fake_uart_waiting = 100;
    console_poll_timer.function(console_poll_timer.data);
    CHECK_EQ(nr_keys_seen, 64);
    console_poll_timer.function(console_poll_timer.data);
    CHECK_EQ(nr_keys_seen, 100);
    CHECK_EQ(fake_uart_waiting, 0);
    nr_serial = 0;
    nr_keys_seen = 0;
    reset_console();
}

/* Ctrl-A x3 cycles hypervisor -> each domain by id -> hypervisor; input follows the focus. */
static void test_console_focus(void)
{
    unsigned int i;

    reset_console();
    console_focus = CONSOLE_FOCUS_XEN;
    switch_chars_seen = 0;
    nr_keys_seen = 0;
    memset(fake_doms, 0, sizeof(fake_doms));
    memset(typed, 0, sizeof(typed));
    memset(nr_typed, 0, sizeof(nr_typed));
    /* Listed out of id order: the cycle goes by id. */
    fake_doms[0].domain_id = 7;
    snprintf(fake_doms[0].name, sizeof(fake_doms[0].name), "web");
    fake_doms[1].domain_id = 2;
    fake_doms[0].next_in_list = &fake_doms[1];
    domain_list = &fake_doms[0];

    for (i = 0; i < 3; i++)
        console_input(0x01);
    CHECK(ring_contains("*** Serial input to d2 (type Ctrl-A"), "focus on d2 (no name)");
    console_input('a');
    for (i = 0; i < 3; i++)
        console_input(0x01);
    CHECK(ring_contains("*** Serial input to d7 (web) (type Ctrl-A"), "focus on d7 (web)");
    console_input('b');
    console_input(0x01);
    console_input('c');
    CHECK(!strcmp(typed[1], "a") && !strcmp(typed[0], "b\x01" "c"), "typed: d2 \"%s\", d7 \"%s\"",
          typed[1], typed[0]);
    CHECK(keys_are("", 0), "no debug key while a domain has the focus");
    /* The domain with the focus goes away: input returns to the hypervisor. */
    fake_doms[0].is_dying = true;
    console_input('h');
    CHECK(keys_are("h", 1), "back to the debug keys");
    fake_doms[0].is_dying = false;
    reset_console();
    for (i = 0; i < 9; i++)
        console_input(0x01);
    CHECK(ring_contains("*** Serial input to the hypervisor (type Ctrl-A"), "full cycle back");
    domain_list = NULL;
    reset_console();
}

int main(void)
{
    static const struct test_case cases[] = {
        { "cmdline_bool", test_bool },
        { "cmdline_integers", test_integers },
        { "cmdline_number_parsers", test_number_parsers },
        { "cmdline_sizes", test_sizes },
        { "cmdline_strings", test_strings },
        { "cmdline_custom", test_custom },
        { "cmdline_line", test_line },
        { "cmdline_section_table", test_section_table },
        { "cmdline_com_options", test_com_options },
        { "cmdline_loglvl", test_loglvl },
        { "cmdline_loglvl_filter", test_loglvl_filter },
        { "cmdline_console_devices", test_console_devices },
        { "cmdline_console_input", test_console_input },
        { "cmdline_console_focus", test_console_focus },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
