#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/testbed/deps.sh - installs the Debian 12 packages that the build, the
# tests and the demo need.  Needs root (apt-get); as another user it only
# reports what is missing.
set -eu
PKGS="build-essential clang pkg-config
libunbound-dev libmbedtls-dev libsodium-dev libarchive-dev libjansson-dev libinih-dev
libevent-dev libzstd-dev libmicrohttpd-dev libsqlite3-dev
nettle-dev
nsd ldnsutils bind9-dnsutils nginx-light openssl ca-certificates curl
faketime tesseract-ocr tesseract-ocr-eng imagemagick fonts-dejavu-core
zstd gzip tar casync chromium python3 python3-cryptography-vectors dns-root-data
systemd man-db groff-base util-linux bsdutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# The interop tests' npm packages (tuf-js, sigstore and standardwebhooks, pinned in tests/interop/package-lock.json;
# Node 20 and npm come with the machine image).
npm_deps() {
	[ -f "$(dirname "$0")/../interop/node_modules/tuf-js/package.json" ] &&
		[ -f "$(dirname "$0")/../interop/node_modules/sigstore/package.json" ] &&
		[ -f "$(dirname "$0")/../interop/node_modules/standardwebhooks/package.json" ] && return 0
	if command -v npm >/dev/null 2>&1; then
		echo "deps: npm ci --prefix tests/interop"
		npm ci --prefix "$(dirname "$0")/../interop" --no-audit --no-fund >/dev/null
	else
		echo "deps: npm not found: the interop tests will fail" >&2
	fi
}
[ -z "$missing" ] && { echo "deps: all packages present"; npm_deps; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
npm_deps
echo "deps: done"
