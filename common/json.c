/*
 * json.c -- recursive-descent JSON parser with a depth bound.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "banned.h"

#define MAX_DEPTH 32

struct parser {
	const char *p, *end;
	struct sg_buf *err;
};

static int bad(struct parser *ps, const char *what)
{
	return sg_error(ps->err, SG_ERROR, "malformed JSON: %s", what);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*out |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*out |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * The plain characters from `start` on in one append (an audit report
 * reads every string of 100,000 records), cut at the buffer's cap as
 * byte-by-byte appends would be. Leaves `ps->p` at the quote, backslash
 * or control character that ends the run.
 */
static void add_run(struct sg_buf *b, struct parser *ps, const char *start)
{
	size_t n, room;

	while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
	       (unsigned char)*ps->p >= 0x20)
		ps->p++;
	n = (size_t)(ps->p - start);
	room = b->max > b->len ? b->max - b->len : 0;
	sg_buf_add(b, start, n < room ? n : room);
}

static int parse_string(struct parser *ps, char **out)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	ps->p++;	/* the opening quote */
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned cp, lo;
		char c = *ps->p++;

		if ((unsigned char)c < 0x20)
			goto fail;
		if (c != '\\') {
			add_run(&b, ps, ps->p - 1);
			continue;
		}
		if (ps->p == ps->end)
			goto fail;
		c = *ps->p++;
		switch (c) {
		case '"': case '\\': case '/': sg_buf_addch(&b, c); break;
		case 'b': sg_buf_addch(&b, '\b'); break;
		case 'f': sg_buf_addch(&b, '\f'); break;
		case 'n': sg_buf_addch(&b, '\n'); break;
		case 'r': sg_buf_addch(&b, '\r'); break;
		case 't': sg_buf_addch(&b, '\t'); break;
		case 'u':
			/* a NUL would end our C string early: what is shown
			 * and compared would not be what the file says */
			if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0 ||
			    cp == 0)
				goto fail;
			ps->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 &&
			    ps->p[0] == '\\' && ps->p[1] == 'u' &&
			    hex4(ps->p + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				ps->p += 6;
			}
			sg_buf_add_utf8(&b, cp);
			break;
		default:
			goto fail;
		}
	}
	if (ps->p == ps->end)
		goto fail;
	ps->p++;
	*out = sg_buf_detach(&b);
	return 0;
fail:
	sg_buf_release(&b);
	return bad(ps, "bad string");
}

static int parse_value(struct parser *ps, struct sg_json *v, int depth);

static int parse_container(struct parser *ps, struct sg_json *v, int depth)
{
	char close = *ps->p == '{' ? '}' : ']';

	v->kind = close == '}' ? SG_JSON_OBJECT : SG_JSON_ARRAY;
	if (depth >= MAX_DEPTH)
		return bad(ps, "nested too deeply");
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct sg_json *kid;
		char *key = NULL;

		skip_ws(ps);
		if (v->kind == SG_JSON_OBJECT) {
			if (ps->p == ps->end || *ps->p != '"' ||
			    parse_string(ps, &key) < 0)
				return bad(ps, "expected a key");
			skip_ws(ps);
			if (ps->p == ps->end || *ps->p++ != ':') {
				free(key);
				return bad(ps, "expected ':'");
			}
		}
		SG_ALLOC_GROW(v->kids, v->nr + 1, v->alloc);
		kid = &v->kids[v->nr++];
		memset(kid, 0, sizeof(*kid));
		kid->key = key;
		if (parse_value(ps, kid, depth + 1) < 0)
			return SG_ERROR;
		skip_ws(ps);
		if (ps->p == ps->end)
			return bad(ps, "unterminated");
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ == close)
			return 0;
		return bad(ps, "expected ',' or a closing bracket");
	}
}

static int parse_literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return bad(ps, "unknown literal");
	ps->p += n;
	return 0;
}

static int parse_value(struct parser *ps, struct sg_json *v, int depth)
{
	char *end;

	skip_ws(ps);
	if (ps->p == ps->end)
		return bad(ps, "unexpected end");
	switch (*ps->p) {
	case '{': case '[':
		return parse_container(ps, v, depth);
	case '"':
		v->kind = SG_JSON_STRING;
		return parse_string(ps, &v->string);
	case 't':
		v->kind = SG_JSON_BOOL;
		v->number = 1;
		return parse_literal(ps, "true");
	case 'f':
		v->kind = SG_JSON_BOOL;
		return parse_literal(ps, "false");
	case 'n':
		v->kind = SG_JSON_NULL;
		return parse_literal(ps, "null");
	default: {
		/* strtod needs a terminated string: copy the number out */
		char num[64];
		size_t n = 0;

		while (ps->p + n < ps->end && n < sizeof(num) - 1 &&
		       strchr("+-0123456789.eE", ps->p[n]))
			n++;
		memcpy(num, ps->p, n);
		num[n] = '\0';
		v->kind = SG_JSON_NUMBER;
		v->number = strtod(num, &end);
		if (!n || *end)
			return bad(ps, "bad number");
		ps->p += n;
		return 0;
	}
	}
}

int sg_json_parse(struct sg_json *out, const char *text, size_t len,
		  struct sg_buf *err)
{
	struct parser ps = { text, text + len, err };

	memset(out, 0, sizeof(*out));
	if (parse_value(&ps, out, 0) < 0) {
		sg_json_release(out);
		return SG_ERROR;
	}
	skip_ws(&ps);
	if (ps.p != ps.end) {
		sg_json_release(out);
		return bad(&ps, "trailing characters");
	}
	return 0;
}

void sg_json_release(struct sg_json *v)
{
	for (size_t i = 0; i < v->nr; i++)
		sg_json_release(&v->kids[i]);
	free(v->kids);
	free(v->string);
	free(v->key);
	memset(v, 0, sizeof(*v));
}

const struct sg_json *sg_json_get(const struct sg_json *obj, const char *key)
{
	if (obj->kind != SG_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->nr; i++)
		if (!strcmp(obj->kids[i].key, key))
			return &obj->kids[i];
	return NULL;
}

const char *sg_json_str(const struct sg_json *obj, const char *key,
			const char *def)
{
	const struct sg_json *v = sg_json_get(obj, key);

	return v && v->kind == SG_JSON_STRING ? v->string : def;
}

double sg_json_num(const struct sg_json *obj, const char *key, double def)
{
	const struct sg_json *v = sg_json_get(obj, key);

	return v && v->kind == SG_JSON_NUMBER ? v->number : def;
}
