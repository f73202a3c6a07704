/*
 * strlist.h -- a growable list of strings the list owns.
 */
#ifndef SG_STRLIST_H
#define SG_STRLIST_H

#include <stddef.h>

struct sg_buf;

struct sg_strlist {
	char **v;
	size_t nr, alloc;
};

int sg_strlist_has(const struct sg_strlist *l, const char *s);
/* Append a copy of `s`. */
void sg_strlist_add(struct sg_strlist *l, const char *s);
void sg_strlist_release(struct sg_strlist *l);
/* "a, b, c" into `out`. */
void sg_strlist_join(struct sg_buf *out, const struct sg_strlist *l);

#endif
