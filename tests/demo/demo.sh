#!/usr/bin/env bash
# demo.sh -- stagegate's main job on the shipped defaults: install the
# hooks on a fresh bare repository and push an exported Power Platform
# solution through dev -> test -> prod as several users, showing what
# each of them sees.
set -euo pipefail
: "${STAGEGATE_BIN:?run through: make demo}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/stagegate-demo.XXXXXX")
REPO="$DEMO/server/contoso-expenses.git"
W="$DEMO/maker"
export GIT_CONFIG_NOSYSTEM=1
unset GL_ID GL_USERNAME GL_USER GITHUB_USER_LOGIN GITEA_PUSHER_NAME

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# push USER ARGS...: show the command, run it, show what the pusher sees
push() {
	local user=$1; shift
	printf '\n$ REMOTE_USER=%s git push' "$user"; printf ' %q' "$@"; echo
	if REMOTE_USER=$user git -C "$W" push "$@" 2>&1 | sed 's/^/  /'; then :; fi
	if [ "${PIPESTATUS[0]}" -eq 0 ]; then echo "  => accepted"; else echo "  => REJECTED"; fi
}
mc() { git -C "$W" "$@"; }
# expense_table [v2]: the solution's Expense table (Entity.xml); v2 drops
# the Notes column and the "Rejected" status choice
expense_table() {
	local notes='<attribute PhysicalName="contoso_Notes"><Type>ntext</Type><RequiredLevel>none</RequiredLevel><MaxLength>2000</MaxLength></attribute>'
	local rejected='<option value="3"><labels><label description="Rejected" languagecode="1033" /></labels></option>'
	[ "${1:-}" = v2 ] && notes= rejected=
	mkdir -p "$W/solutions/ContosoExpenses/Entities/contoso_Expense"
	cat >"$W/solutions/ContosoExpenses/Entities/contoso_Expense/Entity.xml" <<-XML
	<?xml version="1.0" encoding="utf-8"?>
	<Entity><Name LocalizedName="Expense">contoso_Expense</Name><EntityInfo><entity Name="contoso_Expense"><attributes>
	  <attribute PhysicalName="contoso_Name"><Type>nvarchar</Type><RequiredLevel>required</RequiredLevel><MaxLength>100</MaxLength></attribute>
	  <attribute PhysicalName="contoso_Amount"><Type>money</Type><RequiredLevel>required</RequiredLevel></attribute>
	  $notes
	  <attribute PhysicalName="contoso_Status"><Type>picklist</Type><RequiredLevel>none</RequiredLevel><optionset Name="contoso_status"><options>
	    <option value="1"><labels><label description="Draft" languagecode="1033" /></labels></option>
	    <option value="2"><labels><label description="Submitted" languagecode="1033" /></labels></option>
	    $rejected
	  </options></optionset></attribute>
	</attributes></entity></EntityInfo></Entity>
	XML
}

say "An admin installs stagegate on a bare repository (shipped default policy)"
mkdir -p "$DEMO/server"
git init -q --bare "$REPO"
"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$REPO"
"$TOP/install.sh" --bin "$STAGEGATE_BIN" --check "$REPO"

say "The maker exports the Contoso Expenses solution and pushes it to a feature branch (dev)"
git init -q "$W"
mc config user.name "Maya Maker"; mc config user.email maker@example.com
mc config advice.ignoredHook false
mc remote add origin "$REPO"
mkdir -p "$W/solutions"
cp -r "$TOP/tests/data/solutions/ContosoExpenses" "$W/solutions/"
expense_table
mc add -A; mc commit -q -m "Export Contoso Expenses 1.4.0.2"
push maker origin HEAD:refs/heads/feature/expenses HEAD:refs/heads/dev

say "A maker pastes a client secret into a flow and an access key into an environment variable: refused on any branch, shown redacted"
mc checkout -q -b leak
cat >"$W/solutions/ContosoExpenses/Workflows/SyncLedger.json" <<'JSON'
{"properties":{"definition":{"actions":{"Get_token":{"type":"Http","inputs":{
  "method":"POST","uri":"https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
  "body":"grant_type=client_credentials","authentication":{"type":"ActiveDirectoryOAuth",
  "clientId":"5f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9","clientSecret":"Kq8Wm3Xr7Tz2Lk9Np4Vb1Yc6Hd0Jf5Gs"}}}}}}}
JSON
mkdir -p "$W/solutions/ContosoExpenses/environmentvariabledefinitions/contoso_LedgerKey"
cat >"$W/solutions/ContosoExpenses/environmentvariabledefinitions/contoso_LedgerKey/environmentvariabledefinition.xml" <<'XML'
<environmentvariabledefinition schemaname="contoso_LedgerKey">
  <defaultvalue>Jm3uXb0Jf0kZr8mYg1wQe7cV4nT9sA2dF5hK8lP1oI6uY3tR0eW7qZ4xC9vB2nM5aS8dG1hJ4kL7pO0iU3yTwQ==</defaultvalue>
  <type>100000000</type>
</environmentvariabledefinition>
XML
mc add -A; mc commit -q -m "Add ledger sync flow"
push maker origin HEAD:refs/heads/feature/ledger
mc checkout -q -; mc branch -q -D leak

say "The maker pushes to test; an approver may not (not in the makers group)"
push approver1 origin HEAD:refs/heads/test
push maker origin HEAD:refs/heads/test
tested=$(mc rev-parse HEAD)

say "The maker tries to go straight to prod: no approvals, no test tag"
push maker origin HEAD:refs/heads/main

say "The maker tries to tag the commit as tested; only the pipeline may"
mc tag -a -m "tested by me" tested/1.4.0.2 "$tested"
push maker origin refs/tags/tested/1.4.0.2
mc tag -d tested/1.4.0.2 >/dev/null

say "The test pipeline (user ci) tags what passed"
git -C "$W" -c user.name=CI -c user.email=ci@example.com \
	tag -a -m "Contoso Expenses 1.4.0.2 passed test" -m "Test-run: 4711
Result: passed" tested/1.4.0.2 "$tested"
push ci origin refs/tags/tested/1.4.0.2

say "A promotion with one approval, one by the maker herself, and no rollback plan"
bad=$(mc commit-tree "$tested^{tree}" -p "$tested" -m "Promote Contoso Expenses 1.4.0.2 to prod

Ticket: CHG004211
Approved-by: Approver One <approver1@example.com>
Approved-by: Maya Maker <maker@example.com>")
push maker origin "$bad:refs/heads/main"

say "The governed promotion: a ticket, a rollback plan, two approvals from the approvers group, on the tested artifact"
good=$(mc commit-tree "$tested^{tree}" -p "$tested" -m "Promote Contoso Expenses 1.4.0.2 to prod

Ticket: CHG004211
Rollback: redeploy tested/1.4.0.1
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>")
push maker origin "$good:refs/heads/main"

say "Someone edits the solution on the way to prod, skipping test"
mc checkout -q -b hotfix "$good"
sed -i 's/1.4.0.2/1.4.0.3/' "$W/solutions/ContosoExpenses/Other/Solution.xml"
mc commit -q -am "Quick fix straight to prod

Ticket: CHG004212
Rollback: redeploy tested/1.4.0.2
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>"
push maker origin HEAD:refs/heads/main

say "The same fix goes the right way: test, the pipeline's tag, a promotion"
mc checkout -q -b release-1.4.0.3 "$tested"
sed -i 's/1.4.0.2/1.4.0.3/' "$W/solutions/ContosoExpenses/Other/Solution.xml"
mc commit -q -am "Export Contoso Expenses 1.4.0.3"
tested3=$(mc rev-parse HEAD)
push maker origin HEAD:refs/heads/test
git -C "$W" -c user.name=CI -c user.email=ci@example.com \
	tag -a -m "Contoso Expenses 1.4.0.3 passed test" -m "Result: passed" tested/1.4.0.3 "$tested3"
push ci origin refs/tags/tested/1.4.0.3
mc checkout -q -b promote-1.4.0.3 "$good"
mc merge -q --no-ff -m "Promote Contoso Expenses 1.4.0.3 to prod

Ticket: CHG004213
Rollback: redeploy tested/1.4.0.2 (roll back to $(git -C "$W" rev-parse --short "$good"))
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>" "$tested3"
push maker origin HEAD:refs/heads/main

say "Force-pushing and deleting prod are refused"
push maker origin "+$tested:refs/heads/main"
push admin origin :refs/heads/main

say "A rollback to a tested commit prod never pointed at is refused"
push admin -o "rollback=1.4.0.3 breaks expense totals" origin "+$tested:refs/heads/main"

say "A release manager rolls prod back to the promotion it held before, with a reason"
push admin -o "rollback=1.4.0.3 breaks expense totals" origin "+$good:refs/heads/main"

say "A promotion that does not raise the solution's version is refused (prod holds 1.4.0.2)"
same=$(mc commit-tree "$tested^{tree}" -p "$good" -p "$tested" -m "Promote Contoso Expenses 1.4.0.2 again

Ticket: CHG004214
Rollback: none needed
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>")
push maker origin "$same:refs/heads/main"

say "The fix 1.4.0.4 passes test"
mc checkout -q -b release-1.4.0.4 "$tested3"
sed -i 's/1.4.0.3/1.4.0.4/' "$W/solutions/ContosoExpenses/Other/Solution.xml"
mc commit -q -am "Export Contoso Expenses 1.4.0.4"
tested4=$(mc rev-parse HEAD)
push maker origin HEAD:refs/heads/test
git -C "$W" -c user.name=CI -c user.email=ci@example.com \
	tag -a -m "Contoso Expenses 1.4.0.4 passed test" -m "Result: passed" tested/1.4.0.4 "$tested4"
push ci origin refs/tags/tested/1.4.0.4
mc checkout -q -b promote-1.4.0.4 "$good"
mc merge -q --no-ff -m "Promote Contoso Expenses 1.4.0.4 to prod

Ticket: CHG004215
Rollback: redeploy tested/1.4.0.2 (roll back to $(git -C "$W" rev-parse --short "$good"))
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>" "$tested4"

# The shipped policy has no change windows (prod is always open). This
# demo-local variant opens prod on every weekday but today's (Paris time),
# 09:00-17:00, so the push below is outside the window whenever it runs.
today=$(TZ=Europe/Paris date +%a | tr 'A-Z' 'a-z')
days=$(for d in mon tue wed thu fri sat sun; do [ "$d" = "$today" ] || printf '%s,' "$d"; done)
WPOL="$DEMO/policy-with-windows.yaml"
awk -v days="${days%,}" '{ print } /^    tested: true$/ {
	print "    windows:"
	print "      - days: [" days "]"
	print "        time: 09:00-17:00"
	print "        zone: Europe/Paris"
}' "$TOP/policies/default.yaml" >"$WPOL"
say "The admin closes prod outside change windows (demo-local policy: the shipped one plus windows on every day but today)"
sed -n '/^    windows:/,/zone:/p' "$WPOL"
"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$WPOL" "$REPO" | tail -n 1

say "The maker promotes 1.4.0.4 outside the window: refused, with the next opening"
push maker origin HEAD:refs/heads/main

say "The maker tries break-glass: only release managers may"
push maker -o "break-glass=INC0012345 expense approvals stuck since 1.4.0.3" origin HEAD:refs/heads/main

say "A release manager breaks glass without naming an incident: refused"
push admin -o "break-glass=urgent" origin HEAD:refs/heads/main

say "A release manager breaks glass for an incident: accepted, and recorded as break-glass"
push admin -o "break-glass=INC0012345 expense approvals stuck since 1.4.0.3" origin HEAD:refs/heads/main

say "An auditor reads and verifies the log (a copy works just as well)"
SG="$STAGEGATE_BIN/stagegate"
LOG="$REPO/stagegate/audit.log"
printf '\nThe audit log is %s\n' "$LOG"
printf '\n$ stagegate audit list --ref refs/heads/main\n'; "$SG" audit list --ref refs/heads/main "$LOG"
last=$(grep "\"type\":\"decision\"" "$LOG" | tail -n 1 | sed -n 's/.*"id":"\([0-9a-f]*\)\.[0-9]*".*/\1/p')
printf '\n$ stagegate audit show %s   # the break-glass\n' "$last"; "$SG" audit show "$last" "$LOG" | sed -n '1,25p'
printf '\n$ stagegate audit list --break-glass   # every break-glass, used or refused\n'; "$SG" audit list --break-glass "$LOG"
printf '\n$ stagegate audit stats\n'; "$SG" audit stats "$LOG" | sed -n '1,14p'
printf '\n$ stagegate audit verify\n'; "$SG" audit verify "$LOG"
cp "$LOG" "$DEMO/tampered.log"; cp "$LOG.head" "$DEMO/tampered.log.head"
# someone rewrites who pushed the refused hotfix; the chain shows it
line=$(grep -n '"decision":"rejected"' "$DEMO/tampered.log" | sed -n '1s/:.*//p')
sed -i "${line}s/\"pusher\":\"[a-z0-9]*\"/\"pusher\":\"nobody\"/" "$DEMO/tampered.log"
cmp -s "$LOG" "$DEMO/tampered.log" && { echo "demo: the tamper step changed nothing" >&2; exit 1; }
printf '\n$ stagegate audit verify tampered.log   # line %s: the pusher rewritten\n' "$line"
if "$SG" audit verify "$DEMO/tampered.log"; then
	echo "demo: tampering went unnoticed" >&2; exit 1
else
	echo "  => exit $?: tampering detected"
fi

say "The admin puts the shipped policy back (prod always open)"
"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$TOP/policies/default.yaml" "$REPO" | tail -n 1
prodtip=$(git --git-dir="$REPO" rev-parse refs/heads/main)

say "Release 1.5 drops the Notes column and the Rejected status: prod refuses it without a migration plan"
mc checkout -q -b release-1.5.0.0 "$tested4"
expense_table v2
sed -i 's/1.4.0.4/1.5.0.0/' "$W/solutions/ContosoExpenses/Other/Solution.xml"
mc commit -q -am "Export Contoso Expenses 1.5.0.0"
push maker origin HEAD:refs/heads/test
ci_tag() { git -C "$W" -c user.name=CI -c user.email=ci@example.com \
	tag -a -m "Contoso Expenses $1 passed test" -m "Result: passed" "tested/$1" HEAD; push ci origin "refs/tags/tested/$1"; }
ci_tag 1.5.0.0
# promote MESSAGE-TRAILER: merge the tested release into prod
promote15() {
	mc checkout -q -B promote-1.5 "$prodtip"
	mc merge -q --no-ff -m "Promote Contoso Expenses 1.5 to prod

Ticket: CHG004300
Rollback: redeploy tested/1.4.0.2
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>$1" "$2"
	push maker origin HEAD:refs/heads/main
}
promote15 "" release-1.5.0.0
[ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$prodtip" ] ||
	{ echo "demo: the destructive release reached prod without a plan" >&2; exit 1; }

say "The maker adds a migration plan (what it covers, backup, up, down, validation), tests it, and names it in a Migration trailer"
mc checkout -q release-1.5.0.0
mkdir -p "$W/migrations"
cat >"$W/migrations/CHG004300.yaml" <<'YAML'
ticket: CHG004300
changes:
  - { table: contoso_Expense, column: contoso_Notes, change: removed }
  - { table: contoso_Expense, column: contoso_Status, choice: "3", change: removed }
backup: export contoso_expense with notes and status to the CHG004300 archive
up:
  - move expenses with status Rejected (3) to Draft (1), noting it in the title
  - import the 1.5 solution as an upgrade
down:
  - re-import the 1.4.0.3 solution
  - restore notes and status from the CHG004300 archive
validation: the count of expenses and the sum of amounts match the archive
YAML
printf '\n$ cat migrations/CHG004300.yaml\n'; sed 's/^/  /' "$W/migrations/CHG004300.yaml"
mc add migrations; mc commit -q -m "Migration plan CHG004300 for 1.5"
push maker origin HEAD:refs/heads/test
ci_tag 1.5.0.1
promote15 "
Migration: migrations/CHG004300.yaml" release-1.5.0.0
[ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$(mc rev-parse HEAD)" ] ||
	{ echo "demo: the release with its plan did not reach prod" >&2; exit 1; }
printf '\nThe audit record of the promotion keeps the plan:\n'
grep '"type":"decision"' "$REPO/stagegate/audit.log" | tail -n 1 | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); m=r["migration"]; print("  plan %s (blob %.10s): %s" % (m["plan"], m["blob"], m["changes"]))'
say "The auditor's report: one HTML file, charts and every promotion (open it in any browser)"
printf '\n$ stagegate audit report --html audit-report.html\n'
"$SG" audit report --html "$DEMO/audit-report.html" "$LOG"
grep -q 'Promotions to prod (' "$DEMO/audit-report.html" ||
	{ echo "demo: the report lacks the promotions" >&2; exit 1; }
echo "  => $DEMO/audit-report.html"

say "A maker asks before pushing: what would the server say? (stagegate explain, in the clone)"
mc fetch -q --tags origin
printf '\n$ stagegate explain --policy policy.yaml refs/heads/main %s   # the hotfix that skipped test\n' "$(mc rev-parse --short hotfix)"
if (cd "$W" && "$SG" explain --policy "$TOP/policies/default.yaml" refs/heads/main hotfix) 2>&1 | sed 's/^/  /'; then :; fi

say "Where prod stands"
git --git-dir="$REPO" for-each-ref --format='  %(refname) %(objectname:short)'
echo
echo "Demo repository kept in $DEMO"
