#!/bin/sh
# Install the Debian packages stagegate builds and tests with, when missing.
# Another apt-get or dpkg run (unattended-upgrades, a second make) holds
# the dpkg lock: wait for it instead of failing.
set -eu
pkgs="gcc make pkg-config git libgit2-dev libpcre2-dev libyaml-dev
libcriterion-dev libssl-dev libzip-dev zlib1g-dev zip unzip time chromium
apache2 apache2-utils openssh-server openssh-client gitolite3 tzdata
python3-jsonschema"
# make fuzz: libFuzzer comes with Debian's clang (its runtime in libclang-rt)
command -v npm >/dev/null || pkgs="$pkgs npm"
[ "${1:-}" = fuzz ] && pkgs="$pkgs clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# t_sarif: Microsoft's SARIF multitool (GitHub's ingestion rules) and the
# SARIF 2.1.0 schema it ships, from npm, pinned, into build/npm/
SARIF_TOOL=@microsoft/sarif-multitool-linux@5.7.0
npm_dir="$(cd "$(dirname "$0")/.." && pwd)/build/npm"
sarif_tool() {
	bin="$npm_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
	[ -f "$bin" ] || {
		mkdir -p "$npm_dir" &&
		npm install --prefix "$npm_dir" --no-save --no-audit --no-fund \
			--loglevel=error "$SARIF_TOOL" >/dev/null
	} || return 1
	# its postinstall only makes the binary executable; npm may skip it
	chmod u+x "$bin"
}
if [ -z "$missing" ]; then
	sarif_tool
	exit
fi
echo "stagegate: installing missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "stagegate: run as root, or install:$missing" >&2
		exit 1
	}
	SUDO=sudo
else
	SUDO=
fi
# apt_get ARGS...: apt-get waiting up to 10 minutes for the dpkg and
# lists locks (DPkg::Lock::Timeout covers dpkg; retry covers the rest).
apt_get() {
	tries=0
	until DEBIAN_FRONTEND=noninteractive $SUDO apt-get \
		-o DPkg::Lock::Timeout=600 "$@"; do
		tries=$((tries + 1))
		[ "$tries" -lt 60 ] || return 1
		echo "stagegate: apt-get busy or failed; retrying in 10 s" >&2
		sleep 10
	done
}
apt_get update -qq
apt_get install -y -qq $missing
sarif_tool
