#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/platform.h"

/* A bare-looking repository plat_r/ with objects/, a quarantine q/ and
 * an alternate listed in objects/info/alternates. */
static void setup(void)
{
	FILE *f;

	mkdir("plat_r", 0755);
	mkdir("plat_r/objects", 0755);
	mkdir("plat_r/objects/info", 0755);
	mkdir("plat_r/q", 0755);
	mkdir("plat_pool", 0755);
	mkdir("plat_other", 0755);
	mkdir("plat_r/objects/a:b", 0755);
	f = fopen("plat_r/objects/info/alternates", "w");
	cr_assert(f);
	fputs("../../plat_pool\n", f);
	fclose(f);
}

static const struct {
	const char *qpath, *objdir, *alts;
	int ret;
	const char *want;	/* suffix of the quarantine found; "" none */
} cases[] = {
	{ "/x/q", "plat_r/q", NULL, 0, "/x/q" },	/* git's own variable */
	{ NULL, NULL, NULL, 0, "" },			/* no push objects */
	{ NULL, "plat_r/objects", NULL, 0, "" },	/* the repository's */
	{ NULL, "plat_r/q", "plat_r/objects", 0, "/plat_r/q" },	/* Gitaly */
	{ NULL, "plat_r/q", "plat_r/objects:plat_pool", 0, "/plat_r/q" },
	{ NULL, "plat_r/q", "\"plat_r/objects/a:b\":plat_r/objects", SG_ERROR,
	  NULL },					/* not an alternate */
	{ NULL, "plat_r/q", "plat_other:plat_r/objects", SG_ERROR, NULL },
	{ NULL, "plat_r/q", "\"plat_r/obj\\145cts\":plat_pool", 0, "/plat_r/q" },
	{ NULL, "plat_r/q", "\"plat_r/objects", SG_ERROR, NULL }, /* quoting */
	{ NULL, "plat_r/missing", NULL, SG_ERROR, NULL },
};

Test(platform, quarantine, .init = setup)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_buf out = SG_BUF_INIT(4096), err = SG_BUF_INIT(4096);
		int ret;

#define SET(k, v) ((v) ? setenv(k, v, 1) : unsetenv(k))
		SET("GIT_QUARANTINE_PATH", cases[i].qpath);
		SET("GIT_OBJECT_DIRECTORY", cases[i].objdir);
		SET("GIT_ALTERNATE_OBJECT_DIRECTORIES", cases[i].alts);
		ret = sg_platform_quarantine(&out, "plat_r", &err);
		cr_assert_eq(ret, cases[i].ret, "%zu: %d %s", i, ret, err.buf);
		if (cases[i].want) {
			size_t n = strlen(cases[i].want);

			cr_assert(out.len >= n && !strcmp(out.buf + out.len - n,
							  cases[i].want),
				  "%zu: '%s'", i, out.buf);
		}
		sg_buf_release(&out);
		sg_buf_release(&err);
	}
	unsetenv("GIT_QUARANTINE_PATH");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
}

Test(platform, policy_path)
{
	struct sg_buf out = SG_BUF_INIT(4096), err = SG_BUF_INIT(4096);
	char abs[PATH_MAX];
	FILE *f = fopen("plat_policy.yaml", "w");

	cr_assert(f);
	fclose(f);
	unsetenv("STAGEGATE_POLICY");
	cr_assert_eq(sg_platform_policy_path(&out, "/srv/a.git", &err), 0);
	cr_assert_str_eq(out.buf, "/srv/a.git/stagegate/policy.yaml");
	setenv("STAGEGATE_POLICY", "plat_policy.yaml", 1);
	cr_assert_lt(sg_platform_policy_path(&out, "/srv/a.git", &err), 0);
	cr_assert(realpath("plat_policy.yaml", abs));
	setenv("STAGEGATE_POLICY", abs, 1);
	chmod("plat_policy.yaml", 0644);
	cr_assert_eq(sg_platform_policy_path(&out, "/srv/a.git", &err), 0);
	cr_assert_str_eq(out.buf, abs);
	chmod("plat_policy.yaml", 0664);
	cr_assert_lt(sg_platform_policy_path(&out, "/srv/a.git", &err), 0);
	cr_assert(strstr(err.buf, "writable by group or others"));
	setenv("STAGEGATE_POLICY", "/nonexistent/p.yaml", 1);
	cr_assert_lt(sg_platform_policy_path(&out, "/srv/a.git", &err), 0);
	unsetenv("STAGEGATE_POLICY");
	sg_buf_release(&out);
	sg_buf_release(&err);
}
