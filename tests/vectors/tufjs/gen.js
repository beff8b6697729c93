// SPDX-License-Identifier: ISC
// tests/vectors/tufjs/gen.js - writes root/timestamp/snapshot/targets.json here, signed
// by an independent TUF implementation (@tufjs/models 4.1.1, Node 20) with fresh
// Ed25519 keys, and keyids.txt.  tests/unit/test_tuf.c (tufjs_interop) must accept
// the chain: proof that our canonical JSON and keyids match another client's.
// Regenerate: npm install @tufjs/models@4.1.1 && node gen.js

const crypto = require('crypto');
const fs = require('fs');
const { canonicalize } = require('@tufjs/canonical-json');
const { Signature, Metadata, Root, Timestamp, Snapshot, Targets, Key, MetaFile, TargetFile } = require('@tufjs/models');

function mkkey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  const obj = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } };
  const keyid = crypto.createHash('sha256').update(canonicalize(obj)).digest('hex');
  return { privateKey, obj, keyid };
}
function sign(md, k) {
  md.sign((data) => new Signature({ keyID: k.keyid, sig: crypto.sign(null, data, k.privateKey).toString('hex') }));
}
const exp = '2030-01-01T00:00:00Z';
const K = { root: mkkey(), timestamp: mkkey(), snapshot: mkkey(), targets: mkkey() };
const root = new Root({ version: 1, expires: exp, consistentSnapshot: true });
for (const r of Object.keys(K)) root.addKey(new Key({ keyID: K[r].keyid, keyType: 'ed25519', scheme: 'ed25519', keyVal: K[r].obj.keyval }), r);
const payload = Buffer.from('interop payload\n');
const targets = new Targets({ version: 1, expires: exp });
targets.targets['models/\u00e9t\u00e9 "q" \\ x.bin'] = new TargetFile({ path: 'models/\u00e9t\u00e9 "q" \\ x.bin', length: payload.length,
  hashes: { sha256: crypto.createHash('sha256').update(payload).digest('hex') },
  unrecognizedFields: { custom: { version: 7, note: 'tab\there\nnewline \u20ac \u0001 / "quoted"', z: [1, -2, true, null, {}], A: {} } } });
targets.targets['models/plain.bin'] = new TargetFile({ path: 'models/plain.bin', length: payload.length, hashes: { sha256: crypto.createHash('sha256').update(payload).digest('hex'), sha512: crypto.createHash('sha512').update(payload).digest('hex') }, unrecognizedFields: { custom: { version: 9, 'b\u00e9': '\u00e9\\' } } });
const out = {};
function write(name, md) { const b = Buffer.from(JSON.stringify(md.toJSON(), null, 2)); fs.writeFileSync(name, b); return b; }
const mdT = new Metadata(targets); sign(mdT, K.targets); const bT = write('targets.json', mdT);
const snap = new Snapshot({ version: 1, expires: exp, meta: { 'targets.json': new MetaFile({ version: 1, length: bT.length, hashes: { sha256: crypto.createHash('sha256').update(bT).digest('hex') } }) } });
const mdS = new Metadata(snap); sign(mdS, K.snapshot); const bS = write('snapshot.json', mdS);
const ts = new Timestamp({ version: 1, expires: exp, snapshotMeta: new MetaFile({ version: 1, length: bS.length, hashes: { sha512: crypto.createHash('sha512').update(bS).digest('hex') } }) });
const mdTS = new Metadata(ts); sign(mdTS, K.timestamp); write('timestamp.json', mdTS);
const mdR = new Metadata(root); sign(mdR, K.root); write('root.json', mdR);
fs.writeFileSync('keyids.txt', Object.values(K).map(k => k.keyid + ' ' + JSON.stringify(k.obj)).join('\n') + '\n');
