'use strict';
// Seeded randomness for the case generator. Every case gets its own PRNG, derived from the run's
// seed and the case's number, so any case (or any range of cases) can be regenerated alone:
// that is what lets the Java side shard a long run and print a one-case reproduction command.

// mulberry32: tiny, fast, good enough for test data; returns floats in [0, 1).
function mulberry32(a) {
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A 32-bit hash of (seed, case number), so neighbouring cases get unrelated streams.
function caseSeed(seed, index) {
  let h = (seed ^ Math.imul((index + 1) | 0, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  // Mix in the high part of large case numbers too (index can exceed 2^32 in theory).
  return (h ^ Math.floor(index / 4294967296)) >>> 0;
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  // An integer in [lo, hi].
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  // Picks from [[weight, value], ...].
  weighted(entries) {
    let total = 0;
    for (let i = 0; i < entries.length; i++) total += entries[i][0];
    let x = this.next() * total;
    for (let i = 0; i < entries.length; i++) {
      x -= entries[i][0];
      if (x < 0) return entries[i][1];
    }
    return entries[entries.length - 1][1];
  }
}

module.exports = { Rng, caseSeed };
