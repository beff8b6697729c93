#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/run.sh - `make bench` (issue 7): aiupdate measured side by side with
# the physical limit and the usual alternatives, in one run, on real local
# NSD + nginx (tests/testbed).  Prints ratios (the machine is shared and
# noisy: no absolute figure is a result) and the command lines to
# reproduce each figure.  Not part of `make check`.
#
# Environment: AU_BUILD (default build), BENCH_MIB (the big model, 1024),
# BENCH_SMALL_MIB (16), BENCH_RUNS (3; medians are reported),
# BENCH_SHARDS (20), BENCH_SHARD_MIB (8), BENCH_DIR (scratch parent,
# default /var/tmp: disk-backed, like a device's state directory),
# AU_KEEP=1 keeps the scratch directory, BENCH_PORT_BASE (15950: NSD on
# the first free port of BASE..BASE+19, nginx of BASE+20..BASE+49),
# BENCH_QUICK=1 measures items 1 and 2 only (for work on the pipeline);
# BENCH_ONLY=ingest measures item 7 only (the collector's ingest rate,
# bench/ingest; BENCH_INGEST_N reports per run, default 3000).
# Needs: /usr/bin/time (Debian time), strace, curl, sha256sum; optional rauc
# and swupdate (bench/setup.sh installs them) for the footprint comparison.
set -u
cd "$(dirname "$0")/.."
. tests/testbed/bed.sh
B=${AU_BUILD:-build}
MIB=${BENCH_MIB:-1024}
SMALL_MIB=${BENCH_SMALL_MIB:-16}
RUNS=${BENCH_RUNS:-3}
SHARDS=${BENCH_SHARDS:-20}
SHARD_MIB=${BENCH_SHARD_MIB:-8}
TIME=/usr/bin/time

bed_init bench "${BENCH_DIR:-/var/tmp}"
die() { echo "bench: $*" >&2; exit 1; }

# ---- item 7: the collector's ingest rate (aiupdate-fleet, bench/ingest) ----
# verified = parse + Ed25519 verify + replay checks + store (WAL,
# synchronous=FULL, one transaction per report), as serve does; the
# baseline is the same parse and store without the signature check, in the
# same run; verifications alone are printed beside.
ingest_bench() {
	for _i in $(seq "$RUNS"); do
		"$B/bench/ingest" "$W" "${BENCH_INGEST_N:-3000}" || return 1
	done > "$W/ingest.out"
	_f() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$W/ingest.out" | median; }
	ig_v=$(_f verified_per_s) ig_s=$(_f stored_per_s) ig_e=$(_f verify_per_s)
	ingest_row="| 7 | collector: verified reports/s into SQLite (WAL, FULL sync, 1 transaction each) vs the same stores unverified | $ig_v | $ig_s | $(ratio "$ig_v" "$ig_s") | >= 0.8 |"
	ingest_note="7: ${BENCH_INGEST_N:-3000} reports of 10 devices per run, median of $RUNS; Ed25519 verifications alone: $ig_e/s (bench/ingest DIR N)"
}
if [ "${BENCH_ONLY:-}" = ingest ]; then
	median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "-", a/b}'; }
	B=${AU_BUILD:-build}
	[ -x "$B/bench/ingest" ] || die "build first: make $B/bench/ingest"
	ingest_bench || die "bench/ingest failed"
	echo "== aiupdate bench item 7, $(date -u +%Y-%m-%dT%H:%MZ) =="
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1); scratch on $(df -P "$W" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$W"))"
	echo "| # | figure | aiupdate | reference | ratio | goal |"
	echo "|---|---|---|---|---|---|"
	echo "$ingest_row"
	echo "$ingest_note"
	exit 0
fi
# Private copies: a rebuild of $B during the run must not change what is measured.
mkdir -p "$W/bin/bench" && cp "$B/aiupdate" "$B/aiupdate-repo" "$B/bench/tlsget" "$B/bench/metascale" "$W/bin/" &&
	cp "$B/bench/ingest" "$W/bin/bench/" ||
	die "build first: make all $B/bench/tlsget $B/bench/metascale $B/bench/ingest"
# make STATIC=1's client (AU_BUILD_STATIC, default build-static) is measured
# beside the dynamic one when it is there (make bench builds it).
BS=${AU_BUILD_STATIC:-build-static}
AIUS=
if [ -x "$BS/aiupdate" ]; then
	cp "$BS/aiupdate" "$W/bin/aiupdate-static" && AIUS=$W/bin/aiupdate-static
fi
SRC_B=$B
B=$W/bin
for t in "$TIME" strace curl sha256sum python3; do
	command -v "$t" >/dev/null || die "$t missing (sh bench/setup.sh)"
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "-", a/b}'; }
mbs() { awk -v mib="$1" -v s="$2" 'BEGIN {printf "%.0f", mib*1048576/1e6/s}'; }
# timed OUTFILE CMD... : wall user sys maxrss_kib appended to OUTFILE
timed() {
	_o=$1; shift
	"$TIME" -f '%e %U %S %M' -o "$_o.t" "$@" >"$_o.out" 2>&1 ||
		{ echo "bench: failed: $*" >&2; sed 's/^/  | /' "$_o.out" | tail -n 20 >&2; return 1; }
	cat "$_o.t" >> "$_o"
}
col() { awk -v c="$2" '{print $c}' "$1" | median; }	# median of column c
cpu() { awk '{print $2 + $3}' "$1" | median; }

# ---- the repository ----
echo "bench: setting up in $W (models of $MIB and $SMALL_MIB MiB, $SHARDS shards of $SHARD_MIB MiB)"
R=$W/repo
$B/aiupdate-repo init "$R" >/dev/null || die "aiupdate-repo init"
head -c "${MIB}M" /dev/urandom > "$W/big.bin"
head -c "${SMALL_MIB}M" /dev/urandom > "$W/small.bin"
$B/aiupdate-repo add "$R" "$W/big.bin" --name models/big.bin >/dev/null &&
$B/aiupdate-repo add "$R" "$W/small.bin" --name models/small.bin >/dev/null || die "add"
shard_names=""
[ -n "${BENCH_QUICK:-}" ] && SHARDS=0
for i in $(seq 0 $((SHARDS - 1)) | xargs printf "%02d\n"); do
	head -c "${SHARD_MIB}M" /dev/urandom > "$W/shard-$i.bin"
	$B/aiupdate-repo add "$R" "$W/shard-$i.bin" --name "models/llm/shard-$i.bin" >/dev/null || die "add shard"
	shard_names="$shard_names models/llm/shard-$i.bin"
done
$B/aiupdate-repo publish "$R" >/dev/null || die "publish"
rm -f "$W"/shard-*.bin "$W/small.bin"

PB=${BENCH_PORT_BASE:-15950}
bed_port DNS_PORT "$PB" $((PB + 19))
bed_port HTTPS_PORT $((PB + 20)) $((PB + 49))
HOST=repo.bench.aiutest
bed_up bench "$R/public"
CA=$W/https/ca.pem
URL=https://$HOST:$HTTPS_PORT
mkconf() {	# NAME STATE_DIR TARGETS...
	_n=$1 _s=$2; shift 2
	bed_conf "$W/$_n.conf" zone=bench state="$_s" targets="$*"
}
mkconf big "$W/dev-big" models/big.bin
mkconf small "$W/dev-small" models/small.bin
# shellcheck disable=SC2086
mkconf shards "$W/dev-shards" $shard_names
AIU=$B/aiupdate
TLSGET=$B/tlsget
CURL="curl -sS --cacert $CA --resolve $HOST:$HTTPS_PORT:127.0.0.1"

# nginx's own CPU seconds (user + system of its workers, /proc/PID/stat):
# the server shares the 2 cores with the client in 1a, so each run's
# figure says how much of the machine was left to the client.
NGINX_PID=$(cat "$W/https/nginx.pid" 2>/dev/null)
CLK_TCK=$(getconf CLK_TCK)
nginx_cpu() {
	for _p in $(pgrep -P "$NGINX_PID" 2>/dev/null); do awk '{print $14 + $15}' "/proc/$_p/stat"; done |
		awk -v t="$CLK_TCK" '{s += $1} END {printf "%.2f\n", s / t}'
}
# nginxed OUTFILE CMD...: as timed, and nginx's CPU s of the run to OUTFILE.nginx
nginxed() {
	_n0=$(nginx_cpu)
	timed "$@" || return 1
	awk -v a="$_n0" -v b="$(nginx_cpu)" 'BEGIN {printf "%.2f\n", b - a}' >> "$1.nginx"
}

# ---- 1 + 2: install throughput and peak memory ----
echo "bench: 1+2 install throughput and memory, $RUNS runs each, interleaved"
for r in $(seq "$RUNS"); do
	rm -rf "$W/dev-big" "$W/dev-small" "$W/curl.bin"; sync
	nginxed "$W/apply-big" $AIU -c "$W/big.conf" --apply || die "apply big"
	cmp -s "$W/big.bin" "$W/dev-big/targets/models/big.bin/current/big.bin" || die "big model not installed"
	nginxed "$W/tlsget-big" $TLSGET "$CA" "$HOST" 127.0.0.1 "$HTTPS_PORT" /targets/models/big.bin || die "tlsget"
	rm -f "$W/curl.bin"; sync
	timed "$W/curl-big" sh -c "$CURL -o $W/curl.bin $URL/targets/models/big.bin && sha256sum $W/curl.bin >/dev/null && sync" || die "curl"
	timed "$W/apply-small" $AIU -c "$W/small.conf" --apply || die "apply small"
	if [ -n "$AIUS" ]; then
		rm -rf "$W/dev-big" "$W/dev-small"; sync
		timed "$W/apply-big-static" $AIUS -c "$W/big.conf" --apply || die "apply big (static)"
		cmp -s "$W/big.bin" "$W/dev-big/targets/models/big.bin/current/big.bin" || die "big model not installed (static)"
		timed "$W/apply-small-static" $AIUS -c "$W/small.conf" --apply || die "apply small (static)"
	fi
done
suite=$(sed -n 's/.*suite=//p' "$W/tlsget-big.out")
a_w=$(col "$W/apply-big" 1); t_w=$(col "$W/tlsget-big" 1); c_w=$(col "$W/curl-big" 1)
a_rss=$(col "$W/apply-big" 4); s_rss=$(col "$W/apply-small" 4)
# CPU seconds per GiB that the install spends beyond the bare TLS GET
# (decryption is common to both: the rest is hashing, writing, the page
# cache and the pipeline): (aiupdate CPU - tlsget CPU) / GiB.
per_gib() { awk -v a="$1" -v b="$2" -v mib="$MIB" 'BEGIN {printf "%.2f", (a - b) * 1024 / mib}'; }
a_cpu=$(cpu "$W/apply-big"); t_cpu=$(cpu "$W/tlsget-big")
a_extra=$(per_gib "$a_cpu" "$t_cpu")
# 1a's ceiling on 2 cores: nginx's CPU in each run, and the run's whole CPU
# demand (client + nginx) over the cores, beside the bare GET's wall time.
n_a=$(median < "$W/apply-big.nginx"); n_t=$(median < "$W/tlsget-big.nginx")
ncores=$(nproc)
demand() { awk -v a="$1" -v n="$2" -v c="$ncores" 'BEGIN {printf "%.2f", (a + n) / c}'; }
# Pinned: nginx on the last core, the client on the others (1 core on a
# 2-core machine: the client's two threads share it), one run each.
pin_line=""
if command -v taskset >/dev/null && [ "$ncores" -ge 2 ]; then
	last=$((ncores - 1)) rest="0-$((ncores - 2))"
	for _p in $NGINX_PID $(pgrep -P "$NGINX_PID"); do taskset -p -c "$last" "$_p" >/dev/null; done
	rm -rf "$W/dev-big"; sync
	nginxed "$W/apply-pin" taskset -c "$rest" $AIU -c "$W/big.conf" --apply || die "apply pinned"
	nginxed "$W/tlsget-pin" taskset -c "$rest" $TLSGET "$CA" "$HOST" 127.0.0.1 "$HTTPS_PORT" /targets/models/big.bin || die "tlsget pinned"
	for _p in $NGINX_PID $(pgrep -P "$NGINX_PID"); do taskset -p -c "0-$last" "$_p" >/dev/null; done
	pin_line="   pinned (nginx on core $last, client on $rest): aiupdate $(col "$W/apply-pin" 1) s (CPU $(cpu "$W/apply-pin")), tlsget $(col "$W/tlsget-pin" 1) s (CPU $(cpu "$W/tlsget-pin")): ratio $(ratio "$(col "$W/apply-pin" 1)" "$(col "$W/tlsget-pin" 1)")"
fi
nginx_line="1a nginx CPU s per run: $n_a (apply), $n_t (tlsget); CPU demand per core (client + nginx) / $ncores: apply $(demand "$a_cpu" "$n_a") s, tlsget $(demand "$t_cpu" "$n_t") s, vs the bare GET's wall $t_w s: 1a <= 1.15 needs the apply's demand per core under $(awk -v t="$t_w" 'BEGIN {printf "%.2f", 1.15 * t}') s
$pin_line"
if [ -n "$AIUS" ]; then
	as_w=$(col "$W/apply-big-static" 1); as_rss=$(col "$W/apply-big-static" 4)
	ss_rss=$(col "$W/apply-small-static" 4); as_cpu=$(cpu "$W/apply-big-static")
	as_extra=$(per_gib "$as_cpu" "$t_cpu")
fi
if [ -n "${BENCH_QUICK:-}" ]; then
	cat <<QUICK

== aiupdate bench (quick: items 1 and 2), $(date -u +%Y-%m-%dT%H:%MZ), medians of $RUNS runs, suite $suite ==
1a install ${MIB} MiB: $a_w s ($(mbs "$MIB" "$a_w") MB/s) vs bare mbedTLS GET $t_w s ($(mbs "$MIB" "$t_w") MB/s): ratio $(ratio "$a_w" "$t_w") (goal <= 1.15)
   CPU s (user+sys): aiupdate $(cpu "$W/apply-big"), tlsget $(cpu "$W/tlsget-big")
$nginx_line
1b vs curl -o + sha256sum + sync $c_w s: ratio $(ratio "$a_w" "$c_w") (goal <= 0.80)
2  peak RSS KiB: $a_rss (${MIB} MiB) vs $s_rss (${SMALL_MIB} MiB), diff $((a_rss - s_rss)) (goal <= 6144, diff <= 1024)
QUICK
	exit 0
fi

# ---- 3: --check when nothing changed ----
# One sample = LOOP runs in a row (GNU time counts in 10 ms steps, a run
# takes ~20 ms); the figures are per run.
LOOP=20
echo "bench: 3 --check cost (nothing changed), $((RUNS * 3)) samples of $LOOP runs each"
for r in $(seq $((RUNS * 3))); do
	timed "$W/check" sh -c "for i in \$(seq $LOOP); do $AIU -c '$W/small.conf' --check || exit 1; done" || die "check"
	timed "$W/tlsget-ts" sh -c "for i in \$(seq $LOOP); do $TLSGET '$CA' '$HOST' 127.0.0.1 '$HTTPS_PORT' /metadata/timestamp.json || exit 1; done" || die "tlsget ts"
	[ -z "$AIUS" ] || timed "$W/check-static" sh -c "for i in \$(seq $LOOP); do $AIUS -c '$W/small.conf' --check || exit 1; done" || die "check (static)"
done
per_run() { awk -v n="$LOOP" '{printf "%.4f", $1 / n}'; }
k_w=$(col "$W/check" 1 | per_run); k_c=$(cpu "$W/check" | per_run)
g_w=$(col "$W/tlsget-ts" 1 | per_run); g_c=$(cpu "$W/tlsget-ts" | per_run)
if [ -n "$AIUS" ]; then
	ks_w=$(col "$W/check-static" 1 | per_run); ks_c=$(cpu "$W/check-static" | per_run)
fi
n0=$(wc -l < "$W/https/access.log")
strace -f -qq -yy -o "$W/check.strace" -e trace=read,write,readv,writev,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg \
	$AIU -c "$W/small.conf" --check >/dev/null 2>&1
check_reqs=$(tail -n +$((n0 + 1)) "$W/https/access.log" | awk '{print $5}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
# bytes through sockets: results of I/O calls on TCP/UDP descriptors
sock_bytes() {	# FILE PROTO-REGEX
	grep -E "^[0-9]+ +[a-z]+\([0-9]+<($2)" "$1" | sed -n 's/.*) *= *\([0-9][0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}'
}
k_tcp=$(sock_bytes "$W/check.strace" 'TCP|TCPv6')
k_udp=$(sock_bytes "$W/check.strace" 'UDP|UDPv6')
g_bytes=$(sed -n 's/.*wire_in=\([0-9]*\) wire_out=\([0-9]*\).*/\1 \2/p' "$W/tlsget-ts.out" | tail -n 1 | awk '{print $1+$2}')

# ---- 4: metadata scale ----
echo "bench: 4 metadata scale"
ms_line() {	# NTARGETS NDELEG [all]
	rm -rf "$W/meta"
	_name=$(AU_BUILD=$B python3 bench/gen_meta.py "$R" "$W/meta" "$1" "$2") || return 1
	_roles=""
	[ "${3:-}" = all ] && _roles=$(seq 0 $(($2 - 1)) | sed 's/^/deleg-/')
	# shellcheck disable=SC2086
	$B/metascale "$W/meta" "$_name" $_roles
}
declare -A MS
for spec in "1000 0" "10000 0" "1000 100 all" "10000 100 all" "10000 100"; do
	MS[$spec]=$(ms_line $spec | sed 's/metascale: //') || MS[$spec]="failed"
done
t10k_bytes=$(rm -rf "$W/meta"; AU_BUILD=$B python3 bench/gen_meta.py "$R" "$W/meta" 10000 0 >/dev/null && stat -c %s "$W/meta/targets.json")

# ---- 5: footprint ----
echo "bench: 5 footprint"
closure() {	# BINARY: bytes of every shared library it loads (ldd, resolved)
	ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' |
		xargs -r readlink -f | sort -u | xargs -r stat -L -c %s | awk '{s+=$1; n++} END {printf "%d %d", s, n}'
}
strip -o "$W/aiupdate.stripped" "$AIU"
a_size=$(stat -c %s "$W/aiupdate.stripped")
read -r a_cl a_n <<< "$(closure "$AIU")"
foot_other=""
for p in rauc swupdate; do
	pb=$(command -v "$p" || true)
	if [ -n "$pb" ]; then
		read -r o_cl o_n <<< "$(closure "$pb")"
		foot_other="$foot_other$(printf '| %-10s | %9s | %12s | %4s |' "$p" "$(stat -L -c %s "$pb")" "$o_cl" "$o_n")
"
	else
		foot_other="$foot_other| $p | not installed (sh bench/setup.sh) | | |
"
	fi
done
# What each direct dependency brings along (bytes only it needs).
lib_exclusive() {	# SONAME-PATTERN
	_all=$(ldd "$AIU" | awk '/=> \// {print $3}' | xargs readlink -f | sort -u)
	_lib=$(ldd "$AIU" | awk -v p="$1" '$1 ~ p && /=> \// {print $3}')
	_its=$( { readlink -f "$_lib"; ldd "$_lib" | awk '/=> \// {print $3}' | xargs readlink -f; } | sort -u)
	_others=$(for l in $(ldd "$AIU" | awk '/=> \// {print $1 " " $3}' | awk -v p="$1" '$1 !~ p {print $2}'); do
		case "$(ldd "$AIU" | awk -v l="$l" '$3 == l {print $1}')" in
		libunbound*|libmbed*|libsodium*|libarchive*|libjansson*|libinih*|libc.so*) readlink -f "$l"
			ldd "$l" | awk '/=> \// {print $3}' | xargs -r readlink -f ;;
		esac; done | sort -u)
	comm -23 <(echo "$_its") <(echo "$_others") | xargs -r stat -c '%s %n' |
		awk '{s+=$1; sub(".*/", "", $2); sub("\\.so.*", "", $2); names=names " " $2} END {printf "%d bytes:%s", s, names}'
}
# libarchive is not linked (client/install/libarchive_dl.h): loaded at the first
# bundle.  What it adds then: itself and its libraries not already loaded.
ldd_set() {	# LIB [self]: the files LIB loads (and LIB itself with "self")
	{ [ -n "${2:-}" ] && readlink -f "$1"
	  ldd "$1" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | xargs -r readlink -f; } | sort -u
}
la_lib=$(readlink -f "/usr/lib/$(gcc -print-multiarch)/libarchive.so.13")
arc_only=$(comm -23 <(ldd_set "$la_lib" self) <(ldd_set "$AIU") | xargs -r stat -c '%s %n' |
	awk '{s+=$1; n++; sub(".*/", "", $2); sub("\\.so.*", "", $2); names=names " " $2} END {printf "%d bytes in %d libraries:%s", s, n, names}')
arc_bytes=${arc_only%% bytes*}
ub_only=$(lib_exclusive '^libunbound')

# ---- 6: 20 shards, one changed ----
echo "bench: 6 unchanged content ($SHARDS shards, one changed)"
$AIU -c "$W/shards.conf" --apply >/dev/null 2>&1 || die "shards apply"
head -c "${SHARD_MIB}M" /dev/urandom > "$W/shard-new.bin"
CH=$(printf %02d $((SHARDS / 2)))
$B/aiupdate-repo add "$R" "$W/shard-new.bin" --name "models/llm/shard-$CH.bin" >/dev/null &&
	$B/aiupdate-repo publish "$R" >/dev/null || die "republish"
n0=$(wc -l < "$W/https/access.log")
$AIU -c "$W/shards.conf" --apply >/dev/null 2>&1 || die "shards update"
cmp -s "$W/shard-new.bin" "$W/dev-shards/targets/models/llm/shard-$CH.bin/current/shard-$CH.bin" || die "shard not updated"
body_bytes() {	# sum of the file sizes of the 200 answers in the log lines on stdin
	awk '$3 == 200 {print $5}' | while read -r p; do stat -c %s "$R/public${p%%\?*}"; done | awk '{s+=$1} END {print s+0}'
}
sh_bytes=$(tail -n +$((n0 + 1)) "$W/https/access.log" | body_bytes)
sh_art=$(tail -n +$((n0 + 1)) "$W/https/access.log" | grep ' /targets/' | body_bytes)
sh_reqs=$(tail -n +$((n0 + 1)) "$W/https/access.log" | awk '{print $5}' | tr '\n' ' ')
shard_bytes=$((SHARD_MIB * 1048576))

ingest_bench || die "bench/ingest failed"

# ---- the report ----
cpu_model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$cpu_model" ] || cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
# Which SHA-256 the client's Nettle (a "fat" build) picked on this CPU.
sha_impl=$(NETTLE_FAT_VERBOSE=1 $AIU --version 2>&1 | sed -n 's/^libnettle: using \(sha[_a-z0-9]*\) instructions.*/\1/p' | head -n 1)
sha_cpu=$(grep -m1 -owE 'sha_ni|sha2' /proc/cpuinfo | head -n 1)
if [ -n "$sha_impl" ]; then sha_use="Nettle with $sha_impl instructions"; else sha_use="portable C (no SHA instructions used)"; fi
sha_line="CPU SHA extensions: ${sha_cpu:-none}; the client's SHA-256: $sha_use"
static_rows=
if [ -n "$AIUS" ]; then
	strip -o "$W/aiupdate-static.stripped" "$AIUS"
	as_size=$(stat -c %s "$W/aiupdate-static.stripped")
	static_rows="| 1a-s | static: install ${MIB} MiB, wall s vs bare mbedTLS GET | $as_w ($(mbs "$MIB" "$as_w")) | $t_w | $(ratio "$as_w" "$t_w") | <= 1.15 |
| 1c-s | static: CPU s per GiB beyond tlsget's (aiupdate - tlsget) | $as_extra | $t_cpu (tlsget CPU s) | $(ratio "$as_cpu" "$t_cpu") | < 1.2 s/GiB |
| 2-s | static: peak RSS KiB, ${MIB} MiB apply vs ${SMALL_MIB} MiB apply | $as_rss | $ss_rss | diff $((as_rss - ss_rss)) KiB | <= 3072 KiB |
| 3a-s | static: --check nothing changed, wall s vs tlsget | $ks_w | $g_w | $(ratio "$ks_w" "$g_w") | <= 1.3 |
| 3b-s | static: --check nothing changed, CPU s | $ks_c | $g_c | $(ratio "$ks_c" "$g_c") | <= 1.3 |
| 5-s | static: stripped size, bytes (one file, bundles included) | $as_size | 4194304 | $(ratio "$as_size" 4194304) | <= 4 MiB |"
fi
cat <<REPORT

== aiupdate bench, $(date -u +%Y-%m-%dT%H:%MZ) ==
machine: $(nproc) cores, $cpu_model; $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; $(. /etc/os-release; echo "$PRETTY_NAME"); scratch on $(df -P "$W" | awk 'NR==2 {print $1}') ($(stat -f -c %T "$W"))
medians of $RUNS runs (item 3: $((RUNS * 3)) samples of $LOOP runs, per run); TLS cipher suite negotiated: $suite
$sha_line

| # | figure | aiupdate | reference | ratio | goal |
|---|---|---|---|---|---|
| 1a | install ${MIB} MiB, wall s (MB/s) vs bare mbedTLS GET to /dev/null | $a_w ($(mbs "$MIB" "$a_w")) | $t_w ($(mbs "$MIB" "$t_w")) | $(ratio "$a_w" "$t_w") | <= 1.15 |
| 1b | install ${MIB} MiB, wall s vs curl -o + sha256sum + sync | $a_w | $c_w ($(mbs "$MIB" "$c_w")) | $(ratio "$a_w" "$c_w") | <= 0.80 |
| 1c | install ${MIB} MiB, CPU s per GiB beyond tlsget's (aiupdate - tlsget) | $a_extra | $t_cpu (tlsget CPU s) | $(ratio "$a_cpu" "$t_cpu") | < 1.2 s/GiB |
| 2 | peak RSS KiB, ${MIB} MiB apply vs ${SMALL_MIB} MiB apply | $a_rss | $s_rss | diff $((a_rss - s_rss)) KiB | <= 6144 KiB, diff <= 1024 |
| 3a | --check nothing changed, wall s vs tlsget timestamp.json | $k_w | $g_w | $(ratio "$k_w" "$g_w") | <= 1.5 |
| 3b | --check nothing changed, CPU s (user+sys) | $k_c | $g_c | $(ratio "$k_c" "$g_c") | <= 1.5 |
| 3c | --check bytes through sockets: TCP / UDP (DNS) | $k_tcp / $k_udp | $g_bytes (TCP) | $(ratio "$k_tcp" "$g_bytes") | - |
| 4 | targets role, verify ms / lookup us / RSS KiB | see below | | | linear |
| 5 | stripped size of aiupdate, bytes | $a_size | 256000 | $(ratio "$a_size" 256000) | < 250 KiB |
| 6 | ${SHARDS}-shard model, one shard changed: artifact bytes fetched | $sh_art | one shard $shard_bytes | $(ratio "$sh_art" "$shard_bytes") | ~1 |
$ingest_row
${static_rows}

$nginx_line
3: requests of one --check: $check_reqs
6: all bytes fetched incl. metadata $sh_bytes; requests: $sh_reqs
$ingest_note

4 metadata scale (bench/metascale: verify = read + verify root, timestamp, snapshot, targets [+ every delegated role]; lookup of the last target):
  1k targets, top-level:               ${MS[1000 0]}
  10k targets, top-level:              ${MS[10000 0]}   (targets.json $t10k_bytes bytes)
  1k targets in 100 delegations, all:  ${MS[1000 100 all]}
  10k targets in 100 delegations, all: ${MS[10000 100 all]}
  10k in 100 delegations, lazy (only the covering role loaded, as the client does): ${MS[10000 100]}

5 footprint (shared-library closure = every library ldd resolves, bytes of the files):
| binary | size B | closure B | libs |
|---|---|---|---|
$(printf '| %-10s | %9s | %12s | %4s |' "aiupdate" "$a_size (stripped; $(stat -c %s "$AIU") unstripped)" "$a_cl" "$a_n")
$(printf '| %-10s | %9s | %12s | %4s |' "aiupdate with a bundle" "(libarchive loaded)" "$((a_cl + arc_bytes))" "")
${foot_other}  libarchive, loaded at the first bundle, adds: $arc_only
  only libunbound needs: $ub_only

Reproduce (servers as set up above; $W with AU_KEEP=1):
  1  /usr/bin/time -v $SRC_B/aiupdate -c big.conf --apply            (fresh state_dir each run)
     $TLSGET CA $HOST 127.0.0.1 PORT /targets/models/big.bin
     sh -c 'curl --cacert CA --resolve $HOST:PORT:127.0.0.1 -o F $URL/targets/models/big.bin && sha256sum F && sync'
  2  /usr/bin/time -f %M $AIU -c big.conf --apply ; the same with small.conf
  3  /usr/bin/time -f '%e %U %S' sh -c 'for i in \$(seq $LOOP); do $AIU -c small.conf --check; done' ; the same with $TLSGET CA $HOST 127.0.0.1 PORT /metadata/timestamp.json
     strace -f -yy -e trace=read,write,sendto,recvfrom,... $AIU -c small.conf --check   (bytes on TCP/UDP descriptors)
  4  python3 bench/gen_meta.py REPO DIR 10000 100 ; $SRC_B/bench/metascale DIR NAME [deleg-0 ... deleg-99]
  5  strip -o S $AIU; ldd $AIU | ... | xargs stat -c %s
  6  apply shards.conf; aiupdate-repo add REPO NEW --name models/llm/shard-NN.bin; publish; apply; sum the 200 answers of nginx's access.log
REPORT

# ---- issue 13: delta updates of a model (bench/delta.sh: its own servers,
# a 1 GiB safetensors-shaped model and three new versions; DELTA_MIB;
# BENCH_NO_DELTA=1 skips it) ----
[ -n "${BENCH_NO_DELTA:-}" ] || AU_BUILD=$SRC_B bash bench/delta.sh || die "delta bench"
