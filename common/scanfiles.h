/*
 * scanfiles.h -- stagegate scan: the secret gate's engine on files and
 * directories outside any push, with text, JSON and SARIF 2.1.0 output.
 */
#ifndef SG_SCANFILES_H
#define SG_SCANFILES_H

#include <stdio.h>

struct sg_buf;
struct sg_policy;
struct sg_report;
struct sg_rules;

enum sg_scan_format { SG_SCAN_TEXT, SG_SCAN_JSON, SG_SCAN_SARIF };

/* Scan each path (files, or directories recursively, .git skipped). */
int sg_scan_paths(const struct sg_rules *rules, const struct sg_policy *pol,
		  char *const *paths, size_t n, struct sg_report *r,
		  struct sg_buf *err);
/*
 * Scan the history of `range` in the repository at `repo_path`: "A..B"
 * (the commits of B not in A) or one revision (its whole history): every
 * blob once, and commit messages.
 */
int sg_scan_range(const struct sg_rules *rules, const struct sg_policy *pol,
		  const char *repo_path, const char *range, struct sg_report *r,
		  struct sg_buf *err);
void sg_scan_print(FILE *out, const struct sg_report *r,
		   enum sg_scan_format fmt, const struct sg_rules *rules);

#endif
