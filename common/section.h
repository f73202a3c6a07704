/*
 * section.h -- reading one section of the policy: the schema helper
 * that policy.c and the gate modules share. A gate with settings parses
 * its own section (window.c its environment's windows, freezes and
 * break-glass; migration.c the top-level 'migration'), through a row of
 * policy.c's section tables; the values still land in struct sg_policy
 * or struct sg_env (policy.h), which the gate then reads.
 *
 * Every function returns 0 or SG_ERROR with "FILE:LINE:COL: reason" in
 * c->err; `what` names the key in the message.
 */
#ifndef SG_SECTION_H
#define SG_SECTION_H

#include "strlist.h"
#include "yaml.h"

struct sg_buf;
struct sg_env;
struct sg_policy;
struct sg_trailer_rules;

struct sg_section {
	const char *file;		/* as errors name it */
	struct sg_buf *err;
	struct sg_policy *pol;		/* what the sections fill in */
	const struct sg_ynode *root;	/* the policy: a missing section */
};

/*
 * A top-level section: `n` is its value, or NULL when the policy has
 * none (the parser then sets its defaults only).
 */
typedef int (*sg_section_fn)(struct sg_section *c, const struct sg_ynode *n);
/*
 * A gate's keys of one environment: `env_node` is the environment's
 * mapping (its keys already checked against the table); the parser reads
 * its own keys and sets its defaults when they are absent.
 */
typedef int (*sg_env_section_fn)(struct sg_section *c,
				 const struct sg_ynode *env_node,
				 struct sg_env *env);

/* Report "FILE:LINE:COL: ..." at `n`; always SG_ERROR. */
int sg_section_fail(struct sg_section *c, const struct sg_ynode *n,
		    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* `n` must be of `kind`. */
int sg_section_want(struct sg_section *c, const struct sg_ynode *n,
		    enum sg_ynode_kind kind, const char *what);
/* `map` is a mapping whose keys are in `known` (NULL-terminated; NULL:
 * any), each once. */
int sg_section_keys(struct sg_section *c, const struct sg_ynode *map,
		    const char *const *known, const char *what);
/* Whether `s` is one of `list` (NULL-terminated). */
int sg_section_one_of(const char *s, const char *const *list);
/* A non-empty string into *out (the old value is freed). */
int sg_section_string(struct sg_section *c, const struct sg_ynode *n,
		      const char *what, char **out);
/* true or false, unquoted. */
int sg_section_bool(struct sg_section *c, const struct sg_ynode *n,
		    const char *what, int *out);
/* A whole number in [min, max]. */
int sg_section_int(struct sg_section *c, const struct sg_ynode *n,
		   const char *what, long min, long max, long *out);
/* A list of non-empty strings, appended to `out`. */
int sg_section_strlist(struct sg_section *c, const struct sg_ynode *n,
		       const char *what, struct sg_strlist *out);
/* `pattern` (at `n`) is a ref glob under refs/ that a ref could match. */
int sg_section_ref_pattern(struct sg_section *c, const struct sg_ynode *n,
			   const char *pattern);
/* A non-empty list of ref globs. */
int sg_section_ref_patterns(struct sg_section *c, const struct sg_ynode *n,
			    const char *what, struct sg_strlist *out);
/* Whether some user is in `group` (or it is "anyone"). */
int sg_section_group_declared(const struct sg_policy *pol,
			      const char *group);
/* A list of declared groups. */
int sg_section_groups(struct sg_section *c, const struct sg_ynode *n,
		      const char *what, struct sg_strlist *out);
/* `key` (at `n`) may name a trailer: letters, digits and '-'. */
int sg_section_trailer_key(struct sg_section *c, const struct sg_ynode *n,
			   const char *key);
/* A list of {key, pattern}: trailers that must be present and match. */
int sg_section_trailer_rules(struct sg_section *c, const struct sg_ynode *n,
			     const char *what, struct sg_trailer_rules *out);

#endif
