/**
 * Policy families for the variational engine. Every family is a softmax over
 * logits with the action prior as base measure:
 *
 *   q_θ,t(a | s) = p(a | s) exp(ℓ_θ(s, a, t)) / Σ_{b allowed} p(b | s) exp(ℓ_θ(s, b, t))
 *
 * over the actions the engine allows at (s, t) (those with p(a|s) > 0 and no
 * −Infinity reward ahead; see elbo.ts). With θ = 0 the logits vanish and q is
 * the action prior, so "initialised from the prior" is `init` writing zeros,
 * and log p − log q = log Σ_b p_b e^{ℓ_b} − ℓ_a needs no log of the prior.
 *
 * A family is a small interface, so users can add their own: the engine only
 * asks for the logits at a state and for the vector–Jacobian product
 * Σ_a w_a ∂ℓ_a/∂θ (the chain rule from ∂ELBO/∂ℓ to ∂ELBO/∂θ).
 */
import { fail, show, thrownText } from '../../errors.js';
import type { IndexedDomain } from '../../types/factor-graph.js';

/** What a family is fitted to: the model's states (when finite), actions and horizon. */
export interface FamilyContext<S, A> {
  /** The finite state domain, or undefined for a state with no domain (`state.simulated`). */
  readonly states: IndexedDomain<S> | undefined;
  readonly actions: IndexedDomain<A>;
  /** T, the number of decisions (finite). */
  readonly horizon: number;
  /** One state value of the model (the first of the domain, or a draw of s_0), e.g. to learn a feature length. */
  readonly example: S;
  /**
   * With the exact gradient: the state indices q can reach at each t (whatever θ),
   * list[start[t] … start[t+1] − 1]. A family may keep parameters only for these; the
   * ELBO never depends on q elsewhere, and logits of 0 there leave q at the prior.
   */
  readonly reachable?: { readonly start: Int32Array; readonly list: Int32Array };
  /**
   * Optional, per run: the φ rows of simulated states by features function, so that the
   * linear families bound in one run with the same function (a learner's critics and actor)
   * compute φ(s, ·) once per state between them. A learning engine passes a fresh Map.
   */
  readonly featureRows?: Map<unknown, unknown>;
}

/** A family fixed to one model: a parameter vector and its logits. */
export interface BoundFamily<S> {
  /** Number of parameters. */
  readonly size: number;
  /** Initial parameters into `params` (length `size`); zeros make q the action prior. */
  init(params: Float64Array): void;
  /**
   * ℓ_θ(s, ·, t) into `out` (length nA). `index` is the state's index in the finite
   * domain, or −1 when it has none. Must not allocate on the engine's hot path.
   */
  logits(params: Float64Array, s: S, t: number, out: Float64Array, index: number): void;
  /**
   * Optional: `logits` for two parameter vectors at once (a learner's twin critics at one state),
   * equal bit for bit to two calls of `logits`; lets a family read φ(s, ·) once for both.
   */
  logitsPair?(paramsA: Float64Array, paramsB: Float64Array, s: S, t: number, outA: Float64Array, outB: Float64Array, index: number): void;
  /** grad += Σ_a weights[a] · ∂ℓ_θ(s, a, t)/∂θ (the vector–Jacobian product of the logits). */
  accumulate(s: S, t: number, weights: Float64Array, grad: Float64Array, index: number): void;
  /**
   * Optional, for sparse updates: the first of the `width` consecutive parameters that
   * `logits` reads and `accumulate` writes at (s, t), or −1 when there are none. A family
   * that gives it lets a learning engine update and average only those (O(batch) per step).
   */
  span?(s: S, t: number, index: number): number;
  /** The number of parameters a `span` covers. */
  readonly width?: number;
}

/**
 * A policy family: `bind` fixes it to a model. Implement this to add one.
 * @example const family: PolicyFamily<number, string> = { name: 'mine', bind: (ctx) => ({ size: …, init, logits, accumulate }) };
 */
export interface PolicyFamily<S = unknown, A = unknown> {
  /** Shown in descriptions, e.g. "tabularSoftmax({ timeIndexed: true })". */
  readonly name: string;
  bind(context: FamilyContext<S, A>): BoundFamily<S>;
}

/** Options shared by the built-in families. */
export interface FamilyOptions {
  /** One set of parameters per decision t (default true: the finite-horizon optimum depends on t). */
  readonly timeIndexed?: boolean;
}

function checkFamilyOptions(part: string, options: FamilyOptions): boolean {
  if (typeof options !== 'object' || options === null) fail({ code: 'option-invalid', part, message: `${part}: options must be an object, got ${show(options)}` });
  for (const key of Object.keys(options)) {
    if (key !== 'timeIndexed') fail({ code: 'unknown-option', part, message: `${part}: unknown option '${key}'; known options: 'timeIndexed'` });
  }
  const timeIndexed = options.timeIndexed ?? true;
  if (typeof timeIndexed !== 'boolean') fail({ code: 'option-invalid', part, message: `${part}: timeIndexed must be true or false, got ${show(timeIndexed)}` });
  return timeIndexed;
}

/**
 * Tabular softmax: one logit per (s, a) — and per t when `timeIndexed` —
 * so q can be any policy with the allowed support. Needs a finite state domain.
 *
 *   ℓ_θ(s, a, t) = θ[t, s, a]   (θ[s, a] when stationary)
 * @example infer(gridworld, variational({ family: tabularSoftmax({ timeIndexed: true }) }))
 */
export function tabularSoftmax(options: FamilyOptions = {}): PolicyFamily {
  return tabularFunction('tabularSoftmax', options);
}

/**
 * A table of numbers per (s, a) — and per t when `timeIndexed` — under the name `label`:
 * the logits of `tabularSoftmax`, or the Q values of a learning engine's `tabularCritic`.
 */
export function tabularFunction(label: string, options: FamilyOptions): PolicyFamily {
  const part = `${label}()`;
  const timeIndexed = checkFamilyOptions(part, options);
  return Object.freeze({
    name: `${label}({ timeIndexed: ${timeIndexed} })`,
    bind(context: FamilyContext<unknown, unknown>): BoundFamily<unknown> {
      const states = context.states;
      if (states === undefined) {
        fail({
          code: 'option-invalid',
          part,
          message: `${part}: the model's state has no finite domain (state.simulated), so there is no table to hold its values; use a linear family (linearSoftmax(features), linearCritic(features)) with features of the state`,
        });
      }
      const nA = context.actions.size;
      const nS = states.size;
      const block = nS * nA;
      const reachable = timeIndexed ? context.reachable : undefined;
      // Time-indexed with known reachable states: one row of logits per reachable (t, s) only
      // (slot[t·nS + s], −1 elsewhere), which keeps θ, its gradient and Adam's state small.
      let slot: Int32Array | undefined;
      if (reachable !== undefined) {
        slot = new Int32Array(context.horizon * nS).fill(-1);
        for (let t = 0; t < context.horizon; t++) for (let j = reachable.start[t]!; j < reachable.start[t + 1]!; j++) slot[t * nS + reachable.list[j]!] = j;
      }
      const size = slot !== undefined ? reachable!.list.length * nA : (timeIndexed ? context.horizon : 1) * block;
      /** Offset of the logits of (t, s) in θ, or −1 when the family keeps none for it. */
      const offset = (s: unknown, t: number, index: number): number => {
        const i = index >= 0 ? index : missingIndex(part, s);
        if (slot !== undefined) {
          const j = slot[t * nS + i]!;
          return j < 0 ? -1 : j * nA;
        }
        return (timeIndexed ? t * block : 0) + i * nA;
      };
      return {
        size,
        width: nA,
        span: offset,
        init: (params) => params.fill(0),
        logits(params, s, t, out, index) {
          const base = offset(s, t, index);
          for (let a = 0; a < nA; a++) out[a] = base < 0 ? 0 : params[base + a]!;
        },
        accumulate(s, t, weights, grad, index) {
          const base = offset(s, t, index);
          if (base < 0) return;
          for (let a = 0; a < nA; a++) grad[base + a] = grad[base + a]! + weights[a]!;
        },
      };
    },
  });
}

function missingIndex(part: string, s: unknown): never {
  return fail({ code: 'unknown-state', part, state: s, message: `${part}: s=${show(s)} is not in the state domain the family was bound to` });
}

/** Features φ(s, a): one number per parameter, the same length for every (s, a). */
export type PolicyFeatures<S, A> = (s: S, a: A) => readonly number[] | Float64Array;

/**
 * Linear softmax over user features: ℓ_θ(s, a, t) = θ_t · φ(s, a) (θ · φ(s, a)
 * when stationary). With a finite state domain φ is tabulated once when the
 * family is bound (and every length checked); otherwise it is called once per
 * state value met (objects by identity) and remembered, so φ must be a pure
 * function of (s, a) and a state object must not be changed after it is returned.
 * @example linearSoftmax((s: Cell, a: Move) => [s.x * dx(a), s.y * dy(a)], { timeIndexed: false })
 */
export function linearSoftmax<S, A>(features: PolicyFeatures<S, A>, options: FamilyOptions = {}): PolicyFamily<S, A> {
  return linearFunction('linearSoftmax', features, options);
}

/**
 * Σ_{j < n} θ[base + j]·v[from + j] with four partial sums: one running sum is bound by the
 * latency of a floating-point add (~1.5 ns a term here), four independent ones are not.
 * The additions are grouped differently from a single running sum, so a logit differs from
 * it in the last bits (relative ~1e-16).
 */
function runDot(params: Float64Array, base: number, v: Float64Array, from: number, n: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    l0 += params[base + j]! * v[from + j]!;
    l1 += params[base + j + 1]! * v[from + j + 1]!;
    l2 += params[base + j + 2]! * v[from + j + 2]!;
    l3 += params[base + j + 3]! * v[from + j + 3]!;
  }
  for (; j < n; j++) l0 += params[base + j]! * v[from + j]!;
  return l0 + l1 + (l2 + l3);
}

/** `runDot` for two parameter vectors over one run of φ, each with the same four partial sums (so the same bits). */
function runDot2(pa: Float64Array, pb: Float64Array, baseA: number, baseB: number, v: Float64Array, from: number, n: number, outA: Float64Array, outB: Float64Array, a: number): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const v0 = v[from + j]!;
    const v1 = v[from + j + 1]!;
    const v2 = v[from + j + 2]!;
    const v3 = v[from + j + 3]!;
    a0 += pa[baseA + j]! * v0;
    a1 += pa[baseA + j + 1]! * v1;
    a2 += pa[baseA + j + 2]! * v2;
    a3 += pa[baseA + j + 3]! * v3;
    b0 += pb[baseB + j]! * v0;
    b1 += pb[baseB + j + 1]! * v1;
    b2 += pb[baseB + j + 2]! * v2;
    b3 += pb[baseB + j + 3]! * v3;
  }
  for (; j < n; j++) {
    a0 += pa[baseA + j]! * v[from + j]!;
    b0 += pb[baseB + j]! * v[from + j]!;
  }
  outA[a] = a0 + a1 + (a2 + a3);
  outB[a] = b0 + b1 + (b2 + b3);
}

/** `runDot` for three parameter vectors over one run of φ, each with the same four partial sums (so the same bits). */
function runDot3(pa: Float64Array, pb: Float64Array, pc: Float64Array, baseA: number, baseBC: number, v: Float64Array, from: number, n: number, outs: readonly [Float64Array, Float64Array, Float64Array], a: number): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const v0 = v[from + j]!;
    const v1 = v[from + j + 1]!;
    const v2 = v[from + j + 2]!;
    const v3 = v[from + j + 3]!;
    a0 += pa[baseA + j]! * v0;
    a1 += pa[baseA + j + 1]! * v1;
    a2 += pa[baseA + j + 2]! * v2;
    a3 += pa[baseA + j + 3]! * v3;
    b0 += pb[baseBC + j]! * v0;
    b1 += pb[baseBC + j + 1]! * v1;
    b2 += pb[baseBC + j + 2]! * v2;
    b3 += pb[baseBC + j + 3]! * v3;
    c0 += pc[baseBC + j]! * v0;
    c1 += pc[baseBC + j + 1]! * v1;
    c2 += pc[baseBC + j + 2]! * v2;
    c3 += pc[baseBC + j + 3]! * v3;
  }
  for (; j < n; j++) {
    a0 += pa[baseA + j]! * v[from + j]!;
    b0 += pb[baseBC + j]! * v[from + j]!;
    c0 += pc[baseBC + j]! * v[from + j]!;
  }
  outs[0][a] = a0 + a1 + (a2 + a3);
  outs[1][a] = b0 + b1 + (b2 + b3);
  outs[2][a] = c0 + c1 + (c2 + c3);
}

/** grad[base + j] += w·v[from + j] for j < n, four at a time (each entry is added to once, so the bits are those of one at a time). */
function runAdd(grad: Float64Array, base: number, v: Float64Array, from: number, n: number, w: number): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const v0 = v[from + j]!;
    const v1 = v[from + j + 1]!;
    const v2 = v[from + j + 2]!;
    const v3 = v[from + j + 3]!;
    grad[base + j] = grad[base + j]! + w * v0;
    grad[base + j + 1] = grad[base + j + 1]! + w * v1;
    grad[base + j + 2] = grad[base + j + 2]! + w * v2;
    grad[base + j + 3] = grad[base + j + 3]! + w * v3;
  }
  for (; j < n; j++) grad[base + j] = grad[base + j]! + w * v[from + j]!;
}

/** Internal (not exported from the package): what a linear binding on a simulated state reads. */
export const LINEAR_ROWS: unique symbol = Symbol('linear rows');
export interface LinearRows {
  readonly rowOf: (s: never) => Row;
  readonly d: number;
  readonly nA: number;
  readonly timeIndexed: boolean;
  /** Whether φ is tabulated over a finite domain (then rows are read only for index −1). */
  readonly tabulated: boolean;
}

/** Internal: what a linear binding on a simulated state reads (its φ-row lookup), or undefined for another family. */
export function linearRowsOf<S>(bound: BoundFamily<S>): LinearRows | undefined {
  return (bound as { [LINEAR_ROWS]?: LinearRows })[LINEAR_ROWS];
}

/** Internal: θ[base …]·φ(s, a) from a row, equal bit for bit to what a linear binding's `logits` writes for action a. */
export function rowDot(params: Float64Array, base: number, row: Row, d: number, a: number): number {
  const { phi: f, start, end, nz, lo } = row;
  if (lo !== undefined) return runDot(params, base + lo[a]!, f, start![a]!, end![a]! - start![a]!);
  const off = a * d;
  let l = 0;
  if (nz === undefined) for (let k = 0; k < d; k++) l += params[base + k]! * f[off + k]!;
  else {
    for (let j = start![a]!; j < start![a + 1]!; j++) {
      const k = nz[j]!;
      l += params[base + k]! * f[off + k]!;
    }
  }
  return l;
}

/** Internal: grad[base …] += w·φ(s, a) from a row, as a linear binding's `accumulate` does for one action. */
export function rowAdd(grad: Float64Array, base: number, row: Row, d: number, a: number, w: number): void {
  const { phi: f, start, end, nz, lo } = row;
  if (lo !== undefined) {
    runAdd(grad, base + lo[a]!, f, start![a]!, end![a]! - start![a]!, w);
    return;
  }
  const off = a * d;
  if (nz === undefined) for (let k = 0; k < d; k++) grad[base + k] = grad[base + k]! + w * f[off + k]!;
  else {
    for (let j = start![a]!; j < start![a + 1]!; j++) {
      const k = nz[j]!;
      grad[base + k] = grad[base + k]! + w * f[off + k]!;
    }
  }
}

/**
 * Internal: ℓ of three parameter vectors at one state from its row into outs[0 … 2] (base 0, a
 * stationary family), equal bit for bit to three `logits` calls; one pass over φ for the runs layout.
 */
export function rowDots3(p0: Float64Array, p1: Float64Array, p2: Float64Array, row: Row, d: number, nA: number, outs: readonly [Float64Array, Float64Array, Float64Array], at: number): void {
  const { phi: f, start, end, lo } = row;
  if (lo !== undefined) {
    for (let a = 0; a < nA; a++) runDot3(p0, p1, p2, lo[a]!, lo[a]!, f, start![a]!, end![a]! - start![a]!, outs, at + a);
    return;
  }
  for (let a = 0; a < nA; a++) {
    outs[0][at + a] = rowDot(p0, 0, row, d, a);
    outs[1][at + a] = rowDot(p1, 0, row, d, a);
    outs[2][at + a] = rowDot(p2, 0, row, d, a);
  }
}

/** Internal: `rowDots3` for two parameter vectors (one pass over φ for the runs layout), into outA, outB at `at`. */
export function rowDots2(p0: Float64Array, p1: Float64Array, row: Row, d: number, nA: number, outA: Float64Array, outB: Float64Array, at: number): void {
  const { phi: f, start, end, lo } = row;
  if (lo !== undefined) {
    for (let a = 0; a < nA; a++) runDot2(p0, p1, lo[a]!, lo[a]!, f, start![a]!, end![a]! - start![a]!, outA, outB, at + a);
    return;
  }
  for (let a = 0; a < nA; a++) {
    outA[at + a] = rowDot(p0, 0, row, d, a);
    outB[at + a] = rowDot(p1, 0, row, d, a);
  }
}

/** The rows of two bindings when they share φ rows of the compact layout at s (see logitsTriple), else undefined. */
function sharedRows<S>(a: BoundFamily<S>, b: BoundFamily<S>, s: S, index: number): { ra: LinearRows; rb: LinearRows; row: Row } | undefined {
  const ra = (a as { [LINEAR_ROWS]?: LinearRows })[LINEAR_ROWS];
  const rb = (b as { [LINEAR_ROWS]?: LinearRows })[LINEAR_ROWS];
  if (ra === undefined || rb === undefined || ra.rowOf !== rb.rowOf || ra.d !== rb.d || (index >= 0 && (ra.tabulated || rb.tabulated))) return undefined;
  const row = ra.rowOf(s as never);
  return row.lo === undefined ? undefined : { ra, rb, row };
}

/** ℓ of binding `a` with `pa` and of binding `b` with `pb`, as `logitsTriple` for two. */
export function logitsDouble<S>(a: BoundFamily<S>, pa: Float64Array, b: BoundFamily<S>, pb: Float64Array, s: S, t: number, index: number, outA: Float64Array, outB: Float64Array): boolean {
  const shared = sharedRows(a, b, s, index);
  if (shared === undefined) return false;
  const { ra, rb, row } = shared;
  const { phi: f, start, end, lo } = row;
  const baseA = ra.timeIndexed ? t * ra.d : 0;
  const baseB = rb.timeIndexed ? t * rb.d : 0;
  for (let k = 0; k < ra.nA; k++) runDot2(pa, pb, baseA + lo![k]!, baseB + lo![k]!, f, start![k]!, end![k]! - start![k]!, outA, outB, k);
  return true;
}

/**
 * ℓ of binding `a` with `pa` and of binding `b` with `pb` and `pc` (a learner's actor and twin
 * target critics at one state) in one read of φ(s, ·), equal bit for bit to three `logits`
 * calls; true when it did, false (nothing written) when the two bindings do not share φ rows
 * of the compact layout, and the caller should call `logits` itself.
 */
export function logitsTriple<S>(a: BoundFamily<S>, pa: Float64Array, b: BoundFamily<S>, pb: Float64Array, pc: Float64Array, s: S, t: number, index: number, outs: readonly [Float64Array, Float64Array, Float64Array]): boolean {
  const shared = sharedRows(a, b, s, index);
  if (shared === undefined) return false;
  const { ra, rb, row } = shared;
  const { phi: f, start, end, lo } = row;
  const baseA = ra.timeIndexed ? t * ra.d : 0;
  const baseBC = rb.timeIndexed ? t * rb.d : 0;
  for (let k = 0; k < ra.nA; k++) runDot3(pa, pb, pc, baseA + lo![k]!, baseBC + lo![k]!, f, start![k]!, end![k]! - start![k]!, outs, k);
  return true;
}

/**
 * φ(s, ·) of a simulated state, as one of three layouts:
 *  - dense: `phi` holds all nA·d numbers (row a at a·d);
 *  - sparse: `phi` as dense, and action a's non-zeros at positions nz[start[a] … start[a+1]);
 *  - runs: action a's non-zeros are consecutive, k ∈ [lo[a], lo[a] + n_a) (RBFs in a block
 *    per action), and `phi` holds only them, action a's at start[a] … end[a] (a third of
 *    the memory for mountain car's 111 features, read front to back). When every action's
 *    run holds the same numbers — φ(s, a) = e_a ⊗ ψ(s), features of the state copied into
 *    the action's block, as mountain car's — they are held once (start[a] = 0, end[a] = n
 *    for every a): a ninth of the dense row, so the rows a replay buffer keeps stay in cache.
 * Zeros are skipped (a zero term adds ±0 to a finite sum, which changes nothing).
 */
export interface Row {
  readonly phi: Float64Array;
  /** sparse: action a's non-zeros at start[a] … start[a+1] (nA + 1 offsets); runs: its run begins at start[a]. */
  readonly start: Int32Array | undefined;
  /** runs: action a's run ends at end[a] (exclusive). */
  readonly end: Int32Array | undefined;
  readonly nz: Int32Array | undefined;
  readonly lo: Int32Array | undefined;
}

/** Stands for "no cached row" where φ comes from the tabulated table. */
const NO_ROW: Row = { phi: new Float64Array(0), start: undefined, end: undefined, nz: undefined, lo: undefined };

/** What the φ rows of simulated states may hold, per cache. */
const CACHE_BYTES = 32 * 2 ** 20;

/**
 * s ↦ its φ row, computed once per state value and remembered (objects by identity,
 * primitives by value) in two generations of at most `generation` rows each (~32 MB
 * together), so a replayed state is not featurised again at every minibatch: SAC on
 * mountain car called φ 2 407 times per environment step before. The last state asked for
 * is kept apart: a learner reads one state from several functions in a row (the twin
 * critics, the actor, then a gradient), and a Map lookup is much of such a read.
 */
function rowCache<S>(phiAt: (s: S, a: number) => readonly number[] | Float64Array, nA: number, d: number): (s: S) => Row {
  const generation = Math.max(256, Math.floor(CACHE_BYTES / 2 / (nA * d * 12)));
  let young = new Map<unknown, Row>();
  let old = new Map<unknown, Row>();
  // φ(s, ·) is gathered in scratch buffers, so a state costs only the arrays its row keeps (a
  // shared run: n numbers, not nA·d numbers plus nA·d indices) — less garbage per step, and
  // smaller rows for the collector to copy while a replay buffer holds them.
  const values = new Float64Array(nA * d);
  const nonZero = new Int32Array(nA * d);
  /** start[a] = 0 of every shared-run row (rows are read only). */
  const zeros = new Int32Array(nA);
  const compute = (s: S): Row => {
    for (let a = 0; a < nA; a++) values.set(phiAt(s, a), a * d);
    let count = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
    if (2 * count > values.length) return { phi: values.slice(), start: undefined, end: undefined, nz: undefined, lo: undefined };
    const start = new Int32Array(nA + 1);
    const lo = new Int32Array(nA);
    let runs = true;
    let j = 0;
    for (let a = 0; a < nA; a++) {
      for (let k = 0; k < d; k++) if (values[a * d + k] !== 0) nonZero[j++] = k;
      start[a + 1] = j;
      const n = j - start[a]!;
      lo[a] = n > 0 ? nonZero[start[a]!]! : 0;
      if (n > 0 && nonZero[j - 1]! + 1 - lo[a]! !== n) runs = false;
    }
    if (!runs) return { phi: values.slice(), start, end: undefined, nz: nonZero.slice(0, count), lo: undefined };
    if (sameRuns(values, d, start, lo)) {
      // Every action's run holds the same numbers: keep them once, every action reading [0, n).
      const n = start[1]!;
      return { phi: values.slice(lo[0]!, lo[0]! + n), start: zeros, end: new Int32Array(nA).fill(n), nz: undefined, lo };
    }
    const compact = new Float64Array(count);
    for (let a = 0; a < nA; a++) for (let i = start[a]!; i < start[a + 1]!; i++) compact[i] = values[a * d + nonZero[i]!]!;
    return { phi: compact, start, end: start.subarray(1), nz: undefined, lo };
  };
  let lastState: unknown = NO_ROW;
  let lastRow = NO_ROW;
  return (s) => {
    if (s === lastState) return lastRow;
    let row = young.get(s);
    if (row === undefined) {
      row = old.get(s) ?? compute(s);
      if (young.size >= generation) {
        old = young;
        young = new Map();
      }
      young.set(s, row);
    }
    lastState = s;
    lastRow = row;
    return row;
  };
}

/** Whether the runs of every action (action a's n_a non-zeros at lo[a] in its d numbers of `values`) have one length and equal numbers. */
function sameRuns(values: Float64Array, d: number, start: Int32Array, lo: Int32Array): boolean {
  const nA = lo.length;
  const n = start[1]!;
  for (let a = 1; a < nA; a++) {
    if (start[a + 1]! - start[a]! !== n) return false;
    for (let i = 0; i < n; i++) if (values[a * d + lo[a]! + i] !== values[lo[0]! + i]) return false;
  }
  return n > 0;
}

/** θ_t · φ(s, a) under the name `label`: the logits of `linearSoftmax`, or the Q values of `linearCritic`. */
export function linearFunction<S, A>(label: string, features: PolicyFeatures<S, A>, options: FamilyOptions): PolicyFamily<S, A> {
  const part = `${label}()`;
  if (typeof features !== 'function') fail({ code: 'option-invalid', part, message: `${part}: features must be a function (s, a) => number[], got ${show(features)}` });
  const timeIndexed = checkFamilyOptions(part, options);
  return Object.freeze({
    name: `${label}(features, { timeIndexed: ${timeIndexed} })`,
    bind(context: FamilyContext<S, A>): BoundFamily<S> {
      const actions = context.actions.values;
      const nA = actions.length;
      const phi = (s: S, a: number, expected: number): readonly number[] | Float64Array => {
        let v: readonly number[] | Float64Array;
        try {
          v = features(s, actions[a]!);
        } catch (error) {
          return fail({ code: 'function-threw', part, state: s, action: actions[a], message: `${part}: features threw at s=${show(s)}, a=${show(actions[a])}: ${thrownText(error)}` }, error);
        }
        if (!(Array.isArray(v) || v instanceof Float64Array)) {
          fail({ code: 'feature-invalid', part, state: s, action: actions[a], message: `${part}: φ(s=${show(s)}, a=${show(actions[a])}) returned ${show(v)}; expected an array of numbers` });
        }
        if (expected >= 0 && v.length !== expected) {
          fail({
            code: 'feature-invalid',
            part,
            state: s,
            action: actions[a],
            message: `${part}: φ(s=${show(s)}, a=${show(actions[a])}) has length ${v.length}; expected ${expected} (the length of φ at the first state and action). Return the same number of features everywhere`,
          });
        }
        for (let k = 0; k < v.length; k++) {
          if (!Number.isFinite(v[k])) {
            fail({ code: 'feature-invalid', part, state: s, action: actions[a], message: `${part}: φ(s=${show(s)}, a=${show(actions[a])})[${k}] is ${show(v[k])}; features must be finite numbers` });
          }
        }
        return v;
      };
      const states = context.states;
      const first = phi(context.example, 0, -1);
      const d = first.length;
      if (d === 0) fail({ code: 'feature-invalid', part, message: `${part}: φ has length 0; give at least one feature` });
      // A finite domain: φ tabulated as nS × nA × d, each length checked once here.
      let table: Float64Array | undefined;
      if (states !== undefined) {
        table = new Float64Array(states.size * nA * d);
        for (let s = 0; s < states.size; s++) for (let a = 0; a < nA; a++) table.set(phi(states.values[s]!, a, d), (s * nA + a) * d);
      }
      // No finite domain (a simulated state): φ(s, ·) is computed once per state value and
      // remembered (rowCache), shared with the other families of the run bound to the same φ.
      const shared = context.featureRows;
      let rowOf = shared?.get(features) as ((s: S) => Row) | undefined;
      if (rowOf === undefined) {
        rowOf = rowCache((s, a) => phi(s, a, d), nA, d);
        shared?.set(features, rowOf);
      }
      const size = (timeIndexed ? context.horizon : 1) * d;
      const bound: BoundFamily<S> = {
        size,
        width: d,
        span: (_s, t) => (timeIndexed ? t * d : 0),
        init: (params) => params.fill(0),
        logits(params, s, t, out, index) {
          const base = timeIndexed ? t * d : 0;
          // One cache lookup per call, not per action.
          const { phi: f, start, end, nz, lo } = table !== undefined && index >= 0 ? NO_ROW : rowOf(s);
          for (let a = 0; a < nA; a++) {
            let l = 0;
            if (table !== undefined && index >= 0) {
              const off = (index * nA + a) * d;
              for (let k = 0; k < d; k++) l += params[base + k]! * table[off + k]!;
            } else {
              const off = a * d;
              if (lo !== undefined) l = runDot(params, base + lo[a]!, f, start![a]!, end![a]! - start![a]!);
              else if (nz === undefined) for (let k = 0; k < d; k++) l += params[base + k]! * f[off + k]!;
              else {
                for (let j = start![a]!; j < start![a + 1]!; j++) {
                  const k = nz[j]!;
                  l += params[base + k]! * f[off + k]!;
                }
              }
            }
            out[a] = l;
          }
        },
        logitsPair(paramsA, paramsB, s, t, outA, outB, index) {
          const row = table !== undefined && index >= 0 ? NO_ROW : rowOf(s);
          if (row.lo === undefined) {
            this.logits(paramsA, s, t, outA, index);
            this.logits(paramsB, s, t, outB, index);
            return;
          }
          const base = timeIndexed ? t * d : 0;
          const { phi: f, start, end, lo } = row;
          for (let a = 0; a < nA; a++) runDot2(paramsA, paramsB, base + lo[a]!, base + lo[a]!, f, start![a]!, end![a]! - start![a]!, outA, outB, a);
        },
        accumulate(s, t, weights, grad, index) {
          const base = timeIndexed ? t * d : 0;
          const { phi: f, start, end, nz, lo } = table !== undefined && index >= 0 ? NO_ROW : rowOf(s);
          for (let a = 0; a < nA; a++) {
            const w = weights[a]!;
            if (w === 0) continue;
            if (table !== undefined && index >= 0) {
              const off = (index * nA + a) * d;
              for (let k = 0; k < d; k++) grad[base + k] = grad[base + k]! + w * table[off + k]!;
            } else {
              const off = a * d;
              if (lo !== undefined) runAdd(grad, base + lo[a]!, f, start![a]!, end![a]! - start![a]!, w);
              else if (nz === undefined) for (let k = 0; k < d; k++) grad[base + k] = grad[base + k]! + w * f[off + k]!;
              else {
                for (let j = start![a]!; j < start![a + 1]!; j++) {
                  const k = nz[j]!;
                  grad[base + k] = grad[base + k]! + w * f[off + k]!;
                }
              }
            }
          }
        },
      };
      const rows: LinearRows = { rowOf: rowOf as (s: never) => Row, d, nA, timeIndexed, tabulated: table !== undefined };
      return Object.assign(bound, { [LINEAR_ROWS]: rows });
    },
  });
}
