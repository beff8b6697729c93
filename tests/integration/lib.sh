# SPDX-License-Identifier: ISC
# tests/integration/lib.sh - assertions for the integration scripts.
# Each script prints "ok - ..." / "not ok - ..." per assertion and ends with
# the line "N passed, N failed" (it_done).  Source it from bash.

IT_PASS=0
IT_FAIL=0
B=${AU_BUILD:-build}
AIUPDATE=${AIUPDATE:-$B/aiupdate}
AIUREPO=${AIUREPO:-$B/aiupdate-repo}
# A static client (make STATIC=1) ignores LD_PRELOAD and its loader writes
# no log: the checks that fake the clock with faketime run the same client
# linked dynamically (AIUPDATE_DYN, $B/tests/aiupdate-dynamic, built beside
# the static one), and the checks of libarchive's dlopen (there is none in
# a static build, which links it) are skipped with a "# skipped" line.
# (tests/cross/run.sh sets AU_STATIC=1 itself for a static cross client.)
AIUPDATE_DYN=${AIUPDATE_DYN:-$AIUPDATE}
AU_STATIC=${AU_STATIC:-0}
if [ "$AIUPDATE" = "$B/aiupdate" ] && [ -x "$B/tests/aiupdate-dynamic" ]; then
	AIUPDATE_DYN=$B/tests/aiupdate-dynamic
	AU_STATIC=1
fi

it_ok() {
	IT_PASS=$((IT_PASS + 1))
	echo "ok - $*"
}

it_fail() {
	IT_FAIL=$((IT_FAIL + 1))
	echo "not ok - $*"
}

# it_check DESC CONDITION-COMMAND...
it_check() {
	_desc=$1; shift
	if "$@"; then it_ok "$_desc"; else it_fail "$_desc"; fi
}

# it_exit DESC EXPECTED CMD... : runs CMD, output to $IT_OUT, asserts status.
IT_OUT=${TMPDIR:-/tmp}/it-out.$$
it_exit() {
	_desc=$1 _want=$2; shift 2
	"$@" >"$IT_OUT" 2>&1
	_got=$?
	if [ "$_got" -eq "$_want" ]; then
		it_ok "$_desc (exit $_got)"
	else
		it_fail "$_desc (exit $_got, want $_want)"
		sed 's/^/    # /' "$IT_OUT" | head -n 30
	fi
}

# it_grep DESC PATTERN : the last it_exit's output matches PATTERN (ERE).
it_grep() {
	if grep -Eq -- "$2" "$IT_OUT"; then
		it_ok "$1"
	else
		it_fail "$1 (no match for /$2/)"
		sed 's/^/    # /' "$IT_OUT" | head -n 30
	fi
}

# A fingerprint of everything a refused run must leave alone: the state
# file, the trusted metadata, the store, and where each current/previous
# link points.  last-run.json, the lock file and the report outbox (every
# run queues its report there: not update state) are excluded on purpose.
it_fingerprint() {
	( cd "$1" 2>/dev/null || exit 0
	  find . \( -name last-run.json -o -name lock -o -path ./outbox \) -prune -o \
	       \( -type f -print \) | LC_ALL=C sort | xargs -r sha256sum
	  find . -type l | LC_ALL=C sort | while read -r l; do
		printf '%s -> %s\n' "$l" "$(readlink "$l")"
	  done ) | sha256sum | cut -d' ' -f1
}

it_done() {
	rm -f "$IT_OUT"
	echo "$IT_PASS passed, $IT_FAIL failed"
	[ "$IT_FAIL" -eq 0 ]
}

# A free TCP port on 127.0.0.1 in [lo, hi]
# Starts at a random place in the range, so that two suites run at the same
# time (two checkouts on one machine) rarely race for the same port.
it_free_port() {
	_n=$(($2 - $1 + 1))
	_o=$((${RANDOM:-$$} % _n))
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		_p=$(($1 + (_o + _i) % _n))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$_p") 2>/dev/null &&
		   ! ss -lnu 2>/dev/null | grep -q "127.0.0.1:$_p "; then
			echo "$_p"; return 0
		fi
		_i=$((_i + 1))
	done
	return 1
}
