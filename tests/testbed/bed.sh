# SPDX-License-Identifier: ISC
# tests/testbed/bed.sh - the one test bed of every integration script, the
# demo and the bench: a work directory, free ports, a DNSSEC-signed zone on
# NSD (dns.sh), a private CA, certificates and nginx over HTTPS (https.sh), a
# config writer, and a cleanup that stops every server it started by PID.
#
# Source it from bash, from the top of the source tree, after
# `cd "$(dirname "$0")/../.."`.  It sources tests/integration/lib.sh (the
# it_* assertions), tests/testbed/proc.sh, dns.sh and https.sh.
#
#   bed_init NAME [PARENT]
#       W = a new directory PARENT/aiu-NAME.XXXXXX (PARENT defaults to
#       $TMPDIR, else /tmp).  At exit (and on INT, TERM, HUP) the commands
#       given to bed_on_exit run, every nginx and NSD started under $W is
#       stopped by the PID recorded at its start, and $W is removed (kept,
#       and named on stderr, with AU_KEEP=1).  The last it_exit output
#       ($IT_OUT) lives in $W too.
#   bed_on_exit 'COMMAND'
#       Run COMMAND (eval'd) at exit, before the servers stop: helpers the
#       script started itself (kill "$PID").
#   bed_port VAR LO HI
#       Set VAR to a free port of 127.0.0.1 in [LO, HI]; none free fails the
#       script.
#   bed_listening PORT...
#       Wait up to 5 seconds until something listens on 127.0.0.1:PORT for
#       each PORT (a server the script started itself), without connecting
#       (a one-shot server's accept stays for the test); non-zero if not.
#   bed_fail DESC
#       "not ok - DESC", the result line, exit 1: a bring-up that failed.
#   bed_repo [NAME=FILE]...
#       R = $W/repo: aiupdate-repo init, then bed_publish NAME=FILE... (or
#       fail).
#   bed_publish NAME=FILE...
#       Add each FILE to $R as target NAME and publish; non-zero (and the
#       tool's message) if a step fails.
#   bed_zone CHILD PORT [KIND] [PATH] [TLSA]
#       Declare CHILD.aiutest in $W/dns: SRV to repo.CHILD.aiutest:PORT,
#       KIND (default good) and TXT path PATH (default "/"); see dns.sh.
#   bed_dns PORT
#       Sign every declared zone, start NSD on 127.0.0.1@PORT (or fail).
#   bed_cert NAME [DIR]
#       A certificate for NAME in DIR (default $W/https), signed by DIR's CA,
#       which is made on first use: DIR/ca.pem is the clients' ca_file.
#       Does nothing when DIR/NAME.pem exists.  HTTPSBED_FAKETIME applies.
#   bed_nginx DIR PORT DOCROOT CERT [PORT CERT]...
#       Start nginx with DIR's certificates (or fail); see httpsbed_start
#       for the environment (HTTPSBED_LIMIT_RATE, ...).
#   bed_up CHILD DOCROOT
#       The usual bring-up: zone CHILD (good, path /) pointing at
#       $HTTPS_PORT, with every zone declared before, NSD on $DNS_PORT, a
#       certificate for repo.CHILD.aiutest and nginx on $HTTPS_PORT serving
#       DOCROOT.
#   bed_conf FILE [zone=CHILD | domain=NAME] [root=FILE] [targets=LIST]
#            [state=DIR] [ca=FILE] [LINE]...
#       Write a client config.  zone=CHILD (default good) names
#       CHILD.aiutest and the bed's trust anchor and resolver; domain=NAME
#       names NAME and nothing of the bed's DNS (offline runs, --from).
#       ca=FILE is [tls] ca_file (default $W/https/ca.pem with zone=, none
#       with domain=; "-" for none).  root= is [repository] trusted_root
#       (default $W/repo/public/metadata/1.root.json), targets= the targets
#       (default models/model.bin; 4 a line), state= [install] state_dir (default
#       $W/device).  Every other argument is copied as lines at the end, that
#       is into [install] unless they open a section ("[tls]" "auth = ca").
#
# Nothing listens anywhere but 127.0.0.1.

BED_SRC=$(dirname "${BASH_SOURCE[0]}")
. "$BED_SRC/../integration/lib.sh"
. "$BED_SRC/proc.sh"
. "$BED_SRC/dns.sh"
. "$BED_SRC/https.sh"

BED_ON_EXIT=""

bed_init() {
	W=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/aiu-$1.XXXXXX") ||
		{ echo "bed_init: mktemp failed" >&2; exit 1; }
	IT_OUT=$W/it-out
	trap bed_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

bed_on_exit() {
	BED_ON_EXIT="$BED_ON_EXIT
$1"
}

bed_cleanup() {
	[ -n "$BED_ON_EXIT" ] && eval "$BED_ON_EXIT" 2>/dev/null
	for _f in "$W"/*/nginx.pidbg; do
		[ -f "$_f" ] && httpsbed_stop "${_f%/nginx.pidbg}" 2>/dev/null
	done
	for _f in "$W"/*/nsd.pidbg; do
		[ -f "$_f" ] && dnsbed_stop "${_f%/nsd.pidbg}" 2>/dev/null
	done
	if [ -n "${AU_KEEP:-}" ]; then
		echo "# kept $W" >&2
	else
		rm -rf "$W"
	fi
}

bed_fail() {
	it_fail "$1"
	it_done
	exit 1
}

bed_listening() {
	for _lp in "$@"; do
		_i=0
		until ss -Hltn "sport = :$_lp" 2>/dev/null | grep -q "127.0.0.1:$_lp "; do
			_i=$((_i + 1))
			[ $_i -lt 50 ] || { echo "# nothing listens on 127.0.0.1:$_lp" >&2; return 1; }
			sleep 0.1
		done
	done
}

bed_port() {
	_p=$(it_free_port "$2" "$3") || bed_fail "a free port in $2-$3 for $1"
	printf -v "$1" '%s' "$_p"
}

bed_repo() {
	R=$W/repo
	$AIUREPO init "$R" >/dev/null || bed_fail "aiupdate-repo init"
	bed_publish "$@" || bed_fail "aiupdate-repo add and publish"
}

bed_publish() {
	for _t in "$@"; do
		$AIUREPO add "$R" "${_t#*=}" --name "${_t%%=*}" >/dev/null || return 1
	done
	$AIUREPO publish "$R" >/dev/null
}

bed_zone() {
	dnsbed_zone "$W/dns" "$1" "$2" "${3:-good}" "${4:-/}" "${5:--}"
}

bed_dns() {
	dnsbed_start "$W/dns" "$1" || bed_fail "NSD started"
}

bed_cert() {
	_bd=${2:-$W/https}
	[ -f "$_bd/$1.pem" ] && return 0
	if [ ! -f "$_bd/ca.pem" ]; then
		httpsbed_ca "$_bd" || bed_fail "a CA in $_bd"
	fi
	httpsbed_cert "$_bd" "$1" || bed_fail "a certificate for $1"
}

bed_nginx() {
	httpsbed_start "$@" || bed_fail "nginx started ($(basename "$1"))"
}

bed_up() {
	bed_zone "$1" "$HTTPS_PORT"
	bed_dns "$DNS_PORT"
	bed_cert "repo.$1.aiutest"
	bed_nginx "$W/https" "$HTTPS_PORT" "$2" "repo.$1.aiutest"
}

bed_conf() {
	_file=$1
	shift
	_zone=good _domain="" _ca="" _root=$W/repo/public/metadata/1.root.json
	_targets=models/model.bin _state=$W/device _lines=""
	for _a in "$@"; do
		case $_a in
		zone=*) _zone=${_a#zone=} ;;
		domain=*) _domain=${_a#domain=} ;;
		root=*) _root=${_a#root=} ;;
		targets=*) _targets=${_a#targets=} ;;
		state=*) _state=${_a#state=} ;;
		ca=*) _ca=${_a#ca=} ;;
		*) _lines="$_lines$_a
" ;;
		esac
	done
	{
		echo "[discovery]"
		if [ -n "$_domain" ]; then
			echo "domain = $_domain"
		else
			echo "domain = $(dnsbed_domain "$_zone")"
			echo "trust_anchor = $W/dns/trust-anchor.ds"
			echo "resolver = $(cat "$W/dns/resolver")"
			[ -n "$_ca" ] || _ca=$W/https/ca.pem
		fi
		if [ -n "$_ca" ] && [ "$_ca" != - ]; then
			printf '[tls]\nca_file = %s\n' "$_ca"
		fi
		printf '[repository]\ntrusted_root = %s\n' "$_root"
		# 4 a line: libinih's lines end at 200 bytes; the lines add up
		printf '%s\n' $_targets | xargs -n 4 echo targets =
		printf '[install]\nstate_dir = %s\n' "$_state"
		printf '%s' "$_lines"
	} > "$_file"
}
