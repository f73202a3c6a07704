/*
 * pre-receive.c -- stagegate-pre-receive: checks the whole push before
 * git moves any ref or lets the pushed objects out of quarantine.
 */
#include <stdio.h>

#include "../common/hook.h"

int main(void)
{
	if (sg_hook_setup() < 0) {
		fputs("stagegate: cannot start libgit2; push REJECTED\n",
		      stderr);
		return SG_EXIT_INTERNAL;
	}
	return sg_hook_pre_receive(stdin, stderr);
}
