/*
 * report.h -- the findings of one push: every violation, warning and
 * note, each with a stable rule id, the ref, the commit and the fix.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <git2.h>
#include <stddef.h>

#include "strlist.h"

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
	/* how sure the match is: "verified" (the token's own checksum
	   holds), "shaped" (a provider's format), "generic" (a key = value
	   guess); NULL for findings that are no match */
	const char *confidence;
};

/*
 * What the gates decided of one update of the push, beside its findings:
 * the messages and the audit trail read it, the push itself stays as it
 * was read and resolved. Gates fill it through sg_gate_verdict() (gate.h).
 */
struct sg_ref_verdict {
	int rejected;			/* an error names the update's ref */
	struct sg_strlist approvers;	/* logins whose approval counted */
	char *tested_tag;		/* "tested/1.4.0.2" the tip carries */
	char *rollback_reason;		/* of an accepted rollback ("" if none) */
	/* of a gated promotion, for the audit report: trailers, and the
	 * earliest author time of the commits it brings (0: none) */
	char *ticket, *rollback_plan;
	git_time_t first_commit_time;
	char *break_glass_reason;	/* asked for with -o break-glass= */
	int break_glass;		/* and it lifted a closed window */
	char *migration;		/* migration plan, JSON for the audit */
};

struct sg_report {
	struct sg_finding *v;
	size_t nr, alloc;
	size_t errors, warnings;
	struct sg_ref_verdict *verdicts;	/* by update index; may be short */
	size_t verdicts_nr;
};

#define SG_REPORT_INIT { NULL, 0, 0, 0, 0, NULL, 0 }

/* "error", "warning" or "note": the one name of each severity. */
const char *sg_severity_name(enum sg_severity sev);

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
/* The verdict of update `i` of the push, made empty on first use. */
struct sg_ref_verdict *sg_report_verdict(struct sg_report *r, size_t i);
/* The verdict of update `i`, or NULL when no gate gave one (or !r). */
const struct sg_ref_verdict *sg_report_verdict_of(const struct sg_report *r,
					      size_t i);
/* Decide update `i`: rejected when an error names `ref`. */
void sg_report_decide(struct sg_report *r, size_t i, const char *ref);
/* Move every finding of `src` to the end of `dst`; `src` ends empty
 * of findings; verdicts stay with `src`. */
void sg_report_take(struct sg_report *dst, struct sg_report *src);
void sg_report_release(struct sg_report *r);

#endif
