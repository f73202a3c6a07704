/*
 * error.h -- error codes and the one way to report them.
 *
 * Functions return 0 or a negative code and put the reason into a
 * caller-owned struct sg_buf. A policy violation is not an error.
 */
#ifndef SG_ERROR_H
#define SG_ERROR_H

#include <stdnoreturn.h>

struct sg_buf;

enum sg_error {
	SG_OK = 0,
	SG_ERROR = -1,		/* anything that must refuse the push */
	SG_ENOTFOUND = -2,	/* the thing looked for does not exist */
	SG_ELIMIT = -3,		/* a bound of limits.h was reached */
	SG_EDEADLINE = -4,	/* the push's time budget ran out */
};

/* Replace `err` with the formatted reason (when err is not NULL); return code. */
int sg_error(struct sg_buf *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add the last libgit2 error to `err` after `what`; return SG_ERROR. */
int sg_git_error(struct sg_buf *err, const char *what);

/* An impossible state: print and abort, so a push is always refused. */
#define SG_BUG(...) sg_bug(__FILE__, __LINE__, __VA_ARGS__)
noreturn void sg_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Allocation that never returns NULL. On failure it calls the handler a
 * main installed (hooks print and exit 2: fail closed), else aborts.
 */
void *sg_malloc(size_t n);
void *sg_calloc(size_t nmemb, size_t n);
void *sg_realloc(void *p, size_t n);
char *sg_strdup(const char *s);
char *sg_strndup(const char *s, size_t n);
void sg_set_oom_handler(void (*handler)(void));

#define SG_ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

/* Grow `arr` (of `nr` used, `alloc` allocated) to hold at least `want`. */
#define SG_ALLOC_GROW(arr, want, alloc)					\
	do {								\
		if ((want) > (alloc)) {					\
			size_t sg_n_ = (alloc) ? (alloc) * 2 : 8;	\
			if (sg_n_ < (want))				\
				sg_n_ = (want);				\
			(arr) = sg_realloc((arr), sg_n_ * sizeof(*(arr))); \
			(alloc) = sg_n_;				\
		}							\
	} while (0)

#endif
