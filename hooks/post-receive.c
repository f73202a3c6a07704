/*
 * post-receive.c -- stagegate-post-receive: records which refs really
 * landed, after every other hook had its say (it cannot refuse).
 */
#include <stdio.h>

#include "../common/hook.h"

int main(void)
{
	if (sg_hook_setup() < 0) {
		fputs("stagegate: cannot start libgit2; nothing recorded\n",
		      stderr);
		return SG_EXIT_INTERNAL;
	}
	return sg_hook_post_receive(stdin, stderr);
}
