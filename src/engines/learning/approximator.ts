/**
 * A learned function of (s, a, t) — a critic's Q or an actor's logits — as a
 * bound family (variational/families.ts) with its parameters, an optional
 * slow copy for targets, a gradient buffer and an optimiser:
 *
 *   f_ω(s, ·, t) = family.logits(ω, s, t)           target copy  ω̄ ← (1 − τ) ω̄ + τ ω   (Polyak)
 *
 * Gradients are accumulated with `add` (the family's vector–Jacobian product)
 * and applied by `step`, an ascent step; critics ascend −½δ², so they add δ.
 */
import type { BoundFamily } from '../variational/families.js';
import { makeOptimizer, type Optimizer, type OptimizerKind } from '../variational/optimizers.js';

export class Approximator<S> {
  readonly params: Float64Array;
  /** The slow copy ω̄ read by targets (the parameters themselves when τ = 1). */
  readonly target: Float64Array;
  readonly grad: Float64Array;
  private readonly optimizer: Optimizer;

  constructor(
    readonly bound: BoundFamily<S>,
    optimizer: OptimizerKind,
    learningRate: number,
    private readonly smoothing: number,
  ) {
    this.params = new Float64Array(bound.size);
    bound.init(this.params);
    this.target = smoothing < 1 ? this.params.slice() : this.params;
    this.grad = new Float64Array(bound.size);
    this.optimizer = makeOptimizer(optimizer, bound.size, learningRate);
  }

  /** f_ω(s, ·, t) into `out`. */
  values(s: S, t: number, index: number, out: Float64Array): void {
    this.bound.logits(this.params, s, t, out, index);
  }

  /** f_ω̄(s, ·, t) into `out`. */
  targetValues(s: S, t: number, index: number, out: Float64Array): void {
    this.bound.logits(this.target, s, t, out, index);
  }

  /** grad += Σ_a w_a ∂f(s, a, t)/∂ω. */
  add(s: S, t: number, index: number, weights: Float64Array): void {
    this.bound.accumulate(s, t, weights, this.grad, index);
  }

  /** One ascent step on the accumulated gradient, then clear it and move the target copy. */
  step(): void {
    this.optimizer.step(this.params, this.grad);
    this.grad.fill(0);
    const tau = this.smoothing;
    if (tau < 1) {
      const { params, target } = this;
      for (let i = 0; i < params.length; i++) target[i] = target[i]! + tau * (params[i]! - target[i]!);
    }
  }
}
