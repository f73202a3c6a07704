/*
 * regex.h -- pcre2 (8-bit, JIT) compiled once, matched under limits.
 */
#ifndef SG_REGEX_H
#define SG_REGEX_H

#include <stddef.h>

struct sg_buf;
struct sg_regex;

/* Compile `pattern`; on error `err` gets the reason and *erroff the offset. */
int sg_regex_new(struct sg_regex **out, const char *pattern, size_t *erroff,
		 struct sg_buf *err);
void sg_regex_free(struct sg_regex *re);
/*
 * 1 if `re` matches somewhere in [s, s+len) (*start and *end then get
 * the match), 0 if not; SG_ELIMIT when the match or depth limit is reached,
 * which the caller treats as a refusal, never as "no match".
 */
int sg_regex_match(const struct sg_regex *re, const char *s, size_t len,
		   size_t *start, size_t *end, struct sg_buf *err);
const char *sg_regex_source(const struct sg_regex *re);
/* Capture groups of `re` (not counting the whole match). */
int sg_regex_groups(const struct sg_regex *re);
/*
 * Find the next match in [s, s+len) at or after `from`; `ov` receives
 * 2 * (groups + 1) offsets (unset groups: SIZE_MAX). 1 match, 0 none,
 * < 0 error or limit (as sg_regex_match).
 */
int sg_regex_exec(const struct sg_regex *re, const char *s, size_t len,
		  size_t from, size_t *ov, size_t ovn, struct sg_buf *err);
/* The same on a window [0, len) cut out of a longer text: with `cut`,
   the window's end is not the end of a line ($ does not match there). */
int sg_regex_exec_window(const struct sg_regex *re, const char *s,
			 size_t len, size_t from, int cut, size_t *ov,
			 size_t ovn, struct sg_buf *err);

#endif
