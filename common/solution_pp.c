/*
 * solution_pp.c -- the Power Platform reader: Other/Solution.xml of an
 * unpacked solution, in the classic SolutionPackager layout
 * (<folder>/Other/Solution.xml) and in the src/ layout of `pac solution
 * unpack` next to a .cdsproj (<folder>/src/Other/Solution.xml).
 *
 * Only three children of <SolutionManifest> matter (UniqueName, Version,
 * Managed), so this is a scanner of tags, not an XML parser: comments and
 * processing instructions are skipped, nesting is counted, and it never
 * leaves [p, end).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "solution.h"
#include "banned.h"

#define SOLUTION_XML "Other/Solution.xml"

static int pp_wants(const char *path)
{
	size_t len = strlen(path), n = strlen(SOLUTION_XML);

	return len >= n && !strcmp(path + len - n, SOLUTION_XML) &&
	       (len == n || path[len - n - 1] == '/');
}

static const char *find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; p && (size_t)(end - p) >= n; p++)
		if (!memcmp(p, s, n))
			return p;
	return NULL;
}

/* Past the markup at p ('<'), or NULL when it does not end. */
static const char *skip_markup(const char *p, const char *end)
{
	const char *q;

	if ((size_t)(end - p) >= 4 && !memcmp(p, "<!--", 4))
		return (q = find(p + 4, end, "-->")) ? q + 3 : NULL;
	if ((size_t)(end - p) >= 2 && p[1] == '?')
		return (q = find(p + 2, end, "?>")) ? q + 2 : NULL;
	q = memchr(p, '>', (size_t)(end - p));
	return q ? q + 1 : NULL;
}

static int name_is(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - p) > n && !memcmp(p, name, n) &&
	       (p[n] == '>' || p[n] == '/' || p[n] == ' ' || p[n] == '\t' ||
		p[n] == '\r' || p[n] == '\n');
}

/* After the start tag of <SolutionManifest>, or NULL. */
static const char *manifest(const char *p, const char *end)
{
	while (p && (p = memchr(p, '<', (size_t)(end - p)))) {
		if (name_is(p + 1, end, "SolutionManifest")) {
			p = memchr(p, '>', (size_t)(end - p));
			return p && p[-1] != '/' ? p + 1 : NULL;
		}
		p = skip_markup(p, end);
	}
	return NULL;
}

/* The trimmed text of child `name` of the manifest at p, or -1. */
static int child(const char *p, const char *end, const char *name,
		 const char **val, size_t *len)
{
	int depth = 0;

	while (p && (p = memchr(p, '<', (size_t)(end - p)))) {
		const char *tag = p + 1, *gt;

		if (tag < end && (*tag == '!' || *tag == '?')) {
			p = skip_markup(p, end);
			continue;
		}
		gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return -1;
		if (tag < end && *tag == '/') {
			if (depth-- == 0)
				return -1;	/* </SolutionManifest> */
		} else if (gt[-1] != '/') {
			if (depth == 0 && name_is(tag, end, name)) {
				const char *s = gt + 1, *e;

				e = memchr(s, '<', (size_t)(end - s));
				if (!e)
					return -1;
				while (s < e && strchr(" \t\r\n", *s))
					s++;
				while (e > s && strchr(" \t\r\n", e[-1]))
					e--;
				*val = s;
				*len = (size_t)(e - s);
				return 0;
			}
			depth++;
		}
		p = gt + 1;
	}
	return -1;
}

static int tame_name(const char *s, size_t len)
{
	if (!len || len > 100)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_", s[i]) || !s[i])
			return 0;
	return 1;
}

static void pp_read(struct sg_solutions *out, const char *path,
		    const char *text, size_t len)
{
	const char *end = text + len, *m, *v;
	struct sg_solution *s;
	char name[101];
	size_t n;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3;
	m = manifest(text, end);
	if (!m || child(m, end, "UniqueName", &v, &n) < 0 || !tame_name(v, n)) {
		s = sg_solutions_add(out, &sg_solution_pp, path, "?");
		s->problem = sg_strdup(m ? "no readable <UniqueName> in "
				       "<SolutionManifest>" :
				       "no <SolutionManifest> (not UTF-8 XML?)");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)n, v);
	s = sg_solutions_add(out, &sg_solution_pp, path, name);
	if (child(m, end, "Version", &v, &n) < 0 ||
	    sg_version_parse(&s->version, v, n, 0) < 0) {
		s->problem = sg_strdup("no readable <Version> (four numbers, "
				       "e.g. 1.4.0.2)");
		return;
	}
	s->version_text = sg_strndup(v, n);
	s->managed = 0;
	if (child(m, end, "Managed", &v, &n) == 0 && n == 1 &&
	    strchr("012", *v))
		s->managed = *v - '0';
}

const struct sg_solution_reader sg_solution_pp = {
	"Power Platform", pp_wants, pp_read,
	"raise the version in the solution (pac solution version "
	"--patchversion N, or the Version of Other/Solution.xml), export "
	"it again and promote it through test",
};
