/*
 * test_audit.c -- append records and verify the chain, on real files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../common/audit.h"
#include "../../common/audit_read.h"
#include "../../common/buf.h"
#include "../../common/push.h"
#include "../../common/report.h"
#include "../../common/sha256.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"

static void append(const char *path, const char *ref, int violation,
		   size_t rotate)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { path, rotate, NULL };
	struct sg_audit_entry e = { "/srv/x.git", "pre-receive", "abc", &push,
				    &r, "maker", "REMOTE_USER", NULL, 3 };
	struct sg_buf err = SG_BUF_INIT(4096);
	char id[SG_PUSH_ID_LEN + 1];

	cr_assert_eq(sg_push_add(&push, ref, A, B, &err), 0);
	if (violation) {
		sg_report_add(&r, SG_SEV_ERROR, "protect.force-push", ref, NULL,
			      NULL, "secret-looking text AKIA**** (redacted)");
		sg_report_verdict(&r, 0)->rejected = 1;
	}
	sg_audit_new_push_id(id);
	cr_assert_eq(strlen(id), SG_PUSH_ID_LEN);
	cr_assert_eq(sg_audit_append(&opt, &e, id, &err), 0, "%s", err.buf);
	sg_report_release(&r);
	sg_push_release(&push);
	sg_buf_release(&err);
}

static int verify_against(const char *const *paths, size_t n,
			  const char *against)
{
	struct sg_audit_verdict v = SG_AUDIT_VERDICT_INIT;
	int ret = sg_audit_verify_files(&v, paths, n, against, NULL);

	/* the verdict says what the return value says */
	cr_assert_eq(v.broken, ret == 1);
	cr_assert(ret < 0 || v.nr > 0);
	sg_audit_verdict_release(&v);
	return ret;
}

static int verify(const char *const *paths, size_t n)
{
	return verify_against(paths, n, NULL);
}

Test(audit, seed_chain_and_verify)
{
	const char *path = "audit_t/a.log";
	FILE *f;
	char line[8192];

	cr_assert_eq(system("rm -rf audit_t"), 0);
	append(path, "refs/heads/dev", 0, 0);
	append(path, "refs/heads/main", 1, 0);
	cr_assert_eq(verify(&path, 1), 0);
	f = fopen(path, "r");
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"type\":\"seed\""), "%s", line);
	cr_assert(strstr(line, "\"prev\":null"));
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"decision\":\"accepted\""), "%s", line);
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(strstr(line, "\"decision\":\"rejected\""), "%s", line);
	cr_assert(strstr(line, "\"rule\":\"protect.force-push\""));
	fclose(f);
	/* an edit breaks it */
	cr_assert_eq(system("sed -i 's/refs.heads.dev/refs\\/heads\\/prod/' audit_t/a.log"), 0);
	cr_assert_eq(verify(&path, 1), 1);
	cr_assert_eq(system("rm -rf audit_t"), 0);
}

/* verify returns what it found as data; its text is what the CLI prints */
Test(audit, verdict_is_data)
{
	const char *path = "audit_v/a.log";
	struct sg_audit_verdict v = SG_AUDIT_VERDICT_INIT;
	struct sg_buf text = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	cr_assert_eq(system("rm -rf audit_v"), 0);
	append(path, "refs/heads/dev", 0, 0);
	append(path, "refs/heads/main", 1, 0);
	cr_assert_eq(sg_audit_verify_files(&v, &path, 1, NULL, NULL), 0);
	cr_assert_eq(v.nr, 1);
	cr_assert_null(v.v[0].path);
	cr_assert_str_eq(v.v[0].text, "OK: 3 record(s), seq up to 2, hash "
			 "chain intact");
	sg_audit_verdict_release(&v);
	cr_assert_eq(system("sed -i '2s/refs.heads.dev/refs\\/heads\\/prod/' "
			    "audit_v/a.log"), 0);
	cr_assert_eq(sg_audit_verify_files(&v, &path, 1, NULL, NULL), 1);
	cr_assert(v.broken);
	cr_assert_str_eq(v.v[0].path, path);
	cr_assert_eq(v.v[0].lineno, 3);
	sg_audit_verdict_text(&text, &v);
	cr_assert(!strncmp(text.buf, "BROKEN: audit_v/a.log:3: its 'prev' "
			   "is not", 36), "%s", text.buf);
	cr_assert_eq(text.buf[text.len - 1], '\n');
	sg_buf_release(&text);
	sg_audit_verdict_release(&v);
	cr_assert_eq(system("rm -rf audit_v"), 0);
}

Test(audit, rotation_keeps_the_chain)
{
	const char *paths[2];
	char old[256] = "";
	FILE *p;

	cr_assert_eq(system("rm -rf audit_r"), 0);
	append("audit_r/a.log", "refs/heads/a", 0, 1);
	append("audit_r/a.log", "refs/heads/b", 0, 1);	/* rotates first */
	p = popen("ls audit_r | grep 'a.log.2' | grep -v head", "r");
	cr_assert(fgets(old, sizeof(old), p));
	pclose(p);
	old[strcspn(old, "\n")] = '\0';
	{
		char full[300];

		snprintf(full, sizeof(full), "audit_r/%s", old);
		paths[0] = full;
		paths[1] = "audit_r/a.log";
		cr_assert_eq(verify(paths, 2), 0);
		/* the new file alone starts with its rotate record */
		cr_assert_eq(verify(&paths[1], 1), 0);
	}
	cr_assert_eq(system("grep -q '\"type\":\"rotate\"' audit_r/a.log"), 0);
	cr_assert_eq(system("rm -rf audit_r"), 0);
}

Test(audit, unwritable_is_an_error)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_audit_options opt = { "audit_u/dir", 0, NULL };
	struct sg_audit_entry e = { "/r", "pre-receive", NULL, &push, NULL,
				    NULL, NULL, "boom", 0 };
	struct sg_buf err = SG_BUF_INIT(4096);

	cr_assert_eq(system("rm -rf audit_u && mkdir -p audit_u/dir"), 0);
	cr_assert_lt(sg_audit_append(&opt, &e, "abcdef012345", &err), 0);
	cr_assert(strstr(err.buf, "audit log"), "%s", err.buf);
	cr_assert_eq(system("rm -rf audit_u"), 0);
	sg_buf_release(&err);
}

Test(sha256, known_vector)
{
	char hex[65];

	sg_sha256_hex(hex, "abc", 3);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(audit, oversized_finding_is_counted_not_cut)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { "audit_big/a.log", 0, NULL };
	struct sg_audit_entry e = { "/r", "pre-receive", "abc", &push, &r,
				    "maker", "REMOTE_USER", NULL, 1 };
	struct sg_buf err = SG_BUF_INIT(4096), huge = SG_BUF_INIT(1 << 20);
	const char *path = opt.path;
	char line[4096];
	FILE *f;

	cr_assert_eq(system("rm -rf audit_big"), 0);
	for (int i = 0; i < 300000; i++)	/* beyond a whole record */
		sg_buf_addch(&huge, 'x');
	sg_push_add(&push, "refs/heads/main", A, B, &err);
	sg_report_add(&r, SG_SEV_ERROR, "approval.missing", "refs/heads/main",
		      NULL, NULL, "%s", huge.buf);
	sg_report_add(&r, SG_SEV_ERROR, "tested.untagged", "refs/heads/main",
		      NULL, NULL, "small");
	sg_report_verdict(&r, 0)->rejected = 1;
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012345", &err), 0, "%s",
		     err.buf);
	cr_assert_eq(verify(&path, 1), 0);
	f = fopen(path, "r");
	cr_assert(fgets(line, sizeof(line), f));	/* the seed */
	cr_assert(fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert(strstr(line, "\"rule\":\"tested.untagged\""), "%s", line);
	cr_assert(strstr(line, "\"violations_not_shown\":1"), "%s", line);
	cr_assert_null(strstr(line, "approval.missing"));
	sg_report_release(&r);
	sg_push_release(&push);
	sg_buf_release(&err);
	sg_buf_release(&huge);
	cr_assert_eq(system("rm -rf audit_big"), 0);
}

/* Cutting the end and deleting the head fails, now and after a push. */
Test(audit, missing_head_and_cut_end)
{
	const char *path = "audit_h/a.log";

	cr_assert_eq(system("rm -rf audit_h"), 0);
	for (int i = 0; i < 4; i++)
		append(path, "refs/heads/dev", 0, 0);
	cr_assert_eq(verify(&path, 1), 0);
	cr_assert_eq(system("head -n 3 audit_h/a.log >audit_h/t && "
			    "mv audit_h/t audit_h/a.log && "
			    "rm audit_h/a.log.head"), 0);
	cr_assert_eq(verify(&path, 1), 1);
	append(path, "refs/heads/dev", 0, 0);
	cr_assert_eq(system("grep -q '\"type\":\"head-mismatch\"' "
			    "audit_h/a.log"), 0);
	cr_assert_eq(verify(&path, 1), 1);
	cr_assert_eq(system("rm -rf audit_h"), 0);
}

/* The outside copy: "SEQ HASH" lines made from the log itself. */
Test(audit, verify_against_pairs)
{
	const char *path = "audit_o/a.log";

	cr_assert_eq(system("rm -rf audit_o"), 0);
	for (int i = 0; i < 3; i++)
		append(path, "refs/heads/dev", 0, 0);
	cr_assert_eq(system("n=0; while IFS= read -r l; do printf '%s %s\\n' "
			    "$n $(printf '%s' \"$l\" | sha256sum | cut -c1-64); "
			    "n=$((n+1)); done <audit_o/a.log >audit_o/pairs"), 0);
	cr_assert_eq(verify_against(&path, 1, "audit_o/pairs"), 0);
	/*
	 * a message-only line whose user forged our structured data: the
	 * forgery's quotes are escaped, so the real seq and hash count
	 */
	cr_assert_eq(system("sed -n 2p audit_o/pairs | sed 's/\\([0-9]*\\) "
			    "\\(.*\\)/host: seq=\\1 hash=\\2 accepted x by "
			    "[stagegate@32473 seq=\\\\\"9\\\\\" hash=\\\\\"00\\\\\"]/' "
			    ">audit_o/forged && grep -q 'seq=\\\\\"9' "
			    "audit_o/forged"), 0);
	cr_assert_eq(verify_against(&path, 1, "audit_o/forged"), 0);
	/* a record the copy has and the log lost */
	cr_assert_eq(system("echo '9 0000000000000000000000000000000000000000"
			    "000000000000000000000000' >>audit_o/pairs"), 0);
	cr_assert_eq(verify_against(&path, 1, "audit_o/pairs"), 1);
	cr_assert_eq(system("rm -rf audit_o"), 0);
}

/* core.sharedRepository=group: every file of the log is group-writable. */
Test(audit, shared_repository_modes)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { "audit_s/repo/stagegate/a.log", 1,
					NULL, NULL };
	struct sg_audit_entry e = { "audit_s/repo", "pre-receive", "abc", &push,
				    &r, "maker", "REMOTE_USER", NULL, 3 };
	struct sg_buf err = SG_BUF_INIT(4096);
	static const char *const files[] = {
		"audit_s/repo/stagegate", "audit_s/repo/stagegate/a.log",
		"audit_s/repo/stagegate/a.log.head",
		"audit_s/repo/stagegate/a.log.lock",
	};
	struct stat st;
	mode_t old = umask(022);

	cr_assert_eq(system("rm -rf audit_s && mkdir -p audit_s/repo && "
			    "printf '[core]\\n\\tsharedRepository = group\\n'"
			    " >audit_s/repo/config"), 0);
	cr_assert_eq(sg_push_add(&push, "refs/heads/dev", A, B, &err), 0);
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012345", &err), 0, "%s",
		     err.buf);
	/* rotates: the rotated file keeps its mode, the new one is shared */
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012346", &err), 0, "%s",
		     err.buf);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		cr_assert_eq(stat(files[i], &st), 0, "%s", files[i]);
		cr_assert(st.st_mode & S_IWGRP, "%s: %o", files[i],
			  st.st_mode);
		cr_assert(st.st_mode & S_IRGRP, "%s: %o", files[i],
			  st.st_mode);
	}
	cr_assert_eq(stat(files[0], &st), 0);
	cr_assert(st.st_mode & S_ISGID, "%o", st.st_mode);
	cr_assert_eq(system("for f in audit_s/repo/stagegate/a.log.2*; do "
			    "[ \"$(stat -c %a \"$f\")\" = 660 ] || exit 1; "
			    "done"), 0);
	/* a value git refuses refuses the push too */
	cr_assert_eq(system("printf '[core]\\n\\tsharedRepository = 0444\\n'"
			    " >audit_s/repo/config"), 0);
	cr_assert_lt(sg_audit_append(&opt, &e, "abcdef012347", &err), 0);
	umask(old);
	sg_push_release(&push);
	sg_buf_release(&err);
	cr_assert_eq(system("rm -rf audit_s"), 0);
}

Test(audit, parse_remote)
{
	static const struct { const char *url; int ok, tcp; const char *host,
			      *port; } cases[] = {
		{ "udp://127.0.0.1:514", 1, 0, "127.0.0.1", "514" },
		{ "tcp://logs.example.com:6514", 1, 1, "logs.example.com",
		  "6514" },
		{ "udp://[::1]:5514", 1, 0, "::1", "5514" },
		{ "tcp://::1:514", 0, 0, NULL, NULL },
		{ "udp://host", 0, 0, NULL, NULL },
		{ "udp://:514", 0, 0, NULL, NULL },
		{ "udp://h:0", 0, 0, NULL, NULL },
		{ "udp://h:65536", 0, 0, NULL, NULL },
		{ "udp://h:5x", 0, 0, NULL, NULL },
		{ "http://h:1", 0, 0, NULL, NULL },
		{ "udp://a b:1", 0, 0, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sg_syslog_remote r;
		int ret = sg_audit_parse_remote(&r, cases[i].url, NULL);

		cr_assert_eq(ret == 0, cases[i].ok, "%s", cases[i].url);
		if (!cases[i].ok)
			continue;
		cr_assert_eq(r.tcp, cases[i].tcp);
		cr_assert_str_eq(r.host, cases[i].host);
		cr_assert_str_eq(r.port, cases[i].port);
	}
}

/*
 * A hostile ref name on the local syslog socket: structured data escaped,
 * seq and hash those of the record; an unreachable socket only noted.
 */
Test(audit, syslog_line_escaped_and_missing_socket_recorded)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct sg_push push = SG_PUSH_INIT;
	struct sg_report r = SG_REPORT_INIT;
	struct sg_audit_options opt = { "audit_l/a.log", 0, "audit_l/sock",
					NULL };
	struct sg_audit_entry e = { "/srv/x.git", "pre-receive", "abc", &push,
				    &r, "ma\"ker]", "REMOTE_USER", NULL, 3 };
	struct sg_buf err = SG_BUF_INIT(4096);
	char msg[4096];
	ssize_t n;
	int fd;

	cr_assert_eq(system("rm -rf audit_l && mkdir audit_l"), 0);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	strcpy(addr.sun_path, "audit_l/sock");
	cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	cr_assert_eq(sg_push_add(&push, "refs/heads/a\"b]c", A, B, &err), 0);
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012345", &err), 0);
	n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	cr_assert_gt(n, 0);
	msg[n] = '\0';
	cr_assert(strstr(msg, "[stagegate@32473 seq=\"1\" hash=\""), "%s", msg);
	cr_assert(strstr(msg, " ref=\"refs/heads/a\\\"b\\]c\" user=\"ma\\\"ker\\]\" "),
		  "%s", msg);
	cr_assert_neq(system("grep -q syslog_error audit_l/a.log"), 0);
	close(fd);
	unlink("audit_l/sock");
	cr_assert_eq(sg_audit_append(&opt, &e, "abcdef012346", &err), 0);
	cr_assert_eq(system("grep -q '\"syslog_error\":\"cannot reach syslog "
			    "at .audit_l/sock.: No such file' audit_l/a.log"),
		     0);
	sg_push_release(&push);
	sg_buf_release(&err);
	cr_assert_eq(system("rm -rf audit_l"), 0);
}
