/*
 * pii.c -- the personal-data gate: data files that exports carry
 * (Configuration Migration Tool data.xml, CSV, JSON data, Salesforce
 * data plans; the policy's path globs) must hold synthetic data only.
 *
 * One pass over each file finds, at the start of every token:
 *   payment card numbers (13-19 digits of a known network, Luhn-valid,
 *     not one of the networks' published test numbers),
 *   IBANs (country length, mod-97 check digits),
 *   national identifiers with a checksum: Spanish DNI/NIE (mod 23),
 *     Italian codice fiscale (check letter), Finnish henkilötunnus
 *     (mod 31), Swedish personnummer (Luhn, with a valid date),
 *   E.164 phone numbers, where the policy asks (minus fictional ranges);
 * and a second pass finds e-mail addresses outside the allowed domains.
 * A data file is read as text (UTF-16 and UTF-32 too), and data files
 * inside a .zip (the Configuration Migration Tool's data.zip) or gzipped
 * (people.csv.gz) are read.
 * Values are shown redacted, one finding per file and kind with a count.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "check.h"
#include "content.h"
#include "error.h"
#include "limits.h"
#include "oidset.h"
#include "pii.h"
#include "rules.h"
#include "section.h"
#include "banned.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
static int is_alnum(char c) { return is_digit(c) || is_alpha(c); }

const char *sg_pii_rule(enum sg_pii_kind kind)
{
	static const char *const rules[] = {
		"data.email", "data.card", "data.iban", "data.national-id",
		"data.phone",
	};

	return kind < SG_PII_KINDS ? rules[kind] : "data.unknown";
}

int sg_pii_luhn(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';

		if (i % 2 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return n && sum % 10 == 0;
}

/* ---- cards ---- */

/* The networks' published test numbers (Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay docs; Stripe, Adyen, Braintree). */
static const char *const test_cards[] = {
	"4111111111111111", "4242424242424242", "4012888888881881",
	"4000056655665556", "4222222222222", "4917610000000000",
	"4444333322221111", "4000000000000002", "4005519200000004",
	"4009348888881881", "4012000033330026", "4012000077777777",
	"4217651111111119", "4500600000000061", "4000000000000077",
	"4000000000003220", "4000002500003155", "4000002760003184",
	"4000000000000093", "4000000000009995", "4111111111111",
	"5555555555554444", "5105105105105100", "5200828282828210",
	"2223003122003222", "5454545454545454", "2221000000000009",
	"2223000048400011", "5425233430109903", "5431111111111111",
	"5500000000000004", "5555341244441115", "5577000055770004",
	"378282246310005", "371449635398431", "378734493671000",
	"340000000000009", "370000000000002", "341111111111111",
	"6011111111111117", "6011000990139424", "6011601160116611",
	"6011000000000004", "6445644564456445", "3056930009020004",
	"36227206271667", "30569309025904", "38520000023237",
	"36006666333344", "3566002020360505", "3530111333300000",
	"3566111111111113", "3569990010095841", "6200000000000005",
	"6205500000000000004",
};

static int prefix_in(const char *d, int lo, int hi, int digits)
{
	int v = 0;

	for (int i = 0; i < digits; i++)
		v = v * 10 + (d[i] - '0');
	return v >= lo && v <= hi;
}

static const char *network(const char *d, size_t n)
{
	if (d[0] == '4' && (n == 13 || n == 16 || n == 19))
		return "Visa";
	if (n == 16 && (prefix_in(d, 51, 55, 2) ||
			prefix_in(d, 2221, 2720, 4)))
		return "Mastercard";
	if (n == 15 && (prefix_in(d, 34, 34, 2) || prefix_in(d, 37, 37, 2)))
		return "American Express";
	if (n >= 16 && (prefix_in(d, 6011, 6011, 4) || prefix_in(d, 65, 65, 2)
			|| prefix_in(d, 644, 649, 3)))
		return "Discover";
	if (n >= 16 && prefix_in(d, 3528, 3589, 4))
		return "JCB";
	if (n >= 14 && (prefix_in(d, 300, 305, 3) || prefix_in(d, 36, 36, 2) ||
			prefix_in(d, 38, 39, 2)))
		return "Diners Club";
	if (n >= 16 && prefix_in(d, 62, 62, 2))
		return "UnionPay";
	return NULL;
}

static int is_test_card(const char *d, size_t n)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(test_cards); i++)
		if (strlen(test_cards[i]) == n && !memcmp(test_cards[i], d, n))
			return 1;
	return 0;
}

/*
 * A run of digits from p, single ' ' or '-' between them; the digits go
 * to d (at most 20 kept, *n counts all). Returns the end of the run.
 */
static const char *digit_run(const char *p, const char *end, char d[21],
			     size_t *n)
{
	*n = 0;
	while (p < end && is_digit(*p)) {
		if (*n < 20)
			d[*n] = *p;
		++*n;
		p++;
		if (p + 1 < end && (*p == ' ' || *p == '-') && is_digit(p[1]))
			p++;
	}
	d[*n < 20 ? *n : 20] = '\0';
	return p;
}

/* ---- national identifiers ---- */

static int valid_date(int d, int m)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int num(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static int all_digits(const char *p, const char *end, size_t n)
{
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i]))
			return 0;
	return 1;
}

/* A token ends at a character other than a letter or a digit, but a
 * dash before one joins on (GUIDs: 00001010-0000-4000-...). */
static int ends_token(const char *p, const char *end)
{
	if (p < end && *p == '-' && p + 1 < end && is_alnum(p[1]))
		return 0;
	return p >= end || !is_alnum(*p);
}

/* Spanish DNI "12345678Z" (or "12345678-Z") and NIE "X1234567L". */
static size_t match_es(const char *p, const char *end)
{
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	long v;
	const char *q;

	if (p < end && (*p == 'X' || *p == 'Y' || *p == 'Z') &&
	    all_digits(p + 1, end, 7)) {
		v = (*p - 'X') * 10000000L + num(p + 1, 7);
		q = p + 8;
	} else if (all_digits(p, end, 8)) {
		v = num(p, 8);
		q = p + 8;
	} else {
		return 0;
	}
	if (q < end && *q == '-')
		q++;
	if (q < end && *q == letters[v % 23] && ends_token(q + 1, end))
		return (size_t)(q + 1 - p);
	return 0;
}

/* Italian codice fiscale: RSSMRA85T10A562S. */
static size_t match_it(const char *p, const char *end)
{
	static const char shape[] = "AAAAAA99A99A999A";
	static const int odd[] = {
		1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
		12, 14, 16, 10, 22, 25, 24, 23,
	};
	int sum = 0;

	if (end - p < 16 || !ends_token(p + 16, end) ||
	    !strchr("ABCDEHLMPRST", p[8]))
		return 0;
	for (int i = 0; i < 16; i++)
		if (shape[i] == 'A' ? !is_upper(p[i]) : !is_digit(p[i]))
			return 0;
	for (int i = 0; i < 15; i++) {
		int v = is_digit(p[i]) ? p[i] - '0' : p[i] - 'A';

		sum += i % 2 ? v : odd[v];
	}
	return p[15] == 'A' + sum % 26 ? 16 : 0;
}

/* Finnish henkilötunnus: 131052-308T. */
static size_t match_fi(const char *p, const char *end)
{
	static const char check[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
	long v;

	if (end - p < 11 || !all_digits(p, end, 6) ||
	    !strchr("+-ABCDEFUVWXY", p[6]) || !all_digits(p + 7, end, 3) ||
	    !ends_token(p + 11, end) || !valid_date(num(p, 2), num(p + 2, 2)))
		return 0;
	v = num(p, 6) * 1000L + num(p + 7, 3);
	return p[10] == check[v % 31] ? 11 : 0;
}

/* Swedish personnummer: 811218-9876 or 19811218-9876. */
static size_t match_se(const char *p, const char *end)
{
	char d[11];
	size_t skip = 0;
	int day;

	if (all_digits(p, end, 8) && end - p >= 13 && p[8] == '-')
		skip = 2;
	if (!all_digits(p + skip, end, 6) || end - p < (long)(11 + skip) ||
	    (p[6 + skip] != '-' && p[6 + skip] != '+') ||
	    !all_digits(p + 7 + skip, end, 4) ||
	    !ends_token(p + 11 + skip, end))
		return 0;
	day = num(p + skip + 4, 2);
	if (day > 60)		/* samordningsnummer */
		day -= 60;
	if (!valid_date(day, num(p + skip + 2, 2)))
		return 0;
	memcpy(d, p + skip, 6);
	memcpy(d + 6, p + skip + 7, 4);
	return sg_pii_luhn(d, 10) ? 11 + skip : 0;
}

/* ---- IBAN ---- */

static const struct { char cc[3]; int len; } iban_lengths[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 },
	{ "BA", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BR", 29 },
	{ "CH", 21 }, { "CR", 22 }, { "CY", 28 }, { "CZ", 24 }, { "DE", 22 },
	{ "DK", 18 }, { "DO", 28 }, { "EE", 20 }, { "EG", 29 }, { "ES", 24 },
	{ "FI", 18 }, { "FO", 18 }, { "FR", 27 }, { "GB", 22 }, { "GE", 22 },
	{ "GI", 23 }, { "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HR", 21 },
	{ "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IS", 26 }, { "IT", 27 },
	{ "JO", 30 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 }, { "LI", 21 },
	{ "LT", 20 }, { "LU", 20 }, { "LV", 21 }, { "MC", 27 }, { "MD", 24 },
	{ "ME", 22 }, { "MK", 19 }, { "MR", 27 }, { "MT", 31 }, { "MU", 30 },
	{ "NL", 18 }, { "NO", 15 }, { "PK", 24 }, { "PL", 28 }, { "PS", 29 },
	{ "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 }, { "SA", 24 },
	{ "SE", 24 }, { "SI", 19 }, { "SK", 24 }, { "SM", 27 }, { "TN", 24 },
	{ "TR", 26 }, { "UA", 29 }, { "VG", 24 }, { "XK", 20 },
};

static int iban_length(const char *cc)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(iban_lengths); i++)
		if (!memcmp(iban_lengths[i].cc, cc, 2))
			return iban_lengths[i].len;
	return 0;
}

int sg_pii_iban_valid(const char *s, size_t n)
{
	unsigned rem = 0;

	if (n < 15 || n > 34 || (int)n != iban_length(s))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[(i + 4) % n];

		if (is_digit(c))
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else if (is_upper(c))
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return 0;
	}
	return rem == 1;
}

/* "DE89 3704 0044 0532 0130 00" or without the spaces. */
static size_t match_iban(const char *p, const char *end)
{
	char s[35];
	int want;
	size_t n = 0;
	const char *q = p;

	if (end - p < 15 || !is_upper(p[0]) || !is_upper(p[1]) ||
	    !is_digit(p[2]) || !is_digit(p[3]))
		return 0;
	want = iban_length(p);
	if (!want)
		return 0;
	while (q < end && (int)n < want) {
		if (*q == ' ' && n % 4 == 0 && n && q + 1 < end &&
		    is_alnum(q[1]))
			q++;
		if (!is_digit(*q) && !is_upper(*q))
			return 0;
		s[n++] = *q++;
	}
	if ((int)n != want || !ends_token(q, end))
		return 0;
	return sg_pii_iban_valid(s, n) ? (size_t)(q - p) : 0;
}

/* ---- phones ---- */

static int fictional_phone(const char *d, size_t n)
{
	/* NANP 555-0100..0199; Ofcom's drama ranges */
	if (n == 11 && d[0] == '1' && !memcmp(d + 4, "55501", 5))
		return 1;
	return (n >= 9 && !memcmp(d, "442079460", 9)) ||
	       (n >= 9 && !memcmp(d, "447700900", 9));
}

/* ---- the scan ---- */

/* "1234.50", "0,1234": a number with a fraction is an amount. */
static int decimal(const char *text, const char *p, const char *run_end,
		   const char *end)
{
	if (run_end + 1 < end && (*run_end == '.' || *run_end == ',') &&
	    is_digit(run_end[1]))
		return 1;
	return p - text >= 2 && (p[-1] == '.' || p[-1] == ',') &&
	       is_digit(p[-2]);
}

struct hit_out {
	sg_pii_fn fn;
	void *payload;
};

static int report(struct hit_out *o, enum sg_pii_kind kind, const char *text,
		  const char *p, size_t len, const char *what)
{
	struct sg_pii_hit h = { kind, (size_t)(p - text), len, what };

	return o->fn(&h, o->payload);
}

/* Numbers and identifiers at the start of each token. */
static int scan_tokens(const char *text, size_t len,
		       const struct sg_pii_options *opt, struct hit_out *o)
{
	const char *p = text, *end = text + len;
	int ret = 0;

	while (p < end && !ret) {
		const char *run_end, *net;
		char d[21];
		size_t m, n;

		if ((p > text && is_alnum(p[-1])) ||
		    (p - text >= 2 && p[-1] == '-' && is_alnum(p[-2]))) {
			p++;
			continue;
		}
		if ((m = match_iban(p, end)))
			ret = report(o, SG_PII_IBAN, text, p, m, "");
		else if ((m = match_it(p, end)))
			ret = report(o, SG_PII_NATIONAL_ID, text, p, m,
				     "Italian codice fiscale");
		else if ((m = match_es(p, end)))
			ret = report(o, SG_PII_NATIONAL_ID, text, p, m,
				     "Spanish DNI/NIE");
		else if ((m = match_fi(p, end)))
			ret = report(o, SG_PII_NATIONAL_ID, text, p, m,
				     "Finnish henkilötunnus");
		else if ((m = match_se(p, end)))
			ret = report(o, SG_PII_NATIONAL_ID, text, p, m,
				     "Swedish personnummer");
		if (m) {
			p += m;
			continue;
		}
		if (*p == '+' && p + 1 < end && is_digit(p[1])) {
			run_end = digit_run(p + 1, end, d, &n);
			if (opt->phones && n >= 8 && n <= 15 && d[0] != '0' &&
			    ends_token(run_end, end) && !fictional_phone(d, n))
				ret = report(o, SG_PII_PHONE, text, p,
					     (size_t)(run_end - p), "");
			p = run_end;
			continue;
		}
		if (!is_digit(*p)) {
			p++;
			continue;
		}
		run_end = digit_run(p, end, d, &n);
		if (n >= 13 && n <= 19 && ends_token(run_end, end) &&
		    !decimal(text, p, run_end, end) &&
		    (net = network(d, n)) && sg_pii_luhn(d, n) &&
		    !is_test_card(d, n))
			ret = report(o, SG_PII_CARD, text, p,
				     (size_t)(run_end - p), net);
		p = run_end;
	}
	return ret;
}

int sg_pii_domain_allowed(const struct sg_strlist *allowed,
			  const char *domain, size_t n)
{
	for (size_t i = 0; allowed && i < allowed->nr; i++) {
		const char *a = allowed->v[i];
		size_t an = strlen(a);

		if (*a == '.') {
			/* ".test": test, x.test, y.x.test */
			if ((n == an - 1 && !strncasecmp(domain, a + 1, n)) ||
			    (n > an && !strncasecmp(domain + n - an, a, an)))
				return 1;
		} else if ((n == an && !strncasecmp(domain, a, n)) ||
			   (n > an && domain[n - an - 1] == '.' &&
			    !strncasecmp(domain + n - an, a, an))) {
			return 1;
		}
	}
	return 0;
}

/*
 * Top-level domains no registry delegates, that sample data uses
 * (dreamhouse.demo, acme.local): no mail reaches them, so no person's
 * address is there. The reserved ones (.test, .example, .invalid) are
 * the policy's to allow.
 */
static int undelegated_tld(const char *tld, size_t n)
{
	static const char *const fake[] = {
		"corp", "demo", "dummy", "fake", "home", "internal", "intranet",
		"lan", "local", "localdomain", "localhost", "mock", "private",
		"sample",
	};

	for (size_t i = 0; i < SG_ARRAY_SIZE(fake); i++)
		if (strlen(fake[i]) == n && !strncasecmp(tld, fake[i], n))
			return 1;
	return 0;
}

static int local_char(char c)
{
	return is_alnum(c) || (c && strchr("._%+-", c));
}

static int domain_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

static int scan_emails(const char *text, size_t len,
		       const struct sg_pii_options *opt, struct hit_out *o)
{
	const char *p = text, *end = text + len, *at;
	int ret = 0;

	while (!ret && p < end && (at = memchr(p, '@', (size_t)(end - p)))) {
		const char *s = at, *e = at + 1, *dot, *t;
		int tld_ok = 1;

		while (s > p && local_char(s[-1]))
			s--;
		while (s < at && *s == '.')
			s++;
		while (e < end && domain_char(*e))
			e++;
		while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
			e--;
		p = e > at + 1 ? e : at + 1;
		if (s == at || e == at + 1)
			continue;
		dot = NULL;
		for (t = at + 1; t < e; t++)
			if (*t == '.')
				dot = t;
		if (!dot || e - dot < 3)
			continue;
		for (t = dot + 1; t < e; t++)
			tld_ok &= is_alpha(*t);
		if (!tld_ok || undelegated_tld(dot + 1, (size_t)(e - dot - 1)) ||
		    sg_pii_domain_allowed(opt->domains, at + 1,
					  (size_t)(e - at - 1)))
			continue;
		ret = report(o, SG_PII_EMAIL, text, s, (size_t)(e - s), "");
	}
	return ret;
}

int sg_pii_scan(const char *text, size_t len, const struct sg_pii_options *o,
		sg_pii_fn fn, void *payload)
{
	struct hit_out out = { fn, payload };
	int ret = scan_emails(text, len, o, &out);

	return ret ? ret : scan_tokens(text, len, o, &out);
}

/* ---- the gate ---- */

struct tally {
	size_t count[SG_PII_KINDS];
	size_t first[SG_PII_KINDS], first_len[SG_PII_KINDS];
	const char *what[SG_PII_KINDS];
};

struct gate {
	struct sg_context *ctx;
	struct sg_report *r;
	git_odb *odb;
	struct sg_pii_options opt;
	/*
	 * Blobs checked as data files. The walk lists a blob once, under
	 * its first path, and skips what the server has: a blob that is
	 * also (or later) a data file is checked again from the tips.
	 */
	struct sg_oidset checked;
};

static int on_hit(const struct sg_pii_hit *h, void *payload)
{
	struct tally *t = payload;

	if (!t->count[h->kind]++) {
		t->first[h->kind] = h->start;
		t->first_len[h->kind] = h->len;
		t->what[h->kind] = h->what;
	} else if (t->what[h->kind] != h->what) {
		t->what[h->kind] = NULL;	/* more than one sort */
	}
	return 0;
}

static const char *noun(enum sg_pii_kind k, size_t n)
{
	switch (k) {
	case SG_PII_EMAIL: return n == 1 ? "e-mail address outside the "
		"allowed domains" : "e-mail addresses outside the allowed "
		"domains";
	case SG_PII_CARD: return n == 1 ? "payment card number (Luhn-valid, "
		"not a published test number)" : "payment card numbers "
		"(Luhn-valid, not published test numbers)";
	case SG_PII_IBAN: return n == 1 ? "IBAN with valid check digits" :
		"IBANs with valid check digits";
	case SG_PII_NATIONAL_ID: return n == 1 ? "national identifier with "
		"a valid checksum" : "national identifiers with a valid "
		"checksum";
	case SG_PII_PHONE: return n == 1 ? "phone number" : "phone numbers";
	case SG_PII_KINDS: break;
	}
	return "?";
}

static void position(const char *text, size_t at, int *line, int *col)
{
	const char *nl = text;

	*line = 1;
	for (const char *p = text; p < text + at; p++)
		if (*p == '\n') {
			++*line;
			nl = p + 1;
		}
	*col = (int)(text + at - nl) + 1;
}

/* The in-scope ref a commit arrives by (its first such update). */
static const char *ref_of(const struct sg_context *ctx, const git_oid *commit)
{
	const char *first = "";

	for (size_t i = 0; i < ctx->push->nr; i++) {
		const struct sg_update *u = &ctx->push->updates[i];

		if (!u->in_scope || u->kind == SG_UPDATE_DELETE)
			continue;
		if (!*first)
			first = u->ref;
		for (size_t j = 0; j < u->commits_nr; j++)
			if (git_oid_equal(&u->commits[j], commit))
				return u->ref;
	}
	return first;
}

static void add_findings(struct gate *g, const struct tally *t,
			 const char *text, const char *path,
			 const git_oid *commit)
{
	for (int k = 0; k < SG_PII_KINDS; k++) {
		struct sg_buf red = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		struct sg_finding *f;
		const char *what = t->what[k] ? t->what[k] : "";
		int line, col;

		if (!t->count[k])
			continue;
		sg_redact(&red, text + t->first[k], t->first_len[k]);
		position(text, t->first[k], &line, &col);
		f = sg_report_add(g->r, SG_SEV_ERROR, sg_pii_rule(k),
			ref_of(g->ctx, commit), commit,
			"replace them with synthetic data (e-mail at "
			"example.com or a .test domain, the card networks' "
			"test numbers) and rewrite the commits that added "
			"them: a later commit that removes them leaves them "
			"in history",
			"%zu %s%s%s%s in this file (first: %s)", t->count[k],
			noun(k, t->count[k]), *what ? " (" : "", what,
			*what ? ")" : "", red.buf);
		sg_finding_set_path(f, path, line, col);
		f->redacted = sg_buf_detach(&red);
		sg_fingerprint(f->fingerprint, sg_pii_rule(k),
			       text + t->first[k], t->first_len[k]);
	}
}

static int is_data_file(const struct sg_policy *pol, const char *path)
{
	for (size_t i = 0; i < pol->data_paths.nr; i++)
		if (fnmatch(pol->data_paths.v[i], path, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

/* Whether `path` ends in `suffix`, in any case. */
static int has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);

	return n >= k && !strcasecmp(path + n - k, suffix);
}

/* A zip by its name: the Configuration Migration Tool's data.zip. */
static int is_zip_name(const char *path)
{
	return has_suffix(path, ".zip");
}

/* A gzipped data file: people.csv.gz. */
static int is_gzipped_data(const struct sg_policy *pol, const char *path)
{
	char *inner;
	int ret;

	if (!has_suffix(path, ".gz"))
		return 0;
	inner = sg_strndup(path, strlen(path) - 3);
	ret = is_data_file(pol, inner);
	free(inner);
	return ret;
}

/* Check one data file's bytes, read as text (UTF-16 and UTF-32 too). */
static void check_data(struct gate *g, const char *path, const char *data,
		       size_t len, const git_oid *commit)
{
	struct sg_buf conv = SG_BUF_INIT((size_t)-1 / 2);
	const char *text = data;
	size_t tlen = len;
	struct tally t;

	if (!sg_content_text(data, len, &conv, &text, &tlen)) {
		text = data;
		tlen = len;
	}
	memset(&t, 0, sizeof(t));
	sg_pii_scan(text, tlen, &g->opt, on_hit, &t);
	add_findings(g, &t, text, path, commit);
	sg_buf_release(&conv);
}

struct zip_walk {
	struct gate *g;
	const char *path;
	const git_oid *commit;
};

/* An entry of a zip that is a data file by its name ("" for gzip's). */
static int on_zip_entry(const char *name, const char *data, size_t len,
			void *payload, struct sg_buf *err)
{
	struct zip_walk *z = payload;
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	(void)err;
	sg_buf_addf(&path, "%s!%s", z->path, name);
	if (!*name)
		check_data(z->g, z->path, data, len, z->commit);
	else if (is_data_file(z->g->ctx->pol, name) ||
	    is_data_file(z->g->ctx->pol, path.buf))
		check_data(z->g, path.buf, data, len, z->commit);
	sg_buf_release(&path);
	return 0;
}

/*
 * The data files inside a zip, or a gzipped one. One that cannot be
 * read (encrypted, a bomb) is refused by the secret gate, which reads
 * every archive.
 */
static void check_zip(struct gate *g, const char *path, const char *data,
		      size_t len, const git_oid *commit)
{
	struct sg_zip_limits lim = SG_ZIP_LIMITS_INIT;
	struct sg_buf err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct zip_walk z = { g, path, commit };
	size_t total = 0;

	if (sg_content_archive(data, len) == SG_ARCHIVE_ZIP)
		sg_content_zip(data, len, &lim, &total, on_zip_entry, &z,
			       &err);
	else if (sg_content_archive(data, len) == SG_ARCHIVE_GZIP)
		sg_content_gzip(data, len, &lim, &total, on_zip_entry, &z,
				&err);
	sg_buf_release(&err);
}

static int on_blob(const git_oid *id, const char *path, git_filemode_t mode,
		   const git_oid *commit, const git_oid *old_blob,
		   void *payload, struct sg_buf *err)
{
	struct gate *g = payload;
	int data = is_data_file(g->ctx->pol, path);
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;

	(void)mode;
	(void)old_blob;
	if ((!data && !is_zip_name(path) &&
	     !is_gzipped_data(g->ctx->pol, path)) ||
	    !sg_oidset_insert(&g->checked, id))
		return 0;
	if (git_odb_read_header(&size, &type, g->odb, id) < 0)
		return sg_git_error(err, "cannot read a data file");
	if (size > SG_MAX_DATA_BYTES && !data)
		return 0;	/* a large zip is no data package */
	if (size > SG_MAX_DATA_BYTES) {
		struct sg_finding *f = sg_report_add(g->r, SG_SEV_ERROR,
			"data.too-large", ref_of(g->ctx, commit), commit,
			"keep data files under the limit, or out of the "
			"repository", "a data file of %zu MB is too large to "
			"check for personal data", size >> 20);

		sg_finding_set_path(f, path, 0, 0);
		return 0;
	}
	if (git_blob_lookup(&blob, g->ctx->push->repo, id) < 0)
		return sg_git_error(err, "cannot read a data file");
	if (data)
		check_data(g, path, git_blob_rawcontent(blob),
			   (size_t)git_blob_rawsize(blob), commit);
	else
		check_zip(g, path, git_blob_rawcontent(blob),
			  (size_t)git_blob_rawsize(blob), commit);
	git_blob_free(blob);
	return 0;
}

/* The data files that `u` changes between its old and new tip. */
static int tip_gains(struct gate *g, const struct sg_update *u,
		     struct sg_buf *err)
{
	git_repository *repo = g->ctx->push->repo;
	git_commit *oc = NULL, *nc = NULL;
	git_tree *ot = NULL, *nt = NULL;
	git_diff *diff = NULL;
	int ret = 0;

	if (u->kind == SG_UPDATE_DELETE || !u->has_new_commit)
		return 0;
	if ((u->has_old_commit &&
	     (git_commit_lookup(&oc, repo, &u->old_commit) < 0 ||
	      git_commit_tree(&ot, oc) < 0)) ||
	    git_commit_lookup(&nc, repo, &u->new_commit) < 0 ||
	    git_commit_tree(&nt, nc) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, ot, nt, NULL) < 0)
		ret = sg_git_error(err, "personal-data gate");
	for (size_t i = 0; ret == 0 && diff && i < git_diff_num_deltas(diff);
	     i++) {
		const git_diff_file *f = &git_diff_get_delta(diff, i)->new_file;

		if (git_oid_is_zero(&f->id) || f->mode == GIT_FILEMODE_COMMIT)
			continue;
		ret = on_blob(&f->id, f->path, f->mode, &u->new_commit, NULL,
			      g, err);
	}
	git_diff_free(diff);
	git_tree_free(ot);
	git_tree_free(nt);
	git_commit_free(oc);
	git_commit_free(nc);
	return ret;
}

int sg_gate_personal_data(struct sg_context *ctx, struct sg_report *r,
			  struct sg_buf *err)
{
	const struct sg_policy *pol = ctx->pol;
	struct sg_push *push = ctx->push;
	struct sg_oidset seen = SG_OIDSET_INIT;
	struct gate g = {
		ctx, r, NULL, { &pol->data_domains, pol->data_phones }
	};
	int *saved, any = 0, ret;

	if (!pol->data_refs.nr || !pol->data_paths.nr)
		return 0;
	/* the blob walk follows `in_scope`: ours for the walk, then back */
	saved = sg_calloc(push->nr + 1, sizeof(*saved));
	for (size_t i = 0; i < push->nr; i++) {
		struct sg_update *u = &push->updates[i];

		saved[i] = u->in_scope;
		u->in_scope = 0;
		for (size_t j = 0; j < pol->data_refs.nr; j++)
			if (sg_ref_matches(pol->data_refs.v[j], u->ref))
				u->in_scope = 1;
		any |= u->in_scope && u->kind != SG_UPDATE_DELETE;
	}
	ret = 0;
	if (any && git_repository_odb(&g.odb, push->repo) < 0)
		ret = sg_git_error(err, "personal-data gate");
	if (any && ret == 0)
		ret = sg_push_new_blobs(push, &seen, NULL, on_blob, &g, err);
	/*
	 * Data may be on the server already (pushed under another name, or
	 * to an unchecked ref), or be a blob the walk listed under another
	 * name: check what each in-scope ref's tree gains as well.
	 */
	for (size_t i = 0; any && ret == 0 && i < push->nr; i++)
		if (push->updates[i].in_scope)
			ret = tip_gains(&g, &push->updates[i], err);
	for (size_t i = 0; i < push->nr; i++)
		push->updates[i].in_scope = saved[i];
	free(saved);
	sg_oidset_release(&seen);
	sg_oidset_release(&g.checked);
	git_odb_free(g.odb);
	return ret;
}

/* The policy: the 'personal_data' section (a row of policy.c's
 * sections). */
static int load_personal_data(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"refs", "paths", "allowed_domains", "phones", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;

	if (sg_section_keys(c, n, keys, "personal_data") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (!v)
		return sg_section_fail(c, n, "'personal_data' needs 'refs'");
	if (sg_section_ref_patterns(c, v, "refs", &pol->data_refs) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "paths");
	if (v) {
		sg_strlist_release(&pol->data_paths);
		if (sg_section_strlist(c, v, "paths", &pol->data_paths) < 0)
			return SG_ERROR;
	}
	v = sg_yaml_get(n, "allowed_domains");
	if (v && sg_section_strlist(c, v, "allowed_domains",
				    &pol->data_domains) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < pol->data_domains.nr; i++)
		if (strchr(pol->data_domains.v[i], '@') ||
		    strchr(pol->data_domains.v[i], '*'))
			return sg_section_fail(c, v->kids[i], "'%s' is not a "
					       "domain ('example.com', or "
					       "'.test' for a whole top-level "
					       "domain)",
					       pol->data_domains.v[i]);
	v = sg_yaml_get(n, "phones");
	if (v && sg_section_bool(c, v, "phones", &pol->data_phones) < 0)
		return SG_ERROR;
	return 0;
}

int sg_pii_parse_section(struct sg_section *c, const struct sg_ynode *n)
{
	/* Configuration Migration Tool, CSV, JSON data, sfdx data plans */
	for (const char *const *p = (const char *const[]) {
		     "*data.xml", "*data_schema.xml", "*.csv", "*-data.json",
		     "*_data.json", "data/*.json", "*/data/*.json",
		     "*-plan.json", NULL }; *p; p++)
		sg_strlist_add(&c->pol->data_paths, *p);
	return n ? load_personal_data(c, n) : 0;
}
