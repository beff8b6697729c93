#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/fuzz/run.sh BIN... - run each libFuzzer target for FUZZ_SECONDS
# (default 60) on a scratch copy of its seed corpus; print one line per
# target with executions per second; exit non-zero on any crash, leak or
# sanitizer report.
set -u
secs=${FUZZ_SECONDS:-60}
fail=0
for bin in "$@"; do
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work=$(mktemp -d "${TMPDIR:-/tmp}/aiu-fuzz.XXXXXX")
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	log=$work.log
	if "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=65536 \
	    "$work" >"$log" 2>&1; then
		execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
		echo "fuzz $name: ok, ${execs:-?} runs in ${secs}s ($(( ${execs:-0} / secs )) exec/s)"
	else
		echo "fuzz $name: FAILED"; tail -n 40 "$log"; fail=1
	fi
	rm -rf "$work" "$log"
done
[ "$fail" -eq 0 ]
