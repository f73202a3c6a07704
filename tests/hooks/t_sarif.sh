# t_sarif.sh -- `stagegate scan --format sarif` as GitHub code scanning
# takes it (issue 18): every file passes the SARIF 2.1.0 JSON schema and
# GitHub's documented upload rules (sarif_check.py), and Microsoft's SARIF
# multitool with its GitHub and SARIF rule kinds reports nothing at all.
# Both tools come from tests/deps.sh (apt and npm, pinned): `make deps`.

SG="$STAGEGATE_BIN/stagegate"
MT_DIR="$TOP/build/npm/node_modules/@microsoft/sarif-multitool-linux"
SCHEMA="$MT_DIR/sarif-2.1.0.json"
RULES="$TOP/policies/secrets.yaml"
SECRET='{"clientSecret":"Kq8Wm3Xr7Tz2Lk9Np4Vb1Yc6Hd0Jf5Gs"}'

tools_present() {
	[ -x "$MT_DIR/Sarif.Multitool" ] && [ -f "$SCHEMA" ] &&
		python3 -c 'import jsonschema' 2>/dev/null ||
		{ fail "SARIF tools missing: run make deps (tests/deps.sh)"; return 1; }
}

# sarif_ok NAME FILE: the schema, GitHub's rules, and the multitool.
sarif_ok() {
	python3 "$TOP/tests/hooks/sarif_check.py" "$SCHEMA" "$2" >"$T/check.$1" 2>&1
	check "$1: schema and GitHub's rules" grep -qx 'sarif: 0 errors' "$T/check.$1" ||
		sed 's/^/      /' "$T/check.$1" | head -20
	# the multitool's own result file: every rule it ran, every finding
	rm -f "$T/mt.$1.sarif"
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$MT_DIR/Sarif.Multitool" validate \
		--rule-kind "Gh;Sarif" --log ForceOverwrite -o "$T/mt.$1.sarif" "$2" \
		>"$T/mt.$1.out" 2>&1
	python3 - "$T/mt.$1.sarif" >"$T/mt.$1.res" 2>&1 <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))['runs']
res = [r for run in runs for r in run.get('results', [])]
for r in res:
    m = r['message']
    print(r['ruleId'], r.get('level', 'warning'), m.get('id'), m.get('arguments'))
print(f'multitool: {len(res)} results')
PY
	check "$1: multitool (GitHub and SARIF rules) reports nothing" \
		grep -qx 'multitool: 0 results' "$T/mt.$1.res" ||
		{ sed 's/^/      /' "$T/mt.$1.res" | head -20; tail -5 "$T/mt.$1.out"; }
}

# a repository whose files hold a secret, a credential file and archives
# nested past the limit, under names that need escaping in a URI
make_findings() {
	new_repo || return
	mkdir -p "$W/solutions/Contoso Ü" "$W/solutions/zips"
	commit "solutions/Contoso Ü/flow #1.json" "$SECRET" >/dev/null
	commit solutions/keys/.env "A=1" >/dev/null
	(cd "$W/solutions/zips" && cp "../Contoso Ü/flow #1.json" in.json &&
		zip -q z0.zip in.json && rm in.json &&
		for i in 1 2 3 4 5 6; do zip -q z$i.zip z$((i - 1)).zip; rm z$((i - 1)).zip; done)
	git -C "$W" add -A && git -C "$W" commit -q -m zips
}

test_sarif_passes_schema_and_github_rules() {
	tools_present || return
	make_findings || return
	(cd "$W" && "$SG" scan --rules "$RULES" --format sarif solutions/) >"$T/dir.sarif" 2>"$T/err"
	check "findings make scan exit 1" [ $? -eq 1 ]
	check "nothing on stderr" [ ! -s "$T/err" ]
	sarif_ok dir "$T/dir.sarif"
	python3 - "$T/dir.sarif" >"$T/out" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))['runs'][0]
ids = {r['ruleId'] for r in run['results']}
assert {'secret.generic-json', 'secret.credential-file',
        'secret.archive'} <= ids, ids
uris = {r['locations'][0]['physicalLocation']['artifactLocation']['uri']
        for r in run['results']}
assert 'solutions/Contoso%20%C3%9C/flow%20%231.json' in uris, uris
assert 'solutions/keys/.env' in uris, uris
print('findings ok')
PY
	check "secret, credential file and archive, escaped URIs" out_has 'findings ok'
	# "./", "//" and an absolute path under the directory scan ran in
	(cd "$W" && "$SG" scan --rules "$RULES" --format sarif ./solutions//keys "$W/solutions/Contoso Ü") >"$T/paths.sarif" 2>&1
	sarif_ok paths "$T/paths.sarif"
	# history: a file deleted since, found in its commit
	git -C "$W" rm -q -r solutions && git -C "$W" commit -q -m "remove all"
	(cd "$W" && "$SG" scan --rules "$RULES" --format sarif --range HEAD) >"$T/range.sarif" 2>&1
	sarif_ok range "$T/range.sarif"
	check "range: the commit of each result" grep -q '"properties":{"commit":"[0-9a-f]\{40\}"}' "$T/range.sarif"
	# nothing found: an empty results array, still a valid file
	(cd "$W" && "$SG" scan --rules "$RULES" --format sarif .) >"$T/none.sarif" 2>&1
	check "clean scan exits 0" [ $? -eq 0 ]
	sarif_ok none "$T/none.sarif"
	check "no results" grep -q '"results":\[\]' "$T/none.sarif"
}

# GitHub rejects a run of more than 25,000 results: the file keeps that
# many, errors first, and says how many it left out
test_sarif_keeps_github_result_limit() {
	tools_present || return
	mkdir -p "$T/keys"
	(cd "$T/keys" && for i in $(seq 1 25003); do : >"k$i.pfx"; done)
	(cd "$T" && "$SG" scan --rules "$RULES" --format sarif keys) >"$T/big.sarif" 2>&1
	sarif_ok big "$T/big.sarif"
	python3 - "$T/big.sarif" >"$T/out" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))['runs'][0]
assert len(run['results']) == 25000, len(run['results'])
n = run['invocations'][0]['toolExecutionNotifications'][0]['message']['text']
assert n.startswith('3 more findings are left out'), n
print('limit ok')
PY
	check "25,000 results and a notification for the 3 left out" out_has 'limit ok'
}

# the checks can fail: a file that breaks GitHub's rules is refused by both
test_sarif_check_refuses_broken_files() {
	tools_present || return
	make_findings || return
	(cd "$W" && "$SG" scan --rules "$RULES" --format sarif solutions/) >"$T/good.sarif" 2>&1
	python3 - "$T/good.sarif" "$T/bad.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
run = log['runs'][0]
del run['tool']['driver']['rules'][0]['fullDescription']
run['tool']['driver']['rules'][0]['properties']['security-severity'] = 8
res = run['results'][0]
loc = res['locations'][0]['physicalLocation']
loc['artifactLocation']['uri'] = 'solutions//a b.json'
loc['region']['startLine'] = 0
del res['partialFingerprints']
json.dump(log, open(sys.argv[2], 'w'))
PY
	python3 "$TOP/tests/hooks/sarif_check.py" "$SCHEMA" "$T/bad.sarif" >"$T/out" 2>&1
	check "checker exits 1" [ $? -eq 1 ]
	check "schema: startLine" out_has 'schema .*startLine'
	check "GitHub: fullDescription" out_has 'fullDescription.text missing'
	check "GitHub: security-severity a string" out_has "security-severity 8 is not a string"
	check "GitHub: clean URI" out_has "is not a clean relative URI"
	check "GitHub: fingerprints" out_has 'no partialFingerprints'
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$MT_DIR/Sarif.Multitool" validate \
		--rule-kind "Gh;Sarif" --log ForceOverwrite -o "$T/mt.sarif" "$T/bad.sarif" >/dev/null 2>&1
	check "multitool: GH2012 for the missing fullDescription" grep -q '"GH2012"' "$T/mt.sarif"
}
