// The client side of the cold-open measurement: one unmodified sharedb client connects, and once
// the handshake is done, times its first fetch of a document (the server opens it from disk on
// that fetch). Prints one line: "fetch_ms=… v=… length=…".
// Usage: node cold-open.js URL DOC_ID [EXPECTED_VERSION] [EXPECTED_LENGTH]
'use strict';
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const richText = require('rich-text');
const { performance } = require('perf_hooks');

ShareDB.types.register(richText.type);

const [url, docId, wantV, wantLength] = process.argv.slice(2);
const deadline = setTimeout(() => fail('no answer within 60 s'), 60_000);

function fail(message) {
  console.error(`cold-open: ${message}`);
  process.exit(1);
}

const connection = new ShareDB.Connection(new WebSocket(url));
connection.on('error', (e) => fail(e.message));
connection.on('state', (state) => {
  if (state !== 'connected') return;
  const doc = connection.get('docs', docId);
  const t0 = performance.now();
  doc.fetch((err) => {
    const ms = performance.now() - t0;
    if (err) fail(err.message);
    const length = doc.data ? doc.data.length() : -1;
    if (wantV && doc.version !== Number(wantV)) fail(`version ${doc.version}, expected ${wantV}`);
    if (wantLength && length !== Number(wantLength)) fail(`length ${length}, expected ${wantLength}`);
    console.log(`fetch_ms=${ms.toFixed(1)} v=${doc.version} length=${length}`);
    clearTimeout(deadline);
    connection.close();
  });
});
