/*
 * counts.c -- a string counter: FNV-1a hash, linear probing, at most
 * half full. Sorting packs the used slots to the front in place, so the
 * sorted table costs no second allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "error.h"
#include "banned.h"

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Slot of `key` in `v` (cap a power of two): its own, or the empty one. */
static size_t probe(const struct sg_count *v, size_t cap, const char *key)
{
	size_t i = hash_str(key) & (cap - 1);

	while (v[i].key && strcmp(v[i].key, key))
		i = (i + 1) & (cap - 1);
	return i;
}

static void grow(struct sg_counts *c)
{
	size_t cap = c->cap ? c->cap * 2 : 64;
	struct sg_count *v = sg_calloc(cap, sizeof(*v));

	for (size_t j = 0; j < c->cap; j++)
		if (c->v[j].key)
			v[probe(v, cap, c->v[j].key)] = c->v[j];
	free(c->v);
	c->v = v;
	c->cap = cap;
}

void sg_counts_add(struct sg_counts *c, const char *key)
{
	size_t i;

	if (c->sorted)
		SG_BUG("counts: add after sort");
	if ((c->nr + 1) * 2 > c->cap)
		grow(c);
	i = probe(c->v, c->cap, key);
	if (!c->v[i].key) {
		c->v[i].key = sg_strdup(key);
		c->nr++;
	}
	c->v[i].n++;
}

static int by_key(const void *a, const void *b)
{
	const struct sg_count *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int by_count(const void *a, const void *b)
{
	const struct sg_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

void sg_counts_sort(struct sg_counts *c, enum sg_counts_order order)
{
	size_t n = 0;

	if (c->sorted)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].key)
			c->v[n++] = c->v[i];
	if (n)
		qsort(c->v, n, sizeof(*c->v),
		      order == SG_COUNTS_BY_COUNT ? by_count : by_key);
	c->cap = n;	/* packed: no longer a hash table */
	c->sorted = 1;
}

void sg_counts_release(struct sg_counts *c)
{
	/* unsorted: empty slots are NULL; sorted: cap == nr, all keys */
	for (size_t i = 0; i < c->cap; i++)
		free(c->v[i].key);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
