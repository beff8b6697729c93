#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/keys.sh - key management in the publisher, end to end
# with the real client (build/aiupdate) against NSD (DNSSEC) and nginx
# (HTTPS): root renewal, timestamp-key rotation, root-key rotation, a
# threshold-2 targets role, several keys per role, missing keys, and a
# device that was offline over several rotations catching up (TUF 1.0
# section 5.3).  Every refusal is checked for its exit status and for
# leaving the device's installed version, metadata and state untouched.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init keys
bed_port DNS_PORT 16100 16124
bed_port HTTPS_PORT 16125 16149
R=$W/repo
M=$R/public/metadata

# field FILE PYTHON-EXPR : a value from the JSON file (d = the document)
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
keyid() { field "$M/root.json" "d['signed']['roles']['$1']['keyids'][0]"; }
nsigs() { field "$1" "len(d['signatures'])"; }
root_version() { field "$M/root.json" "d['signed']['version']"; }

# ---- the repository ----
head -c 100000 /dev/urandom > "$W/model-v1.bin"
bed_repo models/model.bin="$W/model-v1.bin"
it_check "publisher: init, add, publish" test -f "$M/timestamp.json"

# ---- servers ----
bed_up good "$R/public"

# mkconf NAME STATE_DIR : a device baked with root version 1
mkconf() {
	bed_conf "$W/$1.conf" state="$2" root="$W/1.root.json"
}
cp "$M/1.root.json" "$W/1.root.json"
SD=$W/device; mkconf device "$SD"; C=$W/device.conf
SD2=$W/offline; mkconf offline "$SD2"; C2=$W/offline.conf

it_exit "device installs v1" 0 $AIUPDATE -c "$C" --apply
it_check "v1 installed" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"

# refused DESC EXIT PATTERN : the device refuses, and nothing changes
refused() {
	_before=$(it_fingerprint "$SD")
	it_exit "$1" "$2" $AIUPDATE -c "$C" --apply
	it_grep "$1: message" "$3"
	it_check "$1: installed version, metadata and state unchanged" \
		test "$(it_fingerprint "$SD")" = "$_before"
}
# follows DESC VERSION : the device takes root VERSION and persists it
follows() {
	it_exit "$1" 0 $AIUPDATE -c "$C" --apply
	it_check "$1: the device's persisted root.json is $2.root.json" \
		cmp -s "$SD/metadata/root.json" "$M/$2.root.json"
}

# ---- 1. root renewal: v1 -> v2, same keys, new expiry ----
it_exit "root: renew the root" 0 $AIUREPO root "$R" --expires 400d
it_grep "root: prints the new version" "root version 2"
it_check "root: 2.root.json and root.json written" cmp -s "$M/2.root.json" "$M/root.json"
it_check "root: expires about 400 days out" python3 -c "
import json, datetime as d
e = json.load(open('$M/root.json'))['signed']['expires']
left = (d.datetime.strptime(e, '%Y-%m-%dT%H:%M:%SZ') - d.datetime.utcnow()).days
assert 398 <= left <= 400, left"
it_check "root: signed by the same root key" test "$(field "$M/2.root.json" "d['signatures'][0]['keyid']")" = "$(keyid root)"
follows "device follows the root renewal" 2
it_exit "root --expires in the past is refused" 2 $AIUREPO root "$R" --expires -1d
it_check "... and writes nothing" test ! -e "$M/3.root.json" -a "$(root_version)" = 2

# ---- 2. timestamp-key rotation ----
OLD_TS=$(keyid timestamp)
it_exit "rotate timestamp: new key, old one removed" 0 \
	$AIUREPO rotate "$R" timestamp --new-key --remove-key "${OLD_TS:0:12}"
it_grep "rotate: reports root version 3" "root version 3: role timestamp threshold 1"
NEW_TS=$(keyid timestamp)
it_check "the new timestamp key is listed, the old one is gone" \
	test "$NEW_TS" != "$OLD_TS" -a "$(field "$M/root.json" "len(d['signed']['roles']['timestamp']['keyids'])")" = 1
it_check "the old timestamp key is dropped from the root's keys" \
	test "$(field "$M/root.json" "'$OLD_TS' in d['signed']['keys']")" = False
it_check "new private key file, mode 0600" test "$(stat -c %a "$R/keys/timestamp-${NEW_TS:0:16}.key")" = 600
it_check "timestamp.json re-signed by the new key" \
	test "$(field "$M/timestamp.json" "d['signatures'][0]['keyid']")" = "$NEW_TS"
follows "device follows the timestamp-key rotation" 3
it_check "device's timestamp.json is the new one" cmp -s "$SD/metadata/timestamp.json" "$M/timestamp.json"

cp "$M/timestamp.json" "$W/ts-good.json"
python3 - "$M/timestamp.json" "$W/ts-old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["signed"]
d["version"] += 1
json.dump({"signed": d, "signatures": []}, open(sys.argv[2], "w"))
PY
$AIUREPO sign-raw "$R" timestamp "$W/ts-old.json" --key "$R/keys/timestamp.key" >/dev/null &&
	cp "$W/ts-old.json" "$M/timestamp.json"
it_check "crafted timestamp carries the revoked key's signature" \
	test "$(field "$M/timestamp.json" "d['signatures'][0]['keyid']")" = "$OLD_TS"
refused "timestamp signed by the revoked timestamp key" 12 \
	"timestamp: 0 valid signature\(s\) from distinct timestamp keys of root v3, threshold 1"
cp "$W/ts-good.json" "$M/timestamp.json"
# The offline device syncs once at root v3, then stays offline.
it_exit "offline device syncs at root v3" 0 $AIUPDATE -c "$C2" --apply
it_check "offline device holds 3.root.json" cmp -s "$SD2/metadata/root.json" "$M/3.root.json"

# ---- item 4: publish with a missing key ----
mv "$R/keys/timestamp-${NEW_TS:0:16}.key" "$W/ts.key.away"
it_exit "publish with the timestamp key missing" 2 $AIUREPO publish "$R"
it_grep "message names the missing key file" "missing: $R/keys/timestamp-${NEW_TS:0:16}\.key"
it_check "nothing published" cmp -s "$W/ts-good.json" "$M/timestamp.json"
mv "$W/ts.key.away" "$R/keys/timestamp-${NEW_TS:0:16}.key"
mv "$R/keys/snapshot.key" "$W/snap.key.away"
it_exit "publish with the initial snapshot key missing" 2 $AIUREPO publish "$R"
it_grep "message names keys/snapshot.key" "missing: $R/keys/snapshot\.key"
mv "$W/snap.key.away" "$R/keys/snapshot.key"

# ---- 3. root-key rotation ----
OLD_ROOT=$(keyid root)
it_exit "rotate root: new key, old one removed" 0 \
	$AIUREPO rotate "$R" root --new-key --remove-key "$OLD_ROOT"
NEW_ROOT=$(keyid root)
it_check "4.root.json signed by the old and the new root key" python3 -c "
import json
s = {x['keyid'] for x in json.load(open('$M/4.root.json'))['signatures']}
assert s == {'$OLD_ROOT', '$NEW_ROOT'}, s"
it_check "root rotation leaves timestamp.json alone" cmp -s "$W/ts-good.json" "$M/timestamp.json"
follows "device follows the root-key rotation" 4

# A root v5 signed only by the revoked root key: refused (5.3.4).
python3 - "$M/4.root.json" "$W/5.root.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["signed"]
d["version"] += 1
json.dump({"signed": d, "signatures": []}, open(sys.argv[2], "w"))
PY
$AIUREPO sign-raw "$R" root "$W/5.root.json" --key "$R/keys/root.key" >/dev/null &&
	cp "$W/5.root.json" "$M/5.root.json"
refused "root v5 signed only by the revoked root key" 12 \
	"new root \(by the trusted root's keys\): 0 valid signature"
rm -f "$M/5.root.json"
it_exit "renew after the root-key rotation" 0 $AIUREPO root "$R"
it_check "the renewal is signed by the new root key only" \
	test "$(field "$M/5.root.json" "[x['keyid'] for x in d['signatures']]")" = "['$NEW_ROOT']"
follows "device follows that renewal" 5

# ---- 4. threshold-2 targets ----
it_exit "rotate targets: a second key, threshold 2" 0 \
	$AIUREPO rotate "$R" targets --new-key --threshold 2
it_grep "rotate reports the threshold" "root version 6: role targets threshold 2"
TK2=$(field "$M/root.json" "d['signed']['roles']['targets']['keyids'][1]")
it_check "targets.json carries two signatures" test "$(nsigs "$M/targets.json")" = 2
head -c 100000 /dev/urandom > "$W/model-v2.bin"
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
follows "device follows the threshold change and installs v2" 6
it_check "v2 installed under a 2-of-2 targets role" cmp -s "$W/model-v2.bin" "$SD/targets/models/model.bin/current/model.bin"

mv "$R/keys/targets-${TK2:0:16}.key" "$W/tk2.away"
it_exit "publish with one of two targets keys" 2 $AIUREPO publish "$R"
it_grep "message: threshold and the missing file" "role targets needs 2 signature\(s\) but only 1 .*missing: $R/keys/targets-${TK2:0:16}\.key"
mv "$W/tk2.away" "$R/keys/targets-${TK2:0:16}.key"

head -c 100000 /dev/urandom > "$W/model-v3.bin"
$AIUREPO add "$R" "$W/model-v3.bin" --name models/model.bin >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
cp "$M/targets.json" "$W/targets-2sig.json"
$AIUREPO sign-raw "$R" targets "$M/targets.json" --key "$R/keys/targets.key" >/dev/null
it_check "crafted targets.json has one signature" test "$(nsigs "$M/targets.json")" = 1
refused "targets with one signature under threshold 2" 12 \
	"targets: 1 valid signature\(s\) from distinct targets keys of root v6, threshold 2"
cp "$W/targets-2sig.json" "$M/targets.json"
it_exit "with both signatures v3 installs" 0 $AIUPDATE -c "$C" --apply
it_check "v3 installed" cmp -s "$W/model-v3.bin" "$SD/targets/models/model.bin/current/model.bin"

# ---- 5. the offline device catches up: root v3 -> v6 in one run ----
it_exit "offline device catches up over three new roots" 0 $AIUPDATE -c "$C2" --apply
it_check "its persisted root.json is 6.root.json" cmp -s "$SD2/metadata/root.json" "$M/6.root.json"
it_check "it installed v3" cmp -s "$W/model-v3.bin" "$SD2/targets/models/model.bin/current/model.bin"
mkconf fresh "$W/fresh"
it_exit "a device baked with root v1 walks v1 -> v6" 0 $AIUPDATE -c "$W/fresh.conf" --apply
it_check "fresh device: persisted root.json is 6.root.json" cmp -s "$W/fresh/metadata/root.json" "$M/6.root.json"

# ---- 6. a key made elsewhere (keygen) added to a role ----
it_exit "keygen" 0 $AIUREPO keygen "$W/offline-snap"
it_check "keygen: private key 0600" test "$(stat -c %a "$W/offline-snap.key")" = 600
it_exit "keygen never overwrites" 2 $AIUREPO keygen "$W/offline-snap"
SK2=$(python3 -c "import json,hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())" "$W/offline-snap.pub")
it_exit "rotate snapshot --add-key" 0 $AIUREPO rotate "$R" snapshot --add-key "$W/offline-snap.pub"
it_grep "says where its private key would go" "added key $R/keys/snapshot-${SK2:0:16}\.pub"
it_check "snapshot signed by the one key present" test "$(nsigs "$M/snapshot.json")" = 1
cp "$W/offline-snap.key" "$R/keys/snapshot-${SK2:0:16}.key"
it_exit "publish finds the added private key" 0 $AIUREPO publish "$R"
it_check "snapshot.json now carries both signatures" test "$(nsigs "$M/snapshot.json")" = 2
follows "device follows the snapshot-key addition" 7

# ---- usage errors write nothing ----
before=$(cd "$R" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
it_exit "rotate with nothing to change" 2 $AIUREPO rotate "$R" targets
it_exit "rotate an unknown role" 2 $AIUREPO rotate "$R" mirror --new-key
it_exit "threshold above the number of keys" 2 $AIUREPO rotate "$R" targets --threshold 3
it_grep "says why" "would have 2 key\(s\) and threshold 3"
it_exit "remove a keyid the role does not have" 2 $AIUREPO rotate "$R" timestamp --remove-key "${OLD_TS:0:12}"
it_exit "remove the only key" 2 $AIUREPO rotate "$R" timestamp --remove-key "$NEW_TS"
$AIUREPO keygen "$W/elsewhere-root" >/dev/null
it_exit "new root key whose private key is not here" 2 \
	$AIUREPO rotate "$R" root --add-key "$W/elsewhere-root.pub" --remove-key "$NEW_ROOT"
it_grep "names the missing key" "role root needs 1 signature\(s\) but only 0"
it_exit "a new key for a role whose re-signing fails" 2 \
	$AIUREPO rotate "$R" targets --add-key "$W/elsewhere-root.pub" --threshold 3
it_check "the repository is byte for byte unchanged (no key files left behind)" \
	test "$(cd "$R" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)" = "$before"

# ---- testing aids stay out of --help ----
it_exit "--help" 0 $AIUREPO --help
it_check "--help does not offer sign-raw or --unsafe-allow-invalid" \
	sh -c "! grep -Eq 'sign-raw|unsafe' '$IT_OUT'"
it_grep "--help lists root, rotate and keygen" "^  root DIR"
it_check "the man page has a TESTING AIDS section" grep -q '^\.SH TESTING AIDS' man/aiupdate-repo.1
it_check "... documenting sign-raw" grep -qF 'sign\-raw' man/aiupdate-repo.1
it_exit "publish --unsafe-allow-invalid still works, with a warning" 0 \
	$AIUREPO publish "$R" --expires -1d --unsafe-allow-invalid
it_grep "warning printed" "WARNING: --unsafe-allow-invalid is a testing aid"
refused "the expired metadata it wrote" 12 "timestamp v[0-9]+ expired at"

it_done
