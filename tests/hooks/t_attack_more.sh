# t_attack_more.sh -- a second attacker's read (issue 11): pushes of the
# same classes as t_attack*.sh that those do not try. Bytes hidden in
# encodings the scanner did not undo (base64 of an archive, base64 of
# base64, UTF-32, compressors it cannot open), objects reached another way
# (an orphan tree reused later, a lightweight tag of a tree, notes), refs
# spelled so git or the gates might read them apart, limits that must fail
# closed, and trailers placed where a reader would not look. Each test
# checks the server's refs, object store and audit log afterwards.

MGH="ghp_$(printf 'Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi02EejK6')"
MGH=${MGH:0:40}

m_absent() { ! git --git-dir="$REPO" cat-file -e "$1" 2>/dev/null; }
m_ref_is() { [ "$(git --git-dir="$REPO" rev-parse -q --verify "$1")" = "$2" ]; }
m_no_ref() { ! git --git-dir="$REPO" rev-parse -q --verify "$1" >/dev/null; }
m_log() { echo "$REPO/stagegate/audit.log"; }
# the refusal is in the audit log under RULE, and the token is not
m_audited() {
	grep -q "\"rule\":\"$1\"" "$(m_log)" && ! grep -qF -- "$MGH" "$(m_log)"
}
m_token_json() { printf '{"token": "%s"}\n' "$MGH"; }

# m_refused DESC RULE PATH: commit the file PATH (already written in $W),
# push it to dev; refused under RULE, and nothing of it on the server
m_refused() {
	local what=$1 rule=$2 path=$3 blob
	git -C "$W" add -- "$path"
	git -C "$W" commit -q -m "add $path"
	blob=$(git -C "$W" rev-parse "HEAD:$path")
	expect_reject "$what" maker "$rule" origin HEAD:refs/heads/dev
	check "$what: the file is not on the server" m_absent "$blob"
	check "$what: dev not created" m_no_ref refs/heads/dev
	check "$what: refusal audited, value not" m_audited "$rule"
}

# m_fresh: a new server and clone in the same test
m_fresh() { rm -rf "$T/work" "${REPO:-$T/none}"; new_repo "$@"; }

# m_raw_req USER FILE: send a receive-pack request as USER
m_raw_req() {
	REMOTE_USER=$1 git receive-pack "$REPO" <"$2" >"$T/resp" 2>"$T/out"
}

# m_pkt LINE: one pkt-line
m_pkt() { printf '%04x%s' $((4 + ${#1})) "$1"; }

# ---- bytes the scanner did not read ---------------------------------------

test_more_base64_of_gzip() {
	new_repo || return
	printf 'payload: %s\n' "$(m_token_json | gzip -c | base64 -w0)" >"$W/deploy.yaml"
	m_refused "base64 of a gzip" secret.github-token deploy.yaml
}

test_more_base64_of_zip() {
	new_repo || return
	mkdir -p "$T/z"
	m_token_json >"$T/z/settings.json"
	(cd "$T/z" && zip -q "$T/a.zip" settings.json)
	printf '{"package": "%s"}\n' "$(base64 -w0 "$T/a.zip")" >"$W/package.json"
	m_refused "base64 of a zip" secret.github-token package.json
}

test_more_base64_of_base64() {
	# a Kubernetes secret's data is base64 of a file, often base64 itself
	new_repo || return
	printf 'apiVersion: v1\nkind: Secret\ndata:\n  config: %s\n' \
		"$(m_token_json | base64 -w0 | base64 -w0)" >"$W/secret.yaml"
	m_refused "base64 of base64" secret.github-token secret.yaml
}

test_more_base64_of_utf16() {
	new_repo || return
	printf '{"blob": "%s"}\n' "$(m_token_json | iconv -t UTF-16LE | base64 -w0)" >"$W/blob.json"
	m_refused "base64 of UTF-16LE" secret.github-token blob.json
}

test_more_utf32() {
	new_repo || return
	m_token_json | iconv -t UTF-32 >"$W/config.json"
	m_refused "UTF-32 with a BOM" secret.github-token config.json
	m_fresh || return
	m_token_json | iconv -t UTF-32BE >"$W/config.json"
	m_refused "UTF-32BE, no BOM" secret.github-token config.json
	m_fresh || return
	m_token_json | iconv -t UTF-32LE >"$W/config.json"
	m_refused "UTF-32LE, no BOM" secret.github-token config.json
}

test_more_xml_character_references() {
	# a Power Platform export is XML: the token written as references
	local i ref=""
	new_repo || return
	for ((i = 0; i < ${#MGH}; i++)); do ref+=$(printf '&#%d;' "'${MGH:i:1}"); done
	mkdir -p "$W/solution"
	printf '<settings><description>%s</description></settings>\n' "$ref" >"$W/solution/customizations.xml"
	m_refused "decimal references" secret.github-token solution/customizations.xml
	check "says XML-escaped" out_has "XML-escaped"
	m_fresh || return
	mkdir -p "$W/solution"
	printf '<description>ghp&#x5F;%s</description>\n' "${MGH:4}" >"$W/solution/customizations.xml"
	m_refused "one hex reference" secret.github-token solution/customizations.xml
}

test_more_pdf_compressed_stream() {
	# a page's text is Flate-compressed: strings of the file show nothing
	new_repo || return
	python3 - "$MGH" "$W/runbook.pdf" <<-'PY'
	import sys, zlib
	c = zlib.compress(('BT /F1 12 Tf (deploy token %s) Tj ET' % sys.argv[1]).encode())
	body = b'1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\r\n' % len(c)
	open(sys.argv[2], 'wb').write(b'%PDF-1.4\n' + body + c + b'\nendstream\nendobj\n%%EOF\n')
	PY
	m_refused "a PDF's compressed page" secret.github-token runbook.pdf
	check "names the stream" out_has "runbook.pdf!(stream 1)"
}

test_more_compressors_not_opened_are_refused() {
	# what the scanner cannot open is refused as unscannable, never
	# accepted unread; random filler keeps the token from showing
	local tool ext
	head -c 30000 /dev/urandom | base64 >"$T/filler"
	for tool in bzip2 xz zstd lz4; do
		command -v $tool >/dev/null || continue
		case $tool in bzip2) ext=bz2 ;; xz) ext=xz ;; zstd) ext=zst ;; lz4) ext=lz4 ;; esac
		m_fresh || return
		{ cat "$T/filler"; m_token_json; cat "$T/filler"; } | $tool -q -c >"$W/settings.json.$ext"
		m_refused "$tool" secret.archive "settings.json.$ext"
		check "$tool: says it cannot be read" out_has "cannot be scanned"
	done
	# 7-Zip and RAR by their signatures
	m_fresh || return
	{ printf '7z\xbc\xaf\x27\x1c\x00\x04'; head -c 4000 /dev/urandom; } >"$W/bundle.7z"
	m_refused "7-Zip" secret.archive bundle.7z
	m_fresh || return
	{ printf 'Rar!\x1a\x07\x01\x00'; head -c 4000 /dev/urandom; } >"$W/bundle.rar"
	m_refused "RAR" secret.archive bundle.rar
}

test_more_allowed_path_does_not_cover_the_same_blob_elsewhere() {
	# the admin allows a fixture folder; the same blob under another
	# path is scanned for that path too (the walk lists a blob once)
	sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  allow:\n    - path: "fixtures\/*"\n      reason: "test fixtures"/' \
		"$TOP/policies/default.yaml" >"$T/policy.yaml"
	new_repo "$T/policy.yaml" || return
	mkdir -p "$W/fixtures" "$W/solution"
	m_token_json >"$W/fixtures/a.json"
	m_token_json >"$W/solution/settings.json"
	git -C "$W" add fixtures
	m_refused "same blob, allowed and not" secret.github-token solution/settings.json
	check "names the path that is not allowed" out_has "solution/settings.json"
	# across pushes: the allowed copy lands, then a commit reuses the blob
	m_fresh "$T/policy.yaml" || return
	mkdir -p "$W/fixtures" "$W/solution"
	m_token_json >"$W/fixtures/a.json"
	git -C "$W" add fixtures; git -C "$W" commit -q -m fixture
	expect_accept "the allowed fixture" maker origin HEAD:refs/heads/dev
	local dev; dev=$(git --git-dir="$REPO" rev-parse refs/heads/dev)
	cp "$W/fixtures/a.json" "$W/solution/settings.json"
	git -C "$W" add solution; git -C "$W" commit -q -m "reuse it"
	expect_reject "the same blob outside fixtures later" maker secret.github-token origin HEAD:refs/heads/dev
	check "dev did not move" m_ref_is refs/heads/dev "$dev"
	# the whole allowed folder (a tree the server has) under another name
	git -C "$W" reset -q --hard "$dev"
	git -C "$W" read-tree --prefix=copy/ "$dev:fixtures"
	git -C "$W" commit -q -m "copy the folder"
	expect_reject "the allowed folder copied" maker secret.github-token origin HEAD:refs/heads/dev
	check "names the copy" out_has "copy/a.json"
	check "dev did not move either" m_ref_is refs/heads/dev "$dev"
}

# ---- objects reached another way ------------------------------------------

test_more_orphan_tree_then_reused() {
	# a hand-made pack with a tree nothing names (a key file in it), then
	# a commit that uses that tree as a folder
	new_repo || return
	local c b t line caps len c2
	c=$(commit a.txt one)
	b=$(printf 'not really a key\n' | git -C "$W" hash-object -w --stdin)
	t=$(printf '100644 blob %s\tSIGNING.PFX\n' "$b" | git -C "$W" mktree)
	{ git -C "$W" rev-list --objects "$c" | cut -d' ' -f1; echo "$t"; echo "$b"; } |
		git -C "$W" pack-objects -q --stdout >"$T/pack"
	line="$ZERO $c refs/heads/dev"; caps="report-status"
	len=$((4 + ${#line} + 1 + ${#caps} + 1))
	{ printf '%04x%s\0%s\n' "$len" "$line" "$caps"; printf '0000'; cat "$T/pack"; } >"$T/req"
	m_raw_req maker "$T/req"
	check "refused for the key file" out_has "secret.credential-file"
	check "the orphan tree is not on the server" m_absent "$t"
	check "dev not created" m_no_ref refs/heads/dev
	c2=$(git -C "$W" commit-tree "$(printf '040000 tree %s\tkeys\n100644 blob %s\ta.txt\n' "$t" \
		"$(git -C "$W" rev-parse "$c:a.txt")" | git -C "$W" mktree)" -p "$c" -m "use it")
	expect_reject "the tree as a folder" maker secret.credential-file origin "$c2:refs/heads/dev"
	check "names it" out_has "keys/SIGNING.PFX"
}

test_more_lightweight_tag_of_a_tree() {
	new_repo || return
	local b t
	b=$(printf 'harmless\n' | git -C "$W" hash-object -w --stdin)
	t=$(printf '100644 blob %s\t%s.txt\n' "$b" "$MGH" | git -C "$W" mktree)
	expect_reject "a tree under a tag" maker secret.github-token origin "$t:refs/tags/t"
	check "the tree is not on the server" m_absent "$t"
	check "no tag" m_no_ref refs/tags/t
	check "audited, value not" m_audited secret.github-token
}

test_more_secret_in_tag_message_and_tagger() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_accept "a clean dev" maker origin "$c:refs/heads/dev"
	git -C "$W" tag -a -m "release notes, token $MGH" v1 "$c"
	expect_reject "token in a tag message" maker secret.github-token origin refs/tags/v1
	check "no tag" m_no_ref refs/tags/v1
	check "the tag object is not on the server" m_absent "$(git -C "$W" rev-parse v1)"
	git -C "$W" -c user.name="$MGH" tag -a -m "clean" v2 "$c"
	expect_reject "token as the tagger" maker secret.github-token origin refs/tags/v2
	check "no tag v2" m_no_ref refs/tags/v2
	check "audited, value not" m_audited secret.github-token
}

test_more_secret_in_notes() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_accept "a clean dev" maker origin "$c:refs/heads/dev"
	git -C "$W" notes add -m "deploy with $MGH" "$c"
	expect_reject "token in a note" maker secret.github-token origin refs/notes/commits
	check "no notes ref" m_no_ref refs/notes/commits
	check "the note blob is not on the server" m_absent "$(git -C "$W" notes list "$c")"
}

test_more_credentials_in_a_submodule_url() {
	new_repo || return
	local c
	printf '[submodule "lib"]\n\tpath = lib\n\turl = https://deploy:Zq8WnV3pL0xY7rT2kM9sB4dF6hJ1gC5e@git.example.com/lib.git\n' >"$W/.gitmodules"
	git -C "$W" add .gitmodules
	git -C "$W" update-index --add --cacheinfo "160000,$(git -C "$W" hash-object -t commit --literally --stdin </dev/null 2>/dev/null || echo 1111111111111111111111111111111111111111),lib"
	git -C "$W" commit -q -m "submodule"
	c=$(git -C "$W" rev-parse HEAD)
	REMOTE_USER=maker git -C "$W" push origin HEAD:refs/heads/dev >"$T/out" 2>&1 && fail "a URL with a password was accepted"
	check "refused for the URL's password" grep -q 'error \[secret\.' "$T/out"
	check "dev not created" m_no_ref refs/heads/dev
	check "the commit is not on the server" m_absent "$c"
}

# ---- refs -----------------------------------------------------------------

# m_raw_push USER OLD NEW REF: a receive-pack request naming REF as given
m_raw_push() {
	local line="$2 $3 $4" caps="report-status" len
	len=$((4 + ${#line} + 1 + ${#caps} + 1))
	{ printf '%04x%s\0%s\n' "$len" "$line" "$caps"; printf '0000'
	  git -C "$W" rev-list --objects "$3" | cut -d' ' -f1 |
		git -C "$W" pack-objects -q --stdout; } >"$T/req"
	m_raw_req "$1" "$T/req"
}

test_more_ref_names_outside_refs() {
	new_repo || return
	local c ref
	c=$(commit solution/Solution.xml untested)
	git --git-dir="$REPO" symbolic-ref HEAD refs/heads/main
	for ref in HEAD MERGE_HEAD refs/replace/"$c" \
		refs/heads/main@{0} 'refs/heads/ma*in' 'refs/heads/m ain'; do
		m_raw_push maker "$ZERO" "$c" "$ref"
		check "no main after $ref" m_no_ref refs/heads/main
	done
	check "HEAD still names main" [ "$(git --git-dir="$REPO" symbolic-ref HEAD)" = refs/heads/main ]
	check "no replace ref" [ -z "$(git --git-dir="$REPO" for-each-ref refs/replace)" ]
	check "the commit is not on the server" m_absent "$c"
}

test_more_symref_to_a_tag_namespace() {
	# an ungated alias that points into the test tags
	new_repo || return
	local t u
	t=$(tested_release)
	git --git-dir="$REPO" symbolic-ref refs/heads/tags-alias refs/tags/tested/1.0.0
	u=$(commit solution/Solution.xml untested)
	REMOTE_USER=maker git -C "$W" push origin "+$u:refs/heads/tags-alias" >"$T/out" 2>&1 && fail "push through the alias accepted"
	check "the test tag did not move" [ "$(git --git-dir="$REPO" rev-parse 'refs/tags/tested/1.0.0^{commit}')" = "$t" ]
}

test_more_atomic_delete_of_prod_beside_a_good_ref() {
	new_repo || return
	local t p c
	t=$(tested_release)
	p=$(promote "$t" "$APPROVED")
	expect_accept "main holds p" maker origin "$p:refs/heads/main"
	c=$(commit a.txt fine)
	expect_reject "atomic: delete main, push a feature" maker protect.delete \
		--atomic origin ":refs/heads/main" "$c:refs/heads/feature/x"
	check "main kept" m_ref_is refs/heads/main "$p"
	check "feature/x not created" m_no_ref refs/heads/feature/x
	expect_reject "not atomic: the same" maker protect.delete \
		origin ":refs/heads/main" "$c:refs/heads/feature/x"
	check "main kept again" m_ref_is refs/heads/main "$p"
}

test_more_branch_pointing_at_a_test_tag_object() {
	# the tested commit's tag object pushed as prod: no promotion, no
	# approvals (the tested commit's message carries none)
	new_repo || return
	local t
	t=$(tested_release)
	git -C "$W" fetch -q origin 'refs/tags/*:refs/tags/*'
	expect_reject "prod at the tag object" maker approval.missing origin "refs/tags/tested/1.0.0:refs/heads/main"
	check "main not created" m_no_ref refs/heads/main
}

# ---- limits fail closed, with a message and a record -----------------------

test_more_too_many_push_options() {
	new_repo || return
	local c i args=()
	c=$(commit a.txt one)
	for i in $(seq 1001); do args+=(-o "x$i=y"); done
	REMOTE_USER=maker git -C "$W" push "${args[@]}" origin "$c:refs/heads/dev" >"$T/out" 2>&1 && fail "1001 options accepted"
	check "dev not created" m_no_ref refs/heads/dev
	check "says why" out_has "GIT_PUSH_OPTION_COUNT"
	check "recorded" grep -q '"decision":"error"' "$(m_log)"
}

test_more_too_many_refs_in_one_push() {
	new_repo || return
	local c i
	c=$(commit a.txt one)
	{
		m_pkt "$ZERO $c refs/heads/feature/r0"$'\0'"report-status"$'\n'
		for i in $(seq 1 10000); do m_pkt "$ZERO $c refs/heads/feature/r$i"$'\n'; done
		printf '0000'
		git -C "$W" rev-list --objects "$c" | cut -d' ' -f1 | git -C "$W" pack-objects -q --stdout
	} >"$T/req"
	m_raw_req maker "$T/req"
	check "no ref created" [ -z "$(git --git-dir="$REPO" for-each-ref refs/heads)" ]
	check "says why" out_has "more than 10000 ref updates"
	check "recorded as an error" grep -q '"decision":"error"' "$(m_log)"
	check "the commit is not on the server" m_absent "$c"
}

# ---- trailers where a reader would not look -------------------------------

test_more_approvals_below_a_patch_divider() {
	# git's trailer parser stops at a "---" line: approvals below it are
	# not trailers for git log, so they do not count here either
	new_repo || return
	local t c
	t=$(tested_release)
	c=$(promote "$t" "Promote

Ticket: CHG004211
Rollback: redeploy the previous tested release
---
Approved-by: Approver One <approver1@example.com>
Approved-by: Approver Two <approver2@example.com>")
	expect_reject "approvals after ---" maker approval.missing origin "$c:refs/heads/main"
	check "main not created" m_no_ref refs/heads/main
}

test_more_approvals_with_crlf() {
	new_repo || return
	local t c
	t=$(tested_release)
	c=$(promote "$t" "$(printf 'Promote\r\n\r\nTicket: CHG004211\r\nRollback: redeploy\r\nApproved-by: approver1@example.com\r\nApproved-by: approver1@example.com\r\n')")
	expect_reject "one approver twice, CRLF" maker approval.missing origin "$c:refs/heads/main"
	check "main not created" m_no_ref refs/heads/main
}

test_more_approvals_only_in_a_merged_parent() {
	new_repo || return
	local t a m
	t=$(tested_release)
	a=$(promote "$t" "$APPROVED")
	m=$(git -C "$W" commit-tree "$t^{tree}" -p "$t" -p "$a" -m "Promote

Ticket: CHG004211
Rollback: redeploy")
	expect_reject "approvals on the second parent only" maker approval.missing origin "$m:refs/heads/main"
	check "main not created" m_no_ref refs/heads/main
	check "the approved parent is not on the server" m_absent "$a"
}

# ---- personal data reached under another name -----------------------------

M_PEOPLE='id,name,email
1,Jane Doe,jane.doe@gmail.com
2,John Roe,john.roe@outlook.com'

test_more_data_file_same_blob_as_a_text_file() {
	# the walk lists a blob once, under its first path: a .txt sorts first
	new_repo || return
	local blob
	printf '%s\n' "$M_PEOPLE" >"$W/a-notes.txt"
	mkdir -p "$W/data"; cp "$W/a-notes.txt" "$W/data/people.csv"
	git -C "$W" add a-notes.txt data
	git -C "$W" commit -q -m "data"
	blob=$(git -C "$W" rev-parse HEAD:data/people.csv)
	expect_reject "the same blob as a data file" maker data.email origin HEAD:refs/heads/dev
	check "names the data file" out_has "data/people.csv"
	check "not on the server" m_absent "$blob"
}

test_more_data_file_by_rename() {
	# the real data lands as a text file; a later push renames it
	new_repo || return
	local dev
	printf '%s\n' "$M_PEOPLE" >"$W/people.txt"
	git -C "$W" add people.txt; git -C "$W" commit -q -m "notes"
	expect_accept "a text file is no data file" maker origin HEAD:refs/heads/dev
	dev=$(git --git-dir="$REPO" rev-parse refs/heads/dev)
	mkdir -p "$W/data"; git -C "$W" mv people.txt data/people.csv
	git -C "$W" commit -q -m "make it data"
	expect_reject "renamed to a data file" maker data.email origin HEAD:refs/heads/dev
	check "dev did not move" m_ref_is refs/heads/dev "$dev"
}

test_more_data_file_in_utf16() {
	# Excel's "Unicode text" and .NET write UTF-16
	new_repo || return
	mkdir -p "$W/data"
	printf '%s\n' "$M_PEOPLE" | iconv -t UTF-16 >"$W/data/people.csv"
	m_refused "a UTF-16 data file" data.email data/people.csv
}

test_more_data_file_in_a_zip() {
	# the Configuration Migration Tool exports data.zip: data.xml inside
	new_repo || return
	mkdir -p "$T/cmt"
	printf '<entities><entity name="contact"><records><record id="1"><field name="emailaddress1" value="jane.doe@gmail.com"/></record></records></entity></entities>\n' >"$T/cmt/data.xml"
	(cd "$T/cmt" && zip -q "$T/data.zip" data.xml)
	cp "$T/data.zip" "$W/contacts-data.zip"
	m_refused "data.xml inside a zip" data.email contacts-data.zip
}

test_more_token_as_a_ref_name() {
	new_repo || return
	local c; c=$(commit a.txt one)
	expect_reject "a token as a branch name" maker secret.github-token origin "$c:refs/heads/feature/$MGH"
	check "no such branch" [ -z "$(git --git-dir="$REPO" for-each-ref refs/heads)" ]
	check "says it is the ref name" out_has "(ref name)"
	git -C "$W" tag "rel-$MGH" "$c"
	expect_reject "a token as a tag name" maker secret.github-token origin "refs/tags/rel-$MGH"
	check "no tag" [ -z "$(git --git-dir="$REPO" for-each-ref refs/tags)" ]
	# a commit the server has: no object arrives, the name still does
	expect_accept "dev" maker origin "$c:refs/heads/dev"
	expect_reject "an old commit under a token" maker secret.github-token origin "$c:refs/heads/feature/$MGH"
	check "only dev" [ "$(git --git-dir="$REPO" for-each-ref refs/heads | wc -l)" -eq 1 ]
}

test_more_data_file_gzipped() {
	new_repo || return
	mkdir -p "$W/data"
	printf '%s\n' "$M_PEOPLE" | gzip -c >"$W/data/people.csv.gz"
	m_refused "a gzipped data file" data.email data/people.csv.gz
}

# ---- identities that look like a release manager's -------------------------

test_more_lookalike_release_manager() {
	new_repo || return
	local t1 t2 p1 p2 who
	t1=$(tested_release solution/a.xml v1 1.0)
	p1=$(promote "$t1" "$APPROVED")
	expect_accept "main holds p1" maker origin "$p1:refs/heads/main"
	t2=$(tested_release solution/a.xml v2 2.0)
	p2=$(git -C "$W" commit-tree "$t2^{tree}" -p "$p1" -p "$t2" -m "$APPROVED")
	expect_accept "main holds p2" maker origin "$p2:refs/heads/main"
	# Cyrillic a, a trailing space, a zero-width space, a BOM
	for who in $'\xd0\xb0dmin' 'admin ' $'ad\xe2\x80\x8bmin' $'\xef\xbb\xbfadmin'; do
		REMOTE_USER=$who git -C "$W" push -o "rollback=why" origin "+$p1:refs/heads/main" >"$T/out" 2>&1 &&
			fail "a lookalike of admin rolled back"
		check "main unchanged" m_ref_is refs/heads/main "$p2"
	done
}
