#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/large.sh - an artifact over 4 GiB (issue 4 "sizes are
# 64-bit everywhere", issue 7 "an artifact over 4 GiB is handled"), meant
# for a 32-bit client: tests/cross/run.sh runs it with the i686 build
# (AIUPDATE="LOADER --library-path ... build-i686-linux-gnu/aiupdate"); the
# publisher, NSD and nginx are native.  It runs only with AU_LARGE=1 (run.sh
# sets it): in `make check` / `make asan` it prints a skip note and
# "0 passed, 0 failed", since it moves about 8 GiB through the client and the
# publisher hashes and copies 8 GiB more (about 4 minutes here).
#
# The artifact is SPARSE: 4 GiB of holes followed by LARGE_TAIL random
# bytes, so that the bytes past 2^32 decide the hash.
#   1. device A: one --apply over HTTPS installs it: exit 0, the signed
#      length (--check) and the bytes reported moved are exactly its size
#      (> 2^32), the installed file has that size and its sha256.
#   2. device B: the download is cut past the 4 GiB mark (a server that
#      throttles after 2^32 + 1 MiB, the client killed -9 once its partial
#      file holds more than 2^32 bytes); the next run against the normal
#      server sends Range: bytes=N- with N > 2^32 (nginx access log), gets a
#      206, moves only the rest and installs the right bytes.
# Disk: about 17 GiB under $TMPDIR (default /tmp) while it runs (the client writes real
# zeros), removed at exit.  Ports 16400-16599.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/testbed/bed.sh
if [ "${AU_LARGE:-}" != 1 ]; then
	echo "# skipped: the > 4 GiB artifact test runs with AU_LARGE=1 (tests/cross/run.sh, for i686)"
	it_done
	exit 0
fi

SPARSE=4294967296			# bytes of holes (2^32)
TAIL=2097152				# random bytes after them
THROTTLE_AFTER=$((SPARSE + 1048576))	# the slow server trickles from here
SIZE=$((SPARSE + TAIL))
bed_init large
APPLY_PID=""
bed_on_exit '[ -n "$APPLY_PID" ] && kill -9 "$APPLY_PID"'
t0=$(date +%s)
elapsed() { echo "# $1 at $(( $(date +%s) - t0 ))s"; }
# OpenSSL's SHA-256 (the CPU's SHA instructions when present): coreutils'
# sha256sum takes 4 times as long over 4 GiB.
sha256() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }

bed_port DNS_PORT 16400 16449
bed_port HTTPS_PORT 16450 16499
bed_port SLOW_PORT $((HTTPS_PORT + 1)) 16549

# ---- the artifact and the repository ----
truncate -s "$SPARSE" "$W/big.bin" && head -c "$TAIL" /dev/urandom >> "$W/big.bin"
SHA=$(sha256 "$W/big.bin")
bed_repo models/big.bin="$W/big.bin"
it_check "publisher: a sparse artifact of $SIZE bytes (2^32 + $((SIZE - 4294967296))) published" \
    test -f "$R/public/metadata/timestamp.json"
rm -rf "$R/staged"	# a copy of the artifact the test does not need
elapsed "published"

# ---- DNS and HTTPS: a normal server, and one that slows down past 2^32 ----
# The access logs name each request's Range.
export HTTPSBED_LOG_FORMAT='$server_port $status range="$http_range" sent=$body_bytes_sent $request'
bed_zone slow "$SLOW_PORT"
bed_up good "$R/public"
mkdir -p "$W/https-slow" && cp "$W/https/ca.pem" "$W/https/ca.key" "$W/https-slow/"
bed_cert repo.slow.aiutest "$W/https-slow"
HTTPSBED_LIMIT_RATE=16k HTTPSBED_LIMIT_RATE_AFTER=$THROTTLE_AFTER \
	bed_nginx "$W/https-slow" "$SLOW_PORT" "$R/public" repo.slow.aiutest

mkconf() {	# DOMAIN-CHILD STATE_DIR
	bed_conf "$W/$1-$(basename "$2").conf" zone="$1" state="$2" targets=models/big.bin
	echo "$W/$1-$(basename "$2").conf"
}
installed() {	# STATE_DIR: the installed file
	echo "$1/targets/models/big.bin/current/big.bin"
}

# ---- 1: one uninterrupted --apply ----
CA=$(mkconf good "$W/dev-a")
it_exit "check: the signed length is $SIZE bytes" 100 $AIUPDATE -c "$CA" --check
it_grep "... printed exactly" "models/big.bin: .*\\($SIZE bytes, sha256 ${SHA:0:16}"
it_exit "apply of the $SIZE-byte artifact" 0 $AIUPDATE -c "$CA" --apply
it_grep "reports $SIZE bytes downloaded" "models/big.bin: installed v1, $SIZE bytes downloaded"
elapsed "device A installed"
F=$(installed "$W/dev-a")
it_check "the installed file holds $SIZE bytes" test "$(stat -c %s "$F" 2>/dev/null)" = "$SIZE"
it_check "... and the right sha256" test "$(sha256 "$F")" = "$SHA"
it_exit "status after the apply" 0 $AIUPDATE -c "$CA" --status
it_grep "status names the installed hash" "$SHA"
it_exit "check after the apply: up to date" 0 $AIUPDATE -c "$CA" --check
it_grep "... with the signed length $SIZE" "\\($SIZE bytes,"
grep -q " 200 range=\"-\" sent=$SIZE GET /targets/" "$W/https/access.log"
it_check "nginx sent the whole body once (200, $SIZE bytes)" test $? -eq 0
rm -rf "$W/dev-a"	# 4 GiB
elapsed "device A checked"

# ---- 2: cut past 2^32, then resumed ----
CS=$(mkconf slow "$W/dev-b")
CB=$(mkconf good "$W/dev-b")
$AIUPDATE -c "$CS" --apply >"$W/cut.out" 2>&1 &
APPLY_PID=$!
part=""
for _i in $(seq 600); do	# up to 5 minutes
	part=$(ls "$W/dev-b/partial/"*.part 2>/dev/null | head -n 1)
	[ -n "$part" ] && [ "$(stat -c %s "$part")" -gt $((SPARSE + 262144)) ] && break
	kill -0 "$APPLY_PID" 2>/dev/null || break
	sleep 0.5
done
kill -9 "$APPLY_PID" 2>/dev/null
wait "$APPLY_PID" 2>/dev/null
APPLY_PID=""
held=$(stat -c %s "${part:-/nonexistent}" 2>/dev/null || echo 0)
elapsed "device B cut with $held bytes held"
it_check "the cut run left a partial file past 2^32 ($held bytes)" test "$held" -gt 4294967296
it_check "... short of the whole artifact" test "$held" -lt "$SIZE"
it_check "nothing installed by the cut run" test ! -e "$(installed "$W/dev-b")"
: > "$W/https/access.log.before"
cp "$W/https/access.log" "$W/https/access.log.before"
it_exit "the next run resumes and installs" 0 $AIUPDATE -c "$CB" --apply
elapsed "device B resumed"
F=$(installed "$W/dev-b")
it_check "the resumed file holds $SIZE bytes" test "$(stat -c %s "$F" 2>/dev/null)" = "$SIZE"
it_check "... and the right sha256" test "$(sha256 "$F")" = "$SHA"
new=$(diff "$W/https/access.log.before" "$W/https/access.log" | sed -n 's/^> //p' | grep ' GET /targets/')
echo "$new" | sed 's/^/# /'
first=$(echo "$new" | sed -n 's/.* 206 range="bytes=\([0-9]*\)-.*/\1/p' | head -n 1)
it_check "the resumed GET asked for a Range starting past 2^32 (bytes=${first:-none}-)" \
    test "${first:-0}" -gt 4294967296
it_check "... at most where the partial file ended" test "${first:-0}" -le "$held"
sent=$(echo "$new" | sed -n 's/.* 206 .* sent=\([0-9]*\) .*/\1/p' | head -n 1)
it_check "... and nginx sent only the rest (${sent:-?} = $SIZE - ${first:-?} bytes)" \
    test "${sent:-x}" = "$((SIZE - ${first:-0}))"
it_grep "the run reports those $((SIZE - ${first:-0})) bytes downloaded" \
    "models/big.bin: installed v1, $((SIZE - ${first:-0})) bytes downloaded"
it_check "no partial file left" test -z "$(ls "$W/dev-b/partial/" 2>/dev/null)"
elapsed "done"
it_done
