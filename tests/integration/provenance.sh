#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/provenance.sh - model provenance (OpenSSF Model Signing
# v1.0) beside TUF, on the real bed: a DNSSEC-signed zone on NSD, nginx over
# HTTPS, a repository published by aiupdate-repo with each model's OMS bundle
# as a target of its own (add --oms-bundle), signed by the publisher's P-256
# key (aiupdate-repo oms-sign).
#  - a raw model and a bundle target (verified file by file) install under
#    [provenance] mode = require, and --status/--json show the signer;
#  - bytes that TUF signed but the model's publisher did not are refused
#    under require (exit 13, state unchanged) and installed with a WARN
#    under warn; an unknown publisher key and a pinned other publisher are
#    refused;
#  - interop: every bundle oms-sign wrote is verified by the npm sigstore
#    packages (tests/interop/oms-verify.js), offline, with the key.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init prov
bed_port DNS_PORT 16200 16219
bed_port HTTPS_PORT 16220 16239

# ---- the publisher: a P-256 key, signed models, a repository ----
openssl ecparam -name prime256v1 -genkey -noout -out "$W/acme.key" 2>/dev/null &&
	chmod 600 "$W/acme.key" && openssl ec -in "$W/acme.key" -pubout -out "$W/acme.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl ec -pubout -out "$W/other.pem" 2>/dev/null
HINT=$(sha256sum "$W/acme.pem" | cut -d' ' -f1)
head -c 200000 /dev/urandom > "$W/model-v1.bin"
head -c 200000 /dev/urandom > "$W/model-v2.bin"
mkdir -p "$W/tree/weights" && head -c 50000 /dev/urandom > "$W/tree/weights/a.bin" &&
	echo "layers=2" > "$W/tree/config.txt" && echo "v1" > "$W/tree/weights/README"
it_exit "oms-sign a raw model" 0 $AIUREPO oms-sign "$W/model-v1.bin" --key "$W/acme.key"
it_grep "  ... one file signed" "model-v1.bin.sig: OMS v1.0 bundle \(key, P-256\) over 1 file"
it_exit "oms-sign a model directory" 0 $AIUREPO oms-sign "$W/tree" --key "$W/acme.key"
it_grep "  ... every file signed" "tree/model.sig: OMS v1.0 bundle \(key, P-256\) over 3 file"
chmod 644 "$W/acme.key"
it_exit "oms-sign refuses a key file others can read" 2 $AIUREPO oms-sign "$W/model-v1.bin" --key "$W/acme.key"
chmod 600 "$W/acme.key"
tar -C "$W/tree" --exclude model.sig -czf "$W/tree-v1.tar.gz" weights config.txt

# interop: an independent verifier (npm sigstore) accepts what oms-sign wrote
if node -e 'require("./tests/interop/node_modules/@sigstore/verify")' 2>/dev/null; then
	it_exit "interop: npm sigstore verifies the raw model's bundle" 0 \
		node tests/interop/oms-verify.js "$W/model-v1.bin.sig" "$W/acme.pem" "$W/model-v1.bin"
	it_grep "  ... named by the key hint" "^ok $HINT 1$"
	it_exit "interop: npm sigstore verifies the directory's bundle" 0 \
		node tests/interop/oms-verify.js "$W/tree/model.sig" "$W/acme.pem" "$W/tree"
	it_grep "  ... three resources" "^ok $HINT 3$"
	it_exit "interop: ... and refuses it with another key" 1 \
		node tests/interop/oms-verify.js "$W/tree/model.sig" "$W/other.pem" "$W/tree"
	it_exit "interop: ... and refuses other bytes" 1 \
		node tests/interop/oms-verify.js "$W/model-v1.bin.sig" "$W/acme.pem" "$W/model-v2.bin"
else
	it_fail "npm sigstore installed in tests/interop (run: npm ci --prefix tests/interop)"
fi

R=$W/repo
$AIUREPO init "$R" >/dev/null || { it_fail "aiupdate-repo init"; it_done; exit 1; }
it_exit "add a model with its OMS bundle, publisher pinned" 0 $AIUREPO add "$R" "$W/model-v1.bin" \
	--name models/model.bin --oms-bundle "$W/model-v1.bin.sig" --oms-publisher acme
it_grep "  ... the bundle is a target of its own" "^name=models/model.bin.sig version=1 "
it_exit "add a bundle target with its OMS bundle" 0 $AIUREPO add "$R" "$W/tree-v1.tar.gz" \
	--name models/tree.tar.gz --oms-bundle "$W/tree/model.sig"
it_exit "add refuses an --oms-bundle that is not one" 2 $AIUREPO add "$R" "$W/model-v1.bin" \
	--name models/x.bin --oms-bundle "$W/model-v2.bin"
$AIUREPO publish "$R" >/dev/null
it_check "the model's signed custom names its bundle and publisher" python3 -c "
import json; t = json.load(open('$R/public/metadata/targets.json'))['signed']['targets']
assert t['models/model.bin']['custom']['oms'] == {'bundle': 'models/model.bin.sig', 'publisher': 'acme'}, t
assert t['models/tree.tar.gz']['custom']['oms'] == {'bundle': 'models/tree.tar.gz.sig'}, t"

# ---- the bed ----
bed_up good "$R/public"

# mkconf NAME MODE KEYFILE [EXTRA-LINE]: a device with [provenance]
mkconf() {
	bed_conf "$W/$1.conf" root="$R/public/metadata/1.root.json" \
		targets="models/model.bin models/tree.tar.gz" state="$W/dev-$1" \
		"[provenance]" "mode = $2" "key.acme = $3" ${4:+"$4"}
}
mkconf req require "$W/acme.pem"
SD=$W/dev-req

# ---- verified installs ----
it_exit "require: a signed raw model and a signed bundle target install" 0 $AIUPDATE -c "$W/req.conf" --apply -v
it_grep "  ... the verdict names the signer" "provenance: verified: acme \(key sha256:$HINT\)"
it_grep "  ... so does the event (syslog with --syslog)" "event=installed target=models/tree.tar.gz .*provenance=\"verified: acme \(key sha256:$HINT\)\""
it_check "  ... model bytes installed" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "  ... bundle extracted" cmp -s "$W/tree/weights/a.bin" "$SD/targets/models/tree.tar.gz/current/weights/a.bin"
it_exit "status shows the signer" 0 $AIUPDATE -c "$W/req.conf" --status
it_grep "  ... for the raw model" "provenance verified: acme \(key sha256:$HINT\)"
it_exit "status --json" 0 $AIUPDATE -c "$W/req.conf" --status --json
it_check "  ... carries the verdict of each target" python3 -c "
import json; d = json.load(open('$IT_OUT'))
assert all(t['provenance'].startswith('verified: acme') for t in d['targets']), d"

# ---- TUF signed it, the model's publisher did not ----
cp "$W/model-v1.bin.sig" "$W/stale.sig"
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin --oms-bundle "$W/stale.sig" \
	--oms-publisher acme >/dev/null && $AIUREPO publish "$R" >/dev/null
BEFORE=$(it_fingerprint "$SD")
it_exit "require: bytes that match TUF but not the OMS bundle are refused" 13 $AIUPDATE -c "$W/req.conf" --apply
it_grep "  ... naming the file and the failure" "model provenance: OMS: m(odel)?.*differs from its signature"
it_check "  ... installed version, metadata, store and state unchanged" test "$(it_fingerprint "$SD")" = "$BEFORE"
it_exit "  ... --check -v shows the installed version's verdict" 100 $AIUPDATE -c "$W/req.conf" --check -v
it_grep "  ... with its signer" "provenance: installed v1: verified: acme \(key sha256:$HINT\)"
it_exit "  ... --json names the verdict" 13 $AIUPDATE -c "$W/req.conf" --apply --json
it_check "  ... as digest-mismatch" python3 -c "
import json; d = json.load(open('$IT_OUT')); t = {x['name']: x for x in d['targets']}
assert d['exit'] == 13 and 'digest-mismatch' in t['models/model.bin']['provenance'], d"

cp -a "$SD" "$W/dev-warn"
mkconf warn warn "$W/acme.pem"
it_exit "warn: the same bytes install, with a WARN line" 0 $AIUPDATE -c "$W/warn.conf" --apply -v
it_grep "  ... the event carries the failed verdict" "event=installed target=models/model.bin .*provenance=\"FAILED \(digest-mismatch\)"
it_grep "  ... the WARN line" "WARN models/model.bin: model provenance FAILED \(digest-mismatch\)"
it_check "  ... version 2 installed" cmp -s "$W/model-v2.bin" "$W/dev-warn/targets/models/model.bin/current/model.bin"
it_exit "  ... status keeps the failed verdict" 0 $AIUPDATE -c "$W/warn.conf" --status
it_grep "  ... for the operator to see" "provenance FAILED \(digest-mismatch\)"

# ---- signed by the publisher again, but devices that trust another key ----
$AIUREPO oms-sign "$W/model-v2.bin" --key "$W/acme.key" >/dev/null
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin --oms-bundle "$W/model-v2.bin.sig" \
	--oms-publisher acme --custom '{"version":2}' >/dev/null && $AIUREPO publish "$R" >/dev/null
mkconf other require "$W/other.pem"
cp -a "$SD" "$W/dev-other"
BEFORE=$(it_fingerprint "$W/dev-other")
it_exit "require: a publisher key the device does not trust is refused" 13 $AIUPDATE -c "$W/other.conf" --apply
it_grep "  ... as an unknown key" "signed by an unknown key \(hint $HINT\)"
it_check "  ... nothing changed" test "$(it_fingerprint "$W/dev-other")" = "$BEFORE"
mkconf pin require "$W/other.pem" "key.nvidia = $W/acme.pem"
cp -a "$SD" "$W/dev-pin"
it_exit "require: the right key under another name than the pinned publisher is refused" 13 $AIUPDATE -c "$W/pin.conf" --apply
it_grep "  ... saying which publisher was required" "signed by nvidia .*requires publisher acme"
it_exit "require: the re-signed version 2 installs" 0 $AIUPDATE -c "$W/req.conf" --apply
it_check "  ... version 2 installed" cmp -s "$W/model-v2.bin" "$SD/targets/models/model.bin/current/model.bin"

# ---- a bundle target checked file by file ----
echo "v2" > "$W/tree/weights/README"
tar -C "$W/tree" --exclude model.sig -czf "$W/tree-v2.tar.gz" weights config.txt
$AIUREPO add "$R" "$W/tree-v2.tar.gz" --name models/tree.tar.gz --oms-bundle "$W/tree/model.sig" >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
BEFORE=$(it_fingerprint "$SD")
it_exit "require: a bundle with one file changed since signing is refused" 13 $AIUPDATE -c "$W/req.conf" --apply
it_grep "  ... naming that file" "OMS: weights/README differs from its signature"
it_check "  ... nothing changed" test "$(it_fingerprint "$SD")" = "$BEFORE"
echo "extra" > "$W/tree/extra.txt"
$AIUREPO oms-sign "$W/tree" --key "$W/acme.key" >/dev/null
rm "$W/tree/extra.txt"
tar -C "$W/tree" --exclude model.sig -czf "$W/tree-v3.tar.gz" weights config.txt
$AIUREPO add "$R" "$W/tree-v3.tar.gz" --name models/tree.tar.gz --oms-bundle "$W/tree/model.sig" >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
it_exit "require: a bundle missing a signed file is refused" 13 $AIUPDATE -c "$W/req.conf" --apply
it_grep "  ... naming it" "signed file extra.txt is not in the model"

# ---- a stick for one model carries its signature too ----
it_exit "export --target of a model takes its OMS bundle along" 0 $AIUREPO export "$R" "$W/usb" --target models/model.bin
it_grep "  ... two target files" "exported [0-9]+ metadata file\(s\) and 2 target file\(s\)"
it_check "  ... the bundle is on the stick" test -f "$W/usb/targets/models/model.bin.sig"
mkconf stick require "$W/acme.pem"
sed -i 's#^targets = .*#targets = models/model.bin#' "$W/stick.conf"
it_exit "  ... and a require device installs from it, offline" 0 $AIUPDATE -c "$W/stick.conf" --apply --from "$W/usb"
it_grep "  ... verified" "provenance: verified: acme"

# ---- a publisher key the image cannot load is found by the first --check ----
mkconf nokey require "$W/no-such-key.pem"
it_exit "a [provenance] key file that is missing fails --check (exit 2), before any download" 2 $AIUPDATE -c "$W/nokey.conf" --check
it_grep "  ... naming the key and the file" "\[provenance\] key.acme = $W/no-such-key.pem"
mkconf privkey require "$W/acme.key"
it_exit "  ... a private key where the public one belongs" 2 $AIUPDATE -c "$W/privkey.conf" --check

# ---- a step back does not carry the newer version's verdict over ----
it_exit "--rollback of the model" 0 $AIUPDATE -c "$W/req.conf" --rollback models/model.bin
it_check "  ... the record keeps no verdict of the version rolled back from" python3 -c "
import json; t = {x['name']: x for x in json.load(open('$SD/state.json'))['targets']}
assert t['models/model.bin']['version'] == 1 and t['models/model.bin'].get('provenance', '') == '', t"

it_done
