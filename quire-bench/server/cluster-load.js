// The load of the cluster benchmark (docs/BENCHMARKS.md, "Cluster mode (issue 4)"): the typing
// of load.js (unmodified sharedb clients, one WebSocket each, each author keeps one op in flight
// and submits its next op from the previous op's ack callback; one character inserted at a random
// position, or one op in five a character deleted), spread over the servers of a cluster: DOCS
// documents × AUTHORS authors, author k (counted over all documents) connected to server k % N,
// so every document has authors on both servers.
//
// Measured in the window after the warm-up: durable ops/s (acks: both sides ack only after the
// op is committed to PostgreSQL), ack latency (submit → ack callback), and REMOTE-DELIVERY latency:
// the time from an author's submit to the arrival of that op at another author of the same
// document connected to ANOTHER server. Ops are identified by the (src, seq) the sharedb client
// puts in its op message and the server forwards to the other subscribers; one op in SAMPLE
// (seq % SAMPLE == 0) is followed, each arrival at an author on another server is one sample.
// After the window the authors stop; every author of a document must then hold the same text at
// the same version (convergence across the servers) and no op may fail.
//
// Usage: node cluster-load.js --urls ws://A/ws,ws://B/ws --docs 100 --authors 5 [--warmup 5]
//          [--duration 15] [--seed N] [--sample 1] [--server-pids P,Q] [--label NAME] [--scenario a]
// Prints a summary and one line "result {json}". Exits non-zero on divergence or errors.
'use strict';
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const richText = require('rich-text');
const fs = require('fs');
const { performance } = require('perf_hooks');

ShareDB.types.register(richText.type);

const args = parseArgs(process.argv.slice(2), {
  urls: null, docs: 100, authors: 5, warmup: 5, duration: 15, seed: Date.now() % 1e9, sample: 1,
  'server-pids': '', label: 'server', scenario: '?',
});
if (!args.urls) die('--urls is required');
const URLS = args.urls.split(',');
const DOCS = Number(args.docs);
const AUTHORS = Number(args.authors);
const SEED = Number(args.seed);
const SAMPLE = Number(args.sample);
const START_TEXT = 'The quick brown fox jumps over the lazy dog.\n'.repeat(20);
const SETTLE_MS = 60_000; // bound on the wait for the last acks and for convergence

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || !(argv[i].slice(2) in defaults)) die(`unknown option ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function die(message) {
  console.error(`cluster-load: ${message}`);
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

function connect(url) {
  return new Promise((resolve, reject) => {
    const connection = new ShareDB.Connection(new WebSocket(url));
    connection.on('error', reject);
    connection.on('state', (state) => {
      if (state === 'connected') resolve(connection);
    });
  });
}

const call = (fn) => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/** CPU seconds (user + system) of processes so far, from /proc; null when unknown. */
function cpuSeconds(pids) {
  if (pids.length === 0) return null;
  try {
    let total = 0;
    for (const pid of pids) {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (USER_HZ 100)
    }
    return total;
  } catch (e) {
    return null;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const pids = args['server-pids'] ? args['server-pids'].split(',').filter(Boolean) : [];
  const runId = `${args.label}-${args.scenario}-${SEED}`;
  console.log(`cluster-load: ${args.label} scenario ${args.scenario}: ${URLS.join(' ')} docs=${DOCS} ` +
    `authors=${AUTHORS} warmup=${args.warmup}s duration=${args.duration}s sample=1/${SAMPLE} seed=${SEED}`);

  const window = { start: Infinity, end: Infinity };
  const sent = new Map(); // "src:seq" → { t0, server } for the followed ops
  const ackLatencies = [];
  const remoteLatencies = [];
  let acksInWindow = 0;
  let errors = 0;
  let stopping = false;

  // Authors of one document connect in order; the first creates the document.
  async function openDoc(d) {
    const authors = [];
    for (let j = 0; j < AUTHORS; j++) {
      const k = d * AUTHORS + j;
      const server = k % URLS.length;
      const connection = await connect(URLS[server]);
      const doc = connection.get('docs', `cb-${runId}-${d}`);
      await call((cb) => doc.subscribe(cb));
      if (j === 0) await call((cb) => doc.create([{ insert: START_TEXT }], richText.type.uri, cb));
      const author = { k, server, connection, doc, pendingT0: 0, acked: 0 };
      connection.on('send', (message) => {
        if (message.a === 'op' && message.seq % SAMPLE === 0 && author.pendingT0 >= window.start &&
            author.pendingT0 < window.end) {
          sent.set(`${connection.id}:${message.seq}`, { t0: author.pendingT0, server });
        }
      });
      connection.on('receive', (request) => {
        const m = request.data;
        if (!m || m.a !== 'op' || m.src === connection.id) return;
        const origin = sent.get(`${m.src}:${m.seq}`);
        if (origin && origin.server !== server) remoteLatencies.push(performance.now() - origin.t0);
      });
      doc.on('error', (e) => die(`client error: ${e.message}`));
      authors.push(author);
    }
    return authors;
  }
  const docs = [];
  for (let d = 0; d < DOCS; d += 10) { // ten documents at a time
    const batch = [];
    for (let i = d; i < Math.min(DOCS, d + 10); i++) batch.push(openDoc(i));
    docs.push(...(await Promise.all(batch)));
  }
  const authors = docs.flat();
  console.log(`cluster-load: ${authors.length} authors connected and subscribed`);

  for (const author of authors) {
    const random = rng(SEED * 31 + author.k);
    const letter = String.fromCharCode(97 + (author.k % 26));
    const doc = author.doc;
    author.next = () => {
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
      author.pendingT0 = t0; // the op is sent within submitOp: nothing else is in flight
      doc.submitOp(op, (err) => {
        const t1 = performance.now();
        if (err) {
          errors++;
          if (errors <= 5) console.error(`cluster-load: op error: ${err.code || ''} ${err.message}`);
        } else {
          author.acked++;
          if (t1 >= window.start && t1 < window.end) acksInWindow++;
          if (t0 >= window.start && t0 < window.end) ackLatencies.push(t1 - t0);
        }
        author.next();
      });
    };
  }

  const began = performance.now();
  window.start = began + args.warmup * 1000;
  window.end = window.start + args.duration * 1000;
  let cpuAtStart = null;
  const loadAtStart = { cpu: null };
  setTimeout(() => {
    cpuAtStart = cpuSeconds(pids);
    loadAtStart.cpu = process.cpuUsage();
  }, args.warmup * 1000);
  for (const a of authors) a.next();

  await new Promise((resolve) => setTimeout(resolve, window.end - began));
  stopping = true;
  const serverCpu = cpuAtStart === null ? null : cpuSeconds(pids) - cpuAtStart;
  const loadCpu = process.cpuUsage(loadAtStart.cpu);
  const loadCpuSeconds = (loadCpu.user + loadCpu.system) / 1e6;
  const followed = sent.size;

  // Stop: wait for the last acks, then for every author to reach its document's head.
  const settleBy = setTimeout(() => die(`authors did not settle within ${SETTLE_MS} ms`), SETTLE_MS);
  await Promise.all(authors.map((a) => new Promise((resolve) => a.doc.whenNothingPending(resolve))));
  let diverged = 0;
  let totalVersions = 0;
  for (const group of docs) {
    const head = Math.max(...group.map((a) => a.doc.version));
    totalVersions += head;
    await Promise.all(group.map((a) => new Promise((resolve) => {
      const check = () => {
        if (a.doc.version < head) return;
        a.doc.off('op', check);
        resolve();
      };
      a.doc.on('op', check);
      check();
    })));
    const texts = new Set(group.map((a) => JSON.stringify(a.doc.data.ops)));
    if (texts.size !== 1 || group.some((a) => a.doc.version !== head)) diverged++;
  }
  clearTimeout(settleBy);

  ackLatencies.sort((a, b) => a - b);
  remoteLatencies.sort((a, b) => a - b);
  const result = {
    label: args.label,
    scenario: args.scenario,
    docs: DOCS,
    authors: AUTHORS,
    servers: URLS.length,
    seed: SEED,
    duration_s: Number(args.duration),
    ops_per_s: acksInWindow / args.duration,
    ops_in_window: acksInWindow,
    ack_p50_ms: percentile(ackLatencies, 50),
    ack_p99_ms: percentile(ackLatencies, 99),
    ack_max_ms: ackLatencies.length ? ackLatencies[ackLatencies.length - 1] : NaN,
    remote_p50_ms: percentile(remoteLatencies, 50),
    remote_p99_ms: percentile(remoteLatencies, 99),
    remote_max_ms: remoteLatencies.length ? remoteLatencies[remoteLatencies.length - 1] : NaN,
    remote_samples: remoteLatencies.length,
    followed_ops: followed,
    errors,
    total_versions: totalVersions,
    converged: diverged === 0,
    load_cpu_s: loadCpuSeconds,
    server_cpu_s: serverCpu,
  };
  const f = (x) => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
  console.log(`cluster-load: ${args.label} (${args.scenario}): ${result.ops_per_s.toFixed(0)} durable ops/s, ` +
    `ack p50 ${f(result.ack_p50_ms)} p99 ${f(result.ack_p99_ms)} ms, remote p50 ${f(result.remote_p50_ms)} ` +
    `p99 ${f(result.remote_p99_ms)} ms (${remoteLatencies.length} samples of ${followed} ops); ${errors} errors; ` +
    `converged: ${result.converged}; cpu in window: load ${f(loadCpuSeconds)} s, servers ${f(serverCpu)} s`);
  console.log(`result ${JSON.stringify(result)}`);
  for (const a of authors) a.connection.close();
  if (diverged > 0) die(`${diverged} documents diverged`);
  if (errors > 0) die(`${errors} ops failed`);
}

main().catch((e) => die(e.stack || e.message));
