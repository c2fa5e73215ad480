/*
 * Host tests of the decompressors (common/lib/inflate.c, unxz.c), their
 * checksums (crc.c, sha256.c), format detection (decompress.c) and the
 * bzImage payload locator (bzimage.c).
 *
 * zlib and liblzma are the oracles: data of many shapes is compressed with
 * them at every level and filter setting, and the output must match byte
 * for byte.  Truncated and corrupted inputs must fail cleanly; inputs sit
 * at the end of their allocation and outputs are allocated to exactly the
 * limit given, so AddressSanitizer catches any overrun.
 *
 * TEST_VMLINUZ=<path> decodes a real Linux bzImage completely and checks
 * the ELF inside for a PVH note.
 */
#include "test.h"
#include <xen/decompress.h>
#include <xen/crc.h>
#include <xen/sha256.h>
#include <xen/elf.h>
#include <xen/errno.h>
#include <zlib.h>
#include <lzma.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>

static uint8_t work[DECOMPRESS_WORKSPACE_SIZE] __attribute__((aligned(64)));
static struct decompress_result res;

/* ---- Data ------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void seed(uint64_t s)
{
    rng_state = s * 0x9e3779b97f4a7c15ULL + 1;
}

enum shape { RANDOM, TEXT, RUNS, ZEROS, MIXED, CODE, NR_SHAPES };
static const char *const shape_names[] = { "random", "text", "runs", "zeros", "mixed", "code" };

static uint8_t *code_sample;
static size_t code_sample_len;

/* x86 machine code with its CALLs and JMPs: this very program. */
static void load_code_sample(void)
{
    FILE *f;

    if (code_sample)
        return;
    code_sample = malloc(1 << 22);
    f = fopen("/proc/self/exe", "rb");
    code_sample_len = f ? fread(code_sample, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    if (!code_sample_len) {
        memset(code_sample, 0xe8, 4096);
        code_sample_len = 4096;
    }
}

static void gen(enum shape shape, uint8_t *b, size_t n, uint64_t s)
{
    static const char *const words[] = {
        "xen", "domain", "hypervisor", "the", "of", "memory", "event", "channel", "grant",
        "page", "table", "\n", "vcpu", "0x1000", "PVH", "a", "kernel", "init", ", ", "\t",
    };
    size_t i = 0, k;

    seed(s);
    switch (shape) {
    case RANDOM:
        for (; i < n; i++)
            b[i] = (uint8_t)rnd();
        break;
    case TEXT:
        while (i < n) {
            const char *w = words[rnd() % ARRAY_SIZE(words)];

            for (k = 0; w[k] && i < n; k++)
                b[i++] = (uint8_t)w[k];
            if (i < n)
                b[i++] = ' ';
        }
        break;
    case RUNS:
        while (i < n) {
            uint8_t v = (uint8_t)rnd();

            for (k = 1 + rnd() % 300; k && i < n; k--)
                b[i++] = v;
        }
        break;
    case ZEROS:
        memset(b, 0, n);
        break;
    case MIXED:
        while (i < n) {
            size_t len = 1 + (size_t)(rnd() % 9000);

            if (len > n - i)
                len = n - i;
            gen((enum shape)(rnd() % 4), b + i, len, rnd());
            i += len;
        }
        break;
    case CODE:
        load_code_sample();
        while (i < n) {
            size_t at = (size_t)(rnd() % code_sample_len), len = code_sample_len - at;

            if (len > n - i)
                len = n - i;
            memcpy(b + i, code_sample + at, len);
            i += len;
        }
        break;
    default:
        break;
    }
}

/* A copy at the very end of its own allocation. */
static uint8_t *at_end(const void *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);

    memcpy(c, p, n);
    return c;
}

typedef int (*decoder_fn)(const void *, size_t, void *, size_t, void *, size_t,
                          struct decompress_result *);

/* Decode with an output buffer of exactly out_max bytes; *out is malloc'd. */
static int decode(decoder_fn fn, const uint8_t *in, size_t n, size_t out_max, uint8_t **out)
{
    uint8_t *ic = at_end(in, n), *o = malloc(out_max ? out_max : 1);
    int rc = fn(ic, n, o, out_max, work, sizeof(work), &res);

    free(ic);
    if (out)
        *out = o;
    else
        free(o);
    return rc;
}

/* Decode and compare with the expected output; returns a description of a failure. */
static const char *decode_match(decoder_fn fn, const uint8_t *in, size_t n, const uint8_t *want,
                                size_t want_len)
{
    static char why[256];
    const char *r = why;
    uint8_t *out;
    int rc = decode(fn, in, n, want_len, &out);

    if (rc)
        snprintf(why, sizeof(why), "rc %d: %s", rc, res.err ? res.err : "(no message)");
    else if (res.out_len != want_len || memcmp(out, want, want_len))
        snprintf(why, sizeof(why), "output differs (%zu bytes, expected %zu)", res.out_len,
                 want_len);
    else if (res.in_used != n)
        snprintf(why, sizeof(why), "used %zu of %zu input bytes", res.in_used, n);
    else if (res.err)
        snprintf(why, sizeof(why), "error set on success: %s", res.err);
    else
        r = NULL;
    free(out);
    return r;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Checksums --------------------------------------------------------------------- */

static void test_crc(void)
{
    static uint8_t buf[70000];
    unsigned int i, bad = 0;

    CHECK_EQ(crc32_ieee(0, "123456789", 9), 0xcbf43926U);
    CHECK(crc64_ecma(0, "123456789", 9) == 0x995dc9bbdf1939faULL, "crc64 check value");
    CHECK_EQ(crc32_ieee(0, "", 0), 0);
    gen(RANDOM, buf, sizeof(buf), 1);
    for (i = 0; i < 300; i++) {
        size_t a = (size_t)(rnd() % sizeof(buf)), n = (size_t)(rnd() % (sizeof(buf) - a));
        size_t split = n ? (size_t)(rnd() % n) : 0;
        uint32_t c = crc32_ieee(crc32_ieee(0, buf + a, split), buf + a + split, n - split);
        uint64_t c64 = crc64_ecma(crc64_ecma(0, buf + a, split), buf + a + split, n - split);

        bad += c != (uint32_t)crc32(0, buf + a, (uInt)n);
        bad += c != lzma_crc32(buf + a, n, 0);
        bad += c64 != lzma_crc64(buf + a, n, 0);
    }
    CHECK_EQ(bad, 0);
}

static void sha256_hex(const void *p, size_t n, size_t chunk, char *hex)
{
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    size_t i;

    sha256_init(&c);
    for (i = 0; i < n; i += chunk)
        sha256_update(&c, (const uint8_t *)p + i, n - i < chunk ? n - i : chunk);
    sha256_final(&c, d);
    for (i = 0; i < sizeof(d); i++)
        sprintf(hex + 2 * i, "%02x", d[i]);
}

static void test_sha256(void)
{
    static uint8_t buf[1000000];
    char hex[65], line[128], cmd[64], path[] = "/tmp/sha256-test-XXXXXX";
    unsigned int i, bad = 0;
    int fd;

    /* FIPS 180-2 appendix B examples. */
    sha256_hex("abc", 3, 64, hex);
    CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "%s", hex);
    sha256_hex("", 0, 64, hex);
    CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "%s", hex);
    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 7, hex);
    CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "%s", hex);
    memset(buf, 'a', sizeof(buf));
    sha256_hex(buf, sizeof(buf), 4099, hex);
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "%s", hex);

    /* Lengths around the block and padding boundaries, against sha256sum. */
    fd = mkstemp(path);
    if (fd < 0 || system("sha256sum --version >/dev/null 2>&1")) {
        printf("SKIP: sha256sum not available for random-length SHA-256 checks\n");
        return;
    }
    close(fd);
    gen(RANDOM, buf, 300, 5);
    for (i = 0; i < 300; i += 1 + (i > 130 ? 17 : 0)) {
        FILE *f = fopen(path, "wb"), *p;

        fwrite(buf, 1, i, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
        p = popen(cmd, "r");
        if (!p || !fgets(line, sizeof(line), p))
            bad++;
        if (p)
            pclose(p);
        sha256_hex(buf, i, 1 + i % 70, hex);
        bad += strncmp(line, hex, 64) != 0;
    }
    unlink(path);
    CHECK_EQ(bad, 0);
}

/* ---- gzip and DEFLATE against zlib -------------------------------------------------- */

static size_t zlib_deflate(const uint8_t *in, size_t n, uint8_t **out, int level, int wbits,
                           int memlevel, int strategy, gz_header *hdr)
{
    z_stream z;
    size_t max;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, wbits, memlevel, strategy) != Z_OK)
        return 0;
    if (hdr)
        deflateSetHeader(&z, hdr);
    max = deflateBound(&z, (uLong)n) + 4096;
    *out = malloc(max);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = *out;
    z.avail_out = (uInt)max;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        return 0;
    }
    deflateEnd(&z);
    return z.total_out;
}

/*
 * zlib's reading of a gzip file with the same rules as gunzip(): members
 * back to back, then only zeros.  -1 on error.
 */
static long zlib_gunzip(const uint8_t *in, size_t n, uint8_t *out, size_t max)
{
    size_t pos = 0, produced = 0;

    do {
        z_stream z;
        int rc;

        memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, 31) != Z_OK)
            return -1;
        z.next_in = (Bytef *)in + pos;
        z.avail_in = (uInt)(n - pos);
        z.next_out = out + produced;
        z.avail_out = (uInt)(max - produced);
        rc = inflate(&z, Z_FINISH);
        inflateEnd(&z);
        if (rc != Z_STREAM_END)
            return -1;
        pos += z.total_in;
        produced += z.total_out;
    } while (n - pos >= 2 && in[pos] == 0x1f && in[pos + 1] == 0x8b);
    for (; pos < n; pos++)
        if (in[pos])
            return -1;
    return (long)produced;
}

static void test_gzip_levels(void)
{
    static const size_t sizes[] = { 0, 1, 2, 3, 100, 1000, 32767, 32768, 32769, 70000, 300000 };
    static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                      Z_FIXED };
    unsigned int sh, si, level, st, bad = 0, runs = 0;
    uint8_t *data = malloc(300000);

    for (sh = 0; sh < NR_SHAPES; sh++)
        for (si = 0; si < ARRAY_SIZE(sizes); si++) {
            size_t n = sizes[si];

            gen((enum shape)sh, data, n, sh * 100 + si);
            for (level = 0; level <= 9; level++)
                for (st = 0; st < ARRAY_SIZE(strategies); st++) {
                    uint8_t *z;
                    size_t zn;
                    const char *why;
                    int memlevel = 1 + (int)((level + st) % 9);

                    /* The full grid only for mid sizes; a diagonal elsewhere. */
                    if ((n > 40000 || n < 100) && (level + st) % 4)
                        continue;
                    zn = zlib_deflate(data, n, &z, (int)level, 31, memlevel, strategies[st], NULL);
                    runs++;
                    why = decode_match(gunzip, z, zn, data, n);
                    if (why) {
                        if (!bad)
                            printf("gzip %s/%zu level %u strategy %d: %s\n", shape_names[sh], n,
                                   level, strategies[st], why);
                        bad++;
                    }
                    free(z);
                    /* The same data as raw DEFLATE. */
                    zn = zlib_deflate(data, n, &z, (int)level, -15, memlevel, strategies[st], NULL);
                    why = decode_match(inflate_raw, z, zn, data, n);
                    if (why) {
                        if (!bad)
                            printf("raw %s/%zu level %u: %s\n", shape_names[sh], n, level, why);
                        bad++;
                    }
                    free(z);
                }
        }
    free(data);
    if (getenv("TEST_VERBOSE"))
        printf("gzip: %u streams\n", runs);
    CHECK_EQ(bad, 0);
    CHECK(runs > 500, "only %u streams", runs);
}

/* Smaller windows and the header fields gzip(1) and zlib can write. */
static void test_gzip_header(void)
{
    static uint8_t extra[300] = "AP\x04\x00" "abcd";
    uint8_t data[5000], *z, *out;
    gz_header h;
    size_t zn;
    int w, rc;

    gen(TEXT, data, sizeof(data), 7);
    for (w = 9; w <= 15; w++) {
        zn = zlib_deflate(data, sizeof(data), &z, 6, 16 + w, 8, Z_DEFAULT_STRATEGY, NULL);
        CHECK(decode_match(gunzip, z, zn, data, sizeof(data)) == NULL, "window bits %d", w);
        free(z);
    }

    memset(&h, 0, sizeof(h));
    h.text = 1;
    h.time = 0x12345678;
    h.os = 3;
    h.extra = extra;
    h.extra_len = sizeof(extra);
    h.name = (Bytef *)"vmlinux";
    h.comment = (Bytef *)"a comment";
    h.hcrc = 1;
    zn = zlib_deflate(data, sizeof(data), &z, 9, 31, 9, Z_DEFAULT_STRATEGY, &h);
    CHECK(z[3] == 0x1f, "all of FTEXT FHCRC FEXTRA FNAME FCOMMENT: 0x%x", z[3]);
    CHECK(decode_match(gunzip, z, zn, data, sizeof(data)) == NULL, "header fields");
    /* The header CRC covers the name. */
    z[10 + 2 + sizeof(extra) + 1] ^= 1;
    rc = decode(gunzip, z, zn, sizeof(data), NULL);
    CHECK(rc == -EINVAL && strstr(res.err, "header CRC"), "rc %d %s", rc, res.err);
    free(z);

    /* No name, a long one, a reserved flag, another method. */
    h.hcrc = 0;
    h.extra = NULL;
    h.comment = NULL;
    h.name = (Bytef *)"a-rather-long-file-name-that-goes-on-and-on-and-on.tar";
    zn = zlib_deflate(data, sizeof(data), &z, 1, 31, 8, Z_DEFAULT_STRATEGY, &h);
    CHECK(decode_match(gunzip, z, zn, data, sizeof(data)) == NULL, "name only");
    z[3] |= 0x20;
    rc = decode(gunzip, z, zn, sizeof(data), &out);
    free(out);
    CHECK(rc == -EINVAL && strstr(res.err, "reserved flags"), "rc %d %s", rc, res.err);
    z[3] &= ~0x20;
    z[2] = 7;
    rc = decode(gunzip, z, zn, sizeof(data), NULL);
    CHECK(rc == -ENOSYS && strstr(res.err, "method 7"), "rc %d %s", rc, res.err);
    free(z);
}

static void test_gzip_members(void)
{
    uint8_t a[3000], b[5000], both[8000], *za, *zb, *cat;
    size_t na, nb, i;
    int rc;

    gen(TEXT, a, sizeof(a), 11);
    gen(CODE, b, sizeof(b), 12);
    memcpy(both, a, sizeof(a));
    memcpy(both + sizeof(a), b, sizeof(b));
    na = zlib_deflate(a, sizeof(a), &za, 6, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    nb = zlib_deflate(b, sizeof(b), &zb, 6, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    cat = malloc(na + nb + 16);
    memcpy(cat, za, na);
    memcpy(cat + na, zb, nb);
    CHECK(decode_match(gunzip, cat, na + nb, both, sizeof(both)) == NULL, "two members");
    /* Zeros after the last member are padding; anything else is not. */
    memset(cat + na + nb, 0, 16);
    CHECK(decode_match(gunzip, cat, na + nb + 16, both, sizeof(both)) == NULL, "zero padding");
    cat[na + nb + 9] = 1;
    rc = decode(gunzip, cat, na + nb + 16, sizeof(both), NULL);
    CHECK(rc == -EINVAL && strstr(res.err, "trailing garbage"), "rc %d %s", rc, res.err);
    /* A match in the second member may not reach into the first. */
    CHECK(zlib_gunzip(cat, na + nb, both, sizeof(both)) == (long)sizeof(both), "zlib oracle");
    /* An empty input, and the empty data. */
    rc = decode(gunzip, cat, 0, 100, NULL);
    CHECK(rc == -EINVAL, "empty input: rc %d", rc);
    free(za);
    na = zlib_deflate(a, 0, &za, 9, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    CHECK(decode_match(gunzip, za, na, a, 0) == NULL, "empty data");
    for (i = 0; i < 3; i++)
        memcpy(cat + i * na, za, na);
    CHECK(decode_match(gunzip, cat, 3 * na, a, 0) == NULL, "three empty members");
    free(za);
    free(zb);
    free(cat);
}

/* Exactly enough room, one byte less, none: -ENOSPC with the exact size. */
static void test_gzip_limits(void)
{
    static const size_t sizes[] = { 1, 1000, 40000, 200000 };
    unsigned int i;
    uint8_t *data = malloc(200000), *z, *out;
    size_t zn;
    int rc;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t n = sizes[i];

        gen(MIXED, data, n, 20 + i);
        zn = zlib_deflate(data, n, &z, 6, 31, 8, Z_DEFAULT_STRATEGY, NULL);
        CHECK(decode_match(gunzip, z, zn, data, n) == NULL, "size %zu", n);
        rc = decode(gunzip, z, zn, n - 1, &out);
        CHECK(rc == -ENOSPC && res.needed == n, "limit %zu: rc %d needed %zu", n - 1, rc,
              res.needed);
        CHECK(res.out_len < n && !memcmp(out, data, res.out_len), "the bytes written");
        free(out);
        rc = decode(gunzip, z, zn, 0, NULL);
        CHECK(rc == -ENOSPC && res.needed == n && strstr(res.err, "exceeds"), "limit 0: %d %zu",
              rc, res.needed);
        rc = decode(inflate_raw, z + 10, zn - 18, n / 2, NULL);
        CHECK(rc == -ENOSPC && res.needed == n, "raw: rc %d needed %zu", rc, res.needed);
        free(z);
    }
    /* Too small a workspace. */
    zn = zlib_deflate(data, 10, &z, 6, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    out = malloc(10);
    CHECK_EQ(gunzip(z, zn, out, 10, work, 1000, &res), -ENOMEM);
    CHECK_EQ(gunzip(z, zn, out, 10, work + 1, sizeof(work) - 1, &res), -ENOMEM);
    free(out);
    free(z);
    free(data);
}

/* Every prefix of a few streams fails, and says where. */
static void test_gzip_truncated(void)
{
    unsigned int k, bad = 0;
    uint8_t data[20000];

    for (k = 0; k < 4; k++) {
        uint8_t *z;
        size_t zn, n = k == 3 ? 64 : sizeof(data), i;

        gen((enum shape)(k == 0 ? TEXT : k == 1 ? RANDOM : MIXED), data, n, 30 + k);
        zn = zlib_deflate(data, n, &z, k == 2 ? 0 : 9, 31, 8,
                          k == 3 ? Z_FIXED : Z_DEFAULT_STRATEGY, NULL);
        for (i = 0; i < zn; i++) {
            int rc = decode(gunzip, z, i, n, NULL);

            if (rc != -EINVAL || !res.err || (strncmp(res.err, "gzip: ", 6) &&
                                              strncmp(res.err, "deflate: ", 9)))
                bad++;
        }
        free(z);
    }
    CHECK_EQ(bad, 0);
}

/* A bit writer for hand-made DEFLATE streams. */
struct bw {
    uint8_t b[256];
    size_t n;
    unsigned int bit;
};

static void bw_put(struct bw *w, uint32_t v, unsigned int bits)
{
    while (bits--) {
        if (!w->bit)
            w->b[w->n++] = 0;
        w->b[w->n - 1] |= (uint8_t)((v & 1) << w->bit);
        v >>= 1;
        w->bit = (w->bit + 1) % 8;
    }
}

/* A Huffman code, most significant bit first. */
static void bw_code(struct bw *w, uint32_t code, unsigned int len)
{
    while (len--)
        bw_put(w, (code >> len) & 1, 1);
}

/* Fixed-code literal/length symbol. */
static void bw_fixed(struct bw *w, unsigned int sym)
{
    if (sym < 144)
        bw_code(w, 0x30 + sym, 8);
    else if (sym < 256)
        bw_code(w, 0x190 + sym - 144, 9);
    else if (sym < 280)
        bw_code(w, sym - 256, 7);
    else
        bw_code(w, 0xc0 + sym - 280, 8);
}

struct raw_case {
    const char *what;
    void (*build)(struct bw *);
    const char *msg;            /* NULL: valid, compared with zlib */
};

static void rc_reserved(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 3, 2);
}

static void rc_stored_nlen(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 0, 2);
    bw_put(w, 0, 5);
    bw_put(w, 5, 16);
    bw_put(w, 0xfffb, 16);
    bw_put(w, 0x12345678, 32);
    bw_put(w, 0x9a, 8);
}

static void rc_stored_ok(struct bw *w)
{
    rc_stored_nlen(w);
    w->b[3] = 0xfa;
}

static void rc_far_back(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 1, 2);
    bw_fixed(w, 'a');
    bw_fixed(w, 257);           /* length 3 */
    bw_code(w, 1, 5);           /* distance 2 */
    bw_fixed(w, 256);
}

static void rc_near_back(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 1, 2);
    bw_fixed(w, 'a');
    bw_fixed(w, 285);           /* length 258 */
    bw_code(w, 0, 5);           /* distance 1 */
    bw_fixed(w, 256);
}

static void rc_len286(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 1, 2);
    bw_fixed(w, 'a');
    bw_fixed(w, 286);
}

static void rc_dist30(struct bw *w)
{
    bw_put(w, 1, 1);
    bw_put(w, 1, 2);
    bw_fixed(w, 'a');
    bw_fixed(w, 257);
    bw_code(w, 30, 5);
}

/* A dynamic header: code length code lengths for symbols 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15. */
static void dyn_header(struct bw *w, unsigned int hlit, unsigned int hdist, const uint8_t *cl,
                       unsigned int ncl)
{
    unsigned int i;

    bw_put(w, 1, 1);
    bw_put(w, 2, 2);
    bw_put(w, hlit - 257, 5);
    bw_put(w, hdist - 1, 5);
    bw_put(w, ncl - 4, 4);
    for (i = 0; i < ncl; i++)
        bw_put(w, cl[i], 3);
}

static void rc_hlit(struct bw *w)
{
    static const uint8_t cl[4] = { 1, 1, 0, 0 };

    dyn_header(w, 287, 1, cl, 4);
}

static void rc_repeat_first(struct bw *w)
{
    /* Code length code: 16 and 17 of one bit each: 16 = 0, 17 = 1. */
    static const uint8_t cl[4] = { 1, 1, 0, 0 };

    dyn_header(w, 257, 1, cl, 4);
    bw_code(w, 0, 1);
}

static void rc_oversubscribed_cl(struct bw *w)
{
    static const uint8_t cl[4] = { 1, 1, 1, 0 };

    dyn_header(w, 257, 1, cl, 4);
}

/*
 * Literal/length lengths from a code length code where symbol 18 (zeros)
 * and symbols 1 and 2 exist: 18 = 0, 1 = 10, 2 = 11.
 */
static const uint8_t cl_18_1_2[19] = { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0 };

static void zeros(struct bw *w, unsigned int n)
{
    while (n) {
        unsigned int k = n > 138 ? 138 : n;

        if (k < 11)
            k = 11;         /* callers keep runs long enough */
        bw_code(w, 0, 1);
        bw_put(w, k - 11, 7);
        n -= k;
    }
}

/* 'a' = 1 bit, 'b' and end of block 2 bits; one distance code of 1 bit. */
static void rc_dyn_ok(struct bw *w)
{
    dyn_header(w, 257, 1, cl_18_1_2, 19);
    zeros(w, 97);
    bw_code(w, 2, 2);           /* 'a': length 1 */
    bw_code(w, 3, 2);           /* 'b': length 2 */
    zeros(w, 157);
    bw_code(w, 3, 2);           /* 256: length 2 */
    bw_code(w, 2, 2);           /* distance 0: length 1, an incomplete code zlib accepts */
    bw_code(w, 0, 1);           /* 'a' */
    bw_code(w, 2, 2);           /* 'b' */
    bw_code(w, 0, 1);           /* 'a' */
    bw_code(w, 3, 2);           /* end */
}

static void rc_no_eob(struct bw *w)
{
    dyn_header(w, 257, 1, cl_18_1_2, 19);
    zeros(w, 97);
    bw_code(w, 2, 2);
    bw_code(w, 3, 2);
    zeros(w, 158);              /* up to and including 256 */
    bw_code(w, 2, 2);
}

static void rc_oversubscribed_lit(struct bw *w)
{
    dyn_header(w, 257, 1, cl_18_1_2, 19);
    zeros(w, 97);
    bw_code(w, 2, 2);
    bw_code(w, 2, 2);
    bw_code(w, 2, 2);           /* three codes of one bit */
    zeros(w, 156);
    bw_code(w, 3, 2);
    bw_code(w, 2, 2);
}

static void rc_incomplete_lit(struct bw *w)
{
    dyn_header(w, 257, 1, cl_18_1_2, 19);
    zeros(w, 97);
    bw_code(w, 3, 2);           /* 'a', 'b' and 256 of two bits each: 3/4 of the code space */
    bw_code(w, 3, 2);
    zeros(w, 157);
    bw_code(w, 3, 2);
    bw_code(w, 2, 2);
}

static void rc_repeat_past(struct bw *w)
{
    dyn_header(w, 257, 1, cl_18_1_2, 19);
    zeros(w, 138);
    zeros(w, 121);              /* 259 lengths for 258 symbols */
}

static void test_deflate_crafted(void)
{
    static const struct raw_case cases[] = {
        { "block type 3", rc_reserved, "block type 3 is reserved" },
        { "stored LEN/NLEN", rc_stored_nlen, "does not match its complement" },
        { "stored", rc_stored_ok, NULL },
        { "distance too far", rc_far_back, "reaches before the start" },
        { "overlapping copy", rc_near_back, NULL },
        { "length symbol 286", rc_len286, "invalid length symbol 286" },
        { "distance symbol 30", rc_dist30, "invalid distance symbol 30" },
        { "287 literal codes", rc_hlit, "more than 286" },
        { "repeat first length", rc_repeat_first, "with none before" },
        { "over-subscribed code length code", rc_oversubscribed_cl, "code length code is" },
        { "dynamic", rc_dyn_ok, NULL },
        { "no end of block", rc_no_eob, "no code for the end of the block" },
        { "over-subscribed literals", rc_oversubscribed_lit, "literal/length code is" },
        { "incomplete literals", rc_incomplete_lit, "literal/length code is" },
        { "repeat past the end", rc_repeat_past, "runs past" },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct bw w = { .n = 0 };
        uint8_t out[600], zout[600];
        z_stream z;
        int rc, zrc;

        cases[i].build(&w);
        rc = decode(inflate_raw, w.b, w.n, sizeof(out), NULL);
        memset(&z, 0, sizeof(z));
        inflateInit2(&z, -15);
        z.next_in = w.b;
        z.avail_in = (uInt)w.n;
        z.next_out = zout;
        z.avail_out = sizeof(zout);
        zrc = inflate(&z, Z_FINISH);
        inflateEnd(&z);
        if (cases[i].msg) {
            CHECK(rc == -EINVAL && res.err && strstr(res.err, cases[i].msg), "%s: rc %d \"%s\"",
                  cases[i].what, rc, res.err ? res.err : "");
            CHECK(zrc != Z_STREAM_END, "%s: zlib accepts it", cases[i].what);
        } else {
            uint8_t *o;

            CHECK(zrc == Z_STREAM_END, "%s: zlib says %d", cases[i].what, zrc);
            rc = decode(inflate_raw, w.b, w.n, z.total_out, &o);
            CHECK(rc == 0 && res.out_len == z.total_out && !memcmp(o, zout, z.total_out),
                  "%s: rc %d %s", cases[i].what, rc, res.err ? res.err : "");
            free(o);
        }
    }
}

static void test_gzip_corrupt(void)
{
    unsigned int i, crashes = 0, only_mine = 0, only_zlib = 0, differ = 0, both_ok = 0;
    uint8_t data[30000], *zs[3], *buf, *zout = malloc(1 << 20);
    size_t zn[3];
    unsigned int iterations = getenv("FUZZ_ITERATIONS") ? (unsigned)atoi(getenv("FUZZ_ITERATIONS"))
                                                         : 20000;

    gen(MIXED, data, sizeof(data), 40);
    zn[0] = zlib_deflate(data, sizeof(data), &zs[0], 9, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    zn[1] = zlib_deflate(data, 3000, &zs[1], 1, 31, 8, Z_FIXED, NULL);
    zn[2] = zlib_deflate(data, 600, &zs[2], 6, 31, 8, Z_HUFFMAN_ONLY, NULL);
    buf = malloc(zn[0]);
    seed(41);
    for (i = 0; i < iterations; i++) {
        unsigned int s = (unsigned int)(rnd() % 3), k, nmut = 1 + (unsigned int)(rnd() % 3);
        size_t n = zn[s], lim = (size_t)(rnd() % 4 ? sizeof(data) : rnd() % sizeof(data));
        uint8_t *out;
        long zl;
        int rc;

        memcpy(buf, zs[s], n);
        for (k = 0; k < nmut; k++) {
            size_t at = (size_t)(rnd() % n);

            if (rnd() % 2)
                buf[at] ^= (uint8_t)(1u << (rnd() % 8));
            else
                buf[at] = (uint8_t)rnd();
        }
        rc = decode(gunzip, buf, n, lim, &out);
        zl = zlib_gunzip(buf, n, zout, 1 << 20);
        if (rc && rc != -EINVAL && rc != -ENOSPC && rc != -ENOSYS)
            crashes++;
        if (rc && !res.err)
            crashes++;
        if (!rc && zl < 0)
            only_mine++;
        else if (!rc && (res.out_len != (size_t)zl || memcmp(out, zout, res.out_len)))
            differ++;
        else if (!rc)
            both_ok++;
        if (rc == -EINVAL && zl >= 0 && (size_t)zl <= lim)
            only_zlib++;
        if (rc == -ENOSPC && (zl < 0 || res.needed != (size_t)zl))
            differ++;
        free(out);
    }
    if (getenv("TEST_VERBOSE"))
        printf("gzip corruption: %u decoded by both, %u only by zlib\n", both_ok, only_zlib);
    CHECK_EQ(crashes, 0);
    CHECK_EQ(only_mine, 0);
    CHECK_EQ(differ, 0);
    CHECK_EQ(only_zlib, 0);
    for (i = 0; i < 3; i++)
        free(zs[i]);
    free(buf);
    free(zout);
}

/* ---- xz against liblzma ---------------------------------------------------------- */

struct xz_opts {
    uint32_t preset;
    bool x86;
    uint32_t x86_start;
    lzma_check check;
    size_t block;               /* bytes per block, 0: one block */
    bool sizes;                 /* sizes in block headers (buffer encoder) */
    uint32_t dict;              /* 0: the preset's */
    lzma_vli other_filter;      /* 0: none */
};

static size_t xz_encode(const uint8_t *in, size_t n, uint8_t **out, const struct xz_opts *o)
{
    lzma_options_lzma opt;
    lzma_options_bcj bcj = { .start_offset = o->x86_start };
    lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 4 };
    lzma_filter f[4];
    unsigned int nf = 0;
    size_t max = n + n / 2 + 65536, pos = 0;

    lzma_lzma_preset(&opt, o->preset);
    if (o->dict)
        opt.dict_size = o->dict;
    if (o->other_filter)
        f[nf++] = (lzma_filter){ o->other_filter,
                                 o->other_filter == LZMA_FILTER_DELTA ? (void *)&delta : NULL };
    if (o->x86)
        f[nf++] = (lzma_filter){ LZMA_FILTER_X86, o->x86_start ? &bcj : NULL };
    f[nf++] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
    f[nf] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
    *out = malloc(max);
    if (o->sizes) {
        if (lzma_stream_buffer_encode(f, o->check, NULL, in, n, *out, &pos, max) != LZMA_OK)
            return 0;
        return pos;
    } else {
        lzma_stream s = LZMA_STREAM_INIT;
        size_t done = 0;
        lzma_ret r = LZMA_OK;

        if (lzma_stream_encoder(&s, f, o->check) != LZMA_OK)
            return 0;
        s.next_out = *out;
        s.avail_out = max;
        while (r == LZMA_OK) {
            size_t chunk = o->block ? o->block : n;

            if (chunk > n - done)
                chunk = n - done;
            s.next_in = in + done;
            s.avail_in = chunk;
            done += chunk;
            r = lzma_code(&s, done < n ? LZMA_FULL_FLUSH : LZMA_FINISH);
            if (done < n && r == LZMA_STREAM_END)
                r = LZMA_OK;
        }
        pos = s.total_out;
        lzma_end(&s);
        return r == LZMA_STREAM_END ? pos : 0;
    }
}

/* liblzma's decoding, concatenated streams allowed; -1 on error. */
static long lzma_decode(const uint8_t *in, size_t n, uint8_t *out, size_t max)
{
    uint64_t memlimit = UINT64_MAX;
    size_t ip = 0, op = 0;

    if (lzma_stream_buffer_decode(&memlimit, LZMA_CONCATENATED, NULL, in, &ip, n, out, &op,
                                  max) != LZMA_OK || ip != n)
        return -1;
    return (long)op;
}

static void test_xz_presets(void)
{
    static const size_t sizes[] = { 0, 1, 5, 4096, 70000, 400000 };
    static const lzma_check checks[] = { LZMA_CHECK_CRC32, LZMA_CHECK_CRC64, LZMA_CHECK_NONE,
                                         LZMA_CHECK_SHA256 };
    uint8_t *data = malloc(400000);
    unsigned int sh, si, p, bad = 0, runs = 0, x;

    for (sh = 0; sh < NR_SHAPES; sh++)
        for (si = 0; si < ARRAY_SIZE(sizes); si++) {
            size_t n = sizes[si];

            gen((enum shape)sh, data, n, 200 + sh * 10 + si);
            for (p = 0; p <= 9; p++)
                for (x = 0; x < 2; x++) {
                    struct xz_opts o = {
                        .preset = p | (p == 9 && sh == CODE ? LZMA_PRESET_EXTREME : 0),
                        .x86 = x,
                        .x86_start = sh == CODE && p == 5 ? 0x1000 : 0,
                        .check = checks[(p + sh + si) % ARRAY_SIZE(checks)],
                        .sizes = (p + x) % 2,
                        .block = (p % 3 == 2) ? n / 3 + 1 : 0,
                        /* The big presets' 64 MiB dictionaries cost liblzma 700 MiB to encode. */
                        .dict = p >= 7 ? 2 << 20 : 0,
                    };
                    uint8_t *z;
                    size_t zn;
                    const char *why;

                    /* Big inputs at a few presets only: liblzma's slow presets cost seconds. */
                    if (n > 100000 && (p % 3 || (p > 6 && sh != CODE)))
                        continue;
                    if (o.sizes)
                        o.block = 0;
                    zn = xz_encode(data, n, &z, &o);
                    runs++;
                    why = zn ? decode_match(unxz, z, zn, data, n) : "liblzma failed";
                    if (why) {
                        if (bad < 3)
                            printf("xz %s/%zu preset %u x86 %u check %d sizes %d block %zu: %s\n",
                                   shape_names[sh], n, p, x, o.check, o.sizes, o.block, why);
                        bad++;
                    }
                    free(z);
                }
        }
    free(data);
    if (getenv("TEST_VERBOSE"))
        printf("xz: %u streams\n", runs);
    CHECK_EQ(bad, 0);
    CHECK(runs > 400, "only %u streams", runs);
}

/* Streams back to back with stream padding; big dictionaries; many blocks. */
static void test_xz_streams(void)
{
    struct xz_opts o = { .preset = 6, .check = LZMA_CHECK_CRC32 };
    uint8_t a[5000], b[70000], both[75000], *za, *zb, *cat;
    size_t na, nb, pad;
    int rc;

    gen(TEXT, a, sizeof(a), 50);
    gen(CODE, b, sizeof(b), 51);
    memcpy(both, a, sizeof(a));
    memcpy(both + sizeof(a), b, sizeof(b));
    na = xz_encode(a, sizeof(a), &za, &o);
    o.check = LZMA_CHECK_SHA256;
    o.x86 = true;
    nb = xz_encode(b, sizeof(b), &zb, &o);
    cat = calloc(1, na + nb + 32);
    for (pad = 0; pad <= 8; pad += 4) {
        memset(cat, 0, na + nb + 32);
        memcpy(cat, za, na);
        memcpy(cat + na + pad, zb, nb);
        CHECK(decode_match(unxz, cat, na + pad + nb, both, sizeof(both)) == NULL, "padding %zu",
              pad);
        CHECK(decode_match(unxz, cat, na + pad + nb + 8, both, sizeof(both)) == NULL,
              "trailing padding %zu", pad);
    }
    memset(cat + na, 0, 6);
    rc = decode(unxz, cat, na + 6, sizeof(both), NULL);
    CHECK(rc == -EINVAL && strstr(res.err, "not a multiple of 4"), "rc %d %s", rc, res.err);
    memcpy(cat + na + 4, "junk after the stream", 20);
    rc = decode(unxz, cat, na + 24, sizeof(both), NULL);
    CHECK(rc == -EINVAL && strstr(res.err, "no stream header magic"), "rc %d %s", rc, res.err);
    free(za);
    free(zb);
    free(cat);

    /* 4 KiB blocks, like xz --block-size; and a 64 MiB dictionary. */
    {
        uint8_t *data = malloc(300000), *z;
        size_t zn;

        gen(MIXED, data, 300000, 52);
        o = (struct xz_opts){ .preset = 1, .check = LZMA_CHECK_CRC64, .block = 4096 };
        zn = xz_encode(data, 300000, &z, &o);
        CHECK(decode_match(unxz, z, zn, data, 300000) == NULL, "73 blocks");
        free(z);
        o = (struct xz_opts){ .preset = 6, .check = LZMA_CHECK_CRC32, .dict = 64 << 20,
                              .x86 = true };
        zn = xz_encode(data, 300000, &z, &o);
        CHECK(decode_match(unxz, z, zn, data, 300000) == NULL, "64 MiB dictionary");
        free(z);
        free(data);
    }
}

static void test_xz_limits(void)
{
    struct xz_opts o = { .preset = 3, .check = LZMA_CHECK_CRC32, .x86 = true };
    uint8_t *data = malloc(100000), *z, *out;
    size_t zn, n = 100000;
    int rc;

    gen(CODE, data, n, 60);
    zn = xz_encode(data, n, &z, &o);
    CHECK(decode_match(unxz, z, zn, data, n) == NULL, "exact size");
    rc = decode(unxz, z, zn, n - 1, NULL);
    CHECK(rc == -ENOSPC && res.needed == n && strstr(res.err, "from the index"),
          "limit n-1: rc %d needed %zu %s", rc, res.needed, res.err);
    rc = decode(unxz, z, zn, 0, NULL);
    CHECK(rc == -ENOSPC && res.needed == n, "limit 0: rc %d", rc);
    /* With the footer damaged the index cannot be found: the limit is still kept. */
    z[zn - 1] ^= 0xff;
    rc = decode(unxz, z, zn, n - 1, &out);
    CHECK(rc == -ENOSPC && res.needed == 0, "no index: rc %d needed %zu", rc, res.needed);
    free(out);
    rc = decode(unxz, z, zn, n, NULL);
    CHECK(rc == -EINVAL && strstr(res.err, "footer"), "bad footer: rc %d %s", rc, res.err);
    CHECK_EQ(unxz(z, zn, data, n, work, 1000, &res), -ENOMEM);
    free(z);
    free(data);
}

/* Filters and checks outside what is decoded here. */
static void test_xz_unsupported(void)
{
    uint8_t data[4000], *z;
    size_t zn;
    struct xz_opts o = { .preset = 1, .check = LZMA_CHECK_CRC32 };
    int rc;

    gen(TEXT, data, sizeof(data), 70);
    o.other_filter = LZMA_FILTER_DELTA;
    zn = xz_encode(data, sizeof(data), &z, &o);
    rc = decode(unxz, z, zn, sizeof(data), NULL);
    CHECK(rc == -ENOSYS && strstr(res.err, "(delta) is not supported"), "rc %d %s", rc, res.err);
    free(z);
    o.other_filter = LZMA_FILTER_ARM;
    zn = xz_encode(data, sizeof(data), &z, &o);
    rc = decode(unxz, z, zn, sizeof(data), NULL);
    CHECK(rc == -ENOSYS && strstr(res.err, "ARM BCJ"), "rc %d %s", rc, res.err);
    free(z);
    o.other_filter = 0;
    o.x86 = true;
    o.other_filter = LZMA_FILTER_X86;
    zn = xz_encode(data, sizeof(data), &z, &o);
    rc = decode(unxz, z, zn, sizeof(data), NULL);
    CHECK(rc == -ENOSYS && strstr(res.err, "more than one x86"), "rc %d %s", rc, res.err);
    free(z);

    /* Check ID 2 (reserved size 4): fix up the header and footer CRCs. */
    o = (struct xz_opts){ .preset = 1, .check = LZMA_CHECK_CRC32 };
    zn = xz_encode(data, sizeof(data), &z, &o);
    z[7] = 2;
    {
        uint32_t c = crc32_ieee(0, z + 6, 2);

        memcpy(z + 8, &c, 4);
        z[zn - 3] = 2;
        c = crc32_ieee(0, z + zn - 8, 6);
        memcpy(z + zn - 12, &c, 4);
    }
    CHECK(lzma_decode(z, zn, data, sizeof(data)) == (long)sizeof(data), "liblzma reads ID 2");
    rc = decode(unxz, z, zn, sizeof(data), NULL);
    CHECK(rc == -ENOSYS && strstr(res.err, "check type 2 is not supported"), "rc %d %s", rc,
          res.err);
    free(z);
}

/* ---- Hand-assembled LZMA2 chunk sequences ------------------------------------------------ */

/* Raw LZMA2 from liblzma, end marker included. */
static size_t lzma2_raw(const uint8_t *in, size_t n, uint8_t *out, size_t max, uint32_t lc,
                        uint32_t lp, uint32_t pb)
{
    lzma_options_lzma opt;
    lzma_filter f[2];
    size_t pos = 0;

    lzma_lzma_preset(&opt, 6);
    opt.lc = lc;
    opt.lp = lp;
    opt.pb = pb;
    opt.dict_size = 1 << 20;
    f[0] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
    f[1] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
    if (lzma_raw_buffer_encode(f, NULL, in, n, out, &pos, max) != LZMA_OK)
        return 0;
    return pos;
}

/* A .xz file around raw LZMA2 data, built with liblzma's container functions. */
static size_t xz_wrap(const uint8_t *raw, size_t rawlen, const uint8_t *data, size_t n,
                      uint8_t *out, size_t max)
{
    lzma_options_lzma opt;
    lzma_filter f[2];
    lzma_block block;
    lzma_stream_flags sf = { .version = 0, .check = LZMA_CHECK_CRC64 };
    lzma_index *idx = lzma_index_init(NULL);
    size_t pos = LZMA_STREAM_HEADER_SIZE;
    uint64_t crc = lzma_crc64(data, n, 0);

    lzma_lzma_preset(&opt, 6);
    opt.dict_size = 1 << 20;
    f[0] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
    f[1] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
    memset(&block, 0, sizeof(block));
    block.check = LZMA_CHECK_CRC64;
    block.filters = f;
    block.compressed_size = rawlen;
    block.uncompressed_size = n;
    if (lzma_stream_header_encode(&sf, out) != LZMA_OK || lzma_block_header_size(&block) != LZMA_OK ||
        lzma_block_header_encode(&block, out + pos) != LZMA_OK)
        return 0;
    pos += block.header_size;
    memcpy(out + pos, raw, rawlen);
    pos += rawlen;
    while (pos % 4)
        out[pos++] = 0;
    memcpy(out + pos, &crc, 8);
    pos += 8;
    if (lzma_index_append(idx, NULL, lzma_block_unpadded_size(&block), n) != LZMA_OK ||
        lzma_index_buffer_encode(idx, out, &pos, max) != LZMA_OK)
        return 0;
    sf.backward_size = lzma_index_size(idx);
    lzma_index_end(idx, NULL);
    if (lzma_stream_footer_encode(&sf, out + pos) != LZMA_OK)
        return 0;
    return pos + 12;    /* the stream footer is as big as the header */
}

struct chunk_case {
    const char *what;
    const char *msg;            /* NULL: valid, liblzma must agree */
};

static void test_lzma2_chunks(void)
{
    static uint8_t a[4096], b[3000], data[4096 + 3000], raw[20000], ra[20000], xz[30000];
    uint8_t rb[8000];
    size_t na, nb, n, x;
    unsigned int k;

    /* A ends with a zero byte on a 16-byte boundary, so B decodes the same after it. */
    gen(TEXT, a, sizeof(a), 80);
    a[sizeof(a) - 1] = 0;
    gen(TEXT, b, sizeof(b), 81);
    na = lzma2_raw(a, sizeof(a), ra, sizeof(raw), 3, 0, 2) - 1;    /* drop A's end marker */
    memcpy(data, a, sizeof(a));
    memcpy(data + sizeof(a), b, sizeof(b));

    for (k = 0; k < 9; k++) {
        struct chunk_case c = { "", NULL };
        size_t len = na;
        long want;

        memcpy(raw, ra, na);
        switch (k) {
        case 0:     /* B with a dictionary reset: 0xe0 as liblzma wrote it */
            nb = lzma2_raw(b, sizeof(b), rb, sizeof(rb), 0, 2, 0);
            c.what = "dictionary reset";
            break;
        case 1:     /* B with new properties but the same dictionary: 0xc0 */
            nb = lzma2_raw(b, sizeof(b), rb, sizeof(rb), 0, 2, 0);
            rb[0] = (uint8_t)(0xc0 | (rb[0] & 0x1f));
            c.what = "new properties";
            break;
        case 2:     /* B with the same properties, state reset only: 0xa0 */
            nb = lzma2_raw(b, sizeof(b), rb, sizeof(rb), 3, 0, 2);
            rb[0] = (uint8_t)(0xa0 | (rb[0] & 0x1f));
            memmove(rb + 5, rb + 6, nb - 6);
            nb--;
            c.what = "state reset";
            break;
        case 3:     /* A as an uncompressed chunk with a dictionary reset, then B with 0xc0 */
            raw[0] = 0x01;
            raw[1] = (uint8_t)((sizeof(a) - 1) >> 8);
            raw[2] = (uint8_t)(sizeof(a) - 1);
            memcpy(raw + 3, a, sizeof(a));
            len = 3 + sizeof(a);
            nb = lzma2_raw(b, sizeof(b), rb, sizeof(rb), 1, 1, 1);
            rb[0] = (uint8_t)(0xc0 | (rb[0] & 0x1f));
            c.what = "uncompressed then new properties";
            break;
        case 4:     /* ... but B without properties */
            raw[0] = 0x01;
            raw[1] = (uint8_t)((sizeof(a) - 1) >> 8);
            raw[2] = (uint8_t)(sizeof(a) - 1);
            memcpy(raw + 3, a, sizeof(a));
            len = 3 + sizeof(a);
            nb = lzma2_raw(b, sizeof(b), rb, sizeof(rb), 3, 0, 2);
            rb[0] = (uint8_t)(0xa0 | (rb[0] & 0x1f));
            memmove(rb + 5, rb + 6, nb - 6);
            nb--;
            c.what = "no properties after a dictionary reset";
            c.msg = "without properties after a dictionary reset";
            break;
        case 5:     /* the first chunk keeps the dictionary */
            raw[0] = (uint8_t)(0x80 | (raw[0] & 0x1f));
            memmove(raw + 5, raw + 6, na - 6);
            len = na - 1;
            nb = 0;
            c.what = "first chunk without dictionary reset";
            c.msg = "does not reset the dictionary";
            break;
        case 6:
            raw[0] = 0x03;
            nb = 0;
            c.what = "control byte 3";
            c.msg = "invalid LZMA2 control byte 0x03";
            break;
        case 7:
            raw[5] = 9 * 5 * 5;
            nb = 0;
            c.what = "properties 225";
            c.msg = "invalid LZMA properties";
            break;
        default:
            raw[5] = 4 + 9 * 1;     /* lc 4, lp 1 */
            nb = 0;
            c.what = "lc + lp > 4";
            c.msg = "invalid LZMA properties";
            break;
        }
        if (nb)
            memcpy(raw + len, rb, nb);
        else
            raw[len] = 0;
        len += nb ? nb : 1;
        n = nb ? sizeof(a) + sizeof(b) : sizeof(a);
        x = xz_wrap(raw, len, data, n, xz, sizeof(xz));
        want = lzma_decode(xz, x, rb, sizeof(rb));
        if (!c.msg) {
            CHECK(want == (long)n, "%s: liblzma says %ld", c.what, want);
            CHECK(decode_match(unxz, xz, x, data, n) == NULL, "%s: %s", c.what,
                  decode_match(unxz, xz, x, data, n));
        } else {
            int rc = decode(unxz, xz, x, n, NULL);

            CHECK(want < 0, "%s: liblzma accepts it", c.what);
            CHECK(rc == -EINVAL && strstr(res.err, c.msg), "%s: rc %d %s", c.what, rc, res.err);
        }
    }
}

static void test_xz_truncated(void)
{
    unsigned int k, bad = 0;
    uint8_t data[20000];

    for (k = 0; k < 4; k++) {
        struct xz_opts o = { .preset = k * 2, .check = k == 3 ? LZMA_CHECK_SHA256 : LZMA_CHECK_CRC32,
                             .x86 = k & 1, .sizes = k == 2, .block = k == 1 ? 5000 : 0 };
        uint8_t *z;
        size_t zn, n = k == 3 ? 100 : sizeof(data), i;

        gen((enum shape)(k == 0 ? TEXT : k == 1 ? CODE : MIXED), data, n, 90 + k);
        zn = xz_encode(data, n, &z, &o);
        for (i = 0; i < zn; i++) {
            int rc = decode(unxz, z, i, n, NULL);

            if (rc != -EINVAL || !res.err || strncmp(res.err, "xz: ", 4))
                bad++;
        }
        free(z);
    }
    CHECK_EQ(bad, 0);
}

static void test_xz_corrupt(void)
{
    /* Small dictionaries: liblzma allocates the whole dictionary for every decode. */
    struct xz_opts opts[] = {
        { .preset = 6, .check = LZMA_CHECK_CRC32, .x86 = true, .dict = 64 << 10 },
        { .preset = 0, .check = LZMA_CHECK_NONE, .block = 3000, .dict = 16 << 10 },
        { .preset = 2, .check = LZMA_CHECK_CRC64, .sizes = true, .dict = 4 << 10 },
        { .preset = 9, .check = LZMA_CHECK_NONE, .x86 = true, .dict = 12 << 10 },
    };
    unsigned int i, bad = 0, only_mine = 0, only_lzma = 0, both = 0;
    uint8_t data[12000], *zs[4], *buf, *lout = malloc(1 << 20);
    size_t zn[4];
    unsigned int iterations = getenv("FUZZ_ITERATIONS") ? (unsigned)atoi(getenv("FUZZ_ITERATIONS"))
                                                         : 20000;

    gen(MIXED, data, sizeof(data), 100);
    load_code_sample();
    memcpy(data + 4000, code_sample + code_sample_len / 2, 2000);
    for (i = 0; i < 4; i++)
        zn[i] = xz_encode(data, i == 1 ? 9000 : sizeof(data), &zs[i], &opts[i]);
    buf = malloc(zn[0] + zn[1] + zn[2] + zn[3]);
    seed(101);
    for (i = 0; i < iterations; i++) {
        unsigned int s = (unsigned int)(rnd() % 4), k, nmut = 1 + (unsigned int)(rnd() % 3);
        size_t n = zn[s], lim = sizeof(data) + (size_t)(rnd() % 64);
        uint8_t *out;
        long ll;
        int rc;

        memcpy(buf, zs[s], n);
        for (k = 0; k < nmut; k++) {
            size_t at = (size_t)(rnd() % n);

            /* Mostly inside the compressed data, sometimes in the headers. */
            if (rnd() % 3 == 0)
                at = rnd() % 2 ? (size_t)(rnd() % 40) : n - 1 - (size_t)(rnd() % (n < 40 ? n : 40));
            if (rnd() % 2)
                buf[at] ^= (uint8_t)(1u << (rnd() % 8));
            else
                buf[at] = (uint8_t)rnd();
        }
        rc = decode(unxz, buf, n, lim, &out);
        ll = lzma_decode(buf, n, lout, 1 << 20);
        if ((rc && rc != -EINVAL && rc != -ENOSPC && rc != -ENOSYS) || (rc && !res.err))
            bad++;
        if (!rc && ll < 0)
            only_mine++;
        else if (!rc && (res.out_len != (size_t)ll || memcmp(out, lout, res.out_len)))
            bad++;
        else if (!rc)
            both++;
        if (rc == -EINVAL && ll >= 0)
            only_lzma++;
        free(out);
    }
    if (getenv("TEST_VERBOSE"))
        printf("xz corruption: %u decoded by both\n", both);
    CHECK_EQ(bad, 0);
    CHECK_EQ(only_mine, 0);
    CHECK_EQ(only_lzma, 0);
    for (i = 0; i < 4; i++)
        free(zs[i]);
    free(buf);
    free(lout);
}

/* Shared libraries of this machine, a few MiB of zeros and text, like a kernel's sections. */
static void kernel_like(uint8_t *data, size_t n)
{
    static const char dir[] = "/usr/lib/x86_64-linux-gnu";
    struct dirent **names;
    size_t have = 0;
    int i, nn = scandir(dir, &names, NULL, alphasort);

    gen(TEXT, data, n / 16, 110);
    have = n / 16;
    memset(data + have, 0, n / 16);
    have += n / 16;
    for (i = 0; i < nn; i++) {
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (have < n && strstr(names[i]->d_name, ".so") && (f = fopen(path, "rb"))) {
            have += fread(data + have, 1, n - have, f);
            fclose(f);
        }
        free(names[i]);
    }
    if (nn > 0)
        free(names);
    if (have < n)
        gen(CODE, data + have, n - have, 111);
}

/* Decoding speed on a kernel-sized payload of machine code: printed, not asserted. */
static void test_xz_speed(void)
{
    size_t n = (getenv("TEST_SPEED_MB") ? (size_t)atoi(getenv("TEST_SPEED_MB")) : 48) << 20;
    struct xz_opts o = { .preset = 0, .check = LZMA_CHECK_CRC32, .x86 = true, .dict = 32 << 20 };
    uint8_t *data = malloc(n), *z, *out = malloc(n);
    size_t zn;
    double t0, t1, t2;
    long ll;
    int rc;

    kernel_like(data, n);
    zn = xz_encode(data, n, &z, &o);
    CHECK(zn > 0, "encode");
    t0 = now();
    rc = unxz(z, zn, out, n, work, sizeof(work), &res);
    t1 = now();
    CHECK(rc == 0 && res.out_len == n && !memcmp(out, data, n), "rc %d %s", rc,
          res.err ? res.err : "");
    ll = lzma_decode(z, zn, out, n);
    t2 = now();
    CHECK_EQ(ll, (long)n);
    printf("xz speed: %zu MiB (x86 BCJ + LZMA2, %zu MiB compressed): %.1f MB/s here "
           "(sanitizers on), liblzma %.1f MB/s\n", n >> 20, zn >> 20, n / 1e6 / (t1 - t0),
           n / 1e6 / (t2 - t1));
    free(z);
    free(data);
    free(out);
}

static void test_xz_fuzz(void)
{
    struct xz_opts o = { .preset = 1, .check = LZMA_CHECK_CRC32, .x86 = true, .block = 700 };
    uint8_t data[2000], *z, *buf;
    size_t zn;
    unsigned int i, bad = 0, ok = 0;
    unsigned int iterations = getenv("FUZZ_ITERATIONS") ? (unsigned)atoi(getenv("FUZZ_ITERATIONS"))
                                                         : 30000;

    gen(MIXED, data, sizeof(data), 120);
    zn = xz_encode(data, sizeof(data), &z, &o);
    buf = malloc(zn);
    seed(121);
    for (i = 0; i < iterations; i++) {
        unsigned int k, nmut = 1 + (unsigned int)(rnd() % 8);
        size_t n = zn;
        int rc;

        memcpy(buf, z, zn);
        for (k = 0; k < nmut; k++) {
            size_t at = (size_t)(rnd() % zn);

            switch (rnd() % 4) {
            case 0:
                buf[at] ^= (uint8_t)(1u << (rnd() % 8));
                break;
            case 1:
                buf[at] = (uint8_t)rnd();
                break;
            case 2:
                buf[at] = (uint8_t)(rnd() % 2 ? 0 : 0xff);
                break;
            default:
                n = 1 + (size_t)(rnd() % zn);
                break;
            }
        }
        rc = decode(unxz, buf, n, sizeof(data) + (size_t)(rnd() % 3), NULL);
        if ((rc && rc != -EINVAL && rc != -ENOSPC && rc != -ENOSYS) || (rc && !res.err))
            bad++;
        ok += !rc;
    }
    CHECK_EQ(bad, 0);
    free(z);
    free(buf);
}

/* ---- bzImage --------------------------------------------------------------------- */

static size_t make_bzimage(uint8_t *img, const uint8_t *payload, size_t plen, uint8_t setup_sects,
                           uint16_t version, bool size_trailer, uint32_t usize)
{
    size_t setup = (size_t)((setup_sects ? setup_sects : 4) + 1) * 512, off = 0x1c0, total;
    uint32_t v;

    memset(img, 0xcc, setup + off);
    img[0x1f1] = setup_sects;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    memcpy(img + 0x206, &version, 2);
    memcpy(img + setup + off, payload, plen);
    total = setup + off + plen;
    if (size_trailer) {
        memcpy(img + total, &usize, 4);
        total += 4;
    }
    v = (uint32_t)off;
    memcpy(img + 0x248, &v, 4);
    v = (uint32_t)(total - setup - off);
    memcpy(img + 0x24c, &v, 4);
    memset(img + total, 0, 0x1000);     /* the rest of the image */
    return total + 0x1000;
}

static void test_bzimage(void)
{
    uint8_t *img = malloc(1 << 20), data[50000], *z, *out;
    struct bzimage_payload p;
    struct xz_opts o = { .preset = 6, .check = LZMA_CHECK_CRC32, .x86 = true, .dict = 32 << 20 };
    const char *e;
    size_t zn, n, i;
    int rc;
    static const struct {
        const char *name;
        uint8_t magic[6];
    } others[] = {
        { "bzip2", { 'B', 'Z', 'h', '9', '1', 'A' } },
        { "lzma", { 0x5d, 0, 0, 0x80, 0, 0xff } },
        { "lzo", { 0x89, 'L', 'Z', 'O', 0, 0x0d } },
        { "lz4", { 0x02, 0x21, 0x4c, 0x18, 1, 2 } },
        { "zstd", { 0x28, 0xb5, 0x2f, 0xfd, 0, 0 } },
    };

    gen(CODE, data, sizeof(data), 130);
    /* xz with Linux's size trailer, as Debian's kernels are. */
    zn = xz_encode(data, sizeof(data), &z, &o);
    n = make_bzimage(img, z, zn, 27, 0x020f, true, sizeof(data));
    CHECK(bzimage_is_bzimage(img, n), "is a bzImage");
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == 0 && p.format == DECOMPRESS_XZ && p.len == zn && p.size_hint == sizeof(data) &&
              p.offset == 28 * 512 + 0x1c0 && p.setup_sects == 27 && p.version == 0x020f,
          "xz payload: rc %d %s", rc, e ? e : "");
    CHECK(decode_match(decompress, p.data, p.len, data, sizeof(data)) == NULL, "xz decode");
    /* Without the trailer too. */
    n = make_bzimage(img, z, zn, 0, 0x0208, false, 0);
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == 0 && p.len == zn && p.size_hint == 0 && p.setup_sects == 4, "no trailer");
    free(z);

    zn = zlib_deflate(data, sizeof(data), &z, 9, 31, 8, Z_DEFAULT_STRATEGY, NULL);
    n = make_bzimage(img, z, zn, 30, 0x020c, false, 0);
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == 0 && p.format == DECOMPRESS_GZIP && p.len == zn && p.size_hint == sizeof(data),
          "gzip payload: rc %d", rc);
    CHECK(decode_match(decompress, p.data, p.len, data, sizeof(data)) == NULL, "gzip decode");

    /* Broken headers. */
    memcpy(img + 0x202, "HdrZ", 4);
    CHECK_EQ(bzimage_find_payload(img, n, &p, &e), -ENOEXEC);
    CHECK(!bzimage_is_bzimage(img, n), "no HdrS");
    memcpy(img + 0x202, "HdrS", 4);
    CHECK_EQ(bzimage_find_payload(img, 0x24f, &p, &e), -ENOEXEC);
    img[0x206] = 0x07;
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == -EINVAL && strstr(e, "2.07"), "old protocol: %d %s", rc, e);
    img[0x206] = 0x0c;
    for (i = 0; i < 3; i++) {
        uint32_t v = i == 0 ? 0xfffffff0 : i == 1 ? (uint32_t)n : 0;
        size_t field = i == 0 ? 0x248 : 0x24c;
        uint32_t old;

        memcpy(&old, img + field, 4);
        memcpy(img + field, &v, 4);
        rc = bzimage_find_payload(img, n, &p, &e);
        CHECK(rc == -EINVAL && strstr(e, "not inside"), "field 0x%zx = 0x%x: %d", field, v, rc);
        memcpy(img + field, &old, 4);
    }
    img[0x1f1] = 0xff;      /* setup past the end */
    CHECK_EQ(bzimage_find_payload(img, n, &p, &e), -EINVAL);
    img[0x1f1] = 30;
    rc = bzimage_find_payload(img, 31 * 512 + 0x1c0 + 10, &p, &e);
    CHECK(rc == -EINVAL, "payload cut: %d", rc);
    free(z);

    /* Compressors that Linux supports but Xen does not decode here. */
    for (i = 0; i < ARRAY_SIZE(others); i++) {
        n = make_bzimage(img, others[i].magic, 6, 10, 0x020f, true, 1000);
        rc = bzimage_find_payload(img, n, &p, &e);
        CHECK(rc == -ENOSYS && strstr(e, others[i].name) && strstr(e, "only gzip and xz"),
              "%s: %d %s", others[i].name, rc, e ? e : "");
        CHECK(!strcmp(decompress_format_name(decompress_identify(others[i].magic, 6)),
                      others[i].name), "%s identified", others[i].name);
        out = malloc(16);
        rc = decompress(others[i].magic, 6, out, 16, work, sizeof(work), &res);
        CHECK(rc == -ENOSYS && strstr(res.err, others[i].name), "decompress %s: %d",
              others[i].name, rc);
        free(out);
    }
    n = make_bzimage(img, (const uint8_t *)"\x12\x34\x56\x78", 4, 10, 0x020f, false, 0);
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == -ENOSYS && strstr(e, "12 34 56 78"), "unknown: %d %s", rc, e ? e : "");
    free(img);
}

/* A real Linux kernel: decode its payload, find the PVH entry in the ELF inside. */
static void test_vmlinuz(void)
{
    const char *path = getenv("TEST_VMLINUZ");
    struct bzimage_payload p;
    struct elf_image elf;
    const char *e;
    uint8_t *img, *out;
    size_t n, max;
    uint64_t entry;
    double t0, t1;
    FILE *f;
    int rc;

    if (!path) {
        printf("SKIP: decompress_vmlinuz: set TEST_VMLINUZ=<path of a Linux bzImage> to decode "
               "a real kernel\n");
        CHECK(1, "skipped");
        return;
    }
    f = fopen(path, "rb");
    CHECK(f, "cannot open %s", path);
    if (!f)
        return;
    img = malloc(64 << 20);
    n = fread(img, 1, 64 << 20, f);
    fclose(f);
    rc = bzimage_find_payload(img, n, &p, &e);
    CHECK(rc == 0, "rc %d %s", rc, e);
    if (rc) {
        free(img);
        return;
    }
    max = p.size_hint ? p.size_hint : 256 << 20;
    out = malloc(max);
    t0 = now();
    rc = decompress(p.data, p.len, out, max, work, sizeof(work), &res);
    t1 = now();
    CHECK(rc == 0, "rc %d %s", rc, res.err);
    CHECK(!p.size_hint || res.out_len == p.size_hint, "%zu bytes, image says %u", res.out_len,
          p.size_hint);
    printf("vmlinuz: boot protocol %u.%02u, %s payload of %zu bytes at 0x%zx -> %zu bytes in "
           "%.2f s (%.1f MB/s)\n", p.version >> 8, p.version & 0xff,
           decompress_format_name(p.format), p.len, p.offset, res.out_len, t1 - t0,
           res.out_len / 1e6 / (t1 - t0));
    if (!rc) {
        rc = elf_check(&elf, out, res.out_len, &e);
        CHECK(rc == 0, "vmlinux: %s", e);
        CHECK(!rc && !elf_xen_phys32_entry(&elf, &entry), "PVH note");
        if (!rc)
            printf("vmlinuz: ELF%u, %u PT_LOADs at 0x%lx-0x%lx, PVH entry 0x%lx\n",
                   elf.elf_class == ELFCLASS64 ? 64 : 32, elf.nr_load,
                   (unsigned long)elf.paddr_start, (unsigned long)elf.paddr_end,
                   (unsigned long)entry);
        /* One byte too few: refused, with the exact size from the index. */
        rc = decompress(p.data, p.len, out, res.out_len - 1, work, sizeof(work), &res);
        CHECK(rc == -ENOSPC && res.needed == max, "limit: rc %d needed %zu", rc, res.needed);
    }
    free(out);
    free(img);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "decompress_crc", test_crc },
        { "decompress_sha256", test_sha256 },
        { "gzip_levels", test_gzip_levels },
        { "gzip_header", test_gzip_header },
        { "gzip_members", test_gzip_members },
        { "gzip_limits", test_gzip_limits },
        { "gzip_truncated", test_gzip_truncated },
        { "deflate_crafted", test_deflate_crafted },
        { "gzip_corrupt", test_gzip_corrupt },
        { "xz_presets", test_xz_presets },
        { "xz_streams", test_xz_streams },
        { "xz_limits", test_xz_limits },
        { "xz_unsupported", test_xz_unsupported },
        { "xz_lzma2_chunks", test_lzma2_chunks },
        { "xz_truncated", test_xz_truncated },
        { "xz_corrupt", test_xz_corrupt },
        { "xz_fuzz", test_xz_fuzz },
        { "xz_speed", test_xz_speed },
        { "bzimage", test_bzimage },
        { "decompress_vmlinuz", test_vmlinuz },
    };

    if (getenv("TEST_TIMING")) {
        unsigned int i;
        int rc = 0;

        for (i = 0; i < ARRAY_SIZE(cases); i++) {
            double t = now();

            rc |= test_run(&cases[i], 1);
            printf("  %.2f s\n", now() - t);
        }
        return rc;
    }
    return test_run(cases, ARRAY_SIZE(cases));
}
