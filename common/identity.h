/*
 * identity.h -- who is pushing, as the hosting platform tells it.
 */
#ifndef SG_IDENTITY_H
#define SG_IDENTITY_H

struct sg_buf;
struct sg_strlist;

struct sg_pusher {
	char *login;
	const char *source;	/* the variable it came from, or "unix" */
};

/*
 * Take the first source of `order` that is set and not empty:
 * GL_USERNAME, GITHUB_USER_LOGIN, GITEA_PUSHER_NAME, GL_USER,
 * REMOTE_USER, or "unix" (the effective user of the hook).
 */
int sg_identity_resolve(struct sg_pusher *out, const struct sg_strlist *order,
			struct sg_buf *err);
void sg_identity_release(struct sg_pusher *p);

#endif
