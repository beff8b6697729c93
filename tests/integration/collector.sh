#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/collector.sh - the report collector aiupdate-fleet on the
# real bed: serve on loopback behind the bed's nginx over HTTPS; reports
# signed by an independent signer (tests/interop/webhook-sign.js: the npm
# standardwebhooks library for v1, node:crypto Ed25519 for v1a) and sent with
# curl are accepted; tampered, replayed, stale, wrongly keyed, unknown,
# over-cap and counter-not-above reports are refused with the contract's
# status (and by the library too) and leave the database unchanged; a
# slowloris client is cut at the deadline while others are served; kill -9
# in the middle of a burst leaves an intact database holding whole reports
# only; status --json figures; the fleet view rendered by headless Chromium
# (a screenshot of real size, its numbers read back from the DOM equal
# status --json).
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init collector
FLEET=${FLEET:-$B/aiupdate-fleet}
SIGNER=tests/interop/webhook-sign.js
if ! command -v node >/dev/null || [ ! -d tests/interop/node_modules/standardwebhooks ]; then
	echo "# skipped: node or the npm standardwebhooks library missing (tests/interop)"
	it_done
	exit 0
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)

bed_port DNS_PORT 16460 16469
bed_port HTTPS_PORT 16470 16479
bed_port FLEET_PORT 16480 16489
bed_port RPORT 16490 16499
NAME=collector.good.aiutest
URL=https://$NAME:$RPORT/aiupdate/v1/report
DB=$W/fleet.sqlite
# the repository (for the device at the end) and the collector behind one
# nginx: repo.good.aiutest on HTTPS_PORT, the collector's name on RPORT
head -c 100000 /dev/urandom > "$W/model-v1.bin"
head -c 100000 /dev/urandom > "$W/model-v2.bin"
bed_repo models/model.bin="$W/model-v1.bin"
bed_cert repo.good.aiutest
bed_cert "$NAME"
bed_zone good "$HTTPS_PORT"
dnsbed_record "$W/dns" good "_aiupdate-report._tcp SRV 0 0 $RPORT collector"
dnsbed_record "$W/dns" good "collector A 127.0.0.1"
dnsbed_record "$W/dns" good "_$RPORT._tcp.collector TLSA $(httpsbed_tlsa "$W/https" "$NAME")"
bed_dns "$DNS_PORT"
HTTPSBED_PROXY="/aiupdate/ http://127.0.0.1:$FLEET_PORT" bed_nginx "$W/https" \
	"$HTTPS_PORT" "$R/public" repo.good.aiutest "$RPORT" "$NAME"

SECRET=$(node $SIGNER secret)
printf '%s\n' "$SECRET" > "$W/hmac.secret"
read -r SEED_A PK_A < <(node $SIGNER keygen)
read -r SEED_B PK_B < <(node $SIGNER keygen)
read -r SEED_BURST PK_BURST < <(node $SIGNER keygen)

FLEET_PID=""
start_fleet() {	# [serve options]
	"$FLEET" serve --db "$DB" --listen "127.0.0.1:$FLEET_PORT" \
		--hmac-secret-file "$W/hmac.secret" "$@" >>"$W/fleet.log" 2>&1 &
	FLEET_PID=$!
	bed_listening "$FLEET_PORT" || bed_fail "aiupdate-fleet serve listening"
}
bed_on_exit '[ -n "$FLEET_PID" ] && kill "$FLEET_PID"'

it_exit "enroll a device with its whpk_ key" 0 $FLEET enroll --db "$DB" dev-a "$PK_A"
it_exit "enroll a device without a key (it signs with the fleet secret)" 0 $FLEET enroll --db "$DB" dev-h
it_exit "a malformed key is refused" 2 $FLEET enroll --db "$DB" dev-x whpk_notbase64
it_exit "a device id with a space is refused" 2 $FLEET enroll --db "$DB" "dev x" "$PK_B"
it_exit "list" 0 $FLEET list --db "$DB"
it_grep "list shows the key and the key-less device" "^dev-a $PK_A .*
|^dev-h hmac-only"
for i in 0 1 2 3; do
	$FLEET enroll --db "$DB" "burst-$i" "$PK_BURST" >/dev/null
done
start_fleet --deadline 3 --idle 2

# body FILE DEVICE ID COUNTER [EXIT RESULT VERSION BOGUS]: a report body
body() {
	python3 - "$@" <<'PY'
import json, sys
f, dev, rid, counter = sys.argv[1:5]
ex, result, ver, bogus = (sys.argv[5:9] + ["0", "installed", "2", "0"][len(sys.argv[5:9]):])
ns = [{"qname": "_aiupdate._tcp.good.aiutest.", "qtype": "SRV", "state": "bogus",
       "why_bogus": "signature crypto failed"}] if bogus == "1" else []
d = {"type": "aiupdate.run", "timestamp": "2026-12-04T21:00:00Z", "data": {
    "schema": 1, "device_id": dev, "report_id": rid, "counter": int(counter),
    "aiupdate_version": "0.1.0", "mode": "apply", "offline": False, "result": result,
    "exit": int(ex), "phase": "health" if ex == "15" else None,
    "error": "health check exited 1" if ex == "15" else None,
    "targets": [{"name": "models/model.bin", "installed": {"version": int(ver), "sha256": "ab" * 32},
                 "available": None, "trial": False, "bad_versions": [], "bytes_fetched": 100,
                 "bytes_reused": 0}],
    "roles": [{"role": "timestamp", "version": 9, "expires": "2030-01-08T00:00:00Z"},
              {"role": "root", "version": 1, "expires": "2031-01-01T00:00:00Z"}],
    "dnssec": {"non_secure": ns, "rrsig_expires_earliest": "2030-01-20T00:00:00Z"},
    "clock": {"floor_used": False, "floor": None}, "outbox": {"dropped": 0}}}
open(f, "w").write(json.dumps(d))
PY
}
# post ID TS SIG FILE [curl options]: POST through nginx; prints the status
post() {
	curl -s -o "$W/answer" -w '%{http_code}' --cacert "$W/https/ca.pem" \
		--resolve "$NAME:$RPORT:127.0.0.1" -H 'content-type: application/json' \
		-H "webhook-id: $1" -H "webhook-timestamp: $2" -H "webhook-signature: $3" \
		"${@:5}" --data-binary "@$4" "$URL"
}
# sign ID TS FILE [--ed25519 SEED] [--secret whsec]: the independent signature
sign() {
	node $SIGNER sign --id "$1" --ts "$2" --body "$3" "${@:4}"
}
# fingerprint of every table (the "unchanged" check)
dbsum() {
	sqlite3 "$DB" "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_targets),
		(SELECT count(*) FROM report_roles), (SELECT count(*) FROM report_dns),
		(SELECT coalesce(sum(length(body)), 0) FROM reports), (SELECT group_concat(report_id) FROM reports)"
}
# expect DESC STATUS ID TS SIG FILE [curl options]: the status, the db unchanged unless 200
expect() {
	_before=$(dbsum)
	_got=$(post "${@:3}")
	if [ "$_got" = "$2" ]; then it_ok "$1 ($2)"; else it_fail "$1: status $_got, want $2 ($(cat "$W/answer"))"; fi
	if [ "$2" != 200 ]; then
		it_check "  ... and the database is unchanged" test "$(dbsum)" = "$_before"
	fi
}

NOW=$(date +%s)
body "$W/r1.json" dev-a r1 1
SIG=$(sign r1 "$NOW" "$W/r1.json" --ed25519 "$SEED_A")
expect "a v1a report signed by node:crypto is accepted through nginx" 200 r1 "$NOW" "$SIG" "$W/r1.json"
it_check "  ... stored with its raw body, byte for byte" \
	test "$(sqlite3 "$DB" "SELECT hex(body) FROM reports WHERE report_id = 'r1'")" = "$(od -An -tx1 -v "$W/r1.json" | tr -d ' \n' | tr a-f A-F)"
body "$W/h1.json" dev-h h1 1
SIG_H=$(sign h1 "$NOW" "$W/h1.json" --secret "$SECRET")
expect "a v1 report signed by the npm standardwebhooks library is accepted" 200 h1 "$NOW" "$SIG_H" "$W/h1.json"
it_check "  ... and the library verifies what it signed (the pair is consistent)" \
	node $SIGNER verify --id h1 --ts "$NOW" --body "$W/h1.json" --sig "$SIG_H" --secret "$SECRET"

expect "the same report again is a replay" 409 r1 "$NOW" "$SIG" "$W/r1.json"

body "$W/r2.json" dev-a r2 2 0 installed 3
SIG2=$(sign r2 "$NOW" "$W/r2.json" --ed25519 "$SEED_A")
sed 's/"version": 3/"version": 4/' "$W/r2.json" > "$W/r2-tampered.json"
expect "a tampered body is refused" 401 r2 "$NOW" "$SIG2" "$W/r2-tampered.json"
sed 's/"version": 2/"version": 4/' "$W/h1.json" > "$W/h1-tampered.json"
it_check "  (the tampered copy differs)" sh -c "! cmp -s '$W/h1.json' '$W/h1-tampered.json'"
it_check "  ... and the library refuses the tampered v1 body too" \
	sh -c "! node $SIGNER verify --id h1 --ts $NOW --body $W/h1-tampered.json --sig '$SIG_H' --secret '$SECRET'"
expect "a changed webhook-id is refused" 401 r2x "$NOW" "$SIG2" "$W/r2.json"
OLD=$((NOW - 400))
SIG_OLD=$(sign r2 "$OLD" "$W/r2.json" --ed25519 "$SEED_A")
expect "a stale timestamp (400 s old) is refused" 400 r2 "$OLD" "$SIG_OLD" "$W/r2.json"
SIG_HOLD=$(sign h1 "$OLD" "$W/h1.json" --secret "$SECRET")
it_check "  ... and the library refuses the stale one too" \
	sh -c "! node $SIGNER verify --id h1 --ts $OLD --body $W/h1.json --sig '$SIG_HOLD' --secret '$SECRET'"
SIG_B=$(sign r2 "$NOW" "$W/r2.json" --ed25519 "$SEED_B")
expect "a report signed with another device's key is refused" 401 r2 "$NOW" "$SIG_B" "$W/r2.json"
it_check "  ... and node:crypto refuses that key too" \
	sh -c "! node $SIGNER verify --id r2 --ts $NOW --body $W/r2.json --sig '$SIG_B' --pk '$PK_A'"
SIG_WS=$(sign h2 "$NOW" "$W/h1.json" --secret "$(node $SIGNER secret)")
sed 's/"report_id": "h1"/"report_id": "h2"/; s/"counter": 1/"counter": 2/' "$W/h1.json" > "$W/h2.json"
SIG_WS=$(sign h2 "$NOW" "$W/h2.json" --secret "$(node $SIGNER secret)")
expect "a v1 report under another secret is refused" 401 h2 "$NOW" "$SIG_WS" "$W/h2.json"
SIG_HA=$(sign r2 "$NOW" "$W/r2.json" --secret "$SECRET")
expect "the fleet secret cannot speak for a device enrolled with a key" 401 r2 "$NOW" "$SIG_HA" "$W/r2.json"
body "$W/u1.json" dev-unknown u1 1
SIG_U=$(sign u1 "$NOW" "$W/u1.json" --ed25519 "$SEED_B")
expect "an unknown device is refused" 401 u1 "$NOW" "$SIG_U" "$W/u1.json"
body "$W/c1.json" dev-a c1 1
SIG_C=$(sign c1 "$NOW" "$W/c1.json" --ed25519 "$SEED_A")
expect "a counter not above the last one is refused" 409 c1 "$NOW" "$SIG_C" "$W/c1.json"
python3 -c "import sys; sys.stdout.write('{\"pad\":\"' + 'x' * 70000 + '\"}')" > "$W/big.json"
SIG_BIG=$(sign big "$NOW" "$W/big.json" --ed25519 "$SEED_A")
expect "a body over 64 KiB is refused" 413 big "$NOW" "$SIG_BIG" "$W/big.json"
printf '{"type":"aiupdate.run","data":{"schema":1,"device_id":"dev-a","report_id":"m1","counter":"9","exit":0}}' > "$W/m1.json"
expect "a malformed body (counter a string), signed, is refused" 400 m1 "$NOW" "$(sign m1 "$NOW" "$W/m1.json" --ed25519 "$SEED_A")" "$W/m1.json"
printf '{"type":"aiupdate.run","data":' > "$W/m2.json"
expect "a body that is not JSON, signed, is refused" 400 m2 "$NOW" "$(sign m2 "$NOW" "$W/m2.json" --ed25519 "$SEED_A")" "$W/m2.json"
_got=$(curl -s -o "$W/answer" -w '%{http_code}' -H 'content-type: application/json' \
	-H 'webhook-id: big' -H "webhook-timestamp: $NOW" -H "webhook-signature: $SIG_BIG" \
	-H 'Transfer-Encoding: chunked' --data-binary "@$W/big.json" "http://127.0.0.1:$FLEET_PORT/aiupdate/v1/report")
it_check "a chunked body over 64 KiB straight to the collector: 413 while reading" test "$_got" = 413
it_check "  ... refused while reading, not after" grep -q "refused while reading: 413" "$W/fleet.log"
for expect in "Expect:" "Expect: 100-continue"; do
	_got=$(curl -s -o "$W/answer" -w '%{http_code}' -H 'content-type: application/json' \
		-H 'webhook-id: big' -H "webhook-timestamp: $NOW" -H "webhook-signature: $SIG_BIG" \
		-H "$expect" --data-binary "@$W/big.json" "http://127.0.0.1:$FLEET_PORT/aiupdate/v1/report")
	it_check "a declared length over 64 KiB straight to the collector (${expect:-no Expect}): 413" test "$_got" = 413
done
expect "the next report in order is accepted" 200 r2 "$NOW" "$SIG2" "$W/r2.json"

# A slowloris client (a header byte a second) is cut at the deadline (3 s
# here) while a report is still accepted at once.
python3 - "$FLEET_PORT" > "$W/slow.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /aiupdate/v1/report HTTP/1.1\r\nHost: x\r\n")
t0 = time.time()
try:
    while time.time() - t0 < 20:
        s.sendall(b"X")
        time.sleep(0.5)
        s.settimeout(0.01)
        try:
            if s.recv(100) == b"":
                break
        except socket.timeout:
            pass
except OSError:
    pass
print("held %.1f" % (time.time() - t0))
PY
SLOW=$!
sleep 1
body "$W/r3.json" dev-a r3 3 0 installed 3
expect "a report is accepted while a slowloris client holds a connection" 200 r3 "$NOW" "$(sign r3 "$NOW" "$W/r3.json" --ed25519 "$SEED_A")" "$W/r3.json"
wait "$SLOW"
HELD=$(sed -n 's/^held //p' "$W/slow.out")
it_check "the slowloris connection was cut at the deadline (held ${HELD:-?} s of 20)" \
	python3 -c "import sys; sys.exit(not (2.5 <= float('${HELD:-99}') < 8))"

# kill -9 in the middle of a burst: whole reports only, an intact database
node $SIGNER burst --url "$URL" --ca "$W/https/ca.pem" --seed "$SEED_BURST" --device burst \
	--from 1 --count 3000 --concurrency 4 > "$W/burst1.out" 2>&1 &
BURST=$!
# kill it once the burst is well under way (20 reports stored), not after a
# fixed time: a loaded machine may be slow to start node
for _i in $(seq 100); do
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM reports WHERE device_id LIKE 'burst-%'" 2>/dev/null)" -ge 20 ] 2>/dev/null && break
	sleep 0.1
done
kill -9 "$FLEET_PID"
wait "$FLEET_PID" 2>/dev/null
wait "$BURST"
sed 's/^/# burst: /' "$W/burst1.out"
it_check "the burst was under way when the collector was killed (some accepted, some not)" \
	sh -c "grep -q '^200 ' '$W/burst1.out' && grep -Eq '^(000|502) ' '$W/burst1.out'"
it_check "PRAGMA integrity_check after kill -9: ok" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
ok=1
for i in 0 1 2 3; do
	acc=$(sed -n "s/^accepted burst-$i //p" "$W/burst1.out")
	rows=$(sqlite3 "$DB" "SELECT count(*) FROM reports WHERE device_id = 'burst-$i'")
	# every 200 is on disk; at most the one in flight more
	[ "$rows" -ge "${acc:-x}" ] && [ "$rows" -le $((acc + 1)) ] || { ok=0; echo "# burst-$i: $acc accepted, $rows stored"; }
done
it_check "every report answered 200 is stored, at most the one in flight more" test $ok = 1
it_check "every stored report is whole: its targets and body are there" test "$(sqlite3 "$DB" \
	"SELECT count(*) FROM reports r WHERE length(r.body) < 100 OR json_extract(r.body, '$.data.report_id') != r.report_id
	 OR (SELECT count(*) FROM report_targets t WHERE t.seq = r.seq) != 1")" = 0
start_fleet
node $SIGNER burst --url "$URL" --ca "$W/https/ca.pem" --seed "$SEED_BURST" --device burst \
	--from 5000 --count 10 --concurrency 4 > "$W/burst2.out" 2>&1
it_check "after a restart the devices go on: 40 reports accepted" grep -q '^200 40$' "$W/burst2.out"

# status --json and the table
it_exit "status --json" 0 $FLEET status --db "$DB" --json
cp "$IT_OUT" "$W/status.json"
BURST_ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM reports WHERE device_id LIKE 'burst-%'")
it_check "status --json: 6 devices, 6 reporting, every report counted" python3 - "$W/status.json" "$BURST_ROWS" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["devices"] == 6 and s["reporting"] == 6 and s["reports"] == 4 + int(sys.argv[2])))
PY
it_exit "status (table)" 0 $FLEET status --db "$DB"
it_grep "the table names each device and its versions" "^dev-a +.* installed +0 ok +models/model.bin=3"

# a richer fleet for the view: a failed health check, a bogus DNS answer
for spec in "dev-a r4 4 15 rolled-back 3 0" "dev-h h3 3 0 installed 3 1"; do
	set -- $spec
	body "$W/$2.json" "$1" "$2" "$3" "$4" "$5" "$6" "$7"
	if [ "$1" = dev-h ]; then s=$(sign "$2" "$NOW" "$W/$2.json" --secret "$SECRET")
	else s=$(sign "$2" "$NOW" "$W/$2.json" --ed25519 "$SEED_A"); fi
	expect "report $2 ($5) accepted" 200 "$2" "$NOW" "$s" "$W/$2.json"
done
$FLEET status --db "$DB" --json > "$W/status.json"
it_check "status --json: dev-a failing (health), one device with a bogus answer" python3 - "$W/status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f = {x["device_id"]: x for x in s["failing"]}
sys.exit(not ("dev-a" in f and f["dev-a"]["kind"] == "health" and s["dnssec"]["devices_affected"] == 1
              and s["failures_by_kind"].get("health") == 1
              and s["expiry"]["metadata_earliest"] == "2030-01-08T00:00:00Z"))
PY

# the fleet view in a real headless Chromium
it_exit "html writes the fleet view" 0 $FLEET html --db "$DB" "$W/fleet.html"
it_check "the page loads nothing from outside (no script, src or href)" \
	sh -c "! grep -Eq '<script|src=|href=' '$W/fleet.html'"
if [ -z "$CHROMIUM" ]; then
	it_fail "chromium is installed (make deps)"
else
	CHROME_FLAGS="--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=$W/chromium"
	$CHROMIUM $CHROME_FLAGS --window-size=1280,1500 --screenshot="$W/fleet.png" "file://$W/fleet.html" >"$W/chromium.log" 2>&1
	it_check "chromium took a screenshot of 1280x1500 with content (> 30 KB)" python3 - "$W/fleet.png" <<'PY'
import struct, sys, os
d = open(sys.argv[1], "rb").read(32)
w, h = struct.unpack(">II", d[16:24])
sys.exit(not (d[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == (1280, 1500) and os.path.getsize(sys.argv[1]) > 30000))
PY
	$CHROMIUM $CHROME_FLAGS --dump-dom "file://$W/fleet.html" > "$W/dom.html" 2>>"$W/chromium.log"
	it_check "the numbers in the rendered DOM equal status --json" python3 - "$W/dom.html" "$W/status.json" <<'PY'
import json, sys
from html.parser import HTMLParser
s = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.el = []; self.text = {}; self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); self.el.append((tag, a))
        self.cur = a.get("id") if tag == "div" else None
    def handle_data(self, d):
        if self.cur: self.text[self.cur] = self.text.get(self.cur, "") + d
p = P(); p.feed(open(sys.argv[1]).read())
body = next(a for t, a in p.el if t == "body")
want = {"data-devices": s["devices"], "data-reporting": s["reporting"], "data-reports": s["reports"],
        "data-failing": len(s["failing"]), "data-dns-affected": s["dnssec"]["devices_affected"],
        "data-rrsig-earliest": s["expiry"]["rrsig_earliest_unix"],
        "data-metadata-earliest": s["expiry"]["metadata_earliest_unix"]}
bad = [k for k, v in want.items() if body.get(k) != str(v)]
shown = {"devices": s["devices"], "reporting": s["reporting"], "reports": s["reports"],
         "failing": len(s["failing"]), "dns-affected": s["dnssec"]["devices_affected"]}
bad += ["text " + k for k, v in shown.items() if p.text.get(k, "").strip() != str(v)]
versions = {(a["data-target"], a["data-version"]): a["data-count"] for t, a in p.el if "data-target" in a}
for t in s["targets"]:
    for v in t["versions"]:
        key = (t["name"], "none" if v["version"] is None else str(v["version"]))
        if versions.get(key) != str(v["devices"]): bad.append("version %s" % (key,))
kinds = {a["data-kind"]: a["data-count"] for t, a in p.el if "data-kind" in a}
if kinds != {k: str(v) for k, v in s["failures_by_kind"].items()}: bad.append("kinds %s" % kinds)
rows = {a["data-device"] for t, a in p.el if t == "tr" and "data-device" in a}
if rows != {d["device_id"] for d in s["device_list"]}: bad.append("device rows")
if bad: print("# differ:", bad)
sys.exit(bool(bad))
PY
	[ -n "${AU_FLEET_PNG:-}" ] && cp "$W/fleet.png" "$AU_FLEET_PNG"
fi

# ---- end to end: a real aiupdate run reports to this collector ----
# The device finds the collector through DNSSEC (_aiupdate-report._tcp SRV,
# A, TLSA), POSTs over its own TLS through nginx; the report is accepted,
# and status shows it.
devconf() {	# FILE STATE DEVICE_ID SIGNING
	bed_conf "$1" state="$2" "[fleet]" "device_id = $3" "[report]" \
		"endpoint = good.aiutest" "signing = $4" "hmac_secret_file = $W/hmac.secret"
}
devconf "$W/cam.conf" "$W/cam" e2e-cam both
it_exit "the device prints its id and key for enrolment (aiupdate --device-key)" 0 $AIUPDATE -c "$W/cam.conf" --device-key
CAM_PK=$(awk '$1 == "device_key" {print $2}' "$IT_OUT")
CAM_ID=$(awk '$1 == "device_id" {print $2}' "$IT_OUT")
it_check "  ... its id is the configured one" test "$CAM_ID" = e2e-cam
it_exit "enroll it" 0 $FLEET enroll --db "$DB" "$CAM_ID" "$CAM_PK"
it_exit "aiupdate --apply installs v1 (and reports it)" 0 $AIUPDATE -c "$W/cam.conf" --apply --json
it_check "  ... its report was delivered (the collector answered 200)" python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['report']
sys.exit(not (r['state'] == 'delivered'))" "$IT_OUT"
bed_publish models/model.bin="$W/model-v2.bin" || bed_fail "publish v2"
it_exit "aiupdate --apply installs v2" 0 $AIUPDATE -c "$W/cam.conf" --apply
it_exit "aiupdate --check: up to date" 0 $AIUPDATE -c "$W/cam.conf" --check
$FLEET status --db "$DB" --json > "$W/status.json"
it_check "status shows the device: three runs, v2 installed, up to date, signed v1a" python3 - "$W/status.json" "$DB" <<'PY'
import json, sqlite3, sys
s = json.load(open(sys.argv[1]))
d = {x["device_id"]: x for x in s["device_list"]}.get("e2e-cam")
rows = sqlite3.connect(sys.argv[2]).execute(
    "SELECT counter, mode, sig FROM reports WHERE device_id = 'e2e-cam' ORDER BY counter").fetchall()
ok = (d is not None and d["targets"] == {"models/model.bin": 2} and d["result"] == "up-to-date"
      and d["mode"] == "check" and not d["failing"] and [r[1] for r in rows] == ["apply", "apply", "check"]
      and all(r[2] == "v1a" for r in rows) and [r[0] for r in rows] == sorted(r[0] for r in rows)
      and len(d["aiupdate_version"] or "") > 0 and d["metadata_role"] is not None)
if not ok: print("# device:", d, rows)
sys.exit(not ok)
PY
it_exit "status (table)" 0 $FLEET status --db "$DB"
it_grep "  ... lists e2e-cam with models/model.bin=2" "^e2e-cam +.* up-to-date +0 ok +models/model.bin=2"
devconf "$W/stranger.conf" "$W/stranger" e2e-stranger ed25519
N0=$(sqlite3 "$DB" "SELECT count(*) FROM reports")
it_exit "a device not enrolled: its update is unaffected (--apply exit 0)" 0 $AIUPDATE -c "$W/stranger.conf" --apply
it_check "  ... its report was refused (401) and not stored" sh -c \
	"grep -q 'device e2e-stranger: 401' '$W/fleet.log' && test \$(sqlite3 '$DB' 'SELECT count(*) FROM reports') = $N0"
# Attacker pass: device-supplied text cannot drive the operator's terminal or
# forge a line of the status table (control bytes shown as '?').
body "$W/esc.json" dev-a esc1 99 15 rolled-back 3 0
python3 - "$W/esc.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["data"]["result"] = "x\x1b[2J\x1b[31mX"
d["data"]["error"] = "boom\nfailing dev-other (install): forged line"
d["data"]["targets"][0]["name"] = "t\x1b[8m"
open(sys.argv[1], "w").write(json.dumps(d))
PY
T_ESC=$(date +%s)
expect "a report with control bytes in its text is accepted" 200 esc1 "$T_ESC" \
	"$(sign esc1 "$T_ESC" "$W/esc.json" --ed25519 "$SEED_A")" "$W/esc.json"
$FLEET status --db "$DB" > "$W/status-esc.txt"
it_check "  ... status prints no escape byte from it" sh -c "! grep -q \"\$(printf '\\033')\" '$W/status-esc.txt'"
it_check "  ... nor a forged table line" sh -c "! grep -q '^failing dev-other' '$W/status-esc.txt'"

it_done
