/**
 * Ascent steps on the ELBO. Both update `params` in place from `grad` and
 * allocate only their state, once.
 *
 *   gradient ascent   θ ← θ + η g
 *   Adam              m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *                     θ ← θ + η m̂ / (√v̂ + ε),  m̂ = m/(1−β₁^k), v̂ = v/(1−β₂^k)
 *
 * Adam rescales each coordinate by its own gradient size, which matters here:
 * the ELBO gradient of a state's logits carries that state's probability
 * d_t(s), so rarely visited states get tiny gradients that plain ascent
 * would barely move.
 */

/** The optimisers `variational({ optimizer })` accepts. */
export type OptimizerKind = 'adam' | 'gradient-ascent';

export interface Optimizer {
  /** One ascent step: params += update(grad). */
  step(params: Float64Array, grad: Float64Array): void;
  /**
   * One lazy ascent step over the coordinates `indices[0 … count − 1]` only (the others have no
   * gradient this step and stay put, moments included — TensorFlow's LazyAdam): O(count), not
   * O(parameters), for the sparse gradients of tables.
   */
  stepAt(params: Float64Array, grad: Float64Array, indices: Int32Array, count: number): void;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** An optimiser for `size` parameters with step size `learningRate`. */
export function makeOptimizer(kind: OptimizerKind, size: number, learningRate: number): Optimizer {
  if (kind === 'gradient-ascent') {
    return {
      step(params, grad) {
        for (let i = 0; i < size; i++) params[i] = params[i]! + learningRate * grad[i]!;
      },
      stepAt(params, grad, indices, count) {
        for (let j = 0; j < count; j++) params[indices[j]!] = params[indices[j]!]! + learningRate * grad[indices[j]!]!;
      },
    };
  }
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  // Coordinates that have ever had a gradient, in the order first seen: the others (e.g. the logits
  // of states q cannot reach) have m = v = 0 and no update, so each step touches only these,
  // after one scan of the gradient for newcomers — a large saving in memory traffic.
  const seen = new Uint8Array(size);
  let active = new Int32Array(Math.min(size, 1024));
  let count = 0;
  let k = 0;
  /** The Adam update of coordinate i at step k (bias corrections c1 = 1/(1−β₁^k), c2 = 1/(1−β₂^k)). */
  const update = (params: Float64Array, grad: Float64Array, i: number, c1: number, c2: number) => {
    const g = grad[i]!;
    const mi = (m[i] = BETA1 * m[i]! + (1 - BETA1) * g);
    const vi = (v[i] = BETA2 * v[i]! + (1 - BETA2) * g * g);
    params[i] = params[i]! + (learningRate * mi * c1) / (Math.sqrt(vi * c2) + EPSILON);
  };
  return {
    step(params, grad) {
      k++;
      for (let i = 0; i < size; i++) {
        if (grad[i] === 0 || seen[i] === 1) continue;
        seen[i] = 1;
        if (count === active.length) {
          const grown = new Int32Array(Math.min(size, active.length * 2));
          grown.set(active);
          active = grown;
        }
        active[count++] = i;
      }
      const c1 = 1 / (1 - BETA1 ** k);
      const c2 = 1 / (1 - BETA2 ** k);
      for (let j = 0; j < count; j++) update(params, grad, active[j]!, c1, c2);
    },
    stepAt(params, grad, indices, n) {
      k++;
      const c1 = 1 / (1 - BETA1 ** k);
      const c2 = 1 / (1 - BETA2 ** k);
      for (let j = 0; j < n; j++) update(params, grad, indices[j]!, c1, c2);
    },
  };
}
