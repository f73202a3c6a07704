/*
 * audit_read.h -- the auditor's side of the log: read, filter and verify
 * records. The library prints nothing: `stagegate audit list|show|export|
 * stats|verify` print in hooks/audit_cli.c from what these return.
 */
#ifndef SG_AUDIT_READ_H
#define SG_AUDIT_READ_H

#include <stddef.h>

struct sg_buf;
struct sg_json;

struct sg_audit_filter {
	const char *since, *until;	/* ISO dates or times, UTC */
	const char *user, *ref, *rule, *decision;	/* ref, rule: globs */
	const char *repo;		/* repository path: a glob */
	char since_buf[20], until_buf[20];	/* see _prepare */
	int break_glass;		/* only records that asked for it */
	/* told of each line that is no well-formed record (it is skipped,
	   the rest of the log is read); NULL: skipped silently */
	void (*skipped)(const char *path, size_t lineno);
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

/*
 * The same for one log and records of `type` ("decision", "landed"): all
 * of them when `f` holds no criterion. SG_ENOTFOUND: no such file.
 */
int sg_audit_each_of_type(const char *path, const char *type,
			  const struct sg_audit_filter *f,
			  sg_audit_record_fn fn, void *payload,
			  struct sg_buf *err);

/* One thing verify found: a broken record, or a line of its own. */
struct sg_audit_note {
	char *path;		/* broken at a line of this file; NULL: */
	size_t lineno;
	char *text;		/* ... this is the whole line ("OK: ...") */
};

struct sg_audit_verdict {
	struct sg_audit_note *v;
	size_t nr, alloc;
	int broken;
};

#define SG_AUDIT_VERDICT_INIT { NULL, 0, 0, 0 }

/*
 * Check the hash chain across `paths` (oldest first) and against the
 * last file's ".head", which must exist; with `against` (or NULL), also
 * against an outside copy of the chain: syslog lines as a collector
 * stored them, records of a backup, or "SEQ HASH" lines. Each record
 * the copy holds (of this log's repository) must be in the log with the
 * same hash. What it found is added to `out` (release it with
 * sg_audit_verdict_release, also after an error). 1 if broken, 0 if
 * intact, < 0 if the files cannot be read.
 */
int sg_audit_verify_files(struct sg_audit_verdict *out,
			  const char *const *paths, size_t n,
			  const char *against, struct sg_buf *err);
/*
 * sg_audit_verify_files() without an outside copy that also calls `fn`
 * on each decision record that passes `f`, from the same read: one pass
 * where a caller wants both (the report). Records are handed over while
 * the chain holds: after a break the rest is not read, so a caller that
 * needs every record reads a broken log again with sg_audit_each().
 */
int sg_audit_verify_each(struct sg_audit_verdict *out,
			 const char *const *paths, size_t n,
			 const struct sg_audit_filter *f,
			 sg_audit_record_fn fn, void *payload,
			 struct sg_buf *err);
/* The verdict as `audit verify` prints it: a line each, escaped. */
void sg_audit_verdict_text(struct sg_buf *out,
			   const struct sg_audit_verdict *v);
void sg_audit_verdict_release(struct sg_audit_verdict *v);

#endif
