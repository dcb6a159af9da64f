// The load of the collaboration-server benchmark (docs/BENCHMARKS.md): N unmodified sharedb
// clients, one WebSocket each, on ONE rich-text document, each "typing" as fast as its acks allow.
// The sharedb client keeps one op in flight (its own rule); each client submits its next op from
// the previous op's ack callback, so the server sees N ops at a time, all concurrent with each
// other (each is transformed against what the others committed meanwhile).
//
// An op is one character inserted at a random position, or (one op in five, once the text has
// some length) one character deleted at a random position. After a warm-up, for a fixed time, it
// counts the acks (sustained committed ops/s) and the ack latency of each op submitted in that
// window (submit → ack callback, as a client sees it, its own event loop included). Then the
// clients stop, and it checks that every client and a fresh client's fetch hold the same text.
//
// Usage: node load.js --url ws://127.0.0.1:PORT/ws [--clients 20] [--warmup 5] [--duration 20]
//          [--seed N] [--doc ID] [--server-pid PID] [--label NAME]
// Prints a human summary and one line "result {json}". Exits non-zero on divergence or errors.
'use strict';
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const richText = require('rich-text');
const fs = require('fs');
const { performance } = require('perf_hooks');

ShareDB.types.register(richText.type);

const args = parseArgs(process.argv.slice(2), {
  url: null, clients: 20, warmup: 5, duration: 20, seed: Date.now() % 1e9, doc: null,
  'server-pid': null, label: 'server',
});
if (!args.url) die('--url is required');
const CLIENTS = Number(args.clients);
const SEED = Number(args.seed);
const DOC_ID = args.doc || `bench-${SEED}`;
const START_TEXT = 'The quick brown fox jumps over the lazy dog.\n'.repeat(20);
const SETTLE_MS = 30_000; // bound on the wait for the last acks and for convergence

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || !(argv[i].slice(2) in defaults)) die(`unknown option ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function die(message) {
  console.error(`load: ${message}`);
  process.exit(1);
}

// mulberry32: small, seeded, good enough to pick positions.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function connect() {
  return new Promise((resolve, reject) => {
    const connection = new ShareDB.Connection(new WebSocket(args.url));
    connection.on('error', reject);
    connection.on('state', (state) => {
      if (state === 'connected') resolve(connection);
    });
  });
}

const call = (fn) => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/** CPU seconds (user + system) of a process so far, from /proc; null when unknown. */
function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in ticks (USER_HZ 100)
  } catch (e) {
    return null;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  console.log(`load: ${args.label} ${args.url} doc=${DOC_ID} clients=${CLIENTS} warmup=${args.warmup}s ` +
    `duration=${args.duration}s seed=${SEED}`);
  const docs = [];
  for (let i = 0; i < CLIENTS; i++) {
    const doc = (await connect()).get('docs', DOC_ID);
    await call((cb) => doc.subscribe(cb));
    if (i === 0) await call((cb) => doc.create([{ insert: START_TEXT }], richText.type.uri, cb));
    docs.push(doc);
  }
  for (const doc of docs) {
    doc.on('error', (e) => die(`client error: ${e.message}`));
  }

  const window = { start: Infinity, end: Infinity };
  const latencies = [];
  let acksInWindow = 0;
  let errors = 0;
  let stopping = false;

  const clients = docs.map((doc, i) => {
    const random = rng(SEED * 31 + i);
    const letter = String.fromCharCode(97 + (i % 26));
    const client = { doc, submitted: 0, acked: 0 };
    client.next = () => {
      if (stopping) return;
      const length = doc.data.length();
      const op = [];
      if (length > 200 && random() < 0.2) {
        const at = Math.floor(random() * (length - 1)); // not the final newline
        if (at > 0) op.push({ retain: at });
        op.push({ delete: 1 });
      } else {
        const at = Math.floor(random() * length);
        if (at > 0) op.push({ retain: at });
        op.push({ insert: letter });
      }
      const t0 = performance.now();
      client.submitted++;
      doc.submitOp(op, (err) => {
        const t1 = performance.now();
        if (err) {
          errors++;
          if (errors <= 5) console.error(`load: op error: ${err.code || ''} ${err.message}`);
        } else {
          client.acked++;
          if (t1 >= window.start && t1 < window.end) acksInWindow++;
          if (t0 >= window.start && t0 < window.end) latencies.push(t1 - t0);
        }
        client.next();
      });
    };
    return client;
  });

  const began = performance.now();
  window.start = began + args.warmup * 1000;
  window.end = window.start + args.duration * 1000;
  let cpuAtStart = null;
  const cpuLoadAtStart = process.cpuUsage();
  setTimeout(() => { cpuAtStart = cpuSeconds(args['server-pid']); }, args.warmup * 1000);
  for (const c of clients) c.next();

  await new Promise((resolve) => setTimeout(resolve, window.end - began));
  stopping = true;
  const serverCpu = cpuAtStart === null ? null : cpuSeconds(args['server-pid']) - cpuAtStart;
  const loadCpu = process.cpuUsage(cpuLoadAtStart);
  const loadCpuSeconds = (loadCpu.user + loadCpu.system) / 1e6;

  // Stop: wait for the last acks, then for every client to reach the server's head.
  const settleBy = setTimeout(() => die(`clients did not settle within ${SETTLE_MS} ms: ` +
    docs.map((d) => d.version).join(',')), SETTLE_MS);
  await Promise.all(docs.map((d) => new Promise((resolve) => d.whenNothingPending(resolve))));
  const head = Math.max(...docs.map((d) => d.version));
  await Promise.all(docs.map((d) => new Promise((resolve) => {
    const check = () => {
      if (d.version < head) return;
      d.off('op', check);
      resolve();
    };
    d.on('op', check);
    check();
  })));
  const fresh = (await connect()).get('docs', DOC_ID);
  await call((cb) => fresh.fetch(cb));
  clearTimeout(settleBy);

  const texts = new Set(docs.map((d) => JSON.stringify(d.data.ops)));
  texts.add(JSON.stringify(fresh.data.ops));
  const converged = texts.size === 1 && fresh.version === head;

  latencies.sort((a, b) => a - b);
  const result = {
    label: args.label,
    clients: CLIENTS,
    seed: SEED,
    duration_s: Number(args.duration),
    ops_per_s: acksInWindow / args.duration,
    ops_in_window: acksInWindow,
    p50_ms: percentile(latencies, 50),
    p90_ms: percentile(latencies, 90),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.length ? latencies[latencies.length - 1] : NaN,
    errors,
    final_version: head,
    final_length: fresh.data.length(),
    converged,
    websocket_extensions: docs[0].connection.socket.extensions || 'none',
    load_cpu_s: loadCpuSeconds,
    server_cpu_s: serverCpu,
  };
  const f = (x) => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
  console.log(`load: ${args.label}: ${result.ops_per_s.toFixed(0)} ops/s, ack p50 ${f(result.p50_ms)} ms, ` +
    `p99 ${f(result.p99_ms)} ms, max ${f(result.max_ms)} ms; ${errors} errors; v=${head}, ` +
    `length ${result.final_length}; converged: ${converged}; cpu in window: load ${f(loadCpuSeconds)} s, ` +
    `server ${f(serverCpu)} s`);
  console.log(`result ${JSON.stringify(result)}`);
  for (const d of docs) d.connection.close();
  fresh.connection.close();
  if (!converged) die(`clients diverged: ${texts.size} different texts`);
  if (errors > 0) die(`${errors} ops failed`);
}

main().catch((e) => die(e.stack || e.message));
