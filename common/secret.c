/*
 * secret.c -- the secret gate: no hardcoded secret enters the
 * repository, in any commit, file format or archive.
 *
 * Every blob that a commit new to the server adds or changes is scanned
 * once (push.c lists each once, with the first path and commit that
 * bring it; under a path no allow covers too, when the policy allows by
 * path), plus commit messages, annotated tag messages, file names and
 * the names of the refs pushed. A value that the previous version of the same file already
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
#include "checksum.h"
#include "content.h"
#include "error.h"
#include "limits.h"
#include "oidset.h"
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
	stop(s, path, "secret.deadline", "maker: push again, or split the push "
	     "into smaller pushes (a few commits each); admin: raise "
	     "secrets.deadline_ms in the policy (the default is 4 s under "
	     "GitHub Enterprise, 60 s elsewhere)", why.buf);
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
	const char *how;		/* " (base64-encoded)"...; or "" */
	struct sg_strlist *fps;		/* fingerprints reported, or NULL */
	const struct sg_strlist *skip;	/* fingerprints not to report again */
	int noted;		/* a spent SAS already noted in this text */
	int nested;		/* in base64 of base64: run_start is fixed */
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

static int scan_text(struct sg_scan *s, const char *path, const char *text,
		     size_t len, const char *outer, size_t run_start,
		     struct sg_buf *err);

/*
 * Whether the previous version of this file already had this finding:
 * the same rule on the same value (its fingerprint), not merely the
 * same bytes somewhere (a build id that later becomes a password).
 */
static int legacy(struct sg_scan *s, const char *path, const char *fp,
		  const char *v, size_t len)
{
	struct sg_buf err = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	if (!s->old_text || !memmem(s->old_text, s->old_len, v, len))
		return 0;
	if (!s->old_scanned) {
		struct sg_scan old = *s;

		old.old_text = NULL;
		old.collect = &s->old_found;
		/* a failure leaves the list short: the finding stays an error */
		scan_text(&old, path, s->old_text, s->old_len, NULL, 0, &err);
		s->old_scanned = 1;
	}
	sg_buf_release(&err);
	return sg_strlist_has(&s->old_found, fp);
}

/* `path` with the value redacted where it holds it (a token as a name). */
static void shown_path(struct sg_buf *out, const char *path, const char *v,
		       size_t len)
{
	const char *at = len ? memmem(path, strlen(path), v, len) : NULL;

	if (!at) {
		sg_buf_adds(out, path);
		return;
	}
	sg_buf_add(out, path, (size_t)(at - path));
	sg_redact(out, v, len);
	shown_path(out, at + len, v, len);
}


static const char *const confidence_names[] = {
	[SG_CONFIDENCE_GENERIC] = "generic",
	[SG_CONFIDENCE_SHAPED] = "shaped",
	[SG_CONFIDENCE_VERIFIED] = "verified",
};

unsigned sg_confidence_bit(const char *name)
{
	for (unsigned bit = 1; bit < SG_ARRAY_SIZE(confidence_names); bit++)
		if (confidence_names[bit] &&
		    !strcmp(name, confidence_names[bit]))
			return bit;
	return 0;
}

/* How sure a hit is (a finding's confidence, in JSON and SARIF). */
static unsigned confidence(const struct sg_secret_rule *rule,
			   const char *value, size_t len)
{
	if (rule->generic)
		return SG_CONFIDENCE_GENERIC;
	if (rule->judge == SG_JUDGE_CHECKSUM &&
	    sg_checksum_token(value, len) == 1)
		return SG_CONFIDENCE_VERIFIED;
	return SG_CONFIDENCE_SHAPED;
}

static int on_hit(const struct sg_secret_rule *rule, const char *text,
		  size_t len, size_t start, size_t end, void *payload,
		  struct sg_buf *err)
{
	struct hit_ctx *h = payload;
	struct sg_scan *s = h->s;
	struct sg_buf msg = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf rule_id = SG_BUF_INIT(256);
	struct sg_buf judged = SG_BUF_INIT(256);
	const struct sg_secret_allow *a;
	struct sg_finding *f;
	enum sg_verdict verdict;
	unsigned conf;
	char fp[65];
	int line, col, ret;

	(void)err;
	/* rules run specific first, generic last: keep the specific one */
	if (seen_span(h, start, end))
		return 0;
	conf = confidence(rule, text + start, end - start);
	if (s->only_confidence && !(s->only_confidence & conf))
		return 0;
	sg_fingerprint(fp, rule->id, text + start, end - start);
	/* what the value grants: an expired read-only SAS grants nothing */
	verdict = sg_rules_judge(rule, text, len, start, end, time(NULL),
				 &judged);
	if (verdict == SG_VERDICT_NOTE && (h->noted++ || s->collect)) {
		sg_buf_release(&judged);
		return 0;	/* one note per text; never counted */
	}
	if (s->collect) {
		sg_strlist_add(s->collect, fp);
		sg_buf_release(&judged);
		return 0;
	}
	/* a second view of the same text: what the first found is known */
	if (h->skip && sg_strlist_has(h->skip, fp)) {
		sg_buf_release(&judged);
		return 0;
	}
	if (h->fps)
		sg_strlist_add(h->fps, fp);
	if (h->outer_text)
		position(h->outer_text, h->run_start, &line, &col);
	else
		position(text, start, &line, &col);
	sg_buf_addf(&rule_id, "secret.%s", rule->id);
	sg_buf_addf(&msg, "%s%s: ", rule->description,
		    h->outer_text ? " (base64-encoded)" : h->how ? h->how : "");
	sg_redact(&msg, text + start, end - start);
	sg_buf_addf(&msg, ", fingerprint %.16s", fp);
	if (judged.len)
		sg_buf_addf(&msg, "; %s", judged.buf);
	a = allowed(s, h->path, fp, text + start, end - start);
	if (verdict == SG_VERDICT_NOTE) {
		sg_buf_adds(&msg, ", so not a secret: not blocking (further "
			    "such values in this file are not listed)");
		f = sg_report_add(s->report, SG_SEV_NOTE, rule_id.buf,
				  s->ref, s->commit, NULL, "%s", msg.buf);
	} else if (a || (s->pol && s->pol->secrets_inline_allow &&
		  inline_marker(text, len, start))) {
		sg_buf_addf(&msg, "; allowed by the policy: %s",
			    a ? a->reason : "inline stagegate:allow marker");
		f = sg_report_add(s->report, SG_SEV_NOTE, "secret.allowed",
				  s->ref, s->commit, NULL, "%s", msg.buf);
	} else if (verdict == SG_VERDICT_DOUBT) {
		sg_buf_adds(&msg, ": not blocking");
		f = sg_report_add(s->report, SG_SEV_WARNING, rule_id.buf,
				  s->ref, s->commit, "if it is a real token, "
				  "revoke it: it may be a copy with a typo",
				  "%s", msg.buf);
	} else if (legacy(s, h->path, fp, text + start, end - start)) {
		sg_buf_adds(&msg, "; already on the server in the previous "
			    "version of this file, so not new: not blocking");
		f = sg_report_add(s->report, SG_SEV_WARNING, rule_id.buf,
				  s->ref, s->commit, "rotate this credential "
				  "and remove it in a later commit", "%s",
				  msg.buf);
	} else if (s->warn_confidence & conf) {
		sg_buf_addf(&msg, "; a %s finding only warns on the refs this "
			    "push updates (policy secrets.warn_only): not "
			    "blocking here", confidence_names[conf]);
		f = sg_report_add(s->report, SG_SEV_WARNING, rule_id.buf,
				  s->ref, s->commit, "before promoting, take "
				  "it out of the commits that hold it (or ask "
				  "an admin to allow it): a push of them to "
				  "any other ref is refused", "%s", msg.buf);
	} else {
		f = sg_report_add(s->report, SG_SEV_ERROR, rule_id.buf, s->ref,
				  s->commit, fix_text, "%s", msg.buf);
	}
	sg_buf_reset(&rule_id);		/* copied by sg_report_add */
	shown_path(&rule_id, h->path, text + start, end - start);
	sg_finding_set_path(f, rule_id.buf, line, col);
	memcpy(f->fingerprint, fp, sizeof(fp));
	f->confidence = confidence_names[conf];
	sg_buf_reset(&msg);
	sg_redact(&msg, text + start, end - start);
	f->redacted = sg_buf_detach(&msg);
	sg_buf_release(&msg);
	sg_buf_release(&rule_id);
	sg_buf_release(&judged);
	ret = verdict == SG_VERDICT_NOTE ? 0 : count_finding(s, h->path);
	return ret;
}

static int scan_archive(struct sg_scan *s, const char *path, const char *data,
			size_t len, enum sg_archive kind, int depth,
			struct sg_buf *err);

/*
 * Decoded base64 is a file of its own: an archive (a zip or gzip in a
 * JSON string), UTF-16 or UTF-32 text, or base64 again (a Kubernetes
 * secret of a config file), followed one level further.
 */
static int on_base64(size_t run_start, const char *decoded, size_t len,
		     void *payload, struct sg_buf *err)
{
	struct hit_ctx *h = payload;
	struct hit_ctx in = { h->s, h->path, h->outer_text, 0, NULL, 0, 0,
			      NULL, NULL, NULL, 0, 1 };
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	enum sg_archive kind = sg_content_archive(decoded, len);
	const char *text;
	size_t tlen;
	int ret = 0;

	if (h->nested)
		run_start = h->run_start;	/* the outer run's start */
	if (kind != SG_ARCHIVE_NONE)
		return scan_archive(h->s, h->path, decoded, len, kind, 1, err);
	if (!sg_content_text(decoded, len, &conv, &text, &tlen)) {
		sg_buf_release(&conv);
		return 0;
	}
	ret = scan_text(h->s, h->path, text, tlen, h->outer_text, run_start,
			err);
	in.run_start = run_start;
	if (ret == 0 && !h->nested && tlen >= 32)
		ret = sg_content_base64(text, tlen, on_base64, &in, err);
	free(in.spans);
	sg_buf_release(&conv);
	return ret;
}

/* A deadline or match limit is a finding that refuses; else `ret`. */
static int scan_failed(struct sg_scan *s, const char *path, int ret,
		       struct sg_buf *err)
{
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
	return ret == STOP ? 0 : ret;
}

/*
 * JSON escapes hide a value from the rules (a SAS URL's `&` written as
 * \u0026), and XML character references do too: scan the unescaped
 * views, reporting only what the text itself did not already show.
 */
static int scan_json_view(struct sg_scan *s, const char *path,
			  const char *text, size_t len,
			  const struct sg_strlist *found, struct sg_buf *err)
{
	struct sg_buf view = SG_BUF_INIT((size_t)-1 / 2);
	struct hit_ctx h = { s, path, NULL, 0, NULL, 0, 0, " (JSON-escaped)",
			     NULL, found };
	int ret = 0;

	if (sg_content_json_view(text, len, &view)) {
		ret = sg_rules_scan(s->rules, view.buf, view.len, &s->deadline,
				    on_hit, &h, err);
		ret = scan_failed(s, path, ret, err);
	}
	free(h.spans);
	/* the same for XML character references (&#103;hp_...) */
	h = (struct hit_ctx){ s, path, NULL, 0, NULL, 0, 0, " (XML-escaped)",
			      NULL, found };
	if (ret == 0 && sg_content_xml_view(text, len, &view)) {
		ret = sg_rules_scan(s->rules, view.buf, view.len, &s->deadline,
				    on_hit, &h, err);
		ret = scan_failed(s, path, ret, err);
	}
	free(h.spans);
	sg_buf_release(&view);
	return ret;
}

static int scan_text(struct sg_scan *s, const char *path, const char *text,
		     size_t len, const char *outer, size_t run_start,
		     struct sg_buf *err)
{
	struct sg_strlist found = { 0 };
	struct hit_ctx h = { s, path, outer, run_start, NULL, 0, 0, NULL,
			     outer ? NULL : &found, NULL };
	int ret = sg_rules_scan(s->rules, text, len, &s->deadline, on_hit, &h,
				err);

	free(h.spans);
	if (ret == 0 && !outer)
		ret = scan_json_view(s, path, text, len, &found, err);
	sg_strlist_release(&found);
	if (ret || outer)
		return scan_failed(s, path, ret, err);
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

/* A file or entry name is text too: a token used as a name is found. */
static int scan_name(struct sg_scan *s, const char *path, const char *name,
		     struct sg_buf *err)
{
	struct sg_buf what = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *saved = s->old_text;
	size_t n = strlen(name);
	int ret;

	if (n < SG_MIN_NAME_SCAN)
		return 0;
	sg_buf_addf(&what, "%s (file name)", path);
	s->old_text = NULL;
	ret = scan_text(s, what.buf, name, n, NULL, 0, err);
	s->old_text = saved;
	sg_buf_release(&what);
	return ret;
}

static int on_zip_entry(const char *name, const char *data, size_t len,
			void *payload, struct sg_buf *err)
{
	struct zip_ctx *z = payload;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret;

	sg_buf_addf(&path, "%s!%s", z->outer, name);
	sg_scan_file_name(z->s, path.buf);
	ret = scan_name(z->s, path.buf, name, err);
	if (ret == 0)
		ret = scan_bytes_at(z->s, path.buf, data, len, z->depth + 1,
				    err);
	sg_buf_release(&path);
	return ret;
}

/* gzip's one stream: the same file, one level down (often a tar) */
static int on_inflated(const char *name, const char *data, size_t len,
		       void *payload, struct sg_buf *err)
{
	struct zip_ctx *z = payload;

	(void)name;
	return scan_bytes_at(z->s, z->outer, data, len, z->depth + 1, err);
}

/* An archive's entries, or a finding that refuses it as unscannable. */
static int scan_archive(struct sg_scan *s, const char *path, const char *data,
			size_t len, enum sg_archive kind, int depth,
			struct sg_buf *err)
{
	struct zip_ctx z = { s, path, depth };
	struct sg_zip_limits lim = SG_ZIP_LIMITS_INIT;
	int ret;

	if (depth >= SG_ZIP_MAX_DEPTH) {
		stop(s, path, "secret.archive", "do not nest archives "
		     "this deep", "archives nested deeper than the "
		     "limit cannot be scanned, so they are refused");
		return 0;
	}
	if (kind == SG_ARCHIVE_GZIP)
		ret = sg_content_gzip(data, len, &lim, &s->zip_total,
				      on_inflated, &z, err);
	else if (kind == SG_ARCHIVE_TAR)
		ret = sg_content_tar(data, len, &lim, on_zip_entry, &z, err);
	else if (kind == SG_ARCHIVE_PDF)
		ret = sg_content_pdf(data, len, &lim, &s->zip_total,
				     on_zip_entry, &z, err);
	else
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

static int scan_bytes_at(struct sg_scan *s, const char *path,
			 const char *data, size_t len, int depth,
			 struct sg_buf *err)
{
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	enum sg_archive kind = sg_content_archive(data, len);
	const char *text, *packer;
	size_t tlen;
	int ret = 0;

	if (s->stopped || (s->shared_stop && atomic_load(s->shared_stop)))
		return 0;
	if (sg_deadline_passed(&s->deadline)) {
		out_of_time(s, path, "before");
		return 0;
	}
	if (kind == SG_ARCHIVE_NONE && sg_content_zip_inside(data, len))
		kind = SG_ARCHIVE_ZIP;	/* a self-extractor's stub first */
	if (kind != SG_ARCHIVE_NONE) {
		ret = scan_archive(s, path, data, len, kind, depth, err);
		/* a PDF's own bytes hold text too: metadata, plain streams */
		if (ret || kind != SG_ARCHIVE_PDF)
			return ret;
	}
	if ((packer = sg_content_unscannable(data, len))) {
		sg_buf_addf(&conv, "a %s-compressed file cannot be scanned, so "
			    "it is refused", packer);
		stop(s, path, "secret.archive", "commit the files "
		     "uncompressed (or as a zip), or ask an admin", conv.buf);
		sg_buf_release(&conv);
		return 0;
	}
	if (sg_content_text(data, len, &conv, &text, &tlen)) {
		ret = scan_text(s, path, text, tlen, NULL, 0, err);
	} else {
		/* a binary: its printable strings, never skipped unread */
		sg_content_strings(data, len, &conv);
		ret = scan_text(s, path, conv.buf, conv.len, NULL, 0, err);
	}
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
 * What a push brings is exactly the objects of its quarantine. The walk
 * (main thread) goes over the commits the updates bring, to name each
 * new blob with a path and a commit; then every quarantined object the
 * walk did not reach (a blob or tree under a ref or a tag, an object
 * nothing refers to) is examined as well. Commits and tags are scanned
 * as raw text: headers, names, and a message past a NUL byte.
 *
 * Workers, each with its own repository handle (libgit2 wants one per
 * thread), inflate and scan blobs while the walk goes on. They copy a
 * scan configuration that is never written once the first of them
 * starts; the main thread scans messages with a scan of its own. Each
 * job keeps its own findings, merged in walk order afterwards, so the
 * message reads the same however the work was split.
 */

#define MAX_WORKERS 4
/* Below this many files a second repository handle costs more than it
 * saves; the small push stays on one thread. */
#define MIN_JOBS_FOR_THREADS 16

struct job {
	git_oid blob, old, commit;
	int has_old;			/* `old` was on the server before */
	int has_commit;
	char *path;
	const char *ref;
	struct sg_report report;
};

struct gate {
	struct sg_context *ctx;
	const struct sg_scan *config;	/* read-only: what workers copy */
	struct sg_scan main;		/* the main thread's, for messages */
	struct sg_oidset seen;		/* objects examined (or queued) */
	struct sg_oidset named;		/* trees whose names were checked */
	/*
	 * With allows by path: blobs queued (and trees walked) under a path
	 * no such allow covers, since the walk lists a blob once, maybe
	 * under an allowed path, and skips what the server has.
	 */
	int path_allows;
	struct sg_oidset unallowed, trees_unallowed;
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

		if (!*first && u->kind != SG_UPDATE_DELETE)
			first = u->ref;
		for (size_t j = 0; j < u->commits_nr; j++)
			if (git_oid_equal(&u->commits[j], commit))
				return u->ref;
	}
	return first;
}

/*
 * Scan a commit or tag object as git stores it: every header but the
 * object ids it links (tree, parent, object), author, committer, tagger,
 * extra headers, and the whole message, a NUL byte read as a line break.
 */
static int scan_raw_object(struct sg_scan *s, git_repository *repo,
			   const git_oid *id, const char *what,
			   struct sg_buf *err)
{
	struct sg_buf text = SG_BUF_INIT((size_t)-1 / 2);
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	const char *p, *end;
	int in_header = 1, ret;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read(&obj, odb, id) < 0) {
		git_odb_free(odb);
		return sg_git_error(err, "cannot read a pushed object");
	}
	p = git_odb_object_data(obj);
	end = p + git_odb_object_size(obj);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);

		if (in_header && n == 1)
			in_header = 0;
		if (!in_header || (strncmp(p, "tree ", 5) &&
				   strncmp(p, "parent ", 7) &&
				   strncmp(p, "object ", 7)))
			sg_buf_add(&text, p, n);
		p += n;
	}
	for (size_t i = 0; i < text.len; i++)
		if (text.buf[i] == '\0')
			text.buf[i] = '\n';
	ret = sg_scan_message(s, what, text.buf, err);
	sg_buf_release(&text);
	git_odb_object_free(obj);
	git_odb_free(odb);
	return ret;
}

static int queue_blob(struct gate *g, const git_oid *id, const char *path,
		      const git_oid *commit, const git_oid *old_blob);

/* Whether an allow by path covers `path` (a folder ends with '/'). */
static int path_allowed(const struct gate *g, const char *path)
{
	const struct sg_policy *pol = g->ctx->pol;

	for (size_t i = 0; i < pol->secrets_allow_nr; i++)
		if (pol->secrets_allow[i].path &&
		    fnmatch(pol->secrets_allow[i].path, path, 0) == 0)
			return 1;
	return 0;
}

/*
 * A blob under a path no allow covers is scanned under it, once, even if
 * the server has it or the walk lists it under an allowed path.
 */
static int scan_unallowed(struct gate *g, const git_tree_entry *e,
			  const git_tree_entry *was, const char *path)
{
	const git_oid *id = git_tree_entry_id(e);

	if (!g->path_allows || git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    path_allowed(g, path) || !sg_oidset_insert(&g->unallowed, id))
		return 0;
	return queue_blob(g, id, path, g->main.commit, was &&
			  git_tree_entry_type(was) == GIT_OBJECT_BLOB ?
			  git_tree_entry_id(was) : NULL);
}

/* Whether the names walk goes into tree `id` at `path` ('/' ended). */
static int descend(struct gate *g, const git_oid *id, const char *path)
{
	if (g->path_allows && !path_allowed(g, path))
		return sg_oidset_insert(&g->trees_unallowed, id);
	return !sg_push_on_server(g->ctx->push, id) &&
	       sg_oidset_insert(&g->named, id);
}

/*
 * The names a new tree brings: every entry that the same tree of the
 * first parent did not have under that name (a new file, or a rename,
 * where the blob is old but the name is new) is scanned as text, and
 * every new or changed entry is checked as a credential file name.
 * Trees the server had bring no new names (but see path_allows).
 */
static int scan_tree_names(struct gate *g, git_tree *tree, git_tree *old,
			   struct sg_buf *path, struct sg_buf *err)
{
	git_repository *repo = g->ctx->push->repo;
	size_t n = git_tree_entrycount(tree), base = path->len;
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		const git_tree_entry *was = old ? git_tree_entry_byname(old,
								  name) : NULL;
		const git_oid *id = git_tree_entry_id(e);
		git_tree *sub = NULL, *oldsub = NULL;

		if (was && git_oid_equal(git_tree_entry_id(was), id))
			continue;
		path->len = base;
		path->buf[base] = '\0';
		sg_buf_adds(path, name);
		sg_scan_file_name(&g->main, path->buf);
		if (!was)
			ret = scan_name(&g->main, path->buf, name, err);
		if (ret == 0)
			ret = scan_unallowed(g, e, was, path->buf);
		/* deeper than any checkout: the walk refuses the path */
		if (ret || git_tree_entry_type(e) != GIT_OBJECT_TREE ||
		    path->len > SG_MAX_PATH_BYTES)
			continue;
		sg_buf_addch(path, '/');
		if (!descend(g, id, path->buf))
			continue;
		if (git_tree_lookup(&sub, repo, id) < 0)
			return sg_git_error(err, "cannot read a pushed tree");
		if (was && git_tree_entry_type(was) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&oldsub, repo, git_tree_entry_id(was)) < 0) {
			git_tree_free(sub);
			return sg_git_error(err, "cannot read a tree");
		}
		ret = scan_tree_names(g, sub, oldsub, path, err);
		git_tree_free(oldsub);
		git_tree_free(sub);
	}
	path->len = base;
	path->buf[base] = '\0';
	return ret;
}

/* The names of tree `id` (new to the server), under `prefix`. */
static int scan_names(struct gate *g, const git_oid *id, const git_oid *old_id,
		      const char *prefix, struct sg_buf *err)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_repository *repo = g->ctx->push->repo;
	git_tree *tree = NULL, *old = NULL;
	int ret = 0;

	if (sg_push_on_server(g->ctx->push, id) ||
	    !sg_oidset_insert(&g->named, id))
		return 0;
	if (git_tree_lookup(&tree, repo, id) < 0)
		return sg_git_error(err, "cannot read a pushed tree");
	/* a missing old tree (refused elsewhere): every name is new */
	if (old_id && git_tree_lookup(&old, repo, old_id) < 0)
		old = NULL;
	sg_buf_adds(&path, prefix);
	ret = scan_tree_names(g, tree, old, &path, err);
	sg_buf_release(&path);
	git_tree_free(old);
	git_tree_free(tree);
	return ret;
}

static int on_commit(git_commit *c, void *payload, struct sg_buf *err)
{
	struct gate *g = payload;
	const git_oid *id = git_commit_id(c);
	git_commit *parent = NULL;
	int ret;

	sg_oidset_insert(&g->seen, id);
	/* the walk calls this before the commit's blobs: they share its ref */
	g->main.commit = id;
	g->main.ref = ref_of(g->ctx, id);
	ret = scan_raw_object(&g->main, g->ctx->push->repo, id,
			      "(commit message)", err);
	if (ret == 0 && git_commit_parentcount(c) > 0 &&
	    git_commit_parent(&parent, c, 0) < 0)
		parent = NULL;
	if (ret == 0)
		ret = scan_names(g, git_commit_tree_id(c), parent ?
				 git_commit_tree_id(parent) : NULL, "", err);
	git_commit_free(parent);
	return ret;
}

static void queue(struct gate *g, struct job *j)
{
	pthread_mutex_lock(&g->lock);
	SG_ALLOC_GROW(g->jobs, g->nr + 1, g->alloc);
	g->jobs[g->nr++] = j;
	pthread_cond_signal(&g->more);
	pthread_mutex_unlock(&g->lock);
	if (g->nr == MIN_JOBS_FOR_THREADS)
		start_helpers(g);
}

static int queue_blob(struct gate *g, const git_oid *id, const char *path,
		      const git_oid *commit, const git_oid *old_blob)
{
	struct job *j = sg_calloc(1, sizeof(*j));

	git_oid_cpy(&j->blob, id);
	if (commit) {
		git_oid_cpy(&j->commit, commit);
		j->has_commit = 1;
	}
	if (old_blob && sg_push_on_server(g->ctx->push, old_blob)) {
		git_oid_cpy(&j->old, old_blob);
		j->has_old = 1;
	}
	if (!strncmp(path, SG_PATH_TOO_LONG, strlen(SG_PATH_TOO_LONG)))
		stop(&g->main, path, "secret.path-too-long", "use shorter "
		     "file and folder names", "a path in the push is longer "
		     "than the limit; its content is scanned, the push is "
		     "refused");
	j->path = sg_strdup(path);
	j->ref = g->main.ref;	/* set by on_commit for this commit */
	queue(g, j);
	return 0;
}

static int on_blob(const git_oid *id, const char *path, git_filemode_t mode,
		   const git_oid *commit, const git_oid *old_blob,
		   void *payload, struct sg_buf *err)
{
	struct gate *g = payload;

	(void)mode;
	(void)err;
	/* already queued under this path by the names walk */
	if (g->path_allows && !path_allowed(g, path) &&
	    !sg_oidset_insert(&g->unallowed, id))
		return 0;
	return queue_blob(g, id, path, commit, old_blob);
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
	if (!s->names_scanned)
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
	sg_strlist_release(&s->old_found);
	s->old_scanned = 0;
	git_blob_free(old);
	git_blob_free(blob);
	return ret;
}

/* Scan one job with `repo` (this thread's handle). */
static int run_job(struct gate *g, git_repository *repo, struct job *j,
		   struct sg_buf *err)
{
	struct sg_scan s = *g->config;

	s.report = &j->report;
	s.commit = j->has_commit ? &j->commit : NULL;
	s.ref = j->ref;
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

/*
 * Annotated tags the updates name, under their ref; and each ref name
 * that a push creates or moves, which is text that lands on the server
 * (a token as a branch name) as a file name is.
 */
static int scan_ref_tags(struct gate *g, struct sg_buf *err)
{
	for (size_t i = 0; i < g->ctx->push->nr; i++) {
		struct sg_update *u = &g->ctx->push->updates[i];
		int ret;

		g->main.ref = u->ref;
		g->main.commit = u->has_new_commit ? &u->new_commit : NULL;
		ret = u->kind == SG_UPDATE_DELETE ? 0 :
		      scan_text(&g->main, "(ref name)", u->ref, strlen(u->ref),
				NULL, 0, err);
		if (ret < 0)
			return ret;

		if (u->kind == SG_UPDATE_DELETE ||
		    u->new_type != GIT_OBJECT_TAG ||
		    sg_push_on_server(g->ctx->push, &u->new_id) ||
		    !sg_oidset_insert(&g->seen, &u->new_id))
			continue;
		g->main.ref = u->ref;
		g->main.commit = u->has_new_commit ? &u->new_commit : NULL;
		ret = scan_raw_object(&g->main, g->ctx->push->repo, &u->new_id,
				      "(tag message)", err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct unseen {
	struct gate *g;
	git_oid *v;
	size_t nr, alloc;
};

static int add_unseen(const git_oid *id, void *payload)
{
	struct unseen *u = payload;

	if (!sg_oidset_contains(&u->g->seen, id)) {
		SG_ALLOC_GROW(u->v, u->nr + 1, u->alloc);
		git_oid_cpy(&u->v[u->nr++], id);
	}
	return 0;
}

/* Examine one quarantined object of `type` the walk did not reach. */
static int examine(struct gate *g, const git_oid *id, git_object_t type,
		   struct sg_buf *err)
{
	char hex[SG_OID_SHOWN + 1], where[64];
	int ret;

	if (sg_oidset_contains(&g->seen, id))
		return 0;
	git_oid_tostr(hex, sizeof(hex), id);
	sg_oidset_insert(&g->seen, id);
	g->main.ref = "";
	g->main.commit = NULL;
	switch (type) {
	case GIT_OBJECT_COMMIT:
		g->main.commit = id;
		return scan_raw_object(&g->main, g->ctx->push->repo, id,
				       "(commit message)", err);
	case GIT_OBJECT_TAG:
		return scan_raw_object(&g->main, g->ctx->push->repo, id,
				       "(tag message)", err);
	case GIT_OBJECT_TREE:
		snprintf(where, sizeof(where), "(tree %s)/", hex);
		ret = scan_names(g, id, NULL, where, err);
		return ret ? ret : sg_push_walk_tree(g->ctx->push, &g->seen, id,
						     where, NULL, on_blob, g,
						     err);
	case GIT_OBJECT_BLOB:
		snprintf(where, sizeof(where), "(blob %s, in no pushed tree)",
			 hex);
		return on_blob(id, where, GIT_FILEMODE_BLOB, NULL, NULL, g,
			       err);
	default:
		return sg_error(err, SG_ERROR, "object %s of the push has an "
				"unknown type", hex);
	}
}

/*
 * Every quarantined object that the walk did not reach and the server
 * did not have (a thin pack's bases are copied into the quarantine):
 * tags and commits first, then trees, so a blob keeps a path if any
 * tree names it; only nameless blobs remain for the last pass.
 */
static int examine_unseen(struct gate *g, struct sg_buf *err)
{
	static const git_object_t order[] = { GIT_OBJECT_TAG,
		GIT_OBJECT_COMMIT, GIT_OBJECT_TREE, GIT_OBJECT_BLOB };
	struct unseen u = { g, NULL, 0, 0 };
	git_object_t *types = NULL;
	git_odb *odb = NULL;
	int ret = sg_push_each_new_object(g->ctx->push, add_unseen, &u, err);

	if (ret == 0 && u.nr && git_repository_odb(&odb, g->ctx->push->repo) < 0)
		ret = sg_git_error(err, "cannot open the object database");
	types = u.nr ? sg_calloc(u.nr, sizeof(*types)) : NULL;
	for (size_t i = 0; ret == 0 && i < u.nr; i++) {
		size_t size;

		if (sg_push_on_server(g->ctx->push, &u.v[i]))
			types[i] = GIT_OBJECT_INVALID;
		else if (git_odb_read_header(&size, &types[i], odb, &u.v[i]) < 0)
			ret = sg_git_error(err, "cannot read a pushed object");
	}
	for (size_t t = 0; ret == 0 && t < SG_ARRAY_SIZE(order); t++)
		for (size_t i = 0; ret == 0 && i < u.nr; i++)
			if (types[i] == order[t])
				ret = examine(g, &u.v[i], types[i], err);
	free(types);
	free(u.v);
	git_odb_free(odb);
	return ret;
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

/*
 * The policy's deadline, or by default 4 s under GitHub Enterprise
 * (which kills a pre-receive hook at 5 s, so the hook refuses first and
 * says why) and 60 s elsewhere: a first push of a real export (tens of MB
 * of history, thousands of blobs) takes seconds on a loaded server, and a
 * push refused for time is a false refusal too.
 */
static int deadline_ms(const struct sg_policy *pol)
{
	if (pol->secrets_deadline_ms)
		return pol->secrets_deadline_ms;
	if (getenv("GITHUB_REPO_NAME") || getenv("GITHUB_USER_LOGIN"))
		return SG_GHES_DEADLINE_MS;
	return SG_DEFAULT_DEADLINE_MS;
}

static int warn_only_ref(const struct sg_policy *pol, const char *ref)
{
	for (size_t j = 0; j < pol->secrets_warn_refs.nr; j++)
		if (sg_ref_matches(pol->secrets_warn_refs.v[j], ref))
			return 1;
	return 0;
}

/*
 * secrets.warn_only: its findings only warn when every ref the push
 * updates (in scope, not deleted) is one of its refs, and at least one
 * is; a push that also moves any other ref refuses them.
 */
static unsigned warn_confidence(const struct sg_context *ctx)
{
	const struct sg_policy *pol = ctx->pol;
	size_t n = 0;

	for (size_t i = 0; i < ctx->push->nr; i++) {
		const struct sg_update *u = &ctx->push->updates[i];

		if (!u->in_scope || u->kind == SG_UPDATE_DELETE)
			continue;
		if (!warn_only_ref(pol, u->ref))
			return 0;
		n++;
	}
	return n ? pol->secrets_warn_confidence : 0;
}

static int not_warn_only_ref(const char *name, void *payload)
{
	return !warn_only_ref(payload, name);
}

/* A blob a promotion brings that the server holds (the rest: on_blob). */
static int on_promoted_blob(const git_oid *id, const char *path,
			    git_filemode_t mode, const git_oid *commit,
			    const git_oid *old_blob, void *payload,
			    struct sg_buf *err)
{
	struct gate *g = payload;

	(void)mode;
	if (!sg_push_on_server(g->ctx->push, id))
		return 0;
	g->main.commit = commit;
	return sg_scan_blob(&g->main, g->ctx->push->repo, id, old_blob, path,
			    err);
}

/*
 * What warned on a warn_only ref is on the server, so the walk of new
 * objects would not read it again when it is promoted: for each other ref
 * the push moves, read what its commits bring that the server's other
 * refs (the warn_only ones aside) do not hold, reporting only findings of
 * the warn_only confidences (the others refused when they arrived).
 */
static int scan_promotions(struct gate *g, struct sg_buf *err)
{
	const struct sg_policy *pol = g->ctx->pol;
	int ret = 0;

	if (!pol->secrets_warn_confidence)
		return 0;
	g->main.only_confidence = pol->secrets_warn_confidence;
	g->main.warn_confidence = 0;
	for (size_t i = 0; ret == 0 && i < g->ctx->push->nr; i++) {
		const struct sg_update *u = &g->ctx->push->updates[i];

		if (!u->in_scope || u->kind == SG_UPDATE_DELETE ||
		    !u->has_new_commit || warn_only_ref(pol, u->ref))
			continue;
		g->main.ref = u->ref;
		ret = sg_push_walk_promoted(g->ctx->push, &u->new_commit,
					    not_warn_only_ref, (void *)pol,
					    on_promoted_blob, g, err);
	}
	g->main.only_confidence = 0;
	return ret;
}

/* Mark the updates the policy's secrets.refs cover; how many bring objects. */
static size_t mark_scope(struct sg_context *ctx)
{
	const struct sg_policy *pol = ctx->pol;
	size_t in_scope = 0;

	for (size_t i = 0; i < ctx->push->nr; i++) {
		struct sg_update *u = &ctx->push->updates[i];

		for (size_t j = 0; j < pol->secrets_refs.nr; j++)
			if (sg_ref_matches(pol->secrets_refs.v[j], u->ref))
				u->in_scope = 1;
		in_scope += u->in_scope && u->kind != SG_UPDATE_DELETE;
	}
	return in_scope;
}

int sg_gate_secrets(struct sg_context *ctx, struct sg_report *r,
		    struct sg_buf *err)
{
	const struct sg_policy *pol = ctx->pol;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_rules *rules = NULL;
	struct sg_scan config;
	struct gate g;
	int ret;

	/* objects in the quarantine land whatever the refs: always scanned */
	if (!mark_scope(ctx) && !ctx->push->quarantine_odb)
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
	memset(&config, 0, sizeof(config));
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.more, NULL);
	g.ctx = ctx;
	g.err = err;
	for (size_t i = 0; i < pol->secrets_allow_nr; i++)
		g.path_allows |= pol->secrets_allow[i].path != NULL;
	config.rules = rules;
	config.pol = pol;
	config.ref = "";
	config.max_blob = pol->secrets_max_blob;
	config.names_scanned = 1;	/* by the walk of new trees' names */
	config.shared_findings = &g.findings;
	config.shared_stop = &g.stop;
	config.warn_confidence = warn_confidence(ctx);
	set_deadline(&config.deadline, deadline_ms(pol));
	/* fixed from here on: workers copy it without a lock */
	g.config = &config;
	g.main = config;
	g.main.report = r;
	ret = sg_push_new_blobs(ctx->push, &g.seen, on_commit, on_blob, &g,
				err);
	if (ret == 0)
		ret = scan_ref_tags(&g, err);
	if (ret == 0)
		ret = examine_unseen(&g, err);
	if (ret < 0)
		atomic_store(&g.stop, 1);
	/* always: the helpers must be told the walk is over, and joined */
	if (finish_jobs(&g, r) < 0 && ret == 0)
		ret = SG_ERROR;
	if (ret == 0)
		ret = scan_promotions(&g, err);
	for (size_t i = 0; i < g.nr; i++) {
		sg_report_release(&g.jobs[i]->report);
		free(g.jobs[i]->path);
		free(g.jobs[i]);
	}
	free(g.jobs);
	sg_oidset_release(&g.seen);
	sg_oidset_release(&g.named);
	sg_oidset_release(&g.unallowed);
	sg_oidset_release(&g.trees_unallowed);
	pthread_cond_destroy(&g.more);
	pthread_mutex_destroy(&g.lock);
	sg_rules_free(rules);
	return ret;
}
