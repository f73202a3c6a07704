#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/policy.h"
#include "../../common/solution.h"
#include "../../common/window.h"

#define HEAD "version: 1\nusers:\n  bob:\n    emails: [bob@x.org]\n" \
	     "    groups: [oncall]\n" \
	     "environments:\n  prod:\n    refs: [refs/heads/main]\n" \
	     "    push: [anyone]\n"
/* line 10 onwards */

static int parse(struct sg_policy **p, const char *text, struct sg_buf *err)
{
	return sg_policy_parse(p, text, strlen(text), "p.yaml", err);
}

Test(window, policy_errors_name_file_line_column)
{
	static const struct { const char *text, *want; } cases[] = {
		{ HEAD "    windows:\n      - days: [tue-thu]\n"
		  "        time: 09:00-25:00\n        zone: Europe/Paris\n",
		  "p.yaml:12:15: '09:00-25:00' is not a time range" },
		{ HEAD "    windows:\n      - days: [tue-thu]\n"
		  "        time: 9:00-15:00\n        zone: Europe/Paris\n",
		  "p.yaml:12:15: '9:00-15:00' is not a time range" },
		{ HEAD "    windows:\n      - days: [tue-thu]\n"
		  "        time: 15:00-09:00\n        zone: Europe/Paris\n",
		  "p.yaml:12:15: time range '15:00-09:00' ends before it starts" },
		{ HEAD "    windows:\n      - days: [tue-thu]\n"
		  "        time: 09:00-15:00\n        zone: Mars/Olympus\n",
		  "p.yaml:13:15: unknown time zone 'Mars/Olympus'" },
		{ HEAD "    windows:\n      - days: [tue-thu]\n"
		  "        time: 09:00-15:00\n        zone: ../../etc/passwd\n",
		  "p.yaml:13:15: '../../etc/passwd' is not a time zone name" },
		{ HEAD "    windows:\n      - days: [tuesday]\n"
		  "        time: 09:00-15:00\n        zone: UTC\n",
		  "p.yaml:11:16: 'tuesday' is not a day" },
		{ HEAD "    windows:\n      - days: [mon-fri]\n"
		  "        time: 09:00-15:00\n        zone: UTC\n"
		  "      - days: [fri]\n        time: 14:00-18:00\n"
		  "        zone: UTC\n",
		  "p.yaml:15:15: window 2 overlaps window 1" },
		{ HEAD "    windows:\n      - days: [mon]\n        zone: UTC\n",
		  "p.yaml:11:9: each window needs 'days', 'time' and 'zone'" },
		{ HEAD "    windows:\n      - days: [mon]\n        time: 09:00-10:00\n"
		  "        zone: UTC\n        tz: UTC\n",
		  "p.yaml:14:9: unknown key 'tz' in 'windows'" },
		{ HEAD "    freezes:\n      - from: 2026-12-21\n"
		  "        to: 2026-12-01\n        reason: close\n",
		  "p.yaml:12:13: freeze ends (2026-12-01) before it starts "
		  "(2026-12-21)" },
		{ HEAD "    freezes:\n      - from: 2026-02-30\n"
		  "        to: 2026-03-01\n        reason: close\n",
		  "p.yaml:11:15: 'from' must be a date (YYYY-MM-DD), not "
		  "'2026-02-30'" },
		{ HEAD "    freezes:\n      - from: 2026-12-01\n"
		  "        to: 2026-12-10\n        reason: a\n"
		  "      - from: 2026-12-10\n        to: 2026-12-31\n"
		  "        reason: b\n",
		  "p.yaml:14:15: freeze 2 overlaps freeze 1" },
		{ HEAD "    freezes:\n      - from: 2026-12-01\n"
		  "        to: 2026-12-10\n",
		  "p.yaml:11:9: each freeze needs 'from', 'to'" },
		{ HEAD "    freezes:\n      - from: 2026-12-01\n"
		  "        to: 2026-12-10\n        reason: x\n"
		  "        zone: Nowhere\n",
		  "p.yaml:14:15: unknown time zone 'Nowhere'" },
		{ HEAD "    break_glass:\n      groups: [ghosts]\n",
		  "p.yaml:11:16: unknown group 'ghosts'" },
		{ HEAD "    break_glass:\n      groups: [oncall]\n"
		  "      pattern: 'INC[0-9'\n",
		  "p.yaml:12:16:" },
		{ HEAD "    break_glass:\n      groups: [oncall]\n"
		  "      lifts: [secrets]\n",
		  "p.yaml:12:15: break-glass lifts only the window" },
		{ HEAD "    solutions:\n      versions: yes\n",
		  "p.yaml:11:17: 'versions' must be true or false" },
		{ HEAD "    solutions:\n      version: true\n",
		  "p.yaml:11:7: unknown key 'version' in 'solutions'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_policy *p = NULL;
		struct sg_buf err = SG_BUF_INIT(4096);

		cr_assert_lt(parse(&p, cases[i].text, &err), 0, "case %zu", i);
		cr_assert_null(p);
		cr_assert(strstr(err.buf, cases[i].want),
			  "case %zu: got '%s', want '%s'", i, err.buf,
			  cases[i].want);
		sg_buf_release(&err);
	}
}

Test(window, shipped_default_is_always_open_and_checks_versions)
{
	struct sg_policy *p;
	struct sg_buf err = SG_BUF_INIT(4096);
	const struct sg_env *e;

	cr_assert_eq(sg_policy_load(&p, "../../policies/default.yaml", &err), 0,
		     "%s", err.buf);
	e = sg_policy_env_for(p, "refs/heads/main");
	cr_assert_eq(e->windows_nr, 0);
	cr_assert_eq(e->freezes_nr, 0);
	cr_assert(e->solution_versions);
	cr_assert(sg_strlist_has(&e->break_glass_groups, "release-managers"));
	cr_assert(sg_policy_in_group(p, "admin", "release-managers"));
	cr_assert_not(sg_policy_in_group(p, "maker", "release-managers"));
	sg_policy_free(p);
	sg_buf_release(&err);
}

static time_t utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	cr_assert(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

Test(window, eval_next_opening_across_dst_and_freezes)
{
	static const char text[] = HEAD
		"    windows:\n      - days: [tue-thu]\n"
		"        time: 09:00-15:00\n        zone: Europe/Paris\n"
		"      - days: [sat]\n        time: 22:00-24:00\n"
		"        zone: America/New_York\n"
		"    freezes:\n      - from: 2026-12-21\n        to: 2027-01-03\n"
		"        reason: year end\n";
	static const struct {
		const char *now;
		int open, frozen;
		const char *next;
	} cases[] = {
		{ "2026-12-08T08:00:00Z", 1, 0, NULL },	/* 09:00 CET */
		{ "2026-12-08T07:59:59Z", 0, 0, "2026-12-08T08:00:00Z" },
		{ "2026-12-10T14:00:00Z", 0, 0, "2026-12-13T03:00:00Z" },
		{ "2026-07-07T07:00:00Z", 1, 0, NULL },	/* 09:00 CEST */
		{ "2026-07-07T06:59:00Z", 0, 0, "2026-07-07T07:00:00Z" },
		/* Saturday 22:00 in New York is 03:00 UTC on Sunday (EST) */
		{ "2026-12-13T03:30:00Z", 1, 0, NULL },
		{ "2026-12-13T05:00:00Z", 0, 0, "2026-12-15T08:00:00Z" },
		{ "2026-12-22T10:00:00Z", 0, 1, "2027-01-05T08:00:00Z" },
		/* the Paris day of the freeze's end, 23:00 UTC of Jan 3 */
		{ "2027-01-03T22:59:59Z", 0, 1, "2027-01-05T08:00:00Z" },
	};
	struct sg_policy *p;
	struct sg_buf err = SG_BUF_INIT(4096);

	cr_assert_eq(parse(&p, text, &err), 0, "%s", err.buf);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_window_state st;

		cr_assert_eq(sg_window_eval(&st, &p->envs[0], utc(cases[i].now),
					    &err), 0);
		cr_assert_eq(st.open, cases[i].open, "case %zu", i);
		cr_assert_eq(!!st.freeze, cases[i].frozen, "case %zu", i);
		if (cases[i].next)
			cr_assert_eq(st.next, utc(cases[i].next),
				     "case %zu: next %ld", i, (long)st.next);
	}
	sg_policy_free(p);
	sg_buf_release(&err);
}

Test(window, eval_leaves_tz_alone)
{
	struct sg_buf out = SG_BUF_INIT(4096);

	setenv("TZ", "Asia/Tokyo", 1);
	sg_window_format(&out, utc("2026-12-08T08:00:00Z"), "Europe/Paris");
	cr_assert_str_eq(out.buf, "Tue 2026-12-08 09:00 CET (Europe/Paris) = "
			 "Tue 2026-12-08 08:00 UTC");
	cr_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
	unsetenv("TZ");
	sg_buf_release(&out);
}

Test(solution, versions_compare_as_numbers)
{
	static const struct { const char *a, *b; int cmp; } cases[] = {
		{ "1.10.0.0", "1.9.0.0", 1 },
		{ "1.4.0.2", "1.4.0.2", 0 },
		{ "1.4", "1.4.0.0", 0 },
		{ "2.0.0.0", "10.0.0.0", -1 },
		{ "64.1.0.NEXT", "64.0.0.NEXT", 1 },
		{ "64.1.0.NEXT", "64.1.0.NEXT", 0 },
	};
	static const char *const bad[] = {
		"", "1", "1.2.3.4.5", "1..2", "1.2.", "a.b", "1.2.3.NEXT",
		"1.-2", "1234567890.0",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_version a, b;

		cr_assert_eq(sg_version_parse(&a, cases[i].a, strlen(cases[i].a),
					      1), 0, "%zu", i);
		cr_assert_eq(sg_version_parse(&b, cases[i].b, strlen(cases[i].b),
					      1), 0, "%zu", i);
		cr_assert_eq(sg_version_cmp(&a, &b), cases[i].cmp, "%zu", i);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct sg_version v;

		cr_assert_lt(sg_version_parse(&v, bad[i], strlen(bad[i]),
					      !strstr(bad[i], "3.NEXT") ? 1 : 0),
			     0, "'%s'", bad[i]);
	}
}

Test(solution, readers)
{
	static const char xml[] =
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<ImportExportXml>\n"
		"<!-- <UniqueName>Fake</UniqueName> -->\n<SolutionManifest>\n"
		"  <UniqueName> Contoso_1 </UniqueName>\n"
		"  <LocalizedNames><LocalizedName description=\"x\" /></LocalizedNames>\n"
		"  <Version>1.4.0.2</Version><Managed>1</Managed>\n"
		"  <Publisher><UniqueName>pub</UniqueName></Publisher>\n"
		"</SolutionManifest></ImportExportXml>\n";
	static const char pub_first[] =
		"<ImportExportXml><SolutionManifest><Publisher>"
		"<UniqueName>pub</UniqueName><Version>9.9.9.9</Version>"
		"</Publisher><UniqueName>Real</UniqueName>"
		"<Version>1.0.0.0</Version></SolutionManifest></ImportExportXml>";
	static const char json[] =
		"{\"packageDirectories\":[{\"path\":\"a\",\"package\":\"A\","
		"\"versionNumber\":\"1.2.0.NEXT\"},{\"path\":\"b\"}]}";
	struct sg_solutions l = SG_SOLUTIONS_INIT;

	cr_assert(sg_solution_pp.wants("Other/Solution.xml"));
	cr_assert(sg_solution_pp.wants("x/src/Other/Solution.xml"));
	cr_assert_not(sg_solution_pp.wants("x/MyOther/Solution.xml"));
	cr_assert_not(sg_solution_pp.wants("solution/Solution.xml"));
	cr_assert(sg_solution_sfdx.wants("sfdx-project.json"));
	cr_assert(sg_solution_sfdx.wants("a/sfdx-project.json"));
	sg_solution_pp.read(&l, "Other/Solution.xml", xml, sizeof(xml) - 1);
	sg_solution_pp.read(&l, "b/Other/Solution.xml", pub_first,
			    sizeof(pub_first) - 1);
	sg_solution_pp.read(&l, "c/Other/Solution.xml", "<a/>", 4);
	sg_solution_sfdx.read(&l, "sfdx-project.json", json, sizeof(json) - 1);
	sg_solution_sfdx.read(&l, "x/sfdx-project.json", "{", 1);
	cr_assert_eq(l.nr, 5);
	cr_assert_str_eq(l.v[0].name, "Contoso_1");
	cr_assert_str_eq(l.v[0].version_text, "1.4.0.2");
	cr_assert_eq(l.v[0].managed, 1);
	cr_assert_null(l.v[0].problem);
	cr_assert_str_eq(l.v[1].name, "Real");
	cr_assert_str_eq(l.v[1].version_text, "1.0.0.0");
	cr_assert_eq(l.v[1].managed, 0);
	cr_assert_not_null(l.v[2].problem);
	cr_assert_str_eq(l.v[3].name, "A");
	cr_assert(l.v[3].version.floating);
	cr_assert_not_null(l.v[4].problem);
	sg_solutions_release(&l);
}
