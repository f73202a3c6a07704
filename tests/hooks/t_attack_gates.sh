# t_attack_gates.sh -- pushes written as an attacker who has read the
# gates (issue 11): several refs in one push, approvals spoofed, test
# tags that are not what they seem, rollbacks to commits prod never
# held, options that try to lift a gate. Each test checks the server's
# refs and object store afterwards, not only the exit code.

absent() { ! git --git-dir="$REPO" cat-file -e "$1" 2>/dev/null; }
ref_is() { [ "$(git --git-dir="$REPO" rev-parse -q --verify "$1")" = "$2" ]; }
no_ref() { ! git --git-dir="$REPO" rev-parse -q --verify "$1" >/dev/null; }

# approved_by LINE...: a promotion message with Ticket, Rollback and LINEs
# promote_over OLD TESTED: an approved promotion merge of TESTED onto OLD
promote_over() {
	git -C "$W" commit-tree "$2^{tree}" -p "$1" -p "$2" -m "$APPROVED"
}

approved_by() {
	printf 'Promote\n\nTicket: CHG004211\nRollback: redeploy the previous release\n'
	printf '%s\n' "$@"
}

test_one_ref_approvals_do_not_leak_to_another() {
	new_repo || return
	local t p q
	t=$(tested_release)
	p=$(promote "$t" "$APPROVED")
	q=$(promote "$t" "$(approved_by)")
	expect_reject "approved main beside unapproved prod" maker approval.missing \
		origin "$p:refs/heads/main" "$q:refs/heads/prod"
	check "names prod" out_has "refs/heads/prod"
	check "main not created" no_ref refs/heads/main
	check "prod not created" no_ref refs/heads/prod
	check "the unapproved commit is not on the server" absent "$q"
}

test_one_ref_tested_tag_does_not_leak_to_another() {
	new_repo || return
	local t u p q
	t=$(tested_release)
	u=$(commit solution/other.xml untested)
	p=$(promote "$t" "$APPROVED")
	q=$(promote "$u" "$APPROVED")
	expect_reject "tested main beside untested prod" maker tested.untagged \
		origin "$p:refs/heads/main" "$q:refs/heads/prod"
	check "main not created" no_ref refs/heads/main
	check "prod not created" no_ref refs/heads/prod
	check "the untested commit is not on the server" absent "$u"
}

test_spoofed_approvals_count_once_or_not_at_all() {
	new_repo || return
	local t c
	t=$(tested_release)
	# one approver three times: login, e-mail in another case, spaced key
	c=$(promote "$t" "$(approved_by 'Approved-by: approver1' \
		'approved-BY: Someone <APPROVER1@EXAMPLE.COM>' \
		'Approved-by:   approver1@example.com  ')")
	expect_reject "one approver, three spellings" maker approval.missing origin "$c:refs/heads/main"
	check "counted once" out_has "1 of 2 approvals"
	# a Cyrillic 'a' in the domain: not approver2
	c=$(promote "$t" "$(approved_by 'Approved-by: approver1@example.com' \
		'Approved-by: approver2@ex'$'\xd0\xb0''mple.com')")
	expect_reject "lookalike address" maker approval.unknown-user origin "$c:refs/heads/main"
	# the last address of the value is the one that counts
	c=$(promote "$t" "$(approved_by 'Approved-by: approver1@example.com' \
		'Approved-by: Approver Two <approver2@example.com> for <maker@example.com>')")
	expect_reject "pusher's address behind an approver's" maker approval.self origin "$c:refs/heads/main"
	# the pusher (admin, a release manager) approves their own push
	c=$(promote "$t" "$(approved_by 'Approved-by: approver1@example.com' 'Approved-by: admin@example.com')")
	expect_reject "pusher approves" admin approval.self origin "$c:refs/heads/main"
	# approvals in a paragraph followed by another one
	c=$(promote "$t" "$(approved_by 'Approved-by: approver1@example.com' \
		'Approved-by: approver2@example.com' '' 'Signed-off-by: Maker <maker@example.com>')")
	expect_reject "approvals not in the last paragraph" maker approval.missing origin "$c:refs/heads/main"
	check "main never created" no_ref refs/heads/main
}

test_approver_author_of_the_promotion() {
	new_repo || return
	local t c
	t=$(tested_release)
	c=$(GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=Approver1@Example.com \
		git -C "$W" commit-tree "$t^{tree}" -p "$t" -m "$APPROVED")
	expect_reject "approver1 authored it" maker approval.self origin "$c:refs/heads/main"
	check "main never created" no_ref refs/heads/main
}

test_branch_named_like_a_test_tag_does_not_count() {
	new_repo || return
	local u p
	u=$(commit solution/Solution.xml untested)
	expect_accept "to test" maker origin "$u:refs/heads/test"
	expect_accept "a branch named tested/*" maker origin "$u:refs/heads/tested/1.0"
	expect_accept "a tag outside tested/" maker origin "$u:refs/tags/tested1.0"
	p=$(promote "$u" "$APPROVED")
	expect_reject "promote it" maker tested.untagged origin "$p:refs/heads/main"
	check "main never created" no_ref refs/heads/main
	check "the promotion is not on the server" absent "$p"
}

test_rollback_to_a_commit_another_ref_held() {
	new_repo || return
	local t1 t2 p1 p2
	t1=$(tested_release solution/a.xml v1 1.0)
	t2=$(tested_release solution/a.xml v2 2.0)
	p1=$(promote "$t1" "$APPROVED")
	expect_accept "prod holds p1" maker origin "$p1:refs/heads/prod"
	# an ungated branch whose name starts with "main" held t1 too
	expect_accept "mainline holds t1" maker origin "$t1:refs/heads/mainline"
	p2=$(promote "$t2" "$APPROVED")
	expect_accept "main holds p2" maker origin "$p2:refs/heads/main"
	expect_reject "main back to what prod held" admin rollback.target \
		-o "rollback=why" origin "+$p1:refs/heads/main"
	expect_reject "main back to what mainline held" admin rollback.target \
		-o "rollback=why" origin "+$t1:refs/heads/main"
	check "main unchanged" ref_is refs/heads/main "$p2"
}

test_rollback_held_in_another_repository() {
	new_repo || return
	local t1 t2 p1 p2 other="$T/other.git"
	t1=$(tested_release solution/a.xml v1 1.0)
	t2=$(tested_release solution/a.xml v2 2.0)
	p2=$(promote "$t2" "$APPROVED")
	expect_accept "main holds p2" maker origin "$p2:refs/heads/main"
	# another repository, with the same policy, held t1 on main
	git init -q --bare "$other"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --no-post-receive \
		--policy "$TOP/policies/default.yaml" "$other" >/dev/null 2>&1
	git -C "$W" push -q "$other" "refs/tags/*:refs/tags/*" >/dev/null 2>&1
	p1=$(promote "$t1" "$APPROVED")
	REMOTE_USER=maker git -C "$W" push -q "$other" "$t1:refs/heads/test" >/dev/null 2>&1
	REMOTE_USER=admin git -C "$W" push -q "$other" "$p1:refs/heads/main" >/dev/null 2>&1
	expect_reject "main back to what the other repository held" admin rollback.target \
		-o "rollback=why" origin "+$p1:refs/heads/main"
	check "main unchanged" ref_is refs/heads/main "$p2"
}

test_rollback_option_does_not_cover_another_ref() {
	new_repo || return
	local t1 t2 p1 p2 u q
	t1=$(tested_release solution/a.xml v1 1.0)
	p1=$(promote "$t1" "$APPROVED")
	expect_accept "main holds p1" maker origin "$p1:refs/heads/main" "$p1:refs/heads/prod"
	t2=$(tested_release solution/a.xml v2 2.0)
	p2=$(promote_over "$p1" "$t2")
	expect_accept "main and prod hold p2" maker origin "$p2:refs/heads/main" "$p2:refs/heads/prod"
	# a legitimate rollback of main, and an untested commit forced onto prod
	git -C "$W" checkout -q --detach "$t1"
	u=$(commit solution/a.xml hotfix)
	q=$(promote "$u" "$APPROVED")
	expect_reject "rollback beside a forced prod" admin rollback.target \
		-o "rollback=INC00001 bad release" origin "+$p1:refs/heads/main" "+$q:refs/heads/prod"
	check "main unchanged" ref_is refs/heads/main "$p2"
	check "prod unchanged" ref_is refs/heads/prod "$p2"
	check "the hotfix is not on the server" absent "$u"
}

test_delete_and_recreate_prod_in_one_push() {
	new_repo || return
	local t p u
	t=$(tested_release)
	p=$(promote "$t" "$APPROVED")
	expect_accept "main holds p" maker origin "$p:refs/heads/main"
	u=$(commit solution/Solution.xml untested)
	expect_reject "delete main, create prod" admin protect.delete \
		origin ":refs/heads/main" "$u:refs/heads/prod"
	check "also untested" out_has "\[tested\."
	check "main kept" ref_is refs/heads/main "$p"
	check "prod not created" no_ref refs/heads/prod
	check "the untested commit is not on the server" absent "$u"
}

# raw_push USER OLD NEW REF: a receive-pack request naming REF as given
raw_push() {
	local line="$2 $3 $4" caps="report-status" len
	len=$((4 + ${#line} + 1 + ${#caps} + 1))
	{ printf '%04x%s\0%s\n' "$len" "$line" "$caps"; printf '0000'
	  git -C "$W" rev-list --objects "$3" | cut -d' ' -f1 |
		git -C "$W" pack-objects -q --stdout; } >"$T/req"
	REMOTE_USER=$1 git receive-pack "$REPO" <"$T/req" >"$T/resp" 2>"$T/out"
}

test_prod_spelled_another_way() {
	new_repo || return
	local c ref
	c=$(commit solution/Solution.xml untested)
	for ref in refs/heads//main refs/heads/main/ refs/heads/./main \
		'refs/heads/main.lock' 'refs/heads/ma'$'\x1b''in'; do
		raw_push maker "$ZERO" "$c" "$ref"
		check "no main after $ref" no_ref refs/heads/main
	done
	check "the commit is not on the server" absent "$c"
	check "no escape byte reached the terminal" not grep -q $'\x1b' "$T/out"
}

test_control_characters_in_options_are_escaped() {
	new_repo || return
	local t1 t2 p1 p2 log
	t1=$(tested_release solution/a.xml v1 1.0)
	p1=$(promote "$t1" "$APPROVED")
	expect_accept "main holds p1" maker origin "$p1:refs/heads/main"
	t2=$(tested_release solution/a.xml v2 2.0)
	p2=$(promote_over "$p1" "$t2")
	expect_accept "main holds p2" maker origin "$p2:refs/heads/main"
	REMOTE_USER=admin git -C "$W" push -o "rollback=why "$'\x1b'"[2J gone" \
		origin "+$p1:refs/heads/main" >"$T/out" 2>&1
	check "no escape byte on the terminal" not grep -q $'\x1b' "$T/out"
	log="$REPO/stagegate/audit.log"
	check "the log exists" [ -s "$log" ]
	check "no escape byte in the log" not grep -q $'\x1b' "$log"
	# a maker asks for a rollback to lift approvals and tests
	local u; u=$(commit solution/a.xml untested)
	git -C "$W" checkout -q --detach "$t1"
	u=$(commit solution/a.xml untested)
	expect_reject "maker's rollback option" maker rollback.denied \
		-o "rollback=why" origin "+$u:refs/heads/main"
	check "the untested commit is not on the server" absent "$u"
}

test_forged_old_value_does_not_make_a_rollback_target() {
	# the old value of a command is the pusher's claim: git checks it
	# only after pre-receive, so the log's "old" must not be believed
	new_repo || return
	local t1 t2 p2 x
	t1=$(tested_release solution/a.xml v1 1.0)
	t2=$(tested_release solution/a.xml v2 2.0)
	p2=$(promote "$t2" "$APPROVED")
	expect_accept "main holds p2" maker origin "$p2:refs/heads/main"
	x=$(commit solution/a.xml whatever)
	raw_push maker "$t1" "$x" refs/heads/main
	check "refused as stale" grep -q 'push.stale' "$T/out"
	check "main unchanged by the forged command" ref_is refs/heads/main "$p2"
	expect_reject "rollback to the claimed old value" admin rollback.target \
		-o "rollback=why" origin "+$t1:refs/heads/main"
	check "main unchanged" ref_is refs/heads/main "$p2"
}
