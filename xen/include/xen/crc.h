/*
 * Cyclic redundancy checks of the compressed formats: CRC-32 as in gzip and
 * xz (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320) and CRC-64 as
 * in xz (ECMA-182, reflected polynomial 0xC96C5795D7870F42).
 *
 * Both take the CRC of the data so far (0 to start) and return the CRC
 * including `len` more bytes; the conventional initial and final inversion
 * is done inside, so crc32_ieee(0, "123456789", 9) == 0xCBF43926.
 */
#ifndef XEN_CRC_H
#define XEN_CRC_H

#include <xen/types.h>

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);
uint64_t crc64_ecma(uint64_t crc, const void *buf, size_t len);

#endif
