/*
 * test_gates.c -- the gates, one case a row, through the harness
 * (gate_harness.h): a policy, the objects of the server and of the push,
 * one ref update, and the rule ids the engine must find, in order.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gate_harness.h"

#define F(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define OBJS(...) ((const struct hobj[]){ __VA_ARGS__, { NULL } })

#define USERS \
	"version: 1\n" \
	"users:\n" \
	"  maker: {emails: [maker@example.com], groups: [makers]}\n" \
	"  approver1: {emails: [approver1@example.com], groups: [approvers]}\n" \
	"  approver2: {emails: [approver2@example.com], groups: [approvers]}\n" \
	"  ci: {emails: [ci@example.com], groups: [test-pipeline]}\n" \
	"  admin: {emails: [admin@example.com], groups: [release-managers]}\n"
#define ENVS \
	"environments:\n" \
	"  dev:\n" \
	"    refs: [refs/heads/dev]\n" \
	"    push: [anyone]\n" \
	"    allow_delete: true\n" \
	"    allow_force_push: true\n" \
	"  test:\n" \
	"    refs: [refs/heads/test]\n" \
	"    push: [makers]\n" \
	"  prod:\n" \
	"    refs: [refs/heads/main]\n" \
	"    push: [makers, release-managers]\n" \
	"    approvals: {key: Approved-by, min: 2, group: approvers}\n" \
	"    required_trailers:\n" \
	"      - {key: Ticket, pattern: '\\S'}\n" \
	"    tested: true\n" \
	"    rollback: {groups: [release-managers]}\n" \
	"    solutions: {versions: true}\n" \
	"    break_glass:\n" \
	"      groups: [release-managers]\n" \
	"      pattern: '^INC[0-9]{5,}\\s+\\S'\n"
#define WINDOWS \
	"    windows:\n" \
	"      - {days: [tue-thu], time: 09:00-15:00, zone: Europe/Paris}\n" \
	"    freezes:\n" \
	"      - {from: 2026-12-21, to: 2027-01-03, reason: year-end close}\n"
#define TAGS \
	"test_tags:\n" \
	"  refs: refs/tags/tested/*\n" \
	"  environment: test\n" \
	"  create: [test-pipeline]\n"
#define POLICY USERS ENVS TAGS
#define POLICY_WINDOWS USERS ENVS WINDOWS TAGS

/* The server: main at base, test one tested commit ahead. */
#define SERVER \
	{ "base", "", F("app/a.txt", "1\n"), "base\n", 0 }, \
	{ "t1", "base", F("app/a.txt", "2\n"), "tested change\n", 0 }, \
	{ "tag1", "t1", NULL, "passed\n", 0, "ci@example.com", 1 }
#define REFS "refs/heads/main=base refs/heads/test=t1 refs/heads/dev=t1 " \
	     "refs/tags/tested/1=tag1"
#define APPROVED "promote\n\nTicket: CHG-1\n" \
	"Approved-by: Ann <approver1@example.com>\n" \
	"Approved-by: approver2@example.com\n"
/* A promotion of t1 (same tree) with `msg`, pushed. */
#define PROMO(msg) { "p", "t1", NULL, msg, 1 }

static const struct gate_case protect_cases[] = {
	{ "a maker pushes test", POLICY,
	  OBJS(SERVER, { "c", "t1", F("app/a.txt", "3\n"), "c\n", 1 }),
	  REFS, "refs/heads/test t1 c", NULL, NULL, NULL, 0, "" },
	{ "the pipeline may not push test", POLICY,
	  OBJS(SERVER, { "c", "t1", F("app/a.txt", "3\n"), "c\n", 1 }),
	  REFS, "refs/heads/test t1 c", "ci", NULL, NULL, 0,
	  "protect.pusher" },
	{ "no deleting test", POLICY, OBJS(SERVER), REFS,
	  "refs/heads/test t1 0", NULL, NULL, NULL, 0, "protect.delete" },
	{ "no force push to test", POLICY,
	  OBJS(SERVER, { "c", "base", F("app/b.txt", "x\n"), "c\n", 1 }),
	  REFS, "refs/heads/test t1 c", NULL, NULL, NULL, 0,
	  "protect.force-push" },
	{ "dev allows force push", POLICY,
	  OBJS(SERVER, { "c", "base", F("app/b.txt", "x\n"), "c\n", 1 }),
	  REFS, "refs/heads/dev t1 c", NULL, NULL, NULL, 0, "" },
	{ "no replace refs", POLICY, OBJS(SERVER), REFS,
	  "refs/replace/abc 0 t1", NULL, NULL, NULL, 0, "protect.replace" },
	{ "an unknown pusher may not push prod", POLICY,
	  OBJS(SERVER, PROMO(APPROVED)), REFS, "refs/heads/main base p",
	  "ci", NULL, NULL, 0, "protect.pusher" },
};

static const struct gate_case approval_cases[] = {
	{ "two approvals and a ticket", POLICY, OBJS(SERVER, PROMO(APPROVED)),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0, "" },
	{ "one approval", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.missing" },
	{ "no trailers at all", POLICY, OBJS(SERVER, PROMO("promote\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.missing trailer.missing" },
	{ "the author approves their own promotion", POLICY,
	  OBJS(SERVER, { "p", "t1", NULL, APPROVED, 1,
			 "approver1@example.com" }),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.self approval.missing" },
	{ "an approver the policy does not know", POLICY,
	  OBJS(SERVER, PROMO(APPROVED "Approved-by: eve@evil.test\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.unknown-user" },
	{ "an approver outside the group", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: ci@example.com\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.not-in-group approval.missing" },
	{ "the same approver twice counts once", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: approver1@example.com\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "approval.missing" },
	{ "the ticket trailer is missing", POLICY,
	  OBJS(SERVER, PROMO("promote\n\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: approver2@example.com\n")),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "trailer.missing" },
};

static const struct gate_case test_tag_cases[] = {
	{ "the pipeline tags a commit of test", POLICY,
	  OBJS(SERVER, { "tag2", "t1", NULL, "again\n", 1, "ci@example.com",
			 1 }),
	  REFS, "refs/tags/tested/2 0 tag2", "ci", NULL, NULL, 0, "" },
	{ "a maker may not create a test tag", POLICY,
	  OBJS(SERVER, { "tag2", "t1", NULL, "mine\n", 1, NULL, 1 }),
	  REFS, "refs/tags/tested/2 0 tag2", NULL, NULL, NULL, 0,
	  "tag.create-denied" },
	{ "test tags are never deleted", POLICY, OBJS(SERVER), REFS,
	  "refs/tags/tested/1 tag1 0", "ci", NULL, NULL, 0, "tag.delete" },
	{ "test tags are never moved", POLICY,
	  OBJS(SERVER, { "tag2", "t1", NULL, "again\n", 1, "ci@example.com",
			 1 }),
	  REFS, "refs/tags/tested/1 tag1 tag2", "ci", NULL, NULL, 0,
	  "tag.move" },
	{ "a lightweight test tag", POLICY, OBJS(SERVER), REFS,
	  "refs/tags/tested/2 0 t1", "ci", NULL, NULL, 0,
	  "tag.not-annotated" },
	{ "a tag of a commit that never reached test", POLICY,
	  OBJS(SERVER, { "c", "base", F("app/b.txt", "x\n"), "c\n", 1 },
	       { "tag2", "c", NULL, "tested?\n", 1, "ci@example.com", 1 }),
	  REFS, "refs/tags/tested/2 0 tag2", "ci", NULL, NULL, 0,
	  "tag.not-on-test" },
};

static const struct gate_case tested_cases[] = {
	{ "the tagged commit itself (unapproved)", POLICY, OBJS(SERVER),
	  REFS, "refs/heads/main base t1", NULL, NULL, NULL, 0,
	  "approval.missing trailer.missing" },
	{ "an untagged tip", POLICY,
	  OBJS(SERVER, { "c", "base", F("app/a.txt", "9\n"), APPROVED, 1 }),
	  REFS, "refs/heads/main base c", NULL, NULL, NULL, 0,
	  "tested.untagged" },
	{ "a promotion whose tree is not the tested one", POLICY,
	  OBJS(SERVER, { "p", "t1", F("app/a.txt", "9\n"), APPROVED, 1 }),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "tested.tree-mismatch" },
	{ "an untested commit merged along", POLICY,
	  OBJS(SERVER, { "x", "base", F("app/x.txt", "x\n"), "x\n", 1 },
	       { "p", "t1 x", NULL, APPROVED, 1 }),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0,
	  "tested.skipped" },
	{ "a tag pushed with the promotion does not count", POLICY,
	  OBJS(SERVER, { "c", "base", F("app/a.txt", "9\n"), APPROVED, 1 }),
	  REFS, "refs/heads/main base c", NULL, NULL, NULL, 0,
	  "tested.untagged" },
};

/* main one promotion past t1, which it held before */
#define ROLLBACK_SERVER \
	SERVER, { "n1", "t1", F("app/a.txt", "3\n"), APPROVED, 0 }
#define ROLLBACK_REFS "refs/heads/main=n1 refs/heads/test=t1 " \
		      "refs/tags/tested/1=tag1"

static const struct gate_case rollback_cases[] = {
	{ "a rollback to a tested commit main held", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 t1",
	  "admin", "rollback=bad release", "refs/heads/main=t1", 0,
	  "rollback" },
	{ "a maker may not roll back", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 t1",
	  NULL, "rollback=bad release", "refs/heads/main=t1", 0,
	  "rollback.denied" },
	{ "a rollback needs a reason", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 t1",
	  "admin", "rollback=", "refs/heads/main=t1", 0,
	  "rollback.no-reason" },
	{ "only to a commit main held", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 t1",
	  "admin", "rollback=bad release", NULL, 0, "rollback.target" },
	{ "only to a tested commit", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 base",
	  "admin", "rollback=bad release", "refs/heads/main=base", 0,
	  "rollback.target" },
	{ "without -o rollback it is a force push", POLICY,
	  OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, "refs/heads/main n1 t1",
	  "admin", NULL, "refs/heads/main=t1", 0,
	  "protect.force-push approval.missing trailer.missing" },
};

#define SAT ((time_t)1796464800)	/* Sat 2026-12-05 10:00 UTC */
#define FROZEN ((time_t)1797930000)	/* Tue 2026-12-22 09:00 UTC */
#define INCIDENT "break-glass=INC0012345 payments down"

static const struct gate_case window_cases[] = {
	{ "inside the window", POLICY_WINDOWS, OBJS(SERVER, PROMO(APPROVED)),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, 0, "" },
	{ "outside the window", POLICY_WINDOWS, OBJS(SERVER, PROMO(APPROVED)),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, SAT,
	  "window.closed" },
	{ "in a freeze", POLICY_WINDOWS, OBJS(SERVER, PROMO(APPROVED)),
	  REFS, "refs/heads/main base p", NULL, NULL, NULL, FROZEN,
	  "window.freeze" },
	{ "test has no windows", POLICY_WINDOWS,
	  OBJS(SERVER, { "c", "t1", F("app/a.txt", "3\n"), "c\n", 1 }),
	  REFS, "refs/heads/test t1 c", NULL, NULL, NULL, SAT, "" },
	{ "break-glass by a release manager", POLICY_WINDOWS,
	  OBJS(SERVER, PROMO(APPROVED)), REFS, "refs/heads/main base p",
	  "admin", INCIDENT, NULL, SAT, "break-glass" },
	{ "break-glass by a maker", POLICY_WINDOWS,
	  OBJS(SERVER, PROMO(APPROVED)), REFS, "refs/heads/main base p",
	  NULL, INCIDENT, NULL, SAT,
	  "window.break-glass-denied window.closed" },
	{ "break-glass without an incident", POLICY_WINDOWS,
	  OBJS(SERVER, PROMO(APPROVED)), REFS, "refs/heads/main base p",
	  "admin", "break-glass=because", NULL, SAT,
	  "window.break-glass-reason window.closed" },
	{ "break-glass when open is only noted", POLICY_WINDOWS,
	  OBJS(SERVER, PROMO(APPROVED)), REFS, "refs/heads/main base p",
	  "admin", INCIDENT, NULL, 0, "window.open" },
};

#define SOLUTION(v) "<ImportExportXml><SolutionManifest>" \
	"<UniqueName>ContosoExpenses</UniqueName><Version>" v "</Version>" \
	"<Managed>0</Managed></SolutionManifest></ImportExportXml>\n"
#define SOL_PATH "ContosoExpenses/Other/Solution.xml"
/* main holds 1.4.0.2; test carries the tested `next` */
#define SOL_SERVER(next) \
	{ "base", "", F(SOL_PATH, SOLUTION("1.4.0.2")), "base\n", 0 }, \
	{ "t1", "base", F(SOL_PATH, next), "tested\n", 0 }, \
	{ "tag1", "t1", NULL, "passed\n", 0, "ci@example.com", 1 }

static const struct gate_case solution_cases[] = {
	{ "a higher version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.4.0.3")), PROMO(APPROVED)), REFS,
	  "refs/heads/main base p", NULL, NULL, NULL, 0, "" },
	{ "the same version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.4.0.2")), PROMO(APPROVED)), REFS,
	  "refs/heads/main base p", NULL, NULL, NULL, 0, "solution.version" },
	{ "a lower version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.3.9.9")), PROMO(APPROVED)), REFS,
	  "refs/heads/main base p", NULL, NULL, NULL, 0, "solution.version" },
	{ "a removed solution", POLICY,
	  OBJS(SOL_SERVER(NULL), PROMO(APPROVED)), REFS,
	  "refs/heads/main base p", NULL, NULL, NULL, 0, "solution.removed" },
};

static void run_table(const char *gate, const struct gate_case *cases,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char dir[64], got[1024];

		snprintf(dir, sizeof(dir), "gates_%s", gate);
		gate_harness_run(&cases[i], dir, got, sizeof(got));
		cr_expect_str_eq(got, cases[i].want, "%s: %s: got '%s'", gate,
				 cases[i].what, got);
	}
}

#define RUN(gate, cases) run_table(gate, cases, sizeof(cases) / sizeof(*cases))

Test(gates, protect) { RUN("protect", protect_cases); }
Test(gates, approval) { RUN("approval", approval_cases); }
Test(gates, test_tags) { RUN("test_tags", test_tag_cases); }
Test(gates, tested) { RUN("tested", tested_cases); }
Test(gates, rollback) { RUN("rollback", rollback_cases); }
Test(gates, window) { RUN("window", window_cases); }
Test(gates, solution) { RUN("solution", solution_cases); }
