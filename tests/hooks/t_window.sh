# t_window.sh -- change windows, freezes and break-glass with real pushes
# and a clock set by the test (issue 16). STAGEGATE_TEST_NOW exists only in
# test and asan builds (-DSG_TEST_CLOCK).

# window_policy OUT: the shipped policy, prod open Tue-Thu 09:00-15:00
# Paris time, frozen over the year end.
window_policy() {
	awk '{ print } /^    tested: true$/ {
		print "    windows:"
		print "      - days: [tue-thu]"
		print "        time: 09:00-15:00"
		print "        zone: Europe/Paris"
		print "    freezes:"
		print "      - from: 2026-12-21"
		print "        to: 2027-01-03"
		print "        reason: year-end close"
	}' "$TOP/policies/default.yaml" >"$1"
	grep -q "year-end close" "$1"
}

# release N: dev -> test -> tagged, then an approved promotion; prints it.
release() {
	local tip; tip=$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/main) &&
		git -C "$W" reset -q --hard "$tip"
	local t; t=$(tested_release "solution/n$1.txt" "release $1" "$1.0")
	promote "$t" "$APPROVED"
}

# at WHEN DESC USER [expect_accept|expect_reject RULE] ARGS...
at() {
	local when=$1; shift
	STAGEGATE_TEST_NOW=$when "$@"
}

prod() { git --git-dir="$REPO" rev-parse -q --verify refs/heads/main; }
# the clone's next commits go on top of prod
on_prod() { git -C "$W" reset -q --hard "$(prod)"; }
quiet() { "$@" >/dev/null 2>&1; }

test_inside_window_accepted_outside_refused() {
	window_policy "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p; p=$(release 1)
	# Monday 2026-12-07 10:00 UTC: no window on Mondays
	at 2026-12-07T10:00:00Z expect_reject "monday" maker window.closed origin "$p:refs/heads/main"
	check "names the next opening in Paris time" out_has "the next window opens Tue 2026-12-08 09:00 CET (Europe/Paris) = Tue 2026-12-08 08:00 UTC"
	check "says now" out_has "now is Mon 2026-12-07 11:00 CET"
	check "names the windows" out_has "tue-thu 09:00-15:00 Europe/Paris"
	check "offers break-glass" out_has "a member of release-managers pushes with -o break-glass="
	# Tuesday 08:30 UTC is 09:30 in Paris (CET, UTC+1)
	at 2026-12-08T08:30:00Z expect_accept "tuesday 09:30 Paris" maker origin "$p:refs/heads/main"
	check "prod moved" [ "$(prod)" = "$p" ]
	check "recorded as accepted" grep -q '"ref":"refs/heads/main".*"decision":"accepted"' "$REPO/stagegate/audit.log"
}

test_window_edges_and_summer_time() {
	window_policy "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p; p=$(release 1)
	# 07:59 UTC in December is 08:59 in Paris: closed, opens in a minute
	at 2026-12-08T07:59:00Z expect_reject "08:59 Paris" maker window.closed origin "$p:refs/heads/main"
	check "opens at 09:00 the same day" out_has "opens Tue 2026-12-08 09:00 CET"
	# 14:00 UTC is 15:00 in Paris: the window has just closed; next Wednesday
	at 2026-12-10T14:00:00Z expect_reject "thu 15:00 Paris" maker window.closed origin "$p:refs/heads/main"
	check "next week" out_has "opens Tue 2026-12-15 09:00 CET (Europe/Paris) = Tue 2026-12-15 08:00 UTC"
	# July: Paris is UTC+2, so 07:30 UTC is 09:30 there
	at 2026-07-07T07:30:00Z expect_accept "summer 09:30 CEST" maker origin "$p:refs/heads/main"
	local p2; p2=$(release 2)
	at 2026-07-09T13:30:00Z expect_reject "summer thu 15:30 CEST" maker window.closed origin "$p2:refs/heads/main"
	check "shown in CEST, UTC two hours off" out_has "opens Tue 2026-07-14 09:00 CEST (Europe/Paris) = Tue 2026-07-14 07:00 UTC"
	# the server's own TZ changes nothing
	TZ=America/New_York at 2026-07-09T13:30:00Z expect_reject "server TZ" maker window.closed origin "$p2:refs/heads/main"
	check "same answer under another TZ" out_has "opens Tue 2026-07-14 09:00 CEST"
}

test_freeze_refused_with_reason() {
	window_policy "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p; p=$(release 1)
	# Tuesday 2026-12-22 10:00 Paris: inside a window, but frozen
	at 2026-12-22T09:00:00Z expect_reject "frozen" maker window.freeze origin "$p:refs/heads/main"
	check "gives the reason" out_has "frozen from 2026-12-21 to 2027-01-03 (Europe/Paris): year-end close"
	check "next opening after the freeze" out_has "the next window opens Tue 2027-01-05 09:00 CET"
	check "not called closed" out_lacks "window.closed"
	# the last frozen day, then the first window after it
	at 2027-01-03T22:59:00Z expect_reject "last minute of the freeze" maker window.freeze origin "$p:refs/heads/main"
	at 2027-01-05T08:00:00Z expect_accept "first window after" maker origin "$p:refs/heads/main"
}

test_break_glass() {
	window_policy "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p; p=$(release 1)
	local L="$REPO/stagegate/audit.log"
	# another user, with a good reason
	at 2026-12-07T10:00:00Z expect_reject "maker breaks glass" maker window.break-glass-denied \
		-o "break-glass=INC0012345 payments flow down" origin "$p:refs/heads/main"
	check "still says closed" out_has "\[window.closed\]"
	# an allowed user without a reason, and with one that names no incident
	at 2026-12-07T10:00:00Z expect_reject "no reason" admin window.break-glass-reason \
		-o break-glass origin "$p:refs/heads/main"
	at 2026-12-07T10:00:00Z expect_reject "empty reason" admin window.break-glass-reason \
		-o break-glass= origin "$p:refs/heads/main"
	at 2026-12-07T10:00:00Z expect_reject "no ticket" admin window.break-glass-reason \
		-o "break-glass=prod is down" origin "$p:refs/heads/main"
	check "names the pattern" out_has "matching '^INC\[0-9\]{5,}"
	check "prod did not move" [ -z "$(prod)" ]
	# an allowed user with an incident
	at 2026-12-07T10:00:00Z expect_accept "admin breaks glass" admin \
		-o "break-glass=INC0012345 payments flow down" origin "$p:refs/heads/main"
	check "prod moved" [ "$(prod)" = "$p" ]
	check "told" out_has "break-glass on environment 'prod' by admin: INC0012345 payments flow down"
	check "recorded as break-glass" grep -q '"ref":"refs/heads/main".*"decision":"break-glass".*"break_glass_reason":"INC0012345 payments flow down"' "$L"
	check "chain intact" quiet "$STAGEGATE_BIN/stagegate" audit verify "$L"
	# the auditor's view
	"$STAGEGATE_BIN/stagegate" audit list --break-glass "$L" >"$T/list"
	check "list --break-glass: the use" grep -Eq "break-glass +yes +admin .*refs/heads/main.*break-glass: INC0012345 payments flow down" "$T/list"
	check "list --break-glass: the refused attempts" [ "$(grep -c "rejected" "$T/list")" -eq 4 ]
	check "list --break-glass: nothing else" [ "$(grep -vc '^ID' "$T/list")" -eq 5 ]
	"$STAGEGATE_BIN/stagegate" audit stats "$L" >"$T/stats"
	check "stats count it" grep -q "break-glass: 1 used, 4 refused" "$T/stats"
	check "stats per decision" grep -Eq "^ +1  break-glass$" "$T/stats"
	"$STAGEGATE_BIN/stagegate" audit list --decision break-glass "$L" >"$T/list2"
	check "--decision break-glass" [ "$(grep -vc '^ID' "$T/list2")" -eq 1 ]
	# approvals still apply: break-glass lifts the window only
	on_prod
	local t2; t2=$(tested_release solution/n2.txt two 2.0)
	local bad; bad=$(promote "$t2" "no approvals")
	at 2026-12-07T10:00:00Z expect_reject "approvals still apply" admin approval.missing \
		-o "break-glass=INC0012346 again" origin "$bad:refs/heads/main"
	# not needed inside a window: a note, an ordinary acceptance
	local p3; p3=$(promote "$t2" "$APPROVED")
	at 2026-12-08T09:00:00Z expect_accept "open anyway" admin \
		-o "break-glass=INC0012347 just in case" origin "$p3:refs/heads/main"
	check "says it was not needed" out_has "break-glass was not needed"
	check "accepted, not break-glass" [ "$(grep -c '"decision":"break-glass"' "$L")" -eq 1 ]
}

test_break_glass_may_lift_approvals() {
	window_policy "$T/policy.yaml" || { fail "policy"; return; }
	sed -i 's/^      groups: \[release-managers\]$/&/; /^    break_glass:$/a\      lifts: [approvals]' "$T/policy.yaml"
	grep -q "lifts: \[approvals\]" "$T/policy.yaml" || { fail "no lifts"; return; }
	new_repo "$T/policy.yaml" || return
	local t; t=$(tested_release)
	local p; p=$(promote "$t" "hotfix, approvals afterwards")
	at 2026-12-07T10:00:00Z expect_reject "no break-glass" admin approval.missing origin "$p:refs/heads/main"
	at 2026-12-07T10:00:00Z expect_accept "break-glass lifts approvals" admin \
		-o "break-glass=INC0099999 checkout down" origin "$p:refs/heads/main"
	check "prod moved" [ "$(prod)" = "$p" ]
	# but not the test gate
	on_prod
	local u; u=$(commit solution/x.txt untested "$APPROVED")
	at 2026-12-07T10:00:00Z expect_reject "untested" admin tested.untagged \
		-o "break-glass=INC0099999 checkout down" origin "$u:refs/heads/main"
}

test_always_open_without_windows() {
	new_repo || return
	local p; p=$(release 1)
	at 2026-12-07T03:00:00Z expect_accept "shipped policy: no windows" maker origin "$p:refs/heads/main"
	check "no window finding" out_lacks "window\."
}

test_policy_errors_name_file_line_col() {
	local sg="$STAGEGATE_BIN/stagegate"
	window_policy "$T/good.yaml" || { fail "policy"; return; }
	check "valid" quiet "$sg" policy check "$T/good.yaml"
	sed 's/time: 09:00-15:00/time: 09:00-25:00/' "$T/good.yaml" >"$T/bad.yaml"
	"$sg" policy check "$T/bad.yaml" >"$T/out" 2>&1 && fail "bad time accepted"
	local line; line=$(grep -n "09:00-25:00" "$T/bad.yaml" | cut -d: -f1)
	check "bad time: file:line:col" out_has "bad.yaml:$line:15: '09:00-25:00' is not a time range"
	sed 's#zone: Europe/Paris#zone: Europe/Pariss#' "$T/good.yaml" >"$T/bad.yaml"
	"$sg" policy check "$T/bad.yaml" >"$T/out" 2>&1 && fail "bad zone accepted"
	line=$(grep -n "Pariss" "$T/bad.yaml" | cut -d: -f1)
	check "unknown zone" out_has "bad.yaml:$line:15: unknown time zone 'Europe/Pariss'"
	sed 's/to: 2027-01-03/to: 2026-12-01/' "$T/good.yaml" >"$T/bad.yaml"
	"$sg" policy check "$T/bad.yaml" >"$T/out" 2>&1 && fail "reversed freeze accepted"
	line=$(grep -n "to: 2026-12-01" "$T/bad.yaml" | cut -d: -f1)
	check "reversed freeze" out_has "bad.yaml:$line:13: freeze ends (2026-12-01) before it starts (2026-12-21)"
}

test_break_glass_goes_to_syslog_as_critical() {
	command -v python3 >/dev/null || { pass; return; }
	window_policy "$T/w.yaml" || { fail "policy"; return; }
	sed -e "s|^  syslog: false\$|  syslog: true\\n  syslog_socket: $T/log.sock|" "$T/w.yaml" >"$T/p.yaml"
	new_repo "$T/p.yaml" || return
	local p; p=$(release 1)
	python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(20)
open(sys.argv[2],"wb").write(s.recv(65536))' "$T/log.sock" "$T/syslog.out" &
	local pid=$!
	for _ in $(seq 50); do [ -S "$T/log.sock" ] && break; sleep 0.1; done
	at 2026-12-07T10:00:00Z expect_accept "admin breaks glass" admin \
		-o "break-glass=INC0012345 payments flow down" origin "$p:refs/heads/main"
	wait "$pid"
	# facility 13 (log audit), severity 2 (critical): 13 * 8 + 2
	check "critical, decision break-glass" grep -q '^<106>1 .* decision="break-glass" ref="refs/heads/main" user="admin"' "$T/syslog.out"
}
