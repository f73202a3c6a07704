/*
 * test_checksum.c -- offline token checksums, and the rule judgement
 * that uses them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/checksum.h"
#include "../../common/error.h"
#include "../../common/rules.h"

Test(checksum, crc32_check_value)
{
	/* the CRC-32 check value of every catalogue of CRCs */
	cr_assert_eq(sg_crc32("123456789", 9), 0xcbf43926u);
	cr_assert_eq(sg_crc32("", 0), 0u);
}

/* ghp_ + 30 characters + their CRC-32 in base62, written by hand once */
static void make_token(char out[41], const char *prefix, const char *body)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz";
	uint32_t c = sg_crc32(body, 30);

	memcpy(out, prefix, 4);
	memcpy(out + 4, body, 30);
	for (int i = 5; i >= 0; i--, c /= 62)
		out[34 + i] = b62[c % 62];
	out[40] = '\0';
}

Test(checksum, github_tokens)
{
	static const char body[] = "Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi0";
	static const char *const prefixes[] = {
		"ghp_", "gho_", "ghu_", "ghs_", "ghr_"
	};
	char tok[41];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		make_token(tok, prefixes[i], body);
		cr_assert_eq(sg_checksum_github(tok, 40), 1, "%s", tok);
		tok[10] = tok[10] == 'a' ? 'b' : 'a';	/* a typo */
		cr_assert_eq(sg_checksum_github(tok, 40), 0, "%s", tok);
	}
	make_token(tok, "ghp_", body);
	tok[39] = tok[39] == '0' ? '1' : '0';		/* checksum changed */
	cr_assert_eq(sg_checksum_github(tok, 40), 0);
	/* placeholders fail, other shapes have no checksum */
	cr_assert_eq(sg_checksum_github("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 40), 0);
	cr_assert_eq(sg_checksum_github("ghx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 40), SG_ENOTFOUND);
	cr_assert_eq(sg_checksum_github("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 39), SG_ENOTFOUND);
	cr_assert_eq(sg_checksum_github("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-x", 40), SG_ENOTFOUND);
}

/* npm took GitHub's format: npm_ + 30 characters + their CRC-32 */
Test(checksum, npm_tokens)
{
	char tok[41];

	make_token(tok, "npm_", "Kd4Lp9Qr2Tv7Wx1Yz5Ab8Cf3Gh6Jm0");
	cr_assert_eq(sg_checksum_npm(tok, 40), 1, "%s", tok);
	cr_assert_eq(sg_checksum_token(tok, 40), 1, "%s", tok);
	cr_assert_eq(sg_checksum_github(tok, 40), SG_ENOTFOUND);
	tok[12] = tok[12] == 'a' ? 'b' : 'a';
	cr_assert_eq(sg_checksum_npm(tok, 40), 0, "%s", tok);
	cr_assert_eq(sg_checksum_token(tok, 40), 0, "%s", tok);
	cr_assert_eq(sg_checksum_npm("npm_000000000000000000000000000000000000", 40), 0);
	cr_assert_eq(sg_checksum_npm("npm_00000000000000000000000000000000000", 39), SG_ENOTFOUND);
	cr_assert_eq(sg_checksum_npm("npx_000000000000000000000000000000000000", 40), SG_ENOTFOUND);
}

/* glsa_ + 32 + _ + the CRC-32 of "glsa_" and the 32, bytes least first */
static void make_grafana(char out[47], const char *secret)
{
	uint32_t c;

	snprintf(out, 47, "glsa_%s_", secret);
	c = sg_crc32(out, 37);
	snprintf(out + 38, 9, "%02x%02x%02x%02x", c & 0xffu, c >> 8 & 0xffu,
		 c >> 16 & 0xffu, c >> 24);
}

Test(checksum, grafana_service_account_tokens)
{
	char tok[47];

	make_grafana(tok, "Hq3Zt8Kw1Ny6Pb4Vd9Fs2Jm7Lc5Rx0Ge");
	cr_assert_eq(sg_checksum_grafana(tok, 46), 1, "%s", tok);
	cr_assert_eq(sg_checksum_token(tok, 46), 1, "%s", tok);
	tok[44] = tok[44] == '0' ? '1' : '0';		/* checksum changed */
	cr_assert_eq(sg_checksum_grafana(tok, 46), 0, "%s", tok);
	make_grafana(tok, "Hq3Zt8Kw1Ny6Pb4Vd9Fs2Jm7Lc5Rx0Ge");
	tok[9] = tok[9] == 'a' ? 'b' : 'a';		/* a typo */
	cr_assert_eq(sg_checksum_grafana(tok, 46), 0, "%s", tok);
	cr_assert_eq(sg_checksum_grafana(tok, 45), SG_ENOTFOUND);
	tok[40] = 'g';					/* not hex */
	cr_assert_eq(sg_checksum_grafana(tok, 46), SG_ENOTFOUND);
	cr_assert_eq(sg_checksum_token("glc_abc", 7), SG_ENOTFOUND);
}

struct verdicts { enum sg_verdict v; char why[128]; size_t n; };

static int judge(const struct sg_secret_rule *rule, const char *text,
		 size_t len, size_t start, size_t end, void *payload,
		 struct sg_buf *err)
{
	struct verdicts *j = payload;
	struct sg_buf why = SG_BUF_INIT(256);

	(void)err;
	j->v = sg_rules_judge(rule, text, len, start, end, 0, &why);
	snprintf(j->why, sizeof(j->why), "%s", why.buf);
	j->n++;
	sg_buf_release(&why);
	return 0;
}

/* a token whose checksum holds is verified; one whose checksum fails
   (hand-written test keys, typos) is still a secret, not verified */
Test(checksum, shipped_github_rule_judges_by_checksum)
{
	struct sg_rules *r;
	struct sg_buf err = SG_BUF_INIT(4096);
	char text[64], tok[41];
	struct verdicts j = { SG_VERDICT_SECRET, "", 0 };

	cr_assert_eq(sg_rules_load(&r, "../../policies/secrets.yaml", &err), 0,
		     "%s", err.buf);
	make_token(tok, "ghp_", "Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi0");
	snprintf(text, sizeof(text), "t=%s\n", tok);
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_SECRET);
	cr_assert_str_eq(j.why, "verified format: its checksum holds");
	text[20] = text[20] == 'a' ? 'b' : 'a';
	j.n = 0;
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_DOUBT);
	cr_assert(strstr(j.why, "checksum fails"), "%s", j.why);
	/* npm's and Grafana's rules judge the same way */
	make_token(tok, "npm_", "Kd4Lp9Qr2Tv7Wx1Yz5Ab8Cf3Gh6Jm0");
	snprintf(text, sizeof(text), "t=%s\n", tok);
	j.n = 0;
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_SECRET);
	cr_assert_str_eq(j.why, "verified format: its checksum holds");
	text[20] = text[20] == 'a' ? 'b' : 'a';
	j.n = 0;
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_DOUBT);
	sg_rules_free(r);
	sg_buf_release(&err);
}

Test(checksum, shipped_grafana_rule_judges_by_checksum)
{
	struct sg_rules *r;
	struct sg_buf err = SG_BUF_INIT(4096);
	char text[64], tok[47];
	struct verdicts j = { SG_VERDICT_SECRET, "", 0 };

	cr_assert_eq(sg_rules_load(&r, "../../policies/secrets.yaml", &err), 0,
		     "%s", err.buf);
	make_grafana(tok, "Hq3Zt8Kw1Ny6Pb4Vd9Fs2Jm7Lc5Rx0Ge");
	snprintf(text, sizeof(text), "t=%s\n", tok);
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_SECRET);
	cr_assert_str_eq(j.why, "verified format: its checksum holds");
	text[12] = text[12] == 'a' ? 'b' : 'a';
	j.n = 0;
	cr_assert_eq(sg_rules_scan(r, text, strlen(text), NULL, judge, &j,
				   &err), 0);
	cr_assert_eq(j.n, 1);
	cr_assert_eq(j.v, SG_VERDICT_DOUBT);
	cr_assert(strstr(j.why, "checksum fails"), "%s", j.why);
	sg_rules_free(r);
	sg_buf_release(&err);
}
