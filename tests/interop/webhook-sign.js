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
//   node webhook-sign.js burst --url https://NAME:PORT/PATH --ca CA.pem
//                              --seed SEED_HEX --device ID --from N --count K
//                              [--concurrency C]
//       C devices ID-0 .. ID-(C-1) (all enrolled with the seed's key) each
//       POST K small reports in order (counters N..N+K-1, v1a-signed) to
//       127.0.0.1 with TLS to NAME, the devices at the same time; prints
//       "STATUS COUNT" lines (000: a transport failure), then
//       "accepted DEVICE N" (its reports answered 200)
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

function report(device, counter) {
  const id = crypto.randomBytes(16).toString('hex');
  const body = JSON.stringify({ type: 'aiupdate.run', timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    data: { schema: 1, device_id: device, report_id: id, counter, aiupdate_version: 'burst', mode: 'check',
      offline: false, result: 'up-to-date', exit: 0, phase: null, error: null,
      targets: [{ name: 'models/model.bin', installed: { version: 1, sha256: 'aa' }, available: null,
        trial: false, bad_versions: [], bytes_fetched: 0, bytes_reused: 0 }],
      roles: [], dnssec: { non_secure: [], rrsig_expires_earliest: null }, clock: { floor_used: false, floor: null },
      outbox: { dropped: 0 } } });
  return { id, body: Buffer.from(body) };
}

async function burst(o) {
  const https = require('node:https');
  const url = new URL(o.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: Number(o.concurrency || 4) });
  const ca = fs.readFileSync(o.ca);
  const key = privateKey(o.seed);
  const counts = {};
  const accepted = [];
  const post = (device, counter) => new Promise((resolve) => {
    const r = report(device, counter);
    const ts = Math.floor(Date.now() / 1000);
    const sig = 'v1a,' + crypto.sign(null, Buffer.concat([Buffer.from(`${r.id}.${ts}.`), r.body]), key).toString('base64');
    const req = https.request({ host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', servername: url.hostname,
      agent, ca, headers: { host: url.host, 'content-type': 'application/json', 'content-length': r.body.length,
        'webhook-id': r.id, 'webhook-timestamp': String(ts), 'webhook-signature': sig } }, (res) => {
      res.resume();
      res.on('end', () => resolve([res.statusCode, counter]));
    });
    req.on('error', () => resolve([0, counter]));
    req.end(r.body);
  });
  const from = Number(o.from);
  const count = Number(o.count);
  const width = Number(o.concurrency || 4);
  const worker = async (w) => {
    const device = `${o.device}-${w}`;
    accepted[w] = 0;
    for (let c = from; c < from + count; c++) {
      const [status] = await post(device, c);
      const k = String(status).padStart(3, '0');
      counts[k] = (counts[k] || 0) + 1;
      if (status === 200) accepted[w]++;
    }
  };
  await Promise.all(Array.from({ length: width }, (_, w) => worker(w)));
  agent.destroy();
  for (const k of Object.keys(counts).sort()) console.log(`${k} ${counts[k]}`);
  accepted.forEach((n, w) => console.log(`accepted ${o.device}-${w} ${n}`));
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'keygen') {
  const seed = crypto.randomBytes(32);
  console.log(seed.toString('hex') + ' ' + publicText(privateKey(seed.toString('hex'))));
} else if (cmd === 'secret') {
  console.log('whsec_' + crypto.randomBytes(32).toString('base64'));
} else if (cmd === 'sign') {
  console.log(sign(opts(rest)));
} else if (cmd === 'burst') {
  burst(opts(rest));
} else if (cmd === 'verify') {
  process.exit(verify(opts(rest)) ? 0 : 1);
} else {
  console.error('usage: webhook-sign.js keygen | secret | sign ... | verify ...');
  process.exit(2);
}
