/*
 * CRC-32 (gzip, xz) and CRC-64 (xz).  CRC-32 covers every byte of a
 * decompressed kernel, so it takes eight bytes a step ("slicing by 8":
 * table k holds the CRC of a byte followed by k zero bytes); CRC-64 takes
 * one.  The tables are computed on first use: 10 KiB of .bss rather than
 * .rodata, and two early callers filling them both write the same values.
 */
#include <xen/crc.h>

#define CRC32_POLY 0xedb88320U
#define CRC64_POLY 0xc96c5795d7870f42ULL

static uint32_t crc32_table[8][256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
    unsigned int i, k;

    for (i = 0; i < 256; i++) {
        uint32_t c = i;

        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (c & 1 ? CRC32_POLY : 0);
        crc32_table[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            crc32_table[k][i] = (crc32_table[k - 1][i] >> 8) ^
                                crc32_table[0][crc32_table[k - 1][i] & 0xff];
    crc32_ready = true;
}

static void crc64_init(void)
{
    unsigned int i, k;

    for (i = 0; i < 256; i++) {
        uint64_t c = i;

        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (c & 1 ? CRC64_POLY : 0);
        crc64_table[i] = c;
    }
    crc64_ready = true;
}

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if (!crc32_ready)
        crc32_init();
    crc = ~crc;
    for (; len >= 8; p += 8, len -= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);

        crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
              crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
              crc32_table[3][p[4]] ^ crc32_table[2][p[5]] ^ crc32_table[1][p[6]] ^
              crc32_table[0][p[7]];
    }
    while (len--)
        crc = crc32_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t crc64_ecma(uint64_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if (!crc64_ready)
        crc64_init();
    crc = ~crc;
    while (len--)
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
