#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/e2e.sh - the whole client against real local servers:
# a DNSSEC-signed zone on NSD, a private CA and nginx over HTTPS, a repository
# published by aiupdate-repo.  Every refusal is checked for its exit status
# and for leaving the installed version, the trusted metadata and the state
# file byte for byte as they were.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init e2e
bed_port DNS_PORT 15500 15549
bed_port HTTPS_PORT 15550 15569
bed_port UNTRUSTED_PORT $((HTTPS_PORT + 1)) 15589
bed_port SLOW_PORT $((UNTRUSTED_PORT + 1)) 15599

# ---- the repository ----
head -c 300000 /dev/urandom > "$W/model-v1.bin"
mkdir -p "$W/bundle/policy" && echo "max_tokens=64" > "$W/bundle/policy/guard.conf"
tar -C "$W/bundle" -czf "$W/guard-v1.tar.gz" policy
bed_repo models/model.bin="$W/model-v1.bin" policy/guard.tar.gz="$W/guard-v1.tar.gz"
it_check "publisher: init, add and publish a repository" test -f "$R/public/metadata/timestamp.json"
# bundles every device would refuse are refused when added (exit 13)
mkdir -p "$W/badbundle/policy" && echo x > "$W/badbundle/policy/guard.conf" &&
	ln -s guard.conf "$W/badbundle/policy/current.conf" && tar -C "$W/badbundle" -czf "$W/bad-link.tar.gz" policy
head -c 1000 /dev/urandom > "$W/not-a-tar.tar.gz"
cp "$R/repo.json" "$W/repo.json.before"
it_exit "publisher: a bundle holding a symlink is refused" 13 $AIUREPO add "$R" "$W/bad-link.tar.gz" --name policy/guard.tar.gz
it_grep "  ... naming the entry" 'devices would refuse this bundle: .*entry "policy/current.conf": symlink'
it_exit "publisher: a raw file named .tar.gz is refused" 13 $AIUREPO add "$R" "$W/not-a-tar.tar.gz" --name policy/fake.tar.gz
it_grep "  ... not a tar stream" "devices would refuse this bundle: .*not a readable tar stream"
it_exit "publisher: a target name with a space is refused (no device could list it)" 2 $AIUREPO add "$R" "$W/model-v1.bin" --name "models/a b.bin"
it_check "  ... repo.json unchanged" cmp -s "$R/repo.json" "$W/repo.json.before"

# ---- DNS: one NSD serves every scenario; HTTPS: the real server ----
bed_zone bogus "$HTTPS_PORT" bogus-edit
bed_zone nods "$HTTPS_PORT" nods
# othername's SRV leads to the real server, whose certificate names
# repo.good.aiutest, not repo.othername.aiutest.
bed_zone othername "$HTTPS_PORT"
bed_zone untrusted "$UNTRUSTED_PORT"
bed_zone slow "$SLOW_PORT"
bed_up good "$R/public"
# one whose certificate comes from a CA the device does not trust
bed_cert repo.untrusted.aiutest "$W/https-untrusted"
bed_nginx "$W/https-untrusted" "$UNTRUSTED_PORT" "$R/public" repo.untrusted.aiutest
# a server that trickles (20 KB/s), with the same CA
mkdir -p "$W/https-slow" && cp "$W/https/ca.pem" "$W/https/ca.key" "$W/https-slow/"
bed_cert repo.slow.aiutest "$W/https-slow"
HTTPSBED_LIMIT_RATE=20k bed_nginx "$W/https-slow" "$SLOW_PORT" "$R/public" repo.slow.aiutest

# config DOMAIN-CHILD STATE_DIR [HEALTH]
mkconf() {
	bed_conf "$W/$1.conf" zone="$1" state="$2" targets="models/model.bin policy/guard.tar.gz" \
		"health_check = ${3:-}" "health_timeout = 5"
}
SD=$W/device
mkconf good "$SD"
C=$W/good.conf

# ---- the happy path ----
it_exit "check with nothing installed reports updates" 100 $AIUPDATE -c "$C" --check
it_grep "check names the update" "models/model.bin: update-available"
it_exit "apply installs both targets" 0 env LD_DEBUG=files $AIUPDATE -c "$C" --apply
if [ "$AU_STATIC" = 1 ]; then
	echo "# skipped in the static build (libarchive linked, no loader log): loading libarchive for the bundle"
	it_check "  ... by a static client that needs no shared library (no dynamic section)" \
		sh -c "LC_ALL=C readelf -d '${AIUPDATE##* }' | grep -q 'no dynamic section'"
else
	it_grep "  ... loading libarchive for the bundle (LD_DEBUG=files)" "file=libarchive"
fi
it_check "model bytes installed" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "bundle extracted" grep -q max_tokens=64 "$SD/targets/policy/guard.tar.gz/current/policy/guard.conf"
: > "$W/https/access.log"
it_exit "check after apply: up to date" 0 $AIUPDATE -c "$C" --check
it_check "an up-to-date check asks for the next root (404) and timestamp.json only, over ONE connection" \
	sh -c "awk '{print \$3, \$5}' '$W/https/access.log' | tr '\n' ' ' | grep -Eqx '404 /metadata/2.root.json 200 /metadata/timestamp.json ' && [ \$(awk '{print \$1}' '$W/https/access.log' | sort -u | wc -l) -eq 1 ] || { cat '$W/https/access.log' >&2; false; }"
# An up-to-date check (the timer's run) writes only last-run.json: the
# power-cut backend counts the durable operations under state_dir (before:
# 22, from re-creating tmp/ and partial/, syncing unchanged directories and
# rewriting the time floor on every run).
AIUPDATE_FAULT_ROOT=$SD AIUPDATE_FAULT_COUNT=1 "$B/tests/aiupdate-fault" -c "$C" --check > "$W/fault.out" 2>&1
it_check "an up-to-date check makes at most 7 durable operations under state_dir" \
	sh -c "n=\$(sed -n 's/^aiupdate-fault: \([0-9]*\) durable operations$/\1/p' '$W/fault.out'); [ -n \"\$n\" ] && [ \"\$n\" -le 7 ] || { cat '$W/fault.out' >&2; false; }"
# libarchive is loaded at the first bundle only (client/install/libarchive_dl.h):
# the loader's own log (LD_DEBUG=files) lists every library it maps.
if [ "$AU_STATIC" = 1 ]; then
	echo "# skipped in the static build (libarchive linked, no loader log): a check never maps libarchive"
else
	LD_DEBUG=files $AIUPDATE -c "$C" --check > "$W/lddebug.out" 2>&1
	it_check "an up-to-date check never maps libarchive (the loader log lists libunbound, not libarchive)" \
		sh -c "grep -q 'file=libunbound' '$W/lddebug.out' && ! grep -q 'file=libarchive' '$W/lddebug.out'"
fi
{ cat "$C"; echo "metrics_file = $W/aiupdate.prom"; } > "$W/metrics.conf"
it_exit "check with a metrics file" 0 $AIUPDATE -c "$W/metrics.conf" --check
it_check "metrics: days until the earliest DNSSEC signature expires" \
	grep -Eq '^aiupdate_dnssec_expiry_days [0-9]+\.[0-9]+$' "$W/aiupdate.prom"
it_exit "status" 0 $AIUPDATE -c "$C" --status
it_grep "status shows the installed version" "version +1"
it_exit "status --json" 0 $AIUPDATE -c "$C" --status --json
it_check "status --json parses" python3 -c "import json,sys; d=json.load(open('$IT_OUT')); assert d['targets'][0]['installed']"

# refused: ASSERT DESC EXIT CONF [PATTERN] - exit status, message, nothing changed
refused() {
	_before=$(it_fingerprint "$SD")
	it_exit "$1" "$2" $AIUPDATE -c "$3" --apply
	[ -n "${4:-}" ] && it_grep "$1: message" "$4"
	it_check "$1: installed version, metadata and state unchanged" \
		test "$(it_fingerprint "$SD")" = "$_before"
}

# ---- DNS ----
mkconf bogus "$SD"; refused "DNS record edited after signing (bogus)" 10 "$W/bogus.conf" "bogus"
mkconf nods "$SD"; refused "delegation without DS (insecure)" 10 "$W/nods.conf" "insecure"
# ---- TLS ----
mkconf othername "$SD"; refused "TLS certificate for another name" 11 "$W/othername.conf"
mkconf untrusted "$SD"; refused "TLS certificate from an untrusted CA" 11 "$W/untrusted.conf"

# ---- slow retrieval: a transfer below [transport] min_rate is cut ----
mkconf slow "$W/slow-device"
printf '[transport]\nmin_rate = 100000\ndeadline_base = 1\n' >> "$W/slow.conf"
t0=$(date +%s)
it_exit "a server trickling an artifact below min_rate is cut off" 11 $AIUPDATE -c "$W/slow.conf" --apply
it_grep "message says it timed out" "timed out"
it_check "cut within its deadline, not after the whole trickle (15 s)" test $(( $(date +%s) - t0 )) -lt 12
it_check "nothing installed from the slow server" test ! -e "$W/slow-device/targets/models/model.bin/current"

# ---- metadata ----
cp -a "$R/public" "$W/public-v1"
restore() { rm -rf "$R/public"; cp -a "$W/public-v1" "$R/public"; }

R2=$W/repo-other
$AIUREPO init "$R2" >/dev/null && $AIUREPO add "$R2" "$W/model-v1.bin" --name models/model.bin >/dev/null &&
	$AIUREPO publish "$R2" >/dev/null
cp "$R2/public/metadata/timestamp.json" "$R/public/metadata/timestamp.json"
refused "timestamp signed by a key the root does not list" 12 "$C" "signature|threshold"
restore

$AIUREPO publish "$R" --expires -1d --unsafe-allow-invalid >/dev/null
refused "expired timestamp" 12 "$C" "expired"
restore

# A new timestamp (version +1, correctly signed) that names an older snapshot.
python3 - "$R/public/metadata/timestamp.json" "$W/ts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["signed"]
d["version"] += 1
d["meta"]["snapshot.json"]["version"] -= 1
json.dump({"signed": d, "signatures": []}, open(sys.argv[2], "w"))
PY
$AIUREPO sign-raw "$R" timestamp "$W/ts.json" >/dev/null &&
	cp "$W/ts.json" "$R/public/metadata/timestamp.json"
refused "timestamp naming a lower snapshot version" 12 "$C" "rollback|version"
restore

# ---- artifacts ----
head -c 300000 /dev/urandom > "$W/model-v2.bin"
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
cp -a "$R/public" "$W/public-v2"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[1000]^=1; open(p,'wb').write(b)" "$R/public/targets/models/model.bin"
refused "artifact with one flipped byte" 13 "$C" "hash"
cp "$W/model-v2.bin" "$R/public/targets/models/model.bin" && printf 'x' >> "$R/public/targets/models/model.bin"
refused "artifact one byte longer than signed" 13 "$C" "length|more than"
cp "$W/model-v2.bin" "$R/public/targets/models/model.bin"
it_exit "the honest v2 then installs" 0 $AIUPDATE -c "$C" --apply
it_check "v2 bytes active" cmp -s "$W/model-v2.bin" "$SD/targets/models/model.bin/current/model.bin"

# ---- rollback ----
it_exit "rollback of the model" 0 $AIUPDATE -c "$C" --rollback models/model.bin
it_check "v1 active after rollback" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_exit "check after rollback: the rolled-back v2 is not offered again" 0 $AIUPDATE -c "$C" --check
it_grep "v2 reported as known bad" "models/model.bin: known-bad"
fp=$(it_fingerprint "$SD")
it_exit "a second --rollback does not switch back to the version just rolled back from" 14 $AIUPDATE -c "$C" --rollback models/model.bin
it_grep "  ... says why and the way out" "previous version 2 is marked bad.*--retry models/model.bin"
it_check "  ... v1 still active" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_check "  ... state, metadata and links byte for byte as they were" test "$(it_fingerprint "$SD")" = "$fp"
it_exit "rollback of a target that is not tracked" 2 $AIUPDATE -c "$C" --rollback models/other.bin
it_grep "message names the target" "models/other.bin is not a tracked target"

# ---- health check ----
head -c 300000 /dev/urandom > "$W/model-v3.bin"
$AIUREPO add "$R" "$W/model-v3.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
cat > "$W/health.sh" <<'SH'
#!/bin/sh
# fails for the model, passes for the rest
case "$AIUPDATE_TARGET" in models/*) echo "model check failed" >&2; exit 3;; esac
exit 0
SH
chmod +x "$W/health.sh"
mkconf good "$SD" "$W/health.sh"
prev_link=$(readlink "$SD/targets/models/model.bin/previous")
it_exit "failing health check rolls back" 15 $AIUPDATE -c "$C" --apply
it_check "previous link restored to what it was before the failed switch" \
	test "$(readlink "$SD/targets/models/model.bin/previous")" = "$prev_link"
it_exit "status after the failed health check" 0 $AIUPDATE -c "$C" --status
it_grep "last run recorded the health failure" "health check or trial failed.*exited with status 3"
it_check "v1 active again after the failed health check" cmp -s "$W/model-v1.bin" "$SD/targets/models/model.bin/current/model.bin"
it_exit "the bad version is not retried" 0 $AIUPDATE -c "$C" --check
it_grep "reported as known bad" "known-bad"

# ---- a health check that cannot run is a configuration error, found first ----
printf '#!/bin/sh\nexit 0\n' > "$W/noexec.sh" && chmod 644 "$W/noexec.sh"
fp=$(it_fingerprint "$SD")
mkconf good "$SD" "$W/noexec.sh"
it_exit "health_check not executable: --check says so (exit 2)" 2 $AIUPDATE -c "$C" --check
it_grep "  ... naming it and why" "health_check .*noexec.sh.* cannot be run: .*Permission denied"
it_exit "health_check not executable: --apply stops before switching anything" 2 $AIUPDATE -c "$C" --apply
mkconf good "$SD" "no-such-health-check --quick"
it_exit "health_check not on PATH: exit 2" 2 $AIUPDATE -c "$C" --check
it_grep "  ... not found in PATH" "no-such-health-check: not found in PATH"
it_check "  ... state, metadata and links byte for byte as they were" test "$(it_fingerprint "$SD")" = "$fp"
mkconf good "$SD" "$W/health.sh"

# ---- --retry: the field engineer fixed the cause ----
fp=$(it_fingerprint "$SD")
it_exit "--retry of a target that is not tracked" 2 $AIUPDATE -c "$C" --retry models/other.bin
it_check "  ... changes nothing" test "$(it_fingerprint "$SD")" = "$fp"
it_exit "--retry forgets the bad marks of the model" 0 $AIUPDATE -c "$C" --retry models/model.bin
it_grep "  ... and says how many" "^forgot 2 bad versions of models/model.bin$"
it_exit "--retry again: nothing left to forget" 0 $AIUPDATE -c "$C" --retry --json
it_check "  ... JSON says 0 cleared" python3 -c "import json; d=json.load(open('$IT_OUT')); assert d['cleared'] == 0 and d['exit'] == 0"
it_exit "after --retry the failed version is offered again" 100 $AIUPDATE -c "$C" --check
it_grep "  ... as an update" "models/model.bin: update-available"
mkconf good "$SD"
it_exit "... and installs once the health check passes" 0 $AIUPDATE -c "$C" --apply
it_check "v3 active" cmp -s "$W/model-v3.bin" "$SD/targets/models/model.bin/current/model.bin"

# ---- a device image without a loadable libarchive: refused before the download ----
# (LD_LIBRARY_PATH puts a broken libarchive.so.13 first; the i686 run starts
# the client through its loader's --library-path, which overrides it.)
case "$AU_STATIC $AIUPDATE" in
*--library-path*) echo "# skipped under --library-path: the broken-libarchive check" ;;
1\ *) echo "# skipped in the static build (libarchive linked): the broken-libarchive check" ;;
*)
	mkdir -p "$W/badlib" && echo "not a library" > "$W/badlib/libarchive.so.13"
	mkdir -p "$W/bundle/policy" && echo "max_tokens=128" > "$W/bundle/policy/guard.conf"
	tar -C "$W/bundle" -czf "$W/guard-v2.tar.gz" policy
	$AIUREPO add "$R" "$W/guard-v2.tar.gz" --name policy/guard.tar.gz >/dev/null && $AIUREPO publish "$R" >/dev/null
	fp=$(it_fingerprint "$SD")
	: > "$W/https/access.log"
	it_exit "no loadable libarchive: a bundle update is refused (exit 14)" 14 env LD_LIBRARY_PATH="$W/badlib" $AIUPDATE -c "$C" --apply
	it_grep "  ... saying which library" "cannot load libarchive.so.13"
	it_check "  ... before downloading the bundle (nginx log)" sh -c "! grep -q 'guard.tar.gz' '$W/https/access.log'"
	it_check "  ... state, metadata and links byte for byte as they were" test "$(it_fingerprint "$SD")" = "$fp"
	it_exit "  ... and with libarchive back, it installs" 0 $AIUPDATE -c "$C" --apply
	it_check "  ... v2 of the bundle extracted" grep -q max_tokens=128 "$SD/targets/policy/guard.tar.gz/current/policy/guard.conf"
	;;
esac

# ---- a tracked target the repository does not list ----
sed 's#^targets = .*#targets = models/model.bin models/typo.bin#' "$C" > "$W/typo.conf"
it_exit "a tracked target missing from the signed targets is an error" 12 $AIUPDATE -c "$W/typo.conf" --check
it_grep "message names the missing target" "models/typo.bin is not in the signed targets"
it_grep "  ... and the report still lists the targets it looked at" "models/model.bin: (up-to-date|update-available)"
it_exit "--json on a configuration error still prints JSON" 2 $AIUPDATE -c "$W/nope.conf" --check --json
it_check "that JSON parses and carries the exit status" python3 -c "import json; assert json.load(open('$IT_OUT'))['exit'] == 2"

# ---- configuration ----
it_exit "missing config file" 2 $AIUPDATE -c "$W/nope.conf" --check
it_grep "message names the file" "nope.conf"
printf '[discovery]\ndomain = x\ndomian = y\n' > "$W/garbled.conf"
it_exit "garbled config file" 2 $AIUPDATE -c "$W/garbled.conf" --check
it_grep "message names file and line" "garbled.conf:3"
{ cat "$C"; echo "state_dir = $W/elsewhere"; } > "$W/dupkey.conf"
it_exit "a key given twice is a configuration error" 2 $AIUPDATE -c "$W/dupkey.conf" --status
it_grep "  ... naming it" "dupkey.conf:[0-9]+: 'state_dir' is given twice in \[install\]"
sed 's#^resolver = .*#resolver = 127.0.0.1:53#' "$C" > "$W/resolver.conf"
it_exit "a resolver written ADDR:PORT is a configuration error (exit 2), not a DNS failure" 2 $AIUPDATE -c "$W/resolver.conf" --check
it_grep "  ... naming the line and the form" "resolver.conf:[0-9]+: 'resolver' must be ADDR or ADDR@PORT"
# libinih cuts lines at 199 bytes with the newline and reads the rest as a new line
long_names=$(for i in $(seq 1 12); do printf 'models/a-rather-long-model-name-%02d.bin ' "$i"; done)
sed "s#^targets = .*#targets = $long_names#" "$C" > "$W/longline.conf"
it_exit "a config line over 198 bytes is refused" 2 $AIUPDATE -c "$W/longline.conf" --check
it_grep "  ... naming the line and the way out" "longline.conf:[0-9]+: line of [0-9]+ bytes, over the limit of 198 .*several \"targets =\" lines"
# a 199-byte line (the newline makes 200) shifted every later line number
{ printf '[repository]\ntrusted_root = /x\ntargets = %s\n' "$(head -c 189 /dev/zero | tr '\0' x)"; printf '[install]\nbogus = 1\n'; } > "$W/line199.conf"
it_exit "a 199-byte line is refused too" 2 $AIUPDATE -c "$W/line199.conf" --status
it_grep "  ... naming its own line (libinih alone would blame a later one)" "line199.conf:3: line of 199 bytes"
awk '/^targets = / { for (i = 1; i <= 12; i++) print "targets = models/a-rather-long-model-name-" i ".bin"; print "targets = models/model.bin"; next } 1' "$C" > "$W/manylines.conf"
it_exit "targets over several lines add up (13 targets, 12 not published)" 12 $AIUPDATE -c "$W/manylines.conf" --check
it_grep "  ... the first of them is looked up" "models/a-rather-long-model-name-1.bin is not in the signed targets"

# ---- a store entry is verified before it is used again (issue 12, finding 3) ----
h3=$(sha256sum "$W/model-v3.bin" | cut -d' ' -f1)
it_exit "store reuse: --rollback from v3" 0 $AIUPDATE -c "$C" --rollback models/model.bin
it_exit "store reuse: --retry, so v3 is offered again" 0 $AIUPDATE -c "$C" --retry models/model.bin
it_check "store reuse: v3 is still in the store" test -f "$SD/store/$h3/model.bin"
printf 'X' | dd of="$SD/store/$h3/model.bin" bs=1 seek=10 conv=notrunc 2>/dev/null
: > "$W/https/access.log"
it_exit "store reuse: --apply of v3, its store copy corrupted" 0 $AIUPDATE -c "$C" --apply -v
it_grep "  ... says the store copy is bad" "store/$h3 does not hold what was installed there"
it_check "  ... fetches v3 again (nginx log)" grep -q "model.bin" "$W/https/access.log"
it_check "  ... and the signed v3 bytes are installed" cmp -s "$W/model-v3.bin" "$SD/targets/models/model.bin/current/model.bin"


# ---- a bundle that shows two trees is refused at add (issue 12, finding 1) ----
python3 - "$W/two-trees.tar" <<'PY'
import sys
def hdr(name, t, size):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:107] = b"0000644"; h[108:115] = b"0000000"; h[116:123] = b"0000000"
    h[124:135] = b"%011o" % size; h[136:147] = b"00000000000"; h[156] = ord(t)
    h[257:265] = b"ustar\x0000"; h[148:156] = b" " * 8
    h[148:155] = b"%06o\0" % sum(h)
    return bytes(h)
pad = lambda b: b + b"\0" * ((512 - len(b) % 512) % 512)
rec = b"13 size=1024\n"
open(sys.argv[1], "wb").write(hdr(b"PaxHeaders/a", "x", len(rec)) + pad(rec) +
    hdr(b"a.txt", "0", 0) + hdr(b"../evil", "0", 4) + pad(b"evil") + b"\0" * 1024)
PY
it_exit "publisher: a tar whose pax size= hides a ../ header from libarchive is refused" 13 $AIUREPO add "$R" "$W/two-trees.tar" --name policy/two.tar
it_grep "  ... saying the sizes disagree" "pax size=1024 differs from the ustar size 0"

# ---- names no device can install (the one policy, manifest/tuf.h) ----
# The publisher refuses them at add (exit 2) ...
cp "$R/repo.json" "$W/repo.json.names"
long=$(head -c 512 /dev/zero | tr '\0' n)
for n in current models/current models/previous models/eng.tmp x.tmp/model.bin "$long"; do
	it_exit "publisher: target name ${n:0:40} is refused (no device could install it)" 2 $AIUREPO add "$R" "$W/model-v1.bin" --name "$n"
	it_grep "  ... saying why" "target name .*(reserved|\\.tmp|longer than 511 bytes).*no device could install it"
done
it_check "  ... repo.json unchanged" cmp -s "$R/repo.json" "$W/repo.json.names"
# ... and a repository that lists one anyway (signed by hand: targets,
# snapshot and timestamp re-signed with the repository's keys) makes no
# device download it: a device cannot even be configured to track it, so
# the run ends before any DNS query or request (nginx's log stays empty).
cp -a "$R/public" "$W/public-names"
python3 - "$R/public/metadata" targets <<'PY'
import json, sys
d = sys.argv[1]; s = json.load(open(d + "/targets.json"))["signed"]
s["version"] += 1
s["targets"]["models/current"] = s["targets"]["models/model.bin"]
json.dump({"signed": s, "signatures": []}, open(d + "/targets.json", "w"))
PY
$AIUREPO sign-raw "$R" targets "$R/public/metadata/targets.json" >/dev/null
python3 - "$R/public/metadata" snapshot <<'PY'
import json, sys
d = sys.argv[1]; s = json.load(open(d + "/snapshot.json"))["signed"]
s["version"] += 1
s["meta"]["targets.json"]["version"] += 1
json.dump({"signed": s, "signatures": []}, open(d + "/snapshot.json", "w"))
PY
$AIUREPO sign-raw "$R" snapshot "$R/public/metadata/snapshot.json" >/dev/null
python3 - "$R/public/metadata" <<'PY'
import hashlib, json, sys
d = sys.argv[1]; s = json.load(open(d + "/timestamp.json"))["signed"]
b = open(d + "/snapshot.json", "rb").read()
s["version"] += 1
s["meta"]["snapshot.json"] = {"version": s["meta"]["snapshot.json"]["version"] + 1,
    "length": len(b), "hashes": {"sha256": hashlib.sha256(b).hexdigest()}}
json.dump({"signed": s, "signatures": []}, open(d + "/timestamp.json", "w"))
PY
$AIUREPO sign-raw "$R" timestamp "$R/public/metadata/timestamp.json" >/dev/null
tv=$(python3 -c "import json; print(json.load(open('$R/public/metadata/targets.json'))['signed']['version'])")
it_exit "a hand-signed repository listing models/current is valid for the other targets" 0 $AIUPDATE -c "$C" --check -v
it_grep "  ... (its targets v$tv trusted)" "targets +v$tv,"
sed 's#^targets = .*#targets = models/model.bin models/current#' "$C" > "$W/names.conf"
fp=$(it_fingerprint "$SD")
: > "$W/https/access.log"
it_exit "a device told to track models/current refuses (exit 2)" 2 $AIUPDATE -c "$W/names.conf" --apply
it_grep "  ... saying why" "names.conf:[0-9]+: target name \"models/current\" has a component \"current\" or \"previous\" \(reserved .*no device can track or install it"
it_check "  ... without a single request (nginx log empty)" test ! -s "$W/https/access.log"
it_check "  ... state, metadata and links byte for byte as they were" test "$(it_fingerprint "$SD")" = "$fp"
rm -rf "$R/public" && cp -a "$W/public-names" "$R/public"

it_done
