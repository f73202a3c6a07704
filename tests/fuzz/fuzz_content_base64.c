/*
 * fuzz_content_base64.c -- base64 runs in a text (content.c), decoded
 * where they look like text.
 */
#include "../../common/buf.h"
#include "../../common/content.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

static int on_run(size_t run_start, const char *decoded, size_t len,
		  void *payload, struct sg_buf *err)
{
	size_t size = *(size_t *)payload;
	volatile unsigned char sum = 0;

	(void)err;
	if (run_start >= size || len > size)
		abort();
	for (size_t i = 0; i < len; i++)
		sum ^= (unsigned char)decoded[i];
	(void)sum;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_buf err = SG_BUF_INIT(4096);

	sg_content_base64((const char *)data, size, on_run, &size, &err);
	sg_buf_release(&err);
	return 0;
}
