# SPDX-License-Identifier: ISC
# tests/integration/crashcheck.py - the invariants a device state directory
# must satisfy after any power cut or kill (used by powercut.sh and kill9.sh).
#
#   crashcheck.py record STATE_DIR KNOWN_FILE
#       add every target's current version (hash -> tree digest) and every
#       role's metadata version found in STATE_DIR to KNOWN_FILE (JSON).
#   crashcheck.py check STATE_DIR KNOWN_FILE TARGET...
#       each TARGET's current (and previous, when present) points into
#       store/<hash> with a hash recorded as a complete version whose tree
#       digest matches byte for byte; each trusted metadata file is complete
#       JSON of its role, at a version recorded before; state.json (when
#       present) is complete JSON.  Prints the problems and exits 1, or
#       prints the active hashes and exits 0.
#   crashcheck.py check --want FINAL_DIR STATE_DIR KNOWN_FILE TARGET...
#       the same, and each TARGET's current must be the one in FINAL_DIR.
#   crashcheck.py active STATE_DIR TARGET   prints the current hash
import hashlib
import json
import os
import sys

ROLES = ("root", "timestamp", "snapshot", "targets")


def tree_digest(path):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        rel = os.path.relpath(dirpath, path)
        h.update(("D %s\n" % rel).encode())
        for f in sorted(filenames):
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                h.update(("L %s/%s\n" % (rel, f)).encode())
                continue
            with open(p, "rb") as fp:
                data = fp.read()
            h.update(("F %s/%s %o %s\n" % (rel, f, os.stat(p).st_mode & 0o7777,
                      hashlib.sha256(data).hexdigest())).encode())
    return h.hexdigest()


def link_hash(sd, name, which):
    p = os.path.join(sd, "targets", name, which)
    if not os.path.lexists(p):
        return None
    if not os.path.islink(p):
        raise ValueError("%s is not a symlink" % p)
    t = os.readlink(p)
    h = t.rsplit("/", 1)[-1]
    if not t.endswith("store/" + h) or len(h) != 64:
        raise ValueError("%s -> %s is not a store link" % (p, t))
    return h


def load_known(path):
    try:
        with open(path) as fp:
            return json.load(fp)
    except FileNotFoundError:
        return {"trees": {}, "meta": {r: [] for r in ROLES}}


def meta_version(sd, role):
    p = os.path.join(sd, "metadata", role + ".json")
    if not os.path.exists(p):
        return None
    with open(p, "rb") as fp:
        d = json.loads(fp.read())
    if d["signed"]["_type"] != role:
        raise ValueError("%s has _type %s" % (p, d["signed"]["_type"]))
    return d["signed"]["version"]


def record(sd, known_path):
    k = load_known(known_path)
    tdir = os.path.join(sd, "targets")
    for dirpath, dirnames, filenames in os.walk(tdir):
        for which in ("current", "previous"):
            if os.path.islink(os.path.join(dirpath, which)):
                name = os.path.relpath(dirpath, tdir)
                h = link_hash(sd, name, which)
                k["trees"][h] = tree_digest(os.path.join(sd, "store", h))
    for r in ROLES:
        v = meta_version(sd, r)
        if v is not None and v not in k["meta"][r]:
            k["meta"][r].append(v)
    with open(known_path, "w") as fp:
        json.dump(k, fp)
    return 0


def check(sd, known_path, targets, want=None):
    k = load_known(known_path)
    bad = []
    for name in targets if want else []:
        if link_hash(sd, name, "current") != link_hash(want, name, "current"):
            bad.append("%s: current is %s, want %s" % (name,
                       link_hash(sd, name, "current"), link_hash(want, name, "current")))
    active = []
    for name in targets:
        for which in ("current", "previous"):
            try:
                h = link_hash(sd, name, which)
            except ValueError as e:
                bad.append(str(e))
                continue
            if which == "current":
                active.append("%s=%s" % (name, (h or "none")[:12]))
            if h is None:
                continue
            if h not in k["trees"]:
                bad.append("%s %s -> %s: not a known version" % (name, which, h))
                continue
            store = os.path.join(sd, "store", h)
            if not os.path.isdir(store):
                bad.append("%s %s -> store/%s: missing" % (name, which, h))
            elif tree_digest(store) != k["trees"][h]:
                bad.append("%s %s -> store/%s: content differs from the signed "
                           "version" % (name, which, h))
    for r in ROLES:
        try:
            v = meta_version(sd, r)
        except Exception as e:  # truncated, garbled, wrong role
            bad.append("metadata/%s.json: %s" % (r, e))
            continue
        if v is not None and v not in k["meta"][r]:
            bad.append("metadata/%s.json version %s never published" % (r, v))
    sp = os.path.join(sd, "state.json")
    if os.path.exists(sp):
        try:
            with open(sp, "rb") as fp:
                json.loads(fp.read())
        except Exception as e:
            bad.append("state.json: %s" % e)
    for b in bad:
        print("invariant broken: " + b)
    if not bad:
        print("active " + " ".join(active))
    return 1 if bad else 0


def main(argv):
    if argv[1] == "record":
        return record(argv[2], argv[3])
    if argv[1] == "check" and argv[2] == "--want":
        return check(argv[4], argv[5], argv[6:], argv[3])
    if argv[1] == "check":
        return check(argv[2], argv[3], argv[4:])
    if argv[1] == "active":
        print(link_hash(argv[2], argv[3], "current") or "")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
