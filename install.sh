#!/usr/bin/env bash
# install.sh -- install stagegate's hooks and policy into a bare repository,
# then verify the installation (or only verify, with --check).
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: ./install.sh [OPTIONS] BARE_REPO
       ./install.sh --check [OPTIONS] BARE_REPO
       ./install.sh --uninstall [OPTIONS] BARE_REPO

Installs stagegate-pre-receive and stagegate-update as the repository's
pre-receive and update hooks (and stagegate-post-receive, which records
what really landed), copies the policy (and secret rules) to
BARE_REPO/stagegate/, turns on push options, and verifies the result:
hooks present, executable, owned by the repository's owner and not
writable by others, policy valid, and a dry run of the hook passes.

options:
  --policy FILE     policy to install (default: policies/default.yaml)
  --secrets FILE    secret rules to install (default: policies/secrets.yaml)
  --layout L        where the hooks go:
                      hooks          BARE_REPO/hooks/ (plain git, gitolite;
                                     honours core.hooksPath if set)
                      pre-receive.d  BARE_REPO/hooks/pre-receive.d/ and
                      (or gitea)     update.d/, post-receive.d/ beside
                                     Gitea's dispatcher (Gitea, Forgejo)
                      gitlab         BARE_REPO/custom_hooks/pre-receive.d/
                                     update.d/, post-receive.d/ (GitLab)
                      gitolite       BARE_REPO/hooks/pre-receive and
                                     post-receive only: gitolite's own
                                     update hook is never touched
  --hooks-path DIR  install into DIR and set core.hooksPath to it
  --bin DIR         where the built binaries are (default: build/release/bin)
  --force           replace a pre-receive or update hook that is not ours
  --check           only verify an installation; exit 1 on any problem
  --uninstall       remove the hooks (the policy and audit log stay)
  -h, --help        this help
USAGE
}

die() { echo "install.sh: $*" >&2; exit 1; }
bad_usage() { echo "install.sh: $*" >&2; usage >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
policy="$here/policies/default.yaml"
secrets="$here/policies/secrets.yaml"
layout=hooks
hooks_path=
default_bin="$here/build/release/bin"
bin="${STAGEGATE_BIN:-$default_bin}"
mode=install
force=0
repo=

while [ $# -gt 0 ]; do
	case "$1" in
	--policy) [ $# -ge 2 ] || bad_usage "--policy needs a FILE"; policy=$2; shift 2 ;;
	--secrets) [ $# -ge 2 ] || bad_usage "--secrets needs a FILE"; secrets=$2; shift 2 ;;
	--layout) [ $# -ge 2 ] || bad_usage "--layout needs a value"; layout=$2; shift 2 ;;
	--hooks-path) [ $# -ge 2 ] || bad_usage "--hooks-path needs a DIR"; hooks_path=$2; shift 2 ;;
	--bin) [ $# -ge 2 ] || bad_usage "--bin needs a DIR"; bin=$2; shift 2 ;;
	--force) force=1; shift ;;
	--check) mode=check; shift ;;
	--uninstall) mode=uninstall; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) bad_usage "unknown option '$1'" ;;
	*) [ -z "$repo" ] || bad_usage "one repository at a time"; repo=$1; shift ;;
	esac
done
[ $# -eq 0 ] || { [ -z "$repo" ] && [ $# -eq 1 ] && repo=$1; } || bad_usage "one repository at a time"
[ -n "$repo" ] || bad_usage "missing BARE_REPO"
case "$layout" in hooks|pre-receive.d|gitlab|gitolite) ;; gitea) layout=pre-receive.d ;; *) bad_usage "unknown layout '$layout'" ;; esac

# a fresh checkout: build the binaries first (dependencies: make deps)
if [ "$bin" = "$default_bin" ] && [ ! -x "$bin/stagegate-pre-receive" ] &&
   [ -f "$here/Makefile" ] && [ "$mode" != uninstall ]; then
	echo "install.sh: building stagegate first (make)"
	make -s -C "$here" deps all >&2 || die "the build failed; run 'make' and read its errors"
fi

# --- the repository ------------------------------------------------------
[ -e "$repo" ] || die "'$repo' does not exist"
[ -d "$repo" ] || die "'$repo' is not a directory"
repo=$(cd "$repo" && pwd)
if [ -d "$repo/.git" ]; then
	die "'$repo' is a work tree, not a bare repository (hooks belong on the server's bare repository, e.g. git clone --bare)"
fi
[ -f "$repo/HEAD" ] && [ -d "$repo/objects" ] && [ -d "$repo/refs" ] ||
	die "'$repo' is not a git repository"
[ "$(git --git-dir="$repo" rev-parse --is-bare-repository 2>/dev/null)" = true ] ||
	die "'$repo' is not a bare repository"

config_owner=$(stat -c %u:%g "$repo/config")

# --- where the hooks go --------------------------------------------------
if [ -n "$hooks_path" ]; then
	[ "$layout" = hooks ] || bad_usage "--hooks-path goes with --layout hooks"
	mkdir -p "$hooks_path"
	hooks_path=$(cd "$hooks_path" && pwd)
	[ "$mode" = install ] && git --git-dir="$repo" config core.hooksPath "$hooks_path"
fi
configured=$(git --git-dir="$repo" config core.hooksPath 2>/dev/null || true)
case "$layout" in
hooks)
	if [ -n "$configured" ]; then
		case "$configured" in /*) dir=$configured ;; *) dir="$repo/$configured" ;; esac
	else
		dir="$repo/hooks"
	fi
	pre="$dir/pre-receive"; upd="$dir/update"; post="$dir/post-receive" ;;
pre-receive.d)
	pre="$repo/hooks/pre-receive.d/stagegate"; upd="$repo/hooks/update.d/stagegate"
	post="$repo/hooks/post-receive.d/stagegate" ;;
gitlab)
	pre="$repo/custom_hooks/pre-receive.d/stagegate"; upd="$repo/custom_hooks/update.d/stagegate"
	post="$repo/custom_hooks/post-receive.d/stagegate" ;;
gitolite)
	# gitolite's update hook does its access control: never ours
	pre="$repo/hooks/pre-receive"; upd=; post="$repo/hooks/post-receive" ;;
esac
owner=$(stat -c %u "$repo")
group=$(stat -c %g "$repo")
# own PATH...: run as root, what we create or rewrite stays the repository
# owner's (git config rewrites config as whoever runs it)
own() { [ "$(id -u)" -ne 0 ] || chown -h "$owner:$group" "$@"; }

is_ours() { [ -f "$1" ] && grep -qa "@(#) stagegate-hook" "$1" 2>/dev/null; }

# --- verification, shared by install and --check --------------------------
problems=0
problem() { echo "install.sh: problem: $*" >&2; problems=$((problems + 1)); }

verify_hook() {
	local f=$1 name=$2
	if [ ! -e "$f" ]; then problem "$name hook '$f' is missing"; return; fi
	[ -f "$f" ] || { problem "$name hook '$f' is not a regular file"; return; }
	# git silently skips a hook that is not executable, and accepts the push
	[ -x "$f" ] || problem "$name hook '$f' is not executable: git would skip it and accept every push (fix: chmod 755 '$f')"
	is_ours "$f" || problem "$name hook '$f' is not stagegate's"
	[ "$(stat -c %u "$f")" = "$owner" ] ||
		problem "$name hook '$f' is owned by uid $(stat -c %u "$f"), not by the repository's owner (uid $owner)"
	local perm; perm=$(stat -c %a "$f")
	case "$perm" in *[2367]? | *[2367]) problem "$name hook '$f' is writable by group or others (mode $perm): a pusher could replace it" ;; esac
}

verify() {
	verify_hook "$pre" pre-receive
	if [ -n "$upd" ]; then
		verify_hook "$upd" update
	elif [ ! -x "$repo/hooks/update" ] || is_ours "$repo/hooks/update"; then
		problem "gitolite's update hook '$repo/hooks/update' is missing (run: gitolite setup --hooks-only)"
	fi
	if [ -e "$post" ] || [ -L "$post" ]; then
		verify_hook "$post" post-receive
	else
		echo "install.sh: note: no post-receive hook '$post': 'stagegate audit list' cannot tell what landed" >&2
	fi
	if [ "$layout" = pre-receive.d ] || [ "$layout" = gitlab ]; then
		local disp
		if [ "$layout" = gitlab ]; then disp=; else disp="$repo/hooks/pre-receive"; fi
		if [ -n "$disp" ] && [ ! -x "$disp" ]; then
			problem "no executable '$disp' dispatcher runs pre-receive.d/ (Gitea installs one; plain git needs --layout hooks)"
		fi
	fi
	local sg="$repo/stagegate"
	if [ ! -f "$sg/policy.yaml" ]; then
		problem "policy '$sg/policy.yaml' is missing"
	elif ! out=$("$bin/stagegate" policy check "$sg/policy.yaml" 2>&1); then
		problem "$out"
	fi
	# the hooks refuse every push when they cannot append to the audit log
	case "$(stat -c %a "$sg" 2>/dev/null)" in
	"") ;;
	*[2367]? | *[2367] | [2367]??) ;;
	*) problem "'$sg' is read-only: the audit log cannot be written and every push will be refused" ;;
	esac
	if [ -f "$sg/audit.log" ]; then
		case "$(stat -c %a "$sg/audit.log")" in
		*[2367]? | *[2367] | [2367]??) ;;
		*) problem "the audit log '$sg/audit.log' is read-only: every push will be refused" ;;
		esac
	fi
	# syslog over the local socket: a missing /dev/log is said here, once,
	# not on every maker's terminal (the records note it)
	local sock
	sock=$(sed -n 's/^  syslog_socket: *//p' "$sg/policy.yaml" 2>/dev/null | tr -d "\"'" | head -1)
	if grep -qE '^  (syslog: *true|sink: *syslog)' "$sg/policy.yaml" 2>/dev/null &&
	   [ ! -S "${sock:-/dev/log}" ]; then
		echo "install.sh: note: no syslog socket '${sock:-/dev/log}': decisions stay in the audit log only (start rsyslog or set audit.syslog_remote)" >&2
	fi
	[ "$(git --git-dir="$repo" config --bool receive.advertisePushOptions 2>/dev/null)" = true ] ||
		problem "receive.advertisePushOptions is off: rollbacks need 'git push -o rollback=...'"
	# a dry run: the installed hook, no updates, in the repository
	if [ -x "$pre" ] && ! out=$(cd "$repo" && GIT_DIR=. "$pre" </dev/null 2>&1); then
		problem "dry run of '$pre' failed: $out"
	fi
}

report() {
	if [ "$problems" -gt 0 ]; then
		echo "install.sh: $repo: $problems problem(s) found" >&2
		exit 1
	fi
	echo "install.sh: $repo: stagegate $1 ($layout layout: $pre)"
}

case "$mode" in
check)
	[ -x "$bin/stagegate" ] || die "cannot find the stagegate CLI in '$bin' (build with: make)"
	verify
	report "is installed and verified"
	;;
uninstall)
	for f in "$pre" "$upd" "$post"; do
		if [ -n "$f" ] && is_ours "$f"; then rm -f "$f"; echo "install.sh: removed $f"; fi
	done
	echo "install.sh: $repo: hooks removed; policy and audit log kept in $repo/stagegate/"
	;;
install)
	for b in stagegate-pre-receive stagegate-update stagegate-post-receive stagegate; do
		[ -x "$bin/$b" ] || die "cannot find '$bin/$b' (build with: make)"
	done
	[ -f "$policy" ] || die "policy '$policy' does not exist"
	"$bin/stagegate" policy check "$policy" >/dev/null || die "refusing to install an invalid policy"
	for f in "$pre" "$upd"; do
		if [ -n "$f" ] && [ -e "$f" ] && ! is_ours "$f" && [ "$force" = 0 ]; then
			die "'$f' exists and is not stagegate's; keep it and use --layout pre-receive.d with a dispatcher, or replace it with --force"
		fi
	done
	for d in "$(dirname "$pre")" ${upd:+"$(dirname "$upd")"} "$(dirname "$post")" "$repo/stagegate"; do
		# each level we create is the owner's (custom_hooks/, hooks/pre-receive.d/)
		[ -d "$(dirname "$d")" ] || { mkdir -p "$(dirname "$d")"; own "$(dirname "$d")"; }
		[ -d "$d" ] || { mkdir -p "$d"; own "$d"; }
	done
	install -m 0755 "$bin/stagegate-pre-receive" "$pre.tmp.$$"
	mv -f "$pre.tmp.$$" "$pre"
	if [ -n "$upd" ]; then
		install -m 0755 "$bin/stagegate-update" "$upd.tmp.$$"
		mv -f "$upd.tmp.$$" "$upd"
	fi
	# what landed: not over someone else's post-receive
	if [ -e "$post" ] && ! is_ours "$post" && [ "$force" = 0 ]; then
		echo "install.sh: note: keeping '$post' (not stagegate's): nothing records what landed" >&2
	else
		install -m 0755 "$bin/stagegate-post-receive" "$post.tmp.$$"
		mv -f "$post.tmp.$$" "$post"
		own "$post"
	fi
	install -m 0644 "$policy" "$repo/stagegate/policy.yaml.tmp.$$"
	mv -f "$repo/stagegate/policy.yaml.tmp.$$" "$repo/stagegate/policy.yaml"
	if [ -f "$secrets" ]; then
		install -m 0644 "$secrets" "$repo/stagegate/secrets.yaml"
	fi
	chown "$owner:$group" "$pre" ${upd:+"$upd"} "$repo/stagegate" "$repo/stagegate/policy.yaml" 2>/dev/null || true
	[ ! -f "$repo/stagegate/secrets.yaml" ] || own "$repo/stagegate/secrets.yaml"
	# a shared repository (git init --shared): every pusher appends to the
	# audit log in stagegate/, so it is the group's, as git's own directories
	case "$(git --git-dir="$repo" config core.sharedRepository 2>/dev/null)" in
	"" | umask | [Ff]alse | [Nn]o | [Oo]ff | 0) ;;
	0[0-7][0-7][0-7]) case "$(git --git-dir="$repo" config core.sharedRepository)" in
		0?[2367]?) chmod g+rwxs "$repo/stagegate" ;;
		*) chmod g+rxs "$repo/stagegate" ;;
		esac ;;
	*) chmod g+rwxs "$repo/stagegate" ;;
	esac
	git --git-dir="$repo" config receive.advertisePushOptions true
	[ "$(id -u)" -ne 0 ] || chown "$config_owner" "$repo/config"
	verify
	report "installed and verified"
	;;
esac
