/*
 * tips.h -- which commits a ref has really pointed at, as stagegate
 * recorded them: a rollback may go back only to one of those.
 */
#ifndef SG_TIPS_H
#define SG_TIPS_H

#include <git2.h>

struct sg_buf;

/*
 * Whether the audit log at `log` (with its rotated files beside it)
 * shows `ref` at `id` in an accepted decision, as its old or its new
 * value. 1 yes, 0 no, < 0 on a read error. No log: 0.
 *
 * `repo` is the canonical path of the repository (the records'
 * "repository", as the hooks write it) when the log may be shared by
 * several repositories: only records of that repository count. NULL
 * for the repository's own log, where every record counts (records
 * written before they named their repository too).
 */
int sg_tips_was_tip(const char *log, const char *repo, const char *ref,
		    const git_oid *id, struct sg_buf *err);

#endif
