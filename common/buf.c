/*
 * buf.c -- a capped, always NUL-terminated string (see buf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "banned.h"

/*
 * NEEDSWORK: const once nobody writes it: push.c's walker and secret.c
 * still cut paths with buf[base] = '\0' (base may be 0 on an unused
 * buffer); sg_buf_truncate() is the way.
 */
char sg_buf_empty[1];

void sg_buf_init(struct sg_buf *b, size_t max)
{
	b->buf = sg_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void sg_buf_release(struct sg_buf *b)
{
	if (b->alloc)
		free(b->buf);
	sg_buf_init(b, b->max);
}

void sg_buf_reset(struct sg_buf *b)
{
	sg_buf_truncate(b, 0);
}

void sg_buf_truncate(struct sg_buf *b, size_t len)
{
	if (len > b->len)
		SG_BUG("truncate to %zu of %zu bytes", len, b->len);
	b->len = len;
	if (b->alloc)		/* never write the shared sg_buf_empty */
		b->buf[len] = '\0';
}

char *sg_buf_detach(struct sg_buf *b)
{
	char *s = b->alloc ? b->buf : sg_strdup("");

	sg_buf_init(b, b->max);
	return s;
}

static int grow(struct sg_buf *b, size_t extra)
{
	size_t want, n;

	if (extra > b->max || b->len > b->max - extra)
		return SG_ELIMIT;
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n *= 2;
	if (b->alloc) {
		b->buf = sg_realloc(b->buf, n);
	} else {
		b->buf = sg_malloc(n);
		b->buf[0] = '\0';
	}
	b->alloc = n;
	return 0;
}

int sg_buf_add(struct sg_buf *b, const void *data, size_t len)
{
	if (grow(b, len) < 0)
		return SG_ELIMIT;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int sg_buf_adds(struct sg_buf *b, const char *s)
{
	return sg_buf_add(b, s, strlen(s));
}

int sg_buf_addch(struct sg_buf *b, char c)
{
	return sg_buf_add(b, &c, 1);
}

int sg_buf_vaddf(struct sg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return SG_ERROR;
	if (grow(b, (size_t)n) < 0)
		return SG_ELIMIT;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int sg_buf_addf(struct sg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sg_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return ret;
}

int sg_buf_add_utf8(struct sg_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80)
		return sg_buf_addch(b, (char)cp);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return sg_buf_add(b, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return sg_buf_add(b, u, 3);
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return sg_buf_add(b, u, 4);
}

int sg_buf_add_json(struct sg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int ret = sg_buf_addch(b, '"');

	for (; *p && ret == 0; p++) {
		char esc[7] = "\\u00";

		switch (*p) {
		case '"': ret = sg_buf_adds(b, "\\\""); break;
		case '\\': ret = sg_buf_adds(b, "\\\\"); break;
		case '\n': ret = sg_buf_adds(b, "\\n"); break;
		case '\r': ret = sg_buf_adds(b, "\\r"); break;
		case '\t': ret = sg_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				ret = sg_buf_add(b, esc, 6);
			} else {
				ret = sg_buf_addch(b, (char)*p);
			}
		}
	}
	return ret ? ret : sg_buf_addch(b, '"');
}

int sg_buf_read_file(struct sg_buf *b, const char *path, struct sg_buf *err)
{
	char chunk[8192];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return sg_error(err, errno == ENOENT ? SG_ENOTFOUND : SG_ERROR,
				"cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = sg_error(err, SG_ERROR, "cannot read '%s': %s",
				       path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (sg_buf_add(b, chunk, (size_t)n) < 0) {
			ret = sg_error(err, SG_ELIMIT,
				       "'%s' is larger than %zu bytes", path,
				       b->max);
			break;
		}
	}
	close(fd);
	return ret;
}
