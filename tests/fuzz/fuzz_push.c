/*
 * fuzz_push.c -- the hook input: pre-receive's "OLD NEW REF" lines
 * (sg_push_read), and the update hook's three arguments (sg_push_add)
 * taken from the input split at NUL bytes.
 */
#include <stdio.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/push.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

static void update_args(const uint8_t *data, size_t size)
{
	char *s = sg_fuzz_strndup(data, size);
	const char *arg[3] = { "", "", "" };
	char *p = s, *end = s + size;
	struct sg_push push = SG_PUSH_INIT;
	struct sg_buf err = SG_BUF_INIT(4096);

	for (int i = 0; i < 3 && p <= end; i++) {
		arg[i] = p;
		p += strlen(p) + 1;
	}
	sg_push_add(&push, arg[0], arg[1], arg[2], &err);
	sg_push_release(&push);
	sg_buf_release(&err);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_push push = SG_PUSH_INIT;
	struct sg_buf err = SG_BUF_INIT(4096);
	FILE *in;

	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	if (sg_push_read(&push, in, &err) == 0)
		for (size_t i = 0; i < push.nr; i++)
			if (!push.updates[i].ref)
				abort();
	fclose(in);
	sg_push_release(&push);
	sg_buf_release(&err);
	update_args(data, size);
	return 0;
}
