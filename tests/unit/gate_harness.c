/*
 * gate_harness.c -- one gate case, one row: build a server and a push
 * in-process (libgit2), run the engine, list the rule ids it found.
 */
#include <criterion/criterion.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../common/buf.h"
#include "../../common/check.h"
#include "../../common/error.h"
#include "gate_harness.h"

#define MAX_OBJS 32
/* Wed 2026-12-02 10:00 UTC: inside any office-hours window */
#define DEFAULT_NOW ((time_t)1796205600)

struct names {
	const char *name[MAX_OBJS];
	git_oid id[MAX_OBJS];
	size_t nr;
};

static const git_oid *lookup(const struct names *n, const char *name,
			     size_t len)
{
	for (size_t i = 0; i < n->nr; i++)
		if (strlen(n->name[i]) == len && !strncmp(n->name[i], name, len))
			return &n->id[i];
	cr_assert_fail("harness: no object named '%.*s'", (int)len, name);
	return NULL;
}

static void hex_of(char out[GIT_OID_HEXSZ + 1], const struct names *n,
		   const char *name, size_t len)
{
	if (len == 1 && *name == '0')
		memset(out, '0', GIT_OID_HEXSZ);
	else
		git_oid_fmt(out, lookup(n, name, len));
	out[GIT_OID_HEXSZ] = '\0';
}

/* The tree of `base` (may be NULL) with `files` applied. */
static void make_tree(git_oid *out, git_repository *repo, git_tree *base,
		      const char *const *files)
{
	git_tree_update up[16];
	git_oid blobs[16];
	size_t n = 0;

	for (; files && files[0]; files += 2, n++) {
		cr_assert_lt(n, 16);
		memset(&up[n], 0, sizeof(up[n]));
		up[n].path = files[0];
		if (files[1]) {
			cr_assert_eq(git_blob_create_from_buffer(&blobs[n], repo,
					files[1], strlen(files[1])), 0);
			up[n].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&up[n].id, &blobs[n]);
			up[n].filemode = GIT_FILEMODE_BLOB;
		} else {
			up[n].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	if (base) {
		cr_assert_eq(git_tree_create_updated(out, repo, base, n, up), 0,
			     "%s", git_error_last()->message);
	} else {
		git_treebuilder *tb = NULL;
		git_oid empty;
		git_tree *t = NULL;

		cr_assert_eq(git_treebuilder_new(&tb, repo, NULL), 0);
		cr_assert_eq(git_treebuilder_write(&empty, tb), 0);
		git_treebuilder_free(tb);
		cr_assert_eq(git_tree_lookup(&t, repo, &empty), 0);
		cr_assert_eq(git_tree_create_updated(out, repo, t, n, up), 0,
			     "%s", git_error_last()->message);
		git_tree_free(t);
	}
}

static void make_obj(struct names *n, git_repository *repo,
		     const struct hobj *o, git_time_t when)
{
	const git_commit *parents[8];
	git_commit *owned[8];
	git_signature *sig = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_oid tree_id;
	size_t np = 0;
	const char *p = o->parents;

	cr_assert_eq(git_signature_new(&sig, "Someone", o->author ? o->author
				       : "maker@example.com", when, 0), 0);
	while (p && *p) {
		size_t len = strcspn(p, " ");

		if (len) {
			cr_assert_lt(np, 8);
			cr_assert_eq(git_commit_lookup(&owned[np], repo,
					lookup(n, p, len)), 0);
			parents[np] = owned[np];
			np++;
		}
		p += len + (p[len] == ' ');
	}
	cr_assert_lt(n->nr, MAX_OBJS);
	n->name[n->nr] = o->name;
	if (o->tag) {
		git_object *target = NULL;

		cr_assert_eq(np, 1, "a tag names one commit");
		cr_assert_eq(git_object_lookup(&target, repo,
				git_commit_id(owned[0]), GIT_OBJECT_COMMIT), 0);
		cr_assert_eq(git_tag_annotation_create(&n->id[n->nr], repo,
				o->name, target, sig, o->msg), 0);
		git_object_free(target);
	} else {
		if (np)
			cr_assert_eq(git_commit_tree(&base, owned[0]), 0);
		if (np && !o->files)
			git_oid_cpy(&tree_id, git_tree_id(base));
		else
			make_tree(&tree_id, repo, base, o->files);
		cr_assert_eq(git_tree_lookup(&tree, repo, &tree_id), 0);
		cr_assert_eq(git_commit_create(&n->id[n->nr], repo, NULL, sig,
				sig, NULL, o->msg ? o->msg : "change\n", tree,
				np, parents), 0, "%s", git_error_last()->message);
	}
	n->nr++;
	for (size_t i = 0; i < np; i++)
		git_commit_free(owned[i]);
	git_tree_free(base);
	git_tree_free(tree);
	git_signature_free(sig);
}

struct copy {
	git_odb *from, *to, *skip;	/* skip: objects already there */
};

static int copy_one(const git_oid *id, void *payload)
{
	struct copy *c = payload;
	git_odb_object *obj = NULL;
	git_oid out;

	if (c->skip && git_odb_exists(c->skip, id))
		return 0;
	cr_assert_eq(git_odb_read(&obj, c->from, id), 0);
	cr_assert_eq(git_odb_write(&out, c->to, git_odb_object_data(obj),
				   git_odb_object_size(obj),
				   git_odb_object_type(obj)), 0);
	git_odb_object_free(obj);
	return 0;
}

static void copy_objects(git_repository *from, git_repository *to,
			 git_repository *skip)
{
	struct copy c = { NULL, NULL, NULL };

	cr_assert_eq(git_repository_odb(&c.from, from), 0);
	cr_assert_eq(git_repository_odb(&c.to, to), 0);
	if (skip)
		cr_assert_eq(git_repository_odb(&c.skip, skip), 0);
	cr_assert_eq(git_odb_foreach(c.from, copy_one, &c), 0);
	git_odb_free(c.from);
	git_odb_free(c.to);
	git_odb_free(c.skip);
}

static void set_refs(git_repository *srv, const struct names *n,
		     const char *refs)
{
	const char *p = refs;

	while (p && *p) {
		size_t len = strcspn(p, " ");
		const char *eq = memchr(p, '=', len);
		git_reference *ref = NULL;
		char name[256];

		cr_assert(eq, "harness: ref spec without '='");
		snprintf(name, sizeof(name), "%.*s", (int)(eq - p), p);
		cr_assert_eq(git_reference_create(&ref, srv, name,
				lookup(n, eq + 1, (size_t)(p + len - eq - 1)),
				1, NULL), 0, "%s", git_error_last()->message);
		git_reference_free(ref);
		p += len + (p[len] == ' ');
	}
}

/* An audit record that says REF held NAME (rollback targets). */
static void write_held(const char *dir, const struct names *n,
		       const char *held)
{
	const char *eq = held ? strchr(held, '=') : NULL;
	char path[512], hex[GIT_OID_HEXSZ + 1];
	FILE *f;

	if (!eq)
		return;
	hex_of(hex, n, eq + 1, strlen(eq + 1));
	snprintf(path, sizeof(path), "%s/server.git/stagegate", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/server.git/stagegate/audit.log", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "{\"type\":\"decision\",\"ref\":\"%.*s\",\"old\":\"%040d\","
		"\"new\":\"%s\",\"decision\":\"accepted\"}\n",
		(int)(eq - held), held, 0, hex);
	fclose(f);
}

static void build(const struct gate_case *c, const char *dir,
		  struct names *n)
{
	git_repository *work = NULL, *srv = NULL, *q = NULL;
	char path[512];
	git_time_t when = 1796000000;

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/work.git", dir);
	cr_assert_eq(git_repository_init(&work, path, 1), 0);
	snprintf(path, sizeof(path), "%s/server.git", dir);
	cr_assert_eq(git_repository_init(&srv, path, 1), 0);
	snprintf(path, sizeof(path), "%s/q.git", dir);
	cr_assert_eq(git_repository_init(&q, path, 1), 0);
	for (int pushed = 0; pushed < 2; pushed++) {
		for (const struct hobj *o = c->objs; o && o->name; o++)
			if (o->pushed == pushed)
				make_obj(n, work, o, when += 60);
		if (!pushed)
			copy_objects(work, srv, NULL);
		else
			copy_objects(work, q, srv);
	}
	set_refs(srv, n, c->refs);
	write_held(dir, n, c->held);
	git_repository_free(work);
	git_repository_free(srv);
	git_repository_free(q);
}

static void add_options(struct sg_push *push, const char *opts)
{
	const char *p = opts;

	while (p && *p) {
		size_t len = strcspn(p, "|");
		char *one = sg_strndup(p, len);

		sg_strlist_add(&push->options, one);
		free(one);
		p += len + (p[len] == '|');
	}
}

static int run_engine(const struct gate_case *c, const char *dir,
		      const struct names *n, struct sg_report *r,
		      struct sg_buf *err)
{
	struct sg_policy *pol = NULL;
	struct sg_push push = SG_PUSH_INIT;
	struct sg_context ctx;
	char ref[256], old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	char gitdir[512], quarantine[512];
	const char *u = c->update, *sp1 = strchr(u, ' '),
		   *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	int ret;

	cr_assert(sp2, "harness: update is 'REF OLD NEW'");
	snprintf(ref, sizeof(ref), "%.*s", (int)(sp1 - u), u);
	hex_of(old_hex, n, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	hex_of(new_hex, n, sp2 + 1, strlen(sp2 + 1));
	snprintf(gitdir, sizeof(gitdir), "%s/server.git", dir);
	snprintf(quarantine, sizeof(quarantine), "%s/q.git/objects", dir);
	memset(&ctx, 0, sizeof(ctx));
	ctx.push = &push;
	ctx.pusher.login = sg_strdup(c->pusher ? c->pusher : "maker");
	ctx.pusher.source = "harness";
	ctx.policy_dir = "../../policies";	/* secrets.yaml */
	ctx.now = c->now ? c->now : DEFAULT_NOW;
	ret = sg_policy_parse(&pol, c->policy, strlen(c->policy),
			      "policy.yaml", err);
	ctx.pol = pol;
	if (ret == 0)
		ret = sg_push_add(&push, ref, old_hex, new_hex, err);
	if (ret == 0)
		ret = sg_push_open(&push, gitdir, quarantine, err);
	add_options(&push, c->options);
	if (ret == 0)
		ret = sg_push_resolve(&push, pol, err);
	if (ret == 0)
		ret = sg_check_push(&ctx, r, err);
	sg_identity_release(&ctx.pusher);
	sg_push_release(&push);
	sg_policy_free(pol);
	return ret;
}

void gate_harness_run(const struct gate_case *c, const char *dir, char *out,
		      size_t n)
{
	struct names names;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_buf err = SG_BUF_INIT(4096), ids = SG_BUF_INIT(4096);
	char cmd[512];

	memset(&names, 0, sizeof(names));
	git_libgit2_init();
	build(c, dir, &names);
	if (run_engine(c, dir, &names, &r, &err) < 0)
		sg_buf_addf(&ids, "error: %s", err.buf);
	for (size_t i = 0; i < r.nr && !err.len; i++)
		sg_buf_addf(&ids, "%s%s", i ? " " : "", r.v[i].rule);
	snprintf(out, n, "%s", ids.buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", dir);
	sg_report_release(&r);
	sg_buf_release(&err);
	sg_buf_release(&ids);
	git_libgit2_shutdown();
}
