/*
 * local.c -- the server's verdict in a maker's clone (see local.h).
 *
 * pre-push: git tells the hook, per ref, the local tip and the remote's
 * old tip. What the push sends is the local tip's history minus what
 * the remote already has; the clone knows that as the remote's old tip
 * and its tracking refs (refs/remotes/REMOTE/...). Of those, the newest
 * merge base with the local tip bounds the walk, and the secret engine
 * of `stagegate scan --range` (each commit against its first parent, the
 * server's rules, decoding and fingerprints) scans what lies above it.
 *
 * explain: the server's ref gates (protect, test tags, approval, tested)
 * run on the clone's objects as they would on the server's, for one
 * update whose old tip is the remote's tracking ref. The secret gate is
 * pre-push's job; the rollback gate needs the server's audit log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "local.h"
#include "policy.h"
#include "rules.h"
#include "scanfiles.h"
#include "banned.h"

static int load_policy(struct sg_local *l, const char *policy_path,
		       struct sg_buf *err)
{
	if (!policy_path)
		return 0;
	return sg_policy_load(&l->pol, policy_path, err);
}

/* The newer of two commits when one descends from the other. */
static void keep_newer(git_repository *repo, git_oid *best, int *have,
		       const git_oid *cand)
{
	if (!*have || git_graph_descendant_of(repo, cand, best) == 1) {
		git_oid_cpy(best, cand);
		*have = 1;
	}
}

/*
 * The newest commit the remote has below `tip`: merge bases of `tip`
 * with `old` (the remote's old tip, when the clone has it) and with
 * each refs/remotes/REMOTE/ tip. 0: none (the remote has nothing).
 */
static int remote_base(git_repository *repo, const char *remote,
		       const git_oid *tip, const git_oid *old, git_oid *out)
{
	struct sg_buf glob = SG_BUF_INIT(4096);
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_oid base;
	int have = 0;

	if (old && !git_oid_is_zero(old) &&
	    git_merge_base(&base, repo, tip, old) == 0)
		keep_newer(repo, out, &have, &base);
	sg_buf_addf(&glob, "refs/remotes/%s/*", remote);
	if (git_reference_iterator_glob_new(&it, repo, glob.buf) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			git_reference *res = NULL;

			if (git_reference_resolve(&res, ref) == 0 &&
			    git_merge_base(&base, repo, tip,
					   git_reference_target(res)) == 0)
				keep_newer(repo, out, &have, &base);
			git_reference_free(res);
			git_reference_free(ref);
		}
	}
	git_reference_iterator_free(it);
	sg_buf_release(&glob);
	return have;
}

/* Scan what pushing `to` over `from` (may be zero) would send. */
static int scan_update(struct sg_local *l, const struct sg_rules *rules,
		       const char *repo_path, git_repository *repo,
		       const char *remote, const char *ref, const git_oid *from,
		       const git_oid *to, struct sg_buf *err)
{
	struct sg_report found = SG_REPORT_INIT;
	char from_hex[GIT_OID_HEXSZ + 1], to_hex[GIT_OID_HEXSZ + 1];
	char range[2 * GIT_OID_HEXSZ + 3];
	git_oid base;
	int ret;

	git_oid_tostr(from_hex, sizeof(from_hex), from);
	git_oid_tostr(to_hex, sizeof(to_hex), to);
	ret = sg_push_add(&l->push, ref, from_hex, to_hex, err);
	if (ret < 0)
		return ret;
	if (git_oid_is_zero(to))
		return 0;	/* a deletion sends nothing */
	if (remote_base(repo, remote, to, from, &base)) {
		git_oid_tostr(from_hex, sizeof(from_hex), &base);
		snprintf(range, sizeof(range), "%s..%s", from_hex, to_hex);
	} else {
		snprintf(range, sizeof(range), "%s", to_hex);
	}
	ret = sg_scan_range(rules, l->pol, repo_path, range, &found, err);
	/* the engine scanned a range; the server names the ref pushed */
	for (size_t i = 0; ret == 0 && i < found.nr; i++) {
		free(found.v[i].ref);
		found.v[i].ref = sg_strdup(ref);
	}
	sg_report_merge_secrets(&found);	/* as the server does */
	sg_report_take(&l->report, &found);
	sg_report_release(&found);
	return ret;
}

static void mark_rejected(struct sg_local *l)
{
	for (size_t i = 0; i < l->push.nr; i++)
		sg_report_decide(&l->report, i, l->push.updates[i].ref);
}

/* "LOCALREF OID REMOTEREF OID": the remote ref and both ids. */
static int parse_line(char *line, char **ref, git_oid *local, git_oid *old,
		      struct sg_buf *err)
{
	char *f[4], *p = line;

	for (int i = 0; i < 4; i++) {
		f[i] = p;
		p += strcspn(p, " ");
		if ((i < 3 && *p != ' ') || (i == 3 && *p))
			return sg_error(err, SG_ERROR, "protocol error: bad "
					"pre-push line '%.*s'", 60, line);
		if (*p)
			*p++ = '\0';
	}
	if (strlen(f[1]) != GIT_OID_HEXSZ || strlen(f[3]) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(local, f[1]) < 0 || git_oid_fromstr(old, f[3]) < 0)
		return sg_error(err, SG_ERROR, "protocol error: bad object id "
				"in pre-push line '%.*s'", 60, line);
	*ref = f[2];
	return 0;
}

static int open_for_scan(struct sg_local *l, struct sg_rules **rules,
			 git_repository **repo, const char *repo_path,
			 const char *rules_path, const char *policy_path,
			 struct sg_buf *err)
{
	if (load_policy(l, policy_path, err) < 0 ||
	    sg_rules_load(rules, rules_path, err) < 0)
		return SG_ERROR;
	if (git_repository_open_ext(repo, repo_path, 0, NULL) < 0)
		return sg_git_error(err, "cannot open the repository");
	return 0;
}

int sg_local_prepush(struct sg_local *l, const char *repo_path,
		     const char *remote, const char *rules_path,
		     const char *policy_path, FILE *in, struct sg_buf *err)
{
	struct sg_rules *rules = NULL;
	git_repository *repo = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret;

	ret = open_for_scan(l, &rules, &repo, repo_path, rules_path,
			    policy_path, err);
	while (ret == 0 && (len = getline(&line, &cap, in)) >= 0) {
		git_oid local, old;
		char *ref = NULL;

		if (len > SG_MAX_PUSH_LINE) {
			ret = sg_error(err, SG_ELIMIT, "protocol error: a "
				       "pre-push line is longer than %d bytes",
				       SG_MAX_PUSH_LINE);
			break;
		}
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len)
			continue;
		ret = parse_line(line, &ref, &local, &old, err);
		if (ret == 0)
			ret = scan_update(l, rules, repo_path, repo, remote,
					  ref, &old, &local, err);
	}
	free(line);
	mark_rejected(l);
	git_repository_free(repo);
	sg_rules_free(rules);
	return ret;
}

/* A revision of the clone as an object id; zero for NULL or "". */
static int rev_id(git_repository *repo, const char *rev, git_oid *out,
		  struct sg_buf *err)
{
	git_object *obj = NULL;

	memset(out, 0, sizeof(*out));
	if (!rev || !*rev || strspn(rev, "0") == strlen(rev))
		return 0;
	if (git_revparse_single(&obj, repo, rev) < 0)
		return sg_error(err, SG_ENOTFOUND, "unknown revision '%s'",
				rev);
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

int sg_local_prepush_one(struct sg_local *l, const char *repo_path,
			 const char *remote, const char *rules_path,
			 const char *policy_path, const char *ref,
			 const char *from, const char *to, struct sg_buf *err)
{
	struct sg_rules *rules = NULL;
	git_repository *repo = NULL;
	git_oid old, local;
	int ret;

	ret = open_for_scan(l, &rules, &repo, repo_path, rules_path,
			    policy_path, err);
	if (ret == 0)
		ret = rev_id(repo, from, &old, err);
	if (ret == 0)
		ret = rev_id(repo, to, &local, err);
	if (ret == 0)
		ret = scan_update(l, rules, repo_path, repo, remote, ref, &old,
				  &local, err);
	mark_rejected(l);
	git_repository_free(repo);
	sg_rules_free(rules);
	return ret;
}

/* The policy login whose email is git's user.email; NULL: none. */
static char *login_by_email(const struct sg_policy *pol, git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf email = { 0 };
	char *login = NULL;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&email, cfg, "user.email") == 0)
		for (size_t i = 0; !login && i < pol->users_nr; i++)
			for (size_t j = 0; j < pol->users[i].emails.nr; j++)
				if (!strcasecmp(pol->users[i].emails.v[j],
						email.ptr)) {
					login = sg_strdup(pol->users[i].login);
					break;
				}
	git_buf_dispose(&email);
	git_config_free(cfg);
	return login;
}

static int set_pusher(struct sg_local *l, const char *user,
		      struct sg_buf *err)
{
	if (user) {
		l->ctx.pusher.login = sg_strdup(user);
		l->ctx.pusher.source = "--user";
		return 0;
	}
	l->ctx.pusher.login = login_by_email(l->pol, l->push.repo);
	if (l->ctx.pusher.login) {
		l->ctx.pusher.source = "user.email";
		return 0;
	}
	return sg_identity_resolve(&l->ctx.pusher, &l->pol->identity_order,
				   err);
}

/* refs/heads/X -> refs/remotes/REMOTE/X: the remote's tip as known. */
static void tracking_tip(git_repository *repo, const char *remote,
			 const char *ref, git_oid *out)
{
	struct sg_buf name = SG_BUF_INIT(4096);

	memset(out, 0, sizeof(*out));
	if (!strncmp(ref, "refs/heads/", 11))
		sg_buf_addf(&name, "refs/remotes/%s/%s", remote, ref + 11);
	else
		sg_buf_adds(&name, ref);	/* tags: as fetched */
	if (git_reference_name_to_id(out, repo, name.buf) < 0)
		memset(out, 0, sizeof(*out));
	sg_buf_release(&name);
}

int sg_local_explain(struct sg_local *l, const char *repo_path,
		     const char *policy_path, const char *remote,
		     const char *user, const char *ref, const char *rev,
		     struct sg_buf *err)
{
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	git_repository *repo = NULL;
	git_oid old, new_id;
	int ret;

	ret = load_policy(l, policy_path, err);
	if (ret == 0 && git_repository_open_ext(&repo, repo_path, 0,
						 NULL) < 0)
		ret = sg_git_error(err, "cannot open the repository");
	if (ret == 0)
		ret = rev_id(repo, rev, &new_id, err);
	if (ret == 0 && git_oid_is_zero(&new_id))
		ret = sg_error(err, SG_ERROR, "nothing to explain: give a "
			       "revision");
	if (ret == 0) {
		tracking_tip(repo, remote, ref, &old);
		git_oid_tostr(old_hex, sizeof(old_hex), &old);
		git_oid_tostr(new_hex, sizeof(new_hex), &new_id);
		ret = sg_push_open(&l->push, git_repository_path(repo), NULL,
				   err);
	}
	git_repository_free(repo);
	if (ret == 0)
		ret = sg_push_add(&l->push, ref, old_hex, new_hex, err);
	l->ctx.pol = l->pol;
	l->ctx.push = &l->push;
	l->ctx.single_ref = 1;	/* the ref gates; secrets: pre-push */
	if (ret == 0)
		ret = set_pusher(l, user, err);
	if (ret == 0)
		ret = sg_push_resolve(&l->push, l->pol, err);
	if (ret == 0)
		ret = sg_check_push(&l->ctx, &l->report, err);
	return ret;
}

/* The line every hook we install carries, to know it again. */
#define HOOK_MARK "# stagegate pre-push hook (stagegate install-pre-push)"

/* ' QUOTED' for sh; paths with a quote are refused by the caller. */
static void sh_arg(struct sg_buf *b, const char *opt, const char *val)
{
	if (val)
		sg_buf_addf(b, " %s '%s'", opt, val);
}

static int write_hook(const char *path, const char *text, int force,
		      struct sg_buf *err)
{
	struct sg_buf old = SG_BUF_INIT(1 << 20);
	int fd, ret = 0;
	size_t len = strlen(text);

	if (sg_buf_read_file(&old, path, NULL) == 0 &&
	    !strstr(old.buf, HOOK_MARK) && !force)
		ret = sg_error(err, SG_ERROR, "'%s' exists and is not "
			       "stagegate's: give --force to replace it",
			       path);
	sg_buf_release(&old);
	if (ret < 0)
		return ret;
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0755);
	if (fd < 0)
		return sg_error(err, SG_ERROR, "cannot write '%s': %s", path,
				strerror(errno));
	if (write(fd, text, len) != (ssize_t)len)
		ret = sg_error(err, SG_ERROR, "cannot write '%s'", path);
	if (close(fd) < 0 && ret == 0)
		ret = sg_error(err, SG_ERROR, "cannot write '%s'", path);
	return ret;
}

int sg_local_install(const char *repo_path, const char *exe,
		     const char *rules, const char *policy, int force,
		     struct sg_buf *path_out, struct sg_buf *err)
{
	struct sg_buf text = SG_BUF_INIT(16384);
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf hooks = { 0 };
	int ret = 0;

	if (strchr(exe, '\'') || (rules && strchr(rules, '\'')) ||
	    (policy && strchr(policy, '\'')))
		return sg_error(err, SG_ERROR, "a path holds a quote (')");
	if (git_repository_open_ext(&repo, repo_path, 0, NULL) < 0)
		return sg_git_error(err, "cannot open the repository");
	if (git_repository_item_path(&hooks, repo,
				     GIT_REPOSITORY_ITEM_HOOKS) < 0) {
		ret = sg_git_error(err, "no hooks directory");
		goto out;
	}
	mkdir(hooks.ptr, 0755);
	sg_buf_addf(&text, "#!/bin/sh\n%s\n# runs the server's secret rules "
		    "on what the push would send; git push --no-verify\n# "
		    "skips it (the server checks anyway)\nexec '%s' pre-push",
		    HOOK_MARK, exe);
	sh_arg(&text, "--rules", rules);
	sh_arg(&text, "--policy", policy);
	sg_buf_adds(&text, " \"$@\"\n");
	sg_buf_reset(path_out);
	sg_buf_addf(path_out, "%spre-push", hooks.ptr);
	ret = write_hook(path_out->buf, text.buf, force, err);
	if (ret == 0 && git_repository_config(&cfg, repo) < 0)
		ret = sg_git_error(err, "cannot open the clone's config");
	if (ret == 0 && ((rules && git_config_set_string(cfg,
			  "stagegate.rules", rules) < 0) ||
			 (policy && git_config_set_string(cfg,
			  "stagegate.policy", policy) < 0)))
		ret = sg_git_error(err, "cannot write the clone's config");
out:
	git_config_free(cfg);
	git_buf_dispose(&hooks);
	git_repository_free(repo);
	sg_buf_release(&text);
	return ret;
}

int sg_local_config(const char *repo_path, const char *key,
		    struct sg_buf *out)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf val = { 0 };
	int ret = SG_ENOTFOUND;

	if (git_repository_open_ext(&repo, repo_path, 0, NULL) == 0 &&
	    git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&val, cfg, key) == 0) {
		sg_buf_reset(out);
		sg_buf_adds(out, val.ptr);
		ret = 0;
	}
	git_buf_dispose(&val);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

void sg_local_release(struct sg_local *l)
{
	sg_report_release(&l->report);
	sg_identity_release(&l->ctx.pusher);
	sg_push_release(&l->push);
	sg_policy_free(l->pol);
	l->pol = NULL;
}
