/*
 * auditgen.c -- write an audit log of N decision records through the
 * real append path (hash chain, lock, fsync), for the auditor CLI bench.
 *
 *   auditgen LOG N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/audit.h"
#include "../../common/buf.h"
#include "../../common/push.h"
#include "../../common/report.h"

#define BATCH 1000

int main(int argc, char **argv)
{
	static const char *const users[] = { "maker", "approver1", "admin", "ci" };
	static const char *const rules[] = {
		"approval.missing", "tested.untagged", "protect.force-push",
		"secret.github-token", "protect.pusher",
	};
	struct sg_audit_options opt = { NULL, 0, NULL };
	struct sg_buf err = SG_BUF_INIT(4096);
	long n;

	if (argc != 3) {
		fputs("usage: auditgen LOG N\n", stderr);
		return 2;
	}
	opt.path = argv[1];
	n = strtol(argv[2], NULL, 10);
	for (long done = 0; done < n; done += BATCH) {
		struct sg_push push = SG_PUSH_INIT;
		struct sg_report r = SG_REPORT_INIT;
		struct sg_audit_entry e = { "/srv/git/contoso.git", "pre-receive",
					    "c425f491e0c25a7289ce04c7ffc8c789",
					    &push, &r, users[(done / BATCH) % 4],
					    "REMOTE_USER", NULL, 12 };
		char id[SG_PUSH_ID_LEN + 1];

		for (long i = 0; i < BATCH && done + i < n; i++) {
			char ref[64];

			snprintf(ref, sizeof(ref), "refs/heads/feature/b%ld",
				 done + i);
			sg_push_add(&push, ref,
				    "1111111111111111111111111111111111111111",
				    "2222222222222222222222222222222222222222",
				    &err);
			if (i % 3 == 0) {
				sg_report_add(&r, SG_SEV_ERROR, rules[i % 5], ref,
					      NULL, NULL, "bench violation %ld",
					      i);
				sg_report_verdict(&r, (size_t)i)->rejected = 1;
			}
		}
		sg_audit_new_push_id(id);
		if (sg_audit_append(&opt, &e, id, &err) < 0) {
			fprintf(stderr, "auditgen: %s\n", err.buf);
			return 1;
		}
		sg_report_release(&r);
		sg_push_release(&push);
	}
	sg_buf_release(&err);
	return 0;
}
