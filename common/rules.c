/*
 * rules.c -- load secret rules and scan text with them.
 *
 * The prefilter is an Aho-Corasick automaton compiled to a full DFA over
 * lowercased bytes: one pass over the text marks the rules whose
 * keywords occur, and only those rules' patterns run.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "buf.h"
#include "checksum.h"
#include "error.h"
#include "limits.h"
#include "regex.h"
#include "rules.h"
#include "sha256.h"
#include "yaml.h"
#include "banned.h"

#define MAX_RULES_BYTES (4 * 1024 * 1024)

struct sg_prefilter {
	/*
	 * DFA transitions over byte classes (the bytes of some keyword, case
	 * folded, each a class; every other byte class 0), so that the table
	 * stays in cache: delta[row + class] is the next state's row
	 * (state * nclasses, so no multiply per byte), or ~row when that
	 * state has outputs (one load per byte).
	 */
	int32_t *delta;
	unsigned char cls[256];
	size_t nclasses;
	int32_t *out_start;	/* per state: index into outs, -1: none */
	int32_t *outs;		/* rule indices, each list ended by -1 */
	size_t states;
	char *always;		/* rules without keywords */
	struct sg_anchor **anchor;	/* per rule: where matches start */
	size_t nrules;
	size_t depth;		/* the longest keyword's length */
};

/* ---- the prefilter ---------------------------------------------------- */

/* The keyword trie over byte classes (pf->cls), built once per load. */
struct trie {
	int32_t *next;			/* [state * nclasses + class], -1: none */
	size_t nclasses;
	int32_t *fail;
	struct { int32_t *v; size_t nr, alloc; } *out;
	size_t nr, alloc;
};

static int32_t *trie_row(struct trie *t, int32_t state)
{
	return &t->next[(size_t)state * t->nclasses];
}

static int32_t trie_node(struct trie *t)
{
	if (t->nr == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 256;
		t->next = sg_realloc(t->next, t->alloc * t->nclasses *
				     sizeof(*t->next));
		t->fail = sg_realloc(t->fail, t->alloc * sizeof(*t->fail));
		t->out = sg_realloc(t->out, t->alloc * sizeof(*t->out));
	}
	memset(trie_row(t, (int32_t)t->nr), 0xff,
	       t->nclasses * sizeof(*t->next));		/* -1 */
	t->fail[t->nr] = 0;
	memset(&t->out[t->nr], 0, sizeof(t->out[t->nr]));
	return (int32_t)t->nr++;
}

static void out_add(struct trie *t, int32_t state, int32_t rule)
{
	for (size_t i = 0; i < t->out[state].nr; i++)
		if (t->out[state].v[i] == rule)
			return;
	SG_ALLOC_GROW(t->out[state].v, t->out[state].nr + 1,
		      t->out[state].alloc);
	t->out[state].v[t->out[state].nr++] = rule;
}

static struct sg_prefilter *build_prefilter(const struct sg_rules *rules)
{
	struct sg_prefilter *pf = sg_calloc(1, sizeof(*pf));
	struct trie t = { 0 };
	int32_t *queue;
	size_t head = 0, tail = 0, nouts = 0;

	pf->always = sg_calloc(rules->nr ? rules->nr : 1, 1);
	pf->nrules = rules->nr;
	pf->anchor = sg_calloc(rules->nr ? rules->nr : 1, sizeof(*pf->anchor));
	for (size_t r = 0; r < rules->nr; r++)
		sg_anchor_new(&pf->anchor[r], sg_regex_source(rules->v[r].re));
	/*
	 * Byte classes: each byte that occurs in a keyword is a class (an
	 * upper-case letter shares its lower case's), every other byte is
	 * class 0, on which every state goes back to the root. The trie is
	 * built over classes: a row per state is tens of entries, not 256.
	 */
	pf->nclasses = 1;
	for (size_t r = 0; r < rules->nr; r++) {
		if (rules->v[r].longest_keyword > pf->depth)
			pf->depth = rules->v[r].longest_keyword;
		for (size_t k = 0; k < rules->v[r].keywords.nr; k++)
			for (const unsigned char *p = (unsigned char *)
				     rules->v[r].keywords.v[k]; *p; p++)
				if (!pf->cls[*p])
					pf->cls[*p] = (unsigned char)
						      pf->nclasses++;
	}
	for (int c = 'A'; c <= 'Z'; c++)
		pf->cls[c] = pf->cls[c + ('a' - 'A')];
	if (pf->nclasses > 255)
		SG_BUG("prefilter too large");
	t.nclasses = pf->nclasses;
	trie_node(&t);
	for (size_t r = 0; r < rules->nr; r++) {
		const struct sg_strlist *kw = &rules->v[r].keywords;

		if (!kw->nr)
			pf->always[r] = 1;
		for (size_t k = 0; k < kw->nr; k++) {
			int32_t s = 0;

			for (const unsigned char *p = (unsigned char *)kw->v[k];
			     *p; p++) {
				if (trie_row(&t, s)[pf->cls[*p]] < 0) {
					/* first: a new node may move the rows */
					int32_t n = trie_node(&t);

					trie_row(&t, s)[pf->cls[*p]] = n;
				}
				s = trie_row(&t, s)[pf->cls[*p]];
			}
			out_add(&t, s, (int32_t)r);
		}
	}
	/* breadth first: fail links, then complete the DFA */
	queue = sg_malloc(t.nr * sizeof(*queue));
	for (size_t c = 0; c < t.nclasses; c++) {
		int32_t *root = trie_row(&t, 0);

		if (root[c] < 0) {
			root[c] = 0;
		} else {
			t.fail[root[c]] = 0;
			queue[tail++] = root[c];
		}
	}
	while (head < tail) {
		int32_t s = queue[head++];

		for (size_t i = 0; i < t.out[t.fail[s]].nr; i++)
			out_add(&t, s, t.out[t.fail[s]].v[i]);
		for (size_t c = 0; c < t.nclasses; c++) {
			int32_t n = trie_row(&t, s)[c];

			if (n < 0) {
				trie_row(&t, s)[c] = trie_row(&t, t.fail[s])[c];
				continue;
			}
			t.fail[n] = trie_row(&t, t.fail[s])[c];
			queue[tail++] = n;
		}
	}
	free(queue);
	if (t.nr * pf->nclasses > INT32_MAX / 2)
		SG_BUG("prefilter too large");
	pf->states = t.nr;
	pf->delta = sg_malloc(t.nr * pf->nclasses * sizeof(int32_t));
	pf->out_start = sg_malloc(t.nr * sizeof(int32_t));
	for (size_t st = 0; st < t.nr; st++) {
		for (size_t c = 0; c < t.nclasses; c++) {
			int32_t to = trie_row(&t, (int32_t)st)[c];
			int32_t row = to * (int32_t)pf->nclasses;

			pf->delta[st * pf->nclasses + c] =
				t.out[to].nr ? ~row : row;
		}
	}
	free(t.next);
	for (size_t s = 0; s < t.nr; s++)
		nouts += t.out[s].nr ? t.out[s].nr + 1 : 0;
	pf->outs = sg_malloc((nouts ? nouts : 1) * sizeof(int32_t));
	nouts = 0;
	for (size_t s = 0; s < t.nr; s++) {
		if (!t.out[s].nr) {
			pf->out_start[s] = -1;
			continue;
		}
		pf->out_start[s] = (int32_t)nouts;
		for (size_t i = 0; i < t.out[s].nr; i++)
			pf->outs[nouts++] = t.out[s].v[i];
		pf->outs[nouts++] = -1;
		free(t.out[s].v);
	}
	free(t.out);
	free(t.fail);
	return pf;
}

static void free_prefilter(struct sg_prefilter *pf)
{
	if (!pf)
		return;
	free(pf->delta);
	free(pf->out_start);
	free(pf->outs);
	for (size_t r = 0; pf->anchor && r < pf->nrules; r++)
		sg_anchor_free(pf->anchor[r]);
	free(pf->anchor);
	free(pf->always);
	free(pf);
}

/* Byte windows [b, e) of one text where a `near` rule runs, merged. */
struct windows {
	size_t (*v)[2];
	size_t nr, alloc;
};

static void add_window(struct windows *w, size_t at, size_t len,
		       const struct sg_secret_rule *r)
{
	size_t back = r->near_before + r->longest_keyword;
	size_t b = at > back ? at - back : 0;
	size_t e = len - at > r->near ? at + r->near : len;

	if (w->nr && b <= w->v[w->nr - 1][1]) {
		w->v[w->nr - 1][1] = e;
		return;
	}
	SG_ALLOC_GROW(w->v, w->nr + 1, w->alloc);
	w->v[w->nr][0] = b;
	w->v[w->nr++][1] = e;
}

/* A keyword end found ahead of its turn: where, and the DFA state row. */
struct keyword_end {
	size_t at;
	int32_t row;
};

struct keyword_ends {
	struct keyword_end *v;
	size_t nr, alloc;
};

/* Mark the rules of the keywords that end at `at` (state `row`). */
static void keywords_end(const struct sg_rules *rules, int32_t row, size_t at,
			 size_t len, char *hit, struct windows *win)
{
	const struct sg_prefilter *pf = rules->pre;

	for (const int32_t *o = pf->outs +
		pf->out_start[(size_t)row / pf->nclasses]; *o >= 0; o++) {
		hit[*o] = 1;
		if (rules->v[*o].near)
			add_window(&win[*o], at, len, &rules->v[*o]);
	}
}

/* Run the DFA over [from, to) from state row `s`; the row it ends in. */
static int32_t one_stream(const struct sg_rules *rules, const char *text,
			  size_t from, size_t to, size_t len, int32_t s,
			  char *hit, struct windows *win)
{
	const struct sg_prefilter *pf = rules->pre;
	const unsigned char *p = (const unsigned char *)text;

	for (size_t i = from; i < to; i++) {
		s = pf->delta[s + pf->cls[p[i]]];
		if (s < 0) {
			s = ~s;
			keywords_end(rules, s, i + 1, len, hit, win);
		}
	}
	return s;
}

/*
 * One DFA step at p[i] from row `s`; a keyword end is reported, or with
 * `later` kept there when at `own` or after (else dropped).
 */
static inline int32_t step(const struct sg_rules *rules,
			   const unsigned char *p, size_t i, int32_t s,
			   size_t own, struct keyword_ends *later, size_t len,
			   char *hit, struct windows *win)
{
	s = rules->pre->delta[s + rules->pre->cls[p[i]]];
	if (s < 0) {
		s = ~s;
		if (!later) {
			keywords_end(rules, s, i + 1, len, hit, win);
		} else if (i >= own) {
			SG_ALLOC_GROW(later->v, later->nr + 1, later->alloc);
			later->v[later->nr].at = i + 1;
			later->v[later->nr++].row = s;
		}
	}
	return s;
}

/*
 * Each DFA step waits for the load of the one before, so one stream
 * runs at the table's latency. Each block of the text is split in four
 * quarters run side by side: each but the first starts from the root
 * `depth` bytes before its quarter, which is where it is in the same
 * state as a single pass (no keyword is longer), and reports only
 * within its quarter. Their keyword ends wait in `later`, so that
 * windows are added in text order as before. The last stream's row
 * carries on to the next block.
 */
#define PREFILTER_BLOCK	(64 * 1024)

static int32_t four_streams(const struct sg_rules *rules, const char *text,
			    size_t from, size_t to, size_t len, int32_t s0,
			    char *hit, struct windows *win,
			    struct keyword_ends later[3])
{
	const unsigned char *p = (const unsigned char *)text;
	size_t q = (to - from) / 4, d = rules->pre->depth;
	size_t p1 = from + q, p2 = p1 + q, p3 = p2 + q;
	int32_t s1 = 0, s2 = 0, s3 = 0;

	for (size_t j = 0; j < 3; j++)
		later[j].nr = 0;
	for (size_t k = 0; k < q; k++) {
		s0 = step(rules, p, from + k, s0, 0, NULL, len, hit, win);
		s1 = step(rules, p, p1 - d + k, s1, p1, &later[0], len, hit,
			  win);
		s2 = step(rules, p, p2 - d + k, s2, p2, &later[1], len, hit,
			  win);
		s3 = step(rules, p, p3 - d + k, s3, p3, &later[2], len, hit,
			  win);
	}
	/* the middle streams' last `depth` bytes */
	for (size_t i = p2 - d; i < p2; i++)
		s1 = step(rules, p, i, s1, p1, &later[0], len, hit, win);
	for (size_t i = p3 - d; i < p3; i++)
		s2 = step(rules, p, i, s2, p2, &later[1], len, hit, win);
	for (size_t j = 0; j < 3; j++)
		for (size_t i = 0; i < later[j].nr; i++)
			keywords_end(rules, later[j].v[i].row,
				     later[j].v[i].at, len, hit, win);
	return one_stream(rules, text, p3 - d + q, to, len, s3, hit, win);
}

/*
 * Mark in `hit` every rule with a keyword in the text, and give each
 * `near` rule the windows around its keywords (`win`, one per rule).
 */
static void prefilter(const struct sg_rules *rules, const char *text,
		      size_t len, char *hit, struct windows *win)
{
	const struct sg_prefilter *pf = rules->pre;
	struct keyword_ends later[3] = { 0 };
	int32_t s = 0;

	memcpy(hit, pf->always, rules->nr);
	for (size_t i = 0; i < len; i += PREFILTER_BLOCK) {
		size_t to = len - i > PREFILTER_BLOCK ? i + PREFILTER_BLOCK
						      : len;

		if ((to - i) / 4 > 2 * pf->depth)
			s = four_streams(rules, text, i, to, len, s, hit, win,
					 later);
		else
			s = one_stream(rules, text, i, to, len, s, hit, win);
	}
	for (size_t j = 0; j < 3; j++)
		free(later[j].v);
}

/* ---- loading ------------------------------------------------------------ */

static int fail_at(struct sg_buf *err, const char *file,
		   const struct sg_ynode *n, const char *what)
{
	return sg_yaml_fail(err, file, n, "%s", what);
}

static int known_keys(const struct sg_ynode *map, const char *const *keys,
		      const char *file, struct sg_buf *err)
{
	if (map->kind != SG_Y_MAP)
		return fail_at(err, file, map, "expected a mapping");
	for (size_t i = 0; i < map->nr; i += 2) {
		const char *const *k;

		/* a second `pattern:` would silently win over the first */
		for (size_t j = 0; j < i; j += 2)
			if (map->kids[i]->kind == SG_Y_SCALAR &&
			    map->kids[j]->kind == SG_Y_SCALAR &&
			    !strcmp(map->kids[i]->value, map->kids[j]->value))
				return sg_error(err, SG_ERROR, "%s:%d:%d: "
						"duplicate key '%s'", file,
						map->kids[i]->line,
						map->kids[i]->col,
						map->kids[i]->value);

		for (k = keys; *k; k++)
			if (map->kids[i]->kind == SG_Y_SCALAR &&
			    !strcmp(*k, map->kids[i]->value))
				break;
		if (!*k) {
			sg_error(err, SG_ERROR, "%s:%d:%d: unknown key '%s'",
				 file, map->kids[i]->line, map->kids[i]->col,
				 map->kids[i]->value ? map->kids[i]->value
						     : "?");
			return SG_ERROR;
		}
	}
	return 0;
}

/* `fragments:` of the rules file: name, pattern text (borrowed). */
struct fragments {
	const struct sg_ynode *map;	/* NULL: none */
};

static int fragment_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* The fragment named [name, name + len), or NULL. */
static const char *fragment(const struct fragments *fr, const char *name,
			    size_t len)
{
	const struct sg_ynode *m = fr ? fr->map : NULL;

	for (size_t i = 0; m && i + 1 < m->nr; i += 2)
		if (strlen(m->kids[i]->value) == len &&
		    !strncmp(m->kids[i]->value, name, len))
			return m->kids[i + 1]->value;
	return NULL;
}

/*
 * Copy pattern `n` into `out` with each {{name}} replaced by its
 * fragment. An unknown name is an error at its column (exact for a
 * pattern on one line, as every shipped one is).
 */
static int expand_fragments(struct sg_buf *out, const struct sg_ynode *n,
			    const struct fragments *fr, const char *file,
			    struct sg_buf *err)
{
	const char *s = n->value;

	while (*s) {
		const char *b = strstr(s, "{{"), *e, *text;

		if (!b)
			return sg_buf_adds(out, s);
		for (e = b + 2; fragment_name_char(*e); e++)
			;
		if (e == b + 2 || strncmp(e, "}}", 2) ||
		    (b > n->value && b[-1] == '\\')) {
			if (sg_buf_add(out, s, (size_t)(b + 2 - s)) < 0)
				return SG_ELIMIT;
			s = b + 2;
			continue;
		}
		text = fragment(fr, b + 2, (size_t)(e - b - 2));
		if (!text)
			return sg_error(err, SG_ERROR, "%s:%d:%d: unknown "
					"fragment '%.*s'", file, n->line,
					n->col + (n->plain ? 0 : 1) +
					(int)(b - n->value),
					(int)(e - b - 2), b + 2);
		if (sg_buf_add(out, s, (size_t)(b - s)) < 0 ||
		    sg_buf_adds(out, text) < 0)
			return SG_ELIMIT;
		s = e + 2;
	}
	return 0;
}

static int compile(struct sg_regex **out, const struct sg_ynode *n,
		   const struct fragments *fr, const char *file,
		   struct sg_buf *err)
{
	struct sg_buf why = SG_BUF_INIT(4096);
	struct sg_buf pat = SG_BUF_INIT(MAX_RULES_BYTES);
	int ret;

	if (n->kind != SG_Y_SCALAR)
		return fail_at(err, file, n, "a pattern must be a string");
	ret = expand_fragments(&pat, n, fr, file, err);
	if (ret == SG_ELIMIT)
		ret = fail_at(err, file, n, "pattern too long");
	if (ret == 0)
		ret = sg_regex_new(out, pat.buf, NULL, &why);
	if (ret < 0 && why.len)
		sg_error(err, SG_ERROR, "%s:%d:%d: %s", file, n->line, n->col,
			 why.buf);
	sg_buf_release(&pat);
	sg_buf_release(&why);
	return ret;
}

/* fragments: { name: pattern text } (names: letters, digits, _ and -) */
static int load_fragments(struct fragments *fr, const struct sg_ynode *n,
			  const char *file, struct sg_buf *err)
{
	if (n->kind != SG_Y_MAP)
		return fail_at(err, file, n, "'fragments' is a mapping of "
			       "names to pattern text");
	for (size_t i = 0; i + 1 < n->nr; i += 2) {
		const struct sg_ynode *k = n->kids[i], *v = n->kids[i + 1];

		if (k->kind != SG_Y_SCALAR || !*k->value)
			return fail_at(err, file, k, "a fragment name is a "
				       "string");
		for (const char *p = k->value; *p; p++)
			if (!fragment_name_char(*p))
				return fail_at(err, file, k, "fragment names "
					       "hold letters, digits, '_' and "
					       "'-' only");
		if (v->kind != SG_Y_SCALAR)
			return fail_at(err, file, v, "a fragment is a string");
		if (strstr(v->value, "{{"))
			return fail_at(err, file, v, "a fragment cannot use "
				       "another fragment");
		for (size_t j = 0; j < i; j += 2)
			if (!strcmp(n->kids[j]->value, k->value))
				return fail_at(err, file, k, "duplicate "
					       "fragment");
	}
	fr->map = n;
	return 0;
}

static int parse_bool(int *out, const struct sg_ynode *n, const char *file,
		      struct sg_buf *err)
{
	if (n->kind == SG_Y_SCALAR && !strcmp(n->value, "true"))
		*out = 1;
	else if (n->kind == SG_Y_SCALAR && !strcmp(n->value, "false"))
		*out = 0;
	else
		return fail_at(err, file, n, "expected true or false");
	return 0;
}

static int parse_judge(enum sg_judge *out, const struct sg_ynode *n,
		       const char *file, struct sg_buf *err)
{
	if (n->kind == SG_Y_SCALAR && !strcmp(n->value, "sas"))
		*out = SG_JUDGE_SAS;
	else if (n->kind == SG_Y_SCALAR && (!strcmp(n->value, "checksum") ||
		 !strcmp(n->value, "github-checksum")))
		*out = SG_JUDGE_CHECKSUM;
	else
		return fail_at(err, file, n, "'judge' is 'sas' or "
			       "'checksum'");
	return 0;
}

static int near_bytes(size_t *out, const struct sg_ynode *n, long min,
		      const char *file, struct sg_buf *err)
{
	char *end;
	long w;

	if (n->kind != SG_Y_SCALAR || !*n->value)
		return fail_at(err, file, n, "'near' is a number of bytes, or "
			       "[before, after]");
	w = strtol(n->value, &end, 10);
	if (*end || w < min || w > SG_MAX_RULE_NEAR)
		return fail_at(err, file, n, min ? "'near' is from 64 to 65536 "
			       "bytes" : "'near' before is from 0 to 65536 "
			       "bytes");
	*out = (size_t)w;
	return 0;
}

/* near: N (N bytes either side of a keyword) or [before, after] */
static int parse_near(struct sg_secret_rule *r, const struct sg_ynode *n,
		      const char *file, struct sg_buf *err)
{
	if (n->kind == SG_Y_SEQ) {
		if (n->nr != 2)
			return fail_at(err, file, n, "'near' is a number of "
				       "bytes, or [before, after]");
		if (near_bytes(&r->near_before, n->kids[0], 0, file, err) < 0)
			return SG_ERROR;
		return near_bytes(&r->near, n->kids[1], 64, file, err);
	}
	if (near_bytes(&r->near, n, 64, file, err) < 0)
		return SG_ERROR;
	r->near_before = r->near;
	return 0;
}

static int load_rule(struct sg_rules *rules, const struct sg_ynode *n,
		     const struct fragments *fr, const char *file,
		     struct sg_buf *err)
{
	static const char *const keys[] = {
		"id", "description", "pattern", "group", "keywords",
		"entropy", "allow", "allow-context", "generic", "judge", "near",
		NULL
	};
	struct sg_secret_rule *r;
	const struct sg_ynode *v;

	if (known_keys(n, keys, file, err) < 0)
		return SG_ERROR;
	SG_ALLOC_GROW(rules->v, rules->nr + 1, rules->alloc);
	r = &rules->v[rules->nr++];
	memset(r, 0, sizeof(*r));
	if (!(v = sg_yaml_get(n, "id")) || v->kind != SG_Y_SCALAR || !*v->value)
		return fail_at(err, file, n, "each rule needs an 'id'");
	r->id = sg_strdup(v->value);
	for (const char *p = r->id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return fail_at(err, file, v, "rule ids hold letters, "
				       "digits and '-' only");
	for (size_t i = 0; i + 1 < rules->nr; i++)
		if (!strcmp(rules->v[i].id, r->id))
			return fail_at(err, file, v, "duplicate rule id");
	v = sg_yaml_get(n, "description");
	if (v && v->kind != SG_Y_SCALAR)
		return fail_at(err, file, v, "'description' is a string");
	r->description = sg_strdup(v ? v->value : r->id);
	if (!(v = sg_yaml_get(n, "pattern")))
		return fail_at(err, file, n, "each rule needs a 'pattern'");
	if (compile(&r->re, v, fr, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "group"))) {
		char *end;
		long g = strtol(v->value ? v->value : "", &end, 10);

		if (!v->value || *end || g < 0 || g > sg_regex_groups(r->re))
			return fail_at(err, file, v, "'group' must name a "
				       "capture group of the pattern");
		if (g > SG_MAX_RULE_GROUP)
			return fail_at(err, file, v, "'group' must be at most "
				       "9 (SG_MAX_RULE_GROUP)");
		r->group = (int)g;
	}
	if ((v = sg_yaml_get(n, "entropy"))) {
		char *end;

		r->entropy = strtod(v->value ? v->value : "", &end);
		if (!v->value || *end || r->entropy < 0 || r->entropy > 8)
			return fail_at(err, file, v, "'entropy' is a number "
				       "from 0 to 8");
	}
	if ((v = sg_yaml_get(n, "allow")) && compile(&r->allow, v, fr, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "allow-context")) &&
	    compile(&r->allow_context, v, fr, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "generic")) &&
	    parse_bool(&r->generic, v, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "judge")) && parse_judge(&r->judge, v, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "near")) && parse_near(r, v, file, err) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "keywords"))) {
		if (v->kind != SG_Y_SEQ)
			return fail_at(err, file, v, "'keywords' is a list");
		for (size_t i = 0; i < v->nr; i++) {
			char *kw;

			if (v->kids[i]->kind != SG_Y_SCALAR ||
			    strlen(v->kids[i]->value) < 2)
				return fail_at(err, file, v->kids[i],
					       "keywords are strings of 2 or "
					       "more characters");
			kw = sg_strdup(v->kids[i]->value);
			for (char *p = kw; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			sg_strlist_add(&r->keywords, kw);
			if (strlen(kw) > r->longest_keyword)
				r->longest_keyword = strlen(kw);
			free(kw);
		}
	}
	if (r->near && !r->keywords.nr)
		return fail_at(err, file, n, "a rule with 'near' needs "
			       "'keywords'");
	return 0;
}

/* files: a list of globs, each a string */
static int load_files(struct sg_rules *rules, const struct sg_ynode *n,
		      const char *file, struct sg_buf *err)
{
	if (n->kind != SG_Y_SEQ)
		return fail_at(err, file, n, "'files' is a list of globs");
	for (size_t i = 0; i < n->nr; i++) {
		if (n->kids[i]->kind != SG_Y_SCALAR || !*n->kids[i]->value)
			return fail_at(err, file, n->kids[i], "a file glob is "
				       "a string");
		sg_strlist_add(&rules->files, n->kids[i]->value);
	}
	return 0;
}

int sg_rules_parse(struct sg_rules **out, const char *text, size_t len,
		   const char *path, struct sg_buf *err)
{
	static const char *const keys[] = {
		"version", "fragments", "rules", "files", "placeholders", NULL
	};
	struct sg_rules *rules = sg_calloc(1, sizeof(*rules));
	struct sg_ynode *root = NULL;
	const struct sg_ynode *v = NULL;
	struct fragments fr = { NULL };
	int ret;

	*out = NULL;
	ret = sg_yaml_parse(&root, text, len, path, err);
	if (ret == 0)
		ret = known_keys(root, keys, path, err);
	if (ret == 0 && (v = sg_yaml_get(root, "version")) &&
	    (v->kind != SG_Y_SCALAR || strcmp(v->value, "1")))
		ret = fail_at(err, path, v, "'version' is 1");
	if (ret == 0 && (v = sg_yaml_get(root, "fragments")))
		ret = load_fragments(&fr, v, path, err);
	if (ret == 0 && (!(v = sg_yaml_get(root, "rules")) || v->kind != SG_Y_SEQ))
		ret = fail_at(err, path, root, "'rules' must be a list");
	for (size_t i = 0; ret == 0 && i < v->nr; i++)
		ret = load_rule(rules, v->kids[i], &fr, path, err);
	if (ret == 0 && (v = sg_yaml_get(root, "files")))
		ret = load_files(rules, v, path, err);
	if (ret == 0 && (v = sg_yaml_get(root, "placeholders")))
		ret = compile(&rules->placeholder, v, &fr, path, err);
	sg_yaml_free(root);
	if (ret < 0) {
		sg_rules_free(rules);
		return ret;
	}
	rules->pre = build_prefilter(rules);
	*out = rules;
	return 0;
}

int sg_rules_load(struct sg_rules **out, const char *path, struct sg_buf *err)
{
	struct sg_buf text = SG_BUF_INIT(MAX_RULES_BYTES);
	int ret;

	*out = NULL;
	ret = sg_buf_read_file(&text, path, err);
	if (ret == 0)
		ret = sg_rules_parse(out, text.buf, text.len, path, err);
	sg_buf_release(&text);
	return ret;
}

void sg_rules_free(struct sg_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->nr; i++) {
		struct sg_secret_rule *r = &rules->v[i];

		free(r->id);
		free(r->description);
		sg_regex_free(r->re);
		sg_regex_free(r->allow);
		sg_regex_free(r->allow_context);
		sg_strlist_release(&r->keywords);
	}
	free(rules->v);
	sg_strlist_release(&rules->files);
	sg_regex_free(rules->placeholder);
	free_prefilter(rules->pre);
	free(rules);
}

/* ---- scanning ----------------------------------------------------------- */

double sg_entropy(const char *s, size_t len)
{
	size_t counts[256] = { 0 };
	double h = 0;

	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++) {
		double p;

		if (!counts[c])
			continue;
		p = (double)counts[c] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

void sg_redact(struct sg_buf *out, const char *s, size_t len)
{
	size_t shown = len >= 16 ? 4 : len >= 8 ? 2 : 0;

	for (size_t i = 0; i < shown; i++)
		sg_buf_addch(out, isprint((unsigned char)s[i]) ? s[i] : '?');
	sg_buf_addf(out, "...(%zu chars)", len);
}

void sg_fingerprint(char hex[65], const char *rule_id, const char *s,
		    size_t len)
{
	struct sg_sha256 h;

	sg_sha256_init(&h);
	sg_sha256_update(&h, rule_id, strlen(rule_id));
	sg_sha256_update(&h, ":", 1);
	sg_sha256_update(&h, s, len);
	sg_sha256_final(&h, hex);
}

/* A value a generic key = value rule must not report. */
static int not_a_secret(const struct sg_rules *rules, const char *s,
			size_t len, struct sg_buf *err, int *failed)
{
	int m;

	if (!rules->placeholder)
		return 0;
	m = sg_regex_match(rules->placeholder, s, len, NULL, NULL, err);
	if (m < 0)
		*failed = m;
	return m == 1;
}

int sg_deadline_passed(const struct timespec *deadline)
{
	struct timespec now;

	if (!deadline || !deadline->tv_sec)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec &&
		now.tv_nsec >= deadline->tv_nsec);
}

/* Spans of one text exempted by a rule's allow pattern (a few at most). */
struct exempt_spans {
	size_t nr, v[16][2];
};

static void remember_span(struct exempt_spans *x, size_t s, size_t e)
{
	if (x->nr < SG_ARRAY_SIZE(x->v)) {
		x->v[x->nr][0] = s;
		x->v[x->nr++][1] = e;
	}
}

static int overlaps(const struct exempt_spans *x, size_t s, size_t e)
{
	for (size_t i = 0; i < x->nr; i++)
		if (s < x->v[i][1] && x->v[i][0] < e)
			return 1;
	return 0;
}

/*
 * Whether the rule's allow-context matches the text before the secret
 * (its line, at most SG_RULE_CONTEXT bytes back) through the secret's
 * end: the key a value is given to, which the match may not include.
 */
static int context_allows(const struct sg_secret_rule *r, const char *text,
			  size_t s, size_t e)
{
	size_t b = s;

	while (b > 0 && s - b < SG_RULE_CONTEXT && text[b - 1] != '\n')
		b--;
	return sg_regex_match(r->allow_context, text + b, e - b, NULL, NULL,
			      NULL) == 1;
}

/*
 * The leftmost match of `r` in [*from, end) of `text`, as pcre2's own
 * scan finds it; a rule whose matches start only at its words (anchor.c)
 * is tried at those alone. 1 (ov set), 0 none, < 0 error or limit.
 */
static int next_match(const struct sg_rules *rules,
		      const struct sg_secret_rule *r, const char *text,
		      size_t end, size_t *from, int cut, size_t *ov,
		      size_t ovn, struct sg_buf *err)
{
	const struct sg_anchor *a = rules->pre->anchor[r - rules->v];

	if (!a)
		return sg_regex_exec_window(r->re, text, end, *from, cut, ov,
					    ovn, err);
	for (;;) {
		size_t at = sg_anchor_next(a, text, end, *from);
		int m;

		if (at >= end)
			return 0;
		m = sg_regex_exec_window(sg_anchor_regex(a), text, end, at,
					 cut, ov, ovn, err);
		if (m != 0)
			return m;
		*from = at + 1;
	}
}

/*
 * Report the matches of rule `r` in [from, end) of `text` (`end` < len:
 * a window, whose end is no line end unless a newline follows it).
 */
static int scan_span(const struct sg_rules *rules,
		     const struct sg_secret_rule *r, const char *text,
		     size_t len, size_t from, size_t end,
		     struct exempt_spans *exempt, sg_hit_fn fn, void *payload,
		     struct sg_buf *err)
{
	size_t ov[2 * (SG_MAX_RULE_GROUP + 1)];
	int cut = end < len && text[end] != '\n' && text[end] != '\r';
	int ret = 0;

	while (ret == 0 && from <= end) {
		size_t s, e;
		int m = next_match(rules, r, text, end, &from, cut, ov,
				   SG_ARRAY_SIZE(ov), err);
		int failed = 0;

		if (m <= 0)
			return m;
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		s = ov[2 * r->group];
		e = ov[2 * r->group + 1];
		if (s == SIZE_MAX || e <= s)
			continue;
		if (r->entropy > 0 && sg_entropy(text + s, e - s) < r->entropy)
			continue;
		if (r->allow && sg_regex_match(r->allow, text + s, e - s, NULL,
					       NULL, NULL) == 1) {
			remember_span(exempt, s, e);
			continue;
		}
		/* the key says it is no credential (description-key) */
		if (r->allow_context && context_allows(r, text, s, e))
			continue;
		/* a value a rule's allow exempts (AWS's EXAMPLE key)
		   is not reported by a generic rule either */
		if (r->generic && overlaps(exempt, s, e))
			continue;
		if (r->generic && not_a_secret(rules, text + s, e - s, err,
					       &failed))
			continue;
		if (failed)
			return failed;
		ret = fn(r, text, len, s, e, payload, err);
	}
	return ret;
}

int sg_rules_scan(const struct sg_rules *rules, const char *text, size_t len,
		  const struct timespec *deadline, sg_hit_fn fn, void *payload,
		  struct sg_buf *err)
{
	size_t n = rules->nr ? rules->nr : 1;
	char *hit = sg_malloc(n);
	struct windows *win = sg_calloc(n, sizeof(*win));
	struct exempt_spans exempt = { 0 };
	int ret = 0;

	prefilter(rules, text, len, hit, win);
	for (size_t i = 0; i < rules->nr && ret == 0; i++) {
		const struct sg_secret_rule *r = &rules->v[i];

		if (!hit[i])
			continue;
		/* one huge text must not outrun the push's time budget */
		if (len > (1u << 20) && sg_deadline_passed(deadline)) {
			ret = sg_error(err, SG_EDEADLINE, "the secret scan ran "
				       "out of time");
			break;
		}
		if (!r->near) {
			ret = scan_span(rules, r, text, len, 0, len, &exempt,
					fn, payload, err);
			continue;
		}
		for (size_t w = 0; w < win[i].nr && ret == 0; w++)
			ret = scan_span(rules, r, text, len, win[i].v[w][0],
					win[i].v[w][1], &exempt, fn, payload,
					err);
	}
	for (size_t i = 0; i < rules->nr; i++)
		free(win[i].v);
	free(win);
	free(hit);
	return ret;
}

const char *sg_rules_credential_file(const struct sg_rules *rules,
				     const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < rules->files.nr; i++)
		if (fnmatch(rules->files.v[i], base, FNM_CASEFOLD) == 0)
			return rules->files.v[i];
	return NULL;
}

/* ---- judgements ----------------------------------------------------------- */

/* A byte that ends a URL in code, markup or prose. */
static int url_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' ||
	       c == '\'' || c == '<' || c == '>' || c == '`' || c == '(' ||
	       c == ')' || c == '\\' || c == '\0';
}

/*
 * The value of query parameter `name` in [b, e), copied URL-decoded
 * (%3A) into out; 0 when absent. Parameters follow '?', '&' or ';'
 * ("&amp;" in XML ends in ';').
 */
/*
 * sscanf(v + 1, "%2x") without the strlen() that sscanf does first: on
 * a text of megabytes that made every %XX of a SAS URL read to the end
 * of the text. What it reads is the same: spaces, then at most two
 * characters (`tend` is the text's end).
 */
static int hex_escape(const char *v, const char *tend, unsigned int *c)
{
	const char *p = v + 1;
	char two[3] = { 0 };

	while (p < tend && isspace((unsigned char)*p))
		p++;
	for (size_t i = 0; i < 2 && p + i < tend; i++)
		two[i] = p[i];
	return sscanf(two, "%2x", c) == 1;
}

static int query_param(struct sg_buf *out, const char *b, const char *e,
		       const char *tend, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = b; p + nl < e; p++) {
		const char *v;

		if ((*p != '?' && *p != '&' && *p != ';') ||
		    strncasecmp(p + 1, name, nl) || p[1 + nl] != '=')
			continue;
		for (v = p + 2 + nl; v < e && *v != '&' && *v != ';'; v++) {
			unsigned int c;

			if (*v == '%' && e - v >= 3 &&
			    hex_escape(v, tend, &c)) {
				sg_buf_addch(out, (char)c);
				v += 2;
			} else {
				sg_buf_addch(out, *v);
			}
		}
		return 1;
	}
	return 0;
}

/* "2024-03-29", "2024-03-29T12:11:32Z" (UTC) into *out; < 0: not a time. */
static int parse_se(time_t *out, const char *s)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &n) != 3 || n != 10)
		return SG_ERROR;
	if (s[10] == 'T' && sscanf(s + 11, "%2d:%2d:%2d", &tm.tm_hour,
				   &tm.tm_min, &tm.tm_sec) < 2)
		return SG_ERROR;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31)
		return SG_ERROR;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static enum sg_verdict judge_sas(const char *text, size_t len, size_t start,
				 time_t now, struct sg_buf *why)
{
	const char *b = text + start, *e = text + start;
	struct sg_buf se = SG_BUF_INIT(64), sp = SG_BUF_INIT(64);
	enum sg_verdict v = SG_VERDICT_SECRET;
	int has_se, has_sp, read_only = 1;
	time_t until = 0;

	/* the URL (or bare token) the signature sits in */
	while (b > text && !url_end(b[-1]) && text + start - b < 4096)
		b--;
	while (e < text + len && !url_end(*e) && e - (text + start) < 4096)
		e++;
	has_se = query_param(&se, b, e, text + len, "se");
	has_sp = query_param(&sp, b, e, text + len, "sp");
	for (size_t i = 0; i < sp.len; i++)
		if (sp.buf[i] != 'r' && sp.buf[i] != 'l')
			read_only = 0;
	if (!has_se) {
		sg_buf_adds(why, "no expiry (se=): it stays valid until its "
			    "key is rotated");
	} else if (parse_se(&until, se.buf) < 0) {
		sg_buf_adds(why, "an expiry (se=) that cannot be read");
	} else if (until > now) {
		sg_buf_addf(why, "live until %.20s", se.buf);
	} else if (!has_sp || !sp.len || !read_only) {
		sg_buf_addf(why, "expired %.20s but grants '%.16s' (sp=), "
			    "not read only", se.buf, has_sp ? sp.buf : "");
	} else {
		sg_buf_addf(why, "expired %.20s and read only (sp=%.16s): "
			    "no longer grants anything", se.buf, sp.buf);
		v = SG_VERDICT_NOTE;
	}
	sg_buf_release(&se);
	sg_buf_release(&sp);
	return v;
}

/* Offline: the checksum a token carries (GitHub, npm, Grafana; checksum.h). */
static enum sg_verdict judge_checksum(const char *tok, size_t len,
				      struct sg_buf *why)
{
	int ok = sg_checksum_token(tok, len);

	/*
	 * Every token these providers issue carries a CRC-32 of its random
	 * part: one whose checksum fails was never issued (made up, or
	 * mistyped), so it is shown but does not block. A shape the check
	 * does not know (ok < 0) stays a secret.
	 */
	if (ok == 1)
		sg_buf_adds(why, "verified format: its checksum holds");
	if (ok != 0)
		return SG_VERDICT_SECRET;
	sg_buf_adds(why, "its checksum fails, so its provider never issued "
		    "it (a made-up or mistyped value)");
	return SG_VERDICT_DOUBT;
}

enum sg_verdict sg_rules_judge(const struct sg_secret_rule *rule,
			       const char *text, size_t len, size_t start,
			       size_t end, time_t now, struct sg_buf *why)
{
	switch (rule->judge) {
	case SG_JUDGE_NONE:
		return SG_VERDICT_SECRET;
	case SG_JUDGE_SAS:
		return judge_sas(text, len, start, now, why);
	case SG_JUDGE_CHECKSUM:
		return judge_checksum(text + start, end - start, why);
	}
	SG_BUG("bad judge %d", (int)rule->judge);
}
