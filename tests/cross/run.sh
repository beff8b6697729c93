#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/cross/run.sh [TRIPLE...] - cross builds for ARM, tested under
# qemu-user-static (run tests/cross/setup.sh first, as root).
#
# For each TRIPLE (default: aarch64-linux-gnu arm-linux-gnueabihf):
#   1. make CROSS=TRIPLE all with -Werror (output in build-TRIPLE/);
#   2. every unit test binary under qemu-ARCH-static;
#   3. with CROSS_E2E=TRIPLE (default aarch64-linux-gnu): the whole
#      end-to-end suite tests/integration/e2e.sh with the ARM client under
#      qemu (AIUPDATE=...), NSD, nginx and the publisher native.
# A triple whose cross compiler is missing fails; triples listed in
# CROSS_OPTIONAL (those whose tests/cross/setup.sh failed) are reported as
# skipped.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- aarch64-linux-gnu arm-linux-gnueabihf
E2E=${CROSS_E2E-aarch64-linux-gnu}
pass=0
fail=0
log=$(mktemp -d /tmp/aiu-cross.XXXXXX)

count() {	# add the last "N passed, N failed" line of file $1; $2 = exit status
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		fail=$((fail + 1)); echo "no result line (exit $2)"; return
	fi
	p=${line%% passed*}
	f=$(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	echo "$line (exit $2)"
	[ "$f" -eq 0 ] || grep -v '^ok - ' "$1" | tail -n 30 | sed 's/^/    | /'
}

qemu_of() {
	case "$1" in
	aarch64-linux-gnu) echo qemu-aarch64-static ;;
	arm-linux-gnueabihf) echo qemu-arm-static ;;
	*) return 1 ;;
	esac
}

for t in "$@"; do
	q=$(qemu_of "$t") || { echo "cross: unknown triple $t"; fail=$((fail + 1)); continue; }
	case " ${CROSS_OPTIONAL:-} " in
	*" $t "*) echo "cross $t: SKIPPED (CROSS_OPTIONAL: its set-up failed)"; continue ;;
	esac
	if ! command -v "$t-gcc" >/dev/null || ! command -v "$q" >/dev/null; then
		echo "cross $t: $t-gcc or $q missing (run tests/cross/setup.sh)"
		fail=$((fail + 1)); continue
	fi
	start=$(date +%s)
	if ! make -j2 CROSS="$t" EXTRA_CFLAGS=-Werror all >"$log/$t-build.log" 2>&1; then
		echo "cross $t: build FAILED"; tail -n 30 "$log/$t-build.log"
		fail=$((fail + 1)); continue
	fi
	echo "cross $t: built in $(( $(date +%s) - start ))s"
	for u in "build-$t"/tests/test_*; do
		[ -x "$u" ] || continue
		printf '%-44s ' "$t/unit/$(basename "$u")"
		"$q" "$u" >"$log/$t-$(basename "$u").log" 2>&1
		count "$log/$t-$(basename "$u").log" $?
	done
	echo "cross $t: unit tests under $q in $(( $(date +%s) - start ))s"
	if [ "$t" = "$E2E" ]; then
		make -j2 all >"$log/native-build.log" 2>&1 ||
			{ echo "native build FAILED"; tail -n 20 "$log/native-build.log"; }
		e2e_start=$(date +%s)
		printf '%-44s ' "$t/integration/e2e (client under qemu)"
		AIUPDATE="$q build-$t/aiupdate" AU_BUILD=build \
			bash tests/integration/e2e.sh >"$log/$t-e2e.log" 2>&1
		count "$log/$t-e2e.log" $?
		echo "cross $t: e2e in $(( $(date +%s) - e2e_start ))s"
	fi
done
[ "$fail" -eq 0 ] && rm -rf "$log" || echo "logs in $log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
