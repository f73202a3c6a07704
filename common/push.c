/*
 * push.c -- the push engine: parse the ref updates, open the repository
 * with the quarantined objects visible, and work out what each update
 * brings. Gates only read what this module computed.
 *
 * The repository is opened with git_repository_open_bare() plus the
 * quarantine as an alternate, not libgit2's open-from-environment mode,
 * which splits GIT_ALTERNATE_OBJECT_DIRECTORIES on ':' and so breaks on
 * repository paths that hold one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "oidset.h"
#include "push.h"
#include "banned.h"

static int parse_oid(git_oid *out, const char **p, const char *end,
		     int *sha256)
{
	size_t n = 0;

	while (*p + n < end && isxdigit((unsigned char)(*p)[n]))
		n++;
	if (n == 64)
		*sha256 = 1;
	if (n != GIT_OID_HEXSZ || git_oid_fromstrn(out, *p, n) < 0)
		return SG_ERROR;
	*p += n;
	return 0;
}

static int valid_refname(const char *ref)
{
	int valid = 0;

	return git_reference_name_is_valid(&valid, ref) == 0 && valid &&
	       !strncmp(ref, "refs/", 5);
}

static int add_update(struct sg_push *push, const char *ref,
		      const git_oid *old_id, const git_oid *new_id,
		      struct sg_buf *err)
{
	struct sg_update *u;
	int old_zero = git_oid_is_zero(old_id);
	int new_zero = git_oid_is_zero(new_id);

	if (!valid_refname(ref))
		return sg_error(err, SG_ERROR, "protocol error: '%s' is not a "
				"valid ref name", ref);
	if (old_zero && new_zero)
		return sg_error(err, SG_ERROR, "protocol error: '%s' has two "
				"zero ids", ref);
	for (size_t i = 0; i < push->nr; i++)
		if (!strcmp(push->updates[i].ref, ref))
			return sg_error(err, SG_ERROR, "protocol error: '%s' "
					"is updated twice", ref);
	if (push->nr == SG_MAX_PUSH_UPDATES)
		return sg_error(err, SG_ELIMIT, "more than %d ref updates in "
				"one push", SG_MAX_PUSH_UPDATES);
	SG_ALLOC_GROW(push->updates, push->nr + 1, push->alloc);
	u = &push->updates[push->nr++];
	memset(u, 0, sizeof(*u));
	u->ref = sg_strdup(ref);
	git_oid_cpy(&u->old_id, old_id);
	git_oid_cpy(&u->new_id, new_id);
	u->kind = old_zero ? SG_UPDATE_CREATE
		 : new_zero ? SG_UPDATE_DELETE : SG_UPDATE_MODIFY;
	return 0;
}

static int sha256_error(struct sg_buf *err)
{
	return sg_error(err, SG_ERROR, "this repository uses SHA-256 object "
			"ids; stagegate (libgit2 1.5) supports SHA-1 "
			"repositories only");
}

static int parse_line(struct sg_push *push, const char *line, size_t len,
		      struct sg_buf *err)
{
	const char *p = line, *end = line + len;
	git_oid old_id, new_id;
	int sha256 = 0, ret;
	char *ref;

	if (parse_oid(&old_id, &p, end, &sha256) < 0 || p == end ||
	    *p++ != ' ' || parse_oid(&new_id, &p, end, &sha256) < 0 ||
	    p == end || *p++ != ' ' || p == end) {
		if (sha256)
			return sha256_error(err);
		return sg_error(err, SG_ERROR, "protocol error: bad update "
				"line '%.*s'", (int)(len > 60 ? 60 : len), line);
	}
	if (memchr(p, '\0', (size_t)(end - p)))
		return sg_error(err, SG_ERROR, "protocol error: NUL byte in a "
				"ref name");
	ref = sg_strndup(p, (size_t)(end - p));
	ret = add_update(push, ref, &old_id, &new_id, err);
	free(ref);
	return ret;
}

int sg_push_read(struct sg_push *push, FILE *in, struct sg_buf *err)
{
	char line[SG_MAX_PUSH_LINE + 2];
	size_t len;

	for (;;) {
		size_t n = 0;
		int c = 0;

		/* fgets cannot tell a NUL inside a line; read bytes ourselves */
		while (n < sizeof(line) - 1 && (c = getc(in)) != EOF) {
			line[n++] = (char)c;
			if (c == '\n')
				break;
		}
		if (ferror(in))
			return sg_error(err, SG_ERROR, "cannot read the ref "
					"updates: %s", strerror(errno));
		if (n == 0)
			break;
		if (line[n - 1] != '\n' && c != EOF)
			return sg_error(err, SG_ELIMIT, "protocol error: an "
					"update line is longer than %d bytes",
					SG_MAX_PUSH_LINE);
		len = n;
		if (line[len - 1] == '\n')
			len--;
		if (len && parse_line(push, line, len, err) < 0)
			return SG_ERROR;
		if (c == EOF)
			break;
	}
	return 0;
}

int sg_push_add(struct sg_push *push, const char *ref, const char *old_hex,
		const char *new_hex, struct sg_buf *err)
{
	git_oid old_id, new_id;

	if (strlen(old_hex) == 64 || strlen(new_hex) == 64)
		return sha256_error(err);
	if (strlen(old_hex) != GIT_OID_HEXSZ ||
	    strlen(new_hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(&old_id, old_hex) < 0 ||
	    git_oid_fromstr(&new_id, new_hex) < 0)
		return sg_error(err, SG_ERROR, "bad object id for '%s'", ref);
	return add_update(push, ref, &old_id, &new_id, err);
}

int sg_push_read_options(struct sg_push *push, struct sg_buf *err)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	char *end, name[64];
	long n;

	if (!count)
		return 0;
	errno = 0;
	n = strtol(count, &end, 10);
	if (errno || *end || n < 0 || n > 1000)
		return sg_error(err, SG_ERROR, "bad GIT_PUSH_OPTION_COUNT '%s'",
				count);
	for (long i = 0; i < n; i++) {
		const char *v;

		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%ld", i);
		v = getenv(name);
		if (!v)
			return sg_error(err, SG_ERROR, "%s is missing", name);
		sg_strlist_add(&push->options, v);
	}
	return 0;
}

const char *sg_push_option(const struct sg_push *push, const char *key)
{
	size_t klen = strlen(key);
	const char *found = NULL;

	for (size_t i = 0; i < push->options.nr; i++) {
		const char *o = push->options.v[i];

		if (!strncmp(o, key, klen) && o[klen] == '=')
			found = o + klen + 1;
	}
	return found;
}

static int refuse_sha256(const char *gitdir, struct sg_buf *err)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_config *cfg = NULL;
	git_buf fmt = GIT_BUF_INIT;
	int ret = 0;

	sg_buf_addf(&path, "%s/config", gitdir);
	if (git_config_open_ondisk(&cfg, path.buf) < 0)
		ret = sg_git_error(err, "cannot read the repository's config");
	else if (git_config_get_string_buf(&fmt, cfg,
					   "extensions.objectformat") == 0 &&
		 strcmp(fmt.ptr, "sha1"))
		ret = sha256_error(err);
	git_buf_dispose(&fmt);
	git_config_free(cfg);
	sg_buf_release(&path);
	return ret;
}

static int open_with_quarantine(git_repository **out, const char *gitdir,
				const char *quarantine, struct sg_buf *err)
{
	git_odb *odb = NULL;
	int ret = 0;

	if (git_repository_open_bare(out, gitdir) < 0)
		return sg_git_error(err, "cannot open the repository");
	if (git_repository_odb(&odb, *out) < 0)
		ret = sg_git_error(err, "cannot open the object database");
	else if (quarantine && *quarantine &&
		 git_odb_add_disk_alternate(odb, quarantine) < 0)
		ret = sg_git_error(err, "cannot see the pushed objects");
	git_odb_free(odb);
	if (ret < 0) {
		git_repository_free(*out);
		*out = NULL;
	}
	return ret;
}

int sg_push_open(struct sg_push *push, const char *gitdir,
		 const char *quarantine, struct sg_buf *err)
{
	struct sg_buf objects = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret;

	push->gitdir = sg_strdup(gitdir);
	push->quarantine = quarantine && *quarantine ? sg_strdup(quarantine)
						     : NULL;
	ret = refuse_sha256(gitdir, err);
	if (ret == 0)
		ret = open_with_quarantine(&push->repo, gitdir, quarantine,
					   err);
	if (ret == 0) {
		sg_buf_addf(&objects, "%s/objects", gitdir);
		if (git_odb_open(&push->server_odb, objects.buf) < 0)
			ret = sg_git_error(err, "cannot open the object "
					   "database");
	}
	if (ret == 0 && push->quarantine &&
	    git_odb_open(&push->quarantine_odb, push->quarantine) < 0)
		ret = sg_git_error(err, "cannot open the pushed objects");
	sg_buf_release(&objects);
	return ret;
}

int sg_push_open_repo(const struct sg_push *push, git_repository **out,
		      struct sg_buf *err)
{
	return open_with_quarantine(out, push->gitdir, push->quarantine, err);
}

int sg_push_on_server(const struct sg_push *push, const git_oid *id)
{
	/*
	 * outside a push (stagegate scan --range) nothing is "on the server".
	 * Most ids asked about are new: without NO_REFRESH each miss would
	 * read the server's pack directory again (a large push asked 126,000
	 * times). An object landing meanwhile reads as new: scanned, not
	 * skipped.
	 */
	return push->server_odb &&
	       git_odb_exists_ext(push->server_odb, id,
				  GIT_ODB_LOOKUP_NO_REFRESH);
}

int sg_push_each_new_object(const struct sg_push *push, git_odb_foreach_cb fn,
			    void *payload, struct sg_buf *err)
{
	int rc;

	if (!push->quarantine_odb)
		return 0;
	rc = git_odb_foreach(push->quarantine_odb, fn, payload);
	if (rc < 0 && rc != GIT_EUSER)
		return sg_git_error(err, "cannot list the pushed objects");
	return rc == GIT_EUSER ? SG_ERROR : 0;
}

/*
 * Peel `id` to a commit into *out; *has = 0 if it is no commit.
 * SG_ENOTFOUND: the object is nowhere (the push is incomplete).
 */
static int peel(git_repository *repo, const git_oid *id, const char *ref,
		git_oid *out, int *has, git_object_t *type, struct sg_buf *err)
{
	git_object *obj = NULL, *peeled = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	*has = 0;
	git_oid_tostr(hex, sizeof(hex), id);
	rc = git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY);
	if (rc == GIT_ENOTFOUND)
		return SG_ENOTFOUND;
	if (rc < 0)
		return sg_error(err, SG_ERROR, "cannot read object %s of '%s': "
				"%s", hex, ref, git_error_last()
				? git_error_last()->message : "missing");
	if (type)
		*type = git_object_type(obj);
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		git_oid_cpy(out, git_object_id(peeled));
		*has = 1;
	} else if (git_object_type(obj) == GIT_OBJECT_TAG &&
		   rc != GIT_EINVALIDSPEC && rc != GIT_EPEEL) {
		git_object_free(obj);
		return sg_git_error(err, "cannot peel a pushed tag");
	}
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

int sg_push_each_ref(git_repository *repo, sg_ref_want_fn want, sg_ref_fn fn,
		     void *payload, struct sg_buf *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc, ret = 0;

	if (git_reference_iterator_new(&it, repo) < 0)
		return sg_git_error(err, "cannot list refs");
	while (ret == 0 && (rc = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		git_object *obj = NULL;

		if ((!want || want(name, payload)) &&
		    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0)
			ret = fn(name, git_object_id(obj), payload, err);
		git_object_free(obj);
		git_reference_free(ref);
	}
	if (ret == 0 && rc != GIT_ITEROVER)
		ret = sg_git_error(err, "cannot list refs");
	git_reference_iterator_free(it);
	return ret;
}

struct hide {
	git_revwalk *walk;
	const struct sg_policy *pol;
	const char *self;		/* the ref being created: not hidden */
	const struct sg_env *env;	/* non-NULL: only this one's refs */
	int want_first;			/* note the first hidden ref by name */
	char *first;
	git_oid first_commit;		/* its tip */
	sg_ref_want_fn want;		/* non-NULL: it alone decides */
	void *want_payload;
};

static int hide_wanted(const char *name, void *payload)
{
	struct hide *h = payload;

	if (h->want)
		return h->want(name, h->want_payload);
	if (h->self && !strcmp(name, h->self))
		return 0;
	return !h->env || sg_policy_env_for(h->pol, name) == h->env;
}

static int hide_one(const char *name, const git_oid *commit, void *payload,
		    struct sg_buf *err)
{
	struct hide *h = payload;

	if (h->want_first && (!h->first || strcmp(name, h->first) < 0)) {
		free(h->first);
		h->first = sg_strdup(name);
		git_oid_cpy(&h->first_commit, commit);
	}
	return git_revwalk_hide(h->walk, commit) < 0
	       ? sg_git_error(err, "cannot walk history") : 0;
}

/*
 * Hide the tips of the existing refs: all of them, or, for `u`, those of
 * its environment but its own. A ref `u` creates gets its base there:
 * the first of them by name (one listing serves both).
 */
static int hide_refs(struct sg_push *push, git_revwalk *walk,
		     const struct sg_policy *pol, struct sg_update *u,
		     struct sg_buf *err)
{
	struct hide h = { walk, pol, NULL, NULL, 0, NULL, { { 0 } } };
	int ret;

	if (u) {
		h.self = u->ref;
		h.env = u->env;
		h.want_first = u->kind == SG_UPDATE_CREATE;
	}
	ret = sg_push_each_ref(push->repo, hide_wanted, hide_one, &h, err);
	if (ret == 0 && h.first) {
		u->base_ref = h.first;
		git_oid_cpy(&u->base, &h.first_commit);
		h.first = NULL;
	}
	free(h.first);
	return ret;
}

static int list_commits(struct sg_push *push, struct sg_update *u,
			const struct sg_policy *pol, struct sg_buf *err)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int rc, ret = 0;

	/*
	 * Only gated refs need their commits: the secret gate walks the
	 * push as a whole, and listing every ref for each of 10,000 created
	 * branches would be quadratic.
	 */
	if (!u->has_new_commit || !u->env)
		return 0;
	if (git_revwalk_new(&walk, push->repo) < 0)
		return sg_git_error(err, "cannot walk history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL);
	if (git_revwalk_push(walk, &u->new_commit) < 0)
		ret = sg_git_error(err, "cannot walk history");
	else if (u->kind == SG_UPDATE_MODIFY && u->has_old_commit)
		ret = git_revwalk_hide(walk, &u->old_commit) < 0
			      ? sg_git_error(err, "cannot walk history") : 0;
	else	/* what the environment's own refs do not hold is new to it */
		ret = hide_refs(push, walk, pol, u, err);
	while (ret == 0 && (rc = git_revwalk_next(&id, walk)) == 0) {
		if (u->commits_nr == SG_MAX_COMMITS) {
			ret = sg_error(err, SG_ELIMIT, "'%s' brings more than "
				       "%d commits", u->ref, SG_MAX_COMMITS);
			break;
		}
		SG_ALLOC_GROW(u->commits, u->commits_nr + 1, u->commits_alloc);
		git_oid_cpy(&u->commits[u->commits_nr++], &id);
	}
	if (ret == 0 && rc == GIT_ENOTFOUND) {
		u->incomplete = 1;	/* a parent is nowhere: git refuses too */
		u->commits_nr = 0;
	} else if (ret == 0 && rc != GIT_ITEROVER) {
		ret = sg_git_error(err, "cannot walk history");
	}
	git_revwalk_free(walk);
	return ret;
}

/* If `u->ref` is a symbolic ref on the server, note what it points to. */
static int find_symref(struct sg_push *push, struct sg_update *u,
		       struct sg_buf *err)
{
	git_reference *ref = NULL, *resolved = NULL;
	int rc = git_reference_lookup(&ref, push->repo, u->ref);

	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return sg_git_error(err, "cannot read a ref");
	if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) {
		/* the end of the chain; a dangling one names its target */
		if (git_reference_resolve(&resolved, ref) == 0)
			u->symref_target = sg_strdup(
				git_reference_name(resolved));
		else
			u->symref_target = sg_strdup(
				git_reference_symbolic_target(ref));
	}
	git_reference_free(resolved);
	git_reference_free(ref);
	return 0;
}

/* An object of `u` is missing: record which, for the protect gate. */
static int peel_or_mark(struct sg_push *push, struct sg_update *u,
			const git_oid *id, git_oid *out, int *has,
			git_object_t *type, struct sg_buf *err)
{
	int rc = peel(push->repo, id, u->ref, out, has, type, err);

	if (rc == SG_ENOTFOUND) {
		u->incomplete = 1;
		git_oid_cpy(&u->missing, id);
		return 0;
	}
	return rc;
}

int sg_push_check_old(struct sg_push *push, struct sg_buf *err)
{
	for (size_t i = 0; i < push->nr; i++) {
		struct sg_update *u = &push->updates[i];
		git_oid cur;
		int rc = git_reference_name_to_id(&cur, push->repo, u->ref);

		if (rc == GIT_ENOTFOUND)
			u->stale = u->kind != SG_UPDATE_CREATE;
		else if (rc < 0)
			return sg_git_error(err, "cannot read a ref");
		else
			u->stale = !git_oid_equal(&cur, &u->old_id);
	}
	return 0;
}

int sg_push_resolve(struct sg_push *push, const struct sg_policy *pol,
		    struct sg_buf *err)
{
	for (size_t i = 0; i < push->nr; i++) {
		struct sg_update *u = &push->updates[i];
		int rc;

		u->env = sg_policy_env_for(pol, u->ref);
		if (find_symref(push, u, err) < 0)
			return SG_ERROR;
		rc = u->kind == SG_UPDATE_CREATE ? 0 :
		     peel(push->repo, &u->old_id, u->ref, &u->old_commit,
			  &u->has_old_commit, NULL, err);
		if (rc == SG_ENOTFOUND)
			return sg_error(err, SG_ERROR, "the current tip of '%s' "
					"is missing from the repository",
					u->ref);
		if (rc < 0)
			return SG_ERROR;
		if (u->kind != SG_UPDATE_DELETE &&
		    peel_or_mark(push, u, &u->new_id, &u->new_commit,
				 &u->has_new_commit, &u->new_type, err) < 0)
			return SG_ERROR;
		if (u->incomplete)
			continue;
		if (u->kind == SG_UPDATE_MODIFY && u->has_old_commit &&
		    u->has_new_commit) {
			rc = git_oid_equal(&u->old_commit, &u->new_commit)
				 ? 1 : git_graph_descendant_of(push->repo,
					&u->new_commit, &u->old_commit);
			if (rc < 0)
				return sg_git_error(err, "cannot compare "
						    "history");
			u->fast_forward = rc;
			rc = rc ? 0 : git_graph_descendant_of(push->repo,
					&u->old_commit, &u->new_commit);
			if (rc < 0)
				return sg_git_error(err, "cannot compare "
						    "history");
			u->backwards = rc;
		}
		if (u->kind == SG_UPDATE_MODIFY && u->has_old_commit) {
			git_oid_cpy(&u->base, &u->old_commit);
			u->base_ref = sg_strdup(u->ref);
		}
		if (list_commits(push, u, pol, err) < 0)
			return SG_ERROR;
	}
	return 0;
}

/*
 * What one walk of new blobs listed: every blob call, in order, and every
 * id it put into `seen`, so that a second gate with the same scope (the
 * personal-data gate after the secret gate) does not read every new
 * commit's trees again.
 */
struct memo_blob {
	git_oid id, commit, old;
	int has_old;
	git_filemode_t mode;
	char *path;
};

struct sg_walk_memo {
	int *scope;			/* in_scope of each update */
	size_t nscope;
	struct memo_blob *v;
	size_t nr, alloc;
	git_oid *seen;
	size_t seen_nr, seen_alloc;
};

static void memo_free(struct sg_walk_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->seen);
	free(m->scope);
	free(m);
}

static struct sg_walk_memo *memo_new(const struct sg_push *push)
{
	struct sg_walk_memo *m = sg_calloc(1, sizeof(*m));

	m->nscope = push->nr;
	m->scope = sg_calloc(push->nr + 1, sizeof(*m->scope));
	for (size_t i = 0; i < push->nr; i++)
		m->scope[i] = push->updates[i].in_scope;
	return m;
}

static int memo_fits(const struct sg_walk_memo *m, const struct sg_push *push)
{
	if (!m || m->nscope != push->nr)
		return 0;
	for (size_t i = 0; i < push->nr; i++)
		if (!m->scope[i] != !push->updates[i].in_scope)
			return 0;
	return 1;
}

static void memo_seen(struct sg_walk_memo *m, const git_oid *id)
{
	if (!m)
		return;
	SG_ALLOC_GROW(m->seen, m->seen_nr + 1, m->seen_alloc);
	git_oid_cpy(&m->seen[m->seen_nr++], id);
}

static void memo_blob(struct sg_walk_memo *m, const git_oid *id,
		      const char *path, git_filemode_t mode,
		      const git_oid *commit, const git_oid *old)
{
	struct memo_blob *b;

	if (!m)
		return;
	SG_ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	b = &m->v[m->nr++];
	git_oid_cpy(&b->id, id);
	git_oid_cpy(&b->commit, commit);
	b->has_old = old != NULL;
	if (old)
		git_oid_cpy(&b->old, old);
	b->mode = mode;
	b->path = sg_strdup(path);
}

/* The memo's blobs, in the order the walk listed them. */
static int memo_replay(const struct sg_walk_memo *m, struct sg_oidset *seen,
		       sg_blob_fn fn, void *payload, struct sg_buf *err)
{
	int ret = 0;

	for (size_t i = 0; i < m->seen_nr; i++)
		sg_oidset_insert(seen, &m->seen[i]);
	for (size_t i = 0; i < m->nr && ret == 0; i++) {
		const struct memo_blob *b = &m->v[i];

		ret = fn(&b->id, b->path, b->mode, &b->commit,
			 b->has_old ? &b->old : NULL, payload, err);
	}
	return ret;
}

struct blob_walk {
	struct sg_push *push;
	struct sg_oidset *seen;		/* trees and blobs already listed */
	sg_commit_fn on_commit;
	sg_blob_fn fn;
	void *payload;
	const git_oid *commit;
	struct sg_buf path;
	struct sg_walk_memo *memo;	/* records the walk, or NULL */
	int with_server;		/* list what the server has too */
};

#define BLOB_WALK_INIT(push, seen, on_commit, fn, payload) \
	{ push, seen, on_commit, fn, payload, NULL, \
	  SG_BUF_INIT(SG_MAX_PATH_BYTES), NULL }

/*
 * Extend the path by `name` (and a '/' for a tree). A path past the
 * limit is not an error: the content is still scanned, under a path
 * that says so, and the secret gate refuses it as such.
 */
static void path_push(struct blob_walk *w, size_t base, const char *name,
		      int dir)
{
	w->path.len = base;
	w->path.buf[base] = '\0';
	if (sg_buf_adds(&w->path, name) < 0 ||
	    (dir && sg_buf_addch(&w->path, '/') < 0)) {
		sg_buf_reset(&w->path);
		sg_buf_adds(&w->path, SG_PATH_TOO_LONG);
	}
}

static int walk_tree(struct blob_walk *w, git_tree *old, git_tree *tree,
		     struct sg_buf *err)
{
	size_t n = git_tree_entrycount(tree), base = w->path.len;
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const git_tree_entry *was = old ? git_tree_entry_byname(old,
					git_tree_entry_name(e)) : NULL;
		const git_oid *id = git_tree_entry_id(e);
		git_object_t type = git_tree_entry_type(e);
		git_tree *sub = NULL, *oldsub = NULL;

		if (was && git_oid_equal(git_tree_entry_id(was), id))
			continue;
		if (type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB)
			continue;	/* submodule commits carry no content */
		if (!sg_oidset_insert(w->seen, id))
			continue;
		memo_seen(w->memo, id);
		if (!w->with_server && sg_push_on_server(w->push, id))
			continue;
		path_push(w, base, git_tree_entry_name(e),
			  type == GIT_OBJECT_TREE);
		if (type == GIT_OBJECT_BLOB) {
			const git_oid *old_blob = was &&
				git_tree_entry_type(was) == GIT_OBJECT_BLOB ?
				git_tree_entry_id(was) : NULL;

			memo_blob(w->memo, id, w->path.buf,
				  git_tree_entry_filemode(e), w->commit,
				  old_blob);
			ret = w->fn(id, w->path.buf, git_tree_entry_filemode(e),
				    w->commit, old_blob, w->payload, err);
			continue;
		}
		if (git_tree_lookup(&sub, w->push->repo, id) < 0)
			return sg_git_error(err, "cannot read a pushed tree");
		if (was && git_tree_entry_type(was) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&oldsub, w->push->repo,
				    git_tree_entry_id(was)) < 0) {
			git_tree_free(sub);
			return sg_git_error(err, "cannot read a tree");
		}
		ret = walk_tree(w, oldsub, sub, err);
		git_tree_free(oldsub);
		git_tree_free(sub);
	}
	w->path.len = base;
	w->path.buf[base] = '\0';
	return ret;
}

static int walk_commit(struct blob_walk *w, const git_oid *id,
		       struct sg_buf *err)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *old = NULL;
	int ret = 0, rc = 0;

	if (git_commit_lookup(&c, w->push->repo, id) < 0 ||
	    git_commit_tree(&tree, c) < 0)
		ret = sg_git_error(err, "cannot read a pushed commit");
	else if (git_commit_parentcount(c) > 0 &&
		 ((rc = git_commit_parent(&parent, c, 0)) < 0 ||
		  git_commit_tree(&old, parent) < 0) && rc != GIT_ENOTFOUND)
		ret = sg_git_error(err, "cannot read a parent commit");
	/* a missing parent (refused elsewhere): every entry counts as new */
	if (ret == 0 && w->on_commit)
		ret = w->on_commit(c, w->payload, err);
	if (ret == 0) {
		w->commit = id;
		sg_buf_reset(&w->path);
		ret = walk_tree(w, old, tree, err);
	}
	git_tree_free(old);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	return ret;
}

/*
 * Read objects without hashing them again: every object of the
 * quarantine got its id from its content when git received it
 * (index-pack, unpack-objects), and those on the server did when they
 * arrived. libgit2's check repeats that SHA-1 on every read (an eighth
 * of a whole-history scan's CPU); the bytes scanned are the same.
 */
static void read_unverified(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

/* Walk every commit `walk` yields, oldest first. */
static int walk_revs(struct blob_walk *w, git_revwalk *walk,
		     struct sg_buf *err)
{
	git_oid id;
	int rc, ret = 0;

	while (ret == 0 && (rc = git_revwalk_next(&id, walk)) == 0)
		ret = walk_commit(w, &id, err);
	if (ret == 0 && rc != GIT_ITEROVER)
		ret = sg_git_error(err, "cannot walk history");
	return ret;
}

int sg_push_new_blobs(struct sg_push *push, struct sg_oidset *seen,
		      sg_commit_fn on_commit, sg_blob_fn fn, void *payload,
		      struct sg_buf *err)
{
	struct blob_walk w = BLOB_WALK_INIT(push, seen, on_commit, fn,
					    payload);
	git_revwalk *walk = NULL;
	size_t pushed = 0;
	int ret = 0;

	if (!on_commit && !seen->nr && memo_fits(push->memo, push))
		return memo_replay(push->memo, seen, fn, payload, err);
	if (!seen->nr)
		w.memo = memo_new(push);
	read_unverified();
	if (git_revwalk_new(&walk, push->repo) < 0)
		return sg_git_error(err, "cannot walk history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	for (size_t i = 0; i < push->nr && ret == 0; i++) {
		if (!push->updates[i].has_new_commit ||
		    !push->updates[i].in_scope ||
		    push->updates[i].incomplete)
			continue;
		if (git_revwalk_push(walk, &push->updates[i].new_commit) < 0)
			ret = sg_git_error(err, "cannot walk history");
		pushed++;
	}
	if (ret == 0 && pushed)
		ret = hide_refs(push, walk, NULL, NULL, err);
	if (ret == 0 && pushed)
		ret = walk_revs(&w, walk, err);
	git_revwalk_free(walk);
	sg_buf_release(&w.path);
	/* only a walk that listed everything stands for the next one */
	if (ret == 0 && w.memo) {
		memo_free(push->memo);
		push->memo = w.memo;
	} else {
		memo_free(w.memo);
	}
	return ret;
}

int sg_push_walk_tree(struct sg_push *push, struct sg_oidset *seen,
		      const git_oid *tree_id, const char *prefix,
		      const git_oid *commit, sg_blob_fn fn, void *payload,
		      struct sg_buf *err)
{
	struct blob_walk w = BLOB_WALK_INIT(push, seen, NULL, fn, payload);
	git_tree *tree = NULL;
	int ret;

	if (git_tree_lookup(&tree, push->repo, tree_id) < 0)
		return sg_git_error(err, "cannot read a pushed tree");
	w.commit = commit;
	path_push(&w, 0, prefix, 0);
	ret = walk_tree(&w, NULL, tree, err);
	git_tree_free(tree);
	sg_buf_release(&w.path);
	return ret;
}

/*
 * The blob walk over the commits of `tip`, oldest first, minus those of
 * `hide` (may be NULL) and of the server's refs `refs` hides (may be
 * NULL); releases the walk's seen-set and path.
 */
static int walk_history(struct blob_walk *w, const git_oid *tip,
			const git_oid *hide, struct hide *refs,
			struct sg_buf *err)
{
	git_revwalk *walk = NULL;
	int ret = 0;

	read_unverified();
	if (git_revwalk_new(&walk, w->push->repo) < 0)
		ret = sg_git_error(err, "cannot walk history");
	else
		git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
				    GIT_SORT_REVERSE);
	if (ret == 0 && (git_revwalk_push(walk, tip) < 0 ||
			 (hide && git_revwalk_hide(walk, hide) < 0)))
		ret = sg_git_error(err, "cannot walk history");
	if (ret == 0 && refs) {
		refs->walk = walk;
		ret = sg_push_each_ref(w->push->repo, hide_wanted, hide_one,
				       refs, err);
	}
	if (ret == 0)
		ret = walk_revs(w, walk, err);
	git_revwalk_free(walk);
	sg_oidset_release(w->seen);
	sg_buf_release(&w->path);
	return ret;
}

int sg_push_walk_range(struct sg_push *push, const git_oid *tip,
		       const git_oid *hide, sg_commit_fn on_commit,
		       sg_blob_fn fn, void *payload, struct sg_buf *err)
{
	struct sg_oidset seen = SG_OIDSET_INIT;
	struct blob_walk w = BLOB_WALK_INIT(push, &seen, on_commit, fn,
					    payload);

	return walk_history(&w, tip, hide, NULL, err);
}

int sg_push_walk_promoted(struct sg_push *push, const git_oid *tip,
			  sg_ref_want_fn hide, void *hide_payload,
			  sg_blob_fn fn, void *payload, struct sg_buf *err)
{
	struct sg_oidset seen = SG_OIDSET_INIT;
	struct blob_walk w = BLOB_WALK_INIT(push, &seen, NULL, fn, payload);
	struct hide refs = { 0 };

	refs.want = hide;
	refs.want_payload = hide_payload;
	w.with_server = 1;
	return walk_history(&w, tip, NULL, &refs, err);
}

void sg_push_release(struct sg_push *push)
{
	for (size_t i = 0; i < push->nr; i++) {
		struct sg_update *u = &push->updates[i];

		free(u->ref);
		free(u->symref_target);
		free(u->base_ref);
		free(u->commits);
	}
	free(push->updates);
	sg_strlist_release(&push->options);
	git_odb_free(push->server_odb);
	git_odb_free(push->quarantine_odb);
	git_repository_free(push->repo);
	free(push->gitdir);
	free(push->quarantine);
	memo_free(push->memo);
	memset(push, 0, sizeof(*push));
}
