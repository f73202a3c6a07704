# t_attack.sh -- pushes written as an attacker who has read our code
# (issue 11). Each one checks the server afterwards: its refs, its object
# store and its audit log, not only the exit code.

GH="ghp_$(printf 'Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi02EejK6')"
GH=${GH:0:40}

# absent OBJECT: the server's object store does not hold OBJECT
absent() { ! git --git-dir="$REPO" cat-file -e "$1" 2>/dev/null; }
main_is() { [ "$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/main)" = "$1" ]; }
# raw_commit TREE BODY: a commit object written as given (headers, NULs)
raw_commit() {
	printf 'tree %s\nauthor M <maker@example.com> 1700000000 +0000\ncommitter M <maker@example.com> 1700000000 +0000\n%b' "$1" "$2" |
		git -C "$W" hash-object -t commit -w --stdin --literally
}
secret_blob() { printf '{"token": "%s"}\n' "$GH" | git -C "$W" hash-object -w --stdin; }

test_blob_named_by_a_ref() {
	new_repo || return
	local b; b=$(secret_blob)
	expect_reject "blob under a tag" maker secret.github-token origin "$b:refs/tags/x"
	check "the blob is not on the server" absent "$b"
	expect_reject "blob under a branch name of no environment" maker secret.github-token origin "$b:refs/notes/x"
	check "still not on the server" absent "$b"
}

test_annotated_tag_on_a_tree() {
	new_repo || return
	local b t; b=$(secret_blob)
	t=$(printf '100644 blob %s\tcreds.json\n' "$b" | git -C "$W" mktree)
	git -C "$W" tag -a -m "a tree" treetag "$t"
	expect_reject "tag on a tree" maker secret.github-token origin refs/tags/treetag
	check "names the path inside the tree" out_has "creds.json"
	check "the blob is not on the server" absent "$b"
	check "the tree is not on the server" absent "$t"
}

test_inner_tag_of_a_tag() {
	new_repo || return
	local c; c=$(commit a.txt one)
	git -C "$W" tag -a -m "release notes: $GH" inner "$c"
	git -C "$W" tag -a -m "clean outer tag" outer inner
	git -C "$W" tag -d inner >/dev/null
	expect_reject "tag of a tag" maker secret.github-token origin refs/tags/outer
	check "no tag landed" [ -z "$(git --git-dir="$REPO" tag)" ]
}

test_object_nothing_refers_to() {
	# a hand-made pack: a clean commit, plus a blob that nothing names
	new_repo || return
	local c b line caps len
	c=$(commit a.txt one)
	b=$(secret_blob)
	{ git -C "$W" rev-list --objects "$c" | cut -d' ' -f1; echo "$b"; } |
		git -C "$W" pack-objects -q --stdout >"$T/pack"
	line="$ZERO $c refs/heads/dev"; caps="report-status"
	len=$((4 + ${#line} + 1 + ${#caps} + 1))
	{ printf '%04x%s\0%s\n' "$len" "$line" "$caps"; printf '0000'; cat "$T/pack"; } >"$T/req"
	REMOTE_USER=maker git receive-pack "$REPO" <"$T/req" >"$T/resp" 2>"$T/out"
	check "refused for the loose blob" out_has "secret.github-token"
	check "named as a blob in no tree" out_has "in no pushed tree"
	check "dev not created" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev
	check "the blob is not on the server" absent "$b"
	check "the commit is not on the server" absent "$c"
}

test_secret_in_commit_header_author_and_after_nul() {
	new_repo || return
	local tree c
	commit a.txt one >/dev/null
	tree=$(git -C "$W" rev-parse HEAD^{tree})
	# an extra header line (fsck --strict accepts unknown headers)
	c=$(raw_commit "$tree" "x-deploy-token $GH\n\nclean message\n")
	expect_reject "extra header" maker secret.github-token origin "$c:refs/heads/dev"
	check "not on the server" absent "$c"
	c=$(GIT_AUTHOR_NAME="$GH" git -C "$W" commit-tree "$tree" -m "clean")
	expect_reject "author name" maker secret.github-token origin "$c:refs/heads/dev"
	c=$(raw_commit "$tree" "\nclean\0$GH\n")
	expect_reject "message after a NUL byte" maker secret.github-token origin "$c:refs/heads/dev"
	check "dev never created" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev
}

test_legacy_is_same_rule_and_value() {
	new_repo || return
	local v=Qm7vT2xK9pL4wR8nZ3cY6bF1
	commit app/settings.json "{\"buildId\": \"$v\"}" >/dev/null
	expect_accept "an id is no secret" maker origin HEAD:refs/heads/dev
	commit app/settings.json "{\"password\": \"$v\"}" >/dev/null
	local before; before=$(refs_of)
	REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/dev >"$T/out" 2>&1 && fail "the same bytes as a password were accepted"
	check "an error, not a warning" out_has "error \[secret\."
	check "not called already on the server" out_lacks "already on the server"
	check "dev unchanged" [ "$before" = "$(refs_of)" ]
}

test_symbolic_ref_alias_of_prod() {
	new_repo || return
	local t p; t=$(tested_release)
	p=$(promote "$t" "$APPROVED")
	expect_accept "promotion" maker origin "$p:refs/heads/main"
	git --git-dir="$REPO" symbolic-ref refs/heads/master refs/heads/main
	local c; c=$(commit hotfix.txt "untested")
	expect_reject "push to the alias" maker protect.symref origin "+$c:refs/heads/master"
	check "main did not move" main_is "$p"
	check "the alias is named" out_has "symbolic ref to refs/heads/main"
}

test_created_prod_ref_brings_untested_test_commit() {
	new_repo || return
	local t u m
	t=$(tested_release solution/a.xml v1 1.0)
	git -C "$W" checkout -q -b side "$t~0"
	u=$(commit solution/b.xml untested)
	expect_accept "untested commit to test" maker origin "$u:refs/heads/test"
	# a promotion merge with the tested tree, but U in its history
	m=$(git -C "$W" commit-tree "$t^{tree}" -p "$t" -p "$u" -m "$APPROVED")
	expect_reject "new prod ref" maker tested.skipped origin "$m:refs/heads/prod"
	check "prod not created" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/prod
}

test_rollback_to_a_test_commit_prod_never_held() {
	new_repo || return
	local t1 t2 p
	t1=$(tested_release solution/a.xml v1 1.0)
	t2=$(tested_release solution/a.xml v2 2.0)
	# prod goes straight to t2: t1 is on its first-parent history only
	p=$(promote "$t2" "$APPROVED")
	expect_accept "promotion" maker origin "$p:refs/heads/main"
	expect_reject "rollback to t1" admin rollback.target -o "rollback=why" origin "+$t1:refs/heads/main"
	check "main unchanged" main_is "$p"
}

test_huge_commit_message_is_a_finding() {
	new_repo || return
	local tree c
	commit a.txt one >/dev/null
	tree=$(git -C "$W" rev-parse HEAD^{tree})
	{ echo "subject"; echo; head -c 3000000 /dev/zero | tr '\0' 'a' | fold -w 100; echo "token $GH"; } >"$T/msg"
	c=$(git -C "$W" commit-tree "$tree" -F "$T/msg")
	local rc=0
	REMOTE_USER=maker git -C "$W" push origin "$c:refs/heads/dev" >"$T/out" 2>&1 || rc=$?
	check "refused" [ "$rc" -ne 0 ]
	check "by the rule, not an internal error" out_has "secret.github-token"
	check "no internal error" out_lacks "internal error"
	check "not on the server" absent "$c"
}

test_very_long_path_is_a_finding() {
	new_repo || return
	local name t b i c
	name=$(printf 'd%.0s' $(seq 250))
	b=$(printf 'x\n' | git -C "$W" hash-object -w --stdin)
	t=$(printf '100644 blob %s\tf\n' "$b" | git -C "$W" mktree)
	for i in $(seq 20); do
		t=$(printf '040000 tree %s\t%s\n' "$t" "$name" | git -C "$W" mktree)
	done
	c=$(git -C "$W" commit-tree "$t" -m "deep")
	local rc=0
	REMOTE_USER=maker git -C "$W" push origin "$c:refs/heads/dev" >"$T/out" 2>&1 || rc=$?
	check "refused" [ "$rc" -ne 0 ]
	check "as a finding" out_has "secret.path-too-long"
	check "dev not created" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev
}

test_many_refs_in_one_push() {
	new_repo || return
	local c i; c=$(commit a.txt one)
	for i in $(seq 300); do echo "$c:refs/heads/feature/f$i"; done >"$T/specs"
	# shellcheck disable=SC2046
	expect_accept "300 feature branches" maker origin $(cat "$T/specs")
	check "all created" [ "$(git --git-dir="$REPO" for-each-ref refs/heads/feature | wc -l)" -eq 300 ]
}
