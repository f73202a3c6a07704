/*
 * audit.c -- append decisions to the audit log.
 *
 * Concurrency: every writer takes an exclusive flock() on "<log>.lock"
 * (a separate file, so that rotation can rename the log safely), reads
 * the last record for its hash and sequence number, writes each record
 * with a single write(), fsyncs, and updates "<log>.head" (the last
 * sequence number and hash, so that truncation at a record boundary is
 * detected too). A short write is rolled back with ftruncate().
 *
 * The head is checked before each append: a log that ends before its
 * head (records cut off the end), or a head that is gone, is written
 * into the chain as a "head-mismatch" record, so the next push cannot
 * paper over the cut by writing a fresh head.
 *
 * Syslog: each decision goes, once it is on disk, to the local socket
 * and/or a collector (RFC 5424; RFC 5426 over UDP, RFC 6587 octet
 * counting over TCP), carrying the record's seq and hash so that an
 * outside copy of the chain exists (stagegate audit verify --against).
 * Sockets are connected before the lock is taken, so a dead collector
 * costs at most SYSLOG_TIMEOUT_MS and never holds other pushers up.
 */
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <libgen.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "error.h"
#include "escape.h"
#include "json.h"
#include "limits.h"
#include "push.h"
#include "report.h"
#include "sha256.h"
#include "version.h"
#include "banned.h"

static void random_hex(char *out, size_t bytes)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t got = 0;

	if (bytes > sizeof(raw))
		SG_BUG("too many random bytes");
	while (got < bytes) {
		ssize_t n = getrandom(raw + got, bytes - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			SG_BUG("getrandom failed: %s", strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[2 * bytes] = '\0';
}

void sg_audit_new_push_id(char id[SG_PUSH_ID_LEN + 1])
{
	random_hex(id, SG_PUSH_ID_LEN / 2);
}

static void utc_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

/* A TCP collector gets this long to accept the connection and the data. */
#define SYSLOG_TIMEOUT_MS 1000
/* RFC 5426: a receiver should take 2048 octets; keep a message near it. */
#define SYSLOG_MAX_REF 256
#define SYSLOG_MAX_USER 128
#define SYSLOG_MAX_RULES 512

/* ,"key":"val" (or null); < 0 when the buffer's cap cut it short */
static int add_str(struct sg_buf *b, const char *key, const char *val)
{
	if (sg_buf_addf(b, ",\"%s\":", key) < 0)
		return SG_ELIMIT;
	return val ? sg_escape_json(b, val) : sg_buf_adds(b, "null");
}

/* Platform context: the variables that say how the push arrived. */
static void add_context(struct sg_buf *b)
{
	static const char *const vars[] = {
		"GIT_PROTOCOL", "GL_PROTOCOL", "GL_ID", "GL_REPOSITORY",
		"GITHUB_VIA", "GITHUB_REPO_NAME", "GITEA_REPO_NAME",
		"SSH_CONNECTION", "REMOTE_ADDR", NULL
	};
	const char *transport = getenv("SSH_CONNECTION") ? "ssh"
				: getenv("GATEWAY_INTERFACE") ||
				  getenv("REMOTE_ADDR") ? "http"
				: getenv("GL_PROTOCOL") ? getenv("GL_PROTOCOL")
				: "local";
	int first = 1;

	add_str(b, "transport", transport);
	sg_buf_adds(b, ",\"context\":{");
	for (const char *const *v = vars; *v; v++) {
		const char *val = getenv(*v);

		if (!val)
			continue;
		sg_buf_addf(b, "%s\"%s\":", first ? "" : ",", *v);
		sg_escape_json(b, val);
		first = 0;
	}
	sg_buf_addch(b, '}');
}

/* One finding as a JSON object; < 0 if it does not fit its buffer. */
static int finding_json(struct sg_buf *b, const struct sg_finding *f)
{
	int bad = sg_buf_adds(b, "{\"rule\":") < 0 ||
		  sg_escape_json(b, f->rule) < 0 ||
		  add_str(b, "severity", sg_severity_name(f->severity)) < 0 ||
		  add_str(b, "commit", *f->commit ? f->commit : NULL) < 0 ||
		  add_str(b, "path", f->path) < 0 ||
		  sg_buf_addf(b, ",\"line\":%d,\"column\":%d", f->line,
			      f->col) < 0 ||
		  add_str(b, "message", f->message) < 0 ||
		  (*f->fingerprint &&
		   add_str(b, "fingerprint", f->fingerprint) < 0) ||
		  (f->confidence &&
		   add_str(b, "confidence", f->confidence) < 0) ||
		  sg_buf_addch(b, '}') < 0;

	return bad ? SG_ELIMIT : 0;
}

/*
 * The findings of `ref`, each appended whole or not at all: a record
 * stays well-formed JSON under its cap, and what does not fit is counted.
 */
static void add_findings(struct sg_buf *b, const struct sg_report *r,
			 const char *ref)
{
	struct sg_buf one = SG_BUF_INIT(SG_MAX_AUDIT_RECORD / 4);
	size_t start = b->len, dropped = 0;
	int first = 1;

	sg_buf_adds(b, ",\"violations\":[");
	for (size_t i = 0; r && i < r->nr; i++) {
		const struct sg_finding *f = &r->v[i];

		if (strcmp(f->ref, ref) && *f->ref)
			continue;
		sg_buf_reset(&one);
		if (!first)
			sg_buf_addch(&one, ',');
		if (finding_json(&one, f) < 0 ||
		    b->len - start + one.len > SG_MAX_AUDIT_RECORD / 2) {
			dropped++;
			continue;
		}
		sg_buf_add(b, one.buf, one.len);
		first = 0;
	}
	sg_buf_addch(b, ']');
	if (dropped)
		sg_buf_addf(b, ",\"violations_not_shown\":%zu", dropped);
	sg_buf_release(&one);
}

static void add_approvers(struct sg_buf *b, const struct sg_ref_verdict *v)
{
	sg_buf_adds(b, ",\"approvers\":[");
	for (size_t i = 0; v && i < v->approvers.nr; i++) {
		if (i)
			sg_buf_addch(b, ',');
		sg_escape_json(b, v->approvers.v[i]);
	}
	sg_buf_addch(b, ']');
}

/* The verdict of `u` (an update of e->push), or NULL. */
static const struct sg_ref_verdict *verdict_of(const struct sg_audit_entry *e,
					   const struct sg_update *u)
{
	return u ? sg_report_verdict_of(e->verdicts,
					(size_t)(u - e->push->updates)) : NULL;
}

static const char *decision_of(const struct sg_audit_entry *e,
			       const struct sg_ref_verdict *v)
{
	if (e->decision)
		return e->decision;
	if (e->error)
		return "error";
	/* a pre-receive refusal refuses every ref, faulty or not */
	if ((v && v->rejected) || (e->report && e->report->errors))
		return "rejected";
	/* accepted, but only because the window was broken open */
	if (v && v->break_glass)
		return "break-glass";
	return "accepted";
}

/* The body of one record, from "id" on (seq and prev are added around). */
static void build_body(struct sg_buf *b, const struct sg_audit_entry *e,
		       const struct sg_update *u, const char *id,
		       const char *now, const char *syslog_error)
{
	const struct sg_ref_verdict *v = verdict_of(e, u);
	char hex[GIT_OID_HEXSZ + 1];

	/* what post-receive saw land is no decision */
	sg_buf_addf(b, ",\"type\":\"%s\"", e->decision ? "landed"
							: "decision");
	add_str(b, "id", id);
	add_str(b, "time", now);
	add_str(b, "repository", e->repo);
	add_str(b, "hook", e->hook);
	add_str(b, "pusher", e->pusher);
	add_str(b, "pusher_source", e->pusher_source);
	add_context(b);
	add_str(b, "ref", u ? u->ref : NULL);
	add_str(b, "old", u ? git_oid_tostr(hex, sizeof(hex), &u->old_id)
			    : NULL);
	add_str(b, "new", u ? git_oid_tostr(hex, sizeof(hex), &u->new_id)
			    : NULL);
	add_str(b, "decision", decision_of(e, v));
	add_str(b, "error", e->error);
	add_findings(b, e->report, u ? u->ref : "");
	add_approvers(b, v);
	add_str(b, "tested_tag", v ? v->tested_tag : NULL);
	add_str(b, "rollback_reason", v ? v->rollback_reason : NULL);
	/* for the report (audit_report.c): only when known */
	if (u && u->env)
		add_str(b, "environment", u->env->name);
	if (v && v->ticket)
		add_str(b, "ticket", v->ticket);
	if (v && v->rollback_plan)
		add_str(b, "rollback_plan", v->rollback_plan);
	if (v && v->first_commit_time)
		sg_buf_addf(b, ",\"first_commit_time\":%lld",
			    (long long)v->first_commit_time);
	add_str(b, "break_glass_reason", v ? v->break_glass_reason : NULL);
	if (v && v->migration)
		sg_buf_addf(b, ",\"migration\":%s", v->migration);
	add_str(b, "policy_sha256", e->policy_digest);
	add_str(b, "version", SG_VERSION);
	sg_buf_addf(b, ",\"duration_ms\":%ld", e->duration_ms);
	if (syslog_error)
		add_str(b, "syslog_error", syslog_error);
}

struct tail {
	long long seq;		/* of the last record; -1 when empty */
	char hash[65];		/* of the last record */
};

/* Read the last line of the log for its sequence number and hash. */
static int read_tail(int fd, off_t size, struct tail *t, struct sg_buf *err)
{
	size_t want = size < SG_MAX_AUDIT_RECORD + 2 ? (size_t)size
		      : SG_MAX_AUDIT_RECORD + 2;
	char *chunk, *line, *end;
	struct sg_json rec;
	ssize_t n;

	t->seq = -1;
	t->hash[0] = '\0';
	if (size == 0)
		return 0;
	chunk = sg_malloc(want + 1);
	n = pread(fd, chunk, want, size - (off_t)want);
	if (n != (ssize_t)want) {
		free(chunk);
		return sg_error(err, SG_ERROR, "cannot read the audit log: %s",
				n < 0 ? strerror(errno) : "short read");
	}
	chunk[want] = '\0';
	end = chunk + want;
	if (end[-1] != '\n') {
		free(chunk);
		return sg_error(err, SG_ERROR, "the audit log does not end with "
				"a complete record; check it with 'stagegate "
				"audit verify'");
	}
	end--;
	*end = '\0';
	line = memrchr(chunk, '\n', (size_t)(end - chunk));
	line = line ? line + 1 : chunk;
	if ((size_t)(end - chunk) == want - 1 && line == chunk &&
	    (off_t)want < size) {
		free(chunk);
		return sg_error(err, SG_ELIMIT, "the last audit record is "
				"longer than %d bytes", SG_MAX_AUDIT_RECORD);
	}
	sg_sha256_hex(t->hash, line, (size_t)(end - line));
	if (sg_json_parse(&rec, line, (size_t)(end - line), NULL) < 0 ||
	    !sg_json_get(&rec, "seq")) {
		free(chunk);
		return sg_error(err, SG_ERROR, "the last audit record is "
				"damaged; check the log with 'stagegate audit "
				"verify'");
	}
	t->seq = (long long)sg_json_num(&rec, "seq", -1);
	sg_json_release(&rec);
	free(chunk);
	return 0;
}

/*
 * core.sharedRepository, as git reads it (setup.c, git_config_perm):
 * how files stagegate creates must be shared with the repository's
 * group (or everybody), so that the next pusher, another Unix user,
 * can append too.
 */
struct shared {
	int on;			/* 0: umask, as any other file */
	int exact;		/* an octal mode: the permissions are exactly */
	mode_t bits;		/* the group/other bits to add (or exact) */
	gid_t gid;		/* the group of the log's directory */
};

static int parse_shared(struct shared *sh, const char *v, struct sg_buf *err)
{
	char *end = NULL;
	long mode = -1;

	/* the words are case-sensitive in git, the booleans are not */
	if (!strcmp(v, "umask"))
		mode = 0;
	else if (!strcmp(v, "group"))
		mode = 1;
	else if (!strcmp(v, "all") || !strcmp(v, "world") ||
		 !strcmp(v, "everybody"))
		mode = 2;
	else if (*v)
		mode = strtol(v, &end, 8);
	if (end && *end) {
		/* not a number: a boolean, true meaning group */
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
		    !strcasecmp(v, "on"))
			mode = 1;
		else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
			 !strcasecmp(v, "off"))
			mode = 0;
		else
			mode = -1;
	}
	if (mode < 0 || mode > 0777 || (mode > 2 && (mode & 0600) != 0600))
		return sg_error(err, SG_ERROR, "core.sharedRepository '%s' is "
				"not a valid value", v);
	sh->on = mode != 0;
	sh->exact = mode > 2;
	sh->bits = mode == 1 ? 0660 : mode == 2 ? 0664 : (mode_t)(mode & 0666);
	return 0;
}

/*
 * Read core.sharedRepository from the repository's config.
 * NEEDSWORK: only the repository's own config file; git also honours
 * the system and global files, where nobody sets this.
 */
static int read_shared(struct shared *sh, const char *repo,
		       struct sg_buf *err)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_config *cfg = NULL;
	git_buf val = { 0 };
	struct stat st;
	int ret = 0;

	memset(sh, 0, sizeof(*sh));
	if (!repo)
		return 0;
	sg_buf_addf(&path, "%s/config", repo);
	if (stat(path.buf, &st) < 0) {
		sg_buf_release(&path);
		return 0;
	}
	git_libgit2_init();
	if (git_config_open_ondisk(&cfg, path.buf) < 0) {
		ret = sg_git_error(err, "cannot read the repository's config");
	} else if (git_config_get_string_buf(&val, cfg,
					     "core.sharedrepository") == 0) {
		ret = parse_shared(sh, val.ptr, err);
		git_buf_dispose(&val);
	}
	git_config_free(cfg);
	git_libgit2_shutdown();
	sg_buf_release(&path);
	return ret;
}

/* The mode git would give a file of mode `mode` (calc_shared_perm). */
static mode_t shared_mode(const struct shared *sh, mode_t mode)
{
	mode_t tweak = sh->bits;

	if (!(mode & S_IWUSR))
		tweak &= ~0222u;
	if (mode & S_IXUSR)
		tweak |= (tweak & 0444) >> 2;
	if (sh->exact)
		return (mode & ~0777u) | tweak;
	return mode | tweak;
}

/*
 * Make a file (or directory) we created, or own, shareable: the group
 * of its directory and the mode core.sharedRepository asks for. Another
 * user's file is left alone (it was shared when it was made).
 */
static void share_fd(const struct shared *sh, int fd, int is_dir)
{
	struct stat st;
	mode_t want;

	if (!sh->on || fstat(fd, &st) < 0 || st.st_uid != geteuid())
		return;
	if (st.st_gid != sh->gid && fchown(fd, (uid_t)-1, sh->gid) == 0)
		st.st_gid = sh->gid;
	want = shared_mode(sh, st.st_mode & 07777);
	if (is_dir)
		want |= S_ISGID;
	if (want != (st.st_mode & 07777))
		(void)fchmod(fd, want);
}

/* Open (maybe create) `path` the way every file of the log is opened. */
static int open_shared(const struct shared *sh, const char *path, int flags)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0640);

	if (fd >= 0)
		share_fd(sh, fd, 0);
	return fd;
}

/* Write `line` (no newline) as one record; roll back a short write. */
static int write_record(int fd, struct sg_buf *line, struct tail *t,
			struct sg_buf *err)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return sg_error(err, SG_ERROR, "cannot stat the audit log: %s",
				strerror(errno));
	sg_sha256_hex(t->hash, line->buf, line->len);
	if (sg_buf_addch(line, '\n') < 0)
		return sg_error(err, SG_ELIMIT, "audit record too long");
	n = write(fd, line->buf, line->len);
	if (n != (ssize_t)line->len) {
		int saved = n < 0 ? errno : ENOSPC;

		if (ftruncate(fd, st.st_size) < 0)
			return sg_error(err, SG_ERROR, "cannot write the audit "
					"log (%s), and cannot undo a partial "
					"record: %s", strerror(saved),
					strerror(errno));
		return sg_error(err, SG_ERROR, "cannot write the audit log: %s",
				strerror(saved));
	}
	t->seq++;
	return 0;
}

static void begin_record(struct sg_buf *b, const struct tail *t)
{
	sg_buf_reset(b);
	sg_buf_addf(b, "{\"seq\":%lld", t->seq + 1);
}

static void end_record(struct sg_buf *b, const struct tail *t)
{
	add_str(b, "prev", *t->hash ? t->hash : NULL);
	sg_buf_addch(b, '}');
}

static int write_seed(int fd, struct tail *t, const char *kind,
		      const char *previous, struct sg_buf *err)
{
	struct sg_buf b = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	char seed[65], now[32];
	int ret;

	random_hex(seed, 32);
	utc_now(now);
	begin_record(&b, t);
	add_str(&b, "type", kind);
	add_str(&b, "time", now);
	add_str(&b, "seed", seed);
	if (previous)
		add_str(&b, "previous_file", previous);
	add_str(&b, "version", SG_VERSION);
	end_record(&b, t);
	ret = write_record(fd, &b, t, err);
	sg_buf_release(&b);
	return ret;
}

/*
 * A record of something the hook found wrong with the log itself (a
 * cut-off end, a missing head, a syslog sink that failed): `kind` is its
 * type, `fields` its members (",\"a\":..."), already JSON.
 */
static int write_notice(int fd, struct tail *t, const char *kind,
			const char *fields, struct sg_buf *err)
{
	struct sg_buf b = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	char now[32];
	int ret;

	utc_now(now);
	begin_record(&b, t);
	add_str(&b, "type", kind);
	add_str(&b, "time", now);
	sg_buf_adds(&b, fields);
	add_str(&b, "version", SG_VERSION);
	end_record(&b, t);
	ret = write_record(fd, &b, t, err);
	sg_buf_release(&b);
	return ret;
}

static int write_head(const struct shared *sh, const char *path,
		      const struct tail *t, struct sg_buf *err)
{
	struct sg_buf tmp = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int fd, ret = 0;

	sg_buf_addf(&tmp, "%s.head.tmp", path);
	sg_buf_addf(&text, "{\"seq\":%lld,\"hash\":\"%s\"}\n", t->seq,
		    t->hash);
	fd = open_shared(sh, tmp.buf, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0 || write(fd, text.buf, text.len) != (ssize_t)text.len ||
	    fsync(fd) < 0)
		ret = sg_error(err, SG_ERROR, "cannot write '%s': %s", tmp.buf,
			       strerror(errno));
	if (fd >= 0)
		close(fd);
	sg_buf_reset(&text);
	sg_buf_addf(&text, "%s.head", path);
	if (ret == 0 && rename(tmp.buf, text.buf) < 0)
		ret = sg_error(err, SG_ERROR, "cannot write '%s': %s",
			       text.buf, strerror(errno));
	sg_buf_release(&tmp);
	sg_buf_release(&text);
	return ret;
}

/*
 * Compare the log's end `t` with its head file. A head behind the log
 * is a hook that died between the two writes; a head ahead of it, or at
 * the same seq with another hash, or no head beside a log that has
 * records, means the log lost its end: say so in `detail`.
 */
static void check_head(const char *path, const struct tail *t,
		       struct sg_buf *detail)
{
	struct sg_buf name = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf head = SG_BUF_INIT(4096);
	struct sg_json rec;
	int ret;

	sg_buf_addf(&name, "%s.head", path);
	ret = sg_buf_read_file(&head, name.buf, NULL);
	if (ret == SG_ENOTFOUND) {
		if (t->seq >= 0) {
			sg_buf_adds(detail, ",\"detail\":");
			sg_escape_json(detail, "the head file is missing: "
				       "records may have been cut off the end");
		}
	} else if (ret < 0 || sg_json_parse(&rec, head.buf, head.len,
					    NULL) < 0) {
		sg_buf_adds(detail, ",\"detail\":");
		sg_escape_json(detail, "the head file is damaged");
	} else {
		long long seq = (long long)sg_json_num(&rec, "seq", -2);
		const char *hash = sg_json_str(&rec, "hash", "");

		if (seq > t->seq || (seq == t->seq && strcmp(hash, t->hash))) {
			sg_buf_addf(detail, ",\"detail\":");
			sg_escape_json(detail, t->seq < 0 ? "the log was "
				       "emptied or replaced" : seq > t->seq ?
				       "the log ends before its head: records "
				       "were cut off the end" : "the last "
				       "record differs from the one the head "
				       "names");
			sg_buf_addf(detail, ",\"log_seq\":%lld,\"head_seq\":"
				    "%lld", t->seq, seq);
			add_str(detail, "head_hash", hash);
		}
		sg_json_release(&rec);
	}
	sg_buf_release(&head);
	sg_buf_release(&name);
}

static int open_log(const struct shared *sh, const char *path, int *fd,
		    struct sg_buf *err)
{
	*fd = open_shared(sh, path, O_RDWR | O_APPEND | O_CREAT);
	if (*fd < 0)
		return sg_error(err, SG_ERROR, "cannot open the audit log "
				"'%s': %s", path, strerror(errno));
	return 0;
}

/* Rename a full log aside and start a new one chained to it. */
static int rotate(const struct shared *sh, const char *path, int *fd,
		  struct tail *t, struct sg_buf *err)
{
	struct sg_buf aside = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *base;
	int ret;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	sg_buf_addf(&aside, "%s.%s", path, stamp);
	if (rename(path, aside.buf) < 0) {
		ret = sg_error(err, SG_ERROR, "cannot rotate the audit log: %s",
			       strerror(errno));
		goto out;
	}
	close(*fd);
	ret = open_log(sh, path, fd, err);
	base = strrchr(aside.buf, '/');
	if (ret == 0)
		ret = write_seed(*fd, t, "rotate", base ? base + 1 : aside.buf,
				 err);
out:
	sg_buf_release(&aside);
	return ret;
}

/*
 * A mode without write bits is the admin saying "read-only". Root would
 * write anyway, so the hook checks the bits itself and refuses.
 */
static int read_only(const struct stat *st)
{
	return !(st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH));
}

/*
 * Make the log's directory if it is missing (shared like the rest), and
 * learn its group: the group every file of the log is given.
 */
static int make_parent_dir(struct shared *sh, const char *path,
			   struct sg_buf *err)
{
	char *copy = sg_strdup(path);
	char *dir = dirname(copy);
	struct stat st;
	int ret = 0;

	if (mkdir(dir, 0750) == 0) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *up = sg_strdup(dir);

		/* a new directory: the group of the repository's */
		if (stat(dirname(up), &st) == 0)
			sh->gid = st.st_gid;
		if (dfd >= 0) {
			share_fd(sh, dfd, 1);
			close(dfd);
		}
		free(up);
	} else if (errno != EEXIST) {
		ret = sg_error(err, SG_ERROR, "cannot create '%s': %s", dir,
			       strerror(errno));
	}
	if (ret == 0 && (stat(dir, &st) < 0 || read_only(&st)))
		ret = sg_error(err, SG_ERROR, "the audit log's directory "
			       "'%s' is not writable", dir);
	if (ret == 0)
		sh->gid = st.st_gid;
	free(copy);
	return ret;
}

int sg_audit_parse_remote(struct sg_syslog_remote *out, const char *url,
			  struct sg_buf *err)
{
	const char *host, *colon, *end;
	char *num_end;
	long port;

	memset(out, 0, sizeof(*out));
	if (!strncmp(url, "udp://", 6)) {
		host = url + 6;
	} else if (!strncmp(url, "tcp://", 6)) {
		out->tcp = 1;
		host = url + 6;
	} else {
		return sg_error(err, SG_ERROR, "'%s' is not udp://HOST:PORT or "
				"tcp://HOST:PORT", url);
	}
	if (*host == '[') {
		end = strchr(host, ']');
		if (!end || end[1] != ':')
			return sg_error(err, SG_ERROR, "'%s': an IPv6 address "
					"is written [ADDRESS]:PORT", url);
		colon = end + 1;
		host++;
	} else {
		colon = strrchr(host, ':');
		end = colon;
		if (colon && memchr(host, ':', (size_t)(colon - host)))
			return sg_error(err, SG_ERROR, "'%s': write an IPv6 "
					"address in brackets", url);
	}
	if (!colon || end == host || (size_t)(end - host) >= sizeof(out->host))
		return sg_error(err, SG_ERROR, "'%s' names no host and port "
				"(udp://HOST:PORT or tcp://HOST:PORT)", url);
	for (const char *p = host; p < end; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '/' || *p == '@')
			return sg_error(err, SG_ERROR, "'%s': bad character "
					"in the host", url);
	port = strtol(colon + 1, &num_end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *num_end || port < 1 ||
	    port > 65535)
		return sg_error(err, SG_ERROR, "'%s': the port must be a number "
				"from 1 to 65535", url);
	memcpy(out->host, host, (size_t)(end - host));
	snprintf(out->port, sizeof(out->port), "%ld", port);
	return 0;
}

/* One place syslog messages go; fd < 0 when it could not be reached. */
struct sink {
	const char *name;	/* the socket path or URL, for messages */
	int fd;
	int tcp;		/* RFC 6587 octet counting */
};

struct sinks {
	struct sink v[2];
	size_t nr;
	struct sg_buf error;	/* why one could not be reached; "" if none */
};

static void sink_failed(struct sinks *s, const char *name, const char *why)
{
	sg_buf_addf(&s->error, "%scannot reach syslog at '%s': %s",
		    s->error.len ? "; " : "", name, why);
}

static int connect_local(const char *path, const char **why)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		*why = "the socket path is too long";
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr,
			       sizeof(addr)) < 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		*why = strerror(errno);
	return fd;
}

/* Connect within SYSLOG_TIMEOUT_MS, so a dead collector cannot hang us. */
static int connect_timed(int fd, const struct addrinfo *ai)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int flags = fcntl(fd, F_GETFL), soerr = 0;
	socklen_t len = sizeof(soerr);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			return -1;
		if (poll(&p, 1, SYSLOG_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			return -1;
		if (soerr) {
			errno = soerr;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);
}

static int connect_remote(const char *url, int *tcp, const char **why)
{
	static char reason[256];
	struct sg_syslog_remote r;
	struct addrinfo hints = { 0 }, *res = NULL;
	struct timeval tv = { SYSLOG_TIMEOUT_MS / 1000,
			      (SYSLOG_TIMEOUT_MS % 1000) * 1000 };
	int fd = -1, gai;

	if (sg_audit_parse_remote(&r, url, NULL) < 0) {
		*why = "not udp://HOST:PORT or tcp://HOST:PORT";
		return -1;
	}
	*tcp = r.tcp;
	hints.ai_socktype = r.tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	gai = getaddrinfo(r.host, r.port, &hints, &res);
	if (gai) {
		snprintf(reason, sizeof(reason), "%s", gai_strerror(gai));
		*why = reason;
		return -1;
	}
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if ((r.tcp ? connect_timed(fd, ai)
		     : connect(fd, ai->ai_addr, ai->ai_addrlen)) < 0) {
			snprintf(reason, sizeof(reason), "%s", strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		*why = reason;
	return fd;
}

/* Reach every configured sink now, before the log is locked. */
static void sinks_open(struct sinks *s, const struct sg_audit_options *opt)
{
	const char *why = "";

	memset(s, 0, sizeof(*s));
	sg_buf_init(&s->error, SG_BUF_TEXT_MAX);
	if (opt->syslog_socket) {
		struct sink *k = &s->v[s->nr++];

		k->name = opt->syslog_socket;
		k->fd = connect_local(opt->syslog_socket, &why);
		if (k->fd < 0)
			sink_failed(s, k->name, why);
	}
	if (opt->syslog_remote) {
		struct sink *k = &s->v[s->nr++];

		k->name = opt->syslog_remote;
		k->fd = connect_remote(opt->syslog_remote, &k->tcp, &why);
		if (k->fd < 0)
			sink_failed(s, k->name, why);
	}
}

static void sinks_close(struct sinks *s)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i].fd >= 0)
			close(s->v[i].fd);
	sg_buf_release(&s->error);
}

static int send_all(int fd, const char *p, size_t len, int flags)
{
	while (len) {
		ssize_t n = send(fd, p, len, flags | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Send each message (NUL-separated in `msgs`) to every sink reached;
 * what fails is described in `failed` (JSON members), for the log.
 */
static void sinks_send(struct sinks *s, const struct sg_buf *msgs,
		       struct sg_buf *failed)
{
	struct sg_buf frame = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	for (size_t i = 0; i < s->nr; i++) {
		struct sink *k = &s->v[i];

		for (size_t at = 0; k->fd >= 0 && at < msgs->len;) {
			const char *m = msgs->buf + at;
			size_t len = strlen(m);
			int bad;

			at += len + 1;
			sg_buf_reset(&frame);
			if (k->tcp)	/* RFC 6587 3.4.1: MSG-LEN SP MSG */
				sg_buf_addf(&frame, "%zu ", len);
			sg_buf_add(&frame, m, len);
			/* datagrams: a full queue is a failure, not a wait */
			bad = send_all(k->fd, frame.buf, frame.len,
				       k->tcp ? 0 : MSG_DONTWAIT);
			if (bad) {
				sg_buf_addf(&why, "%scannot send to syslog at "
					    "'%s': %s", why.len ? "; " : "",
					    k->name, strerror(errno));
				close(k->fd);
				k->fd = -1;
			}
		}
	}
	if (why.len)
		add_str(failed, "error", why.buf);
	sg_buf_release(&frame);
	sg_buf_release(&why);
}

/* The rule ids of a ref's errors and warnings, once each, comma-separated. */
static void rule_ids(struct sg_buf *out, const struct sg_report *r,
		     const char *ref)
{
	for (size_t i = 0; r && i < r->nr; i++) {
		const struct sg_finding *f = &r->v[i];
		int seen = 0;

		if (f->severity == SG_SEV_NOTE || (strcmp(f->ref, ref) &&
						   *f->ref))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = r->v[j].severity != SG_SEV_NOTE &&
			       !strcmp(r->v[j].rule, f->rule) &&
			       (!strcmp(r->v[j].ref, ref) || !*r->v[j].ref);
		if (!seen)
			sg_buf_addf(out, "%s%s", out->len ? "," : "", f->rule);
	}
}

/* HOSTNAME of RFC 5424: 1 to 255 printable US-ASCII characters. */
static void syslog_host(char host[256])
{
	if (gethostname(host, 255) < 0 || !*host)
		snprintf(host, 256, "-");
	host[255] = '\0';
	for (char *p = host; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			*p = '-';
}

/*
 * One RFC 5424 message for the record `id`, whose seq and hash are in
 * `t`, added to `msgs` with a NUL after it. Every value from the push is
 * escaped for structured data (and for a terminal), so a ref name with
 * '"' or ']' cannot end a parameter or forge one.
 */
static void syslog_message(struct sg_buf *msgs, const struct sg_audit_entry *e,
			   const struct sg_update *u, const char *id,
			   const char *now, const struct tail *t)
{
	struct sg_buf rules = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *decision = decision_of(e, verdict_of(e, u));
	const char *ref = u ? u->ref : "-", *user = e->pusher ? e->pusher : "-";
	/* break-glass is critical: someone went around the change window */
	int sev = e->error ? 3 : !strcmp(decision, "accepted") ? 5 :
		  !strcmp(decision, "break-glass") ? 2 : 4;
	char host[256];

	syslog_host(host);
	rule_ids(&rules, e->report, u ? u->ref : "");
	/* facility 13 is "log audit" */
	sg_buf_addf(msgs, "<%d>1 %s %s stagegate %ld decision [" SG_SYSLOG_SD_ID
		    " seq=\"%lld\" hash=\"%s\" id=\"", 13 * 8 + sev, now, host,
		    (long)getpid(), t->seq, t->hash);
	sg_escape_sd(msgs, id, 0);
	sg_buf_addf(msgs, "\" decision=\"%s\" ref=\"", decision);
	sg_escape_sd(msgs, ref, SYSLOG_MAX_REF);
	sg_buf_adds(msgs, "\" user=\"");
	sg_escape_sd(msgs, user, SYSLOG_MAX_USER);
	sg_buf_adds(msgs, "\" rules=\"");
	sg_escape_sd(msgs, rules.len ? rules.buf : "-", SYSLOG_MAX_RULES);
	sg_buf_adds(msgs, "\" repo=\"");
	sg_escape_sd(msgs, e->repo ? e->repo : "-", SG_SYSLOG_MAX_REPO);
	/* the MSG, for collectors that keep only it: seq and hash first */
	sg_buf_addf(msgs, "\"] seq=%lld hash=%s %s ", t->seq, t->hash,
		    decision);
	sg_escape_sd(msgs, u ? u->ref : "push", SYSLOG_MAX_REF);
	sg_buf_adds(msgs, " by ");
	sg_escape_sd(msgs, e->pusher ? e->pusher : "unknown", SYSLOG_MAX_USER);
	if (rules.len) {
		sg_buf_adds(msgs, " rules ");
		sg_escape_sd(msgs, rules.buf, SYSLOG_MAX_RULES);
	}
	sg_buf_addch(msgs, '\0');
	sg_buf_release(&rules);
}

void sg_audit_log_path(struct sg_buf *out, const char *gitdir,
		       const char *audit_path)
{
	if (audit_path[0] == '/')
		sg_buf_adds(out, audit_path);
	else
		sg_buf_addf(out, "%s/%s", gitdir, audit_path);
}

int sg_audit_sink_parse(const char *name)
{
	if (!strcmp(name, "file"))
		return SG_SINK_FILE;
	if (!strcmp(name, "syslog"))
		return SG_SINK_SYSLOG;
	if (!strcmp(name, "stderr"))
		return SG_SINK_STDERR;
	return SG_ERROR;
}

/* Send `msgs` to the syslog sinks of `opt`; every one must take them. */
static int deliver_syslog(const struct sg_audit_options *opt,
			  const struct sg_buf *msgs, struct sg_buf *err)
{
	struct sg_buf failed = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sinks sinks;
	int ret = 0;

	sinks_open(&sinks, opt);
	if (!sinks.nr)
		ret = sg_error(err, SG_ERROR, "audit sink is syslog, but no "
			       "syslog_socket or syslog_remote is set");
	else if (sinks.error.len)
		ret = sg_error(err, SG_ERROR, "no audit record: %s",
			       sinks.error.buf);
	if (ret == 0)
		sinks_send(&sinks, msgs, &failed);
	if (ret == 0 && failed.len)
		ret = sg_error(err, SG_ERROR, "no audit record: cannot send "
			       "to syslog");
	sinks_close(&sinks);
	sg_buf_release(&failed);
	return ret;
}

/*
 * No file: each record, chained within this push (seq from 0), goes to
 * stderr ("stagegate-audit: {...}") or to syslog, and must get there.
 */
static int append_elsewhere(const struct sg_audit_options *opt,
			    const struct sg_audit_entry *e,
			    const char *push_id, struct sg_buf *err)
{
	const struct sg_push *push = e->push;
	size_t n = push && push->nr ? push->nr : 1;
	struct sg_buf line = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	struct sg_buf msgs = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct tail t = { .seq = -1 };
	char now[32], id[SG_PUSH_ID_LEN + 24];
	int ret = 0;

	utc_now(now);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct sg_update *u = push && push->nr
					    ? &push->updates[i] : NULL;

		snprintf(id, sizeof(id), "%s.%zu", push_id, i + 1);
		begin_record(&line, &t);
		build_body(&line, e, u, id, now, NULL);
		end_record(&line, &t);
		sg_sha256_hex(t.hash, line.buf, line.len);
		t.seq++;
		if (opt->sink == SG_SINK_SYSLOG) {
			syslog_message(&msgs, e, u, id, now, &t);
			continue;
		}
		if (fprintf(opt->stream, "stagegate-audit: %s\n",
			    line.buf) < 0 || fflush(opt->stream) == EOF)
			ret = sg_error(err, SG_ERROR, "no audit record: cannot "
				       "write to stderr");
	}
	if (ret == 0 && opt->sink == SG_SINK_SYSLOG)
		ret = deliver_syslog(opt, &msgs, err);
	sg_buf_release(&line);
	sg_buf_release(&msgs);
	return ret;
}

int sg_audit_append(const struct sg_audit_options *opt,
		    const struct sg_audit_entry *e, const char *push_id,
		    struct sg_buf *err)
{
	const struct sg_push *push = e->push;
	size_t n = push && push->nr ? push->nr : 1;
	struct sg_buf lock = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf line = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	struct sg_buf msgs = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf notice = SG_BUF_INIT(SG_MAX_AUDIT_RECORD / 2);
	struct sinks sinks;
	struct shared sh;
	struct tail t;
	struct stat st;
	int lock_fd = -1, fd = -1, ret;
	long long first_seq = -1;
	char now[32], id[SG_PUSH_ID_LEN + 24];

	if (opt->sink != SG_SINK_FILE)
		return append_elsewhere(opt, e, push_id, err);
	utc_now(now);
	sinks_open(&sinks, opt);
	sg_buf_addf(&lock, "%s.lock", opt->path);
	ret = read_shared(&sh, e->repo, err);
	if (ret == 0)
		ret = make_parent_dir(&sh, opt->path, err);
	if (ret == 0) {
		lock_fd = open_shared(&sh, lock.buf, O_RDWR | O_CREAT);
		if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0)
			ret = sg_error(err, SG_ERROR, "cannot lock the audit "
				       "log '%s': %s", lock.buf,
				       strerror(errno));
	}
	if (ret == 0)
		ret = open_log(&sh, opt->path, &fd, err);
	if (ret == 0 && fstat(fd, &st) < 0)
		ret = sg_error(err, SG_ERROR, "cannot stat the audit log: %s",
			       strerror(errno));
	if (ret == 0 && read_only(&st))
		ret = sg_error(err, SG_ERROR, "the audit log '%s' is read-only "
			       "(mode %03o)", opt->path,
			       (unsigned)(st.st_mode & 0777));
	if (ret == 0)
		ret = read_tail(fd, st.st_size, &t, err);
	if (ret == 0)
		check_head(opt->path, &t, &notice);
	if (ret == 0 && st.st_size == 0)
		ret = write_seed(fd, &t, "seed", NULL, err);
	else if (ret == 0 && opt->rotate_bytes &&
		 (size_t)st.st_size >= opt->rotate_bytes)
		ret = rotate(&sh, opt->path, &fd, &t, err);
	if (ret == 0 && notice.len)
		ret = write_notice(fd, &t, "head-mismatch", notice.buf, err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct sg_update *u = push && push->nr
					    ? &push->updates[i] : NULL;

		snprintf(id, sizeof(id), "%s.%zu", push_id, i + 1);
		begin_record(&line, &t);
		build_body(&line, e, u, id, now,
			   sinks.error.len ? sinks.error.buf : NULL);
		end_record(&line, &t);
		ret = write_record(fd, &line, &t, err);
		if (first_seq < 0)
			first_seq = t.seq;
		if (ret == 0 && sinks.nr)
			syslog_message(&msgs, e, u, id, now, &t);
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = sg_error(err, SG_ERROR, "cannot sync the audit log: %s",
			       strerror(errno));
	/* on disk first, then told to the world; a failure goes on record */
	sg_buf_reset(&notice);
	if (ret == 0 && msgs.len)
		sinks_send(&sinks, &msgs, &notice);
	if (ret == 0 && notice.len) {
		sg_buf_addf(&notice, ",\"first_seq\":%lld,\"last_seq\":%lld",
			    first_seq, t.seq);
		ret = write_notice(fd, &t, "syslog-error", notice.buf, err);
		if (ret == 0 && fsync(fd) < 0)
			ret = sg_error(err, SG_ERROR, "cannot sync the audit "
				       "log: %s", strerror(errno));
	}
	if (ret == 0)
		ret = write_head(&sh, opt->path, &t, err);
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);		/* releases the lock */
	sinks_close(&sinks);
	sg_buf_release(&lock);
	sg_buf_release(&line);
	sg_buf_release(&msgs);
	sg_buf_release(&notice);
	return ret;
}
