#include <criterion/criterion.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/regex.h"

Test(regex, match_and_offsets)
{
	struct sg_regex *re;
	struct sg_buf err = SG_BUF_INIT(1024);
	size_t s, e;

	cr_assert_eq(sg_regex_new(&re, "CHG[0-9]{6}", NULL, &err), 0);
	cr_assert_eq(sg_regex_match(re, "x CHG004211 y", 13, &s, &e, &err), 1);
	cr_assert_eq(s, 2);
	cr_assert_eq(e, 11);
	cr_assert_eq(sg_regex_match(re, "CHG12", 5, NULL, NULL, &err), 0);
	sg_regex_free(re);
	sg_buf_release(&err);
}

Test(regex, bad_pattern_names_offset)
{
	struct sg_regex *re;
	struct sg_buf err = SG_BUF_INIT(1024);
	size_t off = 0;

	cr_assert_eq(sg_regex_new(&re, "a(b", &off, &err), SG_ERROR);
	cr_assert_null(re);
	cr_assert_eq(off, 3);
	cr_assert(strstr(err.buf, "offset 3"), "%s", err.buf);
	sg_buf_release(&err);
}

Test(regex, catastrophic_backtracking_is_an_error)
{
	struct sg_regex *re;
	struct sg_buf err = SG_BUF_INIT(1024);
	char s[64];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 2] = '!';
	s[sizeof(s) - 1] = '\0';
	cr_assert_eq(sg_regex_new(&re, "^(a+)+$", NULL, &err), 0);
	cr_assert_eq(sg_regex_match(re, s, strlen(s), NULL, NULL, &err),
		     SG_ELIMIT);
	cr_assert(strstr(err.buf, "limit"));
	sg_regex_free(re);
	sg_buf_release(&err);
}

Test(regex, invalid_utf8_still_matches)
{
	struct sg_regex *re;

	cr_assert_eq(sg_regex_new(&re, "key", NULL, NULL), 0);
	cr_assert_eq(sg_regex_match(re, "\xff\xfe key", 7, NULL, NULL, NULL), 1);
	sg_regex_free(re);
}
