#!/bin/sh
# Install the Debian packages stagegate builds and tests with, when missing.
set -eu
pkgs="gcc make pkg-config git libgit2-dev libpcre2-dev libyaml-dev
libcriterion-dev libssl-dev libzip-dev zip unzip time"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
