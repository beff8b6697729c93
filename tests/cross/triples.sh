# SPDX-License-Identifier: ISC
# tests/cross/triples.sh - what tests/cross/setup.sh and run.sh know about
# each cross triple.  Source it (POSIX sh).
#
#   CROSS_TRIPLES        the default list: aarch64-linux-gnu arm-linux-gnueabihf i686-linux-gnu
#   cross_arch TRIPLE    Debian architecture (arm64, armhf, i386)
#   cross_multiarch TRIPLE   multiarch directory (i686-linux-gnu -> i386-linux-gnu)
#   cross_sysroot TRIPLE the sysroot directory (tests/cross/sysroot.sh builds it):
#                        $CROSS_SYSROOTS/ARCH; CROSS_SYSROOTS defaults to
#                        /var/cache/aiupdate-cross as root, else
#                        ${XDG_CACHE_HOME:-$HOME/.cache}/aiupdate-cross
#   cross_qemu TRIPLE    the qemu-user-static binary, "" when the host runs
#                        the target natively (i686 on x86_64)
#   cross_runner TRIPLE  the command prefix that runs a target binary with
#                        the sysroot's loader and libraries:
#                        qemu-ARCH-static -L SYSROOT, or for i686
#                        SYSROOT/lib/ld-linux.so.2 --library-path SYSROOT/lib/i386-linux-gnu:SYSROOT/usr/lib/i386-linux-gnu
#                        (neither sets LD_LIBRARY_PATH, so nothing leaks
#                        into the native programs a client spawns)

CROSS_TRIPLES="aarch64-linux-gnu arm-linux-gnueabihf i686-linux-gnu"

cross_arch() {
	case "$1" in
	aarch64-linux-gnu) echo arm64 ;;
	arm-linux-gnueabihf) echo armhf ;;
	i686-linux-gnu) echo i386 ;;
	*) echo "cross: unknown triple $1" >&2; return 1 ;;
	esac
}

cross_multiarch() {
	case "$1" in
	i686-linux-gnu) echo i386-linux-gnu ;;
	*) echo "$1" ;;
	esac
}

cross_sysroot() {
	_a=$(cross_arch "$1") || return 1
	if [ -z "${CROSS_SYSROOTS:-}" ]; then
		if [ "$(id -u)" -eq 0 ]; then
			CROSS_SYSROOTS=/var/cache/aiupdate-cross
		else
			CROSS_SYSROOTS=${XDG_CACHE_HOME:-$HOME/.cache}/aiupdate-cross
		fi
	fi
	echo "$CROSS_SYSROOTS/$_a"
}

cross_qemu() {
	case "$1" in
	aarch64-linux-gnu) echo qemu-aarch64-static ;;
	arm-linux-gnueabihf) echo qemu-arm-static ;;
	i686-linux-gnu) echo "" ;;
	*) return 1 ;;
	esac
}

cross_runner() {
	_s=$(cross_sysroot "$1") && _q=$(cross_qemu "$1") || return 1
	if [ -n "$_q" ]; then
		echo "$_q -L $_s"
	else
		_m=$(cross_multiarch "$1")
		echo "$_s/lib/ld-linux.so.2 --library-path $_s/lib/$_m:$_s/usr/lib/$_m"
	fi
}
