/*
 * tips.c -- a ref's past tips, read back from the audit log.
 *
 * First-parent history is what a pusher writes; the audit log is what
 * the server saw. Each decision record holds the ref's value before the
 * push ("old", from git itself) and, when accepted, after it ("new"):
 * together they are every tip the ref had since stagegate was installed.
 * Lines are first picked by the commit id's text (cheap: most lines do
 * not hold it), then parsed, and the fields compared exactly.
 *
 * A log at an absolute audit.path may be shared by several
 * repositories: there a record counts only when its "repository" (the
 * canonical path of the bare repository, hook.c's record()) is ours,
 * or another repository's prod tips would become rollback targets here.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "escape.h"
#include "json.h"
#include "tips.h"
#include "banned.h"

struct needle {
	char *repo;		/* NULL: the repository's own log */
	char *ref;
	char hex[GIT_OID_HEXSZ + 1];
};

/*
 * `s` as a parsed record holds it: the writer stores a byte that is
 * not UTF-8 as the Latin-1 code point of the same number, so compare
 * with what its own escaping reads back as. NULL if it does not fit.
 */
static char *as_recorded(const char *s)
{
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_json v = { 0 };
	char *out = NULL;

	if (sg_escape_json(&text, s) == 0 &&
	    sg_json_parse(&v, text.buf, text.len, NULL) == 0 &&
	    v.kind == SG_JSON_STRING)
		out = sg_strdup(v.string);
	sg_json_release(&v);
	sg_buf_release(&text);
	return out;
}

static int is(const struct sg_json *rec, const char *key, const char *want)
{
	const char *got = sg_json_str(rec, key, NULL);

	return got && !strcmp(got, want);
}

static int record_matches(const struct needle *n, const struct sg_json *rec)
{
	/*
	 * Accepted decisions only: a refused command's "old" is the
	 * pusher's claim (git checks it after pre-receive, which refuses
	 * a stale one: push.stale), not a value the ref held.
	 */
	if (!is(rec, "type", "decision") || !is(rec, "ref", n->ref) ||
	    (!is(rec, "decision", "accepted") &&
	     !is(rec, "decision", "break-glass")))
		return 0;
	/* a shared log: a record without a repository is nobody's */
	if (n->repo && !is(rec, "repository", n->repo))
		return 0;
	return is(rec, "old", n->hex) || is(rec, "new", n->hex);
}

static int line_matches(const struct needle *n, const char *line,
			size_t len)
{
	struct sg_json rec;
	int found;

	if (!strstr(line, n->hex))
		return 0;
	/* a damaged line proves nothing (verify reports it): no target */
	if (sg_json_parse(&rec, line, len, NULL) < 0)
		return 0;
	found = rec.kind == SG_JSON_OBJECT && record_matches(n, &rec);
	sg_json_release(&rec);
	return found;
}

static int search_file(const struct needle *n, const char *path,
		       struct sg_buf *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int found = 0;

	if (!f) {
		if (fd >= 0)
			close(fd);
		if (errno == ENOENT)
			return 0;
		return sg_error(err, SG_ERROR, "cannot read the audit log "
				"'%s': %s", path, strerror(errno));
	}
	while (!found && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		found = line_matches(n, line, (size_t)len);
	}
	free(line);
	fclose(f);
	return found;
}

int sg_tips_was_tip(const char *log, const char *repo, const char *ref,
		    const git_oid *id, struct sg_buf *err)
{
	struct needle n = { NULL, as_recorded(ref), "" };
	struct sg_buf pattern = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	glob_t rotated = { 0 };
	int ret = 0;

	git_oid_tostr(n.hex, sizeof(n.hex), id);
	if (repo)
		n.repo = as_recorded(repo);
	if (!n.ref || (repo && !n.repo))
		ret = sg_error(err, SG_ELIMIT, "cannot look up '%s' in the "
			       "audit log: name too long", ref);
	if (ret == 0)
		ret = search_file(&n, log, err);
	/* rotated files: "<log>.<UTC stamp>", oldest first */
	sg_buf_addf(&pattern, "%s.[0-9]*Z", log);
	if (ret == 0 && glob(pattern.buf, 0, NULL, &rotated) == 0)
		for (size_t i = 0; ret == 0 && i < rotated.gl_pathc; i++)
			ret = search_file(&n, rotated.gl_pathv[i], err);
	globfree(&rotated);
	sg_buf_release(&pattern);
	free(n.repo);
	free(n.ref);
	return ret;
}
