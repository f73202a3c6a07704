/*
 * test_pii.c -- the personal-data detectors: tables of texts with the
 * hits they must (and must not) give, and the checksums alone.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../../common/pii.h"
#include "../../common/policy.h"

struct got {
	char kinds[16];
	size_t nr;
};

static int collect(const struct sg_pii_hit *h, void *payload)
{
	struct got *g = payload;

	if (g->nr + 1 < sizeof(g->kinds))
		g->kinds[g->nr++] = "ECINP"[h->kind];
	return 0;
}

/* kinds found, one letter each: E-mail, Card, Iban, National id, Phone */
static const struct { const char *text, *want; int phones; } cases[] = {
	{ "jane.doe@gmail.com", "E", 0 },
	{ "jane.doe@example.com a@b.example.org c@x.test d@invalid", "", 0 },
	{ "x@EXAMPLE.NET, y@sub.example.invalid", "", 0 },
	{ "x@notexample.com", "E", 0 },		/* not a subdomain */
	/* sample data at domains nobody delegates: no person is there */
	{ "caroline@dreamhouse.demo bob@acme.local x@y.corp", "", 0 },
	{ "caroline@dreamhouse.demos", "E", 0 },
	{ "user@host", "", 0 },			/* no domain */
	{ "logo@2x.png9", "", 0 },		/* TLD not letters */
	{ "4556737586899855", "C", 0 },
	{ "4556 7375 8689 9855", "C", 0 },
	{ "4556-7375-8689-9855", "C", 0 },
	{ "4556737586899856", "", 0 },		/* Luhn fails */
	{ "4111111111111111 5555555555554444 378282246310005", "", 0 },
	{ "4556737586899855.00", "", 0 },	/* an amount */
	{ "id 94556737586899855", "", 0 },	/* no network, 17 digits */
	{ "x4556737586899855", "", 0 },		/* inside a word */
	{ "1234 5678 9012 3456 7890 1234", "", 0 },	/* too long a run */
	{ "DE89370400440532013000", "I", 0 },
	{ "DE89 3704 0044 0532 0130 00", "I", 0 },
	{ "GB82WEST12345698765432", "I", 0 },
	{ "DE00370400440532013000", "", 0 },	/* check digits */
	{ "DE8937040044053201300", "", 0 },	/* length */
	{ "12345678Z", "N", 0 },		/* ES DNI */
	{ "12345678-Z", "N", 0 },
	{ "12345678A", "", 0 },
	{ "X1234567L", "N", 0 },		/* ES NIE */
	{ "RSSMRA85T10A562S", "N", 0 },		/* IT codice fiscale */
	{ "RSSMRA85T10A562T", "", 0 },
	{ "131052-308T", "N", 0 },		/* FI henkilötunnus */
	{ "131052-308U", "", 0 },
	{ "811218-9876", "N", 0 },		/* SE personnummer */
	{ "19811218-9876", "N", 0 },
	{ "811218-9877", "", 0 },
	{ "811318-9876", "", 0 },		/* month 13 */
	{ "+4915112345678", "", 0 },		/* phones off */
	{ "+4915112345678", "P", 1 },
	{ "+49 151 1234 5678", "P", 1 },
	{ "+1 415 555 0123", "", 1 },		/* NANP fictional */
	{ "+44 20 7946 0123", "", 1 },		/* Ofcom drama range */
	{ "+1234", "", 1 },			/* too short */
	{ "a@gmail.com;4556737586899855;DE89370400440532013000", "ECI", 0 },
	{ "00001010-0000-4000-8000-000000001010", "", 0 },	/* GUID */
	{ "a-811218-9876", "", 0 },		/* inside a dashed name */
	{ "", "", 0 },
};

Test(pii, table)
{
	struct sg_strlist domains = { NULL, 0, 0 };
	const char *allowed[] = {
		"example.com", "example.org", "example.net", ".test",
		".example", ".invalid",
	};

	for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
		sg_strlist_add(&domains, allowed[i]);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_pii_options o = { &domains, cases[i].phones };
		struct got g;

		memset(&g, 0, sizeof(g));
		sg_pii_scan(cases[i].text, strlen(cases[i].text), &o, collect,
			    &g);
		cr_expect_str_eq(g.kinds, cases[i].want, "%zu: '%s'", i,
				 cases[i].text);
	}
	sg_strlist_release(&domains);
}

Test(pii, bounds)
{
	/* every prefix of a hit-rich text: the scanner stays inside */
	static const char text[] = "RSSMRA85T10A562S 131052-308T "
		"DE89 3704 0044 0532 0130 00 19811218-9876 X1234567L "
		"+4915112345678 a@b.co 4556 7375 8689 9855";
	struct sg_pii_options o = { NULL, 1 };

	for (size_t n = 0; n <= sizeof(text) - 1; n++) {
		char *copy = malloc(n ? n : 1);
		struct got g;

		memcpy(copy, text, n);
		memset(&g, 0, sizeof(g));
		sg_pii_scan(copy, n, &o, collect, &g);
		free(copy);
	}
	cr_assert(1);
}

Test(pii, checks)
{
	cr_assert(sg_pii_luhn("79927398713", 11));
	cr_assert(!sg_pii_luhn("79927398710", 11));
	cr_assert(sg_pii_iban_valid("NL91ABNA0417164300", 18));
	cr_assert(!sg_pii_iban_valid("NL91ABNA0417164301", 18));
	cr_assert(!sg_pii_iban_valid("XX91ABNA0417164300", 18));
	cr_assert_str_eq(sg_pii_rule(SG_PII_IBAN), "data.iban");
}
