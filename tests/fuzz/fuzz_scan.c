/*
 * fuzz_scan.c -- the rule scanner (rules.c) with the shipped rules
 * (policies/secrets.yaml) over arbitrary bytes: the prefilter, every
 * pcre2 pattern under its limits, entropy, redaction, fingerprints.
 * SG_FUZZ_SECRETS overrides where the rules are read from.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../common/buf.h"
#include "../../common/rules.h"
#include "fuzz.h"

#ifndef SG_FUZZ_SECRETS_PATH
#define SG_FUZZ_SECRETS_PATH "policies/secrets.yaml"
#endif

static struct sg_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("SG_FUZZ_SECRETS");
	struct sg_buf err = SG_BUF_INIT(4096);

	(void)argc;
	(void)argv;
	if (sg_rules_load(&rules, path ? path : SG_FUZZ_SECRETS_PATH,
			  &err) < 0) {
		fprintf(stderr, "fuzz_scan: %s\n", err.buf);
		abort();
	}
	sg_buf_release(&err);
	return 0;
}

static int on_hit(const struct sg_secret_rule *rule, const char *text,
		  size_t len, size_t start, size_t end, void *payload,
		  struct sg_buf *err)
{
	struct sg_buf red = SG_BUF_INIT(4096);
	char fp[65];

	(void)payload;
	(void)err;
	if (start > end || end > len)
		abort();
	sg_redact(&red, text + start, end - start);
	sg_fingerprint(fp, rule->id, text + start, end - start);
	sg_buf_release(&red);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_buf err = SG_BUF_INIT(4096);
	char *path = sg_fuzz_strndup(data, size < 256 ? size : 256);

	sg_rules_scan(rules, (const char *)data, size, NULL, on_hit, NULL,
		      &err);
	sg_rules_credential_file(rules, path);
	sg_entropy((const char *)data, size);
	free(path);
	sg_buf_release(&err);
	return 0;
}
