/*
 * hook.h -- what the hook mains run: read, load, check, tell, record.
 * Returns the hook's exit status (enum sg_exit).
 */
#ifndef SG_HOOK_H
#define SG_HOOK_H

#include <stdio.h>

enum sg_exit {
	SG_EXIT_ACCEPT = 0,
	SG_EXIT_REJECT = 1,	/* refused by policy */
	SG_EXIT_INTERNAL = 2,	/* refused because something failed */
};

/* Where the hooks find their policy inside the repository. */
#define SG_POLICY_FILE "stagegate/policy.yaml"

/* Set libgit2 up for hooks; main calls this first. */
int sg_hook_setup(void);
/* The pre-receive hook: updates on `in`, messages on `out`. */
int sg_hook_pre_receive(FILE *in, FILE *out);
/* The update hook: one ref, re-checked as a second line of defence. */
int sg_hook_update(const char *ref, const char *old_hex, const char *new_hex,
		   FILE *out);

/*
 * The post-receive hook: records "landed" for each ref git really
 * updated (another hook may have refused what stagegate accepted).
 * It cannot refuse anything; SG_EXIT_INTERNAL when nothing was recorded.
 */
int sg_hook_post_receive(FILE *in, FILE *out);

#endif
