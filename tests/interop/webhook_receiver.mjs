// SPDX-License-Identifier: ISC
// tests/interop/webhook_receiver.mjs - an independent receiver of aiupdate's
// status reports for tests/integration/report.sh: HTTPS with the bed's
// CA-issued certificate, "v1" (HMAC-SHA256) verified by the npm
// standardwebhooks library (the Standard Webhooks authors' implementation),
// "v1a" (Ed25519) by node:crypto, the +-5 minute tolerance, the report id
// and the per-device counter as replay guards (kept in --state across
// restarts), and the collector's answers of docs/report.md:
// 2xx accepted, 409 replayed id or counter not above the last, 401 bad
// signature or unknown device, 400 stale timestamp or malformed body,
// 413 over 64 KiB.  Each accepted report is appended to --out as one JSON
// line {"id","timestamp","signature","body","verified"}, each answer to
// --log as "STATUS ID REASON".
//
//   node webhook_receiver.mjs --port P --cert C --key K --out FILE --log FILE
//        --state FILE [--secret whsec_...] [--pk whpk_...]
//        [--mode normal|slow|endless|redirect|error]
// With --secret, v1 must verify (through the npm library); with --pk, v1a
// must verify under that key; with both, both.  --mode: slow never answers,
// endless streams a body forever, redirect answers 302, error answers 503.
// Prints "listening" on stdout once it accepts connections.
import fs from "node:fs";
import https from "node:https";
import crypto from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const BODY_MAX = 65536;
const TOLERANCE = 300;

function args(argv) {
  const o = { mode: "normal" };
  for (let i = 2; i < argv.length; i += 2) o[argv[i].replace(/^--/, "")] = argv[i + 1];
  return o;
}
const opt = args(process.argv);

function loadState() {
  try { return JSON.parse(fs.readFileSync(opt.state, "utf8")); }
  catch { return { ids: [], counters: {} }; }
}
function saveState(st) {
  fs.writeFileSync(opt.state + ".tmp", JSON.stringify(st));
  fs.renameSync(opt.state + ".tmp", opt.state);
}
function log(status, id, why) {
  fs.appendFileSync(opt.log, `${status} ${id || "-"} ${why}\n`);
}

// v1a: node:crypto over id.ts.body with the enrolled key.
function verifyV1a(pkText, id, ts, body, header) {
  const raw = Buffer.from(pkText.replace(/^whpk_/, ""), "base64");
  const key = crypto.createPublicKey({
    key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]),
    format: "der", type: "spki" });
  const msg = Buffer.concat([Buffer.from(`${id}.${ts}.`), body]);
  return header.split(" ").some((e) => e.startsWith("v1a,") &&
    crypto.verify(null, msg, key, Buffer.from(e.slice(4), "base64")));
}

function judge(req, body, size) {
  const id = req.headers["webhook-id"], ts = req.headers["webhook-timestamp"];
  const sig = req.headers["webhook-signature"];
  if (size > BODY_MAX) return [413, id, "over 64 KiB"];
  if (!id || !ts || !sig) return [400, id, "missing webhook headers"];
  if (!/^[0-9]+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > TOLERANCE)
    return [400, id, "stale timestamp"];
  const verified = [];
  if (opt.secret) {
    try {
      new Webhook(opt.secret).verify(body, req.headers);
      verified.push("v1:standardwebhooks");
    } catch (e) {
      return [e instanceof WebhookVerificationError ? 401 : 400, id, `v1: ${e.message}`];
    }
  }
  if (opt.pk) {
    if (!verifyV1a(opt.pk, id, ts, body, sig)) return [401, id, "v1a: no signature verifies"];
    verified.push("v1a:node-crypto");
  }
  let data;
  try { data = JSON.parse(body.toString("utf8")).data; } catch { return [400, id, "malformed body"]; }
  if (!data || typeof data.counter !== "number" || typeof data.device_id !== "string")
    return [400, id, "malformed body"];
  if (data.report_id !== id) return [400, id, "webhook-id is not data.report_id"];
  const st = loadState();
  if (st.ids.includes(id)) return [409, id, "replayed id"];
  const last = st.counters[data.device_id];
  if (last !== undefined && data.counter <= last) return [409, id, `counter ${data.counter} not above ${last}`];
  st.ids.push(id);
  st.counters[data.device_id] = data.counter;
  saveState(st);
  fs.appendFileSync(opt.out, JSON.stringify({ id, timestamp: ts, signature: sig,
    body: body.toString("utf8"), verified }) + "\n");
  return [200, id, `accepted ${verified.join(",")}`];
}

function hostile(req, res) {
  if (opt.mode === "slow") return;	// never answers
  if (opt.mode === "redirect") {
    res.writeHead(302, { location: "https://example.invalid/elsewhere" });
    return res.end();
  }
  if (opt.mode === "error") {
    res.writeHead(503);
    return res.end("down");
  }
  res.writeHead(200, { "content-type": "application/json" });	// endless
  const chunk = Buffer.alloc(16384, 0x20);
  const more = () => { while (res.write(chunk)); };
  res.on("drain", more);
  more();
}

const server = https.createServer({
  cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key),
  minVersion: "TLSv1.2" }, (req, res) => {
  const parts = [];
  let size = 0;
  req.on("data", (d) => { size += d.length; if (size <= BODY_MAX + 1) parts.push(d); });
  req.on("end", () => {
    if (opt.mode !== "normal") return hostile(req, res);
    const [status, id, why] = judge(req, Buffer.concat(parts), size);
    log(status, id, why);
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(why + "\n");
  });
});
server.listen(Number(opt.port), "127.0.0.1", () => console.log("listening"));
