/*
 * escape.c -- one output-escaping helper for everything a pusher can put
 * in front of an admin or an auditor (see escape.h).
 *
 * The text is decoded as UTF-8, strictly (no overlong forms, no
 * surrogates): what a terminal would run as a control is shown as an
 * escape, what is printable is kept, and a byte that is not part of a
 * valid sequence is shown as \xNN, so a lone 0x9b (CSI on 8-bit
 * terminals) never reaches one.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "escape.h"
#include "banned.h"

static const char hex[] = "0123456789abcdef";

/*
 * The code point at `p` (n bytes available) into *cp: the length of its
 * sequence, 0 when p[0] starts no valid sequence, -1 when the bytes so
 * far are a valid start that needs more.
 */
static int decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t need;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2)
		return 0;	/* a continuation byte, or an overlong start */
	if (c >= 0xf5)
		return 0;
	need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	min = need == 2 ? 0x80 : need == 3 ? 0x800 : 0x10000;
	c &= 0x7f >> need;	/* the payload bits of the first byte */
	for (size_t i = 1; i < need; i++) {
		if (i >= n)
			return -1;
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0;
	*cp = c;
	return (int)need;
}

/*
 * What a terminal or a log viewer would act on instead of showing, and
 * what shows as nothing: "ad<ZWSP>min" must not pass for "admin". The
 * joiners go too (ZWNJ/ZWJ are legitimate in some scripts and emoji; an
 * auditor reading \u200d once in a while is the price of seeing it).
 */
static int is_control(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	       cp == 0x00ad ||			/* soft hyphen */
	       cp == 0x061c ||			/* Arabic letter mark */
	       cp == 0x180e ||			/* Mongolian vowel separator */
	       (cp >= 0x200b && cp <= 0x200f) ||	/* zero-width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	/* LS, PS, embeddings */
	       (cp >= 0x2060 && cp <= 0x2064) ||	/* word joiner, invisibles */
	       (cp >= 0x2066 && cp <= 0x2069) ||	/* isolates */
	       cp == 0xfeff ||			/* zero-width no-break space */
	       (cp >= 0xfff9 && cp <= 0xfffb) ||	/* interlinear annotation */
	       (cp >= 0xe0000 && cp <= 0xe007f);	/* tags: hidden ASCII */
}

static int add_byte_escape(struct sg_buf *out, unsigned char c)
{
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	return sg_buf_add(out, e, 4);
}

/* \uXXXX, or \UXXXXXXXX past the BMP (on a terminal, not in JSON) */
static int add_u_escape(struct sg_buf *out, unsigned cp)
{
	char e[10] = { '\\', cp > 0xffff ? 'U' : 'u' };
	int n = cp > 0xffff ? 8 : 4;

	for (int i = 0; i < n; i++)
		e[2 + i] = hex[(cp >> (4 * (n - 1 - i))) & 15];
	return sg_buf_add(out, e, (size_t)n + 2);
}

/* JSON has no \U: a code point past the BMP is a surrogate pair */
static int add_json_u_escape(struct sg_buf *out, unsigned cp)
{
	int ret;

	if (cp <= 0xffff)
		return add_u_escape(out, cp);
	cp -= 0x10000;
	ret = add_u_escape(out, 0xd800 + (cp >> 10));
	return ret ? ret : add_u_escape(out, 0xdc00 + (cp & 0x3ff));
}

/* One decoded character (its `len` bytes at `p`), shown safely. */
static int add_char(struct sg_buf *out, const unsigned char *p, size_t len,
		    unsigned cp, unsigned flags)
{
	if (!is_control(cp))
		return sg_buf_add(out, p, len);
	switch (cp) {
	case '\n':
		return flags & SG_ESCAPE_KEEP_NEWLINE ? sg_buf_addch(out, '\n')
		       : sg_buf_adds(out, "\\n");
	case '\r': return sg_buf_adds(out, "\\r");
	case '\t': return sg_buf_adds(out, "\\t");
	case 0x1b: return sg_buf_adds(out, "\\e");
	}
	return cp < 0x20 ? add_byte_escape(out, (unsigned char)cp)
	       : add_u_escape(out, cp);
}

/* Show what `st` holds; with `final`, a cut-off sequence as bytes. */
static int drain(struct sg_escape *st, struct sg_buf *out, int final)
{
	int ret = 0;

	while (st->npending && ret == 0) {
		unsigned cp = 0;
		int n = decode(st->pending, st->npending, &cp);

		if (n < 0 && !final)
			return 0;
		if (n > 0)
			ret = add_char(out, st->pending, (size_t)n, cp,
				       st->flags);
		else
			ret = add_byte_escape(out, st->pending[0]);
		n = n > 0 ? n : 1;
		memmove(st->pending, st->pending + n, st->npending - (size_t)n);
		st->npending -= (size_t)n;
	}
	return ret;
}

int sg_escape_feed(struct sg_escape *st, struct sg_buf *out, const char *s,
		   size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	int ret = 0;

	for (size_t i = 0; i < len && ret == 0; i++) {
		/* printable ASCII, the common case, goes straight through */
		if (!st->npending && p[i] >= 0x20 && p[i] < 0x7f) {
			size_t j = i;

			while (j < len && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			ret = sg_buf_add(out, p + i, j - i);
			i = j - 1;
			continue;
		}
		st->pending[st->npending++] = p[i];
		ret = drain(st, out, 0);
	}
	return ret;
}

int sg_escape_finish(struct sg_escape *st, struct sg_buf *out)
{
	return drain(st, out, 1);
}

int sg_escape(struct sg_buf *out, const char *s, size_t len, unsigned flags)
{
	struct sg_escape st = SG_ESCAPE_INIT(flags);
	int ret = sg_escape_feed(&st, out, s, len);

	return ret ? ret : sg_escape_finish(&st, out);
}

int sg_escape_str(struct sg_buf *out, const char *s, unsigned flags)
{
	return s ? sg_escape(out, s, strlen(s), flags) : 0;
}

int sg_escape_html(struct sg_buf *out, const char *s)
{
	struct sg_buf plain = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret = sg_escape_str(&plain, s, 0);

	for (const char *p = plain.buf; ret == 0 && *p; p++) {
		switch (*p) {
		case '&': ret = sg_buf_adds(out, "&amp;"); break;
		case '<': ret = sg_buf_adds(out, "&lt;"); break;
		case '>': ret = sg_buf_adds(out, "&gt;"); break;
		case '"': ret = sg_buf_adds(out, "&quot;"); break;
		case '\'': ret = sg_buf_adds(out, "&#39;"); break;
		default: ret = sg_buf_addch(out, *p); break;
		}
	}
	sg_buf_release(&plain);
	return ret;
}

int sg_escape_json(struct sg_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	int ret = sg_buf_addch(out, '"');

	for (size_t i = 0; i < len && ret == 0;) {
		unsigned cp = 0;
		int n = decode(p + i, len - i, &cp);

		if (n <= 0) {
			/* not UTF-8: the byte as a Latin-1 code point */
			ret = add_u_escape(out, p[i]);
			i++;
			continue;
		}
		switch (cp) {
		case '"': ret = sg_buf_adds(out, "\\\""); break;
		case '\\': ret = sg_buf_adds(out, "\\\\"); break;
		case '\n': ret = sg_buf_adds(out, "\\n"); break;
		case '\r': ret = sg_buf_adds(out, "\\r"); break;
		case '\t': ret = sg_buf_adds(out, "\\t"); break;
		default:
			ret = is_control(cp) ? add_json_u_escape(out, cp)
			      : sg_buf_add(out, p + i, (size_t)n);
		}
		i += (size_t)n;
	}
	return ret ? ret : sg_buf_addch(out, '"');
}

int sg_escape_sd(struct sg_buf *out, const char *s, size_t max)
{
	struct sg_buf esc = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	size_t len = strlen(s), cut = len;
	int ret;

	if (max && len > max) {
		cut = max;
		/* back to the start of a character */
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	ret = sg_escape(&esc, s, cut, 0);
	if (ret == 0 && cut < len)
		ret = sg_buf_adds(&esc, "...");
	for (size_t i = 0; i < esc.len && ret == 0; i++) {
		char c = esc.buf[i];

		if (c == '"' || c == '\\' || c == ']')
			ret = sg_buf_addch(out, '\\');
		if (ret == 0)
			ret = sg_buf_addch(out, c);
	}
	sg_buf_release(&esc);
	return ret;
}

struct stream {
	FILE *to;
	struct sg_escape st;
	struct sg_buf out;
};

static ssize_t stream_write(void *cookie, const char *data, size_t len)
{
	struct stream *s = cookie;
	int ret;

	sg_buf_reset(&s->out);
	ret = sg_escape_feed(&s->st, &s->out, data, len);
	/* `to` buffers as it always did: a terminal sees each line at once */
	if (ret == 0 && s->out.len &&
	    fwrite(s->out.buf, 1, s->out.len, s->to) != s->out.len)
		ret = SG_ERROR;
	return ret ? -1 : (ssize_t)len;
}

static int stream_close(void *cookie)
{
	struct stream *s = cookie;
	int ret;

	sg_buf_reset(&s->out);
	ret = sg_escape_finish(&s->st, &s->out);
	if (ret == 0 && s->out.len)
		fwrite(s->out.buf, 1, s->out.len, s->to);
	ret = fflush(s->to) ? SG_ERROR : ret;
	sg_buf_release(&s->out);
	free(s);
	return ret ? EOF : 0;
}

FILE *sg_escape_stream(FILE *to)
{
	static const cookie_io_functions_t io = {
		.write = stream_write, .close = stream_close,
	};
	struct stream *s = sg_calloc(1, sizeof(*s));
	FILE *f;

	s->to = to;
	s->st.flags = SG_ESCAPE_KEEP_NEWLINE;
	sg_buf_init(&s->out, SG_BUF_TEXT_MAX);
	f = fopencookie(s, "w", io);
	if (!f) {
		free(s);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}
