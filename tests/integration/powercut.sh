#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/powercut.sh - the proof that a power cut at any instant
# leaves a working device.  build/tests/aiupdate-fault (aiupdate linked with
# port/fault.c) counts the durable operations of a run and "loses power"
# after the N-th: unsynced writes and directory entries vanish.  For each
# scenario, N goes over every durable operation of the run (and the instant
# after the last), and after each cut:
#   - exactly the old or the new version of every target is active, and its
#     bytes (tree) match what the signed hashes installed;
#   - the trusted metadata files are complete, each at a published version;
#   - state.json is complete; --status works;
#   - recovery (the next --apply) ends as a clean run would, and a following
#     --check finds nothing to do.
# Scenarios: a full update of a raw model and a bundle; a failed health check
# with its rollback; an interrupted download resumed by the next run.
# AU_POWERCUT_STEP=K tests every K-th cut point only (default 1; 5 under ASan).
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

FAULT=${AIUPDATE_FAULT:-$B/tests/aiupdate-fault}
case $B in *asan*) STEP=${AU_POWERCUT_STEP:-5} ;; *) STEP=${AU_POWERCUT_STEP:-1} ;; esac
CHECK="python3 tests/integration/crashcheck.py"
bed_init powercut

[ -x "$FAULT" ] || { it_fail "$FAULT is built"; it_done; exit 1; }
bed_port DNS_PORT 15800 15819
bed_port HTTPS_PORT 15820 15839

mkbundle() {	# VERSION
	rm -rf "$W/b" && mkdir -p "$W/b/policy/rules" &&
	echo "version=$1" > "$W/b/policy/guard.conf" &&
	head -c 20000 /dev/urandom > "$W/b/policy/rules/table.bin" &&
	tar -C "$W/b" -czf "$W/guard-v$1.tar.gz" policy
}
head -c 40000 /dev/urandom > "$W/model-v1.bin"
head -c 40000 /dev/urandom > "$W/model-v2.bin"
head -c 40000 /dev/urandom > "$W/model-v3.bin"
mkbundle 1 && mkbundle 2
bed_repo models/model.bin="$W/model-v1.bin" policy/guard.tar.gz="$W/guard-v1.tar.gz"
cp -a "$R" "$W/repo-v1"

bed_up good "$R/public"

mkconf() {	# FILE STATE_DIR TARGETS [HEALTH]
	bed_conf "$1" state="$2" targets="$3" "health_check = ${4:-}" "health_timeout = 5"
}

TOTAL_CUTS=0
JOBS=${AU_POWERCUT_JOBS:-$(nproc 2>/dev/null || echo 2)}

# one_cut NAME N TOTAL BASE KNOWN TARGETS HEALTH RECOVERY_EXITS: cut a copy
# of BASE after N durable operations, check, recover, check, apply again.
# Writes $W/res-NAME-N with the broken invariant (empty when all held).
one_cut() {
	_d=$W/dev-$1-$2 _o=$W/out-$1-$2 _why=""
	rm -rf "$_d" && cp -a "$4" "$_d" && mkdir -p "$_o"
	mkconf "$_o/conf" "$_d" "$6" "$7"
	AIUPDATE_FAULT_ROOT=$_d AIUPDATE_FAULT_CUT=$2 $FAULT \
	    -c "$_o/conf" --apply >"$_o/cut" 2>&1
	$CHECK check "$_d" "$5" $6 >"$_o/inv" 2>&1 ||
		_why="after the cut: $(head -3 "$_o/inv")"
	if [ -z "$_why" ]; then
		$AIUPDATE -c "$_o/conf" --status >"$_o/st" 2>&1 ||
			_why="--status after the cut: $(head -3 "$_o/st")"
	fi
	if [ -z "$_why" ]; then
		$AIUPDATE -c "$_o/conf" --apply >"$_o/rec" 2>&1
		_e=$?
		echo "$_e" | grep -Eqx "$8" ||
			_why="recovery exit $_e: $(head -4 "$_o/rec")"
	fi
	if [ -z "$_why" ]; then
		$CHECK check --want "$W/final-$1" "$_d" "$5" $6 >"$_o/inv" 2>&1 ||
			_why="after recovery: $(head -3 "$_o/inv")"
	fi
	if [ -z "$_why" ]; then
		$AIUPDATE -c "$_o/conf" --apply >"$_o/again" 2>&1 ||
			_why="a following --apply: exit $? $(head -3 "$_o/again")"
	fi
	if [ -n "$_why" ]; then
		echo "$1: cut after $2 of $3: $_why" | tr '\n' ' ' > "$W/res-$1-$2"
		echo >> "$W/res-$1-$2"
		[ -n "${AU_KEEP:-}" ] || rm -rf "$_d"
	else
		: > "$W/res-$1-$2"
		rm -rf "$_d"
	fi
	rm -rf "$_o"
}

# scenario NAME TARGETS HEALTH RECOVERY_EXITS [MORE_KNOWN]
#   The device before the run is $W/base-NAME, the device after a clean run
#   $W/final-NAME; the repository serves the update.  RECOVERY_EXITS: allowed
#   exits of the recovery --apply ("0" or "0|15").  MORE_KNOWN: a device dir
#   whose versions are complete versions too (the new one, when a clean run
#   ends without it).
scenario() {
	_name=$1 _targets=$2 _health=$3 _rexit=$4
	_base=$W/base-$_name _known=$W/known-$_name.json
	_dev=$W/dev-$_name _conf=$W/$_name.conf _cuts=0
	mkconf "$_conf" "$_dev" "$_targets" "$_health"
	# the versions a cut may leave: old (base) and new (a clean run)
	$CHECK record "$_base" "$_known"
	rm -rf "$_dev" && cp -a "$_base" "$_dev"
	AIUPDATE_FAULT_ROOT=$_dev AIUPDATE_FAULT_COUNT=1 $FAULT -c "$_conf" \
	    --apply >"$W/clean.out" 2>&1
	_cexit=$?
	_total=$(sed -n 's/^aiupdate-fault: \([0-9]*\) durable operations$/\1/p' "$W/clean.out")
	if [ -z "$_total" ] || ! echo "$_cexit" | grep -Eqx "$_rexit"; then
		it_fail "$_name: a run without a cut (exit $_cexit)"
		sed 's/^/    # /' "$W/clean.out" | head -20
		return
	fi
	$CHECK record "$_dev" "$_known"
	[ -n "${5:-}" ] && $CHECK record "$5" "$_known"
	[ -n "${AU_POWERCUT_SKIP:-}" ] && return	# (debugging the rest)
	_n=${AU_POWERCUT_FIRST:-0}
	rm -f "$W"/res-"$_name"-*
	_pids=""
	while [ "$_n" -le "$_total" ]; do
		# at most JOBS cuts at once (the servers run in the background too)
		while [ "$(echo $_pids | wc -w)" -ge "$JOBS" ]; do
			wait -n $_pids
			_live=""
			for _p in $_pids; do
				kill -0 "$_p" 2>/dev/null && _live="$_live $_p"
			done
			_pids=$_live
		done
		one_cut "$_name" "$_n" "$_total" "$_base" "$_known" "$_targets" \
		    "$_health" "$_rexit" &
		_pids="$_pids $!"
		_cuts=$((_cuts + 1))
		[ -n "${AU_POWERCUT_ONE:-}" ] && break
		if [ "$_n" -lt "$_total" ] && [ $((_n + STEP)) -gt "$_total" ]; then
			_n=$_total
		else
			_n=$((_n + STEP))
		fi
	done
	[ -n "$_pids" ] && wait $_pids
	_fails=$(cat "$W"/res-"$_name"-* 2>/dev/null | grep -c .)
	cat "$W"/res-"$_name"-* 2>/dev/null | sort -t' ' -k4n | head -5 | sed 's/^/    # /'
	TOTAL_CUTS=$((TOTAL_CUTS + _cuts))
	echo "# $_name: $_cuts cut points covered of $((_total + 1)) ($_total durable operations)"
	if [ "$_fails" -eq 0 ]; then
		it_ok "$_name: every one of $_cuts power cuts leaves the old or new version, recovery completes"
	else
		it_fail "$_name: $_fails of $_cuts power cuts broke an invariant"
	fi
}

# ---- base device: v1 of the model and the bundle installed ----
BOTH="models/model.bin policy/guard.tar.gz"
mkconf "$W/setup.conf" "$W/base-update" "$BOTH"
mkdir -p "$W/base-update"
it_exit "v1 installed on the base device" 0 $AIUPDATE -c "$W/setup.conf" --apply
cp -a "$W/base-update" "$W/base-health"

# ---- 1: full update of a raw model and a bundle (v1 -> v2) ----
$AIUREPO add "$R" "$W/model-v2.bin" --name models/model.bin >/dev/null &&
$AIUREPO add "$R" "$W/guard-v2.tar.gz" --name policy/guard.tar.gz >/dev/null &&
$AIUREPO publish "$R" >/dev/null
cp -a "$W/base-update" "$W/final-update"
mkconf "$W/final.conf" "$W/final-update" "$BOTH"
it_exit "a clean update to v2 (reference)" 0 $AIUPDATE -c "$W/final.conf" --apply
scenario update "$BOTH" "" "0"

# ---- 2: failed health check, then rollback (v2 -> v3 refused) ----
$AIUREPO add "$R" "$W/model-v3.bin" --name models/model.bin >/dev/null &&
$AIUREPO publish "$R" >/dev/null
cat > "$W/health.sh" <<'SH'
#!/bin/sh
[ "$AIUPDATE_VERSION" = 3 ] && { echo "model v3 is broken" >&2; exit 3; }
exit 0
SH
chmod +x "$W/health.sh"
rm -rf "$W/base-health" && cp -a "$W/final-update" "$W/base-health"
cp -a "$W/base-health" "$W/final-health"
mkconf "$W/final.conf" "$W/final-health" "models/model.bin" "$W/health.sh"
it_exit "a clean run: v3 fails its health check, v2 restored (reference)" 15 \
	$AIUPDATE -c "$W/final.conf" --apply
cp -a "$W/base-health" "$W/v3-health"
mkconf "$W/v3.conf" "$W/v3-health" "models/model.bin"
it_exit "v3 without a health check (to know its bytes)" 0 $AIUPDATE -c "$W/v3.conf" --apply
scenario health "models/model.bin" "$W/health.sh" "0|15" "$W/v3-health"

# ---- 3: an interrupted download, resumed by the next run ----
# A 2.5 MiB model: its partial file is fsynced every MiB (AU_STAGE_SYNC_BYTES),
# so a cut late in the download leaves durable bytes for a Range request.
head -c 2600000 /dev/urandom > "$W/model-v4.bin"
$AIUREPO add "$R" "$W/model-v4.bin" --name models/model.bin >/dev/null &&
$AIUREPO publish "$R" >/dev/null
rm -rf "$W/base-resume" && cp -a "$W/final-update" "$W/base-resume"
cp -a "$W/base-resume" "$W/final-resume"
mkconf "$W/final.conf" "$W/final-resume" "models/model.bin"
it_exit "a clean update to the 2.5 MiB v4 (reference)" 0 $AIUPDATE -c "$W/final.conf" --apply
: > "$W/https/access.log"
scenario resume "models/model.bin" "" "0"
n206=$(grep -c ' 206 GET /targets/models/' "$W/https/access.log")
echo "# resume: $n206 recoveries continued a partial download with a 206"
it_check "recovery runs resumed partial downloads (Range + If-Range, 206)" test "$n206" -gt 0

# The file changed on the server (new ETag): If-Range fails, the whole body
# comes with a 200, the partial bytes are dropped, the install completes.
# The latest cut (from 2/3 of the run's operations down) that leaves a
# partial file neither empty nor complete: where the download phase sits
# among the run's operations depends on the write size (64 KiB pieces from
# client/fetch/pipeline.h).
mkconf "$W/resume.conf" "$W/dev-resume" "models/model.bin"
_cut=$((${_total:-160} * 2 / 3)) part=""
while [ "$_cut" -gt 0 ]; do
	rm -rf "$W/dev-resume" && cp -a "$W/base-resume" "$W/dev-resume"
	AIUPDATE_FAULT_ROOT=$W/dev-resume AIUPDATE_FAULT_CUT=$_cut $FAULT \
		-c "$W/resume.conf" --apply >/dev/null 2>&1
	part=$(ls "$W/dev-resume/partial/"*.part 2>/dev/null | head -1)
	[ -n "$part" ] && [ -s "$part" ] && [ "$(stat -c %s "$part")" -lt 2600000 ] && break
	part="" _cut=$((_cut - 3))
done
it_check "a cut late in the download leaves a partial file (cut $_cut)" test -n "$part" -a -s "${part:-/nonexistent}"
touch -d '2001-01-01' "$R/public/targets/models/"*model.bin
: > "$W/https/access.log"
it_exit "the server's file changed: the next run starts over and installs" 0 \
	$AIUPDATE -c "$W/resume.conf" --apply
it_check "... with a full 200 response, no 206" \
	sh -c "grep -q ' 200 GET /targets/models/' '$W/https/access.log' && ! grep -q ' 206 GET' '$W/https/access.log'"
it_check "... and the right bytes" cmp -s "$W/model-v4.bin" "$W/dev-resume/targets/models/model.bin/current/model.bin"

# ---- disk full, the lock, a damaged state file ----
E=$W/enospc
# Write 1 is the partial download's validator; the 2.5 MiB model follows in
# 10 writes of 256 KiB (client/fetch/pipeline.h): 11 is its last, partial piece,
# written while the pipeline finishes.
for nth in 1 2 5 11; do
	rm -rf "$E" && cp -a "$W/base-resume" "$E"
	mkconf "$W/enospc.conf" "$E" "models/model.bin"
	before=$(it_fingerprint "$E")
	AIUPDATE_FAULT_ROOT=$E AIUPDATE_FAULT_ENOSPC=$nth it_exit \
		"ENOSPC at the write number $nth: exit 17" 17 $FAULT -c "$W/enospc.conf" --apply
	it_check "ENOSPC at write $nth: staging and partial download removed" \
		test -z "$(ls -A "$E/tmp" "$E/partial" 2>&1 | grep -v ':$' | grep .)"
	it_check "ENOSPC at write $nth: installed version, metadata, state unchanged" \
		test "$(it_fingerprint "$E")" = "$before"
done

# A bundle whose signed custom.bundle_max_bytes is below its content: refused
# while extracting (exit 13), nothing switched.
mkdir -p "$W/big/policy" && head -c 50000 /dev/urandom > "$W/big/policy/big.bin" &&
	tar -C "$W/big" -czf "$W/guard-big.tar.gz" policy
it_exit "the publisher refuses it (exit 13)" 13 $AIUREPO add "$R" "$W/guard-big.tar.gz" --name policy/guard.tar.gz \
	--custom '{"bundle_max_bytes": 10000}'
it_grep "  ... at the byte budget devices will apply" "devices would refuse this bundle: .*byte budget"
$AIUREPO add "$R" "$W/guard-big.tar.gz" --name policy/guard.tar.gz --unsafe-allow-invalid \
	--custom '{"bundle_max_bytes": 10000}' >/dev/null 2>&1 && $AIUREPO publish "$R" >/dev/null
E=$W/budget
rm -rf "$E" && cp -a "$W/final-update" "$E"
mkconf "$W/budget.conf" "$E" "policy/guard.tar.gz"
before=$(it_fingerprint "$E")
it_exit "a bundle over its signed custom.bundle_max_bytes" 13 $AIUPDATE -c "$W/budget.conf" --apply
it_grep "... refused at the byte budget" "byte budget"
it_check "... installed bundle, metadata and state unchanged" test "$(it_fingerprint "$E")" = "$before"

L=$W/locked
rm -rf "$L" && cp -a "$W/final-update" "$L"
mkconf "$W/locked.conf" "$L" "$BOTH"
flock "$L/lock" sleep 10 &
holder=$!
sleep 0.3
t0=$(date +%s%N)
it_exit "a second run while the lock is held" 75 $AIUPDATE -c "$W/locked.conf" --apply
it_grep "... says who holds it" "held by another aiupdate run"
it_check "... and exits at once (under 2 s)" test $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

for damage in empty truncated garbled; do
	rm -rf "$L" && cp -a "$W/final-update" "$L"
	case $damage in
	empty) : > "$L/state.json" ;;
	truncated) head -c 60 "$W/final-update/state.json" > "$L/state.json" ;;
	garbled) head -c 300 /dev/urandom > "$L/state.json" ;;
	esac
	cp "$L/state.json" "$W/state-damaged"
	it_exit "$damage state.json: --status refuses" 1 $AIUPDATE -c "$W/locked.conf" --status
	it_grep "$damage state.json: --status says it is corrupt" "state file .*state.json is corrupt"
	it_exit "$damage state.json: --apply refuses" 1 $AIUPDATE -c "$W/locked.conf" --apply
	it_grep "$damage state.json: --apply says it is corrupt" "state file .*state.json is corrupt"
	it_check "$damage state.json: left as it was, never silently reset" cmp -s "$L/state.json" "$W/state-damaged"
done

# ---- a delta update (issue 13, client/fetch/delta.h) ----
# v5 (chunked) installed in full, then v6: 40 KB of its 600 KB changed,
# built from local chunks and two Range requests.  Every cut point of that
# run: the old or the new version active, recovery completes (continuing
# from the bytes the partial file made durable).
head -c 600000 /dev/urandom > "$W/model-v5.bin"
cp "$W/model-v5.bin" "$W/model-v6.bin"
head -c 40000 /dev/urandom | dd of="$W/model-v6.bin" bs=1 seek=300000 conv=notrunc status=none
$AIUREPO add "$R" "$W/model-v5.bin" --name models/model.bin --chunked >/dev/null &&
$AIUREPO publish "$R" >/dev/null
rm -rf "$W/base-delta" && cp -a "$W/final-update" "$W/base-delta"
mkconf "$W/setup.conf" "$W/base-delta" "models/model.bin"
it_exit "delta: v5 installed (chunked, in full)" 0 $AIUPDATE -c "$W/setup.conf" --apply
$AIUREPO add "$R" "$W/model-v6.bin" --name models/model.bin --chunked >/dev/null &&
$AIUREPO publish "$R" >/dev/null
cp -a "$W/base-delta" "$W/final-delta"
mkconf "$W/final.conf" "$W/final-delta" "models/model.bin"
it_exit "delta: a clean update to v6 (reference)" 0 $AIUPDATE -c "$W/final.conf" --apply -v
it_grep "... made as a delta" "delta: [0-9]* bytes fetched"
scenario delta "models/model.bin" "" "0"

# ---- a power cut while a status report is queued (issue 14) ----
# An offline run (--from) only queues its report in STATE_DIR/outbox/; a cut
# at any durable operation of it leaves the outbox with every earlier report
# intact and the new one whole or absent, never a torn entry, and the next
# run queues after it with a higher counter.
O=$W/report-base
rm -rf "$O" && cp -a "$W/final-update" "$O"
$AIUREPO export "$R" "$W/usb-report" >/dev/null
rconf() {	# FILE STATE_DIR
	bed_conf "$1" state="$2" targets="models/model.bin" "[report]" "endpoint = good.aiutest"
}
rconf "$W/report.conf" "$O"
for i in 1 2; do
	$AIUPDATE -c "$W/report.conf" --check --from "$W/usb-report" >/dev/null 2>&1
done
# outbox_check DIR: every entry parses; prints the counters, sorted
outbox_check() {
	python3 - "$1/outbox" <<'PY'
import os, re, sys
d, cs = sys.argv[1], []
for n in sorted(os.listdir(d)):
    if not n.endswith(".report"):
        continue
    b = open(os.path.join(d, n), "rb").read()
    m = re.match(rb"aiupdate-outbox 1 [0-9a-f]{32} ([0-9]+)\n", b)
    if not m or int(m.group(1)) != len(b) - m.end():
        print("torn entry", n); sys.exit(1)
    cs.append(int(n[:20]))
print(" ".join(map(str, cs)))
PY
}
before=$(outbox_check "$O")
it_check "report: two reports queued on the base device ($before)" test "$before" = "1 2"
rm -rf "$W/dev-r" && cp -a "$O" "$W/dev-r"
rconf "$W/report-r.conf" "$W/dev-r"
AIUPDATE_FAULT_ROOT=$W/dev-r AIUPDATE_FAULT_COUNT=1 $FAULT -c "$W/report-r.conf" \
	--check --from "$W/usb-report" >"$W/clean.out" 2>&1
rtotal=$(sed -n 's/^aiupdate-fault: \([0-9]*\) durable operations$/\1/p' "$W/clean.out")
it_check "report: a clean queueing run counted its durable operations (${rtotal:-none})" test -n "$rtotal"
rbad=0
for n in $(seq 0 "${rtotal:-0}"); do
	rm -rf "$W/dev-r" && cp -a "$O" "$W/dev-r"
	AIUPDATE_FAULT_ROOT=$W/dev-r AIUPDATE_FAULT_CUT=$n $FAULT -c "$W/report-r.conf" \
		--check --from "$W/usb-report" >/dev/null 2>&1
	got=$(outbox_check "$W/dev-r") || { echo "# cut $n: $got"; rbad=$((rbad + 1)); continue; }
	case $got in
	"1 2"|"1 2 3") ;;
	*) echo "# cut $n: outbox holds $got"; rbad=$((rbad + 1)); continue ;;
	esac
	$AIUPDATE -c "$W/report-r.conf" --check --from "$W/usb-report" --json >"$W/rec.out" 2>&1
	after=$(outbox_check "$W/dev-r")
	last=${after##* }
	if ! python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; sys.exit(not(r['state']=='queued'))" "$W/rec.out" ||
	    [ "$after" != "$got $last" ] || [ "$last" -le "${got##* }" ]; then
		echo "# cut $n: the next run queued wrongly: $got -> $after"
		rbad=$((rbad + 1))
	fi
done
it_check "report: every one of $((${rtotal:-0} + 1)) cuts leaves the outbox whole, with or without the new report; the next run queues after it" test "$rbad" -eq 0

echo "# power cuts covered in total: $TOTAL_CUTS"
it_done
