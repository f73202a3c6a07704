/*
 * corpus.c -- write the recall corpus: fake tokens of every format in
 * services.tsv, each in the places a project keeps one (bare, .env, JSON,
 * YAML, XML element, appSettings attribute, INI, JavaScript, Python, and
 * the syntaxes of the table `syntaxes`: Go, Java, PHP, make, HCL, command
 * lines, manifests...), and the known non-secrets: the lines of
 * nonsecrets.txt, and every format again with its random part made a
 * placeholder (xxxx, XXXX, a run of one character, ...HERE).
 *
 * usage: corpus SEED SERVICES.tsv NONSECRETS.txt OUTDIR
 * Writes OUTDIR/secret/<syntax>/<service>-<n>.txt, OUTDIR/clean/<kind>/
 * <name>.txt and OUTDIR/planted.tsv (path, service, token) for the leak
 * check. Same seed, same corpus. Tokens are random in the documented
 * alphabet (with their checksum where the format has one): none is real.
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

/* How a template's random characters are filled. */
enum fill { FILL_RANDOM, FILL_X, FILL_BIGX, FILL_RUN, FILL_HERE };
static const char *const fill_names[] = {
	NULL, "placeholder-xxxx", "placeholder-XXXX", "placeholder-run",
	"placeholder-here",
};

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

static uint32_t crc32(const char *s, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* The placeholder character for class `set` (NUL: leave random). */
static char fill_char(const char *set, enum fill mode)
{
	int lower = strchr(set, 'x') != NULL, upper = strchr(set, 'X') != NULL;
	int digit = strchr(set, '1') != NULL;

	switch (mode) {
	case FILL_X: return lower ? 'x' : upper ? 'X' : digit ? '0' : 0;
	case FILL_BIGX: return upper ? 'X' : lower ? 'x' : digit ? '0' : 0;
	case FILL_RUN: return digit ? '1' : upper ? 'A' : 'a';
	case FILL_HERE: return upper ? 'X' : lower ? 'x' : digit ? '0' : 0;
	default: return 0;
	}
}

/*
 * Expand a template: {c:n} n characters of class c, {G} a UUID, {K} the
 * GitHub checksum (CRC32 in base62, 6 characters) of the characters the
 * last {c:n} wrote, {R} Grafana's (CRC32 of the token so far but the
 * '_' before {R}, 8 hex, least significant byte first), \n a newline. With a placeholder `mode`, the random
 * characters are the placeholder's (FILL_HERE ends a run with HERE).
 */
static void expand_fill(char *out, size_t cap, const char *t, enum fill mode)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz";
	size_t o = 0, last = 0, last_len = 0;

	while (*t && o + 1 < cap) {
		if (t[0] == '\\' && t[1] == 'n') {
			out[o++] = '\n';
			t += 2;
		} else if (t[0] == '{' && t[1] == 'G' && t[2] == '}') {
			static const int groups[] = { 8, 4, 4, 4, 12 };
			for (int g = 0; g < 5; g++) {
				for (int i = 0; i < groups[g] && o + 2 < cap; i++)
					out[o++] = mode ? '0' : "0123456789abcdef"[rnd(16)];
				if (g < 4)
					out[o++] = '-';
			}
			t += 3;
		} else if (t[0] == '{' && t[1] == 'K' && t[2] == '}') {
			uint32_t c = crc32(out + last, last_len);
			char k[7] = "000000";

			for (int i = 5; i >= 0 && c; i--, c /= 62)
				k[i] = b62[c % 62];
			if (mode)
				memset(k, fill_char(b62, mode) ? fill_char(b62, mode) : '0', 6);
			for (int i = 0; i < 6 && o + 1 < cap; i++)
				out[o++] = k[i];
			t += 3;
		} else if (t[0] == '{' && t[1] == 'R' && t[2] == '}') {
			/* Grafana: CRC-32 of the token before its last '_',
			   bytes least first */
			uint32_t c = crc32(out, o ? o - 1 : 0);

			for (int i = 0; i < 4 && o + 2 < cap; i++, c >>= 8)
				o += (size_t)snprintf(out + o, 3, "%02x",
						      mode ? 0 : c & 0xffu);
			t += 3;
		} else if (t[0] == '{' && alphabet(t[1]) && t[2] == ':') {
			const char *set = alphabet(t[1]);
			size_t n = strtoul(t + 3, (char **)&t, 10), k = strlen(set);
			char f = fill_char(set, mode);

			last = o;
			for (size_t i = 0; i < n && o + 1 < cap; i++)
				out[o++] = f ? f : set[rnd((uint32_t)k)];
			last_len = o - last;
			if (mode == FILL_HERE && (f == 'x' || f == 'X') && n >= 8)
				memcpy(out + o - 4, f == 'x' ? "here" : "HERE", 4);
			t++;	/* '}' */
		} else {
			out[o++] = *t++;
		}
	}
	out[o] = '\0';
}

static void expand(char *out, size_t cap, const char *t)
{
	expand_fill(out, cap, t, FILL_RANDOM);
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

/*
 * More syntaxes, as templates: @K the key in camelCase, @P PascalCase,
 * @L snake_case, @E the variable name, @N the service, @V the value
 * escaped as `esc` says, @B the value in base64. esc: 'c' a C/JSON
 * string (\n, \", \\), 'r' raw (values with a newline, a space or a
 * quote are left out), 'x' XML text, 'i' raw, each line indented by 4.
 */
static const struct syntax {
	const char *name, *tmpl;
	char esc;
} syntaxes[] = {
	/* programming languages */
	{ "go-var", "package cfg\n\nvar @K string = \"@V\"\n", 'c' },
	{ "go-short", "func conf() {\n\t@K := \"@V\"\n\tuse(@K)\n}\n", 'c' },
	{ "go-backtick", "func conf() {\n\t@K := `@V`\n}\n", 'r' },
	{ "csharp", "public static class Cfg {\n    const string @P = \"@V\";\n}\n", 'c' },
	{ "java", "class Cfg {\n    private static final String @K = \"@V\";\n}\n", 'c' },
	{ "java-property", "public static void main(String[] a) {\n    System.setProperty(\"@E\", \"@V\");\n}\n", 'c' },
	{ "kotlin", "val client = Client()\nvar @K = \"@V\"\n", 'c' },
	{ "php-concat", "<?php\n$@K = '';\n$@K .= \"@V\";\n", 'c' },
	{ "php-array", "<?php\nreturn [\n    '@L' => '@V',\n];\n", 'r' },
	{ "ruby", "Client.configure do |c|\n  c.@L = '@V'\nend\n", 'r' },
	{ "rust", "fn main() {\n    let @L = \"@V\";\n}\n", 'c' },
	{ "swift", "let @K = \"@V\"\n", 'c' },
	{ "powershell", "$env:@E = \"@V\"\n", 'c' },
	{ "shell-export", "#!/bin/sh\nexport @E=\"@V\"\n./deploy.sh\n", 'c' },
	/* configuration */
	{ "make-recursive", "all: build\n@E = \"@V\"\n", 'c' },
	{ "make-simple", "@E := @V\n", 'r' },
	{ "make-shell", "@E ::= \"@V\"\n", 'c' },
	{ "make-evaluated", "@E :::= \"@V\"\n", 'c' },
	{ "make-conditional", "@E ?= @V\n", 'r' },
	{ "make-append", "@E += \"@V\"\n", 'c' },
	{ "hcl", "resource \"contoso_connection\" \"crm\" {\n  name = \"crm\"\n  @L = \"@V\"\n}\n", 'c' },
	{ "toml", "[service]\nregion = \"westeurope\"\n@L = \"@V\"\n", 'c' },
	{ "properties", "app.region=westeurope\napp.@K=@V\n", 'r' },
	{ "json-escaped", "\"{\\n    \\\"@L\\\": \\\"@V\\\"\\n}\"\n", 'r' },
	{ "json-kv-string", "{\n  \"files\": {\n    \"config.ini\": \"REGION=westeurope\\n@E=@V\\nNEXT=1\"\n  }\n}\n", 'r' },
	/* the file's first line: the value right after the opening quote */
	{ "json-kv-first-line", "{\"config.ini\": \"@E=@V\\nBACKUP_ENABLED=true\"}\n", 'r' },
	{ "json-name-value", "[\n  { \"name\": \"@E\", \"value\": \"@V\" }\n]\n", 'c' },
	{ "yaml-literal", "service:\n  @L: |\n@I\n", 'i' },
	{ "yaml-folded", "service:\n  @L: >\n@I\n", 'i' },
	{ "xml-multiline", "<Config>\n  <@P>\n    @V\n  </@P>\n</Config>\n", 'x' },
	{ "csv", "name,value,\n@K,@V,\n", 'r' },
	{ "logstash", "output {\n  http {\n    \"@K\" => \"@V\"\n  }\n}\n", 'c' },
	{ "github-actions", "jobs:\n  deploy:\n    env:\n      @E: @V\n", 'r' },
	{ "dockerfile", "FROM node:20\nENV @E=@V\n", 'r' },
	{ "docker-compose", "services:\n  api:\n    environment:\n      - @E=@V\n", 'r' },
	/* XML with the name as an attribute and the value as text */
	{ "outsystems-siteproperty", "<Module>\n  <SiteProperty Name=\"@P\" Type=\"Text\">@V</SiteProperty>\n</Module>\n", 'x' },
	{ "dotnet-settings", "<applicationSettings>\n  <setting name=\"@P\" serializeAs=\"String\">\n    <value>@V</value>\n  </setting>\n</applicationSettings>\n", 'x' },
	/* command lines and manifests */
	{ "curl-header", "curl -s -H 'Authorization: Bearer @V' https://api.contoso.example/v1/sync\n", 'r' },
	{ "curl-user", "curl -fsS -u 'deploy:@V' https://api.contoso.example/v1/sync\n", 'r' },
	{ "curl-header-apikey", "curl -s -H 'X-Api-Key: @V' https://api.contoso.example/v1/sync\n", 'r' },
	{ "curl-user-continued", "curl -fsS -X POST https://api.contoso.example/v1/sync \\\n  --user \"deploy@contoso.example:@V\"\n", 'r' },
	{ "docker-run", "docker run -d -e @E=@V contoso/export:1.4\n", 'r' },
	{ "helm-set", "helm upgrade --install export ./chart --set secrets.@K=@V\n", 'r' },
	{ "k8s-secret", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: export\ntype: Opaque\ndata:\n  @L: @B\n", 'r' },
	/* any key (the manifest says it is a secret), and kubectl's order */
	{ "k8s-secret-any-key", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: export\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  extra: @B\n", 'c' },
	{ "k8s-secret-kubectl", "apiVersion: v1\ndata:\n  connection: @B\nkind: Secret\nmetadata:\n  name: export\ntype: Opaque\n", 'c' },
	/* a value that itself starts with = (not a Power Fx formula) */
	{ "value-starts-with-equals", "[export]\n@E==@V\n", 'r' },
	{ "log-line", "2026-11-02 10:14:07 DEBUG client: using @K=@V\n", 'r' },
	/* Power Platform ALM: a solution's current value of an environment
	 * variable, pac deployment settings, a Dataverse connection string,
	 * an admin script's command line and secure string */
	{ "envvar-value", "{\n  \"environmentvariablevalues\": {\n    \"environmentvariablevalue\": {\n      \"iscustomizable\": \"1\",\n      \"schemaname\": \"contoso_@P\",\n      \"statecode\": \"0\",\n      \"statuscode\": \"1\",\n      \"value\": \"@V\"\n    }\n  }\n}\n", 'c' },
	{ "pac-deployment-settings", "{\n  \"EnvironmentVariables\": [\n    {\n      \"SchemaName\": \"contoso_@P\",\n      \"Value\": \"@V\"\n    }\n  ]\n}\n", 'c' },
	{ "dataverse-connection-string", "var cs = \"AuthType=ClientSecret;Url=https://contoso.crm.dynamics.com;ClientId=3f2a9c1b-7d8e-4f60-a1b2-c3d4e5f60718;ClientSecret=@V\";\n", 'r' },
	{ "pac-auth-create", "pac auth create --environment https://contoso.crm.dynamics.com --applicationId 3f2a9c1b-7d8e-4f60-a1b2-c3d4e5f60718 --clientSecret \"@V\" --tenant contoso.onmicrosoft.com\n", 'r' },
	{ "ps-securestring", "$cred = New-Object PSCredential(\"svc\", (ConvertTo-SecureString \"@V\" -AsPlainText -Force))\n", 'r' },
	/* a Terraform variable's default, connection calls, admin commands */
	{ "hcl-variable-default", "variable \"@L\" {\n  type      = string\n  sensitive = true\n  default   = \"@V\"\n}\n", 'c' },
	{ "php-mysqli", "<?php\n$db = mysqli_connect('db.contoso.internal', 'crm', '@V', 'crm');\n", 'r' },
	{ "perl-dbi", "my $dbh = DBI->connect(\"dbi:Pg:dbname=crm\", \"crm\", \"@V\");\n", 'r' },
	{ "python-dbapi", "conn = pymysql.connect(host='db', user='crm', passwd='@V')\n", 'r' },
	{ "psexec", "psexec \\\\srv01 -u CONTOSO\\svc-deploy -p @V cmd /c deploy.bat\n", 'r' },
	{ "cisco-enable", "hostname edge01\n!\nenable secret 0 @V\n!\n", 'r' },
};

static void put_b64(FILE *f, const char *s)
{
	static const char b[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		fputc(b[v >> 18 & 63], f);
		fputc(b[v >> 12 & 63], f);
		fputc(i + 1 < n ? b[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? b[v & 63] : '=', f);
	}
}

/* Write syntax `sx` with key `env` and value `tok`; 0: left out. */
static int write_syntax(FILE *f, const struct syntax *sx, const char *env,
			const char *service, const char *tok)
{
	char camel[256], pascal[256], lower[256];

	if (sx->esc == 'r' && strpbrk(tok, "\n \"'`"))
		return 0;
	key_forms(env, camel, pascal, lower);
	for (const char *t = sx->tmpl; *t; t++) {
		if (*t != '@' || !t[1]) {
			fputc(*t, f);
			continue;
		}
		switch (*++t) {
		case 'K': fputs(camel, f); break;
		case 'P': fputs(pascal, f); break;
		case 'L': fputs(lower, f); break;
		case 'E': fputs(env, f); break;
		case 'N': fputs(service, f); break;
		case 'B': put_b64(f, tok); break;
		case 'V':
			if (sx->esc == 'c')
				put_escaped(f, tok);
			else if (sx->esc == 'x')
				put_xml(f, tok);
			else
				fputs(tok, f);
			break;
		case 'I':
			fputs("    ", f);
			for (const char *c = tok; *c; c++) {
				fputc(*c, f);
				if (*c == '\n')
					fputs("    ", f);
			}
			break;
		default: fputc('@', f); fputc(*t, f);
		}
	}
	return 1;
}

/* the longest line of the token is what must never be printed */
static void put_planted(FILE *planted, const char *path, const char *service,
			const char *tok)
{
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
	put_planted(planted, path, service, tok);
}

#define NSYNTAXES (sizeof(syntaxes) / sizeof(*syntaxes))

/* Write `tok` in syntax `sx` to `path`; 0: the syntax cannot hold it. */
static int write_file(const char *path, const struct syntax *sx,
		      const char *env, const char *service, const char *tok)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		die(path);
	ok = write_syntax(f, sx, env, service, tok);
	fclose(f);
	if (!ok)
		remove(path);
	return ok;
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
}

int main(int argc, char **argv)
{
	char line[MAX_LINE], tok[MAX_LINE], path[1024];
	char kind[64];
	FILE *svc, *clean, *planted;
	int nclean = 0;
	size_t nformats = 0;

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
	for (size_t x = 0; x < NSYNTAXES; x++) {
		snprintf(path, sizeof(path), "%s/secret/%s", argv[4],
			 syntaxes[x].name);
		make_dir(path);
	}
	snprintf(path, sizeof(path), "%s/clean", argv[4]);
	make_dir(path);
	for (int m = FILL_X; m <= FILL_HERE; m++) {
		snprintf(path, sizeof(path), "%s/clean/%s", argv[4],
			 fill_names[m]);
		make_dir(path);
	}
	snprintf(path, sizeof(path), "%s/clean/misc", argv[4]);
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
		/* every other syntax, a fresh token each */
		for (size_t x = 0; x < NSYNTAXES; x++) {
			expand(tok, sizeof(tok), tmpl);
			snprintf(path, sizeof(path), "%s/secret/%s/%s-1.txt",
				 argv[4], syntaxes[x].name, service);
			if (write_file(path, &syntaxes[x], env, service, tok))
				put_planted(planted, path, service, tok);
		}
		/* the same format with a placeholder for its random part */
		for (int m = FILL_X; m <= FILL_HERE; m++) {
			const struct syntax *sx = &syntaxes[nformats % NSYNTAXES];

			expand_fill(tok, sizeof(tok), tmpl, (enum fill)m);
			snprintf(path, sizeof(path), "%s/clean/%s/%s.txt",
				 argv[4], fill_names[m], service);
			if (!write_file(path, sx, env, service, tok))
				write_file(path, &syntaxes[0], env, service, tok);
			nformats++;
		}
	}
	/* non-secrets: one file per line; \n in a line is a newline; the
	   kind is the last "# ---- kind: ..." heading */
	snprintf(kind, sizeof(kind), "misc");
	while (fgets(line, sizeof(line), clean)) {
		FILE *f;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "# ---- ", 7)) {
			size_t k = 0;

			for (const char *c = line + 7; *c && *c != ':' &&
			     *c != ',' && k + 1 < sizeof(kind); c++)
				kind[k++] = *c == ' ' ? '-' : *c;
			kind[k] = '\0';
			snprintf(path, sizeof(path), "%s/clean/%s", argv[4], kind);
			make_dir(path);
			continue;
		}
		if (!line[0] || line[0] == '#')
			continue;
		expand(tok, sizeof(tok), line);
		snprintf(path, sizeof(path), "%s/clean/%s/%04d.txt", argv[4],
			 kind, ++nclean);
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
