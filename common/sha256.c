/*
 * sha256.c -- SHA-256 by libcrypto's EVP interface.
 */
#include <openssl/evp.h>

#include "error.h"
#include "sha256.h"
#include "banned.h"

static void to_hex(char hex[65], const unsigned char *md)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void sg_sha256_init(struct sg_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		SG_BUG("cannot start sha256");
	h->ctx = ctx;
}

void sg_sha256_update(struct sg_sha256 *h, const void *data, size_t len)
{
	if (!EVP_DigestUpdate(h->ctx, data, len))
		SG_BUG("sha256 update failed");
}

void sg_sha256_final(struct sg_sha256 *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(h->ctx, md, &n) || n != 32)
		SG_BUG("sha256 final failed");
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	to_hex(hex, md);
}

void sg_sha256_hex(char hex[65], const void *data, size_t len)
{
	struct sg_sha256 h;

	sg_sha256_init(&h);
	sg_sha256_update(&h, data, len);
	sg_sha256_final(&h, hex);
}
