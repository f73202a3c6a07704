#!/usr/bin/env bash
# run.sh -- run every tests/hooks/t_*.sh test and print "N passed, N failed".
# run.sh NAME runs the tests whose function name contains NAME; with
# HOOK_FILES="t_a.sh t_b.sh" only the tests of those files run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/stagegate-hooks.XXXXXX")
export RESULTS="$TMPROOT/results"
: >"$RESULTS"
only=${1:-}
files=("$here"/t_*.sh)
if [ -n "${HOOK_FILES:-}" ]; then
	files=()
	for f in $HOOK_FILES; do
		[ -f "$here/$f" ] || { echo "run.sh: no test file '$f'" >&2; exit 1; }
		files+=("$here/$f")
	done
fi
for file in "${files[@]}"; do
	for t in $(bash -c "source '$file'; declare -F" | awk '{print $3}' | grep '^test_'); do
		[ -n "$only" ] && [[ $t != *"$only"* ]] && continue
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
