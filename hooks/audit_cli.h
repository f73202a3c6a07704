/*
 * audit_cli.h -- the text of `stagegate audit list|export|stats|show|
 * verify`, printed from what the library (audit_read.h) returns.
 */
#ifndef SG_AUDIT_CLI_H
#define SG_AUDIT_CLI_H

#include <stdio.h>

struct sg_audit_filter;
struct sg_buf;

enum sg_audit_format { SG_AUDIT_TABLE, SG_AUDIT_JSON, SG_AUDIT_CSV };

/*
 * Each reads the logs `paths` (many repositories, rotated files), prints
 * to `out` and returns 0, or < 0 with the reason in err (a missing
 * file...). With more than one log, list and stats name each record's
 * repository.
 */
int sg_audit_cli_list(const char *const *paths, size_t n,
		      const struct sg_audit_filter *f, FILE *out,
		      struct sg_buf *err);
int sg_audit_cli_export(const char *const *paths, size_t n,
			const struct sg_audit_filter *f,
			enum sg_audit_format fmt, FILE *out,
			struct sg_buf *err);
int sg_audit_cli_stats(const char *const *paths, size_t n,
		       const struct sg_audit_filter *f, FILE *out,
		       struct sg_buf *err);
/* The record `id`, or every record of push `id`; SG_ENOTFOUND if none. */
int sg_audit_cli_show(const char *path, const char *id, FILE *out,
		      struct sg_buf *err);
/* sg_audit_verify_files(), its verdict printed: 1 broken, 0 intact. */
int sg_audit_cli_verify(const char *const *paths, size_t n,
			const char *against, FILE *out, struct sg_buf *err);
/* A filter's `skipped`: "stagegate: LOG:LINE: not a well-formed ..." */
void sg_audit_cli_skipped(const char *path, size_t lineno);

#endif
