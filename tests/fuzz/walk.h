/*
 * walk.h -- the secret gate's descent into content (secret.c's
 * scan_bytes_at) for the decoder harnesses: archives by kind, nested
 * up to the depth limit, and every leaf turned into text (or a binary's
 * strings), its base64 runs and its JSON and XML views decoded. The total is
 * capped lower than the gate's so the fuzzer stays in memory.
 */
#ifndef SG_FUZZ_WALK_H
#define SG_FUZZ_WALK_H

#include "../../common/buf.h"
#include "../../common/content.h"
#include "../../common/error.h"
#include "../../common/limits.h"

#define WALK_LIMITS { 1000, 8u * 1024 * 1024, SG_ZIP_MAX_RATIO, \
		      SG_ZIP_MAX_DEPTH }

struct walk {
	const struct sg_zip_limits *lim;
	size_t *total;
	int depth;
};

static int walk_bytes(struct walk *w, const char *data, size_t len,
		      struct sg_buf *err);

static int walk_run(size_t run_start, const char *decoded, size_t len,
		    void *payload, struct sg_buf *err)
{
	volatile unsigned char sum = 0;

	(void)run_start; (void)payload; (void)err;
	for (size_t i = 0; i < len; i++)
		sum ^= (unsigned char)decoded[i];
	(void)sum;
	return 0;
}

static int walk_entry(const char *name, const char *data, size_t len,
		      void *payload, struct sg_buf *err)
{
	struct walk *w = payload;
	struct walk inner = { w->lim, w->total, w->depth + 1 };

	if (!name)
		abort();
	return walk_bytes(&inner, data, len, err);
}

static int walk_text(const char *text, size_t len, struct sg_buf *err)
{
	struct sg_buf view = SG_BUF_INIT((size_t)-1 / 2);
	int ret = sg_content_base64(text, len, walk_run, NULL, err);

	if (ret == 0 && sg_content_json_view(text, len, &view))
		ret = sg_content_base64(view.buf, view.len, walk_run, NULL,
					err);
	if (ret == 0 && sg_content_xml_view(text, len, &view))
		ret = sg_content_base64(view.buf, view.len, walk_run, NULL,
					err);
	sg_buf_release(&view);
	return ret;
}

static int walk_archive(struct walk *w, const char *data, size_t len,
			enum sg_archive kind, struct sg_buf *err)
{
	if (w->depth >= w->lim->max_depth)
		return 0;
	if (kind == SG_ARCHIVE_GZIP)
		return sg_content_gzip(data, len, w->lim, w->total,
				       walk_entry, w, err);
	if (kind == SG_ARCHIVE_TAR)
		return sg_content_tar(data, len, w->lim, walk_entry, w, err);
	if (kind == SG_ARCHIVE_PDF)
		return sg_content_pdf(data, len, w->lim, w->total,
				      walk_entry, w, err);
	return sg_content_zip(data, len, w->lim, w->total, walk_entry, w,
			      err);
}

static int walk_bytes(struct walk *w, const char *data, size_t len,
		      struct sg_buf *err)
{
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	enum sg_archive kind = sg_content_archive(data, len);
	const char *text;
	size_t tlen;
	int ret;

	if (kind == SG_ARCHIVE_NONE && sg_content_zip_inside(data, len))
		kind = SG_ARCHIVE_ZIP;
	if (kind != SG_ARCHIVE_NONE && kind != SG_ARCHIVE_PDF)
		return walk_archive(w, data, len, kind, err);
	if (kind == SG_ARCHIVE_PDF && walk_archive(w, data, len, kind, err))
		return SG_ERROR;
	if (sg_content_unscannable(data, len))
		return 0;
	if (sg_content_text(data, len, &conv, &text, &tlen)) {
		ret = walk_text(text, tlen, err);
	} else {
		sg_content_strings(data, len, &conv);
		ret = walk_text(conv.buf, conv.len, err);
	}
	sg_buf_release(&conv);
	return ret;
}

#endif
