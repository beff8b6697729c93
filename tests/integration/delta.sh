#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/delta.sh - delta updates on the real bed (issue 13):
# NSD + nginx over HTTPS, a small safetensors-shaped model published with
# `aiupdate-repo add --chunked`, devices that install version 1 in full and
# then take later versions as deltas (client/fetch/delta.h).
#   1. a delta installs bit-exact and moves a fraction: nginx's log shows
#      206 answers to Range requests, several on one connection, and the
#      bytes they sent; --json and the event carry the figures.
#   2. a server without ranges (nginx max_ranges 0): a full download, said.
#   3. a modified store file is not trusted as a chunk source: the device
#      still installs the right bytes, fetching the chunks it spoiled.
#   4. a delta killed (-9) mid-way and resumed: the old version stays active,
#      the next run continues (Range requests after the bytes held).
#   5. a tampered chunk on the server (same length): fetched twice, refused,
#      exit 13, nothing installed (the version and state.json unchanged).
#   6. a wrong index signed by the targets key: exit 13, nothing installed.
# And --from DIR with a chunked target whose index the copy lacks.
# Ports 16700-16799.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/testbed/bed.sh

bed_init delta
KPID=""
bed_on_exit '[ -n "$KPID" ] && kill -9 "$KPID"'
bed_port DNS_PORT 16700 16749
bed_port HTTPS_PORT 16750 16769
bed_port NORANGE_PORT $((HTTPS_PORT + 1)) 16789
bed_port SLOW_PORT $((NORANGE_PORT + 1)) 16799
NAME=models/model.bin

# A safetensors-shaped file: u64 little-endian header length, a JSON header
# with data_offsets, then the tensors.  mkmodel OUT SEED CHANGED [EXTRA]:
# 48 tensors of 64-256 KiB from SEED; the tensors listed in CHANGED (comma
# separated indexes) get other bytes; EXTRA bytes of metadata grow the header.
mkmodel() {
	python3 - "$@" <<'EOF'
import json, random, struct, sys
out, seed, changed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
changed = {int(x) for x in changed.split(',') if x}
rnd = random.Random(seed)
sizes = [rnd.randrange(64, 257) * 1024 for _ in range(48)]
hdr, off, blobs = {}, 0, []
for i, n in enumerate(sizes):
    b = random.Random(seed * 1000 + i + (7777 if i in changed else 0)).randbytes(n)
    hdr["layer.%d.weight" % i] = {"dtype": "F16", "shape": [n // 2],
                                  "data_offsets": [off, off + n]}
    off += n
    blobs.append(b)
hdr["__metadata__"] = {"format": "pt", "note": "x" * extra}
h = json.dumps(hdr).encode()
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    for b in blobs:
        f.write(b)
EOF
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

mkmodel "$W/v1.bin" 5 ""
mkmodel "$W/v2.bin" 5 "3,20" 40		# 2 of 48 tensors + a longer header
mkmodel "$W/v3.bin" 5 "3,20,30" 40	# one more tensor changed
mkmodel "$W/v4.bin" 5 "3,20,30,31" 40	# v3's length, tensor 31 changed
SIZE=$(size "$W/v2.bin")
it_check "the model versions: v3 and v4 of one length, ~${SIZE} bytes" \
    test "$(size "$W/v3.bin")" = "$(size "$W/v4.bin")"

R=$W/repo
$AIUREPO init "$R" >/dev/null || bed_fail "aiupdate-repo init"
publish() {	# FILE [add options]
	_f=$1; shift
	$AIUREPO add "$R" "$_f" --name "$NAME" "$@" >/dev/null &&
	    $AIUREPO publish "$R" >/dev/null
}
publish "$W/v1.bin" --chunked || bed_fail "publish v1 --chunked"

export HTTPSBED_LOG_FORMAT='$server_port $connection $status range="$http_range" sent=$body_bytes_sent $request'
bed_zone norange "$NORANGE_PORT"
bed_zone slow "$SLOW_PORT"
bed_up good "$R/public"
mkdir -p "$W/https-norange" "$W/https-slow"
cp "$W/https/ca.pem" "$W/https/ca.key" "$W/https-norange/"
cp "$W/https/ca.pem" "$W/https/ca.key" "$W/https-slow/"
bed_cert repo.norange.aiutest "$W/https-norange"
bed_cert repo.slow.aiutest "$W/https-slow"
HTTPSBED_MAX_RANGES=0 bed_nginx "$W/https-norange" "$NORANGE_PORT" "$R/public" repo.norange.aiutest
HTTPSBED_LIMIT_RATE=24k bed_nginx "$W/https-slow" "$SLOW_PORT" "$R/public" repo.slow.aiutest

conf() {	# ZONE DEVICE
	bed_conf "$W/$2-$1.conf" zone="$1" state="$W/$2" targets="$NAME"
	echo "$W/$2-$1.conf"
}
installed() { echo "$W/$1/targets/$NAME/current/model.bin"; }
CA=$(conf good dev-a)
CB=$(conf norange dev-b)
CM=$(conf good dev-m)
CK=$(conf slow dev-k)
CK_GOOD=$(conf good dev-k)
for c in "$CA" "$CB" "$CM" "$CK_GOOD"; do
	it_exit "v1 installed in full via $(basename "$c" .conf) (no local version)" 0 \
	    $AIUPDATE -c "$c" --apply -v
done
it_grep "... the decision says why no delta" "full download: no local version"
it_check "... v1 bit-exact" test "$(sha "$(installed dev-a)")" = "$(sha "$W/v1.bin")"

# ---- 1. a delta installs bit-exact and moves a fraction ----
publish "$W/v2.bin" --chunked || bed_fail "publish v2 --chunked"
: > "$W/https/access.log"
it_exit "1: v2 as a delta" 0 $AIUPDATE -c "$CA" --apply --json
cp "$IT_OUT" "$W/a-v2.json"
it_check "... bit-exact" test "$(sha "$(installed dev-a)")" = "$(sha "$W/v2.bin")"
jq_n() { python3 -c "import json,sys; t=json.load(open('$1'))['targets'][0]; print($2)"; }
FETCHED=$(jq_n "$W/a-v2.json" "t['delta']['bytes_fetched']")
REUSED=$(jq_n "$W/a-v2.json" "t['delta']['bytes_reused']")
it_check "... --json: delta used, $FETCHED bytes fetched, $REUSED reused of $SIZE" \
    test "$(jq_n "$W/a-v2.json" "t['delta']['used']")" = True
it_check "... a fraction moved: fetched under 30% of the file" \
    test $((FETCHED * 100)) -lt $((SIZE * 30))
it_check "... fetched + reused = the file + the index" \
    test $((FETCHED + REUSED)) -ge "$SIZE"
RANGES=$(grep -c ' 206 range="bytes=[0-9]*-[0-9]*" .*model.bin ' "$W/https/access.log")
RSENT=$(grep ' 206 range="bytes=' "$W/https/access.log" | sed 's/.*sent=\([0-9]*\).*/\1/' | paste -sd+ | bc)
it_check "... nginx: $RANGES Range requests answered 206, $RSENT body bytes" \
    test "$RANGES" -ge 2 -a "$RSENT" -le "$FETCHED"
it_check "... no full GET of the model" \
    sh -c "! grep -q ' 200 range=.* .*model.bin ' '$W/https/access.log'"
CONNS=$(grep ' 206 range=' "$W/https/access.log" | cut -d' ' -f2 | sort -u | wc -l)
it_check "... the ranges shared one connection (keep-alive): $CONNS" test "$CONNS" -eq 1
echo "# delta v1 -> v2: $FETCHED of $SIZE bytes fetched ($((FETCHED * 100 / SIZE))%), $RANGES ranges"

# ---- 2. a server that ignores ranges: a full download ----
: > "$W/https-norange/access.log"
it_exit "2: v2 from a server without ranges" 0 $AIUPDATE -c "$CB" --apply -v --json
it_grep "... the decision: full download, the server ignores ranges" "ignores range requests"
it_grep "... the event says so, with the bytes" "event=installed .*delta=fallback bytes_fetched=[0-9]+ bytes_reused=0"
it_check "... bit-exact" test "$(sha "$(installed dev-b)")" = "$(sha "$W/v2.bin")"
it_check "... nginx sent the file whole (200)" \
    grep -q " 200 range=\"-\" sent=$SIZE .*model.bin " "$W/https-norange/access.log"
it_check "... and of the 200 to the range request, read no further than needed" \
    grep -q " 200 range=\"bytes=[0-9]*-[0-9]*\" .*model.bin " "$W/https-norange/access.log"

# ---- 3. a modified store file is not trusted as a chunk source ----
STORE_FILE=$(readlink -f "$(installed dev-m)")
chmod u+w "$STORE_FILE"
printf 'XXXXXXXXXXXXXXXX' | dd of="$STORE_FILE" bs=1 seek=$((SIZE / 3)) conv=notrunc status=none
it_exit "3: v2 as a delta from a modified store file" 0 $AIUPDATE -c "$CM" --apply --json
cp "$IT_OUT" "$W/m-v2.json"
it_check "... bit-exact all the same" test "$(sha "$(installed dev-m)")" = "$(sha "$W/v2.bin")"
MFETCHED=$(jq_n "$W/m-v2.json" "t['delta']['bytes_fetched']")
it_check "... the spoiled chunk fetched: $MFETCHED > $FETCHED bytes" test "$MFETCHED" -gt "$FETCHED"

# ---- 4. a delta killed mid-way, then resumed ----
V1K=$(readlink "$W/dev-k/targets/$NAME/current")
$AIUPDATE -c "$CK" --apply >"$W/k1.out" 2>&1 &
KPID=$!
for _ in $(seq 100); do
	_p=$(find "$W/dev-k/partial" -name '*.part' -size +100k 2>/dev/null | head -1)
	[ -n "$_p" ] && break
	sleep 0.1
done
kill -9 "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
KPID=""
HELD=$(stat -c %s "$W"/dev-k/partial/*.part 2>/dev/null || echo 0)
it_check "4: killed -9 with $HELD bytes of the new file built" test "$HELD" -gt 0
it_check "... the old version still active" \
    test "$(readlink "$W/dev-k/targets/$NAME/current")" = "$V1K"
: > "$W/https/access.log"
it_exit "... the next run resumes the delta" 0 $AIUPDATE -c "$CK_GOOD" --apply --json
cp "$IT_OUT" "$W/k-v2.json"
it_check "... bit-exact" test "$(sha "$(installed dev-k)")" = "$(sha "$W/v2.bin")"
FIRST=$(grep -o ' 206 range="bytes=[0-9]*' "$W/https/access.log" | head -1 | grep -o '[0-9]*$')
it_check "... its first range starts past byte 0: ${FIRST:-none}" test "${FIRST:-0}" -gt 0
KREUSED=$(jq_n "$W/k-v2.json" "t['delta']['bytes_reused']")
it_check "... it copied less than a whole delta (the bytes held count): $KREUSED < $REUSED" \
    test "$KREUSED" -lt "$REUSED"

# ---- 5. a tampered chunk on the server: refused, exit 13 ----
publish "$W/v3.bin" --chunked || bed_fail "publish v3 --chunked"
SERVED=$(find "$R/public/targets" -name '*model.bin' -newer "$W/v3.bin" | head -1)
[ -n "$SERVED" ] || SERVED=$R/public/targets/$NAME
cp "$SERVED" "$W/served-v3.bin"
T30=$(python3 -c "
import json,struct; b=open('$W/v3.bin','rb').read(); n=struct.unpack('<Q',b[:8])[0]
print(8+n+json.loads(b[8:8+n])['layer.30.weight']['data_offsets'][0]+1000)")
printf '\x00' | dd of="$SERVED" bs=1 seek="$T30" conv=notrunc status=none
cmp -s "$SERVED" "$W/v3.bin" && printf '\x01' | dd of="$SERVED" bs=1 seek="$T30" conv=notrunc status=none
$AIUPDATE -c "$CA" --check >/dev/null 2>&1	# the new metadata, trusted
FP=$(it_fingerprint "$W/dev-a")
it_exit "5: a tampered chunk (same length) fails with 13" 13 $AIUPDATE -c "$CA" --apply -v
it_grep "... fetched once more first" "fetching it again"
it_grep "... then refused" "twice"
it_check "... nothing installed, nothing kept (state byte for byte)" \
    test "$(it_fingerprint "$W/dev-a")" = "$FP"
cp "$W/served-v3.bin" "$SERVED"
it_exit "... the server fixed: v3 installs as a delta" 0 $AIUPDATE -c "$CA" --apply -v
it_grep "... the event (syslog) carries the figures" "event=installed .*delta=used bytes_fetched=[0-9]+ bytes_reused=[0-9]+"
it_check "... bit-exact" test "$(sha "$(installed dev-a)")" = "$(sha "$W/v3.bin")"

# ---- --from DIR: a stick that carries the full file only ----
$AIUREPO export "$R" "$W/usb" >/dev/null || bed_fail "export"
find "$W/usb" -name '*.cidx' -delete
it_exit "--from a copy without the chunk index: v3 installs" 0 \
    $AIUPDATE -c "$CM" --apply --from "$W/usb" -v
it_grep "... in full, the decision said" "full download: the source has no range requests"
it_check "... bit-exact" test "$(sha "$(installed dev-m)")" = "$(sha "$W/v3.bin")"

# ---- [delta] max_share ----
bed_conf "$W/bad-share.conf" state="$W/dev-b" targets="$NAME" "[delta]" "max_share = 101"
it_exit "[delta] max_share over 100: a config error" 2 $AIUPDATE -c "$W/bad-share.conf" --check
it_grep "... naming the key" "max_share"
bed_conf "$W/off.conf" state="$W/dev-b" targets="$NAME" "[delta]" "max_share = 0"
it_exit "[delta] max_share = 0: v3 in full" 0 $AIUPDATE -c "$W/off.conf" --apply -v
it_grep "... deltas are off, it says" "full download: deltas are off"
it_check "... bit-exact" test "$(sha "$(installed dev-b)")" = "$(sha "$W/v3.bin")"

# ---- 6. a wrong index, signed by the targets key ----
# v4 has v3's length; its signed custom names v3's index (the publisher
# never writes that: repo.json is edited by hand, as a compromised or buggy
# publisher could, and published with the targets key).  Every chunk then
# matches the device's v3, and the file they make is not v4: the whole
# file's signed hash refuses it.
python3 -c "
import json; j = json.load(open('$R/repo.json'))
json.dump(j['targets']['$NAME.cidx'], open('$W/v3cidx.json', 'w'))"
$AIUREPO add "$R" "$W/v4.bin" --name "$NAME" --no-chunk >/dev/null || bed_fail "add v4"
python3 -c "
import json, os, shutil
j = json.load(open('$R/repo.json')); e = json.load(open('$W/v3cidx.json'))
j['targets']['models/stale-index.bin'] = e
j['targets']['$NAME']['custom']['chunk_index'] = 'models/stale-index.bin'
json.dump(j, open('$R/repo.json', 'w'))
print(os.path.exists('$R/' + e['file']))" > "$W/staged.out"
if $AIUREPO publish "$R" >"$W/pub4.out" 2>&1; then
	$AIUPDATE -c "$CA" --check >/dev/null 2>&1
	FP=$(it_fingerprint "$W/dev-a")
	it_exit "6: v4 with a wrong signed index fails with 13" 13 $AIUPDATE -c "$CA" --apply -v
	it_grep "... the whole file's signed hash refused it" "sha256 mismatch"
	it_check "... nothing installed (state byte for byte)" \
	    test "$(it_fingerprint "$W/dev-a")" = "$FP"
	it_check "... v3 still active" test "$(sha "$(installed dev-a)")" = "$(sha "$W/v3.bin")"
else
	it_fail "6: publish v4 with a hand-made custom.chunk_index (staged index kept: $(cat "$W/staged.out"); $(head -c 200 "$W/pub4.out"))"
fi
it_done
