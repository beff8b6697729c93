#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/integration/conformance.sh - the TUF conformance entry point
# (build/tests/aiupdate-tuf, tests/conformance/README.md) against a
# repository published by aiupdate-repo and served over plain http on
# loopback by python3's http.server: init / refresh / download, the metadata
# directory byte for byte, no second fetch of a cached target, a substituted
# target refused, expiry under faketime, rollback refused, usage errors, and
# a "diamond" delegation (the suite's test_cached_role_is_verified_against_
# current_delegator) built by hand and signed with aiupdate-repo sign-raw.
set -u
cd "$(dirname "$0")/../.."
. tests/testbed/bed.sh

TUF=${AIUPDATE_TUF:-$B/tests/aiupdate-tuf}
bed_init conf
SRV_PID=
bed_on_exit '[ -n "$SRV_PID" ] && kill "$SRV_PID" && wait "$SRV_PID"'

# serve DIR PORT: python3 http.server on 127.0.0.1:PORT, access log $W/access.log
serve() {
	( cd "$1" && exec python3 -u -m http.server --bind 127.0.0.1 "$2" ) \
		>"$W/access.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# fetches PATH: how many GETs of PATH the server answered so far
fetches() { grep -c "\"GET $1 HTTP" "$W/access.log"; }

# ---- a repository published by aiupdate-repo ----
R=$W/repo
head -c 5000 /dev/urandom >"$W/a.bin"
echo "second target" >"$W/b.bin"
$AIUREPO init "$R" >/dev/null &&
	$AIUREPO add "$R" "$W/a.bin" --name models/a.bin >/dev/null &&
	$AIUREPO publish "$R" >/dev/null
it_check "aiupdate-repo published a repository" test -f "$R/public/metadata/timestamp.json"
cp -a "$R/public" "$W/public-v1"

PORT=$(it_free_port 15750 15769)
serve "$R/public" "$PORT" || { it_fail "http.server started on 127.0.0.1:$PORT"; it_done; exit 1; }
URL=http://127.0.0.1:$PORT
MD=$W/md
T=$W/targets

# ---- usage: exit exactly 1 ----
it_exit "no arguments: usage error" 1 "$TUF"
it_exit "unknown option: usage error" 1 "$TUF" --metadata-dir "$MD" --bogus x refresh
it_exit "refresh without --metadata-url: usage error" 1 "$TUF" --metadata-dir "$MD" refresh
it_exit "download without --target-dir: usage error" 1 "$TUF" --metadata-dir "$MD" \
	--metadata-url "$URL/metadata/" --target-name models/a.bin --target-base-url "$URL/targets/" download
it_exit "unknown command: usage error" 1 "$TUF" --metadata-dir "$MD" --metadata-url "$URL/metadata/" sync
it_exit "a host name that is not a loopback literal is refused" 1 "$TUF" --metadata-dir "$MD" \
	--metadata-url "http://repo.example.invalid/metadata/" refresh
it_exit "https:// is not spoken by this entry point" 1 "$TUF" --metadata-dir "$MD" \
	--metadata-url "https://127.0.0.1:$PORT/metadata/" refresh

# ---- init ----
cp "$R/public/metadata/1.root.json" "$W/badroot.json"
sed -i 's/"version": *1/"version":7/' "$W/badroot.json"
it_exit "init with a root whose signature does not match: refused" 1 \
	"$TUF" --metadata-dir "$W/md-bad" init "$W/badroot.json"
it_check "refused init wrote no root.json" test ! -e "$W/md-bad/root.json"
it_exit "init with the published 1.root.json" 0 "$TUF" --metadata-dir "$MD" init "$R/public/metadata/1.root.json"
it_check "init stored root.json byte for byte" cmp -s "$MD/root.json" "$R/public/metadata/1.root.json"
it_check "init made no request" test "$(grep -c '"GET ' "$W/access.log")" -eq 0

# ---- refresh ----
it_exit "refresh" 0 "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" refresh
for role in timestamp snapshot targets; do
	it_check "refresh stored $role.json byte for byte as served" \
		cmp -s "$MD/$role.json" "$R/public/metadata/$role.json"
done
it_check "the metadata dir holds exactly the four unversioned roles" \
	test "$(cd "$MD" && ls | tr '\n' ' ')" = "root.json snapshot.json targets.json timestamp.json "
it_check "refresh asked for 2.root.json (root update until 404)" test "$(fetches /metadata/2.root.json)" -eq 1
it_check "refresh downloaded no target" test ! -e "$T"
it_exit "refresh with a metadata URL without the trailing slash" 0 \
	"$TUF" --metadata-url "$URL/metadata" --metadata-dir "$MD" refresh

# ---- download ----
it_exit "download models/a.bin" 0 "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" \
	--target-name models/a.bin --target-base-url "$URL/targets/" --target-dir "$T" download
it_check "target stored as its percent-encoded name (python-tuf's layout)" cmp -s "$T/models%2Fa.bin" "$W/a.bin"
it_check "target fetched once" test "$(fetches /targets/models/a.bin)" -eq 1
it_exit "download again (options in another order)" 0 "$TUF" --target-dir "$T" --target-name models/a.bin \
	download --metadata-dir "$MD" --target-base-url "$URL/targets" --metadata-url "$URL/metadata/"
it_check "a target present with the right hash is not fetched again" test "$(fetches /targets/models/a.bin)" -eq 1
it_exit "a target that is not signed: exit 1" 1 "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" \
	--target-name models/none.bin --target-base-url "$URL/targets/" --target-dir "$T" download
it_check "no temporary file left in the target dir" test "$(ls -A "$T" | tr '\n' ' ')" = "models%2Fa.bin "

# ---- a second version with two targets, several --target-name, --opt=value ----
$AIUREPO add "$R" "$W/b.bin" --name b.bin >/dev/null && $AIUREPO publish "$R" >/dev/null
it_exit "download two targets in one run (--opt=value forms)" 0 "$TUF" --metadata-url="$URL/metadata/" \
	--metadata-dir="$MD" --target-name=b.bin --target-name=models/a.bin --target-base-url="$URL/targets/" \
	--target-dir="$T" download
it_check "both targets present" cmp -s "$T/b.bin" "$W/b.bin"
it_check "the unchanged target still not fetched again" test "$(fetches /targets/models/a.bin)" -eq 1
it_check "new metadata stored byte for byte" cmp -s "$MD/targets.json" "$R/public/metadata/targets.json"

# ---- a substituted target ----
cp "$W/a.bin" "$W/a.orig"
head -c 5000 /dev/urandom >"$R/public/targets/models/a.bin"
it_exit "substituted target, empty target dir: refused" 1 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$MD" --target-name models/a.bin --target-base-url "$URL/targets/" --target-dir "$W/t2" download
it_grep "the refusal names the hash mismatch" "hash"
it_check "nothing stored for the refused target" test -z "$(ls -A "$W/t2" 2>/dev/null)"
head -c 5001 /dev/urandom >"$R/public/targets/models/a.bin"
it_exit "target longer than signed: refused" 1 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$MD" --target-name models/a.bin --target-base-url "$URL/targets/" --target-dir "$W/t2" download
it_check "nothing stored for the refused target (over length)" test -z "$(ls -A "$W/t2" 2>/dev/null)"
echo garbage >"$T/models%2Fa.bin"
it_exit "corrupted local copy, substituted on the server: refused" 1 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$MD" --target-name models/a.bin --target-base-url "$URL/targets/" --target-dir "$T" download
cp "$W/a.orig" "$R/public/targets/models/a.bin"
it_exit "honest server again: the target is fetched and replaced" 0 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$MD" --target-name models/a.bin --target-base-url "$URL/targets/" --target-dir "$T" download
it_check "local copy restored" cmp -s "$T/models%2Fa.bin" "$W/a.bin"

# ---- expiry (faketime: the binary reads the clock through libc) ----
snap=$(cat "$MD"/*.json | sha256sum)
# (under ASan, faketime's LD_PRELOAD comes before the ASan runtime: allow it)
it_exit "ten years later every role has expired: refused" 1 \
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" faketime -f "+3650d" "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" refresh
it_grep "the refusal says expired" "expire"
it_check "an expired refresh changed no trusted metadata" test "$(cat "$MD"/*.json | sha256sum)" = "$snap"
it_exit "back to now: refresh succeeds" 0 "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" refresh

# ---- rollback: the server replays the first published version ----
rm -rf "$R/public.new" && mv "$R/public" "$R/public.new" && cp -a "$W/public-v1" "$R/public"
it_exit "replayed older timestamp: refused" 1 "$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$MD" refresh
it_grep "the refusal says rollback" "[Rr]ollback|lower"
it_check "a rollback changed no trusted metadata" test "$(cat "$MD"/*.json | sha256sum)" = "$snap"
"$TUF" --metadata-dir "$W/md-fresh" init "$W/public-v1/metadata/1.root.json" >/dev/null 2>&1
it_exit "a fresh client accepts that old, unexpired version: the floor is the persisted state" 0 \
	"$TUF" --metadata-url "$URL/metadata/" --metadata-dir "$W/md-fresh" refresh

# ---- a diamond delegation: a role cached through one delegator ----
# targets -> parent-a (team-a/*), parent-b (team-b/*); each delegates "release"
# with its own key; release is signed by parent-a's key only and lists one
# target under each path.  One download of both names shares the cache of
# verified roles: release must be verified again against parent-b's key.
D=$W/diamond
DM=$D/public/metadata
printf 'trusted A' >"$W/ta"
printf 'malicious B' >"$W/tb"
$AIUREPO init "$D" >/dev/null &&
	$AIUREPO add "$D" "$W/ta" --name team-a/trusted_root.json >/dev/null &&
	$AIUREPO add "$D" "$W/tb" --name team-b/trusted_root.json >/dev/null &&
	$AIUREPO publish "$D" >/dev/null
for k in pa pb ra rb; do
	$AIUREPO keygen "$W/k-$k" | sed -n 's/^keyid=\([0-9a-f]*\) .*/\1/p' >"$W/k-$k.id"
done
python3 - "$DM" "$W" <<'EOF' >"$IT_OUT" 2>&1
import json, sys
md, w = sys.argv[1], sys.argv[2]
def load(n): return json.load(open(f"{md}/{n}.json"))["signed"]
def put(n, s): json.dump({"signatures": [], "signed": s}, open(f"{md}/{n}.json", "w"))
def key(k): return open(f"{w}/k-{k}.id").read().strip(), json.load(open(f"{w}/k-{k}.pub"))
def role(name, k, path):
    return {"name": name, "keyids": [key(k)[0]], "threshold": 1, "paths": [path],
            "terminating": False}
def dele(keys, roles): return {"keys": dict(key(k) for k in keys), "roles": roles}
tg, sn, ts = load("targets"), load("snapshot"), load("timestamp")
one = {"_type": "targets", "spec_version": tg["spec_version"], "expires": tg["expires"],
       "version": 1, "targets": {}}
put("release", dict(one, targets=tg["targets"]))
put("parent-a", dict(one, delegations=dele(["ra"], [role("release", "ra", "team-a/*")])))
put("parent-b", dict(one, delegations=dele(["rb"], [role("release", "rb", "team-b/*")])))
tg.update(version=tg["version"] + 1, targets={}, delegations=dele(["pa", "pb"],
          [role("parent-a", "pa", "team-a/*"), role("parent-b", "pb", "team-b/*")]))
put("targets", tg)
sn["version"] += 1
sn["meta"] = {"targets.json": {"version": tg["version"]}, "parent-a.json": {"version": 1},
              "parent-b.json": {"version": 1}, "release.json": {"version": 1}}
put("snapshot", sn)
ts["version"] += 1
ts["meta"] = {"snapshot.json": {"version": sn["version"]}}
put("timestamp", ts)
EOF
it_check "diamond: the roles written" test -s "$DM/release.json"
dsign() { $AIUREPO sign-raw "$D" "$@" >>"$IT_OUT" 2>&1; }
dsign_all() {
	dsign targets "$DM/targets.json" && dsign targets "$DM/parent-a.json" --key "$W/k-pa.key" &&
		dsign targets "$DM/parent-b.json" --key "$W/k-pb.key" &&
		dsign targets "$DM/release.json" --key "$W/k-ra.key" &&
		dsign snapshot "$DM/snapshot.json" && dsign timestamp "$DM/timestamp.json"
}
it_check "diamond: every role signed (release by parent-a's key only)" dsign_all
kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
SRV_PID=
PORT=$(it_free_port 15750 15769)
serve "$D/public" "$PORT" || { it_fail "http.server started on 127.0.0.1:$PORT"; it_done; exit 1; }
URL=http://127.0.0.1:$PORT
"$TUF" --metadata-dir "$W/md-d" init "$DM/1.root.json" >/dev/null 2>&1
it_exit "diamond: team-a and team-b in one download: refused" 1 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$W/md-d" --target-name team-a/trusted_root.json \
	--target-name team-b/trusted_root.json --target-base-url "$URL/targets/" --target-dir "$W/t-d" download
it_grep "diamond: the refusal names parent-b's keys" "release.*delegated by parent-b"
it_check "diamond: team-a's target (release through parent-a) installed" \
	cmp -s "$W/t-d/team-a%2Ftrusted_root.json" "$W/ta"
it_check "diamond: team-b's target never stored" test ! -e "$W/t-d/team-b%2Ftrusted_root.json"
it_check "diamond: team-b's target never requested" test "$(fetches /targets/team-b/trusted_root.json)" -eq 0
it_exit "diamond: team-b alone, in a new run on the stored release: refused" 1 "$TUF" \
	--metadata-url "$URL/metadata/" --metadata-dir "$W/md-d" --target-name team-b/trusted_root.json \
	--target-base-url "$URL/targets/" --target-dir "$W/t-d" download
it_exit "diamond: team-a alone: installed" 0 "$TUF" --metadata-url "$URL/metadata/" \
	--metadata-dir "$W/md-d" --target-name team-a/trusted_root.json --target-base-url "$URL/targets/" \
	--target-dir "$W/t-d" download

it_done
