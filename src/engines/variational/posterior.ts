/**
 * The posterior a variational fit returns: q itself.
 *
 * - Tabulated model: `tabularPosterior` over q with the dynamics untilted,
 *   so marginals, samples, the mode and log q(τ) are exact under q; the
 *   evidence is the exact ELBO (a lower bound) and the description reports
 *   log p(O) − ELBO, with log p(O) from the exact engine.
 * - Simulated model: the policy from the family at any state, samples by
 *   simulation, the evidence a Monte Carlo estimate of the ELBO with its
 *   standard error; tables and marginals throw `unsupported-query`.
 */
import { categorical, type Categorical } from '../../dist/categorical.js';
import { rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import { tabularPosterior } from '../../posterior/tabular.js';
import { unsupported } from '../../posterior/unsupported.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Evidence, Exactness, Posterior, SampleOptions, ScoredTrajectory, Trajectory } from '../../types/posterior.js';
import type { Simulator, SimulatorGraph } from '../../types/simulator.js';
import type { ExactElbo } from './elbo.js';
import type { BoundFamily } from './families.js';
import type { OptimizerKind } from './optimizers.js';

/** How the fit went: the ELBO trace and what produced it. */
export interface VariationalFit {
  /** The family's name, e.g. "tabularSoftmax({ timeIndexed: true })". */
  readonly family: string;
  readonly gradient: 'exact' | 'score-function';
  readonly optimizer: OptimizerKind;
  readonly learningRate: number;
  /**
   * elbo[k] is the ELBO after k updates, k = 0 … steps. With the score-function gradient
   * entries 0 … steps − 1 are the noisy batch estimates the updates used and the last is
   * the final value (exact on a tabulated model, else an estimate from `evaluationSamples`).
   */
  readonly elbo: Float64Array;
  /** Standard errors of the score-function estimates in `elbo` (0 where exact); undefined for exact gradients. */
  readonly standardError: Float64Array | undefined;
  /** Updates taken (≤ the `steps` option). */
  readonly steps: number;
  /** True when the ELBO changed by ≤ tolerance over the last steps (exact gradient only). */
  readonly converged: boolean;
  /** The fitted parameters θ (a copy), laid out as the family chooses (time-indexed tabular with the exact gradient: the reachable (t, s) only). */
  readonly parameters: Float64Array;
  /** log p(O) by the exact engine, when the model is tabulated. */
  readonly logZ: number | undefined;
  /** log p(O) − ELBO ≥ 0 (the KL from q(τ) to p(τ | O)), when the model is tabulated. */
  readonly gap: number | undefined;
}

/** A variational posterior: the common interface plus the fit (`variationalFit(post)` reads it). */
export type VariationalPosterior<S = unknown, A = unknown> = Posterior<S, A, 'simulator'> & { readonly fit: VariationalFit };

/** What both posterior builders need to describe the fit. */
export interface FitSummary {
  readonly fit: VariationalFit;
  readonly part: string;
}

/** The posterior over a tabulated model from the exact ELBO evaluator at the fitted parameters. */
export function tabularVariational<S, A>(graph: FactorGraph<S, A>, elbo: ExactElbo<S>, summary: FitSummary, finalElbo: number): VariationalPosterior<S, A> {
  const { fit } = summary;
  const { nS, nA, alpha } = graph;
  const gap = fit.gap!;
  const discounted = graph.gamma < 1 ? ' With γ < 1 both are discounted soft values, not log-probabilities.' : '';
  const evidence: Evidence = {
    kind: 'lower-bound',
    logValue: finalElbo,
    description: `ELBO of q (${fit.family}, ${fit.steps} ${fit.optimizer} steps, ${fit.gradient} gradient) ≤ log p(O); log p(O) − ELBO = ${gap.toExponential(3)} (log p(O) = ${fit.logZ!.toPrecision(10)} by exact sum-product).${discounted}`,
  };
  const post = tabularPosterior<S, A>({
    engine: 'variational',
    graph,
    exactness: exactness(fit, true),
    evidence,
    value: alpha * finalElbo,
    convergence: undefined,
    initial: graph.initial.slice(),
    logInitial: graph.initial.map(Math.log),
    policyRow: (t, s, out) => elbo.policyRow(t, s, out),
    logPolicyRow: (t, s, out) => elbo.logPolicyRow(t, s, out),
    policyTableInto: (t, out) => {
      out.fill(0);
      for (let s = 0; s < nS; s++) {
        if (elbo.alive[t * nS + s] === 0) continue;
        const off = (t * nS + s) * nA;
        for (let a = 0; a < nA; a++) out[s * nA + a] = elbo.q[off + a]!;
      }
    },
    Q: (t) => elbo.qTable(t),
    V: (t) => (t === graph.horizon ? (graph.terminal ?? new Float64Array(nS)).slice() : elbo.valueRow(t)),
    tilt: () => undefined,
    infeasible: undefined,
    policyNeedsEvidence: false,
  });
  return withFit(post as unknown as Posterior<S, A, 'simulator'>, fit);
}

/** Attach `fit` as a read-only property of the posterior object. */
function withFit<S, A>(post: Posterior<S, A, 'simulator'>, fit: VariationalFit): VariationalPosterior<S, A> {
  Object.defineProperty(post, 'fit', { value: Object.freeze(fit), enumerable: true, writable: false });
  return post as VariationalPosterior<S, A>;
}

function exactness(fit: VariationalFit, tables: boolean): Exactness {
  const notes: string[] = [
    fit.converged ? `The ELBO converged after ${fit.steps} steps.` : `Stopped at the step budget (${fit.steps} steps) without meeting the tolerance; the ELBO may still rise.`,
  ];
  if (fit.gap !== undefined) notes.push(`log p(O) − ELBO = ${fit.gap.toExponential(3)}: the KL divergence from q(τ) to the exact p(τ | O).`);
  notes.push(
    tables
      ? 'Marginals, samples, the mode and logProb are exact under q (the true dynamics, untilted). Q(t) and V(t) are the soft values of q itself (Q^q = r + γE[V^q], V^q = E_q[Q^q − α log(q/p)]); they equal the fixed-dynamics Q and V at the optimum. At states q never reaches the ELBO does not depend on q, which stays at its start there (the prior over the allowed actions).'
      : 'The model is simulated: the policy comes from the family at any state and samples by simulation; tables, marginals, the mode and logProb are not available.',
  );
  return {
    posterior: false,
    policy: `q(a_t | s_t) fitted by maximising the ELBO over ${fit.family}: the fixed-dynamics optimum (Q = r + E[V]) when the family contains it, up to the optimiser's convergence`,
    evidence: tables ? 'lower-bound' : 'estimate',
    notes,
  };
}

/** What the simulated posterior needs from the run. */
export interface SimulatedSource<S> {
  readonly graph: SimulatorGraph<S, unknown>;
  readonly sim: Simulator<unknown, S, unknown>;
  readonly family: BoundFamily<S>;
  readonly params: Float64Array;
  readonly estimate: { readonly elbo: number; readonly standardError: number; readonly samples: number };
}

/** The posterior over a model that can only be simulated. */
export function simulatedVariational<S, A>(source: SimulatedSource<S>, summary: FitSummary): VariationalPosterior<S, A> {
  const post = new SimulatedPosterior<S, A>(source, summary);
  return withFit(post, summary.fit);
}

class SimulatedPosterior<S, A> implements Posterior<S, A, 'simulator'> {
  readonly engine = 'variational';
  readonly exactness: Exactness;
  readonly graph: SimulatorGraph<S, A>;
  readonly horizon: number;
  readonly logEvidence: number;
  readonly evidence: Evidence;
  readonly value: number;
  readonly convergence = undefined;
  private readonly prior: Float64Array;
  private readonly row: Float64Array;

  constructor(
    private readonly source: SimulatedSource<S>,
    summary: FitSummary,
  ) {
    this.graph = source.graph as SimulatorGraph<S, A>;
    this.horizon = source.graph.horizon;
    const { elbo, standardError, samples } = source.estimate;
    this.logEvidence = elbo;
    this.value = source.sim.alpha * elbo;
    this.evidence = {
      kind: 'estimate',
      logValue: elbo,
      standardError,
      description: `A Monte Carlo estimate, from ${samples} trajectories of q, of the ELBO of q (${summary.fit.family}), which is itself a lower bound on log p(O); being noisy, the estimate can exceed log p(O) by chance (about ${standardError.toPrecision(3)}, its standard error).`,
    };
    this.exactness = exactness(summary.fit, false);
    this.prior = new Float64Array(source.sim.nA);
    this.row = new Float64Array(source.sim.nA);
  }

  /** q_t(· | s) into `row`; false when s has no allowed action (prior 0 or r = −∞ everywhere). */
  private policyInto(t: number, s: S, index: number): boolean {
    const { sim, family, params } = this.source;
    const nA = sim.nA;
    // Handles of a simulated model are the state values themselves.
    sim.prior(s, this.prior);
    family.logits(params, s, t, this.row, index);
    let m = -Infinity;
    for (let a = 0; a < nA; a++) {
      if (!(this.prior[a]! > 0) || sim.reward(s, a, t) === -Infinity) this.prior[a] = 0;
      else if (this.row[a]! > m) m = this.row[a]!;
    }
    if (m === -Infinity) return false;
    let sum = 0;
    for (let a = 0; a < nA; a++) {
      this.row[a] = this.prior[a]! > 0 ? this.prior[a]! * Math.exp(this.row[a]! - m) : 0;
      sum += this.row[a]!;
    }
    for (let a = 0; a < nA; a++) this.row[a] = this.row[a]! / sum;
    return true;
  }

  private checkTime(query: string, t: number): void {
    if (!Number.isInteger(t) || t < 0 || t > this.horizon - 1) {
      fail({ code: 'time-out-of-range', part: query, t, message: `${query}: t = ${show(t)} is outside the horizon; expected 0 … ${this.horizon - 1}` });
    }
  }

  policy(t: number, s: S): Categorical<A> {
    this.checkTime('policy', t);
    const states = this.source.sim.states;
    const index = states !== undefined ? states.indexOf(s) : -1;
    if (states !== undefined && index < 0) fail({ code: 'unknown-state', part: 'policy', state: s, message: `policy: s=${show(s)} is not a state of the model` });
    if (!this.policyInto(t, s, index)) {
      fail({ code: 'state-infeasible', part: 'policy', state: s, t, message: `policy(t=${t}, s=${show(s)}): every action has prior 0 or r = −Infinity here; q is undefined` });
    }
    return categorical(this.graph.actions.values.map((a, k) => [a, this.row[k]!] as const));
  }

  policyTable(t: number): Float64Array {
    const states = this.source.sim.states;
    if (states === undefined) return unsupported('variational', `policyTable(${t})`, 'the state has no finite domain', 'policy(t, s) at the states you need');
    this.checkTime('policyTable', t);
    const nA = this.source.sim.nA;
    const out = new Float64Array(states.size * nA);
    for (let s = 0; s < states.size; s++) if (this.policyInto(t, states.values[s]!, s)) out.set(this.row, s * nA);
    return out;
  }

  private noTables(query: string): never {
    return unsupported('variational', query, `the model is simulated (${this.graph.reason}), so q's values and marginals have no tables`, 'sample(n, { seed }) and averages over the samples, or a model with categorical transitions for exact tables');
  }

  Q(t: number): Float64Array {
    return this.noTables(`Q(${t})`);
  }
  V(t: number): Float64Array {
    return this.noTables(`V(${t})`);
  }
  stateMarginal(t: number): Float64Array {
    return this.noTables(`stateMarginal(${t})`);
  }
  stateActionMarginal(t: number): Float64Array {
    return this.noTables(`stateActionMarginal(${t})`);
  }
  actionMarginal(t: number): Float64Array {
    return this.noTables(`actionMarginal(${t})`);
  }
  mostProbable(): ScoredTrajectory<S, A> {
    return this.noTables('mostProbable()');
  }
  logProb(_trajectory: Trajectory<S, A>): number {
    return unsupported('variational', 'logProb(τ)', 'a simulated transition has no density to score a trajectory with', 'sample(n, { seed })');
  }

  /** n trajectories of q, simulated (each s_{t+1} from the model's own transition). */
  sample(n: number, options: SampleOptions): Trajectory<S, A>[] {
    if (!Number.isInteger(n) || n < 0) fail({ code: 'option-invalid', part: 'sample', message: `sample: n must be a non-negative integer, got ${show(n)}` });
    const steps = options.steps ?? this.horizon;
    if (!Number.isInteger(steps) || steps < 1 || steps > this.horizon) {
      fail({ code: 'option-invalid', part: 'sample', message: `sample: steps must be an integer in 1 … ${this.horizon}, got ${show(steps)}` });
    }
    const { sim } = this.source;
    const states = sim.states;
    const random = rng(options.seed, 'sample');
    const transitions = steps === this.horizon && sim.hasTerminal ? steps : steps - 1;
    const out: Trajectory<S, A>[] = [];
    for (let i = 0; i < n; i++) {
      let x = sim.initial(random);
      const path: S[] = [sim.value(x)];
      const actions: A[] = [];
      for (let t = 0; t < steps; t++) {
        const s = sim.value(x);
        if (!this.policyInto(t, s, states !== undefined ? sim.index(x) : -1)) {
          fail({ code: 'state-infeasible', part: 'sample', state: s, t, message: `sample: reached s=${show(s)} at t=${t}, where every action has prior 0 or r = −Infinity` });
        }
        let u = random.next();
        let a = -1;
        for (let b = 0; b < sim.nA; b++) {
          if (this.row[b]! <= 0) continue;
          a = b;
          u -= this.row[b]!;
          if (u < 0) break;
        }
        actions.push(this.graph.actions.values[a]!);
        if (t >= transitions) break;
        x = sim.step(x, a, random);
        path.push(sim.value(x));
      }
      out.push({ states: path, actions });
    }
    return out;
  }
}
