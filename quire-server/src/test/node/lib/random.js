'use strict';
// A small seeded generator, so that a randomized run can be replayed from its seed (a Java long,
// given as decimal text). splitmix64 spreads the seed over the state of sfc32.

function splitmix64(state) {
  const mask = (1n << 64n) - 1n;
  state.x = (state.x + 0x9e3779b97f4a7c15n) & mask;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
  return z ^ (z >> 31n);
}

class Random {
  constructor(seed) {
    const state = {x: BigInt.asUintN(64, BigInt(seed))};
    const words = [];
    for (let i = 0; i < 2; i++) {
      const z = splitmix64(state);
      words.push(Number(z & 0xffffffffn), Number(z >> 32n));
    }
    [this.a, this.b, this.c, this.d] = words.map((w) => w >>> 0);
    for (let i = 0; i < 12; i++) this.next32();
  }

  next32() {
    // sfc32
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return r >>> 0;
  }

  /** A number in [0, 1). */
  next() {
    return this.next32() / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p) {
    return this.next() < p;
  }

  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An independent generator, derived from this one (one per simulated client). */
  fork() {
    return new Random(BigInt(this.next32()) * 4294967296n + BigInt(this.next32()));
  }
}

module.exports = {Random};
