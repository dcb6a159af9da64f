// Prints the table of the cluster benchmark (Markdown) from the "result {json}" lines of the load
// generator's runs (dev.quire.bench.load.LoadGen): for each scenario, one row per run, the mean of
// each side's runs, and the ratios Quire / reference of the means.
// Usage: node cluster-report.js LOAD_OUTPUT...
'use strict';
const fs = require('fs');

const runs = [];
for (const f of process.argv.slice(2)) {
  if (!fs.existsSync(f)) continue;
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    if (line.startsWith('result ')) runs.push(JSON.parse(line.slice(7)));
  }
}
const n = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
// JSON writes NaN (no samples) as null: a mean over a missing value is missing.
const mean = (xs) => (xs.some((x) => x === null) ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const ratio = (a, b) => (Number.isNaN(a / b) ? 'n/a' : `${(a / b).toFixed(2)}x`);
const perOp = (cpu, r) => (cpu === null ? NaN : (cpu * 1000) / r.ops_in_window);

console.log('| scenario | cluster | run | durable ops/s | keystrokes acked/s | ack p50 ms | ack p99 ms | remote p50 ms | remote p99 ms | remote samples | servers CPU ms/op | PostgreSQL+Redis CPU ms/op | load-generator CPU s/s | failures | converged |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const scenario of [...new Set(runs.map((r) => r.scenario))]) {
  const means = {};
  for (const label of ['reference', 'quire']) {
    const mine = runs.filter((r) => r.scenario === scenario && r.label === label);
    if (mine.length === 0) continue;
    const typing = mine[0].rate > 0 ? `${mine[0].rate}/s each` : 'as fast as acked';
    const shape = `${scenario}: ${mine[0].docs} × ${mine[0].authors}, ${typing}, ${mine[0].servers} process${mine[0].servers > 1 ? 'es' : ''}`;
    mine.forEach((r, i) => {
      console.log(`| ${shape} | ${label} | ${i + 1} | ${n(r.ops_per_s, 0)} | ${n(r.keystrokes_acked_per_s, 0)} | ${n(r.ack_p50_ms, 2)} | ` +
        `${n(r.ack_p99_ms, 2)} | ${n(r.remote_p50_ms, 2)} | ${n(r.remote_p99_ms, 2)} | ${r.remote_samples} | ` +
        `${n(perOp(r.server_cpu_s, r), 2)} | ${n(perOp(r.service_cpu_s ?? null, r), 2)} | ${n(r.load_cpu_s / r.duration_s, 2)} | ${r.errors} | ${r.converged} |`);
    });
    const m = {
      ops: mean(mine.map((r) => r.ops_per_s)),
      ack50: mean(mine.map((r) => r.ack_p50_ms)),
      ack99: mean(mine.map((r) => r.ack_p99_ms)),
      rem50: mean(mine.map((r) => r.remote_p50_ms)),
      rem99: mean(mine.map((r) => r.remote_p99_ms)),
    };
    means[label] = m;
    console.log(`| ${shape} | **${label}** | mean | **${n(m.ops, 0)}** | | **${n(m.ack50, 2)}** | **${n(m.ack99, 2)}** | ` +
      `**${n(m.rem50, 2)}** | **${n(m.rem99, 2)}** | | | | | | |`);
  }
  if (means.quire && means.reference) {
    const q = means.quire;
    const r = means.reference;
    console.log(`| ${scenario} | quire / reference | | **${ratio(q.ops, r.ops)}** | | ${ratio(q.ack50, r.ack50)} | ` +
      `**${ratio(q.ack99, r.ack99)}** | ${ratio(q.rem50, r.rem50)} | **${ratio(q.rem99, r.rem99)}** | | | | | | |`);
  }
}
