#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/demo.sh - the main job, end to end, on a self-contained local set-up:
# a DNSSEC-signed zone served by NSD, a private CA and nginx over HTTPS, a
# repository published with aiupdate-repo, and a device state directory.
# The "AI runtime" is tesseract; the model weights are its English model; the
# health check runs real OCR.  Exits non-zero if any step does not do what
# it says.
set -u
cd "$(dirname "$0")/.."
. tests/testbed/bed.sh

bed_init demo
FAILED=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# expect STATUS CMD... : run and show CMD, fail the demo if the status differs
expect() {
	_want=$1; shift
	echo "\$ ${*#$B/}"
	"$@"
	_got=$?
	if [ "$_got" -eq "$_want" ]; then
		echo "-> exit $_got, as expected"
	else
		echo "-> exit $_got, EXPECTED $_want"; FAILED=$((FAILED + 1))
	fi
}
assert() {	# DESC CMD...
	if "${@:2}"; then echo "-> $1: yes"; else echo "-> $1: NO"; FAILED=$((FAILED + 1)); fi
}

bed_port DNS_PORT 15600 15649
bed_port HTTPS_PORT 15650 15699
TESSDATA=/usr/share/tesseract-ocr/5/tessdata

step "Inputs: the tesseract English model (v1), a re-versioned copy (v2), a policy bundle"
mkdir -p "$W/in/v2" "$W/in/bundle/policy"
cp "$TESSDATA/eng.traineddata" "$W/in/eng-v1.traineddata"
( cd "$W/in/v2" && combine_tessdata -u "$W/in/eng-v1.traineddata" eng. >/dev/null 2>&1 &&
  echo "4.00.00alpha:eng:aiupdate-demo-v2" > eng.version && combine_tessdata eng. >/dev/null 2>&1 )
cp "$W/in/v2/eng.traineddata" "$W/in/eng-v2.traineddata"
head -c 1500000 "$W/in/eng-v1.traineddata" > "$W/in/eng-v3-truncated.traineddata"
echo "max_new_tokens = 256" > "$W/in/bundle/policy/guard.conf"
tar -C "$W/in/bundle" -czf "$W/in/guard-v1.tar.gz" policy
export DEMO_TEXT="HELLO EDGE 42"
export DEMO_IMAGE=$W/in/hello.png
convert-im6.q16 -size 600x120 xc:white -font DejaVu-Sans -pointsize 48 -fill black \
	-annotate +20+80 "$DEMO_TEXT" "$DEMO_IMAGE"
ls -l "$W/in" | sed 1d

step "Publisher: create a repository, add v1 of both targets, publish"
R=$W/repo
expect 0 $AIUREPO init "$R"
expect 0 $AIUREPO add "$R" "$W/in/eng-v1.traineddata" --name models/eng.traineddata --chunked
expect 0 $AIUREPO add "$R" "$W/in/guard-v1.tar.gz" --name policy/guard.tar.gz
expect 0 $AIUREPO publish "$R"
bed_cert repo.demo.aiutest >/dev/null
expect 0 $AIUREPO dns-records "$R" --domain demo.aiutest --host repo.demo.aiutest \
	--port "$HTTPS_PORT" --path / --cert "$W/https/repo.demo.aiutest.pem"

FLEET=${FLEET:-$B/aiupdate-fleet}
OUT=$(cd "$B" && pwd)
bed_port RPORT 15700 15719
bed_port FLEET_PORT 15720 15739
step "Servers: NSD with the DNSSEC-signed zone on 127.0.0.1:$DNS_PORT, nginx on 127.0.0.1:$HTTPS_PORT (the repository) and :$RPORT (the report collector, aiupdate-fleet on :$FLEET_PORT behind it)"
bed_zone forged "$HTTPS_PORT" bogus-edit
bed_cert collector.demo.aiutest >/dev/null
bed_zone demo "$HTTPS_PORT"
# where devices send their signed run reports: found through DNSSEC too
dnsbed_record "$W/dns" demo "_aiupdate-report._tcp SRV 0 0 $RPORT collector"
dnsbed_record "$W/dns" demo "collector A 127.0.0.1"
dnsbed_record "$W/dns" demo "_$RPORT._tcp.collector TLSA $(httpsbed_tlsa "$W/https" collector.demo.aiutest)"
bed_dns "$DNS_PORT"
HTTPSBED_PROXY="/aiupdate/ http://127.0.0.1:$FLEET_PORT" bed_nginx "$W/https" \
	"$HTTPS_PORT" "$R/public" repo.demo.aiutest "$RPORT" collector.demo.aiutest
echo "trust anchor: $(cat "$W/dns/trust-anchor.ds")"
DB=$W/fleet/fleet.sqlite
mkdir -p "$W/fleet"
$FLEET serve --db "$DB" --listen "127.0.0.1:$FLEET_PORT" > "$W/fleet/serve.log" 2>&1 &
FLEET_PID=$!
bed_on_exit 'kill "$FLEET_PID"'
bed_listening "$FLEET_PORT" || bed_fail "aiupdate-fleet serve started"

SD=$W/device/var/lib/aiupdate
mkdir -p "$W/device/etc"
cp "$R/public/metadata/1.root.json" "$W/device/etc/root.json"
conf() {	# ZONE
	bed_conf "$W/device/etc/aiupdate.conf" zone="$1" root="$W/device/etc/root.json" \
		targets="models/eng.traineddata policy/guard.tar.gz" state="$SD" \
		"health_check = $PWD/tests/demo/health-ocr.sh" "health_timeout = 30" \
		"[fleet]" "device_id = demo-cam-01" "[report]" "endpoint = demo.aiutest" \
		"signing = ed25519"
}
conf demo
C=$W/device/etc/aiupdate.conf
step "Device config"
cat "$C"

step "Publisher: enrol the device's report key (aiupdate --device-key prints it)"
expect 0 $AIUPDATE -c "$C" --device-key
expect 0 $FLEET enroll --db "$DB" demo-cam-01 "$($AIUPDATE -c "$C" --device-key | awk '$1 == "device_key" {print $2}')"

step "Device: --check finds v1 (exit 100: updates available)"
expect 100 $AIUPDATE -c "$C" --check -v
step "Device: --apply downloads, verifies, installs, health-checks with real OCR"
expect 0 $AIUPDATE -c "$C" --apply
expect 0 $AIUPDATE -c "$C" --status
assert "runtime reads v1 through current/" cmp -s "$W/in/eng-v1.traineddata" "$SD/targets/models/eng.traineddata/current/eng.traineddata"

step "Publisher: v2 of the model (chunked: the device fetches only the chunks it lacks)"
expect 0 $AIUREPO add "$R" "$W/in/eng-v2.traineddata" --name models/eng.traineddata --chunked
expect 0 $AIUREPO publish "$R"
expect 100 $AIUPDATE -c "$C" --check
echo "\$ aiupdate -c $C --apply"
$AIUPDATE -c "$C" --apply > "$W/v2.out" 2>&1
_got=$?
cat "$W/v2.out"
if [ "$_got" -eq 0 ]; then echo "-> exit 0, as expected"; else echo "-> exit $_got, EXPECTED 0"; FAILED=$((FAILED + 1)); fi
FIG=$(sed -n 's/.*delta: \([0-9]*\) bytes fetched, \([0-9]*\) reused of \([0-9]*\).*/\1 \2 \3/p' "$W/v2.out")
set -- $FIG
FETCHED=${1:-0} REUSED=${2:-0} LEN=${3:-1}
echo "-> v2 moved $FETCHED of $LEN bytes ($((FETCHED * 100 / LEN))%); $REUSED bytes were copied from v1 on the device"
assert "the delta moved under half of the file" test "$FETCHED" -gt 0 -a $((FETCHED * 2)) -lt "$LEN"
assert "v2 is active" cmp -s "$W/in/eng-v2.traineddata" "$SD/targets/models/eng.traineddata/current/eng.traineddata"

step "Publisher: v3 is a truncated model, correctly signed: the health check must catch it"
expect 0 $AIUREPO add "$R" "$W/in/eng-v3-truncated.traineddata" --name models/eng.traineddata
expect 0 $AIUREPO publish "$R"
expect 15 $AIUPDATE -c "$C" --apply
assert "v2 is active again" cmp -s "$W/in/eng-v2.traineddata" "$SD/targets/models/eng.traineddata/current/eng.traineddata"
expect 0 $AIUPDATE -c "$C" --check
expect 0 $AIUPDATE -c "$C" --status

step "Attacker: the server delivers a tampered policy bundle (v2 signed, bytes changed)"
echo "max_new_tokens = 999999" > "$W/in/bundle/policy/guard.conf"
tar -C "$W/in/bundle" -czf "$W/in/guard-v2.tar.gz" policy
expect 0 $AIUREPO add "$R" "$W/in/guard-v2.tar.gz" --name policy/guard.tar.gz
expect 0 $AIUREPO publish "$R"
printf 'x' | dd of="$R/public/targets/policy/guard.tar.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
before=$(it_fingerprint "$SD")
expect 13 $AIUPDATE -c "$C" --apply
assert "installed versions, metadata and state unchanged" test "$(it_fingerprint "$SD")" = "$before"
assert "policy v1 still active" grep -q "max_new_tokens = 256" "$SD/targets/policy/guard.tar.gz/current/policy/guard.conf"

step "Attacker: a forged DNS answer (record edited after signing)"
conf forged
expect 10 $AIUPDATE -c "$C" --check
conf demo
assert "installed versions, metadata and state unchanged" test "$(it_fingerprint "$SD")" = "$before"

step "Device: the field engineer's view"
expect 0 $AIUPDATE -c "$C" --status

step "Publisher: the fleet view of the device's story (aiupdate-fleet, from its signed reports)"
expect 0 $FLEET status --db "$DB"
$FLEET status --db "$DB" --json > "$W/fleet/status.json"
assert "every run's report arrived, verified (8: check, apply, check, apply, apply, check, apply, check)" \
	test "$(sqlite3 "$DB" "SELECT group_concat(mode, ',') FROM (SELECT mode FROM reports WHERE device_id = 'demo-cam-01' AND sig = 'v1a' ORDER BY counter)")" = check,apply,check,apply,apply,check,apply,check
assert "the failures are all there: health (rollback), artifact (tamper), dns (forged answer)" python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
k = s['failures_by_kind']
sys.exit(not (k.get('health') == 1 and k.get('artifact') == 1 and k.get('dns') == 1))" "$W/fleet/status.json"
expect 0 $FLEET html --db "$DB" "$OUT/demo-fleet.html"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	$CHROMIUM --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$W/chromium" \
		--window-size=1280,1400 --screenshot="$OUT/demo-fleet.png" "file://$OUT/demo-fleet.html" >/dev/null 2>&1
	assert "the fleet view rendered in headless Chromium: $OUT/demo-fleet.png (page: $OUT/demo-fleet.html)" test -s "$OUT/demo-fleet.png"
else
	echo "(no chromium: the page is $OUT/demo-fleet.html)"
fi

echo
if [ "$FAILED" -eq 0 ]; then
	echo "demo: every step did what it said"
	exit 0
fi
echo "demo: $FAILED step(s) did NOT do what they said"
exit 1
