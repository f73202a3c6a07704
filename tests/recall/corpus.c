/*
 * corpus.c -- write the recall corpus: fake tokens of every format in
 * services.tsv, each in the places a project keeps one (bare, .env, JSON,
 * YAML, XML element, appSettings attribute, INI, JavaScript, Python), and
 * the known non-secrets of nonsecrets.txt, one file each.
 *
 * usage: corpus SEED SERVICES.tsv NONSECRETS.txt OUTDIR
 * Writes OUTDIR/secret/<context>/<service>-<n>.<ext>, OUTDIR/clean/<n>.txt
 * and OUTDIR/planted.tsv (path, token) for the leak check. Same seed, same
 * corpus. Tokens are random in the documented alphabet: none is real.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TOKENS_PER_FORMAT 3
#define MAX_LINE 4096

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *alphabet(char c)
{
	switch (c) {
	case 'A': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	case 'a': return "abcdefghijklmnopqrstuvwxyz0123456789";
	case 'U': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	case 'h': return "0123456789abcdef";
	case 'H': return "0123456789ABCDEF";
	case 'd': return "0123456789";
	case 'l': return "abcdefghijklmnopqrstuvwxyz";
	case 'L': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	case 'b': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	case 'u': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	case '3': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	case 'z': return "abcdefghijklmnopqrstuvwxyz234567";
	case 'q': return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
	default: return NULL;
	}
}

static void die(const char *what)
{
	fprintf(stderr, "corpus: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Expand a template: {c:n} random characters, {G} a UUID, \n a newline. */
static void expand(char *out, size_t cap, const char *t)
{
	size_t o = 0;

	while (*t && o + 1 < cap) {
		if (t[0] == '\\' && t[1] == 'n') {
			out[o++] = '\n';
			t += 2;
		} else if (t[0] == '{' && t[1] == 'G' && t[2] == '}') {
			static const int groups[] = { 8, 4, 4, 4, 12 };
			for (int g = 0; g < 5; g++) {
				for (int i = 0; i < groups[g] && o + 2 < cap; i++)
					out[o++] = "0123456789abcdef"[rnd(16)];
				if (g < 4)
					out[o++] = '-';
			}
			t += 3;
		} else if (t[0] == '{' && alphabet(t[1]) && t[2] == ':') {
			const char *set = alphabet(t[1]);
			size_t n = strtoul(t + 3, (char **)&t, 10), k = strlen(set);
			for (size_t i = 0; i < n && o + 1 < cap; i++)
				out[o++] = set[rnd((uint32_t)k)];
			t++;	/* '}' */
		} else {
			out[o++] = *t++;
		}
	}
	out[o] = '\0';
}

/* SERVICE_API_KEY -> serviceApiKey (camel), ServiceApiKey, service_api_key */
static void key_forms(const char *env, char *camel, char *pascal, char *lower)
{
	int up = 1, first = 1;
	size_t c = 0, p = 0, l = 0;

	for (const char *s = env; *s; s++) {
		if (*s == '_') {
			up = 1;
			lower[l++] = '_';
			continue;
		}
		char ch = (char)tolower((unsigned char)*s);
		lower[l++] = ch;
		pascal[p++] = up ? (char)toupper((unsigned char)ch) : ch;
		camel[c++] = up && !first ? (char)toupper((unsigned char)ch) : ch;
		up = 0;
		first = 0;
	}
	camel[c] = pascal[p] = lower[l] = '\0';
}

/* Write `s` with newlines as the two characters \n (JSON, code, .env). */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
}

static void put_xml(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
}

static void put_yaml(FILE *f, const char *key, const char *tok)
{
	if (strchr(tok, '\n')) {
		fprintf(f, "  %s: |\n    ", key);
		for (const char *s = tok; *s; s++) {
			fputc(*s, f);
			if (*s == '\n')
				fputs("    ", f);
		}
		fputc('\n', f);
	} else if (strpbrk(tok, ":#{}[],&*?|>!%@`'\"") || tok[0] == '-') {
		fprintf(f, "  %s: '%s'\n", key, tok);
	} else {
		fprintf(f, "  %s: %s\n", key, tok);
	}
}

static const char *const contexts[] = {
	"bare", "env", "json", "yaml", "xml", "appsettings", "ini", "js", "py",
	/* where low-code exports hold one */
	"flow", "envvar", "canvas", "url",
};

static void write_one(const char *dir, const char *ctx, const char *service,
		      int n, const char *env, const char *tok, FILE *planted)
{
	char camel[256], pascal[256], lower[256], path[1024];
	FILE *f;

	/* nobody passes a URL or a connection string as a query parameter */
	if (!strcmp(ctx, "url") && strpbrk(tok, "\n&=+/?#\"%; :"))
		return;
	key_forms(env, camel, pascal, lower);
	snprintf(path, sizeof(path), "%s/secret/%s/%s-%d.txt", dir, ctx,
		 service, n);
	if (!(f = fopen(path, "w")))
		die(path);
	if (!strcmp(ctx, "bare")) {
		fprintf(f, "%s\n", tok);
	} else if (!strcmp(ctx, "env")) {
		fprintf(f, "# settings for the export job\nLOG_LEVEL=info\n%s=",
			env);
		if (strchr(tok, '\n')) {
			fputc('"', f);
			put_escaped(f, tok);
			fputs("\"\n", f);
		} else {
			fprintf(f, "%s\n", tok);
		}
	} else if (!strcmp(ctx, "json")) {
		fprintf(f, "{\n  \"name\": \"contoso-expenses\",\n  \"%s\": \"",
			camel);
		put_escaped(f, tok);
		fputs("\",\n  \"retries\": 3\n}\n", f);
	} else if (!strcmp(ctx, "yaml")) {
		fputs("settings:\n  region: westeurope\n", f);
		put_yaml(f, lower, tok);
	} else if (!strcmp(ctx, "xml")) {
		fprintf(f, "<Settings>\n  <Region>westeurope</Region>\n  <%s>",
			pascal);
		put_xml(f, tok);
		fprintf(f, "</%s>\n</Settings>\n", pascal);
	} else if (!strcmp(ctx, "appsettings")) {
		fprintf(f, "<appSettings>\n  <add key=\"%s\" value=\"", pascal);
		put_xml(f, tok);
		fputs("\" />\n</appSettings>\n", f);
	} else if (!strcmp(ctx, "ini")) {
		fprintf(f, "[export]\nregion = westeurope\n%s = ", lower);
		put_escaped(f, tok);
		fputc('\n', f);
	} else if (!strcmp(ctx, "js")) {
		fprintf(f, "import { Client } from './client';\n\nconst %s = \"",
			camel);
		put_escaped(f, tok);
		fprintf(f, "\";\nexport const client = new Client(%s);\n", camel);
	} else if (!strcmp(ctx, "py")) {
		fprintf(f, "import client\n\nc = client.Client(%s=\"", lower);
		put_escaped(f, tok);
		fputs("\", timeout=30)\n", f);
	} else if (!strcmp(ctx, "flow")) {
		/* a Power Automate HTTP action with the value as a header */
		fprintf(f, "{\n  \"HTTP\": {\n    \"type\": \"Http\",\n"
			"    \"inputs\": {\n      \"method\": \"POST\",\n"
			"      \"uri\": \"https://api.contoso.example/v1/sync\",\n"
			"      \"headers\": {\n        \"%s\": \"", camel);
		put_escaped(f, tok);
		fputs("\"\n      }\n    }\n  }\n}\n", f);
	} else if (!strcmp(ctx, "envvar")) {
		/* an environment variable definition with a literal default */
		fprintf(f, "<environmentvariabledefinition schemaname=\"contoso_%s\" "
			"introducedversion=\"1.0.0.0\">\n  <defaultvalue>", pascal);
		put_xml(f, tok);
		fputs("</defaultvalue>\n  <type>100000000</type>\n"
		      "</environmentvariabledefinition>\n", f);
	} else if (!strcmp(ctx, "canvas")) {
		/* a canvas app formula (Power Fx doubles quotes) */
		fprintf(f, "App As appinfo:\n    OnStart: |-\n        =Set(gRegion, \"westeurope\");\n"
			"        Set(g%s, \"", pascal);
		for (const char *c = tok; *c; c++)
			if (*c == '\n')
				fputs("\" & Char(10) & \"", f);
			else if (*c == '"')
				fputs("\"\"", f);
			else
				fputc(*c, f);
		fputs("\")\n", f);
	} else {
		/* a query parameter of a URL in a flow or connector */
		fputs("{\n  \"uri\": \"https://api.contoso.example/v1/export?format=json&", f);
		fprintf(f, "%s=", lower);
		for (const char *c = tok; *c; c++)
			if (strchr("\n&=+/?#\"%; ", *c))
				fprintf(f, "%%%02X", (unsigned char)*c);
			else
				fputc(*c, f);
		fputs("\"\n}\n", f);
	}
	fclose(f);
	/* the longest line of the token is what must never be printed */
	char longest[MAX_LINE] = "";
	for (const char *s = tok; *s;) {
		size_t l = strcspn(s, "\n");
		if (l > strlen(longest) && l < sizeof(longest)) {
			memcpy(longest, s, l);
			longest[l] = '\0';
		}
		s += l + (s[l] == '\n');
	}
	fprintf(planted, "%s\t%s\t%s\n", path, service, longest);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
}

int main(int argc, char **argv)
{
	char line[MAX_LINE], tok[MAX_LINE], path[1024];
	FILE *svc, *clean, *planted;
	int nclean = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: corpus SEED SERVICES.tsv "
				"NONSECRETS.txt OUTDIR\n");
		return 2;
	}
	rng_state = strtoull(argv[1], NULL, 10) * 2654435761u + 1;
	if (!(svc = fopen(argv[2], "r")))
		die(argv[2]);
	if (!(clean = fopen(argv[3], "r")))
		die(argv[3]);
	make_dir(argv[4]);
	snprintf(path, sizeof(path), "%s/secret", argv[4]);
	make_dir(path);
	for (size_t c = 0; c < sizeof(contexts) / sizeof(*contexts); c++) {
		snprintf(path, sizeof(path), "%s/secret/%s", argv[4],
			 contexts[c]);
		make_dir(path);
	}
	snprintf(path, sizeof(path), "%s/clean", argv[4]);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/planted.tsv", argv[4]);
	if (!(planted = fopen(path, "w")))
		die(path);

	while (fgets(line, sizeof(line), svc)) {
		char *service = strtok(line, "\t\n"), *env, *tmpl;

		if (!service || service[0] == '#')
			continue;
		env = strtok(NULL, "\t\n");
		tmpl = strtok(NULL, "\n");
		if (!env || !tmpl) {
			fprintf(stderr, "corpus: %s: bad line for %s\n",
				argv[2], service);
			return 2;
		}
		for (int n = 1; n <= TOKENS_PER_FORMAT; n++) {
			expand(tok, sizeof(tok), tmpl);
			for (size_t c = 0; c < sizeof(contexts) / sizeof(*contexts); c++)
				write_one(argv[4], contexts[c], service, n, env,
					  tok, planted);
		}
	}
	/* non-secrets: one file per line; \n in a line is a newline */
	while (fgets(line, sizeof(line), clean)) {
		FILE *f;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		expand(tok, sizeof(tok), line);
		snprintf(path, sizeof(path), "%s/clean/%04d.txt", argv[4],
			 ++nclean);
		if (!(f = fopen(path, "w")))
			die(path);
		fprintf(f, "%s\n", tok);
		fclose(f);
	}
	fclose(svc);
	fclose(clean);
	fclose(planted);
	return 0;
}
