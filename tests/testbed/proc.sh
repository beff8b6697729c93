# SPDX-License-Identifier: ISC
# tests/testbed/proc.sh - servers run in the background of the test shell,
# each known by the PID file its start wrote.  bed.sh sources it before
# dns.sh and https.sh, which use it.
#
#   testbed_wait PIDFILE COMMAND...
#       Wait up to 5 seconds for COMMAND to succeed while that process
#       lives; non-zero if it never did.
#   testbed_stop PIDFILE
#       Stop that process (TERM; KILL after 5 seconds), remove PIDFILE and
#       reap it; safe to call twice.

testbed_wait() {
	_pf=$1
	shift
	_i=0
	while [ $_i -lt 50 ]; do
		"$@" && return 0
		kill -0 "$(cat "$_pf")" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

testbed_stop() {
	[ -f "$1" ] || return 0
	_pid=$(cat "$1")
	rm -f "$1"
	if kill "$_pid" 2>/dev/null; then
		_i=0
		while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -0 "$_pid" 2>/dev/null && kill -9 "$_pid" 2>/dev/null
	fi
	wait "$_pid" 2>/dev/null
	return 0
}
