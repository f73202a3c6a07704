/*
 * fuzz_content_text.c -- blob bytes to text (content.c): BOMs, UTF-16,
 * the binary sniff.
 */
#include "../../common/buf.h"
#include "../../common/content.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	const char *text = NULL;
	size_t tlen = 0;

	if (sg_content_text((const char *)data, size, &conv, &text, &tlen)) {
		volatile unsigned char sum = 0;

		/* every byte of the text must be readable */
		for (size_t i = 0; i < tlen; i++)
			sum ^= (unsigned char)text[i];
		(void)sum;
	}
	sg_buf_release(&conv);
	return 0;
}
