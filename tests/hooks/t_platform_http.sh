# t_platform_http.sh -- smart http: git-http-backend behind Debian's
# apache2 (as a non-root user) on 127.0.0.1, basic auth, so REMOTE_USER
# is the web server's.

source "$(dirname "${BASH_SOURCE[0]}")/../platform/scenario.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../platform/services.sh"

WWW=sg-www

http_server() {
	need_root "http" || return 1
	world_dir
	add_user "$WWW" || { fail "useradd"; return 1; }
	REPO="$SRV/git/app.git"
	git init -q --bare "$REPO"
	chown -R "$WWW:" "$SRV/git"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install"; return 1; }
	check "root's install left the files the web server's" test -z "$(find "$REPO" ! -user "$WWW")"
	mkdir -p "$SRV/apache"
	htpasswd -cbB "$SRV/apache/htpasswd" maker maker-pw 2>/dev/null
	htpasswd -bB "$SRV/apache/htpasswd" ci ci-pw 2>/dev/null
	htpasswd -bB "$SRV/apache/htpasswd" admin admin-pw 2>/dev/null
	start_apache "$WWW" || return 1
	LOG="$REPO/stagegate/audit.log"
	client_clone "http://127.0.0.1:$HTTP_PORT/git/app.git"
}

push_as() {
	local user=$1; shift
	git -C "$W" -c credential.helper= -c "credential.helper=!f() { echo username=$user; echo password=$user-pw; }; f" \
		push "$@" >"$T/out" 2>&1
}

test_http_scenario() {
	http_server || return
	platform_scenario
	check "pusher source is REMOTE_USER" grep -q '"pusher_source":"REMOTE_USER"' "$LOG"
	check "transport recorded as http" grep -q '"transport":"http"' "$LOG"
}

test_http_wrong_password_is_not_a_pusher() {
	http_server || return
	local c; c=$(commit a.txt one)
	git -C "$W" -c credential.helper= -c "credential.helper=!f() { echo username=maker; echo password=nope; }; f" \
		push origin "$c:refs/heads/dev" >"$T/out" 2>&1
	check "refused by the web server" out_has "Authentication failed"
	check "nothing recorded" test ! -e "$LOG"
}
