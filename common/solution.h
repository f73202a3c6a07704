/*
 * solution.h -- the solutions a tree holds (identity, version, managed),
 * read by one reader per platform, and their four-part versions.
 */
#ifndef SG_SOLUTION_H
#define SG_SOLUTION_H

#include <git2.h>
#include <stddef.h>

struct sg_buf;

/* "1.4.0.2": up to four numbers; sfdx may end in NEXT or LATEST. */
struct sg_version {
	unsigned long part[4];
	int nparts;
	int floating;		/* the last part is "NEXT"/"LATEST" (sfdx) */
};

struct sg_solution {
	const struct sg_solution_reader *reader;
	char *name;		/* UniqueName, or the sfdx package name */
	char *path;		/* the file it was read from */
	char *version_text;	/* as written */
	struct sg_version version;
	int managed;		/* 0 unmanaged, 1 managed, 2 both, -1 n/a */
	char *problem;		/* why it could not be read, else NULL */
};

struct sg_solutions {
	struct sg_solution *v;
	size_t nr, alloc;
	int truncated;		/* more than SG_MAX_SOLUTIONS files */
};

#define SG_SOLUTIONS_INIT { NULL, 0, 0, 0 }

/* One platform: which files it reads, how, and how to raise a version. */
struct sg_solution_reader {
	const char *platform;		/* "Power Platform" */
	/* whether the blob at `path` is one of its manifests */
	int (*wants)(const char *path);
	/*
	 * Add the solutions of manifest `path` ([text, text+len)) to `out`;
	 * a manifest it cannot read becomes an entry with `problem` set.
	 */
	void (*read)(struct sg_solutions *out, const char *path,
		     const char *text, size_t len);
	/* the fix for a version that did not increase; %s is the name */
	const char *raise_fix;
};

extern const struct sg_solution_reader sg_solution_pp;
extern const struct sg_solution_reader sg_solution_sfdx;

/* Parse `s` (up to `len` bytes); < 0 if it is not a version. */
int sg_version_parse(struct sg_version *out, const char *s, size_t len,
		     int allow_floating);
/* Four-part numeric order (missing parts are 0); a floating part is 0. */
int sg_version_cmp(const struct sg_version *a, const struct sg_version *b);
int sg_version_is_zero(const struct sg_version *v);

/* Add an entry to `out` (the readers' helper); strings are copied. */
struct sg_solution *sg_solutions_add(struct sg_solutions *out,
				     const struct sg_solution_reader *reader,
				     const char *path, const char *name);
/* The solution of `reader` named `name` in `list`, or NULL. */
const struct sg_solution *sg_solutions_find(const struct sg_solutions *list,
					    const struct sg_solution_reader *rd,
					    const char *name);
/* Read every manifest of `tree` with every reader. */
int sg_solutions_read_tree(struct sg_solutions *out, git_repository *repo,
			   const git_oid *tree, struct sg_buf *err);
void sg_solutions_release(struct sg_solutions *list);

/* The policy (section.h): an environment's 'solutions' and its parser. */
struct sg_env;
struct sg_section;
struct sg_ynode;
extern const char *const sg_solution_keys[];
int sg_solution_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env);

/* The gate (gate.h) */
struct sg_context;
struct sg_report;
struct sg_update;
/* Versions of solutions only move forward. */
int sg_gate_solution(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);

#endif
