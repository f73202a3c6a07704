/*
 * tags.h -- the test tags that were on the server before this push,
 * shared by the tested and rollback gates.
 */
#ifndef SG_TAGS_H
#define SG_TAGS_H

#include <git2.h>

#include "gate.h"

struct sg_tagged {
	git_oid commit;
	char *tag;		/* short name: "tested/1.4.0.2" */
};

struct sg_tags {
	struct sg_tagged *v;
	size_t nr, alloc;
};

#define SG_TAGS_INIT { NULL, 0, 0 }

/* Every ref matching the policy's tag pattern, peeled, into `out`. */
int sg_tags_load(struct sg_tags *out, const struct sg_context *ctx,
		 struct sg_buf *err);
/* The tag on commit `id`, or NULL; owned by `tags`. */
const char *sg_tags_of(const struct sg_tags *tags, const git_oid *id);
/*
 * The tagged parent whose tree equals `c`'s, or -1: `c` is then a
 * promotion (a merge, or an empty commit on top of the tested one) that
 * carries the tested artifact unchanged. *tagged_parent gets any tagged
 * parent (or -1), to tell a tree mismatch from an untagged commit.
 */
int sg_tags_promotion_parent(git_commit *c, const struct sg_tags *tags,
			     int *tagged_parent);
/* The tag `id` carries: its own, or that of the parent it promotes. */
const char *sg_tags_carried(git_repository *repo, const struct sg_tags *tags,
			    const git_oid *id);
/* "tested/1.4" of "refs/tags/tested/1.4"; other refs as they are. */
const char *sg_tag_short(const char *ref);
void sg_tags_release(struct sg_tags *tags);

#endif
