/**
 * The actor of soft actor-critic, VIREL and pseudo-likelihood EM: a learned
 * function read as logits of the prior-based softmax (softmax.ts),
 *
 *   π_θ(a | s, t) = p(a|s) e^{ℓ_θ(s,a,t)} / Σ_b p(b|s) e^{ℓ_θ(s,b,t)}   over the allowed actions.
 */
import type { BoundFamily } from '../variational/families.js';
import type { OptimizerKind } from '../variational/optimizers.js';
import { Approximator } from './approximator.js';
import { actorWeights, entropyOf, softmaxInto } from './softmax.js';

export class Actor<S> extends Approximator<S> {
  private readonly row: Float64Array;
  private readonly pi: Float64Array;
  private readonly logRatio: Float64Array;
  private readonly weights: Float64Array;

  constructor(bound: BoundFamily<S>, optimizer: OptimizerKind, learningRate: number, nA: number) {
    super(bound, optimizer, learningRate, 1); // an actor needs no slow copy
    this.row = new Float64Array(nA);
    this.pi = new Float64Array(nA);
    this.logRatio = new Float64Array(nA);
    this.weights = new Float64Array(nA);
  }

  /**
   * Accumulate `scale` times the gradient of Σ_a π_θ(a|s) [Q(s,a) − β log(π_θ(a|s) / p(a|s))] at one state
   * (the actor step of SAC, with β = α, and VIREL's E-step, with β = β(ω)); returns H(π_θ(·|s)).
   */
  ascend(value: S, t: number, index: number, prior: Float64Array, q: Float64Array, beta: number, scale: number, logits?: Float64Array): number {
    const { row, pi, logRatio, weights } = this;
    // `logits`, when given, already hold ℓ_θ(s, ·, t) (read together with a critic's values).
    if (logits !== undefined) row.set(logits);
    const L = logits !== undefined ? softmaxInto(prior, row, 1, pi) : this.policyAt(value, t, index, prior, row, pi);
    for (let a = 0; a < row.length; a++) logRatio[a] = row[a]! - L;
    actorWeights(pi, logRatio, q, beta, scale, weights);
    this.add(value, t, index, weights);
    return entropyOf(pi);
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
