/**
 * Maximising a smooth objective J(θ) with its gradient: L-BFGS (two-loop
 * recursion over the last `memory` steps, Armijo backtracking) or plain
 * gradient ascent with the same line search. Stops when ‖∇J‖∞ ≤ tolerance,
 * after `steps` iterations, or when the line search can make no progress.
 */

/** J(θ), with ∇J(θ) written into `gradient`. */
export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface OptimizeOptions {
  readonly steps: number;
  /** Stop when ‖∇J‖∞ ≤ tolerance. */
  readonly tolerance: number;
  /** L-BFGS history length; 0 makes it gradient ascent. */
  readonly memory: number;
  /** Called after each accepted step with its iteration number, J and ‖∇J‖∞. */
  readonly onStep?: (iteration: number, value: number, gradientNorm: number) => void;
}

export interface OptimizeResult {
  readonly theta: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  /** J after each accepted step (index 0 is the start). */
  readonly trace: number[];
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  /** Why it stopped. */
  readonly stop: 'tolerance' | 'steps' | 'line-search';
}

/** Armijo constant: accept a step when J rises by at least this fraction of the linear prediction. */
const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;
/** Relative size of J's rounding error: changes below it are noise. */
const ROUNDING = 1e-12;

function normInf(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** y += a·x */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + a * x[i]!;
}

/** out = x − y */
function difference(x: Float64Array, y: Float64Array, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - y[i]!;
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Maximise J from θ_0 (θ_0 is not modified). */
export function maximize(J: Objective, theta0: Float64Array, options: OptimizeOptions): OptimizeResult {
  const n = theta0.length;
  const m = options.memory;
  let x = Float64Array.from(theta0);
  let g = new Float64Array(n);
  let value = J(x, g);
  let evaluations = 1;
  const trace = [value];
  let trial = new Float64Array(n);
  let gTrial = new Float64Array(n);
  const direction = new Float64Array(n);
  // History of steps s_k = θ_{k+1} − θ_k and gradient changes y_k = ∇(−J)_{k+1} − ∇(−J)_k, as a ring.
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaK = new Float64Array(m);
  let stored = 0;
  let newest = -1;
  let iterations = 0;
  let stop: OptimizeResult['stop'] = 'steps';
  let previousStep = 0.5 / Math.max(normInf(g), 1e-300);
  if (normInf(g) <= options.tolerance) stop = 'tolerance';
  while (stop !== 'tolerance' && iterations < options.steps) {
    // Two-loop recursion: direction = H ∇J (an ascent direction), H the inverse-Hessian estimate of −J.
    direction.set(g);
    for (let j = 0; j < stored; j++) {
      const k = (newest - j + m) % m;
      alphaK[k] = rho[k]! * dot(S[k]!, direction);
      axpy(-alphaK[k]!, Y[k]!, direction);
    }
    let step = 1;
    if (m === 0) step = previousStep * 2;
    else if (stored > 0) {
      const k = newest;
      const gamma = dot(S[k]!, Y[k]!) / dot(Y[k]!, Y[k]!);
      for (let i = 0; i < n; i++) direction[i] = direction[i]! * gamma;
    } else step = Math.min(1, 1 / Math.max(normInf(g), 1e-300));
    for (let j = stored - 1; j >= 0; j--) {
      const k = (newest - j + m) % m;
      const beta = rho[k]! * dot(Y[k]!, direction);
      axpy(alphaK[k]! - beta, S[k]!, direction);
    }
    let slope = dot(g, direction);
    if (!(slope > 0)) {
      // Not an ascent direction (the curvature pairs went stale): restart from the gradient.
      direction.set(g);
      stored = 0;
      step = Math.min(1, 1 / Math.max(normInf(g), 1e-300));
      slope = dot(g, direction);
    }
    // Backtracking until J(θ + step·d) ≥ J(θ) + c·step·∇J·d, shrinking by a safeguarded quadratic fit.
    let accepted = false;
    let trialValue = -Infinity;
    for (let b = 0; b < MAX_BACKTRACKS; b++) {
      trial.set(x);
      axpy(step, direction, trial);
      trialValue = J(trial, gTrial);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue >= value + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      // Near the optimum J changes by less than its rounding and Armijo cannot tell; accept on the
      // directional derivative instead (the approximate Wolfe conditions of Hager & Zhang, 2005):
      // J did not fall beyond rounding and −0.8·slope ≤ ∇J(trial)·d ≤ 0.9·slope.
      if (trialValue >= value - ROUNDING * Math.abs(value)) {
        const trialSlope = dot(gTrial, direction);
        if (trialSlope >= -0.8 * slope && trialSlope <= 0.9 * slope) {
          accepted = true;
          break;
        }
      }
      const drop = value - trialValue; // > 0 when J fell
      const fit = Number.isFinite(trialValue) ? (slope * step * step) / (2 * (slope * step + drop)) : step * 0.1;
      step = Math.min(0.5 * step, Math.max(0.1 * step, fit));
    }
    if (!accepted) {
      stop = 'line-search';
      break;
    }
    previousStep = step;
    // Curvature pair of −J: s = θ' − θ, y = −(∇J' − ∇J); kept when sᵀy > 0 (keeps H positive definite).
    if (m > 0) {
      let sy = 0;
      let ss = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        const si = trial[i]! - x[i]!;
        const yi = g[i]! - gTrial[i]!;
        sy += si * yi;
        ss += si * si;
        yy += yi * yi;
      }
      if (sy > 1e-12 * Math.sqrt(ss * yy)) {
        const k = (newest + 1) % m;
        difference(trial, x, S[k]!);
        difference(g, gTrial, Y[k]!);
        rho[k] = 1 / sy;
        newest = k;
        stored = Math.min(stored + 1, m);
      }
    }
    [x, trial] = [trial, x];
    [g, gTrial] = [gTrial, g];
    value = trialValue;
    iterations++;
    trace.push(value);
    const norm = normInf(g);
    options.onStep?.(iterations, value, norm);
    if (norm <= options.tolerance) stop = 'tolerance';
  }
  return { theta: x, value, gradient: g, trace, iterations, evaluations, converged: stop === 'tolerance', stop };
}
