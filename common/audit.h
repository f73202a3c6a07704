/*
 * audit.h -- the tamper-evident audit log: one JSON Lines record per
 * ref decision, each carrying the SHA-256 of the record before it; the
 * first record of a log is a seed with 32 random bytes. Each decision
 * can also go to syslog (a local socket, a collector over UDP or TCP)
 * with its sequence number and hash, an outside copy of the chain.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

#include <stddef.h>
#include <stdio.h>

struct sg_buf;
struct sg_push;
struct sg_report;
struct sg_policy;

#define SG_AUDIT_DEFAULT_PATH "stagegate/audit.log"
#define SG_PUSH_ID_LEN 12
/* RFC 5424 structured-data id of our syslog lines (RFC 5612's example PEN) */
#define SG_SYSLOG_SD_ID "stagegate@32473"
/* The repository path in a syslog line is cut after this many bytes. */
#define SG_SYSLOG_MAX_REPO 256

/* What the hook decided, for the record. */
struct sg_audit_entry {
	const char *repo;		/* absolute path of the repository */
	const char *hook;		/* "pre-receive" or "update" */
	const char *policy_digest;	/* NULL when the policy did not load */
	const struct sg_push *push;	/* its updates; may hold none */
	const struct sg_report *report;	/* NULL after an internal error */
	const char *pusher, *pusher_source;	/* may be NULL */
	const char *error;		/* the internal error, or NULL */
	long duration_ms;
	const char *decision;		/* "landed": a record of type landed */
	const struct sg_report *verdicts; /* each update's verdict; may be NULL */
};

/* Where records go: the log file, or only syslog, or only stderr. */
enum sg_audit_sink { SG_SINK_FILE, SG_SINK_SYSLOG, SG_SINK_STDERR };

/*
 * Where the log of the repository at `gitdir` is: an absolute audit.path
 * as it is (then it may be shared by several repositories), else relative
 * to `gitdir`. The writer and the readers of the hooks ask here.
 */
void sg_audit_log_path(struct sg_buf *out, const char *gitdir,
		       const char *audit_path);

/* "file", "syslog" or "stderr"; < 0 for anything else. */
int sg_audit_sink_parse(const char *name);

struct sg_audit_options {
	const char *path;		/* the log file */
	size_t rotate_bytes;		/* 0: never rotate */
	const char *syslog_socket;	/* NULL: no forwarding */
	const char *syslog_remote;	/* "udp://H:P", "tcp://H:P" or NULL */
	enum sg_audit_sink sink;	/* 0: the file */
	FILE *stream;			/* SG_SINK_STDERR writes here */
};

/* A collector's address, from "udp://HOST:PORT" or "tcp://HOST:PORT". */
struct sg_syslog_remote {
	int tcp;			/* RFC 6587 octet counting; else RFC 5426 */
	char host[256];			/* a name or address; [v6] without [] */
	char port[6];
};

/* Parse `url` into *out; < 0 with the reason in err when it is not one. */
int sg_audit_parse_remote(struct sg_syslog_remote *out, const char *url,
			  struct sg_buf *err);

/* A fresh random push id (hex) into `id`; record ids are "<id>.<n>". */
void sg_audit_new_push_id(char id[SG_PUSH_ID_LEN + 1]);

/*
 * Append one record per update (one record with no ref when the push
 * could not be read) under an exclusive lock, each in a single write,
 * then fsync. Any failure is an error: the caller refuses the push.
 *
 * Files it creates honour core.sharedRepository of `e->repo` and take
 * the group of their directory. A log found cut short of its head (or
 * its head missing) gets a "head-mismatch" record first, which verify
 * reports. A syslog sink that cannot be reached is noted in the records
 * ("syslog_error"), never printed: it does not refuse the push.
 *
 * With opt->sink SG_SINK_SYSLOG or SG_SINK_STDERR there is no file: the
 * records go only there, chained within the push, and one that cannot
 * be delivered is an error (no record, no push).
 */
int sg_audit_append(const struct sg_audit_options *opt,
		    const struct sg_audit_entry *e, const char *push_id,
		    struct sg_buf *err);


#endif
