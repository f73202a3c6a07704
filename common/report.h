/*
 * report.h -- the findings of one push: every violation, warning and
 * note, each with a stable rule id, the ref, the commit and the fix.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <git2.h>
#include <stddef.h>

enum sg_severity {
	SG_SEV_ERROR,		/* refuses the push */
	SG_SEV_WARNING,		/* shown and logged, does not refuse */
	SG_SEV_NOTE,		/* an accepted exception, e.g. a rollback */
};

struct sg_finding {
	enum sg_severity severity;
	char *rule;		/* "protect.force-push" */
	char *ref;
	char commit[GIT_OID_HEXSZ + 1];	/* "" when no commit applies */
	char *path;		/* NULL when no file applies */
	int line, col;		/* 0 when unknown */
	char *message;		/* what was found and what is needed */
	char *fix;		/* what to do next; NULL for notes */
	/* secrets only: never the value itself */
	char *redacted;		/* "AKIA...(20 chars)" */
	char fingerprint[65];	/* sha256 of rule id and value, hex */
};

struct sg_report {
	struct sg_finding *v;
	size_t nr, alloc;
	size_t errors, warnings;
};

#define SG_REPORT_INIT { NULL, 0, 0, 0, 0 }

/* Add a finding; `commit`, `path` and `fix` may be NULL. */
struct sg_finding *sg_report_add(struct sg_report *r, enum sg_severity sev,
				 const char *rule, const char *ref,
				 const git_oid *commit, const char *fix,
				 const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void sg_finding_set_path(struct sg_finding *f, const char *path, int line,
			 int col);
/* Errors recorded against `ref`. */
size_t sg_report_errors_for(const struct sg_report *r, const char *ref);
/*
 * One finding per distinct secret per ref: findings of the same rule
 * and fingerprint on the same ref (a value that stays in a file many
 * commits edit) become the first of them (where it first appeared),
 * whose message then says how many other places carry it.
 */
void sg_report_merge_secrets(struct sg_report *r);
/* Move every finding of `src` to the end of `dst`; `src` ends empty. */
void sg_report_take(struct sg_report *dst, struct sg_report *src);
void sg_report_release(struct sg_report *r);

#endif
