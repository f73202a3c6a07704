/*
 * error.c -- error reporting and allocation that cannot return NULL.
 */
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "banned.h"

static void (*oom_handler)(void);

int sg_error(struct sg_buf *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	sg_buf_reset(err);
	va_start(ap, fmt);
	sg_buf_vaddf(err, fmt, ap);
	va_end(ap);
	return code;
}

int sg_git_error(struct sg_buf *err, const char *what)
{
	const git_error *e = git_error_last();

	return sg_error(err, SG_ERROR, "%s: %s", what,
			e && e->message ? e->message : "unknown libgit2 error");
}

noreturn void sg_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stagegate: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void sg_set_oom_handler(void (*handler)(void))
{
	oom_handler = handler;
}

static void *checked(void *p)
{
	if (p)
		return p;
	if (oom_handler)
		oom_handler();
	fputs("stagegate: out of memory\n", stderr);
	abort();
}

void *sg_malloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *sg_calloc(size_t nmemb, size_t n)
{
	return checked(calloc(nmemb ? nmemb : 1, n ? n : 1));
}

void *sg_realloc(void *p, size_t n)
{
	return checked(realloc(p, n ? n : 1));
}

char *sg_strdup(const char *s)
{
	return checked(strdup(s));
}

char *sg_strndup(const char *s, size_t n)
{
	return checked(strndup(s, n));
}
