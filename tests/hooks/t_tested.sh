# t_tested.sh -- the test-tag gate and rollbacks with real pushes (issue 5).

test_fast_forward_to_tagged_commit_accepted() {
	new_repo || return
	local c; c=$(commit solution/Solution.xml v1 "$APPROVED")
	expect_accept "to test" maker origin "$c:refs/heads/test"
	tag_tested 1.0 "$c"
	expect_accept "prod to the tagged, approved commit" maker origin "$c:refs/heads/main"
}

test_untagged_rejected() {
	new_repo || return
	local c; c=$(commit solution/Solution.xml v1 "$APPROVED")
	expect_accept "to test" maker origin "$c:refs/heads/test"
	expect_reject "untagged" maker tested.untagged origin "$c:refs/heads/main"
	check "fix says push to test first" out_has "push to test first and let the pipeline tag it"
}

test_skipped_commit_rejected_even_with_tagged_parent() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	expect_accept "first promotion" maker origin "$p:refs/heads/main"
	# an untested commit on prod's side, merged with the tested commit so
	# that the merge's tree is the tested one
	local u; u=$(git -C "$W" commit-tree "$t^{tree}" -p "$p" -m "never on test")
	local t2; t2=$(tested_release solution/Other.xml v2 2.0)
	local m; m=$(git -C "$W" commit-tree "$t2^{tree}" -p "$u" -p "$t2" -m "$APPROVED")
	expect_reject "merge brings an untested commit" maker tested.skipped origin "$m:refs/heads/main"
	check "names the untested commit" out_has "${u:0:10}"
	check "counts them" out_has "1 commit(s) would reach refs/heads/main without passing test"
}

test_promotion_merge_tree_must_match() {
	new_repo || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "$APPROVED")
	expect_accept "first promotion" maker origin "$p:refs/heads/main"
	local t2; t2=$(tested_release solution/Other.xml v2 2.0)
	# a merge of prod and the tested commit with an extra edit
	git -C "$W" checkout -q -b promo "$p"
	git -C "$W" merge -q --no-ff --no-commit "$t2" >/dev/null 2>&1 || true
	echo "edited on the way" >"$W/solution/extra.txt"
	git -C "$W" add -A
	git -C "$W" commit -q -m "$APPROVED"
	local bad; bad=$(git -C "$W" rev-parse HEAD)
	expect_reject "tree differs" maker tested.tree-mismatch origin "$bad:refs/heads/main"
	check "names the tested parent" out_has "tested parent ${t2:0:7}"
	git -C "$W" reset -q --hard "$p"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$t2"
	local good; good=$(git -C "$W" rev-parse HEAD)
	expect_accept "same tree" maker origin "$good:refs/heads/main"
}

test_tag_rules() {
	new_repo || return
	local c; c=$(commit a.txt one "$APPROVED")
	expect_accept "to test" maker origin "$c:refs/heads/test"
	git -C "$W" tag -a -m "mine" tested/9.9 "$c"
	expect_reject "maker creates a test tag" maker tag.create-denied origin refs/tags/tested/9.9
	expect_reject "tag and prod in one push" maker tag.create-denied origin refs/tags/tested/9.9 "$c:refs/heads/main"
	check "prod refused as untagged" out_has "\[tested.untagged\]"
	check "explains the same-push tag" out_has "arrives in this same push and does not count"
	git -C "$W" tag -d tested/9.9 >/dev/null
	tag_tested 1.0 "$c"
	local c2; c2=$(commit a.txt two)
	expect_accept "c2 to test" maker origin "$c2:refs/heads/test"
	git -C "$W" tag -f -a -m moved tested/1.0 "$c2" >/dev/null
	expect_reject "ci moves a test tag" ci tag.move origin +refs/tags/tested/1.0
	expect_reject "admin moves a test tag" admin tag.move origin +refs/tags/tested/1.0
	expect_reject "ci deletes a test tag" ci tag.delete origin :refs/tags/tested/1.0
	git -C "$W" tag light "$c2"
	expect_reject "lightweight test tag" ci tag.not-annotated origin "refs/tags/light:refs/tags/tested/light"
	local off; off=$(git -C "$W" commit-tree "$c2^{tree}" -m "never on test")
	git -C "$W" tag -a -m x offtest "$off"
	expect_accept "push it to dev" maker origin "$off:refs/heads/feature/off"
	expect_reject "tag off test" ci tag.not-on-test origin "refs/tags/offtest:refs/tags/tested/off"
}

test_required_tag_trailers() {
	sed 's/^  create: \[test-pipeline\]$/  create: [test-pipeline]\n  required_trailers:\n    - key: Result\n      pattern: "^passed$"/' \
		"$TOP/policies/default.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return
	local c; c=$(commit a.txt one)
	expect_accept "to test" maker origin "$c:refs/heads/test"
	git -C "$W" tag -a -m "tested" -m "Result: failed" tested/1 "$c"
	expect_reject "Result: failed" ci trailer.pattern origin refs/tags/tested/1
	git -C "$W" tag -d tested/1 >/dev/null
	tag_tested 2 "$c"
	check "Result: passed accepted" git --git-dir="$REPO" rev-parse -q --verify refs/tags/tested/2
}

rollback_setup() {
	new_repo || return 1
	T1=$(tested_release solution/Solution.xml v1 1.0)
	P1=$(promote "$T1" "$APPROVED")
	expect_accept "promote 1" maker origin "$P1:refs/heads/main"
	git -C "$W" checkout -q -b next "$T1"
	T2=$(tested_release solution/Solution.xml v2 2.0)
	git -C "$W" checkout -q -b p2 "$P1"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$T2"
	P2=$(git -C "$W" rev-parse HEAD)
	expect_accept "promote 2" maker origin "$P2:refs/heads/main"
}

test_rollback_accepted_with_reason() {
	rollback_setup || return
	expect_accept "rollback" admin -o "rollback=2.0 breaks totals" origin "+$P1:refs/heads/main"
	check "shown as a rollback" out_has "note \[rollback\]"
	check "with its reason" out_has "by admin: 2.0 breaks totals"
	check "main rolled back" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P1" ]
}

test_rollback_to_a_promotion_commit() {
	rollback_setup || return
	# P1 is the empty promotion commit prod held; its tree is tested/1.0's
	expect_accept "rollback to P1" admin -o "rollback=back to 1.0" origin "+$P1:refs/heads/main"
	check "names the tag it carries" out_has "(tested/1.0) by admin"
}

test_rollback_refusals() {
	rollback_setup || return
	expect_reject "no reason at all" admin protect.force-push origin "+$P1:refs/heads/main"
	expect_reject "empty reason" admin rollback.no-reason -o "rollback=" origin "+$P1:refs/heads/main"
	expect_reject "by a maker" maker rollback.denied -o "rollback=why" origin "+$P1:refs/heads/main"
	# T1 is tested and on prod's first-parent history, but prod's tip
	# never was T1 (it was P1): a rollback goes only where prod really was
	expect_reject "to a tested commit prod never pointed at" admin rollback.target -o "rollback=why" origin "+$T1:refs/heads/main"
	check "main unchanged" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P2" ]
	local other; other=$(git -C "$W" commit-tree "$T1^{tree}" -m "elsewhere")
	expect_accept "to dev" maker origin "$other:refs/heads/feature/z"
	expect_reject "to a commit prod never held" admin rollback.target -o "rollback=why" origin "+$other:refs/heads/main"
}

test_approval_and_tested_both_listed() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_accept "to test" maker origin "$c:refs/heads/test"
	expect_reject "neither approved nor tested" maker approval.missing origin "$c:refs/heads/main"
	check "tested listed too" out_has "\[tested.untagged\]"
	check "trailers listed too" out_has "\[trailer.missing\]"
	check "summary counts all four" out_has "push REJECTED: 4 violation(s)"
}
