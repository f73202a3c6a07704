/*
 * local.h -- the server's verdict, computed in a maker's clone before
 * anything is pushed: `stagegate pre-push` (the secret gate on what the
 * push would send) and `stagegate explain` (the ref gates: push rights,
 * approvals, test tag, trailers). Findings are the gates' own, printed
 * by the caller with sg_msg_report(), so they read as the server's.
 */
#ifndef SG_LOCAL_H
#define SG_LOCAL_H

#include <stdio.h>

#include "check.h"

struct sg_local {
	struct sg_policy *pol;		/* NULL: no policy given */
	struct sg_push push;		/* one update per ref pushed */
	struct sg_context ctx;
	struct sg_report report;
};

#define SG_LOCAL_INIT { NULL, SG_PUSH_INIT, { 0 }, SG_REPORT_INIT }

/*
 * What git's pre-push hook reads on `in` ("LOCALREF OID REMOTEREF OID"
 * lines; remote `remote`): scan exactly the commits each update would
 * send (those not on the remote's tracking refs nor under its old tip)
 * with the secret engine, the rules `rules_path` and the allow list of
 * `policy_path` (may be NULL). Findings land in l->report per ref.
 */
int sg_local_prepush(struct sg_local *l, const char *repo_path,
		     const char *remote, const char *rules_path,
		     const char *policy_path, FILE *in, struct sg_buf *err);

/*
 * The same for one update given directly (the pre-commit framework's
 * PRE_COMMIT_FROM_REF/TO_REF): `from` may be NULL or empty.
 */
int sg_local_prepush_one(struct sg_local *l, const char *repo_path,
			 const char *remote, const char *rules_path,
			 const char *policy_path, const char *ref,
			 const char *from, const char *to, struct sg_buf *err);

/*
 * What the server would say of pushing `rev` to `ref` now, under the
 * policy `policy_path`, as `user` (NULL: the policy user whose email is
 * git's user.email): the ref gates, against the remote's tracking ref
 * as the old tip. sg_report_verdict_of(&l->report, 0)
 * says the verdict.
 */
int sg_local_explain(struct sg_local *l, const char *repo_path,
		     const char *policy_path, const char *remote,
		     const char *user, const char *ref, const char *rev,
		     struct sg_buf *err);

/*
 * Install the pre-push hook in the clone at `repo_path`: a script that
 * runs `exe` pre-push with `rules` and `policy` (absolute; may be NULL),
 * which are also recorded as stagegate.rules and stagegate.policy in the
 * clone's config (for explain). An existing hook that is not ours stays
 * unless `force`. The hook's path goes to `path_out`.
 */
int sg_local_install(const char *repo_path, const char *exe,
		     const char *rules, const char *policy, int force,
		     struct sg_buf *path_out, struct sg_buf *err);

/* The clone's config value `key` (stagegate.policy) into `out`; 0 if set. */
int sg_local_config(const char *repo_path, const char *key,
		    struct sg_buf *out);

void sg_local_release(struct sg_local *l);

#endif
