/*
 * Deterministic fuzzing of the boot-time input readers under ASan and
 * UBSan (config/Host.mk), plus oracle checks of the decoders.
 *
 * What the other host tests already fuzz is not repeated here: fdt (the
 * reader against libfdt), elf (real kernels from the toolchain) and
 * decompress (each decoder alone, against zlib and liblzma) each have a
 * fixed-seed fuzzer of their own.  This one covers what joins them:
 * configurations all the way through hyperlaunch_parse() with its promises
 * checked, the kernel pipeline bzImage -> decoder -> ELF loader, and the
 * exact "xz -9e" streams (64 MiB dictionary, CRC32 / CRC64 / no check,
 * with and without the x86 BCJ filter) that the decompress test's
 * faster, smaller-dictionary presets stand in for.
 *
 * FUZZ_ITERATIONS=n runs n iterations of each fuzzer instead of the
 * defaults (which keep the whole program under 20 s with sanitizers).
 */
#include "test.h"
#include "fuzz.h"
#include <xen/lib.h>
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <lzma.h>
#include <zlib.h>
#include <time.h>

static uint64_t rng;

/* hyperlaunch_find_config() reads modules through the direct map; nothing here calls it. */
void *maddr_to_virt(paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

void fuzz_seed(uint64_t seed)
{
    rng = seed ? seed : 1;
}

uint64_t fuzz_rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

unsigned int fuzz_iterations(unsigned int dflt)
{
    const char *s = getenv("FUZZ_ITERATIONS");

    return s ? (unsigned int)strtoul(s, NULL, 0) : dflt;
}

uint8_t *fuzz_at_end(const void *p, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);

    if (len)
        memcpy(c, p, len);
    return c;
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void report(const char *what, const struct fuzz_stats *st, double t0);
static void report(const char *what, const struct fuzz_stats *st, double t0)
{
    if (getenv("TEST_VERBOSE"))
        printf("%s: %u runs, %u accepted, %u deep, %.1f s\n", what, st->runs, st->accepted,
               st->deep, now() - t0);
}

/* ---- Fuzzers ---------------------------------------------------------------------- */

static void test_fdt_bytes(void)
{
    struct fuzz_stats st = { 0 };
    double t0 = now();

    fuzz_seed(0x5eed0001);
    CHECK_EQ(fuzz_fdt_bytes(fuzz_iterations(15000), &st), 0);
    report("fdt bytes", &st, t0);
    /* The mutator must not be so blunt that nothing gets through. */
    CHECK(st.accepted > st.runs / 20, "only %u of %u blobs accepted", st.accepted, st.runs);
    CHECK(st.deep > 0, "no mutated blob kept a valid domain");
}

static void test_fdt_structure(void)
{
    struct fuzz_stats st = { 0 };
    double t0 = now();

    fuzz_seed(0x5eed0002);
    CHECK_EQ(fuzz_fdt_structure(fuzz_iterations(8000), &st), 0);
    report("fdt structure", &st, t0);
    /* libfdt lets duplicate or reserved phandles through; fdt_check does not. */
    CHECK(st.accepted > st.runs * 8 / 10, "%u of %u edited blobs rejected", st.runs - st.accepted,
          st.runs);
    CHECK(st.deep > st.runs / 4, "only %u of %u runs kept a valid domain", st.deep, st.runs);
}

static void test_kernel_pipeline(void)
{
    struct fuzz_stats st = { 0 };
    double t0 = now();

    fuzz_seed(0x5eed0003);
    CHECK_EQ(fuzz_kernel_pipeline(fuzz_iterations(5000), &st), 0);
    report("kernel pipeline", &st, t0);
    CHECK(st.deep > st.runs / 10, "only %u of %u images loaded", st.deep, st.runs);
}

/* ---- Oracles ---------------------------------------------------------------------- */

static uint8_t work[DECOMPRESS_WORKSPACE_SIZE] __attribute__((aligned(64)));

/* Random bytes, or random runs and repeats (compressible, like code). */
static void random_data(uint8_t *b, size_t n, bool runs)
{
    size_t i = 0;

    while (i < n) {
        if (!runs || fuzz_rnd() % 3 == 0) {
            b[i++] = (uint8_t)fuzz_rnd();
        } else {
            size_t len = 3 + (size_t)(fuzz_rnd() % 60), back = 1 + (size_t)(fuzz_rnd() % 2000);

            for (; len && i < n; len--, i++)
                b[i] = i >= back ? b[i - back] : (uint8_t)len;
        }
    }
}

/* Decode with decompress() (format by magic) into a buffer of exactly n bytes. */
static const char *ours(const uint8_t *z, size_t zn, const uint8_t *want, size_t n)
{
    struct decompress_result res;
    uint8_t *in = fuzz_at_end(z, zn), *out = malloc(n ? n : 1);
    const char *why = NULL;
    int rc = decompress(in, zn, out, n, work, sizeof(work), &res);

    if (rc)
        why = res.err ? res.err : "failed without a reason";
    else if (res.out_len != n || memcmp(out, want, n))
        why = "decoded to different bytes";
    free(in);
    free(out);
    return why;
}

/*
 * The streams `xz -9e [--x86] --check=...` writes (liblzma's encoder at
 * preset 9e: its 64 MiB dictionary is why there are only a dozen: each
 * costs liblzma some 700 MiB to set up).
 */
static void test_xz_9e_oracle(void)
{
    static const size_t sizes[] = { 0, 1, 4099, 70000 };
    static const lzma_check checks[] = { LZMA_CHECK_CRC32, LZMA_CHECK_CRC64, LZMA_CHECK_NONE };
    uint8_t *data = malloc(70000), *z = malloc(80000);
    unsigned int c, x, runs, bad = 0, n = 0;
    double t0 = now();

    fuzz_seed(0x5eed0004);
    for (c = 0; c < ARRAY_SIZE(checks); c++)
        for (x = 0; x < 2; x++)
            for (runs = 0; runs < 2; runs++) {
                size_t len = sizes[(c * 2 + x + runs) % ARRAY_SIZE(sizes)];
                lzma_options_lzma opt;
                lzma_filter f[3];
                size_t zn = 0;
                unsigned int nf = 0;
                const char *why;

                random_data(data, len, runs);
                lzma_lzma_preset(&opt, 9 | LZMA_PRESET_EXTREME);
                if (x)
                    f[nf++] = (lzma_filter){ LZMA_FILTER_X86, NULL };
                f[nf++] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
                f[nf] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
                if (lzma_stream_buffer_encode(f, checks[c], NULL, data, len, z, &zn, 80000) !=
                    LZMA_OK) {
                    bad++;
                    continue;
                }
                n++;
                why = ours(z, zn, data, len);
                if (why) {
                    printf("xz -9e size %zu %s check %d x86 %u: %s\n", len,
                           runs ? "runs" : "random", checks[c], x, why);
                    bad++;
                }
            }
    if (getenv("TEST_VERBOSE"))
        printf("xz -9e: %u streams, %.1f s\n", n, now() - t0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(n, ARRAY_SIZE(checks) * 2 * 2);
    free(data);
    free(z);
}

/* gzip as zlib writes it, every level and strategy, must decode to the same bytes. */
static void test_gzip_oracle(void)
{
    static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                      Z_FIXED };
    uint8_t *data = malloc(100000), *z = malloc(120000);
    unsigned int level, s, bad = 0, n = 0;

    fuzz_seed(0x5eed0005);
    for (level = 0; level <= 9; level++)
        for (s = 0; s < ARRAY_SIZE(strategies); s++) {
            size_t len = (size_t)(fuzz_rnd() % 100000);
            z_stream zs;
            const char *why;

            random_data(data, len, (level + s) % 2);
            memset(&zs, 0, sizeof(zs));
            if (deflateInit2(&zs, (int)level, Z_DEFLATED, 31, 9, strategies[s]) != Z_OK) {
                bad++;
                continue;
            }
            zs.next_in = data;
            zs.avail_in = (uInt)len;
            zs.next_out = z;
            zs.avail_out = 120000;
            if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
                bad++;
                deflateEnd(&zs);
                continue;
            }
            n++;
            why = ours(z, zs.total_out, data, len);
            if (why) {
                printf("gzip level %u strategy %d size %zu: %s\n", level, strategies[s], len, why);
                bad++;
            }
            deflateEnd(&zs);
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(n, 10 * ARRAY_SIZE(strategies));
    free(data);
    free(z);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "fuzz_fdt_bytes", test_fdt_bytes },
        { "fuzz_fdt_structure", test_fdt_structure },
        { "fuzz_kernel_pipeline", test_kernel_pipeline },
        { "oracle_xz_9e", test_xz_9e_oracle },
        { "oracle_gzip", test_gzip_oracle },
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
