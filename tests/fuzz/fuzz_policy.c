/*
 * fuzz_policy.c -- a policy file (policies/default.yaml): the YAML
 * tree (yaml.c) and the policy schema on top of it (policy.c), then the
 * lookups a push makes.
 */
#include "../../common/buf.h"
#include "../../common/policy.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_policy *pol = NULL;
	struct sg_buf err = SG_BUF_INIT(4096);

	if (sg_policy_parse(&pol, (const char *)data, size, "fuzz.yaml",
			    &err) == 0) {
		const struct sg_env *env;

		env = sg_policy_env_for(pol, "refs/heads/main");
		if (env)
			sg_env_is_protected(env);
		sg_policy_in_group(pol, "alice", "release");
		sg_policy_user_by_email(pol, "a@example.com");
	}
	sg_policy_free(pol);
	sg_buf_release(&err);
	return 0;
}
