#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# bench/gen_meta.py REPO OUT NTARGETS NDELEG - metadata at scale for
# `make bench` (issue 7, item 4).  REPO is an aiupdate-repo repository that
# was published once; OUT receives 1.root.json (copied), targets.json with
# NTARGETS targets (spread over NDELEG delegated roles "deleg-K", each for
# paths "d/K/*", when NDELEG > 0), the delegated roles, snapshot.json and
# timestamp.json, all signed by `aiupdate-repo sign-raw` (delegated roles
# with the targets key, which the delegations list).  Prints the name of
# the last target (the one a lookup has to search furthest for).
import hashlib, json, os, shutil, subprocess, sys

repo, out, ntargets, ndeleg = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
build = os.environ.get("AU_BUILD", "build")
meta = os.path.join(repo, "public", "metadata")
os.makedirs(out, exist_ok=True)
shutil.copy(os.path.join(meta, "1.root.json"), os.path.join(out, "1.root.json"))
root = json.load(open(os.path.join(meta, "1.root.json")))["signed"]
tmpl = json.load(open(os.path.join(meta, "targets.json")))["signed"]
kid = root["roles"]["targets"]["keyids"][0]


def target(i):
    h = hashlib.sha256(b"%d" % i).hexdigest()
    return {"custom": {"version": 1}, "hashes": {"sha256": h}, "length": 1000 + i}


def sign(role, name, signed):
    path = os.path.join(out, name)
    json.dump({"signatures": [], "signed": signed}, open(path, "w"))
    subprocess.run([os.path.join(build, "aiupdate-repo"), "sign-raw", repo, role, path],
                   check=True, stdout=subprocess.DEVNULL)


def role_doc(targets):
    return {"_type": "targets", "expires": tmpl["expires"],
            "spec_version": tmpl["spec_version"], "targets": targets, "version": 1}


snap_meta = {}
top = role_doc({})
if ndeleg == 0:
    names = ["models/t%06d.bin" % i for i in range(ntargets)]
    top["targets"] = {n: target(i) for i, n in enumerate(names)}
else:
    per = max(1, ntargets // ndeleg)
    names = []
    roles = []
    for k in range(ndeleg):
        rn = ["d/%d/t%06d.bin" % (k, i) for i in range(per)]
        names += rn
        sign("targets", "deleg-%d.json" % k,
             role_doc({n: target(k * per + i) for i, n in enumerate(rn)}))
        snap_meta["deleg-%d.json" % k] = {"version": 1}
        roles.append({"keyids": [kid], "name": "deleg-%d" % k, "paths": ["d/%d/*" % k],
                      "terminating": True, "threshold": 1})
    top["delegations"] = {"keys": {kid: root["keys"][kid]}, "roles": roles}
sign("targets", "targets.json", top)
snap_meta["targets.json"] = {"version": 1}
sign("snapshot", "snapshot.json", {"_type": "snapshot", "expires": tmpl["expires"],
     "meta": snap_meta, "spec_version": tmpl["spec_version"], "version": 1})
sign("timestamp", "timestamp.json", {"_type": "timestamp", "expires": tmpl["expires"],
     "meta": {"snapshot.json": {"version": 1}}, "spec_version": tmpl["spec_version"], "version": 1})
print(names[-1])
