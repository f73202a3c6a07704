#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/oidset.h"
#include "../../common/push.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define Z "0000000000000000000000000000000000000000"

static int read_text(struct sg_push *push, const char *text, size_t len,
		     struct sg_buf *err)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int ret = sg_push_read(push, f, err);

	fclose(f);
	return ret;
}

Test(push, reads_every_kind_of_update)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_buf err = SG_BUF_INIT(4096);
	const char *in = Z " " A " refs/heads/new\n" A " " Z " refs/tags/gone\n"
			 A " " B " refs/notes/commits\n" A " " B " refs/replace/x";

	cr_assert_eq(read_text(&push, in, strlen(in), &err), 0, "%s", err.buf);
	cr_assert_eq(push.nr, 4);
	cr_assert_eq(push.updates[0].kind, SG_UPDATE_CREATE);
	cr_assert_eq(push.updates[1].kind, SG_UPDATE_DELETE);
	cr_assert_eq(push.updates[2].kind, SG_UPDATE_MODIFY);
	cr_assert_str_eq(push.updates[3].ref, "refs/replace/x");
	sg_push_release(&push);
	sg_buf_release(&err);
}

Test(push, hostile_lines_are_refused)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "abc def refs/heads/x\n", "bad update line" },
		{ A " " B "\n", "bad update line" },
		{ Z " " Z " refs/heads/x\n", "two zero ids" },
		{ A " " B " refs/heads/x\n" A " " B " refs/heads/x\n", "twice" },
		{ A " " B " refs/heads/a..b\n", "not a valid ref name" },
		{ A " " B " HEAD\n", "not a valid ref name" },
		{ A A A A A A A A " " B " refs/heads/x\n", "bad update line" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
		  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb "
		  "refs/heads/x\n", "SHA-256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_push push = SG_PUSH_INIT;
		struct sg_buf err = SG_BUF_INIT(4096);

		cr_assert_lt(read_text(&push, cases[i].in, strlen(cases[i].in),
				       &err), 0, "%zu", i);
		cr_assert(strstr(err.buf, cases[i].want), "%zu: %s", i, err.buf);
		sg_push_release(&push);
		sg_buf_release(&err);
	}
}

Test(push, nul_and_overlong_lines)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_buf err = SG_BUF_INIT(4096), in = SG_BUF_INIT(1 << 20);
	const char nul[] = A " " B " refs/heads/a\0b\n";

	cr_assert_lt(read_text(&push, nul, sizeof(nul) - 1, &err), 0);
	cr_assert(strstr(err.buf, "NUL"), "%s", err.buf);
	sg_push_release(&push);
	sg_buf_adds(&in, A " " B " refs/heads/");
	for (int i = 0; i < 5000; i++)
		sg_buf_addch(&in, 'x');
	sg_buf_addch(&in, '\n');
	cr_assert_eq(read_text(&push, in.buf, in.len, &err), SG_ELIMIT);
	sg_push_release(&push);
	sg_buf_release(&err);
	sg_buf_release(&in);
}

Test(push, options_from_environment)
{
	struct sg_push push = SG_PUSH_INIT;

	setenv("GIT_PUSH_OPTION_COUNT", "2", 1);
	setenv("GIT_PUSH_OPTION_0", "rollback=bad release", 1);
	setenv("GIT_PUSH_OPTION_1", "ci.skip", 1);
	cr_assert_eq(sg_push_read_options(&push, NULL), 0);
	cr_assert_str_eq(sg_push_option(&push, "rollback"), "bad release");
	cr_assert_null(sg_push_option(&push, "ci.skip"));
	cr_assert_null(sg_push_option(&push, "roll"));
	sg_push_release(&push);
	setenv("GIT_PUSH_OPTION_COUNT", "x", 1);
	cr_assert_lt(sg_push_read_options(&push, NULL), 0);
	unsetenv("GIT_PUSH_OPTION_COUNT");
	sg_push_release(&push);
}

/* A real repository made by git: new blobs are listed once each. */
static int count_blob(const git_oid *blob, const char *path, git_filemode_t mode,
		      const git_oid *commit, const git_oid *old_blob,
		      void *payload, struct sg_buf *err)
{
	struct sg_buf *seen = payload;

	(void)blob; (void)mode; (void)commit; (void)err; (void)old_blob;
	sg_buf_addf(seen, "%s;", path);
	return 0;
}

Test(push, new_blobs_each_once_with_first_path)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_buf err = SG_BUF_INIT(4096), seen = SG_BUF_INIT(4096);
	struct sg_oidset objs = SG_OIDSET_INIT;
	struct sg_policy *pol;
	const char *yaml = "version: 1\nenvironments: {}\n";
	char tip[64] = "";
	FILE *p;

	cr_assert_eq(sg_policy_parse(&pol, yaml, strlen(yaml), "p", &err), 0);
	git_libgit2_init();
	cr_assert_eq(system("rm -rf push_t.git push_w && git init -q --bare push_t.git && "
			    "git init -q push_w && cd push_w && "
			    "git config user.email a@b && git config user.name A && "
			    "echo one > a && mkdir d && echo two > d/b && git add . && "
			    "git commit -qm 1 && echo one > d/copy && echo three > a && "
			    "git add . && git commit -qm 2 && git rm -q a && "
			    "git commit -qm 3"), 0);
	p = popen("git -C push_w rev-parse HEAD", "r");
	cr_assert(fgets(tip, sizeof(tip), p));
	pclose(p);
	tip[40] = '\0';
	cr_assert_eq(sg_push_add(&push, "refs/heads/dev", Z, tip, &err), 0);
	/* objects are only in the clone: use it as the "quarantine" */
	cr_assert_eq(sg_push_open(&push, "push_t.git", "push_w/.git/objects", &err),
		     0, "%s", err.buf);
	cr_assert_eq(sg_push_resolve(&push, pol, &err), 0, "%s", err.buf);
	push.updates[0].in_scope = 1;
	cr_assert_eq(sg_push_new_blobs(&push, &objs, NULL, count_blob, &seen, &err), 0, "%s", err.buf);
	/* "one" listed once (as a), "two" as d/b, "three" as a */
	cr_assert_str_eq(seen.buf, "a;d/b;a;", "%s", seen.buf);
	sg_oidset_release(&objs);
	sg_push_release(&push);
	sg_policy_free(pol);
	sg_buf_release(&err);
	sg_buf_release(&seen);
	cr_assert_eq(system("rm -rf push_t.git push_w"), 0);
}
