/*
 * trailer.h -- commit message trailers, parsed as git itself does
 * (git interpret-trailers --parse --no-divider, git 2.39). libgit2
 * 1.5's git_message_trailers() differs on continuation lines, the 25%
 * rule, comments and empty values, so it is not used.
 */
#ifndef SG_TRAILER_H
#define SG_TRAILER_H

#include <stddef.h>

struct sg_trailer {
	char *key;		/* as written, surrounding spaces trimmed */
	char *value;		/* continuation lines folded, trimmed */
};

struct sg_trailers {
	struct sg_trailer *v;
	size_t nr, alloc;
};

#define SG_TRAILERS_INIT { NULL, 0, 0 }

/* Parse the trailers of `msg` (a whole commit or tag message). */
void sg_trailers_parse(struct sg_trailers *out, const char *msg);
/* Value of the first trailer `key` (case-insensitive) or NULL; owned by `t`. */
const char *sg_trailers_get(const struct sg_trailers *t, const char *key);
void sg_trailers_release(struct sg_trailers *t);

#endif
