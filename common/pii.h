/*
 * pii.h -- the personal-data detectors of the personal-data gate
 * (check.h has its entry point), exposed for tests and `stagegate`.
 */
#ifndef SG_PII_H
#define SG_PII_H

#include <stddef.h>

struct sg_strlist;

enum sg_pii_kind {
	SG_PII_EMAIL,		/* data.email */
	SG_PII_CARD,		/* data.card */
	SG_PII_IBAN,		/* data.iban */
	SG_PII_NATIONAL_ID,	/* data.national-id */
	SG_PII_PHONE,		/* data.phone */
	SG_PII_KINDS
};

struct sg_pii_hit {
	enum sg_pii_kind kind;
	size_t start, len;	/* in the scanned text */
	const char *what;	/* "Spanish DNI", "Visa card"... */
};

struct sg_pii_options {
	const struct sg_strlist *domains;	/* allowed e-mail domains */
	int phones;				/* report E.164 numbers */
};

/* Called per hit; a non-zero return stops the scan and is returned. */
typedef int (*sg_pii_fn)(const struct sg_pii_hit *hit, void *payload);

/* Find personal data in [text, text + len), in order of kind. */
int sg_pii_scan(const char *text, size_t len, const struct sg_pii_options *o,
		sg_pii_fn fn, void *payload);

/* "data.email"... */
const char *sg_pii_rule(enum sg_pii_kind kind);

/* The checks, on ASCII digits / letters without separators. */
int sg_pii_luhn(const char *digits, size_t n);
int sg_pii_iban_valid(const char *iban, size_t n);
/* Whether `domain` is one of `allowed` or below it (".test": the TLD). */
int sg_pii_domain_allowed(const struct sg_strlist *allowed,
			  const char *domain, size_t n);

/* The policy (section.h): the 'personal_data' section; the gate is
 * off while it names no ref. */
struct sg_section;
struct sg_ynode;
int sg_pii_parse_section(struct sg_section *c, const struct sg_ynode *n);

/* The gate (see gate.h) */
struct sg_buf;
struct sg_context;
struct sg_report;
struct sg_update;
/* The push-wide personal-data gate (not run by the update hook). */
int sg_gate_personal_data(struct sg_context *ctx, struct sg_report *r,
			  struct sg_buf *err);

#endif
