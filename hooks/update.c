/*
 * update.c -- stagegate-update: re-checks one ref as a second line of
 * defence behind pre-receive (git runs it once per ref).
 */
#include <stdio.h>

#include "../common/hook.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: stagegate-update REF OLD NEW (run by git as the "
		      "update hook)\n", stderr);
		return SG_EXIT_INTERNAL;
	}
	if (sg_hook_setup() < 0) {
		fputs("stagegate: cannot start libgit2; push REJECTED\n",
		      stderr);
		return SG_EXIT_INTERNAL;
	}
	return sg_hook_update(argv[1], argv[2], argv[3], stderr);
}
