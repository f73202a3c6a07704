/*
 * gen.c -- deterministic synthetic exported Power Platform solutions, as
 * a git fast-import stream on stdout (pipe it into `git fast-import`).
 *
 *   gen SEED COMMITS FILES_PER_COMMIT TARGET_MB [BRANCH]
 *
 * Content: Solution.xml, flow JSON with expressions and GUIDs everywhere,
 * environment variable definitions, canvas app YAML, base64 icons, some
 * multi-MB JSON files, a few .msapp zips (stored) and some UTF-16 files.
 * Same arguments, same bytes: the benchmark's workloads are fixed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: small, fast, and the same everywhere */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const void *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->p = realloc(o->p, o->cap);
		if (!o->p)
			abort();
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(o, buf, (size_t)n);
}

static void guid(struct out *o)
{
	uint64_t a = rnd(), b = rnd();

	putf(o, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
	     (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xffff,
	     (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffull));
}

static void base64_blob(struct out *o, size_t bytes)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	puts_(o, "iVBORw0KGgoAAAANSUhEUgAA");
	for (size_t i = 0; i < bytes * 4 / 3; i++) {
		char c = tbl[rnd() & 63];

		put(o, &c, 1);
	}
	puts_(o, "==");
}

static void flow_json(struct out *o, size_t target)
{
	puts_(o, "{\n  \"properties\": {\n    \"connectionReferences\": {\n"
	      "      \"shared_commondataserviceforapps\": {\"runtimeSource\": "
	      "\"embedded\", \"connection\": {\"connectionReferenceLogicalName"
	      "\": \"contoso_sharedcommondataserviceforapps_");
	guid(o);
	puts_(o, "\"}}\n    },\n    \"definition\": {\n      \"actions\": {\n");
	for (int i = 0; o->len < target; i++) {
		putf(o, "        \"Action_%d\": {\"type\": \"OpenApiConnection\", "
		     "\"runAfter\": {}, \"inputs\": {\"host\": {\"operationId\": "
		     "\"UpdateRecord\", \"connectionName\": "
		     "\"shared_commondataserviceforapps\"}, \"parameters\": {"
		     "\"entityName\": \"contoso_expenses\", \"recordId\": \"", i);
		guid(o);
		putf(o, "\", \"item/contoso_amount\": \"@{triggerOutputs()?['body/"
		     "contoso_amount']}\", \"item/contoso_owner\": \"@parameters("
		     "'Owner (contoso_Owner)')\", \"item/contoso_note\": \"@{concat("
		     "'Expense ', body('Get_row_%d')?['contoso_name'])}\"}, "
		     "\"authentication\": \"@parameters('$authentication')\"}},\n",
		     i);
	}
	puts_(o, "        \"End\": {\"type\": \"Terminate\"}\n      }\n    }\n  }\n}\n");
}

static void solution_xml(struct out *o, int n)
{
	putf(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml "
	     "version=\"9.2.24023.194\"><SolutionManifest><UniqueName>Contoso"
	     "App%d</UniqueName><Version>1.%d.0.0</Version><RootComponents>\n",
	     n, n);
	for (int i = 0; i < 40; i++) {
		puts_(o, "  <RootComponent type=\"29\" id=\"{");
		guid(o);
		puts_(o, "}\" behavior=\"0\" />\n");
	}
	puts_(o, "</RootComponents></SolutionManifest></ImportExportXml>\n");
}

static void envvar_xml(struct out *o, int n)
{
	putf(o, "<environmentvariabledefinition schemaname=\"contoso_Setting%d"
	     "\">\n  <defaultvalue>https://api.contoso.example/v%d</defaultvalue>"
	     "\n  <secretstore>0</secretstore>\n  <type>100000000</type>\n"
	     "</environmentvariabledefinition>\n", n, n);
}

static void canvas_yaml(struct out *o, size_t target)
{
	puts_(o, "Screens:\n");
	for (int i = 0; o->len < target; i++) {
		putf(o, "  Screen%d:\n    Properties:\n      OnVisible: =Set(gId, "
		     "\"", i);
		guid(o);
		putf(o, "\")\n    Children:\n      - Label%d:\n          Control: "
		     "Label\n          Properties:\n            Text: =\"Total: \" & "
		     "Text(Sum(Expenses, Amount), \"[$-en-US]#,##0.00\")\n"
		     "      - Image%d:\n          Properties:\n            Image: "
		     "\"data:image/png;base64,", i, i);
		base64_blob(o, 600);
		puts_(o, "\"\n");
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void le16(struct out *o, unsigned v)
{
	unsigned char b[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	put(o, b, 2);
}

static void le32(struct out *o, uint32_t v)
{
	le16(o, v & 0xffff);
	le16(o, v >> 16);
}

/* A .msapp: a stored (uncompressed) zip holding one canvas YAML. */
static void msapp(struct out *o)
{
	struct out y = { 0 };
	const char *name = "Src/App.pa.yaml";
	uint32_t crc;

	canvas_yaml(&y, 20000);
	crc = crc32_of((unsigned char *)y.p, y.len);
	le32(o, 0x04034b50); le16(o, 20); le16(o, 0); le16(o, 0);
	le16(o, 0); le16(o, 0); le32(o, crc); le32(o, (uint32_t)y.len);
	le32(o, (uint32_t)y.len); le16(o, (unsigned)strlen(name)); le16(o, 0);
	puts_(o, name);
	put(o, y.p, y.len);
	le32(o, 0x02014b50); le16(o, 20); le16(o, 20); le16(o, 0); le16(o, 0);
	le16(o, 0); le16(o, 0); le32(o, crc); le32(o, (uint32_t)y.len);
	le32(o, (uint32_t)y.len); le16(o, (unsigned)strlen(name)); le16(o, 0);
	le16(o, 0); le16(o, 0); le16(o, 0); le32(o, 0); le32(o, 0);
	puts_(o, name);
	le32(o, 0x06054b50); le16(o, 0); le16(o, 0); le16(o, 1); le16(o, 1);
	le32(o, (uint32_t)(46 + strlen(name)));
	le32(o, (uint32_t)(30 + strlen(name) + y.len)); le16(o, 0);
	free(y.p);
}

static void utf16(struct out *o, struct out *ascii)
{
	put(o, "\xff\xfe", 2);
	for (size_t i = 0; i < ascii->len; i++) {
		char pair[2] = { ascii->p[i], 0 };

		put(o, pair, 2);
	}
}

int main(int argc, char **argv)
{
	size_t commits, per_commit, target, total = 0, mark = 0;
	const char *branch = argc > 5 ? argv[5] : "refs/heads/bench";

	if (argc < 5) {
		fputs("usage: gen SEED COMMITS FILES_PER_COMMIT TARGET_MB "
		      "[BRANCH]\n", stderr);
		return 2;
	}
	rng_state = strtoull(argv[1], NULL, 10);
	commits = strtoul(argv[2], NULL, 10);
	per_commit = strtoul(argv[3], NULL, 10);
	target = strtoul(argv[4], NULL, 10) * 1024 * 1024;
	for (size_t c = 0; c < commits; c++) {
		size_t avg = target / (commits * per_commit);

		printf("commit %s\nmark :%zu\ncommitter Maker <maker@example.com> "
		       "%zu +0000\ndata <<EOM\nExport solution, build %zu\nEOM\n",
		       branch, ++mark, (size_t)1700000000 + c * 60, c);
		for (size_t f = 0; f < per_commit; f++) {
			struct out o = { 0 }, a = { 0 };
			size_t n = c * per_commit + f, kind = rnd() % 100;
			char path[256];

			if (kind < 2 && avg > 1000) {	/* multi-MB JSON */
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "Workflows/Big-%zu.json", n % 50, n);
				flow_json(&o, avg * 20 < (4u << 20) ? avg * 20
					  : (4u << 20));
			} else if (kind < 4) {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "CanvasApps/app%zu.msapp", n % 50, n);
				msapp(&o);
			} else if (kind < 8) {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "Other/Strings-%zu.resx", n % 50, n);
				canvas_yaml(&a, avg / 2 + 200);
				utf16(&o, &a);
			} else if (kind < 20) {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "environmentvariabledefinitions/s%zu/"
					 "environmentvariabledefinition.xml",
					 n % 50, n);
				envvar_xml(&o, (int)n);
			} else if (kind < 30) {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "Other/Solution-%zu.xml", n % 50, n);
				solution_xml(&o, (int)n);
			} else if (kind < 60) {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "CanvasApps/Src/Screen%zu.pa.yaml",
					 n % 50, n);
				canvas_yaml(&o, avg);
			} else {
				snprintf(path, sizeof(path), "solutions/App%zu/"
					 "Workflows/Flow-%zu.json", n % 50, n);
				flow_json(&o, avg);
			}
			printf("M 100644 inline %s\ndata %zu\n", path, o.len);
			fwrite(o.p, 1, o.len, stdout);
			putchar('\n');
			total += o.len;
			free(o.p);
			free(a.p);
		}
	}
	fprintf(stderr, "gen: %zu commits, %zu files, %.1f MB\n", commits,
		commits * per_commit, (double)total / (1024 * 1024));
	return 0;
}
