/*
 * audit_read.c -- read the audit log for auditors, away from the server.
 *
 * The library side: records are handed to a callback, what verify found
 * is returned as notes; nothing is printed here (hooks/audit_cli.c prints
 * for `stagegate audit`). A line that is not a well-formed record is
 * told to the filter's `skipped` callback with its line number, and the
 * rest of the log stays readable. Every string of a record came from a
 * pusher or from whoever edited the file: verify's text escapes control
 * characters (escape.h), as the CLI does for everything it prints.
 */
#include <errno.h>
#include <stdarg.h>
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

typedef sg_audit_record_fn record_fn;

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
		"accepted", "rejected", "error", "break-glass",
	};
	int known = !f->decision;

	for (size_t i = 0; !known && i < SG_ARRAY_SIZE(decisions); i++)
		known = !strcmp(f->decision, decisions[i]);
	if (!known)
		return sg_error(err, SG_ERROR, "--decision '%s': give accepted, "
				"rejected, error or break-glass",
				f->decision);
	return 0;
}

int sg_audit_each(const char *const *paths, size_t n,
		  const struct sg_audit_filter *f, sg_audit_record_fn fn,
		  void *payload, struct sg_buf *err)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = sg_audit_each_of_type(paths[i], "decision", f, fn,
					    payload, err);
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
	if (f->repo && !glob_or_equal(f->repo, sg_json_str(rec, "repository",
							   NULL)))
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

int sg_audit_each_of_type(const char *path, const char *type,
			  const struct sg_audit_filter *f, record_fn fn,
			  void *payload, struct sg_buf *err)
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
			if (f && f->skipped)
				f->skipped(path, lineno);
			sg_json_release(&rec);
			continue;
		}
		if (!strcmp(sg_json_str(&rec, "type", ""), type) &&
		    passes(&rec, f))
			ret = fn(&rec, line, (size_t)len, payload);
		sg_json_release(&rec);
	}
	free(line);
	fclose(in);
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
	/* sg_audit_verify_each: each decision record that passes `f` */
	const struct sg_audit_filter *f;
	record_fn fn;
	void *payload;
};

static void note(struct sg_audit_verdict *out, const char *path,
		 size_t lineno, const char *text)
{
	struct sg_audit_note *n;

	SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	n = &out->v[out->nr++];
	n->path = path ? sg_strdup(path) : NULL;
	n->lineno = lineno;
	n->text = sg_strdup(text);
}

/* A line of its own ("OK: ...", "note: ..."), as verify prints it. */
static void say(struct sg_audit_verdict *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct sg_audit_verdict *out, const char *fmt, ...)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	va_list ap;

	va_start(ap, fmt);
	sg_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	note(out, NULL, 0, b.buf);
	sg_buf_release(&b);
}

static int broken(struct sg_audit_verdict *out, struct chain *c,
		  const char *path, size_t lineno, const char *why)
{
	note(out, path, lineno, why);
	c->broken = 1;
	out->broken = 1;
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
		       struct sg_audit_verdict *out)
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
	if (c->fn && !strcmp(type, "decision") && passes(&rec, c->f))
		c->fn(&rec, line, len, c->payload);
	sg_json_release(&rec);
	sg_sha256_hex(c->hash, line, len);
	compare_outside(c, seq, c->hash);
	c->seq = seq + 1;
	c->records++;
	return 0;
}

static int verify_head(struct chain *c, const char *path,
		       struct sg_audit_verdict *out)
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
static void check_outside(struct chain *c, struct sg_audit_verdict *out)
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
		say(out, "BROKEN: ... and %zu more disagreement(s) with "
			"the outside copy", bad - shown);
	if (!bad && !agree)
		broken(out, c, o->path, 0, "the outside copy holds no record "
		       "of this log: it is another log, or this log was "
		       "replaced");
	if (older)
		say(out, "note: %zu record(s) of the outside copy are "
			"older than the first file given (give the rotated "
			"files too)", older);
	if (other)
		say(out, "note: %zu line(s) of the outside copy are from "
			"other repositories", other);
	if (!c->broken)
		say(out, "OK: %zu record(s) agree with the outside copy",
			agree);
}

static int verify(struct sg_audit_verdict *out, const char *const *paths,
		  size_t n, const char *against, struct chain *cp,
		  struct sg_buf *err);

int sg_audit_verify_files(struct sg_audit_verdict *out,
			  const char *const *paths, size_t n,
			  const char *against, struct sg_buf *err)
{
	struct chain c = { 0, -1, "", 0, 0, NULL, NULL, NULL, NULL, NULL };

	return verify(out, paths, n, against, &c, err);
}

int sg_audit_verify_each(struct sg_audit_verdict *out,
			 const char *const *paths, size_t n,
			 const struct sg_audit_filter *f,
			 sg_audit_record_fn fn, void *payload,
			 struct sg_buf *err)
{
	struct chain c = { 0, -1, "", 0, 0, NULL, NULL, f, fn, payload };

	return verify(out, paths, n, NULL, &c, err);
}

static int verify(struct sg_audit_verdict *out, const char *const *paths,
		  size_t n, const char *against, struct chain *cp,
		  struct sg_buf *err)
{
	struct chain c = *cp;
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
	say(out, "OK: %zu record(s), seq up to %lld, hash chain intact",
		c.records, c.seq - 1);
out:
	outside_release(&o);
	free(c.repo);
	return ret;
}

void sg_audit_verdict_text(struct sg_buf *out,
			   const struct sg_audit_verdict *v)
{
	for (size_t i = 0; i < v->nr; i++) {
		const struct sg_audit_note *n = &v->v[i];

		if (n->path) {
			sg_buf_adds(out, "BROKEN: ");
			sg_escape_str(out, n->path, 0);
			sg_buf_addf(out, ":%zu: ", n->lineno);
			sg_escape_str(out, n->text, 0);
		} else {
			sg_buf_adds(out, n->text);
		}
		sg_buf_addch(out, '\n');
	}
}

void sg_audit_verdict_release(struct sg_audit_verdict *v)
{
	for (size_t i = 0; i < v->nr; i++) {
		free(v->v[i].path);
		free(v->v[i].text);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}
