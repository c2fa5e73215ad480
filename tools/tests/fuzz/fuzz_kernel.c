/*
 * Fuzzing the kernel pipeline the domain builder runs on a boot module:
 * bzImage locator (common/lib/bzimage.c) -> XZ or gzip decoder
 * (decompress.c, unxz.c, inflate.c) -> ELF checks, notes and loading
 * (elf.c) into a bounded guest-memory buffer.
 *
 * The seeds are small PVH kernels built here (ELF64 and ELF32-class
 * x86-64, a PT_LOAD with bss and a PT_NOTE with the Xen PHYS32_ENTRY
 * note), compressed with liblzma (x86 BCJ + LZMA2, CRC32, as Linux does)
 * or zlib, in a bzImage.  A mutation hits one layer: the ELF before
 * compression (then the outer layers are intact, so the decoder must give
 * back exactly the mutated ELF: an oracle), the compressed stream, the
 * bzImage header, or any byte of the whole image.
 */
#include "test.h"
#include "fuzz.h"
#include <xen/lib.h>
#include <xen/elf.h>
#include <xen/decompress.h>
#include <xen/errno.h>
#include <lzma.h>
#include <zlib.h>

#define ELF_MAX        4096
#define IMAGE_MAX      (64 * 1024)
#define OUT_MAX        (16 * 1024)
#define GUEST_BASE     0x100000ULL
#define GUEST_SIZE     (256 * 1024)
#define CODE_OFF       0x200
#define CODE_LEN       0x300

static uint8_t work[DECOMPRESS_WORKSPACE_SIZE] __attribute__((aligned(64)));
static uint8_t guest[GUEST_SIZE];

/* ---- Building seeds --------------------------------------------------------------- */

static void le(uint8_t *p, uint64_t v, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A PVH kernel: headers, two program headers, the note, code; loaded at 1 MiB with bss. */
static size_t make_elf(uint8_t *b, bool is64)
{
    size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, note = eh + 2 * ph, p;
    unsigned int w = is64 ? 8 : 4, i;

    memset(b, 0, CODE_OFF + CODE_LEN);
    memcpy(b, ELFMAG, ELFMAG_LEN);
    b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
    b[EI_DATA] = ELFDATA2LSB;
    b[EI_VERSION] = EV_CURRENT;
    le(b + 16, ET_EXEC, 2);
    le(b + 18, EM_X86_64, 2);
    le(b + 20, EV_CURRENT, 4);
    le(b + 24, GUEST_BASE + CODE_OFF, w);               /* e_entry */
    le(b + 24 + w, eh, w);                              /* e_phoff */
    le(b + 24 + 3 * w + 4, eh, 2);                      /* e_ehsize */
    le(b + 24 + 3 * w + 6, ph, 2);                      /* e_phentsize */
    le(b + 24 + 3 * w + 8, 2, 2);                       /* e_phnum */
    for (i = 0; i < 2; i++) {
        uint8_t *h = b + eh + i * ph;
        uint64_t off = i ? note : 0, fsz = i ? 20 : CODE_OFF + CODE_LEN,
                 msz = i ? 20 : 0x2000, addr = i ? 0 : GUEST_BASE;

        le(h, i ? PT_NOTE : PT_LOAD, 4);
        if (is64) {
            le(h + 4, PF_R | PF_X, 4);
            le(h + 8, off, 8);
            le(h + 16, addr, 8);
            le(h + 24, addr, 8);
            le(h + 32, fsz, 8);
            le(h + 40, msz, 8);
            le(h + 48, i ? 4 : 0x1000, 8);
        } else {
            le(h + 4, off, 4);
            le(h + 8, addr, 4);
            le(h + 12, addr, 4);
            le(h + 16, fsz, 4);
            le(h + 20, msz, 4);
            le(h + 24, PF_R | PF_X, 4);
            le(h + 28, i ? 4 : 0x1000, 4);
        }
    }
    p = note;
    le(b + p, 4, 4);                                    /* namesz: "Xen\0" */
    le(b + p + 4, 4, 4);                                /* descsz */
    le(b + p + 8, ELF_XEN_NOTE_PHYS32_ENTRY, 4);
    memcpy(b + p + 12, ELF_XEN_NOTE_NAME, 4);
    le(b + p + 16, GUEST_BASE + CODE_OFF, 4);
    for (i = 0; i < CODE_LEN; i++)
        b[CODE_OFF + i] = (uint8_t)(i * 7 + (i >> 3));
    return CODE_OFF + CODE_LEN;
}

static size_t xz_compress(const uint8_t *in, size_t n, uint8_t *out, size_t max)
{
    lzma_options_lzma opt;
    lzma_filter f[3];
    size_t pos = 0;

    /* Linux's settings but a small dictionary: the encoder's memory scales with it. */
    lzma_lzma_preset(&opt, 6);
    opt.dict_size = 64 << 10;
    f[0] = (lzma_filter){ LZMA_FILTER_X86, NULL };
    f[1] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
    f[2] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
    if (lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, in, n, out, &pos, max) != LZMA_OK)
        return 0;
    return pos;
}

static size_t gz_compress(const uint8_t *in, size_t n, uint8_t *out, size_t max)
{
    z_stream z;
    size_t len;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (uint8_t *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)max;
    len = deflate(&z, Z_FINISH) == Z_STREAM_END ? z.total_out : 0;
    deflateEnd(&z);
    return len;
}

/* A bzImage (boot protocol 2.15) around a payload, with Linux's size trailer for xz. */
static size_t make_bzimage(uint8_t *img, const uint8_t *z, size_t zn, bool xz, size_t usize)
{
    size_t setup = 5 * 512, off = 0x100, total;

    memset(img, 0, setup + off);
    img[BZIMAGE_SETUP_SECTS] = 4;
    img[BZIMAGE_BOOT_FLAG] = 0x55;
    img[BZIMAGE_BOOT_FLAG + 1] = 0xaa;
    memcpy(img + BZIMAGE_HEADER, "HdrS", 4);
    le(img + BZIMAGE_VERSION, 0x020f, 2);
    memcpy(img + setup + off, z, zn);
    total = setup + off + zn;
    if (xz) {
        le(img + total, usize, 4);
        total += 4;
    }
    le(img + BZIMAGE_PAYLOAD_OFFSET, off, 4);
    le(img + BZIMAGE_PAYLOAD_LENGTH, total - setup - off, 4);
    memset(img + total, 0x90, 256);     /* the rest of the image */
    return total + 256;
}

static size_t wrap(const uint8_t *elf, size_t n, bool xz, uint8_t *img)
{
    static uint8_t z[IMAGE_MAX / 2];
    size_t zn = xz ? xz_compress(elf, n, z, sizeof(z)) : gz_compress(elf, n, z, sizeof(z));

    return zn ? make_bzimage(img, z, zn, xz, n) : 0;
}

/* ---- The pipeline ----------------------------------------------------------------- */

struct load_ctx {
    const uint8_t *lo, *hi;     /* the image */
    unsigned int bad;
};

/* What the domain builder does: copy into guest RAM, refusing anything outside it. */
static int load_segment(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                        uint64_t memsz)
{
    struct load_ctx *c = opaque;
    const uint8_t *s = src;

    if (s < c->lo || s > c->hi || filesz > (uint64_t)(c->hi - s) || filesz > memsz) {
        c->bad++;
        return -EINVAL;
    }
    if (paddr < GUEST_BASE || memsz > GUEST_SIZE || paddr - GUEST_BASE > GUEST_SIZE - memsz)
        return -ENOSPC;
    memcpy(guest + (paddr - GUEST_BASE), s, filesz);
    memset(guest + (paddr - GUEST_BASE) + filesz, 0, memsz - filesz);
    return 0;
}

/*
 * Run the image through; `want`, if not NULL, is the ELF the image must
 * decode to.  Returns broken invariants; *depth says how far it got
 * (1 payload found, 2 decoded, 3 ELF accepted, 4 loaded).
 */
static unsigned int pipeline(const uint8_t *img, size_t n, const uint8_t *want, size_t want_len,
                             unsigned int *depth)
{
    struct bzimage_payload p;
    struct decompress_result res;
    struct elf_image elf;
    struct elf_note_iter it = { 0 };
    struct elf_note note;
    const char *err = NULL;
    uint8_t *copy = fuzz_at_end(img, n), *out = malloc(OUT_MAX);
    unsigned int bad = 0;
    uint64_t v;
    int rc;

    *depth = 0;
    bzimage_is_bzimage(copy, n);
    rc = bzimage_find_payload(copy, n, &p, &err);
    if (rc) {
        bad += !err || want;
        goto out;
    }
    *depth = 1;
    bad += p.data < copy || p.len > n || p.data + p.len > copy + n;
    decompress_identify(p.data, p.len);
    memset(&res, 0, sizeof(res));
    rc = decompress(p.data, p.len, out, OUT_MAX, work, sizeof(work), &res);
    if (rc) {
        bad += (rc != -EINVAL && rc != -ENOSPC && rc != -ENOSYS) || !res.err || want;
        goto out;
    }
    *depth = 2;
    bad += res.out_len > OUT_MAX || res.in_used > p.len;
    if (want)
        bad += res.out_len != want_len || memcmp(out, want, want_len);
    {
        uint8_t *elf_copy = fuzz_at_end(out, res.out_len);

        rc = elf_check(&elf, elf_copy, res.out_len, &err);
        if (rc) {
            bad += (rc != -EINVAL && rc != -ENOEXEC) || !err;
        } else {
            struct load_ctx c = { elf_copy, elf_copy + res.out_len, 0 };

            *depth = 3;
            while (!elf_next_note(&elf, &it, &note))
                elf_note_numeric(&note, &v);
            elf_xen_phys32_entry(&elf, &v);
            if (!elf_load(&elf, load_segment, &c))
                *depth = 4;
            bad += c.bad;
        }
        free(elf_copy);
    }
out:
    free(copy);
    free(out);
    return bad;
}

/* ---- Mutations -------------------------------------------------------------------- */

static const uint64_t values[] = { 0, 1, 2, 4, 8, 0x1000, 0x7fffffff, 0xffffffff, ~0ULL,
                                   0x100000, 0x8000000000000000ULL, 0xfffff000 };

static void poke(uint8_t *b, size_t len, size_t at)
{
    switch (fuzz_rnd() % 4) {
    case 0:
        b[at] ^= (uint8_t)(1u << (fuzz_rnd() % 8));
        break;
    case 1:
        b[at] = (uint8_t)fuzz_rnd();
        break;
    default:
        at &= ~(size_t)3;
        if (at + 8 <= len)
            le(b + at, values[fuzz_rnd() % ARRAY_SIZE(values)], fuzz_rnd() % 2 ? 8 : 4);
        break;
    }
}

unsigned int fuzz_kernel_pipeline(unsigned int iterations, struct fuzz_stats *st)
{
    static uint8_t elfs[2][ELF_MAX], imgs[4][IMAGE_MAX], e[ELF_MAX], img[IMAGE_MAX];
    size_t elf_len[2], img_len[4], n, en;
    unsigned int i, k, bad = 0, depth, s;

    for (i = 0; i < 2; i++)
        elf_len[i] = make_elf(elfs[i], i == 0);
    for (i = 0; i < 4; i++) {
        img_len[i] = wrap(elfs[i % 2], elf_len[i % 2], i >= 2, imgs[i]);
        /* Unmutated, every seed must go all the way. */
        bad += !img_len[i] || pipeline(imgs[i], img_len[i], elfs[i % 2], elf_len[i % 2], &depth);
        bad += depth != 4;
    }
    for (i = 0; i < iterations; i++) {
        s = (unsigned int)(fuzz_rnd() % 4);
        st->runs++;
        switch (fuzz_rnd() % 4) {
        case 0:             /* the ELF, then compressed again: the oracle applies */
            en = elf_len[s % 2];
            memcpy(e, elfs[s % 2], en);
            for (k = 1 + (unsigned int)(fuzz_rnd() % 3); k; k--)
                poke(e, en, fuzz_rnd() % 2 ? (size_t)(fuzz_rnd() % 0x100) : (size_t)(fuzz_rnd() % en));
            if (fuzz_rnd() % 8 == 0)
                en = 1 + (size_t)(fuzz_rnd() % en);
            n = wrap(e, en, s >= 2, img);
            bad += !n || pipeline(img, n, e, en, &depth);
            break;
        case 1:             /* the compressed stream */
            n = img_len[s];
            memcpy(img, imgs[s], n);
            for (k = 1 + (unsigned int)(fuzz_rnd() % 3); k; k--)
                poke(img, n, 5 * 512 + 0x100 + (size_t)(fuzz_rnd() % (n - 5 * 512 - 0x100)));
            bad += pipeline(img, n, NULL, 0, &depth);
            break;
        case 2:             /* the bzImage header */
            n = img_len[s];
            memcpy(img, imgs[s], n);
            for (k = 1 + (unsigned int)(fuzz_rnd() % 2); k; k--)
                poke(img, n, 0x1f0 + (size_t)(fuzz_rnd() % 0x80));
            bad += pipeline(img, n, NULL, 0, &depth);
            break;
        default:            /* anywhere, and truncation */
            n = img_len[s];
            memcpy(img, imgs[s], n);
            poke(img, n, (size_t)(fuzz_rnd() % n));
            if (fuzz_rnd() % 2)
                n = (size_t)(fuzz_rnd() % n);
            bad += pipeline(img, n, NULL, 0, &depth);
            break;
        }
        st->accepted += depth >= 3;
        st->deep += depth == 4;
    }
    return bad;
}
