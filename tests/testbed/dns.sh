# SPDX-License-Identifier: ISC
# tests/testbed/dns.sh - a DNSSEC test bed: signed zones served by one real NSD.
#
# Source it (POSIX sh) after tests/testbed/proc.sh (bed.sh sources both), then:
#
#   dnsbed_zone DIR CHILD HTTPS_PORT [KIND] [PATH] [TLSA]
#       Declare the child zone CHILD.$DNSBED_PARENT (default parent: aiutest).
#       It holds
#         _aiupdate._tcp.CHILD.aiutest. SRV 0 0 HTTPS_PORT repo.CHILD.aiutest.
#         _aiupdate._tcp.CHILD.aiutest. TXT "path=PATH"       (when PATH given, "-" = none)
#         repo.CHILD.aiutest.           A   127.0.0.1
#         _HTTPS_PORT._tcp.repo.CHILD.aiutest. TLSA TLSA      (when TLSA given, e.g. "3 1 1 ab12..")
#       KIND says what is wrong with it (default good):
#         good        signed, DS in the parent                      -> secure
#         bogus-edit  A record changed to 127.0.0.2 after signing   -> bogus
#         bogus-tlsa  TLSA data changed after signing               -> bogus (TLSA only)
#         bogus-txt   TXT path changed after signing                -> bogus (TXT only)
#         nosig       RRSIG over the A record removed               -> bogus
#         expired     signatures expired (2020)                     -> bogus
#         future      signature inception in 2099                   -> bogus
#         wrongds     parent's DS names another key                 -> bogus
#         ds-unsigned DS in the parent, child served unsigned       -> bogus
#         nods        signed child, no DS in the parent             -> insecure
#         nsec3       signed with NSEC3 (RFC 5155) instead of NSEC  -> secure
#         soon        signatures expire in 3 days                   -> secure
#         nosrv       no SRV record at all                          -> secure NODATA
#         noservice   SRV target "."                                -> no service (RFC 2782)
#         noaddr      SRV target without A/AAAA                     -> secure NODATA
#         custom      signed, DS in the parent, only SOA and NS: every other
#                     record comes from dnsbed_record (e.g. the output of
#                     `aiupdate-repo dns-records`)
#   dnsbed_record DIR CHILD 'RR LINE'
#       Add one more record (zone-file syntax; relative owner names are
#       relative to CHILD.aiutest.) to CHILD before signing, e.g. an AAAA or a
#       second SRV.  Call it after dnsbed_zone.
#   dnsbed_start DIR PORT
#       Generate keys, sign every zone afresh, start NSD on 127.0.0.1@PORT.
#       Writes DIR/trust-anchor.ds (the parent's DS: the clients' trust anchor)
#       and DIR/resolver ("127.0.0.1@PORT", the client's `resolver` value).
#       Returns non-zero if NSD does not answer within 5 seconds.
#       To change records, dnsbed_stop, edit, and dnsbed_start again: every
#       start re-signs every zone with new keys (so a new trust anchor).
#   dnsbed_stop DIR
#       Stop NSD by the PID recorded at start; safe to call twice.
#   dnsbed_domain CHILD     prints CHILD.aiutest (no trailing dot)
#
# Every signature's inception is backdated by DNSBED_BACKDATE seconds
# (default 2 days), so that clients validating at a time floor a little in
# the past (client/clock.h) still accept fresh signatures.
#
# Nothing listens anywhere but 127.0.0.1.  Needs nsd, ldnsutils and dig.

DNSBED_PARENT=${DNSBED_PARENT:-aiutest}

dnsbed_domain() {
	printf '%s.%s\n' "$1" "$DNSBED_PARENT"
}

dnsbed_zone() {
	_dir=$1 _child=$2 _port=$3 _kind=${4:-good} _path=${5:--} _tlsa=${6:--}
	case $_kind in
	good|bogus-edit|bogus-tlsa|bogus-txt|nosig|expired|future|wrongds|\
	ds-unsigned|nods|nsec3|soon|nosrv|noservice|noaddr|custom) ;;
	*) echo "dnsbed_zone: unknown kind '$_kind'" >&2; return 2 ;;
	esac
	mkdir -p "$_dir/zones" || return 1
	if grep -q "^$_child " "$_dir/children" 2>/dev/null; then
		echo "dnsbed_zone: child '$_child' declared twice" >&2
		return 2
	fi
	printf '%s %s %s %s %s\n' "$_child" "$_port" "$_kind" "$_path" \
	    "$(printf '%s' "$_tlsa" | tr ' ' '_')" >> "$_dir/children"
	: > "$_dir/zones/$_child.extra"
}

dnsbed_record() {
	printf '%s\n' "$3" >> "$1/zones/$2.extra"
}

# The unsigned zone text of one child.
dnsbed_child_text() {
	_z=$1.$DNSBED_PARENT. _port=$2 _kind=$3 _path=$4 _tlsa=$(printf '%s' "$5" | tr '_' ' ')
	printf '$ORIGIN %s\n$TTL 300\n' "$_z"
	printf '@ SOA ns.%s. hostmaster 1 3600 600 86400 300\n' "$DNSBED_PARENT"
	printf '@ NS ns.%s.\n' "$DNSBED_PARENT"
	[ "$_kind" = custom ] && return 0
	case $_kind in
	nosrv) ;;
	noservice) printf '_aiupdate._tcp SRV 0 0 0 .\n' ;;
	*) printf '_aiupdate._tcp SRV 0 0 %s repo\n' "$_port" ;;
	esac
	[ "$_path" = - ] || printf '_aiupdate._tcp TXT "path=%s"\n' "$_path"
	[ "$_kind" = noaddr ] || printf 'repo A 127.0.0.1\n'
	if [ "$_kind" = bogus-tlsa ] && [ "$_tlsa" = - ]; then
		_tlsa="3 1 1 0000000000000000000000000000000000000000000000000000000000000000"
	fi
	[ "$_tlsa" = - ] || printf '_%s._tcp.repo TLSA %s\n' "$_port" "$_tlsa"
}

# Sign zone file $2 for origin $1 with a new key; prints the key base name.
dnsbed_sign() {
	_k=$(cd "$DNSBED_KEYS" && ldns-keygen -a ED25519 -k "$1.") || return 1
	_ie="-i $(date -u -d "@$(( $(date +%s) - ${DNSBED_BACKDATE:-172800} ))" +%Y%m%d%H%M%S)"
	case $3 in
	expired) _ie="-i 20200101 -e 20200201" ;;
	future) _ie="-i 20990101 -e 20990201" ;;
	soon) _ie="$_ie -e $(date -u -d '+3 days' +%Y%m%d%H%M%S)" ;;
	nsec3) _ie="$_ie -n" ;;
	esac
	# shellcheck disable=SC2086
	ldns-signzone $_ie -o "$1." -f "$2.signed" "$2" "$DNSBED_KEYS/$_k" >&2 || return 1
	printf '%s\n' "$_k"
}

# Apply the after-signing damage of a kind to a signed child zone.
dnsbed_damage() {
	_f=$1 _z=$2 _kind=$3
	case $_kind in
	bogus-edit) sed -i "s/^\(repo\.$_z\.[[:space:]].*[[:space:]]A[[:space:]]*\)127\.0\.0\.1/\1127.0.0.2/" "$_f" ;;
	bogus-tlsa) sed -i "/IN[[:space:]]*TLSA[[:space:]]/s/\([0-9a-fA-F]\)[[:space:]]*$/\1ff/" "$_f" ;;
	bogus-txt) sed -i '/[[:space:]]TXT[[:space:]]/s/"path=/"path=\/evil/' "$_f" ;;
	nosig) sed -i "/^repo\.$_z\.[[:space:]].*[[:space:]]RRSIG[[:space:]]*A[[:space:]]/d" "$_f" ;;
	esac
}

# Build, sign and damage one child; appends its delegation to the parent text.
dnsbed_build_child() {
	_dir=$1 _child=$2 _port=$3 _kind=$4 _path=$5 _tlsa=$6
	_zname=$_child.$DNSBED_PARENT _zf=$_dir/zones/$_child.zone
	dnsbed_child_text "$_child" "$_port" "$_kind" "$_path" "$_tlsa" > "$_zf"
	cat "$_dir/zones/$_child.extra" >> "$_zf"
	printf '%s. NS ns.%s.\n' "$_zname" "$DNSBED_PARENT" >> "$_dir/zones/parent.zone"
	if [ "$_kind" = ds-unsigned ]; then
		cp "$_zf" "$_zf.signed"
		_k=$(cd "$DNSBED_KEYS" && ldns-keygen -a ED25519 -k "$_zname.") || return 1
	else
		_k=$(dnsbed_sign "$_zname" "$_zf" "$_kind") || return 1
		dnsbed_damage "$_zf.signed" "$(printf '%s' "$_zname" | sed 's/\./\\./g')" "$_kind"
	fi
	case $_kind in
	nods) ;;
	wrongds)
		_k=$(cd "$DNSBED_KEYS" && ldns-keygen -a ED25519 -k "$_zname.") || return 1
		sed 's/[[:space:]]IN[[:space:]]/ 300 IN /' "$DNSBED_KEYS/$_k.ds" >> "$_dir/zones/parent.zone" ;;
	*) sed 's/[[:space:]]IN[[:space:]]/ 300 IN /' "$DNSBED_KEYS/$_k.ds" >> "$_dir/zones/parent.zone" ;;
	esac
	printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "$_zname" "$_zf.signed" >> "$_dir/nsd.conf"
}

dnsbed_nsd_conf() {
	cat > "$1/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1
	port: $2
	do-ip6: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$1/zones"
	pidfile: "$1/nsd.pid"
	logfile: "$1/nsd.log"
	xfrdfile: "$1/xfrd.state"
	xfrdir: "$1"
	zonelistfile: "$1/zone.list"
	server-count: 1
	verbosity: 1
	hide-version: yes
remote-control:
	control-enable: no
EOF
}

dnsbed_build() {
	_dir=$(cd "$1" && pwd) || return 1
	DNSBED_KEYS=$_dir/keys
	rm -rf "$DNSBED_KEYS" && mkdir -p "$DNSBED_KEYS" "$_dir/zones" || return 1
	dnsbed_nsd_conf "$_dir" "$2"
	_pz=$_dir/zones/parent.zone
	printf '$ORIGIN %s.\n$TTL 300\n' "$DNSBED_PARENT" > "$_pz"
	printf '@ SOA ns hostmaster %s 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n' \
	    "$(date +%s)" >> "$_pz"
	touch "$_dir/children"
	while read -r c p k pa t; do
		dnsbed_build_child "$_dir" "$c" "$p" "$k" "$pa" "$t" || return 1
	done < "$_dir/children"
	_k=$(dnsbed_sign "$DNSBED_PARENT" "$_pz" good) || return 1
	cp "$DNSBED_KEYS/$_k.ds" "$_dir/trust-anchor.ds"
	printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "$DNSBED_PARENT" "$_pz.signed" >> "$_dir/nsd.conf"
	printf '127.0.0.1@%s\n' "$2" > "$_dir/resolver"
}

dnsbed_start() {
	dnsbed_build "$1" "$2" || { echo "dnsbed_start: building zones failed" >&2; return 1; }
	_dir=$(cd "$1" && pwd)
	nsd-checkconf "$_dir/nsd.conf" || return 1
	nsd -d -c "$_dir/nsd.conf" > "$_dir/nsd.out" 2>&1 &
	echo $! > "$_dir/nsd.pidbg"
	testbed_wait "$_dir/nsd.pidbg" dnsbed_answers "$2" && return 0
	echo "dnsbed_start: NSD did not answer on 127.0.0.1@$2; see $_dir/nsd.log $_dir/nsd.out" >&2
	dnsbed_stop "$_dir"
	return 1
}

# dnsbed_answers PORT: the parent zone's SOA comes back from 127.0.0.1@PORT
dnsbed_answers() {
	dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" "$DNSBED_PARENT." SOA 2>/dev/null |
	    grep -q hostmaster
}

dnsbed_stop() {
	testbed_stop "$1/nsd.pidbg"
}
