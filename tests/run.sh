#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/run.sh - runs every unit test binary and every integration script,
# and the structure checks of tests/check/, sums their "N passed, N failed"
# lines and prints the total last.
# Environment: AU_BUILD (build dir, default build), AU_ONLY=unit|integration,
# TMPDIR (every suite's scratch space, default /tmp).  Each suite's output
# goes to a log folder in TMPDIR, removed at the end unless a suite failed
# (then its path is printed) or AU_KEEP is set.
set -u
B=${AU_BUILD:-build}
ONLY=${AU_ONLY:-}
total_pass=0
total_fail=0
failed_suites=""
log=$(mktemp -d "${TMPDIR:-/tmp}/aiu-tests.XXXXXX") || exit 1
trap '[ -n "${AU_KEEP:-}" ] || rm -rf "$log"' EXIT
trap 'exit 1' INT TERM HUP

run_suite() {	# name, command...
	name=$1; shift
	out="$log/$(echo "$name" | tr '/' '_').log"
	printf '%-40s ' "$name"
	"$@" >"$out" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		p=0; f=1
		echo "no result line (exit $rc)"
	else
		p=$(echo "$line" | sed 's/ passed.*//')
		f=$(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		skip=$(sed -n 's/^# skipped: //p' "$out" | head -n 1)
		if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ -n "$skip" ]; then
			echo "skipped: $skip"
		else
			echo "$line (exit $rc)"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ]; then
		failed_suites="$failed_suites $name"
		sed 's/^/    | /' "$out" | grep -v '^    | ok - ' | tail -n 40
	fi
}

if [ "$ONLY" != integration ]; then
	# Structure checks (include cycles and layers, OS calls only in port/).
	for t in tests/check/*.py; do
		[ "$(basename "$t")" = harness.py ] && continue
		run_suite "check/$(basename "$t" .py)" python3 "$t"
	done
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		run_suite "unit/$(basename "$t")" "$t"
	done
fi
if [ "$ONLY" != unit ]; then
	for t in tests/integration/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		[ -f "$t" ] || continue
		run_suite "integration/$(basename "$t" .sh)" env AU_BUILD="$B" bash "$t"
	done
fi
if [ -n "$failed_suites" ]; then
	trap - EXIT
	echo "failed suites:$failed_suites (logs in $log)"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
