/*
 * test_audit.c -- append records and verify the chain, on real files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/audit.h"
#include "../../common/audit_read.h"
#include "../../common/buf.h"
#include "../../common/push.h"
#include "../../common/report.h"
#include "../../common/sha256.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"

static void append(const char *path, const char *ref, int violation,
		   size_t rotate)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { path, rotate, NULL };
	struct sg_audit_entry e = { "/srv/x.git", "pre-receive", "abc", &push,
				    &r, "maker", "REMOTE_USER", NULL, 3 };
	struct sg_buf err = SG_BUF_INIT(4096);
	char id[SG_PUSH_ID_LEN + 1];

	cr_assert_eq(sg_push_add(&push, ref, A, B, &err), 0);
	if (violation) {
		sg_report_add(&r, SG_SEV_ERROR, "protect.force-push", ref, NULL,
			      NULL, "secret-looking text AKIA**** (redacted)");
		push.updates[0].rejected = 1;
	}
	sg_audit_new_push_id(id);
	cr_assert_eq(strlen(id), SG_PUSH_ID_LEN);
	cr_assert_eq(sg_audit_append(&opt, &e, id, &err), 0, "%s", err.buf);
	sg_report_release(&r);
	sg_push_release(&push);
	sg_buf_release(&err);
}

static int verify(const char *const *paths, size_t n)
{
	FILE *out = fopen("/dev/null", "w");
	int ret = sg_audit_verify_files(paths, n, NULL, out, NULL);

	fclose(out);
	return ret;
}

Test(audit, seed_chain_and_verify)
{
	const char *path = "audit_t/a.log";
	FILE *f;
	char line[8192];

	cr_assert_eq(system("rm -rf audit_t"), 0);
	append(path, "refs/heads/dev", 0, 0);
	append(path, "refs/heads/main", 1, 0);
	cr_assert_eq(verify(&path, 1), 0);
	f = fopen(path, "r");
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"type\":\"seed\""), "%s", line);
	cr_assert(strstr(line, "\"prev\":null"));
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"decision\":\"accepted\""), "%s", line);
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"decision\":\"rejected\""), "%s", line);
	cr_assert(strstr(line, "\"rule\":\"protect.force-push\""));
	fclose(f);
	/* an edit breaks it */
	cr_assert_eq(system("sed -i 's/refs.heads.dev/refs\\/heads\\/prod/' audit_t/a.log"), 0);
	cr_assert_eq(verify(&path, 1), 1);
	cr_assert_eq(system("rm -rf audit_t"), 0);
}

Test(audit, rotation_keeps_the_chain)
{
	const char *paths[2];
	char old[256] = "";
	FILE *p;

	cr_assert_eq(system("rm -rf audit_r"), 0);
	append("audit_r/a.log", "refs/heads/a", 0, 1);
	append("audit_r/a.log", "refs/heads/b", 0, 1);	/* rotates first */
	p = popen("ls audit_r | grep 'a.log.2' | grep -v head", "r");
	cr_assert(fgets(old, sizeof(old), p));
	pclose(p);
	old[strcspn(old, "\n")] = '\0';
	{
		char full[300];

		snprintf(full, sizeof(full), "audit_r/%s", old);
		paths[0] = full;
		paths[1] = "audit_r/a.log";
		cr_assert_eq(verify(paths, 2), 0);
		/* the new file alone starts with its rotate record */
		cr_assert_eq(verify(&paths[1], 1), 0);
	}
	cr_assert_eq(system("grep -q '\"type\":\"rotate\"' audit_r/a.log"), 0);
	cr_assert_eq(system("rm -rf audit_r"), 0);
}

Test(audit, unwritable_is_an_error)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_audit_options opt = { "audit_u/dir", 0, NULL };
	struct sg_audit_entry e = { "/r", "pre-receive", NULL, &push, NULL,
				    NULL, NULL, "boom", 0 };
	struct sg_buf err = SG_BUF_INIT(4096);

	cr_assert_eq(system("rm -rf audit_u && mkdir -p audit_u/dir"), 0);
	cr_assert_lt(sg_audit_append(&opt, &e, "abcdef012345", &err), 0);
	cr_assert(strstr(err.buf, "audit log"), "%s", err.buf);
	cr_assert_eq(system("rm -rf audit_u"), 0);
	sg_buf_release(&err);
}

Test(sha256, known_vector)
{
	char hex[65];

	sg_sha256_hex(hex, "abc", 3);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(audit, oversized_finding_is_counted_not_cut)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { "audit_big/a.log", 0, NULL };
	struct sg_audit_entry e = { "/r", "pre-receive", "abc", &push, &r,
				    "maker", "REMOTE_USER", NULL, 1 };
	struct sg_buf err = SG_BUF_INIT(4096), huge = SG_BUF_INIT(1 << 20);
	const char *path = opt.path;
	char line[4096];
	FILE *f;

	cr_assert_eq(system("rm -rf audit_big"), 0);
	for (int i = 0; i < 300000; i++)	/* beyond a whole record */
		sg_buf_addch(&huge, 'x');
	sg_push_add(&push, "refs/heads/main", A, B, &err);
	sg_report_add(&r, SG_SEV_ERROR, "approval.missing", "refs/heads/main",
		      NULL, NULL, "%s", huge.buf);
	sg_report_add(&r, SG_SEV_ERROR, "tested.untagged", "refs/heads/main",
		      NULL, NULL, "small");
	push.updates[0].rejected = 1;
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012345", &err), 0, "%s",
		     err.buf);
	cr_assert_eq(verify(&path, 1), 0);
	f = fopen(path, "r");
	cr_assert(fgets(line, sizeof(line), f));	/* the seed */
	cr_assert(fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert(strstr(line, "\"rule\":\"tested.untagged\""), "%s", line);
	cr_assert(strstr(line, "\"violations_not_shown\":1"), "%s", line);
	cr_assert_null(strstr(line, "approval.missing"));
	sg_report_release(&r);
	sg_push_release(&push);
	sg_buf_release(&err);
	sg_buf_release(&huge);
	cr_assert_eq(system("rm -rf audit_big"), 0);
}
