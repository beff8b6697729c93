#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/cross/sysroot.sh ARCH DIR - a cross-build sysroot of UNPACKED Debian
# packages, without touching the host's dpkg (no dpkg --add-architecture, no
# multiarch install, so no need for the host's amd64 versions to match).
#
# ARCH is a Debian architecture (arm64, armhf, i386, ...).  A private apt
# configuration under DIR/.apt (its own state, cache, sources.list and an
# empty dpkg status; APT::Architecture=ARCH) reads deb.debian.org bookworm +
# bookworm-updates main, and bookworm-security main when its index for ARCH
# fetches cleanly.  Signatures (Signed-By the Debian archive keyring) and the
# .deb hashes are checked by apt as usual.  `apt-get install --download-only`
# fetches the -dev packages the client links (SYSROOT_PKGS) with their whole
# dependency closure, and `dpkg-deb -x` unpacks each .deb into DIR.
# Absolute symbolic links are then made relative, so DIR/usr/lib/... never
# points into the host's /lib.  The result serves both `gcc --sysroot=DIR`
# (Makefile CROSS_SYSROOT=DIR) and `qemu-ARCH-static -L DIR` (it holds the
# target's libc6 and dynamic loader).
#
# Idempotent: DIR/.stamp lists the requested packages and every unpacked
# package with its version; when it exists and the request is the same, the
# script only says so (no network).  Remove DIR to refresh.  Runs as root or
# not (apt-get runs with a private lock and, as root, unsandboxed).
# Environment: SYSROOT_MIRROR (default http://deb.debian.org), SYSROOT_PKGS.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 ARCH DIR" >&2; exit 2; }
ARCH=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
MIRROR=${SYSROOT_MIRROR:-http://deb.debian.org}
PKGS=${SYSROOT_PKGS:-libc6-dev libsodium-dev libmbedtls-dev libunbound-dev libarchive-dev libjansson-dev libinih-dev nettle-dev libevent-dev libzstd-dev zlib1g-dev}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
A=$DIR/.apt
STAMP=$DIR/.stamp
REQ="request: $ARCH $PKGS"

if [ -f "$STAMP" ] && [ "$(head -n 1 "$STAMP")" = "$REQ" ]; then
	echo "sysroot $ARCH: up to date in $DIR ($(($(wc -l <"$STAMP") - 1)) packages)"
	exit 0
fi
[ -r "$KEYRING" ] || { echo "sysroot $ARCH: $KEYRING missing (debian-archive-keyring)" >&2; exit 1; }
# A new or changed request starts from an empty tree (only .apt is kept);
# a non-empty DIR that this script did not make is refused.
if [ -n "$(ls -A "$DIR")" ] && [ ! -d "$A" ]; then
	echo "sysroot $ARCH: $DIR is not empty and not a sysroot made by $0" >&2
	exit 1
fi
find "$DIR" -mindepth 1 -maxdepth 1 ! -name .apt -exec rm -rf {} +
rm -f "$A"/cache/archives/*.deb
mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$A/etc/sources.list.d" \
    "$A/etc/preferences.d"
: >"$A/status"

sources() {	# $1 = with security (1) or not (0)
	echo "deb [signed-by=$KEYRING] $MIRROR/debian bookworm main"
	echo "deb [signed-by=$KEYRING] $MIRROR/debian bookworm-updates main"
	[ "$1" -eq 0 ] ||
		echo "deb [signed-by=$KEYRING] $MIRROR/debian-security bookworm-security main"
}

apt_() {
	set -- -q -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH" \
	    -o "Dir::State=$A/state" -o "Dir::State::status=$A/status" \
	    -o "Dir::Cache=$A/cache" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" \
	    -o "Dir::Etc::sourcelist=$A/etc/sources.list" \
	    -o "Dir::Etc::sourceparts=$A/etc/sources.list.d" \
	    -o "Dir::Etc::preferences=$A/etc/preferences" \
	    -o "Dir::Etc::preferencesparts=$A/etc/preferences.d" \
	    -o "Acquire::Languages=none" -o "APT::Install-Recommends=false" \
	    -o "APT::Sandbox::User=$(id -un)" "$@"
	apt-get "$@"
}

update() {	# retried: a mirror caught mid-sync fails one index now and then
	for i in 1 2 3; do
		apt_ update >"$A/update.log" 2>&1 && ! grep -q '^[WE]:' "$A/update.log" && return 0
		[ "$i" -eq 3 ] || sleep $((i * 3))
	done
	return 1
}

sources 1 >"$A/etc/sources.list"
if ! update; then
	echo "sysroot $ARCH: bookworm-security index for $ARCH does not fetch cleanly" \
	    "($(grep -m 1 '^[WE]:' "$A/update.log" | sed 's/ *\[IP:.*//' | cut -c 1-200)); security updates are left out of this test sysroot"
	sources 0 >"$A/etc/sources.list"
	rm -rf "$A/state/lists"
	mkdir -p "$A/state/lists/partial"
	update || { cat "$A/update.log" >&2; echo "sysroot $ARCH: apt-get update failed" >&2; exit 1; }
fi

# shellcheck disable=SC2086
apt_ install -y --download-only $PKGS >"$A/install.log" 2>&1 ||
	{ tail -n 30 "$A/install.log" >&2; echo "sysroot $ARCH: download failed" >&2; exit 1; }

# Unpack the closure apt resolved (the archive cache was emptied above).
list=$A/debs
: >"$list"
for deb in "$A"/cache/archives/*.deb; do
	[ -f "$deb" ] || continue
	echo "$deb" >>"$list"
done
[ -s "$list" ] || { echo "sysroot $ARCH: nothing downloaded" >&2; exit 1; }
: >"$A/pkgs"
while read -r deb; do
	dpkg-deb -x "$deb" "$DIR"
	dpkg-deb -f "$deb" Package Version | tr '\n' ' ' | sed 's/Package: //; s/ Version: / /; s/ $/\n/' >>"$A/pkgs"
done <"$list"

# Absolute links (e.g. usr/lib/TRIPLE/libfoo.so -> /lib/TRIPLE/libfoo.so.1)
# would resolve on the host: make them relative to their place in DIR.
find "$DIR" -path "$A" -prune -o -type l -lname '/*' -print | while read -r l; do
	t=$(readlink "$l")
	rel=$(realpath -m --relative-to="$(dirname "$l")" "$DIR$t")
	ln -sfn "$rel" "$l"
done
# glibc's linker scripts name absolute paths (GROUP ( /lib/TRIPLE/libc.so.6
# ...)); GNU ld prefixes them with --sysroot only when it is given, which the
# Makefile does.  Nothing to rewrite.

rm -f "$A"/cache/archives/*.deb	# unpacked; only the stamp is kept
{ printf '%s\n' "$REQ"; sort "$A/pkgs"; } >"$STAMP"
echo "sysroot $ARCH: $(($(wc -l <"$STAMP") - 1)) packages unpacked in $DIR"
