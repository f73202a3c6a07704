# t_install.sh -- install.sh: install, verify, --check, --uninstall,
# layouts, and a policy that breaks (issue 2).

inst() { "$TOP/install.sh" --bin "$STAGEGATE_BIN" "$@"; }

test_install_is_idempotent_and_verified() {
	git init -q --bare "$T/a.git"
	check "first install" inst "$T/a.git"
	check "second install" inst "$T/a.git"
	check "--check passes" inst --check "$T/a.git"
	check "push options on" [ "$(git --git-dir="$T/a.git" config receive.advertisePushOptions)" = true ]
	check "policy copied" test -f "$T/a.git/stagegate/policy.yaml"
	check "hooks executable" test -x "$T/a.git/hooks/pre-receive" -a -x "$T/a.git/hooks/update"
}

test_check_catches_non_executable_hook() {
	git init -q --bare "$T/a.git"
	inst "$T/a.git" >/dev/null
	chmod -x "$T/a.git/hooks/pre-receive"
	inst --check "$T/a.git" >"$T/out" 2>&1
	check "--check fails" [ $? -eq 1 ]
	check "names the hook" out_has "pre-receive' is not executable"
	chmod 777 "$T/a.git/hooks/pre-receive"
	inst --check "$T/a.git" >"$T/out" 2>&1
	check "group-writable caught" out_has "writable by group or others"
	rm "$T/a.git/hooks/update"
	inst --check "$T/a.git" >"$T/out" 2>&1
	check "missing hook caught" out_has "update hook .* is missing"
}

test_bad_repositories_and_usage() {
	inst "$T/nope.git" >"$T/out" 2>&1
	check "missing repo fails" [ $? -eq 1 ]
	check "says so" out_has "does not exist"
	git init -q "$T/wt"
	inst "$T/wt" >"$T/out" 2>&1
	check "work tree refused" out_has "not a bare repository"
	mkdir "$T/plain"
	inst "$T/plain" >"$T/out" 2>&1
	check "plain dir refused" out_has "not a git repository"
	inst --bogus "$T/plain" >"$T/out" 2>&1
	check "bad option exits 2" [ $? -eq 2 ]
	check "prints usage" out_has "usage:"
	inst >"$T/out" 2>&1
	check "no repo exits 2" [ $? -eq 2 ]
}

test_broken_policy_refused_at_install() {
	git init -q --bare "$T/a.git"
	printf 'version: 1\nenvironments:\n  dev:\n    refs: [refs/heads/dev\n' >"$T/syntax.yaml"
	printf 'version: 1\nenvironments:\n  dev:\n    refs: [refs/heads/dev]\n    push: [anyone]\n    colour: blue\n' >"$T/unknown.yaml"
	printf 'version: 1\nenvironments:\n  dev:\n    refs: [refs/heads/dev]\n    push: anyone\n' >"$T/type.yaml"
	inst --policy "$T/syntax.yaml" "$T/a.git" >"$T/out" 2>&1
	check "syntax error fails" [ $? -eq 1 ]
	check "syntax error file:line:col" out_has "syntax.yaml:5:1:"
	inst --policy "$T/unknown.yaml" "$T/a.git" >"$T/out" 2>&1
	check "unknown key file:line:col" out_has "unknown.yaml:6:5: unknown key 'colour'"
	inst --policy "$T/type.yaml" "$T/a.git" >"$T/out" 2>&1
	check "wrong type file:line:col" out_has "type.yaml:5:11: 'push' must be a list"
	check "nothing installed" not test -e "$T/a.git/stagegate/policy.yaml"
}

test_policy_broken_after_install_fails_closed() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_accept "seed test" maker origin "$c:refs/heads/test"
	printf 'version: 1\nenvironments: [\n' >"$REPO/stagegate/policy.yaml"
	local c2; c2=$(commit a.txt two)
	REMOTE_USER=maker git -C "$W" push origin "$c2:refs/heads/test" >"$T/out" 2>&1
	check "push refused" [ $? -ne 0 ]
	check "internal error shown" out_has "internal error: .*policy.yaml:3:1"
	check "fail closed said" out_has "fail closed"
	check "test unchanged" [ "$(git --git-dir="$REPO" rev-parse refs/heads/test)" = "$c" ]
	local rc=0
	printf '%s %s refs/heads/test\n' "$c" "$c2" >"$T/in"
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >/dev/null 2>&1) || rc=$?
	check "hook exits 2" [ "$rc" -eq 2 ]
	rm "$REPO/stagegate/policy.yaml"
	rc=0
	(cd "$REPO" && GIT_DIR=. ./hooks/pre-receive <"$T/in" >"$T/out" 2>&1) || rc=$?
	check "missing policy exits 2" [ "$rc" -eq 2 ]
	check "says it cannot open it" out_has "cannot open"
	inst --check "$REPO" >"$T/out" 2>&1
	check "--check reports the missing policy" out_has "policy .* is missing"
}

test_uninstall_keeps_policy() {
	git init -q --bare "$T/a.git"
	inst "$T/a.git" >/dev/null
	check "uninstall" inst --uninstall "$T/a.git"
	check "hooks gone" not test -e "$T/a.git/hooks/pre-receive"
	check "policy kept" test -f "$T/a.git/stagegate/policy.yaml"
}

test_foreign_hook_is_not_overwritten() {
	git init -q --bare "$T/a.git"
	printf '#!/bin/sh\nexit 0\n' >"$T/a.git/hooks/pre-receive"
	chmod +x "$T/a.git/hooks/pre-receive"
	inst "$T/a.git" >"$T/out" 2>&1
	check "refused" out_has "is not stagegate's"
	check "forced" inst --force "$T/a.git"
}

# the Gitea layout: hooks/pre-receive is a dispatcher over pre-receive.d/
test_pre_receive_d_layout() {
	git init -q --bare "$T/g.git"
	for h in pre-receive update; do
		cat >"$T/g.git/hooks/$h" <<-'DISPATCH'
		#!/usr/bin/env bash
		data=$(cat)
		for hook in "${GIT_DIR:-.}/hooks/$(basename "$0").d/"*; do
			test -x "$hook" || continue
			printf '%s' "$data" | "$hook" "$@" || exit $?
		done
		DISPATCH
		chmod +x "$T/g.git/hooks/$h"
	done
	check "install pre-receive.d" inst --layout pre-receive.d "$T/g.git"
	check "hook placed" test -x "$T/g.git/hooks/pre-receive.d/stagegate"
	REPO="$T/g.git"; W="$T/w"
	git init -q "$W"; git -C "$W" config user.email maker@example.com; git -C "$W" config user.name M
	git -C "$W" remote add origin "$REPO"
	local c; c=$(commit a.txt one)
	expect_accept "gitea dev push" maker origin "$c:refs/heads/test"
	GITEA_PUSHER_NAME=approver1 git -C "$W" push origin "$c:refs/heads/prod" >"$T/out" 2>&1
	check "gitea pusher rejected" out_has "'approver1' (from GITEA_PUSHER_NAME)"
}

test_gitlab_layout() {
	git init -q --bare "$T/l.git"
	check "install gitlab layout" inst --layout gitlab "$T/l.git"
	check "pre-receive.d placed" test -x "$T/l.git/custom_hooks/pre-receive.d/stagegate"
	check "update.d placed" test -x "$T/l.git/custom_hooks/update.d/stagegate"
}

test_core_hooks_path() {
	git init -q --bare "$T/h.git"
	check "install with --hooks-path" inst --hooks-path "$T/shared hooks" "$T/h.git"
	check "config set" [ "$(git --git-dir="$T/h.git" config core.hooksPath)" = "$T/shared hooks" ]
	REPO="$T/h.git"; W="$T/w"
	git init -q "$W"; git -C "$W" config user.email maker@example.com; git -C "$W" config user.name M
	git -C "$W" remote add origin "$REPO"
	local c; c=$(commit a.txt one)
	expect_reject "hooksPath hook runs" maker protect.replace origin "$c:refs/replace/x"
	check "--check follows core.hooksPath" inst --check "$T/h.git"
}

# A missing syslog socket is said once by --check, not on every push.
test_check_notes_missing_syslog_socket() {
	sed "s|^  syslog: false|  syslog: true\n  syslog_socket: $T/no.sock|" "$TOP/policies/default.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --check "$REPO" >"$T/out" 2>&1
	check "--check still passes" [ $? -eq 0 ]
	check "--check notes the socket" out_has "note: no syslog socket '$T/no.sock'"
	local c; c=$(commit a.txt one)
	expect_accept "push" maker origin "$c:refs/heads/dev"
	check "the maker is not told" out_lacks "cannot reach"
}
