// SPDX-License-Identifier: ISC
// tests/interop/oms-verify.js BUNDLE PUBKEY.pem MODEL - verify an OpenSSF
// Model Signing v1.0 bundle (method key) with the npm sigstore packages
// (@sigstore/bundle, @sigstore/verify, as sigstore 4.1.1 pulls them in),
// offline: the public key is given, no transparency log, no Fulcio, no
// timestamp authority.  Then, independently of aiupdate, the statement:
// _type, predicateType, every resource's SHA-256 against MODEL (a file or
// a directory) and the subject digest over the concatenated digests.
// Prints "ok SIGNER-HINT N-RESOURCES" and exits 0, else prints why, exit 1.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function main() {
  const [bundlePath, keyPath, model] = process.argv.slice(2);
  const json = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
  const bundle = bundleFromJSON(json);
  const pem = fs.readFileSync(keyPath, 'utf8');
  const hint = json.verificationMaterial.publicKey.hint;
  const keys = (h) => {
    if (h !== hint) throw new Error(`unexpected key hint ${h}`);
    return { publicKey: crypto.createPublicKey(pem), validFor: () => true };
  };
  const trust = toTrustMaterial({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }, keys);
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle, undefined));

  const env = json.dsseEnvelope;
  if (env.payloadType !== 'application/vnd.in-toto+json') throw new Error('payloadType');
  const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  if (st._type !== 'https://in-toto.io/Statement/v1') throw new Error('_type');
  if (st.predicateType !== 'https://model_signing/signature/v1.0') throw new Error('predicateType');
  const isDir = fs.statSync(model).isDirectory();
  const subject = crypto.createHash('sha256');
  for (const r of st.predicate.resources) {
    if (r.algorithm !== 'sha256') throw new Error(`algorithm ${r.algorithm}`);
    const file = isDir ? path.join(model, r.name) : model;
    const d = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (d !== r.digest) throw new Error(`digest of ${r.name}`);
    subject.update(Buffer.from(r.digest, 'hex'));
  }
  if (subject.digest('hex') !== st.subject[0].digest.sha256) throw new Error('subject digest');
  console.log(`ok ${hint} ${st.predicate.resources.length}`);
}

try {
  main();
} catch (e) {
  console.log(`refused: ${e.message || e}`);
  process.exit(1);
}
