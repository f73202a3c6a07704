/*
 * regex.c -- thin wrapper over pcre2 that makes every match bounded.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "regex.h"
#include "banned.h"

struct sg_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	char *source;
	/*
	 * JIT-compiled on first use: most rules never run on a given push
	 * (the prefilter skips them), and compiling them all would cost
	 * more than the small push's whole check.
	 */
	_Atomic int jitted;
	pthread_mutex_t jit_lock;
};

static void jit_once(struct sg_regex *re)
{
	if (atomic_load(&re->jitted))
		return;
	pthread_mutex_lock(&re->jit_lock);
	if (!atomic_load(&re->jitted)) {
		/* an optimisation: a failed JIT still matches correctly */
		pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
		atomic_store(&re->jitted, 1);
	}
	pthread_mutex_unlock(&re->jit_lock);
}

/*
 * One match block per thread, made once: a push runs millions of short
 * matches (anchored candidates), and a block per match was a malloc and
 * a free each. Wide enough for any group a caller reads; a pattern with
 * more groups still matches (pcre2 fills the first ones).
 */
#define MATCH_PAIRS	64

static pthread_key_t match_key;
static pthread_once_t match_once = PTHREAD_ONCE_INIT;

static void free_match_data(void *md)
{
	pcre2_match_data_free(md);
}

static void make_match_key(void)
{
	if (pthread_key_create(&match_key, free_match_data))
		SG_BUG("cannot create a thread key");
}

static pcre2_match_data *thread_match_data(void)
{
	pcre2_match_data *md;

	pthread_once(&match_once, make_match_key);
	md = pthread_getspecific(match_key);
	if (!md) {
		md = pcre2_match_data_create(MATCH_PAIRS, NULL);
		if (md && pthread_setspecific(match_key, md)) {
			pcre2_match_data_free(md);
			md = NULL;
		}
	}
	return md;
}

int sg_regex_new(struct sg_regex **out, const char *pattern, size_t *erroff,
		 struct sg_buf *err)
{
	struct sg_regex *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	int code = 0;
	pcre2_code *c;

	*out = NULL;
	c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off,
			  NULL);
	if (!c) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		if (erroff)
			*erroff = off;
		return sg_error(err, SG_ERROR, "bad pattern '%s': %s at "
				"offset %zu", pattern, (char *)msg, (size_t)off);
	}
	re = sg_calloc(1, sizeof(*re));
	pthread_mutex_init(&re->jit_lock, NULL);
	re->code = c;
	re->source = sg_strdup(pattern);
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->mctx) {
		sg_regex_free(re);
		return sg_error(err, SG_ERROR, "out of memory");
	}
	pcre2_set_match_limit(re->mctx, SG_PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, SG_PCRE2_DEPTH_LIMIT);
	*out = re;
	return 0;
}

void sg_regex_free(struct sg_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	pthread_mutex_destroy(&re->jit_lock);
	free(re->source);
	free(re);
}

const char *sg_regex_source(const struct sg_regex *re)
{
	return re->source;
}

int sg_regex_match(const struct sg_regex *re, const char *s, size_t len,
		   size_t *start, size_t *end, struct sg_buf *err)
{
	size_t ov[2];
	int rc = sg_regex_exec(re, s, len, 0, ov, 2, err);

	if (rc == 1) {
		if (start)
			*start = ov[0];
		if (end)
			*end = ov[1];
	}
	return rc;
}

int sg_regex_groups(const struct sg_regex *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	return (int)n;
}

int sg_regex_exec(const struct sg_regex *re, const char *s, size_t len,
		  size_t from, size_t *ov, size_t ovn, struct sg_buf *err)
{
	return sg_regex_exec_window(re, s, len, from, 0, ov, ovn, err);
}

int sg_regex_exec_window(const struct sg_regex *re, const char *s,
			 size_t len, size_t from, int cut, size_t *ov,
			 size_t ovn, struct sg_buf *err)
{
	pcre2_match_data *md;

	/* the compiled form changes, the pattern's meaning does not */
	jit_once((struct sg_regex *)re);
	md = thread_match_data();
	PCRE2_SIZE *v;
	uint32_t pairs;
	int rc;

	if (!md)
		return sg_error(err, SG_ERROR, "out of memory");
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from,
			 cut ? PCRE2_NOTEOL : 0, md, re->mctx);
	if (rc >= 0) {
		v = pcre2_get_ovector_pointer(md);
		pairs = pcre2_get_ovector_count(md);
		for (size_t i = 0; i < ovn; i++)
			ov[i] = i / 2 < pairs ? v[i] : SIZE_MAX;
	}
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	/* the JIT stack is one more bound on the same work */
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return sg_error(err, SG_ELIMIT, "pattern '%s' hit its match "
				"limit", re->source);
	return sg_error(err, SG_ERROR, "pattern '%s' failed to match (pcre2 "
			"error %d)", re->source, rc);
}
