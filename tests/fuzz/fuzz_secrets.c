/*
 * fuzz_secrets.c -- the secret rules file (policies/secrets.yaml): the
 * loader, its pcre2 compiles and the prefilter built from the keywords;
 * what loads is then run on a small fixed text.
 */
#include <string.h>

#include "../../common/buf.h"
#include "../../common/rules.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

static int on_hit(const struct sg_secret_rule *rule, const char *text,
		  size_t len, size_t start, size_t end, void *payload,
		  struct sg_buf *err)
{
	(void)rule; (void)payload; (void)err;
	if (start > end || end > len || !text)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "password = \"Zq7Xw3Vb9Nm2Lk5Jh8Gf4\"\n"
		"AKIAQ4RZ7NWLXP2KD5GM key token secret\n";
	struct sg_rules *rules = NULL;
	struct sg_buf err = SG_BUF_INIT(4096);

	if (sg_rules_parse(&rules, (const char *)data, size, "fuzz.yaml",
			   &err) == 0) {
		sg_rules_scan(rules, text, strlen(text), NULL, on_hit, NULL,
			      &err);
		sg_rules_credential_file(rules, "a/b/id_rsa");
	}
	sg_rules_free(rules);
	sg_buf_release(&err);
	return 0;
}
