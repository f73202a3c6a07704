/*
 * anchor.c -- the literal words a pattern's every match starts with.
 *
 * Two shapes are recognised, and anything else leaves the rule as it
 * was (tried at every position): optional leading flags "(?i)", then a
 * group "(?:A|B|...)" that cannot be skipped, each branch an optional
 * lookbehind and then a run of letters or a group of plain words, and
 * no alternation at the top level after it. A match then starts at one
 * of those words, so trying the pattern (anchored with \G) only there
 * finds the same leftmost matches as pcre2's own scan. Or "(?m)^", then
 * a prefix of classes, letters and optional groups, then such a group
 * (generic-assignment's `^[ \t]*["']?[\w.-]{0,64}?(?:password|...)`): a
 * match then starts at a line start from which one of the words is
 * reached through bytes the prefix can match, and only such lines are
 * tried. The words are compared as ASCII; a non-ASCII byte is always a
 * candidate, since Unicode case folding matches K (U+212A) for `k` and
 * long s for `s`.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "buf.h"
#include "error.h"
#include "regex.h"
#include "banned.h"

#define MAX_WORDS	32

struct sg_anchor {
	struct sg_regex *re;		/* \G(?:pattern) */
	char *words[MAX_WORDS];		/* lowercase when `icase` */
	size_t len[MAX_WORDS], nr;
	int icase;
	uint32_t first[256];		/* the words a byte starts (bits) */
	/*
	 * The words a byte may be second in (bits; one-letter words and
	 * non-ASCII bytes in every entry): first[s[0]] & second[s[1]]
	 * drops most false starts (a common first letter) with two loads.
	 */
	uint32_t second[256];
	uint32_t single;		/* the one-letter words */
	/*
	 * The same as one test for the scan loop: a start is possible at
	 * s[0] only if start[s[0]] & then[s[1]] (bit 63: non-ASCII s[0]),
	 * so the loop's branch is rarely taken and well predicted.
	 */
	uint64_t start[256], then[256];
	int line;			/* "(?m)^": matches start lines */
	unsigned char prefix[256];	/* bytes before the words (line) */
};

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A byte that stands for itself in a pattern (outside a class). */
static int is_literal(char c)
{
	return is_letter(c) || (c >= '0' && c <= '9') ||
	       (c && strchr("\"'_-:=,;/@%&!<>~ ", c));
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* A quantifier that lets the atom before it match nothing. */
static int optional_next(char c)
{
	return c == '?' || c == '*' || c == '{';
}

/* Past the character class that starts at p[0] == '['; NULL: unsure. */
static const char *skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p += 2;
		else if (p[0] == '[' && p[1] == ':' &&
			 (p = strstr(p + 2, ":]")))
			p += 2;
		else if (!p)
			return NULL;
		else
			p++;
	}
	return *p ? p + 1 : NULL;
}

/*
 * From p, the first ')' closing the current group, or with `bar` also
 * the first '|' of it, or the pattern's end ('\0'); NULL when the
 * syntax is more than this reads.
 */
static const char *skip(const char *p, int bar)
{
	int depth = 0;

	while (*p) {
		if (*p == '\\') {
			if (p[1] == 'Q' || p[1] == 'E' || !p[1])
				return NULL;
			p += 2;
		} else if (*p == '[') {
			p = skip_class(p);
			if (!p)
				return NULL;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			if (!depth)
				return p;
			depth--;
			p++;
		} else if (*p == '|' && !depth && bar) {
			return p;
		} else {
			p++;
		}
	}
	return p;
}

static int add_word(struct sg_anchor *a, const char *w, size_t n)
{
	if (!n || a->nr == MAX_WORDS)
		return SG_ERROR;
	a->words[a->nr] = sg_malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		a->words[a->nr][i] = (char)(a->icase ? lower(w[i]) : w[i]);
	a->words[a->nr][n] = '\0';
	a->len[a->nr++] = n;
	return 0;
}

/* One branch of a group, read from p: its end ('|' or ')'), or NULL. */
typedef const char *(*branch_fn)(struct sg_anchor *a, const char *p);

/*
 * The branches "x|y|..." of the group whose body starts at p, each read
 * by `fn` (which adds what it finds to `a`): past the ')' that closes
 * the group, or NULL.
 */
static const char *alternation(struct sg_anchor *a, const char *p,
			       branch_fn fn)
{
	for (;;) {
		p = fn(a, p);
		if (!p)
			return NULL;
		if (*p == ')')
			return p + 1;
		if (*p != '|')
			return NULL;
		p++;
	}
}

/* A branch of a word group: a run of letters. */
static const char *plain_word(struct sg_anchor *a, const char *p)
{
	const char *w = p;

	while (is_letter(*p))
		p++;
	return add_word(a, w, (size_t)(p - w)) < 0 ? NULL : p;
}

/* "(?:w1|w2)" of plain words, not optional; the end, or NULL. */
static const char *word_group(struct sg_anchor *a, const char *p)
{
	p = alternation(a, p + 3, plain_word);
	return p && !optional_next(*p) ? p : NULL;
}

/* One branch's start words; the branch's end ('|' or ')'), or NULL. */
static const char *branch(struct sg_anchor *a, const char *p)
{
	/* zero-width: a word boundary, a lookbehind */
	if (p[0] == '\\' && (p[1] == 'b' || p[1] == 'B'))
		p += 2;
	/*
	 * "(?-i:...)" (secret-key-name's `Pat|Sk|Pw` after a lowercase
	 * letter): its words are kept like the others, caseless when the
	 * pattern is, which only adds places to try.
	 */
	if (!strncmp(p, "(?-i:", 5)) {
		p = branch(a, p + 5);
		if (!p || *p != ')')
			return NULL;
		p = skip(p + 1, 1);
		return p && (*p == '|' || *p == ')') ? p : NULL;
	}
	if (!strncmp(p, "(?<=", 4) || !strncmp(p, "(?<!", 4)) {
		p = skip(p + 4, 0);
		if (!p || *p != ')')
			return NULL;
		p++;
	}
	if (is_literal(*p)) {
		const char *w = p;

		while (is_literal(*p))
			p++;
		if (add_word(a, w, (size_t)(p - w) -
			     (optional_next(*p) ? 1 : 0)) < 0)
			return NULL;
	} else if (!strncmp(p, "(?:", 3)) {
		p = word_group(a, p);
		if (!p)
			return NULL;
	} else {
		return NULL;
	}
	p = skip(p, 1);
	return p && (*p == '|' || *p == ')') ? p : NULL;
}

static void set_byte(struct sg_anchor *a, int c)
{
	a->prefix[c] = 1;
	if (a->icase && c >= 'a' && c <= 'z')
		a->prefix[c - ('a' - 'A')] = 1;
	if (a->icase && c >= 'A' && c <= 'Z')
		a->prefix[c + ('a' - 'A')] = 1;
}

static void set_range(struct sg_anchor *a, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		set_byte(a, c);
}

/* One escape (p[0] == '\\') of a class or the prefix; NULL: unknown. */
static const char *prefix_escape(struct sg_anchor *a, const char *p,
				 int *single)
{
	*single = -1;
	switch (p[1]) {
	case 'w':
		set_range(a, 'a', 'z');
		set_range(a, 'A', 'Z');
		set_range(a, '0', '9');
		set_byte(a, '_');
		return p + 2;
	case 'd':
		set_range(a, '0', '9');
		return p + 2;
	case 's':
		set_range(a, '\t', '\r');
		set_byte(a, ' ');
		return p + 2;
	case 't':
		*single = '\t';
		break;
	case 'x':
		if (!isxdigit((unsigned char)p[2]) ||
		    !isxdigit((unsigned char)p[3]))
			return NULL;
		*single = (int)strtol((char[]){ p[2], p[3], 0 }, NULL, 16);
		set_byte(a, *single);
		return p + 4;
	default:
		if (!p[1] || isalnum((unsigned char)p[1]))
			return NULL;	/* \b, \n, \Q...: not read here */
		*single = (unsigned char)p[1];
		break;
	}
	set_byte(a, *single);
	return p + 2;
}

/* A class "[...]" (not negated) into `prefix`; its end, or NULL. */
static const char *prefix_class(struct sg_anchor *a, const char *p)
{
	p++;
	if (*p == '^')
		return NULL;
	do {
		int lo = (unsigned char)*p;

		if (!*p || *p == '[')
			return NULL;
		if (*p == '\\') {
			p = prefix_escape(a, p, &lo);
			if (!p)
				return NULL;
		} else {
			p++;
		}
		if (lo >= 0 && p[0] == '-' && p[1] && p[1] != ']' &&
		    p[1] != '\\' && p[1] != '[') {
			set_range(a, lo, (unsigned char)p[1]);
			p += 2;
		} else if (lo >= 0) {
			set_byte(a, lo);
		}
	} while (*p != ']');
	return p + 1;
}

/* A quantifier (with its lazy/possessive mark) at p, or none. */
static const char *skip_quantifier(const char *p)
{
	if (*p == '?' || *p == '*' || *p == '+') {
		p++;
	} else if (*p == '{') {
		p++;
		while (isdigit((unsigned char)*p) || *p == ',')
			p++;
		if (*p++ != '}')
			return NULL;
	} else {
		return p;
	}
	return *p == '?' || *p == '+' ? p + 1 : p;
}

static const char *prefix_atoms(struct sg_anchor *a, const char *p, int top);

/* A branch of an optional group of the prefix. */
static const char *prefix_branch(struct sg_anchor *a, const char *p)
{
	return prefix_atoms(a, p, 0);
}

/* An optional group "(?:x|y)?" of the prefix; its end, or NULL. */
static const char *prefix_group(struct sg_anchor *a, const char *p)
{
	return alternation(a, p + 3, prefix_branch);
}

/*
 * The prefix's atoms from p, their bytes into `prefix`: up to ')' or
 * '|' inside a group, up to the word group at the top (a group that is
 * not optional). NULL: something this does not read.
 */
static const char *prefix_atoms(struct sg_anchor *a, const char *p, int top)
{
	while (*p && *p != ')' && *p != '|') {
		const char *q;
		int single;

		if (*p == '[') {
			q = prefix_class(a, p);
		} else if (*p == '\\') {
			q = prefix_escape(a, p, &single);
		} else if (!strncmp(p, "(?:", 3)) {
			q = skip(p + 3, 0);
			if (!q || *q != ')')
				return NULL;
			if (top && !optional_next(q[1]))
				return p;	/* the words */
			q = prefix_group(a, p);
		} else if (isalnum((unsigned char)*p) || *p == '-' ||
			   *p == '_' || *p == ' ' || *p == '"' ||
			   *p == '\'' || *p == ':' || *p == '=') {
			set_byte(a, (unsigned char)*p);
			q = p + 1;
		} else {
			return NULL;
		}
		if (!q)
			return NULL;
		p = skip_quantifier(q);
		if (!p)
			return NULL;
	}
	return top ? NULL : p;
}

/*
 * Past the lookbehinds at p (zero-width: the match starts after them,
 * generic-keyword-value's "(?<=[A-Za-z0-9][ \t_.-])(?<!public...)");
 * SG_ERROR when one is more than skip() reads.
 */
static int skip_lookbehinds(const char **pp)
{
	const char *p = *pp;

	while (!strncmp(p, "(?<=", 4) || !strncmp(p, "(?<!", 4)) {
		p = skip(p + 4, 0);
		if (!p || *p != ')')
			return SG_ERROR;
		p++;
	}
	*pp = p;
	return 0;
}

/*
 * An optional group of start words before the required one at p
 * ("(?:(?:api|auth)[ \t_-]?)?(?:key|token)"): a match starts at one of
 * its words or, when it is skipped, at the required group's. Its words
 * go into `a`; past it, or p (none added) when it is not one.
 */
static const char *optional_words(struct sg_anchor *a, const char *p)
{
	size_t nr = a->nr;
	const char *q = alternation(a, p + 3, branch);

	if (q && *q == '?') {
		q++;
		return *q == '?' || *q == '+' ? q + 1 : q;
	}
	while (a->nr > nr)
		free(a->words[--a->nr]);
	return p;
}

/* Read the start words of `pat` into `a`; SG_ERROR: another shape. */
static int read_words(struct sg_anchor *a, const char *pat)
{
	const char *p = pat, *flags_end;

	if (p[0] == '(' && p[1] == '?' && is_letter(p[2])) {
		for (p += 2; is_letter(*p); p++) {
			if (!strchr("imsn", *p))
				return SG_ERROR;
			a->icase |= *p == 'i';
		}
		if (*p++ != ')')
			return SG_ERROR;
	}
	flags_end = p;
	if (skip_lookbehinds(&p) < 0 || (p != flags_end && *p == '^'))
		return SG_ERROR;	/* lookbehinds, then ^: not read */
	if (*p == '^') {
		if (!strchr(pat, 'm') || pat[0] != '(' || strchr(pat, 'm') > p)
			return SG_ERROR;	/* ^ without (?m): one start */
		a->line = 1;
		p = prefix_atoms(a, p + 1, 1);
		if (!p)
			return SG_ERROR;
	}
	/* a branch reset group numbers captures apart, starts alike */
	if (strncmp(p, "(?:", 3) && strncmp(p, "(?|", 3))
		return SG_ERROR;
	p = optional_words(a, p);
	if (strncmp(p, "(?:", 3) && strncmp(p, "(?|", 3))
		return SG_ERROR;
	p = alternation(a, p + 3, branch);
	if (!p || optional_next(*p))
		return SG_ERROR;
	/* no top-level alternative that starts some other way */
	p = skip(p, 1);
	return p && !*p ? 0 : SG_ERROR;
}

/* The `second` and `single` masks, from the words (see word_at). */
static void set_second(struct sg_anchor *a)
{
	for (size_t i = 0; i < a->nr; i++) {
		uint32_t bit = (uint32_t)1 << i;

		if (a->len[i] < 2) {
			a->single |= bit;
			for (int c = 0; c < 256; c++)
				a->second[c] |= bit;
			continue;
		}
		for (int c = 0; c < 0x80; c++)
			if ((a->icase ? lower(c) : c) == a->words[i][1])
				a->second[c] |= bit;
		for (int c = 0x80; c < 256; c++)
			a->second[c] |= bit;
	}
	for (int c = 0; c < 256; c++) {
		a->start[c] = c < 0x80 ? a->first[c] : (uint64_t)1 << 63;
		a->then[c] = a->second[c] | (uint64_t)1 << 63;
	}
}

int sg_anchor_new(struct sg_anchor **out, const char *pattern)
{
	struct sg_anchor *a = sg_calloc(1, sizeof(*a));
	struct sg_buf src = SG_BUF_INIT(SG_BUF_TEXT_MAX * 64);
	int ret = SG_ERROR;

	*out = NULL;
	if (read_words(a, pattern) == 0 &&
	    sg_buf_addf(&src, "\\G(?:%s)", pattern) == 0 &&
	    sg_regex_new(&a->re, src.buf, NULL, NULL) == 0)
		ret = 0;
	sg_buf_release(&src);
	if (ret < 0) {
		sg_anchor_free(a);
		return 0;	/* not an error: the rule runs as before */
	}
	for (size_t i = 0; i < a->nr; i++) {
		unsigned char c = (unsigned char)a->words[i][0];

		a->first[c] |= (uint32_t)1 << i;
		if (a->icase && c >= 'a' && c <= 'z')
			a->first[c - ('a' - 'A')] |= (uint32_t)1 << i;
	}
	for (int c = 0x80; c < 256; c++)
		a->first[c] = 1;
	set_second(a);
	*out = a;
	return 0;
}

void sg_anchor_free(struct sg_anchor *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nr; i++)
		free(a->words[i]);
	sg_regex_free(a->re);
	free(a);
}

/* Whether word `w` (or a case-folded form of it) may start at s. */
static inline int word_at(const struct sg_anchor *a, size_t w, const char *s,
			  size_t room)
{
	const char *word = a->words[w];

	for (size_t i = 1; i < a->len[w]; i++) {
		int c;

		if (i == room)
			return 0;
		c = (unsigned char)s[i];
		if (c >= 0x80)
			return 1;
		if ((a->icase ? lower(c) : c) != word[i])
			return 0;
	}
	return 1;
}

/* Whether a word may start at s[0] (a byte of `first`, room >= 1). */
static inline int word_here(const struct sg_anchor *a, const char *s,
			    size_t room)
{
	uint32_t m = a->first[(unsigned char)s[0]];

	if ((unsigned char)s[0] >= 0x80)
		return 1;
	/* a word's second byte as word_at() would compare it */
	m &= room < 2 ? a->single : a->second[(unsigned char)s[1]];
	for (size_t w = 0; m; w++, m >>= 1)
		if ((m & 1) && word_at(a, w, s, room))
			return 1;
	return 0;
}

/* Whether a word is reached from s[at] through prefix bytes. */
static int line_may_match(const struct sg_anchor *a, const char *s,
			  size_t end, size_t at)
{
	for (size_t q = at; q < end; q++) {
		unsigned char c = (unsigned char)s[q];

		if (a->first[c] && word_here(a, s + q, end - q))
			return 1;
		if (!a->prefix[c])
			return 0;
	}
	return 0;
}

/* The next line start in [from, end) that may match, or `end`. */
static size_t next_line(const struct sg_anchor *a, const char *s, size_t end,
			size_t from)
{
	for (size_t at = from; at < end; at++) {
		if (at > 0 && s[at - 1] != '\n' && s[at - 1] != '\r') {
			const char *nl = memchr(s + at, '\n', end - at);
			/* a lone CR ends a line too, before the next LF */
			const char *cr = memchr(s + at, '\r', nl ? (size_t)(nl -
						(s + at)) : end - at);

			if (cr)
				nl = cr;
			if (!nl)
				return end;
			at = (size_t)(nl - s) + 1;
			if (at >= end)
				return end;
		}
		if (line_may_match(a, s, end, at))
			return at;
	}
	return end;
}

size_t sg_anchor_next(const struct sg_anchor *a, const char *s, size_t end,
		      size_t from)
{
	const unsigned char *u = (const unsigned char *)s;

	if (a->line)
		return next_line(a, s, end, from);
	/* every start but the last byte has a byte after it */
	for (size_t at = from; at + 1 < end; at++)
		if ((a->start[u[at]] & a->then[u[at + 1]]) &&
		    word_here(a, s + at, end - at))
			return at;
	if (from < end && a->first[u[end - 1]] &&
	    word_here(a, s + end - 1, 1))
		return end - 1;
	return end;
}

const struct sg_regex *sg_anchor_regex(const struct sg_anchor *a)
{
	return a->re;
}
