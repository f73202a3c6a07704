/*
 * stagegate.c -- the admin and auditor command line. Sub-commands are
 * dispatched from one table; each has --help; a bad command line
 * prints usage and exits 2.
 *
 * What it prints comes largely from pushers (audit records) and from
 * files it scans: stdout and stderr are escaping streams (escape.h), so
 * no control character of theirs reaches the terminal, whatever prints.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <getopt.h>
#include <git2.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../common/audit_read.h"
#include "../common/audit_report.h"
#include "audit_cli.h"
#include "../common/buf.h"
#include "../common/error.h"
#include "../common/escape.h"
#include "../common/local.h"
#include "../common/msg.h"
#include "../common/policy.h"
#include "../common/report.h"
#include "../common/rules.h"
#include "../common/scanfiles.h"
#include "../common/version.h"
#include "../common/banned.h"

#define EXIT_USAGE 2

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

static int cmd_version(int argc, char **argv);
static int cmd_policy(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_audit(int argc, char **argv);
static int cmd_scan(int argc, char **argv);
static int cmd_pre_push(int argc, char **argv);
static int cmd_install_pre_push(int argc, char **argv);
static int cmd_explain(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "policy", cmd_policy, "validate a policy file",
	  "usage: stagegate policy check FILE\n"
	  "\n"
	  "Validate FILE with the same loader the hooks use. Prints a\n"
	  "summary and exits 0 when valid; prints FILE:LINE:COL and the\n"
	  "reason and exits 1 when not.\n" },
	{ "audit", cmd_audit, "read and verify the audit log",
	  "usage: stagegate audit list   [FILTERS] [LOG...]\n"
	  "       stagegate audit show   ID [LOG]\n"
	  "       stagegate audit verify [--against FILE] [LOG...]\n"
	  "       stagegate audit export --format json|csv [FILTERS] [LOG...]\n"
	  "       stagegate audit stats  [FILTERS] [LOG...]\n"
	  "       stagegate audit report --html FILE [FILTERS] [LOG...]\n"
	  "\n"
	  "LOG defaults to stagegate/audit.log of the repository (run it in\n"
	  "the bare repository, or set GIT_DIR); give a copy's path to read\n"
	  "it away from the server. list, export, stats and report read many\n"
	  "logs at once (repositories, rotated files) and say which\n"
	  "repository each record is from. verify takes one log's rotated\n"
	  "files, oldest first.\n"
	  "\n"
	  "report writes one self-contained HTML file (no network; prints\n"
	  "to PDF): the chain's verification, decisions per day, refusals by\n"
	  "rule and user, every promotion to prod, rollbacks, and delivery\n"
	  "figures (deployment frequency, lead time, change failure rate,\n"
	  "time to restore).\n"
	  "\n"
	  "filters:\n"
	  "  --since WHEN     records at or after WHEN, UTC: 2026-11-01,\n"
	  "                   2026-11-01T08:00[:00] or the TIME list prints\n"
	  "                   ('2026-11-01 08:00:00')\n"
	  "  --until WHEN     records up to WHEN, inclusive (UTC)\n"
	  "  --user LOGIN     pusher (a glob)\n"
	  "  --ref REF        ref (a glob: 'refs/heads/*')\n"
	  "  --repo PATH      repository, by the path its records name\n"
	  "                   (a glob: '/srv/git/*.git'), for a log that\n"
	  "                   several repositories share\n"
	  "  --rule RULE      records with a violation of RULE (a glob)\n"
	  "  --decision D     accepted, rejected, break-glass or error\n"
	  "  --break-glass    records that asked for break-glass (used\n"
	  "                   or refused), with the reason\n"
	  "\n"
	  "verify exits 1 and names the first broken record when the hash\n"
	  "chain is broken, or the log's head file (LOG.head) is missing or\n"
	  "disagrees with its end; 0 when intact. With --against FILE, an\n"
	  "outside copy of the chain (the syslog lines a collector stored,\n"
	  "a backup of the log, or 'SEQ HASH' lines), it also exits 1 when\n"
	  "the log lacks a record the copy has, or holds another one.\n" },
	{ "scan", cmd_scan, "find secrets in files and directories",
	  "usage: stagegate scan [--format text|json|sarif] [--rules FILE]\n"
	  "                      [--policy FILE] PATH...\n"
	  "       stagegate scan [OPTIONS] --range A..B|REV [--repo DIR]\n"
	  "\n"
	  "Scan files and directories (recursively, .git skipped), or the\n"
	  "history of a commit range (every blob once, and commit messages;\n"
	  "one REV: all of its history), with the\n"
	  "secret gate's engine: the same rules, decoding (UTF-16, BOMs,\n"
	  "base64, zip/msapp archives) and redaction. Exits 1 when a secret\n"
	  "is found, 0 when none is, 2 on a bad command line.\n"
	  "\n"
	  "  --rules FILE   secret rules (default: stagegate/secrets.yaml of\n"
	  "                 the repository, else policies/secrets.yaml of the\n"
	  "                 stagegate checkout the binary was built in)\n"
	  "  --policy FILE  a policy whose secrets.allow entries apply\n"
	  "  --format F     text (default), json (one object per finding) or\n"
	  "                 sarif (SARIF 2.1.0 for code-scanning dashboards)\n" },
	{ "pre-push", cmd_pre_push, "the secret gate before a push (git hook)",
	  "usage: stagegate pre-push [--rules FILE] [--policy FILE] [REMOTE [URL]]\n"
	  "\n"
	  "git's pre-push hook: reads git's list of updates on stdin and\n"
	  "scans exactly what the push would send (the commits the remote\n"
	  "REMOTE, default origin, does not have, as far as the clone knows)\n"
	  "with the server's secret engine. Prints the findings in the\n"
	  "server's words (rule, commit, path:line, redacted value,\n"
	  "fingerprint, fix) and exits 1, so git sends nothing; 0 when clean.\n"
	  "Under the pre-commit framework (stages: [pre-push]) it reads\n"
	  "PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF instead.\n"
	  "\n"
	  "  --rules FILE   the server's secrets.yaml (default: stagegate.rules\n"
	  "                 of the clone's config, then secrets.yaml beside\n"
	  "                 --policy, then as for scan)\n"
	  "  --policy FILE  the server's policy, for its secrets.allow list\n"
	  "                 (default: stagegate.policy of the clone's config)\n" },
	{ "install-pre-push", cmd_install_pre_push,
	  "install the pre-push hook in this clone",
	  "usage: stagegate install-pre-push [--rules FILE] [--policy FILE]\n"
	  "                                  [--force]\n"
	  "\n"
	  "Run in a clone: writes .git/hooks/pre-push (running stagegate\n"
	  "pre-push with these files) and records them as stagegate.rules\n"
	  "and stagegate.policy in the clone's config, for explain. A hook\n"
	  "that is not stagegate's stays unless --force.\n" },
	{ "explain", cmd_explain, "what the server would say of a push, now",
	  "usage: stagegate explain [--policy FILE] [--user LOGIN] [--remote R]\n"
	  "                         REF [REV]\n"
	  "\n"
	  "Run in a clone with a copy of the server's policy: what would the\n"
	  "server say if REV (default HEAD) were pushed to REF now? Runs the\n"
	  "server's ref gates (who may push, approvals present and valid,\n"
	  "the test tag, required trailers) against the clone's objects,\n"
	  "with the remote's tracking ref (refs/remotes/R/...) as the old\n"
	  "tip, and prints every violation in the server's words with the\n"
	  "commands that fix it. Fetch first (git fetch --tags) so that the\n"
	  "clone knows the server's tags. Exits 1 if the server would refuse\n"
	  "the push, 0 if it would accept it. Secrets: see pre-push.\n"
	  "\n"
	  "  --policy FILE  default: stagegate.policy of the clone's config\n"
	  "  --user LOGIN   the pusher (default: the policy user whose email\n"
	  "                 is git's user.email)\n"
	  "  --remote R     default: origin\n" },
	{ "version", cmd_version, "print versions",
	  "usage: stagegate version\n" },
	{ "help", cmd_help, "show this help",
	  "usage: stagegate help [COMMAND]\n" },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *out)
{
	fputs("usage: stagegate COMMAND [ARGS]\n\n"
	      "stagegate governs pushes of exported low-code solutions; its "
	      "hooks\n(stagegate-pre-receive, stagegate-update) are "
	      "installed by install.sh.\n\ncommands:\n", out);
	for (size_t i = 0; i < SG_ARRAY_SIZE(cmds); i++)
		fprintf(out, "  %-17s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\nRun 'stagegate COMMAND --help' for one command.\n", out);
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int bad_usage(const struct cmd *c, const char *why)
{
	fprintf(stderr, "stagegate %s: %s\n%s", c->name, why, c->usage);
	return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "stagegate: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	int major, minor, rev;

	(void)argv;
	if (argc != 1)
		return bad_usage(find_cmd("version"), "takes no arguments");
	git_libgit2_version(&major, &minor, &rev);
	printf("stagegate %s (libgit2 %d.%d.%d, pcre2 %d.%d, libyaml %s)\n",
	       SG_VERSION, major, minor, rev, PCRE2_MAJOR, PCRE2_MINOR,
	       yaml_get_version_string());
	return 0;
}

static int policy_check(const char *path)
{
	struct sg_buf err = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_policy *pol = NULL;
	size_t gated = 0;

	if (sg_policy_load(&pol, path, &err) < 0) {
		fprintf(stderr, "stagegate: invalid policy: %s\n", err.buf);
		sg_buf_release(&err);
		return 1;
	}
	for (size_t i = 0; i < pol->envs_nr; i++)
		gated += pol->envs[i].approvals_min > 0 ||
			 pol->envs[i].require_tested;
	printf("policy '%s' is valid: %zu environment(s), %zu gated, "
	       "%zu user(s); sha256 %s\n", path, pol->envs_nr, gated,
	       pol->users_nr, pol->digest);
	sg_policy_free(pol);
	sg_buf_release(&err);
	return 0;
}

static int cmd_policy(int argc, char **argv)
{
	const struct cmd *c = find_cmd("policy");

	if (wants_help(argc, argv)) {
		fputs(c->usage, stdout);
		return 0;
	}
	if (argc < 2)
		return bad_usage(c, "missing sub-command");
	if (strcmp(argv[1], "check"))
		return bad_usage(c, "unknown sub-command");
	if (argc != 3)
		return bad_usage(c, "'check' takes exactly one FILE");
	return policy_check(argv[2]);
}

static const char *default_log(struct sg_buf *b)
{
	const char *dir = getenv("GIT_DIR");

	sg_buf_addf(b, "%s/stagegate/audit.log", dir && *dir ? dir : ".");
	return b->buf;
}

static int audit_fail(struct sg_buf *err)
{
	fprintf(stderr, "stagegate audit: %s\n", err->buf);
	return 1;
}

static int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "user", required_argument, NULL, 'U' },
		{ "ref", required_argument, NULL, 'r' },
		{ "repo", required_argument, NULL, 'p' },
		{ "rule", required_argument, NULL, 'R' },
		{ "decision", required_argument, NULL, 'd' },
		{ "break-glass", no_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "against", required_argument, NULL, 'a' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c = find_cmd("audit");
	struct sg_audit_filter f = { 0 };
	struct sg_buf err = SG_BUF_INIT(4096), def = SG_BUF_INIT(4096);
	enum sg_audit_format fmt = SG_AUDIT_TABLE;
	const char *sub, *log, *format = NULL, *against = NULL, *html = NULL;
	const char *const *logs;
	size_t logs_nr;
	int opt, ret;

	if (argc < 2)
		return bad_usage(c, "missing sub-command");
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") ||
	    !strcmp(sub, "help")) {
		fputs(c->usage, stdout);
		return 0;
	}
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': f.since = optarg; break;
		case 'u': f.until = optarg; break;
		case 'U': f.user = optarg; break;
		case 'r': f.ref = optarg; break;
		case 'p': f.repo = optarg; break;
		case 'R': f.rule = optarg; break;
		case 'd': f.decision = optarg; break;
		case 'b': f.break_glass = 1; break;
		case 'f': format = optarg; break;
		case 'a': against = optarg; break;
		case 'H': html = optarg; break;
		case 'h': fputs(c->usage, stdout); return 0;
		default: return bad_usage(c, "unknown or incomplete option");
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	if (sg_audit_filter_prepare(&f, &err) < 0) {
		fprintf(stderr, "stagegate audit: %s\n", err.buf);
		sg_buf_release(&err);
		return EXIT_USAGE;
	}
	f.skipped = sg_audit_cli_skipped;
	if (html && strcmp(sub, "report"))
		return bad_usage(c, "--html is an option of report");
	if (against && strcmp(sub, "verify"))
		return bad_usage(c, "--against is an option of verify");
	if (!strcmp(sub, "verify")) {
		const char *one = default_log(&def);

		ret = sg_audit_cli_verify(argc ? (const char *const *)argv
					  : &one, argc ? (size_t)argc : 1,
					  against, stdout, &err);
		sg_buf_release(&def);
		if (ret < 0)
			return audit_fail(&err);
		return ret;
	}
	if (!strcmp(sub, "show")) {
		if (argc < 1 || argc > 2)
			return bad_usage(c, "show takes an ID and maybe a LOG");
		log = argc == 2 ? argv[1] : default_log(&def);
		ret = sg_audit_cli_show(log, argv[0], stdout, &err);
		sg_buf_release(&def);
		return ret < 0 ? audit_fail(&err) : 0;
	}
	/* usage first: nothing to release on these returns */
	if (strcmp(sub, "list") && strcmp(sub, "stats") &&
	    strcmp(sub, "export") && strcmp(sub, "report"))
		return bad_usage(c, "unknown sub-command");
	if (!strcmp(sub, "export") &&
	    (!format || (strcmp(format, "json") && strcmp(format, "csv"))))
		return bad_usage(c, "export needs --format json or csv");
	if (!strcmp(sub, "report") && !html)
		return bad_usage(c, "report needs --html FILE");
	log = default_log(&def);
	logs = argc ? (const char *const *)argv : &log;
	logs_nr = argc ? (size_t)argc : 1;
	if (!strcmp(sub, "list")) {
		ret = sg_audit_cli_list(logs, logs_nr, &f, stdout, &err);
	} else if (!strcmp(sub, "stats")) {
		ret = sg_audit_cli_stats(logs, logs_nr, &f, stdout, &err);
	} else if (!strcmp(sub, "export")) {
		fmt = !strcmp(format, "json") ? SG_AUDIT_JSON : SG_AUDIT_CSV;
		ret = sg_audit_cli_export(logs, logs_nr, &f, fmt, stdout,
					  &err);
	} else {
		ret = sg_audit_report_write(html, logs, logs_nr, &f, &err);
		if (ret == 0)
			printf("wrote '%s'\n", html);
	}
	sg_buf_release(&def);
	return ret < 0 ? audit_fail(&err) : 0;
}

/* The rules of the checkout this binary was built in (build/X/bin/..). */
static void default_rules(struct sg_buf *out)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	sg_buf_reset(out);
	if (stat("stagegate/secrets.yaml", &st) == 0) {
		sg_buf_adds(out, "stagegate/secrets.yaml");
		return;
	}
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (slash)
				*slash = '\0';
		}
		sg_buf_addf(out, "%s/policies/secrets.yaml", exe);
	}
}

static int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "range", required_argument, NULL, 'R' },
		{ "repo", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c = find_cmd("scan");
	struct sg_buf err = SG_BUF_INIT(4096), rules_path = SG_BUF_INIT(4096);
	struct sg_report r = SG_REPORT_INIT;
	struct sg_rules *rules = NULL;
	struct sg_policy *pol = NULL;
	enum sg_scan_format fmt = SG_SCAN_TEXT;
	const char *policy = NULL, *range = NULL, *repo = ".";
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = SG_SCAN_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = SG_SCAN_JSON;
			else if (!strcmp(optarg, "sarif"))
				fmt = SG_SCAN_SARIF;
			else
				return bad_usage(c, "--format is text, json "
						 "or sarif");
			break;
		case 'r':
			sg_buf_reset(&rules_path);
			sg_buf_adds(&rules_path, optarg);
			break;
		case 'p': policy = optarg; break;
		case 'R': range = optarg; break;
		case 'D': repo = optarg; break;
		case 'h': fputs(c->usage, stdout); return 0;
		default: return bad_usage(c, "unknown or incomplete option");
		}
	}
	if (!range && optind >= argc)
		return bad_usage(c, "nothing to scan: give files or "
				 "directories");
	if (!rules_path.len)
		default_rules(&rules_path);
	if (sg_rules_load(&rules, rules_path.buf, &err) < 0 ||
	    (policy && sg_policy_load(&pol, policy, &err) < 0)) {
		fprintf(stderr, "stagegate scan: %s\n", err.buf);
		ret = 2;
		goto out;
	}
	ret = range ? sg_scan_range(rules, pol, repo, range, &r, &err) : 0;
	if (ret == 0 && optind < argc)
		ret = sg_scan_paths(rules, pol, argv + optind,
				    (size_t)(argc - optind), &r, &err);
	if (ret < 0) {
		fprintf(stderr, "stagegate scan: %s\n", err.buf);
		ret = 2;
		goto out;
	}
	sg_scan_print(stdout, &r, fmt, rules);
	ret = r.errors ? 1 : 0;
out:
	sg_report_release(&r);
	sg_rules_free(rules);
	sg_policy_free(pol);
	sg_buf_release(&err);
	sg_buf_release(&rules_path);
	return ret;
}

static const char *repo_dir(void)
{
	const char *dir = getenv("GIT_DIR");

	return dir && *dir ? dir : ".";
}

/* An absolute path for what a hook runs later, elsewhere. */
static char *absolute(const char *path)
{
	return path ? realpath(path, NULL) : NULL;
}

/* --rules, else the clone's stagegate.rules, else beside the policy. */
static void pick_rules(struct sg_buf *out, const char *rules,
		       const char *policy)
{
	struct stat st;

	sg_buf_reset(out);
	if (rules) {
		sg_buf_adds(out, rules);
		return;
	}
	if (sg_local_config(repo_dir(), "stagegate.rules", out) == 0)
		return;
	if (policy) {
		const char *slash = strrchr(policy, '/');

		sg_buf_addf(out, "%.*ssecrets.yaml",
			    slash ? (int)(slash - policy + 1) : 0, policy);
		if (stat(out->buf, &st) == 0)
			return;
	}
	default_rules(out);
}

/* The ref the pre-commit framework says is pushed (it may not say). */
static const char *framework_ref(void)
{
	const char *ref = getenv("PRE_COMMIT_REMOTE_BRANCH");

	if (!ref || strncmp(ref, "refs/", 5))
		ref = getenv("PRE_COMMIT_LOCAL_BRANCH");
	return ref && !strncmp(ref, "refs/", 5) ? ref : "refs/heads/pushed";
}

static int cmd_pre_push(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c = find_cmd("pre-push");
	struct sg_buf err = SG_BUF_INIT(4096), rules = SG_BUF_INIT(4096);
	struct sg_buf policy = SG_BUF_INIT(4096);
	struct sg_local l = SG_LOCAL_INIT;
	const char *rules_opt = NULL, *remote = "origin", *to;
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rules_opt = optarg; break;
		case 'p': sg_buf_reset(&policy); sg_buf_adds(&policy, optarg);
			  break;
		case 'h': fputs(c->usage, stdout); return 0;
		default: return bad_usage(c, "unknown or incomplete option");
		}
	}
	if (optind < argc)
		remote = argv[optind];
	if (!policy.len)
		sg_local_config(repo_dir(), "stagegate.policy", &policy);
	pick_rules(&rules, rules_opt, policy.len ? policy.buf : NULL);
	to = getenv("PRE_COMMIT_TO_REF");
	if (to && *to && getenv("PRE_COMMIT_REMOTE_NAME"))
		remote = getenv("PRE_COMMIT_REMOTE_NAME");
	if (to && *to)
		ret = sg_local_prepush_one(&l, repo_dir(), remote, rules.buf,
					   policy.len ? policy.buf : NULL,
					   framework_ref(),
					   getenv("PRE_COMMIT_FROM_REF"),
					   to, &err);
	else
		ret = sg_local_prepush(&l, repo_dir(), remote, rules.buf,
				       policy.len ? policy.buf : NULL, stdin,
				       &err);
	if (ret < 0) {
		/* fail closed: git sends nothing when a pre-push hook fails */
		fprintf(stderr, "stagegate pre-push: %s; nothing was pushed "
			"(git push --no-verify skips this check)\n", err.buf);
		ret = 2;
	} else if (l.report.errors) {
		sg_msg_report(stderr, &l.push, &l.report, NULL);
		fprintf(stderr, "stagegate pre-push: the server would refuse "
			"this push: nothing was sent\n");
		ret = 1;
	}
	sg_local_release(&l);
	sg_buf_release(&err);
	sg_buf_release(&rules);
	sg_buf_release(&policy);
	return ret;
}

static int cmd_install_pre_push(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c = find_cmd("install-pre-push");
	struct sg_buf err = SG_BUF_INIT(4096), path = SG_BUF_INIT(4096);
	char *rules = NULL, *policy = NULL, *exe = absolute("/proc/self/exe");
	int opt, force = 0, ret = 0;

	optind = 1;
	opterr = 0;
	while (ret == 0 && (opt = getopt_long(argc, argv, "h", opts,
					      NULL)) != -1) {
		switch (opt) {
		case 'r': free(rules); rules = absolute(optarg);
			  ret = rules ? 0 : -1; break;
		case 'p': free(policy); policy = absolute(optarg);
			  ret = policy ? 0 : -1; break;
		case 'f': force = 1; break;
		case 'h': fputs(c->usage, stdout); goto out;
		default: ret = bad_usage(c, "unknown or incomplete option");
			 goto out;
		}
	}
	if (ret < 0) {
		fprintf(stderr, "stagegate install-pre-push: '%s': %s\n",
			optarg, strerror(errno));
		ret = 1;
	} else if (optind < argc) {
		ret = bad_usage(c, "takes no arguments");
	} else if (!exe || sg_local_install(repo_dir(), exe, rules, policy,
					     force, &path, &err) < 0) {
		fprintf(stderr, "stagegate install-pre-push: %s\n",
			exe ? err.buf : "cannot find this program");
		ret = 1;
	} else {
		printf("installed '%s': git push now runs the secret gate "
		       "first\n", path.buf);
	}
out:
	free(rules);
	free(policy);
	free(exe);
	sg_buf_release(&err);
	sg_buf_release(&path);
	return ret;
}

static int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "remote", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c = find_cmd("explain");
	struct sg_buf err = SG_BUF_INIT(4096), policy = SG_BUF_INIT(4096);
	struct sg_local l = SG_LOCAL_INIT;
	const char *user = NULL, *remote = "origin", *ref, *rev;
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': sg_buf_reset(&policy); sg_buf_adds(&policy, optarg);
			  break;
		case 'u': user = optarg; break;
		case 'r': remote = optarg; break;
		case 'h': fputs(c->usage, stdout); return 0;
		default: return bad_usage(c, "unknown or incomplete option");
		}
	}
	if (optind >= argc || argc - optind > 2)
		return bad_usage(c, "give REF and maybe REV");
	ref = argv[optind];
	rev = optind + 1 < argc ? argv[optind + 1] : "HEAD";
	if (!policy.len &&
	    sg_local_config(repo_dir(), "stagegate.policy", &policy) < 0) {
		sg_buf_release(&policy);
		return bad_usage(c, "no policy: give --policy FILE (a copy of "
				 "the server's), or install-pre-push --policy");
	}
	ret = sg_local_explain(&l, repo_dir(), policy.buf, remote, user, ref,
			       rev, &err);
	if (ret < 0) {
		fprintf(stderr, "stagegate explain: %s\n", err.buf);
		ret = 2;
	} else {
		printf("if %s pushed %s to %s now, the server would say:\n",
		       l.ctx.pusher.login, rev, ref);
		sg_msg_report(stdout, &l.push, &l.report, NULL);
		ret = sg_report_verdict_of(&l.report, 0) &&
		      sg_report_verdict_of(&l.report, 0)->rejected;
		if (!ret)
			printf("(secrets are checked by stagegate pre-push)\n");
	}
	sg_local_release(&l);
	sg_buf_release(&err);
	sg_buf_release(&policy);
	return ret;
}

/* Put escaping streams in front of stdout and stderr (see the top). */
static void escape_output(FILE **raw_out, FILE **raw_err)
{
	FILE *out = sg_escape_stream(stdout), *err = sg_escape_stream(stderr);

	*raw_out = stdout;
	*raw_err = stderr;
	if (out)
		stdout = out;
	if (err)
		stderr = err;
}

static int restore_output(FILE *raw_out, FILE *raw_err, int ret)
{
	if (stdout != raw_out && fclose(stdout) != 0 && ret == 0)
		ret = 1;	/* output lost (a full disk, a closed pipe) */
	if (stderr != raw_err)
		fclose(stderr);
	stdout = raw_out;
	stderr = raw_err;
	return ret;
}

static int run(int argc, char **argv)
{
	const struct cmd *c;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "stagegate: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (c->fn != cmd_policy && c->fn != cmd_audit && c->fn != cmd_scan &&
	    c->fn != cmd_pre_push && c->fn != cmd_explain &&
	    c->fn != cmd_install_pre_push && wants_help(argc - 1, argv + 1)) {
		fputs(c->usage, stdout);
		return 0;
	}
	git_libgit2_init();
	ret = c->fn(argc - 1, argv + 1);
	git_libgit2_shutdown();
	return ret;
}

int main(int argc, char **argv)
{
	FILE *raw_out, *raw_err;
	int ret;

	escape_output(&raw_out, &raw_err);
	sg_msg_set_gitlab(getenv("GL_ID") && *getenv("GL_ID"));
	ret = run(argc, argv);
	return restore_output(raw_out, raw_err, ret);
}
