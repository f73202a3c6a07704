#!/usr/bin/env bash
# Recall and false positives of the shipped rules on a generated corpus
# (tests/recall/services.tsv, nonsecrets.txt, written by corpus.c): every
# token format in every syntax, and the known non-secrets (with each format
# as a placeholder), fed to `stagegate scan`. Prints recall per syntax and
# per format, false positives per kind of non-secret. Fails when recall in
# context < 95 %, more than 2 % of the non-secrets are reported, or any
# output holds a planted token in full. RECALL_KEEP=dir keeps the corpus and
# the reports; RECALL_VERBOSE=1 lists every format and what each misses.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${STAGEGATE_BIN:-$TOP/build/release/bin}
OUT=${RECALL_KEEP:-$(mktemp -d)}
[ -n "${RECALL_KEEP:-}" ] || trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT"
rm -rf "$OUT/corpus"

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? 100 * a / b : 0}'; }

cc -O2 -std=c17 -Wall -o "$OUT/corpus-gen" "$TOP/tests/recall/corpus.c" || exit 2
"$OUT/corpus-gen" 20261121 "$TOP/tests/recall/services.tsv" \
	"$TOP/tests/recall/nonsecrets.txt" "$OUT/corpus" || exit 2

cd "$OUT/corpus" || exit 2
"$BIN/stagegate" scan --format json secret >"$OUT/secret.json" 2>"$OUT/secret.err"
[ $? -eq 1 ] || { echo "recall: scan of the tokens failed"; cat "$OUT/secret.err"; exit 1; }
"$BIN/stagegate" scan secret >"$OUT/secret.txt" 2>&1
"$BIN/stagegate" scan --format sarif secret >"$OUT/secret.sarif" 2>&1
"$BIN/stagegate" scan --format json clean >"$OUT/clean.json" 2>"$OUT/clean.err"
rc=$?
[ $rc -le 1 ] || { echo "recall: scan of the non-secrets failed"; cat "$OUT/clean.err"; exit 1; }

grep -o '"path":"[^"]*"' "$OUT/secret.json" | cut -d'"' -f4 | sort -u >"$OUT/found"
find secret -type f | sort >"$OUT/all"
fail=0

# recall per syntax (bare: the token alone, not counted in context)
total_in=0; found_in=0
printf '%-24s %6s %6s %8s\n' syntax tokens found recall
for dir in secret/*/; do
	ctx=$(basename "$dir")
	n=$(grep -c "^secret/$ctx/" "$OUT/all")
	f=$(grep -c "^secret/$ctx/" "$OUT/found")
	printf '%-24s %6d %6d %7.1f%%\n' "$ctx" "$n" "$f" "$(pct "$f" "$n")"
	if [ "$ctx" != bare ]; then
		total_in=$((total_in + n)); found_in=$((found_in + f))
	fi
done

# recall per format, in context (the formats under 100 % in full)
awk -F'\t' '{sub(/.*\/secret\//, "secret/", $1); print $1, $2}' planted.tsv |
	grep -v '^secret/bare/' |
	sort >"$OUT/format-of"
awk 'NR == FNR {f[$1] = 1; next} {n[$2]++; if (f[$1]) h[$2]++}
     END {for (s in n) printf "%s %d %d\n", s, n[s], h[s]}' \
	"$OUT/found" "$OUT/format-of" | sort >"$OUT/per-format"
formats=$(wc -l <"$OUT/per-format")
full=$(awk '$2 == $3' "$OUT/per-format" | wc -l)
printf 'recall per format: %d of %d formats at 100%%; under 100%%:\n' \
	"$full" "$formats"
awk '$2 != $3 {printf "  %-28s %3d/%-3d %5.1f%%\n", $1, $3, $2, 100 * $3 / $2}' \
	"$OUT/per-format" | sort -k3 -n | column -c 160
[ -n "${RECALL_VERBOSE:-}" ] &&
	awk '{printf "  %-28s %3d/%-3d\n", $1, $3, $2}' "$OUT/per-format" |
	column -c 160
recall=$(pct "$found_in" "$total_in")
printf 'in context: %d of %d tokens (%.1f%%), %d formats, %d syntaxes\n' \
	"$found_in" "$total_in" "$recall" "$formats" \
	"$(find secret -mindepth 1 -maxdepth 1 -type d | wc -l)"

# which formats are missed where (for whoever adds a rule)
comm -23 "$OUT/all" "$OUT/found" | sed -E 's#^secret/([^/]*)/(.*)-[0-9]+\.txt$#\2 \1#' |
	sort -u | awk '{m[$1] = m[$1] " " $2} END {for (s in m) print "  missed:", s, m[s]}' |
	sort >"$OUT/missed"
[ -n "${RECALL_VERBOSE:-}" ] && cat "$OUT/missed"

# false positives per kind of non-secret
grep -o '"path":"[^"]*"' "$OUT/clean.json" | cut -d'"' -f4 | sort -u >"$OUT/fp"
nclean=$(find clean -type f | wc -l)
fp=$(wc -l <"$OUT/fp")
printf '%-36s %6s %6s %8s\n' 'non-secret kind' samples reported rate
for dir in clean/*/; do
	kind=$(basename "$dir")
	n=$(find "$dir" -type f | wc -l)
	f=$(grep -c "^clean/$kind/" "$OUT/fp")
	printf '%-36s %6d %6d %7.1f%%\n' "$kind" "$n" "$f" "$(pct "$f" "$n")"
done
printf 'non-secrets: %d of %d reported (%.2f%%)\n' "$fp" "$nclean" \
	"$(pct "$fp" "$nclean")"
if [ "$fp" -gt 0 ]; then
	while read -r p; do
		echo "  reported: $p: $(grep -v '^[[:space:]]*$' "$p" | head -c 160 | tr '\n' ' ')"
	done <"$OUT/fp" | head -${RECALL_SHOW:-40}
fi
awk -v f="$fp" -v n="$nclean" 'BEGIN {exit !(f > n * 0.02)}' &&
	{ echo "false positives over 2%"; fail=1; }
awk -v r="$recall" 'BEGIN {exit !(r < 95)}' && { echo "recall under 95%"; fail=1; }

# no report may hold a planted token in full
cut -f3 planted.tsv | sort -u >"$OUT/tokens"
if grep -F -f "$OUT/tokens" "$OUT/secret.json" "$OUT/secret.txt" "$OUT/secret.sarif" \
	"$OUT/secret.err" >"$OUT/leaks"; then
	echo "a report holds a planted token in full:"
	sed 's/\(.\{60\}\).*/\1.../' "$OUT/leaks" | head
	fail=1
fi
[ $fail -eq 0 ] && echo "recall: ok"
exit $fail
