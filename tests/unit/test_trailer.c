/*
 * test_trailer.c -- the trailer parser against a table of lookups, and
 * a differential test against `git interpret-trailers --parse
 * --no-divider` (commit messages have no patch, so "---" is text) over
 * a corpus of tricky messages.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/trailer.h"

static const struct { const char *msg, *key, *want; } lookups[] = {
	{ "subj\n\nSigned-off-by: A <a@x>\n", "Signed-off-by", "A <a@x>" },
	{ "Signed-off-by: A <a@x>\n", "Signed-off-by", NULL }, /* title */
	{ "subj\n\napproved-BY: B <b@x>\n", "Approved-by", "B <b@x>" },
	{ "subj\n\nKey : v\n", "key", "v" },
	{ "subj\n\nKey: long\n  folded\n", "Key", "long folded" },
	{ "subj\n\nKey:\nOther: x\n", "Key", "" },
	{ "subj\n\nKey: v\r\n", "Key", "v" },
	{ "subj\n\nApproved-by: a\n\nbody text\n", "Approved-by", NULL },
};

Test(trailer, lookup)
{
	for (size_t i = 0; i < sizeof(lookups) / sizeof(*lookups); i++) {
		struct sg_trailers t = SG_TRAILERS_INIT;
		const char *want = lookups[i].want, *got;

		sg_trailers_parse(&t, lookups[i].msg);
		got = sg_trailers_get(&t, lookups[i].key);
		cr_assert(want ? got && !strcmp(got, want) : !got, "%zu: got '%s'",
			  i, got ? got : "(null)");
		sg_trailers_release(&t);
	}
}

/* The corpus: each is a whole commit message. */
static const char *const corpus[] = {
	"",
	"title only\n",
	"Approved-by: A <a@x>\n",
	"subject\n\nApproved-by: A <a@x>\nApproved-by: B <b@x>\n",
	"subject\n\nbody line\n\nApproved-by: A <a@x>\n",
	"subject\n\nApproved-by: A <a@x>\n\nlast paragraph prose\n",
	"subject\n\nKey: value\n continued with space\n",
	"subject\n\nKey: value\n\tcontinued with tab\n",
	"subject\n\nKey: value\n  two\n  three\nOther: x\n",
	"subject\r\n\r\nApproved-by: A <a@x>\r\nTicket: CHG000001\r\n",
	"subject\r\n\r\nKey: v\r\n  cont\r\n",
	"subject\n\nEmpty:\nNext: value\n",
	"subject\n\nEmpty:   \nNext: value\n",
	"subject\n\n---\nApproved-by: A <a@x>\n",
	"subject\n\nApproved-by: A <a@x>\n---\nmore\n",
	"subject\n\nbody\n---\n\nApproved-by: A <a@x>\n",
	"subject\n\nSigned-off-by: S <s@x>\nsome prose\nmore prose\nAp: 1\n",
	"subject\n\nSigned-off-by: S <s@x>\nprose one\nprose two\nprose three\nprose four\n",
	"subject\n\nSigned-off-by: S <s@x>\np1\np2\np3\np4\np5\np6\nK: v\n",
	"subject\n\nprose\nApproved-by: A <a@x>\n",
	"subject\n\n(cherry picked from commit 0123456789abcdef)\nKey: v\nprose\n",
	"subject\n\nKey: v\n# a comment\nOther: w\n",
	"subject\n\nKey: v\nOther: w\n# trailing comment\n",
	"subject\n\nKey: v\n\n# comment after\n\n",
	"subject\n\nKey : spaced separator\nK2\t: tab separator\n",
	"subject\n\n Key: leading space\n",
	"subject\n\nKey:value-without-space\n",
	"subject\n\nKey: v\nno colon line\n",
	"subject\n\nURL: http://example.com:8080/x\n",
	"subject\n\nweird key: v\n",
	"subject\n\nkey-with-dash: v\nkey_underscore: w\n",
	"subject\n\nKey: v\n\n\n\n",
	"\n\nKey: leading blank lines\n",
	"\nsubject after blank\n\nKey: v\n",
	"subject\n\nKey: v\nConflicts:\n\tpath/a\n\tpath/b\n",
	"subject\n\nKey: v\n# ------------------------ >8 ------------------------\ndiff stuff\n",
	"subject\nsecond title line\n\nKey: v\n",
	"subject\n\nApproved-by: A <a@x>\nApproved-by: A <a@x>\nApproved-by: B <b@x>\n",
	"subject\n\nKey: v\n continuation\nprose\n",
	"subject\n\nKey: v\n continuation\n\nKey2: w\n",
	"subject\n\n  \nKey: after spaces line\n",
	"subject\n\nKey: v\n   \n",
	"subject\n\nA: 1\nB: 2\nC: 3\nD: 4\nE: 5\nF: 6\nG: 7\nH: 8\n",
	"subject\n\nSigned-off-by: S <s@x>\nx\ny\nz\n",
	"subject\n\nKey: v\nno newline at end",
	"subject\n\nKey: multi: colons: here\n",
	"subject\n\n: no key\nK: v\n",
	"subject\n\nK: v\n\ttab cont\n spc cont\n",
	"subject\n\n# only comments\n# here\n",
	"subject\n\nApproved-by: A <a@x>\n\nApproved-by: B <b@x>\n",
	"subject\n\nRollback: redeploy tested/1.4.0.1\nTicket: CHG004211\nApproved-by: Bob <bob@c.example>\n",
	NULL
};

static char *run_git(const char *msg)
{
	struct sg_buf out = SG_BUF_INIT(1 << 20);
	char buf[4096];
	FILE *f = fopen("trailer_msg.tmp", "wb"), *p;
	size_t n;

	fputs(msg, f);
	fclose(f);
	p = popen("env GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent "
		  "git interpret-trailers --parse --no-divider "
		  "< trailer_msg.tmp", "r");
	cr_assert(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sg_buf_add(&out, buf, n);
	cr_assert_eq(pclose(p), 0);
	remove("trailer_msg.tmp");
	return sg_buf_detach(&out);
}

static char *run_ours(const char *msg)
{
	struct sg_buf out = SG_BUF_INIT(1 << 20);
	struct sg_trailers t = SG_TRAILERS_INIT;

	sg_trailers_parse(&t, msg);
	for (size_t i = 0; i < t.nr; i++)
		sg_buf_addf(&out, "%s: %s\n", t.v[i].key, t.v[i].value);
	sg_trailers_release(&t);
	return sg_buf_detach(&out);
}

Test(trailer, agrees_with_git_interpret_trailers)
{
	size_t n = 0, with_trailers = 0;

	for (const char *const *m = corpus; *m; m++, n++) {
		char *git = run_git(*m), *ours = run_ours(*m);

		cr_expect_str_eq(ours, git, "message %zu:\n%s\n-- git:\n%s-- ours:\n%s",
				 n, *m, git, ours);
		with_trailers += *git != '\0';
		free(git);
		free(ours);
	}
	cr_assert_geq(n, 50);
	cr_assert_geq(with_trailers, 25, "the corpus must exercise trailers");
}
