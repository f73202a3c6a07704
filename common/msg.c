/*
 * msg.c -- format decisions for the pusher's terminal (and GitLab's
 * web UI, which shows only lines that start with GL-HOOK-ERR:).
 *
 * Every line is built whole and then escaped (escape.h) as it is
 * written: ref names, paths, trailer values, push options and the
 * identities inside finding messages come from the pusher, and none of
 * their control characters may reach a terminal or split a line.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "limits.h"
#include "msg.h"
#include "push.h"
#include "report.h"
#include "banned.h"

static int under_gitlab;

void sg_msg_set_gitlab(int on)
{
	under_gitlab = on;
}

const char *sg_msg_prefix(void)
{
	return under_gitlab ? "GL-HOOK-ERR: stagegate: " : "stagegate: ";
}

/*
 * The prefix, `text` escaped onto one line, and a newline. GitLab shows
 * a GL-HOOK-ERR: line as the reason of a refusal, so only lines that
 * explain one (`refusal`) carry it. A line past SG_MAX_MSG_LINE loses
 * its middle.
 */
static void put_line_as(FILE *out, const struct sg_buf *text, int refusal)
{
	struct sg_buf esc = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf line = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int cut = sg_escape(&esc, text->buf, text->len, 0) < 0;
	size_t head = esc.len, tail = esc.len;

	if (esc.len > SG_MAX_MSG_LINE) {
		head = SG_MAX_MSG_LINE * 3 / 4;
		tail = esc.len - SG_MAX_MSG_LINE / 4;
		/* cut between characters: escaped text is valid UTF-8 */
		while (head && ((unsigned char)esc.buf[head] & 0xc0) == 0x80)
			head--;
		while (((unsigned char)esc.buf[tail] & 0xc0) == 0x80)
			tail++;
	}
	sg_buf_adds(&line, refusal ? sg_msg_prefix() : "stagegate: ");
	sg_buf_add(&line, esc.buf, head);
	if (tail > head)
		sg_buf_addf(&line, " ... (%zu bytes cut) ... ", tail - head);
	sg_buf_add(&line, esc.buf + tail, esc.len - tail);
	sg_buf_adds(&line, cut ? " ... (cut: too long)\n" : "\n");
	/* one write: the line reaches git's sideband whole */
	fwrite(line.buf, 1, line.len, out);
	sg_buf_release(&line);
	sg_buf_release(&esc);
}

static void vline(FILE *out, int refusal, const char *fmt, va_list ap)
{
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_buf_vaddf(&text, fmt, ap);
	put_line_as(out, &text, refusal);
	sg_buf_release(&text);
}

void sg_msg_line(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(out, 1, fmt, ap);
	va_end(ap);
}

void sg_msg_info(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(out, 0, fmt, ap);
	va_end(ap);
}

/* A finding that says the scan stopped early: always shown, never cut. */
static int is_stop_notice(const struct sg_finding *f)
{
	return !strcmp(f->rule, "secret.limit") ||
	       !strcmp(f->rule, "secret.deadline");
}

/* `*last_fix`: the fix printed just before; the same fix is not repeated. */
static void print_finding(FILE *out, const struct sg_finding *f,
			  const char **last_fix, int refusal)
{
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_buf_addf(&text, "  %s [%s]", sg_severity_name(f->severity), f->rule);
	if (*f->commit)
		sg_buf_addf(&text, " commit %.10s", f->commit);
	if (f->path) {
		sg_buf_addf(&text, " %s", f->path);
		if (f->line)
			sg_buf_addf(&text, ":%d", f->line);
		if (f->col)
			sg_buf_addf(&text, ":%d", f->col);
	}
	sg_buf_addf(&text, ": %s", f->message);
	put_line_as(out, &text, refusal);
	if (f->fix && !(*last_fix && !strcmp(*last_fix, f->fix))) {
		sg_buf_reset(&text);
		sg_buf_addf(&text, "      fix: %s", f->fix);
		put_line_as(out, &text, refusal);
	}
	if (f->fingerprint[0] && !strncmp(f->rule, "secret.", 7) &&
	    f->severity != SG_SEV_NOTE) {
		/* GitHub's push protection: a false positive is one message */
		sg_buf_reset(&text);
		sg_buf_addf(&text, "      false positive? ask an admin to add "
			    "this line under secrets.allow in the policy: "
			    "- { fingerprint: %.16s, reason: \"TICKET: why "
			    "this is not a secret\" }", f->fingerprint);
		put_line_as(out, &text, refusal);
	}
	*last_fix = f->fix;
	sg_buf_release(&text);
}

/*
 * Print `f` unless SG_MAX_SHOWN_FINDINGS are out already; a notice that
 * the scan stopped early is printed all the same, so nobody reads the
 * list as complete. `*hidden` counts what was left out.
 */
static void show_finding(FILE *out, const struct sg_finding *f,
			 size_t *shown, size_t *hidden, const char **last_fix,
			 int refusal)
{
	if (*shown >= SG_MAX_SHOWN_FINDINGS && !is_stop_notice(f)) {
		++*hidden;
		return;
	}
	++*shown;
	print_finding(out, f, last_fix, refusal);
}

void sg_msg_report(FILE *out, const struct sg_push *push,
		   const struct sg_report *r, const char *audit_id)
{
	size_t bad_refs = 0, shown = 0, hidden = 0;
	const char *last_fix = NULL;
	int refusal = r->errors != 0;	/* GitLab shows these lines */

	for (size_t i = 0; i < push->nr; i++) {
		const struct sg_update *u = &push->updates[i];
		const struct sg_ref_verdict *v = sg_report_verdict_of(r, i);
		int rejected = v && v->rejected;
		void (*say)(FILE *, const char *, ...) = rejected
			? sg_msg_line : sg_msg_info;

		bad_refs += rejected != 0;
		if (audit_id)
			say(out, "%s: %s [audit %s.%zu]", u->ref,
			    rejected ? "REJECTED" : "ok", audit_id, i + 1);
		else
			say(out, "%s: %s", u->ref,
			    rejected ? "REJECTED" : "ok");
		for (size_t j = 0; j < r->nr; j++)
			if (!strcmp(r->v[j].ref, u->ref))
				show_finding(out, &r->v[j], &shown, &hidden,
					     &last_fix, refusal);
	}
	/* findings that belong to no single ref (push-wide) */
	for (size_t j = 0; j < r->nr; j++)
		if (!*r->v[j].ref)
			show_finding(out, &r->v[j], &shown, &hidden,
				     &last_fix, refusal);
	if (hidden)
		(refusal ? sg_msg_line : sg_msg_info)(out,
			"... and %zu more findings (see the audit "
			    "log)", hidden);
	if (r->errors)
		sg_msg_line(out, "push REJECTED: %zu violation(s) on %zu of "
			    "%zu ref(s); no ref was updated%s%s%s", r->errors,
			    bad_refs, push->nr, audit_id ? " (audit: "
			    "stagegate audit show " : "",
			    audit_id ? audit_id : "", audit_id ? ")" : "");
	else if (push->nr)
		sg_msg_info(out, "checks passed: %zu ref(s)%s; other hooks "
			    "may still refuse (what lands is recorded)%s%s%s",
			    push->nr, r->warnings ? ", with warnings" : "",
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
