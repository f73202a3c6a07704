/*
 * report.c -- collect findings; printing is msg.c's job.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "report.h"
#include "banned.h"

const char *sg_severity_name(enum sg_severity sev)
{
	switch (sev) {
	case SG_SEV_ERROR: return "error";
	case SG_SEV_WARNING: return "warning";
	case SG_SEV_NOTE: return "note";
	}
	SG_BUG("bad severity %d", (int)sev);
}

struct sg_finding *sg_report_add(struct sg_report *r, enum sg_severity sev,
				 const char *rule, const char *ref,
				 const git_oid *commit, const char *fix,
				 const char *fmt, ...)
{
	struct sg_buf msg = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_finding *f;
	va_list ap;

	SG_ALLOC_GROW(r->v, r->nr + 1, r->alloc);
	f = &r->v[r->nr++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->rule = sg_strdup(rule);
	f->ref = sg_strdup(ref ? ref : "");
	if (commit)
		git_oid_tostr(f->commit, sizeof(f->commit), commit);
	f->fix = fix ? sg_strdup(fix) : NULL;
	va_start(ap, fmt);
	sg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	f->message = sg_buf_detach(&msg);
	if (sev == SG_SEV_ERROR)
		r->errors++;
	else if (sev == SG_SEV_WARNING)
		r->warnings++;
	return f;
}

void sg_finding_set_path(struct sg_finding *f, const char *path, int line,
			 int col)
{
	free(f->path);
	f->path = path ? sg_strdup(path) : NULL;
	f->line = line;
	f->col = col;
}

size_t sg_report_errors_for(const struct sg_report *r, const char *ref)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr; i++)
		if (r->v[i].severity == SG_SEV_ERROR &&
		    !strcmp(r->v[i].ref, ref))
			n++;
	return n;
}

static int same_secret(const struct sg_finding *a, const struct sg_finding *b)
{
	return a->severity == b->severity && !strcmp(a->rule, b->rule) &&
	       !strcmp(a->ref, b->ref) &&
	       !strcmp(a->fingerprint, b->fingerprint);
}

static void finding_release(struct sg_finding *f)
{
	free(f->rule);
	free(f->ref);
	free(f->path);
	free(f->message);
	free(f->fix);
	free(f->redacted);
}

void sg_report_merge_secrets(struct sg_report *r)
{
	size_t kept = 0;
	size_t *more = sg_calloc(r->nr ? r->nr : 1, sizeof(*more));

	/*
	 * Quadratic in the distinct secrets of a push, which the secret
	 * gate's own cap (SG_MAX_SCAN_FINDINGS) keeps small.
	 */
	for (size_t i = 0; i < r->nr; i++) {
		struct sg_finding *f = &r->v[i];
		size_t j = 0;

		if (f->fingerprint[0])
			for (j = 0; j < kept; j++)
				if (same_secret(&r->v[j], f))
					break;
		if (f->fingerprint[0] && j < kept) {
			more[j]++;
			if (f->severity == SG_SEV_ERROR)
				r->errors--;
			else if (f->severity == SG_SEV_WARNING)
				r->warnings--;
			finding_release(f);
			continue;
		}
		r->v[kept++] = *f;
	}
	r->nr = kept;
	for (size_t i = 0; i < kept; i++) {
		struct sg_buf msg = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		if (!more[i])
			continue;
		sg_buf_addf(&msg, "%s; first seen here, and %zu more place(s) "
			    "of this push carry it", r->v[i].message, more[i]);
		free(r->v[i].message);
		r->v[i].message = sg_buf_detach(&msg);
	}
	free(more);
}

struct sg_ref_verdict *sg_report_verdict(struct sg_report *r, size_t i)
{
	if (i >= r->verdicts_nr) {
		size_t n = i + 1;

		r->verdicts = sg_realloc(r->verdicts, n * sizeof(*r->verdicts));
		memset(r->verdicts + r->verdicts_nr, 0,
		       (n - r->verdicts_nr) * sizeof(*r->verdicts));
		r->verdicts_nr = n;
	}
	return &r->verdicts[i];
}

const struct sg_ref_verdict *sg_report_verdict_of(const struct sg_report *r,
					      size_t i)
{
	return r && i < r->verdicts_nr ? &r->verdicts[i] : NULL;
}

void sg_report_decide(struct sg_report *r, size_t i, const char *ref)
{
	sg_report_verdict(r, i)->rejected = sg_report_errors_for(r, ref) > 0;
}

static void verdict_release(struct sg_ref_verdict *v)
{
	sg_strlist_release(&v->approvers);
	free(v->tested_tag);
	free(v->rollback_reason);
	free(v->ticket);
	free(v->rollback_plan);
	free(v->break_glass_reason);
	free(v->migration);
}

void sg_report_take(struct sg_report *dst, struct sg_report *src)
{
	if (!src->nr)
		return;
	SG_ALLOC_GROW(dst->v, dst->nr + src->nr, dst->alloc);
	memcpy(dst->v + dst->nr, src->v, src->nr * sizeof(*src->v));
	dst->nr += src->nr;
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->v);
	src->v = NULL;
	src->nr = src->alloc = src->errors = src->warnings = 0;
}

void sg_report_release(struct sg_report *r)
{
	for (size_t i = 0; i < r->nr; i++)
		finding_release(&r->v[i]);
	free(r->v);
	for (size_t i = 0; i < r->verdicts_nr; i++)
		verdict_release(&r->verdicts[i]);
	free(r->verdicts);
	memset(r, 0, sizeof(*r));
}
