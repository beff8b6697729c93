#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/offline.sh - field updates from local media:
# `aiupdate-repo export` writes a repository copy, `aiupdate --apply --from
# DIR` installs from it with the same metadata and artifact verification as
# over the network.  An old copy cannot downgrade a device; a tampered or
# expired copy is refused and changes nothing.  Also checks the metrics file
# (node_exporter textfile) that the runs write.  No servers needed.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init offline

head -c 300000 /dev/urandom > "$W/model-v1.bin"
mkdir -p "$W/bundle/policy" && echo "max_tokens=64" > "$W/bundle/policy/guard.conf"
tar -C "$W/bundle" -czf "$W/guard-v1.tar.gz" policy
bed_repo models/model.bin="$W/model-v1.bin" policy/guard.tar.gz="$W/guard-v1.tar.gz"
it_exit "export the whole repository" 0 $AIUREPO export "$R" "$W/usb-v1"
it_grep "export reports what it copied" "exported 5 metadata file\(s\) and 2 target file\(s\)"
it_check "the copy has metadata and targets" test -f "$W/usb-v1/metadata/timestamp.json" -a \
	-f "$W/usb-v1/targets/models/model.bin" -a -f "$W/usb-v1/targets/policy/guard.tar.gz"
it_check "metadata copied byte for byte" cmp -s "$R/public/metadata/targets.json" "$W/usb-v1/metadata/targets.json"
it_exit "export into a non-empty directory is refused" 2 $AIUREPO export "$R" "$W/usb-v1"
it_grep "and says why" "is not empty"
it_exit "export of an unknown target is refused" 2 $AIUREPO export "$R" "$W/usb-x" --target models/nope.bin
it_grep "and names it" "models/nope.bin is not in the published top-level targets"

SD=$W/device
mkconf() {	# FILE TARGETS
	bed_conf "$1" domain=updates.invalid state="$SD" targets="$2" \
		"metrics_file = $W/metrics/aiupdate.prom"
}
C=$W/device.conf
mkconf "$C" "models/model.bin policy/guard.tar.gz"
mkdir -p "$W/metrics"

# ---- install from the copy: no DNS, no TLS (the domain does not exist) ----
it_exit "check from the copy reports updates" 100 $AIUPDATE -c "$C" --check --from "$W/usb-v1"
it_grep "check names the update" "models/model.bin: update-available"
it_exit "apply from the copy installs both targets" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v1"
it_check "model bytes installed" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "bundle extracted" grep -q max_tokens=64 "$SD/targets/policy/guard.tar.gz/current/policy/guard.conf"
it_check "trusted metadata stored like a network run" test -f "$SD/metadata/timestamp.json"
M=$W/metrics/aiupdate.prom
it_check "metrics: last run succeeded" grep -qx 'aiupdate_last_run_success 1' "$M"
it_check "metrics: installed version per target" grep -qx 'aiupdate_target_installed_version{target="models/model.bin"} 1' "$M"
it_check "metrics: days until the timestamp expires" grep -Eqx 'aiupdate_metadata_expiry_days\{role="timestamp"\} (6\.99|7\.00)' "$M"
it_check "metrics: root expiry as a time" grep -Eqx 'aiupdate_metadata_expires_timestamp_seconds\{role="root"\} [0-9]+' "$M"
it_check "metrics: no temporary file left" test "$(ls "$W/metrics")" = aiupdate.prom

# ---- v2, then the old copy must not take the device back ----
head -c 300000 /dev/urandom > "$W/model-v2.bin"
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
$AIUREPO export "$R" "$W/usb-v2" >/dev/null
it_exit "apply from the v2 copy" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v2"
it_check "v2 active" cmp -s "$W/model-v2.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "metrics: version 2 installed" grep -qx 'aiupdate_target_installed_version{target="models/model.bin"} 2' "$M"

refused() {	# DESC EXIT FROM PATTERN
	_before=$(it_fingerprint "$SD")
	it_exit "$1" "$2" $AIUPDATE -c "$C" --apply --from "$3"
	it_grep "$1: message" "$4"
	it_check "$1: installed version, metadata and state unchanged" \
		test "$(it_fingerprint "$SD")" = "$_before"
}
refused "an old copy (v1) cannot downgrade the device" 12 "$W/usb-v1" "rollback|lower"
it_check "v2 still active" cmp -s "$W/model-v2.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "metrics: the refused run is recorded" grep -qx 'aiupdate_last_run_success 0' "$M"
it_check "metrics: with its phase and error" grep -q '^aiupdate_last_run_error{phase="metadata",' "$M"
it_check "metrics: exit status 12" grep -qx 'aiupdate_last_run_exit_status 12' "$M"

# ---- tampered and broken copies ----
head -c 300000 /dev/urandom > "$W/model-v3.bin"
$AIUREPO add "$R" "$W/model-v3.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
$AIUREPO export "$R" "$W/usb-v3" >/dev/null
cp -a "$W/usb-v3" "$W/usb-flip"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[1000]^=1; open(p,'wb').write(b)" "$W/usb-flip/targets/models/model.bin"
refused "a copy with one flipped byte in the model" 13 "$W/usb-flip" "hash"
cp -a "$W/usb-v3" "$W/usb-long" && printf x >> "$W/usb-long/targets/models/model.bin"
refused "a copy with a model one byte longer than signed" 13 "$W/usb-long" "length|more than"
cp -a "$W/usb-v3" "$W/usb-short" && truncate -s 1000 "$W/usb-short/targets/models/model.bin"
refused "a copy with a truncated model" 13 "$W/usb-short" "length|bytes"
cp -a "$W/usb-v3" "$W/usb-meta"
python3 - "$W/usb-meta/metadata/targets.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["signed"]["targets"]["models/model.bin"]["length"] += 0
d["signed"]["expires"] = "2099-01-01T00:00:00Z"
open(p, "w").write(json.dumps(d))
PY
refused "a copy with edited targets metadata" 12 "$W/usb-meta" "hash|signature|length"
cp -a "$W/usb-v3" "$W/usb-expired"
$AIUREPO publish "$R" --expires -1d --unsafe-allow-invalid >/dev/null
cp "$R/public/metadata/"*.json "$W/usb-expired/metadata/"
refused "an expired copy" 12 "$W/usb-expired" "expired"
mkdir -p "$W/usb-empty"
refused "a directory that is not a repository copy" 2 "$W/usb-empty" "is not a repository copy"
it_exit "the honest v3 copy then installs" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v3"
it_check "v3 active" cmp -s "$W/model-v3.bin" "$SD/targets/models/model.bin/current/model.bin"
it_exit "--from goes only with --check or --apply" 2 $AIUPDATE -c "$C" --status --from "$W/usb-v3"

# ---- one target's closure ----
$AIUREPO publish "$R" >/dev/null
it_exit "export one target's closure" 0 $AIUREPO export "$R" "$W/usb-one" --target models/model.bin
it_check "only that target is in the copy" test "$(cd "$W/usb-one/targets" && find . -type f)" = ./models/model.bin
SD=$W/device2
mkconf "$W/one.conf" "models/model.bin"
it_exit "a fresh device installs from the closure" 0 $AIUPDATE -c "$W/one.conf" --apply --from "$W/usb-one"
it_check "v3 installed on the fresh device" cmp -s "$W/model-v3.bin" "$SD/targets/models/model.bin/current/model.bin"

# ---- refused input in the copy, and things in the way in the state dir ----
# A symlink (never followed), a FIFO or a directory where a metadata file or
# a target belongs is the copy's content, refused like a forgery (12, 13),
# not an internal error; nothing changes on the device.
SD=$W/device
C=$W/device.conf
head -c 300000 /dev/urandom > "$W/model-v4.bin"
$AIUREPO add "$R" "$W/model-v4.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
$AIUREPO export "$R" "$W/usb-v4" >/dev/null
planted() {	# NAME FILE KIND: a copy of usb-v4 with FILE replaced by KIND
	cp -a "$W/usb-v4" "$W/$1"
	cp "$W/$1/$2" "$W/$1.real" && rm "$W/$1/$2"
	case $3 in
	link) ln -s "$W/$1.real" "$W/$1/$2" ;;
	fifo) mkfifo "$W/$1/$2" ;;
	dir) mkdir "$W/$1/$2" ;;
	esac
}
for k in link fifo dir; do
	planted "usb-m$k" metadata/timestamp.json $k
	refused "a copy with a $k as timestamp.json" 12 "$W/usb-m$k" "timestamp.json: a (symbolic link|FIFO|directory), not a regular file.*refused"
	planted "usb-t$k" targets/models/model.bin $k
	refused "a copy with a $k as the model" 13 "$W/usb-t$k" "model.bin: a (symbolic link|FIFO|directory), not a regular file.*refused"
done
it_exit "the honest v4 copy then installs" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v4"
it_check "v4 active" cmp -s "$W/model-v4.bin" "$SD/targets/models/model.bin/current/model.bin"
# A symlink planted as state_dir/partial or tmp: named, refused (exit 2), never
# followed nor removed; the run works again once it is gone.
mkdir -p "$W/elsewhere" && echo keep > "$W/elsewhere/keep"
for d in partial tmp; do
	rm -rf "${SD:?}/$d" && ln -s "$W/elsewhere" "$SD/$d"
	refused "a symlink as state_dir/$d" 2 "$W/usb-v4" "$SD/$d is a symbolic link \\(to $W/elsewhere\\), not a directory: refused"
	it_check "state_dir/$d: the link is left, what it names untouched" \
		test -L "$SD/$d" -a "$(cat "$W/elsewhere/keep")" = keep -a "$(ls "$W/elsewhere")" = keep
	rm "$SD/$d"
	it_exit "state_dir/$d: the next run works once the link is gone" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v4"
done
mv "$SD/metadata" "$W/metadata-away" && ln -s "$W/metadata-away" "$SD/metadata"
_meta=$(it_fingerprint "$W/metadata-away")
refused "a symlink as state_dir/metadata" 2 "$W/usb-v4" "state_dir $SD cannot be used: mkdir $SD/metadata: a symbolic link is in the way"
it_check "  ... the metadata it names untouched" test "$(it_fingerprint "$W/metadata-away")" = "$_meta"
rm "$SD/metadata" && mv "$W/metadata-away" "$SD/metadata"
rm -f "$SD/lock" && ln -s "$W/elsewhere/lock" "$SD/lock"
refused "a symlink as state_dir/lock" 2 "$W/usb-v4" "open lock $SD/lock: a symbolic link is in the way \\(never followed\\)"
it_check "  ... nothing created where it points" test ! -e "$W/elsewhere/lock"
rm "$SD/lock"
it_exit "the next run works once they are gone" 0 $AIUPDATE -c "$C" --apply --from "$W/usb-v4"

it_done
