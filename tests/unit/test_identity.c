#include <criterion/criterion.h>
#include <pwd.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../common/buf.h"
#include "../../common/identity.h"
#include "../../common/policy.h"

static void order(struct sg_strlist *l, const char **v)
{
	for (; *v; v++)
		sg_strlist_add(l, *v);
}

Test(identity, first_set_source_wins)
{
	struct sg_strlist l = { 0 };
	struct sg_pusher p;
	const char *o[] = { "GL_USERNAME", "GL_USER", "REMOTE_USER", "unix", NULL };

	order(&l, o);
	unsetenv("GL_USERNAME");
	setenv("GL_USER", "", 1);
	setenv("REMOTE_USER", "carol", 1);
	cr_assert_eq(sg_identity_resolve(&p, &l, NULL), 0);
	cr_assert_str_eq(p.login, "carol");
	cr_assert_str_eq(p.source, "REMOTE_USER");
	sg_identity_release(&p);
	setenv("GL_USERNAME", "gl-bob", 1);
	cr_assert_eq(sg_identity_resolve(&p, &l, NULL), 0);
	cr_assert_str_eq(p.login, "gl-bob");
	sg_identity_release(&p);
	sg_strlist_release(&l);
}

Test(identity, unix_fallback)
{
	struct sg_strlist l = { 0 };
	struct sg_pusher p;
	const char *o[] = { "GITEA_PUSHER_NAME", "unix", NULL };

	order(&l, o);
	unsetenv("GITEA_PUSHER_NAME");
	cr_assert_eq(sg_identity_resolve(&p, &l, NULL), 0);
	cr_assert_str_eq(p.source, "unix");
	cr_assert_str_eq(p.login, getpwuid(geteuid())->pw_name);
	sg_identity_release(&p);
	sg_strlist_release(&l);
}

Test(identity, nothing_set_or_garbage_is_an_error)
{
	struct sg_strlist l = { 0 };
	struct sg_pusher p;
	struct sg_buf err = SG_BUF_INIT(1024);
	const char *o[] = { "GITHUB_USER_LOGIN", NULL };

	order(&l, o);
	unsetenv("GITHUB_USER_LOGIN");
	cr_assert_lt(sg_identity_resolve(&p, &l, &err), 0);
	setenv("GITHUB_USER_LOGIN", "a b", 1);
	cr_assert_lt(sg_identity_resolve(&p, &l, &err), 0);
	cr_assert(strstr(err.buf, "GITHUB_USER_LOGIN"));
	sg_strlist_release(&l);
	sg_buf_release(&err);
}
