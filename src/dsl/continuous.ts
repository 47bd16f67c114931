/**
 * The combinators of continuous linear-Gaussian control: `multivariateNormal`,
 * `linearGaussian` and `quadratic` (`action.continuous` is in
 * dsl/continuous-action.ts). Each returns an ordinary frozen part (a
 * `transition`, an `optimality`, …) that also carries its matrices, so the
 * same model can be simulated by its functions and solved in closed form by
 * `exact()`. The `linearGaussian` part also carries the compiler of
 * linear-Gaussian models (`compileGaussian`), which brings the soft-LQR
 * kernel: that is how `exact()` reaches the kernel without importing it, so
 * a page that never builds a linear-Gaussian model does not bundle it.
 * Shapes are checked here where a part alone shows them; dimensions that need
 * the whole model are checked by the compiler.
 */
import { freeze } from './freeze.js';
import { gaussian as standardNormal, type Rng } from '../dist/rng.js';
import { sampler, type Sampler } from '../dist/sampler.js';
import { checkOptions, fail, show } from '../errors.js';
import { compileLinearGaussian } from '../compile/linear-gaussian.js';
import type { LinearGaussianSpec, LinearObservationSpec, Matrix, QuadraticSpec, QuadraticTerminalSpec, TimeMatrix, Vector } from '../types/gaussian.js';
import type { ObservationPart, OptimalityPart, TerminalPart, TransitionPart } from '../types/model.js';
import { checkMatrix, checkVector } from './matrix-checks.js';
import type { MultivariateNormal } from './continuous-action.js';


/**
 * The Gaussian N(mean, covariance), e.g. an initial state
 * `state.simulated('x', { initial: multivariateNormal([0, 0], [[1, 0], [0, 1]]) })`
 * or a Gaussian action prior. The covariance must be symmetric positive
 * semi-definite; draws are mean + L z with covariance = L Lᵀ.
 * @example multivariateNormal([0, 0], [[0.1, 0], [0, 0.1]])
 */
export function multivariateNormal(mean: Vector | number, covariance: Matrix | number): MultivariateNormal {
  const part = 'multivariateNormal';
  const m = checkVector(part, 'the mean', mean);
  const rows = checkMatrix(part, 'the covariance', covariance, { symmetric: true });
  if (rows.length !== m.length) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: the covariance is ${rows.length} × ${rows.length} but the mean has length ${m.length}; expected matching dimensions` });
  }
  const l = psdFactor(rows);
  if (l === undefined) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: the covariance ${show(rows)} is not positive semi-definite; expected a covariance matrix` });
  }
  const n = m.length;
  const draw = (random: Rng) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = standardNormal(random);
    const x = Float64Array.from(m);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) x[i]! += l[i]![k]! * z[k]!;
    return x;
  };
  // A sampler (so simulating engines can draw s_0) that also carries its moments.
  const base = sampler(draw);
  return Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(base) as object) as object, { kind: 'sampler' as const, sample: draw, mean: m, covariance: freeze(rows, true) })) as MultivariateNormal;
}


/** A lower factor L (rows) with M = L Lᵀ for a PSD matrix, or undefined when M has a negative direction. */
function psdFactor(m: readonly (readonly number[])[]): number[][] | undefined {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  const scale = Math.max(...m.map((row, i) => Math.abs(row[i]!)), Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    let s = m[j]![j]!;
    for (let k = 0; k < j; k++) s -= l[j]![k]! ** 2;
    if (s < -1e-13 * scale) return undefined;
    if (s <= 1e-13 * scale) continue;
    l[j]![j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = m[i]![j]!;
      for (let k = 0; k < j; k++) t -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = t / l[j]![j]!;
    }
  }
  return l;
}

/** A matrix field (possibly a function of t) checked now when it is a value. */
function checkTimeMatrix(part: string, field: string, m: TimeMatrix | undefined, shape: { square?: boolean; symmetric?: boolean }): void {
  if (m !== undefined && typeof m !== 'function') checkMatrix(part, field, m, shape);
}

/**
 * Linear-Gaussian dynamics x' = A x + B u + c + w, w ~ N(0, W). Each of A, B,
 * c, W may be a function of t (time-varying). Simulated, it draws x' from
 * this law (stationary dynamics only: a simulator step does not see t).
 * @example linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]], W: [[0.01, 0], [0, 0.01]] })
 */
export function linearGaussian(spec: LinearGaussianSpec): TransitionPart<ArrayLike<number>, ArrayLike<number> | number> {
  const part = 'linearGaussian';
  if (typeof spec !== 'object' || spec === null) fail({ code: 'gaussian-invalid', part, message: `${part}: expected { A, B, c?, W? }, got ${show(spec)}` });
  checkOptions(part, spec, ['A', 'B', 'c', 'W']);
  for (const field of ['A', 'B'] as const) {
    if (spec[field] === undefined) fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is missing; expected { A, B, c?, W? } with x' = A x + B u + c + w` });
  }
  checkTimeMatrix(part, 'A', spec.A, { square: true });
  checkTimeMatrix(part, 'B', spec.B, {});
  checkTimeMatrix(part, 'W', spec.W, { symmetric: true });
  if (spec.c !== undefined && typeof spec.c !== 'function') checkVector(part, 'c', spec.c);
  const stationary = [spec.A, spec.B, spec.c, spec.W].every((f) => typeof f !== 'function');
  const noise = stationary && spec.W !== undefined ? multivariateNormal(new Array<number>(checkMatrix(part, 'W', spec.W).length).fill(0), spec.W as Matrix) : undefined;
  const next = (x: ArrayLike<number>, u: ArrayLike<number> | number): Sampler<Float64Array> => {
    if (!stationary) {
      fail({ code: 'continuous-action', part, message: `${part}: time-varying dynamics cannot be simulated step by step (a simulator step does not see t); expected stationary A, B, c, W. With action.continuous(...), exact() solves the time-varying model in closed form` });
    }
    return sampler((random) => {
      const a = checkMatrix(part, 'A', spec.A);
      const b = checkMatrix(part, 'B', spec.B);
      const uv = typeof u === 'number' ? [u] : Array.from(u);
      const out = noise !== undefined ? noise.sample(random) : new Float64Array(a.length);
      const c = spec.c === undefined ? undefined : checkVector(part, 'c', spec.c);
      for (let i = 0; i < a.length; i++) {
        let s = c?.[i] ?? 0;
        for (let j = 0; j < a.length; j++) s += a[i]![j]! * x[j]!;
        for (let j = 0; j < uv.length; j++) s += b[i]![j]! * uv[j]!;
        out[i]! += s;
      }
      return out;
    });
  };
  return freeze({ kind: 'transition' as const, variable: undefined, next, linearGaussian: spec, compileGaussian: compileLinearGaussian }) as TransitionPart<ArrayLike<number>, ArrayLike<number> | number>;
}

/**
 * Linear-Gaussian observations (LQG): after each decision the agent sees
 * y_{t+1} = C x_{t+1} + v, v ~ N(0, V), V positive definite (and y_0 = C x_0 + v
 * before the first one with `initial: true`). `exact({ backup: 'fixed-dynamics' })`
 * solves the model by the separation principle: a Kalman filter, and the
 * soft-LQR policy applied to its mean. The observations are continuous, so the
 * tabular POMDP machinery (and `emit`) refuses them.
 * @example linearObservation({ C: [[1, 0]], V: [[0.01]] })
 */
export function linearObservation(spec: LinearObservationSpec): ObservationPart<ArrayLike<number>, ArrayLike<number>> {
  const part = 'linearObservation';
  if (typeof spec !== 'object' || spec === null) fail({ code: 'gaussian-invalid', part, message: `${part}: expected { C, V, initial? }, got ${show(spec)}` });
  checkOptions(part, spec, ['C', 'V', 'initial']);
  for (const field of ['C', 'V'] as const) {
    if (spec[field] === undefined) fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is missing; expected { C, V, initial? } with y = C x + v, v ~ N(0, V)` });
  }
  const C = checkMatrix(part, 'C', spec.C);
  const V = checkMatrix(part, 'V', spec.V, { symmetric: true });
  if (V.length !== C.length) fail({ code: 'gaussian-invalid', part, message: `${part}: V is ${V.length} × ${V.length} but C has ${C.length} rows; expected V of size p × p for y ∈ ℝ^p` });
  const factor = psdFactor(V);
  if (factor === undefined || factor.some((row, i) => !(row[i]! > 0))) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: V = ${show(V)} is not positive definite; expected a noise covariance with a density (a noiseless observation has no Kalman update)` });
  }
  if (spec.initial !== undefined && typeof spec.initial !== 'boolean') fail({ code: 'gaussian-invalid', part, message: `${part}: initial is ${show(spec.initial)}; expected true or false` });
  const emit = (): never =>
    fail({ code: 'continuous-action', part, message: `${part}: continuous observations are not tabulated; expected exact({ backup: 'fixed-dynamics' }) on a linear-Gaussian model, which filters them (LQG)` });
  // Its compile stage refuses like `emit`: a tabular compile of continuous observations cannot exist
  // (a linear-Gaussian model never reaches it: compile/linear-gaussian.ts reads `linearGaussian`).
  return freeze({ kind: 'observation' as const, emit, compile: emit, linearGaussian: spec }) as ObservationPart<ArrayLike<number>, ArrayLike<number>>;
}

/** The vector form of a state or action value (a number is a 1-vector). */
function asVector(v: ArrayLike<number> | number): ArrayLike<number> {
  return typeof v === 'number' ? [v] : v;
}

/** xᵀ M y for rows M. */
function bilinear(m: readonly (readonly number[])[] | undefined, x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (m === undefined) return 0;
  let s = 0;
  for (let i = 0; i < m.length; i++) for (let j = 0; j < m[i]!.length; j++) s += x[i]! * m[i]![j]! * y[j]!;
  return s;
}

function linear(v: Vector | undefined, x: ArrayLike<number>): number {
  if (v === undefined) return 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * x[i]!;
  return s;
}

/**
 * A quadratic reward r(x, u) = −½ xᵀQx − ½ uᵀRu − xᵀNu + qᵀx + rᵀu + c
 * (every field optional, zero when left out). Several add.
 * @example quadratic({ Q: [[1, 0], [0, 0.1]], R: [[0.01]] })
 */
export function quadratic(spec: QuadraticSpec): OptimalityPart<ArrayLike<number> | number, ArrayLike<number> | number> {
  const part = 'quadratic';
  if (typeof spec !== 'object' || spec === null) fail({ code: 'gaussian-invalid', part, message: `${part}: expected { Q?, R?, N?, q?, r?, c? }, got ${show(spec)}` });
  checkOptions(part, spec, ['Q', 'R', 'N', 'q', 'r', 'c']);
  const Q = spec.Q === undefined ? undefined : checkMatrix(part, 'Q', spec.Q, { symmetric: true });
  const R = spec.R === undefined ? undefined : checkMatrix(part, 'R', spec.R, { symmetric: true });
  const N = spec.N === undefined ? undefined : checkMatrix(part, 'N', spec.N);
  const q = spec.q === undefined ? undefined : checkVector(part, 'q', spec.q);
  const r = spec.r === undefined ? undefined : checkVector(part, 'r', spec.r);
  if (spec.c !== undefined && (typeof spec.c !== 'number' || !Number.isFinite(spec.c))) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: c is ${show(spec.c)}; expected a finite number` });
  }
  const c = spec.c ?? 0;
  const reward = (x: ArrayLike<number> | number, u: ArrayLike<number> | number) => {
    const xv = asVector(x);
    const uv = asVector(u);
    return -0.5 * bilinear(Q, xv, xv) - 0.5 * bilinear(R, uv, uv) - bilinear(N, xv, uv) + linear(q, xv) + linear(r, uv) + c;
  };
  return freeze({ kind: 'optimality' as const, timeVarying: false, reward, quadratic: spec }) as OptimalityPart<ArrayLike<number> | number, ArrayLike<number> | number>;
}

/**
 * A quadratic terminal reward r_T(x) = −½ xᵀQx + qᵀx + c on the state after the last decision.
 * @example quadratic.terminal({ Q: [[10, 0], [0, 1]] })
 */
quadratic.terminal = function quadraticTerminal(spec: QuadraticTerminalSpec): TerminalPart<ArrayLike<number> | number> {
  const part = 'quadratic.terminal';
  if (typeof spec !== 'object' || spec === null) fail({ code: 'gaussian-invalid', part, message: `${part}: expected { Q?, q?, c? }, got ${show(spec)}` });
  checkOptions(part, spec, ['Q', 'q', 'c']);
  const Q = spec.Q === undefined ? undefined : checkMatrix(part, 'Q', spec.Q, { symmetric: true });
  const q = spec.q === undefined ? undefined : checkVector(part, 'q', spec.q);
  if (spec.c !== undefined && (typeof spec.c !== 'number' || !Number.isFinite(spec.c))) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: c is ${show(spec.c)}; expected a finite number` });
  }
  const c = spec.c ?? 0;
  const reward = (x: ArrayLike<number> | number) => {
    const xv = asVector(x);
    return -0.5 * bilinear(Q, xv, xv) + linear(q, xv) + c;
  };
  return freeze({ kind: 'terminal' as const, reward, quadratic: spec }) as TerminalPart<ArrayLike<number> | number>;
};

