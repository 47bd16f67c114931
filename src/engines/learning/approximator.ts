/**
 * A learned function of (s, a, t) — a critic's Q or an actor's logits — as a
 * bound family (variational/families.ts) with its parameters, an optional
 * slow copy for targets, a gradient buffer and an optimiser:
 *
 *   f_ω(s, ·, t) = family.logits(ω, s, t)           target copy  ω̄ ← (1 − τ) ω̄ + τ ω   (Polyak, every step)
 *
 * Gradients are accumulated with `add` (the family's vector–Jacobian product)
 * and applied by `step`, an ascent step; critics ascend −½δ², so they add δ.
 *
 * Sparse by design. A minibatch touches a few rows of a table, so when the
 * family says which parameters a state reads (`span`), a step costs O(batch),
 * not O(parameters): the optimiser updates only the touched coordinates
 * (lazily, as TensorFlow's LazyAdam), and the Polyak average is brought up to
 * date only where it is read or about to change. Between two changes of ω_i
 * the average follows a closed form — after k steps with ω_i fixed,
 *
 *   ω̄_i ← ω_i + (1 − τ)^k (ω̄_i − ω_i)
 *
 * — so the lazy average equals the every-step one exactly. Families without
 * `span` (a user's own) get the dense step.
 */
import { logitsDouble, logitsTriple, type BoundFamily } from '../variational/families.js';
import { makeOptimizer, type Optimizer, type OptimizerKind } from '../variational/optimizers.js';

/** Powers (1 − τ)^k for k below this are tabulated; larger k call Math.pow. */
const DECAY_TABLE = 1024;

export class Approximator<S> {
  readonly params: Float64Array;
  /** The slow copy ω̄ read by targets (the parameters themselves when τ = 1). */
  readonly target: Float64Array;
  readonly grad: Float64Array;
  private readonly optimizer: Optimizer;
  private readonly sparse: boolean;
  private readonly width: number;
  /** The coordinates with gradient since the last step (each once: `marked`). */
  private readonly dirty: Int32Array;
  private readonly marked: Uint8Array;
  private dirtyCount = 0;
  /** Steps taken, and the step at which each coordinate's ω̄ was last brought up to date. */
  private now = 0;
  private readonly stamp: Int32Array;
  private readonly decay: Float64Array;

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
    // A span as wide as θ (a stationary linear family: every step touches every weight) gains
    // nothing from lazy updates and pays a catch-up per weight per read: dense steps then.
    this.sparse = bound.span !== undefined && bound.width !== undefined && bound.width < bound.size;
    this.width = bound.width ?? 0;
    this.dirty = new Int32Array(this.sparse ? bound.size : 0);
    this.marked = new Uint8Array(this.sparse ? bound.size : 0);
    this.stamp = new Int32Array(this.sparse && smoothing < 1 ? bound.size : 0);
    this.decay = new Float64Array(DECAY_TABLE);
    for (let k = 0; k < DECAY_TABLE; k++) this.decay[k] = (1 - smoothing) ** k;
  }

  /** f_ω(s, ·, t) into `out`. */
  values(s: S, t: number, index: number, out: Float64Array): void {
    this.bound.logits(this.params, s, t, out, index);
  }

  /** f_ω̄(s, ·, t) into `out`. */
  targetValues(s: S, t: number, index: number, out: Float64Array): void {
    if (this.sparse && this.smoothing < 1) {
      const first = this.bound.span!(s, t, index);
      if (first >= 0) for (let i = first; i < first + this.width; i++) this.catchUp(i);
    }
    this.bound.logits(this.target, s, t, out, index);
  }

  /**
   * f_ω̄(s, ·, t) of two approximators on one binding (twin critics) into `outA`, `outB`: equal to
   * two `targetValues` calls, in one read of the state's features when the family can (`logitsPair`).
   */
  static targetPair<S>(a: Approximator<S>, b: Approximator<S>, s: S, t: number, index: number, outA: Float64Array, outB: Float64Array): void {
    const bound = a.bound;
    if (bound !== b.bound || bound.logitsPair === undefined || a.sparse || b.sparse) {
      a.targetValues(s, t, index, outA);
      b.targetValues(s, t, index, outB);
      return;
    }
    bound.logitsPair(a.target, b.target, s, t, outA, outB, index);
  }

  /**
   * f_θ(s, ·, t) of `first` (an actor: its parameters) and f_ω̄ of the twin critics `a`, `b`
   * (their target copies) into outs[0 … 2], in one read of the state's features when the
   * bindings share them (linear families given the same φ); false, with nothing written,
   * when they do not.
   */
  static actorAndTargets<S>(first: Approximator<S>, a: Approximator<S>, b: Approximator<S>, s: S, t: number, index: number, outs: readonly [Float64Array, Float64Array, Float64Array]): boolean {
    if (a.bound !== b.bound || a.sparse || b.sparse || first.sparse) return false;
    return logitsTriple(first.bound, first.params, a.bound, a.target, b.target, s, t, index, outs);
  }

  /** f of `a` and of `b` at one state into `outA`, `outB` (current parameters), in one read of φ when they share it; false otherwise. */
  static valuesTogether<S>(a: Approximator<S>, b: Approximator<S>, s: S, t: number, index: number, outA: Float64Array, outB: Float64Array): boolean {
    return logitsDouble(a.bound, a.params, b.bound, b.params, s, t, index, outA, outB);
  }

  /** grad += Σ_a w_a ∂f(s, a, t)/∂ω. */
  add(s: S, t: number, index: number, weights: Float64Array): void {
    this.bound.accumulate(s, t, weights, this.grad, index);
    if (!this.sparse) return;
    const first = this.bound.span!(s, t, index);
    if (first < 0) return;
    for (let i = first; i < first + this.width; i++) {
      if (this.marked[i] === 1) continue;
      this.marked[i] = 1;
      this.dirty[this.dirtyCount++] = i;
    }
  }

  /** One ascent step on the accumulated gradient, then clear it and move the target copy. */
  step(): void {
    const { params, target, grad } = this;
    const tau = this.smoothing;
    if (!this.sparse) {
      this.optimizer.step(params, grad);
      grad.fill(0);
      if (tau < 1) for (let i = 0; i < params.length; i++) target[i] = target[i]! + tau * (params[i]! - target[i]!);
      return;
    }
    const { dirty, dirtyCount } = this;
    // ω̄_i as of the last step, before ω_i moves (the closed form holds only while ω_i stays put).
    if (tau < 1) for (let j = 0; j < dirtyCount; j++) this.catchUp(dirty[j]!);
    this.optimizer.stepAt(params, grad, dirty, dirtyCount);
    this.now++;
    for (let j = 0; j < dirtyCount; j++) {
      const i = dirty[j]!;
      grad[i] = 0;
      this.marked[i] = 0;
      if (tau < 1) {
        target[i] = target[i]! + tau * (params[i]! - target[i]!);
        this.stamp[i] = this.now;
      }
    }
    this.dirtyCount = 0;
  }

  /** Bring ω̄_i up to date: the k Polyak steps since its stamp, with ω_i fixed, in closed form. */
  private catchUp(i: number): void {
    const k = this.now - this.stamp[i]!;
    if (k === 0) return;
    const factor = k < DECAY_TABLE ? this.decay[k]! : (1 - this.smoothing) ** k;
    this.target[i] = this.params[i]! + factor * (this.target[i]! - this.params[i]!);
    this.stamp[i] = this.now;
  }
}
