/* CRC-32 as zlib computes it (crc32_z: the gzip polynomial, the same start and end values),
 * but folded with carry-less multiplication on hosts that have it: state files checksum every
 * byte of guest RAM they hold, both when written and when read. */
#ifndef VR_CRC32_H
#define VR_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc (0 to start) over len bytes at data, exactly as crc32_z(crc, data, len). */
uint32_t vr_crc32(uint32_t crc, const void *data, size_t len);

#endif
