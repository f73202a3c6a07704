/*
 * fuzz_escape.c -- the output escaping helpers (escape.c) on hostile
 * bytes, whole and fed in two pieces, checked against their contract:
 * no control byte left (but '\n' when kept), and sg_escape_json's
 * literal parses back (json.c) to a string.
 */
#include <string.h>

#include "../../common/buf.h"
#include "../../common/escape.h"
#include "../../common/json.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

static void no_controls(const struct sg_buf *b, int keep_newline)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->buf[i];

		if ((c < 0x20 && !(keep_newline && c == '\n')) || c == 0x7f)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_buf a = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_escape st = SG_ESCAPE_INIT(SG_ESCAPE_KEEP_NEWLINE);
	char *s = sg_fuzz_strndup(data, size);
	size_t cut = size ? data[0] % (size + 1) : 0;
	struct sg_json v;

	sg_escape(&a, (const char *)data, size, 0);
	no_controls(&a, 0);
	sg_escape_feed(&st, &b, (const char *)data, cut);
	sg_escape_feed(&st, &b, (const char *)data + cut, size - cut);
	sg_escape_finish(&st, &b);
	no_controls(&b, 1);

	sg_buf_reset(&a);
	sg_escape_json(&a, s);
	no_controls(&a, 0);
	if (sg_json_parse(&v, a.buf, a.len, NULL) < 0 ||
	    v.kind != SG_JSON_STRING)
		abort();
	sg_json_release(&v);

	sg_buf_reset(&a);
	sg_escape_sd(&a, s, size ? data[size - 1] : 0);
	no_controls(&a, 0);

	/* the raw input as JSON too: the reader of our audit records */
	if (sg_json_parse(&v, (const char *)data, size, NULL) == 0)
		sg_json_release(&v);

	free(s);
	sg_buf_release(&a);
	sg_buf_release(&b);
	return 0;
}
