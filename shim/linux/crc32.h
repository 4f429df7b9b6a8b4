/* Host shim: the kernel's little-endian CRC-32 (IEEE 802.3), bitwise. */
#ifndef _HOST_SHIM_LINUX_CRC32_H
#define _HOST_SHIM_LINUX_CRC32_H
#include <linux/types.h>

static inline u32 crc32_le(u32 crc, const u8 *p, size_t len)
{
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return crc;
}
#endif
