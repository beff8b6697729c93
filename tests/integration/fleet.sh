#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/fleet.sh - device targeting and staged rollouts, end to
# end: the publisher signs restrictions into custom (aiupdate-repo add
# --device-class/--device-tags/--rollout), devices with different classes,
# tags and ids decide for themselves, before any download.  Runs from a
# repository copy (--from), whose artifact path is the same as over HTTPS.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init fleet

R=$W/repo
$AIUREPO init "$R" >/dev/null || { it_fail "aiupdate-repo init"; it_done; exit 1; }
head -c 100000 /dev/urandom > "$W/orin.bin"
head -c 100000 /dev/urandom > "$W/canary.bin"
head -c 100000 /dev/urandom > "$W/staged.bin"
it_exit "add with --device-class" 0 $AIUREPO add "$R" "$W/orin.bin" --name models/orin.bin --device-class jetson-orin,jetson-xavier
it_exit "add with --device-tags" 0 $AIUREPO add "$R" "$W/canary.bin" --name models/canary.bin --device-tags canary
it_exit "add with --rollout" 0 $AIUREPO add "$R" "$W/staged.bin" --name models/staged.bin --rollout 50
it_exit "a rollout over 100 is refused" 2 $AIUREPO add "$R" "$W/staged.bin" --name models/x.bin --rollout 101
it_grep "with a reason" "integer percentage 0..100"
it_exit "a bad class name is refused" 2 $AIUREPO add "$R" "$W/staged.bin" --name models/x.bin --device-class "a/b"
it_grep "naming it" "'a/b' is not a valid name"
it_exit "fleet members in --custom are checked as devices read them" 2 \
	$AIUREPO add "$R" "$W/staged.bin" --name models/x.bin --custom '{"rollout":"half"}'
it_grep "with the device's reason" "devices would refuse"
$AIUREPO publish "$R" >/dev/null
it_exit "status" 0 $AIUREPO status "$R"
it_grep "status shows the class restriction" "target models/orin.bin version=1 .*device_classes=jetson-orin,jetson-xavier"
it_grep "status shows the rollout" "target models/staged.bin version=1 .*rollout=50%"
it_grep "status shows each role's keys" "^timestamp +version 1 +expires .* threshold 1  keyids [0-9a-f]{64}"
$AIUREPO export "$R" "$W/usb" >/dev/null

# device NAME CLASS TAGS ID [TARGETS] -> config $W/NAME.conf, state $W/NAME
device() {
	bed_conf "$W/$1.conf" domain=updates.invalid state="$W/$1" \
		targets="${5:-models/orin.bin models/canary.bin models/staged.bin}" \
		"[fleet]" "device_class = $2" "device_tags = $3" "device_id = $4"
}
# bucket ID TARGET: the rollout bucket, computed independently of the client
bucket() {
	python3 -c "import hashlib,sys; print(int.from_bytes(hashlib.sha256(sys.argv[1].encode()+b'\0'+sys.argv[2].encode()).digest()[:8],'big')%100)" "$1" "$2"
}
IDS="a1 b2 c3 d4 e5 f6 g7 h8 i9 j10 k11 l12 m13 n14 o15 p16"
IN=""; OUT=""
for id in $IDS; do
	if [ "$(bucket "$id" models/staged.bin)" -lt 50 ]; then IN="$IN $id"; else OUT="$OUT $id"; fi
done
ID_IN=$(echo $IN | cut -d' ' -f1); ID_OUT=$(echo $OUT | cut -d' ' -f1)
it_check "the id table has devices on both sides of 50% (test premise)" test -n "$ID_IN" -a -n "$ID_OUT"

# targets JSON-FILE NAME=STATUS... : statuses in the --json report, nothing
# downloaded for targets not meant for the device
targets() {
	python3 - "$@" <<'PY'
import json, sys
d = {t["name"]: t for t in json.load(open(sys.argv[1]))["targets"]}
for kv in sys.argv[2:]:
    n, s = kv.split("=")
    assert d[n]["status"] == s, (n, d[n])
    if s == "not-for-this-device":
        assert d[n]["downloaded"] == 0, d[n]
PY
}

# The decision comes before any download: this copy lacks every artifact, so
# a device that tried to fetch one would fail (exit 11).
cp -a "$W/usb" "$W/usb-nofiles" && rm -rf "$W/usb-nofiles/targets/models"
device rpi rpi5 "" "$ID_OUT"
it_exit "a device none of the targets is meant for: nothing to do, nothing fetched" 0 \
	$AIUPDATE -c "$W/rpi.conf" --apply --from "$W/usb-nofiles" --json
it_check "every target reported not-for-this-device" targets "$IT_OUT" \
	models/orin.bin=not-for-this-device models/canary.bin=not-for-this-device \
	models/staged.bin=not-for-this-device
it_exit "its --check finds no update" 0 $AIUPDATE -c "$W/rpi.conf" --check --from "$W/usb-nofiles"
it_grep "and says why, per target" "models/orin.bin: not-for-this-device.*"
it_grep "the reason for the class" "other-device-class: not downloaded"
it_grep "the reason for the tags" "other-device-tags: not downloaded"
it_grep "the reason for the rollout" "not-in-rollout-yet: not downloaded"
it_check "nothing stored" test -z "$(ls "$W/rpi/store" 2>/dev/null)"

device orin jetson-orin "lab, canary" "$ID_IN"
it_exit "a canary jetson-orin inside the rollout takes everything" 0 \
	$AIUPDATE -c "$W/orin.conf" --apply --from "$W/usb" --json
it_check "all three installed" targets "$IT_OUT" models/orin.bin=installed \
	models/canary.bin=installed models/staged.bin=installed
it_check "bytes of the class-restricted target" cmp -s "$W/orin.bin" "$W/orin/targets/models/orin.bin/current/orin.bin"

device xavier jetson-xavier "eu" "$ID_OUT"
it_exit "a jetson-xavier without the tag, outside the rollout" 0 \
	$AIUPDATE -c "$W/xavier.conf" --apply --from "$W/usb" --json
it_check "only the class target installed" targets "$IT_OUT" models/orin.bin=installed \
	models/canary.bin=not-for-this-device models/staged.bin=not-for-this-device

# ---- staged rollout on a table of device ids: 50%, then 80% ----
for id in $IDS; do device "r-$id" "" "" "$id" models/staged.bin; done
check_table() {	# PERCENT COPY
	_bad=""
	for id in $IDS; do
		$AIUPDATE -c "$W/r-$id.conf" --check --from "$2" >/dev/null 2>&1
		_got=$?
		if [ "$(bucket "$id" models/staged.bin)" -lt "$1" ]; then _want=100; else _want=0; fi
		[ "$_got" -eq "$_want" ] || _bad="$_bad $id:$_got/$_want"
	done
	it_check "rollout $1%: every device of the table in or out as its hash says${_bad:+ (wrong:$_bad)}" test -z "$_bad"
}
check_table 50 "$W/usb"
it_exit "raise the rollout of the same file to 80%" 0 $AIUREPO add "$R" "$W/staged.bin" --name models/staged.bin --rollout 80
$AIUREPO publish "$R" >/dev/null && $AIUREPO export "$R" "$W/usb80" >/dev/null
check_table 80 "$W/usb80"
_lost=""
for id in $IN; do
	$AIUPDATE -c "$W/r-$id.conf" --check --from "$W/usb80" >/dev/null 2>&1
	[ $? -eq 100 ] || _lost="$_lost $id"
done
it_check "raising the percentage only adds devices${_lost:+ (lost:$_lost)}" test -z "$_lost"
it_exit "the device installed at 50% is up to date at 80% (same content)" 0 \
	$AIUPDATE -c "$W/orin.conf" --check --from "$W/usb80"

# ---- malformed fleet data in signed metadata is refused, not ignored ----
python3 - "$R/repo.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["targets"]["models/canary.bin"]["custom"]["device_tags"] = "canary"
json.dump(d, open(p, "w"))
PY
$AIUREPO publish "$R" >/dev/null && $AIUREPO export "$R" "$W/usb-bad" >/dev/null
it_exit "a signed target whose device_tags is not a list" 12 $AIUPDATE -c "$W/rpi.conf" --check --from "$W/usb-bad"
it_grep "is refused with a reason" "custom.device_tags must be an array"

# ---- config ----
device badconf "a b" "" x
it_exit "a config with an invalid device_class" 2 $AIUPDATE -c "$W/badconf.conf" --check --from "$W/usb"
it_grep "names file, line and key" "badconf.conf:[0-9]+: device_class 'a b' is not a name"

it_done
