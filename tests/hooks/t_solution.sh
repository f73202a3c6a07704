# t_solution.sh -- solution versions only move forward on prod (issue 16):
# real promotions of Power Platform exports (classic SolutionPackager and
# pac `src/` layouts) and of a Salesforce DX project.

# pp_xml NAME VERSION MANAGED: a Solution.xml as the platform exports it.
pp_xml() {
	sed -e "s#<UniqueName>ContosoExpenses</UniqueName>#<UniqueName>$1</UniqueName>#" \
	    -e "s#<Version>1.4.0.2</Version>#<Version>$2</Version>#" \
	    -e "s#<Managed>0</Managed>#<Managed>$3</Managed>#" \
		"$TOP/tests/data/solutions/ContosoExpenses/Other/Solution.xml"
}

sfdx_json() {
	printf '{\n  "packageDirectories": [\n    { "path": "force-app", "default": true,\n      "package": "%s", "versionName": "Summer", "versionNumber": "%s" }\n  ],\n  "namespace": "", "sourceApiVersion": "64.0"\n}\n' "$1" "$2"
}

prod() { git --git-dir="$REPO" rev-parse -q --verify refs/heads/main; }

# ship PATH CONTENT [MESSAGE [TAG]]: a commit on top of the test branch
# that carries the promotion's trailers itself, pushed through dev and
# test and tagged by the pipeline; prints it, ready to promote.
ship() {
	local tip; tip=$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/test) &&
		git -C "$W" reset -q --hard "$tip"
	mkdir -p "$(dirname "$W/$1")"
	printf '%s\n' "$2" >"$W/$1"
	git -C "$W" add -- "$1"
	git -C "$W" commit -q --allow-empty -m "${3:-$APPROVED}"
	local c; c=$(git -C "$W" rev-parse HEAD)
	REMOTE_USER=maker git -C "$W" push -q origin "$c:refs/heads/dev" "$c:refs/heads/test" >"$T/ship.out" 2>&1 ||
		{ fail "pushing to test refused"; cat "$T/ship.out" >&2; }
	tag_tested "${4:-r-${c:0:12}}" "$c"
	echo "$c"
}

CLASSIC=ContosoExpenses/Other/Solution.xml
SRC=CreatorKit/SolutionPackage/src/Other/Solution.xml

test_classic_layout_versions() {
	new_repo || return
	local p
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.2 1)")
	expect_accept "first release" maker origin "$p:refs/heads/main"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.3 1)")
	expect_accept "1.4.0.2 -> 1.4.0.3" maker origin "$p:refs/heads/main"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.3 1)
<!-- re-export -->")
	expect_reject "equal" maker solution.version origin "$p:refs/heads/main"
	check "names both versions" out_has "solution ContosoExpenses: version 1.4.0.3 is not greater than 1.4.0.3"
	check "names the file" out_has "$CLASSIC"
	check "gives the fix" out_has "pac solution version --patchversion"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.1 1)")
	expect_reject "lower" maker solution.version origin "$p:refs/heads/main"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.9.0.0 1)")
	expect_accept "1.9.0.0" maker origin "$p:refs/heads/main"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.10.0.0 1)")
	expect_accept "1.10.0.0 > 1.9.0.0 (numbers, not strings)" maker origin "$p:refs/heads/main"
	local keep; keep=$(prod)
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.9.0.0 1)")
	expect_reject "1.9.0.0 after 1.10.0.0" maker solution.version origin "$p:refs/heads/main"
	check "says 1.9.0.0 is not greater than 1.10.0.0" out_has "version 1.9.0.0 is not greater than 1.10.0.0"
	check "prod kept 1.10.0.0" [ "$(prod)" = "$keep" ]
	check "audit names the rule" grep -q '"rule":"solution.version"' "$REPO/stagegate/audit.log"
}

test_src_layout_and_stamped_zero() {
	new_repo || return
	git -C "$W" checkout -q -b work
	mkdir -p "$W/CreatorKit/SolutionPackage"
	printf '<Project Sdk="Microsoft.NET.Sdk"/>\n' >"$W/CreatorKit/SolutionPackage/CreatorKit.cdsproj"
	git -C "$W" add -A && git -C "$W" commit -q -m cdsproj
	local p
	p=$(ship $SRC "$(pp_xml CreatorKitCore 0.0.0.0 2)")
	expect_accept "first, 0.0.0.0" maker origin "$p:refs/heads/main"
	p=$(ship $SRC "$(pp_xml CreatorKitCore 0.0.0.0 2)
<!-- changed -->")
	expect_accept "0.0.0.0 on both sides" maker origin "$p:refs/heads/main"
	check "says it was not checked" out_has "solution CreatorKitCore is 0.0.0.0 on both sides (the pipeline stamps its version): version not checked"
	p=$(ship $SRC "$(pp_xml CreatorKitCore 3.1.0.0 2)")
	expect_accept "stamped 3.1.0.0" maker origin "$p:refs/heads/main"
	p=$(ship $SRC "$(pp_xml CreatorKitCore 3.0.9.9 2)")
	expect_reject "src layout, lower" maker solution.version origin "$p:refs/heads/main"
	check "names the src/ file" out_has "$SRC"
	p=$(ship $SRC "$(pp_xml CreatorKitCore 0.0.0.0 2)")
	expect_reject "back to 0.0.0.0" maker solution.version origin "$p:refs/heads/main"
}

test_removed_solution() {
	new_repo || return
	local p
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.0.0.0 1)")
	expect_accept "first" maker origin "$p:refs/heads/main"
	git -C "$W" reset -q --hard "$(prod)"
	git -C "$W" rm -q -r ContosoExpenses
	git -C "$W" commit -q -m "$APPROVED"
	local t; t=$(git -C "$W" rev-parse HEAD)
	expect_accept "to test" maker origin "$t:refs/heads/dev" "$t:refs/heads/test"
	tag_tested removal "$t"
	p=$t
	expect_reject "removed" maker solution.removed origin "$p:refs/heads/main"
	check "says how to allow it" out_has "add 'Solution-Removed: ContosoExpenses' to the promotion commit"
	p=$(promote "$t" "$APPROVED
Solution-Removed: ContosoExpenses")
	expect_accept "removal stated" maker origin "$p:refs/heads/main"
}

test_require_managed() {
	sed '/^    solutions:$/,/^      versions: true$/ s/^      versions: true$/&\n      require_managed: true/' \
		"$TOP/policies/default.yaml" >"$T/policy.yaml"
	grep -q "require_managed: true" "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.0.0.0 0)")
	expect_reject "unmanaged" maker solution.unmanaged origin "$p:refs/heads/main"
	check "names it and the fix" out_has "solution ContosoExpenses 1.0.0.0 is unmanaged"
	check "fix" out_has "pac solution export --managed"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.0.0.1 1)")
	expect_accept "managed" maker origin "$p:refs/heads/main"
}

test_sfdx_versions() {
	new_repo || return
	local p
	p=$(ship sfdx-project.json "$(sfdx_json DreamhouseLWC 64.0.0.NEXT)")
	expect_accept "first" maker origin "$p:refs/heads/main"
	p=$(ship sfdx-project.json "$(sfdx_json DreamhouseLWC 64.1.0.NEXT)")
	expect_accept "64.0.0 -> 64.1.0" maker origin "$p:refs/heads/main"
	p=$(ship sfdx-project.json "$(sfdx_json DreamhouseLWC 64.1.0.NEXT) ")
	expect_reject "same version" maker solution.version origin "$p:refs/heads/main"
	check "Salesforce DX, both versions" out_has "Salesforce DX solution DreamhouseLWC: version 64.1.0.NEXT is not greater than 64.1.0.NEXT"
	check "sfdx fix" out_has "raise versionNumber of the package in sfdx-project.json"
	p=$(ship sfdx-project.json "$(sfdx_json DreamhouseLWC 9.0.0.NEXT)")
	expect_reject "9 after 64" maker solution.version origin "$p:refs/heads/main"
	p=$(ship sfdx-project.json "$(sfdx_json DreamhouseLWC 64.10.0.NEXT)")
	expect_accept "64.10 > 64.1" maker origin "$p:refs/heads/main"
}

test_real_corpus_layouts() {
	# the Creator Kit (src/ layout, 0.0.0.0) and dreamhouse-lwc read as
	# they are in their repositories
	local c; c=$(corpora_dir)
	[ -f "$c/powercat-creator-kit.bundle" ] || { echo "    (no corpora: skipped)"; return 0; }
	new_repo || return
	git clone -q --bare "$c/powercat-creator-kit.bundle" "$T/ck.git"
	local f=CreatorKitCore/SolutionPackage/src/Other/Solution.xml
	git --git-dir="$T/ck.git" show "HEAD:$f" >"$T/Solution.xml"
	local p; p=$(ship "$f" "$(cat "$T/Solution.xml")")
	expect_accept "creator kit" maker origin "$p:refs/heads/main"
	p=$(ship "$f" "$(sed 's#<Version>0.0.0.0</Version>#<Version>1.0.0.0</Version>#' "$T/Solution.xml")")
	expect_accept "creator kit stamped" maker origin "$p:refs/heads/main"
	p=$(ship "$f" "$(cat "$T/Solution.xml")")
	expect_reject "creator kit back to 0.0.0.0" maker solution.version origin "$p:refs/heads/main"
	check "read its UniqueName" out_has "solution CreatorKitCore: version 0.0.0.0 is not greater than 1.0.0.0"
}

test_tag_names_the_version() {
	sed '/^    solutions:$/,/^      versions: true$/ s/^      versions: true$/&\n      tag_version: true/' \
		"$TOP/policies/default.yaml" >"$T/policy.yaml"
	grep -q "tag_version: true" "$T/policy.yaml" || { fail "policy"; return; }
	new_repo "$T/policy.yaml" || return
	local p
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.2 1)" "$APPROVED" ContosoExpenses-1.4.0.2)
	expect_accept "tag names 1.4.0.2" maker origin "$p:refs/heads/main"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.3 1)" "$APPROVED" ContosoExpenses-1.4.0.1)
	expect_reject "tag names another version" maker solution.tag-version origin "$p:refs/heads/main"
	check "says which" out_has "test tag tested/ContosoExpenses-1.4.0.1 tested ContosoExpenses 1.4.0.1, but the promoted tree holds 1.4.0.3"
	p=$(ship $CLASSIC "$(pp_xml ContosoExpenses 1.4.0.4 1)" "$APPROVED" build-77)
	expect_reject "tag names no version" maker solution.tag-version origin "$p:refs/heads/main"
}

# main and prod are one environment: creating prod at a release older
# than main holds is a downgrade of prod, whatever prod held before
# (found by an attacker's read: only a ref's own old tip was compared).
test_new_ref_of_the_environment_cannot_start_older() {
	new_repo || return
	local v1 v2
	v1=$(ship "$CLASSIC" "$(pp_xml ContosoExpenses 1.0.0.0 0)" "$APPROVED" 1.0)
	v2=$(ship "$CLASSIC" "$(pp_xml ContosoExpenses 2.0.0.0 0)" "$APPROVED" 2.0)
	expect_accept "main at 2.0" maker origin "$v2:refs/heads/main"
	expect_reject "main back to 1.0" maker protect.force-push origin "+$v1:refs/heads/main"
	expect_reject "prod created at 1.0" maker solution.version origin "$v1:refs/heads/prod"
	check "says what main holds" out_has "version 1.0.0.0 is older than 2.0.0.0, the version refs/heads/main holds now"
	check "prod was not created" [ -z "$(git --git-dir="$REPO" rev-parse -q --verify refs/heads/prod)" ]
	expect_accept "prod created at main's release" maker origin "$v2:refs/heads/prod"
	check "prod holds 2.0" [ "$(git --git-dir="$REPO" rev-parse refs/heads/prod)" = "$v2" ]
}
