/*
 * audit_read.c -- read the audit log for auditors, away from the server.
 *
 * A line that is not a well-formed record is reported on stderr with its
 * line number, and the rest of the log stays readable. Every string of a
 * record came from a pusher (ref names, identities, push options,
 * finding messages) or from whoever edited the file: it is printed
 * through put(), which escapes control characters (escape.h).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_read.h"
#include "buf.h"
#include "error.h"
#include "escape.h"
#include "json.h"
#include "oidset.h"
#include "sha256.h"
#include "banned.h"

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

typedef sg_audit_record_fn record_fn;

static int each_record(const char *path, const struct sg_audit_filter *f,
		       record_fn fn, void *payload, struct sg_buf *err);

static int days_in(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* `n` digits at `p` into *out; 0 if they are all digits. */
static int digits(const char *p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*out = *out * 10 + (p[i] - '0');
	}
	return 0;
}

/*
 * WHEN as the log writes times: YYYY-MM-DD, then maybe T or a space
 * (as `list` prints it), HH:MM and :SS, and maybe Z. Into `out` as
 * the log's prefix "YYYY-MM-DD[THH:MM[:SS]]".
 */
static int parse_when(char out[20], const char *opt, const char *when,
		      struct sg_buf *err)
{
	size_t len = strlen(when);
	int y, mo, d, h = 0, mi = 0, sec = 0;

	if (len && when[len - 1] == 'Z')
		len--;
	if ((len != 10 && len != 16 && len != 19) ||
	    digits(when, 4, &y) || when[4] != '-' || digits(when + 5, 2, &mo) ||
	    when[7] != '-' || digits(when + 8, 2, &d) ||
	    (len > 10 && ((when[10] != 'T' && when[10] != ' ') ||
			  digits(when + 11, 2, &h) || when[13] != ':' ||
			  digits(when + 14, 2, &mi))) ||
	    (len > 16 && (when[16] != ':' || digits(when + 17, 2, &sec))))
		return sg_error(err, SG_ERROR, "%s '%s': not a time (give "
				"YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or "
				"'YYYY-MM-DD HH:MM:SS' as list prints it, UTC)",
				opt, when);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
	    mi > 59 || sec > 59)
		return sg_error(err, SG_ERROR, "%s '%s': no such date or time",
				opt, when);
	memcpy(out, when, len);
	out[len] = '\0';
	if (len > 10)
		out[10] = 'T';
	return 0;
}

int sg_audit_filter_prepare(struct sg_audit_filter *f, struct sg_buf *err)
{
	if (f->since && parse_when(f->since_buf, "--since", f->since, err) < 0)
		return SG_ERROR;
	if (f->until && parse_when(f->until_buf, "--until", f->until, err) < 0)
		return SG_ERROR;
	if (f->since)
		f->since = f->since_buf;
	if (f->until)
		f->until = f->until_buf;
	static const char *const decisions[] = {
		"accepted", "rejected", "error", "break-glass", "landed",
	};
	int known = !f->decision;

	for (size_t i = 0; !known && i < SG_ARRAY_SIZE(decisions); i++)
		known = !strcmp(f->decision, decisions[i]);
	if (!known)
		return sg_error(err, SG_ERROR, "--decision '%s': give accepted, "
				"rejected, error, break-glass or landed",
				f->decision);
	return 0;
}

int sg_audit_each(const char *const *paths, size_t n,
		  const struct sg_audit_filter *f, sg_audit_record_fn fn,
		  void *payload, struct sg_buf *err)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = each_record(paths[i], f, fn, payload, err);
	return ret;
}

static int glob_or_equal(const char *pattern, const char *s)
{
	return s && (!strcmp(pattern, s) || fnmatch(pattern, s, 0) == 0);
}

static int has_rule(const struct sg_json *rec, const char *pattern)
{
	const struct sg_json *v = sg_json_get(rec, "violations");

	for (size_t i = 0; v && v->kind == SG_JSON_ARRAY && i < v->nr; i++)
		if (glob_or_equal(pattern, sg_json_str(&v->kids[i], "rule",
						       NULL)))
			return 1;
	return 0;
}

static int passes(const struct sg_json *rec, const struct sg_audit_filter *f)
{
	const char *time = sg_json_str(rec, "time", "");

	if (!f)
		return 1;
	if (f->since && strcmp(time, f->since) < 0)
		return 0;
	/* --until 2026-11-21 includes that whole day */
	if (f->until && strncmp(time, f->until, strlen(f->until)) > 0)
		return 0;
	if (f->user && !glob_or_equal(f->user, sg_json_str(rec, "pusher",
							   NULL)))
		return 0;
	if (f->ref && !glob_or_equal(f->ref, sg_json_str(rec, "ref", NULL)))
		return 0;
	if (f->decision && strcmp(f->decision, sg_json_str(rec, "decision",
							    "")))
		return 0;
	if (f->rule && !has_rule(rec, f->rule))
		return 0;
	if (f->break_glass && !sg_json_str(rec, "break_glass_reason", NULL))
		return 0;
	return 1;
}

static int each_record(const char *path, const struct sg_audit_filter *f,
		       record_fn fn, void *payload, struct sg_buf *err)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int ret = 0;

	if (!in)
		return sg_error(err, errno == ENOENT ? SG_ENOTFOUND : SG_ERROR,
				"cannot open audit log '%s': %s", path,
				strerror(errno));
	while (ret == 0 && (len = getline(&line, &cap, in)) >= 0) {
		struct sg_json rec;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (sg_json_parse(&rec, line, (size_t)len, NULL) < 0 ||
		    rec.kind != SG_JSON_OBJECT) {
			fprintf(stderr, "stagegate: %s:%zu: not a well-formed "
				"audit record (skipped)\n", path, lineno);
			sg_json_release(&rec);
			continue;
		}
		if (!strcmp(sg_json_str(&rec, "type", ""), "decision") &&
		    passes(&rec, f))
			ret = fn(&rec, line, (size_t)len, payload);
		sg_json_release(&rec);
	}
	free(line);
	fclose(in);
	return ret;
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
 * What landed: post-receive writes a "landed" record for each ref git
 * really updated. An accepted pre-receive decision is "yes" when its
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
	if (strcmp(sg_json_str(rec, "decision", ""), "landed"))
		return 0;
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

int sg_audit_list(const char *const *paths, size_t n,
		  const struct sg_audit_filter *f, FILE *out,
		  struct sg_buf *err)
{
	struct landing l = { out, n > 1, SG_OIDSET_INIT, -1 };
	int ret = 0;

	fprintf(out, "%-16s %-19s %s%-11s %-6s %-12s %-24s %s\n", "ID",
		"TIME (UTC)", l.repo_col ? "REPOSITORY       " : "", "DECISION",
		"LANDED", "USER", "REF", "RULES");
	/* landed records are per log: read each log twice, in turn */
	for (size_t i = 0; ret == 0 && i < n; i++) {
		l.last_landed_seq = -1;
		ret = sg_audit_each(&paths[i], 1, NULL, note_landed, &l, err);
		if (ret == 0)
			ret = sg_audit_each(&paths[i], 1, f, print_row, &l, err);
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

int sg_audit_export(const char *const *paths, size_t n,
		    const struct sg_audit_filter *f, enum sg_audit_format fmt,
		    FILE *out, struct sg_buf *err)
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

struct counter {
	char *key;
	size_t n;
};

/* key -> count, open addressing: 100,000 distinct refs stay linear */
struct counts {
	struct counter *v;
	size_t nr, cap;
};

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void count(struct counts *c, const char *key)
{
	size_t i;

	if ((c->nr + 1) * 2 > c->cap) {
		struct counts bigger = { NULL, 0, c->cap ? c->cap * 2 : 64 };

		bigger.v = sg_calloc(bigger.cap, sizeof(*bigger.v));
		for (size_t j = 0; j < c->cap; j++) {
			if (!c->v[j].key)
				continue;
			i = hash_str(c->v[j].key) & (bigger.cap - 1);
			while (bigger.v[i].key)
				i = (i + 1) & (bigger.cap - 1);
			bigger.v[i] = c->v[j];
			bigger.nr++;
		}
		free(c->v);
		*c = bigger;
	}
	i = hash_str(key) & (c->cap - 1);
	while (c->v[i].key && strcmp(c->v[i].key, key))
		i = (i + 1) & (c->cap - 1);
	if (!c->v[i].key) {
		c->v[i].key = sg_strdup(key);
		c->nr++;
	}
	c->v[i].n++;
}

static int by_key(const void *a, const void *b)
{
	const struct counter *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int by_count(const void *a, const void *b)
{
	const struct counter *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

struct stats {
	struct counts decision, rule, user, ref, day, repo;
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
	count(&s->decision, sg_json_str(rec, "decision", "-"));
	if (!strcmp(sg_json_str(rec, "decision", ""), "break-glass"))
		s->break_glass++;
	else if (sg_json_str(rec, "break_glass_reason", NULL))
		s->break_glass_refused++;
	count(&s->user, sg_json_str(rec, "pusher", "-"));
	count(&s->ref, sg_json_str(rec, "ref", "-"));
	count(&s->repo, sg_json_str(rec, "repository", "-"));
	snprintf(day, sizeof(day), "%s", sg_json_str(rec, "time", "-"));
	count(&s->day, day);
	for (size_t i = 0; v && v->kind == SG_JSON_ARRAY && i < v->nr; i++)
		count(&s->rule, sg_json_str(&v->kids[i], "rule", "?"));
	return 0;
}

/* Print and free; by count (highest first) or by key. */
static void print_counts(FILE *out, const char *title, struct counts *c,
			 int sort_by_count)
{
	size_t n = 0;

	/* pack the used slots to the front, then sort them */
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].key)
			c->v[n++] = c->v[i];
	if (out)
		fprintf(out, "\n%s\n", title);
	if (n)
		qsort(c->v, n, sizeof(*c->v), sort_by_count ? by_count
							    : by_key);
	for (size_t i = 0; i < n; i++) {
		if (out) {
			fprintf(out, "  %8zu  ", c->v[i].n);
			put(out, c->v[i].key);
			fputc('\n', out);
		}
		free(c->v[i].key);
	}
	free(c->v);
}

int sg_audit_stats(const char *const *paths, size_t n,
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
	print_counts(out, "per decision:", &s.decision, 1);
	print_counts(out, "per rule (violations):", &s.rule, 1);
	print_counts(out, "per user:", &s.user, 1);
	print_counts(out, "per ref:", &s.ref, 1);
	print_counts(out, "per day (UTC):", &s.day, 0);
	if (n > 1)
		print_counts(out, "per repository:", &s.repo, 1);
	else
		print_counts(NULL, NULL, &s.repo, 1);
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

int sg_audit_show(const char *path, const char *id, FILE *out,
		  struct sg_buf *err)
{
	struct show_state st = { id, out, 0 };
	int ret = each_record(path, NULL, show_one, &st, err);

	if (ret == 0 && !st.found)
		return sg_error(err, SG_ENOTFOUND, "no record '%s' in '%s'", id,
				path);
	return ret;
}

/*
 * An outside copy of the chain: the seq and hash of records as a syslog
 * collector (or a backup) holds them, sorted by seq.
 */
struct outside_rec {
	long long seq;
	char hash[65];
	char *repo;		/* as escaped in the syslog line; NULL: any */
	size_t lineno;
	int seen;		/* 1: the log has it, 2: the log differs */
};

struct outside {
	const char *path;
	struct outside_rec *v;
	size_t nr, alloc;
};

struct chain {
	long long seq;		/* expected next sequence number */
	long long first;	/* of the first record read; -1 before */
	char hash[65];		/* of the previous line */
	size_t records;
	int broken;
	struct outside *against;	/* NULL: none */
	char *repo;		/* the log's repository, escaped as in syslog */
};

static int broken(FILE *out, struct chain *c, const char *path, size_t lineno,
		  const char *why)
{
	fputs("BROKEN: ", out);
	put(out, path);
	fprintf(out, ":%zu: ", lineno);
	put(out, why);
	fputc('\n', out);
	c->broken = 1;
	return 1;
}

static int by_seq(const void *a, const void *b)
{
	const struct outside_rec *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Mark the outside records of `seq`: the same hash, or another one. */
static void compare_outside(struct chain *c, long long seq, const char *hash)
{
	struct outside *o = c->against;
	size_t lo = 0, hi = o ? o->nr : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; o && lo < o->nr && o->v[lo].seq == seq; lo++)
		o->v[lo].seen = strcmp(o->v[lo].hash, hash) ? 2 : 1;
}

static int verify_line(struct chain *c, const char *path, size_t lineno,
		       const char *line, size_t len, int first_of_all,
		       FILE *out)
{
	struct sg_json rec;
	const char *prev, *type;
	char msg[512];
	long long seq;

	if (sg_json_parse(&rec, line, len, NULL) < 0 ||
	    rec.kind != SG_JSON_OBJECT || !sg_json_get(&rec, "seq")) {
		sg_json_release(&rec);
		return broken(out, c, path, lineno, "not a well-formed audit "
			      "record (edited or truncated)");
	}
	seq = (long long)sg_json_num(&rec, "seq", -1);
	prev = sg_json_str(&rec, "prev", NULL);
	type = sg_json_str(&rec, "type", "");
	if (first_of_all && lineno == 1) {
		/* the anchor: a seed, or the start of a rotated file */
		if (!strcmp(type, "seed") && (seq != 0 || prev)) {
			sg_json_release(&rec);
			return broken(out, c, path, lineno, "the seed record "
				      "is not the first of its log");
		}
		if (strcmp(type, "seed") && strcmp(type, "rotate")) {
			sg_json_release(&rec);
			return broken(out, c, path, lineno, "the log does not "
				      "start with its seed record (records "
				      "were deleted from the start)");
		}
		c->seq = seq;
		c->first = seq;
	} else if (seq != c->seq) {
		snprintf(msg, sizeof(msg), "record seq %lld where %lld was "
			 "expected: records were deleted, reordered or "
			 "inserted", seq, c->seq);
		sg_json_release(&rec);
		return broken(out, c, path, lineno, msg);
	} else if (!prev || strcmp(prev, c->hash)) {
		sg_json_release(&rec);
		return broken(out, c, path, lineno, "its 'prev' is not the "
			      "SHA-256 of the record before it: that record "
			      "was edited, or records were reordered");
	}
	if (!strcmp(type, "head-mismatch")) {
		/* written by the hook when it found the end of the log cut */
		snprintf(msg, sizeof(msg), "the hook found the log damaged "
			 "before it appended this record: %s",
			 sg_json_str(&rec, "detail", "(no detail)"));
		sg_json_release(&rec);
		return broken(out, c, path, lineno, msg);
	}
	if (!c->repo && !strcmp(type, "decision") &&
	    sg_json_str(&rec, "repository", NULL)) {
		struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		sg_escape_sd(&b, sg_json_str(&rec, "repository", ""),
			     SG_SYSLOG_MAX_REPO);
		c->repo = sg_buf_detach(&b);
	}
	sg_json_release(&rec);
	sg_sha256_hex(c->hash, line, len);
	compare_outside(c, seq, c->hash);
	c->seq = seq + 1;
	c->records++;
	return 0;
}

static int verify_head(struct chain *c, const char *path, FILE *out)
{
	struct sg_buf head = SG_BUF_INIT(4096), name = SG_BUF_INIT(4096);
	struct sg_buf msg = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_json rec;
	int ret = 0, got;

	sg_buf_addf(&name, "%s.head", path);
	got = sg_buf_read_file(&head, name.buf, NULL);
	if (got == SG_ENOTFOUND) {
		/*
		 * Every append writes the head: a log with records and no
		 * head lost it, and with it the proof that its end is whole.
		 */
		sg_buf_addf(&msg, "no '%s' beside the log: records may have "
			    "been cut off the end (every append writes it: "
			    "copy it with the log; give a rotated file with "
			    "the files after it, the current log last)",
			    name.buf);
		ret = broken(out, c, path, 0, msg.buf);
	} else if (got < 0 ||
		   sg_json_parse(&rec, head.buf, head.len, NULL) < 0) {
		ret = broken(out, c, name.buf, 1, "the head file is damaged");
	} else {
		long long seq = (long long)sg_json_num(&rec, "seq", -1);

		if (seq != c->seq - 1 ||
		    strcmp(sg_json_str(&rec, "hash", ""), c->hash)) {
			sg_buf_addf(&msg, "the log ends at seq %lld but its "
				    "head records seq %lld: the log was "
				    "truncated or its end was edited",
				    c->seq - 1, seq);
			ret = broken(out, c, path, 0, msg.buf);
		}
		sg_json_release(&rec);
	}
	sg_buf_release(&msg);
	sg_buf_release(&head);
	sg_buf_release(&name);
	return ret;
}

/* The value of parameter `name` in structured data at `sd`, raw. */
static char *sd_param(const char *sd, const char *name)
{
	const char *p = sd;

	while (*p && *p != ']') {
		const char *start = p, *eq = strchr(p, '='), *v;

		if (!eq || eq[1] != '"')
			return NULL;
		v = eq + 2;
		for (p = v; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;	/* \", \\ or \] */
		if (!*p)
			return NULL;
		if ((size_t)(eq - start) == strlen(name) &&
		    !memcmp(start, name, strlen(name)))
			return sg_strndup(v, (size_t)(p - v));
		p++;
		if (*p == ' ')
			p++;
	}
	return NULL;
}

static int parse_seq(const char *s, size_t len, long long *out)
{
	long long v = 0;

	if (!len || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int is_hash(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

/*
 * The seq and hash of one line of an outside copy, in one of its forms:
 * a syslog line with our structured data (whatever the collector put
 * before it), a record of the log itself (a backup), "SEQ HASH", or a
 * syslog line whose message alone was kept ("seq=N hash=H ..."). 0 if
 * the line holds none.
 */
static int parse_outside(struct outside_rec *r, const char *line, size_t len)
{
	/*
	 * Our structured data starts with seq="...": a pusher's text can
	 * hold no unescaped '"', so this cannot be forged by a ref or login.
	 */
	const char *sd = strstr(line, "[" SG_SYSLOG_SD_ID " seq=\""), *p;
	char *seq = NULL, *hash = NULL;
	int ok = 0;

	memset(r, 0, sizeof(*r));
	if (sd) {
		sd += strlen("[" SG_SYSLOG_SD_ID " ");
		seq = sd_param(sd, "seq");
		hash = sd_param(sd, "hash");
		ok = seq && hash && parse_seq(seq, strlen(seq), &r->seq) == 0 &&
		     is_hash(hash, strlen(hash));
		if (ok) {
			memcpy(r->hash, hash, 65);
			r->repo = sd_param(sd, "repo");
		}
		free(seq);
		free(hash);
		if (ok)
			return 1;
	}
	if (len && line[0] == '{') {
		struct sg_json rec;

		if (sg_json_parse(&rec, line, len, NULL) == 0 &&
		    sg_json_get(&rec, "seq")) {
			const char *repo = sg_json_str(&rec, "repository",
						       NULL);

			r->seq = (long long)sg_json_num(&rec, "seq", -1);
			sg_sha256_hex(r->hash, line, len);
			ok = r->seq >= 0;
			if (ok && repo) {
				struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

				/* as a syslog line would name it */
				sg_escape_sd(&b, repo, SG_SYSLOG_MAX_REPO);
				r->repo = sg_buf_detach(&b);
			}
		}
		sg_json_release(&rec);
		return ok;
	}
	p = line + strspn(line, " \t");
	{
		size_t digits = strspn(p, "0123456789");
		const char *h = p + digits + strspn(p + digits, " \t");
		size_t hl = strspn(h, "0123456789abcdef");

		if (digits && h > p + digits && is_hash(h, hl) &&
		    h[hl + strspn(h + hl, " \t\r")] == '\0' &&
		    parse_seq(p, digits, &r->seq) == 0) {
			memcpy(r->hash, h, 64);
			return 1;
		}
	}
	for (p = strstr(line, "seq="); p; p = strstr(p + 1, "seq=")) {
		size_t digits = strspn(p + 4, "0123456789");
		const char *h = p + 4 + digits;

		if ((p == line || p[-1] == ' ') && digits &&
		    !strncmp(h, " hash=", 6) && is_hash(h + 6, 64) &&
		    (h[70] == ' ' || h[70] == '\0') &&
		    parse_seq(p + 4, digits, &r->seq) == 0) {
			memcpy(r->hash, h + 6, 64);
			return 1;
		}
	}
	return 0;
}

static void outside_release(struct outside *o)
{
	for (size_t i = 0; i < o->nr; i++)
		free(o->v[i].repo);
	free(o->v);
}

static int load_outside(struct outside *o, const char *path,
			struct sg_buf *err)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!in)
		return sg_error(err, SG_ERROR, "cannot open '%s': %s", path,
				strerror(errno));
	while ((len = getline(&line, &cap, in)) >= 0) {
		struct outside_rec r;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!parse_outside(&r, line, (size_t)len))
			continue;
		r.lineno = lineno;
		SG_ALLOC_GROW(o->v, o->nr + 1, o->alloc);
		o->v[o->nr++] = r;
	}
	free(line);
	fclose(in);
	if (!o->nr)
		return sg_error(err, SG_ERROR, "'%s' holds no stagegate seq and "
				"hash (syslog lines, log records or 'SEQ HASH' "
				"lines)", path);
	/* stable for equal seqs: the outside file's order */
	qsort(o->v, o->nr, sizeof(*o->v), by_seq);
	return 0;
}

/* Each record of the outside copy must be in the log, the same. */
static void check_outside(struct chain *c, FILE *out)
{
	struct outside *o = c->against;
	size_t agree = 0, older = 0, other = 0, shown = 0, bad = 0;
	char msg[512];

	for (size_t i = 0; i < o->nr; i++) {
		const struct outside_rec *r = &o->v[i];

		if (r->repo && c->repo && strcmp(r->repo, c->repo)) {
			other++;	/* another repository's line */
			continue;
		}
		if (r->seq < c->first) {
			older++;
			continue;
		}
		if (r->seen == 1) {
			agree++;
			continue;
		}
		bad++;
		if (shown++ >= 10)
			continue;
		if (r->seen == 2)
			snprintf(msg, sizeof(msg), "record seq %lld is not the "
				 "one the outside copy has (line %zu): the log "
				 "was rewritten", r->seq, r->lineno);
		else
			snprintf(msg, sizeof(msg), "the log lacks record seq "
				 "%lld that the outside copy has (line %zu): "
				 "records were cut off or deleted", r->seq,
				 r->lineno);
		broken(out, c, o->path, 0, msg);
	}
	if (bad > shown)
		fprintf(out, "BROKEN: ... and %zu more disagreement(s) with "
			"the outside copy\n", bad - shown);
	if (!bad && !agree)
		broken(out, c, o->path, 0, "the outside copy holds no record "
		       "of this log: it is another log, or this log was "
		       "replaced");
	if (older)
		fprintf(out, "note: %zu record(s) of the outside copy are "
			"older than the first file given (give the rotated "
			"files too)\n", older);
	if (other)
		fprintf(out, "note: %zu line(s) of the outside copy are from "
			"other repositories\n", other);
	if (!c->broken)
		fprintf(out, "OK: %zu record(s) agree with the outside copy\n",
			agree);
}

int sg_audit_verify_files(const char *const *paths, size_t n,
			  const char *against, FILE *out, struct sg_buf *err)
{
	struct chain c = { 0, -1, "", 0, 0, NULL, NULL };
	struct outside o = { 0 };
	int ret = 0;

	if (against) {
		ret = load_outside(&o, against, err);
		if (ret < 0)
			goto out;
		c.against = &o;
	}
	for (size_t i = 0; i < n && !c.broken; i++) {
		FILE *in = fopen(paths[i], "r");
		char *line = NULL;
		size_t cap = 0, lineno = 0;
		ssize_t len;

		if (!in) {
			ret = sg_error(err, SG_ERROR, "cannot open audit log "
				       "'%s': %s", paths[i], strerror(errno));
			goto out;
		}
		while (!c.broken && (len = getline(&line, &cap, in)) >= 0) {
			lineno++;
			if (line[len - 1] != '\n') {
				broken(out, &c, paths[i], lineno, "the last "
				       "record is cut off (the file was "
				       "truncated)");
				break;
			}
			line[--len] = '\0';
			verify_line(&c, paths[i], lineno, line, (size_t)len,
				    i == 0, out);
		}
		free(line);
		fclose(in);
		if (!c.broken && lineno == 0)
			broken(out, &c, paths[i], 0, "the log is empty");
	}
	if (!c.broken)
		verify_head(&c, paths[n - 1], out);
	if (!c.broken && against)
		check_outside(&c, out);
	if (c.broken) {
		ret = 1;
		goto out;
	}
	fprintf(out, "OK: %zu record(s), seq up to %lld, hash chain intact\n",
		c.records, c.seq - 1);
out:
	outside_release(&o);
	free(c.repo);
	return ret;
}
