/*
 * xml.c -- a pull scanner over XML text: enough for the schema files
 * of Power Platform and Salesforce DX exports, and safe on hostile
 * input: it stays inside [p, end), and a tag that does not close is an
 * error rather than a guess.
 */
#include <string.h>

#include "error.h"
#include "xml.h"
#include "banned.h"

void sg_xml_init(struct sg_xml *x, const char *text, size_t len)
{
	memset(x, 0, sizeof(*x));
	x->p = text;
	x->end = text + len;
	x->line = 1;
	/* a UTF-8 byte order mark before the prolog */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		x->p += 3;
}

static void count_lines(struct sg_xml *x, const char *from, const char *to)
{
	for (const char *q = from; q < to; q++)
		x->line += *q == '\n';
}

/* Skip from x->p past `close` (e.g. "-->"); SG_ERROR if it never comes. */
static int skip_past(struct sg_xml *x, const char *close)
{
	size_t n = strlen(close);
	const char *q = x->p;

	while ((size_t)(x->end - q) >= n) {
		if (!memcmp(q, close, n)) {
			count_lines(x, x->p, q + n);
			x->p = q + n;
			return 0;
		}
		q++;
	}
	return SG_ERROR;
}

static int is_name_char(char c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/' &&
	       c != '>' && c != '=';
}

/* A tag at x->p ('<' already seen, not a comment or declaration). */
static int tag(struct sg_xml *x)
{
	const char *q = x->p + 1, *gt;
	char quote = 0;
	int closing = 0;

	if (q < x->end && *q == '/') {
		closing = 1;
		q++;
	}
	x->name = q;
	while (q < x->end && is_name_char(*q))
		q++;
	x->name_len = (size_t)(q - x->name);
	if (!x->name_len)
		return SG_ERROR;
	x->attrs = q;
	/* the closing '>' outside quoted attribute values */
	for (gt = q; gt < x->end; gt++) {
		if (quote) {
			if (*gt == quote)
				quote = 0;
		} else if (*gt == '"' || *gt == '\'') {
			quote = *gt;
		} else if (*gt == '>') {
			break;
		} else if (*gt == '<') {
			return SG_ERROR;
		}
	}
	if (gt == x->end)
		return SG_ERROR;
	x->attrs_len = (size_t)(gt - q);
	if (!closing && x->attrs_len && gt[-1] == '/') {
		x->attrs_len--;
		x->pending_close = 1;
	}
	count_lines(x, x->p, gt + 1);
	x->p = gt + 1;
	return closing ? SG_XML_CLOSE : SG_XML_OPEN;
}

int sg_xml_next(struct sg_xml *x)
{
	const char *lt;

	if (x->pending_close) {
		x->pending_close = 0;
		return SG_XML_CLOSE;
	}
	for (;;) {
		if (x->p >= x->end)
			return SG_XML_EOF;
		if (*x->p != '<') {
			lt = memchr(x->p, '<', (size_t)(x->end - x->p));
			if (!lt)
				lt = x->end;
			x->text = x->p;
			x->text_len = (size_t)(lt - x->p);
			count_lines(x, x->p, lt);
			x->p = lt;
			return SG_XML_TEXT;
		}
		if (x->end - x->p >= 9 && !memcmp(x->p, "<![CDATA[", 9)) {
			const char *start = x->p + 9;

			x->p = start;
			if (skip_past(x, "]]>") < 0)
				return SG_ERROR;
			x->text = start;
			x->text_len = (size_t)(x->p - 3 - start);
			return SG_XML_TEXT;
		}
		if (x->end - x->p >= 4 && !memcmp(x->p, "<!--", 4)) {
			x->p += 4;
			if (skip_past(x, "-->") < 0)
				return SG_ERROR;
			continue;
		}
		if (x->end - x->p >= 2 && (x->p[1] == '?' || x->p[1] == '!')) {
			/* prolog, processing instruction, DOCTYPE */
			if (skip_past(x, ">") < 0)
				return SG_ERROR;
			continue;
		}
		return tag(x);
	}
}

int sg_xml_is(const struct sg_xml *x, const char *name)
{
	const char *n = x->name, *colon;
	size_t len = x->name_len, want = strlen(name);

	colon = memchr(n, ':', len);
	if (colon) {
		len -= (size_t)(colon + 1 - n);
		n = colon + 1;
	}
	return len == want && !memcmp(n, name, len);
}

int sg_xml_attr(const struct sg_xml *x, const char *name, const char **out,
		size_t *len)
{
	const char *p = x->attrs, *end = x->attrs + x->attrs_len;
	size_t want = strlen(name);

	while (p < end) {
		const char *k, *v;
		size_t klen;
		char quote;

		while (p < end && !is_name_char(*p))
			p++;
		k = p;
		while (p < end && is_name_char(*p))
			p++;
		klen = (size_t)(p - k);
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
				   *p == '\n'))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
				   *p == '\n'))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return SG_ENOTFOUND;
		quote = *p++;
		v = p;
		while (p < end && *p != quote)
			p++;
		if (klen == want && !memcmp(k, name, klen)) {
			*out = v;
			*len = (size_t)(p - v);
			return 0;
		}
		p++;
	}
	return SG_ENOTFOUND;
}
