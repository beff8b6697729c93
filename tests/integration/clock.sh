#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/clock.sh - the clock policy (client/clock.h) with a
# fake clock on the client only (faketime): correct, 1970-01-01, 4 days
# behind, 10 years ahead, then correct again; a replay of metadata that
# expired before the time floor; a corrupt floor file.  TLS is judged by
# the CA (auth = ca) so that certificate dates matter too.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init clock

# under ASan, faketime's LD_PRELOAD comes before the ASan runtime: allow it
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
command -v faketime >/dev/null || { it_fail "faketime installed"; it_done; exit 1; }
bed_port DNS_PORT 15885 15889
bed_port HTTPS_PORT 15890 15894

head -c 1000 /dev/urandom > "$W/m.bin"
bed_repo models/m.bin="$W/m.bin"
cp -a "$R/public" "$W/public-good"
# certificates made 10 days ago: valid at a floor a little in the past
HTTPSBED_FAKETIME="10 days ago" bed_up good "$R/public"

SD=$W/device
bed_conf "$W/c.conf" state="$SD" targets=models/m.bin "[tls]" "auth = ca"
run() {	# DESC EXIT FAKETIME(-|spec) [--json]
	_d=$1 _e=$2 _f=$3
	shift 3
	if [ "$_f" = - ]; then
		it_exit "$_d" "$_e" $AIUPDATE -c "$W/c.conf" --check -v "$@"
	else
		it_exit "$_d" "$_e" faketime -f "$_f" $AIUPDATE_DYN -c "$W/c.conf" --check -v "$@"
	fi
}
floor() { cat "$SD/time-floor" 2>/dev/null || echo 0; }

run "correct clock: update found" 100 -
F1=$(floor)
NOW=$(date +%s)
it_check "the floor is the time of that run" [ "$F1" -gt $((NOW - 60)) -a "$F1" -le "$NOW" ]
it_check "no clock warning with a correct clock" sh -c "! grep -q '^WARN clock' '$IT_OUT'"

run "clock at 1970-01-01: judged at the floor, update still found" 100 "@1970-01-01 00:00:00"
it_grep "1970: the report says the clock is not believed" '^WARN clock 1970-01-01T00:00:0.Z is earlier than the time floor'
it_grep "1970: TLS (CA) certificate dates judged at the floor" 'authenticated by CA'
it_check "1970: the floor did not move" [ "$(floor)" = "$F1" ]

run "clock 4 days behind: judged at the floor, update still found" 100 "-4d"
it_grep "4 days behind: said so" '^WARN clock .* is earlier than the time floor'
it_check "4 days behind: the floor did not move" [ "$(floor)" = "$F1" ]

# A replay: correctly signed metadata that expired 2 days ago, newer than
# what the device has.  A clock 4 days behind would believe it; the floor
# does not.
$AIUREPO publish "$R" --expires -2d --unsafe-allow-invalid >/dev/null
run "replay of metadata expired before the floor, clock 4 days behind: refused" 12 "-4d"
it_grep "replay: expired" 'expired'
it_check "replay: the floor did not move" [ "$(floor)" = "$F1" ]
rm -rf "$R/public" && cp -a "$W/public-good" "$R/public"

run "clock 10 years ahead: DNSSEC signatures expired, refused" 10 "+3650d"
it_grep "10 years ahead: bogus, signature expired" 'bogus: .*signature expired'
it_check "10 years ahead: the floor was not moved into the future" [ "$(floor)" = "$F1" ]

sleep 1
run "correct clock again: nothing bricked" 100 -
it_check "a run within the hour leaves the floor file as it was (AU_CLOCK_FLOOR_STEP: no write)" [ "$(floor)" = "$F1" ]
run "two hours later: update still found" 100 "+2h"
it_check "the floor moved forward to that run" [ "$(floor)" -gt $((F1 + 3600)) -a "$(floor)" -le $(( $(date +%s) + 7200 )) ]

it_exit "--json carries the clock" 100 sh -c "faketime -f -4d $AIUPDATE_DYN -c '$W/c.conf' --check --json 2>/dev/null"
it_check "--json: behind_floor, judged at the floor" python3 -c "
import json,sys; d=json.load(open('$IT_OUT')); c=d['clock']
assert c['behind_floor'] and c['judged_at']==c['floor']>c['now'], c"

echo garbage > "$SD/time-floor"
run "a corrupt time floor file: refuse to judge expiry" 16 -
it_grep "corrupt floor: names the file" 'time-floor does not hold a time'
echo 99999999999999 > "$SD/time-floor"
run "a time floor past the year 9999 is corrupt, not a date to judge at" 16 -
it_grep "far-future floor: names the file" 'time-floor does not hold a time'
it_done
