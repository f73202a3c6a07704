/*
 * policy.c -- load a policy file (YAML) into struct sg_policy.
 *
 * The YAML tree (yaml.c) is validated key by key against the schema
 * below: an unknown key, a wrong type, an undeclared group or a bad
 * pattern is an error naming FILE:LINE:COL, never ignored.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "policy.h"
#include "regex.h"
#include "sha256.h"
#include "clock.h"
#include "yaml.h"
#include "banned.h"

struct ctx {
	const char *file;
	struct sg_buf *err;
	struct sg_policy *pol;
};

static const char *const identity_sources[] = {
	"GL_USERNAME", "GL_ID", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME",
	"GL_USER", "STAGEGATE_USER", "REMOTE_USER", "unix", NULL
};

static int fail(struct ctx *c, const struct sg_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const struct sg_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sg_yaml_vfail(c->err, c->file, n, fmt, ap);
	va_end(ap);
	return SG_ERROR;
}

static int want(struct ctx *c, const struct sg_ynode *n,
		enum sg_ynode_kind kind, const char *what)
{
	if (n->kind == kind)
		return 0;
	return fail(c, n, "'%s' must be %s, not %s", what,
		    sg_yaml_kind_name(kind), sg_yaml_kind_name(n->kind));
}

/* Every key of `map` must be in `known` (NULL-terminated), once. */
static int check_keys(struct ctx *c, const struct sg_ynode *map,
		      const char *const *known, const char *what)
{
	if (want(c, map, SG_Y_MAP, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < map->nr; i += 2) {
		const struct sg_ynode *k = map->kids[i];
		const char *const *p;
		struct sg_buf list = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		int ret;

		if (k->kind != SG_Y_SCALAR)
			return fail(c, k, "keys in '%s' must be strings", what);
		for (size_t j = 0; j < i; j += 2)
			if (!strcmp(map->kids[j]->value, k->value))
				return fail(c, k, "duplicate key '%s' in '%s'",
					    k->value, what);
		if (!known)
			continue;
		for (p = known; *p; p++)
			if (!strcmp(*p, k->value))
				break;
		if (*p)
			continue;
		for (p = known; *p; p++)
			sg_buf_addf(&list, "%s%s", p == known ? "" : ", ", *p);
		ret = fail(c, k, "unknown key '%s' in '%s' (known keys: %s)",
			   k->value, what, list.buf);
		sg_buf_release(&list);
		return ret;
	}
	return 0;
}

static int get_string(struct ctx *c, const struct sg_ynode *n,
		      const char *what, char **out)
{
	if (want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (!*n->value)
		return fail(c, n, "'%s' must not be empty", what);
	free(*out);
	*out = sg_strdup(n->value);
	return 0;
}

static int get_bool(struct ctx *c, const struct sg_ynode *n, const char *what,
		    int *out)
{
	if (want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (n->plain && !strcmp(n->value, "true"))
		*out = 1;
	else if (n->plain && !strcmp(n->value, "false"))
		*out = 0;
	else
		return fail(c, n, "'%s' must be true or false, not '%s'", what,
			    n->value);
	return 0;
}

static int get_int(struct ctx *c, const struct sg_ynode *n, const char *what,
		   long min, long max, long *out)
{
	char *end;
	long v;

	if (want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	v = strtol(n->value, &end, 10);
	if (!n->plain || !*n->value || *end || v < min || v > max)
		return fail(c, n, "'%s' must be a whole number from %ld to "
			    "%ld, not '%s'", what, min, max, n->value);
	*out = v;
	return 0;
}

static int get_strlist(struct ctx *c, const struct sg_ynode *n,
		       const char *what, struct sg_strlist *out)
{
	if (want(c, n, SG_Y_SEQ, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i];

		if (item->kind != SG_Y_SCALAR || !*item->value)
			return fail(c, item, "items of '%s' must be non-empty "
				    "strings", what);
		sg_strlist_add(out, item->value);
	}
	return 0;
}

static int check_ref_pattern(struct ctx *c, const struct sg_ynode *n,
			     const char *pattern)
{
	const char *p;

	if (strncmp(pattern, "refs/", 5))
		return fail(c, n, "ref pattern '%s' must start with 'refs/'",
			    pattern);
	if (strstr(pattern, "..") || strstr(pattern, "//"))
		return fail(c, n, "ref pattern '%s' is not a valid ref name",
			    pattern);
	for (p = pattern; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '~' ||
		    *p == '^' || *p == ':' || *p == '\\')
			return fail(c, n, "ref pattern '%s' contains a "
				    "character refs cannot hold", pattern);
	return 0;
}

static int get_ref_patterns(struct ctx *c, const struct sg_ynode *n,
			    const char *what, struct sg_strlist *out)
{
	if (get_strlist(c, n, what, out) < 0)
		return SG_ERROR;
	if (!out->nr)
		return fail(c, n, "'%s' needs at least one ref pattern", what);
	for (size_t i = 0; i < out->nr; i++)
		if (check_ref_pattern(c, n->kids[i], out->v[i]) < 0)
			return SG_ERROR;
	return 0;
}

static int group_declared(const struct sg_policy *pol, const char *group)
{
	if (!strcmp(group, SG_GROUP_ANYONE))
		return 1;
	for (size_t i = 0; i < pol->users_nr; i++)
		if (sg_strlist_has(&pol->users[i].groups, group))
			return 1;
	return 0;
}

static int get_groups(struct ctx *c, const struct sg_ynode *n,
		      const char *what, struct sg_strlist *out)
{
	if (get_strlist(c, n, what, out) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < out->nr; i++)
		if (!group_declared(c->pol, out->v[i]))
			return fail(c, n->kids[i], "unknown group '%s' in '%s' "
				    "(no user is in it; '%s' means everyone)",
				    out->v[i], what, SG_GROUP_ANYONE);
	return 0;
}

static int check_trailer_key(struct ctx *c, const struct sg_ynode *n,
			     const char *key)
{
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return fail(c, n, "trailer key '%s' may hold only "
				    "letters, digits and '-'", key);
	return 0;
}

static int get_trailer_rules(struct ctx *c, const struct sg_ynode *n,
			     const char *what, struct sg_trailer_rules *out)
{
	static const char *const keys[] = { "key", "pattern", NULL };

	if (want(c, n, SG_Y_SEQ, what) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i], *k, *p;
		struct sg_trailer_rule *r;
		size_t off = 0;
		struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		if (check_keys(c, item, keys, what) < 0)
			return SG_ERROR;
		k = sg_yaml_get(item, "key");
		p = sg_yaml_get(item, "pattern");
		if (!k || !p)
			return fail(c, item, "each of '%s' needs 'key' and "
				    "'pattern'", what);
		SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		r = &out->v[out->nr];
		memset(r, 0, sizeof(*r));
		out->nr++;
		if (get_string(c, k, "key", &r->key) < 0 ||
		    check_trailer_key(c, k, r->key) < 0)
			return SG_ERROR;
		if (want(c, p, SG_Y_SCALAR, "pattern") < 0)
			return SG_ERROR;
		if (sg_regex_new(&r->re, p->value, &off, &why) < 0) {
			fail(c, p, "%s", why.buf);
			sg_buf_release(&why);
			return SG_ERROR;
		}
	}
	return 0;
}

static int load_identity(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = { "order", NULL };
	const struct sg_ynode *order;
	struct sg_strlist *l = &c->pol->identity_order;

	if (check_keys(c, n, keys, "identity") < 0)
		return SG_ERROR;
	order = sg_yaml_get(n, "order");
	if (!order)
		return 0;
	sg_strlist_release(l);
	if (get_strlist(c, order, "order", l) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < l->nr; i++) {
		const char *const *s;

		for (s = identity_sources; *s; s++)
			if (!strcmp(*s, l->v[i]))
				break;
		if (!*s)
			return fail(c, order->kids[i], "unknown identity source "
				    "'%s' (known: GL_USERNAME, GL_ID, "
				    "GITHUB_USER_LOGIN, GITEA_PUSHER_NAME, "
				    "GL_USER, STAGEGATE_USER, REMOTE_USER, "
				    "unix)", l->v[i]);
	}
	if (!l->nr)
		return fail(c, order, "'order' needs at least one source");
	return 0;
}

static int load_users(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = { "emails", "groups", NULL };
	struct sg_policy *pol = c->pol;

	if (check_keys(c, n, NULL, "users") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i += 2) {
		const struct sg_ynode *body = n->kids[i + 1], *v;
		struct sg_user *u;

		if (check_keys(c, body, keys, n->kids[i]->value) < 0)
			return SG_ERROR;
		SG_ALLOC_GROW(pol->users, pol->users_nr + 1, pol->users_alloc);
		u = &pol->users[pol->users_nr++];
		memset(u, 0, sizeof(*u));
		u->login = sg_strdup(n->kids[i]->value);
		v = sg_yaml_get(body, "emails");
		if (v && get_strlist(c, v, "emails", &u->emails) < 0)
			return SG_ERROR;
		for (size_t j = 0; j < u->emails.nr; j++) {
			const struct sg_user *other =
				sg_policy_user_by_email(pol, u->emails.v[j]);

			if (!strchr(u->emails.v[j], '@'))
				return fail(c, v->kids[j], "'%s' is not an "
					    "e-mail address", u->emails.v[j]);
			if (other && other != u)
				return fail(c, v->kids[j], "e-mail '%s' is "
					    "already used by user '%s'",
					    u->emails.v[j], other->login);
		}
		v = sg_yaml_get(body, "groups");
		if (v && get_strlist(c, v, "groups", &u->groups) < 0)
			return SG_ERROR;
		if (sg_strlist_has(&u->groups, SG_GROUP_ANYONE))
			return fail(c, v, "'%s' is a reserved group name",
				    SG_GROUP_ANYONE);
	}
	return 0;
}

static int load_approvals(struct ctx *c, const struct sg_ynode *n,
			  struct sg_env *env)
{
	static const char *const keys[] = { "min", "key", "group", NULL };
	const struct sg_ynode *v;
	long min = 0;

	if (check_keys(c, n, keys, "approvals") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "min");
	if (!v)
		return fail(c, n, "'approvals' needs 'min'");
	if (get_int(c, v, "min", 0, 50, &min) < 0)
		return SG_ERROR;
	env->approvals_min = (int)min;
	v = sg_yaml_get(n, "key");
	if (v && (get_string(c, v, "key", &env->approvals_key) < 0 ||
		  check_trailer_key(c, v, env->approvals_key) < 0))
		return SG_ERROR;
	v = sg_yaml_get(n, "group");
	if (!v)
		return fail(c, n, "'approvals' needs 'group'");
	if (get_string(c, v, "group", &env->approvals_group) < 0)
		return SG_ERROR;
	if (!group_declared(c->pol, env->approvals_group))
		return fail(c, v, "unknown group '%s'", env->approvals_group);
	return 0;
}

/* The days of a window: ["mon", "tue-thu"]. */
static int get_days(struct ctx *c, const struct sg_ynode *n, unsigned *out)
{
	if (want(c, n, SG_Y_SEQ, "days") < 0)
		return SG_ERROR;
	if (!n->nr)
		return fail(c, n, "'days' needs at least one day");
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *d = n->kids[i];

		if (d->kind != SG_Y_SCALAR ||
		    sg_window_parse_days(out, d->value) < 0)
			return fail(c, d, "'%s' is not a day or a range of "
				    "days (mon, tue, ..., sun; 'tue-thu')",
				    d->kind == SG_Y_SCALAR ? d->value : "?");
	}
	return 0;
}

static int get_zone(struct ctx *c, const struct sg_ynode *n, char **out)
{
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	if (get_string(c, n, "zone", out) < 0)
		return SG_ERROR;
	if (sg_tz_check(*out, &why) < 0) {
		fail(c, n, "%s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	return 0;
}

static int load_window(struct ctx *c, const struct sg_ynode *item,
		       struct sg_window *w)
{
	static const char *const keys[] = { "days", "time", "zone", NULL };
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const struct sg_ynode *days, *time, *zone;

	if (check_keys(c, item, keys, "windows") < 0)
		return SG_ERROR;
	days = sg_yaml_get(item, "days");
	time = sg_yaml_get(item, "time");
	zone = sg_yaml_get(item, "zone");
	if (!days || !time || !zone)
		return fail(c, item, "each window needs 'days', 'time' and "
			    "'zone' (e.g. days: [tue-thu], time: 09:00-15:00, "
			    "zone: Europe/Paris)");
	if (get_days(c, days, &w->days) < 0 || get_zone(c, zone, &w->zone) < 0)
		return SG_ERROR;
	if (want(c, time, SG_Y_SCALAR, "time") < 0)
		return SG_ERROR;
	if (sg_window_parse_range(&w->start, &w->end, time->value, &why) < 0) {
		fail(c, time, "%s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	return 0;
}

static int load_windows(struct ctx *c, const struct sg_ynode *n,
			struct sg_env *env)
{
	if (want(c, n, SG_Y_SEQ, "windows") < 0)
		return SG_ERROR;
	if (n->nr > SG_MAX_WINDOWS)
		return fail(c, n, "at most %d windows", SG_MAX_WINDOWS);
	for (size_t i = 0; i < n->nr; i++) {
		struct sg_window *w;

		SG_ALLOC_GROW(env->windows, env->windows_nr + 1,
			      env->windows_alloc);
		w = &env->windows[env->windows_nr++];
		memset(w, 0, sizeof(*w));
		if (load_window(c, n->kids[i], w) < 0)
			return SG_ERROR;
		/* an overlap is a typo, not a wider window */
		for (size_t j = 0; j < i; j++) {
			const struct sg_window *o = &env->windows[j];

			if (!strcmp(o->zone, w->zone) && (o->days & w->days) &&
			    o->start < w->end && w->start < o->end)
				return fail(c, sg_yaml_get(n->kids[i], "time"),
					    "window %zu overlaps window %zu "
					    "(same day and zone); merge them",
					    i + 1, j + 1);
		}
	}
	return 0;
}

static int get_date(struct ctx *c, const struct sg_ynode *n, const char *what,
		    int out[3])
{
	if (want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (sg_window_parse_date(out, n->value) < 0)
		return fail(c, n, "'%s' must be a date (YYYY-MM-DD), not '%s'",
			    what, n->value);
	return 0;
}

static int load_freeze(struct ctx *c, const struct sg_ynode *item,
		       const struct sg_env *env, struct sg_freeze *f)
{
	static const char *const keys[] = {
		"from", "to", "reason", "zone", NULL
	};
	const struct sg_ynode *from, *to, *reason, *zone;

	if (check_keys(c, item, keys, "freezes") < 0)
		return SG_ERROR;
	from = sg_yaml_get(item, "from");
	to = sg_yaml_get(item, "to");
	reason = sg_yaml_get(item, "reason");
	if (!from || !to || !reason)
		return fail(c, item, "each freeze needs 'from', 'to' (dates, "
			    "both included) and a 'reason'");
	if (get_date(c, from, "from", f->from) < 0 ||
	    get_date(c, to, "to", f->to) < 0 ||
	    get_string(c, reason, "reason", &f->reason) < 0)
		return SG_ERROR;
	if (sg_window_date_cmp(f->to, f->from) < 0)
		return fail(c, to, "freeze ends (%s) before it starts (%s)",
			    to->value, from->value);
	zone = sg_yaml_get(item, "zone");
	if (zone)
		return get_zone(c, zone, &f->zone);
	/* the zone of the windows, as people read the calendar */
	f->zone = sg_strdup(env->windows_nr ? env->windows[0].zone : "UTC");
	return 0;
}

static int load_freezes(struct ctx *c, const struct sg_ynode *n,
			struct sg_env *env)
{
	if (want(c, n, SG_Y_SEQ, "freezes") < 0)
		return SG_ERROR;
	if (n->nr > SG_MAX_FREEZES)
		return fail(c, n, "at most %d freezes", SG_MAX_FREEZES);
	for (size_t i = 0; i < n->nr; i++) {
		struct sg_freeze *f;

		SG_ALLOC_GROW(env->freezes, env->freezes_nr + 1,
			      env->freezes_alloc);
		f = &env->freezes[env->freezes_nr++];
		memset(f, 0, sizeof(*f));
		if (load_freeze(c, n->kids[i], env, f) < 0)
			return SG_ERROR;
		for (size_t j = 0; j < i; j++) {
			const struct sg_freeze *o = &env->freezes[j];

			if (!strcmp(o->zone, f->zone) &&
			    sg_window_date_cmp(o->from, f->to) <= 0 &&
			    sg_window_date_cmp(f->from, o->to) <= 0)
				return fail(c, sg_yaml_get(n->kids[i], "from"),
					    "freeze %zu overlaps freeze %zu; "
					    "merge them", i + 1, j + 1);
		}
	}
	return 0;
}

static int load_break_glass(struct ctx *c, const struct sg_ynode *n,
			    struct sg_env *env)
{
	static const char *const keys[] = {
		"groups", "pattern", "lifts", NULL
	};
	static const char *const liftable[] = { "approvals", "tested", NULL };
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const struct sg_ynode *v;

	if (check_keys(c, n, keys, "break_glass") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "groups");
	if (!v)
		return fail(c, n, "'break_glass' needs 'groups'");
	if (get_groups(c, v, "groups", &env->break_glass_groups) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "pattern");
	if (v) {
		if (want(c, v, SG_Y_SCALAR, "pattern") < 0)
			return SG_ERROR;
		sg_regex_free(env->break_glass_pattern);
		env->break_glass_pattern = NULL;
		if (sg_regex_new(&env->break_glass_pattern, v->value, NULL,
				 &why) < 0) {
			fail(c, v, "%s", why.buf);
			sg_buf_release(&why);
			return SG_ERROR;
		}
	}
	v = sg_yaml_get(n, "lifts");
	if (v && get_strlist(c, v, "lifts", &env->break_glass_lifts) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < env->break_glass_lifts.nr; i++) {
		const char *const *p;

		for (p = liftable; *p; p++)
			if (!strcmp(*p, env->break_glass_lifts.v[i]))
				break;
		if (!*p)
			return fail(c, v->kids[i], "break-glass lifts only "
				    "the window and freezes, and optionally "
				    "'approvals' or 'tested', not '%s'",
				    env->break_glass_lifts.v[i]);
	}
	return 0;
}

static int load_solutions(struct ctx *c, const struct sg_ynode *n,
			  struct sg_env *env)
{
	static const char *const keys[] = {
		"versions", "require_managed", "tag_version",
		"removed_trailer", NULL
	};
	const struct sg_ynode *v;

	if (check_keys(c, n, keys, "solutions") < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "versions")) &&
	    get_bool(c, v, "versions", &env->solution_versions) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "require_managed")) &&
	    get_bool(c, v, "require_managed", &env->solution_managed) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "tag_version")) &&
	    get_bool(c, v, "tag_version", &env->solution_tag_version) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "removed_trailer")) &&
	    (get_string(c, v, "removed_trailer",
			&env->solution_removed_key) < 0 ||
	     check_trailer_key(c, v, env->solution_removed_key) < 0))
		return SG_ERROR;
	return 0;
}

/* The release-discipline keys of an environment (window.c, solution.c). */
static int load_release_keys(struct ctx *c, const struct sg_ynode *n,
			     struct sg_env *env)
{
	const struct sg_ynode *v;

	env->solution_removed_key = sg_strdup("Solution-Removed");
	if (sg_regex_new(&env->break_glass_pattern, SG_BREAK_GLASS_PATTERN,
			 NULL, c->err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "windows")) && load_windows(c, v, env) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "freezes")) && load_freezes(c, v, env) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "break_glass")) && load_break_glass(c, v, env) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "solutions")) && load_solutions(c, v, env) < 0)
		return SG_ERROR;
	return 0;
}

static int load_env(struct ctx *c, const char *name,
		    const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"refs", "push", "allow_delete", "allow_force_push",
		"approvals", "required_trailers", "tested", "rollback",
		"windows", "freezes", "break_glass", "solutions", NULL
	};
	static const char *const rollback_keys[] = { "groups", NULL };
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;
	struct sg_env *env;

	if (check_keys(c, n, keys, name) < 0)
		return SG_ERROR;
	SG_ALLOC_GROW(pol->envs, pol->envs_nr + 1, pol->envs_alloc);
	env = &pol->envs[pol->envs_nr++];
	memset(env, 0, sizeof(*env));
	env->name = sg_strdup(name);
	env->approvals_key = sg_strdup("Approved-by");
	v = sg_yaml_get(n, "refs");
	if (!v)
		return fail(c, n, "environment '%s' needs 'refs'", name);
	if (get_ref_patterns(c, v, "refs", &env->refs) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "push");
	if (!v)
		return fail(c, n, "environment '%s' needs 'push' (the groups "
			    "that may push; '%s' for everyone)", name,
			    SG_GROUP_ANYONE);
	if (get_groups(c, v, "push", &env->push) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow_delete");
	if (v && get_bool(c, v, "allow_delete", &env->allow_delete) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow_force_push");
	if (v && get_bool(c, v, "allow_force_push",
			  &env->allow_force_push) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "approvals");
	if (v && load_approvals(c, v, env) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "required_trailers");
	if (v && get_trailer_rules(c, v, "required_trailers",
				   &env->required_trailers) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "tested");
	if (v && get_bool(c, v, "tested", &env->require_tested) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "rollback");
	if (v) {
		const struct sg_ynode *g;

		if (check_keys(c, v, rollback_keys, "rollback") < 0)
			return SG_ERROR;
		g = sg_yaml_get(v, "groups");
		if (!g)
			return fail(c, v, "'rollback' needs 'groups'");
		if (get_groups(c, g, "groups", &env->rollback_groups) < 0)
			return SG_ERROR;
	}
	return load_release_keys(c, n, env);
}

static int load_envs(struct ctx *c, const struct sg_ynode *n)
{
	if (check_keys(c, n, NULL, "environments") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i += 2)
		if (load_env(c, n->kids[i]->value, n->kids[i + 1]) < 0)
			return SG_ERROR;
	return 0;
}

static const struct sg_env *find_env(const struct sg_policy *pol,
				    const char *name)
{
	for (size_t i = 0; i < pol->envs_nr; i++)
		if (!strcmp(pol->envs[i].name, name))
			return &pol->envs[i];
	return NULL;
}

static int load_test_tags(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"refs", "create", "required_trailers", "environment", NULL
	};
	const struct sg_ynode *v;

	if (check_keys(c, n, keys, "test_tags") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (v && (get_string(c, v, "refs", &c->pol->tag_pattern) < 0 ||
		  check_ref_pattern(c, v, c->pol->tag_pattern) < 0))
		return SG_ERROR;
	if (strncmp(c->pol->tag_pattern, "refs/tags/", 10))
		return fail(c, v ? v : n, "test tags must live under "
			    "'refs/tags/'");
	v = sg_yaml_get(n, "environment");
	if (v && get_string(c, v, "environment", &c->pol->tag_env) < 0)
		return SG_ERROR;
	if (v && !find_env(c->pol, c->pol->tag_env))
		return fail(c, v, "no environment named '%s'",
			    c->pol->tag_env);
	v = sg_yaml_get(n, "create");
	if (v && get_groups(c, v, "create", &c->pol->tag_create) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "required_trailers");
	if (v && get_trailer_rules(c, v, "required_trailers",
				   &c->pol->tag_trailers) < 0)
		return SG_ERROR;
	return 0;
}

static int load_audit(struct ctx *c, const struct sg_ynode *n)
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

	if (check_keys(c, n, keys, "audit") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "path");
	if (v && get_string(c, v, "path", &c->pol->audit_path) < 0)
		return SG_ERROR;
	if (strstr(c->pol->audit_path, ".."))
		return fail(c, v, "audit path must not contain '..'");
	v = sg_yaml_get(n, "sink");
	if (v && get_string(c, v, "sink", &sink) < 0)
		return SG_ERROR;
	if (sink) {
		c->pol->audit_sink = sg_audit_sink_parse(sink);
		free(sink);
		if (c->pol->audit_sink < 0)
			return fail(c, v, "audit sink must be file, syslog or "
				    "stderr");
	}
	v = sg_yaml_get(n, "syslog");
	if (v && get_bool(c, v, "syslog", &c->pol->audit_syslog) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "syslog_socket");
	if (v && get_string(c, v, "syslog_socket",
			    &c->pol->audit_syslog_socket) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "syslog_remote");
	if (v && get_string(c, v, "syslog_remote",
			    &c->pol->audit_syslog_remote) < 0)
		return SG_ERROR;
	if (v && sg_audit_parse_remote(&remote, c->pol->audit_syslog_remote,
				       &why) < 0) {
		fail(c, v, "syslog_remote: %s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	sg_buf_release(&why);
	v = sg_yaml_get(n, "rotate_mb");
	if (v) {
		if (get_int(c, v, "rotate_mb", 0, 100000, &mb) < 0)
			return SG_ERROR;
		c->pol->audit_rotate_bytes = (size_t)mb * 1024 * 1024;
	}
	return 0;
}

static int load_allow(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"fingerprint", "path", "value", "reason", NULL
	};
	struct sg_policy *pol = c->pol;

	if (want(c, n, SG_Y_SEQ, "allow") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i], *v;
		struct sg_secret_allow *a;
		int kinds = 0;

		if (check_keys(c, item, keys, "allow") < 0)
			return SG_ERROR;
		SG_ALLOC_GROW(pol->secrets_allow, pol->secrets_allow_nr + 1,
			      pol->secrets_allow_alloc);
		a = &pol->secrets_allow[pol->secrets_allow_nr++];
		memset(a, 0, sizeof(*a));
		if ((v = sg_yaml_get(item, "fingerprint"))) {
			size_t len;

			if (get_string(c, v, "fingerprint", &a->fingerprint) < 0)
				return SG_ERROR;
			len = strlen(a->fingerprint);
			if (len < 16 || len > 64 ||
			    strspn(a->fingerprint, "0123456789abcdef") != len)
				return fail(c, v, "a fingerprint is 16 to 64 "
					    "lowercase hex digits");
			kinds++;
		}
		if ((v = sg_yaml_get(item, "path"))) {
			if (get_string(c, v, "path", &a->path) < 0)
				return SG_ERROR;
			kinds++;
		}
		if ((v = sg_yaml_get(item, "value"))) {
			struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

			if (want(c, v, SG_Y_SCALAR, "value") < 0)
				return SG_ERROR;
			if (sg_regex_new(&a->value, v->value, NULL, &why) < 0) {
				fail(c, v, "%s", why.buf);
				sg_buf_release(&why);
				return SG_ERROR;
			}
			kinds++;
		}
		if (kinds != 1)
			return fail(c, item, "each allow entry names exactly "
				    "one of fingerprint, path or value");
		v = sg_yaml_get(item, "reason");
		if (!v)
			return fail(c, item, "each allow entry needs a 'reason' "
				    "(it is recorded in the audit log)");
		if (get_string(c, v, "reason", &a->reason) < 0)
			return SG_ERROR;
	}
	return 0;
}

static int load_secrets(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"rules", "refs", "deadline_ms", "max_blob_mb", "allow",
		"inline_allow", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;
	long num;

	if (check_keys(c, n, keys, "secrets") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "rules");
	if (v && get_string(c, v, "rules", &pol->secrets_rules) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (v) {
		sg_strlist_release(&pol->secrets_refs);
		if (get_ref_patterns(c, v, "refs", &pol->secrets_refs) < 0)
			return SG_ERROR;
	}
	v = sg_yaml_get(n, "deadline_ms");
	if (v) {
		if (get_int(c, v, "deadline_ms", 100, 600000, &num) < 0)
			return SG_ERROR;
		pol->secrets_deadline_ms = (int)num;
	}
	v = sg_yaml_get(n, "max_blob_mb");
	if (v) {
		if (get_int(c, v, "max_blob_mb", 1, 4096, &num) < 0)
			return SG_ERROR;
		pol->secrets_max_blob = (size_t)num * 1024 * 1024;
	}
	v = sg_yaml_get(n, "inline_allow");
	if (v && get_bool(c, v, "inline_allow", &pol->secrets_inline_allow) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow");
	if (v && load_allow(c, v) < 0)
		return SG_ERROR;
	return 0;
}

static int load_migration(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"environments", "trailer", "data_owners", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;

	if (check_keys(c, n, keys, "migration") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "environments");
	if (!v)
		return fail(c, n, "'migration' needs 'environments'");
	if (get_strlist(c, v, "environments", &pol->migration_envs) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < pol->migration_envs.nr; i++)
		if (!find_env(pol, pol->migration_envs.v[i]))
			return fail(c, v->kids[i], "no environment named '%s'",
				    pol->migration_envs.v[i]);
	v = sg_yaml_get(n, "trailer");
	if (v && (get_string(c, v, "trailer", &pol->migration_trailer) < 0 ||
		  check_trailer_key(c, v, pol->migration_trailer) < 0))
		return SG_ERROR;
	v = sg_yaml_get(n, "data_owners");
	if (v && get_string(c, v, "data_owners", &pol->migration_owners) < 0)
		return SG_ERROR;
	if (v && !group_declared(pol, pol->migration_owners))
		return fail(c, v, "unknown group '%s'", pol->migration_owners);
	return 0;
}

static int load_personal_data(struct ctx *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"refs", "paths", "allowed_domains", "phones", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;

	if (check_keys(c, n, keys, "personal_data") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (!v)
		return fail(c, n, "'personal_data' needs 'refs'");
	if (get_ref_patterns(c, v, "refs", &pol->data_refs) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "paths");
	if (v) {
		sg_strlist_release(&pol->data_paths);
		if (get_strlist(c, v, "paths", &pol->data_paths) < 0)
			return SG_ERROR;
	}
	v = sg_yaml_get(n, "allowed_domains");
	if (v && get_strlist(c, v, "allowed_domains", &pol->data_domains) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < pol->data_domains.nr; i++)
		if (strchr(pol->data_domains.v[i], '@') ||
		    strchr(pol->data_domains.v[i], '*'))
			return fail(c, v->kids[i], "'%s' is not a domain "
				    "('example.com', or '.test' for a whole "
				    "top-level domain)", pol->data_domains.v[i]);
	v = sg_yaml_get(n, "phones");
	if (v && get_bool(c, v, "phones", &pol->data_phones) < 0)
		return SG_ERROR;
	return 0;
}

static void set_defaults(struct sg_policy *pol)
{
	for (const char *const *s = identity_sources; *s; s++)
		sg_strlist_add(&pol->identity_order, *s);
	pol->tag_pattern = sg_strdup("refs/tags/tested/*");
	pol->tag_env = sg_strdup("test");
	pol->audit_path = sg_strdup("stagegate/audit.log");
	pol->audit_syslog_socket = sg_strdup("/dev/log");
	pol->audit_rotate_bytes = 256u * 1024 * 1024;
	pol->secrets_rules = sg_strdup("secrets.yaml");
	sg_strlist_add(&pol->secrets_refs, "refs/*");
	pol->secrets_deadline_ms = 0;	/* automatic: sg_gate_secrets */
	pol->secrets_max_blob = 100u * 1024 * 1024;
	pol->migration_trailer = sg_strdup("Migration");
	/* Configuration Migration Tool, CSV, JSON data, sfdx data plans */
	for (const char *const *p = (const char *const[]) {
		     "*data.xml", "*data_schema.xml", "*.csv", "*-data.json",
		     "*_data.json", "data/*.json", "*/data/*.json",
		     "*-plan.json", NULL }; *p; p++)
		sg_strlist_add(&pol->data_paths, *p);
}

static int load_root(struct ctx *c, const struct sg_ynode *root)
{
	static const char *const keys[] = {
		"version", "identity", "users", "environments", "test_tags",
		"audit", "secrets", "migration", "personal_data", NULL
	};
	const struct sg_ynode *v;
	long version = 0;

	if (root->kind != SG_Y_MAP)
		return fail(c, root, "a policy must be a mapping of sections");
	if (check_keys(c, root, keys, "policy") < 0)
		return SG_ERROR;
	v = sg_yaml_get(root, "version");
	if (!v)
		return fail(c, root, "the policy needs 'version: 1'");
	if (get_int(c, v, "version", 1, 1, &version) < 0)
		return SG_ERROR;
	/* users first: the other sections refer to their groups */
	if ((v = sg_yaml_get(root, "users")) && load_users(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "identity")) && load_identity(c, v) < 0)
		return SG_ERROR;
	v = sg_yaml_get(root, "environments");
	if (!v)
		return fail(c, root, "the policy needs 'environments'");
	if (load_envs(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "test_tags")) && load_test_tags(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "audit")) && load_audit(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "secrets")) && load_secrets(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "migration")) && load_migration(c, v) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(root, "personal_data")) &&
	    load_personal_data(c, v) < 0)
		return SG_ERROR;
	return 0;
}

int sg_policy_parse(struct sg_policy **out, const char *text, size_t len,
		    const char *path, struct sg_buf *err)
{
	struct sg_policy *pol = sg_calloc(1, sizeof(*pol));
	struct ctx c = { path, err, pol };
	struct sg_ynode *root = NULL;
	int ret;

	*out = NULL;
	pol->path = sg_strdup(path);
	sg_sha256_hex(pol->digest, text, len);
	set_defaults(pol);
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
