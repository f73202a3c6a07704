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
	push.updates[0].rejected = 1;
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
	setenv("GL_ID", "user-1", 1);
	cr_assert_str_eq(sg_msg_prefix(), "GL-HOOK-ERR: stagegate: ");
	unsetenv("GL_ID");
	cr_assert_str_eq(sg_msg_prefix(), "stagegate: ");
}
