/*
 * The .xz file format (streams, blocks, index, checks) around LZMA2 and
 * the x86 BCJ filter, decoded in one call into a caller's buffer.
 *
 * The output buffer is also the LZMA dictionary: a match copies from what
 * was written before it.  A block is LZMA2-decoded completely before its
 * BCJ filter runs over it in place, because LZMA2 matches refer to the
 * unfiltered bytes.
 */
#include <xen/decompress.h>
#include <xen/crc.h>
#include <xen/sha256.h>
#include <xen/lib.h>
#include <xen/errno.h>

/* ---- Container constants (.xz file format) ------------------------------- */

#define XZ_HEADER_MAGIC         "\xfd" "7zXZ"   /* followed by a NUL */
#define XZ_HEADER_MAGIC_LEN     6
#define XZ_FOOTER_MAGIC         "YZ"
#define XZ_STREAM_HEADER_SIZE   12
#define XZ_STREAM_FOOTER_SIZE   12
#define XZ_ALIGN                4

#define XZ_CHECK_NONE   0x0
#define XZ_CHECK_CRC32  0x1
#define XZ_CHECK_CRC64  0x4
#define XZ_CHECK_SHA256 0xa
#define XZ_CHECK_MAX    0xf

#define XZ_BLOCK_FLAG_FILTERS   0x03    /* number of filters - 1 */
#define XZ_BLOCK_FLAG_RESERVED  0x3c
#define XZ_BLOCK_FLAG_CSIZE     0x40
#define XZ_BLOCK_FLAG_USIZE     0x80

#define XZ_FILTER_DELTA  0x03
#define XZ_FILTER_X86    0x04
#define XZ_FILTER_LZMA2  0x21

#define XZ_VLI_MAX_BYTES 9

/* ---- LZMA constants ------------------------------------------------------- */

#define LZMA_STATES           12
#define LZMA_LIT_STATES       7     /* states below this follow a literal */
#define LZMA_POS_STATES_MAX   16    /* 1 << pb, pb <= 4 */
#define LZMA_LITERAL_CODER    0x300
#define LZMA2_LCLP_MAX        4     /* LZMA2 limits lc + lp */
#define LZMA_LEN_STATES       4     /* distance slot trees, by match length */
#define LZMA_DIST_SLOT_BITS   6
#define LZMA_DIST_MODEL_START 4     /* slots below are the distance itself */
#define LZMA_DIST_MODEL_END   14    /* slots from here use direct bits and the align tree */
#define LZMA_FULL_DISTANCES   128
#define LZMA_ALIGN_BITS       4
#define LZMA_LEN_LOW_BITS     3
#define LZMA_LEN_MID_BITS     3
#define LZMA_LEN_HIGH_BITS    8
#define LZMA_MATCH_LEN_MIN    2
#define LZMA_END_MARKER       0xffffffffU

#define RC_PROB_BITS   11
#define RC_PROB_INIT   (1U << (RC_PROB_BITS - 1))
#define RC_MOVE_BITS   5
#define RC_TOP         (1U << 24)
#define RC_INIT_BYTES  5

struct lzma_len_probs {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[LZMA_POS_STATES_MAX][1 << LZMA_LEN_LOW_BITS];
    uint16_t mid[LZMA_POS_STATES_MAX][1 << LZMA_LEN_MID_BITS];
    uint16_t high[1 << LZMA_LEN_HIGH_BITS];
};

/* Every adaptive probability of the LZMA model; reset all to RC_PROB_INIT. */
struct lzma_probs {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t dist_slot[LZMA_LEN_STATES][1 << LZMA_DIST_SLOT_BITS];
    uint16_t dist_special[LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END];
    uint16_t dist_align[1 << LZMA_ALIGN_BITS];
    struct lzma_len_probs match_len;
    struct lzma_len_probs rep_len;
    uint16_t literal[1 << LZMA2_LCLP_MAX][LZMA_LITERAL_CODER];
};

struct xz_state {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint8_t *out;
    size_t out_max, out_pos;
    const char **err;

    /* Current stream and its blocks, for the index check. */
    unsigned int check;
    uint64_t nr_blocks, sum_unpadded, sum_uncompressed, records_crc;

    /* LZMA2 and LZMA decoder state. */
    size_t dict_start;          /* out_pos of the last dictionary reset */
    uint32_t dict_size;
    unsigned int lc, lp, pb;
    unsigned int state;
    uint32_t rep[4];
    struct lzma_probs probs;
};

BUILD_BUG_ON(sizeof(struct xz_state) > DECOMPRESS_WORKSPACE_SIZE);

/* Internal result: the output buffer is full. */
#define XZ_FULL 1

static char xz_errbuf[160];

static int __printf(3, 4) xz_fail(struct xz_state *s, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(xz_errbuf, sizeof(xz_errbuf), fmt, ap);
    va_end(ap);
    *s->err = xz_errbuf;
    return rc;
}

static int xz_truncated(struct xz_state *s, const char *where)
{
    return xz_fail(s, -EINVAL, "xz: input ends at 0x%zx inside %s", s->in_len, where);
}

static inline uint32_t xz_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t xz_le64(const uint8_t *p)
{
    return xz_le32(p) | (uint64_t)xz_le32(p + 4) << 32;
}

/* Variable-length integer: 7 bits a byte, least significant first, minimal encoding. */
static int xz_vli(const uint8_t *in, size_t end, size_t *pos, uint64_t *val)
{
    uint64_t v = 0;
    unsigned int i;

    for (i = 0; i < XZ_VLI_MAX_BYTES; i++) {
        uint8_t b;

        if (*pos >= end)
            return -1;
        b = in[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (!b && i)
                return -2;
            *val = v;
            return 0;
        }
    }
    return -2;
}

/* ---- Range decoder -------------------------------------------------------- */

struct rc_dec {
    const uint8_t *p, *end;
    uint32_t range, code;
    bool overrun;               /* wanted a byte past the chunk: corrupt */
};

static inline void rc_normalize(struct rc_dec *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code <<= 8;
        if (likely(rc->p < rc->end))
            rc->code |= *rc->p++;
        else
            rc->overrun = true;
    }
}

static inline unsigned int rc_bit(struct rc_dec *rc, uint16_t *prob)
{
    uint32_t bound;

    rc_normalize(rc);
    bound = (rc->range >> RC_PROB_BITS) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob += ((1U << RC_PROB_BITS) - *prob) >> RC_MOVE_BITS;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob -= *prob >> RC_MOVE_BITS;
    return 1;
}

/* A bit tree, most significant bit first; probs[1 .. 2^bits - 1]. */
static inline unsigned int rc_tree(struct rc_dec *rc, uint16_t *probs, unsigned int bits)
{
    unsigned int m = 1, i;

    for (i = 0; i < bits; i++)
        m = m << 1 | rc_bit(rc, &probs[m]);
    return m - (1U << bits);
}

/* A bit tree read least significant bit first; probs[base .. base + 2^bits - 2]. */
static inline uint32_t rc_tree_reverse(struct rc_dec *rc, uint16_t *probs, unsigned int base,
                                       unsigned int bits)
{
    unsigned int m = 1, i, bit;
    uint32_t v = 0;

    for (i = 0; i < bits; i++) {
        bit = rc_bit(rc, &probs[base + m - 1]);
        m = m << 1 | bit;
        v |= bit << i;
    }
    return v;
}

/* Bits of probability one half, most significant first. */
static inline uint32_t rc_direct(struct rc_dec *rc, unsigned int bits)
{
    uint32_t v = 0;

    while (bits--) {
        rc_normalize(rc);
        rc->range >>= 1;
        v <<= 1;
        if (rc->code >= rc->range) {
            rc->code -= rc->range;
            v |= 1;
        }
    }
    return v;
}

/* ---- LZMA ----------------------------------------------------------------- */

static void lzma_reset(struct xz_state *s)
{
    uint16_t *p = (uint16_t *)&s->probs;
    size_t i;

    for (i = 0; i < sizeof(s->probs) / sizeof(*p); i++)
        p[i] = RC_PROB_INIT;
    s->state = 0;
    memset(s->rep, 0, sizeof(s->rep));
}

static inline unsigned int lzma_len(struct rc_dec *rc, struct lzma_len_probs *l,
                                    unsigned int pos_state)
{
    if (!rc_bit(rc, &l->choice))
        return LZMA_MATCH_LEN_MIN + rc_tree(rc, l->low[pos_state], LZMA_LEN_LOW_BITS);
    if (!rc_bit(rc, &l->choice2))
        return LZMA_MATCH_LEN_MIN + (1U << LZMA_LEN_LOW_BITS) +
               rc_tree(rc, l->mid[pos_state], LZMA_LEN_MID_BITS);
    return LZMA_MATCH_LEN_MIN + (1U << LZMA_LEN_LOW_BITS) + (1U << LZMA_LEN_MID_BITS) +
           rc_tree(rc, l->high, LZMA_LEN_HIGH_BITS);
}

/* The distance of a new match, minus one (so 0 is the previous byte). */
static inline uint32_t lzma_distance(struct rc_dec *rc, struct lzma_probs *pr, unsigned int len)
{
    unsigned int len_state = min(len - LZMA_MATCH_LEN_MIN, LZMA_LEN_STATES - 1U);
    unsigned int slot = rc_tree(rc, pr->dist_slot[len_state], LZMA_DIST_SLOT_BITS), nbits;
    uint32_t dist;

    if (slot < LZMA_DIST_MODEL_START)
        return slot;
    /* The slot gives the top two bits and the number of bits below them. */
    nbits = (slot >> 1) - 1;
    dist = (2 | (slot & 1)) << nbits;
    if (slot < LZMA_DIST_MODEL_END)
        /* Each of these slots owns 2^nbits - 1 probabilities from dist - slot. */
        return dist + rc_tree_reverse(rc, pr->dist_special, dist - slot, nbits);
    dist += rc_direct(rc, nbits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
    return dist + rc_tree_reverse(rc, pr->dist_align, 1, LZMA_ALIGN_BITS);
}

static inline unsigned int lzma_literal_next(unsigned int state)
{
    return state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
}

static int lzma_bad_distance(struct xz_state *s, size_t chunk_at, uint32_t rep0, size_t have)
{
    return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: match distance %lu reaches before the "
                   "dictionary (%zu bytes, size %u)", chunk_at, (unsigned long)rep0 + 1, have,
                   s->dict_size);
}

/*
 * One LZMA chunk: `packed` bytes at `in` decode to exactly `unpacked`
 * bytes at s->out_pos, which the caller made sure fit.
 */
static int lzma_chunk(struct xz_state *s, const uint8_t *in, size_t packed, size_t unpacked)
{
    struct lzma_probs *pr = &s->probs;
    uint8_t *out = s->out;
    size_t pos = s->out_pos, end = pos + unpacked, start = s->dict_start;
    uint32_t pb_mask = (1U << s->pb) - 1, lp_mask = (1U << s->lp) - 1;
    uint32_t rep0 = s->rep[0], rep1 = s->rep[1], rep2 = s->rep[2], rep3 = s->rep[3];
    unsigned int state = s->state, lc = s->lc;
    size_t chunk_at = s->in_pos;
    struct rc_dec rc;

    if (packed < RC_INIT_BYTES || in[0])
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: LZMA chunk does not start a range "
                       "coder", chunk_at);
    rc.p = in + RC_INIT_BYTES;
    rc.end = in + packed;
    rc.range = 0xffffffffU;
    rc.code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 8 | in[4];
    rc.overrun = false;

    while (pos < end) {
        size_t done = pos - start;      /* bytes in the dictionary */
        unsigned int pos_state = done & pb_mask, len;

        if (!rc_bit(&rc, &pr->is_match[state][pos_state])) {
            unsigned int prev = done ? out[pos - 1] : 0;
            uint16_t *probs = pr->literal[((done & lp_mask) << lc) + (prev >> (8 - lc))];
            unsigned int sym = 1;

            if (state < LZMA_LIT_STATES) {
                sym = rc_tree(&rc, probs, 8);
            } else {
                /* After a match: use the byte at rep0 as context while the bits agree. */
                unsigned int match, i, mbit, bit;
                bool agree = true;

                if (rep0 >= done)
                    return lzma_bad_distance(s, chunk_at, rep0, done);
                match = out[pos - rep0 - 1];
                for (i = 0; i < 8; i++) {
                    mbit = (match >> (7 - i)) & 1;
                    if (agree) {
                        bit = rc_bit(&rc, &probs[0x100 + (mbit << 8) + sym]);
                        agree = bit == mbit;
                    } else {
                        bit = rc_bit(&rc, &probs[sym]);
                    }
                    sym = sym << 1 | bit;
                }
            }
            out[pos++] = (uint8_t)sym;
            state = lzma_literal_next(state);
            if (unlikely(rc.overrun))
                break;
            continue;
        }

        if (!rc_bit(&rc, &pr->is_rep[state])) {
            len = lzma_len(&rc, &pr->match_len, pos_state);
            state = state < LZMA_LIT_STATES ? 7 : 10;
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            rep0 = lzma_distance(&rc, pr, len);
            if (rep0 == LZMA_END_MARKER) {
                if (rc.overrun)
                    break;
                return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: end marker inside an LZMA2 "
                               "chunk", chunk_at);
            }
        } else {
            if (!rc_bit(&rc, &pr->is_rep0[state])) {
                if (!rc_bit(&rc, &pr->is_rep0_long[state][pos_state])) {
                    /* A single byte from rep0. */
                    state = state < LZMA_LIT_STATES ? 9 : 11;
                    if (rep0 >= done)
                        return lzma_bad_distance(s, chunk_at, rep0, done);
                    out[pos] = out[pos - rep0 - 1];
                    pos++;
                    if (unlikely(rc.overrun))
                        break;
                    continue;
                }
            } else {
                uint32_t dist;

                if (!rc_bit(&rc, &pr->is_rep1[state])) {
                    dist = rep1;
                } else {
                    if (!rc_bit(&rc, &pr->is_rep2[state])) {
                        dist = rep2;
                    } else {
                        dist = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = dist;
            }
            len = lzma_len(&rc, &pr->rep_len, pos_state);
            state = state < LZMA_LIT_STATES ? 8 : 11;
        }

        if (unlikely(rc.overrun))
            break;
        if (rep0 >= done || rep0 >= s->dict_size)
            return lzma_bad_distance(s, chunk_at, rep0, done);
        if (len > end - pos)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: match of %u bytes runs past the "
                           "end of its LZMA2 chunk", chunk_at, len);
        {
            uint8_t *d = out + pos;
            const uint8_t *src = d - rep0 - 1;

            pos += len;
            /*
             * Most matches are a few bytes: a loop beats a call.  A short
             * distance repeats what this copy writes, so no memcpy then.
             */
            if (len >= 32 && rep0 + 1 >= len) {
                memcpy(d, src, len);
            } else {
                while (len--)
                    *d++ = *src++;
            }
        }
    }

    rc_normalize(&rc);
    if (rc.overrun)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: LZMA chunk needs more than its %zu "
                       "bytes", chunk_at, packed);
    if (rc.p != rc.end || rc.code)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: LZMA chunk of %zu bytes does not "
                       "end where its data does", chunk_at, packed);
    s->out_pos = pos;
    s->state = state;
    s->rep[0] = rep0;
    s->rep[1] = rep1;
    s->rep[2] = rep2;
    s->rep[3] = rep3;
    return 0;
}

static int lzma_props(struct xz_state *s, uint8_t props)
{
    if (props >= 9 * 5 * 5)
        return -1;
    s->lc = props % 9;
    props /= 9;
    s->lp = props % 5;
    s->pb = props / 5;
    if (s->lc + s->lp > LZMA2_LCLP_MAX || s->pb > 4)
        return -1;
    return 0;
}

/* ---- LZMA2 ---------------------------------------------------------------- */

#define LZMA2_CTRL_END           0x00
#define LZMA2_CTRL_COPY_RESET    0x01   /* uncompressed, dictionary reset */
#define LZMA2_CTRL_COPY          0x02   /* uncompressed */
#define LZMA2_CTRL_LZMA          0x80   /* LZMA, nothing reset */
#define LZMA2_CTRL_STATE_RESET   0xa0
#define LZMA2_CTRL_NEW_PROPS     0xc0   /* and state reset */
#define LZMA2_CTRL_DICT_RESET    0xe0   /* and new properties, state reset */

/* LZMA2 chunks from s->in_pos to their end marker, all before in_end. */
static int lzma2_decode(struct xz_state *s, size_t in_end)
{
    bool need_dict_reset = true, need_props = true;
    int rc;

    for (;;) {
        size_t at = s->in_pos, unpacked, packed;
        uint8_t ctrl;

        if (at >= in_end)
            return xz_truncated(s, "LZMA2 data");
        ctrl = s->in[s->in_pos++];
        if (ctrl == LZMA2_CTRL_END)
            return 0;
        if (ctrl > LZMA2_CTRL_COPY && ctrl < LZMA2_CTRL_LZMA)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: invalid LZMA2 control byte "
                           "0x%02x", at, ctrl);

        if (ctrl >= LZMA2_CTRL_DICT_RESET || ctrl == LZMA2_CTRL_COPY_RESET) {
            /* A new dictionary needs new properties before the next LZMA chunk. */
            need_props = true;
            need_dict_reset = false;
            s->dict_start = s->out_pos;
        } else if (need_dict_reset) {
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: first LZMA2 chunk (control "
                           "0x%02x) does not reset the dictionary", at, ctrl);
        }

        if (ctrl < LZMA2_CTRL_LZMA) {
            if (in_end - s->in_pos < 2)
                return xz_truncated(s, "an LZMA2 chunk header");
            unpacked = ((size_t)s->in[s->in_pos] << 8 | s->in[s->in_pos + 1]) + 1;
            s->in_pos += 2;
            if (in_end - s->in_pos < unpacked)
                return xz_truncated(s, "an uncompressed LZMA2 chunk");
            if (unpacked > s->out_max - s->out_pos)
                return XZ_FULL;
            memcpy(s->out + s->out_pos, s->in + s->in_pos, unpacked);
            s->in_pos += unpacked;
            s->out_pos += unpacked;
            continue;
        }

        if (in_end - s->in_pos < 4 + (ctrl >= LZMA2_CTRL_NEW_PROPS))
            return xz_truncated(s, "an LZMA2 chunk header");
        unpacked = ((size_t)(ctrl & 0x1f) << 16 | (size_t)s->in[s->in_pos] << 8 |
                    s->in[s->in_pos + 1]) + 1;
        packed = ((size_t)s->in[s->in_pos + 2] << 8 | s->in[s->in_pos + 3]) + 1;
        s->in_pos += 4;
        if (ctrl >= LZMA2_CTRL_NEW_PROPS) {
            if (lzma_props(s, s->in[s->in_pos++]))
                return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: invalid LZMA properties "
                               "0x%02x", s->in_pos - 1, s->in[s->in_pos - 1]);
            need_props = false;
            lzma_reset(s);
        } else if (need_props) {
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: LZMA chunk (control 0x%02x) "
                           "without properties after a dictionary reset", at, ctrl);
        } else if (ctrl >= LZMA2_CTRL_STATE_RESET) {
            lzma_reset(s);
        }
        if (in_end - s->in_pos < packed)
            return xz_truncated(s, "an LZMA chunk");
        if (unpacked > s->out_max - s->out_pos)
            return XZ_FULL;
        rc = lzma_chunk(s, s->in + s->in_pos, packed, unpacked);
        if (rc)
            return rc;
        s->in_pos += packed;
    }
}

/* ---- x86 BCJ filter ------------------------------------------------------- */

static inline bool bcj_x86_is_ms_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/*
 * Undo the x86 branch converter: the encoder turned the 32-bit relative
 * operands of CALL (E8) and JMP (E9) into absolute addresses where the
 * operand's top byte is 0x00 or 0xff.  `recent` remembers, for the three
 * bytes before an E8/E9, which held an E8/E9 that was left alone (bits
 * 1-3) and whether such a byte's operand looked like an address (bits
 * 5-7); those cases are skipped, or rewritten until the result no longer
 * looks like one, exactly as the encoder did.  Decoding a whole block in
 * one pass gives the same result as the streaming decoders.
 */
static void bcj_x86_decode(uint8_t *buf, size_t size, uint32_t start)
{
    uint32_t recent = 0;
    size_t i, last = 0;
    bool seen = false;

    if (size < 5)
        return;
    for (i = 0; i <= size - 5;) {
        size_t gap;
        uint8_t top;

        if (buf[i] != 0xe8 && buf[i] != 0xe9) {
            i++;
            continue;
        }
        gap = seen ? i - last : 6;
        seen = true;
        last = i;
        if (gap > 5)
            recent = 0;
        else
            while (gap--)
                recent = (recent & 0x77) << 1;

        top = buf[i + 4];
        /* At most one earlier untouched E8/E9, and none with an address-like operand. */
        if (bcj_x86_is_ms_byte(top) && (recent >> 1) < 0x10 &&
            !(((recent >> 1) & 7) & (((recent >> 1) & 7) - 1))) {
            uint32_t src = xz_le32(buf + i + 1), dest;
            unsigned int shift = 0;

            /* Which operand byte the remembered E8/E9 overlapped: 1, 2 or 3 from the top. */
            if (recent)
                shift = 24 - 8 * (((recent >> 1) & 7) == 1 ? 1 : ((recent >> 1) & 7) == 2 ? 2 : 3);
            for (;;) {
                dest = src - (start + (uint32_t)i + 5);
                if (!recent || !bcj_x86_is_ms_byte((uint8_t)(dest >> shift)))
                    break;
                src = dest ^ ((1U << (shift + 8)) - 1);
            }
            dest &= 0x01ffffff;
            dest |= 0U - (dest & 0x01000000);    /* sign-extend bit 24 into the top byte */
            buf[i + 1] = (uint8_t)dest;
            buf[i + 2] = (uint8_t)(dest >> 8);
            buf[i + 3] = (uint8_t)(dest >> 16);
            buf[i + 4] = (uint8_t)(dest >> 24);
            i += 5;
            recent = 0;
        } else {
            i++;
            recent |= 1;
            if (bcj_x86_is_ms_byte(top))
                recent |= 0x10;
        }
    }
}

/* ---- Blocks ----------------------------------------------------------------- */

struct xz_block_header {
    size_t size;
    bool has_csize, has_usize, x86;
    uint64_t csize, usize;
    uint32_t x86_start;
};

static const char *xz_filter_name(uint64_t id)
{
    switch (id) {
    case XZ_FILTER_DELTA:
        return "delta";
    case 0x05:
        return "PowerPC BCJ";
    case 0x06:
        return "IA-64 BCJ";
    case 0x07:
        return "ARM BCJ";
    case 0x08:
        return "ARM-Thumb BCJ";
    case 0x09:
        return "SPARC BCJ";
    case 0x0a:
        return "ARM64 BCJ";
    case 0x0b:
        return "RISC-V BCJ";
    default:
        return "unknown";
    }
}

static int xz_filter(struct xz_state *s, struct xz_block_header *bh, unsigned int i,
                     unsigned int n, const uint8_t *h, size_t *p, size_t end, size_t at)
{
    uint64_t id, psize;
    bool last = i == n - 1;

    if (xz_vli(h, end, p, &id) || xz_vli(h, end, p, &psize) || psize > end - *p)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: filter %u of the block header is "
                       "malformed", at, i);
    if (id == XZ_FILTER_LZMA2) {
        uint8_t d;

        if (!last)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: LZMA2 is filter %u of %u, not "
                           "the last", at, i, n);
        if (psize != 1 || h[*p] > 40)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: invalid LZMA2 properties", at);
        d = h[*p];
        s->dict_size = d == 40 ? 0xffffffffU : (2U | (d & 1)) << (d / 2 + 11);
    } else if (id == XZ_FILTER_X86) {
        if (last)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: the last filter is x86 BCJ, "
                           "not LZMA2", at);
        if (bh->x86)
            return xz_fail(s, -ENOSYS, "xz: input offset 0x%zx: more than one x86 BCJ filter "
                           "is not supported", at);
        if (psize != 0 && psize != 4)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: x86 BCJ properties of %lu "
                           "bytes", at, (unsigned long)psize);
        bh->x86 = true;
        bh->x86_start = psize ? xz_le32(h + *p) : 0;
    } else {
        return xz_fail(s, -ENOSYS, "xz: input offset 0x%zx: filter 0x%lx (%s) is not "
                       "supported; only LZMA2 and x86 BCJ are", at, (unsigned long)id,
                       xz_filter_name(id));
    }
    *p += psize;
    return 0;
}

static int xz_block_header(struct xz_state *s, struct xz_block_header *bh)
{
    const uint8_t *h = s->in + s->in_pos;
    size_t at = s->in_pos, p = 2, end;
    unsigned int i, n;
    int rc;

    memset(bh, 0, sizeof(*bh));
    bh->size = ((size_t)h[0] + 1) * 4;
    if (s->in_len - at < bh->size)
        return xz_truncated(s, "a block header");
    end = bh->size - 4;
    if (crc32_ieee(0, h, end) != xz_le32(h + end))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: block header CRC32 mismatch", at);
    if (h[1] & XZ_BLOCK_FLAG_RESERVED)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: reserved block flags 0x%02x", at,
                       h[1]);
    if (h[1] & XZ_BLOCK_FLAG_CSIZE) {
        bh->has_csize = true;
        if (xz_vli(h, end, &p, &bh->csize) || !bh->csize)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: invalid compressed size in the "
                           "block header", at);
    }
    if (h[1] & XZ_BLOCK_FLAG_USIZE) {
        bh->has_usize = true;
        if (xz_vli(h, end, &p, &bh->usize))
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: invalid uncompressed size in "
                           "the block header", at);
    }
    n = (h[1] & XZ_BLOCK_FLAG_FILTERS) + 1;
    for (i = 0; i < n; i++) {
        rc = xz_filter(s, bh, i, n, h, &p, end, at);
        if (rc)
            return rc;
    }
    for (; p < end; p++)
        if (h[p])
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: non-zero block header padding",
                           at + p);
    s->in_pos += bh->size;
    return 0;
}

static size_t xz_check_size(unsigned int check)
{
    /* The sizes the format reserves for each group of three check IDs. */
    static const uint8_t sizes[XZ_CHECK_MAX + 1] = {
        0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64,
    };

    return sizes[check];
}

static int xz_verify_check(struct xz_state *s, size_t block_out)
{
    const uint8_t *data = s->out + block_out, *want = s->in + s->in_pos;
    size_t len = s->out_pos - block_out, size = xz_check_size(s->check);
    uint8_t digest[SHA256_DIGEST_SIZE];
    struct sha256_ctx sha;
    bool ok = true;

    if (s->in_len - s->in_pos < size)
        return xz_truncated(s, "a block check");
    switch (s->check) {
    case XZ_CHECK_NONE:
        break;
    case XZ_CHECK_CRC32:
        ok = crc32_ieee(0, data, len) == xz_le32(want);
        break;
    case XZ_CHECK_CRC64:
        ok = crc64_ecma(0, data, len) == xz_le64(want);
        break;
    case XZ_CHECK_SHA256:
        sha256_init(&sha);
        sha256_update(&sha, data, len);
        sha256_final(&sha, digest);
        ok = !memcmp(digest, want, sizeof(digest));
        break;
    default:
        /* xz_stream() refuses other check types before any block. */
        return xz_fail(s, -ENOSYS, "xz: check type %u is not supported", s->check);
    }
    if (!ok)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: the block's check does not match "
                       "its data", s->in_pos);
    s->in_pos += size;
    return 0;
}

/* Index records of the blocks seen, hashed so the index can be compared without storing them. */
static void xz_record(uint64_t *crc, uint64_t unpadded, uint64_t uncompressed)
{
    uint8_t rec[16];
    unsigned int i;

    for (i = 0; i < 8; i++) {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
    }
    *crc = crc64_ecma(*crc, rec, sizeof(rec));
}

static int xz_block(struct xz_state *s)
{
    struct xz_block_header bh;
    size_t at = s->in_pos, data, in_end, block_out = s->out_pos;
    uint64_t csize, usize, unpadded;
    int rc;

    rc = xz_block_header(s, &bh);
    if (rc)
        return rc;
    data = s->in_pos;
    in_end = s->in_len;
    if (bh.has_csize) {
        if (bh.csize > s->in_len - data)
            return xz_truncated(s, "a block");
        in_end = data + bh.csize;
    }
    rc = lzma2_decode(s, in_end);
    if (rc)
        return rc;
    csize = s->in_pos - data;
    usize = s->out_pos - block_out;
    if (bh.has_csize && csize != bh.csize)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: block of %lu compressed bytes, but "
                       "its header says %lu", at, (unsigned long)csize, (unsigned long)bh.csize);
    if (bh.has_usize && usize != bh.usize)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: block of %lu bytes, but its header "
                       "says %lu", at, (unsigned long)usize, (unsigned long)bh.usize);
    if (bh.x86)
        bcj_x86_decode(s->out + block_out, usize, bh.x86_start);

    while ((s->in_pos - at) % XZ_ALIGN) {
        if (s->in_pos >= s->in_len)
            return xz_truncated(s, "block padding");
        if (s->in[s->in_pos++])
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: non-zero block padding",
                           s->in_pos - 1);
    }
    rc = xz_verify_check(s, block_out);
    if (rc)
        return rc;

    unpadded = bh.size + csize + xz_check_size(s->check);
    s->nr_blocks++;
    s->sum_unpadded += unpadded;
    s->sum_uncompressed += usize;
    xz_record(&s->records_crc, unpadded, usize);
    return 0;
}

/* ---- Streams ---------------------------------------------------------------- */

/* The index must list exactly the blocks decoded. */
static int xz_index(struct xz_state *s, size_t *index_size)
{
    size_t at = s->in_pos, p = at + 1;
    uint64_t count, i, unpadded, usize, sum_unpadded = 0, sum_usize = 0, crc = 0;

    if (xz_vli(s->in, s->in_len, &p, &count))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: malformed index", at);
    if (count != s->nr_blocks)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: the index lists %lu blocks, the "
                       "stream has %lu", at, (unsigned long)count, (unsigned long)s->nr_blocks);
    for (i = 0; i < count; i++) {
        if (xz_vli(s->in, s->in_len, &p, &unpadded) || xz_vli(s->in, s->in_len, &p, &usize))
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: malformed index record %lu",
                           at, (unsigned long)i);
        sum_unpadded += unpadded;
        sum_usize += usize;
        xz_record(&crc, unpadded, usize);
    }
    if (sum_unpadded != s->sum_unpadded || sum_usize != s->sum_uncompressed ||
        crc != s->records_crc)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: the index does not match the "
                       "blocks", at);
    for (; (p - at) % XZ_ALIGN; p++)
        if (p >= s->in_len || s->in[p])
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: bad index padding", p);
    if (s->in_len - p < 4)
        return xz_truncated(s, "the index");
    if (crc32_ieee(0, s->in + at, p - at) != xz_le32(s->in + p))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: index CRC32 mismatch", p);
    s->in_pos = p + 4;
    *index_size = s->in_pos - at;
    return 0;
}

static int xz_stream_flags(struct xz_state *s, const uint8_t *f, size_t at)
{
    if (f[0] || (f[1] & 0xf0))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: reserved stream flags set", at);
    return 0;
}

static int xz_stream(struct xz_state *s)
{
    const uint8_t *h = s->in + s->in_pos;
    size_t at = s->in_pos, index_size = 0;
    int rc;

    if (s->in_len - at < XZ_STREAM_HEADER_SIZE)
        return xz_truncated(s, "a stream header");
    if (memcmp(h, XZ_HEADER_MAGIC, XZ_HEADER_MAGIC_LEN))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: no stream header magic", at);
    if (crc32_ieee(0, h + 6, 2) != xz_le32(h + 8))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: stream header CRC32 mismatch", at);
    rc = xz_stream_flags(s, h + 6, at);
    if (rc)
        return rc;
    s->check = h[7];
    if (s->check != XZ_CHECK_NONE && s->check != XZ_CHECK_CRC32 &&
        s->check != XZ_CHECK_CRC64 && s->check != XZ_CHECK_SHA256)
        return xz_fail(s, -ENOSYS, "xz: input offset 0x%zx: check type %u is not supported",
                       at, s->check);
    s->in_pos += XZ_STREAM_HEADER_SIZE;
    s->nr_blocks = s->sum_unpadded = s->sum_uncompressed = s->records_crc = 0;

    for (;;) {
        if (s->in_pos >= s->in_len)
            return xz_truncated(s, "a stream");
        if (!s->in[s->in_pos])
            break;              /* the index indicator */
        rc = xz_block(s);
        if (rc)
            return rc;
    }
    rc = xz_index(s, &index_size);
    if (rc)
        return rc;

    at = s->in_pos;
    if (s->in_len - at < XZ_STREAM_FOOTER_SIZE)
        return xz_truncated(s, "a stream footer");
    h = s->in + at;
    if (memcmp(h + 10, XZ_FOOTER_MAGIC, 2))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: no stream footer magic", at);
    if (crc32_ieee(0, h + 4, 6) != xz_le32(h))
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: stream footer CRC32 mismatch", at);
    if (((size_t)xz_le32(h + 4) + 1) * 4 != index_size)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: the footer's index size does not "
                       "match the index", at);
    if (h[8] != 0 || h[9] != s->check)
        return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: footer flags differ from the "
                       "header's", at);
    s->in_pos += XZ_STREAM_FOOTER_SIZE;
    return 0;
}

static int xz_streams(struct xz_state *s)
{
    int rc;

    if (!s->in_len)
        return xz_fail(s, -EINVAL, "xz: empty input");
    for (;;) {
        size_t zeros;

        rc = xz_stream(s);
        if (rc)
            return rc;
        /* Stream padding: zeros in multiples of four, then the end or another stream. */
        zeros = s->in_pos;
        while (s->in_pos < s->in_len && !s->in[s->in_pos])
            s->in_pos++;
        if ((s->in_pos - zeros) % XZ_ALIGN)
            return xz_fail(s, -EINVAL, "xz: input offset 0x%zx: stream padding of %zu bytes is "
                           "not a multiple of 4", zeros, s->in_pos - zeros);
        if (s->in_pos == s->in_len)
            return 0;
    }
}

/*
 * The total uncompressed size from the indexes, read backwards from the
 * end of the input; false if they do not describe the whole input.
 */
static bool xz_indexed_size(const uint8_t *in, size_t len, uint64_t *total)
{
    uint64_t sum = 0;

    while (len) {
        const uint8_t *f;
        size_t backward, idx, p;
        uint64_t count, unpadded, usize, blocks = 0, i;

        while (len >= 4 && !xz_le32(in + len - 4))
            len -= 4;
        if (len < XZ_STREAM_HEADER_SIZE + XZ_STREAM_FOOTER_SIZE)
            return false;
        f = in + len - XZ_STREAM_FOOTER_SIZE;
        if (memcmp(f + 10, XZ_FOOTER_MAGIC, 2) || crc32_ieee(0, f + 4, 6) != xz_le32(f))
            return false;
        backward = ((size_t)xz_le32(f + 4) + 1) * 4;
        if (backward > len - XZ_STREAM_HEADER_SIZE - XZ_STREAM_FOOTER_SIZE)
            return false;
        idx = len - XZ_STREAM_FOOTER_SIZE - backward;
        p = idx + 1;
        if (in[idx] || xz_vli(in, len, &p, &count) ||
            crc32_ieee(0, in + idx, backward - 4) != xz_le32(f - 4))
            return false;
        for (i = 0; i < count; i++) {
            if (xz_vli(in, f - in, &p, &unpadded) || xz_vli(in, f - in, &p, &usize))
                return false;
            blocks += ROUNDUP(unpadded, XZ_ALIGN);
            if (sum + usize < sum || blocks > idx)
                return false;
            sum += usize;
        }
        if (blocks + XZ_STREAM_HEADER_SIZE > idx)
            return false;
        len = idx - blocks - XZ_STREAM_HEADER_SIZE;
        if (memcmp(in + len, XZ_HEADER_MAGIC, XZ_HEADER_MAGIC_LEN) ||
            memcmp(in + len + 6, f + 8, 2))
            return false;
    }
    *total = sum;
    return true;
}

int unxz(const void *in, size_t in_len, void *out, size_t out_max, void *work,
         size_t work_size, struct decompress_result *res)
{
    struct xz_state *s = work;
    uint64_t total = 0;
    bool known;
    int rc;

    memset(res, 0, sizeof(*res));
    if (work_size < sizeof(*s) || (uintptr_t)work % 8) {
        res->err = "xz: workspace too small or misaligned";
        return -ENOMEM;
    }
    memset(s, 0, offsetof(struct xz_state, probs));
    s->in = in;
    s->in_len = in_len;
    s->out = out;
    s->out_max = out_max;
    s->err = &res->err;

    known = xz_indexed_size(in, in_len, &total);
    if (known && total > out_max) {
        res->needed = (size_t)total;
        return xz_fail(s, -ENOSPC, "xz: the output of %lu bytes (from the index) exceeds the "
                       "limit of %zu", (unsigned long)total, out_max);
    }
    rc = xz_streams(s);
    res->in_used = s->in_pos;
    res->out_len = s->out_pos;
    if (rc == XZ_FULL) {
        res->needed = known ? (size_t)total : 0;
        return xz_fail(s, -ENOSPC, "xz: the output exceeds the limit of %zu bytes", out_max);
    }
    return rc;
}
