/*
 * escape.h -- make untrusted text safe to show. Ref names, paths, trailer
 * values, push options and identities come from the pusher; printed raw
 * they can repaint a terminal (ESC), overwrite a line (CR), forge report
 * lines (LF), reorder text (bidi overrides) or hide it (zero-width). Every output path that
 * shows such text goes through one of these.
 */
#ifndef SG_ESCAPE_H
#define SG_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

struct sg_buf;

enum sg_escape_flags {
	SG_ESCAPE_KEEP_NEWLINE = 1 << 0,	/* multi-line text: '\n' stays */
};

/*
 * Incremental state, for text that arrives in pieces (a stream): a
 * UTF-8 sequence cut between two pieces is held until it is complete.
 */
struct sg_escape {
	unsigned flags;
	unsigned char pending[4];
	size_t npending;
};

#define SG_ESCAPE_INIT(f) { (f), { 0 }, 0 }

/*
 * Append `len` bytes of `s` to `out` for a terminal or a log line:
 * control characters are shown as \e, \r, \n, \t or \xNN, DEL and the
 * C1 controls (U+0080-U+009F) as \u007f, \u009b..., bidi controls,
 * line separators and characters that show as nothing (zero-width,
 * BOM) as \u202e, \u200b..., Unicode tags as \U000e0061..., bytes
 * that are not UTF-8 as \xNN.
 * Printable UTF-8 is kept. The result holds no byte below 0x20 (but a
 * '\n' with SG_ESCAPE_KEEP_NEWLINE) and no 0x7f.
 */
int sg_escape(struct sg_buf *out, const char *s, size_t len, unsigned flags);
/* The same for a NUL-terminated string (NULL adds nothing). */
int sg_escape_str(struct sg_buf *out, const char *s, unsigned flags);

/* Feed a piece to `st`; sg_escape_finish() flushes a cut-off sequence. */
int sg_escape_feed(struct sg_escape *st, struct sg_buf *out, const char *s,
		   size_t len);
int sg_escape_finish(struct sg_escape *st, struct sg_buf *out);

/*
 * Append `s` as a JSON string literal, quotes included, that is valid
 * UTF-8 and safe on a terminal: control characters, DEL, C1 and bidi
 * controls as \uXXXX (the same text, once parsed), and each byte that is
 * not UTF-8 as the code point of the same number (Latin-1), so that a
 * hostile ref name still makes a valid record.
 */
int sg_escape_json(struct sg_buf *out, const char *s);

/*
 * Append `s` as HTML text or attribute value: first sg_escape()d (one
 * line, no control character, valid UTF-8), then & < > " ' as entities.
 */
int sg_escape_html(struct sg_buf *out, const char *s);

/*
 * Append `s` as an RFC 5424 PARAM-VALUE (without its quotes): first
 * sg_escape()d (one line, no control character), then '"', '\' and ']'
 * escaped with a backslash. At most `max` bytes of `s` are taken (cut at
 * a character boundary, then "..." added); 0: no limit.
 */
int sg_escape_sd(struct sg_buf *out, const char *s, size_t max);

/*
 * A stream that writes what it is given to `to`, escaped with
 * SG_ESCAPE_KEEP_NEWLINE; fclose() it to flush (`to` stays open). NULL
 * if it cannot be made.
 */
FILE *sg_escape_stream(FILE *to);

#endif
