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
 * shows `ref` at `id`: as the old value of any recorded update (git
 * gives the hook the ref's real value), or as the new value of an
 * accepted one. 1 yes, 0 no, < 0 on a read error. No log: 0.
 */
int sg_tips_was_tip(const char *log, const char *ref, const git_oid *id,
		    struct sg_buf *err);

#endif
