/*
 * tags.c -- the test tags on the server before this push, peeled to
 * commits: what the tested and rollback gates take as evidence that a
 * commit passed test. Tags pushed in this same push never count (the
 * refs are read as they were before it).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tags.h"
#include "banned.h"

struct loader {
	struct sg_tags *out;
	const char *pattern;
};

const char *sg_tag_short(const char *ref)
{
	return !strncmp(ref, "refs/tags/", 10) ? ref + 10 : ref;
}

static int is_test_tag(const char *name, void *payload)
{
	return sg_ref_matches(((struct loader *)payload)->pattern, name);
}

static int add_tag(const char *name, const git_oid *commit, void *payload,
		   struct sg_buf *err)
{
	struct sg_tags *out = ((struct loader *)payload)->out;

	(void)err;
	SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	git_oid_cpy(&out->v[out->nr].commit, commit);
	out->v[out->nr++].tag = sg_strdup(sg_tag_short(name));
	return 0;
}

int sg_tags_load(struct sg_tags *out, const struct sg_context *ctx,
		 struct sg_buf *err)
{
	struct loader l = { out, ctx->pol->tag_pattern };

	return sg_push_each_ref(ctx->push->repo, is_test_tag, add_tag, &l,
				err);
}

const char *sg_tags_of(const struct sg_tags *tags, const git_oid *id)
{
	for (size_t i = 0; i < tags->nr; i++)
		if (git_oid_equal(&tags->v[i].commit, id))
			return tags->v[i].tag;
	return NULL;
}

/*
 * The tagged parent whose tree equals `c`'s, or -1: `c` is then a
 * promotion (a merge, or an empty commit on top of the tested one) that
 * carries the tested artifact unchanged. *tagged_parent gets any tagged
 * parent, to tell a tree mismatch from an untagged commit.
 */
int sg_tags_promotion_parent(git_commit *c, const struct sg_tags *tags,
			    int *tagged_parent)
{
	unsigned n = git_commit_parentcount(c);

	*tagged_parent = -1;
	for (unsigned i = 0; i < n; i++) {
		git_commit *p = NULL;
		int same;

		if (!sg_tags_of(tags, git_commit_parent_id(c, i)))
			continue;
		*tagged_parent = (int)i;
		if (git_commit_parent(&p, c, i) < 0)
			continue;
		same = git_oid_equal(git_commit_tree_id(p),
				     git_commit_tree_id(c));
		git_commit_free(p);
		if (same)
			return (int)i;
	}
	return -1;
}

/*
 * The test tag `id` carries: its own, or that of the tested parent it
 * promotes unchanged (a promotion merge or empty promotion commit).
 */
const char *sg_tags_carried(git_repository *repo,
			       const struct sg_tags *tags, const git_oid *id)
{
	const char *tag = sg_tags_of(tags, id);
	git_commit *c = NULL;
	int tp, p;

	if (tag || git_commit_lookup(&c, repo, id) < 0)
		return tag;
	p = sg_tags_promotion_parent(c, tags, &tp);
	if (p >= 0)
		tag = sg_tags_of(tags, git_commit_parent_id(c, (unsigned)p));
	git_commit_free(c);
	return tag;
}

void sg_tags_release(struct sg_tags *tags)
{
	for (size_t i = 0; i < tags->nr; i++)
		free(tags->v[i].tag);
	free(tags->v);
	memset(tags, 0, sizeof(*tags));
}
