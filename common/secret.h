/*
 * secret.h -- the secret gate, and the same scanner for files outside
 * any push (stagegate scan).
 */
#ifndef SG_SECRET_H
#define SG_SECRET_H

#include <git2.h>
#include <stddef.h>
#include <time.h>

#include "policy.h"
#include "report.h"

struct sg_buf;
struct sg_rules;
struct sg_policy;

/* How sure a finding is, as bits (the policy's secrets.warn_only). */
#define SG_CONFIDENCE_GENERIC	1u	/* a key = value guess */
#define SG_CONFIDENCE_SHAPED	2u	/* a provider's token format */
#define SG_CONFIDENCE_VERIFIED	4u	/* ... whose checksum holds */

/* The bit of a confidence name ("generic"...), 0 for an unknown one. */
unsigned sg_confidence_bit(const char *name);

/* One scan: where the findings go and what the content is. */
struct sg_scan {
	const struct sg_rules *rules;
	const struct sg_policy *pol;	/* allowlists; may be NULL */
	struct sg_report *report;
	const char *ref;		/* "" outside a push */
	const git_oid *commit;		/* NULL outside a push */
	struct timespec deadline;	/* tv_sec 0: none */
	size_t max_blob;
	/* the previous version of the file, for "already on the server" */
	const char *old_text;
	size_t old_len;
	/* fingerprints the previous version already had, read on demand */
	struct sg_strlist old_found;
	int old_scanned;
	/* non-NULL: record fingerprints here instead of reporting */
	struct sg_strlist *collect;
	size_t max_findings;		/* 0: SG_MAX_SECRET_FINDINGS */
	size_t nr_findings;		/* counted when scanning alone */
	int stopped;			/* a deadline or finding limit hit */
	size_t zip_total;
	/* file names are checked by the gate's walk of new trees instead */
	int names_scanned;
	/* findings of these confidences warn instead of refusing */
	unsigned warn_confidence;
	/* non-zero: report only findings of these confidences */
	unsigned only_confidence;
	/* shared by worker threads; NULL when scanning alone */
	_Atomic size_t *shared_findings;
	_Atomic int *shared_stop;
};

/*
 * Scan one file's bytes (decoding BOMs, UTF-16, base64, and zip
 * archives inside) and add findings for `path`. < 0 only on errors;
 * content that cannot be scanned (a zip bomb, a match limit) becomes a
 * finding that refuses, never a pass.
 */
int sg_scan_bytes(struct sg_scan *s, const char *path, const char *data,
		  size_t len, struct sg_buf *err);
/* Scan a message (commit or tag); `what` is "commit message"... */
int sg_scan_message(struct sg_scan *s, const char *what, const char *msg,
		    struct sg_buf *err);
/*
 * Scan blob `id` of `repo` as `path`: its name, its size against
 * max_blob (an oversized blob is a secret.too-large finding, read from
 * the header, never inflated), then its bytes. `old_id` (may be NULL) is
 * the previous version of the file, whose values are not new.
 */
int sg_scan_blob(struct sg_scan *s, git_repository *repo, const git_oid *id,
		 const git_oid *old_id, const char *path, struct sg_buf *err);
/* A credential file name (id_rsa, *.pfx, .env...) is itself a finding. */
void sg_scan_file_name(struct sg_scan *s, const char *path);

/* The policy (section.h): the 'secrets' section (secret_policy.c), or
 * its defaults when the policy has none. */
struct sg_section;
struct sg_ynode;
int sg_secret_parse_section(struct sg_section *c, const struct sg_ynode *n);

/* The gate (see gate.h) */
struct sg_buf;
struct sg_context;
struct sg_report;
struct sg_update;
/* The push-wide secret gate (not run by the update hook). */
int sg_gate_secrets(struct sg_context *ctx, struct sg_report *r,
		    struct sg_buf *err);

#endif
