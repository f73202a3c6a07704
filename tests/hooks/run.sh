#!/usr/bin/env bash
# run.sh -- run every tests/hooks/t_*.sh test and print "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/stagegate-hooks.XXXXXX")
export RESULTS="$TMPROOT/results"
: >"$RESULTS"
only=${1:-}
for file in "$here"/t_*.sh; do
	# "t_NAME" or "t_NAME.sh" runs one file; anything else names tests
	case "$only" in t_*) [ "$(basename "$file" .sh)" = "${only%.sh}" ] || continue ;; esac
	for t in $(bash -c "source '$file'; declare -F" | awk '{print $3}' | grep '^test_'); do
		[ -n "$only" ] && [[ $only != t_* ]] && [[ $t != *"$only"* ]] && continue
		echo "  $(basename "$file" .sh) $t"
		(
			export T="$TMPROOT/$t"
			mkdir -p "$T"
			cd "$T"
			source "$here/lib.sh"
			source "$file"
			"$t"
		) || { echo "    FAIL: $t ended with an error"; echo fail >>"$RESULTS"; }
	done
done
passed=$(grep -c '^pass$' "$RESULTS")
failed=$(grep -c '^fail$' "$RESULTS")
echo
echo "hooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && rm -rf "$TMPROOT"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
