/*
 * test_gates.c -- the gates, one case a row, through the harness
 * (gate_harness.h): a policy, the objects of the server and of the push,
 * one ref update, and the rule ids the engine must find, in order.
 *
 * The fixtures below are shared: SERVER_OF builds the usual server (main
 * at `base`, test at the tested `t1`, tagged by the pipeline) around the
 * files a gate cares about; a row adds what the push brings.
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
	"    refs: [refs/heads/main, refs/heads/prod]\n" \
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

/*
 * The server: main at `base` (the files `v1`), test at the tested `t1`
 * (`v2` over v1), tagged tested/1 by the pipeline.
 */
#define SERVER_OF(v1, v2) \
	{ "base", "", v1, "base\n", 0 }, \
	{ "t1", "base", v2, "tested change\n", 0 }, \
	{ "tag1", "t1", NULL, "passed\n", 0, "ci@example.com", 1 }
#define SERVER SERVER_OF(F("app/a.txt", "1\n"), F("app/a.txt", "2\n"))
#define REFS "refs/heads/main=base refs/heads/test=t1 refs/heads/dev=t1 " \
	     "refs/tags/tested/1=tag1"
#define APPROVED "promote\n\nTicket: CHG-1\n" \
	"Approved-by: Ann <approver1@example.com>\n" \
	"Approved-by: approver2@example.com\n"
/* A promotion of t1 (same tree) with `msg`, pushed. */
#define PROMO(msg) { "p", "t1", NULL, msg, 1 }
/* ... and the update that moves main to it */
#define TO_PROD REFS, "refs/heads/main base p"
/* A maker's commit `c` over `parent` that sets `path` to `text`. */
#define CHANGE(parent, path, text) { "c", parent, F(path, text), "c\n", 1 }
#define ON_TEST CHANGE("t1", "app/a.txt", "3\n")	/* a fast-forward */
#define OFF_BASE CHANGE("base", "app/b.txt", "x\n")	/* a force push */
/* pusher, push options, audit history, clock: a maker, now */
#define AS_MAKER NULL, NULL, NULL, 0

static const struct gate_case protect_cases[] = {
	{ "a maker pushes test", POLICY, OBJS(SERVER, ON_TEST),
	  REFS, "refs/heads/test t1 c", AS_MAKER, "" },
	{ "the pipeline may not push test", POLICY, OBJS(SERVER, ON_TEST),
	  REFS, "refs/heads/test t1 c", "ci", NULL, NULL, 0,
	  "protect.pusher" },
	{ "no deleting test", POLICY, OBJS(SERVER), REFS,
	  "refs/heads/test t1 0", AS_MAKER, "protect.delete" },
	{ "no force push to test", POLICY, OBJS(SERVER, OFF_BASE),
	  REFS, "refs/heads/test t1 c", AS_MAKER, "protect.force-push" },
	{ "dev allows force push", POLICY, OBJS(SERVER, OFF_BASE),
	  REFS, "refs/heads/dev t1 c", AS_MAKER, "" },
	{ "no replace refs", POLICY, OBJS(SERVER), REFS,
	  "refs/replace/abc 0 t1", AS_MAKER, "protect.replace" },
	{ "an unknown pusher may not push prod", POLICY,
	  OBJS(SERVER, PROMO(APPROVED)), TO_PROD, "ci", NULL, NULL, 0,
	  "protect.pusher" },
};

static const struct gate_case approval_cases[] = {
	{ "two approvals and a ticket", POLICY, OBJS(SERVER, PROMO(APPROVED)),
	  TO_PROD, AS_MAKER, "" },
	{ "one approval", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n")),
	  TO_PROD, AS_MAKER, "approval.missing" },
	{ "no trailers at all", POLICY, OBJS(SERVER, PROMO("promote\n")),
	  TO_PROD, AS_MAKER, "approval.missing trailer.missing" },
	{ "the author approves their own promotion", POLICY,
	  OBJS(SERVER, { "p", "t1", NULL, APPROVED, 1,
			 "approver1@example.com" }),
	  TO_PROD, AS_MAKER, "approval.self approval.missing" },
	{ "an approver the policy does not know", POLICY,
	  OBJS(SERVER, PROMO(APPROVED "Approved-by: eve@evil.test\n")),
	  TO_PROD, AS_MAKER, "approval.unknown-user" },
	{ "an approver outside the group", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: ci@example.com\n")),
	  TO_PROD, AS_MAKER, "approval.not-in-group approval.missing" },
	{ "the same approver twice counts once", POLICY,
	  OBJS(SERVER, PROMO("promote\n\nTicket: CHG-1\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: approver1@example.com\n")),
	  TO_PROD, AS_MAKER, "approval.missing" },
	{ "the ticket trailer is missing", POLICY,
	  OBJS(SERVER, PROMO("promote\n\n"
			     "Approved-by: approver1@example.com\n"
			     "Approved-by: approver2@example.com\n")),
	  TO_PROD, AS_MAKER, "trailer.missing" },
};

/* An annotated tag `tag2` of `commit`, tagged by `tagger`, pushed. */
#define TAG2(commit, tagger) { "tag2", commit, NULL, "tag\n", 1, tagger, 1 }
#define BY_CI "ci@example.com"

static const struct gate_case test_tag_cases[] = {
	{ "the pipeline tags a commit of test", POLICY,
	  OBJS(SERVER, TAG2("t1", BY_CI)),
	  REFS, "refs/tags/tested/2 0 tag2", "ci", NULL, NULL, 0, "" },
	{ "a maker may not create a test tag", POLICY,
	  OBJS(SERVER, TAG2("t1", NULL)),
	  REFS, "refs/tags/tested/2 0 tag2", AS_MAKER, "tag.create-denied" },
	{ "test tags are never deleted", POLICY, OBJS(SERVER), REFS,
	  "refs/tags/tested/1 tag1 0", "ci", NULL, NULL, 0, "tag.delete" },
	{ "test tags are never moved", POLICY,
	  OBJS(SERVER, TAG2("t1", BY_CI)),
	  REFS, "refs/tags/tested/1 tag1 tag2", "ci", NULL, NULL, 0,
	  "tag.move" },
	{ "a lightweight test tag", POLICY, OBJS(SERVER), REFS,
	  "refs/tags/tested/2 0 t1", "ci", NULL, NULL, 0,
	  "tag.not-annotated" },
	{ "a tag of a commit that never reached test", POLICY,
	  OBJS(SERVER, OFF_BASE, TAG2("c", BY_CI)),
	  REFS, "refs/tags/tested/2 0 tag2", "ci", NULL, NULL, 0,
	  "tag.not-on-test" },
};

/* An approved commit over base that test never saw, pushed. */
#define UNTESTED { "c", "base", F("app/a.txt", "9\n"), APPROVED, 1 }

static const struct gate_case tested_cases[] = {
	{ "the tagged commit itself (unapproved)", POLICY, OBJS(SERVER),
	  REFS, "refs/heads/main base t1", AS_MAKER,
	  "approval.missing trailer.missing" },
	{ "an untagged tip", POLICY, OBJS(SERVER, UNTESTED),
	  REFS, "refs/heads/main base c", AS_MAKER, "tested.untagged" },
	{ "a promotion whose tree is not the tested one", POLICY,
	  OBJS(SERVER, { "p", "t1", F("app/a.txt", "9\n"), APPROVED, 1 }),
	  TO_PROD, AS_MAKER, "tested.tree-mismatch" },
	{ "an untested commit merged along", POLICY,
	  OBJS(SERVER, { "x", "base", F("app/x.txt", "x\n"), "x\n", 1 },
	       { "p", "t1 x", NULL, APPROVED, 1 }),
	  TO_PROD, AS_MAKER, "tested.skipped" },
	{ "a tag pushed with the promotion does not count", POLICY,
	  OBJS(SERVER, UNTESTED, TAG2("c", BY_CI)),
	  REFS, "refs/heads/main base c", AS_MAKER, "tested.untagged" },
};

/* main one promotion past t1, which it held before */
#define ROLLBACK_SERVER \
	SERVER, { "n1", "t1", F("app/a.txt", "3\n"), APPROVED, 0 }
#define ROLLBACK_REFS "refs/heads/main=n1 refs/heads/test=t1 " \
		      "refs/tags/tested/1=tag1"
/* main back from n1 to `to`, by `pusher` with push options `opts` */
#define ROLLBACK(to, pusher, opts) OBJS(ROLLBACK_SERVER), ROLLBACK_REFS, \
	"refs/heads/main n1 " to, pusher, opts
#define HELD_T1 "refs/heads/main=t1"

static const struct gate_case rollback_cases[] = {
	{ "a rollback to a tested commit main held", POLICY,
	  ROLLBACK("t1", "admin", "rollback=bad release"), HELD_T1, 0,
	  "rollback" },
	{ "a maker may not roll back", POLICY,
	  ROLLBACK("t1", NULL, "rollback=bad release"), HELD_T1, 0,
	  "rollback.denied" },
	{ "a rollback needs a reason", POLICY,
	  ROLLBACK("t1", "admin", "rollback="), HELD_T1, 0,
	  "rollback.no-reason" },
	{ "only to a commit main held", POLICY,
	  ROLLBACK("t1", "admin", "rollback=bad release"), NULL, 0,
	  "rollback.target" },
	{ "only to a tested commit", POLICY,
	  ROLLBACK("base", "admin", "rollback=bad release"),
	  "refs/heads/main=base", 0, "rollback.target" },
	{ "without -o rollback it is a force push", POLICY,
	  ROLLBACK("t1", "admin", NULL), HELD_T1, 0,
	  "protect.force-push approval.missing trailer.missing" },
};

#define SAT ((time_t)1796464800)	/* Sat 2026-12-05 10:00 UTC */
#define FROZEN ((time_t)1797930000)	/* Tue 2026-12-22 09:00 UTC */
#define INCIDENT "break-glass=INC0012345 payments down"
/* the approved promotion under the windows policy */
#define PROMOTED POLICY_WINDOWS, OBJS(SERVER, PROMO(APPROVED)), TO_PROD

static const struct gate_case window_cases[] = {
	{ "inside the window", PROMOTED, AS_MAKER, "" },
	{ "outside the window", PROMOTED, NULL, NULL, NULL, SAT,
	  "window.closed" },
	{ "in a freeze", PROMOTED, NULL, NULL, NULL, FROZEN,
	  "window.freeze" },
	{ "test has no windows", POLICY_WINDOWS, OBJS(SERVER, ON_TEST),
	  REFS, "refs/heads/test t1 c", NULL, NULL, NULL, SAT, "" },
	{ "break-glass by a release manager", PROMOTED, "admin", INCIDENT,
	  NULL, SAT, "break-glass" },
	{ "break-glass by a maker", PROMOTED, NULL, INCIDENT, NULL, SAT,
	  "window.break-glass-denied window.closed" },
	{ "break-glass without an incident", PROMOTED, "admin",
	  "break-glass=because", NULL, SAT,
	  "window.break-glass-reason window.closed" },
	{ "break-glass when open is only noted", PROMOTED, "admin", INCIDENT,
	  NULL, 0, "window.open" },
};

#define SOLUTION(v) "<ImportExportXml><SolutionManifest>" \
	"<UniqueName>ContosoExpenses</UniqueName><Version>" v "</Version>" \
	"<Managed>0</Managed></SolutionManifest></ImportExportXml>\n"
#define SOL_PATH "ContosoExpenses/Other/Solution.xml"
/* main holds 1.4.0.2; test carries the tested `next` */
#define SOL_SERVER(next) \
	SERVER_OF(F(SOL_PATH, SOLUTION("1.4.0.2")), F(SOL_PATH, next))

static const struct gate_case solution_cases[] = {
	{ "a higher version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.4.0.3")), PROMO(APPROVED)), TO_PROD,
	  AS_MAKER, "" },
	{ "the same version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.4.0.2")), PROMO(APPROVED)), TO_PROD,
	  AS_MAKER, "solution.version" },
	{ "a lower version", POLICY,
	  OBJS(SOL_SERVER(SOLUTION("1.3.9.9")), PROMO(APPROVED)), TO_PROD,
	  AS_MAKER, "solution.version" },
	{ "a removed solution", POLICY,
	  OBJS(SOL_SERVER(NULL), PROMO(APPROVED)), TO_PROD, AS_MAKER,
	  "solution.removed" },
};

/*
 * The migration gate on a Salesforce DX object: main holds Expense__c
 * with Description__c (Text 255) and Amount__c (Currency); test carries
 * the tested schema change `...`. dba approves and owns the data.
 */
#define MIGRATION \
	"migration:\n" \
	"  environments: [prod]\n" \
	"  trailer: Migration\n" \
	"  data_owners: data-owners\n"
#define DBA "  dba: {emails: [dba@example.com], " \
	"groups: [approvers, data-owners]}\n"
#define POLICY_MIGRATION USERS DBA ENVS TAGS MIGRATION
#define OBJ_DIR "force-app/main/default/objects/Expense__c/"
#define FIELD(name) OBJ_DIR "fields/" name ".field-meta.xml"
#define SF_FIELD(type, more) "<CustomField xmlns=\"http://soap.sforce." \
	"com/2006/04/metadata\"><type>" type "</type>" more \
	"<required>false</required></CustomField>\n"
#define TEXT255 SF_FIELD("Text", "<length>255</length>")
#define SCHEMA_V1 F(OBJ_DIR "Expense__c.object-meta.xml", \
	"<CustomObject xmlns=\"http://soap.sforce.com/2006/04/metadata\">" \
	"<label>Expense</label></CustomObject>\n", \
	FIELD("Description__c"), TEXT255, \
	FIELD("Amount__c"), SF_FIELD("Currency", ""))
#define MIG_SERVER(...) SERVER_OF(SCHEMA_V1, F(__VA_ARGS__))
#define NO_DESCRIPTION FIELD("Description__c"), NULL
#define AMOUNT_NUMBER FIELD("Amount__c"), SF_FIELD("Number", "")
#define PLAN_PATH "migrations/CHG1.yaml"
#define WITH_PLAN APPROVED "Migration: " PLAN_PATH "\n"
#define PLAN_DESCRIPTION "changes:\n" \
	"  - {table: Expense__c, column: Description__c, change: removed}\n"
#define PLAN_AMOUNT \
	"  - {table: Expense__c, column: Amount__c, change: type-changed}\n"
#define PLAN_STEPS "backup: [export Expense__c]\n" \
	"up: [archive the descriptions]\n" \
	"validation: record counts match the backup\n"
#define PLAN_DOWN "down: [redeploy 1.0, import the backup]\n"
#define PLAN_ONE_WAY "irreversible: descriptions are archived only\n"
#define BY_DBA "promote\n\nTicket: CHG-1\n" \
	"Approved-by: approver1@example.com\n" \
	"Approved-by: dba@example.com\n" "Migration: " PLAN_PATH "\n"

static const struct gate_case migration_cases[] = {
	{ "an added field", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(FIELD("Category__c"), TEXT255), PROMO(APPROVED)),
	  TO_PROD, AS_MAKER, "" },
	{ "a removed field and no plan", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION), PROMO(APPROVED)), TO_PROD,
	  AS_MAKER, "migration.missing" },
	{ "a plan that covers it", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_STEPS PLAN_DOWN),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER, "" },
	{ "a plan that misses a change", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, AMOUNT_NUMBER, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_STEPS PLAN_DOWN),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER, "migration.unlisted" },
	{ "a plan that covers both", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, AMOUNT_NUMBER, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_AMOUNT PLAN_STEPS PLAN_DOWN),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER, "" },
	{ "a trailer naming no file", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION), PROMO(WITH_PLAN)), TO_PROD,
	  AS_MAKER, "migration.plan-invalid" },
	{ "a plan with no way back", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_STEPS),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER,
	  "migration.plan-invalid" },
	{ "a plan that is no YAML", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, PLAN_PATH, "changes: [\n"),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER,
	  "migration.plan-invalid" },
	{ "irreversible, no data owner approved", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_STEPS PLAN_ONE_WAY),
	       PROMO(WITH_PLAN)), TO_PROD, AS_MAKER,
	  "migration.irreversible" },
	{ "irreversible, approved by a data owner", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION, PLAN_PATH,
			  PLAN_DESCRIPTION PLAN_STEPS PLAN_ONE_WAY),
	       PROMO(BY_DBA)), TO_PROD, AS_MAKER, "" },
	{ "an unreadable schema file", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(FIELD("Amount__c"), "<CustomField><type>"),
	       PROMO(APPROVED)), TO_PROD, AS_MAKER, "migration.unreadable" },
	{ "test is not gated", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(FIELD("Category__c"), TEXT255),
	       CHANGE("t1", FIELD("Description__c"), NULL)),
	  REFS, "refs/heads/test t1 c", AS_MAKER, "" },
	/* the base of a created prod ref is main's tip (push.c resolve) */
	{ "a new prod ref is compared with main", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(NO_DESCRIPTION), PROMO(APPROVED)), REFS,
	  "refs/heads/prod 0 p", AS_MAKER, "migration.missing" },
	{ "a new prod ref at main's schema", POLICY_MIGRATION,
	  OBJS(MIG_SERVER(FIELD("Category__c"), TEXT255), PROMO(APPROVED)),
	  REFS, "refs/heads/prod 0 p", AS_MAKER, "" },
};

/* Fake values with their providers' documented shapes. */
#define GH_TOKEN "ghp_" "Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi02EejK6"
/* "AWS_ACCESS_KEY_ID=AKIAQ4RZ7NWLXP2KD5GM\n" in base64 */
#define AWS_B64 "QVdTX0FDQ0VTU19LRVlfSUQ9QUtJQVE0Ulo3TldMWFAyS0Q1R00K"
#define FLOW "flows/flow.json"
#define TO_DEV(tip) REFS, "refs/heads/dev t1 " tip

static const struct gate_case secret_cases[] = {
	{ "a token in a flow", POLICY,
	  OBJS(SERVER, CHANGE("t1", FLOW, "{\"token\": \"" GH_TOKEN "\"}\n")),
	  TO_DEV("c"), AS_MAKER, "secret.github-token" },
	{ "added, then removed in the same push", POLICY,
	  OBJS(SERVER, CHANGE("t1", FLOW, "{\"token\": \"" GH_TOKEN "\"}\n"),
	       { "c2", "c", F(FLOW, NULL), "remove it\n", 1 }),
	  TO_DEV("c2"), AS_MAKER, "secret.github-token" },
	{ "base64-encoded", POLICY,
	  OBJS(SERVER, CHANGE("t1", "b64.json",
			      "{\"note\":\"" AWS_B64 "\"}\n")),
	  TO_DEV("c"), AS_MAKER, "secret.aws-access-key-id" },
	{ "a credential file by its name", POLICY,
	  OBJS(SERVER, CHANGE("t1", "config/id_rsa", "not even a key\n")),
	  TO_DEV("c"), AS_MAKER, "secret.credential-file" },
	{ "a reference to a vault is no secret", POLICY,
	  OBJS(SERVER, CHANGE("t1", FLOW, "{\"apiKey\": "
			      "\"=Environment.ApiKey\"}\n")),
	  TO_DEV("c"), AS_MAKER, "" },
	{ "what the server already has is not scanned again", POLICY,
	  OBJS(SERVER_OF(F("app/a.txt", "1\n"),
			 F(FLOW, "{\"token\": \"" GH_TOKEN "\"}\n")),
	       CHANGE("t1", "app/a.txt", "3\n")),
	  TO_DEV("c"), AS_MAKER, "" },
};

/* The personal-data gate on every ref, for CSV and data/ JSON files. */
#define PERSONAL_DATA(phones) \
	"personal_data:\n" \
	"  refs: ['refs/*']\n" \
	"  paths: ['*.csv', 'data/*.json']\n" \
	"  allowed_domains: [example.com, .test]\n" \
	"  phones: " phones "\n"
#define POLICY_PII POLICY PERSONAL_DATA("false")
#define CSV "data/people.csv"
#define PEOPLE(row) CHANGE("t1", CSV, "id,name,value\n1,Ana," row "\n")

static const struct gate_case pii_cases[] = {
	{ "a real e-mail address", POLICY_PII,
	  OBJS(SERVER, PEOPLE("jane.doe@gmail.com")), TO_DEV("c"), AS_MAKER,
	  "data.email" },
	{ "an allowed domain", POLICY_PII,
	  OBJS(SERVER, PEOPLE("jane.doe@example.com,j@x.test")),
	  TO_DEV("c"), AS_MAKER, "" },
	{ "a Luhn-valid card", POLICY_PII,
	  OBJS(SERVER, PEOPLE("4556 7375 8689 9855")), TO_DEV("c"),
	  AS_MAKER, "data.card" },
	{ "a published test card", POLICY_PII,
	  OBJS(SERVER, PEOPLE("4111 1111 1111 1111")), TO_DEV("c"),
	  AS_MAKER, "" },
	{ "an IBAN", POLICY_PII,
	  OBJS(SERVER, PEOPLE("DE89370400440532013000")), TO_DEV("c"),
	  AS_MAKER, "data.iban" },
	{ "an IBAN with wrong check digits", POLICY_PII,
	  OBJS(SERVER, PEOPLE("DE00370400440532013000")), TO_DEV("c"),
	  AS_MAKER, "" },
	{ "a national identifier", POLICY_PII,
	  OBJS(SERVER, PEOPLE("RSSMRA85T10A562S")), TO_DEV("c"), AS_MAKER,
	  "data.national-id" },
	{ "not a data file", POLICY_PII,
	  OBJS(SERVER, CHANGE("t1", "docs/CONTACTS.md",
			      "jane.doe@gmail.com\n")),
	  TO_DEV("c"), AS_MAKER, "" },
	{ "removed in a later commit of the push", POLICY_PII,
	  OBJS(SERVER, PEOPLE("jane.doe@gmail.com"),
	       { "c2", "c", F(CSV, NULL), "remove it\n", 1 }),
	  TO_DEV("c2"), AS_MAKER, "data.email" },
	{ "phones when the policy asks", POLICY PERSONAL_DATA("true"),
	  OBJS(SERVER, CHANGE("t1", "data/contacts.json",
			      "{\"Phone\":\"+4915112345678\"}\n")),
	  TO_DEV("c"), AS_MAKER, "data.phone" },
	{ "phones are off by default", POLICY_PII,
	  OBJS(SERVER, CHANGE("t1", "data/contacts.json",
			      "{\"Phone\":\"+4915112345678\"}\n")),
	  TO_DEV("c"), AS_MAKER, "" },
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
Test(gates, migration) { RUN("migration", migration_cases); }
Test(gates, secret) { RUN("secret", secret_cases); }
Test(gates, pii) { RUN("pii", pii_cases); }
