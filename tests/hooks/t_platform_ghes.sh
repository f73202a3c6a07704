# t_platform_ghes.sh -- GitHub Enterprise Server: the environment of
# 'make ghes-env' (tools/ghes-env.sh) unpacked alone, the hook run in it
# by chroot as GHES runs hook scripts in their environment, with the
# variables GHES documents (GITHUB_USER_LOGIN, GITHUB_REPO_NAME,
# GIT_PUSH_OPTION_*; docs.github.com, "Creating a pre-receive hook
# script"). The repository is not the hook's to write: audit to stderr.

source "$(dirname "${BASH_SOURCE[0]}")/../platform/scenario.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../platform/services.sh"

ghes_env() {
	need_root "GHES (chroot)" || return 1
	local bin=$STAGEGATE_BIN
	# ASan cannot start without /proc; the environment gets the plain build
	if ldd "$bin/stagegate-pre-receive" | grep -q libasan; then
		bin=$TOP/build/test/bin
		[ -x "$bin/stagegate-pre-receive" ] || make -s -C "$TOP" VARIANT=test all >/dev/null
	fi
	bash "$TOP/tools/ghes-env.sh" "$bin" "$T/ghes-env.tar.gz" >/dev/null ||
		{ fail "tools/ghes-env.sh"; return 1; }
	ROOT="$T/root"
	mkdir -p "$ROOT"
	tar -C "$ROOT" -xzf "$T/ghes-env.tar.gz"
	check "the environment holds nothing but stagegate" \
		test "$(ls "$ROOT" | tr '\n' ' ')" = "bin etc lib lib64 stagegate tmp usr "
	check "no shell tools in it" test ! -e "$ROOT/bin/ls" -a ! -e "$ROOT/usr/bin"
	# the repository, where GHES's hook runner sees it inside the environment
	REPO="$ROOT/data/app.git"
	git init -q --bare "$REPO"
	git --git-dir="$REPO" config receive.advertisePushOptions true
	cat >"$REPO/hooks/pre-receive" <<HOOK
#!/usr/bin/env bash
# stand-in for GHES's hook runner: the hook script, in its environment
q=\${GIT_QUARANTINE_PATH#$ROOT}
opts=()
for ((i = 0; i < \${GIT_PUSH_OPTION_COUNT:-0}; i++)); do
	o=GIT_PUSH_OPTION_\$i; opts+=("\$o=\${!o}")
done
exec env -i GIT_DIR=/data/app.git GIT_QUARANTINE_PATH="\$q" \\
	GITHUB_USER_LOGIN="\$SIM_GITHUB_USER" GITHUB_REPO_NAME=org/app GITHUB_VIA="git push" \\
	GIT_PUSH_OPTION_COUNT=\${GIT_PUSH_OPTION_COUNT:-0} "\${opts[@]}" \\
	/usr/sbin/chroot "$ROOT" /stagegate/pre-receive.sh
HOOK
	chmod 755 "$REPO/hooks/pre-receive"
	client_clone "$REPO"
}

push_as() {
	local user=$1; shift
	SIM_GITHUB_USER=$user git -C "$W" push "$@" >"$T/out" 2>&1
}

audit_line() { grep "stagegate-audit: " "$T/out" | grep -F "\"ref\":\"$1\"" | tail -1; }

# Must show 2: the hook in the chroot refuses a secret, accepts dev.
test_ghes_environment_refuses_a_secret() {
	ghes_env || return
	local c; c=$(commit solution/Solution.xml '<ImportExportXml/>')
	commit config/app.env "AWS_ACCESS_KEY_ID=$SECRET_AWS" >/dev/null
	reject_as "secret" maker secret.aws-access-key-id origin HEAD:refs/heads/dev
	check "the secret is not shown" not grep -qF "$SECRET_AWS" "$T/out"
	case "$(audit_line refs/heads/dev)" in
	*'"pusher":"maker"'*'"pusher_source":"GITHUB_USER_LOGIN"'*'"decision":"rejected"'*) pass ;;
	*) fail "no rejected audit record on stderr"; sed 's/^/      /' "$T/out" ;;
	esac
	git -C "$W" reset -q --hard HEAD^
	accept_as "dev" maker origin "$c:refs/heads/dev"
	check "dev on the server" [ "$(srv_rev refs/heads/dev)" = "$c" ]
	case "$(audit_line refs/heads/dev)" in
	*'"decision":"accepted"'*) pass ;; *) fail "no accepted audit record on stderr" ;;
	esac
	check "nothing written in the repository" test ! -e "$REPO/stagegate"
}

# No record, no push: stderr that cannot be written refuses.
test_ghes_no_record_no_push() {
	ghes_env || return
	local c; c=$(commit a.txt one)
	push_as maker origin "$c:refs/heads/dev"
	check "first push lands" [ "$(srv_rev refs/heads/dev)" = "$c" ]
	printf '%s %s refs/heads/feature/x\n' "$ZERO" "$c" >"$T/in"
	env -i GIT_DIR=/data/app.git GITHUB_USER_LOGIN=maker /usr/sbin/chroot "$ROOT" /stagegate/pre-receive.sh <"$T/in" 2>/dev/full
	check "refused when the record cannot be written" [ $? -ne 0 ]
	env -i GIT_DIR=/data/app.git GITHUB_USER_LOGIN=maker /usr/sbin/chroot "$ROOT" /stagegate/pre-receive.sh <"$T/in" 2>"$T/err"
	check "accepted when it can" [ $? -eq 0 ]
	check "and recorded" grep -q '"decision":"accepted"' "$T/err"
}

# The admin's policy: STAGEGATE_POLICY or beside the hook, never one
# others can write.
test_policy_location_is_the_admins() {
	new_repo || return
	local c; c=$(commit a.txt one)
	cp "$TOP/policies/default.yaml" "$T/p.yaml"; chmod 666 "$T/p.yaml"
	printf '%s %s refs/heads/dev\n' "$ZERO" "$c" >"$T/in"
	git -C "$W" push -q origin "$c:refs/heads/dev" 2>/dev/null
	(cd "$REPO" && STAGEGATE_POLICY="$T/p.yaml" REMOTE_USER=maker "$REPO/hooks/pre-receive" <"$T/in" >"$T/out" 2>&1)
	check "a policy others can write is refused" [ $? -ne 0 ]
	check "saying why" out_has "writable by group or others"
	(cd "$REPO" && STAGEGATE_POLICY=rel.yaml REMOTE_USER=maker "$REPO/hooks/pre-receive" <"$T/in" >"$T/out" 2>&1)
	check "a relative STAGEGATE_POLICY is refused" [ $? -ne 0 ]
	mkdir -p "$T/bin"; cp "$REPO/hooks/pre-receive" "$TOP/policies/secrets.yaml" "$T/bin/"
	printf 'version: 1\nenvironments:\n  dev:\n    refs: [refs/heads/dev]\n    push: [bosses]\nusers:\n  boss:\n    groups: [bosses]\n' \
		>"$T/bin/stagegate-policy.yaml"
	(cd "$REPO" && REMOTE_USER=maker "$T/bin/pre-receive" <"$T/in" >"$T/out" 2>&1)
	check "the policy beside the hook applies" out_has "\[protect.pusher\]"
}
