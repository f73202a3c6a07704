/*
 * scanfiles.c -- walk files for stagegate scan and print what it found.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "push.h"
#include "error.h"
#include "report.h"
#include "rules.h"
#include "scanfiles.h"
#include "limits.h"
#include "secret.h"
#include "sha256.h"
#include "version.h"
#include "banned.h"

#define MAX_FILE (256u * 1024 * 1024)

static int scan_path(struct sg_scan *s, const char *path, int depth,
		     struct sg_buf *err)
{
	struct stat st;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return sg_error(err, SG_ERROR, "cannot read '%s': %s", path,
				strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;

		if (!d)
			return sg_error(err, SG_ERROR, "cannot read '%s': %s",
					path, strerror(errno));
		if (depth > 64) {
			closedir(d);
			return sg_error(err, SG_ELIMIT, "'%s' is nested too "
					"deep", path);
		}
		while (ret == 0 && (e = readdir(d))) {
			struct sg_buf sub = SG_BUF_INIT(SG_BUF_TEXT_MAX);

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
			    || !strcmp(e->d_name, ".git"))
				continue;
			sg_buf_addf(&sub, "%s/%s", path, e->d_name);
			ret = scan_path(s, sub.buf, depth + 1, err);
			sg_buf_release(&sub);
		}
		closedir(d);
		return ret;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	sg_scan_file_name(s, path);
	{
		struct sg_buf data = SG_BUF_INIT(MAX_FILE);

		ret = sg_buf_read_file(&data, path, err);
		if (ret == 0)
			ret = sg_scan_bytes(s, path, data.buf, data.len, err);
		sg_buf_release(&data);
	}
	return ret;
}

int sg_scan_paths(const struct sg_rules *rules, const struct sg_policy *pol,
		  char *const *paths, size_t n, struct sg_report *r,
		  struct sg_buf *err)
{
	struct sg_scan s;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	s.rules = rules;
	s.pol = pol;
	s.report = r;
	s.ref = "";
	s.max_blob = MAX_FILE;
	s.max_findings = SG_MAX_SCAN_FINDINGS;
	for (size_t i = 0; i < n && ret == 0; i++) {
		s.zip_total = 0;
		ret = scan_path(&s, paths[i], 0, err);
	}
	return ret;
}

struct range_scan {
	struct sg_push push;
	struct sg_scan scan;
};

static int range_commit(git_commit *c, void *payload, struct sg_buf *err)
{
	struct range_scan *rs = payload;

	rs->scan.commit = git_commit_id(c);
	return sg_scan_message(&rs->scan, "(commit message)",
			       git_commit_message_raw(c), err);
}

static int range_blob(const git_oid *id, const char *path,
		      git_filemode_t mode, const git_oid *commit,
		      const git_oid *old_blob, void *payload,
		      struct sg_buf *err)
{
	struct range_scan *rs = payload;

	(void)mode;
	rs->scan.commit = commit;
	return sg_scan_blob(&rs->scan, rs->push.repo, id, old_blob, path, err);
}

int sg_scan_range(const struct sg_rules *rules, const struct sg_policy *pol,
		  const char *repo_path, const char *range, struct sg_report *r,
		  struct sg_buf *err)
{
	struct range_scan rs;
	git_revspec spec;
	git_object *tip = NULL, *hide = NULL;
	int ret = 0;

	memset(&rs, 0, sizeof(rs));
	rs.scan.rules = rules;
	rs.scan.pol = pol;
	rs.scan.report = r;
	rs.scan.ref = "";
	rs.scan.max_blob = MAX_FILE;
	rs.scan.max_findings = SG_MAX_SCAN_FINDINGS;
	if (git_repository_open_ext(&rs.push.repo, repo_path, 0, NULL) < 0)
		return sg_git_error(err, "cannot open the repository");
	memset(&spec, 0, sizeof(spec));
	if (git_revparse(&spec, rs.push.repo, range) < 0) {
		ret = sg_git_error(err, "bad range");
		goto out;
	}
	if (spec.flags & GIT_REVSPEC_RANGE) {
		ret = git_object_peel(&hide, spec.from, GIT_OBJECT_COMMIT) |
		      git_object_peel(&tip, spec.to, GIT_OBJECT_COMMIT);
	} else {
		ret = git_object_peel(&tip, spec.from, GIT_OBJECT_COMMIT);
	}
	if (ret < 0) {
		ret = sg_git_error(err, "the range does not name commits");
		goto out;
	}
	ret = sg_push_walk_range(&rs.push, git_object_id(tip),
				 hide ? git_object_id(hide) : NULL,
				 range_commit, range_blob, &rs, err);
out:
	git_object_free(tip);
	git_object_free(hide);
	git_object_free(spec.from);
	git_object_free(spec.to);
	sg_push_release(&rs.push);
	return ret;
}

static void json_str(FILE *out, const char *s)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_buf_add_json(&b, s ? s : "");
	fputs(b.buf, out);
	sg_buf_release(&b);
}

static void print_json(FILE *out, const struct sg_report *r)
{
	fputs("[", out);
	for (size_t i = 0; i < r->nr; i++) {
		const struct sg_finding *f = &r->v[i];

		fputs(i ? ",\n {" : "\n {", out);
		fputs("\"rule\":", out);
		json_str(out, f->rule);
		fputs(",\"severity\":", out);
		json_str(out, sg_severity_name(f->severity));
		if (*f->commit) {
			fputs(",\"commit\":", out);
			json_str(out, f->commit);
		}
		fputs(",\"path\":", out);
		json_str(out, f->path);
		fprintf(out, ",\"line\":%d,\"column\":%d,\"fingerprint\":",
			f->line, f->col);
		json_str(out, f->fingerprint);
		fputs(",\"redacted\":", out);
		json_str(out, f->redacted);
		if (f->confidence) {
			fputs(",\"confidence\":", out);
			json_str(out, f->confidence);
		}
		fputs(",\"message\":", out);
		json_str(out, f->message);
		fputs("}", out);
	}
	fputs(r->nr ? "\n]\n" : "]\n", out);
}

/* `s` (then `more`) as one sentence: a capital first, a period last. */
static void json_sentence(FILE *out, const char *s, const char *more)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_buf_adds(&b, s ? s : "");
	if (more)
		sg_buf_adds(&b, more);
	if (b.len && b.buf[0] >= 'a' && b.buf[0] <= 'z')
		b.buf[0] = (char)(b.buf[0] - 'a' + 'A');
	if (!b.len || b.buf[b.len - 1] != '.')
		sg_buf_addch(&b, '.');
	json_str(out, b.buf);
	sg_buf_release(&b);
}

/*
 * Where the rules are documented, for SARIF's helpUri/informationUri.
 * NEEDSWORK: the project's public address, once it has one.
 */
#define SG_DOC_URI "https://github.com/stagegate/stagegate/blob/main/README.md"

/* "secret.aws-access-key" -> "SecretAwsAccessKey" (SARIF's rule name). */
static void rule_name(FILE *out, const char *id)
{
	int up = 1;

	fputc('"', out);
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9'))) {
			up = 1;
			continue;
		}
		fputc(up && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
		up = 0;
	}
	fputc('"', out);
}

/*
 * A path as a clean relative URI reference: "./" and repeated '/'
 * dropped, relative to `root` when under it, every byte outside RFC
 * 3986's path characters percent-encoded. 1 if relative (to %SRCROOT%).
 */
static int clean_uri(struct sg_buf *out, const char *path, const char *root)
{
	static const char ok[] = "-._~!$&'()*+,;=:@/";
	size_t rl = root ? strlen(root) : 0;
	int relative = path[0] != '/';
	const char *p = path;

	if (!relative && rl && !strncmp(path, root, rl) && path[rl] == '/') {
		p = path + rl;
		relative = 1;
	}
	if (!relative)
		sg_buf_adds(out, "file://");
	while (relative && (*p == '/' || (p[0] == '.' && p[1] == '/')))
		p += *p == '/' ? 1 : 2;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' && (p[1] == '/' || (out->len && out->buf[out->len -
							       1] == '/')))
			continue;
		if (c == '.' && p[1] == '/' && (p == path || p[-1] == '/')) {
			p++;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr(ok, c)))
			sg_buf_addch(out, (char)c);
		else
			sg_buf_addf(out, "%%%02X", c);
	}
	return relative;
}

static void sarif_rule(FILE *out, const struct sg_secret_rule *rule,
		       size_t i)
{
	struct sg_buf id = SG_BUF_INIT(4096);

	sg_buf_addf(&id, "secret.%s", rule->id);
	fprintf(out, "%s\n{\"id\":", i ? "," : "");
	json_str(out, id.buf);
	fputs(",\"name\":", out);
	rule_name(out, id.buf);
	fputs(",\"shortDescription\":{\"text\":", out);
	json_sentence(out, rule->description, NULL);
	fputs("},\"fullDescription\":{\"text\":", out);
	json_sentence(out, rule->description, ": a credential written into "
		      "the solution's files, readable by everyone who can "
		      "read the repository");
	fputs("},\"help\":{\"text\":\"A secret in an exported solution "
	      "reaches everyone who can read the repository. Move the value "
	      "into an environment variable of type Secret backed by Key "
	      "Vault, or a connection reference; rewrite the commits that "
	      "add it, and rotate it if it was shared. A false positive is "
	      "allowed by an admin with its fingerprint under secrets.allow "
	      "in the policy.\",\"markdown\":\"A secret in an exported "
	      "solution reaches everyone who can read the repository.\\n\\n"
	      "**Fix:** move the value into an environment variable of type "
	      "*Secret* backed by Key Vault, or a connection reference; "
	      "rewrite the commits that add it, and rotate it if it was "
	      "shared.\\n\\n**False positive:** an admin adds `- { "
	      "fingerprint: <fingerprint>, reason: \\\"...\\\" }` under "
	      "`secrets.allow` in the policy.\"},\"helpUri\":\""
	      SG_DOC_URI "#the-secret-gate\",\"defaultConfiguration\":{"
	      "\"level\":\"error\"},\"properties\":{\"tags\":[\"security\","
	      "\"secrets\",\"external/cwe/cwe-798\"],\"precision\":\"high\","
	      "\"problem.severity\":\"error\",\"security-severity\":\"8.0\"}}",
	      out);
	sg_buf_release(&id);
}

/*
 * The scan's own rule ids, which no rules file describes: a credential
 * file, a file the scan could not finish (refused, never passed), an
 * allowed secret. Code scanning shows a rule's descriptions and help
 * beside each result, so every ruleId of a run gets one.
 */
#define UNSCANNED "part of a file could not be scanned, so stagegate " \
	"refuses it: it cannot show that it holds no secret"
static const struct engine_rule {
	const char *id, *text, *full, *severity; /* security-severity */
} engine_rules[] = {
	{ "secret.credential-file", "A key, certificate or .env file is "
	  "committed", "a key, certificate or .env file is committed: "
	  "whoever reads the repository holds the credential", "8.0" },
	{ "secret.archive", "An archive is nested too deep or unpacks too "
	  "large to be scanned", UNSCANNED, "5.0" },
	{ "secret.too-large", "A file is larger than the secret scan reads",
	  UNSCANNED, "5.0" },
	{ "secret.limit", "The secret scan stopped at its finding limit",
	  UNSCANNED, "5.0" },
	{ "secret.deadline", "The secret scan ran out of time on a file",
	  UNSCANNED, "5.0" },
	{ "secret.match-limit", "A secret rule reached its match limit on a "
	  "file", UNSCANNED, "5.0" },
	{ "secret.path-too-long", "A path is longer than the scan accepts",
	  UNSCANNED, "5.0" },
	{ "secret.allowed", "A secret allowed by the policy", "a secret "
	  "that an admin allowed by its fingerprint in the policy, or that "
	  "an inline stagegate:allow marker allows: shown, not blocking",
	  "0.0" },
};

static const struct engine_rule *engine_rule(const char *id)
{
	for (size_t i = 0; i < sizeof(engine_rules) / sizeof(*engine_rules);
	     i++)
		if (!strcmp(engine_rules[i].id, id))
			return &engine_rules[i];
	return NULL;
}

/* Index of the rules file's rule `id` ("secret.<id>"), or -1. */
static long secret_rule_index(const struct sg_rules *rules, const char *id)
{
	if (strncmp(id, "secret.", 7))
		return -1;
	for (size_t j = 0; j < rules->nr; j++)
		if (!strcmp(id + 7, rules->v[j].id))
			return (long)j;
	return -1;
}

/*
 * The findings, by index, that first use a rule id outside the rules
 * file, in order of appearance: each becomes a descriptor after the
 * file's rules. `*out` is malloc'ed (NULL when there is none).
 */
static size_t other_rules(size_t **out, const struct sg_report *r,
			  const struct sg_rules *rules)
{
	size_t n = 0, *v = NULL;

	*out = NULL;
	for (size_t i = 0; i < r->nr; i++) {
		size_t k = 0;

		if (secret_rule_index(rules, r->v[i].rule) >= 0)
			continue;
		while (k < n && strcmp(r->v[v[k]].rule, r->v[i].rule))
			k++;
		if (k < n)
			continue;
		v = sg_realloc(v, (n + 1) * sizeof(*v));
		v[n++] = i;
	}
	*out = v;
	return n;
}

/* A descriptor for the rule of finding `f` (not in the rules file). */
static void sarif_other_rule(FILE *out, const struct sg_finding *f,
			     size_t i)
{
	const struct engine_rule *e = engine_rule(f->rule);
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *sev = f->severity == SG_SEV_ERROR ? "error" :
		f->severity == SG_SEV_WARNING ? "warning" : "recommendation";

	if (e)
		sg_buf_adds(&text, e->text);
	else
		sg_buf_addf(&text, "Finding of stagegate's rule '%s'",
			    f->rule);
	fprintf(out, "%s\n{\"id\":", i ? "," : "");
	json_str(out, f->rule);
	fputs(",\"name\":", out);
	rule_name(out, f->rule);
	fputs(",\"shortDescription\":{\"text\":", out);
	json_sentence(out, text.buf, NULL);
	fputs("},\"fullDescription\":{\"text\":", out);
	json_sentence(out, e ? e->full : text.buf, NULL);
	fputs("},\"help\":{\"text\":", out);
	json_sentence(out, f->fix ? f->fix : "see the secret gate in "
		      "stagegate's README", NULL);
	fputs(",\"markdown\":", out);
	json_sentence(out, f->fix ? f->fix : "see the secret gate in "
		      "stagegate's README", NULL);
	fprintf(out, "},\"helpUri\":\"" SG_DOC_URI "#the-secret-gate\","
		"\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{"
		"\"tags\":[\"security\",\"secrets\"],\"precision\":\"high\","
		"\"problem.severity\":\"%s\",\"security-severity\":\"%s\"}}",
		sg_severity_name(f->severity), sev, e ? e->severity : "5.0");
	sg_buf_release(&text);
}

/*
 * What code scanning matches a result by across runs: a secret's own
 * fingerprint, else one of the rule and path (a credential file, a file
 * the scan could not finish), so every result carries one.
 */
static const char *fingerprint(char hex[65], const struct sg_finding *f)
{
	struct sg_sha256 h;

	if (*f->fingerprint)
		return f->fingerprint;
	sg_sha256_init(&h);
	sg_sha256_update(&h, f->rule, strlen(f->rule) + 1);
	if (f->path)
		sg_sha256_update(&h, f->path, strlen(f->path));
	sg_sha256_final(&h, hex);
	return hex;
}

static void sarif_result(FILE *out, const struct sg_finding *f, long index,
			 const char *root, int first)
{
	struct sg_buf uri = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char fp[65];
	int relative;

	fprintf(out, "%s\n{\"ruleId\":", first ? "" : ",");
	json_str(out, f->rule);
	if (index >= 0)
		fprintf(out, ",\"ruleIndex\":%ld", index);
	fprintf(out, ",\"level\":\"%s\",\"message\":{\"text\":",
		sg_severity_name(f->severity));
	json_sentence(out, f->message, NULL);
	fputs("},\"locations\":[{\"physicalLocation\":{"
	      "\"artifactLocation\":{\"uri\":", out);
	relative = clean_uri(&uri, f->path ? f->path : "-", root);
	json_str(out, uri.buf);
	if (relative)
		fputs(",\"uriBaseId\":\"%SRCROOT%\"", out);
	fputs("}", out);
	fprintf(out, ",\"region\":{\"startLine\":%d,\"startColumn\":%d}",
		f->line > 0 ? f->line : 1, f->col > 0 ? f->col : 1);
	fputs("}}]", out);
	fprintf(out, ",\"partialFingerprints\":{\"stagegate/v1\":\"%s\"}",
		fingerprint(fp, f));
	if (*f->commit || f->confidence) {
		fputs(",\"properties\":{", out);
		if (*f->commit)
			fprintf(out, "\"commit\":\"%s\"%s", f->commit,
				f->confidence ? "," : "");
		if (f->confidence)
			fprintf(out, "\"confidence\":\"%s\"", f->confidence);
		fputs("}", out);
	}
	fputs("}", out);
	sg_buf_release(&uri);
}

/*
 * The results, errors first: past SG_MAX_SARIF_RESULTS the rest are
 * left out (code scanning would refuse the whole file). How many were.
 */
static size_t sarif_results(FILE *out, const struct sg_report *r,
			    const struct sg_rules *rules, const size_t *other,
			    size_t nother, const char *root)
{
	static const enum sg_severity order[] = {
		SG_SEV_ERROR, SG_SEV_WARNING, SG_SEV_NOTE
	};
	size_t shown = 0;

	for (size_t o = 0; o < sizeof(order) / sizeof(*order); o++) {
		for (size_t i = 0; i < r->nr; i++) {
			const struct sg_finding *f = &r->v[i];
			long index = secret_rule_index(rules, f->rule);

			if (f->severity != order[o] ||
			    shown == SG_MAX_SARIF_RESULTS)
				continue;
			for (size_t k = 0; index < 0 && k < nother; k++)
				if (!strcmp(r->v[other[k]].rule, f->rule))
					index = (long)(rules->nr + k);
			sarif_result(out, f, index, root, shown == 0);
			shown++;
		}
	}
	return r->nr - shown;
}

static void print_sarif(FILE *out, const struct sg_report *r,
			const struct sg_rules *rules)
{
	char *root = getcwd(NULL, 0);
	struct sg_buf uri = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	size_t *other, nother = other_rules(&other, r, rules), left;

	fputs("{\"version\":\"2.1.0\",\"$schema\":\"https://json.schemastore"
	      ".org/sarif-2.1.0.json\",\"runs\":[{\"tool\":{\"driver\":{"
	      "\"name\":\"stagegate\",\"version\":\"" SG_VERSION "\","
	      "\"semanticVersion\":\"" SG_VERSION "\",\"informationUri\":\""
	      SG_DOC_URI "\",\"rules\":[", out);
	for (size_t i = 0; i < rules->nr; i++)
		sarif_rule(out, &rules->v[i], i);
	for (size_t k = 0; k < nother; k++)
		sarif_other_rule(out, &r->v[other[k]], rules->nr + k);
	fputs("]}}", out);
	if (root) {
		sg_buf_adds(&uri, "file://");
		for (const char *p = root; *p; p++)
			if (isalnum((unsigned char)*p) || strchr("-._~/", *p))
				sg_buf_addch(&uri, *p);
			else
				sg_buf_addf(&uri, "%%%02X", (unsigned char)*p);
		fputs(",\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":", out);
		if (uri.buf[uri.len - 1] != '/')
			sg_buf_addch(&uri, '/');
		json_str(out, uri.buf);
		fputs("}}", out);
	}
	fputs(",\"results\":[", out);
	left = sarif_results(out, r, rules, other, nother, root);
	fputs("]", out);
	if (left)
		fprintf(out, ",\"invocations\":[{\"executionSuccessful\":"
			"true,\"toolExecutionNotifications\":[{\"level\":"
			"\"warning\",\"message\":{\"text\":\"%zu more "
			"findings are left out "
			"of this file: code scanning accepts %d results a run. "
			"Run stagegate scan --format json to list them all.\"}"
			"}]}]", left, SG_MAX_SARIF_RESULTS);
	fputs("}]}\n", out);
	sg_buf_release(&uri);
	free(other);
	free(root);
}

void sg_scan_print(FILE *out, const struct sg_report *r,
		   enum sg_scan_format fmt, const struct sg_rules *rules)
{
	if (fmt == SG_SCAN_JSON) {
		print_json(out, r);
		return;
	}
	if (fmt == SG_SCAN_SARIF) {
		print_sarif(out, r, rules);
		return;
	}
	for (size_t i = 0; i < r->nr; i++) {
		const struct sg_finding *f = &r->v[i];

		/* from history: which commit, the file may be gone since */
		if (*f->commit)
			fprintf(out, "commit %.10s ", f->commit);
		fprintf(out, "%s:%d:%d: %s [%s] %s\n", f->path ? f->path : "-",
			f->line, f->col, sg_severity_name(f->severity), f->rule,
			f->message);
	}
	if (r->errors)
		fprintf(out, "%zu secret(s) found. Move each value into an "
			"environment variable of type Secret (Key Vault) or a "
			"connection reference, and rotate any that were "
			"shared.\n", r->errors);
	else
		fprintf(out, "no secrets found\n");
}
