/*
 * buf.h -- struct sg_buf, our only growable string.
 *
 * `buf` is never NULL and always NUL-terminated; appends past `max`
 * fail with SG_ELIMIT and leave the buffer as it was.
 */
#ifndef SG_BUF_H
#define SG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct sg_buf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max;
};

extern char sg_buf_empty[];
#define SG_BUF_INIT(m) { sg_buf_empty, 0, 0, (m) }
/* Cap for buffers that only ever hold our own text (messages, paths). */
#define SG_BUF_TEXT_MAX (16u * 1024 * 1024)

void sg_buf_init(struct sg_buf *b, size_t max);
void sg_buf_release(struct sg_buf *b);
/* Empty `b`, keeping its memory. */
void sg_buf_reset(struct sg_buf *b);
/*
 * Cut `b` back to its first `len` bytes (len <= b->len). Use this, not a
 * write to b->buf: an unused buffer points at the shared empty string.
 */
void sg_buf_truncate(struct sg_buf *b, size_t len);
/* The caller owns the returned string and free()s it; `b` is emptied. */
char *sg_buf_detach(struct sg_buf *b);

int sg_buf_add(struct sg_buf *b, const void *data, size_t len);
int sg_buf_adds(struct sg_buf *b, const char *s);
int sg_buf_addch(struct sg_buf *b, char c);
int sg_buf_addf(struct sg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sg_buf_vaddf(struct sg_buf *b, const char *fmt, va_list ap);
/* Add code point `cp` encoded as UTF-8. */
int sg_buf_add_utf8(struct sg_buf *b, unsigned cp);
/* Add `s` as a JSON string literal, quotes included. */
int sg_buf_add_json(struct sg_buf *b, const char *s);

/* Read all of `path` (no symlink followed); SG_ENOTFOUND if missing. */
int sg_buf_read_file(struct sg_buf *b, const char *path, struct sg_buf *err);

#endif
