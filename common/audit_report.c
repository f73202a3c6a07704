/*
 * audit_report.c -- the auditor's report, one HTML page computed from
 * one or many audit logs.
 *
 * One pass over the records keeps counters (per day and decision, per
 * refused rule, per refused user) and the rows an auditor reads one by
 * one: promotions to prod and rollbacks. The figures come from those
 * rows afterwards: a promotion is an accepted update of a ref of the
 * environment "prod" (records before the field existed: one carrying
 * approvers); a rollback is an update that asked for one (the rollback
 * push option); a break-glass push is the decision "break-glass" (the
 * window gate's bypass), listed with the rollbacks and, when it moved
 * prod, with the promotions too; time to restore runs from a rollback to
 * the next promotion of the same ref of the same repository.
 *
 * Every string of a record came from a pusher or from whoever edited the
 * log: the page shows it only through sg_escape_html(), and the page's
 * Content-Security-Policy allows no script and no fetch at all, so even
 * a missed escape could not run or call out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit_read.h"
#include "audit_report.h"
#include "buf.h"
#include "counts.h"
#include "error.h"
#include "escape.h"
#include "json.h"
#include "banned.h"

enum { DEC_ACCEPTED, DEC_REJECTED, DEC_ERROR, DEC_BREAK_GLASS, DEC_NR };

static const char *const dec_name[DEC_NR] = {
	"accepted", "rejected", "error", "break-glass"
};
static const char *const dec_color[DEC_NR] = {
	"#2e7d32", "#c62828", "#6a1b9a", "#ef6c00"
};

struct day {
	char day[11];
	size_t n[DEC_NR];
};

/* A promotion or a rollback, as the tables show it. */
struct row {
	char *time, *id, *repo, *ref, *pusher, *version, *approvers;
	char *ticket, *plan, *reason, *decision;
	time_t when;
	long long first_commit;	/* 0: unknown */
	int rollback;
};

struct rows {
	struct row *v;
	size_t nr, alloc;
};

struct chain_status {
	char *repo;		/* as the records name it, or the file */
	char *text;		/* what verify said */
	int intact;
};

struct sg_audit_report {
	struct day *days;
	size_t days_nr, days_alloc;
	struct sg_counts by_rule, by_user;
	struct rows promotions, rollbacks;
	struct chain_status *chains;
	size_t chains_nr, chains_alloc;
	size_t records, logs;
	char first[32], last[32];	/* times of the records read */
	struct sg_delivery delivery;
	char *filters;		/* as given, for the page's header */
	int collected;		/* records read while verifying */
};

/* "2026-11-01T08:00:00..." (UTC) as a time; -1 if it is not one. */
static time_t parse_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi,
		   &sec) != 6)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm);
}

static struct day *day_of(struct sg_audit_report *r, const char *time)
{
	char key[11];
	size_t lo = 0, hi = r->days_nr;

	snprintf(key, sizeof(key), "%s", time);
	/* records come mostly in order: try the last day first */
	if (hi && !strcmp(r->days[hi - 1].day, key))
		return &r->days[hi - 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(r->days[mid].day, key);

		if (!cmp)
			return &r->days[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	SG_ALLOC_GROW(r->days, r->days_nr + 1, r->days_alloc);
	memmove(&r->days[lo + 1], &r->days[lo],
		(r->days_nr - lo) * sizeof(*r->days));
	r->days_nr++;
	memset(&r->days[lo], 0, sizeof(*r->days));
	memcpy(r->days[lo].day, key, sizeof(key));
	return &r->days[lo];
}

static char *dup_or_null(const char *s)
{
	return s ? sg_strdup(s) : NULL;
}

static char *join_approvers(const struct sg_json *rec)
{
	const struct sg_json *a = sg_json_get(rec, "approvers");
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	for (size_t i = 0; a && a->kind == SG_JSON_ARRAY && i < a->nr; i++)
		if (a->kids[i].kind == SG_JSON_STRING)
			sg_buf_addf(&b, "%s%s", b.len ? ", " : "",
				    a->kids[i].string);
	return sg_buf_detach(&b);
}

static int is_zero_id(const char *id)
{
	return id && *id && strspn(id, "0") == strlen(id);
}

static int is_prod(const struct sg_json *rec)
{
	const char *env = sg_json_str(rec, "environment", NULL);
	const struct sg_json *a = sg_json_get(rec, "approvers");

	if (env)
		return !strcmp(env, "prod");
	/* records written before "environment": approved means gated */
	return a && a->kind == SG_JSON_ARRAY && a->nr > 0;
}

static void add_row(struct rows *rows, const struct sg_json *rec,
		    int rollback)
{
	const char *tag = sg_json_str(rec, "tested_tag", NULL);
	const char *new_id = sg_json_str(rec, "new", "");
	struct row *w;

	SG_ALLOC_GROW(rows->v, rows->nr + 1, rows->alloc);
	w = &rows->v[rows->nr++];
	memset(w, 0, sizeof(*w));
	w->time = sg_strdup(sg_json_str(rec, "time", ""));
	w->when = parse_time(w->time);
	w->id = sg_strdup(sg_json_str(rec, "id", ""));
	w->repo = sg_strdup(sg_json_str(rec, "repository", "-"));
	w->ref = sg_strdup(sg_json_str(rec, "ref", "-"));
	w->pusher = sg_strdup(sg_json_str(rec, "pusher", "-"));
	/* the test tag names the version; else the commit, short */
	w->version = tag ? sg_strdup(tag) : sg_strndup(new_id, 12);
	w->approvers = join_approvers(rec);
	w->ticket = dup_or_null(sg_json_str(rec, "ticket", NULL));
	w->plan = dup_or_null(sg_json_str(rec, "rollback_plan", NULL));
	w->reason = dup_or_null(sg_json_str(rec, "rollback_reason",
				sg_json_str(rec, "break_glass_reason", NULL)));
	w->decision = sg_strdup(sg_json_str(rec, "decision", "-"));
	w->first_commit = (long long)sg_json_num(rec, "first_commit_time", 0);
	w->rollback = rollback;
}

static void rows_release(struct rows *rows)
{
	for (size_t i = 0; i < rows->nr; i++) {
		struct row *w = &rows->v[i];

		free(w->time); free(w->id); free(w->repo); free(w->ref);
		free(w->pusher); free(w->version); free(w->approvers);
		free(w->ticket); free(w->plan); free(w->reason);
		free(w->decision);
	}
	free(rows->v);
}

static int collect(const struct sg_json *rec, const char *line, size_t len,
		   void *payload)
{
	struct sg_audit_report *r = payload;
	const char *time = sg_json_str(rec, "time", "");
	const char *decision = sg_json_str(rec, "decision", "");
	const char *reason = sg_json_str(rec, "rollback_reason", NULL);
	const struct sg_json *v = sg_json_get(rec, "violations");
	int d = !strcmp(decision, "accepted") ? DEC_ACCEPTED
		: !strcmp(decision, "rejected") ? DEC_REJECTED
		: !strcmp(decision, "break-glass") ? DEC_BREAK_GLASS : DEC_ERROR;

	(void)line; (void)len;
	/* post-receive's confirmation of an accepted decision, not one */
	if (!strcmp(decision, "landed"))
		return 0;
	r->records++;
	if (!r->first[0] || strcmp(time, r->first) < 0)
		snprintf(r->first, sizeof(r->first), "%s", time);
	if (strcmp(time, r->last) > 0)
		snprintf(r->last, sizeof(r->last), "%s", time);
	day_of(r, time)->n[d]++;
	if (d == DEC_REJECTED) {
		sg_counts_add(&r->by_user, sg_json_str(rec, "pusher", "-"));
		for (size_t i = 0; v && v->kind == SG_JSON_ARRAY &&
		     i < v->nr; i++)
			if (!strcmp(sg_json_str(&v->kids[i], "severity", ""),
				    "error"))
				sg_counts_add(&r->by_rule,
					      sg_json_str(&v->kids[i], "rule",
							  "?"));
	}
	if (reason || d == DEC_BREAK_GLASS)
		add_row(&r->rollbacks, rec, 1);
	if (!reason && (d == DEC_ACCEPTED || d == DEC_BREAK_GLASS) &&
	    is_prod(rec) && !is_zero_id(sg_json_str(rec, "new", "")))
		add_row(&r->promotions, rec, 0);
	return 0;
}

static int first_repo(const struct sg_json *rec, const char *line,
		      size_t len, void *payload)
{
	char **out = payload;

	(void)line; (void)len;
	*out = sg_strdup(sg_json_str(rec, "repository", "-"));
	return 1;	/* one is enough */
}

/*
 * The repository the file `path` is the log of; NULL if it names none.
 * Only the filter's `skipped` applies: the first record names it.
 */
static char *repo_of_log(const char *path, const struct sg_audit_filter *f,
			 struct sg_buf *err)
{
	struct sg_audit_filter any = { 0 };
	char *repo = NULL;

	any.skipped = f ? f->skipped : NULL;
	if (sg_audit_each(&path, 1, &any, first_repo, &repo, err) < 0)
		return NULL;
	return repo;
}

/* Drop what collect() gathered: the logs are read again. */
static void forget_records(struct sg_audit_report *r)
{
	free(r->days);
	r->days = NULL;
	r->days_nr = r->days_alloc = 0;
	sg_counts_release(&r->by_rule);
	sg_counts_release(&r->by_user);
	rows_release(&r->promotions);
	rows_release(&r->rollbacks);
	memset(&r->promotions, 0, sizeof(r->promotions));
	memset(&r->rollbacks, 0, sizeof(r->rollbacks));
	r->records = 0;
	r->first[0] = r->last[0] = '\0';
}

/*
 * Whether each repository's files come one after another in `paths`:
 * then verifying group by group reads the records in the order
 * sg_audit_each() would, and one pass can do both.
 */
static int contiguous(const char *const *repos, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(repos[i], repos[i - 1]))
			continue;
		for (size_t j = 0; j + 1 < i; j++)
			if (!strcmp(repos[j], repos[i]))
				return 0;
	}
	return 1;
}

/*
 * Verify each repository's chain: its files (rotated ones first, as the
 * caller gave them) in one call, as `audit verify` would. Where that is
 * the order of `paths`, the records are collected from the same read.
 */
static int verify_chains(struct sg_audit_report *r, const char *const *paths,
			 size_t n, const struct sg_audit_filter *f,
			 struct sg_buf *err)
{
	char **repos = sg_calloc(n ? n : 1, sizeof(*repos));
	const char **group = sg_calloc(n ? n : 1, sizeof(*group));
	int ret = 0, single, intact = 1;

	for (size_t i = 0; i < n && ret == 0; i++) {
		repos[i] = repo_of_log(paths[i], f, err);
		if (!repos[i] && err->len)
			ret = SG_ERROR;
		else if (!repos[i])
			repos[i] = sg_strdup(paths[i]);
	}
	single = ret == 0 && contiguous((const char *const *)repos, n);
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct sg_audit_verdict v = SG_AUDIT_VERDICT_INIT;
		struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		struct chain_status *cs;
		size_t g = 0;
		int got;

		if (!repos[i])
			continue;	/* in an earlier group */
		for (size_t j = i; j < n; j++) {
			if (!repos[j] || strcmp(repos[i], repos[j]))
				continue;
			group[g++] = paths[j];
			if (j > i) {
				free(repos[j]);
				repos[j] = NULL;
			}
		}
		got = single ? sg_audit_verify_each(&v, group, g, f, collect,
						    r, err)
			     : sg_audit_verify_files(&v, group, g, NULL, err);
		sg_audit_verdict_text(&text, &v);
		sg_audit_verdict_release(&v);
		if (got < 0) {
			sg_buf_release(&text);
			ret = got;
			break;
		}
		SG_ALLOC_GROW(r->chains, r->chains_nr + 1, r->chains_alloc);
		cs = &r->chains[r->chains_nr++];
		cs->repo = repos[i];
		repos[i] = NULL;
		cs->text = sg_buf_detach(&text);
		cs->intact = got == 0;
		intact &= got == 0;
	}
	/* a broken chain stopped the reading: read every record again */
	r->collected = ret == 0 && single && intact;
	if (single && !r->collected)
		forget_records(r);
	for (size_t i = 0; i < n; i++)
		free(repos[i]);
	free(repos);
	free(group);
	return ret;
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->time, y->time);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), by_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The next promotion of the rollback's ref after it; NULL: none yet.
 * The promotions are sorted by time: the search starts at the first one
 * not before the rollback (a year of prod has thousands of each).
 */
static const struct row *restored_by(const struct rows *p,
				     const struct row *rb)
{
	size_t lo = 0, hi = p->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p->v[mid].time, rb->time) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < p->nr; i++) {
		const struct row *w = &p->v[i];

		if (!strcmp(w->repo, rb->repo) && !strcmp(w->ref, rb->ref))
			return w;	/* sorted: the first is the next */
	}
	return NULL;
}

static void compute_delivery(struct sg_audit_report *r)
{
	struct sg_delivery *d = &r->delivery;
	size_t n = r->promotions.nr > r->rollbacks.nr ? r->promotions.nr
						      : r->rollbacks.nr;
	double *v = sg_calloc(n ? n : 1, sizeof(*v));
	time_t first = parse_time(r->first), last = parse_time(r->last);

	if (r->promotions.nr)
		qsort(r->promotions.v, r->promotions.nr, sizeof(struct row),
		      by_time);
	if (r->rollbacks.nr)
		qsort(r->rollbacks.v, r->rollbacks.nr, sizeof(struct row),
		      by_time);
	memset(d, 0, sizeof(*d));
	d->promotions = r->promotions.nr;
	d->days = first >= 0 && last > first ? (double)(last - first) / 86400
		  : 0;
	if (d->days < 1)
		d->days = 1;
	d->per_week = (double)d->promotions * 7 / d->days;
	for (size_t i = 0; i < r->promotions.nr; i++) {
		const struct row *w = &r->promotions.v[i];

		if (w->first_commit > 0 && w->when >= w->first_commit)
			v[d->lead_time_nr++] = (double)(w->when -
							w->first_commit);
	}
	d->lead_time = median(v, d->lead_time_nr);
	for (size_t i = 0; i < r->rollbacks.nr; i++) {
		const struct row *rb = &r->rollbacks.v[i], *next;

		if (strcmp(rb->decision, "accepted"))
			continue;	/* a refused rollback restored nothing */
		d->rollbacks++;
		next = restored_by(&r->promotions, rb);
		if (next)
			v[d->restored_nr++] = (double)(next->when - rb->when);
		else
			d->unrestored++;
	}
	d->time_to_restore = median(v, d->restored_nr);
	d->failure_rate = d->promotions ? (double)d->rollbacks /
					  (double)d->promotions : -1;
	free(v);
}

static char *describe_filters(const struct sg_audit_filter *f)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *names[] = { "since", "until", "user", "ref", "rule",
				"decision" };
	const char *vals[6] = { NULL };

	if (f) {
		vals[0] = f->since; vals[1] = f->until; vals[2] = f->user;
		vals[3] = f->ref; vals[4] = f->rule; vals[5] = f->decision;
	}
	for (size_t i = 0; i < SG_ARRAY_SIZE(names); i++)
		if (vals[i])
			sg_buf_addf(&b, "%s--%s %s", b.len ? " " : "",
				    names[i], vals[i]);
	return sg_buf_detach(&b);
}

int sg_audit_report_new(struct sg_audit_report **out,
			const char *const *paths, size_t n,
			const struct sg_audit_filter *f, struct sg_buf *err)
{
	struct sg_audit_report *r = sg_calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	r->logs = n;
	r->filters = describe_filters(f);
	ret = verify_chains(r, paths, n, f, err);
	if (ret == 0 && !r->collected)
		ret = sg_audit_each(paths, n, f, collect, r, err);
	if (ret < 0) {
		sg_audit_report_free(r);
		return ret;
	}
	sg_counts_sort(&r->by_rule, SG_COUNTS_BY_COUNT);
	sg_counts_sort(&r->by_user, SG_COUNTS_BY_COUNT);
	compute_delivery(r);
	*out = r;
	return 0;
}

void sg_audit_report_free(struct sg_audit_report *r)
{
	if (!r)
		return;
	free(r->days);
	sg_counts_release(&r->by_rule);
	sg_counts_release(&r->by_user);
	rows_release(&r->promotions);
	rows_release(&r->rollbacks);
	for (size_t i = 0; i < r->chains_nr; i++) {
		free(r->chains[i].repo);
		free(r->chains[i].text);
	}
	free(r->chains);
	free(r->filters);
	free(r);
}

const struct sg_delivery *sg_audit_report_delivery(
	const struct sg_audit_report *r)
{
	return &r->delivery;
}

int sg_audit_report_intact(const struct sg_audit_report *r)
{
	for (size_t i = 0; i < r->chains_nr; i++)
		if (!r->chains[i].intact)
			return 0;
	return 1;
}

/* ---- the page ---- */

/* `s` (from a record) HTML-escaped. */
static void put(FILE *out, const char *s)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_escape_html(&b, s ? s : "");
	fputs(b.buf, out);
	sg_buf_release(&b);
}

/* Multi-line text, each line escaped. */
static void put_lines(FILE *out, const char *text)
{
	const char *p = text ? text : "";

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = sg_strndup(p, n);

		put(out, line);
		fputc('\n', out);
		free(line);
		p += n + (p[n] == '\n');
	}
}

static void put_cell(FILE *out, const char *s)
{
	fputs("<td>", out);
	if (s && *s)
		put(out, s);
	else
		fputs("<span class=none>none</span>", out);
	fputs("</td>", out);
}

/* "2026-11-01T08:00:00.123Z" as "2026-11-01 08:00:00", the way list shows it */
static void put_time_cell(FILE *out, const char *time)
{
	char shown[20];

	snprintf(shown, sizeof(shown), "%s", time);
	if (strlen(shown) > 10 && shown[10] == 'T')
		shown[10] = ' ';
	fputs("<td class=nowrap>", out);
	put(out, shown);
	fputs("</td>", out);
}

static void put_duration(FILE *out, double secs)
{
	if (secs < 0)
		fputs("n/a", out);
	else if (secs < 3600)
		fprintf(out, "%.0f min", secs / 60);
	else if (secs < 2 * 86400)
		fprintf(out, "%.1f h", secs / 3600);
	else
		fprintf(out, "%.1f days", secs / 86400);
}

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;"
	"max-width:1100px;color:#222;padding:0 1em}"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.2em;"
	"margin:1.6em 0 .5em;border-bottom:1px solid #ddd}"
	".meta{color:#555}.chain{padding:.6em 1em;border-radius:6px;"
	"margin:1em 0}.ok{background:#e8f5e9;border:1px solid #2e7d32}"
	".broken{background:#ffebee;border:1px solid #c62828}"
	".chain h2{margin-top:0}.chain pre{white-space:pre-wrap;"
	"margin:.3em 0;font-size:12px}"
	".cards{display:flex;flex-wrap:wrap;gap:1em}"
	".card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;"
	"min-width:200px;flex:1}.card b{display:block;font-size:1.6em}"
	".card span{color:#555;font-size:12px}"
	"table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;"
	"vertical-align:top;word-break:break-word}th{background:#f3f3f3}"
	".nowrap{white-space:nowrap}.none{color:#999}"
	".legend span{display:inline-block;margin-right:"
	"1.2em}.legend i{display:inline-block;width:12px;height:12px;"
	"margin-right:4px;vertical-align:middle}"
	"@media print{body{margin:0;max-width:none}section{break-inside:"
	"avoid}}";

static void html_head(FILE *out, const struct sg_audit_report *r)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "<!DOCTYPE html>\n<html lang=en><head><meta charset="
		"utf-8>\n<meta http-equiv=\"Content-Security-Policy\" "
		"content=\"default-src 'none'; style-src 'unsafe-inline'\">"
		"\n<title>stagegate audit report</title>\n<style>%s</style>"
		"</head>\n<body>\n<h1>stagegate audit report</h1>\n"
		"<p class=meta>generated %s UTC from %zu log(s): %zu decision "
		"record(s)", style, now, r->logs, r->records);
	if (r->records) {
		fputs(", ", out);
		put(out, r->first);
		fputs(" to ", out);
		put(out, r->last);
	}
	if (r->filters[0]) {
		fputs("; filters: ", out);
		put(out, r->filters);
	}
	fputs("</p>\n", out);
}

static void html_chain(FILE *out, const struct sg_audit_report *r)
{
	int intact = sg_audit_report_intact(r);

	fprintf(out, "<section id=chain class=\"chain %s\"><h2>Hash chain: "
		"%s</h2>\n", intact ? "ok" : "broken",
		intact ? "intact" : "BROKEN");
	for (size_t i = 0; i < r->chains_nr; i++) {
		fputs("<div><b>", out);
		put(out, r->chains[i].repo);
		fputs("</b><pre>", out);
		/* verify's own lines name paths and records: escape them */
		put_lines(out, r->chains[i].text);
		fputs("</pre></div>\n", out);
	}
	fputs("</section>\n", out);
}

static void card_open(FILE *out, const char *title)
{
	fprintf(out, "<div class=card><span>%s</span><b>", title);
}

static void html_delivery(FILE *out, const struct sg_audit_report *r)
{
	const struct sg_delivery *d = &r->delivery;

	fputs("<section id=delivery><h2>Delivery figures (prod)</h2>"
	      "<div class=cards>\n", out);
	card_open(out, "Deployment frequency");
	fprintf(out, "%.1f / week</b><span>%zu promotion(s) to prod in "
		"%.1f day(s)</span></div>\n", d->per_week, d->promotions,
		d->days);
	card_open(out, "Lead time (median)");
	put_duration(out, d->lead_time);
	fprintf(out, "</b><span>from the earliest author time of what a "
		"promotion brings; %zu measured</span></div>\n",
		d->lead_time_nr);
	card_open(out, "Change failure rate");
	if (d->failure_rate < 0)
		fputs("n/a", out);
	else
		fprintf(out, "%.1f %%", d->failure_rate * 100);
	fprintf(out, "</b><span>%zu rollback(s) per %zu promotion(s)"
		"</span></div>\n", d->rollbacks, d->promotions);
	card_open(out, "Time to restore (median)");
	put_duration(out, d->time_to_restore);
	fprintf(out, "</b><span>from a rollback to the next promotion of "
		"the ref; %zu restored, %zu not yet</span></div>\n",
		d->restored_nr, d->unrestored);
	fputs("</div></section>\n", out);
}

#define CHART_W 1000
#define CHART_H 260
#define CHART_LEFT 48
#define CHART_BOTTOM 40

static void chart_axis(FILE *out, size_t max)
{
	int plot_h = CHART_H - CHART_BOTTOM - 10;

	for (int k = 0; k <= 2; k++) {
		double y = 10 + plot_h - plot_h * k / 2.0;

		fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" "
			"y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">"
			"%zu</text>\n", CHART_LEFT, CHART_W, y, y,
			CHART_LEFT - 4, y + 4, (size_t)(max * k / 2.0 + .5));
	}
}

static void html_days(FILE *out, const struct sg_audit_report *r)
{
	int plot_w = CHART_W - CHART_LEFT, plot_h = CHART_H - CHART_BOTTOM - 10;
	double bar = r->days_nr ? (double)plot_w / r->days_nr : 0;
	size_t max = 1, label_every;

	for (size_t i = 0; i < r->days_nr; i++) {
		size_t sum = 0;

		for (int k = 0; k < DEC_NR; k++)
			sum += r->days[i].n[k];
		if (sum > max)
			max = sum;
	}
	if (bar > 60)
		bar = 60;	/* a few days: bars, not walls */
	label_every = r->days_nr / 8 + 1;
	fprintf(out, "<section id=days><h2>Decisions per day (UTC)</h2>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		"aria-label=\"decisions per day\" viewBox=\"0 0 %d %d\" "
		"width=\"100%%\">\n", CHART_W, CHART_H);
	chart_axis(out, max);
	for (size_t i = 0; i < r->days_nr; i++) {
		const struct day *dy = &r->days[i];
		double x = CHART_LEFT + bar * i, y = 10 + plot_h;

		fputs("<g><title>", out);
		put(out, dy->day);
		for (int k = 0; k < DEC_NR; k++)
			fprintf(out, "&#10;%s: %zu", dec_name[k], dy->n[k]);
		fputs("</title>", out);
		for (int k = 0; k < DEC_NR; k++) {
			double h = (double)plot_h * dy->n[k] / max;

			if (!dy->n[k])
				continue;
			y -= h;
			fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
				" fill=\"%s\"/>", x + bar * .1, y, bar * .8, h,
				dec_color[k]);
		}
		fputs("</g>\n", out);
		if (i % label_every == 0) {
			fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
				"text-anchor=\"middle\">", x + bar / 2,
				CHART_H - CHART_BOTTOM + 16);
			put(out, dy->day);
			fputs("</text>\n", out);
		}
	}
	fputs("</svg>\n<p class=legend>", out);
	for (int k = 0; k < DEC_NR; k++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>",
			dec_color[k], dec_name[k]);
	fputs("</p>", out);
	if (!r->days_nr)
		fputs("<p class=none>no records</p>", out);
	fputs("</section>\n", out);
}

#define BARS_MAX 25

/* Horizontal bars of `c` (sorted), the first BARS_MAX. */
static void html_bars(FILE *out, const char *id, const char *title,
		      const struct sg_counts *c)
{
	size_t n = c->nr < BARS_MAX ? c->nr : BARS_MAX;
	size_t max = n ? c->v[0].n : 1;
	int row_h = 22, label_w = 300, h = (int)n * row_h + 4;

	fprintf(out, "<section id=%s><h2>%s</h2>\n", id, title);
	if (!n) {
		fputs("<p class=none>no refusals</p></section>\n", out);
		return;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		"viewBox=\"0 0 %d %d\" width=\"100%%\">\n", CHART_W, h);
	for (size_t i = 0; i < n; i++) {
		double w = (double)(CHART_W - label_w - 60) * c->v[i].n / max;
		int y = (int)i * row_h;

		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">",
			label_w - 6, y + 15);
		put(out, c->v[i].key);
		fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			"fill=\"#c62828\"/><text x=\"%.1f\" y=\"%d\" font-size=\"12\">%zu"
			"</text>\n", label_w, y + 3, w, row_h - 6,
			label_w + w + 4, y + 15, c->v[i].n);
	}
	fputs("</svg>", out);
	if (c->nr > n)
		fprintf(out, "<p class=meta>and %zu more</p>", c->nr - n);
	fputs("</section>\n", out);
}

/* One of the tables of rows: what differs between them. */
struct table {
	const char *id, *title;	/* the section's id and heading */
	const char *none;	/* said when there is no row */
	const char *columns;	/* <th>s between the pusher and the record */
	void (*cells)(FILE *out, const struct sg_audit_report *r,
		      const struct row *w);
};

static void html_table(FILE *out, const struct sg_audit_report *r,
		       const struct rows *rows, const struct table *t)
{
	fprintf(out, "<section id=%s><h2>%s (%zu)</h2>\n", t->id, t->title,
		rows->nr);
	if (!rows->nr) {
		fprintf(out, "<p class=none>%s</p></section>\n", t->none);
		return;
	}
	fprintf(out, "<table><thead><tr><th>time (UTC)</th><th>repository"
		"</th><th>ref</th><th>pusher</th>%s<th>record</th></tr>"
		"</thead><tbody>\n", t->columns);
	for (size_t i = 0; i < rows->nr; i++) {
		const struct row *w = &rows->v[i];

		fputs("<tr>", out);
		put_time_cell(out, w->time);
		put_cell(out, w->repo);
		put_cell(out, w->ref);
		put_cell(out, w->pusher);
		t->cells(out, r, w);
		put_cell(out, w->id);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void promotion_cells(FILE *out, const struct sg_audit_report *r,
			    const struct row *w)
{
	(void)r;
	put_cell(out, w->version);
	put_cell(out, w->approvers);
	put_cell(out, w->ticket);
	put_cell(out, w->plan);
}

static void rollback_cells(FILE *out, const struct sg_audit_report *r,
			   const struct row *w)
{
	const struct row *next = strcmp(w->decision, "accepted") ? NULL
				 : restored_by(&r->promotions, w);

	put_cell(out, w->decision);
	put_cell(out, w->version);
	put_cell(out, w->reason);
	put_cell(out, next ? next->time : NULL);
}

static const struct table promotions_table = {
	"promotions", "Promotions to prod", "no promotions",
	"<th>version / tag</th><th>approvers</th><th>ticket</th>"
	"<th>rollback plan</th>", promotion_cells
};

static const struct table rollbacks_table = {
	"rollbacks", "Rollbacks and break-glass pushes", "none",
	"<th>decision</th><th>to</th><th>reason</th><th>restored by</th>",
	rollback_cells
};

int sg_audit_report_html(FILE *out, const struct sg_audit_report *r)
{
	html_head(out, r);
	html_chain(out, r);
	html_delivery(out, r);
	html_days(out, r);
	html_bars(out, "by-rule", "Refusals by rule", &r->by_rule);
	html_bars(out, "by-user", "Refusals by user", &r->by_user);
	html_table(out, r, &r->promotions, &promotions_table);
	html_table(out, r, &r->rollbacks, &rollbacks_table);
	fputs("<p class=meta>Figures: a promotion is an accepted update of a "
	      "ref of the environment prod; a rollback is an accepted push "
	      "with the rollback push option; break-glass is a push outside "
	      "a change window by break-glass; change failure "
	      "rate is rollbacks per promotion.</p>\n</body></html>\n", out);
	return ferror(out) ? SG_ERROR : 0;
}

int sg_audit_report_write(const char *path, const char *const *paths,
			  size_t n, const struct sg_audit_filter *f,
			  struct sg_buf *err)
{
	struct sg_audit_report *r = NULL;
	struct sg_buf tmp = SG_BUF_INIT(4096);
	FILE *out = NULL;
	int ret;

	ret = sg_audit_report_new(&r, paths, n, f, err);
	if (ret < 0)
		goto out;
	sg_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	out = fopen(tmp.buf, "wx");
	if (!out) {
		ret = sg_error(err, SG_ERROR, "cannot write '%s': %s", tmp.buf,
			       strerror(errno));
		goto out;
	}
	ret = sg_audit_report_html(out, r);
	if (fclose(out) != 0 || ret < 0) {
		ret = sg_error(err, SG_ERROR, "cannot write '%s'", tmp.buf);
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path) < 0) {
		ret = sg_error(err, SG_ERROR, "cannot rename '%s' to '%s': %s",
			       tmp.buf, path, strerror(errno));
		unlink(tmp.buf);
	}
out:
	sg_audit_report_free(r);
	sg_buf_release(&tmp);
	return ret;
}
