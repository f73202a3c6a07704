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

say "An auditor reads and verifies the log (a copy works just as well)"
SG="$STAGEGATE_BIN/stagegate"
LOG="$REPO/stagegate/audit.log"
printf '\nThe audit log is %s\n' "$LOG"
printf '\n$ stagegate audit list --ref refs/heads/main\n'; "$SG" audit list --ref refs/heads/main "$LOG"
last=$(grep "\"type\":\"decision\"" "$LOG" | tail -n 1 | sed -n 's/.*"id":"\([0-9a-f]*\)\.[0-9]*".*/\1/p')
printf '\n$ stagegate audit show %s   # the rollback\n' "$last"; "$SG" audit show "$last" "$LOG" | sed -n '1,25p'
printf '\n$ stagegate audit stats\n'; "$SG" audit stats "$LOG" | sed -n '1,12p'
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

say "Where prod stands"
git --git-dir="$REPO" for-each-ref --format='  %(refname) %(objectname:short)'
echo
echo "Demo repository kept in $DEMO"
