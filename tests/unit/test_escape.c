/*
 * test_escape.c -- the output-escaping helper: terminal text, JSON
 * strings, RFC 5424 parameter values, and the escaping stream.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/escape.h"

static const struct { const char *in, *want; } text_cases[] = {
	{ "refs/heads/main", "refs/heads/main" },
	{ "a\x1b[2Jb", "a\\e[2Jb" },
	{ "cr\rlf\ntab\tbel\a", "cr\\rlf\\ntab\\tbel\\x07" },
	{ "del\x7f", "del\\u007f" },
	{ "c1 \xc2\x9b" "31m", "c1 \\u009b31m" },		/* U+009B CSI */
	{ "lone \x9b", "lone \\x9b" },				/* not UTF-8 */
	{ "bidi \xe2\x80\xae" "cba", "bidi \\u202ecba" },	/* U+202E */
	{ "ls \xe2\x80\xa8", "ls \\u2028" },
	{ "ad\xe2\x80\x8bmin", "ad\\u200bmin" },		/* zero-width space */
	{ "ad\xf3\xa0\x81\xa1min", "ad\\U000e0061min" },	/* tag 'a' */
	{ "\xef\xbb\xbf" "x\xe2\x81\xa0y\xc2\xad", "\\ufeffx\\u2060y\\u00ad" },
	{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80" },
	{ "overlong \xc0\xaf", "overlong \\xc0\\xaf" },
	{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80" },
	{ "cut \xe6\x97", "cut \\xe6\\x97" },
	{ "too big \xf4\x90\x80\x80", "too big \\xf4\\x90\\x80\\x80" },
};

Test(escape, terminal_text)
{
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(*text_cases); i++) {
		struct sg_buf b = SG_BUF_INIT(4096);

		cr_assert_eq(sg_escape_str(&b, text_cases[i].in, 0), 0);
		cr_assert_str_eq(b.buf, text_cases[i].want, "%zu", i);
		sg_buf_release(&b);
	}
}

Test(escape, keep_newline_and_every_byte)
{
	struct sg_buf b = SG_BUF_INIT(1 << 20);
	char all[256];

	cr_assert_eq(sg_escape_str(&b, "a\nb\r\n", SG_ESCAPE_KEEP_NEWLINE), 0);
	cr_assert_str_eq(b.buf, "a\nb\\r\n");
	sg_buf_reset(&b);
	/* every byte value, in every position: nothing unsafe comes out */
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	all[255] = '\0';
	for (int start = 0; start < 255; start++)
		cr_assert_eq(sg_escape_str(&b, all + start, 0), 0);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.buf[i];

		cr_assert(c >= 0x20 && c != 0x7f, "byte %02x at %zu", c, i);
		/* all input above 0x7f is invalid here or C1: escaped */
		cr_assert(c < 0x80, "byte %02x at %zu", c, i);
	}
	sg_buf_release(&b);
}

Test(escape, stream_pieces)
{
	const char *text = "x \xc2\x9b y \xe6\x97\xa5 \x1b[1m\n";
	struct sg_escape st = SG_ESCAPE_INIT(SG_ESCAPE_KEEP_NEWLINE);
	struct sg_buf b = SG_BUF_INIT(4096);

	/* one byte at a time: a sequence cut between pieces stays whole */
	for (size_t i = 0; text[i]; i++)
		cr_assert_eq(sg_escape_feed(&st, &b, text + i, 1), 0);
	cr_assert_eq(sg_escape_finish(&st, &b), 0);
	cr_assert_str_eq(b.buf, "x \\u009b y \xe6\x97\xa5 \\e[1m\n");
	sg_buf_release(&b);
}

Test(escape, stream_file)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	FILE *f = sg_escape_stream(mem);

	cr_assert(f);
	fprintf(f, "row %s\n", "evil\x1b]0;title\a");
	fputs("half \xe6", f);
	fflush(f);
	fputs("\x97\xa5 end \xe6", f);	/* cut off at the very end */
	cr_assert_eq(fclose(f), 0);
	fclose(mem);
	cr_assert_str_eq(text, "row evil\\e]0;title\\x07\nhalf \xe6\x97\xa5 end "
			 "\\xe6");
	free(text);
}

static const struct { const char *in, *want; } json_cases[] = {
	{ "plain", "\"plain\"" },
	{ "q\"b\\", "\"q\\\"b\\\\\"" },
	{ "\x1b[2J\r\n\t", "\"\\u001b[2J\\r\\n\\t\"" },
	{ "\x7f\xc2\x9b\xe2\x80\xae", "\"\\u007f\\u009b\\u202e\"" },
	{ "\xf3\xa0\x81\xa1", "\"\\udb40\\udc61\"" },	/* U+E0061: a pair */
	{ "lone \x9b\xff", "\"lone \\u009b\\u00ff\"" },	/* Latin-1 */
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
};

Test(escape, json_is_valid_utf8)
{
	for (size_t i = 0; i < sizeof(json_cases) / sizeof(*json_cases); i++) {
		struct sg_buf b = SG_BUF_INIT(4096);

		cr_assert_eq(sg_escape_json(&b, json_cases[i].in), 0);
		cr_assert_str_eq(b.buf, json_cases[i].want, "%zu", i);
		sg_buf_release(&b);
	}
}

Test(escape, rfc5424_param_value)
{
	struct sg_buf b = SG_BUF_INIT(4096);

	cr_assert_eq(sg_escape_sd(&b, "refs/heads/a\"b]c\\d", 0), 0);
	cr_assert_str_eq(b.buf, "refs/heads/a\\\"b\\]c\\\\d");
	sg_buf_reset(&b);
	/* the terminal escape's backslash is escaped in turn */
	cr_assert_eq(sg_escape_sd(&b, "x\x1b\n", 0), 0);
	cr_assert_str_eq(b.buf, "x\\\\e\\\\n");
	sg_buf_reset(&b);
	/* cut at a character boundary, never inside an escape */
	cr_assert_eq(sg_escape_sd(&b, "ab\xe6\x97\xa5", 4), 0);
	cr_assert_str_eq(b.buf, "ab...");
	sg_buf_release(&b);
}
