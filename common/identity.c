/*
 * identity.c -- resolve the pusher from the platform's variables.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "identity.h"
#include "policy.h"
#include "banned.h"

/* A login is printable and short; anything else is refused, not trusted. */
static int plausible_login(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 255)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

int sg_identity_resolve(struct sg_pusher *out, const struct sg_strlist *order,
			struct sg_buf *err)
{
	out->login = NULL;
	out->source = NULL;
	for (size_t i = 0; i < order->nr; i++) {
		const char *src = order->v[i], *v;

		if (!strcmp(src, "unix")) {
			struct passwd *pw = getpwuid(geteuid());

			if (!pw)
				return sg_error(err, SG_ERROR, "cannot name "
						"the unix user %ld",
						(long)geteuid());
			out->login = sg_strdup(pw->pw_name);
			out->source = "unix";
			return 0;
		}
		v = getenv(src);
		if (!v || !*v)
			continue;
		if (!plausible_login(v))
			return sg_error(err, SG_ERROR, "%s holds a value that "
					"is not a login", src);
		out->login = sg_strdup(v);
		out->source = src;
		return 0;
	}
	return sg_error(err, SG_ERROR, "no pusher identity: none of the "
			"policy's identity sources is set");
}

void sg_identity_release(struct sg_pusher *p)
{
	free(p->login);
	p->login = NULL;
}
