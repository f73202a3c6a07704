/*
 * msg.h -- all text the pusher sees. Every violation on its own line
 * with its rule id, ref, commit, path and line, then the fix. Each line
 * is escaped as a whole (escape.h) on its way out: callers pass the
 * pusher's text as it is, and nothing of it reaches the terminal raw.
 */
#ifndef SG_MSG_H
#define SG_MSG_H

#include <stdio.h>

struct sg_push;
struct sg_report;

/*
 * Whether the pusher's lines go to GitLab (GL_ID is set), which shows a
 * refusal only from lines that start with GL-HOOK-ERR:. The mains read
 * the environment once at their start and say so here; default: no.
 */
void sg_msg_set_gitlab(int on);
/* Prefix of refusal lines: "GL-HOOK-ERR: stagegate: " under GitLab. */
const char *sg_msg_prefix(void);
/* The whole decision: per ref, every finding, then a summary line. */
void sg_msg_report(FILE *out, const struct sg_push *push,
		   const struct sg_report *r, const char *audit_id);
/* Fail closed: the reason, and that nothing was updated. */
void sg_msg_internal_error(FILE *out, const char *reason,
			   const char *audit_id);
/* One printf-style line that explains a refusal (GL-HOOK-ERR: on GitLab). */
void sg_msg_line(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One printf-style line that explains no refusal ("stagegate: " only). */
void sg_msg_info(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
