/*
 * push.h -- what a push asks for: the ref updates read from the hook's
 * input, the repository with the push's quarantined objects visible,
 * and what each update brings (its commits, the new blobs).
 */
#ifndef SG_PUSH_H
#define SG_PUSH_H

#include <git2.h>
#include <stdio.h>

#include "policy.h"

struct sg_buf;
struct sg_oidset;

enum sg_update_kind { SG_UPDATE_CREATE, SG_UPDATE_DELETE, SG_UPDATE_MODIFY };

struct sg_update {
	char *ref;
	git_oid old_id, new_id;		/* as pushed; zero for create/delete */
	enum sg_update_kind kind;
	/* peeled to commits; `has_*` is 0 when the object is no commit */
	git_oid old_commit, new_commit;
	int has_old_commit, has_new_commit;
	git_object_t new_type;		/* type of new_id before peeling */
	/* a symbolic ref on the server: git moves its target, not it */
	char *symref_target;
	/* an object of the update is neither pushed nor on the server */
	int incomplete;
	git_oid missing;
	/*
	 * The old value is the pusher's claim, and git checks it only after
	 * pre-receive: 1 when the ref does not hold it (sg_push_check_old).
	 */
	int stale;
	int fast_forward;		/* old is an ancestor of new */
	int backwards;			/* new is an ancestor of old */
	const struct sg_env *env;	/* NULL: no environment */
	/*
	 * The commit the release is compared with (solution versions,
	 * schema): the old tip, or, when the push creates the ref, the tip
	 * the first other ref of its environment (by name) has on the
	 * server, so a second prod branch cannot start from an older release
	 * than prod holds. base_ref names the ref; NULL: no base (the
	 * environment's first release). Listed once, by sg_push_resolve.
	 */
	git_oid base;
	char *base_ref;
	/* the commits this update brings (see sg_push_resolve), newest first */
	git_oid *commits;
	size_t commits_nr, commits_alloc;
	/*
	 * The secret and personal-data gates cover this ref. NEEDSWORK: the
	 * last outcome still in the push (the history walker reads it);
	 * what gates decide lives in the report (struct sg_ref_verdict).
	 */
	int in_scope;
};

struct sg_push {
	char *gitdir, *quarantine;	/* as opened; quarantine may be NULL */
	git_repository *repo;		/* sees the quarantined objects too */
	git_odb *server_odb;		/* only what the server had before */
	git_odb *quarantine_odb;	/* only what this push brings */
	struct sg_update *updates;
	size_t nr, alloc;
	struct sg_strlist options;	/* push options (git push -o) */
	/* the last complete walk of new blobs, replayed for the next gate
	   that asks for the same scope (push.c's cache, NULL: none) */
	struct sg_walk_memo *memo;
};

#define SG_PUSH_INIT { NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, { NULL, 0, 0 } }

/* Parse "OLD NEW REF" lines from `in` (pre-receive's standard input). */
int sg_push_read(struct sg_push *push, FILE *in, struct sg_buf *err);
/* Add one update from text (the update hook's arguments). */
int sg_push_add(struct sg_push *push, const char *ref, const char *old_hex,
		const char *new_hex, struct sg_buf *err);
/* Read GIT_PUSH_OPTION_COUNT / GIT_PUSH_OPTION_<n> from the environment. */
int sg_push_read_options(struct sg_push *push, struct sg_buf *err);
/* Value of push option `key=value`, or NULL (last one wins). */
const char *sg_push_option(const struct sg_push *push, const char *key);

/*
 * Open the bare repository `gitdir` with the objects of `quarantine`
 * visible (the push's own object directory: GIT_QUARANTINE_PATH, or
 * GIT_OBJECT_DIRECTORY under Gitaly; NULL when the push brought no
 * objects). Refuses SHA-256 repositories, which libgit2 1.5 cannot read.
 */
int sg_push_open(struct sg_push *push, const char *gitdir,
		 const char *quarantine, struct sg_buf *err);

/* Another handle on the same objects, for a worker thread (libgit2 wants
 * one repository object per thread). */
int sg_push_open_repo(const struct sg_push *push, git_repository **out,
		      struct sg_buf *err);

/*
 * Mark each update whose old value is not what its ref holds on the
 * server (a created ref that exists, a moved ref at another commit):
 * git would refuse it after pre-receive, but the audit log would keep a
 * forged "old" as a tip the ref held. Server hooks only.
 */
int sg_push_check_old(struct sg_push *push, struct sg_buf *err);

/*
 * For each update: peel, probe that its objects are readable, decide
 * fast-forward, find its environment and the commits it brings: all of
 * old..new for an update; for a created ref of a protected environment,
 * every commit not on another protected ref; else every commit new to
 * the server.
 */
int sg_push_resolve(struct sg_push *push, const struct sg_policy *pol,
		    struct sg_buf *err);

/*
 * Called once per new blob with the first path and commit that bring
 * it; `old_blob` is the blob at that path in the first parent, or NULL.
 */
typedef int (*sg_blob_fn)(const git_oid *blob, const char *path,
			  git_filemode_t mode, const git_oid *commit,
			  const git_oid *old_blob, void *payload,
			  struct sg_buf *err);
/* Called once per commit new to the server, oldest first. */
typedef int (*sg_commit_fn)(git_commit *commit, void *payload,
			    struct sg_buf *err);
/*
 * Walk every commit new to the server (oldest first) that the updates
 * with `in_scope` set bring, and for each blob it adds or changes that
 * the server did not have, call `fn` once. `on_commit` may be NULL.
 * Every tree and blob listed goes into `seen` (caller-owned), so the
 * caller can tell what the walk did not reach. A path longer than
 * SG_MAX_PATH_BYTES starts with SG_PATH_TOO_LONG. A second call with the
 * same scope, an empty `seen` and no `on_commit` replays the first one's
 * blobs (and fills `seen` alike) without walking the trees again.
 */
int sg_push_new_blobs(struct sg_push *push, struct sg_oidset *seen,
		      sg_commit_fn on_commit, sg_blob_fn fn, void *payload,
		      struct sg_buf *err);
/* The same for every blob under tree `tree_id`, paths after `prefix`. */
int sg_push_walk_tree(struct sg_push *push, struct sg_oidset *seen,
		      const git_oid *tree_id, const char *prefix,
		      const git_oid *commit, sg_blob_fn fn, void *payload,
		      struct sg_buf *err);
/*
 * The same walk over the commits of tip, minus those of `hide` (may be
 * NULL), for stagegate scan --range; push->server_odb may be NULL.
 */
int sg_push_walk_range(struct sg_push *push, const git_oid *tip,
		       const git_oid *hide, sg_commit_fn on_commit,
		       sg_blob_fn fn, void *payload, struct sg_buf *err);
/*
 * Every blob the commits of `tip` bring (each against its first parent),
 * minus the commits of the server's refs that `hide` accepts, whether the
 * server has the blob or not: what a promotion brings into the refs
 * `hide` accepts (the secret gate's secrets.warn_only).
 */
typedef int (*sg_ref_want_fn)(const char *name, void *payload);
int sg_push_walk_promoted(struct sg_push *push, const git_oid *tip,
			  sg_ref_want_fn hide, void *hide_payload,
			  sg_blob_fn fn, void *payload, struct sg_buf *err);
/*
 * For every ref of `repo` that `want` accepts (NULL: all) and that peels
 * to a commit, call fn(name, commit). Refs are as before the push.
 */
typedef int (*sg_ref_fn)(const char *name, const git_oid *commit,
			 void *payload, struct sg_buf *err);
int sg_push_each_ref(git_repository *repo, sg_ref_want_fn want, sg_ref_fn fn,
		     void *payload, struct sg_buf *err);
/* Whether the server had `id` before this push. */
int sg_push_on_server(const struct sg_push *push, const git_oid *id);
/*
 * Call fn(id, payload) for every object of the quarantine, loose and
 * packed, whatever refers to it: what a push brings is exactly that set.
 * fn returns 0 to go on. No quarantine: nothing.
 */
int sg_push_each_new_object(const struct sg_push *push, git_odb_foreach_cb fn,
			    void *payload, struct sg_buf *err);

void sg_push_release(struct sg_push *push);

#endif
