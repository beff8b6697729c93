#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/chunked.sh - the publisher side of chunked targets
# (issue 13, repo/chunked.c, docs/chunk-index.md): `aiupdate-repo add
# --chunked` publishes the file's chunk index as its own signed target
# NAME.cidx and names it in the file's signed custom; the index is the one
# an independent implementation (tests/tools/cdc_ref.py) computes; files at
# or above --chunk-above (repo.json "chunk_above", default 64 MiB) are
# chunked unless --no-chunk; an index that does not describe the file
# exactly (--chunk-index FILE) is refused with exit 13 and changes nothing;
# a replaced file replaces or drops its index; export --target carries it.
# No servers needed.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init chunked
REF=tests/tools/cdc_ref.py
sha() { sha256sum "$1" | cut -d' ' -f1; }
# signed FIELD-PATH: a value of the published targets.json's "signed" part
signed() {
	jq -r ".signed.targets$1" "$R/public/metadata/targets.json"
}
head -c 3000000 /dev/urandom > "$W/m1.bin"
R=$W/repo
$AIUREPO init "$R" >/dev/null || bed_fail "init"
T=models/m.bin

# ---- add --chunked ----
it_exit "add --chunked" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunked
it_grep "  ... prints the index target" "^name=$T.cidx version=1 length=[0-9]+ sha256=[0-9a-f]{64}$"
it_grep "  ... and the file" "^name=$T version=1 length=3000000 "
it_exit "publish" 0 $AIUREPO publish "$R"
it_grep "  ... two targets" "published 2 target"
it_check "the file is served as is" cmp -s "$W/m1.bin" "$R/public/targets/$T"
python3 $REF --file "$W/m1.bin" "$W/ref1.cidx" >/dev/null
it_check "the index is the independent implementation's, byte for byte" \
	cmp -s "$W/ref1.cidx" "$R/public/targets/$T.cidx"
it_check "signed custom.chunk_index names it" test "$(signed "[\"$T\"].custom.chunk_index")" = "$T.cidx"
it_check "its length is signed" test "$(signed "[\"$T.cidx\"].length")" = "$(stat -c %s "$W/ref1.cidx")"
it_check "its sha256 is signed" test "$(signed "[\"$T.cidx\"].hashes.sha256")" = "$(sha "$W/ref1.cidx")"
it_check "the index has no chunk_index itself" test "$(signed "[\"$T.cidx\"].custom.chunk_index")" = null
it_check "the index carries the file's version" test "$(signed "[\"$T.cidx\"].custom.version")" = 1
it_exit "status" 0 $AIUREPO status "$R"
it_grep "  ... names the index of the chunked target" "^target $T version=1 length=3000000 chunk_index=$T.cidx$"

# ---- refusals of the options (exit 2), nothing changed ----
cp "$R/repo.json" "$W/repo.before"
ls "$R/staged" > "$W/staged.before"
mkdir -p "$W/b/p" && echo x > "$W/b/p/f" && tar -C "$W/b" -czf "$W/b.tar.gz" p
it_exit "--chunked on a bundle is refused" 2 $AIUREPO add "$R" "$W/b.tar.gz" --name p.tar.gz --chunked
it_grep "  ... saying why" "is a bundle: devices extract it"
it_exit "--chunked with --no-chunk is refused" 2 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunked --no-chunk
it_exit "a target name ending in .cidx is refused" 2 $AIUREPO add "$R" "$W/m1.bin" --name x.cidx
it_grep "  ... as reserved for indexes" "chunk indexes of chunked targets"
it_exit "custom.chunk_index given by hand is refused" 2 $AIUREPO add "$R" "$W/m1.bin" --name $T --custom '{"chunk_index":"x.cidx"}'
it_exit "a malformed --chunk-above is refused" 2 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunk-above 12Q
it_exit "a --chunk-above over 64G is refused" 2 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunk-above 65G
long=models/$(printf 'a%.0s' $(seq 1 245)).bin
it_exit "a name with no room for .cidx is refused under --chunked" 2 $AIUREPO add "$R" "$W/m1.bin" --name "$long" --chunked
it_grep "  ... naming the index" "too long for its chunk index"
it_check "  ... repo.json unchanged" cmp -s "$R/repo.json" "$W/repo.before"

# ---- --chunk-index FILE: published only if it is the file's index ----
fault() {	# DESC FILE PATTERN: refused with exit 13, nothing changed
	it_exit "$1" 13 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunk-index "$2"
	it_grep "  ... saying why" "$3"
	it_check "  ... repo.json unchanged byte for byte" cmp -s "$R/repo.json" "$W/repo.before"
	ls "$R/staged" > "$W/staged.now"
	it_check "  ... nothing left staged" cmp -s "$W/staged.now" "$W/staged.before"
}
python3 -c "
b = bytearray(open('$W/ref1.cidx', 'rb').read())
b[64 + 36 * 3 + 10] ^= 0x55		# one bit pattern of record 3's hash
open('$W/flip.cidx', 'wb').write(b)"
fault "an index with one chunk hash changed is refused" "$W/flip.cidx" \
	"does not describe $T exactly: record 3 differs"
cp "$W/ref1.cidx" "$W/len.cidx"
l0=$(od -An -tu1 -j64 -N4 "$W/ref1.cidx" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
l1=$(od -An -tu1 -j100 -N4 "$W/ref1.cidx" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
# chunks 0 and 1 cut 100 bytes later: the same sum, the same file length
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
be32 $((l0 + 100)) | dd of="$W/len.cidx" bs=1 seek=64 conv=notrunc 2>/dev/null
be32 $((l1 - 100)) | dd of="$W/len.cidx" bs=1 seek=100 conv=notrunc 2>/dev/null
fault "an index with a cut moved (lengths still summing to the file) is refused" "$W/len.cidx" \
	"record (0 differs|1: [0-9]+ bytes, under)"
head -c $(( $(stat -c %s "$W/ref1.cidx") - 36 )) "$W/ref1.cidx" > "$W/short.cidx"
fault "an index with its last record cut off is refused" "$W/short.cidx" "chunk index: [0-9]+ bytes, not 64"
head -c 3000000 /dev/urandom > "$W/other.bin"
python3 $REF --file "$W/other.bin" "$W/other.cidx" >/dev/null
fault "the index of another file of the same length is refused" "$W/other.cidx" "does not describe"
head -c 5000 /dev/urandom > "$W/junk.cidx"
fault "bytes that are no index are refused" "$W/junk.cidx" "bad magic"
it_exit "a new file with another file's index is refused" 13 $AIUREPO add "$R" "$W/other.bin" --name models/other.bin --chunk-index "$W/ref1.cidx"
it_check "  ... repo.json unchanged byte for byte" cmp -s "$R/repo.json" "$W/repo.before"
ls "$R/staged" > "$W/staged.now"
it_check "  ... and the new file is not left staged" cmp -s "$W/staged.now" "$W/staged.before"
it_exit "a bundle devices would refuse leaves nothing staged either" 13 $AIUREPO add "$R" "$W/junk.cidx" --name p/junk.tar.gz
ls "$R/staged" > "$W/staged.now"
it_check "  ... (staged/ unchanged)" cmp -s "$W/staged.now" "$W/staged.before"
it_exit "the file's own index is accepted" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunk-index "$W/ref1.cidx" --custom '{"version":1}'
it_check "  ... and is what is staged" test -f "$R/staged/$(sha "$W/ref1.cidx")"

# ---- a replaced file replaces its index; --no-chunk drops it ----
head -c 2000000 "$W/m1.bin" > "$W/m2.bin" && head -c 777 /dev/urandom >> "$W/m2.bin" &&
	tail -c +2000001 "$W/m1.bin" >> "$W/m2.bin"
$AIUREPO add "$R" "$W/m2.bin" --name $T --chunked >/dev/null && $AIUREPO publish "$R" >/dev/null
python3 $REF --file "$W/m2.bin" "$W/ref2.cidx" >/dev/null
it_check "v2: the index is replaced by v2's" test "$(signed "[\"$T.cidx\"].hashes.sha256")" = "$(sha "$W/ref2.cidx")"
it_check "  ... at version 2" test "$(signed "[\"$T.cidx\"].custom.version")" = 2
it_check "  ... served" cmp -s "$W/ref2.cidx" "$R/public/targets/$T.cidx"
# v1 and v2 share most chunks (777 bytes inserted): the point of it all
shared=$(python3 -c "
import sys
def recs(p):
    b = open(p, 'rb').read()[64:]
    return [b[i:i + 36] for i in range(0, len(b), 36)]
a, b = set(recs('$W/ref1.cidx')), recs('$W/ref2.cidx')
print(sum(r in a for r in b), len(b))")
it_check "  ... v2 shares all but a few chunks with v1 ($shared)" test "${shared% *}" -ge $(( ${shared#* } - 3 ))
it_exit "v3 with --no-chunk" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T --no-chunk
$AIUREPO publish "$R" >/dev/null
it_check "  ... drops the index target" test "$(signed "[\"$T.cidx\"]")" = null
it_check "  ... and custom.chunk_index" test "$(signed "[\"$T\"].custom.chunk_index")" = null
it_check "  ... repo.json holds no index" test "$(jq -r ".targets[\"$T.cidx\"]" "$R/repo.json")" = null

# ---- by size: --chunk-above, repo.json's chunk_above ----
it_exit "a file at --chunk-above is chunked without --chunked" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T --chunk-above 3000000
it_grep "  ... index printed" "^name=$T.cidx "
it_exit "a file under --chunk-above is not" 0 $AIUREPO add "$R" "$W/m2.bin" --name $T --chunk-above 3000778
it_check "  ... and drops the index" test "$(jq -r ".targets[\"$T.cidx\"]" "$R/repo.json")" = null
it_exit "64 MiB is the default: a 3 MB file is not chunked" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T
it_check "  ... (no index)" test "$(jq -r ".targets[\"$T.cidx\"]" "$R/repo.json")" = null
truncate -s 64M "$W/zero64.bin"
it_exit "a file of exactly 64 MiB is chunked by default" 0 $AIUREPO add "$R" "$W/zero64.bin" --name models/zero64.bin
it_grep "  ... 256 chunks of 256 KiB (zeros: only forced cuts)" "^name=models/zero64.bin.cidx version=1 length=$((64 + 36 * 256)) "
truncate -s $((64 * 1048576 - 1)) "$W/zero64.bin"
it_exit "  ... one byte less is not" 0 $AIUREPO add "$R" "$W/zero64.bin" --name models/zero64.bin
it_check "  ... (its index dropped)" test "$(jq -r '.targets["models/zero64.bin.cidx"]' "$R/repo.json")" = null
rm -f "$W/zero64.bin"
jq '.chunk_above = 1048576' "$R/repo.json" > "$W/rj" && cp "$W/rj" "$R/repo.json"
it_exit "repo.json chunk_above 1 MiB: a 3 MB file is chunked" 0 $AIUREPO add "$R" "$W/m2.bin" --name $T
it_grep "  ... index printed" "^name=$T.cidx "
it_exit "  ... unless --no-chunk" 0 $AIUREPO add "$R" "$W/m1.bin" --name $T --no-chunk
it_check "  ... (no index)" test "$(jq -r ".targets[\"$T.cidx\"]" "$R/repo.json")" = null
it_exit "a bundle over chunk_above is not chunked" 0 $AIUREPO add "$R" "$W/b.tar.gz" --name p.tar.gz --chunk-above 1
it_check "  ... (no index)" test "$(jq -r '.targets["p.tar.gz.cidx"]' "$R/repo.json")" = null
jq '.chunk_above = "big"' "$R/repo.json" > "$W/rj" && cp "$W/rj" "$R/repo.json"
it_exit "a malformed repo.json chunk_above is a configuration error" 2 $AIUREPO add "$R" "$W/m2.bin" --name $T
jq '.chunk_above = 0' "$R/repo.json" > "$W/rj" && cp "$W/rj" "$R/repo.json"
head -c 0 /dev/null > "$W/empty.bin"
it_exit "an empty file chunked: an index of its head alone" 0 $AIUREPO add "$R" "$W/empty.bin" --name models/empty.bin --chunked
it_grep "  ... 64 bytes" "^name=models/empty.bin.cidx version=1 length=64 "

# ---- a safetensors-shaped model whose header grew: every offset shifts ----
python3 tests/tools/mkmodel.py --size 16777216 --variant base "$W/st0" 2>/dev/null &&
	python3 tests/tools/mkmodel.py --size 16777216 --variant b "$W/stb" 2>"$W/stb.info"
$AIUREPO add "$R" "$W/st0" --name models/st.safetensors --chunked >/dev/null && cp "$R/staged/$(jq -r '.targets["models/st.safetensors.cidx"].hashes.sha256' "$R/repo.json")" "$W/st0.cidx"
$AIUREPO add "$R" "$W/stb" --name models/st.safetensors --chunked >/dev/null && cp "$R/staged/$(jq -r '.targets["models/st.safetensors.cidx"].hashes.sha256' "$R/repo.json")" "$W/stb.cidx"
kept=$(python3 -c "
def recs(p):
    b = open(p, 'rb').read()[64:]
    return [b[i:i + 36] for i in range(0, len(b), 36)]
a = set(recs('$W/st0.cidx'))
n = [r for r in recs('$W/stb.cidx')]
print(sum(int.from_bytes(r[:4], 'big') for r in n if r in a))")
it_check "a model with a grown header (mkmodel.py b) keeps >= 85% of its bytes as old chunks ($kept of $(stat -c %s "$W/stb"))" \
	test "$kept" -ge $(( $(stat -c %s "$W/stb") * 85 / 100 ))
it_check "  ... and its index is the reference implementation's" sh -c \
	"python3 $REF --file '$W/stb' '$W/stb.ref' >/dev/null && cmp -s '$W/stb.ref' '$W/stb.cidx'"

# ---- export --target carries the index ----
$AIUREPO add "$R" "$W/m2.bin" --name $T --chunked >/dev/null && $AIUREPO publish "$R" >/dev/null
it_exit "export --target of a chunked target" 0 $AIUREPO export "$R" "$W/usb" --target $T
it_grep "  ... copies the file and its index" "and 2 target file"
it_check "  ... the index, byte for byte" cmp -s "$W/ref2.cidx" "$W/usb/targets/$T.cidx"
it_check "  ... the file" cmp -s "$W/m2.bin" "$W/usb/targets/$T"
it_exit "export --target of an unchunked target" 0 $AIUREPO export "$R" "$W/usb2" --target p.tar.gz
it_grep "  ... copies one file" "and 1 target file"
it_done
