# services.sh -- real services for the platform tests: Unix users, sshd
# and apache2 on 127.0.0.1, on a port found free at run time, stopped by
# the test's EXIT trap (each test_* runs in its own subshell).

CLEANUP=()
cleanup() { local i; for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" >/dev/null 2>&1; done; }
trap cleanup EXIT
on_exit() { CLEANUP+=("$1"); }

need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	fail "$1 needs root (Unix users, chroot); run make test as root"
	return 1
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s).
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# world_dir: a directory other Unix users can reach ($T is private).
world_dir() {
	SRV=$(mktemp -d /tmp/stagegate-srv.XXXXXX)
	chmod 755 "$SRV"
	on_exit "rm -rf '$SRV'"
}

# remove_user NAME: the user gone, even while a server it ran (apache's
# children, an sshd session) is still exiting: userdel refuses a user
# with live processes, and the next test's useradd would then fail.
remove_user() {
	local name=$1 i
	id -u "$name" >/dev/null 2>&1 || return 0
	for i in $(seq 50); do
		pkill -KILL -u "$name" 2>/dev/null
		userdel "$name" 2>/dev/null
		id -u "$name" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

# add_user NAME [GROUP]: a Unix user with its home in $SRV, removed at exit.
add_user() {
	local name=$1 group=${2:-}
	remove_user "$name"
	useradd -M -d "$SRV/home-$name" -s /bin/sh ${group:+-G "$group"} "$name" || return 1
	# not locked: sshd without PAM refuses a locked account ("!")
	usermod -p "*" "$name"
	on_exit "remove_user '$name'"
	mkdir -p "$SRV/home-$name/.ssh"
	chown -R "$name:" "$SRV/home-$name"
	chmod 700 "$SRV/home-$name"
}

# add_group NAME: a Unix group, removed at exit.
add_group() {
	groupdel "$1" 2>/dev/null
	groupadd "$1" && on_exit "groupdel '$1'"
}

# keypair NAME: $SRV/keys/NAME and NAME.pub (ed25519, no passphrase).
keypair() {
	mkdir -p "$SRV/keys"
	ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$SRV/keys/$1"
}

# start_sshd [USER]: sshd on 127.0.0.1:$SSH_PORT; run as USER (who then
# is the only account it can log in), or as root for any account.
start_sshd() {
	local user=${1:-} dir="$SRV/sshd"
	mkdir -p "$dir"
	SSH_PORT=$(free_port)
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
	cat >"$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment no
AcceptEnv LANG LC_*
LogLevel ERROR
CONF
	if [ -n "$user" ]; then
		chown -R "$user:" "$dir"
		runuser -u "$user" -- /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/log" &
	else
		mkdir -p /run/sshd
		/usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/log" &
	fi
	on_exit "kill $!"
	on_exit "kill \$(cat '$dir/sshd.pid')"
	wait_port "$SSH_PORT" || { fail "sshd did not start"; cat "$dir/log"; return 1; }
}

# ssh_cmd KEY: the GIT_SSH_COMMAND that logs in with $SRV/keys/KEY.
ssh_cmd() {
	echo "ssh -p $SSH_PORT -i $SRV/keys/$1 -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}

# client_clone: $W, a clone to push from (as the maker).
client_clone() {
	W="$T/work"
	git init -q "$W"
	git -C "$W" config user.name Maker
	git -C "$W" config user.email maker@example.com
	git -C "$W" remote add origin "$1"
}

# start_apache USER: apache2 running as USER (not root) on
# 127.0.0.1:$HTTP_PORT, git-http-backend at /git/ for the repositories
# under $SRV/git, basic auth from $SRV/apache/htpasswd (README, smart http).
start_apache() {
	local user=$1 dir="$SRV/apache" m=/usr/lib/apache2/modules
	mkdir -p "$dir"
	HTTP_PORT=$(free_port)
	cat >"$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$HTTP_PORT
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error.log"
LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authn_file_module $m/mod_authn_file.so
LoadModule auth_basic_module $m/mod_auth_basic.so
LoadModule alias_module $m/mod_alias.so
LoadModule cgi_module $m/mod_cgi.so
LoadModule env_module $m/mod_env.so
StartServers 2
SetEnv GIT_PROJECT_ROOT "$SRV/git"
SetEnv GIT_HTTP_EXPORT_ALL 1
ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
<Location /git/>
	AuthType Basic
	AuthName "git"
	AuthUserFile "$dir/htpasswd"
	Require valid-user
</Location>
CONF
	: >"$dir/error.log"
	chown -R "$user:" "$dir"
	runuser -u "$user" -- /usr/sbin/apache2 -f "$dir/httpd.conf" -DFOREGROUND 2>"$dir/stderr" &
	on_exit "kill $!"
	on_exit "kill \$(cat '$dir/httpd.pid')"
	wait_port "$HTTP_PORT" || { fail "apache2 did not start"; cat "$dir/error.log" "$dir/stderr"; return 1; }
}
