/*
 * audit.h -- the tamper-evident audit log: one JSON Lines record per
 * ref decision, each carrying the SHA-256 of the record before it; the
 * first record of a log is a seed with 32 random bytes.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

#include <stddef.h>
#include <stdio.h>

struct sg_buf;
struct sg_push;
struct sg_report;
struct sg_policy;

#define SG_AUDIT_DEFAULT_PATH "stagegate/audit.log"
#define SG_PUSH_ID_LEN 12

/* What the hook decided, for the record. */
struct sg_audit_entry {
	const char *repo;		/* absolute path of the repository */
	const char *hook;		/* "pre-receive" or "update" */
	const char *policy_digest;	/* NULL when the policy did not load */
	const struct sg_push *push;	/* its updates; may hold none */
	const struct sg_report *report;	/* NULL after an internal error */
	const char *pusher, *pusher_source;	/* may be NULL */
	const char *error;		/* the internal error, or NULL */
	long duration_ms;
};

struct sg_audit_options {
	const char *path;		/* the log file */
	size_t rotate_bytes;		/* 0: never rotate */
	const char *syslog_socket;	/* NULL: no forwarding */
};

/* A fresh random push id (hex) into `id`; record ids are "<id>.<n>". */
void sg_audit_new_push_id(char id[SG_PUSH_ID_LEN + 1]);

/*
 * Append one record per update (one record with no ref when the push
 * could not be read) under an exclusive lock, each in a single write,
 * then fsync. Any failure is an error: the caller refuses the push.
 */
int sg_audit_append(const struct sg_audit_options *opt,
		    const struct sg_audit_entry *e, const char *push_id,
		    struct sg_buf *err);


#endif
