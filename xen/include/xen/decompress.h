/*
 * One-shot decompression of kernels and modules into a caller's buffer:
 * gzip (RFC 1952) around DEFLATE (RFC 1951), and xz (the .xz file format)
 * around LZMA2 with an optional x86 BCJ filter.
 *
 * Nothing is allocated: the caller passes the whole input, an output
 * buffer with its size limit, and a workspace of DECOMPRESS_WORKSPACE_SIZE
 * bytes (8-byte aligned; static or from the page allocator, it is too big
 * for a stack).  The output buffer doubles as the decoder's dictionary.
 *
 * Return values: 0 success; -EINVAL corrupt or truncated input; -ENOSPC
 * the output would exceed out_max; -ENOSYS a valid input that uses a
 * feature not implemented here (a filter, a check, another format);
 * -ENOMEM the workspace is too small.  res->err then says what and where
 * (a static buffer, valid until the next call: boot is single-threaded).
 */
#ifndef XEN_DECOMPRESS_H
#define XEN_DECOMPRESS_H

#include <xen/types.h>

struct decompress_result {
    size_t in_used;     /* input bytes consumed */
    size_t out_len;     /* output bytes written (all of them on success) */
    size_t needed;      /* on -ENOSPC: the exact output size if known, else 0 */
    const char *err;    /* NULL on success */
};

#define DECOMPRESS_WORKSPACE_SIZE (40 * 1024)

/*
 * gzip: one member or several concatenated (decoded back to back); zero
 * bytes after the last member are accepted as padding.  On -ENOSPC the
 * input is decoded a second time without output to report the exact size.
 */
int gunzip(const void *in, size_t in_len, void *out, size_t out_max, void *work,
           size_t work_size, struct decompress_result *res);

/* A raw DEFLATE stream; in_used ends at the byte after its final block. */
int inflate_raw(const void *in, size_t in_len, void *out, size_t out_max, void *work,
                size_t work_size, struct decompress_result *res);

/*
 * xz: one or more streams with stream padding; checks none, CRC32, CRC64
 * and SHA-256 verified; filters LZMA2 and x86 BCJ.  -ENOSPC is reported
 * before any decoding when the stream's index says the output is too big.
 */
int unxz(const void *in, size_t in_len, void *out, size_t out_max, void *work,
         size_t work_size, struct decompress_result *res);

/* Formats recognised by their magic; only gzip and xz are decoded. */
enum decompress_format {
    DECOMPRESS_UNKNOWN,
    DECOMPRESS_GZIP,
    DECOMPRESS_XZ,
    DECOMPRESS_BZIP2,
    DECOMPRESS_LZMA,
    DECOMPRESS_LZO,
    DECOMPRESS_LZ4,
    DECOMPRESS_ZSTD,
};

enum decompress_format decompress_identify(const void *in, size_t len);
const char *decompress_format_name(enum decompress_format fmt);

/* Decode whatever decompress_identify() finds: gzip or xz; anything else fails with -ENOSYS. */
int decompress(const void *in, size_t in_len, void *out, size_t out_max, void *work,
               size_t work_size, struct decompress_result *res);

/*
 * A Linux bzImage (Documentation/x86/boot.rst, boot protocol 2.08 and
 * later): where its compressed kernel is and what compresses it.
 */
struct bzimage_payload {
    const uint8_t *data;        /* the compressed stream, without Linux's size trailer */
    size_t len;
    size_t offset;              /* of data in the image */
    enum decompress_format format;
    uint32_t size_hint;         /* uncompressed size the image states (mod 4 GiB), or 0 */
    uint16_t version;           /* boot protocol */
    unsigned int setup_sects;
};

/* Boot protocol fields used. */
#define BZIMAGE_SETUP_SECTS     0x1f1
#define BZIMAGE_BOOT_FLAG       0x1fe   /* 0xaa55 */
#define BZIMAGE_HEADER          0x202   /* "HdrS" */
#define BZIMAGE_VERSION         0x206
#define BZIMAGE_PAYLOAD_OFFSET  0x248   /* from the end of the setup code */
#define BZIMAGE_PAYLOAD_LENGTH  0x24c
#define BZIMAGE_MIN_VERSION     0x0208  /* first with the payload fields */

/* True if the image carries the "HdrS" signature of a Linux boot header. */
bool bzimage_is_bzimage(const void *image, size_t len);

/*
 * Find and identify the payload: 0; -ENOEXEC not a bzImage; -EINVAL a
 * bzImage whose fields point outside it or whose version is too old;
 * -ENOSYS a compression other than gzip and xz (named in *err).
 */
int bzimage_find_payload(const void *image, size_t len, struct bzimage_payload *p,
                         const char **err);

#endif
