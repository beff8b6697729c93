#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/ship.sh - the product as a firmware builder ships it:
# make install / uninstall, the systemd units (systemd-analyze verify and
# security), the man pages (rendered without warnings, and complete: every
# option, config key, subcommand and exit status), logging to syslog, the
# progress bar on a terminal only, and the messages for common deployment
# mistakes (missing or wrong trust root, unusable state dir, no SRV record).
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

bed_init ship
SYSLOG_PID=""
bed_on_exit '[ -n "$SYSLOG_PID" ] && kill "$SYSLOG_PID"'
chmod 755 "$W"
MAKE="make -s --no-print-directory O=$B"

# ---- make install / uninstall ----
it_exit "make install PREFIX=/usr DESTDIR=..." 0 $MAKE install PREFIX=/usr DESTDIR="$W/img"
for f in usr/bin/aiupdate usr/bin/aiupdate-repo usr/share/man/man8/aiupdate.8 \
    usr/share/man/man1/aiupdate-repo.1 usr/share/man/man5/aiupdate.conf.5 \
    usr/lib/systemd/system/aiupdate.service usr/lib/systemd/system/aiupdate.timer \
    etc/aiupdate/aiupdate.conf.example; do
	it_check "installed /$f" test -f "$W/img/$f"
done
it_check "commands are executable" test -x "$W/img/usr/bin/aiupdate" -a -x "$W/img/usr/bin/aiupdate-repo"
it_check "the service runs the installed binary" grep -qx 'ExecStart=/usr/bin/aiupdate --apply --syslog -c /etc/aiupdate/aiupdate.conf' \
	"$W/img/usr/lib/systemd/system/aiupdate.service"
it_exit "the installed binary runs" 0 "$W/img/usr/bin/aiupdate" --version
it_exit "make uninstall removes every installed file" 0 $MAKE uninstall PREFIX=/usr DESTDIR="$W/img"
it_check "nothing but empty directories left" test -z "$(find "$W/img" -type f)"

# ---- systemd units ----
P=$W/prefix
$MAKE install PREFIX="$P" SYSCONFDIR="$P/etc" >/dev/null 2>&1
U=$P/lib/systemd/system
# verify checks ExecStart exists and the Documentation= man pages open.
it_exit "systemd-analyze verify aiupdate.service aiupdate.timer" 0 \
	env MANPATH="$P/share/man" systemd-analyze verify "$U/aiupdate.service" "$U/aiupdate.timer"
it_check "verify printed no complaint" test ! -s "$IT_OUT"
it_exit "systemd-analyze security (offline)" 0 systemd-analyze security --offline=true --no-pager "$U/aiupdate.service"
it_grep "exposure level OK or better" "Overall exposure level for aiupdate.service: [0-2]\.[0-9] "
for k in Type=oneshot ProtectSystem=strict ReadWritePaths=/var/lib/aiupdate NoNewPrivileges=yes \
    PrivateTmp=yes 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' SystemCallFilter=@system-service; do
	it_check "service sets $k" grep -qx "$k" "$U/aiupdate.service"
done
for k in 'OnBootSec=' 'OnUnitActiveSec=' 'RandomizedDelaySec=' 'Persistent=true' 'WantedBy=timers.target'; do
	it_check "timer sets $k" grep -q "^$k" "$U/aiupdate.timer"
done
sed 's/^Type=oneshot/Type=oneshoot/' "$U/aiupdate.service" > "$W/broken.service"
env MANPATH="$P/share/man" systemd-analyze verify "$W/broken.service" >"$W/broken.out" 2>&1
it_check "verify complains about a broken unit (the check can fail)" grep -q "Failed to parse service type" "$W/broken.out"

# ---- man pages: rendered without warnings ----
for m in man/aiupdate.8 man/aiupdate-repo.1 man/aiupdate.conf.5; do
	it_exit "man -l $m" 0 env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m"
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>"$W/man.err" >"$W/$(basename "$m").txt"
	it_check "$m: no warnings" test ! -s "$W/man.err"
	it_exit "groff -man -ww $m" 0 groff -man -ww -z "$m"
	it_check "$m: groff silent" test ! -s "$IT_OUT"
done
printf '.TH X 1\n.SH NAME\n.BX foo\n' > "$W/bad.1"
groff -man -ww -z "$W/bad.1" 2>"$W/bad.err"
it_check "groff -ww does warn on a broken page (the check can fail)" test -s "$W/bad.err"

# ---- man pages: complete ----
M8=$W/aiupdate.8.txt M5=$W/aiupdate.conf.5.txt M1=$W/aiupdate-repo.1.txt
missing=""
for o in $($AIUPDATE --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
	grep -q -- "$o" "$M8" || missing="$missing $o"
done
it_check "aiupdate(8) documents every option of --help${missing:+ (missing:$missing)}" test -z "$missing"
missing=""
for s in $($AIUPDATE --help | sed -n '/^exit status/,$p' | grep -oE '^ +[0-9]+ ' | tr -d ' '); do
	grep -Eq "^       $s( |\$)" "$M8" || missing="$missing $s"
done
it_check "aiupdate(8) documents every exit status${missing:+ (missing:$missing)}" test -z "$missing"
missing=""
for k in $(grep -oE 'KEY\("[a-z_]+", "[a-z_0-9]+"\)' client/config.c | sed 's/.*, "\(.*\)")/\1/' | sort -u) \
    $(sed -n '/^set_fleet/,/^}/p;/^set_install/,/^}/p' client/config.c | grep -oE 'strcmp\(name, "[a-z_]+"\)' | sed 's/.*"\(.*\)".*/\1/'); do
	grep -Eq "^       $k( |\$)" "$M5" || missing="$missing $k"
done
it_check "aiupdate.conf(5) documents every config key${missing:+ (missing:$missing)}" test -z "$missing"
missing=""
for s in $(grep -oE '^	\{ "[a-z-]+", au_repo_cmd' repo/main.c | cut -d'"' -f2); do
	grep -q "$s" "$M1" || missing="$missing $s"
done
for o in $($AIUREPO --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
	grep -q -- "$o" "$M1" || missing="$missing $o"
done
it_check "aiupdate-repo(1) documents every command and option${missing:+ (missing:$missing)}" test -z "$missing"

# ---- a repository and a device, offline (--from) ----
R=$W/repo
$AIUREPO init "$R" >/dev/null
head -c 3000000 /dev/urandom > "$W/model.bin"
$AIUREPO add "$R" "$W/model.bin" --name models/model.bin >/dev/null
$AIUREPO publish "$R" >/dev/null && $AIUREPO export "$R" "$W/usb" >/dev/null
mkconf() {	# FILE STATE_DIR TRUSTED_ROOT [ZONE]
	if [ -n "${4:-}" ]; then
		bed_conf "$1" state="$2" root="$3" zone="$4" ca=-
	else
		bed_conf "$1" state="$2" root="$3" domain=updates.invalid
	fi
}

# ---- clear messages for common mistakes ----
mkconf "$W/noroot.conf" "$W/dev1" "$W/etc/root.json"
it_exit "a trusted_root that does not exist" 2 $AIUPDATE -c "$W/noroot.conf" --check --from "$W/usb"
it_grep "says so, with the fix" "^  \[repository\] trusted_root $W/etc/root.json does not exist: point it at the root metadata baked into the image \(aiupdate-repo init writes it as public/metadata/1.root.json\)$"
mkconf "$W/tsroot.conf" "$W/dev1" "$R/public/metadata/timestamp.json"
it_exit "a trusted_root that is not a root role" 2 $AIUPDATE -c "$W/tsroot.conf" --check --from "$W/usb"
it_grep "says which role it is" "^  \[repository\] trusted_root $R/public/metadata/timestamp.json is TUF timestamp metadata, not a root role: point it at"
touch "$W/afile"
mkconf "$W/sdfile.conf" "$W/afile/state" "$R/public/metadata/1.root.json"
it_exit "a state_dir under a regular file" 2 $AIUPDATE -c "$W/sdfile.conf" --check --from "$W/usb"
it_grep "names the part that is not a directory" "^  \[install\] state_dir $W/afile/state cannot be used: $W/afile is not a directory$"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$W/rootowned" && chmod 755 "$W/rootowned"
	mkconf "$W/ro.conf" "$W/rootowned/state" "$R/public/metadata/1.root.json"
	chmod 644 "$W/ro.conf"
	it_exit "a state_dir the service user cannot write" 2 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		$AIUPDATE -c "$W/ro.conf" --check --from "$W/usb"
	it_grep "says it is not writable, and what to do" "^  \[install\] state_dir $W/rootowned/state cannot be used: $W/rootowned is not writable \(Permission denied\); the service needs write access to it \(ReadWritePaths=, owner\)$"
else
	it_ok "state_dir not writable: skipped (needs root and setpriv to switch user)"
fi
DNS_PORT=$(it_free_port 15900 15949)
dnsbed_zone "$W/dns" nosrv 443 nosrv /
if dnsbed_start "$W/dns" "$DNS_PORT"; then
	mkconf "$W/nosrv.conf" "$W/dev2" "$R/public/metadata/1.root.json" nosrv
	it_exit "a domain with no SRV record" 10 $AIUPDATE -c "$W/nosrv.conf" --check
	it_grep "names the record that is missing, provably" "_aiupdate._tcp.nosrv.aiutest SRV: no such record \(secure NODATA\); no SVCB or HTTPS record either"
	dnsbed_stop "$W/dns"
else
	it_fail "NSD started"
fi

# ---- progress bar: on a terminal only, never with --json ----
mkconf "$W/dev.conf" "$W/dev3" "$R/public/metadata/1.root.json"
it_exit "apply on a terminal (script(1) gives a pty)" 0 script -qec "$AIUPDATE -c $W/dev.conf --apply --from $W/usb" /dev/null
it_grep "a progress bar with bytes, rate and time left" 'models/model.bin \[#{20}\] 100%  2\.9 MiB/2\.9 MiB  [0-9.]+ [KMG]?i?B/s  0:00 left'
rm -rf "$W/dev3"
it_exit "apply on a terminal with --json" 0 script -qec "$AIUPDATE -c $W/dev.conf --apply --json --from $W/usb" /dev/null
it_check "no progress bar with --json" sh -c "! grep -q 'MiB/s' '$IT_OUT'"
rm -rf "$W/dev3"
it_exit "apply with output to a file" 0 $AIUPDATE -c "$W/dev.conf" --apply --from "$W/usb"
it_check "no progress bar when not a terminal" sh -c "! grep -q 'MiB/s' '$IT_OUT'"

# ---- syslog: /dev/log in a private mount namespace ----
if unshare -m --propagation private true 2>/dev/null; then
	mkdir -p "$W/dev"
	python3 - "$W/dev/log" "$W/syslog.txt" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "ab", buffering=0)
while True:
    out.write(s.recv(65536) + b"\n")
PY
	SYSLOG_PID=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -S "$W/dev/log" ] && break; sleep 0.2; done
	# in_ns CMD...: run with $W/dev as /dev (null, zero, urandom bound in)
	cat > "$W/in_ns.sh" <<'SH'
#!/bin/sh
exec unshare -m --propagation private sh -c '
	d=$1; shift
	for n in null zero urandom random; do
		: > "$d/$n"; mount --bind "/dev/$n" "$d/$n"
	done
	mount --bind "$d" /dev && exec "$@"' sh "$@"
SH
	chmod +x "$W/in_ns.sh"
	in_ns() { "$W/in_ns.sh" "$W/dev" "$@"; }
	rm -rf "$W/dev3"; : > "$W/syslog.txt"
	it_exit "apply with stderr not a terminal" 0 in_ns $AIUPDATE -c "$W/dev.conf" --apply --from "$W/usb"
	sleep 0.3
	it_check "syslog got the install event, key=value, ident aiupdate" \
		grep -Eq '^<30>.* aiupdate\[[0-9]+\]: event=installed target=models/model.bin version=1 sha256=[0-9a-f]{64}$' "$W/syslog.txt"
	it_check "syslog got the run summary" grep -Eq 'aiupdate\[[0-9]+\]: event=run mode=apply result=ok updates=1$' "$W/syslog.txt"
	it_check "events are not repeated on stderr without -v" sh -c "! grep -q 'event=' '$IT_OUT'"
	: > "$W/syslog.txt"
	cp -a "$W/usb" "$W/usb-bad" && printf x >> "$W/usb-bad/targets/models/model.bin"
	$AIUREPO add "$R" "$W/afile" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
	rm -rf "$W/usb-bad" && $AIUREPO export "$R" "$W/usb-bad" >/dev/null
	printf x >> "$W/usb-bad/targets/models/model.bin"
	it_exit "a refused artifact" 13 in_ns $AIUPDATE -c "$W/dev.conf" --apply --from "$W/usb-bad"
	sleep 0.3
	it_check "syslog: the failure at error priority with phase and error" \
		grep -Eq '^<27>.*event=run mode=apply result=failed updates=1 phase=download error="[^"]+" msg=' "$W/syslog.txt"
	: > "$W/syslog.txt"
	it_exit "on a terminal without --syslog" 100 script -qec "$W/in_ns.sh $W/dev $AIUPDATE -c $W/dev.conf --check --from $W/usb-bad" /dev/null
	sleep 0.3
	it_check "nothing goes to syslog from a terminal run without --syslog" test ! -s "$W/syslog.txt"
	it_exit "on a terminal with --syslog" 100 script -qec "$W/in_ns.sh $W/dev $AIUPDATE -c $W/dev.conf --check --syslog --from $W/usb-bad" /dev/null
	sleep 0.3
	it_check "--syslog logs from a terminal too" grep -q 'event=update-available target=models/model.bin version=2' "$W/syslog.txt"
	kill "$SYSLOG_PID" 2>/dev/null; SYSLOG_PID=""
else
	it_ok "syslog: skipped (no private mount namespace here)"
fi

# --status, --commit and --retry name a state_dir that is a file (or under one) as
# --check does: exit 2, not an I/O error (1) nor "nothing installed" (0).
touch "$W/sdfile2"
for sd in "$W/sdfile2" "$W/sdfile2/state"; do
	mkconf "$W/sdfile2.conf" "$sd" "$R/public/metadata/1.root.json"
	for m in --status --commit --retry; do
		it_exit "$m with state_dir $sd on a file" 2 $AIUPDATE -c "$W/sdfile2.conf" $m
		it_grep "  ... names the part that is not a directory" "^  \[install\] state_dir $sd cannot be used: $W/sdfile2 is not a directory$"
	done
done

it_done
