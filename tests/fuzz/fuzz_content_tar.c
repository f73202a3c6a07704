/*
 * fuzz_content_tar.c -- tar archives (content_archive.c): ustar, GNU
 * long names, pax headers, links; each entry then walked as the secret
 * gate does (walk.h).
 */
#include "fuzz.h"
#include "walk.h"

SG_FUZZ_NO_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_zip_limits lim = WALK_LIMITS;
	struct sg_buf err = SG_BUF_INIT(4096);
	size_t total = 0;
	struct walk w = { &lim, &total, 0 };

	sg_content_tar((const char *)data, size, &lim, walk_entry, &w,
		       &err);
	sg_buf_release(&err);
	return 0;
}
