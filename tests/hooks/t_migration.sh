# t_migration.sh -- the migration gate with real promotions of Power
# Platform and Salesforce DX exports (issue 17).

ENT=solution/Entities/contoso_Expense/Entity.xml
REL=solution/Other/Relationships/contoso_Expense.xml
FLD=force-app/main/default/objects/Expense__c/fields

# pp_column NAME TYPE MAXLENGTH REQUIRED [OPTION VALUES...]
pp_column() {
	local name=$1 type=$2 len=$3 req=$4; shift 4
	printf '        <attribute PhysicalName="%s">\n          <Type>%s</Type>\n' "$name" "$type"
	printf '          <Name>%s</Name>\n          <LogicalName>%s</LogicalName>\n' "${name,,}" "${name,,}"
	printf '          <RequiredLevel>%s</RequiredLevel>\n' "$req"
	[ "$len" = - ] || printf '          <MaxLength>%s</MaxLength>\n          <Length>%s</Length>\n' "$len" "$((len * 2))"
	if [ $# -gt 0 ]; then
		printf '          <optionset Name="%s">\n            <OptionSetType>picklist</OptionSetType>\n            <options>\n' "${name,,}"
		for v in "$@"; do
			printf '              <option value="%s" ExternalValue="" IsHidden="0">\n                <labels><label description="Choice %s" languagecode="1033" /></labels>\n              </option>\n' "$v" "$v"
		done
		printf '            </options>\n          </optionset>\n'
	fi
	printf '          <displaynames>\n            <displayname description="%s" languagecode="1033" />\n          </displaynames>\n        </attribute>\n' "$name"
}

# pp_entity COLUMN-SPECS... (each "NAME TYPE LEN REQ [VALUES]") > Entity.xml
pp_entity() {
	printf '\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\n<Entity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
	printf '  <Name LocalizedName="Expense" OriginalName="Expense">contoso_Expense</Name>\n  <EntityInfo>\n    <entity Name="contoso_Expense">\n'
	printf '      <!-- exported by pac solution unpack -->\n      <attributes>\n'
	for spec in "$@"; do
		# shellcheck disable=SC2086
		pp_column $spec
	done
	printf '      </attributes>\n    </entity>\n  </EntityInfo>\n  <FormXml />\n  <SavedQueries><savedqueries><savedquery><fetchxml><fetch><entity name="contoso_expense"><attribute name="contoso_name" /></entity></fetch></fetchxml></savedquery></savedqueries></SavedQueries>\n</Entity>\n'
}

pp_relationship() {
	cat <<-XML
	<?xml version="1.0" encoding="utf-8"?>
	<EntityRelationships xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
	  <EntityRelationship Name="contoso_account_expense">
	    <EntityRelationshipType>OneToMany</EntityRelationshipType>
	    <ReferencingEntityName>contoso_Expense</ReferencingEntityName>
	    <ReferencedEntityName>Account</ReferencedEntityName>
	    <ReferencingAttributeName>contoso_Account</ReferencingAttributeName>
	  </EntityRelationship>
	</EntityRelationships>
	XML
}

V1_COLS=("contoso_Name nvarchar 100 required" "contoso_Amount money - none"
	 "contoso_Notes ntext 2000 none" "contoso_Status picklist - none 1 2 3")

# write FILE (stdin): a file of the maker's work tree
write() { mkdir -p "$(dirname "$W/$1")"; cat >"$W/$1"; }

# release VERSION MESSAGE: commit the work tree, push it to dev and test,
# let the pipeline tag it; prints the tested commit
release() {
	git -C "$W" add -A
	git -C "$W" commit -q -m "$2"
	local c; c=$(git -C "$W" rev-parse HEAD)
	REMOTE_USER=maker git -C "$W" push -q origin "$c:refs/heads/dev" "$c:refs/heads/test" >"$T/rel.out" 2>&1 ||
		{ fail "release $1 to test refused"; cat "$T/rel.out" >&2; }
	tag_tested "$1" "$c"
	echo "$c"
}

# on_prod TESTED: promote the first release to prod; prints prod's tip
on_prod() {
	local p; p=$(promote "$1" "$APPROVED")
	expect_accept "first release to prod" maker origin "$p:refs/heads/main"
	echo "$p"
}

# promotion PROD TESTED MESSAGE: a merge of prod and the tested release
promotion() { git -C "$W" commit-tree "$2^{tree}" -p "$1" -p "$2" -m "$3"; }

with_trailer() { printf '%s\n%s\n' "$APPROVED" "$1"; }

pp_v1() {
	pp_entity "${V1_COLS[@]}" | write "$ENT"
	pp_relationship | write "$REL"
	release 1.0 "Export Contoso Expenses 1.0"
}

# the destructive v2: Notes removed, Amount money -> decimal, choice 3
# removed, Name shortened, plus an added column (additive: not listed)
pp_v2() {
	pp_entity "contoso_Name nvarchar 50 required" "contoso_Amount decimal - none" \
		"contoso_Status picklist - none 1 2" "contoso_Category nvarchar 100 none" | write "$ENT"
}

PLAN_HEAD='ticket: CHG004300
changes:
  - { table: contoso_expense, column: contoso_notes, change: removed }
  - { table: contoso_expense, column: contoso_amount, change: type-changed }
  - { table: contoso_expense, column: contoso_status, choice: "3", change: removed }'
PLAN_TAIL='backup: export contoso_expense to the CHG004300 archive (pac data export)
up:
  - copy contoso_notes into the SharePoint archive
  - move records with status 3 to status 2
down:
  - re-import the 1.0 solution
  - restore contoso_expense from the CHG004300 archive
validation: row counts and amount totals match the archive'

plan_all() { printf '%s\n  - { table: contoso_expense, column: contoso_name, change: length-reduced }\n%s\n' "$PLAN_HEAD" "$PLAN_TAIL"; }

PLAN=migrations/CHG004300.yaml

# v1_on_prod: a new repository with release 1.0 on prod (its tip in $PROD)
v1_on_prod() {
	new_repo || return
	PROD=$(on_prod "$(pp_v1)")
}

# v2_on_test [--drop-relationship] [PLAN_TEXT]: v1_on_prod, then the
# destructive 2.0 (and PLAN_TEXT as $PLAN, when given) released to test
# (the tested commit in $V2)
v2_on_test() {
	local drop=
	[ "$1" = --drop-relationship ] && { drop=1; shift; }
	v1_on_prod || return
	pp_v2
	[ -z "$drop" ] || rm "$W/$REL"
	[ $# -eq 0 ] || printf '%s\n' "$1" | write "$PLAN"
	V2=$(release 2.0 "Export 2.0")
}

# promote_v2 [TRAILER]: the approved promotion of $V2 onto $PROD
promote_v2() {
	if [ $# -eq 0 ]; then
		promotion "$PROD" "$V2" "$APPROVED"
	else
		promotion "$PROD" "$V2" "$(with_trailer "$1")"
	fi
}

test_mig_pp_added_column_accepted() {
	v1_on_prod || return
	pp_entity "${V1_COLS[@]}" "contoso_Category nvarchar 100 none" | write "$ENT"
	local t2; t2=$(release 1.1 "Export 1.1: a Category column")
	local m; m=$(promotion "$PROD" "$t2" "$APPROVED")
	expect_accept "added column" maker origin "$m:refs/heads/main"
	check "prod moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$m" ]
	check "no migration finding" out_lacks "migration\."
}

test_mig_pp_destructive_without_plan_lists_each() {
	v2_on_test --drop-relationship || return
	expect_reject "no plan" maker migration.missing origin "$(promote_v2):refs/heads/main"
	check "counts them" out_has "5 destructive schema changes and no 'Migration:' trailer"
	check "table by table" out_has "table contoso_Expense: column contoso_Amount type-changed (money -> decimal), column contoso_Name length-reduced (100 -> 50), column contoso_Notes removed, choice contoso_Status=3 removed"
	check "the relationship under its table" out_has "relationship contoso_account_expense removed"
	check "added column not listed" out_lacks "contoso_Category"
	check "fix names the trailer" out_has "Migration: migrations/<ticket>.yaml"
	check "a test or dev push is not gated" [ "$(git --git-dir="$REPO" rev-parse refs/heads/test)" = "$V2" ]
}

test_mig_pp_complete_plan_accepted_and_audited() {
	v2_on_test "$(plan_all)" || return
	local m; m=$(promote_v2 "Migration: $PLAN")
	expect_accept "complete plan" maker origin "$m:refs/heads/main"
	check "prod moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$m" ]
	local rec; rec=$(grep '"decision":"accepted"' "$REPO/stagegate/audit.log" | grep '"ref":"refs/heads/main"' | tail -n 1)
	check "audit names the plan" grep -q '"migration":{"plan":"migrations/CHG004300.yaml","blob":"'"$(git -C "$W" rev-parse "$V2:$PLAN")"'"' <<<"$rec"
	check "audit keeps the plan's text" grep -q 'move records with status 3 to status 2' <<<"$rec"
	check "audit lists the changes" grep -q 'column contoso_Notes removed' <<<"$rec"
	check "the log still verifies" "$STAGEGATE_BIN/stagegate" audit verify "$REPO/stagegate/audit.log"
}

test_mig_pp_plan_missing_one_change_unlisted() {
	v2_on_test "$(printf '%s\n%s\n' "$PLAN_HEAD" "$PLAN_TAIL")" || return
	expect_reject "one change not in the plan" maker migration.unlisted origin "$(promote_v2 "Migration: $PLAN"):refs/heads/main"
	check "names the one left" out_has "does not cover 1 of 4 destructive changes: table contoso_Expense: column contoso_Name length-reduced (100 -> 50)"
	check "no other migration finding" out_lacks "migration.missing"
}

test_mig_pp_plan_syntax_error_has_position() {
	v2_on_test "$(plan_all | sed 's/^backup: export/backup: [export/')" || return
	local m; m=$(promote_v2 "Migration: $PLAN")
	expect_reject "broken YAML" maker migration.plan-invalid origin "$m:refs/heads/main"
	check "file:line:col" out_has "migration.plan-invalid\] commit [0-9a-f]* migrations/CHG004300.yaml:[0-9]*:[0-9]*: [a-z]"
	# a plan that parses but lacks 'down' and 'irreversible'
	plan_all | sed '/^down:/,/^  - restore/d' | write "$PLAN"
	local t3; t3=$(release 2.1 "Export 2.1")
	m=$(promotion "$PROD" "$t3" "$(with_trailer "Migration: $PLAN")")
	expect_reject "no way back" maker migration.plan-invalid origin "$m:refs/heads/main"
	check "says what is needed, where" out_has "migrations/CHG004300.yaml:1:1: the plan needs 'down'"
	# an unknown key, with its position
	plan_all | sed 's/^validation:/validatoin:/' | write "$PLAN"
	local t4; t4=$(release 2.2 "Export 2.2")
	m=$(promotion "$PROD" "$t4" "$(with_trailer "Migration: $PLAN")")
	expect_reject "typo" maker migration.plan-invalid origin "$m:refs/heads/main"
	check "unknown key at its line" out_has "CHG004300.yaml:$(plan_all | grep -n '^validation' | cut -d: -f1):1: unknown key 'validatoin'"
	# a trailer naming a file that is not there
	m=$(promotion "$PROD" "$t4" "$(with_trailer 'Migration: migrations/CHG999999.yaml')")
	expect_reject "no such plan" maker migration.plan-invalid origin "$m:refs/heads/main"
	check "says so" out_has "is not a file in the promoted tree"
}

test_mig_irreversible_needs_data_owner() {
	v2_on_test "$(plan_all | sed -e '/^down:/,/^  - restore/d' -e 's/^validation:/irreversible: the notes are archived in SharePoint, not restored\nvalidation:/')" || return
	# approver2 is in data-owners: accepted with the usual two approvals
	local ok; ok=$(promote_v2 "Migration: $PLAN")
	# without approver2 (admin approves instead: not counted, not a data owner)
	local bad; bad=$(promotion "$PROD" "$V2" "Promote

Ticket: CHG004300
Rollback: none, see the plan
Approved-by: Approver One <approver1@example.com>
Migration: migrations/CHG004300.yaml")
	expect_reject "irreversible, no data owner" maker migration.irreversible origin "$bad:refs/heads/main"
	check "says why" out_has "cannot be undone (the notes are archived in SharePoint, not restored) and no approval from group 'data-owners' was counted"
	expect_accept "irreversible, approved by a data owner" maker origin "$ok:refs/heads/main"
	check "audit says irreversible" grep -q '"irreversible":"the notes are archived' "$REPO/stagegate/audit.log"
}

sfdx_field() { # NAME TYPE LENGTH REQUIRED [PICKLIST VALUES...]
	local name=$1 type=$2 len=$3 req=$4; shift 4
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
	printf '    <fullName>%s</fullName>\n    <externalId>false</externalId>\n    <label>%s</label>\n' "$name" "$name"
	[ "$len" = - ] || printf '    <length>%s</length>\n' "$len"
	printf '    <required>%s</required>\n    <type>%s</type>\n' "$req" "$type"
	if [ $# -gt 0 ]; then
		printf '    <valueSet>\n        <restricted>true</restricted>\n        <valueSetDefinition>\n            <sorted>false</sorted>\n'
		for v in "$@"; do
			printf '            <value>\n                <fullName>%s</fullName>\n                <default>false</default>\n                <label>%s</label>\n            </value>\n' "$v" "$v"
		done
		printf '        </valueSetDefinition>\n    </valueSet>\n'
	fi
	printf '</CustomField>\n'
}

sfdx_v1() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Expense</label>\n</CustomObject>\n' |
		write force-app/main/default/objects/Expense__c/Expense__c.object-meta.xml
	sfdx_field Description__c Text 255 false | write "$FLD/Description__c.field-meta.xml"
	sfdx_field Amount__c Currency - false | write "$FLD/Amount__c.field-meta.xml"
	sfdx_field Status__c Picklist - false Draft Submitted Approved | write "$FLD/Status__c.field-meta.xml"
	release 1.0 "Export Expense 1.0"
}

test_mig_sfdx_promotions() {
	new_repo || return
	local t1; t1=$(sfdx_v1)
	local p; p=$(on_prod "$t1")
	# additive: a new field, a new picklist value
	sfdx_field Category__c Text 80 false | write "$FLD/Category__c.field-meta.xml"
	sfdx_field Status__c Picklist - false Draft Submitted Approved Paid | write "$FLD/Status__c.field-meta.xml"
	local t2; t2=$(release 1.1 "Export 1.1")
	local m; m=$(promotion "$p" "$t2" "$APPROVED")
	expect_accept "added field and value" maker origin "$m:refs/heads/main"
	p=$m
	# destructive: a field removed, a type changed, a picklist value removed,
	# a field made required without a default
	git -C "$W" rm -q "$FLD/Description__c.field-meta.xml"
	sfdx_field Amount__c Number - false | write "$FLD/Amount__c.field-meta.xml"
	sfdx_field Status__c Picklist - false Draft Approved Paid | write "$FLD/Status__c.field-meta.xml"
	sfdx_field Category__c Text 80 true | write "$FLD/Category__c.field-meta.xml"
	local t3; t3=$(release 2.0 "Export 2.0")
	m=$(promotion "$p" "$t3" "$APPROVED")
	expect_reject "destructive, no plan" maker migration.missing origin "$m:refs/heads/main"
	check "lists each" out_has "4 destructive schema changes and no 'Migration:' trailer naming a migration plan: table Expense__c: column Amount__c type-changed (Currency -> Number), column Category__c now-required (required without a default), column Description__c removed, choice Status__c=Submitted removed"
	cat >"$T/plan.yaml" <<-'YAML'
	changes:
	  - { table: Expense__c, column: Description__c, change: removed }
	  - { table: Expense__c, column: Amount__c, change: type-changed }
	  - { table: Expense__c, column: Status__c, choice: Submitted, change: removed }
	backup: sf data export tree --query "SELECT Id, Description__c, Amount__c, Status__c FROM Expense__c"
	up: [move Submitted expenses to Draft, convert amounts]
	down: [redeploy 1.1, sf data import tree from the backup]
	validation: record counts match the backup
	YAML
	write migrations/CHG004400.yaml <"$T/plan.yaml"
	local t4; t4=$(release 2.1 "Export 2.1 with a plan")
	m=$(promotion "$p" "$t4" "$(with_trailer 'Migration: migrations/CHG004400.yaml')")
	expect_reject "plan without the required field" maker migration.unlisted origin "$m:refs/heads/main"
	check "names it" out_has "does not cover 1 of 4 destructive changes: table Expense__c: column Category__c now-required"
	printf '  - { table: Expense__c, column: Category__c, change: now-required }\n' >>"$T/plan.yaml"
	sed -i '/^backup:/{x;s/.*//;x}' "$T/plan.yaml"
	# the new item must be in `changes`: rebuild the file in order
	{ sed -n '1,4p' "$T/plan.yaml"; tail -n 1 "$T/plan.yaml"; sed -n '5,8p' "$T/plan.yaml"; } | write migrations/CHG004400.yaml
	local t5; t5=$(release 2.2 "Export 2.2")
	m=$(promotion "$p" "$t5" "$(with_trailer 'Migration: migrations/CHG004400.yaml')")
	expect_accept "complete plan" maker origin "$m:refs/heads/main"
	check "audit names the plan" grep -q '"migration":{"plan":"migrations/CHG004400.yaml"' "$REPO/stagegate/audit.log"
}

test_mig_hostile_schema_fails_closed() {
	v1_on_prod || return
	printf '<Entity><EntityInfo><entity Name="contoso_Expense"><attributes><attribute PhysicalName="x"' | write "$ENT"
	local t2; t2=$(release 2.0 "Export 2.0")
	local m; m=$(promotion "$PROD" "$t2" "$APPROVED")
	expect_reject "truncated XML" maker migration.unreadable origin "$m:refs/heads/main"
	check "names the file and line" out_has "cannot read the Power Platform schema: '$ENT' line 1: not well-formed XML"
	python3 -c 'print("<a>" * 300 + "</a>" * 300)' | write "$ENT"
	local t3; t3=$(release 2.1 "Export 2.1")
	m=$(promotion "$PROD" "$t3" "$APPROVED")
	expect_reject "deep XML" maker migration.unreadable origin "$m:refs/heads/main"
	check "says how deep" out_has "nested deeper than 256"
}

# A second prod ref created at a destructive release is checked against
# what main holds (an attacker's read: only a ref's own old tip was).
test_mig_new_prod_ref_compared_with_main() {
	v2_on_test --drop-relationship || return
	expect_reject "prod created at 2.0" maker migration.missing origin "$(promote_v2):refs/heads/prod"
	check "lists a removed column" out_has "column contoso_Notes removed"
	check "prod was not created" [ -z "$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/prod)" ]
	expect_accept "prod created at main's tip" maker origin "$PROD:refs/heads/prod"
}
