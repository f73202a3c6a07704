/*
 * rules.h -- the secret rules (policies/secrets.yaml) and the scanner
 * that applies them to one text: a single pass of a multi-keyword
 * prefilter (Aho-Corasick over lowercased bytes), then only the rules
 * whose keywords occur, each a pcre2 pattern under match limits; a rule
 * with `near` only in the windows around its keywords' occurrences.
 */
#ifndef SG_RULES_H
#define SG_RULES_H

#include <stddef.h>
#include <time.h>

#include "policy.h"

struct sg_buf;
struct sg_regex;
struct sg_prefilter;

/* What a hit's value grants, read from the text around it (`judge:`). */
enum sg_judge {
	SG_JUDGE_NONE,		/* every hit is a secret */
	SG_JUDGE_SAS,		/* an Azure SAS: its se= expiry, sp= rights */
	SG_JUDGE_CHECKSUM,	/* a GitHub, npm or Grafana token: its
				   CRC-32 checksum (judge: checksum) */
};

/* A judged hit: still a secret, or a spent one that is only noted. */
enum sg_verdict {
	SG_VERDICT_SECRET,
	SG_VERDICT_NOTE,
	SG_VERDICT_DOUBT,	/* shown as a warning, not blocking: a token
				   whose own checksum fails (a typo, made up) */
};

struct sg_secret_rule {
	char *id;			/* "aws-access-key"; findings: secret.<id> */
	char *description;
	struct sg_regex *re;
	int group;			/* capture group of the secret; 0: all */
	double entropy;			/* minimum Shannon entropy, bits/byte */
	struct sg_regex *allow;		/* secrets matching this are not */
	/* the line before a secret through its end: matching this, it is
	   not one (the key names no credential: description-key) */
	struct sg_regex *allow_context;
	enum sg_judge judge;
	int generic;			/* key = value rule: skip placeholders */
	struct sg_strlist keywords;	/* lowercase; none: always run */
	/* > 0: the pattern runs only from `near_before` bytes before a
	   keyword's start to `near` bytes after its end */
	size_t near, near_before;
	size_t longest_keyword;
};

struct sg_rules {
	struct sg_secret_rule *v;
	size_t nr, alloc;
	struct sg_strlist files;	/* credential file names (globs) */
	struct sg_regex *placeholder;	/* values that are never secrets */
	struct sg_prefilter *pre;
};

int sg_rules_load(struct sg_rules **out, const char *path, struct sg_buf *err);
int sg_rules_parse(struct sg_rules **out, const char *text, size_t len,
		   const char *path, struct sg_buf *err);
void sg_rules_free(struct sg_rules *rules);

/* Called for each secret found: [start, end) of `text` is the secret. */
typedef int (*sg_hit_fn)(const struct sg_secret_rule *rule, const char *text,
			 size_t len, size_t start, size_t end, void *payload,
			 struct sg_buf *err);

/*
 * Scan one (decoded) text with every rule its keywords call for. With a
 * `deadline` (CLOCK_MONOTONIC; may be NULL) it is checked between rules:
 * SG_EDEADLINE when it has passed.
 */
int sg_rules_scan(const struct sg_rules *rules, const char *text, size_t len,
		  const struct timespec *deadline, sg_hit_fn fn, void *payload,
		  struct sg_buf *err);
/* The credential-file glob `path`'s base name matches, or NULL. */
const char *sg_rules_credential_file(const struct sg_rules *rules,
				     const char *path);

/*
 * Judge the hit [start, end) of `rule` in `text` at time `now`: with
 * SG_JUDGE_SAS, a SAS whose se= expiry has passed and whose sp= grants
 * read or list only is SG_VERDICT_NOTE; one without an expiry (a Logic
 * Apps trigger's sig=), still live, or granting more is a secret. With
 * SG_JUDGE_CHECKSUM, a token is a secret, of verified format when its
 * checksum holds, and SG_VERDICT_DOUBT when it fails. `why` gets what was read, for the finding ("expired
 * 2024-03-29, sp=r", "verified format: its checksum holds").
 */
enum sg_verdict sg_rules_judge(const struct sg_secret_rule *rule,
			       const char *text, size_t len, size_t start,
			       size_t end, time_t now, struct sg_buf *why);

/* Whether CLOCK_MONOTONIC has reached `deadline` (NULL or zero: never). */
int sg_deadline_passed(const struct timespec *deadline);
/* Shannon entropy of [s, s+len) in bits per byte. */
double sg_entropy(const char *s, size_t len);
/* "AKIA…(20 chars)": never more than a few leading characters. */
void sg_redact(struct sg_buf *out, const char *s, size_t len);
/* sha256("<rule id>:<value>") in hex: stable across moves and commits. */
void sg_fingerprint(char hex[65], const char *rule_id, const char *s,
		    size_t len);

#endif
