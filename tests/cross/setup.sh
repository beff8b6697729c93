#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/cross/setup.sh [TRIPLE...] - installs what the ARM cross builds and
# their tests under qemu need (Debian 12, multiarch; DESIGN.md "Cross
# builds"): the cross compiler, libc6-dev and the -dev packages of every
# library the client links, for each architecture, plus qemu-user-static.
# Default triples: aarch64-linux-gnu arm-linux-gnueabihf.
#
# Idempotent: with everything present it only says so.  Needs root to
# install; as another user it reports what is missing and fails.  One
# architecture at a time: when the package index of a newly added
# architecture cannot be fetched (a mirror caught mid-sync), that
# architecture is removed again, so apt keeps working for everything else,
# and the script fails for it.
set -u
[ $# -gt 0 ] || set -- aarch64-linux-gnu arm-linux-gnueabihf
LIBS="libc6-dev libsodium-dev libmbedtls-dev libunbound-dev libarchive-dev libjansson-dev libinih-dev nettle-dev"
export DEBIAN_FRONTEND=noninteractive
rc=0

missing_of() {	# packages of $@ not installed
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf ' %s' "$p"
	done
}

apt_update() {	# retried: a mirror caught mid-sync fails one index now and then
	for i in 1 2 3; do
		apt-get update -qq && return 0
		echo "cross setup: apt-get update failed (try $i)" >&2
		sleep $((i * 5))
	done
	return 1
}

setup_one() {	# triple
	case "$1" in
	aarch64-linux-gnu) a=arm64 q=qemu-user-static ;;
	arm-linux-gnueabihf) a=armhf q=qemu-user-static ;;
	*) echo "cross setup: unknown triple $1" >&2; return 2 ;;
	esac
	pkgs="$q gcc-$1"
	for l in $LIBS; do pkgs="$pkgs $l:$a"; done
	# shellcheck disable=SC2086
	missing=$(missing_of $pkgs)
	[ -z "$missing" ] && { echo "cross setup $1: all packages present"; return 0; }
	if [ "$(id -u)" -ne 0 ]; then
		echo "cross setup $1: missing packages:$missing (run as root)" >&2
		return 1
	fi
	added=0
	if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
		dpkg --add-architecture "$a" && added=1
	fi
	echo "cross setup $1: installing$missing"
	if ! apt_update; then
		if [ "$added" -eq 1 ]; then
			echo "cross setup $1: the $a package index cannot be fetched;" \
			    "removing architecture $a again" >&2
			dpkg --remove-architecture "$a"
			apt-get update -qq >/dev/null 2>&1
			return 1
		fi
		echo "cross setup $1: apt-get update failed; trying the install anyway" >&2
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "cross setup $1: install failed" >&2; return 1; }
	echo "cross setup $1: done"
}

for t in "$@"; do
	setup_one "$t" || rc=1
done
exit "$rc"
