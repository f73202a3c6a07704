#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"

Test(buf, starts_empty_and_terminated)
{
	struct sg_buf b = SG_BUF_INIT(16);

	cr_assert_str_eq(b.buf, "");
	cr_assert_eq(sg_buf_adds(&b, "abc"), 0);
	cr_assert_str_eq(b.buf, "abc");
	cr_assert_eq(b.len, 3);
	sg_buf_release(&b);
	cr_assert_str_eq(b.buf, "");
}

Test(buf, cap_refuses_and_keeps_content)
{
	struct sg_buf b = SG_BUF_INIT(5);

	cr_assert_eq(sg_buf_adds(&b, "12345"), 0);
	cr_assert_eq(sg_buf_addch(&b, 'x'), SG_ELIMIT);
	cr_assert_eq(sg_buf_addf(&b, "%d", 7), SG_ELIMIT);
	cr_assert_str_eq(b.buf, "12345");
	sg_buf_release(&b);
}

Test(buf, printf_and_detach)
{
	struct sg_buf b = SG_BUF_INIT(1024);
	char *s;

	for (int i = 0; i < 100; i++)
		cr_assert_eq(sg_buf_addf(&b, "%d,", i % 10), 0);
	cr_assert_eq(b.len, 200);
	s = sg_buf_detach(&b);
	cr_assert_eq(strlen(s), 200);
	cr_assert_str_eq(b.buf, "");
	free(s);
}

Test(buf, json_escapes_controls_and_quotes)
{
	struct sg_buf b = SG_BUF_INIT(1024);

	sg_buf_add_json(&b, "a\"b\\c\n\x01");
	cr_assert_str_eq(b.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	sg_buf_release(&b);
}

Test(buf, read_file_missing_and_too_big)
{
	struct sg_buf b = SG_BUF_INIT(4), err = SG_BUF_INIT(1024);
	FILE *f = fopen("buf_test.tmp", "w");

	cr_assert_eq(sg_buf_read_file(&b, "/nonexistent/x", &err), SG_ENOTFOUND);
	cr_assert(strstr(err.buf, "/nonexistent/x"));
	fputs("too long", f);
	fclose(f);
	cr_assert_eq(sg_buf_read_file(&b, "buf_test.tmp", &err), SG_ELIMIT);
	remove("buf_test.tmp");
	sg_buf_release(&b);
	sg_buf_release(&err);
}

Test(buf, truncate_and_reset_leave_the_empty_buffer_alone)
{
	struct sg_buf b = SG_BUF_INIT(64), unused = SG_BUF_INIT(64);

	sg_buf_reset(&unused);
	sg_buf_truncate(&unused, 0);
	cr_assert_eq(unused.buf, sg_buf_empty);
	cr_assert_eq(unused.alloc, 0);
	cr_assert_eq(sg_buf_adds(&b, "hello"), 0);
	sg_buf_truncate(&b, 2);
	cr_assert_str_eq(b.buf, "he");
	cr_assert_eq(b.len, 2);
	sg_buf_reset(&b);
	cr_assert_str_eq(b.buf, "");
	cr_assert_neq(b.buf, sg_buf_empty);
	sg_buf_release(&b);
}
