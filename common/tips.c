/*
 * tips.c -- a ref's past tips, read back from the audit log.
 *
 * First-parent history is what a pusher writes; the audit log is what
 * the server saw. Each decision record holds the ref's value before the
 * push ("old", from git itself) and, when accepted, after it ("new"):
 * together they are every tip the ref had since stagegate was installed.
 * The records are found by their exact JSON text, so no parser is
 * needed: the log writer escapes the ref the same way every time.
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
#include "tips.h"
#include "banned.h"

struct needle {
	struct sg_buf ref, old, new;
};

static int line_matches(const struct needle *n, const char *line)
{
	/*
	 * Accepted decisions only: a refused command's "old" is the
	 * pusher's claim (git checks it after pre-receive, which refuses
	 * a stale one: push.stale), not a value the ref held.
	 */
	if (!strstr(line, n->ref.buf) || !strstr(line, "\"type\":\"decision\"") ||
	    (!strstr(line, "\"decision\":\"accepted\"") &&
	     !strstr(line, "\"decision\":\"break-glass\"")))
		return 0;
	return strstr(line, n->old.buf) || strstr(line, n->new.buf);
}

static int search_file(const struct needle *n, const char *path,
		       struct sg_buf *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f) {
		if (fd >= 0)
			close(fd);
		if (errno == ENOENT)
			return 0;
		return sg_error(err, SG_ERROR, "cannot read the audit log "
				"'%s': %s", path, strerror(errno));
	}
	while (!found && getline(&line, &cap, f) > 0)
		found = line_matches(n, line);
	free(line);
	fclose(f);
	return found;
}

int sg_tips_was_tip(const char *log, const char *ref, const git_oid *id,
		    struct sg_buf *err)
{
	struct needle n = { SG_BUF_INIT(SG_BUF_TEXT_MAX),
			    SG_BUF_INIT(128), SG_BUF_INIT(128) };
	struct sg_buf pattern = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char hex[GIT_OID_HEXSZ + 1];
	glob_t rotated = { 0 };
	int ret;

	git_oid_tostr(hex, sizeof(hex), id);
	sg_buf_adds(&n.ref, "\"ref\":");
	sg_escape_json(&n.ref, ref);
	sg_buf_addf(&n.old, "\"old\":\"%s\"", hex);
	sg_buf_addf(&n.new, "\"new\":\"%s\"", hex);
	ret = search_file(&n, log, err);
	/* rotated files: "<log>.<UTC stamp>", oldest first */
	sg_buf_addf(&pattern, "%s.[0-9]*Z", log);
	if (ret == 0 && glob(pattern.buf, 0, NULL, &rotated) == 0)
		for (size_t i = 0; ret == 0 && i < rotated.gl_pathc; i++)
			ret = search_file(&n, rotated.gl_pathv[i], err);
	globfree(&rotated);
	sg_buf_release(&pattern);
	sg_buf_release(&n.ref);
	sg_buf_release(&n.old);
	sg_buf_release(&n.new);
	return ret;
}
