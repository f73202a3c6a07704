# t_attack_output.sh -- terminal and log injection (issue 11, class 7):
# a pusher's ref names, paths, trailer values, push options and identities
# with ESC, CR, DEL and C1 controls, pushed for real. None of their raw
# bytes may reach the pusher's `remote:` lines, `stagegate audit` or
# `stagegate scan` output; the audit log stays valid JSON.

SG="$STAGEGATE_BIN/stagegate"
log() { echo "$REPO/stagegate/audit.log"; }
ESC=$'\e'
# a ref name: '"' and ']' are legal in git ref names, and so are bytes of
# 0x80 and up: U+009B (CSI) as UTF-8, and a lone 0x9b (CSI on 8-bit
# terminals); git itself refuses bytes below 0x20 and DEL in ref names
HOSTILE_REF=$'refs/heads/feature/a"b]c\xc2\x9b31m\x9b'

# clean FILE: no byte below 0x20 but \n and \t, no DEL, no 0x80-0x9f (the
# tests put no other non-ASCII text anywhere, so any such byte is a C1
# control, raw or UTF-8 encoded)
clean() {
	if LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]' "$1" >"$T/dirty"; then
		echo "      raw control bytes in $(basename "$1"):"; od -c "$T/dirty" | head -20 | sed 's/^/      /'
		return 1
	fi
}

# remote_lines: what the hooks printed (git's own lines name the ref too,
# as the client spelled it, which is not ours to escape)
remote_lines() { grep -a '^remote:' "$T/out" >"$T/remote"; echo "$T/remote"; }

valid_json_lines() {
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    json.loads(line)' "$1"
}

# every auditor's view of the log: no raw control byte in any of them
audit_views_clean() {
	local id=$1 what=$2 v
	"$SG" audit show "$id" "$(log)" >"$T/show" 2>&1
	check "$what: audit show is clean" clean "$T/show"
	for v in list stats; do
		"$SG" audit "$v" "$(log)" >"$T/$v" 2>&1
		check "$what: audit $v is clean" clean "$T/$v"
	done
	"$SG" audit export --format csv "$(log)" >"$T/csv" 2>&1
	check "$what: audit export csv is clean" clean "$T/csv"
	"$SG" audit export --format json "$(log)" >"$T/json" 2>&1
	check "$what: audit export json is clean" clean "$T/json"
	check "$what: audit export json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1],"rb"))' "$T/json"
	check "$what: every log line is valid JSON (UTF-8)" valid_json_lines "$(log)"
	check "$what: chain intact" "$SG" audit verify "$(log)"
}

last_push_id() { grep -ao 'audit [0-9a-f]\{12\}' "$T/out" | tail -1 | cut -d' ' -f2; }

test_hostile_path_and_ref_name() {
	new_repo || return
	local blob before
	blob=$(printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n' |
		git -C "$W" hash-object -w --stdin)
	git -C "$W" update-index --add --cacheinfo "100644,$blob,d${ESC}[2J"$'\r'"X${ESC}]0;pwned"$'\a'"/id_rsa"
	GIT_AUTHOR_NAME="Mal${ESC}[2Jlory" git -C "$W" commit -q -m "evil path"
	before=$(refs_of)
	REMOTE_USER=maker git -C "$W" push origin "HEAD:$HOSTILE_REF" >"$T/out" 2>&1 && fail "secret accepted"
	check "nothing landed" [ "$before" = "$(refs_of)" ]
	check "refused for the credential file" grep -q 'secret.credential-file' "$T/out"
	check "remote lines are clean" clean "$(remote_lines)"
	check "the path is shown escaped" grep -qF 'd\e[2J\rX\e]0;pwned\x07/id_rsa' "$T/remote"
	check "the ref is shown escaped" grep -qF 'feature/a"b]c\u009b31m\x9b: REJECTED' "$T/remote"
	audit_views_clean "$(last_push_id)" "path"
	check "show names the path escaped" grep -qF 'd\e[2J\rX' "$T/show"
	check "list names the ref (a lone byte as its Latin-1 code point)" grep -qF 'a"b]c\u009b31m\u009b' "$T/list"
}

test_hostile_trailer_value() {
	new_repo || return
	local c before
	c=$(commit solution/Solution.xml v1)
	git -C "$W" commit -q --amend -m "Promote

Approved-by: Evil${ESC}]0;owned"$'\a'" Twin <evil${ESC}[2J"$'\r'"x@example.com>
Approved-by: Approver Two <approver2@example.com>"
	before=$(refs_of)
	REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/main >"$T/out" 2>&1 && fail "accepted"
	check "nothing landed" [ "$before" = "$(refs_of)" ]
	check "refused: unknown approver" grep -q 'approval.unknown-user' "$T/out"
	check "remote lines are clean" clean "$(remote_lines)"
	check "the value is shown escaped" grep -qF 'Evil\e]0;owned\x07 Twin <evil\e[2J\rx@example.com>' "$T/remote"
	audit_views_clean "$(last_push_id)" "trailer"
	check "show names the value escaped" grep -qF 'evil\e[2J\rx@example.com' "$T/show"
}

test_hostile_identity() {
	new_repo || return
	local c; c=$(commit a.txt one)
	# a login may not hold C0 controls (the hook refuses the push); C1
	# controls as UTF-8 pass that test and must be shown escaped
	REMOTE_USER=$'mal\xc2\x9b2J\xc2\x85lory' git -C "$W" push origin "$c:refs/heads/test" >"$T/out" 2>&1 && fail "accepted"
	check "refused: not a pusher of test" grep -q 'protect.pusher' "$T/out"
	check "remote lines are clean" clean "$(remote_lines)"
	check "the login is shown escaped" grep -qF "'mal\\u009b2J\\u0085lory'" "$T/remote"
	audit_views_clean "$(last_push_id)" "identity"
	check "list shows the login escaped" grep -qF 'mal\u009b2J\u0085lory' "$T/list"
	# GitLab: the same through GL_USERNAME, every line GL-HOOK-ERR:
	GL_ID=user-7 GL_USERNAME=$'gl\xc2\x9b2J' git -C "$W" push origin "$c:refs/heads/test" >"$T/out" 2>&1 && fail "accepted"
	check "GitLab lines are clean" clean "$(remote_lines)"
	check "GitLab prefix kept" grep -q '^remote: GL-HOOK-ERR: stagegate: ' "$T/remote"
	# a C0 control in the identity is refused, and said so cleanly
	REMOTE_USER="mal${ESC}[2J" git -C "$W" push origin "$c:refs/heads/dev" >"$T/out" 2>&1 && fail "accepted"
	check "C0 in a login: remote lines are clean" clean "$(remote_lines)"
}

test_hostile_push_option() {
	new_repo || return
	local p1 p2
	promoted_twice
	p1=$P1 p2=$P2
	expect_accept "rollback" admin -o "rollback=2.0 ${ESC}[2J"$'\r'"breaks${ESC}[8m totals" origin "+$p1:refs/heads/main"
	check "rolled back" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$p1" ]
	check "remote lines are clean" clean "$(remote_lines)"
	check "the reason is shown escaped" grep -qF '2.0 \e[2J\rbreaks\e[8m totals' "$T/remote"
	audit_views_clean "$(last_push_id)" "push option"
	check "show gives the reason escaped" grep -qF 'rollback_reason  2.0 \e[2J\rbreaks' "$T/show"
}

test_scan_output_escaped() {
	mkdir -p "$T/co/d${ESC}[2J"
	printf '{"clientSecret": "Zq8WnV3pL0xY7rT2kM9sB4dF6hJ1gC5e"}\n' >"$T/co/d${ESC}[2J/x"$'\r'"${ESC}]0;t"$'\a'".json"
	"$SG" scan "$T/co" >"$T/scan" 2>&1
	check "scan finds it" [ $? -eq 1 ]
	check "scan text output is clean" clean "$T/scan"
	check "scan names the path escaped" grep -qF 'd\e[2J/x\r\e]0;t\x07.json' "$T/scan"
	"$SG" scan --format json "$T/co" >"$T/scan.json" 2>&1
	check "scan json is clean" clean "$T/scan.json"
	check "scan json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1],"rb"))' "$T/scan.json"
}
