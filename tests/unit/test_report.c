#include <criterion/criterion.h>
#include <string.h>

#include "../../common/report.h"

Test(report, counts_by_severity_and_ref)
{
	struct sg_report r = SG_REPORT_INIT;
	git_oid id;
	struct sg_finding *f;

	git_oid_fromstr(&id, "0123456789abcdef0123456789abcdef01234567");
	sg_report_add(&r, SG_SEV_ERROR, "protect.delete", "refs/heads/main",
		      &id, "fix it", "deleting %s", "main");
	f = sg_report_add(&r, SG_SEV_WARNING, "secret.legacy", "refs/heads/dev",
			  NULL, NULL, "old");
	sg_finding_set_path(f, "a/b.json", 3, 7);
	sg_report_add(&r, SG_SEV_ERROR, "protect.pusher", "refs/heads/main",
		      NULL, NULL, "x");
	cr_assert_eq(r.errors, 2);
	cr_assert_eq(r.warnings, 1);
	cr_assert_eq(sg_report_errors_for(&r, "refs/heads/main"), 2);
	cr_assert_eq(sg_report_errors_for(&r, "refs/heads/dev"), 0);
	cr_assert_str_eq(r.v[0].commit, "0123456789abcdef0123456789abcdef01234567");
	cr_assert_str_eq(r.v[0].message, "deleting main");
	cr_assert_str_eq(r.v[1].path, "a/b.json");
	cr_assert_eq(r.v[1].col, 7);
	cr_assert_str_eq(r.v[2].commit, "");
	sg_report_release(&r);
}

Test(report, severity_names)
{
	cr_assert_str_eq(sg_severity_name(SG_SEV_ERROR), "error");
	cr_assert_str_eq(sg_severity_name(SG_SEV_WARNING), "warning");
	cr_assert_str_eq(sg_severity_name(SG_SEV_NOTE), "note");
}

Test(report, verdicts_by_update)
{
	struct sg_report r = SG_REPORT_INIT;

	cr_assert_null(sg_report_verdict_of(&r, 0));
	cr_assert_null(sg_report_verdict_of(NULL, 0));
	sg_report_add(&r, SG_SEV_ERROR, "protect.delete", "refs/heads/b", NULL,
		      NULL, "no");
	sg_report_decide(&r, 0, "refs/heads/a");
	sg_report_decide(&r, 2, "refs/heads/b");
	cr_assert_eq(r.verdicts_nr, 3);
	cr_assert_eq(sg_report_verdict_of(&r, 0)->rejected, 0);
	cr_assert_eq(sg_report_verdict_of(&r, 1)->rejected, 0);
	cr_assert_eq(sg_report_verdict_of(&r, 2)->rejected, 1);
	sg_report_verdict(&r, 1)->tested_tag = strdup("tested/1");
	sg_strlist_add(&sg_report_verdict(&r, 1)->approvers, "ann");
	cr_assert_null(sg_report_verdict_of(&r, 3));
	sg_report_release(&r);		/* frees the verdicts (ASan) */
	cr_assert_eq(r.verdicts_nr, 0);
}
