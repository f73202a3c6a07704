# t_protect.sh -- branch protection with real pushes (issue 2).

test_dev_push_accepted() {
	new_repo || return
	local c; c=$(commit app/flow.json '{"name":"flow"}')
	expect_accept "push to dev" maker origin "$c:refs/heads/dev"
	check "dev moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$c" ]
	check "message says ok" out_has "refs/heads/dev: ok"
	expect_accept "feature branch by anyone" nobody origin "$c:refs/heads/feature/x"
}

test_delete_prod_rejected() {
	new_repo || return
	local c; c=$(tested_release)
	local p; p=$(promote "$c" "$APPROVED")
	expect_accept "promotion creates main" maker origin "$p:refs/heads/main"
	expect_reject "delete main" admin protect.delete origin :refs/heads/main
	expect_reject "delete test" maker protect.delete origin :refs/heads/test
	expect_accept "delete a feature branch" maker origin "$c:refs/heads/feature/y"
	expect_accept "dev allows delete" maker origin :refs/heads/feature/y
}

test_force_push_rejected() {
	new_repo || return
	local c1; c1=$(commit a.txt one)
	local c2; c2=$(commit a.txt two)
	expect_accept "test at c2" maker origin "$c2:refs/heads/test"
	expect_reject "force push test" maker protect.force-push origin "+$c1:refs/heads/test"
	check "fix is shown" out_has "fix: fetch the branch"
	local side; side=$(git -C "$W" commit-tree "$c1^{tree}" -p "$c1" -m side)
	expect_reject "sideways force push" maker protect.force-push origin "+$side:refs/heads/test"
	expect_accept "dev allows force" maker origin "$c2:refs/heads/dev"
	expect_accept "dev force push" maker origin "+$c1:refs/heads/dev"
}

test_pusher_outside_group_rejected() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_reject "approver pushes test" approver1 protect.pusher origin "$c:refs/heads/test"
	check "names the pusher and source" out_has "'approver1' (from REMOTE_USER)"
	expect_reject "unknown user pushes test" mallory protect.pusher origin "$c:refs/heads/test"
	local t; t=$(tested_release f.xml x 2.0)
	local p; p=$(promote "$t" "$APPROVED")
	expect_reject "ci pushes prod" ci protect.pusher origin "$p:refs/heads/main"
	expect_accept "admin pushes prod" admin origin "$p:refs/heads/prod"
}

test_replace_refs_rejected_everywhere() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_reject "replace ref" maker protect.replace origin "$c:refs/replace/$c"
	expect_reject "replace ref by admin" admin protect.replace origin "$c:refs/replace/abc"
}

test_several_refs_one_decision_each() {
	new_repo || return
	local c1; c1=$(commit a.txt one)
	expect_accept "seed" maker origin "$c1:refs/heads/test" "$c1:refs/heads/dev"
	local c0; c0=$(git -C "$W" commit-tree "$c1^{tree}" -m orphan)
	expect_reject "three refs" approver1 protect.pusher origin \
		"$c1:refs/heads/feature/ok" "+$c0:refs/heads/test" "$c1:refs/replace/x"
	check "force push listed too" out_has "\[protect.force-push\]"
	check "replace listed too" out_has "\[protect.replace\]"
	check "feature ref ok" out_has "refs/heads/feature/ok: ok"
	check "test rejected" out_has "refs/heads/test: REJECTED"
	check "replace rejected" out_has "refs/replace/x: REJECTED"
	check "summary counts" out_has "push REJECTED: 3 violation(s) on 2 of 3 ref(s)"
	check "feature not created (all or nothing)" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/feature/ok
}

test_path_with_space_and_colon() {
	new_repo || return
	case "$REPO" in *" "*:*) pass ;; *) fail "repo path lacks space and colon" ;; esac
	local c; c=$(commit "dir with space/a:b.txt" one)
	expect_accept "dev" maker origin "$c:refs/heads/dev"
	local c2; c2=$(commit a.txt two)
	expect_accept "test" maker origin "$c2:refs/heads/test"
	expect_reject "force push in such a path" maker protect.force-push origin "+$c:refs/heads/test"
}

test_tags_and_notes_pass_through() {
	new_repo || return
	local c; c=$(commit a.txt one)
	git -C "$W" tag -a -m "v1" v1 "$c"
	git -C "$W" notes add -m "a note" "$c"
	expect_accept "plain tag and notes" maker origin refs/tags/v1 refs/notes/commits "$c:refs/heads/dev"
}

test_gitlab_prefix_and_exit_codes() {
	new_repo || return
	local c; c=$(commit a.txt one)
	GL_ID=user-1 GL_USERNAME=approver1 git -C "$W" push origin "$c:refs/heads/test" >"$T/out" 2>&1
	check "GL-HOOK-ERR prefix" out_has "GL-HOOK-ERR: stagegate:"
	check "GL_USERNAME identity" out_has "(from GL_USERNAME)"
	# the hook itself: exit 1 on a policy refusal
	local rc=0
	printf '%s %s refs/heads/test\n' "$ZERO" "$c" >"$T/in"
	git -C "$W" push -q origin "$c:refs/heads/dev" 2>/dev/null
	(cd "$REPO" && GIT_DIR=. REMOTE_USER=approver1 ./hooks/pre-receive <"$T/in" >/dev/null 2>&1) || rc=$?
	check "exit 1 for a violation" [ "$rc" -eq 1 ]
	rc=0
	(cd "$REPO" && GIT_DIR=. REMOTE_USER=maker ./hooks/pre-receive <"$T/in" >/dev/null 2>&1) || rc=$?
	check "exit 0 when fine" [ "$rc" -eq 0 ]
}

test_hostile_input_fails_closed() {
	new_repo || return
	local rc=0 long
	long=$(head -c 5000 /dev/zero | tr '\0' a)
	printf '%s %s refs/heads/%s\n' "$ZERO" "$ZERO" "$long" >"$T/in"
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >"$T/out" 2>&1) || rc=$?
	check "over-long line: exit 2" [ "$rc" -eq 2 ]
	rc=0
	printf 'abc def refs/heads/main\n' >"$T/in"
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >"$T/out" 2>&1) || rc=$?
	check "short oids: exit 2" [ "$rc" -eq 2 ]
	check "says protocol error" out_has "protocol error"
	rc=0
	printf '%s %s refs/heads/main\n' "$ZERO" 1234567890123456789012345678901234567890 >"$T/in"
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >"$T/out" 2>&1) || rc=$?
	# not an internal error: the push is incomplete, as git itself says
	check "missing object: refused" [ "$rc" -eq 1 ]
	check "names the object" out_has "push.incomplete.*1234567890"
	rc=0
	printf '%s %s refs/heads/main\n' "$ZERO" "$(printf 'a%.0s' $(seq 64))" >"$T/in"
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >"$T/out" 2>&1) || rc=$?
	check "sha-256 ids: exit 2" [ "$rc" -eq 2 ]
	check "says SHA-256" out_has "SHA-256"
}

test_sha256_repository_refused() {
	git init -q --bare --object-format=sha256 "$T/s.git" 2>/dev/null || { pass; return; }
	mkdir -p "$T/s.git/stagegate"
	cp "$TOP/policies/default.yaml" "$T/s.git/stagegate/policy.yaml"
	local rc=0
	(cd "$T/s.git" && GIT_DIR=. "$STAGEGATE_BIN/stagegate-pre-receive" </dev/null >"$T/out" 2>&1) || rc=$?
	check "sha-256 repository: exit 2" [ "$rc" -eq 2 ]
	check "clear message" out_has "SHA-256"
}
