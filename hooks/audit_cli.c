/*
 * audit_cli.c -- what `stagegate audit` prints: the list, the exports,
 * the counts, one record, verify's verdict.
 *
 * The library reads, filters and verifies (common/audit_read.c) and
 * prints nothing; this module turns its records and notes into the
 * terminal's text. Every string of a record came from a pusher (ref
 * names, identities, push options, finding messages) or from whoever
 * edited the file: it is printed through put(), which escapes control
 * characters (escape.h).
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "../common/audit_read.h"
#include "../common/buf.h"
#include "../common/counts.h"
#include "../common/error.h"
#include "../common/escape.h"
#include "../common/json.h"
#include "../common/oidset.h"
#include "../common/sha256.h"
#include "audit_cli.h"
#include "../common/banned.h"

/* `s` on a terminal: escaped, padded to `width` (0: none). */
static void put_col(FILE *out, const char *s, int width)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_escape_str(&b, s, 0);
	fprintf(out, "%-*s", width, b.buf);
	sg_buf_release(&b);
}

static void put(FILE *out, const char *s)
{
	put_col(out, s, 0);
}

/* "approval.missing,tested.untagged" (errors only) into `out`. */
static void rules_of(const struct sg_json *rec, struct sg_buf *out)
{
	const struct sg_json *v = sg_json_get(rec, "violations");

	for (size_t i = 0; v && v->kind == SG_JSON_ARRAY && i < v->nr; i++) {
		const char *r = sg_json_str(&v->kids[i], "rule", "?");

		if (strcmp(sg_json_str(&v->kids[i], "severity", ""), "error"))
			continue;
		if (out->len)
			sg_buf_addch(out, ',');
		sg_buf_adds(out, r);
	}
}

/*
 * What landed: post-receive writes a record of type "landed" for each
 * ref git really updated (not a decision: list, export and stats count
 * decisions). An accepted pre-receive decision is "yes" when its
 * ref, old and new landed, "no" when a later post-receive ran without
 * it (another hook refused it), and "?" before any post-receive ran.
 */
struct landing {
	FILE *out;
	int repo_col;		/* several logs: say whose record it is */
	struct sg_oidset landed;	/* key_of() of each landed update */
	double last_landed_seq;		/* -1: no landed record */
};

static void key_of(const struct sg_json *rec, git_oid *out)
{
	struct sg_buf key = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char hex[65];

	sg_buf_addf(&key, "%s %s %s %s", sg_json_str(rec, "repository", ""),
		    sg_json_str(rec, "ref", ""),
		    sg_json_str(rec, "old", ""), sg_json_str(rec, "new", ""));
	sg_sha256_hex(hex, key.buf, key.len);
	hex[GIT_OID_HEXSZ] = '\0';
	git_oid_fromstr(out, hex);
	sg_buf_release(&key);
}

static int note_landed(const struct sg_json *rec, const char *line,
		       size_t len, void *payload)
{
	struct landing *l = payload;
	git_oid key;

	(void)line; (void)len;
	key_of(rec, &key);
	sg_oidset_insert(&l->landed, &key);
	l->last_landed_seq = sg_json_num(rec, "seq", -1);
	return 0;
}

static const char *landed_state(const struct landing *l,
				const struct sg_json *rec)
{
	git_oid key;

	if ((strcmp(sg_json_str(rec, "decision", ""), "accepted") &&
	     strcmp(sg_json_str(rec, "decision", ""), "break-glass")) ||
	    strcmp(sg_json_str(rec, "hook", ""), "pre-receive"))
		return "-";
	key_of(rec, &key);
	if (sg_oidset_contains(&l->landed, &key))
		return "yes";
	return sg_json_num(rec, "seq", -1) < l->last_landed_seq ? "no" : "?";
}

/* The last component of a repository's path ("/srv/app.git": app.git). */
static const char *repo_name(const struct sg_json *rec)
{
	const char *repo = sg_json_str(rec, "repository", "-");
	size_t len = strlen(repo);
	const char *slash;

	while (len > 1 && repo[len - 1] == '/')
		len--;
	for (slash = repo + len; slash > repo && slash[-1] != '/'; slash--)
		;
	return *slash ? slash : repo;
}

static int print_row(const struct sg_json *rec, const char *line, size_t len,
		     void *payload)
{
	struct sg_buf rules = SG_BUF_INIT(64 * 1024);
	const char *time = sg_json_str(rec, "time", "");
	struct landing *l = payload;
	FILE *out = l->out;

	char day[11], clock[9];

	(void)line; (void)len;
	rules_of(rec, &rules);
	snprintf(day, sizeof(day), "%s", time);
	snprintf(clock, sizeof(clock), "%s", strlen(time) > 11 ? time + 11
		 : "");
	put_col(out, sg_json_str(rec, "id", "-"), 16);
	fputc(' ', out);
	put(out, day);
	fputc(' ', out);
	put_col(out, clock, 8);
	fputs("  ", out);
	if (l->repo_col) {
		struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		/* a repository's name is not cut: it says whose record */
		sg_buf_adds(&b, repo_name(rec));
		put_col(out, b.buf, 16);
		fputc(' ', out);
		sg_buf_release(&b);
	}
	put_col(out, sg_json_str(rec, "decision", "-"), 11);
	fputc(' ', out);
	put_col(out, landed_state(l, rec), 6);
	fputc(' ', out);
	put_col(out, sg_json_str(rec, "pusher", "-"), 12);
	fputc(' ', out);
	put_col(out, sg_json_str(rec, "ref", "-"), 24);
	fputc(' ', out);
	put(out, rules.len ? rules.buf : sg_json_str(rec, "error", "-"));
	if (sg_json_str(rec, "break_glass_reason", NULL)) {
		fputs("  break-glass: ", out);
		put(out, sg_json_str(rec, "break_glass_reason", ""));
	}
	fputc('\n', out);
	sg_buf_release(&rules);
	return 0;
}

int sg_audit_cli_list(const char *const *paths, size_t n,
		      const struct sg_audit_filter *f, FILE *out,
		      struct sg_buf *err)
{
	struct landing l = { out, n > 1, SG_OIDSET_INIT, -1 };
	struct sg_audit_filter any = { 0 };
	int ret = 0;

	any.skipped = f ? f->skipped : NULL;
	fprintf(out, "%-16s %-19s %s%-11s %-6s %-12s %-24s %s\n", "ID",
		"TIME (UTC)", l.repo_col ? "REPOSITORY       " : "", "DECISION",
		"LANDED", "USER", "REF", "RULES");
	/* landed records are per log: read each log twice, in turn */
	for (size_t i = 0; ret == 0 && i < n; i++) {
		l.last_landed_seq = -1;
		ret = sg_audit_each_of_type(paths[i], "landed", &any,
					    note_landed, &l, err);
		if (ret == 0)
			ret = sg_audit_each_of_type(paths[i], "decision", f,
						    print_row, &l, err);
	}
	sg_oidset_release(&l.landed);
	return ret;
}

struct export_state {
	FILE *out;
	enum sg_audit_format fmt;
	size_t n;
};

/*
 * One quoted field, escaped for a terminal; a value a spreadsheet would
 * run as a formula (=, +, -, @ first) gets a leading apostrophe.
 */
static void csv_field(FILE *out, const char *s, int last)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_escape_str(&b, s, 0);
	fputc('"', out);
	if (b.len && strchr("=+-@", b.buf[0]))
		fputc('\'', out);
	for (const char *p = b.buf; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
	fputc(last ? '\n' : ',', out);
	sg_buf_release(&b);
}

static void join_strings(const struct sg_json *arr, struct sg_buf *out)
{
	for (size_t i = 0; arr && arr->kind == SG_JSON_ARRAY && i < arr->nr;
	     i++)
		if (arr->kids[i].kind == SG_JSON_STRING)
			sg_buf_addf(out, "%s%s", out->len ? "," : "",
				    arr->kids[i].string);
}

static int export_one(const struct sg_json *rec, const char *line,
		      size_t len, void *payload)
{
	static const char *const cols[] = {
		"id", "time", "repository", "pusher", "pusher_source",
		"transport", "ref", "old", "new", "decision", "error",
		"tested_tag", "rollback_reason", "policy_sha256", "version",
		"break_glass_reason",
	};
	struct export_state *st = payload;
	struct sg_buf b = SG_BUF_INIT(1 << 20);
	char num[32];

	if (st->fmt == SG_AUDIT_JSON) {
		fputs(st->n ? ",\n" : "", st->out);
		fwrite(line, 1, len, st->out);
		st->n++;
		return 0;
	}
	for (size_t i = 0; i < SG_ARRAY_SIZE(cols); i++)
		csv_field(st->out, sg_json_str(rec, cols[i], ""), 0);
	rules_of(rec, &b);
	csv_field(st->out, b.buf, 0);
	sg_buf_reset(&b);
	join_strings(sg_json_get(rec, "approvers"), &b);
	csv_field(st->out, b.buf, 0);
	snprintf(num, sizeof(num), "%.0f", sg_json_num(rec, "duration_ms", 0));
	csv_field(st->out, num, 1);
	sg_buf_release(&b);
	st->n++;
	return 0;
}

int sg_audit_cli_export(const char *const *paths, size_t n,
			const struct sg_audit_filter *f,
			enum sg_audit_format fmt, FILE *out,
			struct sg_buf *err)
{
	struct export_state st = { out, fmt, 0 };
	int ret;

	if (fmt == SG_AUDIT_JSON)
		fputs("[\n", out);
	else
		fputs("id,time,repository,pusher,pusher_source,transport,ref,"
		      "old,new,decision,error,tested_tag,rollback_reason,"
		      "policy_sha256,version,break_glass_reason,rules,"
		      "approvers,duration_ms\n",
		      out);
	ret = sg_audit_each(paths, n, f, export_one, &st, err);
	if (fmt == SG_AUDIT_JSON)
		fputs(st.n ? "\n]\n" : "]\n", out);
	return ret;
}

struct stats {
	struct sg_counts decision, rule, user, ref, day, repo;
	size_t total;
	size_t break_glass, break_glass_refused;
};

static int stat_one(const struct sg_json *rec, const char *line, size_t len,
		    void *payload)
{
	struct stats *s = payload;
	const struct sg_json *v = sg_json_get(rec, "violations");
	char day[11];

	(void)line; (void)len;
	s->total++;
	sg_counts_add(&s->decision, sg_json_str(rec, "decision", "-"));
	if (!strcmp(sg_json_str(rec, "decision", ""), "break-glass"))
		s->break_glass++;
	else if (sg_json_str(rec, "break_glass_reason", NULL))
		s->break_glass_refused++;
	sg_counts_add(&s->user, sg_json_str(rec, "pusher", "-"));
	sg_counts_add(&s->ref, sg_json_str(rec, "ref", "-"));
	sg_counts_add(&s->repo, sg_json_str(rec, "repository", "-"));
	snprintf(day, sizeof(day), "%s", sg_json_str(rec, "time", "-"));
	sg_counts_add(&s->day, day);
	for (size_t i = 0; v && v->kind == SG_JSON_ARRAY && i < v->nr; i++)
		sg_counts_add(&s->rule, sg_json_str(&v->kids[i], "rule", "?"));
	return 0;
}

/* Print and free; by count (highest first) or by key. */
static void print_counts(FILE *out, const char *title, struct sg_counts *c,
			 enum sg_counts_order order)
{
	sg_counts_sort(c, order);
	if (out) {
		fprintf(out, "\n%s\n", title);
		for (size_t i = 0; i < c->nr; i++) {
			fprintf(out, "  %8zu  ", c->v[i].n);
			put(out, c->v[i].key);
			fputc('\n', out);
		}
	}
	sg_counts_release(c);
}

int sg_audit_cli_stats(const char *const *paths, size_t n,
		       const struct sg_audit_filter *f, FILE *out,
		       struct sg_buf *err)
{
	struct stats s;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = sg_audit_each(paths, n, f, stat_one, &s, err);
	fprintf(out, "%zu decision record(s)\n", s.total);
	fprintf(out, "break-glass: %zu used, %zu refused\n", s.break_glass,
		s.break_glass_refused);
	print_counts(out, "per decision:", &s.decision, SG_COUNTS_BY_COUNT);
	print_counts(out, "per rule (violations):", &s.rule,
		     SG_COUNTS_BY_COUNT);
	print_counts(out, "per user:", &s.user, SG_COUNTS_BY_COUNT);
	print_counts(out, "per ref:", &s.ref, SG_COUNTS_BY_COUNT);
	print_counts(out, "per day (UTC):", &s.day, SG_COUNTS_BY_KEY);
	print_counts(n > 1 ? out : NULL, "per repository:", &s.repo,
		     SG_COUNTS_BY_COUNT);
	return ret;
}

struct show_state {
	const char *id;
	FILE *out;
	size_t found;
};

static void show_value(FILE *out, const struct sg_json *v)
{
	switch (v->kind) {
	case SG_JSON_NULL: fputs("-", out); break;
	case SG_JSON_BOOL: fputs(v->number ? "true" : "false", out); break;
	case SG_JSON_NUMBER: fprintf(out, "%.0f", v->number); break;
	case SG_JSON_STRING: put(out, v->string); break;
	case SG_JSON_ARRAY:
		for (size_t i = 0; i < v->nr; i++) {
			if (i)
				fputs(", ", out);
			show_value(out, &v->kids[i]);
		}
		break;
	case SG_JSON_OBJECT:
		for (size_t i = 0; i < v->nr; i++) {
			fputs(i ? ", " : "", out);
			put(out, v->kids[i].key);
			fputc('=', out);
			show_value(out, &v->kids[i]);
		}
		break;
	}
}

static int show_one(const struct sg_json *rec, const char *line, size_t len,
		    void *payload)
{
	struct show_state *st = payload;
	const char *id = sg_json_str(rec, "id", "");
	size_t n = strlen(st->id);

	(void)line; (void)len;
	if (strcmp(id, st->id) && (strncmp(id, st->id, n) || id[n] != '.'))
		return 0;
	if (st->found++)
		fputc('\n', st->out);
	for (size_t i = 0; i < rec->nr; i++) {
		const struct sg_json *v = &rec->kids[i];

		if (!strcmp(v->key, "violations")) {
			fprintf(st->out, "%-16s %zu\n", "violations:", v->nr);
			for (size_t j = 0; j < v->nr; j++) {
				const struct sg_json *f = &v->kids[j];
				const char *commit = sg_json_str(f, "commit",
								 NULL);
				const char *p = sg_json_str(f, "path", NULL);

				fputs("  ", st->out);
				put(st->out, sg_json_str(f, "severity", "?"));
				fputs(" [", st->out);
				put(st->out, sg_json_str(f, "rule", "?"));
				fputc(']', st->out);
				if (commit) {
					char c10[11];

					snprintf(c10, sizeof(c10), "%s",
						 commit);
					fputs(" commit ", st->out);
					put(st->out, c10);
				}
				if (p) {
					fputc(' ', st->out);
					put(st->out, p);
					fprintf(st->out, ":%.0f",
						sg_json_num(f, "line", 0));
				}
				fputs(": ", st->out);
				put(st->out, sg_json_str(f, "message", ""));
				fputc('\n', st->out);
			}
			continue;
		}
		put_col(st->out, v->key, 16);
		fputc(' ', st->out);
		show_value(st->out, v);
		fputc('\n', st->out);
	}
	return 0;
}

int sg_audit_cli_show(const char *path, const char *id, FILE *out,
		      struct sg_buf *err)
{
	struct show_state st = { id, out, 0 };
	struct sg_audit_filter any = { 0 };
	int ret;

	any.skipped = sg_audit_cli_skipped;
	ret = sg_audit_each_of_type(path, "decision", &any, show_one, &st,
				    err);
	if (ret == 0 && !st.found)
		return sg_error(err, SG_ENOTFOUND, "no record '%s' in '%s'", id,
				path);
	return ret;
}

int sg_audit_cli_verify(const char *const *paths, size_t n,
			const char *against, FILE *out, struct sg_buf *err)
{
	struct sg_audit_verdict v = SG_AUDIT_VERDICT_INIT;
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret = sg_audit_verify_files(&v, paths, n, against, err);

	sg_audit_verdict_text(&text, &v);
	fputs(text.buf, out);
	sg_buf_release(&text);
	sg_audit_verdict_release(&v);
	return ret;
}

void sg_audit_cli_skipped(const char *path, size_t lineno)
{
	fprintf(stderr, "stagegate: %s:%zu: not a well-formed audit record "
		"(skipped)\n", path, lineno);
}
