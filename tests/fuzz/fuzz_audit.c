/*
 * fuzz_audit.c -- the auditor's reader (audit_read.c, json.c): list,
 * export, stats, show and verify over a hostile log. The input is split
 * at NUL bytes into the log, its ".head" file and an outside copy for
 * verify --against; each is written to a private directory, since the
 * reader takes paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/audit_read.h"
#include "../../common/buf.h"
#include "../../hooks/audit_cli.h"
#include "fuzz.h"

static char dir[4096], log_path[4200], head_path[4200], against_path[4200];
static FILE *devnull;

static void cleanup(void)
{
	unlink(log_path);
	unlink(head_path);
	unlink(against_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/sg-fuzz-audit.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(log_path, sizeof(log_path), "%s/audit.log", dir);
	snprintf(head_path, sizeof(head_path), "%s/audit.log.head", dir);
	snprintf(against_path, sizeof(against_path), "%s/outside", dir);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	atexit(cleanup);
	return 0;
}

/* Write the next NUL-terminated piece of [*p, end) to `path`. */
static void write_piece(const char *path, const uint8_t **p,
			const uint8_t *end)
{
	const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
	const uint8_t *stop = nul ? nul : end;
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	fwrite(*p, 1, (size_t)(stop - *p), f);
	fclose(f);
	*p = nul ? nul + 1 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const char *paths[1] = { log_path };
	struct sg_audit_filter all = { 0 };
	struct sg_audit_filter some = { "2020-01-01", "2030-12-31T23:59:59Z",
					"alice", "refs/heads/*", "secret.*",
					"rejected" };
	struct sg_buf err = SG_BUF_INIT(4096);

	write_piece(log_path, &p, end);
	write_piece(head_path, &p, end);
	write_piece(against_path, &p, end);

	if (sg_audit_filter_prepare(&all, &err) < 0 ||
	    sg_audit_filter_prepare(&some, &err) < 0)
		abort();
	sg_audit_cli_list(paths, 1, &all, devnull, &err);
	sg_audit_cli_list(paths, 1, &some, devnull, &err);
	sg_audit_cli_export(paths, 1, &all, SG_AUDIT_JSON, devnull, &err);
	sg_audit_cli_export(paths, 1, &some, SG_AUDIT_CSV, devnull, &err);
	sg_audit_cli_stats(paths, 1, &all, devnull, &err);
	sg_audit_cli_show(log_path, "1", devnull, &err);
	sg_audit_cli_verify(paths, 1, NULL, devnull, &err);
	sg_audit_cli_verify(paths, 1, against_path, devnull, &err);
	sg_buf_release(&err);
	return 0;
}
