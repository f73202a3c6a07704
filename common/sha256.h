/*
 * sha256.h -- SHA-256 through OpenSSL's libcrypto (already linked by
 * libgit2 on Debian); used for policy digests, fingerprints and the
 * audit hash chain.
 */
#ifndef SG_SHA256_H
#define SG_SHA256_H

#include <stddef.h>

struct sg_sha256 {
	void *ctx;
};

/* One-shot: `hex` receives 64 hex digits and a NUL. */
void sg_sha256_hex(char hex[65], const void *data, size_t len);

void sg_sha256_init(struct sg_sha256 *h);
void sg_sha256_update(struct sg_sha256 *h, const void *data, size_t len);
/* Finish and free the context; `hex` as above. */
void sg_sha256_final(struct sg_sha256 *h, char hex[65]);

#endif
