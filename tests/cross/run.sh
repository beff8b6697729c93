#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/cross/run.sh [TRIPLE...] - cross builds tested on this x86_64 host
# (run tests/cross/setup.sh first: compilers, qemu-user-static, sysroots).
#
# For each TRIPLE (default: aarch64-linux-gnu arm-linux-gnueabihf
# i686-linux-gnu; tests/cross/triples.sh):
#   1. make CROSS=TRIPLE CROSS_SYSROOT=SYSROOT all with -Werror (output in
#      build-TRIPLE/);
#   2. every unit test binary, run with the sysroot's loader and libraries:
#      under qemu-ARCH-static -L SYSROOT for ARM, natively for i686
#      (SYSROOT/lib/ld-linux.so.2 --library-path ...);
#   3. the whole end-to-end suite tests/integration/e2e.sh with that client
#      (AIUPDATE=...; NSD, nginx and the publisher native), for every triple
#      in CROSS_E2E (default: all);
#   3b. for every triple in CROSS_STATIC (default aarch64-linux-gnu
#      arm-linux-gnueabihf): make STATIC=1 (one static file, build-TRIPLE-static/)
#      and e2e.sh again with that client under qemu without a sysroot;
#   4. for i686 (CROSS_LARGE, default i686-linux-gnu): tests/integration/large.sh,
#      an artifact over 4 GiB installed and resumed past 2^32 by the 32-bit
#      client.
# Prints the time of each step and each triple; ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/cross/triples.sh
# shellcheck disable=SC2086
[ $# -gt 0 ] || set -- $CROSS_TRIPLES
E2E=${CROSS_E2E-$CROSS_TRIPLES}
LARGE=${CROSS_LARGE-i686-linux-gnu}
STATIC=${CROSS_STATIC-aarch64-linux-gnu arm-linux-gnueabihf}
pass=0
fail=0
log=$(mktemp -d "${TMPDIR:-/tmp}/aiu-cross.XXXXXX")
times=""
t_all=$(date +%s)

count() {	# add the last "N passed, N failed" line of file $1; $2 = exit status
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		fail=$((fail + 1)); echo "no result line (exit $2)"
		tail -n 20 "$1" | sed 's/^/    | /'; return
	fi
	p=${line%% passed*}
	f=$(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	echo "$line (exit $2)"
	[ "$f" -eq 0 ] || grep -v '^ok - ' "$1" | tail -n 30 | sed 's/^/    | /'
}

in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

native_built=0
native_build() {	# the publisher and the test tools run natively
	[ "$native_built" -eq 1 ] && return 0
	native_built=1
	make -j2 all >"$log/native-build.log" 2>&1 ||
		{ echo "native build FAILED"; tail -n 20 "$log/native-build.log"; }
}

for t in "$@"; do
	start=$(date +%s)
	q=$(cross_qemu "$t") && sr=$(cross_sysroot "$t") && run=$(cross_runner "$t") ||
		{ fail=$((fail + 1)); continue; }
	if ! command -v "$t-gcc" >/dev/null || { [ -n "$q" ] && ! command -v "$q" >/dev/null; }; then
		echo "cross $t: $t-gcc${q:+ or $q} missing (run tests/cross/setup.sh)"
		fail=$((fail + 1)); continue
	fi
	if [ ! -f "$sr/.stamp" ]; then
		echo "cross $t: no sysroot in $sr (run tests/cross/setup.sh)"
		fail=$((fail + 1)); continue
	fi
	if ! make -j2 CROSS="$t" CROSS_SYSROOT="$sr" EXTRA_CFLAGS=-Werror all \
	    >"$log/$t-build.log" 2>&1; then
		echo "cross $t: build FAILED"; tail -n 30 "$log/$t-build.log"
		fail=$((fail + 1)); continue
	fi
	echo "cross $t: built in $(( $(date +%s) - start ))s"
	step=$(date +%s)
	for u in "build-$t"/tests/test_*; do
		[ -x "$u" ] || continue
		printf '%-44s ' "$t/unit/$(basename "$u")"
		# shellcheck disable=SC2086
		$run "$u" >"$log/$t-$(basename "$u").log" 2>&1
		count "$log/$t-$(basename "$u").log" $?
	done
	echo "cross $t: unit tests (${q:-native}) in $(( $(date +%s) - step ))s"
	if in_list "$t" "$E2E"; then
		native_build
		step=$(date +%s)
		printf '%-44s ' "$t/integration/e2e (client: ${q:-native})"
		AIUPDATE="$run build-$t/aiupdate" AU_BUILD=build \
			bash tests/integration/e2e.sh >"$log/$t-e2e.log" 2>&1
		count "$log/$t-e2e.log" $?
		echo "cross $t: e2e in $(( $(date +%s) - step ))s"
	fi
	if in_list "$t" "$STATIC"; then
		step=$(date +%s)
		printf '%-44s ' "$t/static build (make STATIC=1)"
		if make -j2 CROSS="$t" CROSS_SYSROOT="$sr" STATIC=1 EXTRA_CFLAGS=-Werror \
		    "build-$t-static/aiupdate" >"$log/$t-static-build.log" 2>&1; then
			echo "ok, $(LC_ALL=C "$t-strip" -o "$log/$t-static.stripped" "build-$t-static/aiupdate" &&
			    stat -c %s "$log/$t-static.stripped") bytes stripped"
			native_build
			printf '%-44s ' "$t/integration/e2e (static client: ${q:-native})"
			# A static client needs no sysroot at run time: qemu without -L.
			AU_STATIC=1 AIUPDATE="${q:+$q }build-$t-static/aiupdate" AU_BUILD=build \
				bash tests/integration/e2e.sh >"$log/$t-e2e-static.log" 2>&1
			count "$log/$t-e2e-static.log" $?
		else
			echo "FAILED"; tail -n 5 "$log/$t-static-build.log" | cut -c1-300
			fail=$((fail + 1))
		fi
		echo "cross $t: static build + e2e in $(( $(date +%s) - step ))s"
	fi
	if in_list "$t" "$LARGE"; then
		native_build
		step=$(date +%s)
		printf '%-44s ' "$t/integration/large (> 4 GiB)"
		AU_LARGE=1 AIUPDATE="$run build-$t/aiupdate" AU_BUILD=build \
			bash tests/integration/large.sh >"$log/$t-large.log" 2>&1
		count "$log/$t-large.log" $?
		echo "cross $t: large in $(( $(date +%s) - step ))s"
	fi
	times="$times $t=$(( $(date +%s) - start ))s"
done
echo "cross times:$times, total $(( $(date +%s) - t_all ))s"
[ "$fail" -eq 0 ] && rm -rf "$log" || echo "logs in $log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
