# SPDX-License-Identifier: ISC
# tests/testbed/https.sh - an HTTPS test bed: a private CA (P-256, since
# mbedTLS 2.28 has no Ed25519 certificates) and a real nginx serving static
# files over TLS on 127.0.0.1.
#
# Source it (POSIX sh) after tests/testbed/proc.sh (bed.sh sources both), then:
#
#   httpsbed_ca DIR
#       Make a private CA in DIR: DIR/ca.pem (the trust anchor to give the
#       client as ca_file) and DIR/ca.key.  Use another DIR for a second CA
#       that the client does not trust.
#   httpsbed_cert DIR NAME
#       A server certificate for NAME (subjectAltName DNS:NAME, serverAuth),
#       signed by DIR's CA: DIR/NAME.pem and DIR/NAME.key.
#   httpsbed_selfsigned DIR NAME
#       The same, but self-signed: no CA vouches for it (DANE-EE tests).
#   httpsbed_tlsa DIR NAME
#       Print the DANE-EE TLSA data of DIR/NAME.pem: "3 1 1 <SHA-256 of the
#       SubjectPublicKeyInfo, hex>".
#   httpsbed_start DIR PORT DOCROOT CERTNAME [PORT CERTNAME]...
#       Run one nginx (foreground mode, in the background of the shell) with
#       one TLS server block per PORT, each listening on 127.0.0.1:PORT with
#       DIR/CERTNAME.pem, all serving the files under DOCROOT.  TLS 1.2 and
#       1.3 allowed.  Every path (config, pid, logs, temp dirs) is under DIR.
#       /chunked/FILE serves FILE with Transfer-Encoding: chunked.
#       DIR/access.log lines are "CONNECTION REQUESTS-ON-IT STATUS REQUEST"
#       ($connection $connection_requests), to check keep-alive.
#       Returns non-zero if nginx is not up within 5 seconds.
#       Environment: HTTPSBED_KEEPALIVE_S (default 75) keep-alive timeout;
#       HTTPSBED_LIMIT_RATE (e.g. 2m) nginx limit_rate per response (slow
#       downloads for kill tests), from HTTPSBED_LIMIT_RATE_AFTER bytes on
#       (default 0); HTTPSBED_LOG_FORMAT another access log format (nginx
#       variables, e.g. '$status range="$http_range" $request');
#       HTTPSBED_MAX_RANGES nginx max_ranges (0: a server that ignores
#       Range and answers 200 with the whole file).
#       HTTPSBED_PROXY="PATH URL" proxies PATH to URL (proxy_pass; the
#       collector aiupdate-fleet behind nginx, tests/integration/collector.sh),
#       with HTTPSBED_BODY_MAX (default 1m) as client_max_body_size.
#   httpsbed_stop DIR
#       Stop that nginx by the PID recorded at start; safe to call twice.
#
# Environment for certificate making: HTTPSBED_DAYS (default 3650) validity;
# HTTPSBED_FAKETIME (e.g. "2020-01-01 00:00:00") makes certificates as of
# that time through faketime (for tests running the client with a fake clock).
# Needs openssl and nginx (Debian nginx-light is enough).  Nothing listens
# anywhere but 127.0.0.1; Debian's own nginx service, if any, is left alone.

httpsbed_openssl() {
	if [ -n "${HTTPSBED_FAKETIME:-}" ]; then
		faketime "$HTTPSBED_FAKETIME" openssl "$@"
	else
		openssl "$@"
	fi
}

httpsbed_ca() {
	_dir=$1
	mkdir -p "$_dir" || return 1
	cat > "$_dir/ca.ext" <<'EOF'
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
	httpsbed_openssl ecparam -name prime256v1 -genkey -noout \
	    -out "$_dir/ca.key" 2>/dev/null &&
	httpsbed_openssl req -x509 -new -sha256 -key "$_dir/ca.key" \
	    -days "${HTTPSBED_DAYS:-3650}" -config "$_dir/ca.ext" \
	    -extensions ca -subj "/CN=aiupdate test CA $(basename "$_dir")" \
	    -set_serial "0x$(openssl rand -hex 8)" -out "$_dir/ca.pem" ||
	    { echo "httpsbed_ca: openssl failed for $_dir" >&2; return 1; }
}

# httpsbed_leaf_ext DIR NAME: the extensions of a server certificate
httpsbed_leaf_ext() {
	cat > "$1/$2.ext" <<EOF
[ req ]
distinguished_name = dn
[ dn ]
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$2
EOF
}

httpsbed_cert() {
	_dir=$1 _name=$2
	[ -f "$_dir/ca.key" ] || { echo "httpsbed_cert: no CA in $_dir (httpsbed_ca first)" >&2; return 1; }
	httpsbed_leaf_ext "$_dir" "$_name"
	httpsbed_openssl ecparam -name prime256v1 -genkey -noout \
	    -out "$_dir/$_name.key" 2>/dev/null &&
	httpsbed_openssl req -new -key "$_dir/$_name.key" -subj "/CN=$_name" \
	    -config "$_dir/$_name.ext" -out "$_dir/$_name.csr" &&
	httpsbed_openssl x509 -req -in "$_dir/$_name.csr" -sha256 \
	    -CA "$_dir/ca.pem" -CAkey "$_dir/ca.key" \
	    -set_serial "0x$(openssl rand -hex 8)" \
	    -days "${HTTPSBED_DAYS:-3650}" -extfile "$_dir/$_name.ext" \
	    -extensions leaf -out "$_dir/$_name.pem" 2>/dev/null ||
	    { echo "httpsbed_cert: openssl failed for $_name" >&2; return 1; }
}

httpsbed_selfsigned() {
	_dir=$1 _name=$2
	mkdir -p "$_dir" || return 1
	httpsbed_leaf_ext "$_dir" "$_name"
	httpsbed_openssl ecparam -name prime256v1 -genkey -noout \
	    -out "$_dir/$_name.key" 2>/dev/null &&
	httpsbed_openssl req -x509 -new -sha256 -key "$_dir/$_name.key" \
	    -subj "/CN=$_name" -config "$_dir/$_name.ext" -extensions leaf \
	    -set_serial "0x$(openssl rand -hex 8)" \
	    -days "${HTTPSBED_DAYS:-3650}" -out "$_dir/$_name.pem" ||
	    { echo "httpsbed_selfsigned: openssl failed for $_name" >&2; return 1; }
}

httpsbed_tlsa() {
	_h=$(openssl x509 -in "$1/$2.pem" -pubkey -noout |
	    openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
	[ ${#_h} -eq 64 ] || return 1
	echo "3 1 1 $_h"
}

# httpsbed_conf DIR DOCROOT PORT CERT [PORT CERT]...: write DIR/nginx.conf
httpsbed_conf() {
	_dir=$1 _root=$2
	shift 2
	_user=""
	[ "$(id -u)" -eq 0 ] && _user="user root root;"
	_proxy=""
	[ -n "${HTTPSBED_PROXY:-}" ] && _proxy="location ${HTTPSBED_PROXY%% *} { proxy_pass ${HTTPSBED_PROXY#* }; client_max_body_size ${HTTPSBED_BODY_MAX:-1m}; }"
	cat > "$_dir/nginx.conf" <<EOF
# written by tests/testbed/https.sh
daemon off;
master_process on;
worker_processes 1;
$_user
pid $_dir/nginx.pid;
error_log $_dir/error.log info;
events { worker_connections 64; }
http {
	log_format conn '${HTTPSBED_LOG_FORMAT:-\$connection \$connection_requests \$status \$request}';
	access_log $_dir/access.log conn;
	client_body_temp_path $_dir/tmp/body;
	proxy_temp_path $_dir/tmp/proxy;
	fastcgi_temp_path $_dir/tmp/fastcgi;
	uwsgi_temp_path $_dir/tmp/uwsgi;
	scgi_temp_path $_dir/tmp/scgi;
	default_type application/octet-stream;
	server_tokens off;
	sendfile on;
	keepalive_timeout ${HTTPSBED_KEEPALIVE_S:-75}s;
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_session_cache off;
EOF
	while [ $# -ge 2 ]; do
		cat >> "$_dir/nginx.conf" <<EOF
	server {
		listen 127.0.0.1:$1 ssl;
		server_name $2;
		ssl_certificate $_dir/$2.pem;
		ssl_certificate_key $_dir/$2.key;
		root $_root;
		location / { ${HTTPSBED_LIMIT_RATE:+limit_rate $HTTPSBED_LIMIT_RATE;} ${HTTPSBED_LIMIT_RATE_AFTER:+limit_rate_after $HTTPSBED_LIMIT_RATE_AFTER;} ${HTTPSBED_MAX_RANGES:+max_ranges $HTTPSBED_MAX_RANGES;} }
		# the same files with chunked transfer coding (SSI drops the length)
		location /chunked/ { alias $_root/; ssi on; ssi_types *; }
		$_proxy
	}
EOF
		shift 2
	done
	echo "}" >> "$_dir/nginx.conf"
}

httpsbed_start() {
	_dir=$1 _port=$2 _root=$3 _cert=$4
	shift 4
	[ -f "$_dir/$_cert.pem" ] || { echo "httpsbed_start: no $_dir/$_cert.pem" >&2; return 1; }
	_dir=$(cd "$_dir" && pwd) && _root=$(cd "$_root" && pwd) || return 1
	mkdir -p "$_dir/tmp" || return 1
	rm -f "$_dir/nginx.pid"
	httpsbed_conf "$_dir" "$_root" "$_port" "$_cert" "$@"
	nginx -p "$_dir/" -c "$_dir/nginx.conf" -e "$_dir/error.log" \
	    >"$_dir/nginx.out" 2>&1 &
	echo $! > "$_dir/nginx.pidbg"
	# nginx writes its pid file once every socket is listening.
	testbed_wait "$_dir/nginx.pidbg" test -s "$_dir/nginx.pid" && return 0
	echo "httpsbed_start: nginx did not start on 127.0.0.1:$_port; see $_dir/error.log $_dir/nginx.out" >&2
	httpsbed_stop "$_dir"
	return 1
}

httpsbed_stop() {
	testbed_stop "$1/nginx.pidbg"
}
