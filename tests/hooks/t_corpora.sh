# t_corpora.sh -- real exports (issue 13): the whole history of each git
# bundle in ../shared/corpora pushed at once, as a first push, into a
# repository with stagegate installed. Every refusing secret finding must be
# a known credential, listed below with its bundle, commit and path; a
# finding that appears or disappears fails the test.
#
# Known credentials in these histories: none. Every credential-looking value
# in them was classified (issue 13): canvas MetaDataIDKey placeholders
# (%Name.ID%), Power Apps Studio document links (SAS, sp=r, expired in
# 2022-2024), localisation keys, publicKeyToken, property access and
# bundled library code. The Logic Apps trigger URLs and the
# ActiveDirectoryOAuth secret the issue names are not in these slices.

CORPORA=$(corpora_dir 2>/dev/null)
# "bundle commit path rule" of each real credential; empty: none is known
KNOWN_ERRORS=()

# corpus_push NAME: push NAME's history; $T/errors lists what refused
corpus_push() {
	local name=$1 src="$T/$1.git"
	[ -f "$CORPORA/$name.bundle" ] ||
		{ fail "$name: no bundle in $CORPORA (set STAGEGATE_CORPORA)"; return 1; }
	# a first push of a real export must not depend on this machine's load.
	# dreamhouse's sample contacts use real mail domains: the personal-data
	# gate refuses them by design (it cannot tell invented people at
	# goodmail.com from real ones), so this secret-gate test allows them;
	# so are the automation kit's sample users in its data.zip (a
	# Configuration Migration Tool package, read since issue 11).
	sed -e 's/^  syslog: false$/  syslog: false\nsecrets:\n  deadline_ms: 600000/' \
		-e 's/^  allowed_domains: \[/  allowed_domains: [goodmail.com, mymail.com, pentagon.com, brain.com, contoso.onmicrosoft.com, /' \
		"$TOP/policies/default.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return 1
	git clone -q --mirror "$CORPORA/$name.bundle" "$src" || { fail "$name: clone"; return 1; }
	REMOTE_USER=maker git --git-dir="$src" push "$REPO" main:refs/heads/dev >"$T/out" 2>&1
	echo $? >"$T/rc"
	# refusing secret findings, as "commit path rule", from the audit record
	grep -o '{"rule":"secret\.[^"]*","severity":"error"[^}]*}' "$REPO/stagegate/audit.log" |
		sed -E 's/.*"rule":"([^"]*)".*"commit":"([^"]*)".*"path":"([^"]*)".*/\2 \3 \1/' |
		sort -u >"$T/errors"
	printf '%s\n' "${KNOWN_ERRORS[@]}" | grep "^$name " | cut -d' ' -f2- | sort -u >"$T/known"
}

has_ref() { git --git-dir="$REPO" rev-parse -q --verify "$1" >/dev/null; }

check_corpus() { # NAME MIN_NOTES: the push, its refusals, its SAS notes
	local name=$1 notes
	corpus_push "$name" || return
	if diff "$T/known" "$T/errors" >"$T/diff"; then
		pass
	else
		fail "$name: refusing findings differ from the known credentials"
		sed 's/^/      /' "$T/diff" | head -20
	fi
	if [ ! -s "$T/known" ]; then
		check "$name: the first push is accepted" [ "$(cat "$T/rc")" -eq 0 ]
		check "$name: the branch landed" has_ref refs/heads/dev
	fi
	# the expired read-only Studio links are noted, saying why
	notes=$(grep -o '"rule":"secret.azure-sas-signature","severity":"note"[^}]*expired [^}]*read only' \
		"$REPO/stagegate/audit.log" | wc -l)
	check "$name: $2+ expired read-only SAS noted ($notes)" [ "$notes" -ge "$2" ]
}

test_corpus_creator_kit() { check_corpus powercat-creator-kit 1; }
test_corpus_automation_kit() { check_corpus powercat-automation-kit 1; }
test_corpus_dreamhouse_lwc() { check_corpus dreamhouse-lwc 0; }

# planted on top of a real history: a signed Logic Apps trigger URL (sig=
# never expires) and an ActiveDirectoryOAuth client secret in a flow's
# HTTP action are still refused, next to the history's noted SAS links
test_corpus_business_approvals_kit() {
	check_corpus powercat-business-approvals-kit 1 || return
	local w="$T/plant" flow
	git clone -q "$T/powercat-business-approvals-kit.git" "$w"
	git -C "$w" config user.name Maker; git -C "$w" config user.email maker@example.com
	flow="$w/BusinessApprovalKit/SolutionPackage/src/Workflows/Planted.json"
	mkdir -p "$(dirname "$flow")"
	cat >"$flow" <<-'FLOW'
	{"properties": {"definition": {"actions": {"HTTP": {"type": "Http", "inputs": {
	  "uri": "https://prod-27.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Qm9pZ3h0Wk1yN2tWcEw4c0R3QTJuRmVZdUhqM2M1Uk4",
	  "authentication": {"type": "ActiveDirectoryOAuth", "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47",
	    "audience": "https://graph.microsoft.com", "clientId": "5f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
	    "secret": "Wq7Ld9Zr2Xv8Tn4Kp6Hs3Jm"}}}}}}}
	FLOW
	git -C "$w" add -A; git -C "$w" commit -q -m "flow with credentials"
	REMOTE_USER=maker git -C "$w" push "$REPO" HEAD:refs/heads/dev >"$T/out" 2>&1
	check "refused" [ $? -ne 0 ]
	check "the trigger URL's sig= is a secret" grep -q 'secret.azure-sas-signature.*no expiry' "$T/out"
	check "the OAuth client secret is found" grep -q 'secret.generic-json' "$T/out"
	check "the expired SAS links of the history are not" not grep -q 'Planted.json.*expired' "$T/out"
}
