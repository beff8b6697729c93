// SPDX-License-Identifier: ISC
// tests/interop/gen-repo.js OUT - writes TUF repositories signed by an
// independent implementation (@tufjs/models 4.1.1, Node 20) under OUT/NAME/
// (metadata/ and targets/, consistent snapshots, as the public TUF
// conformance suite serves them), and OUT/cases.tsv, one line per case:
//   NAME <TAB> TARGET <TAB> EXPECTED EXIT <TAB> NEEDS <TAB> WHAT
// NEEDS says which client feature the case exercises: "core" (Ed25519,
// top-level targets), "ecdsa" (ECDSA P-256 keys), "deleg" (delegations).
// tests/integration/interop.sh serves OUT over loopback http and runs
// build/tests/aiupdate-tuf against each case: the honest repositories must be
// accepted, and every tampered one refused with exit 1.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { canonicalize } = require('@tufjs/canonical-json');
const {
  Metadata, Root, Timestamp, Snapshot, Targets, Key, MetaFile, TargetFile,
  Signature,
} = require('@tufjs/models');
// Not re-exported by the package index (4.1.1).
const { Delegations } = require('@tufjs/models/dist/delegations');
const { DelegatedRole } = require('@tufjs/models/dist/role');

const OUT = process.argv[2];
if (!OUT) { console.error('usage: node gen-repo.js OUT'); process.exit(2); }

const DAY = 86400 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const FUTURE = iso(Date.now() + 30 * DAY);
const PAST = iso(Date.now() - DAY);
const sha = (alg, b) => crypto.createHash(alg).update(b).digest('hex');

function keyObj(type, pub) {
  if (type === 'ed25519') {
    const raw = pub.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
    return { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } };
  }
  const pem = pub.export({ format: 'pem', type: 'spki' });
  return { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: pem } };
}

// A signing key: {type, priv, obj (the TUF key object), keyid, key (models Key)}.
function mkkey(type) {
  const { publicKey, privateKey } = type === 'ed25519'
    ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const obj = keyObj(type, publicKey);
  const keyid = sha('sha256', canonicalize(obj));
  const key = new Key({ keyID: keyid, keyType: obj.keytype, scheme: obj.scheme, keyVal: obj.keyval });
  return { type, priv: privateKey, obj, keyid, key };
}

// Sign md with each key; ECDSA signatures are DER unless p1363 (a BER-less
// but non-DER form the client must refuse).
function sign(md, keys, p1363) {
  md.signatures = {};
  for (const k of keys) {
    md.sign((data) => {
      const sig = k.type === 'ed25519'
        ? crypto.sign(null, data, k.priv)
        : crypto.sign('sha256', data, { key: k.priv, dsaEncoding: p1363 ? 'ieee-p1363' : 'der' });
      return new Signature({ keyID: k.keyid, sig: sig.toString('hex') });
    });
  }
}

const bytesOf = (md) => Buffer.from(JSON.stringify(md.toJSON(), null, 1));
const metaFile = (version, b) => new MetaFile({ version, length: b.length, hashes: { sha256: sha('sha256', b) } });

const K = {
  root: mkkey('ed25519'), root2: mkkey('ecdsa'),
  timestamp: mkkey('ecdsa'), snapshot: mkkey('ed25519'),
  targets: mkkey('ecdsa'), team: mkkey('ecdsa'),
  edTimestamp: mkkey('ed25519'), edTargets: mkkey('ed25519'), rogue: mkkey('ecdsa'),
};
const PAYLOAD = {
  'models/top.bin': Buffer.from('top-level target signed by an ECDSA key\n'),
  'models/ml/net.bin': Buffer.from('delegated target, role ml-team\n'),
  'base.bin': Buffer.from('ed25519-only repository\n'),
};
const targetFile = (name, b) => new TargetFile({
  path: name, length: b.length,
  hashes: { sha256: sha('sha256', b), sha512: sha('sha512', b) },
});

// Build a full repository description; opts tweak it for tampered cases.
function build(opts) {
  const o = Object.assign({ ecdsa: true, deleg: true, rotate: true }, opts);
  const tsKey = o.ecdsa ? K.timestamp : K.edTimestamp;
  const tgKey = o.ecdsa ? K.targets : K.edTargets;
  const files = {};		// path under the case dir -> Buffer
  const roots = [];
  const root = new Root({ version: 1, expires: FUTURE, consistentSnapshot: true });
  root.addKey(K.root.key, 'root');
  root.addKey(tsKey.key, 'timestamp');
  root.addKey(K.snapshot.key, 'snapshot');
  root.addKey(tgKey.key, 'targets');
  const r1 = new Metadata(root);
  sign(r1, [K.root]);
  roots.push(bytesOf(r1));
  if (o.rotate) {		// root v2: the root key moves to ECDSA
    const root2 = Root.fromJSON(JSON.parse(JSON.stringify(root.toJSON())));
    root2.version = 2;
    root2.roles.root.keyIDs = [];
    root2.addKey(K.root2.key, 'root');
    delete root2.keys[K.root.keyid];
    const r2 = new Metadata(root2);
    sign(r2, o.root2Signers || [K.root, K.root2]);
    roots.push(bytesOf(r2));
  }
  roots.forEach((b, i) => { files[`metadata/${i + 1}.root.json`] = b; });

  const names = o.deleg ? ['models/top.bin'] : ['base.bin'];
  const top = new Targets({ version: 1, expires: FUTURE });
  for (const n of names) top.targets[n] = targetFile(n, PAYLOAD[n]);
  const snapMeta = {};
  if (o.deleg) {
    const team = new Targets({ version: 1, expires: o.teamExpires || FUTURE });
    const tn = o.teamTarget || 'models/ml/net.bin';
    team.targets[tn] = targetFile(tn, PAYLOAD['models/ml/net.bin']);
    const role = o.teamName || 'ml-team';
    top.delegations = new Delegations({
      keys: { [K.team.keyid]: K.team.key },
      roles: { [role]: new DelegatedRole({ name: role, keyIDs: [K.team.keyid], threshold: 1,
        terminating: true, paths: ['models/ml/*'] }) },
    });
    const mt = new Metadata(team);
    sign(mt, [o.teamSigner || K.team]);
    const bt = bytesOf(mt);
    // Served as quote(role, safe="") by clients; http.server unquotes the
    // request path, so the file on disk carries the unquoted name.
    files[`metadata/1.${role}.json`] = bt;
    snapMeta[`${role}.json`] = new MetaFile({ version: 1 });
  }
  const mtop = new Metadata(top);
  sign(mtop, [tgKey]);
  let btop = bytesOf(mtop);
  snapMeta['targets.json'] = metaFile(1, btop);
  if (o.targetsAfterSnapshot) btop = Buffer.concat([btop, Buffer.from('\n')]);
  files['metadata/1.targets.json'] = btop;

  const snap = new Snapshot({ version: 1, expires: FUTURE, meta: snapMeta });
  const msnap = new Metadata(snap);
  sign(msnap, [K.snapshot]);
  const bsnap = bytesOf(msnap);
  files['metadata/1.snapshot.json'] = bsnap;
  const ts = new Timestamp({ version: 1, expires: FUTURE, snapshotMeta: metaFile(1, bsnap) });
  const mts = new Metadata(ts);
  sign(mts, [o.tsSigner || tsKey], o.p1363);
  files['metadata/timestamp.json'] = bytesOf(mts);

  const all = Object.assign({}, PAYLOAD);
  if (o.teamTarget) all[o.teamTarget] = PAYLOAD['models/ml/net.bin'];
  for (const [n, b] of Object.entries(all)) {
    const data = (o.substitute === n) ? Buffer.from(b.toString().toUpperCase()) : b;
    const dir = path.posix.dirname(n), base = path.posix.basename(n);
    for (const alg of ['sha256', 'sha512']) {
      const f = `${sha(alg, b)}.${base}`;
      files[`targets/${dir === '.' ? f : dir + '/' + f}`] = data;
    }
  }
  return files;
}

function write(name, files) {
  for (const [p, b] of Object.entries(files)) {
    const full = path.join(OUT, name, p);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, b);
  }
}

const cases = [
  // name, options, target, expected exit, needs, what
  ['base', { ecdsa: false, deleg: false, rotate: false }, 'base.bin', 0, 'core',
    'Ed25519-only repository, no delegation: accepted, target downloaded'],
  ['full-top', {}, 'models/top.bin', 0, 'ecdsa',
    'Ed25519+ECDSA keys, root rotation 1->2: top-level target downloaded'],
  ['full-deleg', {}, 'models/ml/net.bin', 0, 'deleg',
    'Ed25519+ECDSA keys: target of the delegated role ml-team downloaded'],
  ['odd-role-name', { teamName: 'ml/team 1?#' }, 'models/ml/net.bin', 0, 'deleg',
    'delegated role named "ml/team 1?#": fetched and stored percent-encoded'],
  ['bad-target', { ecdsa: false, deleg: false, rotate: false, substitute: 'base.bin' }, 'base.bin', 1, 'core',
    'target bytes substituted (same length): refused'],
  ['bad-ts-key', { ecdsa: false, deleg: false, rotate: false, tsSigner: K.rogue }, 'base.bin', 1, 'core',
    'timestamp signed by a key the root does not list: refused'],
  ['bad-targets-hash', { ecdsa: false, deleg: false, rotate: false, targetsAfterSnapshot: true }, 'base.bin', 1, 'core',
    'targets.json changed after the snapshot recorded its length and hash: refused'],
  ['bad-root-rotation', { root2Signers: [K.root2] }, 'models/top.bin', 1, 'ecdsa',
    'root v2 signed only by the new root key, not by the old one: refused'],
  ['bad-ecdsa-p1363', { p1363: true }, 'models/top.bin', 1, 'ecdsa',
    'timestamp ECDSA signature in raw r||s form, not DER: refused'],
  ['bad-deleg-key', { teamSigner: K.targets }, 'models/ml/net.bin', 1, 'deleg',
    'delegated role signed by the delegator key, not its own: refused'],
  ['bad-deleg-expired', { teamExpires: PAST }, 'models/ml/net.bin', 1, 'deleg',
    'delegated role expired: refused'],
  ['bad-deleg-paths', { teamTarget: 'models/other.bin' }, 'models/other.bin', 1, 'deleg',
    'delegated role signs a target outside its paths: refused'],
];
const lines = [];
for (const [name, opts, target, want, needs, what] of cases) {
  write(name, build(opts));
  lines.push([name, target, want, needs, what].join('\t'));
}
fs.writeFileSync(path.join(OUT, 'cases.tsv'), lines.join('\n') + '\n');
