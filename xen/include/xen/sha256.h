/* SHA-256 (FIPS 180-4), used for xz's SHA-256 integrity check. */
#ifndef XEN_SHA256_H
#define XEN_SHA256_H

#include <xen/types.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256_ctx {
    uint32_t h[8];
    uint64_t len;                   /* bytes hashed so far */
    uint8_t block[SHA256_BLOCK_SIZE];
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
