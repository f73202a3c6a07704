/*
 * gate_harness.h -- run the gates on one ref update against a temporary
 * repository built in-process with libgit2, so that a gate case is one
 * row of a table: {policy, objects, server refs, update, pusher, push
 * options, expected rule ids}.
 *
 * The objects are made in a work repository; those not marked `pushed`
 * are copied to the "server" (a bare repository, whose refs are set as
 * `refs` says), the pushed ones to a separate object directory that the
 * engine sees as the push's quarantine, as git's receive-pack does.
 */
#ifndef SG_GATE_HARNESS_H
#define SG_GATE_HARNESS_H

#include <time.h>

/*
 * A commit, or with `tag` set an annotated tag of commit `parents`.
 * `parents`: names of earlier objects, space-separated ("" for a root).
 * `files`: NULL-terminated path, content pairs changed over the first
 * parent's tree (content NULL removes the path); NULL: the same tree.
 * `author`: an e-mail address; NULL: maker@example.com.
 */
struct hobj {
	const char *name, *parents;
	const char *const *files;
	const char *msg;
	int pushed;			/* brought by the push, not on the server */
	const char *author;
	int tag;
};

struct gate_case {
	const char *what;		/* names the case in failure messages */
	const char *policy;		/* policy YAML */
	const struct hobj *objs;	/* ends with { NULL } */
	const char *refs;		/* server refs: "REF=NAME REF=NAME" */
	const char *update;		/* "REF OLD NEW", names or 0 */
	const char *pusher;		/* login; NULL: maker */
	const char *options;		/* push options "k=v|k=v"; may be NULL */
	const char *held;		/* the audit log says REF held: "REF=NAME" */
	time_t now;			/* the push's clock; 0: a fixed Wednesday */
	const char *want;		/* rule ids of all findings, in order */
};

/*
 * Build the repositories under `dir` (removed first), run sg_check_push
 * and put the rule ids of the findings, space-separated, into `out`
 * (size `n`), or "error: REASON" when the engine failed.
 */
void gate_harness_run(const struct gate_case *c, const char *dir, char *out,
		      size_t n);

#endif
