/*
 * anchor.h -- where a rule's match can start, read from its pattern:
 * a pattern that begins with an alternation of literal words (the key
 * names of the generic key = value rules) can only match where one of
 * those words starts, so the scanner tries it there instead of at every
 * byte its first letters allow (a `key` on nearly every line of canvas
 * JSON made that most of a scan's time).
 */
#ifndef SG_ANCHOR_H
#define SG_ANCHOR_H

#include <stddef.h>

struct sg_regex;
struct sg_anchor;

/*
 * The start words of `pattern`, with the same pattern compiled anchored
 * at its start offset; *out = NULL when the pattern does not have that
 * shape (then every position stays a candidate). 0 or SG_ERROR.
 */
int sg_anchor_new(struct sg_anchor **out, const char *pattern);
void sg_anchor_free(struct sg_anchor *a);

/*
 * The first position in [from, end) of `s` where a match may start
 * (one of the words, or a non-ASCII byte, which case folding may turn
 * into one of their letters); `end` when there is none.
 */
size_t sg_anchor_next(const struct sg_anchor *a, const char *s, size_t end,
		      size_t from);
/* The pattern anchored where it is run (\G): one start per call. */
const struct sg_regex *sg_anchor_regex(const struct sg_anchor *a);

#endif
