#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/tips.h"

#define HEX "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ZERO "0000000000000000000000000000000000000000"
#define A "/srv/git/a.git"
#define B "/srv/git/b.git"
/* an accepted decision of refs/heads/main in REPO (a JSON member or "") */
#define REC(repo, rest) "{\"seq\":1,\"type\":\"decision\",\"id\":\"x.1\"" \
	repo ",\"ref\":\"refs/heads/main\",\"old\":\"" ZERO "\",\"new\":\"" \
	HEX "\"" rest "}"
#define IN(repo) ",\"repository\":\"" repo "\""

static const struct {
	const char *line, *repo;	/* repo NULL: the repository's own log */
	int want;
} cases[] = {
	{ REC(IN(A), ",\"decision\":\"accepted\""), A, 1 },
	{ REC(IN(A), ",\"decision\":\"accepted\""), B, 0 },
	{ REC(IN(A), ",\"decision\":\"accepted\""), NULL, 1 },
	/* written before records named their repository */
	{ REC("", ",\"decision\":\"accepted\""), NULL, 1 },
	{ REC("", ",\"decision\":\"accepted\""), A, 0 },
	{ REC(IN(A), ",\"decision\":\"break-glass\""), A, 1 },
	{ REC(IN(A), ",\"decision\":\"rejected\""), A, 0 },
	{ REC(IN(A), ",\"decision\":\"accepted\"")"x", A, 0 },	/* damaged */
	{ REC(IN(A "2"), ",\"decision\":\"accepted\""), A, 0 },
	{ REC(IN("/srv/git"), ",\"decision\":\"accepted\""), A, 0 },
	/* A's name inside another field of B's record */
	{ REC(IN(B), ",\"decision\":\"accepted\",\"error\":\"\\\"repository"
	  "\\\":\\\"" A "\\\"\""), A, 0 },
	/* the writer's form of a path that is not UTF-8 */
	{ REC(IN("/srv/caf\\u00e9.git"), ",\"decision\":\"accepted\""),
	  "/srv/caf\xe9.git", 1 },
	{ "{\"type\":\"landed\",\"repository\":\"" A "\",\"ref\":\"refs/heads/"
	  "main\",\"new\":\"" HEX "\",\"decision\":\"accepted\"}", A, 0 },
	{ "{\"type\":\"decision\",\"repository\":\"" A "\",\"ref\":\"refs/"
	  "heads/main2\",\"new\":\"" HEX "\",\"decision\":\"accepted\"}", A, 0 },
	{ "{\"type\":\"decision\",\"repository\":\"" A "\",\"ref\":\"refs/"
	  "heads/main\",\"old\":\"" HEX "\",\"decision\":\"accepted\"}", A, 1 },
};

static int was_tip(const char *dir, const char *file, const char *line,
		   const char *repo)
{
	struct sg_buf err = SG_BUF_INIT(1024);
	char path[512];
	git_oid id;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "{\"seq\":0,\"type\":\"seed\"}\n%s\n", line);
	fclose(f);
	cr_assert_eq(git_oid_fromstr(&id, HEX), 0);
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	ret = sg_tips_was_tip(path, repo, "refs/heads/main", &id, &err);
	sg_buf_release(&err);
	return ret;
}

Test(tips, records_of_this_repository_only)
{
	char dir[] = "/tmp/test_tips.XXXXXX";
	char path[512];

	cr_assert(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		cr_assert_eq(was_tip(dir, "audit.log", cases[i].line,
				     cases[i].repo), cases[i].want, "%zu", i);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
}

Test(tips, rotated_files_and_no_log)
{
	char dir[] = "/tmp/test_tips.XXXXXX";
	char path[512];

	cr_assert(mkdtemp(dir));
	/* no log at all: no target, no error */
	cr_assert_eq(was_tip(dir, "other.txt", "{}", A), 0);
	cr_assert_eq(was_tip(dir, "audit.log.20261101T000000Z",
			     cases[0].line, A), 1);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
}
