/*
 * checksum.h -- offline checks of the checksums some token formats carry
 * (GitHub, npm, Grafana), so that a token can be told apart from a
 * placeholder or a typo without asking its provider.
 */
#ifndef SG_CHECKSUM_H
#define SG_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, as zlib's crc32()) of [s, s+len). */
uint32_t sg_crc32(const char *s, size_t len);

/*
 * A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ and 36 characters): the
 * last 6 are the CRC-32 of the 30 before them in base62 (0-9A-Za-z, left
 * padded with '0'). 1: the checksum holds; 0: it fails; SG_ENOTFOUND: the
 * token has not that shape (no checksum to check).
 */
int sg_checksum_github(const char *tok, size_t len);

/* An npm token (npm_ and 36 characters): GitHub's format and checksum. */
int sg_checksum_npm(const char *tok, size_t len);

/*
 * A Grafana service account token (glsa_, 32 characters, _, 8 hex): the
 * hex is the CRC-32 of everything before the last '_', least significant
 * byte first.
 */
int sg_checksum_grafana(const char *tok, size_t len);

/* Whichever of the checks above knows the token's shape; same returns. */
int sg_checksum_token(const char *tok, size_t len);

#endif
