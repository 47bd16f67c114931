/**
 * Reward features: r_θ(s, a) = θ · φ(s, a). A feature map is a function
 * returning the vector φ(s, a), or `indicatorFeatures('state' | 'state-action')`
 * (one-hot: one weight per state, or per state-action pair — a tabular reward).
 * On a tabulated model the map is evaluated once on every (s, a) and stored as
 * sparse rows, so a reward table Φθ and expected counts Φᵀ D cost one pass over
 * the non-zero entries.
 */
import { fail, show, thrownText } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';

/** φ(s, a): a vector of finite numbers, the same length for every (s, a). */
export type FeatureFunction<S, A> = (s: S, a: A) => readonly number[] | Float64Array;

/** One-hot features: a weight per state ('state') or per state-action pair ('state-action'). */
export interface IndicatorFeatures {
  readonly kind: 'indicator';
  readonly of: 'state' | 'state-action';
}

/** What `inferReward({ features })` accepts. */
export type Features<S, A> = FeatureFunction<S, A> | IndicatorFeatures;

/**
 * One-hot features, so that θ is itself the reward table: θ_s (`'state'`) or θ_{s,a} (`'state-action'`).
 * @example inferReward(gridworld, demos, { features: indicatorFeatures('state'), l2: 0.1 })
 */
export function indicatorFeatures(of: 'state' | 'state-action' = 'state'): IndicatorFeatures {
  if (of !== 'state' && of !== 'state-action') {
    fail({ code: 'option-invalid', part: 'indicatorFeatures', message: `indicatorFeatures: expected 'state' or 'state-action', got ${show(of)}` });
  }
  return Object.freeze({ kind: 'indicator' as const, of });
}

/** φ over every (s, a) of a graph as sparse rows: row s·nA + a holds entries rowStart[row] … rowStart[row+1]−1. */
export interface FeatureTable {
  /** Number of features K (the length of θ). */
  readonly size: number;
  readonly rowStart: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** The feature table of a graph; a function is called once per (s, a) and checked. */
export function featureTable<S, A>(graph: FactorGraph<S, A>, features: Features<S, A>): FeatureTable {
  const { nS, nA } = graph;
  const rows = nS * nA;
  if (typeof features !== 'function') {
    const perAction = features.of === 'state-action';
    const rowStart = new Int32Array(rows + 1);
    const index = new Int32Array(rows);
    for (let row = 0; row < rows; row++) {
      rowStart[row + 1] = row + 1;
      index[row] = perAction ? row : Math.floor(row / nA);
    }
    return { size: perAction ? rows : nS, rowStart, index, value: new Float64Array(rows).fill(1) };
  }
  const rowStart = new Int32Array(rows + 1);
  let index = new Int32Array(rows * 4);
  let value = new Float64Array(rows * 4);
  let size = -1;
  let used = 0;
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const row = s * nA + a;
      const sv = graph.states.values[s]!;
      const av = graph.actions.values[a]!;
      const phi = callFeatures(features, sv, av);
      if (size < 0) size = nonEmpty(phi.length, sv, av);
      checkVector(phi, size, sv, av);
      for (let k = 0; k < phi.length; k++) {
        if (phi[k] === 0) continue;
        if (used === index.length) {
          const grownIndex = new Int32Array(index.length * 2);
          grownIndex.set(index);
          index = grownIndex;
          const grownValue = new Float64Array(value.length * 2);
          grownValue.set(value);
          value = grownValue;
        }
        index[used] = k;
        value[used++] = phi[k]!;
      }
      rowStart[row + 1] = used;
    }
  }
  return { size, rowStart, index: index.slice(0, used), value: value.slice(0, used) };
}

/** K, refused when 0: an empty θ would "converge" at once and learn nothing. */
export function nonEmpty(size: number, s: unknown, a: unknown): number {
  if (size === 0) {
    fail({ code: 'feature-invalid', part: 'features', state: s, action: a, message: `features: φ(s=${show(s)}, a=${show(a)}) is empty, so θ would have no weights and nothing could be learned; return at least one feature` });
  }
  return size;
}

/** φ(s, a) from a feature function, with a thrown error turned into a `feature-invalid` error naming (s, a). */
export function callFeatures<S, A>(features: FeatureFunction<S, A>, s: S, a: A): readonly number[] | Float64Array {
  let phi: readonly number[] | Float64Array;
  try {
    phi = features(s, a);
  } catch (error) {
    fail({ code: 'feature-invalid', part: 'features', state: s, action: a, message: `features: φ threw at s=${show(s)}, a=${show(a)}: ${thrownText(error)}` }, error);
  }
  if (!(Array.isArray(phi) || phi instanceof Float64Array)) {
    fail({ code: 'feature-invalid', part: 'features', state: s, action: a, message: `features: φ(s=${show(s)}, a=${show(a)}) returned ${show(phi)}; expected an array of numbers` });
  }
  return phi;
}

/** Every entry finite, and the length `size` (the length of θ). */
export function checkVector(phi: readonly number[] | Float64Array, size: number, s: unknown, a: unknown): void {
  if (phi.length !== size) {
    fail({
      code: 'feature-invalid',
      part: 'features',
      state: s,
      action: a,
      message: `features: φ(s=${show(s)}, a=${show(a)}) has length ${phi.length} but θ has ${size} (the length of φ at the first state-action); every φ(s, a) must have the same length`,
    });
  }
  for (let k = 0; k < phi.length; k++) {
    const x = phi[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      fail({
        code: 'feature-invalid',
        part: 'features',
        state: s,
        action: a,
        message: `features: φ(s=${show(s)}, a=${show(a)})[${k}] is ${show(x)}; features must be finite numbers`,
      });
    }
  }
}

/** r(s,a) = θ · φ(s,a) for every row, into `out` (nS × nA). */
export function rewardInto(table: FeatureTable, theta: Float64Array, out: Float64Array): void {
  const { rowStart, index, value } = table;
  const rows = rowStart.length - 1;
  for (let row = 0; row < rows; row++) {
    let r = 0;
    const end = rowStart[row + 1]!;
    for (let j = rowStart[row]!; j < end; j++) r += value[j]! * theta[index[j]!]!;
    out[row] = r;
  }
}

/** out = Φᵀ D: Σ_{s,a} D(s,a) φ(s,a) (out is overwritten). */
export function countsInto(table: FeatureTable, D: Float64Array, out: Float64Array): void {
  const { rowStart, index, value } = table;
  out.fill(0);
  const rows = rowStart.length - 1;
  for (let row = 0; row < rows; row++) {
    const d = D[row]!;
    if (d === 0) continue;
    const end = rowStart[row + 1]!;
    for (let j = rowStart[row]!; j < end; j++) out[index[j]!] = out[index[j]!]! + d * value[j]!;
  }
}

/** out += weight · φ(row). */
export function addRow(table: FeatureTable, row: number, weight: number, out: Float64Array): void {
  const { rowStart, index, value } = table;
  for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) out[index[j]!] = out[index[j]!]! + weight * value[j]!;
}

/**
 * The same features as rows over states when φ(s, a) does not depend on a (e.g.
 * indicatorFeatures('state')); undefined otherwise. Expected counts then need
 * only state occupancies Σ_t p(s_t = s), not the state-action ones.
 */
export function stateRows(table: FeatureTable, nS: number, nA: number): FeatureTable | undefined {
  const { rowStart, index, value } = table;
  for (let s = 0; s < nS; s++) {
    const first = s * nA;
    const width = rowStart[first + 1]! - rowStart[first]!;
    for (let a = 1; a < nA; a++) {
      const row = first + a;
      if (rowStart[row + 1]! - rowStart[row]! !== width) return undefined;
      for (let j = 0; j < width; j++) {
        const x = rowStart[first]! + j;
        const y = rowStart[row]! + j;
        if (index[x] !== index[y] || value[x] !== value[y]) return undefined;
      }
    }
  }
  const start = new Int32Array(nS + 1);
  const keep: number[] = [];
  for (let s = 0; s < nS; s++) {
    for (let j = rowStart[s * nA]!; j < rowStart[s * nA + 1]!; j++) keep.push(j);
    start[s + 1] = keep.length;
  }
  return { size: table.size, rowStart: start, index: Int32Array.from(keep, (j) => index[j]!), value: Float64Array.from(keep, (j) => value[j]!) };
}
