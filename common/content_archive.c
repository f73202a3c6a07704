/*
 * content_archive.c -- archives inside blobs: zip, gzip and tar.
 *
 * A zip is read from its local headers, in order and wherever they
 * start (so bytes before the first one, a self-extractor's stub, hide
 * nothing), and from its central directory (so an entry whose local
 * header sits inside another entry's data is read too); each local
 * header once. The archive comment and entry comments are entries too.
 * Inflation (zip's deflate, gzip) runs under struct sg_zip_limits,
 * counted as it goes: a declared size is never trusted. Whatever cannot
 * be read (encryption, an unknown method, a truncated or corrupt
 * stream) is SG_ELIMIT with the reason, never skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "content.h"
#include "error.h"
#include "limits.h"
#include "banned.h"

#define UNKNOWN_SIZE ((size_t)-1)

static unsigned u16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t u64(const unsigned char *p)
{
	return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
}

/* The end-of-central-directory record: in the last 64 KB + 22 bytes. */
static const unsigned char *find_eocd(const unsigned char *p, size_t len)
{
	size_t lo = len > 65535 + 22 ? len - 65535 - 22 : 0;

	if (len < 22 || !memchr(p + lo, 5, len - lo))
		return NULL;
	for (size_t i = len - 22 + 1; i-- > lo;)
		if (p[i] == 'P' && p[i + 1] == 'K' && p[i + 2] == 5 &&
		    p[i + 3] == 6)
			return p + i;
	return NULL;
}

/* An octal number field of a tar header; -1 if it is none. */
static long long tar_octal(const unsigned char *p, size_t n)
{
	long long v = 0;
	size_t i = 0, digits = 0;

	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v > (1LL << 40))
			return -1;
		v = v * 8 + (p[i] - '0');
	}
	if (!digits || (i < n && p[i] != ' ' && p[i] != '\0'))
		return -1;
	return v;
}

/* A tar header block: its checksum (the field counted as spaces) holds. */
static int tar_header_ok(const unsigned char *p, size_t len)
{
	long long want;
	unsigned long sum = 0;

	if (len < 512)
		return 0;
	want = tar_octal(p + 148, 8);
	if (want < 0)
		return 0;
	for (size_t i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : p[i];
	return (long long)sum == want && p[0] != '\0';
}

enum sg_archive sg_content_archive(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;

	if (len >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
		return SG_ARCHIVE_ZIP;
	if (len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return SG_ARCHIVE_GZIP;
	if (tar_header_ok(p, len))
		return SG_ARCHIVE_TAR;
	/* readers take a header anywhere in the first kilobyte */
	if (memmem(data, len < 1024 ? len : 1024, "%PDF-", 5))
		return SG_ARCHIVE_PDF;
	return SG_ARCHIVE_NONE;
}

const char *sg_content_unscannable(const char *data, size_t len)
{
	static const struct {
		const char *name, *magic;
		size_t len;
	} formats[] = {
		/* bzip2's stream header and its first block's magic (pi) */
		{ "bzip2", "BZh", 3 },
		{ "xz", "\xfd" "7zXZ\0", 6 },
		{ "zstd", "\x28\xb5\x2f\xfd", 4 },
		{ "lz4", "\x04\x22\x4d\x18", 4 },
		{ "7-Zip", "7z\xbc\xaf\x27\x1c", 6 },
		{ "RAR", "Rar!\x1a\x07", 6 },
		{ "compress (.Z)", "\x1f\x9d", 2 },
	};

	for (size_t i = 0; i < SG_ARRAY_SIZE(formats); i++) {
		size_t n = formats[i].len;

		if (len < n || memcmp(data, formats[i].magic, n))
			continue;
		/* "BZh" is text too: a level digit and the block magic */
		if (i == 0 && (len < 10 || data[3] < '1' || data[3] > '9' ||
			       memcmp(data + 4, "1AY&SY", 6)))
			continue;
		return formats[i].name;
	}
	return NULL;
}

int sg_content_is_zip(const char *data, size_t len)
{
	return sg_content_archive(data, len) == SG_ARCHIVE_ZIP;
}

int sg_content_zip_inside(const char *data, size_t len)
{
	const unsigned char *e = find_eocd((const unsigned char *)data, len);

	return e && memmem(data, (size_t)(e - (const unsigned char *)data),
			   "PK\3\4", 4) != NULL;
}

/*
 * Inflate [in, in+inlen) (zlib `wbits`: -15 raw deflate, 31 gzip) into
 * *out (the caller frees it), under the limits: the total left and the
 * ratio to the input consumed so far. *used: input bytes consumed.
 */
static int inflate_limited(char **out, size_t *outlen, size_t *used,
			   const unsigned char *in, size_t inlen, int wbits,
			   const struct sg_zip_limits *lim, size_t total,
			   const char *name, struct sg_buf *err)
{
	size_t left = lim->max_total - total, n = 0, alloc = 0;
	char *buf = NULL;
	z_stream z;
	int rc, ret = 0;

	memset(&z, 0, sizeof(z));
	*out = NULL;
	*outlen = *used = 0;
	if (inlen > UINT32_MAX)
		return sg_error(err, SG_ELIMIT, "archive entry '%s' is too "
				"large to scan", name);
	if (inflateInit2(&z, wbits) != Z_OK)
		return sg_error(err, SG_ELIMIT, "cannot inflate '%s'", name);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)inlen;
	for (;;) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64 * 1024;
			buf = sg_realloc(buf, alloc + 1);
		}
		z.next_out = (unsigned char *)buf + n;
		z.avail_out = (unsigned)(alloc - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = alloc - z.avail_out;
		if (n > left || (n > SG_INFLATE_RATIO_FLOOR &&
				 n / lim->max_ratio > inlen - z.avail_in)) {
			ret = sg_error(err, SG_ELIMIT, "'%s' inflates past %zu "
				       "bytes (ratio or total above the limits: "
				       "a zip bomb?)", name, n);
			break;
		}
		if (rc == Z_STREAM_END && wbits > 15 && z.avail_in >= 3 &&
		    z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
			inflateReset(&z);	/* the next gzip member */
			continue;
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_out == 0))
			continue;
		ret = sg_error(err, SG_ELIMIT, "cannot inflate '%s': %s",
			       name, z.avail_in ? (z.msg ? z.msg : "corrupt")
			       : "the data ends early");
		break;
	}
	*used = inlen - z.avail_in;
	inflateEnd(&z);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

/* ---- zip --------------------------------------------------------------- */

struct cd_entry {
	size_t local;		/* offset of its local header, prefix added */
	size_t csize;
};

struct zwalk {
	const unsigned char *p;
	size_t len;
	const struct sg_zip_limits *lim;
	size_t *total;
	sg_zip_fn fn;
	void *payload;
	struct sg_buf *err;
	struct cd_entry *cd;		/* sorted by `local` */
	size_t cd_nr, cd_alloc;
	size_t *done;			/* local headers read, ascending */
	size_t done_nr, done_alloc;
	size_t entries;
};

static int cmp_cd(const void *a, const void *b)
{
	const struct cd_entry *x = a, *y = b;

	return x->local < y->local ? -1 : x->local > y->local;
}

static int cmp_size(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int count_entry(struct zwalk *w)
{
	if (++w->entries <= w->lim->max_entries)
		return 0;
	return sg_error(w->err, SG_ELIMIT, "the archive has more than %zu "
			"entries, the limit (a zip bomb?)", w->lim->max_entries);
}

/* Call fn on text that belongs to the archive itself (its comments). */
static int zip_comment(struct zwalk *w, const char *what,
		       const unsigned char *c, size_t n)
{
	if (!n)
		return 0;
	return w->fn(what, (const char *)c, n, w->payload, w->err);
}

/* zip64: the sizes live in extra field 1 when the header says 0xffffffff */
static void zip64_sizes(const unsigned char *x, size_t xlen, size_t *usize,
			size_t *csize)
{
	for (size_t i = 0; i + 4 <= xlen;) {
		unsigned id = u16(x + i), n = u16(x + i + 2);

		if (i + 4 + n > xlen)
			return;
		if (id == 1) {
			size_t k = i + 4;

			if (*usize == 0xffffffffu && k + 8 <= i + 4 + n) {
				*usize = (size_t)u64(x + k);
				k += 8;
			}
			if (*csize == 0xffffffffu && k + 8 <= i + 4 + n)
				*csize = (size_t)u64(x + k);
			return;
		}
		i += 4 + n;
	}
}

/* Read the entry whose local header is at `off`; *next: past its data. */
static int zip_entry(struct zwalk *w, size_t off, size_t cd_csize,
		     size_t *next)
{
	const unsigned char *h = w->p + off;
	size_t flags, method, csize, usize, nlen, xlen, data, used;
	char *name, *out = NULL;
	size_t outlen = 0;
	int ret;

	*next = off + 4;
	if (off > w->len || w->len - off < 30)
		return sg_error(w->err, SG_ELIMIT, "the archive has an entry "
				"cut short at offset %zu", off);
	flags = u16(h + 6);
	method = u16(h + 8);
	csize = u32(h + 18);
	usize = u32(h + 22);
	nlen = u16(h + 26);
	xlen = u16(h + 28);
	data = off + 30 + nlen + xlen;
	if (data > w->len)
		return sg_error(w->err, SG_ELIMIT, "the archive has an entry "
				"cut short at offset %zu", off);
	name = sg_malloc(nlen + 1);
	memcpy(name, h + 30, nlen);
	name[nlen] = '\0';
	for (size_t i = 0; i < nlen; i++)
		if (!name[i])
			name[i] = '?';
	zip64_sizes(h + 30 + nlen, xlen, &usize, &csize);
	if ((flags & 8) && !csize)
		csize = cd_csize;
	if ((ret = count_entry(w)) < 0)
		goto out;
	SG_ALLOC_GROW(w->done, w->done_nr + 1, w->done_alloc);
	w->done[w->done_nr++] = off;
	if (flags & 1) {
		ret = sg_error(w->err, SG_ELIMIT, "archive entry '%s' is "
			       "encrypted, so it cannot be scanned", name);
	} else if (method == 0) {
		if (csize == UNKNOWN_SIZE || csize > w->len - data) {
			ret = sg_error(w->err, SG_ELIMIT, "archive entry '%s' "
				       "has no size the gate can trust", name);
			goto out;
		}
		if (csize > w->lim->max_total - *w->total) {
			ret = sg_error(w->err, SG_ELIMIT, "archive entry '%s' "
				       "is larger than the limits", name);
			goto out;
		}
		*w->total += csize;
		*next = data + csize;
		ret = w->fn(name, (const char *)w->p + data, csize, w->payload,
			    w->err);
	} else if (method == 8) {
		size_t inlen = csize == UNKNOWN_SIZE || csize > w->len - data
			       ? w->len - data : csize;

		ret = inflate_limited(&out, &outlen, &used, w->p + data, inlen,
				      -15, w->lim, *w->total, name, w->err);
		if (ret == 0) {
			*w->total += outlen;
			*next = data + used;
			ret = w->fn(name, out, outlen, w->payload, w->err);
		}
	} else {
		ret = sg_error(w->err, SG_ELIMIT, "archive entry '%s' uses "
			       "compression method %zu, which the secret gate "
			       "cannot read", name, method);
	}
out:
	free(out);
	free(name);
	return ret;
}

/* The central directory's sizes, and its comments (given to fn). */
static int read_central(struct zwalk *w, const unsigned char *eocd)
{
	size_t at = (size_t)(eocd - w->p), cd_size = u32(eocd + 12),
	       cd_off = u32(eocd + 16), clen = u16(eocd + 20), q, delta;
	int ret;

	ret = zip_comment(w, "(archive comment)", eocd + 22,
			  clen < w->len - at - 22 ? clen : w->len - at - 22);
	if (ret || cd_off == 0xffffffffu)
		return ret;	/* NEEDSWORK: zip64's directory; headers read */
	if (cd_size > at || at - cd_size < cd_off)
		return sg_error(w->err, SG_ELIMIT, "the archive's central "
				"directory is corrupt");
	q = at - cd_size;
	delta = q - cd_off;	/* bytes before the archive (a prefix) */
	while (q + 46 <= at && !memcmp(w->p + q, "PK\1\2", 4)) {
		const unsigned char *c = w->p + q;
		size_t nlen = u16(c + 28), xlen = u16(c + 30),
		       elen = u16(c + 32), end = q + 46 + nlen + xlen + elen;
		struct sg_buf what = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		struct cd_entry *e;
		size_t us;

		if (end > at)
			break;
		if ((ret = count_entry(w)) < 0)
			return ret;
		sg_buf_add(&what, c + 46, nlen);
		sg_buf_adds(&what, " (comment)");
		ret = zip_comment(w, what.buf, c + 46 + nlen + xlen, elen);
		sg_buf_release(&what);
		if (ret)
			return ret;
		SG_ALLOC_GROW(w->cd, w->cd_nr + 1, w->cd_alloc);
		e = &w->cd[w->cd_nr++];
		e->local = u32(c + 42) + delta;
		e->csize = u32(c + 20);
		us = u32(c + 24);
		zip64_sizes(c + 46 + nlen, xlen, &us, &e->csize);
		if (e->csize == 0xffffffffu)
			e->csize = UNKNOWN_SIZE;
		q = end;
	}
	if (w->cd_nr)
		qsort(w->cd, w->cd_nr, sizeof(*w->cd), cmp_cd);
	return 0;
}

static size_t cd_csize(const struct zwalk *w, size_t off)
{
	struct cd_entry key = { off, 0 }, *e;

	e = w->cd_nr ? bsearch(&key, w->cd, w->cd_nr, sizeof(*w->cd),
			       cmp_cd) : NULL;
	return e ? e->csize : UNKNOWN_SIZE;
}

static int was_read(const struct zwalk *w, size_t off)
{
	return w->done_nr && bsearch(&off, w->done, w->done_nr,
				     sizeof(*w->done), cmp_size) != NULL;
}

int sg_content_zip(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err)
{
	struct zwalk w = { (const unsigned char *)data, len, lim, total, fn,
			   payload, err, NULL, 0, 0, NULL, 0, 0, 0 };
	const unsigned char *eocd = find_eocd(w.p, len), *q;
	size_t pos = 0, next;
	int ret = 0;

	if (eocd)
		ret = read_central(&w, eocd);
	/* every local header, in order, wherever it starts */
	while (ret == 0 && pos < len &&
	       (q = memmem(w.p + pos, len - pos, "PK\3\4", 4))) {
		size_t off = (size_t)(q - w.p);

		ret = zip_entry(&w, off, cd_csize(&w, off), &next);
		pos = next > off ? next : off + 4;
	}
	/* then those only the central directory names (inside other data) */
	for (size_t i = 0; ret == 0 && i < w.cd_nr; i++) {
		if (i && w.cd[i].local == w.cd[i - 1].local)
			continue;
		if (was_read(&w, w.cd[i].local))
			continue;
		ret = zip_entry(&w, w.cd[i].local, w.cd[i].csize, &next);
	}
	if (ret == 0 && !w.entries && !eocd)
		ret = sg_error(err, SG_ELIMIT, "cannot read the archive: "
			       "no entries and no central directory");
	free(w.cd);
	free(w.done);
	return ret;
}

/* ---- gzip and tar ------------------------------------------------------ */

/* The dictionary of the stream at `kw` ("stream") names FlateDecode. */
static int flate_stream(const char *data, const char *kw)
{
	const char *lo = kw - data > 1024 ? kw - 1024 : data;

	for (const char *q = kw - 2; q >= lo; q--)
		if (q[0] == '<' && q[1] == '<')
			return memmem(q, (size_t)(kw - q), "/FlateDecode",
				      12) != NULL;
	return 0;
}

int sg_content_pdf(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err)
{
	const char *p = data, *end = data + len, *kw;
	char name[32];
	size_t n = 0;
	int ret = 0;

	while (ret == 0 && (kw = memmem(p, (size_t)(end - p), "stream", 6))) {
		const char *body = kw + 6;
		char *out = NULL;
		size_t outlen, used;

		p = body;
		/* "stream" and an end of line; not "endstream" */
		if (kw > data && kw[-1] == 'd')
			continue;
		if (body < end && *body == '\r')
			body++;
		if (body >= end || *body != '\n' || !flate_stream(data, kw))
			continue;
		body++;
		if (++n > lim->max_entries)
			return sg_error(err, SG_ELIMIT, "more than %zu streams "
					"in a PDF", lim->max_entries);
		snprintf(name, sizeof(name), "(stream %zu)", n);
		ret = inflate_limited(&out, &outlen, &used,
				      (const unsigned char *)body,
				      (size_t)(end - body), 15, lim, *total,
				      name, err);
		if (ret == 0) {
			*total += outlen;
			ret = fn(name, out, outlen, payload, err);
			p = body + used;
		}
		free(out);
	}
	return ret;
}

int sg_content_gzip(const char *data, size_t len,
		    const struct sg_zip_limits *lim, size_t *total,
		    sg_zip_fn fn, void *payload, struct sg_buf *err)
{
	char *out = NULL;
	size_t outlen, used;
	int ret = inflate_limited(&out, &outlen, &used,
				  (const unsigned char *)data, len, 31, lim,
				  *total, "(gzip)", err);

	if (ret == 0) {
		*total += outlen;
		ret = fn("", out, outlen, payload, err);
	}
	free(out);
	return ret;
}

/* The next entry's name from a pax header's "NN path=VALUE\n" record. */
static void pax_path(const char *p, size_t n, struct sg_buf *name)
{
	const char *end = p + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *sp = memchr(p, ' ', (size_t)(end - p));

		if (!eol)
			return;
		if (sp && sp < eol && eol - sp > 6 && !memcmp(sp + 1, "path=", 5)) {
			sg_buf_reset(name);
			sg_buf_add(name, sp + 6, (size_t)(eol - sp - 6));
		}
		p = eol + 1;
	}
}

static int zero_block(const unsigned char *p)
{
	for (size_t i = 0; i < 512; i++)
		if (p[i])
			return 0;
	return 1;
}

int sg_content_tar(const char *data, size_t len,
		   const struct sg_zip_limits *lim, sg_zip_fn fn,
		   void *payload, struct sg_buf *err)
{
	const unsigned char *p = (const unsigned char *)data;
	struct sg_buf name = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf next_name = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	size_t off = 0, entries = 0;
	int ret = 0;

	while (ret == 0 && off + 512 <= len && !zero_block(p + off)) {
		const unsigned char *h = p + off;
		long long size = tar_octal(h + 124, 12);
		size_t body = off + 512;

		if (!tar_header_ok(h, len - off) || size < 0) {
			ret = sg_error(err, SG_ELIMIT, "the tar archive has a "
				       "corrupt header at offset %zu", off);
			break;
		}
		if ((size_t)size > len - body) {
			ret = sg_error(err, SG_ELIMIT, "the tar archive is cut "
				       "short at offset %zu", off);
			break;
		}
		if (++entries > lim->max_entries) {
			ret = sg_error(err, SG_ELIMIT, "the archive has more "
				       "than %zu entries, the limit",
				       lim->max_entries);
			break;
		}
		sg_buf_reset(&name);
		if (next_name.len) {
			sg_buf_add(&name, next_name.buf, next_name.len);
			sg_buf_reset(&next_name);
		} else {
			if (!memcmp(h + 257, "ustar", 5) && h[345]) {
				sg_buf_add(&name, h + 345, strnlen((const char *)
					   h + 345, 155));
				sg_buf_addch(&name, '/');
			}
			sg_buf_add(&name, h, strnlen((const char *)h, 100));
		}
		switch (h[156]) {
		case 'L':	/* GNU long name: it names the next entry */
			sg_buf_add(&next_name, p + body,
				   strnlen((const char *)p + body, (size_t)size));
			break;
		case 'x':
			pax_path((const char *)p + body, (size_t)size,
				 &next_name);
			/* its records are text like any other */
			__attribute__((fallthrough));
		case 'g':
			sg_buf_adds(&name, " (pax header)");
			ret = fn(name.buf, data + body, (size_t)size, payload,
				 err);
			break;
		case '1':
		case '2':	/* a link: its target is text */
			ret = fn(name.buf, (const char *)h + 157,
				 strnlen((const char *)h + 157, 100), payload,
				 err);
			break;
		default:
			ret = fn(name.buf, data + body, (size_t)size, payload,
				 err);
		}
		off = body + (((size_t)size + 511) & ~(size_t)511);
	}
	sg_buf_release(&name);
	sg_buf_release(&next_name);
	return ret;
}
