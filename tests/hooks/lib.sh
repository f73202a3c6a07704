# lib.sh -- helpers for the real-push tests: real bare repositories with
# the hooks installed by install.sh, real clones, real `git push`.
#
# Each test_* function runs in a subshell with a fresh $T directory;
# check/expect_* count results and print what failed.

: "${STAGEGATE_BIN:?set STAGEGATE_BIN to the built binaries}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GL_ID GL_USERNAME GL_USER GITHUB_USER_LOGIN GITEA_PUSHER_NAME REMOTE_USER \
	STAGEGATE_USER STAGEGATE_POLICY
ZERO=0000000000000000000000000000000000000000

fail() { echo "    FAIL: $*"; echo fail >>"$RESULTS"; }
pass() { echo pass >>"$RESULTS"; }
not() { ! "$@"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then pass; else fail "$what"; fi
}

# new_repo [POLICY]: a bare repository "$T/srv dir:x.git" (a space and a
# colon on purpose) with stagegate installed, and a clone in $T/work.
new_repo() {
	local policy=${1:-$TOP/policies/default.yaml}
	REPO="$T/srv dir:x.git"
	git init -q --bare "$REPO"
	# the decisions alone; what landed is t_platform_*'s (post-receive)
	"$TOP/install.sh" --bin "$STAGEGATE_BIN" --no-post-receive --policy "$policy" "$REPO" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; fail "install.sh failed"; return 1; }
	git init -q "$T/work"
	W="$T/work"
	git -C "$W" config user.name Maker
	git -C "$W" config user.email maker@example.com
	git -C "$W" config advice.ignoredHook false
	git -C "$W" remote add origin "$REPO"
}

# commit FILE CONTENT [MESSAGE]: commit in the clone as the maker.
commit() {
	mkdir -p "$(dirname "$W/$1")"
	printf '%s\n' "$2" >"$W/$1"
	git -C "$W" add -- "$1"
	git -C "$W" commit -q -m "${3:-change $1}"
	git -C "$W" rev-parse HEAD
}

# as USER git push ARGS...: push as USER (REMOTE_USER, as git-http-backend).
as() {
	local user=$1; shift
	REMOTE_USER=$user "$@"
}

refs_of() { git --git-dir="$REPO" for-each-ref --format='%(objectname) %(refname)'; }

# expect_accept DESC USER PUSH-ARGS...
expect_accept() {
	local what=$1 user=$2; shift 2
	if REMOTE_USER=$user git -C "$W" push "$@" >"$T/out" 2>&1; then
		pass
	else
		fail "$what: push refused"; sed 's/^/      /' "$T/out"
	fi
}

# expect_reject DESC USER RULE PUSH-ARGS...: refused, RULE shown, refs kept.
expect_reject() {
	local what=$1 user=$2 rule=$3; shift 3
	local before; before=$(refs_of)
	if REMOTE_USER=$user git -C "$W" push "$@" >"$T/out" 2>&1; then
		fail "$what: push accepted"; sed 's/^/      /' "$T/out"; return
	fi
	if ! grep -q -- "\[$rule\]" "$T/out"; then
		fail "$what: no [$rule] in the message"; sed 's/^/      /' "$T/out"; return
	fi
	[ "$before" = "$(refs_of)" ] || { fail "$what: refs changed"; return; }
	pass
}

out_has() { grep -q -- "$1" "$T/out" || { echo "      (no '$1' in output)"; sed 's/^/      /' "$T/out"; return 1; }; }
out_lacks() { ! grep -q -- "$1" "$T/out"; }

# tag_tested NAME REV: the test pipeline (user ci) tags REV and pushes it.
tag_tested() {
	git -C "$W" -c user.name=CI -c user.email=ci@example.com \
		tag -a -m "tested: $1" -m "Result: passed" "tested/$1" "$2"
	REMOTE_USER=ci git -C "$W" push -q origin "refs/tags/tested/$1" >"$T/tag.out" 2>&1 ||
		{ fail "tagging tested/$1 refused"; cat "$T/tag.out"; }
}

# promote BASE MESSAGE: an empty promotion commit on BASE (the tested
# commit), carrying MESSAGE (with its trailers); prints its id.
promote() {
	git -C "$W" commit-tree "$1^{tree}" -p "$1" -m "$2"
}

# tested_release: dev -> test -> tagged; prints the tested commit.
tested_release() {
	local c; c=$(commit "${1:-solution/Solution.xml}" "${2:-<ImportExportXml version=\"1.0\"/>}")
	REMOTE_USER=maker git -C "$W" push -q origin "$c:refs/heads/dev" "$c:refs/heads/test" >"$T/out" 2>&1 ||
		{ fail "pushing to test refused"; cat "$T/out"; }
	tag_tested "${3:-1.0.0}" "$c"
	echo "$c"
}

# promoted_twice: releases 1.0 and 2.0, each tested and promoted to
# main (2.0 by a merge); sets T1 and P1 to the first tested commit and
# its promotion, P2 to the second promotion.
promoted_twice() {
	local t2
	T1=$(tested_release solution/Solution.xml v1 1.0)
	P1=$(promote "$T1" "$APPROVED")
	expect_accept "promote 1" maker origin "$P1:refs/heads/main"
	git -C "$W" checkout -q -b next "$T1"
	t2=$(tested_release solution/Solution.xml v2 2.0)
	git -C "$W" checkout -q -b p2 "$P1"
	git -C "$W" merge -q --no-ff -m "$APPROVED" "$t2"
	P2=$(git -C "$W" rev-parse HEAD)
	expect_accept "promote 2" maker origin "$P2:refs/heads/main"
}

APPROVED='Promote Contoso Expenses to prod

Ticket: CHG004211
Rollback: redeploy the previous tested release
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>'

# corpora_dir: the real exports (../shared/corpora beside the checkout,
# or where STAGEGATE_CORPORA says); empty when there are none.
corpora_dir() {
	local d
	for d in "${STAGEGATE_CORPORA:-}" "$TOP/../shared/corpora" /work/shared/corpora; do
		[ -n "$d" ] && [ -d "$d" ] && { echo "$d"; return; }
	done
}
