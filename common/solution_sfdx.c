/*
 * solution_sfdx.c -- the Salesforce DX reader: each package directory of
 * sfdx-project.json with a "package" and a "versionNumber"
 * ("1.4.0.NEXT"). Directories without a version are not packages.
 */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "solution.h"
#include "banned.h"

#define SFDX_PROJECT "sfdx-project.json"

static int sfdx_wants(const char *path)
{
	const char *base = strrchr(path, '/');

	return !strcmp(base ? base + 1 : path, SFDX_PROJECT);
}

static void sfdx_read(struct sg_solutions *out, const char *path,
		      const char *text, size_t len)
{
	const struct sg_json *dirs;
	struct sg_solution *s;
	struct sg_json root;

	if (sg_json_parse(&root, text, len, NULL) < 0 ||
	    root.kind != SG_JSON_OBJECT) {
		s = sg_solutions_add(out, &sg_solution_sfdx, path, "?");
		s->problem = sg_strdup("not a JSON object");
		if (root.kind != SG_JSON_OBJECT)
			sg_json_release(&root);
		return;
	}
	dirs = sg_json_get(&root, "packageDirectories");
	for (size_t i = 0; dirs && dirs->kind == SG_JSON_ARRAY &&
	     i < dirs->nr; i++) {
		const char *pkg = sg_json_str(&dirs->kids[i], "package", NULL);
		const char *ver = sg_json_str(&dirs->kids[i], "versionNumber",
					      NULL);

		if (!pkg || !ver || !*pkg)
			continue;
		s = sg_solutions_add(out, &sg_solution_sfdx, path, pkg);
		s->managed = -1;
		s->version_text = sg_strdup(ver);
		if (sg_version_parse(&s->version, ver, strlen(ver), 1) < 0)
			s->problem = sg_strdup("versionNumber is not "
					       "MAJOR.MINOR.PATCH.BUILD");
	}
	sg_json_release(&root);
}

const struct sg_solution_reader sg_solution_sfdx = {
	"Salesforce DX", sfdx_wants, sfdx_read,
	"raise versionNumber of the package in sfdx-project.json (e.g. "
	"1.4.0.NEXT to 1.5.0.NEXT), build it and promote it through test",
};
