/*
 * content.c -- decode blob content for the secret scanner.
 */
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "buf.h"
#include "content.h"
#include "error.h"
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

int sg_content_text(const char *data, size_t len, struct sg_buf *conv,
		    const char **text, size_t *tlen)
{
	const unsigned char *p = (const unsigned char *)data;

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
	}
	if (memchr(data, '\0', len < SNIFF_BYTES ? len : SNIFF_BYTES))
		return 0;
	*text = data;
	*tlen = len;
	return 1;
}

int sg_content_is_zip(const char *data, size_t len)
{
	return len >= 4 && !memcmp(data, "PK", 2) &&
	       ((data[2] == 3 && data[3] == 4) ||
		(data[2] == 5 && data[3] == 6));
}

/* base64 (standard and URL-safe) digit values; -1 elsewhere */
static const signed char b64[256] = {
	['A'] = 0, ['B'] = 1, ['C'] = 2, ['D'] = 3, ['E'] = 4, ['F'] = 5,
	['G'] = 6, ['H'] = 7, ['I'] = 8, ['J'] = 9, ['K'] = 10, ['L'] = 11,
	['M'] = 12, ['N'] = 13, ['O'] = 14, ['P'] = 15, ['Q'] = 16, ['R'] = 17,
	['S'] = 18, ['T'] = 19, ['U'] = 20, ['V'] = 21, ['W'] = 22, ['X'] = 23,
	['Y'] = 24, ['Z'] = 25, ['a'] = 26, ['b'] = 27, ['c'] = 28, ['d'] = 29,
	['e'] = 30, ['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34, ['j'] = 35,
	['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40, ['p'] = 41,
	['q'] = 42, ['r'] = 43, ['s'] = 44, ['t'] = 45, ['u'] = 46, ['v'] = 47,
	['w'] = 48, ['x'] = 49, ['y'] = 50, ['z'] = 51, ['0'] = 52, ['1'] = 53,
	['2'] = 54, ['3'] = 55, ['4'] = 56, ['5'] = 57, ['6'] = 58, ['7'] = 59,
	['8'] = 60, ['9'] = 61, ['+'] = 62, ['-'] = 62, ['/'] = 63, ['_'] = 63,
};

/* b64[] holds 0 both for 'A' and for non-digits: tell them apart */
static int b64_value(unsigned char c)
{
	return b64[c] || c == 'A' ? b64[c] : -1;
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

int sg_content_base64(const char *text, size_t len, sg_b64_fn fn,
		      void *payload, struct sg_buf *err)
{
	size_t i = 0;
	int ret = 0;

	while (i < len && ret == 0) {
		size_t start, n;
		unsigned char head[48];

		while (i < len && b64_value((unsigned char)text[i]) < 0)
			i++;
		start = i;
		while (i < len && b64_value((unsigned char)text[i]) >= 0)
			i++;
		n = i - start;
		if (n < 32)
			continue;
		/* most long runs are icons: look at the head before decoding */
		if (!looks_textual(head, b64_decode(text + start, 64 < n ? 64
						    : n, head)))
			continue;
		{
			unsigned char *dec = sg_malloc(n);
			size_t dlen = b64_decode(text + start, n, dec);

			if (looks_textual(dec, dlen))
				ret = fn(start, (const char *)dec, dlen,
					 payload, err);
			free(dec);
		}
	}
	return ret;
}

int sg_content_zip(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err)
{
	zip_error_t zerr;
	zip_source_t *src;
	zip_t *za;
	zip_int64_t n;
	int ret = 0;

	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src || !(za = zip_open_from_source(src, ZIP_RDONLY, &zerr))) {
		ret = sg_error(err, SG_ELIMIT, "cannot open the archive: %s",
			       zip_error_strerror(&zerr));
		if (src)
			zip_source_free(src);
		zip_error_fini(&zerr);
		return ret;
	}
	n = zip_get_num_entries(za, 0);
	if (n < 0 || (size_t)n > lim->max_entries)
		ret = sg_error(err, SG_ELIMIT, "the archive has %lld entries, "
			       "more than the limit of %zu (a zip bomb?)",
			       (long long)n, lim->max_entries);
	for (zip_int64_t i = 0; ret == 0 && i < n; i++) {
		zip_stat_t st;
		zip_file_t *zf;
		char *buf;
		size_t got = 0, cap;

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
		    !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
			ret = sg_error(err, SG_ELIMIT, "cannot read entry %lld "
				       "of the archive", (long long)i);
			break;
		}
		if (st.name[0] && st.name[strlen(st.name) - 1] == '/')
			continue;	/* a directory */
		if (st.size > lim->max_total - *total ||
		    ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size &&
		     st.size / st.comp_size > lim->max_ratio)) {
			ret = sg_error(err, SG_ELIMIT, "archive entry '%s' "
				       "inflates to %llu bytes (ratio or total "
				       "above the limits: a zip bomb?)",
				       st.name, (unsigned long long)st.size);
			break;
		}
		zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (!zf) {
			ret = sg_error(err, SG_ELIMIT, "cannot open archive "
				       "entry '%s': %s", st.name,
				       zip_strerror(za));
			break;
		}
		/* never trust the declared size: read at most one byte more */
		cap = (size_t)st.size + 1;
		buf = sg_malloc(cap);
		for (;;) {
			zip_int64_t r = zip_fread(zf, buf + got, cap - got);

			if (r < 0) {
				ret = sg_error(err, SG_ELIMIT, "cannot inflate "
					       "archive entry '%s': %s",
					       st.name, zip_file_strerror(zf));
				break;
			}
			if (r == 0)
				break;
			got += (size_t)r;
			if (got == cap) {
				ret = sg_error(err, SG_ELIMIT, "archive entry "
					       "'%s' is larger than it "
					       "declares", st.name);
				break;
			}
		}
		zip_fclose(zf);
		if (ret == 0) {
			*total += got;
			ret = fn(st.name, buf, got, payload, err);
		}
		free(buf);
	}
	zip_discard(za);
	zip_error_fini(&zerr);
	return ret;
}
