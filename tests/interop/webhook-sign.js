// SPDX-License-Identifier: ISC
// tests/interop/webhook-sign.js - an independent Standard Webhooks signer
// for the collector's tests (tests/integration/collector.sh): v1 (HMAC) with
// the npm `standardwebhooks` library (the spec authors' implementation),
// v1a (Ed25519) with node:crypto.  Nothing of aiupdate's code.
//
//   node webhook-sign.js keygen
//       prints "SEED_HEX whpk_BASE64" (a new Ed25519 key pair)
//   node webhook-sign.js secret
//       prints a new "whsec_BASE64" (32 random bytes)
//   node webhook-sign.js sign --id ID --ts UNIX --body FILE
//                             [--ed25519 SEED_HEX] [--secret whsec_...]
//       prints the webhook-signature header value ("v1a,... v1,...")
//   node webhook-sign.js verify --id ID --ts UNIX --body FILE --sig HEADER
//                               (--secret whsec_... | --pk whpk_...)
//       exit 0 when the library (v1) or node:crypto (v1a) accepts it, 1 not
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { Webhook } = require('standardwebhooks');

const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');

function opts(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error('bad argument ' + argv[i]);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  return o;
}

function privateKey(seedHex) {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new Error('the seed is 32 bytes of hex');
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' });
}

function publicText(key) {
  const der = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' });
  return 'whpk_' + der.subarray(der.length - 32).toString('base64');
}

function signed(o) {
  return Buffer.concat([Buffer.from(`${o.id}.${o.ts}.`), fs.readFileSync(o.body)]);
}

function sign(o) {
  const parts = [];
  if (o.ed25519) parts.push('v1a,' + crypto.sign(null, signed(o), privateKey(o.ed25519)).toString('base64'));
  if (o.secret) parts.push(new Webhook(o.secret).sign(o.id, new Date(Number(o.ts) * 1000), fs.readFileSync(o.body)));
  if (parts.length === 0) throw new Error('--ed25519 or --secret');
  return parts.join(' ');
}

function verify(o) {
  const body = fs.readFileSync(o.body);
  if (o.secret) {
    try {
      new Webhook(o.secret).verify(body, { 'webhook-id': o.id, 'webhook-timestamp': o.ts, 'webhook-signature': o.sig });
      return true;
    } catch (e) {
      return false;
    }
  }
  const pk = crypto.createPublicKey({ key: Buffer.concat([SPKI, Buffer.from(o.pk.replace(/^whpk_/, ''), 'base64')]), format: 'der', type: 'spki' });
  if (Math.abs(Date.now() / 1000 - Number(o.ts)) > 300) return false;
  return o.sig.split(' ').some((e) => e.startsWith('v1a,') &&
    crypto.verify(null, signed(o), pk, Buffer.from(e.slice(4), 'base64')));
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'keygen') {
  const seed = crypto.randomBytes(32);
  console.log(seed.toString('hex') + ' ' + publicText(privateKey(seed.toString('hex'))));
} else if (cmd === 'secret') {
  console.log('whsec_' + crypto.randomBytes(32).toString('base64'));
} else if (cmd === 'sign') {
  console.log(sign(opts(rest)));
} else if (cmd === 'verify') {
  process.exit(verify(opts(rest)) ? 0 : 1);
} else {
  console.error('usage: webhook-sign.js keygen | secret | sign ... | verify ...');
  process.exit(2);
}
