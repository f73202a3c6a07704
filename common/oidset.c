/*
 * oidset.c -- open-addressing set of git_oid, load factor at most 3/4
 * (a large push's sets hold every object it brings: memory counts).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "oidset.h"
#include "banned.h"

static size_t slot_of(const git_oid *id, size_t cap)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (cap - 1);
}

static size_t find(const struct sg_oidset *s, const git_oid *id)
{
	size_t i = slot_of(id, s->cap);

	while (s->used[i] && !git_oid_equal(&s->slots[i], id))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void rehash(struct sg_oidset *s)
{
	struct sg_oidset bigger = SG_OIDSET_INIT;

	bigger.cap = s->cap ? s->cap * 2 : 64;
	bigger.slots = sg_malloc(bigger.cap * sizeof(git_oid));
	bigger.used = sg_calloc(bigger.cap, 1);
	for (size_t i = 0; i < s->cap; i++)
		if (s->used[i])
			sg_oidset_insert(&bigger, &s->slots[i]);
	sg_oidset_release(s);
	*s = bigger;
}

int sg_oidset_insert(struct sg_oidset *s, const git_oid *id)
{
	size_t i;

	if ((s->nr + 1) * 4 > s->cap * 3)
		rehash(s);
	i = find(s, id);
	if (s->used[i])
		return 0;
	s->used[i] = 1;
	git_oid_cpy(&s->slots[i], id);
	s->nr++;
	return 1;
}

int sg_oidset_contains(const struct sg_oidset *s, const git_oid *id)
{
	return s->cap && s->used[find(s, id)];
}

void sg_oidset_release(struct sg_oidset *s)
{
	free(s->slots);
	free(s->used);
	s->slots = NULL;
	s->used = NULL;
	s->nr = s->cap = 0;
}
