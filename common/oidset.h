/*
 * oidset.h -- a set of git object ids (open addressing; ids are
 * already uniformly distributed, so their first bytes are the hash).
 */
#ifndef SG_OIDSET_H
#define SG_OIDSET_H

#include <git2.h>
#include <stddef.h>

struct sg_oidset {
	git_oid *slots;
	unsigned char *used;
	size_t nr, cap;
};

#define SG_OIDSET_INIT { NULL, NULL, 0, 0 }

/* Add `id`; return 1 if it was new, 0 if already present. */
int sg_oidset_insert(struct sg_oidset *s, const git_oid *id);
int sg_oidset_contains(const struct sg_oidset *s, const git_oid *id);
void sg_oidset_release(struct sg_oidset *s);

#endif
