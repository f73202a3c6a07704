# t_platform_ssh.sh -- plain git over ssh, with a real sshd on 127.0.0.1:
# one shared account with an identity per key (authorized_keys command=),
# and two Unix users taking turns on a group-shared repository.

source "$(dirname "${BASH_SOURCE[0]}")/../platform/scenario.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../platform/services.sh"

GITU=sg-git

# README, ssh: one line per person in the shared account's authorized_keys
authorize() { # authorize USER KEYNAME
	printf 'command="STAGEGATE_USER=%s exec git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",restrict %s\n' \
		"$1" "$(cat "$SRV/keys/$2.pub")" >>"$SRV/home-$GITU/.ssh/authorized_keys"
}

shared_account() {
	need_root "ssh" || return 1
	world_dir
	add_user "$GITU" || { fail "useradd"; return 1; }
	local u
	for u in maker ci admin; do keypair $u; authorize $u $u; done
	REPO="$SRV/home-$GITU/app.git"
	git init -q --bare "$REPO"
	chown -R "$GITU:" "$REPO" "$SRV/home-$GITU/.ssh"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install"; return 1; }
	check "root's install left the files the account's" test -z "$(find "$REPO" ! -user "$GITU")"
	LOG="$REPO/stagegate/audit.log"
	start_sshd "$GITU" || return 1
	client_clone "ssh://$GITU@127.0.0.1:$SSH_PORT$REPO"
}

push_as() {
	local user=$1; shift
	GIT_SSH_COMMAND=$(ssh_cmd "$user") git -C "$W" push "$@" >"$T/out" 2>&1
}

test_ssh_per_key_scenario() {
	shared_account || return
	platform_scenario
	check "pusher source is STAGEGATE_USER" grep -q '"pusher_source":"STAGEGATE_USER"' "$LOG"
	check "nobody recorded as the shared account" not grep -q "\"pusher\":\"$GITU\"" "$LOG"
}

# The pusher cannot choose who they are or which policy applies.
test_ssh_pusher_cannot_set_identity_or_policy() {
	shared_account || return
	printf 'version: 1\n' >"$T/open.yaml"; chmod 644 "$T/open.yaml"
	local c; c=$(commit a.txt one)
	STAGEGATE_USER=admin STAGEGATE_POLICY="$T/open.yaml" \
	GIT_SSH_COMMAND="$(ssh_cmd maker) -o SendEnv=STAGEGATE_USER -o SendEnv=STAGEGATE_POLICY" \
		git -C "$W" push origin "$c:refs/heads/main" >"$T/out" 2>&1
	check "still refused by the repository's policy" out_has "\[approval.missing\]"
	check "recorded as maker" recorded refs/heads/main rejected maker
}

# Must show 3: two Unix users push in turn to a group-shared repository.
test_ssh_two_unix_users_shared_repository() {
	need_root "ssh" || return
	world_dir
	add_group sg-devs || { fail "groupadd"; return; }
	add_user sg-u1 sg-devs && add_user sg-u2 sg-devs || { fail "useradd"; return; }
	keypair u1; keypair u2
	cp "$SRV/keys/u1.pub" "$SRV/home-sg-u1/.ssh/authorized_keys"
	cp "$SRV/keys/u2.pub" "$SRV/home-sg-u2/.ssh/authorized_keys"
	chown -R sg-u1: "$SRV/home-sg-u1"; chown -R sg-u2: "$SRV/home-sg-u2"
	REPO="$SRV/shared.git"
	git init -q --bare --shared=group "$REPO"
	chown -R sg-u1:sg-devs "$REPO"
	# git refuses a repository another user owns unless told it is safe
	local u
	for u in sg-u1 sg-u2; do
		printf '[safe]\n\tdirectory = %s\n' "$REPO" >"$SRV/home-$u/.gitconfig"
		chown "$u:" "$SRV/home-$u/.gitconfig"
	done
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install"; return; }
	LOG="$REPO/stagegate/audit.log"
	start_sshd || return
	local c i who
	client_clone "unused"
	for i in 1 2 3 4; do
		who=sg-u$(( (i + 1) % 2 + 1 ))
		c=$(commit "f$i.txt" "$i")
		GIT_SSH_COMMAND=$(ssh_cmd "u${who#sg-u}") git -C "$W" push \
			"ssh://$who@127.0.0.1:$SSH_PORT$REPO" "$c:refs/heads/dev" >"$T/out" 2>&1
		check "push $i by $who accepted" out_has "checks passed"
		check "push $i by $who landed" [ "$(srv_rev refs/heads/dev)" = "$c" ]
	done
	check "last push recorded as sg-u2's" recorded refs/heads/dev accepted sg-u2
	check "both recorded" test "$(grep -c '"pusher":"sg-u1".*"decision":"accepted"' "$LOG")" -eq 2 \
		-a "$(grep -c '"pusher":"sg-u2".*"decision":"accepted"' "$LOG")" -eq 2
	check "audit files are the group's" test -z "$(find "$REPO/stagegate" ! -group sg-devs)"
	check "the chain verifies" "$SG" audit verify "$LOG"
}
