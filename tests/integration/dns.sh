# SPDX-License-Identifier: ISC
# tests/integration/dns.sh - DNSSEC discovery against a real NSD serving
# freshly signed zones (tests/testbed/dns.sh), checked with dnsprobe
# (client/discover/dns.c through libunbound) and cross-checked with BIND's delv.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

PROBE=$B/tests/dnsprobe
bed_init dns

TLSA_HASH=5f9b1a6d2b4c3e8f7a0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3
mkdir -p "$W/dns"
dnsbed_zone "$W/dns" good 8443 good /repo/stable "3 1 1 $TLSA_HASH"
dnsbed_record "$W/dns" good 'repo.good.aiutest. AAAA ::1'
dnsbed_zone "$W/dns" plain 8443 good
dnsbed_zone "$W/dns" multi 8443 good /m
# beside the bed's "SRV 0 0 8443 repo": same priority, higher weight wins;
# a worse priority loses whatever its weight
dnsbed_record "$W/dns" multi '_aiupdate._tcp.multi.aiutest. SRV 0 5 9443 alt.multi.aiutest.'
dnsbed_record "$W/dns" multi '_aiupdate._tcp.multi.aiutest. SRV 0 10 9444 Best.Multi.aiutest.'
dnsbed_record "$W/dns" multi '_aiupdate._tcp.multi.aiutest. SRV 9 100 9445 alt.multi.aiutest.'
dnsbed_record "$W/dns" multi 'best.multi.aiutest. A 127.0.0.4'
dnsbed_record "$W/dns" multi 'alt.multi.aiutest. A 127.0.0.3'
# custom: records from the caller only; the SRV target lives in another zone
dnsbed_zone "$W/dns" custom 0 custom
dnsbed_record "$W/dns" custom '_aiupdate._tcp SRV 0 0 8443 repo.good.aiutest.'
dnsbed_record "$W/dns" custom '_aiupdate._tcp TXT "v=1" "path=/c"'
for k in bogus-edit bogus-tlsa bogus-txt nosig expired future wrongds \
    ds-unsigned nods nosrv noservice noaddr; do
	dnsbed_zone "$W/dns" "$k" 8443 "$k" /p
done

PORT=$(it_free_port 15850 15859) || { it_fail "a free port in 15850-15859"; it_done; exit 1; }
if dnsbed_start "$W/dns" "$PORT"; then
	it_ok "NSD serves the signed bed on 127.0.0.1@$PORT"
else
	it_fail "NSD serves the signed bed on 127.0.0.1@$PORT"
	it_done
	exit 1
fi
TA=$W/dns/trust-anchor.ds
RES=$(cat "$W/dns/resolver")
it_check "resolver file says 127.0.0.1@$PORT" [ "$RES" = "127.0.0.1@$PORT" ]

probe() {	# DESC WANT_EXIT DOMAIN [TA]
	it_exit "$1" "$2" "$PROBE" "${4:-$TA}" "$RES" "$3"
}

# ---- secure discovery ----
probe "good: secure discovery" 0 good.aiutest
it_grep "good: host is the SRV target" '^host repo\.good\.aiutest$'
it_grep "good: port from SRV" '^port 8443$'
it_grep "good: path from TXT" '^path /repo/stable$'
it_grep "good: A address" '^addr 127\.0\.0\.1$'
it_grep "good: AAAA address after the A" '^addr ::1$'
it_check "good: A listed before AAAA" \
    [ "$(grep '^addr' "$IT_OUT" | tr '\n' ' ')" = "addr 127.0.0.1 addr ::1 " ]
it_grep "good: TLSA 3 1 1 from _8443._tcp.repo" "^tlsa 3 1 1 $TLSA_HASH\$"
exp=$(sed -n 's/^rr repo\.good\.aiutest A rrsig_expires //p' "$IT_OUT")
now=$(date +%s)
it_check "good: A RRSIG expiry reported, about 4 weeks ahead (fresh signing)" \
    [ "${exp:-0}" -gt $((now + 20 * 86400)) -a "${exp:-0}" -lt $((now + 40 * 86400)) ]

probe "plain: no TXT, no TLSA is fine" 0 plain.aiutest.
it_grep "plain: path defaults to /" '^path /$'
it_check "plain: no TLSA" sh -c "! grep -q '^tlsa' '$IT_OUT'"
it_grep "plain: secure NODATA for TLSA recorded as expiry 0" \
    '^rr _8443\._tcp\.repo\.plain\.aiutest TLSA rrsig_expires 0$'
probe "domain is case-insensitive" 0 PLAIN.AiuTest
it_grep "domain is case-insensitive: host lowercased" '^host repo\.plain\.aiutest$'

probe "multi: several SRV records" 0 multi.aiutest
it_check "multi: all four hosts listed, priority 0 first (weighted order), priority 9 last" \
    [ "$(grep '^target' "$IT_OUT" | head -3 | awk '{print $3":"$4}' | sort | tr '\n' ' ')" = \
      "alt.multi.aiutest:9443 best.multi.aiutest:9444 repo.multi.aiutest:8443 " -a \
      "$(grep '^target 3 ' "$IT_OUT")" = "target 3 alt.multi.aiutest 9445 SRV" ]
it_grep "multi: the first listed host is the one resolved" \
    "^host $(sed -n 's/^target 0 \([^ ]*\) .*/\1/p' "$IT_OUT" | sed 's/\./\\./g')\$"
# RFC 2782 weights 10/5/0: over 100 orderings best leads about 62 times,
# alt 31, repo (weight 0: only when the random number is 0) about 6
first=$(for i in $(seq 100); do "$PROBE" "$TA" "$RES" multi.aiutest 2>/dev/null | sed -n 's/^target 0 \([^.]*\)\..*/\1/p'; done | sort | uniq -c | sort -rn)
it_check "multi: weighted order (best most often first, repo rarely): $(echo $first)" \
    [ "$(echo "$first" | head -1 | awk '{print $2}')" = best -a \
      "$(echo "$first" | awk '$2 == "repo" {print $1}' | grep . || echo 0)" -lt 25 ]

probe "custom: caller's records, target in another signed zone" 0 custom.aiutest
it_grep "custom: target and path from the caller's records" '^host repo\.good\.aiutest$'
it_grep "custom: path from a multi-string TXT" '^path /c$'
it_grep "custom: TLSA of the target's zone" "^tlsa 3 1 1 $TLSA_HASH\$"

# ---- refusals ----
probe "bogus-edit: A edited after signing refused" 10 bogus-edit.aiutest
it_grep "bogus-edit: says bogus, names the answer, carries why_bogus" \
    '^error: bogus: .*repo\.bogus-edit\.aiutest A: bogus: validation failure .*signature verification failed'
it_check "bogus-edit: forged address never printed" sh -c "! grep -q '127.0.0.2' '$IT_OUT'"
probe "bogus-tlsa: a forged TLSA fails closed" 10 bogus-tlsa.aiutest
it_grep "bogus-tlsa: bogus TLSA named" '^error: bogus: .*_8443\._tcp\.repo\.bogus-tlsa\.aiutest TLSA: bogus'
probe "bogus-txt: a forged TXT path fails closed" 10 bogus-txt.aiutest
it_grep "bogus-txt: bogus TXT named" '^error: bogus: .*bogus-txt\.aiutest TXT: bogus'
probe "nosig: RRSIG removed refused" 10 nosig.aiutest
it_grep "nosig: bogus, no signatures" '^error: bogus: .*no signatures'
probe "expired: expired signatures refused" 10 expired.aiutest
it_grep "expired: bogus, signature expired" '^error: bogus: .*signature expired'
probe "future: inception in the future refused" 10 future.aiutest
it_grep "future: bogus" '^error: bogus: '
probe "wrongds: DS for another key refused" 10 wrongds.aiutest
it_grep "wrongds: bogus, chain of trust" '^error: bogus: .*while building chain of trust'
probe "ds-unsigned: DS in parent, unsigned child refused" 10 ds-unsigned.aiutest
it_grep "ds-unsigned: bogus" '^error: bogus: .*No DNSKEY record'
probe "nods: insecure delegation refused" 10 nods.aiutest
it_grep "nods: says insecure" '^error: insecure: .*_aiupdate\._tcp\.nods\.aiutest SRV: insecure answer'
probe "nosrv: secure NODATA for SRV" 10 nosrv.aiutest
it_grep "nosrv: says nodata" '^error: nodata: .*SRV'
probe "noservice: SRV target . means no service" 10 noservice.aiutest
it_grep "noservice: says noservice" '^error: noservice: '
probe "noaddr: SRV target without address" 10 noaddr.aiutest
it_grep "noaddr: says nodata, no A and no AAAA" '^error: nodata: .*no A and no AAAA'
probe "nothere: name that does not exist" 10 nothere.aiutest
it_grep "nothere: says secure NXDOMAIN" '^error: nxdomain: .*secure NXDOMAIN'

# A trust anchor for another key: every answer under it is bogus.
( cd "$W" && k=$(ldns-keygen -a ED25519 -k aiutest.) && cp "$k.ds" other.ds )
probe "wrong trust anchor: good zone refused" 10 good.aiutest "$W/other.ds"
it_grep "wrong trust anchor: bogus" '^error: bogus: '
probe "missing trust anchor file: a configuration error, not DNS's" 2 good.aiutest "$W/none.ds"
it_grep "missing trust anchor: names the key and the file" "^error: config: configuration error: \\[discovery\\] trust_anchor $W/none\\.ds: cannot read it"
: > "$W/empty.ds"
probe "empty trust anchor file: a configuration error" 2 good.aiutest "$W/empty.ds"
it_grep "empty trust anchor: says so" "^error: config: configuration error: \\[discovery\\] trust_anchor $W/empty\\.ds is empty"
it_exit "malformed resolver value" 10 "$PROBE" "$TA" "localhost@$PORT" good.aiutest
it_grep "malformed resolver: named" '^error: resolver: .*localhost@'

# ---- cross-check with BIND's delv ----
read -r n _ _ tag alg dt dg < "$TA"
printf 'trust-anchors {\n\t%s static-ds %s %s %s "%s";\n};\n' \
    "$n" "$tag" "$alg" "$dt" "$dg" > "$W/delv.anchor"
delv_class() {	# NAME TYPE -> secure|insecure|bogus|nxdomain|nodata
	_o=$(delv @127.0.0.1 -p "$PORT" -a "$W/delv.anchor" +root=aiutest "$1" "$2" 2>&1)
	case $_o in
	*"negative response, fully validated"*NXDOMAIN*) echo nxdomain ;;
	*"negative response, fully validated"*NXRRSET*) echo nodata ;;
	*"; fully validated"*) echo secure ;;
	*"unsigned answer"*) echo insecure ;;
	*"resolution failed"*) echo bogus ;;
	*) echo "unknown: $_o" ;;
	esac
}
while read -r name type want; do
	got=$(delv_class "$name" "$type")
	it_check "delv agrees: $name $type is $want (delv: $got)" [ "$got" = "$want" ]
done <<EOF
_aiupdate._tcp.good.aiutest SRV secure
repo.good.aiutest A secure
_8443._tcp.repo.good.aiutest TLSA secure
repo.bogus-edit.aiutest A bogus
_8443._tcp.repo.bogus-tlsa.aiutest TLSA bogus
_aiupdate._tcp.bogus-txt.aiutest TXT bogus
repo.nosig.aiutest A bogus
_aiupdate._tcp.expired.aiutest SRV bogus
_aiupdate._tcp.future.aiutest SRV bogus
_aiupdate._tcp.wrongds.aiutest SRV bogus
_aiupdate._tcp.ds-unsigned.aiutest SRV bogus
_aiupdate._tcp.nods.aiutest SRV insecure
_aiupdate._tcp.nosrv.aiutest SRV nodata
_aiupdate._tcp.nothere.aiutest SRV nxdomain
repo.noaddr.aiutest A nxdomain
EOF

dnsbed_stop "$W/dns"
it_check "NSD stopped by PID" sh -c "! dig +short +time=1 +tries=1 @127.0.0.1 -p $PORT aiutest. SOA | grep -q hostmaster"
it_done
