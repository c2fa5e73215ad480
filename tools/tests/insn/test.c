/*
 * Host tests of the instruction decoders (arch/x86/hvm/insn_len.c and
 * mmio_decode.c):
 * - a hand-written table of instructions in each mode (cases.h);
 * - every truncation of each of them asks for more bytes (-EAGAIN);
 * - an oracle: objdump (binutils, a build dependency) decodes generated
 *   byte streams in 16-, 32- and 64-bit mode and our lengths must match
 *   its lengths, apart from the documented disagreements below;
 * - a fuzz loop under ASan checking the decoder's own invariants;
 * - the MMIO forms with their registers, sizes and immediates.
 * Every decode reads from the very end of a malloc'd block so that
 * AddressSanitizer catches any read past the bytes the decoder was given.
 */
#include "test.h"
#include <unistd.h>
#include <xen/compiler.h>
#include <asm/hvm/insn.h>
#include "cases.h"

static const enum cpu_mode all_modes[] = {CPU_MODE_16, CPU_MODE_32, CPU_MODE_64};
static const char *const mode_name[] = {"16", "32", "64"};

/* ---- Helpers ----------------------------------------------------------------- */

/* Parse "0f 01 f9" into bytes; returns the count. */
static unsigned int parse_hex(const char *s, uint8_t *out, unsigned int max)
{
    unsigned int n = 0;

    while (*s) {
        unsigned int v;
        int used;

        if (*s == ' ') {
            s++;
            continue;
        }
        if (sscanf(s, "%2x%n", &v, &used) != 1 || n == max)
            abort();
        out[n++] = (uint8_t)v;
        s += used;
    }
    return n;
}

/* Copies of the bytes at the very end of a heap block, for ASan. */
static int len_at_end(const uint8_t *b, unsigned int n, enum cpu_mode mode)
{
    uint8_t *p = malloc(n ? n : 1);
    int rc;

    memcpy(p, b, n);
    rc = insn_length(p + (n ? 0 : 1), n, mode);
    free(p);
    return rc;
}

static int mmio_at_end(const uint8_t *b, unsigned int n, enum cpu_mode mode, struct mmio_insn *mi)
{
    uint8_t *p = malloc(n ? n : 1);
    int rc;

    memcpy(p, b, n);
    rc = mmio_decode(p + (n ? 0 : 1), n, mode, mi);
    free(p);
    return rc;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned int rng_below(unsigned int n)
{
    return (unsigned int)(rng_next() % n);
}

/* ---- Hand-written table ------------------------------------------------------ */

static void test_table(void)
{
    unsigned int i, m, entries = 0;

    for (i = 0; i < ARRAY_SIZE(len_cases); i++) {
        uint8_t b[32];
        unsigned int n = parse_hex(len_cases[i].hex, b, sizeof(b));

        for (m = 0; m < 3; m++) {
            int rc;

            if (!(len_cases[i].modes & (1u << m)))
                continue;
            entries++;
            rc = len_at_end(b, n, all_modes[m]);
            CHECK(rc == len_cases[i].len, "%s-bit \"%s\": got %d, expected %d", mode_name[m],
                  len_cases[i].hex, rc, len_cases[i].len);
            /* Trailing bytes never change the answer. */
            if (n < 16) {
                uint8_t more[32];

                memcpy(more, b, n);
                memset(more + n, 0x90, sizeof(more) - n);
                rc = len_at_end(more, sizeof(more), all_modes[m]);
                CHECK(rc == len_cases[i].len, "%s-bit \"%s\" + padding: got %d", mode_name[m],
                      len_cases[i].hex, rc);
            }
        }
    }
    CHECK(entries >= 600, "only %u (instruction, mode) pairs", entries);
    CHECK(ARRAY_SIZE(len_cases) >= 300, "only %zu table rows", ARRAY_SIZE(len_cases));
}

/* Every proper prefix of a valid instruction needs more bytes. */
static void test_truncation(void)
{
    unsigned int i, m, k;

    for (i = 0; i < ARRAY_SIZE(len_cases); i++) {
        uint8_t b[32];
        unsigned int n = parse_hex(len_cases[i].hex, b, sizeof(b));

        if (len_cases[i].len <= 0)
            continue;
        for (m = 0; m < 3; m++) {
            if (!(len_cases[i].modes & (1u << m)))
                continue;
            for (k = 0; k < (unsigned int)len_cases[i].len && k <= n; k++) {
                int rc = len_at_end(b, k, all_modes[m]);

                CHECK(rc == -EAGAIN, "%s-bit \"%s\" cut at %u: got %d", mode_name[m],
                      len_cases[i].hex, k, rc);
            }
        }
    }
}

/* The instructions the SVM exit handlers skip without next-RIP save. */
static void test_intercepted(void)
{
    static const struct {
        const char *hex;
        int len;
    } icpt[] = {
        {"0f a2", 2},       /* CPUID */
        {"0f 32", 2},       /* RDMSR */
        {"0f 30", 2},       /* WRMSR */
        {"f4", 1},          /* HLT */
        {"0f 01 d9", 3},    /* VMMCALL */
        {"0f 01 c1", 3},    /* VMCALL */
        {"0f 01 f9", 3},    /* RDTSCP */
        {"0f 31", 2},       /* RDTSC */
        {"0f 01 d1", 3},    /* XSETBV */
        {"f3 90", 2},       /* PAUSE */
        {"cc", 1},          /* INT3 */
        {"cd 80", 2},       /* INT n */
        {"0f 0b", 2},       /* UD2 */
        {"0f 09", 2},       /* WBINVD */
        {"0f 08", 2},       /* INVD */
        {"0f 01 c8", 3},    /* MONITOR */
        {"0f 01 c9", 3},    /* MWAIT */
        {"0f 22 d8", 3},    /* MOV CR3, rAX */
        {"0f 20 e0", 3},    /* MOV rAX, CR4 */
        {"44 0f 22 c0", 4}, /* MOV CR8, rAX */
        {"0f 23 f8", 3},    /* MOV DR7, rAX */
        {"0f 01 7d 00", 4}, /* INVLPG [rBP+0] */
    };
    unsigned int i, m;

    for (i = 0; i < ARRAY_SIZE(icpt); i++) {
        uint8_t b[16];
        unsigned int n = parse_hex(icpt[i].hex, b, sizeof(b));

        for (m = 0; m < 3; m++) {
            int want = icpt[i].len;

            if (b[0] == 0x44 && all_modes[m] != CPU_MODE_64)
                want = 1; /* INC eSP, then MOV CR0 */
            CHECK(len_at_end(b, n, all_modes[m]) == want, "%s-bit %s", mode_name[m], icpt[i].hex);
        }
    }
}

/* insn_decode() reports where each part of the instruction lies. */
static void test_structure(void)
{
    struct insn_info ii;
    uint8_t b[16];
    unsigned int n;

    /* lock add qword [rax+rcx*4+0x12345678], 0x12345678 */
    n = parse_hex("f0 48 81 84 88 78 56 34 12 78 56 34 12", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 13);
    CHECK(ii.lock && ii.has_rex && ii.rex == 0x48, "prefixes");
    CHECK_EQ(ii.op_bytes, 8);
    CHECK_EQ(ii.addr_bytes, 8);
    CHECK_EQ(ii.map, INSN_MAP_1BYTE);
    CHECK_EQ(ii.opcode, 0x81);
    CHECK_EQ(ii.opc_off, 2);
    CHECK_EQ(ii.modrm_off, 3);
    CHECK(ii.has_modrm && ii.modrm == 0x84 && ii.has_sib && ii.sib == 0x88, "modrm/sib");
    CHECK_EQ(ii.disp_off, 5);
    CHECK_EQ(ii.disp_len, 4);
    CHECK_EQ(ii.imm_off, 9);
    CHECK_EQ(ii.imm_len, 4);

    /* mov ax, fs:[bp+di+0x10] in 16-bit code */
    n = parse_hex("64 8b 43 10", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_16, &ii), 4);
    CHECK_EQ(ii.seg, INSN_SEG_FS);
    CHECK_EQ(ii.op_bytes, 2);
    CHECK_EQ(ii.addr_bytes, 2);
    CHECK(!ii.has_sib, "no SIB in 16-bit addressing");
    CHECK_EQ(ii.disp_len, 1);

    /* ENTER: iw then ib, recorded as three immediate bytes */
    n = parse_hex("c8 10 00 01", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_32, &ii), 4);
    CHECK_EQ(ii.imm_off, 1);
    CHECK_EQ(ii.imm_len, 3);

    /* moffs is reported as a displacement */
    n = parse_hex("48 a1 00 00 e0 fe 00 00 00 00", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 10);
    CHECK_EQ(ii.disp_off, 2);
    CHECK_EQ(ii.disp_len, 8);
    CHECK_EQ(ii.imm_len, 0);

    /* VEX: map, opcode */
    n = parse_hex("c4 e3 79 0f c1 08", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 6);
    CHECK_EQ(ii.encoding, INSN_ENC_VEX);
    CHECK_EQ(ii.map, INSN_MAP_0F3A);
    CHECK_EQ(ii.opcode, 0x0f);
    CHECK_EQ(ii.imm_len, 1);

    /* EVEX */
    n = parse_hex("62 f5 7c 48 58 c1", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 6);
    CHECK_EQ(ii.encoding, INSN_ENC_EVEX);
    CHECK_EQ(ii.map, INSN_MAP_5);

    /* 3-byte legacy map */
    n = parse_hex("66 0f 38 82 08", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 5);
    CHECK_EQ(ii.map, INSN_MAP_0F38);
    CHECK_EQ(ii.opcode, 0x82);
    CHECK(ii.opsize_prefix, "66");

    /* A REX before a legacy prefix is void. */
    n = parse_hex("48 66 89 c0", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 4);
    CHECK(!ii.has_rex && ii.op_bytes == 2, "REX dropped, op_bytes %u", ii.op_bytes);

    /* A bare REX 40 still counts as a REX. */
    n = parse_hex("40 88 c4", b, sizeof(b));
    CHECK_EQ(insn_decode(b, n, CPU_MODE_64, &ii), 3);
    CHECK(ii.has_rex && ii.rex == 0x40, "REX 40");

    CHECK_EQ(insn_decode(b, n, (enum cpu_mode)7, &ii), -EINVAL);
}

static void test_cpu_mode(void)
{
    CHECK_EQ(insn_cpu_mode(false, false, false, false, false), CPU_MODE_16);
    CHECK_EQ(insn_cpu_mode(false, false, false, false, true), CPU_MODE_16);
    CHECK_EQ(insn_cpu_mode(true, true, false, false, true), CPU_MODE_16);
    CHECK_EQ(insn_cpu_mode(true, false, false, false, false), CPU_MODE_16);
    CHECK_EQ(insn_cpu_mode(true, false, false, false, true), CPU_MODE_32);
    CHECK_EQ(insn_cpu_mode(true, false, true, false, true), CPU_MODE_32);
    CHECK_EQ(insn_cpu_mode(true, false, true, true, false), CPU_MODE_64);
    CHECK_EQ(insn_cpu_mode(true, false, false, true, true), CPU_MODE_32);
}

/* ---- The objdump oracle ------------------------------------------------------ */

/*
 * Byte streams that look like code: random prefixes, REX, an opcode from
 * each map (VEX and EVEX headers made plausible for the mode), then random
 * operand bytes.  objdump decodes the stream in order, so the random tails
 * become instructions too.
 */
static size_t gen_stream(uint8_t *out, size_t max, unsigned int items, enum cpu_mode mode)
{
    static const uint8_t pfx[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x36};
    static const uint8_t evex_maps[] = {1, 2, 3, 5, 6};
    uint8_t force_mod3 = mode == CPU_MODE_64 ? 0 : 0xc0;
    size_t n = 0;
    unsigned int i, k;

    for (i = 0; i < items && n + 32 < max; i++) {
        unsigned int r = rng_below(100);

        if (rng_below(10) < 3)
            for (k = rng_below(3) + 1; k; k--)
                out[n++] = pfx[rng_below(sizeof(pfx))];
        if (mode == CPU_MODE_64 && rng_below(10) < 4)
            out[n++] = (uint8_t)(0x40 + rng_below(16));
        if (r < 40) {
            out[n++] = (uint8_t)rng_next();
        } else if (r < 70) {
            out[n++] = 0x0f;
            out[n++] = (uint8_t)rng_next();
        } else if (r < 77) {
            out[n++] = 0x0f;
            out[n++] = 0x38;
            out[n++] = (uint8_t)rng_next();
        } else if (r < 84) {
            out[n++] = 0x0f;
            out[n++] = 0x3a;
            out[n++] = (uint8_t)rng_next();
        } else if (r < 88) {
            out[n++] = 0xc5;
            out[n++] = (uint8_t)rng_next() | force_mod3;
            out[n++] = (uint8_t)rng_next();
        } else if (r < 92) {
            out[n++] = 0xc4;
            out[n++] = (uint8_t)((rng_below(8) << 5) | (rng_below(3) + 1)) | force_mod3;
            out[n++] = (uint8_t)rng_next();
            out[n++] = (uint8_t)rng_next();
        } else {
            out[n++] = 0x62;
            out[n++] =
                (uint8_t)(((uint8_t)rng_next() & 0xf0) | evex_maps[rng_below(5)]) | force_mod3;
            out[n++] = (uint8_t)rng_next() | 0x04;
            out[n++] = (uint8_t)rng_next();
            out[n++] = (uint8_t)rng_next();
        }
        for (k = rng_below(10) + 1; k; k--)
            out[n++] = (uint8_t)rng_next();
    }
    return n;
}

struct od_insn {
    uint32_t off;
    bool bad;         /* "(bad)" or ".byte": objdump found no instruction */
    bool prefix_only; /* objdump printed prefixes as an instruction of their own */
};

static bool is_prefix_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "data16", "data32", "addr16",  "addr32", "lock",     "rep",      "repz",
        "repnz",  "repe",   "repne",   "cs",     "ds",       "es",       "ss",
        "fs",     "gs",     "notrack", "bnd",    "xacquire", "xrelease", "rex",
    };
    size_t i;

    if (n > 4 && !strncmp(w, "rex.", 4))
        return true;
    for (i = 0; i < ARRAY_SIZE(words); i++)
        if (strlen(words[i]) == n && !strncmp(w, words[i], n))
            return true;
    return false;
}

static bool text_is_prefixes_only(const char *t)
{
    bool any = false;

    while (*t) {
        size_t n;

        while (*t == ' ' || *t == '\t' || *t == '\n')
            t++;
        if (!*t)
            break;
        n = strcspn(t, " \t\n");
        if (!is_prefix_word(t, n))
            return false;
        any = true;
        t += n;
    }
    return any;
}

/* Decode data with objdump; fills out[] with one entry per line, returns the count. */
static size_t objdump_decode(const uint8_t *data, size_t len, const char *machine,
                             struct od_insn *out, size_t max)
{
    char path[] = "/tmp/insn-oracle-XXXXXX";
    char cmd[256], line[512];
    int fd = mkstemp(path);
    size_t n = 0;
    FILE *p;

    if (fd < 0)
        return 0;
    if (write(fd, data, len) != (ssize_t)len) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    snprintf(cmd, sizeof(cmd), "objdump -D -b binary -m %s --insn-width=16 -w %s 2>/dev/null",
             machine, path);
    p = popen(cmd, "r");
    while (p && fgets(line, sizeof(line), p) && n < max) {
        unsigned int off;
        char *t1, *t2;

        if (sscanf(line, " %x:", &off) != 1 || !(t1 = strchr(line, '\t')))
            continue;
        t2 = strchr(t1 + 1, '\t');
        out[n].off = off;
        out[n].bad = !t2 || strstr(t2, "(bad)") || strstr(t2, ".byte");
        out[n].prefix_only = t2 && text_is_prefixes_only(t2 + 1);
        n++;
    }
    if (p)
        pclose(p);
    unlink(path);
    return n;
}

/* Where objdump and we disagree on purpose (see the file header of insn_len.c). */
enum od_disagreement {
    OD_NONE,
    OD_VEX_AFTER_PREFIX, /* objdump decodes it; the CPU raises #UD */
    OD_3DNOW,            /* AMD's withdrawn 3DNow!: we refuse it */
    OD_MOV_TR,           /* 0F 24 / 0F 26: 386/486 test registers, #UD since */
    OD_FWAIT,            /* objdump folds 9B into the x87 instruction after it */
    OD_PADLOCK,          /* 0F A6 / 0F A7: VIA PadLock, on neither Intel nor AMD */
};

static enum od_disagreement od_classify(const uint8_t *b, unsigned int n, enum cpu_mode mode,
                                        unsigned int *opc_pos)
{
    unsigned int i = 0;
    bool bad_pfx = false;

    while (i < n && i < INSN_MAX_LEN) {
        uint8_t c = b[i];

        if (c == 0x66 || c == 0xf2 || c == 0xf3 || c == 0xf0 ||
            (mode == CPU_MODE_64 && (c & 0xf0) == 0x40)) {
            bad_pfx = true;
        } else if (!(c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e || c == 0x64 || c == 0x65 ||
                     c == 0x67)) {
            break;
        }
        i++;
    }
    *opc_pos = i;
    if (i + 1 >= n)
        return OD_NONE;
    if (bad_pfx && (b[i] == 0xc4 || b[i] == 0xc5 || b[i] == 0x62) &&
        (mode == CPU_MODE_64 || (b[i + 1] >> 6) == 3))
        return OD_VEX_AFTER_PREFIX;
    if (b[i] == 0x0f && (b[i + 1] == 0x0f || b[i + 1] == 0x0e))
        return OD_3DNOW;
    if (b[i] == 0x0f && (b[i + 1] == 0x24 || b[i + 1] == 0x26))
        return OD_MOV_TR;
    if (b[i] == 0x9b)
        return OD_FWAIT;
    if (b[i] == 0x0f && (b[i + 1] == 0xa6 || b[i + 1] == 0xa7))
        return OD_PADLOCK;
    return OD_NONE;
}

/*
 * objdump prints some prefixes as an instruction of their own: a REX that
 * a later prefix voids, or prefixes beyond its own limit.  Joining them to
 * the next instruction gives the CPU's length only when they are all REX
 * bytes (void, and objdump decoded the rest without them); a legacy prefix
 * printed alone would change how the rest decodes, so such runs are skipped
 * (the hand-written table covers those rules).
 */
static bool od_split_is_rex_only(const uint8_t *b, unsigned int n, enum cpu_mode mode)
{
    unsigned int k;

    for (k = 0; k < n; k++)
        if (mode != CPU_MODE_64 || (b[k] & 0xf0) != 0x40)
            return false;
    return true;
}

static void oracle_mode(enum cpu_mode mode, const char *machine)
{
    enum { STREAM_MAX = 96 * 1024, ITEMS = 9000 };
    uint8_t *data = calloc(1, STREAM_MAX + 16);
    struct od_insn *od = calloc(STREAM_MAX + 16, sizeof(*od));
    size_t len, n, i;
    unsigned int agree = 0, skipped_bad = 0, skipped_split = 0, skipped_long = 0;
    unsigned int intentional = 0;

    len = gen_stream(data, STREAM_MAX, ITEMS, mode);
    memset(data + len, 0x90, 16); /* so that the last real instruction ends cleanly */
    n = objdump_decode(data, len + 16, machine, od, STREAM_MAX + 16);
    CHECK(n > 1000, "objdump (binutils) decoded only %zu lines in %s-bit mode", n, mode_name[mode]);

    for (i = 0; i + 1 < n && od[i].off < len;) {
        size_t j = i;
        unsigned int off = od[i].off, olen, pos;
        bool bad = false;
        enum od_disagreement why;
        int ours;

        while (od[j].prefix_only && j + 2 < n)
            j++;
        olen = od[j + 1].off - off;
        for (; i <= j; i++)
            bad |= od[i].bad;
        if (bad) {
            skipped_bad++;
            continue;
        }
        if (!od_split_is_rex_only(data + off, od[j].off - off, mode)) {
            skipped_split++;
            continue;
        }
        if (olen > INSN_MAX_LEN) {
            skipped_long++;
            continue;
        }
        ours = insn_length(data + off, (unsigned int)(len + 16 - off), mode);
        why = od_classify(data + off, olen, mode, &pos);
        if (why == OD_FWAIT && ours == (int)olen)
            why = OD_NONE; /* a lone FWAIT: no folding happened */
        switch (why) {
        case OD_VEX_AFTER_PREFIX:
        case OD_3DNOW:
        case OD_MOV_TR:
        case OD_PADLOCK:
            intentional++;
            CHECK(ours == -EINVAL, "%s-bit @%#x (len %u, class %d): got %d", mode_name[mode], off,
                  olen, why, ours);
            break;
        case OD_FWAIT:
            intentional++;
            CHECK(ours == (int)pos + 1 && insn_length(data + off + pos + 1, olen - pos - 1, mode) ==
                                              (int)(olen - pos - 1),
                  "%s-bit @%#x: FWAIT then %u bytes, got %d", mode_name[mode], off, olen, ours);
            break;
        case OD_NONE:
        default:
            agree += ours == (int)olen;
            CHECK(ours == (int)olen, "%s-bit @%#x: objdump %u, ours %d", mode_name[mode], off, olen,
                  ours);
            if (ours != (int)olen) {
                unsigned int k;

                printf("    bytes:");
                for (k = 0; k < olen; k++)
                    printf(" %02x", data[off + k]);
                printf("\n");
            }
            break;
        }
    }
    printf("    oracle %s-bit: %u agree, %u intentional differences; skipped: %u objdump (bad), "
           "%u prefixes objdump split off, %u over 15 bytes\n",
           mode_name[mode], agree, intentional, skipped_bad, skipped_split, skipped_long);
    CHECK(agree >= 8000, "%s-bit: only %u instructions compared", mode_name[mode], agree);
    free(od);
    free(data);
}

static void test_oracle_64(void)
{
    rng_state = 0x5eed0064;
    oracle_mode(CPU_MODE_64, "i386:x86-64");
}

static void test_oracle_32(void)
{
    rng_state = 0x5eed0032;
    oracle_mode(CPU_MODE_32, "i386");
}

static void test_oracle_16(void)
{
    rng_state = 0x5eed0016;
    oracle_mode(CPU_MODE_16, "i8086");
}

/* ---- Fuzzing ----------------------------------------------------------------- */

static uint8_t fuzz_byte(void)
{
    static const uint8_t hot[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x65, 0x48, 0x41, 0x0f,
                                  0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0xf6, 0xf7, 0xa1, 0xc7,
                                  0x01, 0x04, 0x05, 0x44, 0x84, 0x24, 0x25, 0xc0, 0xff, 0x00};

    return rng_below(10) < 4 ? hot[rng_below(sizeof(hot))] : (uint8_t)rng_next();
}

static void test_fuzz(void)
{
    unsigned int iter, bad = 0, ok = 0;

    rng_state = 0xf0220;
    for (iter = 0; iter < 200000; iter++) {
        uint8_t b[24];
        unsigned int n = rng_below(sizeof(b) + 1), k;
        enum cpu_mode mode = all_modes[rng_below(3)];
        struct mmio_insn mi;
        int rc, rc2;

        for (k = 0; k < n; k++)
            b[k] = fuzz_byte();
        rc = len_at_end(b, n, mode);
        if (rc != -EAGAIN && rc != -EINVAL && (rc < 1 || rc > INSN_MAX_LEN || rc > (int)n)) {
            bad++;
            CHECK(false, "length %d for %u bytes", rc, n);
            continue;
        }
        /* MMIO decoding agrees on the length whenever it accepts. */
        rc2 = mmio_at_end(b, n, mode, &mi);
        if (rc2 > 0 && rc2 != rc) {
            bad++;
            CHECK(false, "mmio length %d, insn length %d", rc2, rc);
        }
        if (rc2 > 0 && (mi.size < 1 || mi.size > 8 || mi.reg > 15)) {
            bad++;
            CHECK(false, "mmio size %u reg %u", mi.size, mi.reg);
        }
        if (rc2 < 0 && rc > 0 && rc2 != -EOPNOTSUPP && rc2 != -EINVAL) {
            bad++;
            CHECK(false, "mmio error %d", rc2);
        }
        if (rc <= 0)
            continue;
        ok++;
        /* Exactly rc bytes suffice; any fewer do not. */
        if (len_at_end(b, (unsigned int)rc, mode) != rc) {
            bad++;
            CHECK(false, "not stable with exactly %d bytes", rc);
        }
        for (k = 0; k < (unsigned int)rc; k++) {
            if (len_at_end(b, k, mode) != -EAGAIN) {
                bad++;
                CHECK(false, "prefix of %u bytes of a %d-byte instruction", k, rc);
                break;
            }
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(ok > 50000, "only %u valid instructions fuzzed", ok);
}

/* ---- MMIO forms -------------------------------------------------------------- */

struct mmio_case {
    unsigned int modes;
    const char *hex;
    int len;
    enum mmio_kind kind;
    unsigned int size, reg_size, reg;
    bool high8;
    enum mmio_ext ext;
    uint64_t imm;
};

#define LD MMIO_LOAD
#define ST MMIO_STORE
#define SI MMIO_STORE_IMM
#define XC MMIO_XCHG
#define NX MMIO_EXT_NONE
#define ZX MMIO_EXT_ZERO
#define SX MMIO_EXT_SIGN

static const struct mmio_case mmio_cases[] = {
    /* mov [mem], reg */
    {W32, "89 05 00 00 00 00", 6, ST, 4, 4, 0, false, NX, 0},
    {W32, "89 08", 2, ST, 4, 4, 1, false, NX, 0},
    {W32, "89 50 20", 3, ST, 4, 4, 2, false, NX, 0},
    {B64, "89 1c 25 b0 00 e0 fe", 7, ST, 4, 4, 3, false, NX, 0},
    {B64, "44 89 00", 3, ST, 4, 4, 8, false, NX, 0},
    {B64, "45 89 38", 3, ST, 4, 4, 15, false, NX, 0},
    {B64, "48 89 30", 3, ST, 8, 8, 6, false, NX, 0},
    {B64, "4c 89 60 10", 4, ST, 8, 8, 12, false, NX, 0},
    {B64, "66 89 38", 3, ST, 2, 2, 7, false, NX, 0},
    {B64, "66 44 89 08", 4, ST, 2, 2, 9, false, NX, 0},
    {B16, "89 07", 2, ST, 2, 2, 0, false, NX, 0},
    {B16, "66 89 0e 00 03", 5, ST, 4, 4, 1, false, NX, 0},
    {B32, "66 89 08", 3, ST, 2, 2, 1, false, NX, 0},
    {W32, "f3 89 08", 3, ST, 4, 4, 1, false, NX, 0}, /* XRELEASE is harmless */
    /* mov [mem], reg8: AH..BH without REX, SPL..DIL with */
    {ALL, "88 00", 2, ST, 1, 1, 0, false, NX, 0},
    {ALL, "88 20", 2, ST, 1, 1, 0, true, NX, 0},
    {ALL, "88 28", 2, ST, 1, 1, 1, true, NX, 0},
    {ALL, "88 30", 2, ST, 1, 1, 2, true, NX, 0},
    {ALL, "88 38", 2, ST, 1, 1, 3, true, NX, 0},
    {B64, "40 88 20", 3, ST, 1, 1, 4, false, NX, 0},
    {B64, "40 88 38", 3, ST, 1, 1, 7, false, NX, 0},
    {B64, "41 88 20", 3, ST, 1, 1, 4, false, NX, 0},
    {B64, "44 88 20", 3, ST, 1, 1, 12, false, NX, 0},
    {B64, "48 88 20", 3, ST, 1, 1, 4, false, NX, 0},
    /* mov reg, [mem] */
    {W32, "8b 05 00 00 00 00", 6, LD, 4, 4, 0, false, NX, 0},
    {W32, "8b 88 00 03 00 00", 6, LD, 4, 4, 1, false, NX, 0},
    {B64, "8b 04 25 20 00 e0 fe", 7, LD, 4, 4, 0, false, NX, 0},
    {B64, "48 8b 43 08", 4, LD, 8, 8, 0, false, NX, 0},
    {B64, "4c 8b 3f", 3, LD, 8, 8, 15, false, NX, 0},
    {B64, "44 8b 4d 00", 4, LD, 4, 4, 9, false, NX, 0},
    {B16, "8b 16 20 00", 4, LD, 2, 2, 2, false, NX, 0},
    {B16, "66 8b 16 20 00", 5, LD, 4, 4, 2, false, NX, 0},
    {B16, "67 66 8b 15 20 00 e0 fe", 8, LD, 4, 4, 2, false, NX, 0},
    {ALL, "8a 00", 2, LD, 1, 1, 0, false, NX, 0},
    {ALL, "8a 38", 2, LD, 1, 1, 3, true, NX, 0},
    {B64, "40 8a 38", 3, LD, 1, 1, 7, false, NX, 0},
    {B64, "44 8a 38", 3, LD, 1, 1, 15, false, NX, 0},
    /* moffs: the accumulator */
    {B64, "a1 20 00 e0 fe 00 00 00 00", 9, LD, 4, 4, 0, false, NX, 0},
    {B64, "48 a1 20 00 e0 fe 00 00 00 00", 10, LD, 8, 8, 0, false, NX, 0},
    {B64, "a0 20 00 e0 fe 00 00 00 00", 9, LD, 1, 1, 0, false, NX, 0},
    {B64, "a3 b0 00 e0 fe 00 00 00 00", 9, ST, 4, 4, 0, false, NX, 0},
    {B64, "a2 b0 00 e0 fe 00 00 00 00", 9, ST, 1, 1, 0, false, NX, 0},
    {B64, "67 a3 b0 00 e0 fe", 6, ST, 4, 4, 0, false, NX, 0},
    {B64, "66 a3 b0 00 e0 fe 00 00 00 00", 10, ST, 2, 2, 0, false, NX, 0},
    {B32, "a1 20 00 e0 fe", 5, LD, 4, 4, 0, false, NX, 0},
    {B32, "a3 b0 00 e0 fe", 5, ST, 4, 4, 0, false, NX, 0},
    {B16, "a1 20 00", 3, LD, 2, 2, 0, false, NX, 0},
    {B16, "66 67 a3 b0 00 e0 fe", 7, ST, 4, 4, 0, false, NX, 0},
    /* mov [mem], imm */
    {W32, "c7 05 b0 00 e0 fe 00 00 00 00", 10, SI, 4, 4, 0, false, NX, 0},
    {W32, "c7 40 10 ff 00 00 00", 7, SI, 4, 4, 0, false, NX, 0xff},
    {B64, "48 c7 00 ff ff ff ff", 7, SI, 8, 8, 0, false, NX, 0xffffffffffffffffULL},
    {B64, "48 c7 00 ff ff ff 7f", 7, SI, 8, 8, 0, false, NX, 0x7fffffffULL},
    {B64, "66 c7 00 34 12", 5, SI, 2, 2, 0, false, NX, 0x1234},
    {B64, "41 c7 04 24 78 56 34 12", 8, SI, 4, 4, 0, false, NX, 0x12345678},
    {B16, "c7 06 b0 00 34 12", 6, SI, 2, 2, 0, false, NX, 0x1234},
    {B16, "66 c7 06 b0 00 78 56 34 12", 9, SI, 4, 4, 0, false, NX, 0x12345678},
    {ALL, "c6 00 80", 3, SI, 1, 1, 0, false, NX, 0x80},
    {B64, "c6 04 25 00 00 e0 fe 5a", 8, SI, 1, 1, 0, false, NX, 0x5a},
    /* movzx / movsx */
    {W32, "0f b6 00", 3, LD, 1, 4, 0, false, ZX, 0},
    {W32, "0f b7 08", 3, LD, 2, 4, 1, false, ZX, 0},
    {W32, "0f be 10", 3, LD, 1, 4, 2, false, SX, 0},
    {W32, "0f bf 18", 3, LD, 2, 4, 3, false, SX, 0},
    {B64, "48 0f b6 20", 4, LD, 1, 8, 4, false, ZX, 0},
    {B64, "4c 0f bf 38", 4, LD, 2, 8, 15, false, SX, 0},
    {W32, "66 0f b6 20", 4, LD, 1, 2, 4, false, ZX, 0},
    {B16, "0f b6 06 00 10", 5, LD, 1, 2, 0, false, ZX, 0},
    {B16, "66 0f be 06 00 10", 6, LD, 1, 4, 0, false, SX, 0},
    /* xchg */
    {W32, "87 05 00 00 00 00", 6, XC, 4, 4, 0, false, NX, 0},
    {B64, "48 87 08", 3, XC, 8, 8, 1, false, NX, 0},
    {B64, "f0 4c 87 10", 4, XC, 8, 8, 10, false, NX, 0},
    {ALL, "86 20", 2, XC, 1, 1, 0, true, NX, 0},
    {B64, "40 86 20", 3, XC, 1, 1, 4, false, NX, 0},
    {B16, "87 07", 2, XC, 2, 2, 0, false, NX, 0},
};

static void test_mmio_forms(void)
{
    unsigned int i, m, checked = 0;

    for (i = 0; i < ARRAY_SIZE(mmio_cases); i++) {
        const struct mmio_case *c = &mmio_cases[i];
        uint8_t b[16];
        unsigned int n = parse_hex(c->hex, b, sizeof(b)), k;

        for (m = 0; m < 3; m++) {
            struct mmio_insn mi;
            int rc;

            if (!(c->modes & (1u << m)))
                continue;
            checked++;
            rc = mmio_at_end(b, n, all_modes[m], &mi);
            CHECK(rc == c->len && mi.len == c->len, "%s-bit \"%s\": rc %d len %u", mode_name[m],
                  c->hex, rc, mi.len);
            CHECK(mi.kind == c->kind && mi.size == c->size && mi.reg_size == c->reg_size &&
                      mi.reg == c->reg && mi.reg_high8 == c->high8 && mi.ext == c->ext,
                  "%s-bit \"%s\": kind %u size %u reg_size %u reg %u high8 %d ext %u", mode_name[m],
                  c->hex, mi.kind, mi.size, mi.reg_size, mi.reg, mi.reg_high8, mi.ext);
            if (c->kind == MMIO_STORE_IMM)
                CHECK(mi.imm == c->imm, "%s-bit \"%s\": imm %#llx", mode_name[m], c->hex,
                      (unsigned long long)mi.imm);
            CHECK(rc == insn_length(b, n, all_modes[m]), "agrees with insn_length");
            for (k = 0; k < n; k++)
                CHECK(mmio_at_end(b, k, all_modes[m], &mi) == -EAGAIN, "\"%s\" cut at %u", c->hex,
                      k);
        }
    }
    CHECK(checked >= 100, "only %u form checks", checked);
}

static void test_mmio_rejects(void)
{
    static const struct {
        unsigned int modes;
        const char *hex;
        int rc;
    } rej[] = {
        /* valid instructions, but not forms the MMIO path handles */
        {ALL, "01 00", -EOPNOTSUPP},             /* add [mem], reg */
        {ALL, "21 08", -EOPNOTSUPP},             /* and */
        {ALL, "09 08", -EOPNOTSUPP},             /* or */
        {ALL, "31 08", -EOPNOTSUPP},             /* xor */
        {ALL, "f0 0f b1 0a", -EOPNOTSUPP},       /* lock cmpxchg */
        {ALL, "ff 00", -EOPNOTSUPP},             /* inc [mem] */
        {ALL, "a5", -EOPNOTSUPP},                /* movs */
        {ALL, "f3 ab", -EOPNOTSUPP},             /* rep stos */
        {W32, "0f 10 00", -EOPNOTSUPP},          /* movups */
        {W32, "66 0f 6f 00", -EOPNOTSUPP},       /* movdqa */
        {W32, "c5 f9 6f 00", -EOPNOTSUPP},       /* vmovdqa */
        {B64, "62 f1 7c 48 10 00", -EOPNOTSUPP}, /* vmovups zmm */
        {ALL, "c6 08 01", -EINVAL},              /* c6 /1 undefined */
        {ALL, "c6 f8 01", -EOPNOTSUPP},          /* xabort */
        {W32, "c7 f8 00 00 00 00", -EOPNOTSUPP}, /* xbegin */
        {ALL, "8f 00", -EOPNOTSUPP},             /* pop [mem] */
        {W32, "0f b8 00", -EOPNOTSUPP},          /* popcnt without f3: not MMIO either */
        {ALL, "0f a2", -EOPNOTSUPP},
        {ALL, "84 00", -EOPNOTSUPP}, /* test */
        {ALL, "3b 00", -EOPNOTSUPP}, /* cmp */
        /* register-only forms touch no memory */
        {ALL, "89 c0", -EINVAL},
        {ALL, "8b c8", -EINVAL},
        {ALL, "88 e0", -EINVAL},
        {ALL, "c7 c0 00 00 00 00", -EINVAL},
        {ALL, "c6 c0 00", -EINVAL},
        {ALL, "0f b6 c0", -EINVAL},
        {ALL, "87 c8", -EINVAL},
        /* LOCK MOV is #UD */
        {W32, "f0 89 00", -EINVAL},
        {W32, "f0 c7 00 00 00 00 00", -EINVAL},
        /* invalid or truncated */
        {B64, "06", -EINVAL},
        {ALL, "8b", -EAGAIN},
        {W32, "8b 05 00 00", -EAGAIN},
    };
    unsigned int i, m;

    for (i = 0; i < ARRAY_SIZE(rej); i++) {
        uint8_t b[16];
        unsigned int n = parse_hex(rej[i].hex, b, sizeof(b));

        for (m = 0; m < 3; m++) {
            struct mmio_insn mi;
            int rc;

            if (!(rej[i].modes & (1u << m)))
                continue;
            memset(&mi, 0xa5, sizeof(mi));
            rc = mmio_at_end(b, n, all_modes[m], &mi);
            CHECK(rc == rej[i].rc, "%s-bit \"%s\": got %d, expected %d", mode_name[m], rej[i].hex,
                  rc, rej[i].rc);
            CHECK(mi.len == 0, "output cleared on failure");
        }
    }
}

/* Applying a decoded access to the register file. */
static void test_mmio_results(void)
{
    struct mmio_insn mi;
    uint8_t b[16];
    unsigned int n;
    const uint64_t old = 0x1122334455667788ULL;

    /* mov eax, [mem]: 32-bit write clears the upper half */
    n = parse_hex("8b 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 2);
    CHECK_EQ(mmio_reg_result(&mi, old, 0xfee00000ULL), 0xfee00000ULL);
    /* mov ax, [mem]: keeps bits 63:16 */
    n = parse_hex("66 8b 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_reg_result(&mi, old, 0xabcd), 0x112233445566abcdULL);
    /* mov al, [mem] */
    n = parse_hex("8a 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 2);
    CHECK_EQ(mmio_reg_result(&mi, old, 0x1ef), 0x11223344556677efULL);
    /* mov ah, [mem]: bits 15:8 */
    n = parse_hex("8a 20", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 2);
    CHECK(mi.reg == 0 && mi.reg_high8, "AH");
    CHECK_EQ(mmio_reg_result(&mi, old, 0xef), 0x112233445566ef88ULL);
    /* mov [mem], bh */
    n = parse_hex("88 38", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 2);
    CHECK_EQ(mmio_store_value(&mi, 0xaabbccddULL), 0xccULL);
    /* mov [mem], dil */
    n = parse_hex("40 88 38", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_store_value(&mi, 0xaabbccddULL), 0xddULL);
    /* mov rax, [mem] */
    n = parse_hex("48 8b 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_reg_result(&mi, old, 0xdeadbeefcafef00dULL), 0xdeadbeefcafef00dULL);
    /* movsx eax, byte [mem] */
    n = parse_hex("0f be 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_reg_result(&mi, old, 0x80), 0xffffff80ULL);
    CHECK_EQ(mmio_reg_result(&mi, old, 0x7f), 0x7fULL);
    /* movsx rax, word [mem] */
    n = parse_hex("48 0f bf 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 4);
    CHECK_EQ(mmio_reg_result(&mi, old, 0x8000), 0xffffffffffff8000ULL);
    /* movsx ax, byte [mem] keeps bits 63:16 */
    n = parse_hex("66 0f be 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 4);
    CHECK_EQ(mmio_reg_result(&mi, old, 0xff), 0x112233445566ffffULL);
    /* movzx eax, word [mem] */
    n = parse_hex("0f b7 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_reg_result(&mi, old, 0xffff), 0xffffULL);
    /* store of a register, masked to the access size */
    n = parse_hex("66 89 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 3);
    CHECK_EQ(mmio_store_value(&mi, old), 0x7788ULL);
    /* store of an immediate ignores the register */
    n = parse_hex("c7 00 0b 00 00 00", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 6);
    CHECK_EQ(mmio_store_value(&mi, old), 0xbULL);
    /* xchg: the register gets memory, memory gets the register */
    n = parse_hex("87 08", b, sizeof(b));
    CHECK_EQ(mmio_decode(b, n, CPU_MODE_64, &mi), 2);
    CHECK_EQ(mmio_store_value(&mi, old), 0x55667788ULL);
    CHECK_EQ(mmio_reg_result(&mi, old, 0x12345678), 0x12345678ULL);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"insn_table", test_table},
        {"insn_truncation", test_truncation},
        {"insn_intercepted", test_intercepted},
        {"insn_structure", test_structure},
        {"insn_cpu_mode", test_cpu_mode},
        {"insn_oracle_64", test_oracle_64},
        {"insn_oracle_32", test_oracle_32},
        {"insn_oracle_16", test_oracle_16},
        {"insn_fuzz", test_fuzz},
        {"mmio_forms", test_mmio_forms},
        {"mmio_rejects", test_mmio_rejects},
        {"mmio_results", test_mmio_results},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
