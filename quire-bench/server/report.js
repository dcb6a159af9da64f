// Prints the table of the collaboration-server benchmark (Markdown) from the "result {json}"
// lines of load.js runs: one row per run, then the mean of the runs of each server, then the
// ratios Quire / reference. And the cold-open rows from the "open …" lines of server-bench.sh.
// Usage: node report.js LOAD_OUTPUT... [--open COLD_OPEN_LINES_FILE]
'use strict';
const fs = require('fs');

const argv = process.argv.slice(2);
const openAt = argv.indexOf('--open');
const loadFiles = openAt < 0 ? argv : argv.slice(0, openAt);
const openFile = openAt < 0 ? null : argv[openAt + 1];

const runs = [];
for (const f of loadFiles) {
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    if (line.startsWith('result ')) runs.push(JSON.parse(line.slice(7)));
  }
}
const n = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cpuPerOp = (r) => (r.server_cpu_s === null ? NaN : (r.server_cpu_s * 1000) / r.ops_in_window);

console.log('| server | run | ops/s | ack p50 ms | ack p99 ms | ack max ms | server CPU ms/op | load CPU ms/op | ws extension | converged |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---|---|');
const labels = [...new Set(runs.map((r) => r.label))];
const means = {};
for (const label of labels) {
  const mine = runs.filter((r) => r.label === label);
  mine.forEach((r, i) => {
    console.log(`| ${label} | ${i + 1} | ${n(r.ops_per_s, 0)} | ${n(r.p50_ms, 2)} | ${n(r.p99_ms, 2)} | ` +
      `${n(r.max_ms, 1)} | ${n(cpuPerOp(r), 2)} | ${n((r.load_cpu_s * 1000) / r.ops_in_window, 2)} | ` +
      `${r.websocket_extensions} | ${r.converged} |`);
  });
  means[label] = {
    ops: mean(mine.map((r) => r.ops_per_s)),
    p50: mean(mine.map((r) => r.p50_ms)),
    p99: mean(mine.map((r) => r.p99_ms)),
    max: mean(mine.map((r) => r.max_ms)),
  };
  const m = means[label];
  console.log(`| **${label}** | mean | **${n(m.ops, 0)}** | **${n(m.p50, 2)}** | **${n(m.p99, 2)}** | ${n(m.max, 1)} | | | | |`);
}
if (means.quire && means.reference) {
  const q = means.quire;
  const r = means.reference;
  console.log(`| quire / reference | | ${n(q.ops / r.ops, 2)}x | ${n(q.p50 / r.p50, 2)}x | ${n(q.p99 / r.p99, 2)}x | ` +
    `${n(q.max / r.max, 2)}x | | | | |`);
}

if (openFile) {
  const opens = fs.readFileSync(openFile, 'utf8').split('\n').filter((l) => l.startsWith('open ')).map((l) => ({
    run: Number(/run=(\d+)/.exec(l)[1]),
    reopen: Number(/reopen=(\d+)/.exec(l)[1]),
    server: Number(/server_ms=([\d.]+)/.exec(l)[1]),
    client: Number(/fetch_ms=([\d.]+)/.exec(l)[1]),
    from: /\(snapshot v=([^)]*)\)/.exec(l)[1],
  }));
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
  const span = (xs) => `**${n(med(xs))}** (${n(Math.min(...xs))}–${n(Math.max(...xs))})`;
  const first = opens.filter((o) => o.reopen === 0);
  const again = opens.filter((o) => o.reopen > 0);
  if (first.length) {
    console.log('');
    console.log('| open of docs/paper (104,852 chars, 259,779 ops) | server-side open ms | client first fetch ms | read from |');
    console.log('|---|---:|---:|---|');
    for (const o of first) {
      console.log(`| fresh server, run ${o.run} | ${n(o.server)} | ${n(o.client)} | snapshot v=${o.from} |`);
    }
    console.log(`| **fresh server (cold JVM)**: median (min–max) of ${first.length} | ${span(first.map((o) => o.server))} | ` +
      `${span(first.map((o) => o.client))} | |`);
    if (again.length) {
      console.log(`| **evicted, opened again (same JVM)**: median (min–max) of ${again.length} | ` +
        `${span(again.map((o) => o.server))} | ${span(again.map((o) => o.client))} | ` +
        `${[...new Set(again.map((o) => `snapshot v=${o.from}`))].join('; ')} |`);
    }
  }
}
