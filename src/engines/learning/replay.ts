/**
 * A ring buffer of transitions in typed arrays, written once per environment
 * step and read by uniform minibatches. A transition is
 *
 *   (s, t, a, r, p(·|s), s', p(·|s'), tail, bootstrap)
 *
 * where the priors are already masked (zero on actions with r = −∞), `tail` is
 * γ·r_T(s') after the last decision of a model with a terminal factor (0
 * otherwise), and `bootstrap` says whether the target adds γ·V(s', t + 1):
 * every target is  y = r + tail + bootstrap · γ · V(s', t + 1).
 * States are kept as values (for the families) and as indices in a finite
 * domain (−1 when there is none), so no state is looked up twice.
 */
import type { Rng } from '../../dist/rng.js';

export class ReplayBuffer<S> {
  /** Transitions written so far (the last `size` of them are kept). */
  written = 0;
  readonly value: S[];
  readonly index: Int32Array;
  readonly time: Int32Array;
  readonly action: Int32Array;
  readonly reward: Float64Array;
  readonly prior: Float64Array;
  readonly nextValue: S[];
  readonly nextIndex: Int32Array;
  readonly nextPrior: Float64Array;
  readonly tail: Float64Array;
  readonly bootstrap: Uint8Array;

  constructor(
    readonly capacity: number,
    readonly nA: number,
  ) {
    this.value = new Array<S>(capacity);
    this.index = new Int32Array(capacity);
    this.time = new Int32Array(capacity);
    this.action = new Int32Array(capacity);
    this.reward = new Float64Array(capacity);
    this.prior = new Float64Array(capacity * nA);
    this.nextValue = new Array<S>(capacity);
    this.nextIndex = new Int32Array(capacity);
    this.nextPrior = new Float64Array(capacity * nA);
    this.tail = new Float64Array(capacity);
    this.bootstrap = new Uint8Array(capacity);
  }

  /** Transitions held now. */
  get size(): number {
    return Math.min(this.written, this.capacity);
  }

  /** The slot the next `push` writes; fill its fields, then call `push`. */
  get head(): number {
    return this.written % this.capacity;
  }

  /** Commit the transition written at `head`. */
  push(): void {
    this.written++;
  }

  /** Slot of the k-th most recent transition (k = 0 is the last one written). */
  recent(k: number): number {
    return (this.written - 1 - k) % this.capacity;
  }

  /** The masked prior of transition k's state into `out` (length nA). */
  priorInto(k: number, out: Float64Array): void {
    const base = k * this.nA;
    for (let a = 0; a < this.nA; a++) out[a] = this.prior[base + a]!;
  }

  /** The masked prior of transition k's successor into `out` (all 0 when the target does not bootstrap). */
  nextPriorInto(k: number, out: Float64Array): void {
    const base = k * this.nA;
    for (let a = 0; a < this.nA; a++) out[a] = this.nextPrior[base + a]!;
  }

  /** Fill `batch` with slots drawn uniformly, with replacement, from the buffer. */
  sample(random: Rng, batch: Int32Array): void {
    const n = this.size;
    for (let i = 0; i < batch.length; i++) batch[i] = Math.floor(random.next() * n);
  }
}
