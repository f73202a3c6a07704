# t_maker.sh -- the maker's verdict before the push (issue 18): the
# pre-push hook installed in a real clone, and `stagegate explain`
# compared with what the server prints for the same real push.

SG="$STAGEGATE_BIN/stagegate"
log() { echo "$REPO/stagegate/audit.log"; }
log_lines() { cat "$(log)" 2>/dev/null | wc -l; }
SECRET='{"clientSecret":"Kq8Wm3Xr7Tz2Lk9Np4Vb1Yc6Hd0Jf5Gs"}'

# violations PREFIX FILE: the "error [rule] ..." lines, prefix and
# trailing blanks (git's "remote: " padding) removed, sorted.
violations() {
	sed -n "s/^$1stagegate:   \(error \[.*\)/\1/p" "$2" | sed 's/[[:space:]]*$//' | sort
}

fingerprint() { grep -o 'fingerprint [0-9a-f]*' "$1" | head -1; }

install_prepush() {
	(cd "$W" && "$SG" install-pre-push --policy "$TOP/policies/default.yaml") >"$T/install-pp.out" 2>&1 ||
		{ fail "install-pre-push"; cat "$T/install-pp.out"; return 1; }
}

test_prepush_refuses_a_secret_locally() {
	new_repo || return
	install_prepush || return
	check "hook written" grep -q 'stagegate pre-push hook' "$W/.git/hooks/pre-push"
	local before; before=$(log_lines)
	commit solution/Workflows/flow.json "$SECRET" >/dev/null
	REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/dev >"$T/local" 2>&1
	check "refused before the push" [ $? -ne 0 ]
	check "by the local hook" grep -q 'stagegate pre-push: the server would refuse this push' "$T/local"
	check "the rule" grep -q '\[secret.generic-json\]' "$T/local"
	check "redacted" not grep -q 'Kq8Wm3Xr7Tz2Lk9Np4Vb1Yc6Hd0Jf5Gs' "$T/local"
	check "nothing reached the server" [ "$(log_lines)" -eq "$before" ]
	check "no ref on the server" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev
	REMOTE_USER=maker git -C "$W" push --no-verify origin HEAD:refs/heads/dev >"$T/server" 2>&1
	check "the server refuses it too" [ $? -ne 0 ]
	check "the same findings in the same words" [ "$(violations '' "$T/local")" = "$(violations 'remote: ' "$T/server")" ]
	check "the same fingerprint" [ -n "$(fingerprint "$T/local")" -a "$(fingerprint "$T/local")" = "$(fingerprint "$T/server")" ]
}

test_prepush_scans_only_what_is_sent() {
	new_repo || return
	install_prepush || return
	local c; c=$(commit a.txt clean)
	expect_accept "a clean push passes the hook" maker origin "$c:refs/heads/dev"
	check "and reached the server" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$c" ]
	git -C "$W" fetch -q origin
	git -C "$W" checkout -q -b leak
	commit f.json "$SECRET" >/dev/null
	commit g.txt "later, clean" >/dev/null
	REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/feature/leak >"$T/out" 2>&1
	check "a new branch: its own commits are scanned" [ $? -ne 0 ]
	check "names the commit that added it" out_has "commit $(git -C "$W" rev-parse --short=10 HEAD~1) f.json:1:"
	check "one finding" [ "$(grep -c 'error \[' "$T/out")" -eq 1 ]
	git -C "$W" checkout -q -b clean "$c"
	commit h.txt "fine" >/dev/null
	expect_accept "a clean branch off the server's history" maker origin HEAD:refs/heads/feature/clean
}

test_prepush_pre_commit_framework() {
	new_repo || return
	local c; c=$(commit a.txt clean)
	expect_accept "base" maker origin "$c:refs/heads/dev"
	local s; s=$(commit f.json "$SECRET")
	(cd "$W" && PRE_COMMIT_FROM_REF=$c PRE_COMMIT_TO_REF=$s PRE_COMMIT_REMOTE_NAME=origin \
		PRE_COMMIT_REMOTE_BRANCH=refs/heads/dev "$SG" pre-push --policy "$TOP/policies/default.yaml") </dev/null >"$T/out" 2>&1
	check "framework mode refuses" [ $? -eq 1 ]
	check "names the ref" out_has "refs/heads/dev: REJECTED"
	(cd "$W" && PRE_COMMIT_FROM_REF=$c PRE_COMMIT_TO_REF=$c "$SG" pre-push --policy "$TOP/policies/default.yaml") </dev/null >"$T/out" 2>&1
	check "nothing new: passes" [ $? -eq 0 ]
	(cd "$W" && echo "refs/heads/x $s refs/heads/dev" | "$SG" pre-push --policy "$TOP/policies/default.yaml") >"$T/out" 2>&1
	check "a bad line fails closed" [ $? -eq 2 ]
}

# explain_then_push DESC REV: explain, then push for real; the same
# violations, and the same verdict.
explain_then_push() {
	local what=$1 rev=$2
	git -C "$W" fetch -q --tags origin
	(cd "$W" && "$SG" explain --policy "$TOP/policies/default.yaml" refs/heads/main "$rev") >"$T/explain" 2>&1
	local said=$?
	REMOTE_USER=maker git -C "$W" push origin "$rev:refs/heads/main" >"$T/server" 2>&1
	local did=$?
	check "$what: explain and server agree on the verdict ($said, $did)" [ $(( said != 0 )) -eq $(( did != 0 )) ]
	if [ "$(violations '' "$T/explain")" = "$(violations 'remote: ' "$T/server")" ]; then
		pass
	else
		fail "$what: explain and the server list different violations"
		diff <(violations '' "$T/explain") <(violations 'remote: ' "$T/server") | sed 's/^/      /'
	fi
}

test_explain_untagged_unapproved() {
	new_repo || return
	local c; c=$(commit solution/Solution.xml v1)
	expect_accept "to test" maker origin "$c:refs/heads/dev" "$c:refs/heads/test"
	local p; p=$(promote "$c" "Promote without anything")
	explain_then_push "no tag, approvals or trailers" "$p"
	check "explain names the pusher from user.email" grep -q '^if maker pushed' "$T/explain"
	for rule in tested.untagged approval.missing trailer.missing; do
		check "explain lists $rule" grep -q "\[$rule\]" "$T/explain"
	done
	check "with the commands to fix it" grep -q 'fix: .*git commit --amend --trailer' "$T/explain"
}

test_explain_self_approval_and_missing_trailer() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\nTicket: CHG000001\nApproved-by: Approver One <approver1@example.com>\nApproved-by: Maker <maker@example.com>')")
	explain_then_push "self approval, no Rollback" "$p"
	check "explain lists approval.self" grep -q '\[approval.self\]' "$T/explain"
	check "explain lists the missing Rollback" grep -q '\[trailer.missing\].*Rollback' "$T/explain"
}

test_explain_good_promotion() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	explain_then_push "a good promotion" "$p"
	check "explain said accepted" grep -q 'push accepted' "$T/explain"
	check "main moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$p" ]
}

test_explain_wrong_pusher() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	(cd "$W" && "$SG" explain --policy "$TOP/policies/default.yaml" --user ci refs/heads/main "$p") >"$T/out" 2>&1
	check "explain refuses ci" [ $? -eq 1 ]
	check "for who may push" out_has '\[protect.pusher\]'
	(cd "$W" && "$SG" explain refs/heads/main "$p") >"$T/out" 2>&1
	check "no policy: usage" [ $? -eq 2 ]
}
