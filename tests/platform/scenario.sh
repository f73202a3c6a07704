# scenario.sh -- the issue's "Must show 1" on one platform, sourced by the
# tests/hooks/t_platform_*.sh files after lib.sh.
#
# The caller sets REPO (the server's bare repository), W (a clone whose
# origin is the platform's URL), LOG (the audit log) and defines
#   push_as USER ARGS...   git push ARGS as USER, the platform's way
# (output in $T/out). Users are the default policy's: maker, ci, admin.

SG="$STAGEGATE_BIN/stagegate"
SECRET_AWS="AKIAQ4RZ7NWLXP2KD5GM"

srv_rev() { git --git-dir="$REPO" rev-parse -q --verify "$1" 2>/dev/null; }

# accept_as DESC USER ARGS...
accept_as() {
	local what=$1 user=$2; shift 2
	if push_as "$user" "$@"; then pass; else
		fail "$what: push refused"; sed 's/^/      /' "$T/out"; fi
}

# reject_as DESC USER RULE ARGS...: refused, [RULE] shown, refs kept.
reject_as() {
	local what=$1 user=$2 rule=$3; shift 3
	local before; before=$(git --git-dir="$REPO" for-each-ref)
	if push_as "$user" "$@"; then
		fail "$what: push accepted"; sed 's/^/      /' "$T/out"; return; fi
	grep -q -- "\[$rule\]" "$T/out" ||
		{ fail "$what: no [$rule] in the message"; sed 's/^/      /' "$T/out"; return; }
	[ "$before" = "$(git --git-dir="$REPO" for-each-ref)" ] ||
		{ fail "$what: refs changed"; return; }
	pass
}

# recorded REF DECISION USER: the last pre-receive record of REF says so.
recorded() {
	local line
	line=$(grep "\"hook\":\"pre-receive\"" "$LOG" | grep -F "\"ref\":\"$1\"" | tail -1)
	case "$line" in
	*"\"pusher\":\"$3\""*"\"decision\":\"$2\""*) return 0 ;;
	*) echo "      last record of $1 is not $2 by $3: $line"; return 1 ;;
	esac
}

# landed_is REF STATE: 'stagegate audit list' shows STATE (yes/no/?) for
# the last accepted record of REF.
landed_is() {
	"$SG" audit list --ref "$1" --decision accepted "$LOG" >"$T/list" 2>&1
	local got; got=$(awk 'NR > 1 {print $5}' "$T/list" | tail -1)
	[ "$got" = "$2" ] || { echo "      landed of $1: '$got', want '$2'"; cat "$T/list"; return 1; }
}

# platform_scenario: accepted (dev), refused (secret, force push to prod),
# a rollback by push option, the right pusher, the message intact, what
# landed, and the chain verifying.
platform_scenario() {
	local c1 c2 p1 p2 side
	c1=$(commit solution/Solution.xml '<ImportExportXml version="1.0"/>')
	accept_as "dev" maker origin "$c1:refs/heads/dev"
	check "dev is on the server" [ "$(srv_rev refs/heads/dev)" = "$c1" ]
	check "dev recorded as the maker's" recorded refs/heads/dev accepted maker
	check "maker told the checks passed" out_has "stagegate: checks passed: 1 ref(s)"
	check "not told it landed before it did" out_lacks "push accepted"
	check "dev landed" landed_is refs/heads/dev yes

	git -C "$W" checkout -q -b leak
	commit config/settings.env "AWS_ACCESS_KEY_ID=$SECRET_AWS" >/dev/null
	reject_as "a secret" maker secret.aws-access-key-id origin HEAD:refs/heads/dev
	check "the secret is not shown" not grep -qF "$SECRET_AWS" "$T/out" "$LOG"
	check "the refusal names the file" out_has "config/settings.env"
	check "secret refusal recorded" recorded refs/heads/dev rejected maker
	git -C "$W" checkout -q -

	# a release on prod: test, the pipeline's tag, an approved promotion
	accept_as "test" maker origin "$c1:refs/heads/test"
	git -C "$W" -c user.name=CI -c user.email=ci@example.com tag -a \
		-m "tested: 1.0" -m "Result: passed" tested/1.0 "$c1"
	accept_as "test tag" ci origin refs/tags/tested/1.0
	check "tag recorded as ci's" recorded refs/tags/tested/1.0 accepted ci
	p1=$(promote "$c1" "$APPROVED")
	accept_as "promotion 1" maker origin "$p1:refs/heads/main"
	git -C "$W" checkout -q -b next "$c1"
	c2=$(commit solution/Solution.xml '<ImportExportXml version="2.0"/>')
	accept_as "test 2" maker origin "$c2:refs/heads/dev" "$c2:refs/heads/test"
	git -C "$W" -c user.name=CI -c user.email=ci@example.com tag -a \
		-m "tested: 2.0" -m "Result: passed" tested/2.0 "$c2"
	accept_as "test tag 2" ci origin refs/tags/tested/2.0
	git -C "$W" checkout -q -b p2 "$p1"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$c2"
	p2=$(git -C "$W" rev-parse HEAD)
	accept_as "promotion 2" maker origin "$p2:refs/heads/main"
	check "prod is release 2" [ "$(srv_rev refs/heads/main)" = "$p2" ]

	# refused: a force push to prod that is no rollback
	side=$(git -C "$W" commit-tree "$c1^{tree}" -p "$c1" -m "$APPROVED")
	reject_as "force push to prod" maker protect.force-push origin "+$side:refs/heads/main"
	check "force push recorded" recorded refs/heads/main rejected maker
	check "prod kept" [ "$(srv_rev refs/heads/main)" = "$p2" ]

	# a rollback: push option with its reason, by a release manager
	accept_as "rollback" admin -o "rollback=2.0 breaks totals" origin "+$p1:refs/heads/main"
	check "rolled back" [ "$(srv_rev refs/heads/main)" = "$p1" ]
	check "rollback shown with its reason" out_has "by admin: 2.0 breaks totals"
	check "rollback recorded as admin's" recorded refs/heads/main accepted admin
	check "rollback reason recorded" grep -q '"rollback_reason":"2.0 breaks totals"' "$LOG"
	check "rollback landed" landed_is refs/heads/main yes
	check "the chain verifies" "$SG" audit verify "$LOG"
}
