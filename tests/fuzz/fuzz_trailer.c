/*
 * fuzz_trailer.c -- commit and tag message trailers (trailer.c).
 */
#include "../../common/trailer.h"
#include "fuzz.h"

SG_FUZZ_NO_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = sg_fuzz_strndup(data, size);
	struct sg_trailers t = SG_TRAILERS_INIT;

	sg_trailers_parse(&t, msg);
	for (size_t i = 0; i < t.nr; i++)
		if (!t.v[i].key || !t.v[i].value ||
		    sg_trailers_get(&t, t.v[i].key) == NULL)
			abort();
	sg_trailers_get(&t, "Signed-off-by");
	sg_trailers_release(&t);
	free(msg);
	return 0;
}
