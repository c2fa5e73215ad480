/*
 * The compressed kernel inside a Linux bzImage (Linux x86 boot protocol,
 * "The real-mode kernel header").  Linux appends the uncompressed size as
 * a little-endian u32 to every payload except gzip's (whose trailer ends
 * with it anyway); that trailer is split off here so the decoders see a
 * clean stream.
 */
#include <xen/decompress.h>
#include <xen/lib.h>
#include <xen/errno.h>

#define BZIMAGE_MAGIC          "HdrS"
#define BZIMAGE_SECTOR         512
#define BZIMAGE_DEFAULT_SECTS  4       /* setup_sects 0 means 4 */
#define XZ_FOOTER_MAGIC        "YZ"

static char bzimage_errbuf[160];

static int __printf(3, 4) bzimage_fail(const char **err, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(bzimage_errbuf, sizeof(bzimage_errbuf), fmt, ap);
    va_end(ap);
    if (err)
        *err = bzimage_errbuf;
    return rc;
}

static uint32_t bzimage_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool bzimage_is_bzimage(const void *image, size_t len)
{
    return len >= BZIMAGE_PAYLOAD_LENGTH + 4 &&
           !memcmp((const uint8_t *)image + BZIMAGE_HEADER, BZIMAGE_MAGIC, 4);
}

int bzimage_find_payload(const void *image, size_t len, struct bzimage_payload *p,
                         const char **err)
{
    const uint8_t *b = image;
    size_t setup, off, plen;

    memset(p, 0, sizeof(*p));
    if (err)
        *err = NULL;
    if (!bzimage_is_bzimage(image, len))
        return bzimage_fail(err, -ENOEXEC, "bzImage: no \"HdrS\" boot header at 0x%x",
                            BZIMAGE_HEADER);
    p->version = (uint16_t)(b[BZIMAGE_VERSION] | b[BZIMAGE_VERSION + 1] << 8);
    if (p->version < BZIMAGE_MIN_VERSION)
        return bzimage_fail(err, -EINVAL, "bzImage: boot protocol %u.%02u is older than 2.08, "
                            "which first has payload_offset", p->version >> 8,
                            p->version & 0xff);
    p->setup_sects = b[BZIMAGE_SETUP_SECTS] ? b[BZIMAGE_SETUP_SECTS] : BZIMAGE_DEFAULT_SECTS;
    setup = (p->setup_sects + 1) * BZIMAGE_SECTOR;
    off = bzimage_le32(b + BZIMAGE_PAYLOAD_OFFSET);
    plen = bzimage_le32(b + BZIMAGE_PAYLOAD_LENGTH);
    if (setup > len || off > len - setup || plen > len - setup - off || !plen)
        return bzimage_fail(err, -EINVAL, "bzImage: payload at 0x%zx + 0x%zx (0x%zx bytes) is "
                            "not inside the 0x%zx-byte image", setup, off, plen, len);
    p->offset = setup + off;
    p->data = b + p->offset;
    p->len = plen;
    p->format = decompress_identify(p->data, p->len);

    switch (p->format) {
    case DECOMPRESS_GZIP:
        if (p->len >= 4)
            p->size_hint = bzimage_le32(p->data + p->len - 4);
        return 0;
    case DECOMPRESS_XZ:
        /* The stream ends with "YZ"; after it may come Linux's size. */
        if (p->len >= 6 && !memcmp(p->data + p->len - 6, XZ_FOOTER_MAGIC, 2) &&
            memcmp(p->data + p->len - 2, XZ_FOOTER_MAGIC, 2)) {
            p->size_hint = bzimage_le32(p->data + p->len - 4);
            p->len -= 4;
        }
        return 0;
    case DECOMPRESS_UNKNOWN:
        return bzimage_fail(err, -ENOSYS, "bzImage: payload compression not recognised "
                            "(starts %02x %02x %02x %02x); only gzip and xz are supported",
                            p->data[0], p->len > 1 ? p->data[1] : 0,
                            p->len > 2 ? p->data[2] : 0, p->len > 3 ? p->data[3] : 0);
    default:
        return bzimage_fail(err, -ENOSYS, "bzImage: payload is %s-compressed; only gzip and "
                            "xz are supported", decompress_format_name(p->format));
    }
}
