/*
 * audit_read.h -- the auditor's side of the log: read, filter, verify,
 * list, show, export and count records (stagegate audit ...).
 */
#ifndef SG_AUDIT_READ_H
#define SG_AUDIT_READ_H

#include <stdio.h>

struct sg_buf;
struct sg_json;

struct sg_audit_filter {
	const char *since, *until;	/* ISO dates or times, UTC */
	const char *user, *ref, *rule, *decision;	/* ref, rule: globs */
	char since_buf[20], until_buf[20];	/* see _prepare */
	int break_glass;		/* only records that asked for it */
};

/*
 * Validate the filter as a user typed it (a date that does not exist,
 * "yesterday": SG_ERROR and why) and bring --since/--until to the log's
 * form; accepts the TIME that `list` prints ("2026-11-01 08:00:00").
 */
int sg_audit_filter_prepare(struct sg_audit_filter *f, struct sg_buf *err);

/* Called on each record; `rec` and `line` are valid during the call. */
typedef int (*sg_audit_record_fn)(const struct sg_json *rec,
				  const char *line, size_t len,
				  void *payload);

/*
 * Call `fn` on every decision record of the logs `paths` (in that order)
 * that passes `f` (NULL: all); stops at the first non-zero return.
 */
int sg_audit_each(const char *const *paths, size_t n,
		  const struct sg_audit_filter *f, sg_audit_record_fn fn,
		  void *payload, struct sg_buf *err);

enum sg_audit_format { SG_AUDIT_TABLE, SG_AUDIT_JSON, SG_AUDIT_CSV };

/*
 * Each reads the logs `paths` (many repositories, rotated files) and
 * returns 0, or < 0 with the reason in err (a missing file...). With
 * more than one log, list and stats name each record's repository.
 */
int sg_audit_list(const char *const *paths, size_t n,
		  const struct sg_audit_filter *f, FILE *out,
		  struct sg_buf *err);
int sg_audit_export(const char *const *paths, size_t n,
		    const struct sg_audit_filter *f, enum sg_audit_format fmt,
		    FILE *out, struct sg_buf *err);
int sg_audit_stats(const char *const *paths, size_t n,
		   const struct sg_audit_filter *f, FILE *out,
		   struct sg_buf *err);
/* The record `id`, or every record of push `id`; SG_ENOTFOUND if none. */
int sg_audit_show(const char *path, const char *id, FILE *out,
		  struct sg_buf *err);
/*
 * Check the hash chain across `paths` (oldest first) and against the
 * last file's ".head", which must exist; with `against` (or NULL), also
 * against an outside copy of the chain: syslog lines as a collector
 * stored them, records of a backup, or "SEQ HASH" lines. Each record
 * the copy holds (of this log's repository) must be in the log with the
 * same hash. 1 if broken (what broke is printed), 0 if intact, < 0 if
 * the files cannot be read.
 */
int sg_audit_verify_files(const char *const *paths, size_t n,
			  const char *against, FILE *out, struct sg_buf *err);

#endif
