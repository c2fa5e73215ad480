/*
 * DEFLATE (RFC 1951) and its gzip container (RFC 1952), decoded in one call
 * into a caller's buffer that also serves as the 32 KiB window.
 *
 * When the output does not fit, the input is decoded again into a ring of
 * 32 KiB in the workspace, only to count (and check) the bytes, so that
 * the caller learns exactly how big a buffer it needs.
 */
#include <xen/decompress.h>
#include <xen/crc.h>
#include <xen/lib.h>
#include <xen/errno.h>

#define INFLATE_WINDOW      32768U
#define INFLATE_MAX_BITS    15      /* longest code */
#define INFLATE_FAST_BITS   9       /* codes this short decode with one lookup */
#define INFLATE_NUM_LITLEN  288     /* symbols in the literal/length code, 286-287 unused */
#define INFLATE_NUM_DIST    32      /* symbols in the distance code, 30-31 unused */
#define INFLATE_NUM_CLEN    19      /* code length code symbols */
#define INFLATE_END_BLOCK   256

#define GZIP_ID1      0x1f
#define GZIP_ID2      0x8b
#define GZIP_CM_DEFLATE 8
#define GZIP_FTEXT    0x01
#define GZIP_FHCRC    0x02
#define GZIP_FEXTRA   0x04
#define GZIP_FNAME    0x08
#define GZIP_FCOMMENT 0x10
#define GZIP_FRESERVED 0xe0
#define GZIP_HEADER_SIZE  10
#define GZIP_TRAILER_SIZE 8

/*
 * A canonical Huffman code.  fast[] is indexed by the next FAST_BITS input
 * bits (first bit in the lowest position) and holds symbol << 4 | length,
 * or 0 where the code is longer (or absent): those go the slow way, walking
 * count[] and symbol[] one bit at a time.
 */
struct inflate_huff {
    uint16_t fast[1U << INFLATE_FAST_BITS];
    uint16_t count[INFLATE_MAX_BITS + 1];
    uint16_t symbol[INFLATE_NUM_LITLEN];
};

struct inflate_state {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint64_t bits;              /* input bits not consumed yet, next bit lowest */
    unsigned int nbits;

    uint8_t *out;               /* linear output, or the ring when counting */
    size_t out_max;
    size_t out_pos;             /* total bytes produced */
    size_t member_start;        /* out_pos where the current gzip member began */
    bool counting;              /* output goes round the ring, for its size only */
    uint32_t ring_crc;          /* CRC of the member so far, when counting */

    const char **err;
    struct inflate_huff lit, dist;
    uint8_t ring[INFLATE_WINDOW];
};

BUILD_BUG_ON(sizeof(struct inflate_state) > DECOMPRESS_WORKSPACE_SIZE);

/* Internal result: output full (not an error when counting). */
#define INFLATE_FULL 1

static char inflate_errbuf[160];

static int __printf(3, 4) inflate_fail(struct inflate_state *s, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(inflate_errbuf, sizeof(inflate_errbuf), fmt, ap);
    va_end(ap);
    *s->err = inflate_errbuf;
    return rc;
}

/* Input byte offset of the next unread bit (rounded down). */
static size_t inflate_in_offset(const struct inflate_state *s)
{
    return s->in_pos - s->nbits / 8;
}

/* ---- Bits ---------------------------------------------------------------- */

static inline void inflate_refill(struct inflate_state *s)
{
    if (s->in_len - s->in_pos >= 8) {
        uint64_t v;

        /* Take whole bytes while at least 56 bits are free. */
        memcpy(&v, s->in + s->in_pos, 8);
        s->bits |= v << s->nbits;
        s->in_pos += (63 - s->nbits) / 8;
        s->nbits |= 56;
        return;
    }
    while (s->nbits <= 56 && s->in_pos < s->in_len) {
        s->bits |= (uint64_t)s->in[s->in_pos++] << s->nbits;
        s->nbits += 8;
    }
}

/* n <= 32 bits, or -1 if the input ends first. */
static inline int64_t inflate_bits(struct inflate_state *s, unsigned int n)
{
    uint32_t v;

    if (s->nbits < n) {
        inflate_refill(s);
        if (s->nbits < n)
            return -1;
    }
    v = (uint32_t)(s->bits & ((1ULL << n) - 1));
    s->bits >>= n;
    s->nbits -= n;
    return v;
}

/* Give unread whole bytes back to the input, at a byte boundary. */
static void inflate_align(struct inflate_state *s)
{
    s->in_pos -= s->nbits / 8;
    s->bits = 0;
    s->nbits = 0;
}

/* ---- Codes --------------------------------------------------------------- */

static uint32_t inflate_reverse(uint32_t code, unsigned int len)
{
    uint32_t r = 0;

    while (len--) {
        r = r << 1 | (code & 1);
        code >>= 1;
    }
    return r;
}

/*
 * Build a code from n code lengths.  Over-subscribed sets are refused;
 * incomplete sets only where RFC 1951 decoders accept them: a single code
 * of one bit, or no code at all (which fails when used).
 */
static int inflate_build(struct inflate_huff *h, const uint8_t *lens, unsigned int n,
                         bool allow_incomplete)
{
    uint16_t next[INFLATE_MAX_BITS + 2];
    unsigned int sym, len, nsyms = 0, max_len = 0;
    int left = 1;
    uint32_t code = 0;

    memset(h->count, 0, sizeof(h->count));
    memset(h->fast, 0, sizeof(h->fast));
    for (sym = 0; sym < n; sym++)
        h->count[lens[sym]]++;
    h->count[0] = 0;
    for (len = 1; len <= INFLATE_MAX_BITS; len++) {
        left = left * 2 - h->count[len];
        if (left < 0)
            return -1;
        nsyms += h->count[len];
        if (h->count[len])
            max_len = len;
    }
    if (left > 0 && nsyms && !(allow_incomplete && max_len == 1 && nsyms == 1))
        return -1;

    /* Symbols sorted by length, then by value: the canonical order. */
    next[1] = 0;
    for (len = 1; len <= INFLATE_MAX_BITS; len++)
        next[len + 1] = next[len] + h->count[len];
    for (sym = 0; sym < n; sym++)
        if (lens[sym])
            h->symbol[next[lens[sym]]++] = (uint16_t)sym;

    /* Codes of each length are consecutive, starting where the shorter ones left off. */
    for (len = 1; len <= INFLATE_FAST_BITS; len++) {
        unsigned int i, first = next[len] - h->count[len];

        for (i = 0; i < h->count[len]; i++, code++) {
            uint32_t r = inflate_reverse(code, len), k;

            for (k = r; k < (1U << INFLATE_FAST_BITS); k += 1U << len)
                h->fast[k] = (uint16_t)(h->symbol[first + i] << 4 | len);
        }
        code <<= 1;
    }
    return 0;
}

/* Next symbol, -1 if the input ends, -2 for a bit pattern that is no code. */
static inline int inflate_decode(struct inflate_state *s, const struct inflate_huff *h)
{
    unsigned int e, len, first = 0, index = 0;
    uint32_t code = 0;

    if (s->nbits < INFLATE_MAX_BITS)
        inflate_refill(s);
    e = h->fast[s->bits & ((1U << INFLATE_FAST_BITS) - 1)];
    if (e) {
        len = e & 15;
        if (len > s->nbits)
            return -1;
        s->bits >>= len;
        s->nbits -= len;
        return (int)(e >> 4);
    }
    /* A long code, or none: canonical decoding bit by bit. */
    for (len = 1; len <= INFLATE_MAX_BITS; len++) {
        if (len > s->nbits)
            return -1;
        code |= (s->bits >> (len - 1)) & 1;
        if (code - first < h->count[len]) {
            s->bits >>= len;
            s->nbits -= len;
            return h->symbol[index + code - first];
        }
        index += h->count[len];
        first = (first + h->count[len]) << 1;
        code <<= 1;
    }
    return -2;
}

/* ---- Output -------------------------------------------------------------- */

static inline int inflate_put(struct inflate_state *s, uint8_t b)
{
    if (s->counting) {
        s->ring[s->out_pos % INFLATE_WINDOW] = b;
        s->ring_crc = crc32_ieee(s->ring_crc, &b, 1);
    } else {
        if (s->out_pos == s->out_max)
            return INFLATE_FULL;
        s->out[s->out_pos] = b;
    }
    s->out_pos++;
    return 0;
}

static int inflate_copy(struct inflate_state *s, unsigned int dist, unsigned int len)
{
    if (dist > s->out_pos - s->member_start)
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: distance %u reaches "
                            "before the start of the data (%zu bytes)", inflate_in_offset(s),
                            dist, s->out_pos - s->member_start);
    if (s->counting) {
        while (len--) {
            uint8_t b = s->ring[(s->out_pos - dist) % INFLATE_WINDOW];

            inflate_put(s, b);
        }
        return 0;
    }
    if (len > s->out_max - s->out_pos)
        return INFLATE_FULL;
    {
        uint8_t *d = s->out + s->out_pos;
        const uint8_t *src = d - dist;

        s->out_pos += len;
        /* Byte by byte: a short distance repeats what this copy writes. */
        while (len--)
            *d++ = *src++;
    }
    return 0;
}

/* ---- Blocks -------------------------------------------------------------- */

static const uint16_t inflate_len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t inflate_len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t inflate_dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t inflate_dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

static int inflate_truncated(struct inflate_state *s)
{
    return inflate_fail(s, -EINVAL, "deflate: input ends at 0x%zx inside a block", s->in_len);
}

static int inflate_bad_symbol(struct inflate_state *s, int sym)
{
    if (sym == -1)
        return inflate_truncated(s);
    return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: bits that are no code",
                        inflate_in_offset(s));
}

static int inflate_codes(struct inflate_state *s)
{
    for (;;) {
        int sym = inflate_decode(s, &s->lit), dsym, rc;
        int64_t extra;
        unsigned int len, dist;

        if (sym < 0)
            return inflate_bad_symbol(s, sym);
        if (sym < 256) {
            rc = inflate_put(s, (uint8_t)sym);
            if (rc)
                return rc;
            continue;
        }
        if (sym == INFLATE_END_BLOCK)
            return 0;
        sym -= 257;
        if (sym >= 29)
            return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: invalid length "
                                "symbol %d", inflate_in_offset(s), sym + 257);
        extra = inflate_bits(s, inflate_len_extra[sym]);
        if (extra < 0)
            return inflate_truncated(s);
        len = inflate_len_base[sym] + (unsigned int)extra;

        dsym = inflate_decode(s, &s->dist);
        if (dsym < 0)
            return inflate_bad_symbol(s, dsym);
        if (dsym >= 30)
            return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: invalid distance "
                                "symbol %d", inflate_in_offset(s), dsym);
        extra = inflate_bits(s, inflate_dist_extra[dsym]);
        if (extra < 0)
            return inflate_truncated(s);
        dist = inflate_dist_base[dsym] + (unsigned int)extra;
        rc = inflate_copy(s, dist, len);
        if (rc)
            return rc;
    }
}

static int inflate_stored(struct inflate_state *s)
{
    size_t pos;
    unsigned int len, nlen;

    inflate_align(s);
    pos = s->in_pos;
    if (s->in_len - pos < 4)
        return inflate_truncated(s);
    len = s->in[pos] | (unsigned int)s->in[pos + 1] << 8;
    nlen = s->in[pos + 2] | (unsigned int)s->in[pos + 3] << 8;
    if (len != (~nlen & 0xffff))
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: stored block length "
                            "0x%04x does not match its complement 0x%04x", pos, len, nlen);
    pos += 4;
    if (s->in_len - pos < len)
        return inflate_truncated(s);
    s->in_pos = pos + len;
    if (s->counting) {
        while (len--)
            inflate_put(s, s->in[pos++]);
        return 0;
    }
    if (len > s->out_max - s->out_pos)
        return INFLATE_FULL;
    memcpy(s->out + s->out_pos, s->in + pos, len);
    s->out_pos += len;
    return 0;
}

static int inflate_fixed(struct inflate_state *s)
{
    uint8_t lens[INFLATE_NUM_LITLEN + INFLATE_NUM_DIST];
    unsigned int i;

    /* RFC 1951 3.2.6; the two codes never change but cost nothing to rebuild. */
    for (i = 0; i < 144; i++)
        lens[i] = 8;
    for (; i < 256; i++)
        lens[i] = 9;
    for (; i < 280; i++)
        lens[i] = 7;
    for (; i < INFLATE_NUM_LITLEN; i++)
        lens[i] = 8;
    for (i = 0; i < INFLATE_NUM_DIST; i++)
        lens[INFLATE_NUM_LITLEN + i] = 5;
    inflate_build(&s->lit, lens, INFLATE_NUM_LITLEN, false);
    inflate_build(&s->dist, lens + INFLATE_NUM_LITLEN, INFLATE_NUM_DIST, false);
    return inflate_codes(s);
}

static int inflate_dynamic(struct inflate_state *s)
{
    static const uint8_t order[INFLATE_NUM_CLEN] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    };
    uint8_t lens[INFLATE_NUM_LITLEN + INFLATE_NUM_DIST];
    size_t at = inflate_in_offset(s);
    int64_t hlit, hdist, hclen, v;
    unsigned int i, n;

    hlit = inflate_bits(s, 5);
    hdist = inflate_bits(s, 5);
    hclen = inflate_bits(s, 4);
    if (hclen < 0)
        return inflate_truncated(s);
    hlit += 257;
    hdist += 1;
    if (hlit > 286 || hdist > 30)
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: %ld literal/length and "
                            "%ld distance codes, more than 286 and 30", at, (long)hlit,
                            (long)hdist);

    memset(lens, 0, INFLATE_NUM_CLEN);
    for (i = 0; i < hclen + 4; i++) {
        v = inflate_bits(s, 3);
        if (v < 0)
            return inflate_truncated(s);
        lens[order[i]] = (uint8_t)v;
    }
    /* The lit table holds the code length code for now. */
    if (inflate_build(&s->lit, lens, INFLATE_NUM_CLEN, false))
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: code length code is "
                            "over-subscribed or incomplete", at);

    n = (unsigned int)(hlit + hdist);
    for (i = 0; i < n;) {
        int sym = inflate_decode(s, &s->lit);
        unsigned int rep;
        uint8_t val = 0;

        if (sym == -1)
            return inflate_truncated(s);
        if (sym < 0)
            return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: bits that are no "
                                "code length code", inflate_in_offset(s));
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (!i)
                return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: repeat of a "
                                    "code length with none before", inflate_in_offset(s));
            val = lens[i - 1];
            v = inflate_bits(s, 2);
            rep = 3;
        } else if (sym == 17) {
            v = inflate_bits(s, 3);
            rep = 3;
        } else {
            v = inflate_bits(s, 7);
            rep = 11;
        }
        if (v < 0)
            return inflate_truncated(s);
        rep += (unsigned int)v;
        if (rep > n - i)
            return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: code length repeat "
                                "runs past the %u lengths", inflate_in_offset(s), n);
        while (rep--)
            lens[i++] = val;
    }
    if (!lens[INFLATE_END_BLOCK])
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: no code for the end of "
                            "the block", at);
    if (inflate_build(&s->lit, lens, (unsigned int)hlit, true))
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: literal/length code is "
                            "over-subscribed or incomplete", at);
    if (inflate_build(&s->dist, lens + hlit, (unsigned int)hdist, true))
        return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: distance code is "
                            "over-subscribed or incomplete", at);
    return inflate_codes(s);
}

/* Decode one DEFLATE stream from s->in_pos; leaves s->in_pos at the byte after it. */
static int inflate_stream(struct inflate_state *s)
{
    int64_t hdr;
    int rc;

    do {
        hdr = inflate_bits(s, 3);
        if (hdr < 0)
            return inflate_fail(s, -EINVAL, "deflate: input ends at 0x%zx before a block "
                                "header", s->in_len);
        switch (hdr >> 1) {
        case 0:
            rc = inflate_stored(s);
            break;
        case 1:
            rc = inflate_fixed(s);
            break;
        case 2:
            rc = inflate_dynamic(s);
            break;
        default:
            return inflate_fail(s, -EINVAL, "deflate: input offset 0x%zx: block type 3 is "
                                "reserved", inflate_in_offset(s));
        }
        if (rc)
            return rc;
    } while (!(hdr & 1));
    inflate_align(s);
    return 0;
}

/* ---- Containers ---------------------------------------------------------- */

static uint32_t inflate_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int gzip_header_truncated(struct inflate_state *s)
{
    return inflate_fail(s, -EINVAL, "gzip: input ends at 0x%zx inside a member header",
                        s->in_len);
}

/* Skip a NUL-terminated field; false if the input ends first. */
static bool gzip_skip_string(const struct inflate_state *s, size_t *pos)
{
    while (*pos < s->in_len && s->in[*pos])
        (*pos)++;
    if (*pos == s->in_len)
        return false;
    (*pos)++;
    return true;
}

static int gzip_header(struct inflate_state *s)
{
    const uint8_t *in = s->in;
    size_t start = s->in_pos, pos = start + GZIP_HEADER_SIZE;
    uint8_t flg;

    if (s->in_len - start < GZIP_HEADER_SIZE)
        return gzip_header_truncated(s);
    if (in[start] != GZIP_ID1 || in[start + 1] != GZIP_ID2)
        return inflate_fail(s, -EINVAL, "gzip: no gzip magic at offset 0x%zx", start);
    if (in[start + 2] != GZIP_CM_DEFLATE)
        return inflate_fail(s, -ENOSYS, "gzip: offset 0x%zx: compression method %u is not "
                            "deflate", start, in[start + 2]);
    flg = in[start + 3];
    if (flg & GZIP_FRESERVED)
        return inflate_fail(s, -EINVAL, "gzip: offset 0x%zx: reserved flags 0x%02x set",
                            start, flg & GZIP_FRESERVED);
    if (flg & GZIP_FEXTRA) {
        size_t xlen;

        if (s->in_len - pos < 2)
            return gzip_header_truncated(s);
        xlen = in[pos] | (size_t)in[pos + 1] << 8;
        pos += 2;
        if (s->in_len - pos < xlen)
            return gzip_header_truncated(s);
        pos += xlen;
    }
    if ((flg & GZIP_FNAME) && !gzip_skip_string(s, &pos))
        return gzip_header_truncated(s);
    if ((flg & GZIP_FCOMMENT) && !gzip_skip_string(s, &pos))
        return gzip_header_truncated(s);
    if (flg & GZIP_FHCRC) {
        uint32_t crc = crc32_ieee(0, in + start, pos - start) & 0xffff;

        if (s->in_len - pos < 2)
            return gzip_header_truncated(s);
        if (crc != (in[pos] | (uint32_t)in[pos + 1] << 8))
            return inflate_fail(s, -EINVAL, "gzip: offset 0x%zx: header CRC 0x%04x does not "
                                "match the header's 0x%04x", pos,
                                in[pos] | (unsigned int)in[pos + 1] << 8, crc);
        pos += 2;
    }
    s->in_pos = pos;
    return 0;
}

static int gzip_member(struct inflate_state *s)
{
    uint32_t crc, want_crc, want_size;
    int rc;

    rc = gzip_header(s);
    if (rc)
        return rc;
    s->member_start = s->out_pos;
    s->ring_crc = 0;
    rc = inflate_stream(s);
    if (rc)
        return rc;
    if (s->in_len - s->in_pos < GZIP_TRAILER_SIZE)
        return inflate_fail(s, -EINVAL, "gzip: input ends at 0x%zx inside a member trailer",
                            s->in_len);
    want_crc = inflate_le32(s->in + s->in_pos);
    want_size = inflate_le32(s->in + s->in_pos + 4);
    crc = s->counting ? s->ring_crc
                      : crc32_ieee(0, s->out + s->member_start, s->out_pos - s->member_start);
    if (crc != want_crc)
        return inflate_fail(s, -EINVAL, "gzip: offset 0x%zx: CRC32 0x%08x of the data does not "
                            "match the trailer's 0x%08x", s->in_pos, crc, want_crc);
    if ((uint32_t)(s->out_pos - s->member_start) != want_size)
        return inflate_fail(s, -EINVAL, "gzip: offset 0x%zx: %zu bytes decoded but the "
                            "trailer says 0x%08x (mod 4 GiB)", s->in_pos + 4,
                            s->out_pos - s->member_start, want_size);
    s->in_pos += GZIP_TRAILER_SIZE;
    return 0;
}

static int gzip_members(struct inflate_state *s)
{
    int rc;

    do {
        rc = gzip_member(s);
        if (rc)
            return rc;
    } while (s->in_len - s->in_pos >= 2 && s->in[s->in_pos] == GZIP_ID1 &&
             s->in[s->in_pos + 1] == GZIP_ID2);

    /* gzip(1) accepts zeros after the last member (tape padding); nothing else. */
    for (; s->in_pos < s->in_len; s->in_pos++)
        if (s->in[s->in_pos])
            return inflate_fail(s, -EINVAL, "gzip: offset 0x%zx: trailing garbage after the "
                                "last member", s->in_pos);
    return 0;
}

static int inflate_run(const void *in, size_t in_len, void *out, size_t out_max, void *work,
                       size_t work_size, struct decompress_result *res,
                       int (*body)(struct inflate_state *))
{
    struct inflate_state *s = work;
    int rc;

    memset(res, 0, sizeof(*res));
    if (work_size < sizeof(*s) || (uintptr_t)work % 8) {
        res->err = "inflate: workspace too small or misaligned";
        return -ENOMEM;
    }
    memset(s, 0, offsetof(struct inflate_state, lit));
    s->in = in;
    s->in_len = in_len;
    s->out = out;
    s->out_max = out_max;
    s->err = &res->err;
    rc = body(s);
    res->in_used = s->in_pos;
    res->out_len = s->out_pos;
    if (rc != INFLATE_FULL)
        return rc;

    /* Decode again, keeping only a window, to learn the exact size. */
    memset(s, 0, offsetof(struct inflate_state, lit));
    s->in = in;
    s->in_len = in_len;
    s->counting = true;
    s->err = &res->err;
    rc = body(s);
    if (rc)
        return rc;
    res->needed = s->out_pos;
    res->err = inflate_errbuf;
    snprintf(inflate_errbuf, sizeof(inflate_errbuf), "deflate: the output of %zu bytes exceeds "
             "the limit of %zu", s->out_pos, out_max);
    return -ENOSPC;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_max, void *work,
           size_t work_size, struct decompress_result *res)
{
    return inflate_run(in, in_len, out, out_max, work, work_size, res, gzip_members);
}

int inflate_raw(const void *in, size_t in_len, void *out, size_t out_max, void *work,
                size_t work_size, struct decompress_result *res)
{
    return inflate_run(in, in_len, out, out_max, work, work_size, res, inflate_stream);
}
