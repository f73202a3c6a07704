/*
 * secret_policy.c -- the secret gate's settings: the policy's 'secrets'
 * section (a row of policy.c's sections[]), kept out of secret.c, which
 * is the scanner. Values land in struct sg_policy's secrets_* fields
 * (policy.h); sg_policy_free() frees them.
 */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "policy.h"
#include "regex.h"
#include "secret.h"
#include "section.h"
#include "banned.h"

static int load_allow(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"fingerprint", "path", "value", "reason", NULL
	};
	struct sg_policy *pol = c->pol;

	if (sg_section_want(c, n, SG_Y_SEQ, "allow") < 0)
		return SG_ERROR;
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *item = n->kids[i], *v;
		struct sg_secret_allow *a;
		int kinds = 0;

		if (sg_section_keys(c, item, keys, "allow") < 0)
			return SG_ERROR;
		SG_ALLOC_GROW(pol->secrets_allow, pol->secrets_allow_nr + 1,
			      pol->secrets_allow_alloc);
		a = &pol->secrets_allow[pol->secrets_allow_nr++];
		memset(a, 0, sizeof(*a));
		if ((v = sg_yaml_get(item, "fingerprint"))) {
			size_t len;

			if (sg_section_string(c, v, "fingerprint",
					      &a->fingerprint) < 0)
				return SG_ERROR;
			len = strlen(a->fingerprint);
			if (len < 16 || len > 64 ||
			    strspn(a->fingerprint, "0123456789abcdef") != len)
				return sg_section_fail(c, v, "a fingerprint is "
						       "16 to 64 lowercase hex "
						       "digits");
			kinds++;
		}
		if ((v = sg_yaml_get(item, "path"))) {
			if (sg_section_string(c, v, "path", &a->path) < 0)
				return SG_ERROR;
			kinds++;
		}
		if ((v = sg_yaml_get(item, "value"))) {
			struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

			if (sg_section_want(c, v, SG_Y_SCALAR, "value") < 0)
				return SG_ERROR;
			if (sg_regex_new(&a->value, v->value, NULL, &why) < 0) {
				sg_section_fail(c, v, "%s", why.buf);
				sg_buf_release(&why);
				return SG_ERROR;
			}
			kinds++;
		}
		if (kinds != 1)
			return sg_section_fail(c, item, "each allow entry "
					       "names exactly one of "
					       "fingerprint, path or value");
		v = sg_yaml_get(item, "reason");
		if (!v)
			return sg_section_fail(c, item, "each allow entry "
					       "needs a 'reason' (it is "
					       "recorded in the audit log)");
		if (sg_section_string(c, v, "reason", &a->reason) < 0)
			return SG_ERROR;
	}
	return 0;
}

/*
 * warn_only: {confidence: [generic], refs: [refs/heads/dev]}: such
 * findings only warn on pushes to those refs (the gate still refuses
 * them where they are promoted to any other ref).
 */
static int load_warn_only(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = { "confidence", "refs", NULL };
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *conf, *refs;

	if (sg_section_want(c, n, SG_Y_MAP, "warn_only") < 0 ||
	    sg_section_keys(c, n, keys, "warn_only") < 0)
		return SG_ERROR;
	conf = sg_yaml_get(n, "confidence");
	refs = sg_yaml_get(n, "refs");
	if (!conf || !refs)
		return sg_section_fail(c, n, "warn_only needs 'confidence' "
				       "(generic, shaped, verified) and "
				       "'refs' (where such findings only "
				       "warn)");
	if (sg_section_want(c, conf, SG_Y_SEQ, "confidence") < 0)
		return SG_ERROR;
	if (!conf->nr)
		return sg_section_fail(c, conf, "'confidence' lists at least "
				       "one of generic, shaped, verified");
	for (size_t i = 0; i < conf->nr; i++) {
		const struct sg_ynode *v = conf->kids[i];
		unsigned bit;

		if (sg_section_want(c, v, SG_Y_SCALAR, "confidence") < 0)
			return SG_ERROR;
		bit = sg_confidence_bit(v->value);
		if (!bit)
			return sg_section_fail(c, v, "unknown confidence '%s' "
					       "(generic, shaped or verified)",
					       v->value);
		pol->secrets_warn_confidence |= bit;
	}
	return sg_section_ref_patterns(c, refs, "refs",
				       &pol->secrets_warn_refs);
}

int sg_secret_parse_section(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"rules", "refs", "deadline_ms", "max_blob_mb", "allow",
		"inline_allow", "warn_only", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;
	long num;

	pol->secrets_rules = sg_strdup("secrets.yaml");
	sg_strlist_add(&pol->secrets_refs, "refs/*");
	pol->secrets_deadline_ms = 0;	/* automatic: sg_gate_secrets */
	pol->secrets_max_blob = 100u * 1024 * 1024;
	if (!n)
		return 0;
	if (sg_section_keys(c, n, keys, "secrets") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "rules");
	if (v && sg_section_string(c, v, "rules", &pol->secrets_rules) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (v) {
		sg_strlist_release(&pol->secrets_refs);
		if (sg_section_ref_patterns(c, v, "refs",
					    &pol->secrets_refs) < 0)
			return SG_ERROR;
	}
	v = sg_yaml_get(n, "deadline_ms");
	if (v) {
		if (sg_section_int(c, v, "deadline_ms", 100, 600000, &num) < 0)
			return SG_ERROR;
		pol->secrets_deadline_ms = (int)num;
	}
	v = sg_yaml_get(n, "max_blob_mb");
	if (v) {
		if (sg_section_int(c, v, "max_blob_mb", 1, 4096, &num) < 0)
			return SG_ERROR;
		pol->secrets_max_blob = (size_t)num * 1024 * 1024;
	}
	v = sg_yaml_get(n, "inline_allow");
	if (v && sg_section_bool(c, v, "inline_allow",
				 &pol->secrets_inline_allow) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "allow");
	if (v && load_allow(c, v) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "warn_only");
	if (v && load_warn_only(c, v) < 0)
		return SG_ERROR;
	return 0;
}
