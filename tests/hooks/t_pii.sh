# t_pii.sh -- the personal-data gate with real pushes (issue 17).

DATA=solutions/ContosoExpenses/ReferenceData/data.xml

# cmt_data EMAIL1 EMAIL2 CARD IBAN: a Configuration Migration Tool data.xml
cmt_data() {
	cat <<-XML
	<?xml version="1.0" encoding="utf-8"?>
	<entities xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" timestamp="2026-11-20T10:00:00.0000000Z">
	  <entity name="contact" displayname="Contact">
	    <records>
	      <record id="6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b">
	        <field name="firstname" value="Jane" />
	        <field name="emailaddress1" value="$1" />
	        <field name="contoso_cardnumber" value="$3" />
	        <field name="contoso_iban" value="$4" />
	        <field name="telephone1" value="+14155550123" />
	      </record>
	      <record id="7a2d3c4b-5e6f-4071-9b8c-0d1e2f3a4b5c">
	        <field name="firstname" value="John" />
	        <field name="emailaddress1" value="$2" />
	        <field name="createdon" value="2026-11-20T10:00:00Z" />
	        <field name="contoso_amount" value="4556737586899855.00" />
	      </record>
	    </records>
	  </entity>
	</entities>
	XML
}

put() { mkdir -p "$(dirname "$W/$1")"; cat >"$W/$1"; git -C "$W" add -- "$1"; git -C "$W" commit -q -m "${2:-add $1}"; git -C "$W" rev-parse HEAD; }

test_pii_cmt_real_data_refused_redacted() {
	new_repo || return
	local c; c=$(cmt_data jane.doe@gmail.com j.smith@contoso.co.uk "4556 7375 8689 9855" DE89370400440532013000 | put "$DATA")
	expect_reject "real-looking data on dev" maker data.email origin "$c:refs/heads/dev"
	check "e-mails counted, first position" out_has "error \[data.email\] commit ${c:0:10} $DATA:7:[0-9]*: 2 e-mail addresses outside the allowed domains in this file (first: "
	check "card" out_has "\[data.card\] commit ${c:0:10} $DATA:8:[0-9]*: 1 payment card number (Luhn-valid, not a published test number) (Visa) in this file"
	check "iban" out_has "\[data.iban\] commit ${c:0:10} $DATA:9:[0-9]*: 1 IBAN with valid check digits"
	check "no value in full: e-mail" out_lacks "jane.doe@gmail.com"
	check "no value in full: card" out_lacks "4556 7375 8689 9855"
	check "no value in full: iban" out_lacks "DE89370400440532013000"
	check "phones are off by default" out_lacks "data.phone"
	check "a decimal amount is no card" [ "$(grep -c 'data.card' "$T/out")" -eq 1 ]
	check "nothing reached the server" not git --git-dir="$REPO" cat-file -e "$c"
	check "audit keeps the rule, not the value" grep -q '"rule":"data.iban"' "$REPO/stagegate/audit.log"
	check "audit lacks the value" not grep -q 'DE89370400440532013000\|jane.doe@gmail' "$REPO/stagegate/audit.log"
	# refused on prod-bound refs too, and removing it later does not help
	git -C "$W" rm -q "$DATA"; git -C "$W" commit -q -m "remove the data"
	expect_reject "removed in a later commit" maker data.email origin HEAD:refs/heads/feature/x
}

test_pii_cmt_synthetic_data_accepted() {
	new_repo || return
	local c; c=$(cmt_data jane.doe@example.com j.smith@contoso.test "4111 1111 1111 1111" DE00370400440532013000 | put "$DATA")
	expect_accept "synthetic data" maker origin "$c:refs/heads/dev"
	check "dev moved" [ "$(git --git-dir="$REPO" rev-parse refs/heads/dev)" = "$c" ]
	check "no data finding" out_lacks "data\."
	c=$(cmt_data a@mail.example.org b@x.invalid 5555555555554444 "GB00 WEST 1234 5698 7654 32" | put "$DATA")
	expect_accept "subdomains and other test numbers" maker origin "$c:refs/heads/dev"
}

test_pii_national_ids_in_csv() {
	new_repo || return
	local c; c=$(printf 'id,name,national_id,country\n1,Ana,12345678Z,ES\n2,Mario,RSSMRA85T10A562S,IT\n3,Aino,131052-308T,FI\n4,Sven,811218-9876,SE\n5,Ola,12345678A,ES\n' |
		put data/contacts.csv)
	expect_reject "national ids" maker data.national-id origin "$c:refs/heads/dev"
	check "four of five have a valid checksum" out_has "data/contacts.csv:2:[0-9]*: 4 national identifiers with a valid checksum in this file"
	check "not shown in full" out_lacks "RSSMRA85T10A562S"
}

test_pii_sfdx_json_and_phones() {
	sed 's/^  phones: false$/  phones: true/' "$TOP/policies/default.yaml" >"$T/phones.yaml"
	new_repo "$T/phones.yaml" || return
	local c; c=$(printf '{"records":[{"attributes":{"type":"Contact","referenceId":"C1"},"FirstName":"Brad","Phone":"+44 20 7946 0123","MobilePhone":"+4915112345678","Email":"bholmes@example.com"}]}\n' |
		put data/contacts-data.json)
	expect_reject "a real mobile number" maker data.phone origin "$c:refs/heads/dev"
	check "one: the fictional London number passes" out_has "data/contacts-data.json:1:[0-9]*: 1 phone number"
	check "not in full" out_lacks "4915112345678"
}

test_pii_scope_paths_and_refs() {
	new_repo || return
	# not a data file: not checked
	local c; c=$(printf 'Write to jane.doe@gmail.com\n' | put docs/CONTACTS.md)
	expect_accept "docs are not data" maker origin "$c:refs/heads/dev"
	# refs: only prod in this policy
	sed "s|^  refs: \['refs/\*'\]$|  refs: [refs/heads/main]|" "$TOP/policies/default.yaml" >"$T/prod-only.yaml"
	grep -q '^  refs: \[refs/heads/main\]$' "$T/prod-only.yaml" || fail "policy edit"
	T2=$T/b; mkdir -p "$T2"; ( T=$T2; new_repo "$T/../prod-only.yaml" || exit 1
		c=$(printf 'a,b\njane.doe@gmail.com,1\n' | put data/people.csv)
		expect_accept "dev is out of scope here" maker origin "$c:refs/heads/dev"
		expect_accept "test too" maker origin "$c:refs/heads/test"
		tag_tested 1.0 "$c"
		p=$(promote "$c" "$APPROVED")
		expect_reject "prod is in scope" maker data.email origin "$p:refs/heads/main" )
}

test_pii_policy_errors() {
	sed 's/^  allowed_domains: \[example.com,/  allowed_domains: [user@example.com,/' "$TOP/policies/default.yaml" >"$T/bad.yaml"
	"$STAGEGATE_BIN/stagegate" policy check "$T/bad.yaml" >"$T/out" 2>&1
	check "refused" [ $? -ne 0 ]
	check "names the place" out_has "bad.yaml:[0-9]*:[0-9]*: 'user@example.com' is not a domain"
	sed 's/^  phones: false$/  phones: maybe/' "$TOP/policies/default.yaml" >"$T/bad2.yaml"
	"$STAGEGATE_BIN/stagegate" policy check "$T/bad2.yaml" >"$T/out" 2>&1
	check "phones is a boolean" out_has "'phones' must be true or false"
	sed 's/^  environments: \[prod\]$/  environments: [staging]/' "$TOP/policies/default.yaml" >"$T/bad3.yaml"
	"$STAGEGATE_BIN/stagegate" policy check "$T/bad3.yaml" >"$T/out" 2>&1
	check "migration env must exist" out_has "no environment named 'staging'"
}
