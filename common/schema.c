/*
 * schema.c -- the data model shared by the schema readers, and the
 * choice of reader by path. Items are compared by kind, table, name and
 * value, table and names case-insensitively (Dataverse logical names
 * are lower case, the files spell them as they like).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "schema.h"
#include "banned.h"

static const struct sg_schema_reader *const readers[] = {
	&sg_schema_pp, &sg_schema_sfdx,
};

const struct sg_schema_reader *sg_schema_reader_for(const char *path)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(readers); i++)
		if (readers[i]->wants(path))
			return readers[i];
	return NULL;
}

static char *dup_n(const char *s, size_t len)
{
	char *out;

	if (!s)
		return NULL;
	out = sg_malloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

struct sg_schema_item *sg_schema_add(struct sg_schema *s,
				     enum sg_schema_kind kind,
				     const char *table, size_t table_len,
				     const char *name, size_t name_len)
{
	struct sg_schema_item *it;

	SG_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	it = &s->v[s->nr++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->table = dup_n(table, table_len);
	it->name = dup_n(name, name_len);
	it->length = -1;
	return it;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	return strcasecmp(a, b);
}

int sg_schema_cmp(const struct sg_schema_item *a,
		  const struct sg_schema_item *b)
{
	int c;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	c = cmp_str(a->table, b->table);
	if (!c)
		c = cmp_str(a->name, b->name);
	if (!c)
		c = cmp_str(a->value, b->value);
	return c;
}

static int cmp_item(const void *a, const void *b)
{
	return sg_schema_cmp(a, b);
}

void sg_schema_sort(struct sg_schema *s)
{
	if (s->nr)
		qsort(s->v, s->nr, sizeof(*s->v), cmp_item);
}

const struct sg_schema_item *sg_schema_find(const struct sg_schema *s,
					    const struct sg_schema_item *like)
{
	if (!s->nr)
		return NULL;
	return bsearch(like, s->v, s->nr, sizeof(*s->v), cmp_item);
}

void sg_schema_release(struct sg_schema *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->v[i].table);
		free(s->v[i].name);
		free(s->v[i].value);
		free(s->v[i].type);
		free(s->v[i].choice_set);
	}
	free(s->v);
	s->v = NULL;
	s->nr = s->alloc = 0;
}
