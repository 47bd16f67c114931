/**
 * A posterior held as weighted trajectories τ_1 … τ_N with normalised weights
 * W_i (importance sampling, SMC):
 *
 *   p(τ | O) ≈ Σ_i W_i δ(τ − τ_i)
 *
 * Every estimate is self-normalised:
 *
 *   p(s_t = s | O)             ≈ Σ_i W_i 1[s_t^i = s]
 *   p(s_t = s, a_t = a | O)    ≈ Σ_i W_i 1[s_t^i = s, a_t^i = a]
 *   p(a_t = a | s_t = s, O)    ≈ the ratio of the two (only where some particle with W_i > 0 visits s at t)
 *   E[Σ_t f(s_t, a_t, t) | O]  ≈ Σ_i W_i Σ_t f(s_t^i, a_t^i, t)     (`particles.expectation`)
 *
 * Marginals over states need a finite state domain; queries with no particle
 * estimate (Q, V, the mode, log p(τ|O), states never visited) throw
 * 'unsupported-query' naming what to use instead.
 */
import { checkMemory, trajectoryBytes } from '../compile/memory.js';
import { categorical, type Categorical } from '../dist/categorical.js';
import { InverseCdf, rng } from '../dist/rng.js';
import { keyOf } from '../dist/value-key.js';
import { argumentError, fail, show } from '../errors.js';
import type { EngineInput } from '../types/engine.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { Convergence, Evidence, Exactness, Posterior, SampleOptions, ScoredTrajectory, Trajectory } from '../types/posterior.js';
import type { CompiledModel } from '../types/simulator.js';
import { unsupported } from './unsupported.js';
import { requirePosterior, requireSampleOptions } from '../compile/arguments.js';

/**
 * The weighted trajectories, in typed columns: step t of particle i is
 * `stateIndices(t)[i]` / `stateValues(t)[i]` and `actions[t][i]`.
 *
 * Feature expectations for inverse RL, E_{p(τ|O)}[Σ_t φ(s_t, a_t)]:
 * @example const expected = post.particles.featureExpectation((s, a) => phi(s, a));
 */
export interface WeightedParticles<S, A> {
  /** N. */
  readonly count: number;
  /** Decisions per trajectory (T). */
  readonly decisions: number;
  /** States per trajectory: T, or T + 1 with a terminal factor. */
  readonly stateSteps: number;
  /** actions[t][i]: the index (into `actions` of the graph) of a_t on trajectory i; −1 after its weight became 0. */
  readonly actions: readonly Int32Array[];
  /** W_i, summing to 1. */
  readonly weights: Float64Array;
  /** Unnormalised log-weights (relative to the last resampling; only their differences matter). */
  readonly logWeights: Float64Array;
  /** ESS of the weights after step t's factors, before any resampling at t. */
  readonly ess: Float64Array;
  /** 1 where the population was resampled after step t. */
  readonly resampled: Uint8Array;
  /**
   * How many of the N particles drawn at t = 0 have a descendant with weight > 0 at the end
   * (N without resampling or hard constraints). Few lineages mean every estimate, the
   * standard error included, rests on few independent draws.
   */
  readonly lineages: number;
  /** s_t of every trajectory as state indices into `graph.states` (−1 outside it); undefined when states have no finite domain. */
  stateIndices(t: number): Int32Array | undefined;
  /** s_t of every trajectory as values. */
  stateValues(t: number): readonly S[];
  /** Trajectory i as values (cut where its weight became 0). */
  trajectory(i: number): Trajectory<S, A>;
  /** Σ_i W_i Σ_{t<T} f(s_t^i, a_t^i, t): a self-normalised estimate of E_{p(τ|O)}[Σ_t f]. */
  expectation(f: (s: S, a: A, t: number) => number): number;
  /** Σ_i W_i Σ_{t<T} φ(s_t^i, a_t^i, t), componentwise: expected feature counts. */
  featureExpectation(phi: (s: S, a: A, t: number) => ArrayLike<number>): Float64Array;
}

/** What an engine hands to `weightedPosterior`. */
export interface WeightedSource<S, A> {
  readonly engine: string;
  readonly graph: CompiledModel<S, A>;
  readonly exactness: Exactness;
  readonly evidence: Evidence;
  readonly alpha: number;
  readonly decisions: number;
  readonly terminal: boolean;
  /** states[t][i]: handles (state indices when `indexed`, values otherwise). */
  readonly states: readonly (Int32Array | readonly unknown[])[];
  readonly actions: readonly Int32Array[];
  readonly logWeights: Float64Array;
  readonly weights: Float64Array;
  readonly ess: Float64Array;
  readonly resampled: Uint8Array;
  /** Surviving lineages from t = 0 (see `WeightedParticles.lineages`). */
  readonly lineages: number;
  readonly indexed: boolean;
  /** The finite state domain, if any. */
  readonly stateDomain: IndexedDomain<S> | undefined;
  value(x: unknown): S;
  /** Index in `stateDomain`, −1 if none. */
  index(x: unknown): number;
}

/** A posterior with particle estimates (the engine supplies the particles and the evidence). */
export interface WeightedPosterior<S, A> extends Posterior<S, A, 'simulator'> {
  readonly particles: WeightedParticles<S, A>;
}

export function weightedPosterior<S, A>(source: WeightedSource<S, A>): WeightedPosterior<S, A> {
  // An engine author's record: a compiled graph and typed weight arrays, else nothing below can be read.
  if (typeof source !== 'object' || source === null || typeof source.graph !== 'object' || source.graph === null || !(source.weights instanceof Float64Array) || !(source.logWeights instanceof Float64Array) || typeof source.evidence !== 'object' || source.evidence === null) {
    argumentError('weightedPosterior', 'a WeightedSource { engine, graph, evidence, weights and logWeights (Float64Array), … }', source);
  }
  return new WeightedPosteriorImpl(source);
}

/**
 * The weighted particles of a posterior from `importance()` (or any weighted posterior), without a cast;
 * throws 'unsupported-query' for a posterior that holds none (e.g. an exact one).
 * @example const phiBar = particlesOf(infer(m, importance())).featureExpectation((s, a) => phi(s, a));
 */
export function particlesOf<S, A>(post: Posterior<S, A, EngineInput>): WeightedParticles<S, A> {
  requirePosterior('particlesOf', post);
  const particles = (post as Partial<WeightedPosterior<S, A>>).particles;
  if (particles === undefined) {
    unsupported(post.engine, 'particlesOf(posterior)', 'this posterior holds no weighted trajectories', 'a posterior from importance(), or sample(n, { seed }) for draws');
  }
  return particles;
}

class WeightedPosteriorImpl<S, A> implements WeightedPosterior<S, A> {
  readonly engine: string;
  readonly exactness: Exactness;
  readonly graph: CompiledModel<S, A>;
  readonly horizon: number;
  readonly logEvidence: number;
  readonly evidence: Evidence;
  readonly value: number;
  readonly convergence: Convergence | undefined = undefined;
  readonly particles: WeightedParticles<S, A>;
  private readonly source: WeightedSource<S, A>;
  private readonly nA: number;
  private readonly indexCache: (Int32Array | undefined)[] = [];
  private readonly keyCache: (string[] | undefined)[] = [];

  constructor(source: WeightedSource<S, A>) {
    this.source = source;
    this.engine = source.engine;
    this.exactness = source.exactness;
    this.graph = source.graph;
    this.horizon = source.decisions;
    this.evidence = source.evidence;
    this.logEvidence = source.evidence.logValue;
    this.value = source.alpha * source.evidence.logValue;
    this.nA = source.graph.nA;
    this.particles = this.makeParticles();
    Object.freeze(this.particles);
  }

  private get stateSteps(): number {
    return this.source.states.length;
  }

  private checkTime(query: string, t: number, last: number): void {
    if (!Number.isInteger(t) || t < 0 || t > last) {
      fail({ code: 'time-out-of-range', part: query, t, message: `${query}: t = ${show(t)} is outside the simulated steps; expected 0 … ${last}` });
    }
  }

  /** State indices of step t (cached), or undefined without a finite domain. */
  private indices(t: number): Int32Array | undefined {
    const src = this.source;
    if (src.stateDomain === undefined) return undefined;
    const column = src.states[t]!;
    if (src.indexed) return column as Int32Array;
    let cached = this.indexCache[t];
    if (cached === undefined) {
      cached = new Int32Array(column.length);
      for (let i = 0; i < column.length; i++) cached[i] = src.index(column[i]);
      this.indexCache[t] = cached;
    }
    return cached;
  }

  private requireDomain(query: string): IndexedDomain<S> {
    const domain = this.source.stateDomain;
    if (domain === undefined) {
      unsupported(this.engine, query, 'the state has no finite domain (it is simulated), so there is no table over states', 'post.particles (stateValues(t), weights) for any statistic of s_t, or actionMarginal(t)');
    }
    return domain;
  }

  policy(t: number, s: S): Categorical<A> {
    const query = `policy(t=${t}, s=${show(s)})`;
    this.checkTime(query, t, this.horizon - 1);
    const { weights, actions } = this.source;
    const acts = actions[t]!;
    const row = new Float64Array(this.nA);
    let mass = 0;
    const indices = this.indices(t);
    if (indices !== undefined) {
      const target = this.source.stateDomain!.indexOf(s);
      if (target < 0) fail({ code: 'unknown-state', part: query, state: s, message: `${query}: s=${show(s)} is not a state of the model` });
      for (let i = 0; i < indices.length; i++) {
        if (indices[i] !== target || !(weights[i]! > 0)) continue;
        row[acts[i]!] = row[acts[i]!]! + weights[i]!;
        mass += weights[i]!;
      }
    } else {
      const keys = this.keys(t);
      const target = keyOf(s);
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] !== target || !(weights[i]! > 0)) continue;
        row[acts[i]!] = row[acts[i]!]! + weights[i]!;
        mass += weights[i]!;
      }
    }
    if (!(mass > 0)) {
      unsupported(this.engine, query, `no particle with weight > 0 visits s=${show(s)} at t=${t}, so p(a|s, O) has no estimate there`, 'more particles, actionMarginal(t), or exact() on a tabulable model');
    }
    const values = this.graph.actions.values;
    return categorical(values.map((a, k) => [a, row[k]! / mass] as const));
  }

  private keys(t: number): string[] {
    let cached = this.keyCache[t];
    if (cached === undefined) {
      const column = this.source.states[t]!;
      cached = new Array<string>(column.length);
      for (let i = 0; i < column.length; i++) cached[i] = keyOf(this.source.value(column[i]));
      this.keyCache[t] = cached;
    }
    return cached;
  }

  policyTable(t: number): Float64Array {
    const joint = this.stateActionMarginalAt(`policyTable(${t})`, t);
    const nA = this.nA;
    for (let row = 0; row < joint.length; row += nA) {
      let mass = 0;
      for (let a = 0; a < nA; a++) mass += joint[row + a]!;
      if (mass > 0) for (let a = 0; a < nA; a++) joint[row + a] = joint[row + a]! / mass;
    }
    return joint;
  }

  Q(t: number): Float64Array {
    return unsupported(this.engine, `Q(${t})`, 'importance sampling estimates p(τ | O) from weighted trajectories and computes no soft values', 'exact() on a tabulable model');
  }

  V(t: number): Float64Array {
    return unsupported(this.engine, `V(${t})`, 'importance sampling estimates p(τ | O) from weighted trajectories and computes no soft values', 'exact() on a tabulable model, or logEvidence for α·V averaged over s_0');
  }

  stateMarginal(t: number): Float64Array {
    const query = `stateMarginal(${t})`;
    const domain = this.requireDomain(query);
    this.checkTime(query, t, this.stateSteps - 1);
    const out = new Float64Array(domain.size);
    const indices = this.indices(t)!;
    const w = this.source.weights;
    for (let i = 0; i < indices.length; i++) if (indices[i]! >= 0) out[indices[i]!] = out[indices[i]!]! + w[i]!;
    return out;
  }

  stateActionMarginal(t: number): Float64Array {
    return this.stateActionMarginalAt(`stateActionMarginal(${t})`, t);
  }

  private stateActionMarginalAt(query: string, t: number): Float64Array {
    const domain = this.requireDomain(query);
    this.checkTime(query, t, this.horizon - 1);
    const nA = this.nA;
    const out = new Float64Array(domain.size * nA);
    const indices = this.indices(t)!;
    const acts = this.source.actions[t]!;
    const w = this.source.weights;
    for (let i = 0; i < indices.length; i++) {
      if (indices[i]! < 0 || !(w[i]! > 0)) continue;
      const k = indices[i]! * nA + acts[i]!;
      out[k] = out[k]! + w[i]!;
    }
    return out;
  }

  actionMarginal(t: number): Float64Array {
    this.checkTime(`actionMarginal(${t})`, t, this.horizon - 1);
    const out = new Float64Array(this.nA);
    const acts = this.source.actions[t]!;
    const w = this.source.weights;
    for (let i = 0; i < acts.length; i++) if (w[i]! > 0) out[acts[i]!] = out[acts[i]!]! + w[i]!;
    return out;
  }

  /** n trajectories drawn with replacement with probabilities W_i (multinomial, seeded). */
  sample(n: number, given: SampleOptions): Trajectory<S, A>[] {
    const options = requireSampleOptions(given);
    if (!Number.isInteger(n) || n < 0) fail({ code: 'option-invalid', part: 'sample', message: `sample: n must be a non-negative integer, got ${show(n)}` });
    const T = this.horizon;
    const steps = options.steps ?? T;
    if (!Number.isInteger(steps) || steps < 1 || steps > T) fail({ code: 'option-invalid', part: 'sample', message: `sample: steps must be an integer in 1 … ${T}, got ${show(steps)}` });
    checkMemory('sample', trajectoryBytes(n, steps), `${n} trajectories of ${steps} decisions`, 'draw fewer (in batches, each with its own seed) or fewer steps');
    const random = rng(options.seed, 'sample');
    const draws = new InverseCdf(this.source.weights);
    const stateCount = steps === T ? this.stateSteps : steps;
    const out: Trajectory<S, A>[] = [];
    for (let k = 0; k < n; k++) {
      out.push(this.path(draws.draw(random), steps, stateCount));
    }
    return out;
  }

  private path(i: number, steps: number, stateCount: number): Trajectory<S, A> {
    const src = this.source;
    const states: S[] = [];
    const actions: A[] = [];
    const values = this.graph.actions.values;
    for (let t = 0; t < stateCount; t++) states.push(src.value(src.states[t]![i]));
    for (let t = 0; t < steps; t++) actions.push(values[src.actions[t]![i]!]!);
    return { states, actions };
  }

  mostProbable(): ScoredTrajectory<S, A> {
    return unsupported(this.engine, 'mostProbable()', 'weighted samples give no mode of p(τ | O) (the heaviest particle is not the most probable trajectory)', 'exact() on a tabulable model, or post.particles for the heaviest particle');
  }

  logProb(_trajectory: Trajectory<S, A>): number {
    return unsupported(this.engine, 'logProb(τ)', 'importance sampling has no density of p(τ | O), only weighted samples', 'exact() on a tabulable model');
  }

  private makeParticles(): WeightedParticles<S, A> {
    const src = this.source;
    const self = this;
    const T = this.horizon;
    const actionValues = this.graph.actions.values;
    const checkIndex = (i: number) => {
      if (!Number.isInteger(i) || i < 0 || i >= src.weights.length) fail({ code: 'option-invalid', part: 'particles', message: `particles: index ${show(i)} is outside 0 … ${src.weights.length - 1}` });
    };
    return {
      count: src.weights.length,
      decisions: T,
      stateSteps: src.states.length,
      actions: src.actions,
      weights: src.weights,
      logWeights: src.logWeights,
      ess: src.ess,
      resampled: src.resampled,
      lineages: src.lineages,
      stateIndices(t) {
        self.checkTime('particles.stateIndices', t, src.states.length - 1);
        return self.indices(t);
      },
      stateValues(t) {
        self.checkTime('particles.stateValues', t, src.states.length - 1);
        const column = src.states[t]!;
        return Array.from(column as ArrayLike<unknown>, (x) => src.value(x));
      },
      trajectory(i) {
        checkIndex(i);
        let steps = 0;
        while (steps < T && src.actions[steps]![i]! >= 0) steps++;
        return self.path(i, steps, steps === T ? src.states.length : Math.max(1, steps));
      },
      expectation(f) {
        let total = 0;
        for (let i = 0; i < src.weights.length; i++) {
          const w = src.weights[i]!;
          if (!(w > 0)) continue;
          let sum = 0;
          for (let t = 0; t < T; t++) sum += f(src.value(src.states[t]![i]), actionValues[src.actions[t]![i]!]!, t);
          total += w * sum;
        }
        return total;
      },
      featureExpectation(phi) {
        let total: Float64Array | undefined;
        for (let i = 0; i < src.weights.length; i++) {
          const w = src.weights[i]!;
          if (!(w > 0)) continue;
          for (let t = 0; t < T; t++) {
            const x = phi(src.value(src.states[t]![i]), actionValues[src.actions[t]![i]!]!, t);
            total ??= new Float64Array(x.length);
            if (x.length !== total.length) fail({ code: 'option-invalid', part: 'particles.featureExpectation', t, message: `particles.featureExpectation: φ returned ${x.length} features at t=${t}, ${total.length} before; φ must have a fixed length` });
            for (let k = 0; k < x.length; k++) total[k] = total[k]! + w * x[k]!;
          }
        }
        return total ?? new Float64Array(0);
      },
    };
  }
}
