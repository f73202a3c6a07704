/*
 * checksum.c -- offline token checksums (GitHub's CRC-32 in base62).
 */
#include <string.h>

#include "checksum.h"
#include "error.h"
#include "banned.h"

uint32_t sg_crc32(const char *s, size_t len)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static int base62_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

int sg_checksum_github(const char *tok, size_t len)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz";
	char want[6];
	uint32_t c;

	if (len != 40 || strncmp(tok, "gh", 2) || !strchr("pousr", tok[2]) ||
	    tok[3] != '_')
		return SG_ENOTFOUND;
	for (size_t i = 4; i < len; i++)
		if (!base62_char(tok[i]))
			return SG_ENOTFOUND;
	c = sg_crc32(tok + 4, 30);
	for (int i = 5; i >= 0; i--) {
		want[i] = b62[c % 62];
		c /= 62;
	}
	return memcmp(want, tok + 34, 6) == 0;
}
