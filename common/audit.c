/*
 * audit.c -- append decisions to the audit log.
 *
 * Concurrency: every writer takes an exclusive flock() on "<log>.lock"
 * (a separate file, so that rotation can rename the log safely), reads
 * the last record for its hash and sequence number, writes each record
 * with a single write(), fsyncs, and updates "<log>.head" (the last
 * sequence number and hash, so that truncation at a record boundary is
 * detected too). A short write is rolled back with ftruncate().
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ,"key":"val" (or null); < 0 when the buffer's cap cut it short */
static int add_str(struct sg_buf *b, const char *key, const char *val)
{
	if (sg_buf_addf(b, ",\"%s\":", key) < 0)
		return SG_ELIMIT;
	return val ? sg_buf_add_json(b, val) : sg_buf_adds(b, "null");
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
		sg_buf_add_json(b, val);
		first = 0;
	}
	sg_buf_addch(b, '}');
}

static const char *severity_name(enum sg_severity s)
{
	return s == SG_SEV_ERROR ? "error" : s == SG_SEV_WARNING ? "warning"
	       : "note";
}

/* One finding as a JSON object; < 0 if it does not fit its buffer. */
static int finding_json(struct sg_buf *b, const struct sg_finding *f)
{
	int bad = sg_buf_adds(b, "{\"rule\":") < 0 ||
		  sg_buf_add_json(b, f->rule) < 0 ||
		  add_str(b, "severity", severity_name(f->severity)) < 0 ||
		  add_str(b, "commit", *f->commit ? f->commit : NULL) < 0 ||
		  add_str(b, "path", f->path) < 0 ||
		  sg_buf_addf(b, ",\"line\":%d,\"column\":%d", f->line,
			      f->col) < 0 ||
		  add_str(b, "message", f->message) < 0 ||
		  (*f->fingerprint &&
		   add_str(b, "fingerprint", f->fingerprint) < 0) ||
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

static void add_approvers(struct sg_buf *b, const struct sg_update *u)
{
	sg_buf_adds(b, ",\"approvers\":[");
	for (size_t i = 0; u && i < u->approvers.nr; i++) {
		if (i)
			sg_buf_addch(b, ',');
		sg_buf_add_json(b, u->approvers.v[i]);
	}
	sg_buf_addch(b, ']');
}

static const char *decision_of(const struct sg_audit_entry *e,
			       const struct sg_update *u)
{
	if (e->error)
		return "error";
	/* a pre-receive refusal refuses every ref, faulty or not */
	if ((u && u->rejected) || (e->report && e->report->errors))
		return "rejected";
	return "accepted";
}

/* The body of one record, from "id" on (seq and prev are added around). */
static void build_body(struct sg_buf *b, const struct sg_audit_entry *e,
		       const struct sg_update *u, const char *id,
		       const char *now)
{
	char hex[GIT_OID_HEXSZ + 1];

	sg_buf_adds(b, ",\"type\":\"decision\"");
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
	add_str(b, "decision", decision_of(e, u));
	add_str(b, "error", e->error);
	add_findings(b, e->report, u ? u->ref : "");
	add_approvers(b, u);
	add_str(b, "tested_tag", u ? u->tested_tag : NULL);
	add_str(b, "rollback_reason", u ? u->rollback_reason : NULL);
	add_str(b, "policy_sha256", e->policy_digest);
	add_str(b, "version", SG_VERSION);
	sg_buf_addf(b, ",\"duration_ms\":%ld", e->duration_ms);
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

static int write_head(const char *path, const struct tail *t,
		      struct sg_buf *err)
{
	struct sg_buf tmp = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int fd, ret = 0;

	sg_buf_addf(&tmp, "%s.head.tmp", path);
	sg_buf_addf(&text, "{\"seq\":%lld,\"hash\":\"%s\"}\n", t->seq,
		    t->hash);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		  O_CLOEXEC, 0640);
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

static int open_log(const char *path, int *fd, struct sg_buf *err)
{
	*fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		   0640);
	if (*fd < 0)
		return sg_error(err, SG_ERROR, "cannot open the audit log "
				"'%s': %s", path, strerror(errno));
	return 0;
}

/* Rename a full log aside and start a new one chained to it. */
static int rotate(const char *path, int *fd, struct tail *t,
		  struct sg_buf *err)
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
	ret = open_log(path, fd, err);
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

static int make_parent_dir(const char *path, struct sg_buf *err)
{
	char *copy = sg_strdup(path);
	char *dir = dirname(copy);
	struct stat st;
	int ret = 0;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		ret = sg_error(err, SG_ERROR, "cannot create '%s': %s", dir,
			       strerror(errno));
	else if (stat(dir, &st) < 0 || read_only(&st))
		ret = sg_error(err, SG_ERROR, "the audit log's directory "
			       "'%s' is not writable", dir);
	free(copy);
	return ret;
}

static void forward_syslog(const char *socket_path,
			   const struct sg_audit_entry *e,
			   const struct sg_update *u, const char *id)
{
	struct sg_buf msg = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *decision = decision_of(e, u);
	char host[256] = "-", now[32];
	int sev = e->error ? 3 : !strcmp(decision, "accepted") ? 5 : 4;
	int fd;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return;
	memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
	gethostname(host, sizeof(host) - 1);
	utc_now(now);
	/* RFC 5424; facility 13 is "log audit" */
	sg_buf_addf(&msg, "<%d>1 %s %s stagegate %ld decision "
		    "[stagegate@32473 id=\"%s\" decision=\"%s\" ref=\"%s\" "
		    "user=\"%s\"] %s %s by %s", 13 * 8 + sev, now, host,
		    (long)getpid(), id, decision, u ? u->ref : "-",
		    e->pusher ? e->pusher : "-", decision, u ? u->ref : "push",
		    e->pusher ? e->pusher : "unknown");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (sendto(fd, msg.buf, msg.len, 0, (struct sockaddr *)&addr,
			   sizeof(addr)) < 0)
			fprintf(stderr, "stagegate: warning: cannot forward "
				"the decision to syslog at '%s': %s\n",
				socket_path, strerror(errno));
		close(fd);
	}
	sg_buf_release(&msg);
}

int sg_audit_append(const struct sg_audit_options *opt,
		    const struct sg_audit_entry *e, const char *push_id,
		    struct sg_buf *err)
{
	const struct sg_push *push = e->push;
	size_t n = push && push->nr ? push->nr : 1;
	struct sg_buf lock = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf line = SG_BUF_INIT(SG_MAX_AUDIT_RECORD);
	struct tail t;
	struct stat st;
	int lock_fd = -1, fd = -1, ret;
	char now[32], id[SG_PUSH_ID_LEN + 24];

	utc_now(now);
	sg_buf_addf(&lock, "%s.lock", opt->path);
	ret = make_parent_dir(opt->path, err);
	if (ret == 0) {
		lock_fd = open(lock.buf, O_RDWR | O_CREAT | O_NOFOLLOW |
			       O_CLOEXEC, 0640);
		if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0)
			ret = sg_error(err, SG_ERROR, "cannot lock the audit "
				       "log '%s': %s", lock.buf,
				       strerror(errno));
	}
	if (ret == 0)
		ret = open_log(opt->path, &fd, err);
	if (ret == 0 && fstat(fd, &st) < 0)
		ret = sg_error(err, SG_ERROR, "cannot stat the audit log: %s",
			       strerror(errno));
	if (ret == 0 && read_only(&st))
		ret = sg_error(err, SG_ERROR, "the audit log '%s' is read-only "
			       "(mode %03o)", opt->path,
			       (unsigned)(st.st_mode & 0777));
	if (ret == 0)
		ret = read_tail(fd, st.st_size, &t, err);
	if (ret == 0 && st.st_size == 0)
		ret = write_seed(fd, &t, "seed", NULL, err);
	else if (ret == 0 && opt->rotate_bytes &&
		 (size_t)st.st_size >= opt->rotate_bytes)
		ret = rotate(opt->path, &fd, &t, err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct sg_update *u = push && push->nr
					    ? &push->updates[i] : NULL;

		snprintf(id, sizeof(id), "%s.%zu", push_id, i + 1);
		begin_record(&line, &t);
		build_body(&line, e, u, id, now);
		end_record(&line, &t);
		ret = write_record(fd, &line, &t, err);
		if (ret == 0 && opt->syslog_socket)
			forward_syslog(opt->syslog_socket, e, u, id);
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = sg_error(err, SG_ERROR, "cannot sync the audit log: %s",
			       strerror(errno));
	if (ret == 0)
		ret = write_head(opt->path, &t, err);
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);		/* releases the lock */
	sg_buf_release(&lock);
	sg_buf_release(&line);
	return ret;
}
