/*
 * audit_report.h -- the auditor's report: one self-contained HTML page
 * (inline CSS, charts as inline SVG, no script, no network) computed
 * from one or many audit logs (stagegate audit report --html).
 */
#ifndef SG_AUDIT_REPORT_H
#define SG_AUDIT_REPORT_H

#include <stdio.h>

struct sg_buf;
struct sg_audit_filter;
struct sg_audit_report;

/* The delivery figures of the report (DORA), computed from the log. */
struct sg_delivery {
	size_t promotions;	/* accepted updates of a prod ref */
	size_t rollbacks;	/* accepted rollbacks of a prod ref */
	double days;		/* the window the records span, >= 1 */
	double per_week;	/* promotions per 7 days of the window */
	/* medians in seconds; < 0: nothing to measure */
	double lead_time, time_to_restore;
	size_t lead_time_nr, restored_nr, unrestored;
	double failure_rate;	/* rollbacks per promotion; < 0: none */
};

/*
 * Read the logs `paths` (records passing `f`, NULL: all) and verify each
 * repository's chain (its files in the order given, like `verify`).
 * *out is freed with sg_audit_report_free().
 */
int sg_audit_report_new(struct sg_audit_report **out,
			const char *const *paths, size_t n,
			const struct sg_audit_filter *f, struct sg_buf *err);
void sg_audit_report_free(struct sg_audit_report *r);

/* The figures; owned by `r`. */
const struct sg_delivery *sg_audit_report_delivery(
	const struct sg_audit_report *r);
/* 1 when every chain verified intact. */
int sg_audit_report_intact(const struct sg_audit_report *r);

/* Write the page; every string of a record is HTML-escaped. */
int sg_audit_report_html(FILE *out, const struct sg_audit_report *r);

/* _new and _html into `path` (written beside it, then renamed). */
int sg_audit_report_write(const char *path, const char *const *paths,
			  size_t n, const struct sg_audit_filter *f,
			  struct sg_buf *err);

#endif
