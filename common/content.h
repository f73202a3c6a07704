/*
 * content.h -- turn blob bytes into text to scan: BOMs, UTF-16, binary
 * detection, base64 runs that decode to text, and zip containers
 * (zip, msapp, mpk, nupkg, ...) opened with libzip under limits.
 */
#ifndef SG_CONTENT_H
#define SG_CONTENT_H

#include <stddef.h>

struct sg_buf;

/*
 * The text of [data, data+len): 1 and *text and *tlen set (pointing into
 * `data`, or into `conv` after a UTF-16 conversion), or 0 for binary.
 */
int sg_content_text(const char *data, size_t len, struct sg_buf *conv,
		    const char **text, size_t *tlen);
int sg_content_is_zip(const char *data, size_t len);

/* For each base64 run of 32+ characters that decodes to text. */
typedef int (*sg_b64_fn)(size_t run_start, const char *decoded, size_t len,
			 void *payload, struct sg_buf *err);
int sg_content_base64(const char *text, size_t len, sg_b64_fn fn,
		      void *payload, struct sg_buf *err);

struct sg_zip_limits {
	size_t max_entries;		/* per archive */
	size_t max_total;		/* inflated bytes, all levels together */
	size_t max_ratio;		/* inflated / compressed, per entry */
	int max_depth;			/* nesting of archives */
};

/* Each entry's inflated bytes; `name` is "inner/path". */
typedef int (*sg_zip_fn)(const char *name, const char *data, size_t len,
			 void *payload, struct sg_buf *err);
/*
 * Walk the entries of the zip in [data, data+len). Limits shared by
 * nested calls live in *total. SG_ELIMIT with a clear reason when the
 * archive is a bomb (too many entries, too large, ratio too high).
 */
int sg_content_zip(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err);

#endif
