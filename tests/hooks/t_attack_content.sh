# t_attack_content.sh -- bytes the secret gate never read (issue 11,
# class 2): a secret as a file name, credential files in upper case or
# reached by a rename, UTF-16 without a BOM, a stray NUL, strings of a
# binary, gzip and tar, zip tricks, wrapped base64, JSON escapes. Each
# push goes to dev and must be refused; the server's refs, object store
# and audit log are checked afterwards.

CGH="ghp_$(printf 'Zq7Xw3Vb9Nm2Lk5Jh8Gf4Ds1Ap6Oi02EejK6')"
CGH=${CGH:0:40}
# a SAS signature of the storage rule's shape
CSIG="k3Jd9QmZ7vX2pL5nR8tY1wB4cF6hG0sA2eK9mN3qT5u%3D"

c_absent() { ! git --git-dir="$REPO" cat-file -e "$1" 2>/dev/null; }
c_no_dev() { ! git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev >/dev/null; }
# the refusal is in the audit log under RULE, and the value is not
c_audited() {
	grep -q "\"rule\":\"$1\"" "$REPO/stagegate/audit.log" &&
		! grep -qF -- "$CGH" "$REPO/stagegate/audit.log"
}
# c_push_file DESC RULE PATH: commit the file at PATH (already written
# in $W), push it to dev, and check that nothing landed
c_refused() {
	local what=$1 rule=$2 path=$3 blob
	git -C "$W" add -- "$path"
	git -C "$W" commit -q -m "add a file"
	blob=$(git -C "$W" rev-parse "HEAD:$path")
	expect_reject "$what" maker "$rule" origin HEAD:refs/heads/dev
	check "$what: the file is not on the server" c_absent "$blob"
	check "$what: dev not created" c_no_dev
	check "$what: refusal audited, value not" c_audited "$rule"
}

test_content_secret_as_file_name() {
	new_repo || return
	commit readme.txt hello >/dev/null
	printf 'harmless\n' >"$W/$CGH"
	c_refused "a token as a file name" secret.github-token "$CGH"
	check "says it is a file name" out_has "(file name)"
}

test_content_secret_as_directory_name() {
	new_repo || return
	mkdir -p "$W/keys/$CGH"
	printf 'harmless\n' >"$W/keys/$CGH/a.txt"
	c_refused "a token as a folder name" secret.github-token "keys/$CGH/a.txt"
}

test_content_credential_file_upper_case() {
	new_repo || return
	printf 'not really a key\n' >"$W/SIGNING.PFX"
	c_refused "SIGNING.PFX" secret.credential-file SIGNING.PFX
	rm -rf "$T/work"; rm -rf "$REPO"
	new_repo || return
	printf 'not really a key\n' >"$W/Cert.P12"
	c_refused "Cert.P12" secret.credential-file Cert.P12
}

test_content_credential_file_by_rename() {
	# the blob reaches the server under a harmless name; a later push
	# renames it: the blob is not new, the name is
	new_repo || return
	printf 'binary-ish key material\n' >"$W/signing.bin"
	git -C "$W" add signing.bin; git -C "$W" commit -q -m "add a file"
	expect_accept "a harmless name" maker origin HEAD:refs/heads/dev
	local before; before=$(git --git-dir="$REPO" rev-parse refs/heads/dev)
	git -C "$W" mv signing.bin signing.pfx
	git -C "$W" commit -q -m "rename"
	local tree; tree=$(git -C "$W" rev-parse HEAD^{tree})
	expect_reject "rename to .pfx" maker secret.credential-file origin HEAD:refs/heads/dev
	check "dev did not move" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$before" ]
	check "the renaming tree is not on the server" c_absent "$tree"
	check "audited" grep -q '"rule":"secret.credential-file"' "$REPO/stagegate/audit.log"
}

test_content_utf16le_without_bom() {
	new_repo || return
	printf '{"token": "%s"}\r\n' "$CGH" | iconv -f UTF-8 -t UTF-16LE >"$W/config.json"
	c_refused "UTF-16LE, no BOM" secret.github-token config.json
	rm -rf "$T/work" "$REPO"
	new_repo || return
	printf '{"token": "%s"}\r\n' "$CGH" | iconv -f UTF-8 -t UTF-16BE >"$W/config.json"
	c_refused "UTF-16BE, no BOM" secret.github-token config.json
}

test_content_stray_nul() {
	new_repo || return
	{ printf 'line one\n\0line two\n'; printf '{"token": "%s"}\n' "$CGH"; } >"$W/notes.txt"
	c_refused "one NUL in a text file" secret.github-token notes.txt
}

test_content_strings_of_a_binary() {
	new_repo || return
	{ head -c 4096 /dev/zero; printf 'token=%s' "$CGH"; head -c 4096 /dev/zero; } >"$W/app.dll"
	c_refused "a token inside a binary" secret.github-token app.dll
}

test_content_gzip_and_tar() {
	new_repo || return
	mkdir -p "$T/src/cfg"
	printf '{"token": "%s"}\n' "$CGH" >"$T/src/cfg/settings.json"
	gzip -c "$T/src/cfg/settings.json" >"$W/settings.json.gz"
	c_refused "gzip" secret.github-token settings.json.gz
	rm -rf "$T/work" "$REPO"
	new_repo || return
	tar -C "$T/src" -cf "$W/bundle.tar" cfg
	c_refused "tar" secret.github-token bundle.tar
	check "names the entry" out_has "bundle.tar!cfg/settings.json"
	rm -rf "$T/work" "$REPO"
	new_repo || return
	tar -C "$T/src" -czf "$W/bundle.tgz" cfg
	c_refused "tar.gz" secret.github-token bundle.tgz
	check "names the entry" out_has "bundle.tgz!cfg/settings.json"
}

test_content_gzip_bomb_refused() {
	new_repo || return
	head -c 200000000 /dev/zero | gzip -9 >"$W/zeros.gz"
	c_refused "a gzip bomb" secret.archive zeros.gz
	check "says why" out_has "zip bomb"
}

test_content_zip_with_prefix() {
	new_repo || return
	mkdir -p "$T/z"
	printf '{"token": "%s"}\n' "$CGH" >"$T/z/settings.json"
	(cd "$T/z" && zip -q "$T/inner.zip" settings.json)
	{ head -c 3000 /dev/urandom; cat "$T/inner.zip"; } >"$W/setup.exe"
	c_refused "a self-extracting zip" secret.github-token setup.exe
}

test_content_zip_comments() {
	new_repo || return
	mkdir -p "$T/z"
	printf 'harmless\n' >"$T/z/a.txt"
	(cd "$T/z" && zip -q "$T/c.zip" a.txt && printf 'token %s\n' "$CGH" | zip -qz "$T/c.zip")
	cp "$T/c.zip" "$W/solution.zip"
	c_refused "a token in the archive comment" secret.github-token solution.zip
	check "names the comment" out_has "solution.zip!(archive comment)"
	rm -rf "$T/work" "$REPO"
	new_repo || return
	rm -f "$T/c.zip"
	(cd "$T/z" && zip -q "$T/c.zip" a.txt && printf 'token %s\n.\n' "$CGH" | zip -qc "$T/c.zip" a.txt)
	cp "$T/c.zip" "$W/solution.zip"
	c_refused "a token in an entry comment" secret.github-token solution.zip
}

test_content_zip_entry_only_in_local_headers() {
	# two local headers, a central directory that lists only the first
	new_repo || return
	mkdir -p "$T/z"
	printf 'harmless\n' >"$T/z/a.txt"
	printf '{"token": "%s"}\n' "$CGH" >"$T/z/b.json"
	(cd "$T/z" && zip -q "$T/one.zip" a.txt && zip -q "$T/two.zip" a.txt b.json)
	python3 - "$T/one.zip" "$T/two.zip" "$W/hidden.zip" <<-'PY'
	import sys, struct
	one = open(sys.argv[1], 'rb').read(); two = open(sys.argv[2], 'rb').read()
	cd2 = two.rfind(b'PK\x01\x02', 0, len(two))
	cd_start = struct.unpack('<I', two[-6:-2])[0]
	locals_ = two[:cd_start]		# both local headers and data
	cd1 = one[struct.unpack('<I', one[-6:-2])[0]:-22]	# lists a.txt only
	eocd = struct.pack('<4sHHHHIIH', b'PK\x05\x06', 0, 0, 1, 1, len(cd1), len(locals_), 0)
	open(sys.argv[3], 'wb').write(locals_ + cd1 + eocd)
	PY
	check "unzip -l does not list it" not grep -q b.json <(unzip -l "$W/hidden.zip" 2>/dev/null)
	c_refused "an entry only in local headers" secret.github-token hidden.zip
}

test_content_base64_wrapped() {
	# 40 bytes before the token: it starts in the first decoded line
	# (57 or 48 bytes) and ends in the second
	local pre='settings of the nightly job {"token": "'
	new_repo || return
	printf 'config:\n  payload: |\n' >"$W/deploy.yaml"
	printf '%s%s", "owner": "ops"}' "$pre" "$CGH" | base64 -w 76 | sed 's/^/    /' >>"$W/deploy.yaml"
	c_refused "base64 wrapped at 76" secret.github-token deploy.yaml
	rm -rf "$T/work" "$REPO"
	new_repo || return
	printf '%s%s", "owner": "ops"}' "$pre" "$CGH" | base64 -w 64 >"$W/blob.b64"
	c_refused "base64 wrapped at 64" secret.github-token blob.b64
}

test_content_json_escaped_sas_url() {
	new_repo || return
	printf '{"url": "https:\\/\\/contoso.blob.core.windows.net\\/exports?sv=2022-11-02\\u0026ss=b\\u0026srt=co\\u0026sp=rl\\u0026se=2030-01-01T00:00:00Z\\u0026sig=%s"}\n' "$CSIG" >"$W/connection.json"
	c_refused "SAS URL with \\u0026" secret.azure-sas-signature connection.json
	check "says JSON-escaped" out_has "JSON-escaped"
}

test_content_real_export_still_passes() {
	# a real Salesforce export (public, Apache-2.0), an early commit of
	# its history pushed to dev with all it holds: images, static
	# resources that are zips, JSON, JavaScript. Two findings are known
	# false positives of the generic rule (the same before this gate read
	# binaries, archives and escapes): allowed by path, nothing else is
	# found, the push is accepted.
	local b=$(corpora_dir)/dreamhouse-lwc.bundle c=066d4c4d02b0ff64bb857a7798c1bff6d8c5ea82
	[ -f "$b" ] || { echo "    (skipped: no corpus at $b)"; return 0; }
	sed 's/^  syslog: false$/  syslog: false\nsecrets:\n  deadline_ms: 600000\n  allow:\n    - path: force-app\/main\/default\/lwc\/propertyFilter\/propertyFilter.js\n      reason: "a UI label, not a secret"\n    - path: force-app\/main\/default\/staticresources\/leaflet.resource!leaflet-src.js\n      reason: "the leaflet library"/' \
		"$TOP/policies/default.yaml" >"$T/policy.yaml"
	new_repo "$T/policy.yaml" || return
	git -C "$W" fetch -q "$b" "refs/heads/main:refs/remotes/c/main" || { fail "cannot read the bundle"; return; }
	expect_accept "a real export" maker origin "$c:refs/heads/dev"
	check "dev is the export" [ "$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/dev)" = "$c" ]
	check "no other finding" not grep -q "error \[" "$T/out"
}
