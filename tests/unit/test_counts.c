/*
 * test_counts.c -- the string counter behind audit stats and the report.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../common/counts.h"

static const struct {
	const char *keys;		/* counted, space-separated */
	enum sg_counts_order order;
	const char *want;		/* "key=n ..." in order */
} cases[] = {
	{ "", SG_COUNTS_BY_COUNT, "" },
	{ "b a b c b a", SG_COUNTS_BY_COUNT, "b=3 a=2 c=1" },
	{ "b a b c b a", SG_COUNTS_BY_KEY, "a=2 b=3 c=1" },
	/* equal counts: by key */
	{ "z y x", SG_COUNTS_BY_COUNT, "x=1 y=1 z=1" },
	{ "2026-12-02 2026-01-01 2026-12-02", SG_COUNTS_BY_KEY,
	  "2026-01-01=1 2026-12-02=2" },
};

static void render(char *out, size_t n, const struct sg_counts *c)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->nr && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s=%zu",
					i ? " " : "", c->v[i].key, c->v[i].n);
}

Test(counts, table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_counts c = SG_COUNTS_INIT;
		char keys[256], got[256], *save = NULL;

		snprintf(keys, sizeof(keys), "%s", cases[i].keys);
		for (char *k = strtok_r(keys, " ", &save); k;
		     k = strtok_r(NULL, " ", &save))
			sg_counts_add(&c, k);
		sg_counts_sort(&c, cases[i].order);
		render(got, sizeof(got), &c);
		cr_expect_str_eq(got, cases[i].want, "%zu", i);
		sg_counts_release(&c);
		cr_assert_eq(c.nr, 0);
	}
}

/* Past the first table (64 slots): every key kept, each counted once. */
Test(counts, grows)
{
	struct sg_counts c = SG_COUNTS_INIT;
	size_t total = 0;

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 10000; i++) {
			char key[32];

			snprintf(key, sizeof(key), "refs/heads/b%d", i);
			sg_counts_add(&c, key);
		}
	cr_assert_eq(c.nr, 10000);
	sg_counts_sort(&c, SG_COUNTS_BY_KEY);
	cr_assert_eq(c.nr, 10000);
	for (size_t i = 0; i < c.nr; i++) {
		cr_assert_eq(c.v[i].n, 2);
		total += c.v[i].n;
		if (i)
			cr_assert_lt(strcmp(c.v[i - 1].key, c.v[i].key), 0);
	}
	cr_assert_eq(total, 20000);
	sg_counts_release(&c);
}
