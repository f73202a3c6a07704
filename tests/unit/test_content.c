/*
 * test_content.c -- the content decoders: UTF-16 and UTF-32 without a
 * BOM, stray NULs, strings of binaries, wrapped base64, the JSON and XML
 * views, compressors that cannot be opened, and the
 * archives (zip read from local headers and central directory, gzip,
 * tar) under their limits.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../common/buf.h"
#include "../../common/content.h"
#include "../../common/error.h"
#include "../../common/limits.h"

static const struct sg_zip_limits lim = { 100, 64u * 1024 * 1024, 200, 4 };

static const struct { const char *data; size_t len; int text;
		      const char *want; } texts[] = {
	{ "k\0e\0y\0=\0v\0a\0l\0u\0e\0", 18, 1, "key=value" },	/* LE */
	{ "\0k\0e\0y\0=\0v\0a\0l\0u\0e", 18, 1, "key=value" },	/* BE */
	{ "line one\n\0line two\n", 19, 1, "line one" },	/* one NUL */
	{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0", 22, 0, NULL },
	{ "\xef\xbb\xbfhi", 5, 1, "hi" },
	{ "plain", 5, 1, "plain" },
	{ "k\0\0\0e\0\0\0y\0\0\0=\0\0\0v\0\0\0", 20, 1, "key=v" },
	{ "\0\0\0k\0\0\0e\0\0\0y\0\0\0=\0\0\0v", 20, 1, "key=v" },
	{ "\xff\xfe\0\0h\0\0\0i\0\0\0", 12, 1, "hi" },	/* UTF-32LE BOM */
	{ "\0\0\xfe\xff\0\0\0h\0\0\0i", 12, 1, "hi" },	/* UTF-32BE BOM */
};

static const struct { const char *data; size_t len; const char *want; }
unscannable[] = {
	{ "BZh91AY&SY\x01", 11, "bzip2" },
	{ "BZh9 is text", 12, NULL },
	{ "\xfd" "7zXZ\0\0", 8, "xz" },
	{ "\x28\xb5\x2f\xfd\0", 5, "zstd" },
	{ "7z\xbc\xaf\x27\x1c\0\4", 8, "7-Zip" },
	{ "Rar!\x1a\x07\x01\0", 8, "RAR" },
	{ "PK\3\4", 4, NULL },
};

Test(content, unscannable)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(unscannable); i++) {
		const char *got = sg_content_unscannable(unscannable[i].data,
							 unscannable[i].len);
		const char *want = unscannable[i].want;

		cr_assert(want ? got && !strcmp(got, want) : !got, "%zu", i);
	}
}

Test(content, text)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
		const char *t;
		size_t n;
		int got = sg_content_text(texts[i].data, texts[i].len, &conv,
					  &t, &n);

		cr_assert_eq(got, texts[i].text, "%zu", i);
		if (got)
			cr_assert(n >= strlen(texts[i].want) &&
				  !memcmp(t, texts[i].want,
					  strlen(texts[i].want)), "%zu", i);
		sg_buf_release(&conv);
	}
}

Test(content, strings)
{
	static const char bin[] = "\x01\x02\0\0ghp_VISIBLE_STRING\0\x03"
				  "s\0h\0o\0r\0t\0" "\0\xff"
				  "w\0i\0d\0e\0_\0s\0e\0c\0r\0e\0t\0\0\0";
	struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);

	sg_content_strings(bin, sizeof(bin) - 1, &out);
	cr_assert(strstr(out.buf, "ghp_VISIBLE_STRING\n"), "%s", out.buf);
	cr_assert(strstr(out.buf, "wide_secret\n"), "%s", out.buf);
	cr_assert_null(strstr(out.buf, "short"), "%s", out.buf);
	sg_buf_release(&out);
}

static int b64_seen(size_t start, const char *d, size_t len, void *payload,
		    struct sg_buf *err)
{
	(void)start; (void)err;
	return sg_buf_add(payload, d, len);
}

static const struct { const char *text, *want; } b64s[] = {
	/* "settings of the nightly job {"token": "ghp_..."}" at 76 and 64 */
	{ "    c2V0dGluZ3Mgb2YgdGhlIG5pZ2h0bHkgam9iIHsidG9rZW4iOiAiZ2hwX1pxN1h3M1ZiOU5t\n"
	  "    MkxrNUpoOEdmNERzMUFwNk9pMFV5VHIzRSJ9\n", "ghp_Zq7Xw3Vb9Nm2Lk5Jh8" },
	{ "c2V0dGluZ3Mgb2YgdGhlIG5pZ2h0bHkgam9iIHsidG9rZW4iOiAiZ2hwX1pxN1h3\r\n"
	  "M1ZiOU5tMkxrNUpoOEdmNERzMUFwNk9pMFV5VHIzRSJ9\r\n", "ghp_Zq7Xw3Vb9Nm2Lk5Jh8" },
	/* a short line does not continue: two runs */
	{ "c2V0dGluZ3Mgb2YgdGhlIG5pZ2h0bHk=\nam9iIHsidG9rZW4iOiAiZ2hwX1pxN1h3\n", NULL },
};

Test(content, base64_wrapped)
{
	for (size_t i = 0; i < sizeof(b64s) / sizeof(*b64s); i++) {
		struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);

		cr_assert_eq(sg_content_base64(b64s[i].text,
					       strlen(b64s[i].text), b64_seen,
					       &out, NULL), 0);
		if (b64s[i].want)
			cr_assert(strstr(out.buf, b64s[i].want), "%zu: '%s'",
				  i, out.buf);
		else
			cr_assert_null(strstr(out.buf, "nightly job"), "%zu",
				       i);
		sg_buf_release(&out);
	}
}

/* Each decoded run as "start:length;" (the runs' order and places). */
static int b64_where(size_t start, const char *d, size_t len, void *payload,
		     struct sg_buf *err)
{
	(void)d; (void)err;
	return sg_buf_addf(payload, "%zu:%zu;", start, len);
}

static int is_digit64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '-' ||
	       c == '_';
}

/*
 * The runs the decoder must find, the plain way: every maximal run of
 * digits (joined across wrapped lines) of SG_B64_MIN_RUN or more. The
 * texts below hold base64 of text only, so every such run is decoded.
 */
static void b64_expected(const char *t, size_t len, struct sg_buf *out)
{
	size_t i = 0;

	while (i < len) {
		size_t start, n, total, dlen;

		while (i < len && !is_digit64(t[i]))
			i++;
		start = i;
		while (i < len && is_digit64(t[i]))
			i++;
		n = total = i - start;
		/* wrapped: a line of SG_B64_MIN_WRAP+ (a multiple of 4), \n */
		while (n >= SG_B64_MIN_WRAP && n % 4 == 0 && i + 1 < len &&
		       t[i] == '\n' && is_digit64(t[i + 1])) {
			size_t seg = ++i;

			while (i < len && is_digit64(t[i]))
				i++;
			n = i - seg;
			total += n;
		}
		dlen = total / 4 * 3 + (total % 4 == 3 ? 2 : total % 4 == 2);
		if (total >= SG_B64_MIN_RUN)
			sg_buf_addf(out, "%zu:%zu;", start, dlen);
	}
}

/* Random texts of words, lines and base64 runs of every length near the
   bound, at every offset: the decoder's skipping finds the same runs. */
Test(content, base64_skipping_finds_every_run)
{
	static const char words[] = "ab cd, efg \"hi\": \n jklmnop = q;\t";
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		struct sg_buf text = SG_BUF_INIT(1 << 20);
		struct sg_buf got = SG_BUF_INIT(1 << 20);
		struct sg_buf want = SG_BUF_INIT(1 << 20);
		int pieces = 1 + round % 7;

		for (int p = 0; p < pieces; p++) {
			seed = seed * 1103515245u + 12345u;
			size_t pre = (seed >> 8) % 40;

			for (size_t k = 0; k < pre; k++)
				sg_buf_addch(&text, words[(seed >> (k % 16)) %
						  (sizeof(words) - 1)]);
			seed = seed * 1103515245u + 12345u;
			/* base64 of printable text: 'V' then "GV4" cycles
			   decode to letters; lengths 24..90 */
			size_t n = 24 + (seed >> 8) % 67;
			int wrap = (seed >> 20) % 4 == 0;

			sg_buf_addch(&text, ' ');
			for (size_t k = 0; k < n; k++)
				sg_buf_addch(&text, "dGV4"[k % 4]);
			if (wrap && n >= SG_B64_MIN_WRAP && n % 4 == 0) {
				sg_buf_addch(&text, '\n');
				for (size_t k = 0; k < 8; k++)
					sg_buf_addch(&text, "dGV4"[k % 4]);
			}
			sg_buf_addch(&text, ' ');
		}
		b64_expected(text.buf, text.len, &want);
		cr_assert_eq(sg_content_base64(text.buf, text.len, b64_where,
					       &got, NULL), 0);
		cr_assert_str_eq(got.buf ? got.buf : "", want.buf ? want.buf : "",
				 "round %d: '%s'", round, text.buf);
		sg_buf_release(&text);
		sg_buf_release(&got);
		sg_buf_release(&want);
	}
}

static const struct { const char *text, *want; } views[] = {
	{ "{\"u\": \"https:\\/\\/x.net\\/c?sv=1\\u0026sig=abc\"}",
	  "{\"u\": \"https://x.net/c?sv=1&sig=abc\"}" },
	{ "{\"a\": \"\\\\u0026\", \"b\": \"\\u00e9\"}\n\\n",
	  "{\"a\": \"\\\\u0026\", \"b\": \"\xc3\xa9\"}\n\\n" },
	{ "{\"line\": \"x\\u000ay\", \"s\": \"\\/\"}", "{\"line\": \"x\\u000ay\", \"s\": \"/\"}" },
	{ "{\"plain\": \"no escapes \\\" here\"}", NULL },
};

Test(content, json_view)
{
	for (size_t i = 0; i < sizeof(views) / sizeof(*views); i++) {
		struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
		int got = sg_content_json_view(views[i].text,
					       strlen(views[i].text), &out);

		cr_assert_eq(got, views[i].want != NULL, "%zu", i);
		if (got)
			cr_assert_str_eq(out.buf, views[i].want, "%zu", i);
		sg_buf_release(&out);
	}
}

static const struct { const char *text, *want; } xml_views[] = {
	{ "<a>&#103;&#x68;&#X70;_x</a>", "<a>ghp_x</a>" },
	{ "<a&#10;b &#xD800; &#99999999; &#1114112; &amp; &#;",
	  "<a&#10;b &#xD800; &#99999999; &#1114112; &amp; &#;" },
	{ "<&#233;&#", "<\xc3\xa9&#" },
	{ "<a>no references &amp; here</a>", NULL },
	{ "not markup: &#103;", NULL },
	{ "\r\n  <a>&#103;</a>", "\r\n  <a>g</a>" },
};

Test(content, xml_view)
{
	for (size_t i = 0; i < sizeof(xml_views) / sizeof(*xml_views); i++) {
		struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
		int got = sg_content_xml_view(xml_views[i].text,
					      strlen(xml_views[i].text), &out);

		cr_assert_eq(got, xml_views[i].want != NULL, "%zu", i);
		if (got)
			cr_assert_str_eq(out.buf, xml_views[i].want, "%zu", i);
		sg_buf_release(&out);
	}
}

/* ---- archives: built by hand, byte by byte ------------------------------ */

static void le16(struct sg_buf *b, unsigned v)
{
	sg_buf_addch(b, (char)(v & 0xff));
	sg_buf_addch(b, (char)(v >> 8));
}

static void le32(struct sg_buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

/* a stored entry's local header and data; returns its offset */
static size_t local(struct sg_buf *z, const char *name, const char *data)
{
	size_t off = z->len;

	sg_buf_add(z, "PK\3\4", 4);
	le16(z, 10); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0);
	le32(z, (uint32_t)crc32(0, (const unsigned char *)data,
				(unsigned)strlen(data)));
	le32(z, (uint32_t)strlen(data)); le32(z, (uint32_t)strlen(data));
	le16(z, (unsigned)strlen(name)); le16(z, 0);
	sg_buf_adds(z, name);
	sg_buf_adds(z, data);
	return off;
}

static void central(struct sg_buf *z, const char *name, const char *data,
		    size_t off, const char *comment)
{
	sg_buf_add(z, "PK\1\2", 4);
	le16(z, 20); le16(z, 10); le16(z, 0); le16(z, 0); le16(z, 0);
	le16(z, 0);
	le32(z, (uint32_t)crc32(0, (const unsigned char *)data,
				(unsigned)strlen(data)));
	le32(z, (uint32_t)strlen(data)); le32(z, (uint32_t)strlen(data));
	le16(z, (unsigned)strlen(name)); le16(z, 0);
	le16(z, (unsigned)strlen(comment));
	le16(z, 0); le16(z, 0); le32(z, 0); le32(z, (uint32_t)off);
	sg_buf_adds(z, name);
	sg_buf_adds(z, comment);
}

static void eocd(struct sg_buf *z, size_t n, size_t cd, size_t cd_off,
		 const char *comment)
{
	sg_buf_add(z, "PK\5\6", 4);
	le16(z, 0); le16(z, 0); le16(z, (unsigned)n); le16(z, (unsigned)n);
	le32(z, (uint32_t)(z->len - 12 - cd)); le32(z, (uint32_t)cd_off);
	le16(z, (unsigned)strlen(comment));
	sg_buf_adds(z, comment);
	(void)cd;
}

static int collect(const char *name, const char *data, size_t len,
		   void *payload, struct sg_buf *err)
{
	struct sg_buf *out = payload;

	(void)err;
	sg_buf_addf(out, "[%s]", name);
	return sg_buf_add(out, data, len);
}

Test(content, zip_prefix_comments_and_hidden_entries)
{
	struct sg_buf z = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf err = SG_BUF_INIT(4096);
	size_t a, cd, total = 0;

	sg_buf_add(&z, "MZ\x90\0stub of a self-extractor\0\0", 30);
	a = local(&z, "a.txt", "visible");
	local(&z, "b.json", "only-in-local-headers");
	cd = z.len;
	central(&z, "a.txt", "visible", a - 30, "entry-comment");
	eocd(&z, 1, cd, cd - 30, "archive-comment");
	cr_assert(sg_content_zip_inside(z.buf, z.len));
	cr_assert_eq(sg_content_archive(z.buf, z.len), SG_ARCHIVE_NONE);
	cr_assert_eq(sg_content_zip(z.buf, z.len, &lim, &total, collect, &out,
				    &err), 0, "%s", err.buf);
	cr_assert(strstr(out.buf, "[a.txt]visible"), "%s", out.buf);
	cr_assert(strstr(out.buf, "[b.json]only-in-local-headers"), "%s",
		  out.buf);
	cr_assert(strstr(out.buf, "[(archive comment)]archive-comment"));
	cr_assert(strstr(out.buf, "[a.txt (comment)]entry-comment"));
	sg_buf_release(&z);
	sg_buf_release(&out);
	sg_buf_release(&err);
}

Test(content, zip_refuses_what_it_cannot_read)
{
	struct sg_buf z = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf err = SG_BUF_INIT(4096);
	struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
	size_t total = 0;

	local(&z, "x.txt", "data");
	z.buf[6] = 1;			/* flags: encrypted */
	cr_assert_eq(sg_content_zip(z.buf, z.len, &lim, &total, collect, &out,
				    &err), SG_ELIMIT);
	cr_assert(strstr(err.buf, "encrypted"), "%s", err.buf);
	z.buf[6] = 0;
	z.buf[8] = 12;			/* method: bzip2 */
	sg_buf_reset(&err);
	cr_assert_eq(sg_content_zip(z.buf, z.len, &lim, &total, collect, &out,
				    &err), SG_ELIMIT);
	cr_assert(strstr(err.buf, "method 12"), "%s", err.buf);
	z.len = 20;			/* cut short */
	sg_buf_reset(&err);
	cr_assert_eq(sg_content_zip(z.buf, z.len, &lim, &total, collect, &out,
				    &err), SG_ELIMIT);
	sg_buf_release(&z);
	sg_buf_release(&out);
	sg_buf_release(&err);
}

static size_t gzip(unsigned char *out, size_t cap, const char *in,
		   size_t len)
{
	z_stream s;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(deflateInit2(&s, 9, Z_DEFLATED, 31, 8,
				  Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (unsigned char *)in;
	s.avail_in = (unsigned)len;
	s.next_out = out;
	s.avail_out = (unsigned)cap;
	cr_assert_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
	deflateEnd(&s);
	return cap - s.avail_out;
}

Test(content, gzip_and_bomb)
{
	static unsigned char gz[1 << 20];
	struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf err = SG_BUF_INIT(4096);
	size_t n = gzip(gz, sizeof(gz), "token=abc\n", 10), total = 0;
	char *zeros;

	cr_assert_eq(sg_content_archive((char *)gz, n), SG_ARCHIVE_GZIP);
	cr_assert_eq(sg_content_gzip((char *)gz, n, &lim, &total, collect,
				     &out, &err), 0, "%s", err.buf);
	cr_assert_str_eq(out.buf, "[]token=abc\n");
	zeros = calloc(1, 32u << 20);
	n = gzip(gz, sizeof(gz), zeros, 32u << 20);
	free(zeros);
	total = 0;
	cr_assert_eq(sg_content_gzip((char *)gz, n, &lim, &total, collect,
				     &out, &err), SG_ELIMIT);
	cr_assert(strstr(err.buf, "zip bomb"), "%s", err.buf);
	sg_buf_reset(&err);
	cr_assert_eq(sg_content_gzip((char *)gz, n / 2, &lim, &total, collect,
				     &out, &err), SG_ELIMIT);
	sg_buf_release(&out);
	sg_buf_release(&err);
}

/* a ustar header for a regular file (type '0') or `type` */
static void tar_entry(struct sg_buf *t, const char *name, char type,
		      const char *data)
{
	unsigned char h[512];
	unsigned sum = 0;
	size_t n = strlen(data);

	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)n);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	sg_buf_add(t, h, 512);
	sg_buf_adds(t, data);
	while (t->len % 512)
		sg_buf_addch(t, '\0');
}

Test(content, tar)
{
	struct sg_buf t = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf out = SG_BUF_INIT((size_t)-1 / 2);
	struct sg_buf err = SG_BUF_INIT(4096);

	tar_entry(&t, "cfg/a.json", '0', "{\"token\": 1}");
	tar_entry(&t, "././@LongLink", 'L', "very/long/name.json");
	tar_entry(&t, "very/long/na", '0', "second");
	sg_buf_add(&t, (char[1024]){ 0 }, 1024);
	cr_assert_eq(sg_content_archive(t.buf, t.len), SG_ARCHIVE_TAR);
	cr_assert_eq(sg_content_tar(t.buf, t.len, &lim, collect, &out, &err),
		     0, "%s", err.buf);
	cr_assert(strstr(out.buf, "[cfg/a.json]{\"token\": 1}"), "%s", out.buf);
	cr_assert(strstr(out.buf, "[very/long/name.json]second"), "%s",
		  out.buf);
	t.len = 700;			/* cut inside the first entry */
	t.buf[124 + 8] = '7';		/* and a size past the end */
	sg_buf_reset(&err);
	cr_assert_eq(sg_content_tar(t.buf, t.len, &lim, collect, &out, &err),
		     SG_ELIMIT);
	cr_assert_eq(sg_content_archive("plain text", 10), SG_ARCHIVE_NONE);
	sg_buf_release(&t);
	sg_buf_release(&out);
	sg_buf_release(&err);
}
