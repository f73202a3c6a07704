/*
 * fuzz_content_pdf.c -- the Flate streams of a PDF (content_archive.c over
 * zlib), each inflated stream then walked as the secret gate does
 * (walk.h).
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

	sg_content_pdf((const char *)data, size, &lim, &total, walk_entry,
			&w, &err);
	sg_buf_release(&err);
	return 0;
}
