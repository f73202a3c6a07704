/*
 * fuzz_content_zip.c -- zip containers (content.c over libzip), nested
 * as the secret gate opens them, each entry then decoded to text. The
 * total is capped lower than the gate's so the fuzzer stays in memory.
 */
#include <string.h>

#include "../../common/buf.h"
#include "../../common/content.h"
#include "../../common/limits.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

static int on_run(size_t run_start, const char *decoded, size_t len,
		  void *payload, struct sg_buf *err)
{
	(void)run_start; (void)decoded; (void)len; (void)payload; (void)err;
	return 0;
}

/* a zip's magic, as the gate tells a nested archive */
static int is_zip(const char *data, size_t len)
{
	return len >= 4 && !memcmp(data, "PK", 2) &&
	       ((data[2] == 3 && data[3] == 4) ||
		(data[2] == 5 && data[3] == 6));
}

struct walk {
	const struct sg_zip_limits *lim;
	size_t *total;
	int depth;
};

static int on_entry(const char *name, const char *data, size_t len,
		    void *payload, struct sg_buf *err)
{
	struct walk *w = payload;
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	const char *text;
	size_t tlen;
	int ret = 0;

	if (!name)
		abort();
	if (is_zip(data, len) && w->depth + 1 < w->lim->max_depth) {
		struct walk inner = { w->lim, w->total, w->depth + 1 };

		ret = sg_content_zip(data, len, w->lim, w->total, on_entry,
				     &inner, err);
	} else if (sg_content_text(data, len, &conv, &text, &tlen)) {
		ret = sg_content_base64(text, tlen, on_run, NULL, err);
	}
	sg_buf_release(&conv);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_zip_limits lim = { 1000, 8u * 1024 * 1024,
				     SG_ZIP_MAX_RATIO, SG_ZIP_MAX_DEPTH };
	struct sg_buf err = SG_BUF_INIT(4096);
	size_t total = 0;
	struct walk w = { &lim, &total, 0 };

	sg_content_zip((const char *)data, size, &lim, &total, on_entry, &w,
		       &err);
	sg_buf_release(&err);
	return 0;
}
