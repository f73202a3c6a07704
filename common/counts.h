/*
 * counts.h -- how often each string was seen: key -> count, open
 * addressing, so 100,000 distinct refs or users stay linear. The audit
 * CLI's stats and the auditor's report count with it.
 */
#ifndef SG_COUNTS_H
#define SG_COUNTS_H

#include <stddef.h>

struct sg_count {
	char *key;		/* owned by the table */
	size_t n;
};

/*
 * A hash table until sg_counts_sort(); then v[0..nr) are the keys in
 * order, and nothing may be added any more.
 */
struct sg_counts {
	struct sg_count *v;
	size_t nr, cap;
	int sorted;
};

#define SG_COUNTS_INIT { NULL, 0, 0, 0 }

enum sg_counts_order {
	SG_COUNTS_BY_COUNT,	/* highest first, then by key */
	SG_COUNTS_BY_KEY,
};

/* One more of `key` (copied on first sight). */
void sg_counts_add(struct sg_counts *c, const char *key);

/* Pack the keys to v[0..nr) in `order`; the table is read-only after. */
void sg_counts_sort(struct sg_counts *c, enum sg_counts_order order);

/* Free the keys and the table; `c` is SG_COUNTS_INIT again. */
void sg_counts_release(struct sg_counts *c);

#endif
