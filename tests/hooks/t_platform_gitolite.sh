# t_platform_gitolite.sh -- gitolite: Debian's gitolite3 behind a real
# sshd on 127.0.0.1 (run as the gitolite user), stagegate installed with
# --layout gitolite by root; gitolite's update hook keeps its place.

source "$(dirname "${BASH_SOURCE[0]}")/../platform/scenario.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../platform/services.sh"

GLU=sg-gitolite

gitolite_server() {
	need_root gitolite || return 1
	world_dir
	add_user "$GLU" || { fail "useradd"; return 1; }
	local home="$SRV/home-$GLU" u
	for u in gladmin maker ci admin; do keypair $u; done
	cp "$SRV/keys/gladmin.pub" "$SRV/gladmin.pub"
	chmod 644 "$SRV/gladmin.pub"
	runuser -u "$GLU" -- env HOME="$home" gitolite setup -pk "$SRV/gladmin.pub" >"$T/setup.out" 2>&1 ||
		{ cat "$T/setup.out"; fail "gitolite setup"; return 1; }
	start_sshd "$GLU" || return 1
	# the admin's way: push gitolite-admin with the keys and the rules
	GIT_SSH_COMMAND=$(ssh_cmd gladmin) git clone -q "$GLU@127.0.0.1:gitolite-admin" "$T/gladmin" 2>"$T/clone.out" ||
		{ cat "$T/clone.out" "$SRV/sshd/log"; fail "clone gitolite-admin"; return 1; }
	for u in maker ci admin; do cp "$SRV/keys/$u.pub" "$T/gladmin/keydir/$u.pub"; done
	cat >>"$T/gladmin/conf/gitolite.conf" <<'CONF'

repo app
    -   refs/heads/feature/locked   =   @all
    RW+                             =   maker ci admin
CONF
	git -C "$T/gladmin" add -A
	git -C "$T/gladmin" -c user.name=A -c user.email=a@x commit -qm "app"
	GIT_SSH_COMMAND=$(ssh_cmd gladmin) git -C "$T/gladmin" push -q origin HEAD 2>"$T/glpush.out" ||
		{ cat "$T/glpush.out"; fail "push gitolite-admin"; return 1; }
	REPO="$home/repositories/app.git"
	[ -d "$REPO" ] || { fail "gitolite did not create app.git"; return 1; }
	LOG="$REPO/stagegate/audit.log"
}

# README, gitolite: exactly these steps, as root
gitolite_install() {
	local before after
	before=$(find "$REPO" -printf '%u %p\n' | grep -v "^$GLU " | wc -l)
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --layout gitolite "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install --layout gitolite"; return 1; }
	check "install --check passes" "$TOP/install.sh" --bin "$STAGEGATE_BIN" --layout gitolite --check "$REPO"
	check "gitolite's update hook untouched" [ "$(readlink "$REPO/hooks/update")" = "$SRV/home-$GLU/.gitolite/hooks/common/update" ]
	after=$(find "$REPO" ! -user "$GLU" | head -5)
	check "root's install left every file the gitolite user's" test "$before" -eq 0 -a -z "$after"
	[ -z "$after" ] || echo "      not $GLU's: $after"
}

push_as() {
	local user=$1; shift
	GIT_SSH_COMMAND=$(ssh_cmd "$user") git -C "$W" push "$@" >"$T/out" 2>&1
}

test_gitolite_scenario() {
	gitolite_server || return
	gitolite_install || return
	client_clone "$GLU@127.0.0.1:app"
	platform_scenario
	check "pusher source is GL_USER" grep -q '"pusher_source":"GL_USER"' "$LOG"
	check "gitolite-admin still pushable" bash -c "cd '$T/gladmin' && echo >>conf/gitolite.conf &&
		git -c user.name=A -c user.email=a@x commit -qam again &&
		GIT_SSH_COMMAND='$(ssh_cmd gladmin)' git push -q origin HEAD"
	check "gitolite still grants read" [ "$(GIT_SSH_COMMAND="$(ssh_cmd ci)" git ls-remote "$GLU@127.0.0.1:app" refs/heads/main | cut -f1)" = "$(srv_rev refs/heads/main)" ]
}

# gitolite's update hook refuses one ref stagegate accepted; the other lands.
test_gitolite_refusal_after_stagegate_not_landed() {
	gitolite_server || return
	gitolite_install || return
	client_clone "$GLU@127.0.0.1:app"
	local c; c=$(commit a.txt one)
	push_as maker origin "$c:refs/heads/dev" "$c:refs/heads/feature/locked"
	check "gitolite refused feature/locked" out_has "DENIED"
	check "stagegate accepted both" out_has "stagegate: checks passed: 2 ref(s)"
	check "dev landed on the server" [ "$(srv_rev refs/heads/dev)" = "$c" ]
	check "locked did not" not srv_rev refs/heads/feature/locked
	check "audit: dev accepted and landed" landed_is refs/heads/dev yes
	check "audit: locked accepted, not landed" landed_is refs/heads/feature/locked no
	check "the chain verifies" "$SG" audit verify "$LOG"
}
