#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/interop.sh - interoperability with an independent TUF
# implementation, tuf-js 4.1.0 / @tufjs/models 4.1.1 on Node 20
# (tests/interop, installed by `npm ci --prefix tests/interop`, which
# tests/testbed/deps.sh runs), over plain http on loopback:
#  (a) repositories signed by @tufjs/models (Ed25519 and ECDSA P-256 keys, a
#      root rotation, a delegation; tests/interop/gen-repo.js) are accepted by
#      our client (the conformance entry point build/tests/aiupdate-tuf), and
#      each tampered variant is refused; the tuf-js Updater judges every case
#      too, so a case's expectation is checked against both implementations;
#  (b) a repository published by aiupdate-repo is accepted by the tuf-js
#      Updater, which downloads each target with the right hash, also after a
#      second publish.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

TUF=${AIUPDATE_TUF:-$B/tests/aiupdate-tuf}
JS=tests/interop
bed_init interop
SRV_PID=
bed_on_exit '[ -n "$SRV_PID" ] && kill "$SRV_PID" && wait "$SRV_PID"'

if ! node -e 'require("./tests/interop/node_modules/tuf-js"); require("./tests/interop/node_modules/@tufjs/models")' 2>/dev/null; then
	it_fail "tuf-js installed in tests/interop (run: npm ci --prefix tests/interop)"
	it_done
	exit 1
fi
it_check "tuf-js 4.1.0 and @tufjs/models 4.1.1 installed" test \
	"$(cd $JS && node -p 'require("tuf-js/package.json").version + " " + require("@tufjs/models/package.json").version')" = "4.1.0 4.1.1"

# Serve $W/www on loopback; the access log is $W/access.log.
mkdir -p "$W/www"
PORT=$(it_free_port 15770 15799)
( cd "$W/www" && exec python3 -u -m http.server --bind 127.0.0.1 "$PORT" ) >"$W/access.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT

# tufjs ROOT URLBASE WORK TARGET... : the tuf-js Updater; output in $W/tufjs.out
tufjs() {
	_root=$1 _base=$2 _work=$3; shift 3
	node $JS/tufjs-client.js "$_root" "$_base/metadata/" "$_base/targets/" "$_work" "$@" >"$W/tufjs.out" 2>&1
}

# ---- (a) repositories signed by @tufjs/models, judged by our client ----
node $JS/gen-repo.js "$W/www/gen" >"$IT_OUT" 2>&1
it_check "gen-repo.js wrote the @tufjs/models repositories" test -s "$W/www/gen/cases.tsv"
deleg_ok=1
while IFS='	' read -r name target want needs what; do
	[ -n "$name" ] || continue
	base=$URL/gen/$name
	root=$W/www/gen/$name/metadata/1.root.json
	c=$W/c-$name
	tufjs "$root" "$base" "$c/js" "$target"
	js=$?
	it_check "[tuf-js agrees] $name: $what (tuf-js exit $js, want $want)" test "$js" -eq "$want"
	"$TUF" --metadata-dir "$c/md" init "$root" >/dev/null 2>&1
	"$TUF" --metadata-dir "$c/md" --metadata-url "$base/metadata/" --target-name "$target" \
		--target-base-url "$base/targets/" --target-dir "$c/t" download >"$c.log" 2>&1
	got=$?
	enc=$(printf '%s' "$target" | sed 's|/|%2F|g')
	if [ "$got" -eq "$want" ] && [ "$want" -eq 0 ]; then
		# accepted: the bytes stored are the ones tuf-js downloaded and hashed
		if [ "$(sha256sum <"$c/t/$enc" | cut -d' ' -f1)" = "$(cut -d' ' -f1 "$W/tufjs.out")" ]; then
			it_ok "[$needs] $name: $what"
		else
			it_fail "[$needs] $name: stored bytes differ from tuf-js's download"
		fi
		if [ "$needs" = deleg ]; then	# the conformance suite counts these
			it_check "[$needs] $name: metadata dir holds the 4 top-level roles and the delegated one" \
				test "$(ls "$c/md" | grep -c '\.json$')" -eq 5
		fi
	elif [ "$got" -eq "$want" ] && [ "$needs" = deleg ] && [ "$deleg_ok" -eq 0 ]; then
		it_fail "[$needs] $name: refused, but the client refused the honest delegation too, so this proves nothing yet"
	elif [ "$got" -eq "$want" ]; then
		if [ -e "$c/t/$enc" ]; then it_fail "[$needs] $name: refused, but a file was stored"
		else it_ok "[$needs] $name: $what"; fi
	else
		[ "$needs" = deleg ] && deleg_ok=0
		it_fail "[$needs] $name: $what (our exit $got, want $want)"
		sed 's/^/    # /' "$c.log" | head -n 5
	fi
done <"$W/www/gen/cases.tsv"

# ---- (b) a repository published by aiupdate-repo, judged by tuf-js ----
R=$W/repo
head -c 70000 /dev/urandom >"$W/model.bin"
echo "max_tokens=64" >"$W/policy.conf"
$AIUREPO init "$R" >/dev/null &&
	$AIUREPO add "$R" "$W/model.bin" --name models/model.bin >/dev/null &&
	$AIUREPO add "$R" "$W/policy.conf" --name policy.conf >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
it_check "aiupdate-repo published a repository" test -f "$R/public/metadata/timestamp.json"
ln -s "$R/public" "$W/www/ours"
ROOT1=$R/public/metadata/1.root.json
tufjs "$ROOT1" "$URL/ours" "$W/js" models/model.bin policy.conf
it_check "tuf-js Updater accepts the aiupdate-repo repository and downloads both targets" test $? -eq 0
want_model="$(sha256sum <"$W/model.bin" | cut -d' ' -f1) $(stat -c %s "$W/model.bin") models/model.bin"
want_policy="$(sha256sum <"$W/policy.conf" | cut -d' ' -f1) $(stat -c %s "$W/policy.conf") policy.conf"
it_check "tuf-js downloaded models/model.bin with the right hash and length" grep -qxF "$want_model" "$W/tufjs.out"
it_check "tuf-js downloaded policy.conf with the right hash and length" grep -qxF "$want_policy" "$W/tufjs.out"

head -c 70000 /dev/urandom >"$W/model2.bin"
$AIUREPO add "$R" "$W/model2.bin" --name models/model.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
tufjs "$ROOT1" "$URL/ours" "$W/js" models/model.bin
it_check "tuf-js accepts the second publish over its stored metadata" test $? -eq 0
it_check "tuf-js downloaded the new models/model.bin" grep -qxF \
	"$(sha256sum <"$W/model2.bin" | cut -d' ' -f1) 70000 models/model.bin" "$W/tufjs.out"
it_check "tuf-js stored the new aiupdate-repo timestamp byte for byte" \
	cmp -s "$W/js/metadata/timestamp.json" "$R/public/metadata/timestamp.json"

cp "$R/public/targets/policy.conf" "$W/policy.keep"
echo "max_tokens=99" >"$R/public/targets/policy.conf"
tufjs "$ROOT1" "$URL/ours" "$W/js-fresh" policy.conf
it_check "tuf-js refuses a substituted aiupdate-repo target (sanity check of the harness)" test $? -ne 0

it_done
