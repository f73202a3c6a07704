# t_attack_changes.sh -- attacks on the secret gate's scan of only what
# changed in a large file (t_changes.sh): each test puts a clean base on
# the server, then tries to land a new secret on prod (dev and test, a
# tested tag, a promotion to main) by a rewrite the change finder or the
# parts misjudge. Every one must be refused as a whole-file scan would:
# no ref moves and the secret's blob is not in the server's object store.
# Values are fake, of real shape.

AWS="AKIAQ4RZ7NWLXP2KD5GM"
SENDGRID="SG.aBcDeFgHiJkLmNoPqRsTuV.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcDeFg"
SAK="Qm7Zr2Xv9Lp4Tz8WkY3nB6cD1fH5jM0qS8uV2wX4yA0="	# 44 base64 chars
UPTIME="u7391046-9f3a1c7e5b2d4f6a8c0e1b3d"
LINES=6000	# about 400 KB: parts apply (>= 64 KB)

# filler N: N lines of a large, clean JSON-like export
filler() {
	awk -v n="$1" -v o="${2:-0}" 'BEGIN { for (i = 1; i <= n; i++)
		printf "  \"control_%d\": \"a plain value of line %d, nothing secret here\",\n", i + o, i + o }'
}

# gap: 20000 blank lines (old bytes, farther than any part reaches)
gap() { head -c 20000 /dev/zero | tr '\0' '\n'; }

commit_all() { git -C "$W" add -A; git -C "$W" commit -q -m "${1:-change}"; }

# put_base: the clean base on dev and test (a real earlier push)
put_base() {
	commit_all "export"
	expect_accept "the clean base" maker origin HEAD:refs/heads/dev HEAD:refs/heads/test
}

# attack RULE FILE: push HEAD (the rewrite) to dev and test; if the gate
# lets it in, carry it on to prod (tested tag, approved promotion). It
# must be refused with RULE, and nothing of it may land.
attack() {
	local rule=$1 file=$2 head blob p
	head=$(git -C "$W" rev-parse HEAD)
	blob=$(git -C "$W" rev-parse "HEAD:$file")
	if REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/dev \
		HEAD:refs/heads/test >"$T/out" 2>&1; then
		fail "the rewrite of $file landed on dev and test"
		sed 's/^/      /' "$T/out"
		tag_tested "attack-$RANDOM" "$head"
		p=$(promote "$head" "$APPROVED")
		REMOTE_USER=maker git -C "$W" push origin "$p:refs/heads/main" >"$T/out.main" 2>&1 &&
			echo "      ... and was promoted to main (prod)"
	else
		check "refused with [$rule]" out_has "\[$rule\]"
	fi
	check "prod (main) holds nothing" not git --git-dir="$REPO" rev-parse -q --verify refs/heads/main
	check "dev kept the base" not test "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$head"
	check "the secret's blob is not on the server" not git --git-dir="$REPO" cat-file -e "$blob"
}

# ---- context that lies farther from the change than the part reaches ----

test_keyword_in_old_bytes_far_from_a_new_value() {
	# uptimerobot-key runs only on a text holding "uptimerobot", which
	# its match does not hold: the keyword is old (line 2), the value new
	# (line 3000); no part holds both
	new_repo || return
	mkdir -p "$W/app"
	{ printf '{\n  "monitor": "uptimerobot",\n'; filler $LINES; printf '}\n'; } >"$W/app/x.json"
	put_base
	{ printf '{\n  "monitor": "uptimerobot",\n'; filler 3000; printf '  "m": "%s",\n' "$UPTIME"; filler 3000 3000; printf '}\n'; } >"$W/app/x.json"
	commit_all "a value 3000 lines below the keyword"
	attack secret.uptimerobot-key app/x.json
}

test_value_after_a_long_blank_gap_from_an_old_key() {
	# azure-shared-access-key: SharedAccessKey\s*=\s*VALUE; \s* spans
	# 20000 old blank lines, the value is new: the part around the value
	# starts inside the blank lines and never sees the key
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf 'SharedAccessKey='; gap; printf 'none;\n'; filler 3000 3000; } >"$W/app/conn.txt"
	put_base
	{ filler 3000; printf 'SharedAccessKey='; gap; printf '%s;\n' "$SAK"; filler 3000 3000; } >"$W/app/conn.txt"
	commit_all "the value after the gap"
	attack secret.azure-shared-access-key app/conn.txt
}

test_one_byte_completes_a_key_far_from_its_value() {
	# the key is misspelt in the base (SharedAccessKez), the value is
	# there 20000 blank lines on; the push changes one byte of the key
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf 'SharedAccessKez='; gap; printf '%s;\n' "$SAK"; filler 3000 3000; } >"$W/app/conn.txt"
	put_base
	{ filler 3000; printf 'SharedAccessKey='; gap; printf '%s;\n' "$SAK"; filler 3000 3000; } >"$W/app/conn.txt"
	commit_all "one byte"
	attack secret.azure-shared-access-key app/conn.txt
}

test_netrc_login_far_from_its_password() {
	# netrc-password: machine \S+ login \S+ password VALUE, the blanks
	# between are 20000 old spaces and newlines; the password is new
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf 'machine api.example.net login deploy'; gap; printf 'password '; printf '<none>\n'; filler 3000 3000; } >"$W/app/hosts.txt"
	put_base
	{ filler 3000; printf 'machine api.example.net login deploy'; gap; printf 'password '; printf 'Xk9Qm2Lp7Tz4Wv8R\n'; filler 3000 3000; } >"$W/app/hosts.txt"
	commit_all "the password"
	attack secret.netrc-password app/hosts.txt
}

test_netrc_fields_each_after_a_gap() {
	# every \s+ of netrc-password spans 20000 old blank lines: no part
	# reaches from the new password back to "machine"
	new_repo || return
	mkdir -p "$W/app"
	netrc() { filler 3000; printf machine; gap; printf api.example.net; gap; printf login; gap; printf deploy; gap; printf 'password '; printf '%s\n' "$1"; filler 3000 3000; }
	netrc '<none>' >"$W/app/hosts.txt"
	put_base
	netrc Xk9Qm2Lp7Tz4Wv8R >"$W/app/hosts.txt"
	commit_all "the password"
	attack secret.netrc-password app/hosts.txt
}

test_netrc_quoted_fields_after_gaps() {
	# the same with quotes inside the \S+ fields (a token ends at a quote)
	new_repo || return
	mkdir -p "$W/app"
	netrc() { filler 3000; printf machine; gap; printf 'api"x.example.net'; gap; printf login; gap; printf 'de"p"loy'; gap; printf 'password '; printf '%s\n' "$1"; filler 3000 3000; }
	netrc '<none>' >"$W/app/hosts.txt"
	put_base
	netrc Xk9Qm2Lp7Tz4Wv8R >"$W/app/hosts.txt"
	commit_all "the password"
	attack secret.netrc-password app/hosts.txt
}

test_sas_expiry_moved_far_from_the_signature() {
	# an expired read-only SAS is a note; the push moves its se= into
	# the future, 3000 bytes before sig= in the same URL: the judge reads
	# the URL (4 KB either side), the part's reach was 1.5 KB
	new_repo || return
	mkdir -p "$W/app"
	local pad; pad=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "abcdefghij" }')
	sas() { filler 3000; printf '  "doc": "https://contoso.blob.core.windows.net/docs/a.pdf?sv=2022-11-02&sp=r&se=%s&pad=%s&sig=Zk3Lm9Qr2Tx7Vb4Nw8Yc1Df6Gh0Jk5Ps3Rt9Uv2Wx4%%3D",\n' "$1" "$pad"; filler 3000 3000; }
	sas 2021-01-01T00:00:00Z >"$W/app/x.json"
	put_base
	sas 2099-01-01T00:00:00Z >"$W/app/x.json"
	commit_all "the SAS lives again"
	attack secret.azure-sas-signature app/x.json
}

test_long_userinfo_before_a_new_password() {
	# mongodb-uri-password reads mongodb://USER:PASSWORD@; a user name
	# of 100000 bytes is longer than a part goes to find a token's start
	new_repo || return
	mkdir -p "$W/app"
	local user; user=$(awk 'BEGIN { for (i = 0; i < 50000; i++) printf "u." }')
	mongo() { filler 3000; printf '  "db": "mongodb://%s:%s@db.example.net/app",\n' "$user" "$1"; filler 3000 3000; }
	mongo '' >"$W/app/x.json"
	put_base
	mongo 'Xk9Qm2Lp7Tz4Wv8R' >"$W/app/x.json"
	commit_all "the password"
	attack secret.mongodb-uri-password app/x.json
}

# ---- a secret made of old bytes --------------------------------------------

test_deleted_filler_joins_two_halves() {
	# the base holds AKIAQ4RZ7NW, a filler, LXP2KD5GM; the push deletes
	# the filler (small: found again by the change finder's look-ahead)
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf '  "k": "%sFILLERFILLER%s",\n' "${AWS:0:11}" "${AWS:11}"; filler 3000 3000; } >"$W/app/x.json"
	put_base
	{ filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$W/app/x.json"
	commit_all "filler deleted"
	attack secret.aws-access-key-id app/x.json
}

test_deleted_long_filler_joins_two_halves() {
	# the same with a 30 KB filler: past the change finder's search
	new_repo || return
	mkdir -p "$W/app"
	local fill; fill=$(head -c 30000 /dev/zero | tr '\0' 'Q')
	{ filler 3000; printf '  "k": "%s%s%s",\n' "${AWS:0:11}" "$fill" "${AWS:11}"; filler 3000 3000; } >"$W/app/x.json"
	put_base
	{ filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$W/app/x.json"
	commit_all "filler deleted"
	attack secret.aws-access-key-id app/x.json
}

test_lines_moved_to_make_key_and_value_meet() {
	# a key line at 1000 and a value line at 5000 in the base; the push
	# moves the value line right after the key (old bytes only)
	new_repo || return
	mkdir -p "$W/app"
	{ filler 1000; printf '  "db_password":\n  0,\n'; filler 4000 1000; printf '  "Rk7Qm2Xv9Lp4Tz8W",\n'; filler 1000 5000; } >"$W/app/x.json"
	put_base
	{ filler 1000; printf '  "db_password":\n  "Rk7Qm2Xv9Lp4Tz8W",\n  0,\n'; filler 4000 1000; filler 1000 5000; } >"$W/app/x.json"
	commit_all "moved"
	attack secret.generic-json app/x.json
}

test_block_duplicated_next_to_a_key() {
	# the base has the token split by a line break; the push copies the
	# second half's line up to the first (a duplicate of old bytes)
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf '  "a": "%s\n' "${SENDGRID:0:30}"; filler 2000 3000; printf '%s",\n' "${SENDGRID:30}"; filler 1000 5000; } >"$W/app/x.json"
	put_base
	{ filler 3000; printf '  "a": "%s%s",\n' "${SENDGRID:0:30}" "${SENDGRID:30}"; filler 2000 3000; printf '%s",\n' "${SENDGRID:30}"; filler 1000 5000; } >"$W/app/x.json"
	commit_all "duplicated"
	attack secret.sendgrid-api-key app/x.json
}

# ---- encodings -------------------------------------------------------------

test_json_escape_completed_by_one_byte() {
	# "db_password\u002" + "2: ..." : one byte completes \u0022 (a quote)
	# so the JSON view reads a key = value the text never shows
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; printf '  "cfg": "{\\"db_password\\u002x: \\"Rk7Qm2Xv9Lp4Tz8W\\"}",\n'; filler 3000 3000; } >"$W/app/x.json"
	put_base
	{ filler 3000; printf '  "cfg": "{\\"db_password\\u0022: \\"Rk7Qm2Xv9Lp4Tz8W\\"}",\n'; filler 3000 3000; } >"$W/app/x.json"
	commit_all "one byte"
	attack secret.generic-json app/x.json
}

test_base64_realigned_by_its_first_character() {
	# a long base64 run; the push drops its first character, so every
	# later quartet decodes differently (here: to a line with a key)
	new_repo || return
	mkdir -p "$W/app"
	local text enc
	text=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "release note %04d: nothing to see here at all.\n", i }')
	text="${text}AWS_ACCESS_KEY_ID=$AWS end"
	enc=$(printf '%s' "$text" | base64 -w 0)
	{ filler 3000; printf 'blob: A%s\n' "$enc"; filler 3000 3000; } >"$W/app/x.yaml"
	put_base
	{ filler 3000; printf 'blob: %s\n' "$enc"; filler 3000 3000; } >"$W/app/x.yaml"
	commit_all "first character dropped"
	attack secret.aws-access-key-id app/x.yaml
}

test_pem_header_completed_by_one_byte() {
	# the base's block says PRIVATE KEX; one byte makes it a private key
	# whose body (old, unchanged) follows
	new_repo || return
	mkdir -p "$W/app"
	pem() { filler 3000; printf -- '-----BEGIN RSA PRIVATE %s-----\n' "$1"
		awk 'BEGIN { srand(7); for (l = 0; l < 25; l++) { for (i = 0; i < 64; i++) printf "%c", substr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", int(rand() * 64) + 1, 1); printf "\n" } }'
		printf -- '-----END RSA PRIVATE %s-----\n' "$1"; filler 3000 3000; }
	pem KEX >"$W/app/x.txt"
	put_base
	pem KEY >"$W/app/x.txt"
	commit_all "one byte"
	attack secret.private-key app/x.txt
}

test_bom_added_far_from_a_new_value() {
	# a UTF-8 BOM added at the start and a key 3000 lines on
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; filler 3000 3000; } >"$W/app/x.json"
	put_base
	{ printf '\357\273\277'; filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$W/app/x.json"
	commit_all "a BOM and a key"
	attack secret.aws-access-key-id app/x.json
}

test_a_nul_byte_changes_the_judgement() {
	# one NUL byte far from a new value: binary on one side, text on the
	# other (must be read whole)
	new_repo || return
	mkdir -p "$W/app"
	{ filler 3000; filler 3000 3000; } >"$W/app/x.json"
	put_base
	{ printf '\0'; filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$W/app/x.json"
	commit_all "a NUL and a key"
	attack secret.aws-access-key-id app/x.json
}

# ---- zip entries -------------------------------------------------------------

# mkzip OUT NAME=FILE...: a zip of stored (method 0) entries, in order,
# names repeated as given
mkzip() {
	python3 -W ignore - "$@" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
	for a in sys.argv[2:]:
		name, path = a.split("=", 1)
		z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), open(path, "rb").read())
PY
}

test_zip_entry_same_name_and_size_other_bytes() {
	# a large stored entry of the same name and size as the base's, 20
	# bytes of it replaced by a key
	new_repo || return
	{ filler 3000; printf '  "k": "%s",\n' "XXXXXXXXXXXXXXXXXXXX"; filler 3000 3000; } >"$T/s1"
	{ filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$T/s2"
	printf 'App: demo\n' >"$T/app"
	mkzip "$W/demo.msapp" Src/App.yaml="$T/app" Src/Screen1.json="$T/s1"
	put_base
	mkzip "$W/demo.msapp" Src/App.yaml="$T/app" Src/Screen1.json="$T/s2"
	commit_all "same size"
	attack secret.aws-access-key-id demo.msapp
}

test_zip_second_entry_of_the_same_name() {
	# the base's entry verbatim, then a second entry of that name with a key
	new_repo || return
	{ filler 3000; filler 3000 3000; } >"$T/s1"
	{ filler 3000; printf '  "k": "%s",\n' "$AWS"; filler 3000 3000; } >"$T/s2"
	mkzip "$W/demo.msapp" Src/Screen1.json="$T/s1"
	put_base
	mkzip "$W/demo.msapp" Src/Screen1.json="$T/s1" Src/Screen1.json="$T/s2"
	commit_all "a twin"
	attack secret.aws-access-key-id demo.msapp
}

test_zip_entry_moved_under_the_base_name() {
	# the base has a clean A.json and a B.json; the new zip swaps their
	# names, so each entry has a base of the other's bytes
	new_repo || return
	{ filler 3000; filler 3000 3000; } >"$T/a"
	{ filler 2000; filler 4000 5000; } >"$T/b"
	{ filler 2000; printf '  "k": "%s",\n' "$AWS"; filler 4000 5000; } >"$T/b2"
	mkzip "$W/demo.msapp" Src/A.json="$T/a" Src/B.json="$T/b"
	put_base
	mkzip "$W/demo.msapp" Src/A.json="$T/b2" Src/B.json="$T/a"
	commit_all "swapped"
	attack secret.aws-access-key-id demo.msapp
}

# ---- limits ------------------------------------------------------------------

test_many_small_changes() {
	# a change every 20 lines, one of them the key: past the change
	# finder's limit everything left is read
	new_repo || return
	mkdir -p "$W/app"
	filler $LINES >"$W/app/x.json"
	put_base
	filler $LINES | awk -v k="$AWS" '{ if (NR % 20 == 0) sub(/plain/, "plane"); if (NR == 5555) $0 = "  \"k\": \"" k "\","; print }' >"$W/app/x.json"
	commit_all "many edits"
	attack secret.aws-access-key-id app/x.json
}
