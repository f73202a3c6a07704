#include <criterion/criterion.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/yaml.h"

static int parse(struct sg_ynode **n, const char *text, struct sg_buf *err)
{
	return sg_yaml_parse(n, text, strlen(text), "p.yaml", err);
}

Test(yaml, tree_with_positions)
{
	struct sg_ynode *n;
	struct sg_buf err = SG_BUF_INIT(1024);

	cr_assert_eq(parse(&n, "a: 1\nb:\n  - x\n  - 'y'\n", &err), 0, "%s", err.buf);
	cr_assert_eq(n->kind, SG_Y_MAP);
	cr_assert_eq(n->nr, 4);
	cr_assert_str_eq(n->kids[2]->value, "b");
	cr_assert_eq(n->kids[3]->kind, SG_Y_SEQ);
	cr_assert_eq(n->kids[3]->kids[1]->line, 4);
	cr_assert_eq(n->kids[3]->kids[1]->col, 5);
	cr_assert_not(n->kids[3]->kids[1]->plain);
	sg_yaml_free(n);
	sg_buf_release(&err);
}

Test(yaml, errors_name_file_line_col)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "a: [1, 2\n", "p.yaml:2:1:" },
		{ "a: &x 1\nb: *x\n", "anchors are not allowed" },
		{ "a: 1\n---\nb: 2\n", "only one yaml document" },
		{ "", "empty" },
		{ "a:\n\tb: 1\n", "p.yaml:2:1:" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_ynode *n;
		struct sg_buf err = SG_BUF_INIT(1024);

		cr_assert_lt(parse(&n, cases[i].text, &err), 0, "%zu", i);
		cr_assert_null(n);
		cr_assert(strstr(err.buf, cases[i].want), "%zu: %s", i, err.buf);
		sg_buf_release(&err);
	}
}

Test(yaml, deep_nesting_is_refused)
{
	struct sg_buf text = SG_BUF_INIT(1 << 20), err = SG_BUF_INIT(1024);
	struct sg_ynode *n;

	for (int i = 0; i < 10000; i++)
		sg_buf_adds(&text, "[");
	cr_assert_eq(sg_yaml_parse(&n, text.buf, text.len, "deep.yaml", &err),
		     SG_ELIMIT);
	cr_assert(strstr(err.buf, "nested deeper"), "%s", err.buf);
	sg_buf_release(&text);
	sg_buf_release(&err);
}
