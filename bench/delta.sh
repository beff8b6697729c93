#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/delta.sh - the delta bench of issue 13 (called by bench/run.sh, or
# alone: AU_BUILD=build bash bench/delta.sh).  A synthetic safetensors-shaped
# model (tests/tools/mkmodel.py) of DELTA_MIB MiB is published chunked and
# installed on a device; then each new version of the issue
#   a  5% of the tensor bytes changed
#   b  a, and the JSON header grown ~200 bytes (every tensor offset shifts)
#   c  every tensor changed
# is published and installed on a copy of that device.  For each, on real
# local NSD + nginx (HTTPS for aiupdate, plain HTTP for casync):
#   - bytes fetched (artifact ranges + its .cidx, from nginx's log) / bytes
#     that differ (the changed tensors, and the header in b; mkmodel --info)
#     goal <= 1.10 + index share for a and b; c: a full download, no more
#   - wall / wall of a full download of the same version on a fresh device
#     goal <= changed share + 0.10
#   - peak RSS (GNU time) vs the full download's: goal <= + 2048 KiB
#   - bytes beside casync's: `casync make` of each version into a store
#     served by nginx, `casync extract --seed=OLD` (bytes of the .caibx and
#     chunks in nginx's log): goal <= casync's
#   - the publisher-side figure: bench/cidxdiff's bytes a device holding the
#     old version fetches by the two indexes (independent of the client)
# A client without delta support downloads the whole file: the table says so
# (the "device" columns then show a full download).
#
# Environment: AU_BUILD (default build), DELTA_MIB (default 1024;
# BENCH_QUICK=1: 64), BENCH_DIR (scratch parent, default /var/tmp),
# BENCH_PORT_BASE (16950: NSD on BASE..BASE+19, nginx HTTPS BASE+20..49,
# HTTP BASE+50..79), AU_KEEP=1 keeps the scratch directory.
# Needs: casync, nginx, NSD (the test bed), /usr/bin/time, python3.
set -u
cd "$(dirname "$0")/.."
. tests/testbed/bed.sh
B=${AU_BUILD:-build}
if [ -n "${BENCH_QUICK:-}" ]; then MIB=${DELTA_MIB:-64}; else MIB=${DELTA_MIB:-1024}; fi
TIME=/usr/bin/time
MKMODEL=tests/tools/mkmodel.py

bed_init delta "${BENCH_DIR:-/var/tmp}"
die() { echo "bench delta: $*" >&2; exit 1; }
for t in "$TIME" casync nginx python3 zstd; do
	command -v "$t" >/dev/null || die "$t missing"
done
mkdir -p "$W/bin" && cp "$B/aiupdate" "$B/aiupdate-repo" "$B/bench/cidxdiff" "$W/bin/" ||
	die "build first: make all $B/bench/cidxdiff"
B=$W/bin
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.3f" : "-", a/b}'; }
timed() {	# OUT CMD...: "wall maxrss_kib" into OUT
	_o=$1; shift
	"$TIME" -f '%e %M' -o "$_o" "$@" >"$_o.out" 2>&1 ||
		{ echo "bench delta: failed: $*" >&2; tail -n 20 "$_o.out" >&2; return 1; }
}

# ---- the versions ----
echo "bench delta: models of $MIB MiB in $W"
SIZE=$((MIB * 1048576))
for v in base a b c; do
	python3 $MKMODEL --size $SIZE --seed 7 --variant $v "$W/$v.st" 2>"$W/$v.info" ||
		die "mkmodel $v"
done

# ---- servers: HTTPS for the device, plain HTTP for casync ----
export HTTPSBED_LOG_FORMAT='$status $body_bytes_sent $request_uri range="$http_range"'
R=$W/repo
$B/aiupdate-repo init "$R" >/dev/null || die "init"
# what the index costs the publisher: add without and with it
timed "$W/add-plain" $B/aiupdate-repo add "$R" "$W/base.st" --name models/plain.st --no-chunk || die "add --no-chunk"
timed "$W/add-chunked" $B/aiupdate-repo add "$R" "$W/base.st" --name models/m.st --chunked || die "add --chunked"
$B/aiupdate-repo publish "$R" >/dev/null || die "publish base"
PB=${BENCH_PORT_BASE:-16950}
bed_port DNS_PORT "$PB" $((PB + 19))
bed_port HTTPS_PORT $((PB + 20)) $((PB + 49))
bed_port HTTP_PORT $((PB + 50)) $((PB + 79))
bed_up bench "$R/public"
H=$W/http
mkdir -p "$H/tmp" "$H/www"
cat > "$H/nginx.conf" <<EOF
daemon off;
worker_processes 1;
$([ "$(id -u)" -eq 0 ] && echo "user root root;")
pid $H/nginx.pid;
error_log $H/error.log info;
events { worker_connections 64; }
http {
	log_format b '\$status \$body_bytes_sent \$request_uri';
	access_log $H/access.log b;
	client_body_temp_path $H/tmp/body;
	proxy_temp_path $H/tmp/proxy;
	fastcgi_temp_path $H/tmp/fastcgi;
	uwsgi_temp_path $H/tmp/uwsgi;
	scgi_temp_path $H/tmp/scgi;
	default_type application/octet-stream;
	sendfile on;
	server { listen 127.0.0.1:$HTTP_PORT; root $H/www; }
}
EOF
nginx -p "$H/" -c "$H/nginx.conf" -e "$H/error.log" >"$H/nginx.out" 2>&1 &
echo $! > "$H/nginx.pidbg"	# bed_cleanup stops it
bed_listening "$HTTP_PORT" || die "plain nginx did not start"
casync make --store="$H/www/store" "$H/www/base.caibx" "$W/base.st" >/dev/null || die "casync make base"

mkconf() { bed_conf "$W/$1.conf" zone=bench state="$W/dev-$1" targets=models/m.st; }
log_bytes() {	# LOG FROM-LINE: body bytes of the 200/206 answers after FROM-LINE
	tail -n +$(($2 + 1)) "$1" | awk '$1 == 200 || $1 == 206 {s += $2} END {print s + 0}'
}
log_art() {	# LOG FROM-LINE NAME: body bytes of the answers for /targets/NAME
	tail -n +$(($2 + 1)) "$1" | awk -v u="/targets/$3" '($1 == 200 || $1 == 206) && $3 == u {s += $2} END {print s + 0}'
}
log_n206() { tail -n +$(($2 + 1)) "$1" | awk '$1 == 206' | wc -l; }

# ---- the device with the base version ----
mkconf base
$B/aiupdate -c "$W/base.conf" --apply >/dev/null 2>&1 || die "install base"
cmp -s "$W/base.st" "$W/dev-base/targets/models/m.st/current/m.st" || die "base not installed"

declare -A ROW REP
delta_seen=0
for v in a b c; do
	echo "bench delta: version $v"
	changed=$(python3 -c "import json; print(json.load(open('$W/$v.info'))['changed_bytes'])")
	vsize=$(stat -c %s "$W/$v.st")
	$B/aiupdate-repo add "$R" "$W/$v.st" --name models/m.st --chunked >/dev/null &&
		$B/aiupdate-repo publish "$R" >/dev/null || die "publish $v"
	idx=$(stat -c %s "$R/public/targets/models/m.st.cidx")
	pub=$($B/cidxdiff "$W/base.st" "$W/$v.st" | sed -n 's/.*fetch_bytes=\([0-9]*\).*ranges=\([0-9]*\).*/\1 \2/p')
	# the delta: a copy of the device holding base
	rm -rf "$W/dev-$v" && cp -a "$W/dev-base" "$W/dev-$v" && mkconf "$v"
	sync
	n0=$(wc -l < "$W/https/access.log")
	timed "$W/delta-$v" $B/aiupdate -c "$W/$v.conf" --apply --json || die "delta apply $v"
	# what the client itself reports (--json targets[].delta, when it has it)
	REP[$v]=$(python3 - "$W/delta-$v.out" <<'PY' 2>/dev/null || echo "no JSON report"
import json, sys
text = open(sys.argv[1]).read()
d, _ = json.JSONDecoder().raw_decode(text[text.index('{'):])
t = d['targets'][0].get('delta')
print('used=%s bytes_fetched=%s bytes_reused=%s index_bytes=%s decision="%s"' % (
    t['used'], t['bytes_fetched'], t['bytes_reused'], t['index_bytes'],
    t['decision']) if t else 'no delta report')
PY
)
	cmp -s "$W/$v.st" "$W/dev-$v/targets/models/m.st/current/m.st" || die "$v not installed bit-exact"
	d_art=$(log_art "$W/https/access.log" "$n0" models/m.st)
	d_idx=$(log_art "$W/https/access.log" "$n0" models/m.st.cidx)
	d_206=$(log_n206 "$W/https/access.log" "$n0")
	[ "$d_206" -gt 0 ] && delta_seen=1
	read -r d_wall d_rss < "$W/delta-$v"
	# a full download of the same version on a fresh device
	rm -rf "$W/dev-full" && mkconf full && sync
	n0=$(wc -l < "$W/https/access.log")
	timed "$W/full-$v" $B/aiupdate -c "$W/full.conf" --apply || die "full apply $v"
	f_bytes=$(log_bytes "$W/https/access.log" "$n0")
	read -r f_wall f_rss < "$W/full-$v"
	rm -rf "$W/dev-full"
	# casync: the new version into the store, extracted with the old as seed
	casync make --store="$H/www/store" "$H/www/$v.caibx" "$W/$v.st" >/dev/null || die "casync make $v"
	rm -f "$W/casync-$v.out"; sync
	n0=$(wc -l < "$H/access.log")
	timed "$W/casync-$v" casync extract --store="http://127.0.0.1:$HTTP_PORT/store" \
		--seed="$W/base.st" "http://127.0.0.1:$HTTP_PORT/$v.caibx" "$W/casync-$v.st" || die "casync extract $v"
	cmp -s "$W/$v.st" "$W/casync-$v.st" || die "casync extracted other bytes for $v"
	c_bytes=$(log_bytes "$H/access.log" "$n0")
	# the same chunks uncompressed (casync's store holds them zstd'ed)
	c_raw=$(tail -n +$((n0 + 1)) "$H/access.log" | awk '$1 == 200 && $3 ~ /\.cacnk$/ {print $3}' |
		while read -r u; do zstd -dc "$H/www$u"; done | wc -c)
	read -r c_wall c_rss < "$W/casync-$v"
	rm -f "$W/casync-$v.st"
	d_tot=$((d_art + d_idx))
	ROW[$v]="$changed $vsize $idx ${pub% *} ${pub#* } $d_art $d_idx $d_206 $d_wall $d_rss $f_bytes $f_wall $f_rss $c_bytes $c_wall $c_rss $d_tot $c_raw"
	rm -rf "$W/dev-$v"
done

# ---- the report ----
cpu_model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "== aiupdate delta bench (issue 13), $(date -u +%Y-%m-%dT%H:%MZ), model $MIB MiB =="
echo "machine: $(nproc) cores, $cpu_model; $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; one run each"
if [ "$delta_seen" = 0 ]; then
	echo "NOTE: the client made no range request: it has no delta support (full downloads); the device columns are full downloads"
fi
echo
echo "| v | differ B | device fetched B (file + index) | ÷ differ | goal | publisher-side fetch B (cidxdiff, ranges) | wall s delta / full | ratio | goal | peak RSS KiB delta / full | goal | casync B (wall s) | device ÷ casync | goal | casync chunks uncompressed B | device ÷ that |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for v in a b c; do
	read -r changed vsize idx pubf pubr d_art d_idx d_206 d_wall d_rss f_bytes f_wall f_rss c_bytes c_wall c_rss d_tot c_raw <<< "${ROW[$v]}"
	share=$(awk -v c="$changed" -v s="$vsize" 'BEGIN {printf "%.3f", c/s}')
	if [ "$v" = c ]; then
		g1="= full ($vsize)"
	else
		g1="<= $(awk -v c="$changed" -v i="$idx" 'BEGIN {printf "%.3f", 1.10 + i/c}')"
	fi
	g2="<= $(awk -v s="$share" 'BEGIN {printf "%.3f", s + 0.10}')"
	echo "| $v | $changed | $d_tot ($d_art + $d_idx; $d_206 ranges) | $(ratio "$d_tot" "$changed") | $g1 | $pubf ($pubr) ÷ differ $(ratio "$pubf" "$changed") | $d_wall / $f_wall | $(ratio "$d_wall" "$f_wall") | $g2 | $d_rss / $f_rss | <= $((f_rss + 2048)) | $c_bytes ($c_wall) | $(ratio "$d_tot" "$c_bytes") | <= 1 | $c_raw | $(ratio "$d_tot" "$c_raw") |"
done
read -r ap_w ap_rss < "$W/add-plain"; read -r ac_w ac_rss < "$W/add-chunked"
echo
for v in a b c; do echo "client report of $v (--json targets[0].delta): ${REP[$v]}"; done
echo
echo "publisher: aiupdate-repo add of the $MIB MiB base: --no-chunk $ap_w s ($ap_rss KiB), --chunked $ac_w s ($ac_rss KiB: the index computed, staged, read back and recomputed)"
echo
echo "differ B: the bytes of the tensors that changed (and the 8-byte length + header in b): mkmodel.py --info."
echo "device fetched B: body bytes nginx sent for models/m.st (200 or 206) and models/m.st.cidx during the --apply (metadata not counted)."
echo "full: the same version installed on a fresh device (wall, RSS, $((vsize)) B + metadata)."
echo "casync: casync make --store=S V.caibx V.st (default 16/64/256 KiB chunks, zstd), casync extract --store=http://.../S --seed=base.st http://.../V.caibx: .caibx + chunk bytes nginx sent; uncompressed: the chunks it fetched, zstd -dc (what ranges on the plain file move for the same chunks)."
echo "Reproduce: AU_KEEP=1 DELTA_MIB=$MIB AU_BUILD=build bash bench/delta.sh"
