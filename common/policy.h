/*
 * policy.h -- the server-side policy (policies/default.yaml), loaded
 * and validated once per push. See README.md for the format.
 */
#ifndef SG_POLICY_H
#define SG_POLICY_H

#include <stddef.h>

#include "strlist.h"

struct sg_buf;
struct sg_regex;

/* A break-glass reason unless the policy says otherwise: a ticket, text. */
#define SG_BREAK_GLASS_PATTERN "^INC[0-9]{5,}\\s+\\S"

/* The group every pusher is in. */
#define SG_GROUP_ANYONE "anyone"

struct sg_user {
	char *login;
	struct sg_strlist emails;
	struct sg_strlist groups;
};

/* "Key: pattern": a trailer that must be present and match. */
struct sg_trailer_rule {
	char *key;
	struct sg_regex *re;
};

struct sg_trailer_rules {
	struct sg_trailer_rule *v;
	size_t nr, alloc;
};

/* A finding admins allow: by fingerprint, path glob or value pattern. */
struct sg_secret_allow {
	char *fingerprint;		/* hex, 16 to 64 digits */
	char *path;			/* glob on the path */
	struct sg_regex *value;		/* pattern on the secret value */
	char *reason;
};

/* A change window: weekdays and a time of day in an IANA zone. */
struct sg_window {
	unsigned days;			/* bit n: weekday n (tm_wday, 0 Sunday) */
	int start, end;			/* minutes after midnight; end <= 1440 */
	char *zone;			/* "Europe/Paris" */
};

/* A freeze: whole days, first to last inclusive, in an IANA zone. */
struct sg_freeze {
	int from[3], to[3];		/* year, month, day */
	char *zone;
	char *reason;
};

struct sg_env {
	char *name;
	struct sg_strlist refs;		/* glob patterns, `*` spans '/' */
	struct sg_strlist push;		/* groups allowed to update */
	int allow_delete;
	int allow_force_push;
	/* approval gate: off when approvals_min == 0 */
	int approvals_min;
	char *approvals_key;
	char *approvals_group;
	struct sg_trailer_rules required_trailers;
	/* test-tag gate */
	int require_tested;
	struct sg_strlist rollback_groups;
	/* window gate (window.c): no windows means always open */
	struct sg_window *windows;
	size_t windows_nr, windows_alloc;
	struct sg_freeze *freezes;
	size_t freezes_nr, freezes_alloc;
	struct sg_strlist break_glass_groups;
	struct sg_regex *break_glass_pattern;
	struct sg_strlist break_glass_lifts;	/* more gates it lifts */
	/* solution gate (solution.c) */
	int solution_versions;		/* versions only move forward */
	int solution_managed;		/* managed exports only */
	int solution_tag_version;	/* test tag names the version */
	char *solution_removed_key;	/* trailer that allows a removal */
};

struct sg_policy {
	char *path;
	char digest[65];		/* SHA-256 of the file, hex */
	struct sg_strlist identity_order;
	struct sg_user *users;
	size_t users_nr, users_alloc;
	struct sg_env *envs;
	size_t envs_nr, envs_alloc;
	/* test tags */
	char *tag_pattern;
	char *tag_env;			/* environment a test tag must be on */
	struct sg_strlist tag_create;
	struct sg_trailer_rules tag_trailers;
	/* audit trail */
	char *audit_path;		/* relative to the repository */
	int audit_sink;			/* enum sg_audit_sink */
	int audit_syslog;
	char *audit_syslog_socket;
	char *audit_syslog_remote;	/* "udp://H:P" or "tcp://H:P"; NULL */
	size_t audit_rotate_bytes;	/* 0: never */
	/* secret gate */
	char *secrets_rules;		/* relative to the policy's folder */
	struct sg_strlist secrets_refs;
	int secrets_deadline_ms;	/* 0: 4 s under GHES, else 60 s */
	size_t secrets_max_blob;
	struct sg_secret_allow *secrets_allow;
	size_t secrets_allow_nr, secrets_allow_alloc;
	int secrets_inline_allow;	/* honour "stagegate:allow" markers */
	/*
	 * secrets.warn_only: findings of these confidences (SG_CONFIDENCE_*
	 * bits) only warn on pushes whose every ref is one of these.
	 */
	unsigned secrets_warn_confidence;
	struct sg_strlist secrets_warn_refs;
	/* migration gate (migration.c): off while migration_envs is empty */
	struct sg_strlist migration_envs;	/* environment names */
	char *migration_trailer;		/* names the plan: "Migration" */
	char *migration_owners;		/* group for irreversible plans */
	/* personal-data gate (pii.c): off while data_refs is empty */
	struct sg_strlist data_refs;		/* ref globs */
	struct sg_strlist data_paths;		/* data file globs */
	struct sg_strlist data_domains;	/* allowed; ".test" is a TLD */
	int data_phones;			/* report E.164 numbers */
};

/* Load and validate `path`; errors name "FILE:LINE:COL". */
int sg_policy_load(struct sg_policy **out, const char *path,
		   struct sg_buf *err);
/* The same on text already in memory (tests, `policy check -`). */
int sg_policy_parse(struct sg_policy **out, const char *text, size_t len,
		    const char *path, struct sg_buf *err);
void sg_policy_free(struct sg_policy *pol);

/* The environment called `name`, or NULL. */
const struct sg_env *sg_policy_env_named(const struct sg_policy *pol,
					 const char *name);
/* The environment whose patterns match `ref` first, or NULL. */
const struct sg_env *sg_policy_env_for(const struct sg_policy *pol,
				       const char *ref);
/* Whether an environment is protected (no delete or no force push). */
int sg_env_is_protected(const struct sg_env *env);
const struct sg_user *sg_policy_user(const struct sg_policy *pol,
				     const char *login);
/* The user with `email` (case-insensitive), or NULL. */
const struct sg_user *sg_policy_user_by_email(const struct sg_policy *pol,
					      const char *email);
/* Whether `login` (maybe not in the policy) is in one of `groups`. */
int sg_policy_in_groups(const struct sg_policy *pol, const char *login,
			const struct sg_strlist *groups);
int sg_policy_in_group(const struct sg_policy *pol, const char *login,
		       const char *group);
/* Whether `ref` matches glob `pattern` (fnmatch, `*` spans '/'). */
int sg_ref_matches(const char *pattern, const char *ref);

#endif
