/*
 * schema_sfdx.c -- the Salesforce DX (source format) schema reader:
 *
 *   objects/<Object>/<Object>.object-meta.xml      the table
 *   objects/<Object>/fields/<Field>.field-meta.xml  a column:
 *     <type>, <length> (or <precision>), <required>, <defaultValue>,
 *     picklist values in <valueSet><valueSetDefinition><value><fullName>
 *   globalValueSets/<Name>.globalValueSet-meta.xml  shared picklist values
 *
 * The table and column names come from the path (the folder layout is
 * what sf project deploy reads); lookups and master-detail are columns.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "schema.h"
#include "xml.h"
#include "banned.h"

enum sfdx_file { SFDX_NONE, SFDX_OBJECT, SFDX_FIELD, SFDX_VALUE_SET };

/* Split `path` into its kind, object and field (pointers into path). */
static enum sfdx_file classify(const char *path, const char **obj,
			       size_t *obj_len, const char **name,
			       size_t *name_len)
{
	const char *base = strrchr(path, '/'), *o, *p;
	size_t blen;

	base = base ? base + 1 : path;
	blen = strlen(base);
	if (blen > 24 &&
	    !strcmp(base + blen - 24, ".globalValueSet-meta.xml")) {
		*obj = SG_SCHEMA_SFDX_GLOBAL;
		*obj_len = strlen(SG_SCHEMA_SFDX_GLOBAL);
		*name = base;
		*name_len = blen - 24;
		return SFDX_VALUE_SET;
	}
	/* find "objects/" as a whole path component */
	for (p = path; (p = strstr(p, "objects/")); p++)
		if (p == path || p[-1] == '/')
			break;
	if (!p)
		return SFDX_NONE;
	o = p + 8;
	p = strchr(o, '/');
	if (!p || p == o)
		return SFDX_NONE;
	*obj = o;
	*obj_len = (size_t)(p - o);
	if (!strncmp(p, "/fields/", 8) && base == p + 8 && blen > 15 &&
	    !strcmp(base + blen - 15, ".field-meta.xml")) {
		*name = base;
		*name_len = blen - 15;
		return SFDX_FIELD;
	}
	if (base == p + 1 && blen == *obj_len + 16 &&
	    !memcmp(base, o, *obj_len) &&
	    !strcmp(base + *obj_len, ".object-meta.xml"))
		return SFDX_OBJECT;
	return SFDX_NONE;
}

static int sfdx_wants(const char *path)
{
	const char *o, *n;
	size_t ol, nl;

	return classify(path, &o, &ol, &n, &nl) != SFDX_NONE;
}

struct sfdx {
	struct sg_xml x;
	int depth;
	const char *tag[SG_MAX_XML_DEPTH];
	size_t tag_len[SG_MAX_XML_DEPTH];
};

/* Whether the open elements are exactly `path` (e.g. "CustomField/type"). */
static int at(const struct sfdx *s, const char *path)
{
	const char *p = path;

	for (int i = 0; i < s->depth; i++) {
		size_t n = strcspn(p, "/");

		if (n != s->tag_len[i] || memcmp(p, s->tag[i], n))
			return 0;
		p += n;
		if (*p == '/')
			p++;
		else
			return i == s->depth - 1;
	}
	return 0;
}

static char *dup_text(const char *s, size_t len)
{
	char *out;

	while (len && strchr(" \t\r\n", *s))
		s++, len--;
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	out = sg_malloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

static void on_text(struct sfdx *s, struct sg_schema *out, size_t col,
		    const char *obj, size_t obj_len, const char *name,
		    size_t name_len)
{
	char *t = dup_text(s->x.text, s->x.text_len);
	struct sg_schema_item *it = col == (size_t)-1 ? NULL : &out->v[col];

	if (it && at(s, "CustomField/type")) {
		free(it->type);
		it->type = t;
		t = NULL;
	} else if (it && (at(s, "CustomField/length") ||
			  (at(s, "CustomField/precision") && it->length < 0))) {
		it->length = strlen(t) < 12 ? strtol(t, NULL, 10) : -1;
	} else if (it && at(s, "CustomField/required")) {
		it->required = !strcmp(t, "true");
	} else if (it && at(s, "CustomField/valueSet/valueSetName") && *t) {
		free(it->choice_set);
		it->choice_set = t;
		t = NULL;
	} else if (it && at(s, "CustomField/defaultValue")) {
		it->has_default = *t != '\0';
	} else if (*t && (at(s, "CustomField/valueSet/valueSetDefinition/"
				"value/fullName") ||
			  at(s, "GlobalValueSet/customValue/fullName"))) {
		struct sg_schema_item *c = sg_schema_add(out, SG_SCHEMA_CHOICE,
							 obj, obj_len, name,
							 name_len);
		c->value = t;
		t = NULL;
	}
	free(t);
}

static int sfdx_read(struct sg_schema *out, const char *path,
		     const char *data, size_t len, struct sg_buf *err)
{
	struct sfdx *s = sg_calloc(1, sizeof(*s));
	const char *obj = NULL, *name = NULL;
	size_t obj_len = 0, name_len = 0, col = (size_t)-1;
	enum sfdx_file kind = classify(path, &obj, &obj_len, &name, &name_len);
	int ret = 0;

	if (kind == SFDX_OBJECT)
		sg_schema_add(out, SG_SCHEMA_TABLE, obj, obj_len, NULL, 0);
	if (kind == SFDX_FIELD) {
		sg_schema_add(out, SG_SCHEMA_COLUMN, obj, obj_len, name,
			      name_len);
		col = out->nr - 1;
	}
	sg_xml_init(&s->x, data, len);
	while (ret == 0 && kind != SFDX_OBJECT) {
		int ev = sg_xml_next(&s->x);

		if (ev == SG_XML_EOF) {
			ret = s->depth ? SG_ERROR : 0;
			break;
		} else if (ev == SG_XML_OPEN) {
			if (s->depth == SG_MAX_XML_DEPTH) {
				ret = SG_ELIMIT;
				break;
			}
			s->tag[s->depth] = s->x.name;
			s->tag_len[s->depth++] = s->x.name_len;
		} else if (ev == SG_XML_CLOSE) {
			if (!s->depth ||
			    s->tag_len[s->depth - 1] != s->x.name_len ||
			    memcmp(s->tag[s->depth - 1], s->x.name,
				   s->x.name_len))
				ret = SG_ERROR;
			else
				s->depth--;
		} else if (ev == SG_XML_TEXT) {
			if (s->depth)
				on_text(s, out, col, obj, obj_len, name,
					name_len);
		} else {
			ret = SG_ERROR;
		}
	}
	if (ret == SG_ELIMIT)
		sg_error(err, ret, "'%s' line %d: elements nested deeper than "
			 "%d", path, s->x.line, SG_MAX_XML_DEPTH);
	else if (ret < 0)
		sg_error(err, ret, "'%s' line %d: not well-formed XML", path,
			 s->x.line);
	free(s);
	return ret;
}

const struct sg_schema_reader sg_schema_sfdx = {
	"Salesforce DX", sfdx_wants, sfdx_read,
};
