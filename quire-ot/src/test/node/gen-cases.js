#!/usr/bin/env node
'use strict';
// Differential test cases for the Java port of the rich-text OT type, computed by the real npm
// reference (rich-text 4.1.0 with quill-delta 4.2.2).
//
//   node gen-cases.js --seed S --count N [--malformed M] [--from A] [--to B]
//
// writes one JSON line per case to stdout: {"req":REQUEST,"expect":ANSWER}. REQUEST is a request
// of the oracle contract (dev.quire.ot.eval.Oracle), or a JSON string holding a raw request line
// when that line is deliberately not JSON. ANSWER is {"ok":...} as the reference computes it, or
// {"error":{"code":...}} for a request Quire must refuse.
//
// The run is N valid cases and M malformed ones, spread evenly, numbered 0..N+M-1. Each case is
// generated from its own PRNG seeded by (S, its number), so --from/--to select any slice of the
// run (cases A..B-1) identically: shards of a long run, or one case to reproduce a failure.
const { type, Delta } = require('rich-text');
const { Rng, caseSeed } = require('./gen/rng');
const { validRequest } = require('./gen/valid');
const { malformedCase } = require('./gen/malformed');

function parseArgs(argv) {
  const args = { seed: null, count: null, malformed: 0, from: 0, to: null };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in args) || !Number.isSafeInteger(value) || value < 0) {
      throw new Error(`bad argument ${argv[i]} ${argv[i + 1]}`);
    }
    args[name] = value;
  }
  if (args.seed === null || args.count === null) throw new Error('--seed and --count are required');
  const total = args.count + args.malformed;
  if (args.to === null || args.to > total) args.to = total;
  return args;
}

// Whether case i of a run of `total` with `malformed` bad cases is a bad one: spreads them evenly.
function isMalformed(i, malformed, total) {
  return Math.floor(((i + 1) * malformed) / total) > Math.floor((i * malformed) / total);
}

// What the reference answers. It reads the request exactly as sent (parsed from its JSON text),
// so no object is shared between arguments: quill-delta's invert compares attribute values with ===.
function referenceAnswer(req) {
  switch (req.fn) {
    case 'compose': return type.compose(req.a, req.b).ops;
    case 'transform': return new Delta(req.a).transform(new Delta(req.b), req.priority).ops;
    case 'transformPosition': return new Delta(req.a).transformPosition(req.index, req.priority);
    case 'invert': return new Delta(req.a).invert(new Delta(req.base)).ops;
    case 'apply': return type.apply(req.doc, req.op).ops;
    case 'transformPresence': return type.transformPresence(req.range, req.op, req.own);
    default: throw new Error(`no such fn ${req.fn}`);
  }
}

function caseLine(i, args, total) {
  const r = new Rng(caseSeed(args.seed, i));
  if (isMalformed(i, args.malformed, total)) {
    const c = malformedCase(r);
    // A request that is not a JSON object or array travels as its raw line, in a JSON string.
    const line = c.raw ? c.req : JSON.stringify(c.req);
    const req = c.raw || typeof c.req !== 'object' || c.req === null ? JSON.stringify(line) : line;
    return `{"req":${req},"expect":{"error":{"code":"${c.code}"}}}\n`;
  }
  const reqText = JSON.stringify(validRequest(r));
  const answer = JSON.stringify({ ok: referenceAnswer(JSON.parse(reqText)) });
  return `{"req":${reqText},"expect":${answer}}\n`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const total = args.count + args.malformed;
  const out = process.stdout;
  out.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1)); // the reader stopped early
  let chunk = '';
  for (let i = args.from; i < args.to; i++) {
    chunk += caseLine(i, args, total);
    if (chunk.length >= 1 << 16) {
      // Respect back-pressure so a slow reader never makes us buffer the whole run.
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.write(chunk);
}

main().catch((e) => {
  process.stderr.write(`gen-cases: ${e.stack || e}\n`);
  process.exit(2);
});
