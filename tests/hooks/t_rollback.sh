# t_rollback.sh -- rollback targets with an absolute audit.path: one log
# shared by several repositories (an admin's), where only a repository's
# own records make rollback targets; and a repository's own relative log,
# read as before.

# shared_policy LOG: the default policy with audit.path LOG, in $T/p.yaml.
shared_policy() {
	sed "s|^  path: stagegate/audit.log\$|  path: '$1'|" \
		"$TOP/policies/default.yaml" >"$T/p.yaml"
	grep -qF "path: '$1'" "$T/p.yaml" || { fail "no audit.path in the policy"; return 1; }
}

# second_repo DIR: another bare repository with the same policy, holding
# test tags tested/1.0 on T1 and tested/2.0 on T2, whose prod (main)
# held only P2; its remote in the clone is "b".
second_repo() {
	git init -q --bare "$1"
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --no-post-receive --policy "$T/p.yaml" "$1" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install.sh failed for $1"; return 1; }
	git -C "$W" remote add b "$1"
	expect_accept "b: T1 and T2 to test" maker b "$T1:refs/heads/test"
	expect_accept "b: T2 to test" maker b "$T2:refs/heads/test"
	expect_accept "b: the test tags" ci b refs/tags/tested/1.0 refs/tags/tested/2.0
	expect_accept "b: prod holds P2" maker b "$P2:refs/heads/main"
}

# two_releases [POLICY]: a repository ($REPO, remote origin) whose prod
# held P1 (tested/1.0 on T1) and then P2 (tested/2.0 on T2).
two_releases() {
	new_repo "$@" || return 1
	T1=$(tested_release solution/Solution.xml v1 1.0)
	P1=$(promote "$T1" "$APPROVED")
	expect_accept "a: promote 1" maker origin "$P1:refs/heads/main"
	git -C "$W" checkout -q -b next "$T1"
	T2=$(tested_release solution/Solution.xml v2 2.0)
	git -C "$W" checkout -q -b p2 "$P1"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$T2"
	P2=$(git -C "$W" rev-parse HEAD)
	expect_accept "a: promote 2" maker origin "$P2:refs/heads/main"
}

# shared_setup: repositories A ($REPO, remote origin) and B ($B, remote
# b) with one log at an absolute path; A's prod held P1 then P2.
shared_setup() {
	LOG="$T/shared/audit.log"
	mkdir -p "$T/shared"
	shared_policy "$LOG" || return 1
	two_releases "$T/p.yaml" || return 1
	B="$T/b.git"
	second_repo "$B"
}

test_shared_log_rollback_accepted_in_its_repository() {
	shared_setup || return
	check "one shared log" [ -s "$LOG" ]
	check "no log of A's own" [ ! -e "$REPO/stagegate/audit.log" ]
	check "no log of B's own" [ ! -e "$B/stagegate/audit.log" ]
	expect_accept "a: rollback to P1" admin -o "rollback=2.0 breaks totals" origin "+$P1:refs/heads/main"
	check "shown as a rollback" out_has "note \[rollback\]"
	check "names the tag it carries" out_has "(tested/1.0) by admin"
	check "a: main rolled back" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P1" ]
	check "b: main untouched" [ "$(git --git-dir="$B" rev-parse refs/heads/main)" = "$P2" ]
	"$STAGEGATE_BIN/stagegate" audit verify "$LOG" >"$T/verify" 2>&1
	check "the shared log verifies" [ $? -eq 0 ]
	# an auditor picks one repository's records out of the shared log
	local a b
	a=$(cd "$REPO" && pwd -P); b=$(cd "$B" && pwd -P)
	"$STAGEGATE_BIN/stagegate" audit export --format json --repo "$a" "$LOG" >"$T/a.json"
	check "--repo: A's records only" python3 -c '
import json, sys
recs = json.load(open(sys.argv[1]))
sys.exit(not recs or any(r.get("repository") != sys.argv[2] for r in recs))' "$T/a.json" "$a"
	check "--repo: A's rollback is there" grep -q '"rollback"' "$T/a.json"
	"$STAGEGATE_BIN/stagegate" audit export --format json --repo "$b" "$LOG" >"$T/b.json"
	check "--repo: B's records only" python3 -c '
import json, sys
recs = json.load(open(sys.argv[1]))
sys.exit(not recs or any(r.get("repository") != sys.argv[2] for r in recs))' "$T/b.json" "$b"
	"$STAGEGATE_BIN/stagegate" audit list --repo "$b" "$LOG" >"$T/b.list"
	"$STAGEGATE_BIN/stagegate" audit list --repo "$T/*.git" "$LOG" >"$T/all.list"
	"$STAGEGATE_BIN/stagegate" audit list "$LOG" >"$T/every.list"
	check "--repo glob: both repositories" cmp -s "$T/all.list" "$T/every.list"
	check "--repo: B is fewer" [ "$(wc -l <"$T/b.list")" -lt "$(wc -l <"$T/all.list")" ]
}

test_shared_log_other_repositorys_tip_refused() {
	shared_setup || return
	# P1 is tested (tested/1.0 is in B too) and B's prod is on P2, as
	# A's was: only that A's prod held P1 is in the log, not B's
	local before; before=$(git --git-dir="$B" for-each-ref --format='%(objectname) %(refname)')
	if REMOTE_USER=admin git -C "$W" push -o "rollback=why" b "+$P1:refs/heads/main" >"$T/out" 2>&1; then
		fail "b: rollback to A's tip accepted"; sed 's/^/      /' "$T/out"
	else
		pass
	fi
	check "refused as rollback.target" out_has "\[rollback.target\]"
	check "never held by this branch" out_has "was never held by this branch"
	check "b: refs unchanged" [ "$before" = "$(git --git-dir="$B" for-each-ref --format='%(objectname) %(refname)')" ]
	check "b: main still P2" [ "$(git --git-dir="$B" rev-parse refs/heads/main)" = "$P2" ]
	check "a: main still P2" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P2" ]
	# B's own past tip is a target in B: P2 after a roll forward
	git -C "$W" checkout -q -b p3 "$P2"
	local t3; t3=$(commit solution/Solution.xml v3)
	expect_accept "b: t3 to test" maker b "$t3:refs/heads/test"
	git -C "$W" -c user.name=CI -c user.email=ci@example.com \
		tag -a -m "tested: 3.0" -m "Result: passed" tested/3.0 "$t3"
	expect_accept "b: tag 3.0" ci b refs/tags/tested/3.0
	local p3; p3=$(promote "$t3" "$APPROVED")
	expect_accept "b: promote 3" maker b "$p3:refs/heads/main"
	expect_accept "b: rollback to its own P2" admin -o "rollback=3.0 breaks" b "+$P2:refs/heads/main"
	check "b: main back on P2" [ "$(git --git-dir="$B" rev-parse refs/heads/main)" = "$P2" ]
	"$STAGEGATE_BIN/stagegate" audit verify "$LOG" >"$T/verify" 2>&1
	check "the shared log verifies" [ $? -eq 0 ]
}

test_shared_log_repository_reached_through_a_symlink() {
	shared_setup || return
	# the records name the canonical path, whatever path the push used
	ln -s "$REPO" "$T/link.git"
	git -C "$W" remote set-url origin "$T/link.git"
	expect_accept "a: rollback through the link" admin -o "rollback=why" origin "+$P1:refs/heads/main"
	check "a: main rolled back" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P1" ]
}

test_own_log_rollback_unchanged_after_a_move() {
	# the relative log lives in the repository and moves with it: every
	# record counts, also those naming the repository's former path
	two_releases || return
	mv "$REPO" "$T/moved.git"
	REPO="$T/moved.git"
	git -C "$W" remote set-url origin "$REPO"
	expect_accept "rollback after the move" admin -o "rollback=why" origin "+$P1:refs/heads/main"
	check "main rolled back" [ "$(git --git-dir="$REPO" rev-parse refs/heads/main)" = "$P1" ]
	check "the log still its own" [ -s "$REPO/stagegate/audit.log" ]
}
