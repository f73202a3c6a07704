/*
 * platform.h -- what the hosting platform tells a hook, read in one
 * place: where the push's objects wait (the quarantine), and where the
 * admin put the policy.
 */
#ifndef SG_PLATFORM_H
#define SG_PLATFORM_H

struct sg_buf;

/* The admin's policy file for every platform (an absolute path). */
#define SG_POLICY_ENV "STAGEGATE_POLICY"
/* A policy beside the hook executable (GHES environments, shared bins). */
#define SG_POLICY_BESIDE_EXE "stagegate-policy.yaml"

/*
 * The push's own object directory into `out` ("" when the push brought
 * none): GIT_QUARANTINE_PATH (git receive-pack), else GIT_OBJECT_DIRECTORY
 * when it is not the repository's own (Gitaly passes only that and
 * GIT_ALTERNATE_OBJECT_DIRECTORIES to custom hooks). Every directory of
 * GIT_ALTERNATE_OBJECT_DIRECTORIES must then be the repository's objects
 * or one of its alternates: what the push brings is exactly what is in
 * `out`, and everything else is the server's. Anything else is an error.
 */
int sg_platform_quarantine(struct sg_buf *out, const char *gitdir,
			   struct sg_buf *err);

/*
 * The policy file into `out`: $STAGEGATE_POLICY (set by the admin; must
 * be absolute), else stagegate-policy.yaml beside the executable if it
 * exists, else GITDIR/stagegate/policy.yaml. An admin's file (the first
 * two) must be a regular file writable by nobody but its owner, so that
 * a pusher who can write elsewhere cannot swap in a policy.
 */
int sg_platform_policy_path(struct sg_buf *out, const char *gitdir,
			    struct sg_buf *err);

#endif
