/**
 * `sampler(fn)`: a distribution known only by how to draw from it. A
 * transition (or a simulated state's `initial`) may return one where no
 * finite table exists — a continuous state, noise from a physics step. Only
 * engines that simulate (importance, SMC, score-function variational) can use
 * it; the exact engine asks for tables and says so.
 */
import type { Rng } from './rng.js';

const SAMPLER = Symbol.for('control-as-inference.sampler');

/** Draws one value per call from the seeded stream it is given. */
export interface Sampler<V> {
  readonly kind: 'sampler';
  sample(random: Rng): V;
}

class SamplerData<V> implements Sampler<V> {
  readonly kind = 'sampler' as const;
  constructor(readonly sample: (random: Rng) => V) {
    Object.freeze(this);
  }
}
Object.defineProperty(SamplerData.prototype, SAMPLER, { value: true });

/**
 * A sampler from a function of a seeded random stream. Never call Math.random
 * inside: draw every random number from `random`, so runs are reproducible.
 * @example transition((x: number, push: number) => sampler((random) => x + push + 0.1 * gaussian(random)))
 */
export function sampler<V>(draw: (random: Rng) => V): Sampler<V> {
  return new SamplerData(draw);
}

/** Is `x` a sampler made by `sampler(...)`? */
export function isSampler(x: unknown): x is Sampler<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  try {
    return (x as Record<symbol, unknown>)[SAMPLER] === true;
  } catch {
    return false; // a Proxy that throws when read is not one of ours
  }
}
