# t_approval.sh -- the approval gate with real pushes (issue 3).

# a policy like the default, plus a lead who approves and releases, and
# required trailers on prod
lead_policy() {
	sed -e 's/^  admin:$/  lead:\n    emails: [lead@example.com]\n    groups: [approvers, release-managers]\n  admin:/' \
	    -e '/key: Ticket$/{n;s/.*/        pattern: '"'"'^CHG[0-9]{6}$'"'"'/}' \
	    "$TOP/policies/default.yaml" >"$T/lead.yaml"
	echo "$T/lead.yaml"
}

A1='Approved-by: Approver One <approver1@example.com>'
A2='Approved-by: Approver Two <approver2@example.com>'

test_two_valid_approvals_accepted() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	expect_accept "two approvals" maker origin "$p:refs/heads/main"
	check "main moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$p" ]
	# keys are case-insensitive, e-mails too, and spaces before ':' are fine
	local t2; t2=$(git -C "$W" rev-parse HEAD)
	local p2; p2=$(promote "$t" "$(printf 'Promote\n\nTicket: CHG1\nRollback: redeploy 0.9\napproved-BY : A1 <APPROVER1@example.com>\nApproved-by: A2 <approver2@Example.com>')")
	expect_accept "case-insensitive" admin origin "$p2:refs/heads/prod"
}

test_one_approval_rejected() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\n%s' "$A1")")
	expect_reject "one approval" maker approval.missing origin "$p:refs/heads/main"
	check "says who counted" out_has "1 of 2 approvals from group 'approvers' on the new tip; counted: approver1"
	check "suggests who can approve" out_has "from approver2"
	check "fix shows --amend --trailer" out_has "git commit --amend --trailer"
}

test_author_approval_rejected() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(GIT_AUTHOR_NAME=A1 GIT_AUTHOR_EMAIL=approver1@example.com \
		git -C "$W" commit-tree "$t^{tree}" -p "$t" -m "$(printf 'Promote\n\n%s\n%s' "$A1" "$A2")")
	expect_reject "author approves" maker approval.self origin "$p:refs/heads/main"
	check "names the author" out_has "'approver1' approved their own promotion (the author)"
	check "count falls short" out_has "\[approval.missing\]"
	check "not counted, and why" out_has "not counted: approver1 (the author)"
}

test_pusher_approval_rejected() {
	new_repo "$(lead_policy)" || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\nTicket: CHG000001\nRollback: redeploy 0.9\n%s\nApproved-by: Lead <lead@example.com>' "$A1")")
	expect_reject "pusher approves" lead approval.self origin "$p:refs/heads/main"
	check "names the pusher" out_has "'lead' approved their own promotion (the pusher)"
	expect_accept "same commit pushed by someone else" maker origin "$p:refs/heads/main"
}

test_outside_group_and_unknown_rejected() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\n%s\nApproved-by: CI <ci@example.com>' "$A1")")
	expect_reject "outside the group" maker approval.not-in-group origin "$p:refs/heads/main"
	check "names the group" out_has "'ci' approved but is not in group 'approvers'"
	p=$(promote "$t" "$(printf 'Promote\n\n%s\nApproved-by: Eve <eve@evil.example>' "$A1")")
	expect_reject "unknown e-mail" maker approval.unknown-user origin "$p:refs/heads/main"
	check "names the e-mail" out_has "eve@evil.example (unknown user)"
}

test_duplicate_approver_counts_once() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\n%s\n%s' "$A1" "$A1")")
	expect_reject "same approver twice" maker approval.missing origin "$p:refs/heads/main"
	check "says duplicate" out_has "approver1 (duplicate)"
}

test_approvals_outside_trailer_block_rejected() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\n%s\n%s\n\nThanks everyone for the review.' "$A1" "$A2")")
	expect_reject "approvals in a non-trailer paragraph" maker approval.missing origin "$p:refs/heads/main"
	check "explains the trailer block" out_has "outside the trailer block"
	p=$(promote "$t" "$(printf 'Promote\nApproved-by: x\n%s' "$A1")")
	expect_reject "approvals in the title paragraph" maker approval.missing origin "$p:refs/heads/main"
}

test_stale_approvals_rejected() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	local after; after=$(git -C "$W" commit-tree "$p^{tree}" -p "$p" -m "one more thing")
	expect_reject "commit after the approved one" maker approval.missing origin "$after:refs/heads/main"
	check "says stale" out_has "are stale"
}

test_required_trailers() {
	new_repo "$(lead_policy)" || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$(printf 'Promote\n\nRollback: redeploy 0.9\n%s\n%s' "$A1" "$A2")")
	expect_reject "missing Ticket" maker trailer.missing origin "$p:refs/heads/main"
	check "names the key" out_has "required trailer 'Ticket' is missing"
	p=$(promote "$t" "$(printf 'Promote\n\nTicket: INC42\nRollback: redeploy 0.9\n%s\n%s' "$A1" "$A2")")
	expect_reject "bad Ticket" maker trailer.pattern origin "$p:refs/heads/main"
	check "names the pattern" out_has "'Ticket' does not match \^CHG\[0-9\]{6}"
	p=$(promote "$t" "$(printf 'Promote\n\nTicket: CHG004211\nRollback: redeploy 0.9\n%s\n%s' "$A1" "$A2")")
	expect_accept "good Ticket" maker origin "$p:refs/heads/main"
}

test_bad_trailer_pattern_is_a_policy_error() {
	sed '/key: Ticket$/{n;s/.*/        pattern: "CHG[0-9"/}' \
		"$TOP/policies/default.yaml" >"$T/bad.yaml"
	git init -q --bare "$T/a.git"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$T/bad.yaml" "$T/a.git" >"$T/out" 2>&1
	check "install fails" [ $? -ne 0 ]
	check "file:line:col of the pattern" out_has "bad.yaml:[0-9]*:18: bad pattern"
}

test_dev_and_test_not_gated() {
	new_repo || return
	local c; c=$(commit a.txt "no approvals here")
	expect_accept "dev without approvals" maker origin "$c:refs/heads/dev"
	expect_accept "test without approvals" maker origin "$c:refs/heads/test"
	check "no approval finding" out_lacks "approval\."
}
