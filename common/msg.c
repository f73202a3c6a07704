/*
 * msg.c -- format decisions for the pusher's terminal (and GitLab's
 * web UI, which shows only lines that start with GL-HOOK-ERR:).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "msg.h"
#include "push.h"
#include "report.h"
#include "banned.h"

const char *sg_msg_prefix(void)
{
	const char *gl = getenv("GL_ID");

	return gl && *gl ? "GL-HOOK-ERR: stagegate: " : "stagegate: ";
}

void sg_msg_line(FILE *out, const char *fmt, ...)
{
	va_list ap;

	fputs(sg_msg_prefix(), out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static const char *severity_word(enum sg_severity s)
{
	switch (s) {
	case SG_SEV_ERROR: return "error";
	case SG_SEV_WARNING: return "warning";
	case SG_SEV_NOTE: return "note";
	}
	return "?";
}

/* A finding that says the scan stopped early: always shown, never cut. */
static int is_stop_notice(const struct sg_finding *f)
{
	return !strcmp(f->rule, "secret.limit") ||
	       !strcmp(f->rule, "secret.deadline");
}

/* `*last_fix`: the fix printed just before; the same fix is not repeated. */
static void print_finding(FILE *out, const struct sg_finding *f,
			  const char **last_fix)
{
	fprintf(out, "%s  %s [%s]", sg_msg_prefix(), severity_word(f->severity),
		f->rule);
	if (*f->commit)
		fprintf(out, " commit %.10s", f->commit);
	if (f->path) {
		fprintf(out, " %s", f->path);
		if (f->line)
			fprintf(out, ":%d", f->line);
		if (f->col)
			fprintf(out, ":%d", f->col);
	}
	fprintf(out, ": %s\n", f->message);
	if (f->fix && !(*last_fix && !strcmp(*last_fix, f->fix)))
		fprintf(out, "%s      fix: %s\n", sg_msg_prefix(), f->fix);
	*last_fix = f->fix;
}

/*
 * Print `f` unless SG_MAX_SHOWN_FINDINGS are out already; a notice that
 * the scan stopped early is printed all the same, so nobody reads the
 * list as complete. `*hidden` counts what was left out.
 */
static void show_finding(FILE *out, const struct sg_finding *f,
			 size_t *shown, size_t *hidden, const char **last_fix)
{
	if (*shown >= SG_MAX_SHOWN_FINDINGS && !is_stop_notice(f)) {
		++*hidden;
		return;
	}
	++*shown;
	print_finding(out, f, last_fix);
}

void sg_msg_report(FILE *out, const struct sg_push *push,
		   const struct sg_report *r, const char *audit_id)
{
	size_t bad_refs = 0, shown = 0, hidden = 0;
	const char *last_fix = NULL;

	for (size_t i = 0; i < push->nr; i++) {
		const struct sg_update *u = &push->updates[i];

		bad_refs += u->rejected != 0;
		if (audit_id)
			sg_msg_line(out, "%s: %s [audit %s.%zu]", u->ref,
				    u->rejected ? "REJECTED" : "ok", audit_id,
				    i + 1);
		else
			sg_msg_line(out, "%s: %s", u->ref,
				    u->rejected ? "REJECTED" : "ok");
		for (size_t j = 0; j < r->nr; j++)
			if (!strcmp(r->v[j].ref, u->ref))
				show_finding(out, &r->v[j], &shown, &hidden,
					     &last_fix);
	}
	/* findings that belong to no single ref (push-wide) */
	for (size_t j = 0; j < r->nr; j++)
		if (!*r->v[j].ref)
			show_finding(out, &r->v[j], &shown, &hidden,
				     &last_fix);
	if (hidden)
		sg_msg_line(out, "... and %zu more findings (see the audit "
			    "log)", hidden);
	if (r->errors)
		sg_msg_line(out, "push REJECTED: %zu violation(s) on %zu of "
			    "%zu ref(s); no ref was updated%s%s%s", r->errors,
			    bad_refs, push->nr, audit_id ? " (audit: "
			    "stagegate audit show " : "",
			    audit_id ? audit_id : "", audit_id ? ")" : "");
	else if (push->nr)
		sg_msg_line(out, "push accepted: %zu ref(s)%s%s%s%s", push->nr,
			    r->warnings ? ", with warnings" : "",
			    audit_id ? " (audit " : "",
			    audit_id ? audit_id : "", audit_id ? ")" : "");
}

void sg_msg_internal_error(FILE *out, const char *reason,
			   const char *audit_id)
{
	sg_msg_line(out, "internal error: %s", reason);
	sg_msg_line(out, "push REJECTED (fail closed): no ref was updated; "
		    "tell your admin%s%s%s", audit_id ? " (audit " : "",
		    audit_id ? audit_id : "", audit_id ? ")" : "");
}
