/*
 * hook.c -- the work of the pre-receive and update hooks, kept out of
 * their mains so that the same code is tested and runs in both.
 *
 * Fail closed: every path that is not a finished check with no
 * violations ends in a refusal; internal errors exit 2.
 */
#include <git2.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "check.h"
#include "error.h"
#include "hook.h"
#include "limits.h"
#include "msg.h"
#include "platform.h"
#include "version.h"
#include "clock.h"
#include "banned.h"

/* install.sh recognises our hooks by this string */
const char sg_hook_ident[] = "@(#) stagegate-hook " SG_VERSION;

static void oom_exit(void)
{
	static const char msg[] = "stagegate: out of memory; push REJECTED "
				  "(fail closed)\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(SG_EXIT_INTERNAL);
	_exit(SG_EXIT_INTERNAL);
}

int sg_hook_setup(void)
{
	const char *gl = getenv("GL_ID");

	sg_msg_set_gitlab(gl && *gl);	/* the one read of GL_ID */
	sg_set_oom_handler(oom_exit);
	/* a file size limit must fail a write (and so the push), not kill us */
	signal(SIGXFSZ, SIG_IGN);
	if (git_libgit2_init() < 0)
		return SG_ERROR;
	/* git already trusts the repository it runs our hook in */
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	/*
	 * Memory stays flat whatever the push: pack windows are mapped and
	 * objects cached only up to these bounds (each blob is read once).
	 */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)SG_MWINDOW_SIZE);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT,
			 (size_t)SG_MWINDOW_MAPPED_LIMIT);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE,
			 (ssize_t)SG_OBJECT_CACHE_LIMIT);
	/*
	 * Large blobs come and go one at a time: give them back to the
	 * system at once instead of letting glibc's dynamic threshold keep
	 * them in the heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	return 0;
}

static const char *git_dir(void)
{
	const char *d = getenv("GIT_DIR");

	return d && *d ? d : ".";
}

struct run {
	struct sg_policy *pol;
	struct sg_push push;
	struct sg_context ctx;
	struct sg_report report;
	struct sg_buf err;
	struct sg_buf policy_path;
	struct sg_buf policy_dir;
	struct sg_buf quarantine;
	struct timespec start;
	FILE *out;			/* the pusher's messages */
	const char *decision;		/* "landed" in post-receive */
	char push_id[SG_PUSH_ID_LEN + 1];
};

static void run_init(struct run *run, FILE *out)
{
	const char *dir = git_dir();

	memset(run, 0, sizeof(*run));
	run->out = out;
	sg_buf_init(&run->err, SG_BUF_TEXT_MAX);
	sg_buf_init(&run->policy_path, SG_BUF_TEXT_MAX);
	sg_buf_init(&run->policy_dir, SG_BUF_TEXT_MAX);
	sg_buf_init(&run->quarantine, SG_BUF_TEXT_MAX);
	sg_buf_addf(&run->policy_dir, "%s/stagegate", dir);
	run->ctx.push = &run->push;
	run->ctx.policy_dir = run->policy_dir.buf;
	clock_gettime(CLOCK_MONOTONIC, &run->start);
	run->ctx.now = sg_clock_now();
	sg_audit_new_push_id(run->push_id);
}

static long elapsed_ms(const struct run *run)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - run->start.tv_sec) * 1000 +
	       (now.tv_nsec - run->start.tv_nsec) / 1000000;
}

/*
 * Record the decision. The policy may not have loaded (that may be the
 * very error being recorded): then the default log path is used.
 */
static int record(struct run *run, const char *hook, const char *error,
		  struct sg_buf *err)
{
	const struct sg_policy *pol = run->pol;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char repo[PATH_MAX];
	struct sg_audit_options opt;
	struct sg_audit_entry e;
	int ret;

	if (!realpath(git_dir(), repo))
		snprintf(repo, sizeof(repo), "%s", git_dir());
	sg_audit_log_path(&path, git_dir(),
			  pol ? pol->audit_path : SG_AUDIT_DEFAULT_PATH);
	opt.sink = pol ? (enum sg_audit_sink)pol->audit_sink : SG_SINK_FILE;
	opt.stream = run->out;
	opt.path = path.buf;
	opt.rotate_bytes = pol ? pol->audit_rotate_bytes : 0;
	opt.syslog_socket = pol && (pol->audit_syslog ||
				    opt.sink == SG_SINK_SYSLOG) ?
			    pol->audit_syslog_socket : NULL;
	opt.syslog_remote = pol ? pol->audit_syslog_remote : NULL;
	memset(&e, 0, sizeof(e));
	e.repo = repo;
	e.hook = hook;
	e.policy_digest = pol ? pol->digest : NULL;
	e.push = &run->push;
	e.report = error ? NULL : &run->report;
	e.verdicts = &run->report;	/* kept even after an error */
	e.pusher = run->ctx.pusher.login;
	e.pusher_source = run->ctx.pusher.source;
	e.error = error;
	e.decision = run->decision;
	e.duration_ms = elapsed_ms(run);
	ret = sg_audit_append(&opt, &e, run->push_id, err);
	sg_buf_release(&path);
	return ret;
}

/* Tell the pusher, record, and return the exit status (fail closed). */
static int finish(struct run *run, const char *hook, int checked, FILE *out)
{
	struct sg_buf audit_err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int status;

	if (!checked) {
		if (record(run, hook, run->err.buf, &audit_err) < 0)
			sg_msg_line(out, "also: %s", audit_err.buf);
		sg_msg_internal_error(out, run->err.buf, audit_err.len ? NULL
				      : run->push_id);
		status = SG_EXIT_INTERNAL;
	} else if ((run->push.nr || run->report.nr) &&
		   (!run->ctx.single_ref || run->report.errors) &&
		   record(run, hook, NULL, &audit_err) < 0) {
		sg_msg_internal_error(out, audit_err.buf, NULL);
		status = SG_EXIT_INTERNAL;
	} else {
		if (run->ctx.single_ref && run->report.errors)
			sg_msg_line(out, "update hook re-check refused %s",
				    run->push.updates[0].ref);
		if (!run->ctx.single_ref || run->report.errors)
			sg_msg_report(out, &run->push, &run->report,
				      run->push_id);
		status = run->report.errors ? SG_EXIT_REJECT : SG_EXIT_ACCEPT;
	}
	fflush(out);
	sg_buf_release(&audit_err);
	return status;
}

static void run_release(struct run *run)
{
	sg_report_release(&run->report);
	sg_identity_release(&run->ctx.pusher);
	sg_push_release(&run->push);
	sg_policy_free(run->pol);
	sg_buf_release(&run->err);
	sg_buf_release(&run->policy_path);
	sg_buf_release(&run->policy_dir);
	sg_buf_release(&run->quarantine);
}

/*
 * The policy, wherever the admin put it (platform.h); its rules files
 * are found beside it.
 */
static int load_policy(struct run *run)
{
	char *slash;

	if (sg_platform_policy_path(&run->policy_path, git_dir(),
				    &run->err) < 0)
		return SG_ERROR;
	sg_buf_reset(&run->policy_dir);
	sg_buf_adds(&run->policy_dir, run->policy_path.buf);
	slash = strrchr(run->policy_dir.buf, '/');
	if (slash && slash != run->policy_dir.buf) {
		*slash = '\0';
		run->policy_dir.len = (size_t)(slash - run->policy_dir.buf);
	}
	run->ctx.policy_dir = run->policy_dir.buf;
	return sg_policy_load(&run->pol, run->policy_path.buf, &run->err);
}

/* Everything after reading the updates; < 0 leaves the reason in err. */
static int load_and_check(struct run *run)
{
	if (load_policy(run) < 0)
		return SG_ERROR;
	run->ctx.pol = run->pol;
	if (sg_platform_quarantine(&run->quarantine, git_dir(),
				   &run->err) < 0 ||
	    sg_push_open(&run->push, git_dir(), run->quarantine.buf,
			 &run->err) < 0 ||
	    sg_push_read_options(&run->push, &run->err) < 0 ||
	    sg_identity_resolve(&run->ctx.pusher, &run->pol->identity_order,
				&run->err) < 0 ||
	    sg_push_check_old(&run->push, &run->err) < 0 ||
	    sg_push_resolve(&run->push, run->pol, &run->err) < 0 ||
	    sg_check_push(&run->ctx, &run->report, &run->err) < 0)
		return SG_ERROR;
	return 0;
}

int sg_hook_pre_receive(FILE *in, FILE *out)
{
	struct run run;
	int checked, status;

	run_init(&run, out);
	checked = sg_push_read(&run.push, in, &run.err) == 0 &&
		  load_and_check(&run) == 0;
	status = finish(&run, "pre-receive", checked, out);
	run_release(&run);
	return status;
}

int sg_hook_update(const char *ref, const char *old_hex, const char *new_hex,
		   FILE *out)
{
	struct run run;
	int checked, status;

	run_init(&run, out);
	run.ctx.single_ref = 1;
	checked = sg_push_add(&run.push, ref, old_hex, new_hex, &run.err) == 0 &&
		  load_and_check(&run) == 0;
	status = finish(&run, "update", checked, out);
	run_release(&run);
	return status;
}

int sg_hook_post_receive(FILE *in, FILE *out)
{
	struct sg_buf audit_err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct run run;
	int ok;

	run_init(&run, out);
	run.decision = "landed";
	ok = sg_push_read(&run.push, in, &run.err) == 0 &&
	     load_policy(&run) == 0 &&
	     sg_identity_resolve(&run.ctx.pusher, &run.pol->identity_order,
				 &run.err) == 0;
	if (ok && run.push.nr && record(&run, "post-receive", NULL,
					&audit_err) < 0) {
		sg_buf_adds(&run.err, audit_err.buf);
		ok = 0;
	}
	if (!ok)
		sg_msg_info(out, "cannot record what landed: %s", run.err.buf);
	else if (run.push.nr)
		sg_msg_info(out, "landed: %zu ref(s) updated, recorded",
			    run.push.nr);
	fflush(out);
	sg_buf_release(&audit_err);
	run_release(&run);
	return ok ? SG_EXIT_ACCEPT : SG_EXIT_INTERNAL;
}
