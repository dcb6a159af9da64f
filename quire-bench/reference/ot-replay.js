// The reference for `./quire ot replay`: the same trace, each patch turned into the same Delta JSON
// text, then JSON.parse + rich-text apply (quill-delta 4.2.2 compose) per op, as ShareDB's server
// does with a submitted op. Prints one line per run: "run N: X ms".
// Usage: node ot-replay.js TRACE.json.gz [--repeat N]
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const richText = require('rich-text').type;

const args = process.argv.slice(2);
const file = args[0];
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;
if (!file) {
  console.error('usage: node ot-replay.js TRACE.json.gz [--repeat N]');
  process.exit(2);
}
const raw = fs.readFileSync(file);
const trace = JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));

// Same op text as Quire's EditingTrace.toJsonOps (this trace is ASCII: code points = UTF-16 units).
const ops = [];
for (const txn of trace.txns) {
  for (const [pos, del, ins] of txn.patches) {
    const op = [];
    if (pos > 0) op.push({ retain: pos });
    if (del > 0) op.push({ delete: del });
    if (ins.length > 0) op.push({ insert: ins });
    ops.push(JSON.stringify(op));
  }
}

for (let run = 1; run <= repeat; run++) {
  let doc = richText.create([]);
  const t0 = process.hrtime.bigint();
  for (const text of ops) {
    doc = richText.apply(doc, JSON.parse(text));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const final = doc.ops.map((o) => o.insert).join('');
  if (final !== trace.endContent) {
    console.error('reference replay did not reproduce endContent');
    process.exit(1);
  }
  console.log(`run ${run}: ${ms.toFixed(1)} ms`);
}
