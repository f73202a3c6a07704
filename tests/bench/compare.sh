#!/usr/bin/env bash
# compare.sh -- two builds of the hooks side by side on the real corpora,
# interleaved so that both see the same load: per corpus the first push
# (floor, before, after) and a replay of its first-parent commits, each
# commit pushed to a "before" and an "after" server in turn. Prints hook
# wall ms, CPU ms (user + sys, GNU time) and peak RSS MB per push, then
# medians. On a shared machine compare the CPU columns.
#
#   tests/bench/compare.sh BEFORE_BIN AFTER_BIN
#   CORPORA="name ..."  corpora (bundle names; default: all in ../shared/corpora)
#   REPLAY_MAX=N        replay at most N commits of each (default 10)
#   BEFORE_SECRETS=FILE AFTER_SECRETS=FILE  each build's secret rules
#                       (default: this checkout's policies/secrets.yaml)
set -uo pipefail
BEFORE=${1:?usage: compare.sh BEFORE_BIN AFTER_BIN}
AFTER=${2:?usage: compare.sh BEFORE_BIN AFTER_BIN}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$TOP/build/bench/compare"
DIR=${CORPORA_DIR:-$TOP/../shared/corpora}
N=${REPLAY_MAX:-10}
export GIT_CONFIG_NOSYSTEM=1 REMOTE_USER=maker
unset GL_ID GL_USERNAME GL_USER GITHUB_USER_LOGIN GITEA_PUSHER_NAME
mkdir -p "$OUT"
sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  deadline_ms: 600000\n  max_blob_mb: 200/' \
	"$TOP/policies/default.yaml" >"$OUT/policy.yaml"

server() { # MODE REPO: a bare repository whose pre-receive is timed
	local mode=$1 repo=$2
	rm -rf "$repo" "$repo.time"
	git init -q --bare "$repo"
	case "$mode" in
	floor)
		cat >"$repo/hooks/measured" <<-'FLOOR'
		#!/bin/sh
		while read old new ref; do
			[ "$new" = 0000000000000000000000000000000000000000 ] && continue
			git rev-list --objects --no-object-names "$new" --not --all
		done | git cat-file --batch >/dev/null
		FLOOR
		chmod +x "$repo/hooks/measured" ;;
	*)
		local rules=$TOP/policies/secrets.yaml
		[ "$mode" = "$BEFORE" ] && rules=${BEFORE_SECRETS:-$rules}
		[ "$mode" = "$AFTER" ] && rules=${AFTER_SECRETS:-$rules}
		"$TOP/install.sh" --bin "$mode" --policy "$OUT/policy.yaml" --secrets "$rules" "$repo" >/dev/null || exit 1
		mv "$repo/hooks/pre-receive" "$repo/hooks/measured" ;;
	esac
	printf '#!/bin/sh\nexec /usr/bin/time -f "%%e %%U %%S %%M" -o "%s.time" "%s/hooks/measured"\n' \
		"$repo" "$repo" >"$repo/hooks/pre-receive"
	chmod +x "$repo/hooks/pre-receive"
}

timed() { # REPO: "wall_ms cpu_ms rss_mb" of its last hook run
	tail -n 1 "$1.time" | awk '{printf "%d %d %d", $1 * 1000, ($2 + $3) * 1000, $4 / 1024}'
}

median() { sort -n | awk '{a[NR]=$1} END {print NR ? (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) : "-"}'; }

echo "| corpus | push | hook | exit | wall ms | cpu ms | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
for b in "$DIR"/*.bundle; do
	name=$(basename "$b" .bundle)
	[ -n "${CORPORA:-}" ] && [[ " $CORPORA " != *" $name "* ]] && continue
	src="$OUT/src-$name.git"
	[ -d "$src" ] || git clone -q --mirror "$b" "$src" || continue
	for mode in floor before after; do
		bin=$mode; [ $mode = before ] && bin=$BEFORE; [ $mode = after ] && bin=$AFTER
		server "$bin" "$OUT/first-$mode"
		git --git-dir="$src" push -q "$OUT/first-$mode" main:refs/heads/dev >/dev/null 2>&1
		echo "| $name | first | $mode | $? | $(timed "$OUT/first-$mode" | sed 's/ / | /g') |"
	done
	server "$BEFORE" "$OUT/replay-before"
	server "$AFTER" "$OUT/replay-after"
	: >"$OUT/replay-before.cpus"; : >"$OUT/replay-after.cpus"
	for c in $(git --git-dir="$src" rev-list --reverse --first-parent main | head -n "$N"); do
		for mode in before after; do
			rm -f "$OUT/replay-$mode.time"
			git --git-dir="$src" push -q "$OUT/replay-$mode" "$c:refs/heads/dev" >/dev/null 2>&1
			read -r w u r < <(timed "$OUT/replay-$mode")
			echo "$u" >>"$OUT/replay-$mode.cpus"
			echo "| $name | replay ${c:0:8} | $mode | - | $w | $u | $r |"
		done
	done
	for mode in before after; do
		echo "| $name | replay: median, max cpu ms | $mode | - | - | $(median <"$OUT/replay-$mode.cpus"), $(sort -n "$OUT/replay-$mode.cpus" | tail -1) | - |"
	done
done
