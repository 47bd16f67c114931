/**
 * Explicit, seeded randomness: `rng(seed)` returns a generator value that is
 * passed to whatever samples. Nothing in the library touches `Math.random`.
 */
// seedrandom's own file holds ARC4 alone; the package's index also loads five generators never used here (6 KB in a bundle).
import seedrandom from 'seedrandom/seedrandom.js';
import { argumentError, fail, show } from '../errors.js';

/** A seeded stream of uniforms in [0, 1). */
export interface Rng {
  /** The next uniform in [0, 1), with 53 bits of randomness. */
  next(): number;
}

/** A reproducible generator (seedrandom's ARC4 with full double precision). */
export function rng(seed: number | string, where = 'rng'): Rng {
  const part = typeof where === 'string' ? where : 'rng';
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') {
    fail({
      code: 'option-invalid',
      part,
      message: `${part}: seed must be a finite number or a string, got ${typeof seed === 'number' ? String(seed) : show(seed)}`,
    });
  }
  const generator = seedrandom(String(seed));
  return { next: () => generator.double() };
}

/** Index i with probability w_i / Σ w over `w[from..to)` (weights need not be normalised). */
export function sampleIndex(random: Rng, w: ArrayLike<number>, from = 0, to = w.length): number {
  let total = 0;
  for (let i = from; i < to; i++) total += w[i]!;
  let u = random.next() * total;
  let last = from;
  for (let i = from; i < to; i++) {
    if (w[i]! <= 0) continue;
    last = i;
    u -= w[i]!;
    if (u < 0) return i;
  }
  return last;
}

/**
 * A standard normal draw (Box–Muller: √(−2 ln u₁) cos 2πu₂), using two uniforms
 * of `random`; u₁ is taken in (0, 1] so the logarithm stays finite.
 * @example sampler((random) => x + 0.1 * gaussian(random))
 */
export function gaussian(random: Rng): number {
  if (typeof random !== 'object' || random === null || typeof (random as { next?: unknown }).next !== 'function') argumentError('gaussian', 'a random stream from rng(seed)', random, 'e.g. gaussian(rng(0))');
  const u1 = 1 - random.next();
  const u2 = random.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Repeated draws of an index i with probability w_i / Σ w: the running sums of
 * w are kept once, and each draw is the first i with Σ_{j≤i} w_j > u·Σ w, found
 * by bisection in O(log n). Entries with w_i = 0 are never drawn.
 */
export class InverseCdf {
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly last: number;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let acc = 0;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      this.cumulative[i] = acc += weights[i]!;
      if (weights[i]! > 0) last = i;
    }
    this.total = acc;
    this.last = last;
  }

  draw(random: Rng): number {
    const u = random.next() * this.total;
    const cumulative = this.cumulative;
    let lo = 0;
    let hi = this.last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
