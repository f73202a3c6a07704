/*
 * schema_pp.c -- the Power Platform (Dataverse) schema reader: tables,
 * columns, choice values and relationships of a solution, from the
 * files SolutionPackager / pac solution unpack writes
 * (Entities/<table>/Entity.xml, Other/Relationships/<table>.xml,
 * OptionSets/<name>.xml) and from a packed Customizations.xml, which
 * holds the same elements in one file:
 *
 *   <entity Name="contoso_Expense">
 *     <attributes><attribute PhysicalName="contoso_Amount">
 *       <Type>money</Type> <RequiredLevel>required</RequiredLevel>
 *       <MaxLength>100</MaxLength> <DefaultValue>...</DefaultValue>
 *       <optionset Name=...><options><option value="1">...
 *   <EntityRelationship Name="contoso_account_expense">
 *     <ReferencingEntityName>contoso_Expense</ReferencingEntityName>
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "schema.h"
#include "xml.h"
#include "banned.h"

#define NONE ((size_t)-1)

struct pp {
	struct sg_schema *out;
	struct sg_xml x;
	const char *file;
	int depth;
	const char *tag[SG_MAX_XML_DEPTH];
	size_t tag_len[SG_MAX_XML_DEPTH];
	struct sg_buf table;		/* the <entity> we are in */
	int entity_depth;
	size_t col;			/* index of the open <attribute> */
	int col_depth;
	struct sg_buf choice_table, choice_col;	/* an open <optionset> */
	int choice_depth;
	size_t rel;			/* index of the open relationship */
	int rel_depth;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcasecmp(s + n - m, tail);
}

static int pp_wants(const char *path)
{
	const char *base = base_name(path);

	if (!strcmp(base, "Entity.xml") ||
	    !strcmp(base, "Customizations.xml") ||
	    !strcmp(base, "customizations.xml"))
		return 1;
	/* Other/Relationships/<table>.xml, OptionSets/<name>.xml */
	return ends_with(path, ".xml") &&
	       (strstr(path, "Other/Relationships/") ||
		strstr(path, "OptionSets/"));
}

static void trimmed(const char **s, size_t *len)
{
	while (*len && strchr(" \t\r\n", **s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && strchr(" \t\r\n", (*s)[*len - 1]))
		(*len)--;
}

static int attr(const struct pp *pp, const char *name, const char **v,
		size_t *len)
{
	return sg_xml_attr(&pp->x, name, v, len) == 0 && *len;
}

static void set_buf(struct sg_buf *b, const char *s, size_t len)
{
	sg_buf_reset(b);
	sg_buf_add(b, s, len);
}

static void open_tag(struct pp *pp)
{
	const char *v;
	size_t len;
	struct sg_xml *x = &pp->x;

	if (sg_xml_is(x, "entity") && attr(pp, "Name", &v, &len)) {
		const char *um;
		size_t um_len;

		set_buf(&pp->table, v, len);
		pp->entity_depth = pp->depth;
		/* a system table the solution only refers to */
		if (!attr(pp, "unmodified", &um, &um_len) || *um != '1')
			sg_schema_add(pp->out, SG_SCHEMA_TABLE, v, len, NULL,
				      0);
	} else if (sg_xml_is(x, "attribute") && pp->table.len &&
		   pp->col == NONE && attr(pp, "PhysicalName", &v, &len)) {
		sg_schema_add(pp->out, SG_SCHEMA_COLUMN, pp->table.buf,
			      pp->table.len, v, len);
		pp->col = pp->out->nr - 1;
		pp->col_depth = pp->depth;
	} else if (sg_xml_is(x, "optionset") && !pp->choice_depth &&
		   attr(pp, "Name", &v, &len)) {
		pp->choice_depth = pp->depth;
		if (pp->col != NONE) {
			const struct sg_schema_item *c = &pp->out->v[pp->col];

			set_buf(&pp->choice_table, c->table, strlen(c->table));
			set_buf(&pp->choice_col, c->name, strlen(c->name));
		} else {
			/* a global choice (OptionSets/<name>.xml) */
			set_buf(&pp->choice_table, SG_SCHEMA_PP_GLOBAL,
				strlen(SG_SCHEMA_PP_GLOBAL));
			set_buf(&pp->choice_col, v, len);
		}
	} else if ((sg_xml_is(x, "option") || sg_xml_is(x, "status")) &&
		   pp->choice_depth && attr(pp, "value", &v, &len)) {
		struct sg_schema_item *it = sg_schema_add(pp->out,
			SG_SCHEMA_CHOICE, pp->choice_table.buf,
			pp->choice_table.len, pp->choice_col.buf,
			pp->choice_col.len);

		it->value = sg_malloc(len + 1);
		memcpy(it->value, v, len);
		it->value[len] = '\0';
	} else if (sg_xml_is(x, "EntityRelationship") && pp->rel == NONE &&
		   attr(pp, "Name", &v, &len)) {
		sg_schema_add(pp->out, SG_SCHEMA_RELATIONSHIP,
			      "(relationships)", 15, v, len);
		pp->rel = pp->out->nr - 1;
		pp->rel_depth = pp->depth;
	}
}

static int is_default(const char *s, size_t len)
{
	/* Dataverse writes -1 or nothing for "no default" */
	return len && !(len == 2 && !memcmp(s, "-1", 2));
}

static void text(struct pp *pp)
{
	const char *s = pp->x.text, *top = pp->tag[pp->depth - 1];
	size_t len = pp->x.text_len, top_len = pp->tag_len[pp->depth - 1];
	struct sg_schema_item *it;

#define TOP_IS(n) (top_len == sizeof(n) - 1 && !memcmp(top, n, top_len))
	trimmed(&s, &len);
	if (pp->col != NONE && pp->depth == pp->col_depth + 1) {
		it = &pp->out->v[pp->col];
		if (TOP_IS("Type")) {
			free(it->type);
			it->type = sg_malloc(len + 1);
			memcpy(it->type, s, len);
			it->type[len] = '\0';
		} else if (TOP_IS("MaxLength") && len && len < 12) {
			it->length = strtol(s, NULL, 10);
		} else if (TOP_IS("RequiredLevel")) {
			it->required =
				(len == 8 && !memcmp(s, "required", 8)) ||
				(len == 14 && !memcmp(s, "systemrequired", 14));
		} else if (TOP_IS("OptionSetName") && len) {
			free(it->choice_set);
			it->choice_set = sg_malloc(len + 1);
			memcpy(it->choice_set, s, len);
			it->choice_set[len] = '\0';
		} else if (TOP_IS("DefaultValue") ||
			   TOP_IS("AppDefaultValue")) {
			it->has_default |= is_default(s, len);
		}
	} else if (pp->rel != NONE && pp->depth == pp->rel_depth + 1 &&
		   TOP_IS("ReferencingEntityName") && len) {
		it = &pp->out->v[pp->rel];
		free(it->table);
		it->table = sg_malloc(len + 1);
		memcpy(it->table, s, len);
		it->table[len] = '\0';
	}
#undef TOP_IS
}

static int close_tag(struct pp *pp)
{
	const struct sg_xml *x = &pp->x;

	if (!pp->depth || pp->tag_len[pp->depth - 1] != x->name_len ||
	    memcmp(pp->tag[pp->depth - 1], x->name, x->name_len))
		return SG_ERROR;
	if (pp->depth == pp->col_depth)
		pp->col = NONE, pp->col_depth = 0;
	if (pp->depth == pp->choice_depth)
		pp->choice_depth = 0;
	if (pp->depth == pp->rel_depth)
		pp->rel = NONE, pp->rel_depth = 0;
	if (pp->depth == pp->entity_depth) {
		sg_buf_reset(&pp->table);
		pp->entity_depth = 0;
	}
	pp->depth--;
	return 0;
}

static int scan(struct pp *pp)
{
	for (;;) {
		int ev = sg_xml_next(&pp->x);

		switch (ev) {
		case SG_XML_EOF:
			return pp->depth ? SG_ERROR : 0;
		case SG_XML_OPEN:
			if (pp->depth == SG_MAX_XML_DEPTH)
				return SG_ELIMIT;
			pp->tag[pp->depth] = pp->x.name;
			pp->tag_len[pp->depth] = pp->x.name_len;
			pp->depth++;
			open_tag(pp);
			break;
		case SG_XML_CLOSE:
			if (close_tag(pp) < 0)
				return SG_ERROR;
			break;
		case SG_XML_TEXT:
			if (pp->depth)
				text(pp);
			break;
		default:
			return SG_ERROR;
		}
	}
}

static int pp_read(struct sg_schema *out, const char *path, const char *data,
		   size_t len, struct sg_buf *err)
{
	struct pp *pp = sg_calloc(1, sizeof(*pp));
	int ret;

	pp->out = out;
	pp->file = path;
	pp->col = pp->rel = NONE;
	sg_buf_init(&pp->table, SG_BUF_TEXT_MAX);
	sg_buf_init(&pp->choice_table, SG_BUF_TEXT_MAX);
	sg_buf_init(&pp->choice_col, SG_BUF_TEXT_MAX);
	sg_xml_init(&pp->x, data, len);
	ret = scan(pp);
	if (ret == SG_ELIMIT)
		sg_error(err, ret, "'%s' line %d: elements nested deeper than "
			 "%d", path, pp->x.line, SG_MAX_XML_DEPTH);
	else if (ret < 0)
		sg_error(err, ret, "'%s' line %d: not well-formed XML", path,
			 pp->x.line);
	sg_buf_release(&pp->table);
	sg_buf_release(&pp->choice_table);
	sg_buf_release(&pp->choice_col);
	free(pp);
	return ret;
}

const struct sg_schema_reader sg_schema_pp = {
	"Power Platform", pp_wants, pp_read,
};
