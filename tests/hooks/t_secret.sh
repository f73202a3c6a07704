# t_secret.sh -- the secret gate with real pushes (issue 4). Every planted
# value is fake but has its provider's documented shape; no output, audit
# record or JSON may ever hold one in full.

GH="ghp_$(printf 'Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi02EejK6')"
GH=${GH:0:40}
STORAGE="Jm3uXb0Jf0kZr8mYg1wQe7cV4nT9sA2dF5hK8lP1oI6uY3tR0eW7qZ4xC9vB2nM5aS8dG1hJ4kL7pO0iU3yTwQ=="
AWS="AKIAQ4RZ7NWLXP2KD5GM"
SLACK="xoxb-2837465019-5839201746-Qw8Er7Ty6Ui5Op4As3Df2Gh"
SENDGRID="SG.aBcDeFgHiJkLmNoPqRsTuV.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcDeFg"
PLANTED=("$GH" "$STORAGE" "$AWS" "$SLACK" "$SENDGRID")

no_leak() { # every output and the audit log hold no planted value
	local v
	for v in "${PLANTED[@]}"; do
		if grep -rqF -- "$v" "$T/out" "${REPO:-$T/none}/stagegate/audit.log" 2>/dev/null; then
			fail "a planted secret leaked"; return
		fi
	done
	pass
}

test_secret_added_then_deleted() {
	new_repo || return
	commit flows/flow.json "{\"token\": \"$GH\"}" >/dev/null
	git -C "$W" rm -q flows/flow.json; git -C "$W" commit -q -m "remove it"
	expect_reject "added then deleted" maker secret.github-token origin HEAD:refs/heads/dev
	check "names the file and line" out_has "flows/flow.json:1:"
	check "shows it redacted" out_has "ghp_...(40 chars)"
	check "gives the fix" out_has "Key Vault"
	no_leak
}

test_secret_in_intermediate_commit_of_merged_branch() {
	new_repo || return
	local base; base=$(commit a.txt base)
	git -C "$W" checkout -q -b side
	commit cfg.yaml "apiKey: $SENDGRID" >/dev/null
	commit cfg.yaml "apiKey: =Environment.ApiKey" >/dev/null
	git -C "$W" checkout -q -
	commit b.txt other >/dev/null
	git -C "$W" merge -q --no-edit side
	expect_reject "merged branch" maker secret.sendgrid-api-key origin HEAD:refs/heads/dev
	no_leak
}

test_secret_formats() {
	new_repo || return
	printf 'sendgrid_key = %s\n' "$SENDGRID" | iconv -t UTF-16 >"$W/settings.ini"
	git -C "$W" add settings.ini; git -C "$W" commit -q -m utf16
	expect_reject "UTF-16" maker secret.sendgrid-api-key origin HEAD:refs/heads/dev
	git -C "$W" reset -q --hard HEAD~1 2>/dev/null || git -C "$W" update-ref -d HEAD
	new_repo_again
	printf '{"note":"%s"}\n' "$(printf 'AWS_ACCESS_KEY_ID=%s\n' "$AWS" | base64 -w0)" >"$W/b64.json"
	git -C "$W" add b64.json; git -C "$W" commit -q -m b64
	expect_reject "base64" maker secret.aws-access-key-id origin HEAD:refs/heads/dev
	check "says base64" out_has "base64-encoded"
	no_leak
}

new_repo_again() { rm -rf "$T/work" "$REPO"; new_repo; }

test_secret_in_msapp_in_solution_zip() {
	new_repo || return
	mkdir -p "$T/app/Src" "$T/sol/CanvasApps"
	printf 'App:\n  Properties:\n    OnStart: =Set(gKey, "%s")\n' "$GH" >"$T/app/Src/App.pa.yaml"
	(cd "$T/app" && zip -qr "$T/sol/CanvasApps/contoso_app.msapp" Src)
	(cd "$T/sol" && zip -qr "$W/ContosoExpenses_1_4_0_2.zip" CanvasApps)
	git -C "$W" add -A; git -C "$W" commit -q -m "solution zip"
	expect_reject "msapp in zip" maker secret.github-token origin HEAD:refs/heads/dev
	check "path inside the archives" out_has "ContosoExpenses_1_4_0_2.zip!CanvasApps/contoso_app.msapp!Src/App.pa.yaml:3:"
	no_leak
}

test_secret_in_commit_message_and_tag() {
	new_repo || return
	local c; c=$(commit a.txt one "deploy with $SLACK")
	expect_reject "commit message" maker secret.slack-token origin "$c:refs/heads/dev"
	check "names the message" out_has "(commit message)"
	git -C "$W" commit -q --amend -m clean
	git -C "$W" tag -a -m "token $SLACK" v1
	expect_reject "tag message" maker secret.slack-token origin refs/tags/v1
	check "names the tag message" out_has "(tag message)"
	no_leak
}

test_secret_in_env_variable_and_xml() {
	new_repo || return
	commit environmentvariabledefinitions/contoso_Key/environmentvariabledefinition.xml \
		"<environmentvariabledefinition schemaname=\"contoso_Key\"><defaultvalue>$STORAGE</defaultvalue><type>100000000</type></environmentvariabledefinition>" >/dev/null
	expect_reject "env var default value" maker secret.azure-storage-key-bare origin HEAD:refs/heads/dev
	new_repo_again
	commit Other/Customizations.xml "<connector><apikey>$SENDGRID</apikey><value>$GH</value></connector>" >/dev/null
	expect_reject "XML element text" maker secret.github-token origin HEAD:refs/heads/dev
	check "token before '<' found" out_has "\[secret.sendgrid-api-key\]"
	no_leak
}

test_credential_file_name() {
	new_repo || return
	commit deploy/id_rsa "not even a key" >/dev/null
	expect_reject "id_rsa" maker secret.credential-file origin HEAD:refs/heads/dev
	check "names it" out_has "deploy/id_rsa' is a credential file"
}

test_decoys_are_not_secrets() {
	new_repo || return
	mkdir -p "$W/s"
	cp -r "$TOP/tests/data/solutions/ContosoExpenses" "$W/s/"
	cat >"$W/s/decoys.json" <<-'JSON'
	{"clientSecret": "@parameters('ClientSecret (contoso_ClientSecret)')",
	 "password": "@{body('Get_secret')?['value']}",
	 "apiKey": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/k/)",
	 "token": "<your-token-here>", "secret": "${CLIENT_SECRET}",
	 "accountKey": "{{ACCOUNT_KEY}}", "tokenEndpoint": "https://login.microsoftonline.com/t/oauth2/token",
	 "secretName": "contoso-api-key", "id": "5f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
	 "sha": "3f786850e387550fdab836ed7e6dc881de23001b",
	 "icon": "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2FyZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAAAyJpVFh0WE1M"}
	JSON
	git -C "$W" add -A; git -C "$W" commit -q -m decoys
	expect_accept "decoys" maker origin HEAD:refs/heads/dev
	check "no finding at all" out_lacks "secret\."
}

test_legacy_secret_warns_not_blocks() {
	# the secret reached the server before stagegate was installed
	REPO="$T/legacy.git"; git init -q --bare "$REPO"
	git init -q "$T/work"; W="$T/work"
	git -C "$W" config user.name M; git -C "$W" config user.email maker@example.com
	git -C "$W" remote add origin "$REPO"
	commit app/settings.yaml "$(printf 'apiKey: %s\nname: one' "$SENDGRID")" >/dev/null
	git -C "$W" push -q origin HEAD:refs/heads/dev
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$REPO" >/dev/null
	commit app/settings.yaml "$(printf 'apiKey: %s\nname: two' "$SENDGRID")" >/dev/null
	expect_accept "edit another line" maker origin HEAD:refs/heads/dev
	check "warns about it" out_has "warning \[secret.sendgrid-api-key\]"
	check "says not new" out_has "already on the server"
	expect_accept "branch at an existing commit" maker origin HEAD:refs/heads/feature/same
	no_leak
}

test_allow_by_fingerprint() {
	new_repo || return
	commit cfg.yaml "apiKey: $SENDGRID" >/dev/null
	expect_reject "first" maker secret.sendgrid-api-key origin HEAD:refs/heads/dev
	local fp; fp=$(grep -o 'fingerprint [0-9a-f]*' "$T/out" | head -1 | cut -d' ' -f2)
	check "fingerprint shown" [ ${#fp} -eq 16 ]
	cat "$TOP/policies/default.yaml" >"$T/p.yaml"
	printf 'secrets:\n  allow:\n    - fingerprint: %s\n      reason: "test key of the sandbox tenant, CHG000123"\n' "$fp" >>"$T/p.yaml"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$T/p.yaml" "$REPO" >/dev/null
	expect_accept "allowed by fingerprint" maker origin HEAD:refs/heads/dev
	check "noted with its reason" out_has "note \[secret.allowed\].*sandbox tenant"
	check "recorded in the audit log" grep -q '"rule":"secret.allowed".*CHG000123' "$REPO/stagegate/audit.log"
	no_leak
}

test_zip_bomb_refused() {
	new_repo || return
	head -c 60000000 /dev/zero >"$T/zeros.xml"
	(cd "$T" && zip -q "$W/bomb.zip" zeros.xml)
	git -C "$W" add bomb.zip; git -C "$W" commit -q -m bomb
	expect_reject "zip bomb" maker secret.archive origin HEAD:refs/heads/dev
	check "says zip bomb" out_has "zip bomb"
}

test_huge_blob_refused() {
	new_repo || return
	head -c 200000000 /dev/zero | tr '\0' 'a' >"$W/huge.json"
	git -C "$W" add huge.json; git -C "$W" commit -q -m huge
	expect_reject "200 MB blob" maker secret.too-large origin HEAD:refs/heads/dev
	check "says split or ask" out_has "ask an admin"
}

test_catastrophic_backtracking_refused() {
	printf 'version: 1\nrules:\n  - id: evil\n    pattern: "(a+)+$"\n' >"$T/evil.yaml"
	REPO="$T/e.git"; git init -q --bare "$REPO"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --secrets "$T/evil.yaml" "$REPO" >/dev/null
	git init -q "$T/work"; W="$T/work"
	git -C "$W" config user.name M; git -C "$W" config user.email maker@example.com
	git -C "$W" remote add origin "$REPO"
	commit a.txt "$(head -c 5000 /dev/zero | tr '\0' a)!" >/dev/null
	expect_reject "backtracking" maker secret.match-limit origin HEAD:refs/heads/dev
}

test_scan_cli_json_and_sarif() {
	mkdir -p "$T/files"
	printf '{"clientSecret": "%s"}\n' "$STORAGE" >"$T/files/flow.json"
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format json "$T/files" >"$T/out"
	check "exit 1 when found" [ $? -eq 1 ]
	check "json has the fields" out_has '"rule":"secret.azure-storage-key-bare","severity":"error",\("commit":"",\)\{0,1\}"path":".*flow.json","line":1,"column":[0-9]*,"fingerprint":"[0-9a-f]\{64\}","redacted":"Jm3u'
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format sarif "$T/files" >"$T/out"
	check "sarif 2.1.0" out_has '"version":"2.1.0"'
	check "sarif result" out_has '"ruleId":"secret.azure-storage-key-bare"'
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" "$TOP/tests/data/solutions" >"$T/out"
	check "clean solution: exit 0" [ $? -eq 0 ]
	"$STAGEGATE_BIN/stagegate" scan --format yaml x >"$T/out" 2>&1
	check "bad format: exit 2" [ $? -eq 2 ]
	no_leak
}

# Every secret finding says how sure it is, in JSON, SARIF and the audit
# record: a GitHub token whose CRC-32 holds is "verified", one whose
# checksum fails only "shaped", a key = value guess "generic".
test_scan_confidence() {
	local good bad
	read -r good bad < <(python3 -c '
import random, zlib
b = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
random.seed(11)
body = "".join(random.choice(b) for _ in range(30))
c, s = zlib.crc32(body.encode()), ""
for _ in range(6):
    s, c = b[c % 62] + s, c // 62
wrong = b[(b.index(s[0]) + 1) % 62] + s[1:]
print("ghp_" + body + s, "ghp_" + body + wrong)')
	mkdir -p "$T/files"
	printf 'GH_TOKEN=%s\n' "$good" >"$T/files/a.env"
	printf 'GH_TOKEN=%s\n' "$bad" >"$T/files/b.env"
	printf 'db_password = "Northwind@Falcon2024?"\n' >"$T/files/c.ini"
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format json "$T/files" >"$T/out"
	check "exit 1 when found" [ $? -eq 1 ]
	check "checksum holds: verified" grep -q '"path":"[^"]*a.env".*"confidence":"verified"' "$T/out"
	check "checksum fails: shaped" grep -q '"path":"[^"]*b.env".*"confidence":"shaped"' "$T/out"
	check "checksum fails: a warning" grep -q '"severity":"warning",[^}]*b.env' "$T/out"
	check "checksum holds: an error" grep -q '"severity":"error",[^}]*a.env' "$T/out"
	check "key = value: generic" grep -q '"path":"[^"]*c.ini".*"confidence":"generic"' "$T/out"
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format sarif "$T/files" >"$T/out"
	check "sarif property" grep -q '"confidence":"verified"' "$T/out"
	new_repo || return
	cp "$T/files/a.env" "$W/"
	git -C "$W" add -A; git -C "$W" commit -q -m "a token"
	expect_reject "verified token" maker secret.github-token origin HEAD:refs/heads/dev
	check "audit record says verified" grep -q '"confidence":"verified"' "$REPO/stagegate/audit.log"
	# a token GitHub never issued (checksum fails) is shown, not blocking
	git -C "$W" rm -q a.env
	cp "$T/files/b.env" "$W/"
	git -C "$W" add -A; git -C "$W" commit -q --amend -m "a made-up token"
	expect_accept "made-up token" maker origin HEAD:refs/heads/dev
	check "shown as a warning" out_has "warning \[secret.github-token\].*checksum fails"
	check "the branch landed" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$(git -C "$W" rev-parse HEAD)" ]
	no_leak
}

# npm and Grafana tokens carry a checksum too: verified when it holds, a
# warning when it fails (npm: GitHub's format; Grafana glsa_: CRC-32 hex)
test_scan_confidence_npm_grafana() {
	local npm_good npm_bad gl_good gl_bad
	read -r npm_good npm_bad gl_good gl_bad < <(python3 -c '
import random, zlib
b = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
random.seed(12)
body = "".join(random.choice(b) for _ in range(30))
c, s = zlib.crc32(body.encode()), ""
for _ in range(6):
    s, c = b[c % 62] + s, c // 62
wrong = b[(b.index(s[0]) + 1) % 62] + s[1:]
key = "glsa_" + "".join(random.choice(b) for _ in range(32))
h = zlib.crc32(key.encode()).to_bytes(4, "little").hex()
print("npm_" + body + s, "npm_" + body + wrong, key + "_" + h,
      key + "_" + h[::-1])')
	mkdir -p "$T/files"
	printf 'NPM_TOKEN=%s\n' "$npm_good" >"$T/files/a.env"
	printf 'NPM_TOKEN=%s\n' "$npm_bad" >"$T/files/b.env"
	printf 'GRAFANA_TOKEN=%s\n' "$gl_good" >"$T/files/c.env"
	printf 'GRAFANA_TOKEN=%s\n' "$gl_bad" >"$T/files/d.env"
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format json "$T/files" >"$T/out"
	check "exit 1 when found" [ $? -eq 1 ]
	check "npm checksum holds: verified error" grep -q '"severity":"error","path":"[^"]*a.env".*"confidence":"verified"' "$T/out"
	check "npm checksum fails: a warning" grep -q '"rule":"secret.npm-token","severity":"warning","path":"[^"]*b.env"' "$T/out"
	check "grafana checksum holds: verified error" grep -q '"severity":"error","path":"[^"]*c.env".*"confidence":"verified"' "$T/out"
	check "grafana checksum fails: a warning" grep -q '"rule":"secret.grafana-token","severity":"warning","path":"[^"]*d.env"' "$T/out"
	check "no token in full" sh -c "! grep -q -e '$npm_good' -e '$gl_good' '$T/out'"
}

test_many_files_scanned_by_workers_in_order() {
	new_repo || return
	local i
	for i in $(seq -w 1 40); do
		printf '{"name": "flow %s", "id": "5f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9"}\n' "$i" >"$W/flow-$i.json"
	done
	printf '{"token": "%s"}\n' "$GH" >"$W/flow-07.json"
	printf 'apiKey: %s\n' "$SENDGRID" >"$W/flow-33.json"
	git -C "$W" add -A; git -C "$W" commit -q -m "forty flows"
	expect_reject "40 files" maker secret.github-token origin HEAD:refs/heads/dev
	check "the other one too" out_has "\[secret.sendgrid-api-key\]"
	check "listed in walk order" [ "$(grep -o 'flow-[0-9]*.json' "$T/out" | head -2 | tr '\n' ' ')" = "flow-07.json flow-33.json " ]
	no_leak
}

# A few commits and a few hundred files: enough jobs to start the worker
# threads (make test runs this file under the thread sanitizer too).
test_few_commits_hundreds_of_files_with_workers() {
	new_repo || return
	local c i
	for c in 1 2 3; do
		mkdir -p "$W/flows$c"
		for i in $(seq -w 1 120); do
			printf '{"name": "flow %s/%s", "step": %d}\n' "$c" "$i" "$c" >"$W/flows$c/f-$i.json"
		done
		git -C "$W" add -A; git -C "$W" commit -q -m "flows $c"
	done
	expect_accept "360 clean files in 3 commits" maker origin HEAD:refs/heads/dev
	check "dev moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$(git -C "$W" rev-parse HEAD)" ]
	for i in $(seq -w 1 120); do
		printf '{"name": "flow 4/%s", "step": 4}\n' "$i" >"$W/flows1/f-$i.json"
	done
	printf '{"token": "%s"}\n' "$GH" >"$W/flows2/f-077.json"
	git -C "$W" add -A; git -C "$W" commit -q -m "flows 4"
	printf 'apiKey: %s\n' "$SENDGRID" >"$W/flows3/f-101.json"
	git -C "$W" add -A; git -C "$W" commit -q -m "flows 5"
	expect_reject "secrets among 240 changed files" maker secret.github-token origin HEAD:refs/heads/dev
	check "the other one too" out_has "flows3/f-101.json"
	check "not in the object store" not git --git-dir="$REPO" cat-file -e "$(git -C "$W" rev-parse HEAD:flows2/f-077.json)"
	no_leak
}

test_scan_cli_commit_range() {
	git init -q "$T/r"; W="$T/r"
	git -C "$W" config user.name M; git -C "$W" config user.email m@x
	commit a.txt one >/dev/null
	commit b.yaml "apiKey: $SENDGRID" >/dev/null
	git -C "$W" rm -q b.yaml; git -C "$W" commit -q -m gone
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --repo "$W" --range HEAD~2..HEAD >"$T/out"
	check "deleted secret found in the range" [ $? -eq 1 ]
	check "names it" out_has "b.yaml:1:9: error \[secret.sendgrid-api-key\]"
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --repo "$W" --range HEAD~1..HEAD >"$T/out"
	check "outside the range: nothing" [ $? -eq 0 ]
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --repo "$W" --range HEAD >"$T/out"
	check "one rev: the whole history" [ $? -eq 1 ]
	no_leak
}

test_deadline_refuses_never_accepts() {
	sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  deadline_ms: 100/' "$TOP/policies/default.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return
	yes "{\"token\": \"@parameters('Token (contoso_Token)')\", \"password\": \"@{body('kv')}\"}," |
		head -n 800000 >"$W/big.json"
	git -C "$W" add big.json; git -C "$W" commit -q -m big
	expect_reject "out of time" maker secret.deadline origin HEAD:refs/heads/dev
	check "says split or ask" out_has "split the push"
}

test_finding_limit_says_so() {
	new_repo || return
	# 1,100 distinct fake keys (no run of 16 zeros: that is a placeholder):
	# the push stops at 1,000 findings and says that more may follow, so
	# nobody reads the list as complete
	awk 'BEGIN { for (i = 0; i < 1100; i++) printf "KEY_%d=sk_live_%06dAb3Cd9Ef%06dZq7Xw3Vb\n", i, i, i }' >"$W/many.env.txt"
	git -C "$W" add many.env.txt; git -C "$W" commit -q -m many
	expect_reject "more than the limit" maker secret.limit origin HEAD:refs/heads/dev
	check "says more may follow" out_has "stopped after 1000 findings"
	# stagegate scan goes on to 100,000 and lists them all
	"$STAGEGATE_BIN/stagegate" scan --rules "$TOP/policies/secrets.yaml" --format json "$W/many.env.txt" >"$T/out"
	check "scan lists all 1,100" [ "$(grep -c '"rule":"secret.stripe-key"' "$T/out")" -eq 1100 ]
}

# secrets.warn_only: generic findings (key = value guesses) only warn on
# dev; any push of the commits that hold them to another ref, a
# promotion included (the server already has the blob), is refused.
test_warn_only_generic_on_dev() {
	sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  warn_only:\n    confidence: [generic]\n    refs: [refs\/heads\/dev, refs\/heads\/feature\/*]/' \
		"$TOP/policies/default.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return
	local base c d
	base=$(commit solution/Solution.xml '<ImportExportXml version="1.0"/>')
	expect_accept "a clean start" maker origin "$base:refs/heads/dev" "$base:refs/heads/test"
	c=$(commit config/c.ini 'db_password = "Northwind@Falcon2024?"')
	expect_accept "generic on dev" maker origin "$c:refs/heads/dev"
	check "shown as a warning" out_has "warning \[secret.generic-json\]"
	check "says why and what next" out_has "secrets.warn_only"
	check "dev landed" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$c" ]
	expect_reject "promoted to test" maker secret.generic-json origin "$c:refs/heads/test"
	check "test kept" [ "$(git --git-dir="$REPO" rev-parse refs/heads/test)" = "$base" ]
	# a later commit on top, the value removed: the promotion still
	# brings the commit that holds it
	d=$(commit README.md "notes")
	git -C "$W" rm -q config/c.ini; git -C "$W" commit -q -m "remove it"
	d=$(git -C "$W" rev-parse HEAD)
	expect_accept "the fix on dev" maker origin "$d:refs/heads/dev"
	expect_reject "still in the history" maker secret.generic-json origin "$d:refs/heads/test"
	expect_reject "a new branch outside dev" maker secret.generic-json origin "$d:refs/heads/release"
	# dev and test in one push: refused for both
	git -C "$W" reset -q --hard "$base"
	c=$(commit config/d.ini 'api_secret = "Tailspin#Harbor2025!"')
	expect_reject "dev and test at once" maker secret.generic-json origin "+$c:refs/heads/dev" "$c:refs/heads/test"
	check "dev kept" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$d" ]
	# only generic: a provider's token still refuses on dev
	git -C "$W" reset -q --hard "$base"
	commit config/e.env "SLACK_BOT_TOKEN=xoxb-2291743651-6633119044027-Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1" >/dev/null
	expect_reject "shaped on dev" maker secret.slack-token origin +HEAD:refs/heads/dev
	# the setting is checked like the rest of the policy
	sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  warn_only:\n    confidence: [maybe]\n    refs: [refs\/heads\/dev]/' \
		"$TOP/policies/default.yaml" >"$T/bad.yaml"
	"$STAGEGATE_BIN/stagegate" policy check "$T/bad.yaml" >"$T/out" 2>&1
	check "bad confidence: an error" [ $? -ne 0 ]
	check "names file, line, column" out_has "bad.yaml:[0-9]*:[0-9]*: .*unknown confidence 'maybe'"
}
