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
import { tabularPosterior } from '../../posterior/tabular.js';
import { simulatedPosterior } from '../../posterior/simulated.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Evidence, Exactness, Posterior } from '../../types/posterior.js';
import type { Simulator, SimulatorGraph } from '../../types/simulator.js';
import type { ExactElbo } from './elbo.js';
import type { BoundFamily } from './families.js';
import type { OptimizerKind } from './optimizers.js';

/** How the fit went: the ELBO trace and what produced it. */
export interface VariationalFit {
  /** The family's name, e.g. "tabularSoftmax({ timeIndexed: true })". */
  readonly family: string;
  /** 'reparameterised' only for a Gaussian policy on a linear-Gaussian model. */
  readonly gradient: 'exact' | 'score-function' | 'reparameterised';
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
  /** What makes the fit untrustworthy (an ELBO above log Z, an objective that fell, rewards below rounding; see honesty.ts); empty when none. Any of them makes `converged` false. */
  readonly warnings: readonly string[];
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
    fit.converged
      ? `The ELBO converged after ${fit.steps} steps.`
      : fit.warnings.length > 0
        ? `Not converged: ${fit.warnings.join(' ')}`
        : `Stopped at the step budget (${fit.steps} steps) without meeting the tolerance; the ELBO may still rise.`,
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

/** The posterior over a model that can only be simulated: q from the family at any state. */
export function simulatedVariational<S, A>(source: SimulatedSource<S>, summary: FitSummary): VariationalPosterior<S, A> {
  const { elbo, standardError, samples } = source.estimate;
  const { family, params } = source;
  const post = simulatedPosterior<S, A>({
    engine: 'variational',
    graph: source.graph as SimulatorGraph<S, A>,
    sim: source.sim,
    logits: (s, t, index, out) => family.logits(params, s, t, out, index),
    exactness: exactness(summary.fit, false),
    evidence: {
      kind: 'estimate',
      logValue: elbo,
      standardError,
      description: `A Monte Carlo estimate, from ${samples} trajectories of q, of the ELBO of q (${summary.fit.family}), which is itself a lower bound on log p(O); being noisy, the estimate can exceed log p(O) by chance (about ${standardError.toPrecision(3)}, its standard error).`,
    },
  });
  return withFit(post, summary.fit);
}
