#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/kill9.sh - the real-process check: 100 times, a real
# `aiupdate --apply` against the local nginx (throttled with limit_rate so
# the download takes a while) is killed with SIGKILL at a random moment.
# After each kill: exactly the old or the new version is active, its bytes
# match the signed hashes, the trusted metadata is complete, --status works;
# then a completing --apply installs the new version.
# AU_KILL9_ROUNDS=N changes the number of rounds (default 100; 25 under ASan).
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

case $B in *asan*) ROUNDS=${AU_KILL9_ROUNDS:-25} ;; *) ROUNDS=${AU_KILL9_ROUNDS:-100} ;; esac
CHECK="python3 tests/integration/crashcheck.py"
bed_init kill9
bed_port DNS_PORT 15840 15844
bed_port HTTPS_PORT 15845 15849
head -c 30000 /dev/urandom > "$W/model-v1.bin"
head -c 1500000 /dev/urandom > "$W/model-v2.bin"
mkdir -p "$W/b/policy" && echo v1 > "$W/b/policy/guard.conf" &&
	tar -C "$W/b" -czf "$W/guard-v1.tar.gz" policy
echo v2 > "$W/b/policy/guard.conf" && head -c 200000 /dev/urandom > "$W/b/policy/t.bin" &&
	tar -C "$W/b" -czf "$W/guard-v2.tar.gz" policy
bed_repo models/model.bin="$W/model-v1.bin" policy/guard.tar.gz="$W/guard-v1.tar.gz"

HTTPSBED_LIMIT_RATE=3m bed_up good "$R/public"

mkconf() {	# FILE STATE_DIR
	bed_conf "$1" state="$2" targets="models/model.bin policy/guard.tar.gz"
}
T="models/model.bin policy/guard.tar.gz"
mkconf "$W/base.conf" "$W/base" && mkdir -p "$W/base"
it_exit "v1 installed" 0 $AIUPDATE -c "$W/base.conf" --apply
$CHECK record "$W/base" "$W/known.json"
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin >/dev/null &&
$AIUREPO add "$R" "$W/guard-v2.tar.gz" --name policy/guard.tar.gz >/dev/null &&
$AIUREPO publish "$R" >/dev/null
cp -a "$W/base" "$W/final" && mkconf "$W/final.conf" "$W/final"
start=$(date +%s%N)
it_exit "a clean update to v2 (reference)" 0 $AIUPDATE -c "$W/final.conf" --apply
ms=$(( ($(date +%s%N) - start) / 1000000 ))
$CHECK record "$W/final" "$W/known.json"
echo "# a whole --apply takes about $ms ms; kills land in 0..$((ms + 100)) ms"

D=$W/dev
mkconf "$W/dev.conf" "$D"
fails=0 old=0 new=0 partial=0
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	i=$((i + 1))
	rm -rf "$D" && cp -a "$W/base" "$D"
	$AIUPDATE -c "$W/dev.conf" --apply >/dev/null 2>&1 &
	pid=$!
	delay=$(( RANDOM % (ms + 100) ))
	sleep "$(printf '0.%03d' "$delay")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	why=""
	$CHECK check "$D" "$W/known.json" $T >"$W/inv" 2>&1 || why="after the kill: $(head -3 "$W/inv")"
	if [ -z "$why" ]; then
		grep -q "$($CHECK active "$W/final" models/model.bin | cut -c1-12)" "$W/inv" &&
			new=$((new + 1)) || old=$((old + 1))
		ls "$D"/partial/*.part >/dev/null 2>&1 && partial=$((partial + 1))
		$AIUPDATE -c "$W/dev.conf" --status >"$W/st" 2>&1 || why="--status: $(head -3 "$W/st")"
	fi
	if [ -z "$why" ]; then
		$AIUPDATE -c "$W/dev.conf" --apply >"$W/rec" 2>&1 || why="completing --apply: exit $? $(head -3 "$W/rec")"
	fi
	if [ -z "$why" ]; then
		$CHECK check --want "$W/final" "$D" "$W/known.json" $T >"$W/inv" 2>&1 ||
			why="after the completing run: $(head -3 "$W/inv")"
	fi
	if [ -n "$why" ]; then
		fails=$((fails + 1))
		[ "$fails" -le 5 ] && echo "    # round $i (kill after ${delay} ms): $why"
	fi
done
echo "# $ROUNDS kills: $old left the old model active, $new the new one; $partial left a partial download to resume"
if [ "$fails" -eq 0 ]; then
	it_ok "$ROUNDS kill -9 of a real --apply: old or new version intact each time, the next run completes"
else
	it_fail "$fails of $ROUNDS kill -9 rounds broke an invariant"
fi
# ---- a delta update (issue 13, client/fetch/delta.h), killed at random ----
# v3 (4 MB, chunked) installed in full; v4 changes 400 KB of it and comes as
# a delta.  Each round kills the delta run, checks the invariants, and the
# next run completes it (continuing from the bytes held when any).
DROUNDS=$(( ROUNDS / 4 ))
head -c 4000000 /dev/urandom > "$W/model-v3.bin"
cp "$W/model-v3.bin" "$W/model-v4.bin"
head -c 400000 /dev/urandom | dd of="$W/model-v4.bin" bs=1 seek=1500000 conv=notrunc status=none
$AIUREPO add "$R" "$W/model-v3.bin" --name models/model.bin --chunked >/dev/null &&
$AIUREPO publish "$R" >/dev/null
TD=models/model.bin
bed_conf "$W/dbase.conf" state="$W/dbase" targets="$TD"
cp -a "$W/final" "$W/dbase"
it_exit "delta: v3 installed in full" 0 $AIUPDATE -c "$W/dbase.conf" --apply
$CHECK record "$W/dbase" "$W/dknown.json"
$AIUREPO add "$R" "$W/model-v4.bin" --name models/model.bin --chunked >/dev/null &&
$AIUREPO publish "$R" >/dev/null
rm -rf "$W/dfinal" && cp -a "$W/dbase" "$W/dfinal"
bed_conf "$W/dfinal.conf" state="$W/dfinal" targets="$TD"
start=$(date +%s%N)
it_exit "delta: a clean update to v4 (reference)" 0 $AIUPDATE -c "$W/dfinal.conf" --apply -v
it_grep "... made as a delta" "delta: [0-9]* bytes fetched"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
$CHECK record "$W/dfinal" "$W/dknown.json"
bed_conf "$W/ddev.conf" state="$D" targets="$TD"
fails=0 old=0 new=0 partial=0 i=0
while [ "$i" -lt "$DROUNDS" ]; do
	i=$((i + 1))
	rm -rf "$D" && cp -a "$W/dbase" "$D"
	$AIUPDATE -c "$W/ddev.conf" --apply >/dev/null 2>&1 &
	pid=$!
	delay=$(( RANDOM % (ms + 100) ))
	sleep "$(printf '0.%03d' "$delay")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	why=""
	$CHECK check "$D" "$W/dknown.json" $TD >"$W/inv" 2>&1 || why="after the kill: $(head -3 "$W/inv")"
	if [ -z "$why" ]; then
		grep -q "$($CHECK active "$W/dfinal" $TD | cut -c1-12)" "$W/inv" &&
			new=$((new + 1)) || old=$((old + 1))
		ls "$D"/partial/*.part >/dev/null 2>&1 && partial=$((partial + 1))
		$AIUPDATE -c "$W/ddev.conf" --apply >"$W/rec" 2>&1 || why="completing --apply: exit $? $(head -3 "$W/rec")"
	fi
	if [ -z "$why" ]; then
		$CHECK check --want "$W/dfinal" "$D" "$W/dknown.json" $TD >"$W/inv" 2>&1 ||
			why="after the completing run: $(head -3 "$W/inv")"
	fi
	if [ -n "$why" ]; then
		fails=$((fails + 1))
		[ "$fails" -le 5 ] && echo "    # delta round $i (kill after ${delay} ms): $why"
	fi
done
echo "# $DROUNDS kills of a delta: $old left the old model active, $new the new one; $partial left a partial file to continue"
if [ "$fails" -eq 0 ]; then
	it_ok "$DROUNDS kill -9 of a delta --apply: old or new version intact each time, the next run completes"
else
	it_fail "$fails of $DROUNDS kill -9 rounds of a delta broke an invariant"
fi
it_done
