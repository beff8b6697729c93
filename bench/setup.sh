#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/setup.sh - the Debian packages `make bench` needs beyond the test
# suite's (tests/testbed/deps.sh): GNU time and strace for the figures, and
# rauc and swupdate to measure their footprint beside aiupdate's.  Needs
# root; idempotent.  Not run by CI.
set -eu
missing=""
for p in time strace curl rauc swupdate; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "bench setup: all packages present"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "bench setup: missing:$missing (run as root)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "bench setup: installed$missing"
