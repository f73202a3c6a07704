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

void sg_msg_report(FILE *out, const struct sg_push *push,
		   const struct sg_report *r, const char *audit_id)
{
	size_t bad_refs = 0, shown = 0;
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
		for (size_t j = 0; j < r->nr; j++) {
			if (strcmp(r->v[j].ref, u->ref))
				continue;
			if (++shown > SG_MAX_SHOWN_FINDINGS)
				continue;
			print_finding(out, &r->v[j], &last_fix);
		}
	}
	/* findings that belong to no single ref (push-wide) */
	for (size_t j = 0; j < r->nr; j++)
		if (!*r->v[j].ref && ++shown <= SG_MAX_SHOWN_FINDINGS)
			print_finding(out, &r->v[j], &last_fix);
	if (shown > SG_MAX_SHOWN_FINDINGS) {
		sg_msg_line(out, "... and %zu more findings (see the audit "
			    "log)", shown - SG_MAX_SHOWN_FINDINGS);
		/* the reader must learn that the list is incomplete */
		for (size_t j = 0, n = 0; j < r->nr; j++) {
			int hidden = n >= SG_MAX_SHOWN_FINDINGS;

			if (!*r->v[j].ref)
				continue;
			n++;
			if (hidden && is_stop_notice(&r->v[j]))
				print_finding(out, &r->v[j], &last_fix);
		}
	}
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
