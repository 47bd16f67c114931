/**
 * The actor of soft actor-critic, VIREL and pseudo-likelihood EM: a learned
 * function read as logits of the prior-based softmax (softmax.ts),
 *
 *   π_θ(a | s, t) = p(a|s) e^{ℓ_θ(s,a,t)} / Σ_b p(b|s) e^{ℓ_θ(s,b,t)}   over the allowed actions.
 */
import type { BoundFamily } from '../variational/families.js';
import type { OptimizerKind } from '../variational/optimizers.js';
import { Approximator } from './approximator.js';
import { softmaxInto } from './softmax.js';

export class Actor<S> extends Approximator<S> {
  private readonly row: Float64Array;

  constructor(bound: BoundFamily<S>, optimizer: OptimizerKind, learningRate: number, nA: number) {
    super(bound, optimizer, learningRate, 1); // an actor needs no slow copy
    this.row = new Float64Array(nA);
  }

  /** π_θ(· | s, t) into `out`, given the masked prior. */
  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void {
    this.values(value, t, index, this.row);
    softmaxInto(prior, this.row, 1, out);
  }

  /** ℓ_θ(s, ·, t) into `logits` and π_θ into `pi`; returns L = log Σ_b p(b|s) e^{ℓ_b}, so log π_a − log p_a = ℓ_a − L. */
  policyAt(value: S, t: number, index: number, prior: Float64Array, logits: Float64Array, pi: Float64Array): number {
    this.values(value, t, index, logits);
    return softmaxInto(prior, logits, 1, pi);
  }
}
