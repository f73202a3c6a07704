/*
 * content.c -- decode blob content for the secret scanner: text in its
 * encodings (UTF-8, UTF-16 and UTF-32 with or without a BOM), printable
 * strings of binaries, base64 runs (joined across line wraps), and JSON- and
 * XML-unescaped views. Archives are in content_archive.c.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "error.h"
#include "limits.h"
#include "banned.h"

/* Bytes looked at to tell text from binary, as git does. */
#define SNIFF_BYTES 8000

static void utf16_to_utf8(const unsigned char *p, size_t len, int big,
			  struct sg_buf *out)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned u = big ? (unsigned)(p[i] << 8 | p[i + 1])
				 : (unsigned)(p[i + 1] << 8 | p[i]);

		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len) {
			unsigned lo = big ? (unsigned)(p[i + 2] << 8 | p[i + 3])
					  : (unsigned)(p[i + 3] << 8 | p[i + 2]);

			if (lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		sg_buf_add_utf8(out, u);
	}
}

/*
 * UTF-16 without a BOM (.NET and PowerShell write it): ASCII text has a
 * NUL in every other byte. 1: big-endian, 0: little-endian, -1: neither.
 */
static int utf16_guess(const unsigned char *p, size_t n)
{
	size_t pairs = n / 2, even0 = 0, odd0 = 0;

	if (pairs < SG_UTF16_MIN_PAIRS)
		return -1;
	for (size_t i = 0; i < pairs; i++) {
		even0 += p[2 * i] == 0;
		odd0 += p[2 * i + 1] == 0;
	}
	if (odd0 * 10 >= pairs * 7 && even0 * 20 <= pairs)
		return 0;
	if (even0 * 10 >= pairs * 7 && odd0 * 20 <= pairs)
		return 1;
	return -1;
}

static void utf32_to_utf8(const unsigned char *p, size_t len, int big,
			  struct sg_buf *out)
{
	for (size_t i = 0; i + 3 < len; i += 4) {
		const unsigned char *q = p + i;
		unsigned u = big ? (unsigned)q[0] << 24 | (unsigned)q[1] << 16 |
				   (unsigned)q[2] << 8 | q[3]
				 : (unsigned)q[3] << 24 | (unsigned)q[2] << 16 |
				   (unsigned)q[1] << 8 | q[0];

		sg_buf_add_utf8(out, u > 0x10ffff ? 0xfffd : u);
	}
}

/*
 * UTF-32 without a BOM: ASCII text has three NULs in every four bytes
 * (UTF-16 guessing reads it as text with a NUL between characters, and
 * the rules never see the token). 1: big-endian, 0: little, -1: neither.
 */
static int utf32_guess(const unsigned char *p, size_t n)
{
	size_t quads = n / 4, le = 0, be = 0;

	if (quads < SG_UTF16_MIN_PAIRS)
		return -1;
	for (size_t i = 0; i < quads; i++) {
		const unsigned char *q = p + 4 * i;

		le += q[0] && !q[1] && !q[2] && !q[3];
		be += !q[0] && !q[1] && !q[2] && q[3];
	}
	if (le * 10 >= quads * 7)
		return 0;
	if (be * 10 >= quads * 7)
		return 1;
	return -1;
}

/*
 * Binary, or text with a few stray control bytes? git calls anything
 * with a NUL binary; a single NUL must not hide a file from the scan,
 * so text is what has one control byte, or at most 1 % (binaries are
 * read as strings anyway, so a wrong guess costs time, never a secret).
 */
static int looks_binary(const unsigned char *p, size_t n)
{
	size_t ctrl = 0;

	if (!memchr(p, '\0', n))
		return 0;
	for (size_t i = 0; i < n; i++)
		ctrl += p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			p[i] != '\r' && p[i] != '\f' && p[i] != '\v' &&
			p[i] != 0x1b;
	return ctrl > 1 && ctrl * 100 > n;
}

int sg_content_text(const char *data, size_t len, struct sg_buf *conv,
		    const char **text, size_t *tlen)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t sniff = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	int big;

	/* before UTF-16's: FF FE is also the start of UTF-32LE's BOM */
	if (len >= 4 && ((p[0] == 0xff && p[1] == 0xfe && !p[2] && !p[3]) ||
			 (!p[0] && !p[1] && p[2] == 0xfe && p[3] == 0xff))) {
		sg_buf_reset(conv);
		utf32_to_utf8(p + 4, len - 4, !p[0], conv);
		*text = conv->buf;
		*tlen = conv->len;
		return 1;
	}
	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
			 (p[0] == 0xfe && p[1] == 0xff))) {
		sg_buf_reset(conv);
		utf16_to_utf8(p + 2, len - 2, p[0] == 0xfe, conv);
		*text = conv->buf;
		*tlen = conv->len;
		return 1;
	}
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		data += 3;
		len -= 3;
		p += 3;
		sniff = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	}
	if (!memchr(data, '\0', sniff)) {
		*text = data;
		*tlen = len;
		return 1;
	}
	big = utf32_guess(p, sniff);
	if (big >= 0) {
		sg_buf_reset(conv);
		utf32_to_utf8(p, len, big, conv);
		*text = conv->buf;
		*tlen = conv->len;
		return 1;
	}
	big = utf16_guess(p, sniff);
	if (big >= 0) {
		sg_buf_reset(conv);
		utf16_to_utf8(p, len, big, conv);
		*text = conv->buf;
		*tlen = conv->len;
		return 1;
	}
	if (looks_binary(p, sniff))
		return 0;
	*text = data;
	*tlen = len;
	return 1;
}

static int printable(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

void sg_content_strings(const char *data, size_t len, struct sg_buf *out)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;

	/* ASCII (and UTF-8 continuation-free) runs, as strings(1) */
	while (i < len) {
		size_t start;

		while (i < len && !printable(p[i]))
			i++;
		start = i;
		while (i < len && printable(p[i]))
			i++;
		if (i - start >= SG_STRINGS_MIN) {
			sg_buf_add(out, p + start, i - start);
			sg_buf_addch(out, '\n');
		}
	}
	/* UTF-16LE runs, as strings -el: Windows binaries keep text so */
	for (i = 0; i + 1 < len; i++) {
		size_t j = i;

		while (j + 1 < len && printable(p[j]) && p[j + 1] == 0)
			j += 2;
		if ((j - i) / 2 >= SG_STRINGS_MIN) {
			for (size_t k = i; k < j; k += 2)
				sg_buf_addch(out, (char)p[k]);
			sg_buf_addch(out, '\n');
			i = j;
		}
	}
}

/*
 * base64 (standard and URL-safe) digit values plus one; 0 elsewhere, so
 * that telling a digit from any other byte is one load (this table is
 * read for every byte of every text).
 */
static const unsigned char b64[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['-'] = 63, ['/'] = 64, ['_'] = 64,
};

/* The digit's value, or -1 for a byte that is no base64 digit. */
static int b64_value(unsigned char c)
{
	return (int)b64[c] - 1;
}

/* Whether decoded bytes look like text worth scanning. */
static int looks_textual(const unsigned char *p, size_t len)
{
	size_t printable = 0;

	for (size_t i = 0; i < len; i++)
		printable += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ||
			     p[i] == '\r' || p[i] == '\t';
	return len && printable * 100 >= len * 95;
}

static size_t b64_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/*
 * Whether a run that ends at a line break goes on in the next line: a
 * full line (wrapped at 64 or 76 columns, always a multiple of 4) and a
 * next line, maybe indented, that starts with a base64 digit.
 */
static size_t wrapped_next(const char *text, size_t len, size_t i,
			   size_t line)
{
	size_t j = i;

	if (line < SG_B64_MIN_WRAP || line % 4)
		return 0;
	if (j < len && text[j] == '\r')
		j++;
	if (j >= len || text[j] != '\n')
		return 0;
	j++;
	while (j < len && (text[j] == ' ' || text[j] == '\t'))
		j++;
	return j < len && b64_value((unsigned char)text[j]) >= 0 ? j : 0;
}

/*
 * Whether decoded bytes are worth scanning: text, or what the scanner
 * decodes further (an archive, UTF-16 or UTF-32 text). An image is not.
 * Tested on a run's first 48 bytes, so a tar (its header is 512 bytes)
 * counts only once gzipped.
 */
static int worth_scanning(const unsigned char *p, size_t len)
{
	return looks_textual(p, len) ||
	       sg_content_archive((const char *)p, len) != SG_ARCHIVE_NONE ||
	       (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
			     (p[0] == 0xfe && p[1] == 0xff))) ||
	       utf32_guess(p, len) >= 0 || utf16_guess(p, len) >= 0;
}

/* Decode one run (joined if wrapped) and pass it on if it is worth it. */
static int b64_run(const char *digits, size_t n, size_t start, sg_b64_fn fn,
		   void *payload, struct sg_buf *err)
{
	unsigned char head[48], *dec;
	size_t dlen;
	int ret = 0;

	/* most long runs are icons: look at the head before decoding */
	if (!worth_scanning(head, b64_decode(digits, 64 < n ? 64 : n, head)))
		return 0;
	dec = sg_malloc(n);
	dlen = b64_decode(digits, n, dec);
	if (worth_scanning(dec, dlen))
		ret = fn(start, (const char *)dec, dlen, payload, err);
	free(dec);
	return ret;
}

int sg_content_base64(const char *text, size_t len, sg_b64_fn fn,
		      void *payload, struct sg_buf *err)
{
	struct sg_buf joined = SG_BUF_INIT((size_t)-1 / 2);
	size_t i = 0;
	int ret = 0;

	/*
	 * Only runs of SG_B64_MIN_RUN digits or more are decoded, and such a
	 * run that starts in [i, i + SG_B64_MIN_RUN) covers the digit at
	 * i + SG_B64_MIN_RUN - 1: where that byte is no digit, no run worth
	 * decoding starts before it, and the loop jumps past it (most text
	 * is words shorter than that). No run is left half read at `i`.
	 */
	while (ret == 0 && len - i >= SG_B64_MIN_RUN) {
		size_t start, n, next, probe = i + SG_B64_MIN_RUN - 1;

		if (b64_value((unsigned char)text[probe]) < 0) {
			i = probe + 1;
			continue;
		}
		start = probe;
		while (start > i && b64_value((unsigned char)text[start - 1]) >= 0)
			start--;
		i = probe + 1;
		while (i < len && b64_value((unsigned char)text[i]) >= 0)
			i++;
		n = i - start;
		next = wrapped_next(text, len, i, n);
		if (!next) {
			if (n >= SG_B64_MIN_RUN)
				ret = b64_run(text + start, n, start, fn,
					      payload, err);
			continue;
		}
		/* wrapped: join the lines, then decode them as one run */
		sg_buf_reset(&joined);
		sg_buf_add(&joined, text + start, n);
		while (next) {
			size_t seg = next;

			i = next;
			while (i < len && b64_value((unsigned char)text[i]) >= 0)
				i++;
			sg_buf_add(&joined, text + seg, i - seg);
			next = wrapped_next(text, len, i, i - seg);
		}
		if (joined.len >= SG_B64_MIN_RUN)
			ret = b64_run(joined.buf, joined.len, start, fn,
				      payload, err);
	}
	sg_buf_release(&joined);
	return ret;
}

/* The value of 4 hex digits at p (p+4 <= end), or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int k = 0; k < 4; k++) {
		int c = (unsigned char)p[k], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Whether `text` has a \uXXXX or \/ escape (a `\\` pair is skipped). */
static int has_json_escape(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p + 1 < end && (p = memchr(p, '\\', (size_t)(end - p - 1)))) {
		if (p[1] == 'u' || p[1] == '/')
			return 1;
		p += 2;
	}
	return 0;
}

int sg_content_json_view(const char *text, size_t len, struct sg_buf *out)
{
	const char *p = text, *end = text + len;

	if (!has_json_escape(text, len))
		return 0;
	sg_buf_reset(out);
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		long u, lo;

		if (!bs) {
			sg_buf_add(out, p, (size_t)(end - p));
			break;
		}
		sg_buf_add(out, p, (size_t)(bs - p));
		p = bs;
		if (p + 1 < end && (p[1] == '/' || p[1] == '"')) {
			sg_buf_addch(out, p[1]);
			p += 2;
		} else if (p + 6 <= end && p[1] == 'u' &&
			   (u = hex4(p + 2)) >= 0x20) {
			p += 6;
			/* a surrogate pair: \uD83D\uDE00 */
			if (u >= 0xd800 && u < 0xdc00 && p + 6 <= end &&
			    p[0] == '\\' && p[1] == 'u' &&
			    (lo = hex4(p + 2)) >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			sg_buf_add_utf8(out, (unsigned)u);
		} else {
			/* other escapes (\n, \\, controls) stay: lines stay */
			size_t n = p + 1 < end ? 2 : 1;

			sg_buf_add(out, p, n);
			p += n;
		}
	}
	return 1;
}

/* The value of `n` decimal or hex digits at p, or -1 (past U+10FFFF too). */
static long char_ref(const char *p, size_t n, int hex)
{
	long v = 0;

	if (!n || n > 7)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v * (hex ? 16 : 10) + d;
	}
	return v > 0x10ffff || (v >= 0xd800 && v < 0xe000) ? -1 : v;
}

/* Markup: the first byte that is not white space is '<'. */
static int looks_like_markup(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
			   *p == '\n'))
		p++;
	return p < end && *p == '<';
}

int sg_content_xml_view(const char *text, size_t len, struct sg_buf *out)
{
	const char *p = text, *end = text + len;

	/* a search of every text for "&#" cost 5 % of a large push */
	if (!looks_like_markup(p, end) || !memmem(text, len, "&#", 2))
		return 0;
	sg_buf_reset(out);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *q, *semi;
		long v;
		int hex;

		if (!amp) {
			sg_buf_add(out, p, (size_t)(end - p));
			break;
		}
		sg_buf_add(out, p, (size_t)(amp - p));
		p = amp;
		q = p + 2;
		hex = q < end && (*q == 'x' || *q == 'X');
		q += hex;
		semi = q < end ? memchr(q, ';', (size_t)(end - q < 9 ? end - q
							    : 9)) : NULL;
		v = p + 1 < end && p[1] == '#' && semi
		    ? char_ref(q, (size_t)(semi - q), hex) : -1;
		/* controls stay escaped: lines stay where they were */
		if (v >= 0x20) {
			sg_buf_add_utf8(out, (unsigned)v);
			p = semi + 1;
		} else {
			sg_buf_addch(out, '&');
			p++;
		}
	}
	return 1;
}
