/*
 * secret.c -- the secret gate: no hardcoded secret enters the
 * repository, in any commit, file format or archive.
 *
 * Every blob that a commit new to the server adds or changes is scanned
 * once (push.c lists each once, with the first path and commit that
 * bring it), plus commit messages, annotated tag messages and file
 * names. A value that the previous version of the same file already
 * held on the server is not new: it is a warning, not a refusal. Found
 * values are only ever shown redacted, with a fingerprint.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "content.h"
#include "error.h"
#include "limits.h"
#include "regex.h"
#include "rules.h"
#include "secret.h"
#include "banned.h"

#define STOP 1		/* a hit callback's "stop scanning" */

static const char fix_text[] =
	"move the value out of the solution: an environment variable of "
	"type Secret backed by Key Vault, or a connection reference; then "
	"rewrite the commits that add it (git rebase -i, git commit "
	"--amend) - the push was refused, so the value never reached the "
	"server - and rotate it if it was shared anywhere else";

static void stop(struct sg_scan *s, const char *path, const char *rule,
		 const char *fix, const char *why)
{
	struct sg_finding *f = sg_report_add(s->report, SG_SEV_ERROR, rule,
					     s->ref, s->commit, fix, "%s", why);

	sg_finding_set_path(f, path, 0, 0);
}

/* Stop this scan and every worker's: the push is refused anyway. */
static void halt(struct sg_scan *s)
{
	s->stopped = 1;
	if (s->shared_stop)
		atomic_store(s->shared_stop, 1);
}

static void out_of_time(struct sg_scan *s, const char *path, const char *where)
{
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	halt(s);
	sg_buf_addf(&why, "the secret scan ran out of time %s this file; "
		    "nothing is accepted unscanned", where);
	stop(s, path, "secret.deadline", "split the push into smaller pushes, "
	     "or ask an admin to raise secrets.deadline_ms", why.buf);
	sg_buf_release(&why);
}

/*
 * Count a finding; at the limit, stop every worker and say so once (the
 * thread whose finding reaches the limit), so nobody reads the list as all.
 */
static int count_finding(struct sg_scan *s, const char *path)
{
	size_t max = s->max_findings ? s->max_findings : SG_MAX_SECRET_FINDINGS;
	size_t n = s->shared_findings ? atomic_fetch_add(s->shared_findings, 1) + 1
				      : ++s->nr_findings;

	if (n < max)
		return 0;
	halt(s);
	if (n == max) {
		struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		sg_buf_addf(&why, "the secret scan stopped after %zu findings; "
			    "more may follow", max);
		stop(s, path, "secret.limit", "remove these secrets and push "
		     "again to see the rest", why.buf);
		sg_buf_release(&why);
	}
	return STOP;
}

static void position(const char *text, size_t at, int *line, int *col)
{
	const char *bol = text;

	*line = 1;
	for (const char *p = text; p < text + at; p++)
		if (*p == '\n') {
			(*line)++;
			bol = p + 1;
		}
	*col = (int)(text + at - bol) + 1;
}

/* The admin's allow entry that covers this finding, or NULL. */
static const struct sg_secret_allow *allowed(const struct sg_scan *s,
					     const char *path,
					     const char *fp, const char *v,
					     size_t len)
{
	const struct sg_policy *pol = s->pol;

	for (size_t i = 0; pol && i < pol->secrets_allow_nr; i++) {
		const struct sg_secret_allow *a = &pol->secrets_allow[i];

		if (a->fingerprint && !strncmp(fp, a->fingerprint,
					       strlen(a->fingerprint)))
			return a;
		if (a->path && fnmatch(a->path, path, 0) == 0)
			return a;
		if (a->value && sg_regex_match(a->value, v, len, NULL, NULL,
					       NULL) == 1)
			return a;
	}
	return NULL;
}

static int inline_marker(const char *text, size_t len, size_t at)
{
	const char *bol = text + at, *eol = text + at;

	while (bol > text && bol[-1] != '\n')
		bol--;
	while (eol < text + len && *eol != '\n')
		eol++;
	return memmem(bol, (size_t)(eol - bol), "stagegate:allow", 15) != NULL;
}

struct hit_ctx {
	struct sg_scan *s;
	const char *path;
	const char *outer_text;	/* the text the base64 run sits in */
	size_t run_start;
	/* spans already reported in this text: one value, one finding */
	size_t (*spans)[2];
	size_t spans_nr, spans_alloc;
};

/* Whether [start, end) overlaps a value already reported. */
static int seen_span(struct hit_ctx *h, size_t start, size_t end)
{
	for (size_t i = 0; i < h->spans_nr; i++)
		if (start < h->spans[i][1] && h->spans[i][0] < end)
			return 1;
	SG_ALLOC_GROW(h->spans, h->spans_nr + 1, h->spans_alloc);
	h->spans[h->spans_nr][0] = start;
	h->spans[h->spans_nr++][1] = end;
	return 0;
}

static int on_hit(const struct sg_secret_rule *rule, const char *text,
		  size_t len, size_t start, size_t end, void *payload,
		  struct sg_buf *err)
{
	struct hit_ctx *h = payload;
	struct sg_scan *s = h->s;
	struct sg_buf msg = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf rule_id = SG_BUF_INIT(256);
	const struct sg_secret_allow *a;
	struct sg_finding *f;
	char fp[65];
	int line, col;

	(void)err;
	/* rules run specific first, generic last: keep the specific one */
	if (seen_span(h, start, end))
		return 0;
	if (h->outer_text)
		position(h->outer_text, h->run_start, &line, &col);
	else
		position(text, start, &line, &col);
	sg_buf_addf(&rule_id, "secret.%s", rule->id);
	sg_fingerprint(fp, rule->id, text + start, end - start);
	sg_buf_addf(&msg, "%s%s: ", rule->description,
		    h->outer_text ? " (base64-encoded)" : "");
	sg_redact(&msg, text + start, end - start);
	sg_buf_addf(&msg, ", fingerprint %.16s", fp);
	a = allowed(s, h->path, fp, text + start, end - start);
	if (a || (s->pol && s->pol->secrets_inline_allow &&
		  inline_marker(text, len, start))) {
		sg_buf_addf(&msg, "; allowed by the policy: %s",
			    a ? a->reason : "inline stagegate:allow marker");
		f = sg_report_add(s->report, SG_SEV_NOTE, "secret.allowed",
				  s->ref, s->commit, NULL, "%s", msg.buf);
	} else if (s->old_text && memmem(s->old_text, s->old_len, text + start,
					 end - start)) {
		sg_buf_adds(&msg, "; already on the server in the previous "
			    "version of this file, so not new: not blocking");
		f = sg_report_add(s->report, SG_SEV_WARNING, rule_id.buf,
				  s->ref, s->commit, "rotate this credential "
				  "and remove it in a later commit", "%s",
				  msg.buf);
	} else {
		f = sg_report_add(s->report, SG_SEV_ERROR, rule_id.buf, s->ref,
				  s->commit, fix_text, "%s", msg.buf);
	}
	sg_finding_set_path(f, h->path, line, col);
	memcpy(f->fingerprint, fp, sizeof(fp));
	sg_buf_reset(&msg);
	sg_redact(&msg, text + start, end - start);
	f->redacted = sg_buf_detach(&msg);
	sg_buf_release(&msg);
	sg_buf_release(&rule_id);
	return count_finding(s, h->path);
}

static int scan_text(struct sg_scan *s, const char *path, const char *text,
		     size_t len, const char *outer, size_t run_start,
		     struct sg_buf *err);

static int on_base64(size_t run_start, const char *decoded, size_t len,
		     void *payload, struct sg_buf *err)
{
	struct hit_ctx *h = payload;

	/* one level: decoded text is not searched for base64 again */
	return scan_text(h->s, h->path, decoded, len, h->outer_text
			 ? h->outer_text : NULL, run_start, err);
}

static int scan_text(struct sg_scan *s, const char *path, const char *text,
		     size_t len, const char *outer, size_t run_start,
		     struct sg_buf *err)
{
	struct hit_ctx h = { s, path, outer, run_start, NULL, 0, 0 };
	int ret = sg_rules_scan(s->rules, text, len, &s->deadline, on_hit, &h,
				err);

	free(h.spans);
	if (ret == SG_EDEADLINE) {
		out_of_time(s, path, "inside");
		return 0;
	}
	if (ret == SG_ELIMIT) {
		stop(s, path, "secret.match-limit", "split the file, or ask an "
		     "admin to look at the rule that hit its limit",
		     err->buf);
		return 0;
	}
	if (ret || outer)
		return ret == STOP ? 0 : ret;
	h.outer_text = text;
	h.spans = NULL;
	h.spans_nr = h.spans_alloc = 0;
	ret = sg_content_base64(text, len, on_base64, &h, err);
	return ret == STOP ? 0 : ret;
}

struct zip_ctx {
	struct sg_scan *s;
	const char *outer;
	int depth;
};

static int scan_bytes_at(struct sg_scan *s, const char *path,
			 const char *data, size_t len, int depth,
			 struct sg_buf *err);

static int on_zip_entry(const char *name, const char *data, size_t len,
			void *payload, struct sg_buf *err)
{
	struct zip_ctx *z = payload;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret;

	sg_buf_addf(&path, "%s!%s", z->outer, name);
	sg_scan_file_name(z->s, path.buf);
	ret = scan_bytes_at(z->s, path.buf, data, len, z->depth + 1, err);
	sg_buf_release(&path);
	return ret;
}

static int scan_bytes_at(struct sg_scan *s, const char *path,
			 const char *data, size_t len, int depth,
			 struct sg_buf *err)
{
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	const char *text;
	size_t tlen;
	int ret = 0;

	if (s->stopped || (s->shared_stop && atomic_load(s->shared_stop)))
		return 0;
	if (sg_deadline_passed(&s->deadline)) {
		out_of_time(s, path, "before");
		return 0;
	}
	if (sg_content_is_zip(data, len)) {
		struct zip_ctx z = { s, path, depth };
		struct sg_zip_limits lim = { SG_ZIP_MAX_ENTRIES,
					     SG_ZIP_MAX_TOTAL,
					     SG_ZIP_MAX_RATIO,
					     SG_ZIP_MAX_DEPTH };

		if (depth >= SG_ZIP_MAX_DEPTH) {
			stop(s, path, "secret.archive", "do not nest archives "
			     "this deep", "archives nested deeper than the "
			     "limit cannot be scanned, so they are refused");
			return 0;
		}
		ret = sg_content_zip(data, len, &lim, &s->zip_total,
				     on_zip_entry, &z, err);
		if (ret == SG_ELIMIT) {
			stop(s, path, "secret.archive", "commit the unpacked "
			     "solution instead of the archive, or ask an admin",
			     err->buf);
			ret = 0;
		}
		return ret;
	}
	if (!sg_content_text(data, len, &conv, &text, &tlen)) {
		sg_buf_release(&conv);
		return 0;	/* binary, and not an archive */
	}
	ret = scan_text(s, path, text, tlen, NULL, 0, err);
	sg_buf_release(&conv);
	return ret;
}

int sg_scan_bytes(struct sg_scan *s, const char *path, const char *data,
		  size_t len, struct sg_buf *err)
{
	return scan_bytes_at(s, path, data, len, 0, err);
}

int sg_scan_message(struct sg_scan *s, const char *what, const char *msg,
		    struct sg_buf *err)
{
	const char *saved = s->old_text;
	int ret;

	s->old_text = NULL;
	ret = scan_text(s, what, msg, strlen(msg), NULL, 0, err);
	s->old_text = saved;
	return ret;
}

void sg_scan_file_name(struct sg_scan *s, const char *path)
{
	const char *glob = sg_rules_credential_file(s->rules, path);
	struct sg_finding *f;

	if (!glob || allowed(s, path, "", "", 0))
		return;
	f = sg_report_add(s->report, SG_SEV_ERROR, "secret.credential-file",
			  s->ref, s->commit, "keep keys, certificates and .env "
			  "files out of the repository: store them in Key Vault "
			  "and rewrite the commits that add the file",
			  "'%s' is a credential file (matches '%s')", path,
			  glob);
	sg_finding_set_path(f, path, 0, 0);
}

/* ---- the gate -----------------------------------------------------------
 *
 * The walk (the main thread: libgit2 history and tree reads) lists each
 * new blob once as a job; workers, each with its own repository handle
 * (libgit2 wants one per thread), inflate and scan jobs while the walk
 * goes on, and the main thread joins them when the walk is done. Each
 * job keeps its own findings, merged afterwards in walk order, so the
 * message reads the same however the work was split.
 */

#define MAX_WORKERS 4
/* Below this many files a second repository handle costs more than it
 * saves; the small push stays on one thread. */
#define MIN_JOBS_FOR_THREADS 16

struct job {
	git_oid blob, old, commit;
	int has_old;			/* `old` was on the server before */
	char *path;
	const char *ref;
	struct sg_report report;
};

struct gate {
	struct sg_context *ctx;
	struct sg_scan scan;		/* the template each worker copies */
	/* the queue: jobs[next..nr) wait; guarded by `lock` */
	struct job **jobs;
	size_t nr, alloc, next;
	int walk_done;
	pthread_mutex_t lock;
	pthread_cond_t more;
	pthread_t helpers[MAX_WORKERS];
	size_t nhelpers;
	_Atomic size_t findings;
	_Atomic int stop;
	int failed;
	struct sg_buf *err;
};

static void *worker_main(void *arg);

/* Start the helper threads once the push proves big enough for them. */
static void start_helpers(struct gate *g)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cores > 1 ? (size_t)(cores < MAX_WORKERS ? cores
					     : MAX_WORKERS) - 1 : 0;

	while (g->nhelpers < want &&
	       pthread_create(&g->helpers[g->nhelpers], NULL, worker_main,
			      g) == 0)
		g->nhelpers++;
}

/* The ref a commit reaches the server by (its first update). */
static const char *ref_of(struct sg_context *ctx, const git_oid *commit)
{
	const char *first = "";

	for (size_t i = 0; i < ctx->push->nr; i++) {
		const struct sg_update *u = &ctx->push->updates[i];

		if (!u->in_scope)
			continue;
		if (!*first)
			first = u->ref;
		for (size_t j = 0; j < u->commits_nr; j++)
			if (git_oid_equal(&u->commits[j], commit))
				return u->ref;
	}
	return first;
}

static int on_commit(git_commit *c, void *payload, struct sg_buf *err)
{
	struct gate *g = payload;

	/* the walk calls this before the commit's blobs: they share its ref */
	g->scan.commit = git_commit_id(c);
	g->scan.ref = ref_of(g->ctx, git_commit_id(c));
	return sg_scan_message(&g->scan, "(commit message)",
			       git_commit_message_raw(c), err);
}

static int on_blob(const git_oid *id, const char *path, git_filemode_t mode,
		   const git_oid *commit, const git_oid *old_blob,
		   void *payload, struct sg_buf *err)
{
	struct gate *g = payload;
	struct job *j = sg_calloc(1, sizeof(*j));

	(void)mode;
	(void)err;
	git_oid_cpy(&j->blob, id);
	git_oid_cpy(&j->commit, commit);
	if (old_blob && sg_push_on_server(g->ctx->push, old_blob)) {
		git_oid_cpy(&j->old, old_blob);
		j->has_old = 1;
	}
	j->path = sg_strdup(path);
	j->ref = g->scan.ref;	/* set by on_commit for this commit */
	pthread_mutex_lock(&g->lock);
	SG_ALLOC_GROW(g->jobs, g->nr + 1, g->alloc);
	g->jobs[g->nr++] = j;
	pthread_cond_signal(&g->more);
	pthread_mutex_unlock(&g->lock);
	if (g->nr == MIN_JOBS_FOR_THREADS)
		start_helpers(g);
	return 0;
}

int sg_scan_blob(struct sg_scan *s, git_repository *repo, const git_oid *id,
		 const git_oid *old_id, const char *path, struct sg_buf *err)
{
	git_blob *blob = NULL, *old = NULL;
	git_odb *odb = NULL;
	size_t size = 0;
	git_object_t type;
	int ret;

	s->zip_total = 0;
	s->old_text = NULL;
	s->old_len = 0;
	sg_scan_file_name(s, path);
	/* the size first, from the header: never inflate an oversized blob */
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, id) < 0) {
		git_odb_free(odb);
		return sg_git_error(err, "cannot read a file");
	}
	git_odb_free(odb);
	if (size > s->max_blob) {
		struct sg_buf why = SG_BUF_INIT(4096);

		sg_buf_addf(&why, "the file is %zu MB, above the %zu MB the "
			    "secret gate scans; it is not accepted unscanned",
			    size >> 20, s->max_blob >> 20);
		stop(s, path, "secret.too-large", "keep large binaries "
		     "out of the repository, or ask an admin to raise "
		     "secrets.max_blob_mb", why.buf);
		sg_buf_release(&why);
		return 0;
	}
	if (git_blob_lookup(&blob, repo, id) < 0)
		return sg_git_error(err, "cannot read a file");
	if (old_id && git_blob_lookup(&old, repo, old_id) == 0) {
		s->old_text = git_blob_rawcontent(old);
		s->old_len = (size_t)git_blob_rawsize(old);
	}
	ret = sg_scan_bytes(s, path, git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob), err);
	s->old_text = NULL;
	git_blob_free(old);
	git_blob_free(blob);
	return ret;
}

/* Scan one job with `repo` (this thread's handle). */
static int run_job(struct gate *g, git_repository *repo, struct job *j,
		   struct sg_buf *err)
{
	struct sg_scan s = g->scan;

	s.report = &j->report;
	s.commit = &j->commit;
	s.ref = j->ref;
	s.stopped = 0;
	return sg_scan_blob(&s, repo, &j->blob, j->has_old ? &j->old : NULL,
			    j->path, err);
}

/* The next job, waiting while the walk may still add one; NULL: done. */
static struct job *take(struct gate *g)
{
	struct job *j = NULL;

	pthread_mutex_lock(&g->lock);
	while (g->next == g->nr && !g->walk_done && !atomic_load(&g->stop))
		pthread_cond_wait(&g->more, &g->lock);
	if (g->next < g->nr && !atomic_load(&g->stop))
		j = g->jobs[g->next++];
	pthread_mutex_unlock(&g->lock);
	return j;
}

/* Take jobs until none are left, the scan stops, or something fails. */
static void work(struct gate *g, git_repository *repo)
{
	struct sg_buf err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct job *j;

	while ((j = take(g))) {
		if (run_job(g, repo, j, &err) < 0) {
			pthread_mutex_lock(&g->lock);
			if (!g->failed) {
				g->failed = 1;
				sg_error(g->err, SG_ERROR, "%s", err.buf);
			}
			atomic_store(&g->stop, 1);
			pthread_cond_broadcast(&g->more);
			pthread_mutex_unlock(&g->lock);
			break;
		}
	}
	sg_buf_release(&err);
}

static void *worker_main(void *arg)
{
	struct gate *g = arg;
	struct sg_buf err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_repository *repo = NULL;

	if (sg_push_open_repo(g->ctx->push, &repo, &err) < 0) {
		/* the main thread does the work alone; nothing is skipped */
		sg_buf_release(&err);
		return NULL;
	}
	work(g, repo);
	git_repository_free(repo);
	sg_buf_release(&err);
	return NULL;
}

/* After the walk: join the helpers in the work, then merge in order. */
static int finish_jobs(struct gate *g, struct sg_report *r)
{
	pthread_mutex_lock(&g->lock);
	g->walk_done = 1;
	pthread_cond_broadcast(&g->more);
	pthread_mutex_unlock(&g->lock);
	work(g, g->ctx->push->repo);
	for (size_t i = 0; i < g->nhelpers; i++)
		pthread_join(g->helpers[i], NULL);
	g->nhelpers = 0;
	for (size_t i = 0; i < g->nr; i++)
		sg_report_take(r, &g->jobs[i]->report);
	return g->failed ? SG_ERROR : 0;
}

static int scan_tag_messages(struct gate *g, struct sg_buf *err)
{
	for (size_t i = 0; i < g->ctx->push->nr; i++) {
		struct sg_update *u = &g->ctx->push->updates[i];
		git_tag *tag = NULL;
		int ret;

		if (!u->in_scope || u->kind == SG_UPDATE_DELETE ||
		    u->new_type != GIT_OBJECT_TAG ||
		    sg_push_on_server(g->ctx->push, &u->new_id))
			continue;
		if (git_tag_lookup(&tag, g->ctx->push->repo, &u->new_id) < 0)
			return sg_git_error(err, "cannot read a pushed tag");
		g->scan.ref = u->ref;
		g->scan.commit = u->has_new_commit ? &u->new_commit : NULL;
		ret = sg_scan_message(&g->scan, "(tag message)",
				      git_tag_message(tag) ? git_tag_message(tag)
				      : "", err);
		git_tag_free(tag);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void set_deadline(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

int sg_gate_secrets(struct sg_context *ctx, struct sg_report *r,
		    struct sg_buf *err)
{
	const struct sg_policy *pol = ctx->pol;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_rules *rules = NULL;
	struct gate g;
	size_t in_scope = 0;
	int ret;

	for (size_t i = 0; i < ctx->push->nr; i++) {
		struct sg_update *u = &ctx->push->updates[i];

		for (size_t j = 0; j < pol->secrets_refs.nr; j++)
			if (sg_ref_matches(pol->secrets_refs.v[j], u->ref))
				u->in_scope = 1;
		in_scope += u->in_scope && u->kind != SG_UPDATE_DELETE;
	}
	if (!in_scope)
		return 0;
	if (pol->secrets_rules[0] == '/')
		sg_buf_adds(&path, pol->secrets_rules);
	else
		sg_buf_addf(&path, "%s/%s", ctx->policy_dir,
			    pol->secrets_rules);
	ret = sg_rules_load(&rules, path.buf, err);
	sg_buf_release(&path);
	if (ret < 0)
		return ret;
	memset(&g, 0, sizeof(g));
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.more, NULL);
	g.ctx = ctx;
	g.err = err;
	g.scan.rules = rules;
	g.scan.pol = pol;
	g.scan.report = r;
	g.scan.ref = "";
	g.scan.max_blob = pol->secrets_max_blob;
	g.scan.shared_findings = &g.findings;
	g.scan.shared_stop = &g.stop;
	set_deadline(&g.scan.deadline, pol->secrets_deadline_ms);
	ret = sg_push_new_blobs(ctx->push, on_commit, on_blob, &g, err);
	if (ret == 0)
		ret = scan_tag_messages(&g, err);
	if (ret < 0)
		atomic_store(&g.stop, 1);
	/* always: the helpers must be told the walk is over, and joined */
	if (finish_jobs(&g, r) < 0 && ret == 0)
		ret = SG_ERROR;
	for (size_t i = 0; i < g.nr; i++) {
		sg_report_release(&g.jobs[i]->report);
		free(g.jobs[i]->path);
		free(g.jobs[i]);
	}
	free(g.jobs);
	pthread_cond_destroy(&g.more);
	pthread_mutex_destroy(&g.lock);
	sg_rules_free(rules);
	return ret;
}
