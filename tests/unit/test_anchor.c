#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "../../common/anchor.h"
#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/regex.h"
#include "../../common/rules.h"

static const struct { const char *pattern; int anchored; } shapes[] = {
	{ "(?i)(?:pass(?:word)?|pwd|credentials?)\\s*=\\s*(\\S+)", 1 },
	{ "(?i)(?:(?<=[a-z_])key|(?<=[_.-])(?:sk|pat))=(\\w+)", 1 },
	{ "(?im)^[ \\t]*(?:export[ \\t]+)?[\"']?[\\w.-]{0,64}?(?:token|key)"
	  "[ \\t]*=(.+)$", 1 },
	{ "(?i)(?<=[a-z][ _])(?<!public[ _])(?:(?:api|app)[ _-]?)?"
	  "(?:key|token)[ =]+(\\w+)", 1 },	/* lookbehinds, optional words */
	{ "(?:(?:api|app)_)?x", 0 },		/* no required words after */
	{ "(?:(?:api|app)_)*(?:key)", 0 },	/* optional other than '?' */
	{ "(?<=a)(?m)^(?:key)", 0 },		/* lookbehind, then ^ */
	{ "(?:pass|pwd)?=x", 0 },		/* the words may be skipped */
	{ "(?:pass|pwd)x|y", 0 },		/* another top-level branch */
	{ "(?x)(?:pass)", 0 },			/* extended: spaces mean less */
	{ "\\b(?:key)=", 0 },			/* a prefix outside ^ */
	{ "^(?:key)=", 0 },			/* ^ without (?m) */
	{ "(?m)^[^a](?:key)=", 0 },		/* negated class */
	{ "(?:a\\Qb|c\\E)", 0 },		/* quoting not read */
	{ "(?:|key)=", 0 },			/* an empty branch */
	{ "AKIA[0-9A-Z]{16}", 0 },
};

Test(anchor, shapes)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
		struct sg_anchor *a = NULL;

		cr_assert_eq(sg_anchor_new(&a, shapes[i].pattern), 0);
		cr_assert_eq(a != NULL, shapes[i].anchored, "%zu: %s", i,
			     shapes[i].pattern);
		sg_anchor_free(a);
	}
}

/* The matches (start, end) of `re` over the text, pcre2's own scan. */
static size_t plain(const struct sg_regex *re, const char *t, size_t len,
		    size_t out[][2], size_t max)
{
	size_t ov[2 * 8], from = 0, n = 0;

	while (n < max && from <= len &&
	       sg_regex_exec(re, t, len, from, ov, 16, NULL) == 1) {
		out[n][0] = ov[0];
		out[n++][1] = ov[1];
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return n;
}

/* The same, trying the anchored pattern only where anchor.c says. */
static size_t anchored(const struct sg_anchor *a, const char *t, size_t len,
		       size_t out[][2], size_t max)
{
	size_t ov[2 * 8], from = 0, n = 0;

	while (n < max && from <= len) {
		size_t at = sg_anchor_next(a, t, len, from);

		if (at >= len)
			break;
		if (sg_regex_exec(sg_anchor_regex(a), t, len, at, ov, 16,
				  NULL) != 1) {
			from = at + 1;
			continue;
		}
		out[n][0] = ov[0];
		out[n++][1] = ov[1];
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return n;
}

/* Pieces that make key = value lines, folded case and line ends. */
static const char *const pieces[] = {
	"password", "PassWord", "pwd", "secret", "credentials", "token",
	"csrftoken", "key", "Key", "publickey", "api_key", "_sk", "-pat",
	".pw", "\xE2\x84\xAA" "ey", "\xC5\xBF" "ecret", "export ", "set ",
	"- ", "\"", "'", "`", " = ", "=", ": ", ":", " ", "\t", "\n", "\r\n",
	"\r", "Zx9qT4vLm2Rp8sWk", "hunter2hunter2", "%Name.ID%", "abc",
	"{", "}", ",", "#", ";", "x", "value", "name=\"", "\\\"", "\\u0026",
	"password = \"", "\"client_secret\": \"", "API_TOKEN=", "db.pwd: ",
	"\"Zx9qT4vLm2Rp8sWk\"", "'hunter2hunter2'", "\n  auth_key: ",
	"dbPat", "apiSk", "smtpPw", "PAT", "Sk", "::= ", ".= ", "?=",
	"bucket_key", "authenticity_token", "env ", "arg ",
	"service token ", "Bot-Token ", "my_secret ", "public key ",
	"client secret ", "AppPassword ", "auth_pat ", "api key: ",
	"x_accesskey ", "Zx9qT4vLm2Rp8sWk3e", " ",
};

static void make_text(struct sg_buf *t, uint32_t *seed)
{
	size_t n;

	sg_buf_reset(t);
	*seed = *seed * 1103515245u + 12345u;
	n = 1 + (*seed >> 16) % 40;
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		sg_buf_adds(t, pieces[(*seed >> 16) %
				      (sizeof(pieces) / sizeof(*pieces))]);
	}
}

/*
 * Every shipped rule that anchor.c reads finds exactly the matches
 * pcre2's own scan finds, on texts made of key = value pieces.
 */
Test(anchor, same_matches_as_pcre2)
{
	struct sg_rules *r = NULL;
	struct sg_buf err = SG_BUF_INIT(1024), t = SG_BUF_INIT(1 << 20);
	size_t want[64][2], got[64][2], rules_read = 0, matched = 0;
	uint32_t seed = 42;

	cr_assert_eq(sg_rules_load(&r, "../../policies/secrets.yaml", &err),
		     0, "%s", err.buf);
	for (size_t i = 0; i < r->nr; i++) {
		struct sg_anchor *a = NULL;

		cr_assert_eq(sg_anchor_new(&a, sg_regex_source(r->v[i].re)),
			     0);
		if (!a)
			continue;
		rules_read++;
		for (int k = 0; k < 3000; k++) {
			size_t nw, ng;

			make_text(&t, &seed);
			nw = plain(r->v[i].re, t.buf, t.len, want, 64);
			ng = anchored(a, t.buf, t.len, got, 64);
			matched += nw;
			cr_assert_eq(ng, nw, "%s on '%s'", r->v[i].id, t.buf);
			cr_assert_arr_eq(got, want, nw * sizeof(*want),
					 "%s on '%s'", r->v[i].id, t.buf);
		}
		sg_anchor_free(a);
	}
	/* the generic rules are read, and the texts do match them */
	cr_assert_geq(rules_read, 2);
	cr_assert_gt(matched, 100, "%zu matches", matched);
	sg_rules_free(r);
	sg_buf_release(&t);
	sg_buf_release(&err);
}
