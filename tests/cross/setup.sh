#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/cross/setup.sh [TRIPLE...] - what the cross builds and their tests
# need (Debian 12), without multiarch: the cross compiler gcc-TRIPLE and
# qemu-user-static (amd64 packages, installed with apt-get as root), and a
# sysroot per triple built by tests/cross/sysroot.sh from unpacked Debian
# packages (libc6 and the -dev packages of every library the client links)
# under $CROSS_SYSROOTS/ARCH (tests/cross/triples.sh: /var/cache/aiupdate-cross
# as root, else ~/.cache/aiupdate-cross).  The host's dpkg architectures are
# left alone.  Default triples: aarch64-linux-gnu arm-linux-gnueabihf
# i686-linux-gnu.
#
# Idempotent: with the packages present and each sysroot's stamp matching,
# it only says so.  As another user than root it reports missing packages
# and fails for that triple (the sysroot needs no root).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/cross/triples.sh
# shellcheck disable=SC2086
[ $# -gt 0 ] || set -- $CROSS_TRIPLES
export DEBIAN_FRONTEND=noninteractive
rc=0
updated=0

missing_of() {	# packages of $@ not installed
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf ' %s' "$p"
	done
}

apt_update() {	# once per run; a failing index of another suite is not fatal
	[ "$updated" -eq 1 ] && return 0
	updated=1
	apt-get update -qq || echo "cross setup: apt-get update reported errors; trying the install anyway" >&2
}

tools_of() {	# triple: the amd64 packages it needs
	q=""
	[ -n "$(cross_qemu "$1")" ] && q=qemu-user-static
	echo "gcc-$1 $q"
}

setup_one() {	# triple
	cross_arch "$1" >/dev/null || return 2
	# shellcheck disable=SC2046
	missing=$(missing_of $(tools_of "$1"))
	if [ -n "$missing" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "cross setup $1: missing packages:$missing (run as root)" >&2
			return 1
		fi
		echo "cross setup $1: installing$missing"
		apt_update
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
			{ echo "cross setup $1: install failed" >&2; return 1; }
	fi
	sh tests/cross/sysroot.sh "$(cross_arch "$1")" "$(cross_sysroot "$1")" ||
		{ echo "cross setup $1: sysroot failed" >&2; return 1; }
	echo "cross setup $1: ready"
}

for t in "$@"; do
	setup_one "$t" || rc=1
done
exit "$rc"
