/*
 * test_migration.c -- the schema readers, the model diff and the plan
 * parser of the migration gate, on small tables of inputs.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/migration.h"
#include "../../common/schema.h"

static const struct { const char *path; const char *platform; } paths[] = {
	{ "sol/Entities/contoso_Expense/Entity.xml", "Power Platform" },
	{ "sol/Other/Customizations.xml", "Power Platform" },
	{ "sol/Other/Relationships/contoso_Expense.xml", "Power Platform" },
	{ "sol/OptionSets/contoso_kind.xml", "Power Platform" },
	{ "sol/Other/Solution.xml", NULL },
	{ "force-app/main/default/objects/A__c/fields/B__c.field-meta.xml",
	  "Salesforce DX" },
	{ "objects/A__c/A__c.object-meta.xml", "Salesforce DX" },
	{ "objects/A__c/B__c.object-meta.xml", NULL },
	{ "objects/A__c/listViews/All.listView-meta.xml", NULL },
	{ "myobjects/A__c/fields/B__c.field-meta.xml", NULL },
	{ "x/globalValueSets/Kinds.globalValueSet-meta.xml", "Salesforce DX" },
};

Test(schema, reader_for)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		const struct sg_schema_reader *r =
			sg_schema_reader_for(paths[i].path);

		if (paths[i].platform)
			cr_expect(r && !strcmp(r->platform, paths[i].platform),
				  "%s", paths[i].path);
		else
			cr_expect(!r, "%s", paths[i].path);
	}
}

static const char pp_v1[] =
	"\xef\xbb\xbf<?xml version=\"1.0\"?><Entity><EntityInfo>"
	"<entity Name=\"t\"><attributes>"
	"<attribute PhysicalName=\"a\"><Type>nvarchar</Type>"
	"<RequiredLevel>none</RequiredLevel><MaxLength>100</MaxLength>"
	"</attribute>"
	"<attribute PhysicalName=\"b\"><Type>money</Type></attribute>"
	"<attribute PhysicalName=\"c\"><Type>picklist</Type>"
	"<optionset Name=\"c\"><options><option value=\"1\"/>"
	"<option value=\"2\"><labels/></option></options></optionset>"
	"</attribute><attribute PhysicalName=\"d\"><Type>int</Type>"
	"<RequiredLevel>none</RequiredLevel></attribute>"
	"</attributes></entity></EntityInfo>"
	"<!-- <attribute PhysicalName=\"z\"> --><![CDATA[<x>]]></Entity>";
static const char pp_v2[] =
	"<Entity><EntityInfo><entity Name=\"T\"><attributes>"
	"<attribute PhysicalName=\"A\"><Type>nvarchar</Type>"
	"<RequiredLevel>required</RequiredLevel><MaxLength>50</MaxLength>"
	"</attribute>"
	"<attribute PhysicalName=\"c\"><Type>picklist</Type>"
	"<optionset Name=\"c\"><options><option value=\"1\"/><option "
	"value=\"3\"/></options></optionset></attribute>"
	"<attribute PhysicalName=\"d\"><Type>int</Type><RequiredLevel>"
	"required</RequiredLevel><DefaultValue>0</DefaultValue></attribute>"
	"<attribute PhysicalName=\"e\"><Type>int</Type></attribute>"
	"</attributes></entity></EntityInfo></Entity>";

Test(schema, pp_diff)
{
	struct sg_schema a = SG_SCHEMA_INIT, b = SG_SCHEMA_INIT;
	struct sg_migration_changes c = { NULL, 0, 0 };
	struct sg_buf out = SG_BUF_INIT(1 << 20), err = SG_BUF_INIT(1024);
	const char *path = "s/Entities/t/Entity.xml";

	cr_assert_eq(sg_schema_pp.read(&a, path, pp_v1, strlen(pp_v1), &err),
		     0, "%s", err.buf);
	cr_assert_eq(sg_schema_pp.read(&b, path, pp_v2, strlen(pp_v2), &err),
		     0, "%s", err.buf);
	cr_assert_eq(a.nr, 7);	/* table, 4 columns, 2 choices */
	sg_schema_sort(&a);
	sg_schema_sort(&b);
	sg_migration_diff(&c, &a, &b);
	sg_migration_describe(&out, &c, 0);
	cr_expect_str_eq(out.buf, "table t: column a length-reduced "
			 "(100 -> 50), column a now-required (required "
			 "without a default), column b removed, choice c=2 "
			 "removed");
	sg_migration_changes_release(&c);
	sg_schema_release(&a);
	sg_schema_release(&b);
	sg_buf_release(&out);
	sg_buf_release(&err);
}

static const char *const bad_xml[] = {
	"<a><b></a>", "<a", "<a>", "<a b=\"x></a>", "<!-- x", "<![CDATA[",
	"</a>", "<>",
};

Test(schema, malformed)
{
	for (size_t i = 0; i < sizeof(bad_xml) / sizeof(*bad_xml); i++) {
		struct sg_schema s = SG_SCHEMA_INIT;
		struct sg_buf err = SG_BUF_INIT(1024);

		cr_expect_lt(sg_schema_pp.read(&s, "E/Entity.xml", bad_xml[i],
					       strlen(bad_xml[i]), &err), 0,
			     "%s", bad_xml[i]);
		sg_schema_release(&s);
		sg_buf_release(&err);
	}
}

static const char sf_field[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CustomField xmlns=\"x\">"
	"<fullName>S__c</fullName><length>80</length><required>false"
	"</required><type>Picklist</type><valueSet><valueSetDefinition>"
	"<value><fullName>A</fullName><label>A</label></value>"
	"<value><fullName>B</fullName></value></valueSetDefinition>"
	"</valueSet></CustomField>";

Test(schema, sfdx_field)
{
	struct sg_schema s = SG_SCHEMA_INIT;
	struct sg_buf err = SG_BUF_INIT(1024);

	cr_assert_eq(sg_schema_sfdx.read(&s, "objects/O__c/fields/S__c.field-"
					 "meta.xml", sf_field, strlen(sf_field),
					 &err), 0, "%s", err.buf);
	cr_assert_eq(s.nr, 3);
	cr_expect_str_eq(s.v[0].table, "O__c");
	cr_expect_str_eq(s.v[0].type, "Picklist");
	cr_expect_eq(s.v[0].length, 80);
	cr_expect_str_eq(s.v[2].value, "B");
	sg_schema_release(&s);
	sg_buf_release(&err);
}

static const struct { const char *yaml; int ok, line, col; } plans[] = {
	{ "changes: [{table: t, column: b, change: removed}]\nbackup: x\n"
	  "up: [y]\ndown: z\nvalidation: v\n", 1, 0, 0 },
	{ "changes: [{table: t, change: removed}]\nbackup: x\nup: y\n"
	  "irreversible: gone\nvalidation: v\n", 1, 0, 0 },
	{ "changes: []\nbackup: x\nup: y\ndown: z\nvalidation: v\n", 0, 1,
	  10 },
	{ "changes: [{table: t, change: dropped}]\nbackup: x\nup: y\n"
	  "down: z\nvalidation: v\n", 0, 1, 30 },
	{ "changes: [{table: t, change: removed}]\nbackup: x\nup: y\n"
	  "down: z\nirreversible: r\nvalidation: v\n", 0, 5, 15 },
	{ "changes: [{table: t, change: removed}]\nbackup: x\nup: []\n"
	  "down: z\nvalidation: v\n", 0, 3, 5 },
	{ "changes: [{table: t, change: removed}]\nbackup: [x\n", 0, 3, 1 },
	{ "changes: [{table: t, choice: '1', change: removed}]\nbackup: x\n"
	  "up: y\ndown: z\nvalidation: v\n", 0, 1, 11 },
	{ "- a\n", 0, 1, 1 },
};

Test(migration, plan_parse)
{
	for (size_t i = 0; i < sizeof(plans) / sizeof(*plans); i++) {
		struct sg_migration_plan p;
		struct sg_buf err = SG_BUF_INIT(1024);
		int line, col;
		int ret = sg_migration_plan_parse(&p, plans[i].yaml,
						  strlen(plans[i].yaml),
						  "p.yaml", &line, &col, &err);

		cr_expect_eq(ret == 0, plans[i].ok, "%zu: %s", i, err.buf);
		if (!plans[i].ok)
			cr_expect(line == plans[i].line && col == plans[i].col,
				  "%zu: %d:%d (%s)", i, line, col, err.buf);
		sg_migration_plan_release(&p);
		sg_buf_release(&err);
	}
}

/* Salesforce: picklist values moved to a global value set are kept. */
Test(migration, choices_moved_to_a_global_set)
{
	static const char inline_f[] = "<CustomField><type>Picklist</type>"
		"<valueSet><valueSetDefinition><value><fullName>A</fullName>"
		"</value><value><fullName>B</fullName></value>"
		"</valueSetDefinition></valueSet></CustomField>";
	static const char global_f[] = "<CustomField><type>Picklist</type>"
		"<valueSet><valueSetName>Kinds</valueSetName></valueSet>"
		"</CustomField>";
	static const char set[] = "<GlobalValueSet><customValue><fullName>A"
		"</fullName></customValue></GlobalValueSet>";
	const char *fp = "objects/O/fields/F.field-meta.xml";
	const char *sp = "globalValueSets/Kinds.globalValueSet-meta.xml";
	struct sg_schema a = SG_SCHEMA_INIT, b = SG_SCHEMA_INIT;
	struct sg_migration_changes c = { NULL, 0, 0 };
	struct sg_buf out = SG_BUF_INIT(1 << 20), err = SG_BUF_INIT(1024);

	cr_assert_eq(sg_schema_sfdx.read(&a, fp, inline_f, strlen(inline_f),
					 &err), 0);
	cr_assert_eq(sg_schema_sfdx.read(&b, fp, global_f, strlen(global_f),
					 &err), 0);
	cr_assert_eq(sg_schema_sfdx.read(&b, sp, set, strlen(set), &err), 0);
	sg_schema_sort(&a);
	sg_schema_sort(&b);
	sg_migration_diff(&c, &a, &b);
	sg_migration_describe(&out, &c, 0);
	/* A moved; B is gone for good */
	cr_expect_str_eq(out.buf, "table O: choice F=B removed");
	sg_migration_changes_release(&c);
	/* and back again: nothing lost */
	sg_migration_diff(&c, &b, &a);
	cr_expect_eq(c.nr, 0);
	sg_migration_changes_release(&c);
	sg_schema_release(&a);
	sg_schema_release(&b);
	sg_buf_release(&out);
	sg_buf_release(&err);
}
