/*
 * section.c -- the policy's schema helper: every section parser, in
 * policy.c or in a gate module, reads its YAML nodes through these, so
 * each error names FILE:LINE:COL the same way, and an unknown key, a
 * duplicate, a wrong type or an undeclared group is never ignored.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "policy.h"
#include "regex.h"
#include "section.h"
#include "yaml.h"
#include "banned.h"

int sg_section_fail(struct sg_section *c, const struct sg_ynode *n,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sg_yaml_vfail(c->err, c->file, n, fmt, ap);
	va_end(ap);
	return SG_ERROR;
}

int sg_section_want(struct sg_section *c, const struct sg_ynode *n,
		    enum sg_ynode_kind kind, const char *what)
{
	if (n->kind == kind)
		return 0;
	return sg_section_fail(c, n, "'%s' must be %s, not %s", what,
			       sg_yaml_kind_name(kind),
			       sg_yaml_kind_name(n->kind));
}

int sg_section_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* Every key of `map` must be in `known` (NULL-terminated), once. */
int sg_section_keys(struct sg_section *c, const struct sg_ynode *map,
		    const char *const *known, const char *what)
{
	if (sg_section_want(c, map, SG_Y_MAP, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < map->nr; i += 2) {
		const struct sg_ynode *k = map->kids[i];
		const char *const *p;
		struct sg_buf list = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		int ret;

		if (k->kind != SG_Y_SCALAR)
			return sg_section_fail(c, k, "keys in '%s' must be "
					       "strings", what);
		for (size_t j = 0; j < i; j += 2)
			if (!strcmp(map->kids[j]->value, k->value))
				return sg_section_fail(c, k, "duplicate key "
						       "'%s' in '%s'",
						       k->value, what);
		if (!known || sg_section_one_of(k->value, known))
			continue;
		for (p = known; *p; p++)
			sg_buf_addf(&list, "%s%s", p == known ? "" : ", ", *p);
		ret = sg_section_fail(c, k, "unknown key '%s' in '%s' (known "
				      "keys: %s)",
				      k->value, what, list.buf);
		sg_buf_release(&list);
		return ret;
	}
	return 0;
}

int sg_section_string(struct sg_section *c, const struct sg_ynode *n,
		      const char *what, char **out)
{
	if (sg_section_want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (!*n->value)
		return sg_section_fail(c, n, "'%s' must not be empty", what);
	free(*out);
	*out = sg_strdup(n->value);
	return 0;
}

int sg_section_bool(struct sg_section *c, const struct sg_ynode *n,
		    const char *what,
		    int *out)
{
	if (sg_section_want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (n->plain && !strcmp(n->value, "true"))
		*out = 1;
	else if (n->plain && !strcmp(n->value, "false"))
		*out = 0;
	else
		return sg_section_fail(c, n, "'%s' must be true or false, not "
				       "'%s'", what,
				       n->value);
	return 0;
}

int sg_section_int(struct sg_section *c, const struct sg_ynode *n,
		   const char *what,
		   long min, long max, long *out)
{
	char *end;
	long v;

	if (sg_section_want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	v = strtol(n->value, &end, 10);
	if (!n->plain || !*n->value || *end || v < min || v > max)
		return sg_section_fail(c, n, "'%s' must be a whole number from "
				       "%ld to %ld, not '%s'",
				       what, min, max, n->value);
	*out = v;
	return 0;
}

int sg_section_strlist(struct sg_section *c, const struct sg_ynode *n,
		       const char *what, struct sg_strlist *out)
{
	if (sg_section_want(c, n, SG_Y_SEQ, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i];

		if (item->kind != SG_Y_SCALAR || !*item->value)
			return sg_section_fail(c, item, "items of '%s' must be "
					       "non-empty strings", what);
		sg_strlist_add(out, item->value);
	}
	return 0;
}

int sg_section_ref_pattern(struct sg_section *c,
			   const struct sg_ynode *n,
			   const char *pattern)
{
	const char *p;

	if (strncmp(pattern, "refs/", 5))
		return sg_section_fail(c, n, "ref pattern '%s' must start with "
				       "'refs/'",
				       pattern);
	if (strstr(pattern, "..") || strstr(pattern, "//"))
		return sg_section_fail(c, n, "ref pattern '%s' is not a valid "
				       "ref name",
				       pattern);
	for (p = pattern; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '~' ||
		    *p == '^' || *p == ':' || *p == '\\')
			return sg_section_fail(c, n, "ref pattern '%s' "
					       "contains a character refs "
					       "cannot hold", pattern);
	return 0;
}

int sg_section_ref_patterns(struct sg_section *c,
			    const struct sg_ynode *n,
			    const char *what, struct sg_strlist *out)
{
	if (sg_section_strlist(c, n, what, out) < 0)
		return SG_ERROR;
	if (!out->nr)
		return sg_section_fail(c, n, "'%s' needs at least one ref "
				       "pattern", what);
	for (size_t i = 0; i < out->nr; i++)
		if (sg_section_ref_pattern(c, n->kids[i], out->v[i]) < 0)
			return SG_ERROR;
	return 0;
}

int sg_section_group_declared(const struct sg_policy *pol,
			      const char *group)
{
	if (!strcmp(group, SG_GROUP_ANYONE))
		return 1;
	for (size_t i = 0; i < pol->users_nr; i++)
		if (sg_strlist_has(&pol->users[i].groups, group))
			return 1;
	return 0;
}

int sg_section_groups(struct sg_section *c, const struct sg_ynode *n,
		      const char *what, struct sg_strlist *out)
{
	if (sg_section_strlist(c, n, what, out) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < out->nr; i++)
		if (!sg_section_group_declared(c->pol, out->v[i]))
			return sg_section_fail(c, n->kids[i], "unknown group "
					       "'%s' in '%s' (no user is in "
					       "it; '%s' means everyone)",
					       out->v[i], what,
					       SG_GROUP_ANYONE);
	return 0;
}

int sg_section_trailer_key(struct sg_section *c,
			   const struct sg_ynode *n,
			   const char *key)
{
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return sg_section_fail(c, n, "trailer key '%s' may "
					       "hold only letters, digits and "
					       "'-'", key);
	return 0;
}

int sg_section_trailer_rules(struct sg_section *c, const struct sg_ynode *n,
			     const char *what, struct sg_trailer_rules *out)
{
	static const char *const keys[] = { "key", "pattern", NULL };

	if (sg_section_want(c, n, SG_Y_SEQ, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i], *k, *p;
		struct sg_trailer_rule *r;
		size_t off = 0;
		struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		if (sg_section_keys(c, item, keys, what) < 0)
			return SG_ERROR;
		k = sg_yaml_get(item, "key");
		p = sg_yaml_get(item, "pattern");
		if (!k || !p)
			return sg_section_fail(c, item, "each of '%s' needs "
					       "'key' and 'pattern'", what);
		SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		r = &out->v[out->nr];
		memset(r, 0, sizeof(*r));
		out->nr++;
		if (sg_section_string(c, k, "key", &r->key) < 0 ||
		    sg_section_trailer_key(c, k, r->key) < 0)
			return SG_ERROR;
		if (sg_section_want(c, p, SG_Y_SCALAR, "pattern") < 0)
			return SG_ERROR;
		if (sg_regex_new(&r->re, p->value, &off, &why) < 0) {
			sg_section_fail(c, p, "%s", why.buf);
			sg_buf_release(&why);
			return SG_ERROR;
		}
	}
	return 0;
}
