/*
 * CRC-32 (gzip, xz) and CRC-64 (xz), one table lookup per byte.  The
 * tables are computed on first use: 3 KiB of .bss instead of .rodata, and
 * filling them twice by two early callers writes the same values.
 */
#include <xen/crc.h>

#define CRC32_POLY 0xedb88320U
#define CRC64_POLY 0xc96c5795d7870f42ULL

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
    unsigned int i, k;

    for (i = 0; i < 256; i++) {
        uint32_t c = i;

        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (c & 1 ? CRC32_POLY : 0);
        crc32_table[i] = c;
    }
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
    while (len--)
        crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
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
