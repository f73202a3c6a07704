/*
 * trailer.c -- parse the trailer block (last paragraph of "Key: value"
 * lines) with the rules of git's trailer.c:
 *
 *  - the first paragraph is the title and never holds trailers;
 *  - trailing comment lines, blank lines, a "Conflicts:" block and
 *    anything after a scissors line are not part of the message;
 *  - the last paragraph is a trailer block if all its lines are
 *    trailers (continuations included), or if it has a git-generated
 *    line ("Signed-off-by: ", "(cherry picked from commit ") and at
 *    least 25% trailer lines;
 *  - a line starting with space or tab continues the previous trailer.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "trailer.h"
#include "banned.h"

#define COMMENT_CHAR '#'

static const char *const git_generated_prefixes[] = {
	"Signed-off-by: ", "(cherry picked from commit ", NULL
};

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

static int is_blank_line(const char *s)
{
	while (*s && *s != '\n' && isspace((unsigned char)*s))
		s++;
	return !*s || *s == '\n';
}

/* Start of the last line in buf[0, len), or -1 if len is 0. */
static long last_line(const char *buf, size_t len)
{
	long i;

	if (len == 0)
		return -1;
	if (len == 1)
		return 0;
	/* a final newline belongs to the last line */
	for (i = (long)len - 2; i >= 0; i--)
		if (buf[i] == '\n')
			return i + 1;
	return 0;
}

/* Offset of ':' if `line` begins "Token:" or "Token   :", else -1. */
static long find_separator(const char *line)
{
	int whitespace_found = 0;
	const char *c;

	for (c = line; *c; c++) {
		if (*c == ':')
			return c - line;
		if (!whitespace_found &&
		    (isalnum((unsigned char)*c) || *c == '-'))
			continue;
		if (c != line && (*c == ' ' || *c == '\t')) {
			whitespace_found = 1;
			continue;
		}
		break;
	}
	return -1;
}

/* Where the scissors line starts, as wt_status_locate_end() finds it. */
static size_t locate_scissors(const char *buf, size_t len)
{
	static const char cut[] =
		"# ------------------------ >8 ------------------------\n";
	const char *p = buf;

	while (p < buf + len) {
		const char *hit = strstr(p, cut);

		if (!hit || hit >= buf + len)
			break;
		if (hit == buf || hit[-1] == '\n')
			return (size_t)(hit - buf);
		p = hit + 1;
	}
	return len;
}

/* Length of the message without trailing comments, blanks, conflicts. */
static size_t ignore_non_trailer(const char *buf, size_t len)
{
	size_t boc = 0, bol = 0, cutoff = locate_scissors(buf, len);
	int in_conflicts = 0;

	while (bol < cutoff) {
		const char *nl = memchr(buf + bol, '\n', cutoff - bol);
		size_t next = nl ? (size_t)(nl - buf) + 1 : cutoff;

		if (buf[bol] == COMMENT_CHAR || buf[bol] == '\n') {
			if (!boc)
				boc = bol;
		} else if (starts_with(buf + bol, "Conflicts:\n")) {
			in_conflicts = 1;
			if (!boc)
				boc = bol;
		} else if (in_conflicts && buf[bol] == '\t') {
			;	/* a path in the old conflicts block */
		} else if (boc) {
			boc = 0;
			in_conflicts = 0;
		}
		bol = next;
	}
	return boc ? boc : cutoff;
}

static size_t find_trailer_start(const char *buf, size_t len)
{
	int only_spaces = 1, recognized_prefix = 0;
	int trailer_lines = 0, non_trailer_lines = 0;
	int possible_continuation_lines = 0;
	const char *s;
	long end_of_title, l;

	/* the first paragraph is the title */
	for (s = buf; s < buf + len; s = next_line(s)) {
		if (s[0] == COMMENT_CHAR)
			continue;
		if (is_blank_line(s))
			break;
	}
	end_of_title = s - buf;

	for (l = last_line(buf, len); l >= end_of_title;
	     l = last_line(buf, (size_t)l)) {
		const char *bol = buf + l;
		const char *const *p;
		long sep;

		if (bol[0] == COMMENT_CHAR) {
			non_trailer_lines += possible_continuation_lines;
			possible_continuation_lines = 0;
			continue;
		}
		if (is_blank_line(bol)) {
			if (only_spaces)
				continue;
			non_trailer_lines += possible_continuation_lines;
			if (recognized_prefix &&
			    trailer_lines * 3 >= non_trailer_lines)
				return (size_t)(next_line(bol) - buf);
			if (trailer_lines && !non_trailer_lines)
				return (size_t)(next_line(bol) - buf);
			return len;
		}
		only_spaces = 0;
		for (p = git_generated_prefixes; *p; p++)
			if (starts_with(bol, *p))
				break;
		if (*p) {
			trailer_lines++;
			possible_continuation_lines = 0;
			recognized_prefix = 1;
			continue;
		}
		sep = find_separator(bol);
		if (sep >= 1 && !isspace((unsigned char)bol[0])) {
			trailer_lines++;
			possible_continuation_lines = 0;
		} else if (isspace((unsigned char)bol[0])) {
			possible_continuation_lines++;
		} else {
			non_trailer_lines++;
			non_trailer_lines += possible_continuation_lines;
			possible_continuation_lines = 0;
		}
	}
	return len;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return sg_strndup(s, len);
}

/* Fold continuation lines into single spaces, as git's unfold_value(). */
static char *unfold(const char *val)
{
	struct sg_buf out = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char *res;

	for (const char *p = val; *p;) {
		char c = *p++;

		if (c == '\n') {
			while (*p && isspace((unsigned char)*p))
				p++;
			sg_buf_addch(&out, ' ');
		} else {
			sg_buf_addch(&out, c);
		}
	}
	res = trimmed(out.buf, out.len);
	sg_buf_release(&out);
	return res;
}

static void add_trailer(struct sg_trailers *out, const char *line)
{
	long sep = find_separator(line);
	struct sg_trailer *t;
	char *raw;

	if (line[0] == COMMENT_CHAR || sep < 1)
		return;
	SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	t = &out->v[out->nr++];
	t->key = trimmed(line, (size_t)sep);
	raw = trimmed(line + sep + 1, strlen(line + sep + 1));
	t->value = unfold(raw);
	free(raw);
}

void sg_trailers_parse(struct sg_trailers *out, const char *msg)
{
	size_t end = ignore_non_trailer(msg, strlen(msg));
	size_t start = find_trailer_start(msg, end);
	struct sg_buf cur = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int cur_is_trailer = 0;
	const char *p = msg + start, *stop = msg + end;

	/* split into lines, folding continuations into the trailer above */
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *next = nl ? nl + 1 : stop;

		if (cur.len && cur_is_trailer && isspace((unsigned char)*p)) {
			sg_buf_add(&cur, p, (size_t)(next - p));
		} else {
			if (cur.len)
				add_trailer(out, cur.buf);
			sg_buf_reset(&cur);
			sg_buf_add(&cur, p, (size_t)(next - p));
			cur_is_trailer = find_separator(cur.buf) >= 1;
		}
		p = next;
	}
	if (cur.len)
		add_trailer(out, cur.buf);
	sg_buf_release(&cur);
}

const char *sg_trailers_get(const struct sg_trailers *t, const char *key)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcasecmp(t->v[i].key, key))
			return t->v[i].value;
	return NULL;
}

void sg_trailers_release(struct sg_trailers *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->v[i].key);
		free(t->v[i].value);
	}
	free(t->v);
	t->v = NULL;
	t->nr = t->alloc = 0;
}
