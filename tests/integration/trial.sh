#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/trial.sh - trial installs (--commit, expiry by runs and
# by time, what counts as a run), the signed version floor min_version (by
# hand, after a failed health check, after an expired trial), [install]
# keep, and the config's bundle caps, through the real CLI against NSD
# (DNSSEC) and nginx (TLS).  Three repositories are served side by side
# (paths /t, /f, /k): trials, floors, keep.  Ports 16150-16199.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init trial
bed_port DNS_PORT 16150 16169
bed_port PT 16170 16179
bed_port PF $((PT + 1)) 16189
bed_port PK $((PF + 1)) 16199

# ---- three repositories, one web root ----
mkdir -p "$W/www"
for r in t f k; do
	$AIUREPO init "$W/repo-$r" >/dev/null || { it_fail "init $r"; it_done; exit 1; }
	ln -s "$W/repo-$r/public" "$W/www/$r"
done
# publish REPO VERSION [CUSTOM]: a new random model as the next version
publish() {
	head -c 20000 /dev/urandom > "$W/$1-v$2.bin"
	$AIUREPO add "$W/repo-$1" "$W/$1-v$2.bin" --name models/m.bin \
		${3:+--custom "$3"} >/dev/null &&
	$AIUREPO publish "$W/repo-$1" >/dev/null
}
publish t 1 && publish f 1 && publish k 1
it_check "publisher: three repositories" test -f "$W/repo-k/public/metadata/timestamp.json"

bed_zone t "$PT" good /t
bed_zone f "$PF" good /f
bed_zone k "$PK" good /k
bed_zone down 1 nods /t
bed_dns "$DNS_PORT"
for r in t f k; do bed_cert "repo.$r.aiutest"; done
bed_nginx "$W/https" "$PT" "$W/www" repo.t.aiutest "$PF" repo.f.aiutest "$PK" repo.k.aiutest

# conf NAME ZONE STATE_DIR [INSTALL-LINES]
conf() {
	bed_conf "$W/$1.conf" zone="$2" state="$3" targets=models/m.bin \
		root="$W/repo-$2/public/metadata/1.root.json" "health_timeout = 5" "${4:-}"
}
cur() { readlink "$1/targets/models/m.bin/current"; }
active() { cmp -s "$W/$1.bin" "$2/targets/models/m.bin/current/m.bin"; }
state() {	# state() SD PYTHON-EXPR on the target's state entry t
	python3 -c "import json,sys; t=json.load(open('$1/state.json'))['targets'][0]; sys.exit(0 if ($2) else 1)"
}

# ================= trial mode =================
T=$W/dev-t
conf t t "$T" "confirm = yes
trial_runs = 2
trial_seconds = 86400"
C=$W/t.conf
it_exit "trial: --commit with nothing ever installed" 0 $AIUPDATE -c "$C" --commit
it_grep "trial: says nothing was in trial" "nothing in trial"
it_exit "trial: apply installs v1" 0 $AIUPDATE -c "$C" --apply
it_grep "trial: the report says it is in trial" "in trial until aiupdate --commit"
it_check "trial: v1 active" active t-v1 "$T"
it_check "trial: state.json records the trial, 0 runs" state "$T" "t['trial']['runs'] == 0"
it_exit "trial: status" 0 $AIUPDATE -c "$C" --status
it_grep "trial: status shows the trial and its deadline" "trial +since .*0 runs of 2, until [0-9-]+T"
it_exit "trial: status --json" 0 $AIUPDATE -c "$C" --status --json
it_check "trial: status --json has runs, max_runs, deadline" python3 -c "
import json; t=json.load(open('$IT_OUT'))['targets'][0]['trial']
assert t['runs'] == 0 and t['max_runs'] == 2 and t['deadline'] and not t['expired'], t"

publish t 2
it_exit "trial: --check while in trial: no update offered" 0 $AIUPDATE -c "$C" --check
it_grep "trial: check says v2 waits for the commit" "in-trial.*|version 2 is installed after that"
it_grep "trial: check shows the run count" "0 of 2 runs"
it_check "trial: --check does not count as a run" state "$T" "t['trial']['runs'] == 0"
it_exit "trial: --apply while in trial installs nothing newer" 0 $AIUPDATE -c "$C" --apply
it_check "trial: v1 still active" active t-v1 "$T"
it_check "trial: that --apply counted as run 1" state "$T" "t['trial']['runs'] == 1"

# Runs that fail, are killed or are locked out never count.
conf tdown down "$T" "confirm = yes
trial_runs = 2"
sed -i "s#repo-down/#repo-t/#" "$W/tdown.conf"
it_exit "trial: a run refused at discovery" 10 $AIUPDATE -c "$W/tdown.conf" --apply
it_check "trial: ... does not count" state "$T" "t['trial']['runs'] == 1"
for i in 1 2 3; do $AIUPDATE -c "$C" --status >/dev/null; done
it_check "trial: --status runs do not count" state "$T" "t['trial']['runs'] == 1"
( flock 9; $AIUPDATE -c "$C" --apply > "$W/locked.out" 2>&1; echo $? > "$W/locked.rc" ) 9>"$T/lock"
it_check "trial: a run locked out (exit 75) does not count" \
	sh -c "test \"\$(cat '$W/locked.rc')\" = 75 && python3 -c \"import json,sys; sys.exit(json.load(open('$T/state.json'))['targets'][0]['trial']['runs'] != 1)\""
# A run killed mid-way (SIGKILL as soon as it starts): state is either the
# old one or a completed run's, never a half-count, and the trial survives.
$AIUPDATE -c "$C" --apply >/dev/null 2>&1 & kpid=$!
kill -9 $kpid 2>/dev/null; wait $kpid 2>/dev/null
it_check "trial: a killed run loses nothing: still in trial, v1 active" \
	sh -c "python3 -c \"import json,sys; t=json.load(open('$T/state.json'))['targets'][0]; sys.exit(0 if t['trial']['runs'] in (1, 2) else 1)\" && cmp -s '$W/t-v1.bin' '$T/targets/models/m.bin/current/m.bin'"

it_exit "trial: --commit of a target that is not tracked" 2 $AIUPDATE -c "$C" --commit models/other.bin
it_exit "trial: --commit NAME" 0 $AIUPDATE -c "$C" --commit models/m.bin
it_grep "trial: says what it committed" "committed 1 trial version of models/m.bin"
it_check "trial: state.json has no trial any more" state "$T" "'trial' not in t"
it_exit "trial: --commit again is harmless" 0 $AIUPDATE -c "$C" --commit --json
it_check "trial: --commit --json says 0 committed" python3 -c "
import json; d=json.load(open('$IT_OUT')); assert d['exit'] == 0 and d['committed'] == 0, d"

it_exit "trial: after the commit, v2 installs (in trial)" 0 $AIUPDATE -c "$C" --apply
it_check "trial: v2 active" active t-v2 "$T"
it_exit "trial: run 1" 0 $AIUPDATE -c "$C" --apply
it_exit "trial: run 2" 0 $AIUPDATE -c "$C" --apply
it_check "trial: 2 runs counted" state "$T" "t['trial']['runs'] == 2"
it_exit "trial: --check reports the expired trial" 0 $AIUPDATE -c "$C" --check
it_grep "trial: ... and that the next --apply rolls it back" "expired: the next --apply rolls it back"
it_check "trial: --check changed nothing" active t-v2 "$T"
it_exit "trial: the next --apply rolls back (exit 15)" 15 $AIUPDATE -c "$C" --apply
it_grep "trial: message says why" "trial not committed within 2 runs; version 1 restored"
it_check "trial: v1 active again" active t-v1 "$T"
it_check "trial: v2 recorded as bad, trial gone" state "$T" "t['version'] == 1 and 'trial' not in t and len(t['bad']) == 1"
it_exit "trial: v2 is not installed again" 0 $AIUPDATE -c "$C" --apply
it_check "trial: still v1" active t-v1 "$T"
it_exit "trial: --check names v2 known-bad" 0 $AIUPDATE -c "$C" --check
it_grep "trial: known-bad" "known-bad"

# expiry by time (trial_seconds), no run limit
conf tt t "$T" "confirm = yes
trial_runs = 0
trial_seconds = 2"
publish t 3
it_exit "trial/time: v3 installs in trial" 0 $AIUPDATE -c "$W/tt.conf" --apply
it_check "trial/time: v3 active" active t-v3 "$T"
it_exit "trial/time: a run within the time is fine" 0 $AIUPDATE -c "$W/tt.conf" --apply
sleep 3
it_exit "trial/time: after trial_seconds the next --apply rolls back" 15 $AIUPDATE -c "$W/tt.conf" --apply
it_grep "trial/time: message" "not committed within 2 seconds; version 1 restored"
it_check "trial/time: v1 active" active t-v1 "$T"
publish t 4
it_exit "trial/time: a newer version after a rolled-back trial installs" 0 $AIUPDATE -c "$W/tt.conf" --apply
it_check "trial/time: v4 active" active t-v4 "$T"
it_exit "trial/time: --commit without NAME" 0 $AIUPDATE -c "$W/tt.conf" --commit
it_grep "trial/time: committed" "committed 1 trial version"
sleep 3
it_exit "trial/time: a committed version never expires" 0 $AIUPDATE -c "$W/tt.conf" --apply
it_check "trial/time: v4 still active" active t-v4 "$T"

# a trial on a first install (no previous): expired -> removed
T2=$W/dev-t2
conf t1 t "$T2" "confirm = yes
trial_runs = 1"
it_exit "trial/first: installs v4 in trial" 0 $AIUPDATE -c "$W/t1.conf" --apply
it_exit "trial/first: run 1" 0 $AIUPDATE -c "$W/t1.conf" --apply
it_exit "trial/first: expired with no previous version" 15 $AIUPDATE -c "$W/t1.conf" --apply
it_grep "trial/first: says it was removed" "no previous version to restore: removed"
it_check "trial/first: nothing current" test ! -e "$T2/targets/models/m.bin/current"

# ================= the signed floor (min_version) =================
F=$W/dev-f
conf f f "$F"
it_exit "floor: v1 installs" 0 $AIUPDATE -c "$W/f.conf" --apply
publish f 2 '{"min_version":2}'
it_check "floor: aiupdate-repo add --custom min_version signs it" python3 -c "
import json; d=json.load(open('$W/repo-f/public/metadata/targets.json'))
assert d['signed']['targets']['models/m.bin']['custom']['min_version'] == 2"
it_exit "floor: v2 (min_version 2) installs" 0 $AIUPDATE -c "$W/f.conf" --apply
it_check "floor: state.json keeps the verified floor" state "$F" "t['min_version'] == 2"
it_exit "floor: status shows it" 0 $AIUPDATE -c "$W/f.conf" --status
it_grep "floor: min version line" "min +version 2"
before=$(it_fingerprint "$F")
it_exit "floor: --rollback below min_version is refused (exit 14)" 14 $AIUPDATE -c "$W/f.conf" --rollback models/m.bin
it_grep "floor: clear message" "cannot roll back below min_version 2"
it_check "floor: nothing changed" test "$(it_fingerprint "$F")" = "$before"
it_exit "floor: --rollback of all is refused too" 14 $AIUPDATE -c "$W/f.conf" --rollback
it_grep "floor: says why" "not below its signed min_version"
it_check "floor: still nothing changed" test "$(it_fingerprint "$F")" = "$before"

# health check fails, the previous version is below the new floor: kept
cat > "$W/fail.sh" <<'SH'
#!/bin/sh
echo "model does not load" >&2; exit 3
SH
chmod +x "$W/fail.sh"
publish f 3 '{"min_version":3}'
conf fh f "$F" "health_check = $W/fail.sh"
it_exit "floor/health: v3 fails its health check (exit 15)" 15 $AIUPDATE -c "$W/fh.conf" --apply
it_grep "floor/health: cannot roll back below min_version" "cannot roll back below min_version 3 \(previous is version 2\): version 3 stays installed"
it_check "floor/health: v3 stays active" active f-v3 "$F"
it_check "floor/health: state says v3, floor 3" state "$F" "t['version'] == 3 and t['min_version'] == 3"
conf f f "$F"
it_exit "floor/health: the next run is clean" 0 $AIUPDATE -c "$W/f.conf" --apply
# a failed health check with a previous version at or above the floor still rolls back
publish f 4 '{"min_version":3}'
it_exit "floor/health: v4 fails, v3 is allowed: rolled back" 15 $AIUPDATE -c "$W/fh.conf" --apply
it_grep "floor/health: previous restored" "previous version restored"
it_check "floor/health: v3 active" active f-v3 "$F"

# an expired trial whose previous version is below the floor
publish f 5 '{"min_version":5}'
conf ft f "$F" "confirm = yes
trial_runs = 1"
it_exit "floor/trial: v5 installs in trial" 0 $AIUPDATE -c "$W/ft.conf" --apply
it_exit "floor/trial: run 1" 0 $AIUPDATE -c "$W/ft.conf" --apply
it_exit "floor/trial: expired, but v3 is below min_version 5 (exit 15)" 15 $AIUPDATE -c "$W/ft.conf" --apply
it_grep "floor/trial: says it stays" "cannot roll back below min_version 5 \(previous is version 3\): version 5 stays installed"
it_check "floor/trial: v5 active, trial ended" sh -c "cmp -s '$W/f-v5.bin' '$F/targets/models/m.bin/current/m.bin' && ! grep -q '\"trial\"' '$F/state.json'"
it_exit "floor/trial: the next run is clean" 0 $AIUPDATE -c "$W/ft.conf" --apply
# the publisher may lower the floor again; rollback is then allowed
publish f 6 '{"min_version":0}'
it_exit "floor: v6 lowers the floor to 0" 0 $AIUPDATE -c "$W/f.conf" --apply
it_exit "floor: --rollback to v5 now allowed" 0 $AIUPDATE -c "$W/f.conf" --rollback models/m.bin
it_check "floor: v5 active" active f-v5 "$F"
# malformed min_version: refused as malformed metadata, nothing changed
publish f 7 '{"min_version":"7"}'
before=$(it_fingerprint "$F")
it_exit "floor: a min_version that is not an integer is refused (exit 12)" 12 $AIUPDATE -c "$W/f.conf" --apply
it_grep "floor: names min_version" "min_version"
it_check "floor: nothing changed" test "$(it_fingerprint "$F")" = "$before"

# ================= keep = N =================
stores() { find "$1/store" -mindepth 1 -maxdepth 1 | wc -l; }
K=$W/dev-k
conf k3 k "$K" "keep = 3"
it_exit "keep=3: v1" 0 $AIUPDATE -c "$W/k3.conf" --apply
for v in 2 3 4; do
	publish k $v
	it_exit "keep=3: v$v" 0 $AIUPDATE -c "$W/k3.conf" --apply
done
it_check "keep=3: three versions in the store" test "$(stores "$K")" = 3
it_check "keep=3: state lists v2 as kept" state "$K" "[o['version'] for o in t['older']] == [2]"
it_exit "keep=3: status lists kept versions" 0 $AIUPDATE -c "$W/k3.conf" --status
it_grep "keep=3: kept line" "kept +versions 2"
it_exit "keep=3: --rollback to v3" 0 $AIUPDATE -c "$W/k3.conf" --rollback models/m.bin
it_check "keep=3: v3 active" active k-v3 "$K"
it_exit "keep=3: --rollback again to v2" 0 $AIUPDATE -c "$W/k3.conf" --rollback models/m.bin
it_check "keep=3: v2 active" active k-v2 "$K"
it_check "keep=3: v4 and v3 recorded bad" state "$K" "len(t['bad']) == 2 and t['version'] == 2"
conf k2 k "$K"
it_exit "keep=2 (default): a run collects the rest" 0 $AIUPDATE -c "$W/k2.conf" --apply
it_check "keep=2: at most current and previous in the store" test "$(stores "$K")" -le 2

K1=$W/dev-k1
conf k1 k "$K1" "keep = 1"
publish k 5
it_exit "keep=1: v5" 0 $AIUPDATE -c "$W/k1.conf" --apply
publish k 6
it_exit "keep=1: v6" 0 $AIUPDATE -c "$W/k1.conf" --apply
it_check "keep=1: one version in the store" test "$(stores "$K1")" = 1
it_check "keep=1: no previous link" test ! -L "$K1/targets/models/m.bin/previous"
it_exit "keep=1: --rollback has nothing to go back to (exit 14)" 14 $AIUPDATE -c "$W/k1.conf" --rollback models/m.bin
# keep = 1 with a trial: the previous version stays until committed
conf k1t k "$K1" "keep = 1
confirm = yes"
publish k 7
it_exit "keep=1+trial: v7 in trial" 0 $AIUPDATE -c "$W/k1t.conf" --apply
it_exit "keep=1+trial: a run in trial" 0 $AIUPDATE -c "$W/k1t.conf" --apply
it_check "keep=1+trial: previous kept while in trial" test -L "$K1/targets/models/m.bin/previous"
it_exit "keep=1+trial: commit" 0 $AIUPDATE -c "$W/k1t.conf" --commit
it_exit "keep=1+trial: the next run" 0 $AIUPDATE -c "$W/k1t.conf" --apply
it_check "keep=1+trial: previous gone after the commit" test ! -L "$K1/targets/models/m.bin/previous"

# ================= bundle caps from the config =================
mkdir -p "$W/b/p" && head -c 5000 /dev/urandom > "$W/b/p/big.bin"
tar -C "$W/b" -cf "$W/bundle.tar" p
$AIUREPO add "$W/repo-k" "$W/bundle.tar" --name pol/b.tar >/dev/null && $AIUREPO publish "$W/repo-k" >/dev/null
B1=$W/dev-b
conf bcap k "$B1" "bundle_max_bytes = 4000"
sed -i 's#^targets = .*#targets = pol/b.tar#' "$W/bcap.conf"
it_exit "caps: a bundle over the config's bundle_max_bytes is refused (exit 13)" 13 $AIUPDATE -c "$W/bcap.conf" --apply
it_grep "caps: says budget" "budget|bytes"
sed -i 's#^bundle_max_bytes = .*#bundle_max_bytes = 6000#' "$W/bcap.conf"
it_exit "caps: within the cap it installs" 0 $AIUPDATE -c "$W/bcap.conf" --apply
B2=$W/dev-b2
conf bent k "$B2" "bundle_max_entries = 1"
sed -i 's#^targets = .*#targets = pol/b.tar#' "$W/bent.conf"
it_exit "caps: over bundle_max_entries is refused (exit 13)" 13 $AIUPDATE -c "$W/bent.conf" --apply
# the signed custom wins over the config
$AIUREPO add "$W/repo-k" "$W/bundle.tar" --name pol/b.tar --custom '{"bundle_max_entries":5}' >/dev/null &&
	$AIUREPO publish "$W/repo-k" >/dev/null
it_exit "caps: a signed bundle_max_entries replaces the config's" 0 $AIUPDATE -c "$W/bent.conf" --apply
# ================= power cuts never lose or fail a trial =================
# port/fault.c cuts the power after the N-th durable operation of a run
# (unsynced writes and directory entries are lost); the next normal run
# must then finish the job.  Two runs: the install into trial, and the
# rollback of an expired trial.  STEP > 1 samples every STEP-th cut point.
FAULT=$B/tests/aiupdate-fault
STEP=${AU_POWERCUT_STEP:-1}
case $B in *asan*) STEP=${AU_POWERCUT_STEP:-4} ;; esac
P=$W/dev-p
conf p t "$P" "confirm = yes
trial_runs = 1"
$AIUPDATE -c "$W/p.conf" --apply >/dev/null 2>&1
$AIUPDATE -c "$W/p.conf" --commit >/dev/null 2>&1
publish t 5
cp -a "$P" "$W/base-install"
# cutloop NAME BASE WANT-VERSION WANT-STATE-EXPR RECOVERY-EXITS
cutloop() {
	rm -rf "$W/count" && cp -a "$2" "$W/count"
	sed "s#$W/cut#$W/count#" "$W/pc.conf" > "$W/pcc.conf"
	_n=$(AIUPDATE_FAULT_ROOT=$W/count AIUPDATE_FAULT_COUNT=1 $FAULT -c "$W/pcc.conf" \
	    --apply 2>&1 >/dev/null | sed -n 's/^aiupdate-fault: \([0-9]*\) durable.*/\1/p' | tail -1)
	_bad=0 _cuts=0 _i=1
	while [ -n "$_n" ] && [ "$_i" -le "$_n" ]; do
		rm -rf "$W/cut" && cp -a "$2" "$W/cut"
		AIUPDATE_FAULT_ROOT=$W/cut AIUPDATE_FAULT_CUT=$_i $FAULT -c "$W/pc.conf" --apply >/dev/null 2>&1
		_why=""
		$AIUPDATE -c "$W/pc.conf" --status >"$W/cut.st" 2>&1 || _why="--status after the cut"
		if [ -z "$_why" ]; then
			$AIUPDATE -c "$W/pc.conf" --apply >"$W/cut.rec" 2>&1
			_e=$?
			echo $_e | grep -Eqx "$5" || _why="recovery exit $_e: $(head -3 "$W/cut.rec")"
		fi
		[ -z "$_why" ] && ! cmp -s "$W/t-v$3.bin" "$W/cut/targets/models/m.bin/current/m.bin" &&
			_why="v$3 is not active after recovery"
		[ -z "$_why" ] && ! python3 -c "import json,sys; t=json.load(open('$W/cut/state.json'))['targets'][0]; sys.exit(0 if ($4) else 1)" &&
			_why="state after recovery: $(head -c 600 "$W/cut/state.json")"
		if [ -n "$_why" ]; then
			_bad=$((_bad + 1))
			echo "    # $1: cut after $_i of $_n: $_why"
		fi
		_cuts=$((_cuts + 1))
		_i=$((_i + STEP))
	done
	echo "# $1: $_cuts cut points covered of $_n durable operations"
	it_check "powercut/$1: every cut recovers (${_cuts} cuts)" test -n "$_n" -a "$_cuts" -gt 0 -a "$_bad" -eq 0
}
sed "s#$P#$W/cut#" "$W/p.conf" > "$W/pc.conf"
# the install of v5 into trial: after recovery v5 is in trial (the recovery
# run either installs it or is its first counted run)
cutloop install "$W/base-install" 5 "'trial' in t and t['trial']['runs'] in (0, 1) and t['version'] == 5" "0"
# the rollback of the expired trial: after recovery v4 is back, v5 bad
$AIUPDATE -c "$W/p.conf" --apply >/dev/null 2>&1	# v5 in trial
$AIUPDATE -c "$W/p.conf" --apply >/dev/null 2>&1	# run 1 of 1
cp -a "$P" "$W/base-expired"
cutloop rollback "$W/base-expired" 4 "'trial' not in t and t['version'] == 4 and len(t['bad']) >= 1" "0|15"

sed -i "s#^bundle_max_entries = .*#bundle_max_entries = 0#" "$W/bent.conf"
it_exit "caps: a bad value in the config is a config error" 2 $AIUPDATE -c "$W/bent.conf" --status
it_grep "caps: names file and key" "bent.conf:[0-9]+: 'bundle_max_entries' must be an integer"


# ================= a health check that cannot start has not failed =================
# Issue 11: port/fault.c's AIUPDATE_FAULT_SPAWN=1 makes au_spawn fail as when
# this machine cannot allocate the check's environment.  That is a local
# failure (exit 1), not a failed health check (15): the switch is undone, but
# the new version is not marked bad, and the next run installs it.
H=$W/dev-h
conf h t "$H" "health_check = true"
it_exit "spawn fault: a first install with a health check" 0 $AIUPDATE -c "$W/h.conf" --apply
publish t 6
AIUPDATE_FAULT_SPAWN=1 it_exit "spawn fault: the check cannot start: exit 1, not 15" 1 $FAULT -c "$W/h.conf" --apply
it_grep "spawn fault: says it could not be started, and why" "could not be started.*out of memory"
it_check "spawn fault: v5 is still the active version" active t-v5 "$H"
it_check "spawn fault: no version marked bad, v5 recorded" state "$H" "t['version'] == 5 and not t.get('bad')"
it_exit "spawn fault: the next run installs v6" 0 $AIUPDATE -c "$W/h.conf" --apply
it_check "spawn fault: v6 active after it" active t-v6 "$H"
it_done
