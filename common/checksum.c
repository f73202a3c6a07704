/*
 * checksum.c -- offline token checksums: GitHub's and npm's CRC-32 in
 * base62 (npm took GitHub's format), Grafana's CRC-32 in hex.
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

static int all_base62(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!base62_char(s[i]))
			return 0;
	return 1;
}

/* 30 random characters then their CRC-32 in base62, 6 characters */
static int crc62_holds(const char *body)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz";
	char want[6];
	uint32_t c = sg_crc32(body, 30);

	for (int i = 5; i >= 0; i--) {
		want[i] = b62[c % 62];
		c /= 62;
	}
	return memcmp(want, body + 30, 6) == 0;
}

int sg_checksum_github(const char *tok, size_t len)
{
	if (len != 40 || strncmp(tok, "gh", 2) || !strchr("pousr", tok[2]) ||
	    tok[3] != '_' || !all_base62(tok + 4, 36))
		return SG_ENOTFOUND;
	return crc62_holds(tok + 4);
}

int sg_checksum_npm(const char *tok, size_t len)
{
	if (len != 40 || strncmp(tok, "npm_", 4) || !all_base62(tok + 4, 36))
		return SG_ENOTFOUND;
	return crc62_holds(tok + 4);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sg_checksum_grafana(const char *tok, size_t len)
{
	uint32_t c;

	if (len != 46 || strncmp(tok, "glsa_", 5) || !all_base62(tok + 5, 32) ||
	    tok[37] != '_')
		return SG_ENOTFOUND;
	for (size_t i = 38; i < 46; i++)
		if (hex_value(tok[i]) < 0)
			return SG_ENOTFOUND;
	/* the CRC of "glsa_" and the secret, its 4 bytes least first */
	c = sg_crc32(tok, 37);
	for (size_t i = 0; i < 4; i++, c >>= 8) {
		const char *h = tok + 38 + 2 * i;

		if ((uint32_t)(hex_value(h[0]) << 4 | hex_value(h[1])) !=
		    (c & 0xffu))
			return 0;
	}
	return 1;
}

int sg_checksum_token(const char *tok, size_t len)
{
	int ok = sg_checksum_github(tok, len);

	if (ok == SG_ENOTFOUND)
		ok = sg_checksum_npm(tok, len);
	if (ok == SG_ENOTFOUND)
		ok = sg_checksum_grafana(tok, len);
	return ok;
}
