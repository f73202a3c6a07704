/*
 * strlist.c -- a list of owned strings (groups, emails, push options,
 * approvers): the policy, the push and the report all hold them.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "strlist.h"
#include "banned.h"

int sg_strlist_has(const struct sg_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void sg_strlist_add(struct sg_strlist *l, const char *s)
{
	SG_ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = sg_strdup(s);
}

void sg_strlist_release(struct sg_strlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

void sg_strlist_join(struct sg_buf *out, const struct sg_strlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		sg_buf_addf(out, "%s%s", i ? ", " : "", l->v[i]);
}
