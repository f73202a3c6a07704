#!/usr/bin/env bash
# ghes-env.sh BIN_DIR OUT.tar.gz -- a GitHub Enterprise Server pre-receive
# hook environment: a minimal root file system (a chroot) holding
#   /usr/local/bin/stagegate-pre-receive and every library it loads,
#   /bin/sh (dash, for the hook script) and its libraries,
#   /etc/stagegate/policy.yaml (audit.sink: stderr: GHES gives the hook
#   no writable repository) and secrets.yaml,
#   /stagegate/pre-receive.sh (the hook script, as in ghes/).
# Debian's libgit2 and libzip cannot be linked statically; the chroot
# carries the shared libraries instead.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BIN_DIR OUT.tar.gz" >&2; exit 2; }
bin=$1 out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# put FILE [AS]: FILE (at AS, default its own path) and its libraries
put() {
	local f=$1 as=${2:-$1} lib
	install -D -m 0755 "$f" "$root$as"
	for lib in $(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

put "$bin/stagegate-pre-receive" /usr/local/bin/stagegate-pre-receive
put "$(readlink -f /bin/sh)" /bin/sh
install -D -m 0755 "$here/ghes/pre-receive.sh" "$root/stagegate/pre-receive.sh"
install -d -m 0755 "$root/etc/stagegate" "$root/tmp"
sed 's/^  sink: file$/  sink: stderr/' "$here/policies/default.yaml" >"$root/etc/stagegate/policy.yaml"
grep -q '^  sink: stderr$' "$root/etc/stagegate/policy.yaml" || { echo "$0: cannot set audit.sink" >&2; exit 1; }
install -m 0644 "$here/policies/secrets.yaml" "$root/etc/stagegate/secrets.yaml"
chmod 0644 "$root/etc/stagegate/policy.yaml"
"$bin/stagegate" policy check "$root/etc/stagegate/policy.yaml" >/dev/null
tar --owner=0 --group=0 --numeric-owner -C "$root" -czf "$out" .
echo "ghes-env: $out ($(du -h "$out" | cut -f1))"
