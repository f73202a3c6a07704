/*
 * policy.c -- load a policy file (YAML) into struct sg_policy.
 *
 * The YAML tree (yaml.c) is validated key by key through section.h's
 * schema helper: an unknown key, a wrong type, an undeclared group or a
 * bad pattern is an error naming FILE:LINE:COL, never ignored. This file
 * parses what is no single gate's (users, identity, an environment's
 * refs, pushers and allow_*, audit); a gate with settings parses them
 * in its own module, as a row of one of the two tables below
 * (env_sections[], sections[]).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "approval.h"
#include "audit.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "migration.h"
#include "pii.h"
#include "policy.h"
#include "regex.h"
#include "rollback.h"
#include "secret.h"
#include "section.h"
#include "sha256.h"
#include "solution.h"
#include "test_tags.h"
#include "tested.h"
#include "window.h"
#include "yaml.h"
#include "banned.h"

static const char *const identity_sources[] = {
	"GL_USERNAME", "GL_ID", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME",
	"GL_USER", "STAGEGATE_USER", "REMOTE_USER", "unix", NULL
};

static int load_identity(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = { "order", NULL };
	const struct sg_ynode *order;
	struct sg_strlist *l = &c->pol->identity_order;

	for (const char *const *s = identity_sources; *s; s++)
		sg_strlist_add(l, *s);
	if (!n)
		return 0;
	if (sg_section_keys(c, n, keys, "identity") < 0)
		return SG_ERROR;
	order = sg_yaml_get(n, "order");
	if (!order)
		return 0;
	sg_strlist_release(l);
	if (sg_section_strlist(c, order, "order", l) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < l->nr; i++)
		if (!sg_section_one_of(l->v[i], identity_sources))
			return sg_section_fail(c, order->kids[i], "unknown "
					       "identity source '%s' (known: "
					       "GL_USERNAME, GL_ID, "
					       "GITHUB_USER_LOGIN, "
					       "GITEA_PUSHER_NAME, GL_USER, "
					       "STAGEGATE_USER, REMOTE_USER, "
					       "unix)", l->v[i]);
	if (!l->nr)
		return sg_section_fail(c, order, "'order' needs at least one "
				       "source");
	return 0;
}

static int load_users(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = { "emails", "groups", NULL };
	struct sg_policy *pol = c->pol;

	if (sg_section_keys(c, n, NULL, "users") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i += 2) {
		const struct sg_ynode *body = n->kids[i + 1], *v;
		struct sg_user *u;

		if (sg_section_keys(c, body, keys, n->kids[i]->value) < 0)
			return SG_ERROR;
		SG_ALLOC_GROW(pol->users, pol->users_nr + 1, pol->users_alloc);
		u = &pol->users[pol->users_nr++];
		memset(u, 0, sizeof(*u));
		u->login = sg_strdup(n->kids[i]->value);
		v = sg_yaml_get(body, "emails");
		if (v && sg_section_strlist(c, v, "emails", &u->emails) < 0)
			return SG_ERROR;
		for (size_t j = 0; j < u->emails.nr; j++) {
			const struct sg_user *other =
				sg_policy_user_by_email(pol, u->emails.v[j]);

			if (!strchr(u->emails.v[j], '@'))
				return sg_section_fail(c, v->kids[j], "'%s' is "
						       "not an e-mail address",
						       u->emails.v[j]);
			if (other && other != u)
				return sg_section_fail(c, v->kids[j], "e-mail "
						       "'%s' is already used "
						       "by user '%s'",
						       u->emails.v[j],
						       other->login);
		}
		v = sg_yaml_get(body, "groups");
		if (v && sg_section_strlist(c, v, "groups", &u->groups) < 0)
			return SG_ERROR;
		if (sg_strlist_has(&u->groups, SG_GROUP_ANYONE))
			return sg_section_fail(c, v, "'%s' is a reserved group "
					       "name",
					       SG_GROUP_ANYONE);
	}
	return 0;
}

/*
 * An environment's keys: those of env_keys are read here, and each row
 * of env_sections[] names the keys a gate module reads itself, in the
 * order they are read (and listed in "known keys"). A row is called for
 * every environment, with or without its keys, and sets its defaults.
 * A gate with settings of an environment adds one row here; one with a
 * section of its own, one row of sections[] (above load_root).
 */
static const char *const env_keys[] = {
	"refs", "push", "allow_delete", "allow_force_push", NULL
};

static const struct {
	const char *const *keys;
	sg_env_section_fn parse;
} env_sections[] = {
	{ sg_approval_keys, sg_approval_parse_env },	/* approval.c */
	{ sg_tested_keys, sg_tested_parse_env },	/* tested.c */
	{ sg_rollback_keys, sg_rollback_parse_env },	/* rollback.c */
	{ sg_window_keys, sg_window_parse_env },	/* window.c */
	{ sg_solution_keys, sg_solution_parse_env },	/* solution.c */
};

/* Enough for the known keys of an environment or of the policy. */
#define MAX_KEYS	32

/* Append the NULL-terminated `keys` to out[0..n); the new n. */
static size_t add_keys(const char **out, size_t n, const char *const *keys)
{
	for (; *keys; keys++) {
		if (n + 1 >= MAX_KEYS)
			SG_BUG("more than %d policy keys", MAX_KEYS);
		out[n++] = *keys;
	}
	out[n] = NULL;
	return n;
}

static int load_env(struct sg_section *c, const char *name,
		    const struct sg_ynode *n)
{
	const char *keys[MAX_KEYS];
	size_t nkeys = add_keys(keys, 0, env_keys);
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;
	struct sg_env *env;

	for (size_t i = 0; i < SG_ARRAY_SIZE(env_sections); i++)
		nkeys = add_keys(keys, nkeys, env_sections[i].keys);
	if (sg_section_keys(c, n, keys, name) < 0)
		return SG_ERROR;
	SG_ALLOC_GROW(pol->envs, pol->envs_nr + 1, pol->envs_alloc);
	env = &pol->envs[pol->envs_nr++];
	memset(env, 0, sizeof(*env));
	env->name = sg_strdup(name);
	v = sg_yaml_get(n, "refs");
	if (!v)
		return sg_section_fail(c, n, "environment '%s' needs 'refs'",
				       name);
	if (sg_section_ref_patterns(c, v, "refs", &env->refs) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "push");
	if (!v)
		return sg_section_fail(c, n, "environment '%s' needs 'push' "
				       "(the groups that may push; '%s' for "
				       "everyone)", name,
				       SG_GROUP_ANYONE);
	if (sg_section_groups(c, v, "push", &env->push) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow_delete");
	if (v && sg_section_bool(c, v, "allow_delete", &env->allow_delete) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow_force_push");
	if (v && sg_section_bool(c, v, "allow_force_push",
				 &env->allow_force_push) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < SG_ARRAY_SIZE(env_sections); i++)
		if (env_sections[i].parse(c, n, env) < 0)
			return SG_ERROR;
	return 0;
}

static int load_envs(struct sg_section *c, const struct sg_ynode *n)
{
	if (!n)
		return sg_section_fail(c, c->root, "the policy needs "
				       "'environments'");
	if (sg_section_keys(c, n, NULL, "environments") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i += 2)
		if (load_env(c, n->kids[i]->value, n->kids[i + 1]) < 0)
			return SG_ERROR;
	return 0;
}

const struct sg_env *sg_policy_env_named(const struct sg_policy *pol,
					       const char *name)
{
	for (size_t i = 0; i < pol->envs_nr; i++)
		if (!strcmp(pol->envs[i].name, name))
			return &pol->envs[i];
	return NULL;
}

static int load_audit(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"path", "sink", "syslog", "syslog_socket", "syslog_remote",
		"rotate_mb", NULL
	};
	char *sink = NULL;
	struct sg_syslog_remote remote;
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const struct sg_ynode *v;
	long mb;

	c->pol->audit_path = sg_strdup("stagegate/audit.log");
	c->pol->audit_syslog_socket = sg_strdup("/dev/log");
	c->pol->audit_rotate_bytes = 256u * 1024 * 1024;
	if (!n)
		return 0;
	if (sg_section_keys(c, n, keys, "audit") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "path");
	if (v && sg_section_string(c, v, "path", &c->pol->audit_path) < 0)
		return SG_ERROR;
	if (strstr(c->pol->audit_path, ".."))
		return sg_section_fail(c, v, "audit path must not contain "
				       "'..'");
	v = sg_yaml_get(n, "sink");
	if (v && sg_section_string(c, v, "sink", &sink) < 0)
		return SG_ERROR;
	if (sink) {
		c->pol->audit_sink = sg_audit_sink_parse(sink);
		free(sink);
		if (c->pol->audit_sink < 0)
			return sg_section_fail(c, v, "audit sink must be file, "
					       "syslog or stderr");
	}
	v = sg_yaml_get(n, "syslog");
	if (v && sg_section_bool(c, v, "syslog", &c->pol->audit_syslog) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "syslog_socket");
	if (v && sg_section_string(c, v, "syslog_socket",
				   &c->pol->audit_syslog_socket) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "syslog_remote");
	if (v && sg_section_string(c, v, "syslog_remote",
				   &c->pol->audit_syslog_remote) < 0)
		return SG_ERROR;
	if (v && sg_audit_parse_remote(&remote, c->pol->audit_syslog_remote,
				       &why) < 0) {
		sg_section_fail(c, v, "syslog_remote: %s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	sg_buf_release(&why);
	v = sg_yaml_get(n, "rotate_mb");
	if (v) {
		if (sg_section_int(c, v, "rotate_mb", 0, 100000, &mb) < 0)
			return SG_ERROR;
		c->pol->audit_rotate_bytes = (size_t)mb * 1024 * 1024;
	}
	return 0;
}

/*
 * The policy's sections, in the order errors list them. Each row's
 * parser is called with its section, or NULL when the policy has none
 * (it then sets its defaults only); `version` and `users` are read
 * first (the others refer to the users' groups), then the rows in order.
 */
static const struct {
	const char *key;
	sg_section_fn parse;		/* NULL: read before the rows */
} sections[] = {
	{ "version", NULL },
	{ "identity", load_identity },
	{ "users", NULL },
	{ "environments", load_envs },
	{ "test_tags", sg_test_tags_parse_section },	/* test_tags.c */
	{ "audit", load_audit },
	{ "secrets", sg_secret_parse_section },	/* secret_policy.c */
	{ "migration", sg_migration_parse_section },	/* migration.c */
	{ "personal_data", sg_pii_parse_section },	/* pii.c */
};

static int load_root(struct sg_section *c, const struct sg_ynode *root)
{
	const char *keys[MAX_KEYS];
	size_t nkeys = 0;
	const struct sg_ynode *v;
	long version = 0;

	if (root->kind != SG_Y_MAP)
		return sg_section_fail(c, root, "a policy must be a mapping of "
				       "sections");
	c->root = root;
	for (size_t i = 0; i < SG_ARRAY_SIZE(sections); i++)
		nkeys = add_keys(keys, nkeys, (const char *const[]){
					 sections[i].key, NULL });
	if (sg_section_keys(c, root, keys, "policy") < 0)
		return SG_ERROR;
	v = sg_yaml_get(root, "version");
	if (!v)
		return sg_section_fail(c, root, "the policy needs "
				       "'version: 1'");
	if (sg_section_int(c, v, "version", 1, 1, &version) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "users")) && load_users(c, v) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < SG_ARRAY_SIZE(sections); i++)
		if (sections[i].parse &&
		    sections[i].parse(c, sg_yaml_get(root,
						     sections[i].key)) < 0)
			return SG_ERROR;
	return 0;
}

int sg_policy_parse(struct sg_policy **out, const char *text, size_t len,
		    const char *path, struct sg_buf *err)
{
	struct sg_policy *pol = sg_calloc(1, sizeof(*pol));
	struct sg_section c = { path, err, pol, NULL };
	struct sg_ynode *root = NULL;
	int ret;

	*out = NULL;
	pol->path = sg_strdup(path);
	sg_sha256_hex(pol->digest, text, len);
	if (memchr(text, '\0', len))
		ret = sg_error(err, SG_ERROR, "%s:1:1: the file holds a NUL "
			       "byte; a policy is text", path);
	else
		ret = sg_yaml_parse(&root, text, len, path, err);
	if (ret == 0)
		ret = load_root(&c, root);
	sg_yaml_free(root);
	if (ret < 0) {
		sg_policy_free(pol);
		return ret;
	}
	*out = pol;
	return 0;
}

int sg_policy_load(struct sg_policy **out, const char *path,
		   struct sg_buf *err)
{
	struct sg_buf text = SG_BUF_INIT(SG_MAX_POLICY_BYTES);
	int ret;

	*out = NULL;
	ret = sg_buf_read_file(&text, path, err);
	if (ret == 0)
		ret = sg_policy_parse(out, text.buf, text.len, path, err);
	sg_buf_release(&text);
	return ret;
}

static void release_rules(struct sg_trailer_rules *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->v[i].key);
		sg_regex_free(r->v[i].re);
	}
	free(r->v);
}

void sg_policy_free(struct sg_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->users_nr; i++) {
		free(pol->users[i].login);
		sg_strlist_release(&pol->users[i].emails);
		sg_strlist_release(&pol->users[i].groups);
	}
	free(pol->users);
	for (size_t i = 0; i < pol->envs_nr; i++) {
		struct sg_env *e = &pol->envs[i];

		free(e->name);
		sg_strlist_release(&e->refs);
		sg_strlist_release(&e->push);
		free(e->approvals_key);
		free(e->approvals_group);
		release_rules(&e->required_trailers);
		sg_strlist_release(&e->rollback_groups);
		for (size_t j = 0; j < e->windows_nr; j++)
			free(e->windows[j].zone);
		free(e->windows);
		for (size_t j = 0; j < e->freezes_nr; j++) {
			free(e->freezes[j].zone);
			free(e->freezes[j].reason);
		}
		free(e->freezes);
		sg_strlist_release(&e->break_glass_groups);
		sg_regex_free(e->break_glass_pattern);
		sg_strlist_release(&e->break_glass_lifts);
		free(e->solution_removed_key);
	}
	free(pol->envs);
	sg_strlist_release(&pol->identity_order);
	free(pol->tag_pattern);
	free(pol->tag_env);
	sg_strlist_release(&pol->tag_create);
	release_rules(&pol->tag_trailers);
	free(pol->audit_path);
	free(pol->audit_syslog_socket);
	free(pol->audit_syslog_remote);
	free(pol->secrets_rules);
	for (size_t i = 0; i < pol->secrets_allow_nr; i++) {
		free(pol->secrets_allow[i].fingerprint);
		free(pol->secrets_allow[i].path);
		sg_regex_free(pol->secrets_allow[i].value);
		free(pol->secrets_allow[i].reason);
	}
	free(pol->secrets_allow);
	sg_strlist_release(&pol->secrets_warn_refs);
	sg_strlist_release(&pol->secrets_refs);
	sg_strlist_release(&pol->migration_envs);
	free(pol->migration_trailer);
	free(pol->migration_owners);
	sg_strlist_release(&pol->data_refs);
	sg_strlist_release(&pol->data_paths);
	sg_strlist_release(&pol->data_domains);
	free(pol->path);
	free(pol);
}

int sg_ref_matches(const char *pattern, const char *ref)
{
	return fnmatch(pattern, ref, 0) == 0;
}

const struct sg_env *sg_policy_env_for(const struct sg_policy *pol,
				       const char *ref)
{
	for (size_t i = 0; i < pol->envs_nr; i++)
		for (size_t j = 0; j < pol->envs[i].refs.nr; j++)
			if (sg_ref_matches(pol->envs[i].refs.v[j], ref))
				return &pol->envs[i];
	return NULL;
}

int sg_env_is_protected(const struct sg_env *env)
{
	return env && (!env->allow_delete || !env->allow_force_push);
}

const struct sg_user *sg_policy_user(const struct sg_policy *pol,
				     const char *login)
{
	for (size_t i = 0; login && i < pol->users_nr; i++)
		if (!strcmp(pol->users[i].login, login))
			return &pol->users[i];
	return NULL;
}

const struct sg_user *sg_policy_user_by_email(const struct sg_policy *pol,
					      const char *email)
{
	for (size_t i = 0; email && i < pol->users_nr; i++)
		for (size_t j = 0; j < pol->users[i].emails.nr; j++)
			if (!strcasecmp(pol->users[i].emails.v[j], email))
				return &pol->users[i];
	return NULL;
}

int sg_policy_in_group(const struct sg_policy *pol, const char *login,
		       const char *group)
{
	const struct sg_user *u;

	if (!strcmp(group, SG_GROUP_ANYONE))
		return 1;
	u = sg_policy_user(pol, login);
	return u && sg_strlist_has(&u->groups, group);
}

int sg_policy_in_groups(const struct sg_policy *pol, const char *login,
			const struct sg_strlist *groups)
{
	for (size_t i = 0; i < groups->nr; i++)
		if (sg_policy_in_group(pol, login, groups->v[i]))
			return 1;
	return 0;
}
