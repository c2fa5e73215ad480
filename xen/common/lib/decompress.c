/*
 * Which compressor made a buffer, told by its magic, and one entry point
 * that decodes the formats implemented here (gzip, xz).
 */
#include <xen/decompress.h>
#include <xen/lib.h>
#include <xen/errno.h>

struct decompress_magic {
    enum decompress_format fmt;
    const char *name;
    uint8_t len;
    uint8_t bytes[6];
};

/* Magics as Linux's compressed kernels start (lz4 in its legacy frame). */
static const struct decompress_magic decompress_magics[] = {
    { DECOMPRESS_GZIP, "gzip", 2, { 0x1f, 0x8b } },
    { DECOMPRESS_XZ, "xz", 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
    { DECOMPRESS_BZIP2, "bzip2", 3, { 'B', 'Z', 'h' } },
    { DECOMPRESS_LZMA, "lzma", 3, { 0x5d, 0x00, 0x00 } },
    { DECOMPRESS_LZO, "lzo", 4, { 0x89, 'L', 'Z', 'O' } },
    { DECOMPRESS_LZ4, "lz4", 4, { 0x02, 0x21, 0x4c, 0x18 } },
    { DECOMPRESS_ZSTD, "zstd", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

enum decompress_format decompress_identify(const void *in, size_t len)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(decompress_magics); i++) {
        const struct decompress_magic *m = &decompress_magics[i];

        if (len >= m->len && !memcmp(in, m->bytes, m->len))
            return m->fmt;
    }
    return DECOMPRESS_UNKNOWN;
}

const char *decompress_format_name(enum decompress_format fmt)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(decompress_magics); i++)
        if (decompress_magics[i].fmt == fmt)
            return decompress_magics[i].name;
    return "unknown";
}

int decompress(const void *in, size_t in_len, void *out, size_t out_max, void *work,
               size_t work_size, struct decompress_result *res)
{
    static char errbuf[96];
    enum decompress_format fmt = decompress_identify(in, in_len);

    switch (fmt) {
    case DECOMPRESS_GZIP:
        return gunzip(in, in_len, out, out_max, work, work_size, res);
    case DECOMPRESS_XZ:
        return unxz(in, in_len, out, out_max, work, work_size, res);
    default:
        memset(res, 0, sizeof(*res));
        if (fmt == DECOMPRESS_UNKNOWN)
            snprintf(errbuf, sizeof(errbuf), "decompress: unknown format; only gzip and xz "
                     "are supported");
        else
            snprintf(errbuf, sizeof(errbuf), "decompress: %s is not supported; only gzip and "
                     "xz are", decompress_format_name(fmt));
        res->err = errbuf;
        return -ENOSYS;
    }
}
