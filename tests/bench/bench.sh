#!/usr/bin/env bash
# bench.sh -- the hooks' cost on real push shapes, beside the no-hook push,
# the floor (a hook that only reads every new blob) and, with PEERS=1,
# git-secrets and secretlint. Run through `make bench`.
#
#   BENCH_SIZES="small medium large corpora"   scenarios (default: all;
#                                      "data": only the data gates' run)
#   CORPORA=DIR        git bundles of real exports (default ../shared/corpora)
#   CORPUS_REPLAY_MAX=N   replay at most N commits of each corpus (default all)
#   PEERS=1                            install and time the peer scanners
set -uo pipefail
: "${STAGEGATE_BIN:?run through: make bench}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$TOP/build/bench/work"
SIZES=${BENCH_SIZES:-small medium large corpora}
CORPORA=${CORPORA:-$TOP/../shared/corpora}
PEERS=${PEERS:-}
export GIT_CONFIG_NOSYSTEM=1 REMOTE_USER=maker
unset GL_ID GL_USERNAME GL_USER GITHUB_USER_LOGIN GITEA_PUSHER_NAME
ZERO=0000000000000000000000000000000000000000
mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }

cc -O2 -std=c17 -o "$OUT/gen" "$TOP/tests/bench/gen.c" || exit 1

if [ -n "$PEERS" ]; then
	command -v git-secrets >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git-secrets >/dev/null; }
	if [ ! -x "$OUT/peers/node_modules/.bin/secretlint" ]; then
		mkdir -p "$OUT/peers"
		(cd "$OUT/peers" && npm init -y >/dev/null 2>&1 &&
		 npm install --silent secretlint @secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1)
		printf '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n' >"$OUT/peers/.secretlintrc.json"
	fi
fi

# source repositories, generated once per size (fixed seed: fixed bytes)
source_repo() { # NAME COMMITS FILES_PER_COMMIT MB
	local src="$OUT/$1.git"
	if [ ! -d "$src" ]; then
		git init -q --bare "$src"
		"$OUT/gen" 42 "$2" "$3" "$4" 2>"$OUT/$1.gen" | git --git-dir="$src" fast-import --quiet
	fi
	echo "$src"
}

# the hook under test, wrapped so that GNU time measures it alone
install_mode() { # MODE REPO
	local mode=$1 repo=$2 hook
	git init -q --bare "$repo"
	case "$mode" in
	nohook) return ;;
	stagegate)
		sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  deadline_ms: 600000\n  max_blob_mb: 200/' \
			"$TOP/policies/default.yaml" >"$OUT/bench-policy.yaml"
		"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$OUT/bench-policy.yaml" "$repo" >/dev/null || exit 1
		mv "$repo/hooks/pre-receive" "$repo/hooks/measured" ;;
	floor)
		cat >"$repo/hooks/measured" <<-'FLOOR'
		#!/bin/sh
		while read old new ref; do
			[ "$new" = 0000000000000000000000000000000000000000 ] && continue
			git rev-list --objects --no-object-names "$new" --not --all
		done | git cat-file --batch >/dev/null
		FLOOR
		chmod +x "$repo/hooks/measured" ;;
	git-secrets)
		cat >"$repo/hooks/measured" <<-'GS'
		#!/bin/sh
		# git-secrets' documented use is a scan of content; on the server
		# that is every new blob of the push
		git secrets --register-aws >/dev/null 2>&1
		while read old new ref; do
			[ "$new" = 0000000000000000000000000000000000000000 ] && continue
			git rev-list --objects --no-object-names "$new" --not --all
		done | git cat-file --batch | git secrets --scan - >/dev/null 2>&1
		exit 0
		GS
		chmod +x "$repo/hooks/measured" ;;
	secretlint)
		cat >"$repo/hooks/measured" <<-SL
		#!/bin/sh
		# secretlint scans files: check the new blobs out to a scratch dir
		d=\$(mktemp -d)
		while read old new ref; do
			[ "\$new" = $ZERO ] && continue
			git archive "\$new" | tar -x -C "\$d"
		done
		(cd "\$d" && $OUT/peers/node_modules/.bin/secretlint --secretlintrc $OUT/peers/.secretlintrc.json "**/*" >/dev/null 2>&1)
		rm -rf "\$d"
		exit 0
		SL
		chmod +x "$repo/hooks/measured" ;;
	esac
	printf '#!/bin/sh\nexec /usr/bin/time -f "%%e %%U %%S %%M" -o "$GIT_DIR/../hook.time" "$GIT_DIR/hooks/measured"\n' \
		>"$repo/hooks/pre-receive"
	sed -i 's|\$GIT_DIR/\.\./hook.time|'"$repo"'.time|; s|"\$GIT_DIR/hooks/measured"|"'"$repo"'/hooks/measured"|' "$repo/hooks/pre-receive"
	chmod +x "$repo/hooks/pre-receive"
}

# install_mode_wrap REPO: time hooks/measured as the pre-receive hook
install_mode_wrap() {
	local repo=$1
	printf '#!/bin/sh\nexec /usr/bin/time -f "%%e %%U %%S %%M" -o "%s.time" "%s/hooks/measured"\n' "$repo" "$repo" \
		>"$repo/hooks/pre-receive"
	chmod +x "$repo/hooks/pre-receive"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# run MODE SRC REF RUNS: prints "push_ms hook_wall_ms hook_cpu_ms rss_kb"
run_mode() {
	local mode=$1 src=$2 ref=$3 runs=$4 i
	local pushes=() walls=() cpus=() rsss=()
	for i in $(seq "$runs"); do
		local repo="$OUT/run-$mode" t0 t1
		rm -rf "$repo" "$repo.time"
		install_mode "$mode" "$repo"
		t0=$(now_ms)
		git --git-dir="$src" push -q "$repo" "$ref:refs/heads/dev" >/dev/null 2>&1 ||
			echo "$mode" >>"$OUT/refused"
		t1=$(now_ms)
		pushes+=($((t1 - t0)))
		if [ -f "$repo.time" ]; then
			# GNU time says "Command exited with non-zero status" first
			read -r w u s m < <(tail -n 1 "$repo.time")
			walls+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')")
			cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
			rsss+=("$m")
		fi
	done
	printf '%s %s %s %s\n' \
		"$(printf '%s\n' "${pushes[@]}" | median)" \
		"$(printf '%s\n' "${walls[@]:-}" | grep . | median)" \
		"$(printf '%s\n' "${cpus[@]:-}" | grep . | median)" \
		"$(printf '%s\n' "${rsss[@]:-}" | grep . | median)"
}

ROWS=()
row() { ROWS+=("$1"); printf '%s\n' "$1"; }

scenario() { # NAME COMMITS FILES MB RUNS
	local name=$1 src mb modes m
	src=$(source_repo "$1" "$2" "$3" "$4")
	mb=$(grep -o '[0-9.]* MB' "$OUT/$1.gen" | cut -d' ' -f1)
	modes="nohook floor stagegate"
	[ -n "$PEERS" ] && modes="$modes git-secrets secretlint"
	local floor_wall=""
	for m in $modes; do
		read -r push wall cpu rss <<<"$(run_mode "$m" "$src" refs/heads/bench "$5")"
		[ "$m" = floor ] && floor_wall=$wall
		local ratio="-" rate="-"
		if [ "$m" != nohook ] && [ "$wall" != "-" ] && [ -n "$floor_wall" ] && [ "$floor_wall" -gt 0 ]; then
			ratio=$(awk -v a="$wall" -v b="$floor_wall" 'BEGIN{printf "%.2f", a/b}')
		fi
		if [ "$wall" != "-" ] && [ "$wall" -gt 0 ]; then
			rate=$(awk -v mb="$mb" -v w="$wall" 'BEGIN{printf "%.0f", mb/(w/1000)}')
		fi
		row "| $name ($2 commits, $(( $2 * $3 )) files, ${mb} MB) | $m | $push | $wall | $cpu | $rate | $([ "$rss" = - ] && echo - || echo $((rss / 1024))) | $ratio |"
	done
}

# real exports: the whole history in one push beside the floor (same run),
# then one push per first-parent commit
corpora() {
	local b name src mb m push wall cpu rss floor_wall ratio repo c walls
	for b in "$CORPORA"/*.bundle; do
		[ -f "$b" ] || continue
		name=$(basename "$b" .bundle)
		src="$OUT/corpus-$name.git"
		[ -d "$src" ] || git clone -q --mirror "$b" "$src" || continue
		mb=$(git --git-dir="$src" rev-list --objects --all --no-object-names |
			git --git-dir="$src" cat-file --batch-check='%(objecttype) %(objectsize)' |
			awk '$1 == "blob" {s += $2} END {printf "%.1f", s / 1048576}')
		floor_wall=""
		for m in floor stagegate; do
			rm -f "$OUT/refused"
			read -r push wall cpu rss <<<"$(run_mode "$m" "$src" refs/heads/main 1)"
			[ -s "$OUT/refused" ] && m="$m (REFUSED)"
			[ "$m" = floor ] && floor_wall=$wall
			local ratio
			ratio=$(awk -v a="$wall" -v b="$floor_wall" 'BEGIN{if (b > 0) printf "%.2f", a/b; else print "-"}')
			row "| $name first push ($(git --git-dir="$src" rev-list --count main) commits, ${mb} MB) | $m | $push | $wall | $cpu | $(awk -v mb="$mb" -v w="$wall" 'BEGIN{if (w > 0) printf "%.0f", mb/(w/1000); else print "-"}') | $((rss / 1024)) | $ratio |"
		done
		repo="$OUT/run-replay-$name"
		rm -rf "$repo" "$repo.time"
		install_mode stagegate "$repo"
		walls=()
		for c in $(git --git-dir="$src" rev-list --reverse --first-parent main |
			   head -n "${CORPUS_REPLAY_MAX:-100000}"); do
			rm -f "$repo.time"
			git --git-dir="$src" push -q "$repo" "$c:refs/heads/dev" >/dev/null 2>&1
			[ -f "$repo.time" ] || continue
			read -r w _ < <(tail -n 1 "$repo.time")
			walls+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')")
		done
		row "| $name replay (${#walls[@]} pushes of 1 commit; the first holds the root tree) | stagegate | - | median $(printf '%s\n' "${walls[@]}" | median), max after the first $(printf '%s\n' "${walls[@]:1}" | sort -n | tail -1) | - | - | - | - |"
	done
}

replay() { # history pushed one commit at a time
	local src repo="$OUT/run-replay" walls=() c
	src=$(source_repo replay 120 3 6)
	rm -rf "$repo" "$repo.time"
	install_mode stagegate "$repo"
	for c in $(git --git-dir="$src" rev-list --reverse refs/heads/bench); do
		rm -f "$repo.time"
		git --git-dir="$src" push -q "$repo" "$c:refs/heads/dev" >/dev/null 2>&1
		read -r w _ <"$repo.time"
		walls+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')")
	done
	local med max
	med=$(printf '%s\n' "${walls[@]}" | median)
	max=$(printf '%s\n' "${walls[@]}" | sort -n | tail -1)
	row "| replay (${#walls[@]} pushes of 1 commit) | stagegate | - | median $med, max $max | - | - | - | - |"
}

promotion() { # a governed prod promotion: approvals and a test tag
	local src repo="$OUT/run-promo" w t p
	src=$(source_repo small 1 5 1)
	rm -rf "$repo" "$repo.time" "$OUT/promo-work"
	install_mode stagegate "$repo"
	git clone -q "$src" "$OUT/promo-work" -b bench
	w="$OUT/promo-work"
	git -C "$w" push -q "$repo" HEAD:refs/heads/test >/dev/null 2>&1
	git -C "$w" -c user.name=CI -c user.email=ci@example.com tag -a -m "Result: passed" tested/1 HEAD
	REMOTE_USER=ci git -C "$w" push -q "$repo" refs/tags/tested/1 >/dev/null 2>&1
	t=$(git -C "$w" rev-parse HEAD)
	p=$(git -C "$w" -c user.name=M -c user.email=maker@example.com commit-tree "$t^{tree}" -p "$t" \
		-m "$(printf 'Promote\n\nTicket: CHG000001\nRollback: redeploy the previous release\nApproved-by: A <approver1@example.com>\nApproved-by: B <approver2@example.com>')")
	rm -f "$repo.time"
	git -C "$w" push "$repo" "$p:refs/heads/main" >"$OUT/promo.out" 2>&1 || { echo "bench: promotion refused"; cat "$OUT/promo.out"; }
	read -r wall u s rss <"$repo.time"
	row "| prod promotion (approvals + test tag) | stagegate | - | $(awk -v w="$wall" 'BEGIN{printf "%d", w*1000}') | $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}') | - | $((rss / 1024)) | - |"
}

# the migration and personal-data gates (issue 17) on the large push:
# dev holds a base of 50 tables with their reference data; the timed push
# brings the large history merged in plus 200 commits that add columns and
# synthetic records (one column removed, with its plan). Same push, same
# hook, with the two gates on (default policy, migration on dev too) and
# with their sections taken out of the policy.
data_gates() {
	local src="$OUT/large.git" data="$OUT/large-data.git" mode i
	local runs=${BENCH_DATA_RUNS:-3}
	[ -d "$src" ] || src=$(source_repo large 2000 10 500)
	if [ ! -d "$data" ]; then
		git clone -q --bare "$src" "$data"
		python3 "$TOP/tests/bench/datagen.py" refs/heads/data \
			"$(git --git-dir="$data" rev-parse refs/heads/bench)" 200 |
			git --git-dir="$data" fast-import --quiet || return
	fi
	sed 's/^  environments: \[prod\]$/  environments: [dev, prod]/' "$OUT/bench-policy.yaml" >"$OUT/gates-on.yaml"
	awk '/^migration:/{exit} {print}' "$OUT/bench-policy.yaml" >"$OUT/gates-off.yaml"
	grep -q '^  environments: \[dev, prod\]$' "$OUT/gates-on.yaml" || { echo "bench: policy edit failed"; return 1; }
	for mode in gates-off gates-on; do
		local walls=() cpus=()
		for i in $(seq "$runs"); do
			local repo="$OUT/run-$mode"
			rm -rf "$repo" "$repo.time"
			git init -q --bare "$repo"
			"$TOP/install.sh" --bin "$STAGEGATE_BIN" --policy "$OUT/$mode.yaml" "$repo" >/dev/null || return
			mv "$repo/hooks/pre-receive" "$repo/hooks/measured"
			install_mode_wrap "$repo"
			git --git-dir="$data" push -q "$repo" refs/heads/base:refs/heads/dev >/dev/null 2>&1
			rm -f "$repo.time"
			git --git-dir="$data" push -q "$repo" refs/heads/data:refs/heads/dev >"$OUT/$mode.out" 2>&1 ||
				{ echo "bench: $mode push refused"; cat "$OUT/$mode.out"; return 1; }
			read -r w u s m <"$repo.time"
			walls+=("$(awk -v w="$w" 'BEGIN{printf "%d", w*1000}')")
			cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
		done
		local mw mc
		mw=$(printf '%s\n' "${walls[@]}" | median)
		mc=$(printf '%s\n' "${cpus[@]}" | median)
		[ "$mode" = gates-off ] && { off_wall=$mw; off_cpu=$mc; }
		local extra="-"
		[ "$mode" = gates-on ] && extra=$(awk -v a="$mw" -v b="$off_wall" -v c="$mc" -v d="$off_cpu" \
			'BEGIN{printf "wall %+.1f %%, cpu %+.1f %%", (a-b)*100/b, (c-d)*100/d}')
		row "| large + data (2201 commits, 20600 files, migration + personal data) | stagegate $mode | - | $mw (runs: ${walls[*]}) | $mc | - | - | $extra |"
	done
}

audit_cli() {
	local log="$OUT/audit-100k.log" cmd
	if [ ! -f "$log" ]; then
		cc -O2 -std=c17 -D_GNU_SOURCE -o "$OUT/auditgen" "$TOP/tests/bench/auditgen.c" \
			"$TOP/build/bench/libstagegate.a" $(pkg-config --libs libgit2 libpcre2-8 yaml-0.1 libcrypto libzip zlib) -lm || return
		"$OUT/auditgen" "$log" 100000 || return
	fi
	for cmd in "list" "verify" "export --format json" "export --format csv" "stats" "report --html $OUT/report.html"; do
		/usr/bin/time -f "%e %M" -o "$OUT/cli.time" "$STAGEGATE_BIN/stagegate" audit $cmd "$log" >/dev/null 2>&1
		read -r e m <"$OUT/cli.time"
		AUDIT_ROWS+=("| audit $cmd | 100,000 | $(awk -v e="$e" 'BEGIN{printf "%d", e*1000}') | $((m / 1024)) |")
		printf '%s\n' "${AUDIT_ROWS[-1]}"
	done
}

# issue 18: the auditor's HTML report of a year of one repository's log,
# 100,000 records (tests/bench/auditlog.py: promotions, rollbacks,
# refusals; a real chain, which the report verifies), under 2 s
audit_report() {
	local log="$OUT/audit-year-100k.log" runs=3 walls=() cpus=() e u s m
	if [ ! -f "$log.head" ]; then
		python3 "$TOP/tests/bench/auditlog.py" "$log" 100000 || return
	fi
	"$STAGEGATE_BIN/stagegate" audit verify "$log" | grep -q 'hash chain intact' ||
		{ echo "bench: the generated log does not verify"; return 1; }
	for _ in $(seq $runs); do
		rm -f "$OUT/report-year.html"
		/usr/bin/time -f "%e %U %S %M" -o "$OUT/report.time" \
			"$STAGEGATE_BIN/stagegate" audit report --html "$OUT/report-year.html" "$log" >/dev/null 2>&1 ||
			{ echo "bench: audit report failed"; return 1; }
		read -r e u s m <"$OUT/report.time"
		walls+=("$(awk -v e="$e" 'BEGIN{printf "%d", e*1000}')")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
	done
	REPORT_ROWS+=("| audit report --html (a year: $(grep -c '"environment":"prod"' "$log") prod updates) | 100,000 | $(printf '%s\n' "${walls[@]}" | median) (runs: ${walls[*]}) | $(printf '%s\n' "${cpus[@]}" | median) | $((m / 1024)) | $(($(stat -c %s "$OUT/report-year.html") / 1024)) |")
	printf '%s\n' "${REPORT_ROWS[-1]}"
}

AUDIT_ROWS=()
REPORT_ROWS=()
echo "| scenario | hook | push ms | hook wall ms | hook cpu ms | MB/s | peak RSS MB | hook / floor |"
echo "|---|---|---|---|---|---|---|---|"
for s in $SIZES; do
	case "$s" in
	small) scenario small 1 5 1 5 ;;
	medium) scenario medium 200 10 50 3 ;;
	large) scenario large 2000 10 500 1 ;;
	corpora) corpora ;;
	esac
done
replay
promotion
case " $SIZES " in *" large "*|*" data "*) data_gates ;; esac
echo
echo "| auditor command | records | wall ms | peak RSS MB |"
echo "|---|---|---|---|"
audit_cli
echo
echo "| auditor report | records | wall ms | cpu ms | peak RSS MB | page KB |"
echo "|---|---|---|---|---|---|"
audit_report

{
	echo "# stagegate benchmark results"
	echo
	echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB"
	echo "Date: $(date -u +%Y-%m-%d)"
	echo "Versions: $("$STAGEGATE_BIN/stagegate" version), $(git --version)"
	echo "Command: make bench${PEERS:+ PEERS=1} (sizes: $SIZES)"
	echo
	echo "Hook figures are the pre-receive hook alone (GNU time around it); push ms is the whole"
	echo "\`git push\`; MB/s is new content over hook wall time; the floor only reads every new blob"
	echo "(\`git rev-list --objects ... --not --all | git cat-file --batch\`). Medians of 5 (small),"
	echo "3 (medium) and 1 (large, each real corpus) runs. Corpora: git bundles of real exports"
	echo "in $CORPORA (their README says what each holds), pushed whole to a new branch."
	echo
	echo "| scenario | hook | push ms | hook wall ms | hook cpu ms | MB/s | peak RSS MB | hook / floor |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "| auditor command | records | wall ms | peak RSS MB |"
	echo "|---|---|---|---|"
	printf '%s\n' "${AUDIT_ROWS[@]}"
	echo
	echo "| auditor report | records | wall ms | cpu ms | peak RSS MB | page KB |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${REPORT_ROWS[@]}"
} >"$OUT/RESULTS.md"
echo
echo "bench: table written to $OUT/RESULTS.md (copy it to tests/bench/RESULTS.md to record it)"
