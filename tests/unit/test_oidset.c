#include <criterion/criterion.h>
#include <git2.h>
#include <stdio.h>

#include "../../common/oidset.h"

Test(oidset, insert_contains_grows)
{
	struct sg_oidset s = SG_OIDSET_INIT;
	git_oid id;

	for (int i = 0; i < 5000; i++) {
		char hex[41];

		snprintf(hex, sizeof(hex), "%08x%032x", i * 2654435761u, i);
		git_oid_fromstr(&id, hex);
		cr_assert_eq(sg_oidset_insert(&s, &id), 1);
		cr_assert_eq(sg_oidset_insert(&s, &id), 0);
	}
	cr_assert_eq(s.nr, 5000);
	git_oid_fromstr(&id, "00000000ffffffffffffffffffffffffffffffff");
	cr_assert_not(sg_oidset_contains(&s, &id));
	sg_oidset_release(&s);
	cr_assert_not(sg_oidset_contains(&s, &id));
}
