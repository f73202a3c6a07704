# t_report.sh -- the auditor's views with real pushes (issue 18): the HTML
# report (rendered in headless Chromium), several logs at once, and the
# filters' validation.

SG="$STAGEGATE_BIN/stagegate"
log() { echo "$REPO/stagegate/audit.log"; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

HOSTILE_TICKET='<script>alert(1)</script>'
HOSTILE_REF='refs/heads/feature/<svg/onload=alert(2)>'
HOSTILE_USER='<i>eve</i>'

# report_pushes: a repository whose log holds a hostile dev ref, a
# refusal, two promotions (the second with a hostile ticket) and an
# accepted rollback.
report_pushes() {
	new_repo || return 1
	local c; c=$(commit a.txt one)
	expect_accept "hostile ref" maker origin "$c:$HOSTILE_REF"
	expect_reject "refused" approver1 protect.pusher origin "$c:refs/heads/test"
	expect_reject "hostile pusher" "$HOSTILE_USER" protect.pusher origin "$c:refs/heads/test"
	T1=$(tested_release solution/Solution.xml v1 1.0)
	P1=$(promote "$T1" "$APPROVED")
	expect_accept "promote 1" maker origin "$P1:refs/heads/main"
	git -C "$W" checkout -q -b next "$T1"
	T2=$(tested_release solution/Solution.xml v2 2.0)
	git -C "$W" checkout -q -b p2 "$P1"
	git -C "$W" merge -q --no-ff -m "${APPROVED/CHG004211/$HOSTILE_TICKET}" "$T2"
	P2=$(git -C "$W" rev-parse HEAD)
	expect_accept "promote 2" maker origin "$P2:refs/heads/main"
	expect_accept "rollback" admin -o "rollback=2.0 <b>breaks</b> totals" origin "+$P1:refs/heads/main"
}

# render HTML PNG: headless Chromium; its console messages into $T/console.
render() {
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$T/chromium" \
		--enable-logging=stderr --v=0 --window-size=1000,900 \
		--screenshot="$2" "file://$1" >"$T/chromium.out" 2>&1
	grep 'CONSOLE' "$T/chromium.out" >"$T/console" || true
	[ -s "$2" ]
}

# not_blank PNG: more than a few colors, and ink on more than 2% of it.
not_blank() {
	local s; s=$(python3 "$HERE/png_stats.py" "$1") || return 1
	echo "      screenshot: $s"
	awk -v s="$s" 'BEGIN { split(s, a, /[ =]/); exit !(a[2] >= 8 && a[4] > 0.02) }'
}

test_report_html() {
	report_pushes || return
	"$SG" audit report --html "$T/r.html" "$(log)" >"$T/out" 2>&1
	check "report written" [ $? -eq 0 -a -s "$T/r.html" ]
	check "chain status at the top" grep -q 'class="chain ok"><h2>Hash chain: intact' "$T/r.html"
	check "no script, however hostile the log" not grep -qi '<script\|<svg/\|<i>\|<b>breaks' "$T/r.html"
	check "the hostile ticket shown escaped" grep -q '<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$T/r.html"
	check "the hostile pusher counted, escaped" grep -q '>&lt;i&gt;eve&lt;/i&gt;</text>' "$T/r.html"
	check "nothing fetched: no src, href or url()" not grep -qi 'src=\|href=\|url(\|@import' "$T/r.html"
	check "two promotions" grep -q 'Promotions to prod (2)' "$T/r.html"
	check "promotion row: pusher, tag, approvers, plan" \
		grep -q '<td>maker</td><td>tested/1.0</td><td>approver1, approver2</td><td>CHG004211</td><td>redeploy the previous tested release</td>' "$T/r.html"
	check "the rollback listed" grep -q 'Rollbacks and break-glass pushes (1)' "$T/r.html"
	check "its reason escaped" grep -q '2.0 &lt;b&gt;breaks&lt;/b&gt; totals' "$T/r.html"
	check "change failure rate 1 per 2" grep -q '50.0 %</b><span>1 rollback(s) per 2 promotion(s)' "$T/r.html"
	check "refusals by rule" grep -q '>protect.pusher</text>' "$T/r.html"
	check "refusals by user" grep -q '>approver1</text>' "$T/r.html"
	check "decisions per day as SVG" grep -q '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="decisions per day"' "$T/r.html"
	check "chromium renders it" render "$T/r.html" "$T/r.png"
	check "no console message (a CSP violation would be one)" [ ! -s "$T/console" ]
	[ -s "$T/console" ] && sed 's/^/      /' "$T/console"
	check "screenshot not blank" not_blank "$T/r.png"
}

# The checks above can fail: a page with a script logs to the console
# (our CSP blocks it, and says so), and a blank page is blank.
test_report_render_checks_can_fail() {
	printf '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'"></head><body><script>console.log(1)</script></body></html>\n' >"$T/bad.html"
	render "$T/bad.html" "$T/bad.png"
	check "an injected script shows on the console" [ -s "$T/console" ]
	check "a blank page is blank" not not_blank "$T/bad.png"
}

test_report_shows_a_broken_chain() {
	report_pushes || return
	sed -i '3s/"pusher":"[^"]*"/"pusher":"mallory"/' "$(log)"
	"$SG" audit report --html "$T/r.html" "$(log)" >"$T/out" 2>&1
	check "written anyway" [ $? -eq 0 ]
	check "BROKEN at the top" grep -q 'class="chain broken"><h2>Hash chain: BROKEN' "$T/r.html"
	check "names the record" grep -q 'BROKEN: .*audit.log:4:' "$T/r.html"
}

test_report_filters() {
	report_pushes || return
	"$SG" audit report --html "$T/r.html" --user admin "$(log)" >"$T/out" 2>&1
	check "filtered: no promotion by maker" grep -q 'Promotions to prod (0)' "$T/r.html"
	check "filtered: the rollback stays" grep -q 'Rollbacks and break-glass pushes (1)' "$T/r.html"
	check "filter named" grep -q 'filters: --user admin' "$T/r.html"
	"$SG" audit report "$(log)" >"$T/out" 2>&1
	check "report needs --html" [ $? -eq 2 ]
}

test_report_many_logs() {
	report_pushes || return
	local first; first=$(log)
	local second="$T/second.git"
	git init -q --bare "$second"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" "$second" >"$T/install.out" 2>&1 || { fail "install"; return; }
	local c; c=$(commit b.txt two)
	expect_accept "second repository" maker "$second" "$c:refs/heads/dev"
	REPO=$second
	"$SG" audit list "$first" "$(log)" >"$T/out"
	check "list names repositories" out_has 'REPOSITORY'
	check "a record of the first" grep -Eq 'srv dir:x.git .*accepted +yes +admin' "$T/out"
	check "a record of the second" grep -Eq 'second.git .*accepted +yes +maker .*refs/heads/dev' "$T/out"
	check "all records" [ "$(grep -c '^[0-9a-f]*\.[0-9]' "$T/out")" -eq \
		"$(cat "$first" "$(log)" | grep -c '"type":"decision"')" ]
	"$SG" audit stats "$first" "$(log)" >"$T/out"
	check "stats per repository" out_has 'per repository:'
	"$SG" audit export --format csv "$first" "$(log)" >"$T/out"
	check "export: the repository column" grep -q "\"$second\"" "$T/out"
	check "export: the first's too" grep -q "\"$T/srv dir:x.git\"" "$T/out"
	"$SG" audit report --html "$T/r.html" "$first" "$(log)" >/dev/null
	check "report verifies both chains" [ "$(grep -c 'hash chain intact' "$T/r.html")" -eq 2 ]
	check "promotions name the repository" grep -q "<td>$T/srv dir:x.git</td><td>refs/heads/main</td>" "$T/r.html"
}

test_report_since_is_validated() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_accept "a push" maker origin "$c:refs/heads/dev"
	for bad in yesterday 2026-13-45 2026-02-30 2026-11-01T25:00 '2026-11-01 08:00:00x'; do
		"$SG" audit list --since "$bad" "$(log)" >"$T/out" 2>&1
		check "--since $bad refused" [ $? -eq 2 ]
		check "--since $bad: says why" out_has "--since '$bad'"
	done
	"$SG" audit list --until nonsense "$(log)" >"$T/out" 2>&1
	check "--until checked too" [ $? -eq 2 ]
	"$SG" audit list "$(log)" >"$T/out"
	local time; time=$(awk 'NR==2 {print $2" "$3}' "$T/out")
	"$SG" audit list --since "$time" "$(log)" >"$T/out"
	check "the TIME list prints is accepted" [ "$(grep -c 'accepted .*refs/heads/dev' "$T/out")" -eq 1 ]
	"$SG" audit list --since "${time/ /T}Z" "$(log)" >"$T/out"
	check "ISO with Z too" [ "$(grep -c 'accepted .*refs/heads/dev' "$T/out")" -eq 1 ]
	"$SG" audit list --until 2000-01-01 "$(log)" >"$T/out"
	check "--until before: nothing" [ "$(wc -l <"$T/out")" -eq 1 ]
	"$SG" audit --help >"$T/out" 2>&1
	check "audit --help" [ $? -eq 0 ]
	check "audit --help shows report" out_has 'audit report --html FILE'
}
