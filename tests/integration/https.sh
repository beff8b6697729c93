#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/https.sh - the transport (client/transport/http.h) against real
# nginx servers on 127.0.0.1 (ports 15400-15499): CA and DANE-EE checks,
# HTTP status, byte caps, chunked bodies, keep-alive and reconnect, plain
# http on loopback, deadlines.  Drives build/tests/httpget.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

HTTPGET=${HTTPGET:-$B/tests/httpget}
bed_init https
PIDS=""
bed_on_exit 'for p in $PIDS; do kill "$p"; done'

[ -x "$HTTPGET" ] || { it_fail "httpget built ($HTTPGET)"; it_done; exit 1; }

bed_port P_GOOD 15400 15419
bed_port P_OTHER $((P_GOOD + 1)) 15439
bed_port P_EVIL $((P_OTHER + 1)) 15459
bed_port P_SELF $((P_EVIL + 1)) 15479
bed_port P_PLAIN $((P_SELF + 1)) 15489
bed_port P_MUTE $((P_PLAIN + 1)) 15499
bed_port P_PUSH $((P_MUTE + 1)) 15509
H=repo.example
L=127.0.0.1

# ---- files ----
D=$W/doc
mkdir -p "$D/sub"
head -c 1048576 /dev/urandom > "$D/model.bin"
head -c 100 /dev/urandom > "$D/sub/small.bin"
printf 'hello\n' > "$D/hello.txt"

# ---- servers: the real one (keep-alive 1 s), a wrong name, an untrusted
# CA, a self-signed certificate ----
bed_cert $H "$W/ca" && bed_cert other.example "$W/ca"
HTTPSBED_KEEPALIVE_S=1 bed_nginx "$W/ca" "$P_GOOD" "$D" $H "$P_OTHER" other.example
bed_cert $H "$W/evil"
bed_nginx "$W/evil" "$P_EVIL" "$D" $H
httpsbed_selfsigned "$W/self" $H || bed_fail "a self-signed certificate"
bed_nginx "$W/self" "$P_SELF" "$D" $H
CA=$W/ca/ca.pem
TLSA_SELF=$(httpsbed_tlsa "$W/self" $H | cut -d' ' -f4)
TLSA_GOOD=$(httpsbed_tlsa "$W/ca" $H | cut -d' ' -f4)

get() {	# get OUTFILE ARGS... : httpget with stdout to OUTFILE, stderr to $IT_OUT
	_o=$1; shift
	"$HTTPGET" "$@" >"$_o" 2>"$IT_OUT"
}

# expect DESC STATUS PATTERN ARGS... : exit status and stderr pattern
expect() {
	_d=$1 _s=$2 _p=$3; shift 3
	get "$W/out" "$@"
	_got=$?
	if [ "$_got" -eq "$_s" ] && grep -Eq -- "$_p" "$IT_OUT"; then
		it_ok "$_d (exit $_got)"
	else
		it_fail "$_d (exit $_got, want $_s and /$_p/)"
		sed 's/^/    # /' "$IT_OUT" | head -n 10
	fi
}

# ---- CA ----
get "$W/out" "$CA" $H $L "$P_GOOD" /model.bin
it_check "CA: 1 MiB file byte-identical" cmp -s "$W/out" "$D/model.bin"
it_check "CA: auth reported as CA" grep -qx "auth: CA" "$IT_OUT"
get "$W/out" "$CA" $H $L "$P_GOOD" /chunked/model.bin
it_check "chunked: 1 MiB file byte-identical" cmp -s "$W/out" "$D/model.bin"
command -v curl >/dev/null 2>&1 && it_check "chunked: nginx really sent chunked" \
	sh -c "curl -s -D - -o /dev/null --cacert '$CA' --resolve $H:$P_GOOD:$L https://$H:$P_GOOD/chunked/hello.txt | grep -qi '^transfer-encoding: chunked'"
expect "wrong name refused" 11 "certificate for other.example, expected repo.example" \
	"$CA" $H $L "$P_OTHER" /hello.txt
expect "untrusted CA refused" 11 "not correctly signed by the trusted CA" \
	"$CA" $H $L "$P_EVIL" /hello.txt
expect "self-signed refused under CA" 11 "not correctly signed" \
	"$CA" $H $L "$P_SELF" /hello.txt
expect "missing CA bundle is a config error" 2 "CA bundle" \
	"$W/nope.pem" $H $L "$P_GOOD" /hello.txt

# ---- HTTP status and caps ----
expect "404 -> AU_ENOTFOUND" 11 "404 for /missing.bin" "$CA" $H $L "$P_GOOD" /missing.bin
expect "other status (403 on a directory) refused" 11 "HTTP 403" "$CA" $H $L "$P_GOOD" /sub/
expect "Content-Length over MAXBYTES refused" 11 "over the cap of 1048575" \
	"$CA" $H $L "$P_GOOD" /model.bin 1048575
it_check "  ... and nothing delivered" test ! -s "$W/out"
expect "chunked body over MAXBYTES refused" 11 "larger than the cap of 1000" \
	"$CA" $H $L "$P_GOOD" /chunked/model.bin 1000
it_check "  ... exactly MAXBYTES delivered first" test "$(wc -c < "$W/out")" -eq 1000
expect "body of exactly MAXBYTES accepted" 0 "auth: CA" "$CA" $H $L "$P_GOOD" /model.bin 1048576
expect "chunked body of exactly MAXBYTES accepted" 0 "auth: CA" \
	"$CA" $H $L "$P_GOOD" /chunked/model.bin 1048576
expect "path with a space refused before sending" 2 "percent-encoded" \
	"$CA" $H $L "$P_GOOD" "/a b"

# ---- keep-alive and reconnect ----
: > "$W/ca/access.log"
get "$W/out" --count 3 "$CA" $H $L "$P_GOOD" /sub/small.bin
cat "$D/sub/small.bin" "$D/sub/small.bin" "$D/sub/small.bin" > "$W/want"
it_check "keep-alive: 3 GETs, bodies intact" cmp -s "$W/out" "$W/want"
it_check "keep-alive: one connection served all 3" \
	sh -c "awk '{print \$1}' '$W/ca/access.log' | sort -u | wc -l | grep -qx 1 && grep -q '^[0-9]* 3 200' '$W/ca/access.log'"
: > "$W/ca/access.log"
get "$W/out" --count 2 --pause-ms 1600 "$CA" $H $L "$P_GOOD" /hello.txt
it_check "reconnect after the server closed an idle connection" \
	sh -c "[ \"\$(cat '$W/out')\" = \"\$(printf 'hello\nhello')\" ] && [ \$(awk '{print \$1}' '$W/ca/access.log' | sort -u | wc -l) -eq 2 ]"
: > "$W/ca/access.log"
get "$W/out" --count 2 "$CA" $H $L "$P_GOOD" /missing.bin
it_check "404 body drained, connection kept" \
	sh -c "[ \$(awk '{print \$1}' '$W/ca/access.log' | sort -u | wc -l) -eq 1 ] || cat '$W/ca/access.log' >&2; [ \$(wc -l < '$W/ca/access.log') -eq 1 ]"
: > "$W/ca/access.log"
expect "404 then a GET on the same handle (the TUF root probe)" 0 "auth: CA" \
	--then /hello.txt "$CA" $H $L "$P_GOOD" /missing.bin
it_check "  ... both requests on one connection (the 404 does not close it)" \
	sh -c "grep -q '^[0-9]* 1 404 GET /missing.bin' '$W/ca/access.log' && grep -q '^[0-9]* 2 200 GET /hello.txt' '$W/ca/access.log' && [ \$(awk '{print \$1}' '$W/ca/access.log' | sort -u | wc -l) -eq 1 ] || { cat '$W/ca/access.log' >&2; false; }"

# A server that pushes a response nobody asked for (fault injection: a
# peer no real server imitates): after its 404 it sends "200 forged"
# unprompted; the client must not take it as the answer to its next GET.
cat > "$W/push.py" <<'PY'
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
c, _ = s.accept(); c.recv(4096)
c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello")
time.sleep(0.1)
c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged")
c2, _ = s.accept(); c2.recv(4096)
c2.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal")
time.sleep(1)
PY
python3 "$W/push.py" "$P_PUSH" & PIDS="$PIDS $!"
bed_listening "$P_PUSH"
expect "unrequested bytes after a 404: the connection is dropped, not read" 0 "auth: none" \
	--auth plain --pause-ms 400 --then /b - $H $L "$P_PUSH" /a
it_check "  ... the next GET got the real answer, not the pushed one" test "$(cat "$W/out")" = real

# ---- DANE (RFC 7671) ----
expect "DANE-EE 3 1 1 accepts a certificate no CA vouches for" 0 "^auth: DANE-EE$" \
	--tlsa "$TLSA_SELF" - $H $L "$P_SELF" /hello.txt
it_check "  ... body intact" grep -qx hello "$W/out"
SPKI512=$(openssl x509 -in "$W/self/$H.pem" -pubkey -noout | openssl pkey -pubin -outform DER | sha512sum | cut -d' ' -f1)
CERT256=$(openssl x509 -in "$W/self/$H.pem" -outform DER | sha256sum | cut -d' ' -f1)
expect "DANE-EE 3 1 2 (SHA-512 of SPKI)" 0 "^auth: DANE-EE$" \
	--tlsa "3 1 2 $SPKI512" - $H $L "$P_SELF" /hello.txt
expect "DANE-EE 3 0 1 (SHA-256 of the certificate)" 0 "^auth: DANE-EE$" \
	--tlsa "3 0 1 $CERT256" - $H $L "$P_SELF" /hello.txt
expect "DANE-EE ignores the name (other.example cert)" 0 "^auth: DANE-EE$" \
	--tlsa "$(httpsbed_tlsa "$W/ca" other.example | cut -d' ' -f4)" - $H $L "$P_OTHER" /hello.txt
expect "DANE mismatch refused" 11 "DANE: none of the 1 usable TLSA records" \
	--tlsa "$TLSA_GOOD" - $H $L "$P_SELF" /hello.txt
expect "DANE mismatch refused although the CA vouches (dane-or-ca)" 11 "DANE: none" \
	--auth dane-or-ca --tlsa "$TLSA_SELF" "$CA" $H $L "$P_GOOD" /hello.txt
expect "dane-or-ca without TLSA falls back to CA" 0 "^auth: CA$" \
	--auth dane-or-ca "$CA" $H $L "$P_GOOD" /hello.txt
expect "dane-or-ca with a matching TLSA and no CA bundle" 0 "^auth: DANE-EE$" \
	--auth dane-or-ca --tlsa "$TLSA_SELF" - $H $L "$P_SELF" /hello.txt
expect "dane-or-ca with a CA bundle: TLSA match wins over a failing CA check" 0 "^auth: DANE-EE$" \
	--auth dane-or-ca --tlsa "$TLSA_SELF" "$CA" $H $L "$P_SELF" /hello.txt
expect "dane-or-ca with only unusable TLSA records falls back to CA" 0 "^auth: CA$" \
	--auth dane-or-ca --tlsa "1 0 1 $TLSA_SELF" "$CA" $H $L "$P_GOOD" /hello.txt
expect "dane-and-ca: match and CA" 0 "^auth: DANE-EE\+CA$" \
	--auth dane-and-ca --tlsa "$TLSA_GOOD" "$CA" $H $L "$P_GOOD" /hello.txt
expect "dane-and-ca: match but no CA refused" 11 "not correctly signed" \
	--auth dane-and-ca --tlsa "$TLSA_SELF" "$CA" $H $L "$P_SELF" /hello.txt
expect "PKIX-EE (usage 1) only: unusable, refused" 11 "none of its 1 secure TLSA records is usable" \
	--tlsa "1 0 1 $TLSA_GOOD" - $H $L "$P_SELF" /hello.txt
expect "DANE-TA (usage 2) matching no certificate the server sent: refused" 11 "DANE: none of the 1 usable" \
	--tlsa "2 0 1 $TLSA_GOOD" - $H $L "$P_SELF" /hello.txt
expect "one matching record among mismatching ones accepted" 0 "^auth: DANE-EE$" \
	--tlsa "$TLSA_GOOD" --tlsa "$TLSA_SELF" - $H $L "$P_SELF" /hello.txt

# ---- connection failures ----
expect "connection refused" 11 "connect to 127.0.0.1 port $P_MUTE" \
	"$CA" $H $L "$P_MUTE" /hello.txt
expect "plain http refused towards a non-loopback address" 2 "loopback" \
	--auth plain - $H 192.0.2.1 80 /hello.txt

# A hostile HTTP server (plain http on loopback): one canned answer per path.
evil_server() {
	P_EVILHTTP=$(it_free_port $((P_PUSH + 1)) 15519) || { it_fail "free port for the hostile server"; return; }
	cat > "$W/evil.py" <<'PY'
import socketserver, sys, time
class H(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            path = line.split(b" ")[1].decode()
            while self.rfile.readline(4096) not in (b"\r\n", b""):
                pass
            w = self.wfile.write
            if path == "/trunc":
                w(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"); return
            if path == "/smuggle":
                w(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"); return
            if path == "/fold":
                w(b"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 3\r\n\r\nabc"); return
            if path == "/endless-head":
                w(b"HTTP/1.1 200 OK\r\n")
                for i in range(20000): w(b"X-Pad: yyyyyyyyyyyyyyyyyy\r\n")
                return
            if path == "/endless-body":
                w(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                for i in range(100000): w(b"400\r\n" + b"z" * 1024 + b"\r\n")
                return
            if path == "/redirect":
                w(b"HTTP/1.1 301 Moved\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n"); continue
            if path == "/close":
                w(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbye\n"); return
            if path == "/eof-body":
                w(b"HTTP/1.1 200 OK\r\n\r\nuntil the end\n"); return
            if path == "/interim":
                w(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"); continue
            if path == "/slow":
                w(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                for i in range(1000):
                    w(b"s"); self.wfile.flush(); time.sleep(0.05)
                return
            w(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
	python3 "$W/evil.py" "$P_EVILHTTP" >"$W/evil.log" 2>&1 &
	PIDS="$PIDS $!"
	bed_listening "$P_EVILHTTP"
	E="--auth plain - localhost $L $P_EVILHTTP"
	expect "hostile: truncated body refused" 11 "truncated: connection closed after 10 of 100" $E /trunc
	expect "hostile: Content-Length with Transfer-Encoding refused" 11 "both Transfer-Encoding and Content-Length" $E /smuggle
	expect "hostile: obs-fold refused" 11 "obs-fold" $E /fold
	expect "hostile: endless header refused at 16 KiB" 11 "header block over 16384" $E /endless-head
	expect "hostile: endless chunked body stopped at MAXBYTES" 11 "larger than the cap of 50000" $E /endless-body 50000
	it_check "  ... exactly MAXBYTES delivered" test "$(wc -c < "$W/out")" -eq 50000
	expect "hostile: redirect not followed" 11 "HTTP 301 .*redirects are not followed" $E /redirect
	get "$W/out" --count 2 $E /close
	it_check "Connection: close honoured, next GET reconnects" \
		sh -c "[ \"\$(cat '$W/out')\" = \"\$(printf 'bye\nbye')\" ]"
	expect "body delimited by close (plain http)" 0 "auth: none" $E /eof-body
	it_check "  ... body intact" grep -qx "until the end" "$W/out"
	expect "1xx interim response skipped" 0 "auth: none" $E /interim
	it_check "  ... final body delivered" test "$(cat "$W/out")" = abc
	expect "slow drip stopped by the deadline" 11 "timed out" --deadline-ms 700 $E /slow
}

if command -v python3 >/dev/null 2>&1; then
	# A listener that never answers: the deadline must end the handshake.
	python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); time.sleep(30)' "$P_MUTE" &
	PIDS="$PIDS $!"
	python3 -m http.server --bind 127.0.0.1 --directory "$D" "$P_PLAIN" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	bed_listening "$P_MUTE" "$P_PLAIN"
	t0=$(date +%s%N)
	expect "silent server: deadline -> timed out" 11 "timed out" \
		--deadline-ms 800 "$CA" $H $L "$P_MUTE" /hello.txt
	t1=$(date +%s%N)
	it_check "  ... within 3 s" test $(( (t1 - t0) / 1000000 )) -lt 3000
	get "$W/out" --auth plain - localhost $L "$P_PLAIN" /model.bin
	it_check "plain http on loopback (HTTP/1.0, close-delimited or length)" cmp -s "$W/out" "$D/model.bin"
	it_check "  ... auth reported as none" grep -qx "auth: none (plain http)" "$IT_OUT"
	expect "plain http 404" 11 "404" --auth plain - localhost $L "$P_PLAIN" /nope
	evil_server
else
	echo "# python3 missing: deadline, plain-http and hostile-server checks skipped"
fi

# ---- the host is named by DNS-IDs only (RFC 9525 section 6.3) ----
# Certificates from the trusted CA: CN = the host with no subjectAltName
# (mbedTLS 2.28 alone falls back to the CN), CN = the host with only an IP
# address SAN, SAN = the host with another CN.  Each nginx server sends its
# leaf and the CA (for the DANE-TA cases).
cn_cert() {	# NAME SUBJECT [SAN]: DIR $W/cn, signed by $W/ca
	{ printf '[ req ]\ndistinguished_name = dn\n[ dn ]\n[ leaf ]\n'
	  printf 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n'
	  printf 'extendedKeyUsage = serverAuth\n'
	  [ -n "${3:-}" ] && printf 'subjectAltName = %s\n' "$3"; } > "$W/cn/$1.ext"
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/cn/$1.key" 2>/dev/null &&
	openssl req -new -key "$W/cn/$1.key" -subj "$2" -config "$W/cn/$1.ext" -out "$W/cn/$1.csr" &&
	openssl x509 -req -in "$W/cn/$1.csr" -sha256 -CA "$W/ca/ca.pem" -CAkey "$W/ca/ca.key" \
	    -set_serial "0x$(openssl rand -hex 8)" -days 30 -extfile "$W/cn/$1.ext" \
	    -extensions leaf -out "$W/cn/$1.leaf" 2>/dev/null &&
	cat "$W/cn/$1.leaf" "$W/ca/ca.pem" > "$W/cn/$1.pem"
}
mkdir -p "$W/cn"
P_CN=$(it_free_port 15510 15529)
P_IP=$(it_free_port $((P_CN + 1)) 15539)
P_SAN=$(it_free_port $((P_IP + 1)) 15549)
bed_on_exit 'httpsbed_stop "$W/cn" 2>/dev/null'
if cn_cert cnonly "/CN=$H" && cn_cert iponly "/CN=$H" "IP:127.0.0.1" &&
   cn_cert sanonly "/CN=not-the-host.example" "DNS:$H" &&
   httpsbed_start "$W/cn" "$P_CN" "$D" cnonly "$P_IP" iponly "$P_SAN" sanonly; then
	it_check "test certificate: CN only, no subjectAltName" \
		sh -c "openssl x509 -in '$W/cn/cnonly.leaf' -noout -text | grep -q 'Subject: CN *= *$H' && ! openssl x509 -in '$W/cn/cnonly.leaf' -noout -text | grep -q 'Subject Alternative Name'"
	NODNS="certificate \"$H\" has no DNS name \(subjectAltName dNSName\), so it cannot be for $H: a Common Name is never used as the host name \(RFC 9525 section 6.3\)"
	expect "CA: a CN-only certificate naming the host is refused" 11 "$NODNS" \
		"$CA" $H $L "$P_CN" /hello.txt
	expect "CA: CN = host with only an IP address SAN is refused" 11 "$NODNS" \
		"$CA" $H $L "$P_IP" /hello.txt
	expect "CA: a SAN certificate for the host is accepted whatever its CN" 0 "^auth: CA$" \
		"$CA" $H $L "$P_SAN" /hello.txt
	it_check "  ... body intact" test "$(cat "$W/out")" = hello
	TA=$(openssl x509 -in "$W/ca/ca.pem" -outform DER | sha256sum | cut -d' ' -f1)
	expect "DANE-TA: a CN-only leaf under the matched CA is refused" 11 "$NODNS" \
		--tlsa "2 0 1 $TA" - $H $L "$P_CN" /hello.txt
	expect "DANE-TA: a SAN leaf under the matched CA is accepted" 0 "^auth: DANE-TA$" \
		--tlsa "2 0 1 $TA" - $H $L "$P_SAN" /hello.txt
	expect "dane-and-ca with DANE-EE: the CA path still needs a DNS name" 11 "$NODNS" \
		--auth dane-and-ca --tlsa "$(httpsbed_tlsa "$W/cn" cnonly | cut -d' ' -f4)" "$CA" $H $L "$P_CN" /hello.txt
	expect "DANE-EE binds the key, not a name: a CN-only certificate is accepted" 0 "^auth: DANE-EE$" \
		--tlsa "$(httpsbed_tlsa "$W/cn" cnonly | cut -d' ' -f4)" - $H $L "$P_CN" /hello.txt
else
	it_fail "nginx with the CN-only certificates started"
fi

it_done
