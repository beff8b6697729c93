// SPDX-License-Identifier: ISC
// tests/interop/tufjs-client.js ROOT_FILE METADATA_URL TARGET_BASE_URL WORKDIR TARGET...
// An independent TUF client (the tuf-js 4.1.0 Updater, Node 20): trusts
// ROOT_FILE, refreshes from METADATA_URL, downloads each TARGET from
// TARGET_BASE_URL into WORKDIR/targets, and prints one line per target:
//   <sha256 hex of the downloaded file> <length> <TARGET>
// Exit 0 when every step succeeded, 1 otherwise (the error on stderr).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

async function main(argv) {
  if (argv.length < 5) throw new Error('usage: tufjs-client.js ROOT_FILE METADATA_URL TARGET_BASE_URL WORKDIR TARGET...');
  const [rootFile, metadataBaseUrl, targetBaseUrl, work, ...names] = argv;
  const metadataDir = path.join(work, 'metadata');
  const targetDir = path.join(work, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  if (!fs.existsSync(path.join(metadataDir, 'root.json')))
    fs.copyFileSync(rootFile, path.join(metadataDir, 'root.json'));
  const updater = new Updater({ metadataDir, metadataBaseUrl, targetDir, targetBaseUrl });
  await updater.refresh();
  for (const name of names) {
    const info = await updater.getTargetInfo(name);
    if (!info) throw new Error(`target ${name} not found`);
    const file = (await updater.findCachedTarget(info)) || (await updater.downloadTarget(info));
    const data = fs.readFileSync(file);
    console.log(`${crypto.createHash('sha256').update(data).digest('hex')} ${data.length} ${name}`);
  }
}

main(process.argv.slice(2)).then(() => process.exit(0), (err) => {
  console.error(`tufjs-client: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
