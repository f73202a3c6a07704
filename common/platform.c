/*
 * platform.c -- read what GitLab (Gitaly), Gitea, gitolite, GHES, ssh
 * and smart http hand a hook, so the rest of the code sees one thing.
 *
 * Quarantine: git receive-pack puts the pushed objects in a temporary
 * directory and tells hooks GIT_QUARANTINE_PATH, GIT_OBJECT_DIRECTORY
 * (the same directory) and GIT_ALTERNATE_OBJECT_DIRECTORIES (the
 * repository's objects). Gitaly drops GIT_QUARANTINE_PATH for custom
 * hooks and keeps the other two, so GIT_OBJECT_DIRECTORY is the
 * quarantine whenever it is not the repository's own object directory.
 * An alternate we do not know would hide pushed objects from the scan
 * (they would count as the server's), so it refuses the push instead.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "hook.h"
#include "platform.h"
#include "banned.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* realpath() of `path`, or "" when it does not resolve. */
static void resolve(char out[PATH_MAX], const char *path)
{
	if (!realpath(path, out))
		out[0] = '\0';
}

/*
 * Undo git's C-style quoting of one alternate ("..." with \\, \", \t,
 * \n and octal escapes) from [p, end) into `out`; *p moves past it.
 */
static int unquote(struct sg_buf *out, const char **p, const char *end)
{
	const char *s = *p + 1;

	while (s < end && *s != '"') {
		if (*s != '\\') {
			sg_buf_addch(out, *s++);
			continue;
		}
		if (++s >= end)
			return SG_ERROR;
		if (*s >= '0' && *s <= '3' && end - s >= 3) {
			sg_buf_addch(out, (char)((s[0] - '0') << 6 |
						 (s[1] - '0') << 3 |
						 (s[2] - '0')));
			s += 3;
			continue;
		}
		sg_buf_addch(out, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
		s++;
	}
	if (s >= end)
		return SG_ERROR;
	*p = s + 1;
	return 0;
}

/* Is `dir` the repository's objects or listed in its info/alternates? */
static int known_alternate(const char *dir, const char *gitdir)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char want[PATH_MAX], have[PATH_MAX], objects[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ok;

	resolve(want, dir);
	sg_buf_addf(&path, "%s/objects", gitdir);
	resolve(objects, path.buf);
	ok = *want && !strcmp(want, objects);
	sg_buf_adds(&path, "/info/alternates");
	f = ok ? NULL : fopen(path.buf, "r");
	while (f && !ok && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!*line || *line == '#')
			continue;
		sg_buf_reset(&path);
		if (*line == '/')
			sg_buf_adds(&path, line);
		else
			sg_buf_addf(&path, "%s/%s", objects, line);
		resolve(have, path.buf);
		ok = *have && !strcmp(want, have);
	}
	if (f)
		fclose(f);
	free(line);
	sg_buf_release(&path);
	return ok;
}

/* Every entry of GIT_ALTERNATE_OBJECT_DIRECTORIES is the server's. */
static int check_alternates(const char *list, const char *gitdir,
			    struct sg_buf *err)
{
	struct sg_buf dir = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *p = list, *end = list + strlen(list);
	int ret = 0;

	while (ret == 0 && p < end) {
		sg_buf_reset(&dir);
		if (*p == '"') {
			if (unquote(&dir, &p, end) < 0)
				ret = sg_error(err, SG_ERROR, "bad quoting in "
					       "GIT_ALTERNATE_OBJECT_DIRECTORIES");
		} else {
			const char *colon = memchr(p, ':', (size_t)(end - p));
			size_t n = colon ? (size_t)(colon - p)
					 : (size_t)(end - p);

			sg_buf_add(&dir, p, n);
			p += n;
		}
		if (ret == 0 && p < end && *p++ != ':')
			ret = sg_error(err, SG_ERROR, "bad quoting in "
				       "GIT_ALTERNATE_OBJECT_DIRECTORIES");
		if (ret == 0 && dir.len && !known_alternate(dir.buf, gitdir))
			ret = sg_error(err, SG_ERROR, "object directory '%s' "
				       "(GIT_ALTERNATE_OBJECT_DIRECTORIES) is "
				       "not the repository's: cannot tell what "
				       "the push brings", dir.buf);
	}
	sg_buf_release(&dir);
	return ret;
}

int sg_platform_quarantine(struct sg_buf *out, const char *gitdir,
			   struct sg_buf *err)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *q = env("GIT_QUARANTINE_PATH");
	const char *objdir = env("GIT_OBJECT_DIRECTORY");
	const char *alts = env("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	char mine[PATH_MAX], given[PATH_MAX];
	int ret = 0;

	sg_buf_reset(out);
	if (q) {
		sg_buf_adds(out, q);
		return 0;
	}
	if (!objdir)
		return 0;
	sg_buf_addf(&path, "%s/objects", gitdir);
	resolve(mine, path.buf);
	resolve(given, objdir);
	if (!*given)
		ret = sg_error(err, SG_ERROR, "GIT_OBJECT_DIRECTORY '%s' does "
			       "not exist", objdir);
	else if (strcmp(mine, given)) {
		ret = alts ? check_alternates(alts, gitdir, err) : 0;
		if (ret == 0)
			sg_buf_adds(out, given);
	}
	sg_buf_release(&path);
	return ret;
}

/* SG_ENOTFOUND: no such file; < 0: it exists but may not be trusted. */
static int admin_file(const char *path, const char *what, struct sg_buf *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? SG_ENOTFOUND
		       : sg_error(err, SG_ERROR, "cannot read policy '%s' "
				  "(%s): %s", path, what, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sg_error(err, SG_ERROR, "policy '%s' (%s) is not a "
				"regular file", path, what);
	if (st.st_mode & 022)
		return sg_error(err, SG_ERROR, "policy '%s' (%s) is writable "
				"by group or others (mode %03o)", path, what,
				(unsigned)(st.st_mode & 0777));
	return 0;
}

int sg_platform_policy_path(struct sg_buf *out, const char *gitdir,
			    struct sg_buf *err)
{
	const char *set = env(SG_POLICY_ENV);
	char exe[PATH_MAX];
	ssize_t n;
	int ret;

	sg_buf_reset(out);
	if (set) {
		if (*set != '/')
			return sg_error(err, SG_ERROR, SG_POLICY_ENV " '%s' is "
					"not an absolute path", set);
		ret = admin_file(set, SG_POLICY_ENV, err);
		if (ret == SG_ENOTFOUND)
			ret = sg_error(err, SG_ERROR, "policy '%s' (%s) does "
				       "not exist", set, SG_POLICY_ENV);
		if (ret == 0)
			sg_buf_adds(out, set);
		return ret;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			slash[1] = '\0';
			sg_buf_addf(out, "%s%s", exe, SG_POLICY_BESIDE_EXE);
			ret = admin_file(out->buf, "beside the hook", err);
			if (ret != SG_ENOTFOUND)
				return ret;
		}
	}
	sg_buf_reset(out);
	sg_buf_addf(out, "%s/%s", gitdir, SG_POLICY_FILE);
	return 0;
}
