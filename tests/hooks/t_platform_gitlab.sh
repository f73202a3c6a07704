# t_platform_gitlab.sh -- GitLab: stagegate in custom_hooks/*.d, run with
# the environment Gitaly builds (tests/platform/gitaly-hook.sh).

source "$(dirname "${BASH_SOURCE[0]}")/../platform/scenario.sh"

gitlab_repo() {
	new_repo || return 1
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --layout gitlab "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install --layout gitlab"; return 1; }
	rm -f "$REPO"/hooks/pre-receive "$REPO"/hooks/update "$REPO"/hooks/post-receive
	mkdir -p "$T/gitaly-hooks"
	for h in pre-receive update post-receive; do
		ln -s "$TOP/tests/platform/gitaly-hook.sh" "$T/gitaly-hooks/$h"
	done
	git --git-dir="$REPO" config core.hooksPath "$T/gitaly-hooks"
	LOG="$REPO/stagegate/audit.log"
	export SIM_ENV_DUMP="$T/env"
}

# GitLab's user "maker" is user-1, ci user-2, admin user-3
push_as() {
	local user=$1 id; shift
	case "$user" in maker) id=1 ;; ci) id=2 ;; *) id=3 ;; esac
	SIM_GL_USERNAME=$user SIM_GL_ID=user-$id git -C "$W" push "$@" >"$T/out" 2>&1
}

test_gitlab_scenario() {
	gitlab_repo || return
	platform_scenario
	check "hooks saw no GIT_QUARANTINE_PATH" not grep -q GIT_QUARANTINE_PATH "$T/env.pre-receive"
	check "hooks saw GIT_OBJECT_DIRECTORY" grep -q "^GIT_OBJECT_DIRECTORY=.*/objects/tmp_objdir" "$T/env.pre-receive"
	check "pusher source is GL_USERNAME" grep -q '"pusher_source":"GL_USERNAME"' "$LOG"
}

# GitLab shows GL-HOOK-ERR: lines as the refusal: only those lines.
test_gitlab_prefix_only_on_refusals() {
	gitlab_repo || return
	local c; c=$(commit a.txt one)
	push_as maker origin "$c:refs/heads/dev"
	check "accepted: no GL-HOOK-ERR" out_lacks "GL-HOOK-ERR"
	push_as maker origin "$c:refs/heads/feature/a" "$c:refs/heads/main"
	check "refused ref explained with GL-HOOK-ERR" out_has "GL-HOOK-ERR: stagegate: refs/heads/main: REJECTED"
	check "innocent ref line has none" grep -q "^remote: stagegate: refs/heads/feature/a: ok" "$T/out"
	check "summary has it" out_has "GL-HOOK-ERR: stagegate: push REJECTED"
}

# A new object reaches the hook only through GIT_OBJECT_DIRECTORY: a secret
# in it is found (no 'object not found'), and an alternate that is not the
# repository's is refused rather than trusted.
test_gitlab_quarantine_is_the_object_directory() {
	gitlab_repo || return
	commit secret.txt "key $SECRET_AWS" >/dev/null
	reject_as "secret via GIT_OBJECT_DIRECTORY" maker secret.aws-access-key-id origin HEAD:refs/heads/dev
	check "no internal error" out_lacks "internal error"
	check "nothing of the push left in the repository" not git --git-dir="$REPO" cat-file -e "$(git -C "$W" rev-parse HEAD)"
	local q="$T/q"; mkdir -p "$q"
	out=$(cd "$REPO" && printf '%s %s refs/heads/dev\n' "$ZERO" "$(git -C "$W" rev-parse HEAD)" |
		env -i PATH="$PATH" GIT_DIR="$REPO" GIT_OBJECT_DIRECTORY="$q" \
		GIT_ALTERNATE_OBJECT_DIRECTORIES="$T/elsewhere:$REPO/objects" GL_ID=user-1 GL_USERNAME=maker \
		"$REPO/custom_hooks/pre-receive.d/stagegate" 2>&1)
	check "an unknown alternate refuses" [ $? -ne 0 ]
	case "$out" in *"is not the repository's"*) pass ;; *) fail "unknown alternate: $out" ;; esac
}
