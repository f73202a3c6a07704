#include <criterion/criterion.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/policy.h"

#define HEAD "version: 1\nusers:\n  bob:\n    emails: [bob@x.org]\n" \
	     "    groups: [approvers]\n"

static int parse(struct sg_policy **p, const char *text, struct sg_buf *err)
{
	return sg_policy_parse(p, text, strlen(text), "p.yaml", err);
}

Test(policy, shipped_default_is_the_contract)
{
	struct sg_policy *p;
	struct sg_buf err = SG_BUF_INIT(4096);
	const struct sg_env *e;

	cr_assert_eq(sg_policy_load(&p, "../../policies/default.yaml", &err), 0,
		     "%s", err.buf);
	e = sg_policy_env_for(p, "refs/heads/feature/a/b");
	cr_assert(e && !strcmp(e->name, "dev"));
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/dev")->name, "dev");
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/test")->name, "test");
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/main")->name, "prod");
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/prod")->name, "prod");
	cr_assert_null(sg_policy_env_for(p, "refs/heads/other"));
	cr_assert(sg_policy_in_group(p, "maker", "makers"));
	cr_assert(sg_policy_in_group(p, "ci", "test-pipeline"));
	cr_assert(sg_policy_in_group(p, "admin", "release-managers"));
	cr_assert(sg_policy_in_group(p, "stranger", "anyone"));
	cr_assert_not(sg_policy_in_group(p, "stranger", "makers"));
	cr_assert_str_eq(sg_policy_user_by_email(p, "Approver2@Example.COM")->login,
			 "approver2");
	e = sg_policy_env_for(p, "refs/heads/main");
	cr_assert_eq(e->approvals_min, 2);
	cr_assert(e->require_tested);
	cr_assert(sg_env_is_protected(e));
	cr_assert_not(sg_env_is_protected(sg_policy_env_for(p, "refs/heads/dev")));
	cr_assert_str_eq(p->tag_pattern, "refs/tags/tested/*");
	cr_assert_eq(strlen(p->digest), 64);
	sg_policy_free(p);
	sg_buf_release(&err);
}

Test(policy, errors_name_file_line_column)
{
	static const struct { const char *text, *want; } cases[] = {
		{ HEAD "environments:\n  dev:\n    refs: [refs/heads/dev]\n"
		  "    push: [anyone]\n    trailerz: 1\n",
		  "p.yaml:10:5: unknown key 'trailerz'" },
		{ HEAD "environments:\n  dev:\n    refs: refs/heads/dev\n"
		  "    push: [anyone]\n",
		  "p.yaml:8:11: 'refs' must be a list, not a string" },
		{ HEAD "environments:\n  dev:\n    refs: [refs/heads/dev]\n"
		  "    push: [anyone]\n    allow_delete: maybe\n",
		  "p.yaml:10:19: 'allow_delete' must be true or false" },
		{ HEAD "environments:\n  dev:\n    refs: [refs/heads/dev]\n"
		  "    push: [ghosts]\n", "p.yaml:9:12: unknown group 'ghosts'" },
		{ HEAD "environments:\n  p:\n    refs: [refs/heads/p]\n"
		  "    push: [anyone]\n    required_trailers:\n"
		  "      - key: Ticket\n        pattern: 'CHG[0-9'\n",
		  "p.yaml:12:18: bad pattern" },
		{ HEAD "environments:\n  p:\n    refs: [heads/p]\n"
		  "    push: [anyone]\n", "must start with 'refs/'" },
		{ HEAD "environments:\n  p:\n    refs: [refs/heads/p]\n"
		  "    push: [anyone]\n    approvals: {min: two, group: approvers}\n",
		  "'min' must be a whole number" },
		{ "version: 2\nenvironments: {}\n", "p.yaml:1:10:" },
		{ "environments: {}\n", "needs 'version: 1'" },
		{ HEAD "bogus: 1\nenvironments: {}\n", "p.yaml:6:1: unknown key 'bogus'" },
		{ HEAD "environments:\n  d:\n    refs: [refs/heads/d]\n", "needs 'push'" },
		{ "version: 1\nusers:\n  a: {emails: [x@y]}\n  b: {emails: [X@y]}\n"
		  "environments: {}\n", "already used by user 'a'" },
		{ HEAD "identity: {order: [SOMETHING]}\nenvironments: {}\n",
		  "unknown identity source 'SOMETHING'" },
		{ "- a\n- b\n", "a policy must be a mapping" },
		{ HEAD "environments:\n  d:\n    refs: [refs/heads/d]\n"
		  "    push: [anyone]\n  d:\n    refs: [refs/heads/e]\n",
		  "duplicate key 'd'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_policy *p;
		struct sg_buf err = SG_BUF_INIT(4096);

		cr_assert_lt(parse(&p, cases[i].text, &err), 0, "%zu", i);
		cr_assert_null(p);
		cr_assert(strstr(err.buf, cases[i].want), "case %zu: got '%s'",
			  i, err.buf);
		sg_buf_release(&err);
	}
}

Test(policy, first_matching_environment_wins)
{
	struct sg_policy *p;
	struct sg_buf err = SG_BUF_INIT(4096);

	cr_assert_eq(parse(&p, HEAD "environments:\n"
			   "  a:\n    refs: [refs/heads/rel/*]\n    push: [anyone]\n"
			   "  b:\n    refs: [refs/heads/*]\n    push: [approvers]\n",
			   &err), 0, "%s", err.buf);
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/rel/1/2")->name, "a");
	cr_assert_str_eq(sg_policy_env_for(p, "refs/heads/x")->name, "b");
	cr_assert(sg_policy_in_groups(p, "bob", &sg_policy_env_for(p, "refs/heads/x")->push));
	sg_policy_free(p);
	sg_buf_release(&err);
}

Test(policy, missing_file_and_nul_bytes)
{
	struct sg_policy *p;
	struct sg_buf err = SG_BUF_INIT(4096);

	cr_assert_eq(sg_policy_load(&p, "/nonexistent.yaml", &err), SG_ENOTFOUND);
	cr_assert_lt(sg_policy_parse(&p, "version: 1\0x", 12, "n.yaml", &err), 0);
	cr_assert(strstr(err.buf, "NUL"));
	sg_buf_release(&err);
}
