/*
 * test_audit_report.c -- the auditor's report: filters as typed, HTML
 * escaping, and the delivery figures of a hand-written log.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/audit_read.h"
#include "../../common/audit_report.h"
#include "../../common/buf.h"
#include "../../common/escape.h"
#include "../../common/sha256.h"

static const struct { const char *when, *want; } whens[] = {
	{ "2026-11-01", "2026-11-01" },
	{ "2026-11-01T08:00", "2026-11-01T08:00" },
	{ "2026-11-01T08:00:59", "2026-11-01T08:00:59" },
	{ "2026-11-01 08:00:59", "2026-11-01T08:00:59" },	/* as list */
	{ "2026-11-01T08:00:59Z", "2026-11-01T08:00:59" },
	{ "2024-02-29", "2024-02-29" },				/* leap */
	{ "yesterday", NULL },
	{ "2026-13-45", NULL },
	{ "2026-02-29", NULL },
	{ "2100-02-29", NULL },
	{ "2026-11-01T24:00", NULL },
	{ "2026-11-01T08:60", NULL },
	{ "2026-11-1", NULL },
	{ "2026-11-01T08", NULL },
	{ "2026-11-01x08:00:00", NULL },
	{ "", NULL },
};

Test(audit_report, since_validated)
{
	for (size_t i = 0; i < sizeof(whens) / sizeof(*whens); i++) {
		struct sg_audit_filter f = { .since = whens[i].when };
		struct sg_buf err = SG_BUF_INIT(4096);
		int ret = sg_audit_filter_prepare(&f, &err);

		if (whens[i].want) {
			cr_assert_eq(ret, 0, "%zu: %s", i, err.buf);
			cr_assert_str_eq(f.since, whens[i].want, "%zu", i);
		} else {
			cr_assert_lt(ret, 0, "%zu", i);
			cr_assert(strstr(err.buf, "--since"), "%zu", i);
		}
		sg_buf_release(&err);
	}
}

static const struct { const char *in, *want; } htmls[] = {
	{ "plain", "plain" },
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a&b \"q\" 'q'", "a&amp;b &quot;q&quot; &#39;q&#39;" },
	{ "line\nbreak\x1b[2J", "line\\nbreak\\e[2J" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
};

Test(audit_report, html_escaped)
{
	for (size_t i = 0; i < sizeof(htmls) / sizeof(*htmls); i++) {
		struct sg_buf b = SG_BUF_INIT(4096);

		cr_assert_eq(sg_escape_html(&b, htmls[i].in), 0);
		cr_assert_str_eq(b.buf, htmls[i].want, "%zu", i);
		sg_buf_release(&b);
	}
}

#define REC(time, dec, extra) "{\"seq\":1,\"type\":\"decision\",\"time\":\"" \
	time "\",\"repository\":\"/srv/a.git\",\"pusher\":\"maker\"," \
	"\"ref\":\"refs/heads/main\",\"new\":\"ab\",\"decision\":\"" dec \
	"\",\"violations\":[]" extra "}\n"

/*
 * Day 1 08:00 a promotion (commit 2 h old), day 2 08:00 a rollback,
 * day 2 09:30 a promotion (commit 1 h old), a dev push and a refusal.
 */
static const char log_text[] =
	REC("2026-11-01T08:00:00.000Z", "accepted",
	    ",\"environment\":\"prod\",\"tested_tag\":\"tested/1\","
	    "\"first_commit_time\":1793512800")
	REC("2026-11-02T08:00:00.000Z", "accepted",
	    ",\"environment\":\"prod\",\"rollback_reason\":\"bad\"")
	REC("2026-11-02T09:30:00.000Z", "accepted",
	    ",\"environment\":\"prod\",\"tested_tag\":\"tested/2\","
	    "\"first_commit_time\":1793608200")
	REC("2026-11-02T10:00:00.000Z", "accepted",
	    ",\"environment\":\"dev\"")
	"{\"seq\":5,\"type\":\"decision\",\"time\":\"2026-11-03T08:00:00Z\","
	"\"pusher\":\"eve\",\"ref\":\"refs/heads/main\",\"new\":\"ab\","
	"\"decision\":\"rejected\",\"violations\":[{\"severity\":\"error\","
	"\"rule\":\"approval.missing\"}]}\n";

static char *write_log(void)
{
	char *path = strdup("/tmp/sg-report-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(log_text, f);
	fclose(f);
	return path;
}

Test(audit_report, delivery_figures)
{
	char *path = write_log();
	const char *paths[] = { path };
	struct sg_audit_report *r = NULL;
	struct sg_buf err = SG_BUF_INIT(4096);
	const struct sg_delivery *d;

	cr_assert_eq(sg_audit_report_new(&r, paths, 1, NULL, &err), 0, "%s",
		     err.buf);
	d = sg_audit_report_delivery(r);
	cr_assert_eq(d->promotions, 2);
	cr_assert_eq(d->rollbacks, 1);
	cr_assert_float_eq(d->failure_rate, 0.5, 1e-9);
	cr_assert_float_eq(d->days, 2.0, 1e-9);	/* day 1 08:00 .. day 3 */
	cr_assert_float_eq(d->per_week, 7.0, 1e-9);
	cr_assert_eq(d->lead_time_nr, 2);
	cr_assert_float_eq(d->lead_time, 1.5 * 3600, 1e-6);	/* 2 h, 1 h */
	cr_assert_eq(d->restored_nr, 1);
	cr_assert_float_eq(d->time_to_restore, 1.5 * 3600, 1e-6);
	cr_assert_not(sg_audit_report_intact(r));	/* no chain at all */
	sg_audit_report_free(r);
	unlink(path);
	free(path);
	sg_buf_release(&err);
}

Test(audit_report, filters_apply)
{
	char *path = write_log();
	const char *paths[] = { path };
	struct sg_audit_report *r = NULL;
	struct sg_audit_filter f = { .since = "2026-11-02 09:00:00" };
	struct sg_buf err = SG_BUF_INIT(4096);
	char *html = NULL;
	size_t size = 0;
	FILE *mem;

	cr_assert_eq(sg_audit_filter_prepare(&f, &err), 0);
	cr_assert_eq(sg_audit_report_new(&r, paths, 1, &f, &err), 0);
	cr_assert_eq(sg_audit_report_delivery(r)->promotions, 1);
	cr_assert_eq(sg_audit_report_delivery(r)->rollbacks, 0);
	mem = open_memstream(&html, &size);
	cr_assert_eq(sg_audit_report_html(mem, r), 0);
	fclose(mem);
	cr_assert(strstr(html, "Promotions to prod (1)"));
	cr_assert(strstr(html, ">approval.missing</text>"));
	cr_assert(strstr(html, ">eve</text>"));
	cr_assert(strstr(html, "Hash chain: BROKEN"));
	free(html);
	sg_audit_report_free(r);
	unlink(path);
	free(path);
	sg_buf_release(&err);
}

/*
 * log_text with a real chain: a seed, seqs in order, each record's
 * "prev" the SHA-256 of the line before, and the head file. `break_at`
 * > 0: that record's "prev" is wrong (an edited log).
 */
static char *write_chained_log(int break_at)
{
	char *path = write_log();
	struct sg_buf out = SG_BUF_INIT(1 << 20), head = SG_BUF_INIT(4096);
	const char *p = log_text;
	char hash[65];
	FILE *f;
	int seq = 1;

	sg_buf_adds(&out, "{\"seq\":0,\"type\":\"seed\",\"prev\":null}");
	sg_sha256_hex(hash, out.buf, out.len);
	sg_buf_addch(&out, '\n');
	while (*p) {
		const char *nl = strchr(p, '\n'), *rest = strchr(p, ',');
		size_t start = out.len;

		sg_buf_addf(&out, "{\"seq\":%d%.*s,\"prev\":\"%s\"}", seq,
			    (int)(nl - rest - 1), rest,
			    seq == break_at ? "00" : hash);
		sg_sha256_hex(hash, out.buf + start, out.len - start);
		sg_buf_addch(&out, '\n');
		p = nl + 1;
		seq++;
	}
	f = fopen(path, "w");
	fputs(out.buf, f);
	fclose(f);
	sg_buf_addf(&head, "%s.head", path);
	f = fopen(head.buf, "w");
	fprintf(f, "{\"seq\":%d,\"hash\":\"%s\"}\n", seq - 1, hash);
	fclose(f);
	sg_buf_release(&head);
	sg_buf_release(&out);
	return path;
}

/*
 * An intact chain is verified and counted in one read; a broken one is
 * read again: the same figures either way, every record counted once.
 */
Test(audit_report, one_pass_or_two_same_figures)
{
	for (int break_at = 0; break_at <= 5; break_at += 5) {
		char *path = write_chained_log(break_at);
		const char *paths[] = { path };
		struct sg_audit_report *r = NULL;
		struct sg_buf err = SG_BUF_INIT(4096), head = SG_BUF_INIT(4096);
		const struct sg_delivery *d;

		cr_assert_eq(sg_audit_report_new(&r, paths, 1, NULL, &err), 0,
			     "%s", err.buf);
		cr_assert_eq(sg_audit_report_intact(r), !break_at, "%d",
			     break_at);
		d = sg_audit_report_delivery(r);
		cr_assert_eq(d->promotions, 2, "%d", break_at);
		cr_assert_eq(d->rollbacks, 1, "%d", break_at);
		cr_assert_eq(d->lead_time_nr, 2, "%d", break_at);
		cr_assert_eq(d->restored_nr, 1, "%d", break_at);
		cr_assert_float_eq(d->time_to_restore, 1.5 * 3600, 1e-6);
		sg_audit_report_free(r);
		sg_buf_addf(&head, "%s.head", path);
		unlink(head.buf);
		unlink(path);
		free(path);
		sg_buf_release(&head);
		sg_buf_release(&err);
	}
}
