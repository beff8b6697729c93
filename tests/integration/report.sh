#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/report.sh - the device's signed status reports (issue 14)
# on the real bed: the endpoint found by DNSSEC (SRV _aiupdate-report._tcp,
# A, TLSA), reports POSTed over the client's own TLS and signed as Standard
# Webhooks messages (v1 HMAC and v1a Ed25519), received by an independent
# receiver (tests/interop/webhook_receiver.mjs: the npm standardwebhooks
# library for v1, node:crypto for v1a); forged copies refused by both it and
# au_webhook_verify; bogus, insecure and TLSA-mismatched endpoints never get
# a byte; reports wait in the outbox while the endpoint is down and arrive
# in order; a hostile endpoint cannot hold the run past its deadline; and
# none of it changes an update's outcome.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init report
command -v node >/dev/null || { echo "# skipped: no node"; it_done; exit 0; }
bed_port DNS_PORT 17100 17119
bed_port HTTPS_PORT 17120 17139
bed_port RPORT 17140 17159
bed_port TPORT 17160 17179
bed_port HPORT 17180 17199
bed_port UPORT 17200 17219
VERIFY=$B/tests/webhook_verify
RECV=tests/interop/webhook_receiver.mjs

head -c 200000 /dev/urandom > "$W/model-v1.bin"
head -c 200000 /dev/urandom > "$W/model-v2.bin"
bed_repo models/model.bin="$W/model-v1.bin"

# ---- certificates first: the TLSA records name their keys ----
bed_cert repo.good.aiutest
bed_cert collector.good.aiutest
bed_cert collector.rtlsa.aiutest
bed_cert collector.hostile.aiutest
# the repository zone also names the collector (SRV, A, TLSA)
bed_zone good "$HTTPS_PORT"
dnsbed_record "$W/dns" good "_aiupdate-report._tcp SRV 0 0 $RPORT collector"
dnsbed_record "$W/dns" good "collector A 127.0.0.1"
dnsbed_record "$W/dns" good "_$RPORT._tcp.collector TLSA $(httpsbed_tlsa "$W/https" collector.good.aiutest)"
# the collector's A record edited after signing (bogus)
bed_zone rbogus "$RPORT" bogus-edit
dnsbed_record "$W/dns" rbogus "_aiupdate-report._tcp SRV 0 0 $RPORT repo"
# a zone without DS in the parent (insecure)
bed_zone rins "$RPORT" nods
dnsbed_record "$W/dns" rins "_aiupdate-report._tcp SRV 0 0 $RPORT repo"
# a collector with a valid CA certificate but a TLSA record for another key
bed_zone rtlsa "$TPORT"
dnsbed_record "$W/dns" rtlsa "_aiupdate-report._tcp SRV 0 0 $TPORT collector"
dnsbed_record "$W/dns" rtlsa "collector A 127.0.0.1"
dnsbed_record "$W/dns" rtlsa "_$TPORT._tcp.collector TLSA 3 1 1 $(printf '%064d' 0)"
bed_zone hostile "$HPORT"
dnsbed_record "$W/dns" hostile "_aiupdate-report._tcp SRV 0 0 $HPORT collector"
dnsbed_record "$W/dns" hostile "collector A 127.0.0.1"
bed_dns "$DNS_PORT"
bed_nginx "$W/https" "$HTTPS_PORT" "$R/public" repo.good.aiutest

SECRET=whsec_$(head -c 32 /dev/urandom | base64)
printf '%s\n' "$SECRET" > "$W/fleet.secret"
chmod 600 "$W/fleet.secret"
# conf FILE ENDPOINT [LINE]...: the device, reporting to ENDPOINT
conf() {
	_f=$1 _e=$2
	shift 2
	bed_conf "$_f" "metrics_file = $W/metrics.prom" "$@" "[report]" \
	    "endpoint = $_e" "signing = both" "hmac_secret_file = $W/fleet.secret"
}
conf "$W/good.conf" good.aiutest
conf "$W/bogus.conf" rbogus.aiutest
conf "$W/insecure.conf" rins.aiutest
conf "$W/tlsa.conf" rtlsa.aiutest
conf "$W/hostile.conf" hostile.aiutest "[transport]" "deadline_base = 2"

# ---- config: bad [report] values are refused at load (exit 2), nothing made ----
badconf() {	# DESC LINE...
	_d=$1
	shift
	bed_conf "$W/bad.conf" state="$W/unused" "[report]" "$@"
	it_exit "config: $_d (exit 2)" 2 $AIUPDATE -c "$W/bad.conf" --check
}
badconf "signing other than ed25519|hmac|both" "endpoint = good.aiutest" "signing = rsa"
badconf "a url that is not https" "url = http://collector.good.aiutest/r"
badconf "a url with an address literal (no DNSSEC for it)" "url = https://127.0.0.1:$RPORT/r"
badconf "a url with a bad port" "url = https://collector.good.aiutest:99999/r"
badconf "endpoint and url together" "endpoint = good.aiutest" "url = https://collector.good.aiutest/r"
badconf "hmac signing without a secret file" "endpoint = good.aiutest" "signing = hmac"
printf 'not-a-secret\n' > "$W/bad.secret"
badconf "a secret file not in whsec_ form" "endpoint = good.aiutest" "signing = both" "hmac_secret_file = $W/bad.secret"
it_grep "  ... naming the file and why" "hmac_secret_file .*bad.secret: .*whsec_"
badconf "an unknown [report] key" "endpoint = good.aiutest" "endpont = x"
it_check "  ... and nothing was made in state_dir" test ! -e "$W/unused"

# ---- the device key: made once, 0600, printed for enrolment ----
it_exit "--device-key makes and prints the key" 0 $AIUPDATE -c "$W/good.conf" --device-key
it_grep "  ... a whpk_ public key" "^device_key whpk_[A-Za-z0-9+/]{43}=$"
PK=$(sed -n 's/^device_key //p' "$IT_OUT")
it_check "  ... the key file is mode 0600" test "$(stat -c %a "$W/device/device-key")" = 600
it_exit "--device-key --json" 0 $AIUPDATE -c "$W/good.conf" --device-key --json
it_check "  ... the same key, not made again" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not(d['device_key']==sys.argv[2] and d['created'] is False))" "$IT_OUT" "$PK"

# ---- the receiver (independent: npm standardwebhooks + node:crypto) ----
# recv DIR PORT CERT MODE: start a receiver, its PID in DIR/pid
recv() {
	mkdir -p "$1"
	node "$RECV" --port "$2" --cert "$W/https/$3.pem" --key "$W/https/$3.key" \
	    --out "$1/accepted.jsonl" --log "$1/answers.log" --state "$1/state.json" \
	    --secret "$SECRET" --pk "$PK" --mode "$4" > "$1/stdout" 2>&1 &
	echo $! > "$1/pid"
	bed_listening "$2" || bed_fail "receiver on $2 started"
}
stop_recv() {
	[ -f "$1/pid" ] && kill "$(cat "$1/pid")" 2>/dev/null && wait "$(cat "$1/pid")" 2>/dev/null
	rm -f "$1/pid"
}
bed_on_exit 'for p in "$W"/recv*/pid; do [ -f "$p" ] && kill "$(cat "$p")"; done'
recv "$W/recv" "$RPORT" collector.good.aiutest normal
recv "$W/recvt" "$TPORT" collector.rtlsa.aiutest normal
lines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
outbox() { ls "$W/device/outbox" 2>/dev/null | grep -c '\.report$'; }
# field N EXPR [ARG]: python EXPR over line N of accepted.jsonl (d = the
# body's data, r the line, sys.argv[3] = ARG)
field() {
	python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2])]; d=json.loads(r['body'])['data']; print($2)" "$W/recv/accepted.jsonl" "$1" "${3:-}"
}

# ---- delivered and verified ----
it_exit "--apply installs v1 and reports it" 0 $AIUPDATE -c "$W/good.conf" --apply
it_check "  ... the receiver accepted one report" test "$(lines "$W/recv/accepted.jsonl")" = 1
it_check "  ... v1 verified by the npm standardwebhooks library and v1a by node:crypto" \
	test "$(field 0 "','.join(r['verified'])")" = "v1:standardwebhooks,v1a:node-crypto"
it_check "  ... mode apply, result installed, exit 0, counter 1" \
	test "$(field 0 "d['mode'],d['result'],d['exit'],d['counter']")" = "apply installed 0 1"
it_check "  ... the installed version and SHA-256 of the target" \
	test "$(field 0 "d['targets'][0]['installed']['version'],d['targets'][0]['installed']['sha256']")" = "1 $(sha256sum < "$W/model-v1.bin" | cut -d' ' -f1)"
it_check "  ... the device key and the TUF roles in the body" \
	test "$(field 0 "d['device_key']==sys.argv[3] and sorted(x['role'] for x in d['roles'])" "$PK")" = "['root', 'snapshot', 'targets', 'timestamp']"
it_check "  ... the body validates against docs/report-schema.json" python3 tests/tools/report_schema.py "$W/recv/accepted.jsonl"
it_check "  ... the outbox is empty" test "$(outbox)" = 0
it_check "  ... metrics say delivered" grep -q '^aiupdate_report_delivered 1$' "$W/metrics.prom"
it_exit "--check --json reports too" 0 $AIUPDATE -c "$W/good.conf" --check --json
it_check "  ... the --json member report says delivered" python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='delivered' and r['counter']==2))" "$IT_OUT"
it_check "  ... a second report, counter 2, mode check" test "$(field 1 "d['mode'],d['counter'],d['result']")" = "check 2 up-to-date"

# ---- forged copies of that real report: refused by both verifiers ----
python3 - "$W/recv/accepted.jsonl" "$W/copy" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[-1])
open(sys.argv[2] + ".body", "w").write(r["body"])
t = r["body"].replace('"counter":2,', '"counter":9,')
assert t != r["body"]
open(sys.argv[2] + ".tampered", "w").write(t)
open(sys.argv[2] + ".hdr", "w").write("%s\n%s\n%s\n" % (r["id"], r["timestamp"], r["signature"]))
PY
{ read -r ID; read -r TS; read -r SIG; } < "$W/copy.hdr"
post() {	# BODY_FILE ID TS SIG -> the HTTP status
	curl -s -o /dev/null -w '%{http_code}' --cacert "$W/https/ca.pem" \
	    --resolve "collector.good.aiutest:$RPORT:127.0.0.1" \
	    -H "content-type: application/json" -H "webhook-id: $2" \
	    -H "webhook-timestamp: $3" -H "webhook-signature: $4" \
	    --data-binary "@$1" "https://collector.good.aiutest:$RPORT/aiupdate/v1/report"
}
it_check "C: the real report verifies (control)" $VERIFY "$ID" "$TS" "$SIG" "$W/copy.body" "$SECRET" "$PK"
it_check "tampered body: the receiver answers 401" test "$(post "$W/copy.tampered" "$ID" "$TS" "$SIG")" = 401
it_check "  ... and au_webhook_verify refuses it" sh -c "! $VERIFY '$ID' '$TS' '$SIG' '$W/copy.tampered' '$SECRET' '$PK'"
case $ID in *0) ID2=${ID%?}1 ;; *) ID2=${ID%?}0 ;; esac	# one hex digit changed
it_check "tampered id: 401" test "$(post "$W/copy.body" "$ID2" "$TS" "$SIG")" = 401
it_check "  ... refused by au_webhook_verify" sh -c "! $VERIFY '$ID2' '$TS' '$SIG' '$W/copy.body' '$SECRET' '$PK'"
it_check "replayed as is: 409 (the id was seen)" test "$(post "$W/copy.body" "$ID" "$TS" "$SIG")" = 409
$VERIFY "$ID" "$TS" "$SIG" "$W/copy.body" "$SECRET" "$PK" $((TS + 301)) > "$W/replay.out" 2>&1
it_check "replayed after the tolerance: au_webhook_verify refuses it as stale" \
	sh -c "test $? = 1 && grep -q 'outside the tolerance' '$W/replay.out'"
it_check "stale timestamp: 400" test "$(post "$W/copy.body" "$ID" "$((TS - 400))" "$SIG")" = 400
it_check "  ... refused by au_webhook_verify" sh -c "! $VERIFY '$ID' '$((TS - 400))' '$SIG' '$W/copy.body' '$SECRET' '$PK'"
# wrongly keyed: the same message signed with another secret and another Ed25519 key
WRONG=$(node -e '
const { Webhook } = require("./tests/interop/node_modules/standardwebhooks");
const c = require("node:crypto"), fs = require("node:fs");
const [id, ts, file] = process.argv.slice(1), body = fs.readFileSync(file);
const v1 = new Webhook("whsec_" + c.randomBytes(32).toString("base64")).sign(id, new Date(ts * 1000), body);
const { privateKey } = c.generateKeyPairSync("ed25519");
const v1a = "v1a," + c.sign(null, Buffer.concat([Buffer.from(id + "." + ts + "."), body]), privateKey).toString("base64");
console.log(v1a + " " + v1);' "$ID" "$TS" "$W/copy.body")
it_check "wrongly keyed (other secret, other Ed25519 key): 401" test "$(post "$W/copy.body" "$ID" "$TS" "$WRONG")" = 401
it_check "  ... refused by au_webhook_verify" sh -c "! $VERIFY '$ID' '$TS' '$WRONG' '$W/copy.body' '$SECRET' '$PK'"
head -c 70000 /dev/zero | tr '\0' ' ' > "$W/copy.big"
it_check "over 64 KiB: 413" test "$(post "$W/copy.big" "$ID" "$TS" "$SIG")" = 413
it_check "  ... refused by au_webhook_verify" sh -c "! $VERIFY '$ID' '$TS' '$SIG' '$W/copy.big' '$SECRET' '$PK'"
it_check "  ... the receiver accepted none of the copies" test "$(lines "$W/recv/accepted.jsonl")" = 2

# ---- endpoints DNSSEC does not vouch for: nothing sent, the update unaffected ----
bed_publish models/model.bin="$W/model-v2.bin" || bed_fail "publish v2"
N0=$(lines "$W/recv/answers.log")
it_exit "report SRV/A bogus: --apply still installs v2, exit 0" 0 $AIUPDATE -c "$W/bogus.conf" --apply
it_grep "  ... a WARN line naming the bogus answer" "^WARN report pending: DNS answer is bogus"
it_check "  ... v2 installed" grep -q '"version": 2' "$W/device/state.json"
it_check "  ... the report waits in the outbox" test "$(outbox)" = 1
it_exit "report zone insecure: --check exit 0" 0 $AIUPDATE -c "$W/insecure.conf" --check
it_grep "  ... WARN insecure" "^WARN report pending: DNS answer is insecure"
it_exit "TLSA mismatch (the CA would vouch): --check exit 0" 0 $AIUPDATE -c "$W/tlsa.conf" --check --json
it_check "  ... the --json report says why" python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='pending' and r['error_code']==-301))" "$IT_OUT"
it_check "  ... the TLSA-mismatched receiver got nothing" test "$(lines "$W/recvt/answers.log")" = 0
it_check "  ... nor the good one" test "$(lines "$W/recv/answers.log")" = "$N0"
it_check "  ... three reports queued" test "$(outbox)" = 3

# ---- the endpoint down for three runs, then back: everything, in order ----
stop_recv "$W/recv"
for i in 1 2 3; do
	it_exit "endpoint down, run $i: --check exit 0" 0 $AIUPDATE -c "$W/good.conf" --check
done
it_grep "  ... WARN, connection failed" "^WARN report pending: connection failed"
it_check "  ... six reports queued" test "$(outbox)" = 6
OLD=$(ls "$W"/device/outbox/*.report | head -1)
cp "$OLD" "$W/old-entry"
recv "$W/recv" "$RPORT" collector.good.aiutest normal
it_exit "endpoint back: --check delivers the outbox" 0 $AIUPDATE -c "$W/good.conf" --check --json
it_check "  ... seven reports accepted now (six queued + this run's)" test "$(lines "$W/recv/accepted.jsonl")" = 9
it_check "  ... in counter order, strictly increasing" python3 -c "
import json,sys
c=[json.loads(json.loads(l)['body'])['data']['counter'] for l in open(sys.argv[1])]
sys.exit(not(c==sorted(c) and len(set(c))==len(c) and c[-1]==c[0]+8))" "$W/recv/accepted.jsonl"
it_check "  ... the bogus-run report says it installed v2, the TLSA-run one has mode check" \
	test "$(field 2 "d['result'],d['targets'][0]['installed']['version']")/$(field 4 "d['mode']")" = "installed 2/check"
it_check "  ... the outbox is empty again" test "$(outbox)" = 0
cp "$W/old-entry" "$OLD"
it_exit "a report delivered before, queued again: --check --json" 0 $AIUPDATE -c "$W/good.conf" --check --json
it_check "  ... the receiver's 409 counts as delivered before; the new report is sent" \
	python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='delivered' and r['duplicate']==1 and r['sent']==1 and r['queued']==0))" "$IT_OUT"

# ---- a failed run is reported too, with the forged DNS answer it saw ----
bed_conf "$W/forged.conf" zone=rbogus "[report]" "endpoint = good.aiutest" \
	"signing = both" "hmac_secret_file = $W/fleet.secret"
it_exit "the repository's A record forged: --check exit 10" 10 $AIUPDATE -c "$W/forged.conf" --check
it_check "  ... its report delivered: result failed, exit 10, phase discovery" \
	test "$(field -1 "d['result'],d['exit'],d['phase'],d['error'] is not None")" = "failed 10 discovery True"
it_check "  ... naming the bogus answer and libunbound's why_bogus" \
	test "$(field -1 "[(q['qname'],q['qtype'],q['state'],bool(q['why_bogus'])) for q in d['dnssec']['non_secure']]")" = "[('repo.rbogus.aiutest', 'A', 'bogus', True)]"

# ---- url = https://HOST:PORT/PATH and signing = hmac: v1 only ----
mkdir -p "$W/recvu"
node "$RECV" --port "$UPORT" --cert "$W/https/collector.good.aiutest.pem" \
    --key "$W/https/collector.good.aiutest.key" --out "$W/recvu/accepted.jsonl" \
    --log "$W/recvu/answers.log" --state "$W/recvu/state.json" --secret "$SECRET" \
    > "$W/recvu/stdout" 2>&1 &
echo $! > "$W/recvu/pid"
bed_listening "$UPORT" || bed_fail "receiver on $UPORT started"
bed_conf "$W/url.conf" state="$W/device-url" "[report]" \
	"url = https://collector.good.aiutest:$UPORT/fleet/in" "signing = hmac" \
	"hmac_secret_file = $W/fleet.secret"
it_exit "url form, hmac only: --check exit 100 (v2 available to this new device)" 100 $AIUPDATE -c "$W/url.conf" --check --json
it_check "  ... delivered to the url's path" python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='delivered' and r['endpoint']=='https://collector.good.aiutest:$UPORT/fleet/in'))" "$IT_OUT"
it_check "  ... one v1 signature, verified by the npm standardwebhooks library" python3 -c "
import json,sys
r=json.loads(open(sys.argv[1]).readline())
sys.exit(not(r['verified']==['v1:standardwebhooks'] and r['signature'].startswith('v1,') and ' ' not in r['signature']))" "$W/recvu/accepted.jsonl"
stop_recv "$W/recvu"

# ---- an endpoint that refuses the device (401): dropped, counted in the next report ----
mkdir -p "$W/recv401"
node "$RECV" --port "$UPORT" --cert "$W/https/collector.good.aiutest.pem" \
    --key "$W/https/collector.good.aiutest.key" --out "$W/recv401/accepted.jsonl" \
    --log "$W/recv401/answers.log" --state "$W/recv401/state.json" --secret "$SECRET" \
    --pk whpk_ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ= > "$W/recv401/stdout" 2>&1 &
echo $! > "$W/recv401/pid"
bed_listening "$UPORT" || bed_fail "receiver on $UPORT started"
bed_conf "$W/other.conf" "[report]" "url = https://collector.good.aiutest:$UPORT/r" \
	"signing = both" "hmac_secret_file = $W/fleet.secret"
it_exit "a collector that enrolled another key: --check exit 0" 0 $AIUPDATE -c "$W/other.conf" --check
it_grep "  ... WARN: refused and dropped" "^WARN report refused: unexpected HTTP status: 1 report refused by the endpoint and dropped"
it_check "  ... it answered 401" grep -q "^401 " "$W/recv401/answers.log"
it_check "  ... nothing left queued" test "$(outbox)" = 0
stop_recv "$W/recv401"
it_exit "the next report, to the fleet's collector" 0 $AIUPDATE -c "$W/good.conf" --check
it_check "  ... says one report was dropped" test "$(field -1 "d['outbox']['dropped']")" = 1

# ---- a hostile endpoint cannot hold the run past its deadline ----
for mode in slow endless redirect error; do
	recv "$W/recvh-$mode" "$HPORT" collector.hostile.aiutest "$mode"
	t0=$(date +%s)
	it_exit "hostile endpoint ($mode): --check exit 0" 0 $AIUPDATE -c "$W/hostile.conf" --check
	t1=$(date +%s)
	it_check "  ... done within the deadline (deadline_base 2 s; took $((t1 - t0)) s)" test $((t1 - t0)) -le 8
	it_grep "  ... WARN, the report kept" "^WARN report pending"
	stop_recv "$W/recvh-$mode"
done
it_check "  ... every hostile run's report still queued" test "$(outbox)" = 4

# ---- --from queues only; --rollback, --commit, --retry report too ----
$AIUREPO export "$R" "$W/usb" >/dev/null
it_exit "--from --check: exit 0" 0 $AIUPDATE -c "$W/good.conf" --check --from "$W/usb" --json
it_check "  ... queued, not sent" python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='queued'))" "$IT_OUT"
N1=$(lines "$W/recv/accepted.jsonl")
it_exit "--rollback: exit 0 and the report is sent (with the queue)" 0 $AIUPDATE -c "$W/good.conf" --rollback
it_check "  ... six more reports accepted" test "$(lines "$W/recv/accepted.jsonl")" = $((N1 + 6))
it_check "  ... each signed when sent: webhook-timestamp never before the run's time" python3 -c "
import calendar,json,sys,time
for l in open(sys.argv[1]):
    r=json.loads(l); t=json.loads(r['body'])['timestamp']
    if int(r['timestamp']) < calendar.timegm(time.strptime(t,'%Y-%m-%dT%H:%M:%SZ')): sys.exit(1)" "$W/recv/accepted.jsonl"
it_check "  ... the --from one says offline, the last one rolled-back with v1 installed" \
	test "$(field -2 "d['offline']")/$(field -1 "d['mode'],d['result'],d['targets'][0]['installed']['version']")" = "True/rollback rolled-back 1"
it_exit "--retry: exit 0" 0 $AIUPDATE -c "$W/good.conf" --retry
it_check "  ... reported as retry" test "$(field -1 "d['mode']")" = retry
it_exit "-v: the report's event line (syslog's, on stderr with -v); v2 available after the rollback" 100 $AIUPDATE -c "$W/good.conf" --check -v
it_grep "  ... event=report state=delivered with its id and counter" "event=report state=delivered report_id=[0-9a-f]{32} counter=[0-9]+ sent=1 queued=0 dropped=0"

# ---- a clock behind the time floor: the report says so ----
if command -v faketime >/dev/null; then
	# under ASan, faketime's LD_PRELOAD comes before the ASan runtime (as clock.sh)
	it_exit "clock in 2001, behind the time floor: --check" 100 \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime '2001-01-01 00:00:00' $AIUPDATE_DYN -c "$W/good.conf" --check --json
	it_check "  ... the report was delivered (webhook-timestamp: the floor, not 2001)" \
		python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='delivered'))" "$IT_OUT"
	it_check "  ... and says the time floor was used, judged at the floor (not 2001)" \
		test "$(field -1 "d['clock']['floor_used'], json.loads(r['body'])['timestamp'][:4] != '2001'")" = "True True"
fi

it_done
