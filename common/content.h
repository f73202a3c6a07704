/*
 * content.h -- turn blob bytes into text to scan: BOMs, UTF-16 (with or
 * without a BOM), binary detection and the printable strings of
 * binaries, base64 runs that decode to text (joined across line wraps),
 * a JSON-unescaped view, and archives (zip and its kin: msapp, mpk,
 * nupkg...; gzip; tar) read under limits.
 */
#ifndef SG_CONTENT_H
#define SG_CONTENT_H

#include <stddef.h>

struct sg_buf;

/*
 * The text of [data, data+len): 1 and *text and *tlen set (pointing into
 * `data`, or into `conv` after a UTF-16 conversion), or 0 for binary.
 * UTF-16 is recognised by a BOM or, without one, by its pattern of NUL
 * bytes; a few stray control bytes (a NUL) do not make text binary.
 */
int sg_content_text(const char *data, size_t len, struct sg_buf *conv,
		    const char **text, size_t *tlen);
/*
 * Append the printable runs of a binary to `out`, one a line, as
 * strings(1) does: ASCII runs and UTF-16LE runs of SG_STRINGS_MIN+.
 */
void sg_content_strings(const char *data, size_t len, struct sg_buf *out);
/*
 * When `text` has \uXXXX or \/ escapes (JSON), 1 and `out` holds the
 * text with those (and \") decoded; lines stay where they were. Else 0.
 */
int sg_content_json_view(const char *text, size_t len, struct sg_buf *out);
/*
 * When `text` is markup (XML, HTML: it starts with '<') and has numeric
 * character references (&#103; &#x67;), 1 and `out` holds the text with
 * them decoded (but controls). Else 0.
 */
int sg_content_xml_view(const char *text, size_t len, struct sg_buf *out);

enum sg_archive {
	SG_ARCHIVE_NONE,
	SG_ARCHIVE_ZIP,
	SG_ARCHIVE_GZIP,
	SG_ARCHIVE_TAR,
	SG_ARCHIVE_PDF
};
/* Which archive [data, data+len) starts as (by magic or tar checksum). */
enum sg_archive sg_content_archive(const char *data, size_t len);
/* Whether it starts as a zip (a local header or an empty archive). */
int sg_content_is_zip(const char *data, size_t len);
/* A zip after a prefix (a self-extractor): an end record, a local header. */
int sg_content_zip_inside(const char *data, size_t len);
/*
 * The name of a compressed format the scanner cannot open (bzip2, xz,
 * zstd, lz4, 7-Zip, RAR, compress) that [data, data+len) starts as, or NULL.
 */
const char *sg_content_unscannable(const char *data, size_t len);

/*
 * For each base64 run of 32+ characters that decodes to text (or to an
 * archive, or UTF-16/32 text: the caller decodes those further); a run
 * wrapped in full lines (64 or 76 columns) is joined first. `run_start`
 * is the offset of its first digit.
 */
typedef int (*sg_b64_fn)(size_t run_start, const char *decoded, size_t len,
			 void *payload, struct sg_buf *err);
int sg_content_base64(const char *text, size_t len, sg_b64_fn fn,
		      void *payload, struct sg_buf *err);

struct sg_zip_limits {
	size_t max_entries;		/* per archive */
	size_t max_total;		/* inflated bytes, all levels together */
	size_t max_ratio;		/* inflated / compressed, per entry */
	int max_depth;			/* nesting of archives */
};

/* The limits every reader of pushed archives uses (limits.h). */
#define SG_ZIP_LIMITS_INIT { SG_ZIP_MAX_ENTRIES, SG_ZIP_MAX_TOTAL, \
			     SG_ZIP_MAX_RATIO, SG_ZIP_MAX_DEPTH }

/*
 * Each entry's bytes; `name` is "inner/path" ("" for gzip's one stream,
 * "(archive comment)" and "inner/path (comment)" for zip comments).
 */
typedef int (*sg_zip_fn)(const char *name, const char *data, size_t len,
			 void *payload, struct sg_buf *err);
/*
 * Walk the entries of the zip in [data, data+len): every local header
 * (wherever it starts), every entry of the central directory, the
 * comments. Limits shared by nested calls live in *total. SG_ELIMIT with
 * a clear reason when the archive is a bomb (too many entries, too
 * large, ratio too high) or cannot be read (encrypted, unknown method,
 * corrupt): never skipped.
 */
int sg_content_zip(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err);
/* The inflated stream of a gzip file (all members), as one entry "". */
int sg_content_gzip(const char *data, size_t len,
		    const struct sg_zip_limits *lim, size_t *total,
		    sg_zip_fn fn, void *payload, struct sg_buf *err);
/*
 * Each Flate-compressed stream of a PDF, inflated, as entry "(stream N)"
 * (the text of a page is compressed: its strings show nothing).
 * SG_ELIMIT for a stream that does not inflate, or past the limits.
 */
int sg_content_pdf(const char *data, size_t len,
		   const struct sg_zip_limits *lim, size_t *total,
		   sg_zip_fn fn, void *payload, struct sg_buf *err);
/*
 * Each entry of a tar archive (ustar, GNU long names, pax paths), links
 * with their target as the content and pax headers as entries of
 * their own. SG_ELIMIT for a corrupt or cut archive.
 */
int sg_content_tar(const char *data, size_t len,
		   const struct sg_zip_limits *lim, sg_zip_fn fn,
		   void *payload, struct sg_buf *err);

#endif
