#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/dns_matrix.sh - the DNS and DANE test matrix of issue 5
# through the real `aiupdate --check`: real NSD zones (tests/testbed/dns.sh),
# real nginx (tests/testbed/https.sh), a repository from aiupdate-repo.
# Each case runs a fresh process, so a fresh libunbound context.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init dnsm
bed_port DNS_PORT 15860 15869
bed_port HTTPS_PORT 15870 15874
bed_port TA_PORT $((HTTPS_PORT + 1)) 15879
bed_port DEAD_PORT $((TA_PORT + 1)) 15884	# nothing listens there

# ---- the repository and the HTTPS server ----
head -c 1000 /dev/urandom > "$W/m.bin"
bed_repo models/m.bin="$W/m.bin"
it_check "publisher: a repository" test -f "$R/public/metadata/timestamp.json"
H=$W/https
bed_cert repo.good.aiutest
# the DANE-TA server sends leaf + CA (RFC 7671 s5.2: the TA is in the chain)
cat "$H/repo.good.aiutest.pem" "$H/ca.pem" > "$H/chain.pem"
cp "$H/repo.good.aiutest.key" "$H/chain.key"
bed_nginx "$H" "$HTTPS_PORT" "$R/public" repo.good.aiutest "$TA_PORT" chain
EE=$(httpsbed_tlsa "$H" repo.good.aiutest)		# 3 1 1 <spki sha256>
CA_SHA=$(openssl x509 -in "$H/ca.pem" -outform DER | sha256sum | cut -d' ' -f1)
# another key's TLSA: matches nothing the server has
httpsbed_selfsigned "$W/other" repo.good.aiutest
OTHER=$(httpsbed_tlsa "$W/other" repo.good.aiutest)

it_exit "dns-records prints TLSA 3 1 1 for a key and 2 0 1 for a CA" 0 $AIUREPO dns-records "$R" \
    --domain good.aiutest --host repo.good.aiutest --port "$HTTPS_PORT" --key "$H/repo.good.aiutest.key" --ca "$H/ca.pem"
it_grep "dns-records: DANE-EE from the key = the certificate's SPKI" "_$HTTPS_PORT\._tcp\.repo\.good\.aiutest\. 3600 IN TLSA $EE\$"
it_grep "dns-records: DANE-TA from the CA certificate" "IN TLSA 2 0 1 $CA_SHA\$"
it_exit "dns-records refuses a leaf as --ca" 2 $AIUREPO dns-records "$R" \
    --domain good.aiutest --host repo.good.aiutest --port 443 --ca "$H/repo.good.aiutest.pem"

# ---- zones ----
D=$W/dns
dnsbed_zone "$D" good "$HTTPS_PORT" good / "$EE"
dnsbed_record "$D" good "_$TA_PORT._tcp.repo TLSA 2 0 1 $CA_SHA"
for k in bogus-edit wrongds expired future nosig ds-unsigned nods noservice; do
	dnsbed_zone "$D" "$k" "$HTTPS_PORT" "$k" / "$EE"
done
dnsbed_zone "$D" nsec3 "$HTTPS_PORT" nsec3 / "$EE"
dnsbed_zone "$D" soon "$HTTPS_PORT" soon / "$EE"
dnsbed_zone "$D" nxsrv "$HTTPS_PORT" nosrv	# no path: the SRV name does not exist
dnsbed_zone "$D" badtlsa "$HTTPS_PORT" good / "$OTHER"
dnsbed_zone "$D" otherport "$HTTPS_PORT" custom
dnsbed_record "$D" otherport "_aiupdate._tcp SRV 0 0 $HTTPS_PORT repo"
dnsbed_record "$D" otherport "repo A 127.0.0.1"
dnsbed_record "$D" otherport "_9443._tcp.repo TLSA $EE"
# two hosts: the preferred one refuses connections
dnsbed_zone "$D" twohosts "$HTTPS_PORT" custom
dnsbed_record "$D" twohosts "_aiupdate._tcp SRV 0 0 $DEAD_PORT dead"
dnsbed_record "$D" twohosts "_aiupdate._tcp SRV 10 0 $HTTPS_PORT repo"
dnsbed_record "$D" twohosts "dead A 127.0.0.1"
dnsbed_record "$D" twohosts "dead AAAA ::1"
dnsbed_record "$D" twohosts "repo A 127.0.0.1"
dnsbed_record "$D" twohosts "_$HTTPS_PORT._tcp.repo TLSA $EE"
# DANE-TA: the SRV leads to repo.good.aiutest on the port whose TLSA is 2 0 1
dnsbed_zone "$D" ta "$TA_PORT" custom
dnsbed_record "$D" ta "_aiupdate._tcp SRV 0 0 $TA_PORT repo.good.aiutest."
# DANE-TA whose chain is for another name: refused (DANE-TA checks the name)
dnsbed_zone "$D" taname "$TA_PORT" custom
dnsbed_record "$D" taname "_aiupdate._tcp SRV 0 0 $TA_PORT repo"
dnsbed_record "$D" taname "repo A 127.0.0.1"
dnsbed_record "$D" taname "_$TA_PORT._tcp.repo TLSA 2 0 1 $CA_SHA"
# RFC 9460: no SRV, an HTTPS record at the domain
dnsbed_zone "$D" svcb "$HTTPS_PORT" custom
dnsbed_record "$D" svcb "@ HTTPS 1 repo alpn=h2,http/1.1 port=$HTTPS_PORT"
dnsbed_record "$D" svcb "repo A 127.0.0.1"
dnsbed_record "$D" svcb "_$HTTPS_PORT._tcp.repo TLSA $EE"
bed_dns "$DNS_PORT"

# conf CHILD [AUTH] [CA_FILE]: a config for DOMAIN CHILD.aiutest
conf() {
	bed_conf "$W/$1.conf" zone="$1" ca="${3:-$H/ca.pem}" targets=models/m.bin \
		state="$W/state-$1" "[discovery]" "rfc5011 = ${RFC5011:-auto}" \
		"[tls]" "auth = ${2:-dane-or-ca}"
	echo "$W/$1.conf"
}
check() {	# DESC EXIT CHILD [AUTH] [CA_FILE]
	it_exit "$1" "$2" $AIUPDATE -c "$(conf "$3" "${4:-}" "${5:-}")" --check -v
}

# ---- secure ----
check "good zone: update found" 100 good
it_grep "good: SRV secure, with its RRSIG expiry" '_aiupdate\._tcp\.good\.aiutest +SRV +secure +1 record, RRSIG expires in (2[0-9]|30) days'
it_grep "good: A and AAAA both asked" 'repo\.good\.aiutest +AAAA +secure-nodata'
it_grep "good: TLS authenticated by DANE-EE" 'authenticated by DANE-EE'
it_grep "good: forwarder and trust anchor named" "^resolver: +forwarder 127\.0\.0\.1@$DNS_PORT"
it_check "good: no WARN for a 4-week signature" sh -c "! grep -q '^WARN dns-rrsig' '$IT_OUT'"
it_check "good: no WARN for a fresh 7-day timestamp (it warns within a day)" sh -c "! grep -q '^WARN metadata timestamp' '$IT_OUT'"
sed "s#^state_dir = .*#state_dir = $W/state-late#" "$(conf good)" > "$W/late.conf"	# its own time floor
# faketime is an LD_PRELOAD library: under ASan it comes before the runtime
it_exit "half a day before the timestamp expires" 100 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	faketime -f +156h $AIUPDATE_DYN -c "$W/late.conf" --check -v
it_grep "  ... WARN for the timestamp" '^WARN metadata timestamp expires .*\(in 0 days\)'
check "NSEC3-signed zone: update found" 100 nsec3
it_grep "nsec3: TLSA secure" '_[0-9]+\._tcp\.repo\.nsec3\.aiutest +TLSA +secure'
check "signatures expiring in 3 days: still valid" 100 soon
it_grep "soon: WARN line for the RRSIG" '^WARN dns-rrsig _aiupdate\._tcp\.soon\.aiutest SRV expires .*\(in [23] days\)'
check "HTTPS record (RFC 9460) instead of SRV" 100 svcb
it_grep "svcb: the HTTPS query is shown secure" 'svcb\.aiutest +HTTPS +secure'
it_grep "svcb: host from the HTTPS record" "repo\.svcb\.aiutest:$HTTPS_PORT \(HTTPS, 127\.0\.0\.1\) used"

# ---- bogus, insecure, absent: exit 10, each with its own message ----
check "record edited after signing" 10 bogus-edit
it_grep "bogus-edit: why_bogus" 'bogus: .*signature (crypto failed|verification failed)|validation failure'
it_grep "bogus-edit: the -v screen shows the bogus query" 'repo\.bogus-edit\.aiutest +A +bogus'
check "parent DS for the wrong key" 10 wrongds
it_grep "wrongds: bogus, chain of trust" 'bogus: .*(chain of trust|DS)'
check "signatures expired" 10 expired
it_grep "expired: signature expired" 'bogus: .*signature expired'
check "inception in the future" 10 future
# (RFC 1982 serial arithmetic: an inception 73 years ahead reads as past)
it_grep "future: bogus signature dates" 'bogus: .*signature (expired|before inception|not yet valid)'
check "RRSIG removed" 10 nosig
it_grep "nosig: no signatures" 'bogus: .*no signatures'
check "DS in the parent, unsigned child" 10 ds-unsigned
it_grep "ds-unsigned: bogus" 'discovery failed: DNS answer failed DNSSEC validation|bogus'
check "delegation without DS (insecure)" 10 nods
it_grep "nods: insecure" 'insecure answer'
check "secure NXDOMAIN for the SRV name" 10 nxsrv
it_grep "nxsrv: secure NXDOMAIN" 'secure NXDOMAIN'
check "SRV target \".\"" 10 noservice
it_grep "noservice: not offered" 'service is not offered'

# ---- hosts and DANE ----
check "two SRV hosts, the first refuses connections" 100 twohosts
it_grep "twohosts: the refused host is listed first" "dead\.twohosts\.aiutest:$DEAD_PORT \(SRV, 127\.0\.0\.1\) .*connect"
it_grep "twohosts: the second host is used" "repo\.twohosts\.aiutest:$HTTPS_PORT \(SRV, 127\.0\.0\.1\) used"
check "TLSA that does not match the server key (CA would accept)" 11 badtlsa
it_grep "badtlsa: DANE refusal names the key" 'DANE: none of the 1 usable TLSA records .*SPKI SHA-256'
check "TLSA for another port does not count (auth = dane)" 11 otherport dane
it_grep "otherport: DANE required, none usable" 'DANE required for repo\.otherport\.aiutest'
check "TLSA for another port, dane-or-ca: the CA check decides (wrong name)" 11 otherport
it_grep "otherport/ca: CA name check" 'certificate for repo\.good\.aiutest, expected repo\.otherport\.aiutest'
check "DANE-TA with no CA bundle at all (auth = dane)" 100 ta dane /nonexistent/ca.pem
it_grep "ta: authenticated by DANE-TA" 'authenticated by DANE-TA'
check "DANE-TA: the chain is for another name" 11 taname dane /nonexistent/ca.pem
check "dane-and-ca: DANE-EE and the CA both pass" 100 good dane-and-ca
it_grep "dane-and-ca: both named" 'authenticated by DANE-EE\+CA'
check "auth = ca ignores a non-matching TLSA" 11 badtlsa ca
it_grep "auth = ca: the CA name check refuses (the cert is for repo.good.aiutest)" 'expected repo\.badtlsa\.aiutest'

# ---- RFC 5011: libunbound keeps the anchor in the state dir ----
RFC5011=yes check "rfc5011 = yes: the anchor is tracked in state_dir" 100 good
it_grep "rfc5011: the -v screen names the tracked file" "^anchor: .*state-good/trust-anchor\.rfc5011 \(RFC 5011\)"
it_check "rfc5011: libunbound wrote its autotrust state (DNSKEY, state VALID)" \
    grep -Eq '^aiutest\.[[:space:]].*DNSKEY.*state=2 \[  VALID  \]' "$W/state-good/trust-anchor.rfc5011"
RFC5011=yes check "rfc5011: the next run starts from the tracked file" 100 good

# ---- --json carries the same facts ----
it_exit "good --json" 100 $AIUPDATE -c "$(conf good)" --check --json
it_check "--json: dns, hosts, tls, clock, warnings" python3 - "$IT_OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = {(x["name"], x["type"]): x for x in d["dns"]["queries"]}
srv = q[("_aiupdate._tcp.good.aiutest", "SRV")]
assert srv["state"] == "secure" and srv["records"] == 1 and srv["rrsig_expires"] > d["time"], srv
assert q[("repo.good.aiutest", "AAAA")]["state"] == "secure-nodata"
assert d["dns"]["mode"] == "forwarder" and d["dns"]["anchor_mode"] == "static"
assert d["hosts"][0]["result"] == "used"
assert d["tls"]["auth"] == "DANE-EE" and d["tls"]["version"] == "TLSv1.2", d["tls"]
assert d["clock"]["behind_floor"] is False and d["warn_days"] == 7
assert d["warnings"] == [], d["warnings"]	# a fresh 7-day timestamp: none
PY
it_exit "bogus --json" 10 $AIUPDATE -c "$W/bogus-edit.conf" --check --json
it_check "--json: the bogus query with why_bogus" python3 - "$IT_OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = [x for x in d["dns"]["queries"] if x["state"] == "bogus"]
assert b and b[0]["type"] == "A" and b[0]["why"], b
assert d["exit"] == 10 and d["phase"] == "discovery"
PY

# ---- delv agrees where cheap ----
read -r n _ _ tag alg dt dg < "$D/trust-anchor.ds"
printf 'trust-anchors {\n\t%s static-ds %s %s %s "%s";\n};\n' "$n" "$tag" "$alg" "$dt" "$dg" > "$W/delv.anchor"
delv_ok() { delv @127.0.0.1 -p "$DNS_PORT" -a "$W/delv.anchor" +root=aiutest "$1" "$2" 2>&1 | grep -q "; fully validated"; }
it_check "delv: nsec3 SRV fully validated" delv_ok _aiupdate._tcp.nsec3.aiutest SRV
it_check "delv: svcb HTTPS fully validated" delv_ok svcb.aiutest HTTPS
delv_not() { ! delv_ok "$@"; }
it_check "delv: bogus-edit A not validated" delv_not repo.bogus-edit.aiutest A
it_check "delv: nods SRV not validated (insecure)" delv_not _aiupdate._tcp.nods.aiutest SRV

# ---- RFC 5011: a damaged tracked anchor never stops validation ----
# Issue 11: libunbound rewrites its autotrust file without fsync, so a power
# cut can leave it empty or cut short.  It now tracks a working copy, and
# only the client writes the tracked file (temp + fsync + rename); a tracked
# file that is damaged (empty, cut short, unparsable) starts again from the
# configured anchor, tracking stays on, and the file is whole again after.
TA=$W/state-good/trust-anchor.rfc5011
cp "$TA" "$W/ta.good"
anchor_ok() {	# DESC: validated, still tracked, the tracked file whole
	it_grep "$1: tracking stays on" "^anchor: .*state-good/trust-anchor\.rfc5011 \(RFC 5011\)"
	it_check "$1: the tracked file holds the VALID key again" \
	    grep -Eq '^aiutest\.[[:space:]].*DNSKEY.*state=2 \[  VALID  \]' "$TA"
}
: > "$TA"
RFC5011=yes check "rfc5011: an empty tracked anchor (power cut) still validates" 100 good
it_grep "rfc5011/empty: the damage is named" "trust-anchor\.rfc5011 is damaged \(empty\)"
anchor_ok "rfc5011/empty"
head -c $(( $(wc -c < "$W/ta.good") / 2 )) "$W/ta.good" > "$TA"
RFC5011=yes check "rfc5011: a tracked anchor cut short still validates" 100 good
anchor_ok "rfc5011/truncated"
printf 'aiutest. 3600 IN DNSKEY 257 3 15 notbase64!!\n' > "$TA"
RFC5011=yes check "rfc5011: an unparsable tracked anchor still validates" 100 good
anchor_ok "rfc5011/garbage"
: > "$TA.work"	# a cut during libunbound's own rewrite of its copy
RFC5011=yes check "rfc5011: a damaged working copy is not used" 100 good
anchor_ok "rfc5011/work"
RFC5011=yes check "rfc5011: the anchor libunbound wrote is taken as it is" 100 good
it_check "rfc5011: no damage reported for it" sh -c "! grep -q 'is damaged' '$IT_OUT'"
it_done
