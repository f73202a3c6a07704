#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/msg.h"
#include "../../common/push.h"
#include "../../common/report.h"

Test(msg, every_finding_with_rule_commit_path_and_fix)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_finding *f;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	git_oid id;

	unsetenv("GL_ID");
	git_oid_fromstr(&id, "0123456789abcdef0123456789abcdef01234567");
	sg_push_add(&push, "refs/heads/main", "1111111111111111111111111111111111111111",
		    "2222222222222222222222222222222222222222", NULL);
	sg_push_add(&push, "refs/heads/dev", "1111111111111111111111111111111111111111",
		    "2222222222222222222222222222222222222222", NULL);
	f = sg_report_add(&r, SG_SEV_ERROR, "secret.aws", "refs/heads/main", &id,
			  "remove it", "found %s", "AKIA****");
	sg_finding_set_path(f, "a/b.json", 4, 9);
	sg_report_add(&r, SG_SEV_ERROR, "protect.force-push", "refs/heads/main",
		      NULL, "merge", "not a fast-forward");
	sg_report_verdict(&r, 0)->rejected = 1;
	sg_msg_report(out, &push, &r, "abc123");
	fclose(out);
	cr_assert(strstr(text, "stagegate: refs/heads/main: REJECTED [audit abc123.1]"), "%s", text);
	cr_assert(strstr(text, "error [secret.aws] commit 0123456789 a/b.json:4:9: found AKIA****"), "%s", text);
	cr_assert(strstr(text, "fix: remove it"));
	cr_assert(strstr(text, "error [protect.force-push]: not a fast-forward"));
	cr_assert(strstr(text, "refs/heads/dev: ok [audit abc123.2]"));
	cr_assert(strstr(text, "push REJECTED: 2 violation(s) on 1 of 2 ref(s)"));
	free(text);
	sg_report_release(&r);
	sg_push_release(&push);
}

Test(msg, gitlab_prefix)
{
	sg_msg_set_gitlab(1);
	cr_assert_str_eq(sg_msg_prefix(), "GL-HOOK-ERR: stagegate: ");
	sg_msg_set_gitlab(0);
	cr_assert_str_eq(sg_msg_prefix(), "stagegate: ");
}

/* Nothing a pusher wrote reaches the terminal raw (issue 11, class 7). */
Test(msg, hostile_text_is_escaped)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_finding *f;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	unsetenv("GL_ID");
	sg_push_add(&push, "refs/heads/a\xc2\x9b" "b\x9b",
		    "1111111111111111111111111111111111111111",
		    "2222222222222222222222222222222222222222", NULL);
	f = sg_report_add(&r, SG_SEV_ERROR, "approval.unknown-user",
			  push.updates[0].ref, NULL, "fix\x1b[8m",
			  "'Approved-by: %s' names no user", "E\x1b[2J\rvil");
	sg_finding_set_path(f, "d\x1b]0;t\a/x\x7f", 1, 2);
	sg_report_verdict(&r, 0)->rejected = 1;
	sg_msg_report(out, &push, &r, "abc");
	sg_msg_line(out, "internal error: %s", "line1\nremote: forged");
	fclose(out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		cr_assert((c >= 0x20 && c < 0x7f) || c == '\n',
			  "raw byte %02x at %zu: %s", c, i, text);
	}
	cr_assert(strstr(text, "refs/heads/a\\u009bb\\x9b: REJECTED"), "%s", text);
	cr_assert(strstr(text, "d\\e]0;t\\x07/x\\u007f:1:2: 'Approved-by: "
			 "E\\e[2J\\rvil' names no user\n"), "%s", text);
	cr_assert(strstr(text, "fix: fix\\e[8m\n"), "%s", text);
	/* a newline in a value cannot start a line of its own */
	cr_assert(strstr(text, "internal error: line1\\nremote: forged\n"),
		  "%s", text);
	free(text);
	sg_report_release(&r);
	sg_push_release(&push);
}

/* A 30 KB value loses its middle: both ends stay, no line floods. */
Test(msg, long_line_keeps_both_ends)
{
	char *text = NULL, *val = malloc(30001);
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	memset(val, 'B', 30000);
	val[0] = '<';
	memcpy(val + 29990, "\xe6\x97\xa5\xe2\x80\x8b>", 7);
	val[29997] = 0;
	sg_msg_line(out, "'Approved-by: %s' names no user", val);
	fclose(out);
	cr_assert(len < 4200, "%zu bytes", len);
	cr_assert(!strncmp(text, "stagegate: 'Approved-by: <BBB", 29), "%s", text);
	cr_assert(strstr(text, "bytes cut) ... BBB"), "%s", text);
	cr_assert(strstr(text, "B\xe6\x97\xa5\\u200b>' names no user\n"), "%s",
		  text);
	free(text);
	free(val);
}
