#include <criterion/criterion.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/json.h"

Test(json, parses_records)
{
	struct sg_json v;
	const char *s = "{\"seq\":3,\"id\":\"a\\u00e9\\n\",\"ok\":true,"
			"\"v\":[{\"rule\":\"x\"}],\"n\":null}";

	cr_assert_eq(sg_json_parse(&v, s, strlen(s), NULL), 0);
	cr_assert_eq(sg_json_num(&v, "seq", -1), 3);
	cr_assert_str_eq(sg_json_str(&v, "id", NULL), "a\xc3\xa9\n");
	cr_assert_eq(sg_json_get(&v, "ok")->kind, SG_JSON_BOOL);
	cr_assert_str_eq(sg_json_str(&sg_json_get(&v, "v")->kids[0], "rule", ""), "x");
	cr_assert_eq(sg_json_get(&v, "n")->kind, SG_JSON_NULL);
	cr_assert_null(sg_json_get(&v, "missing"));
	sg_json_release(&v);
}

Test(json, round_trips_our_escaping)
{
	struct sg_buf b = SG_BUF_INIT(4096);
	struct sg_json v;
	const char *raw = "quote\" back\\ nl\n tab\t ctl\x01 end";

	sg_buf_add_json(&b, raw);
	cr_assert_eq(sg_json_parse(&v, b.buf, b.len, NULL), 0);
	cr_assert_str_eq(v.string, raw);
	sg_json_release(&v);
	sg_buf_release(&b);
}

Test(json, malformed_is_an_error)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "\"\\q\"",
		"\"a\\u0000b\"",	/* a NUL would cut the string */
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"tru", "{\"a\" 1}", "\"unterminated",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct sg_json v;

		cr_assert_lt(sg_json_parse(&v, bad[i], strlen(bad[i]), NULL), 0,
			     "%zu", i);
	}
}
