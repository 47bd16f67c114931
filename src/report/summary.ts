/**
 * What `cai run` (and the top of a report) says about a posterior: the evidence with its kind, the
 * policy at t = 0, and text grids of V_0 and the policy when the state space
 * is grid-shaped. Built once as data (`--json` prints it as is) and rendered
 * as text otherwise. A query the engine cannot answer (e.g. Q tables from
 * particles) is left out with the engine's reason, never filled in.
 */
import { show } from '../errors.js';
import { INFEASIBLE, layoutProblem, policyGrid, sideBySide, table, valueGrid } from '../viz/text.js';
import { cellKinds } from '../viz/cell-kinds.js';
import type { EngineInput } from '../types/engine.js';
import type { Posterior, Evidence, Exactness } from '../types/posterior.js';
import { isCaiError } from './cai-error.js';
import { variationalFit } from '../engines/variational/index.js';
import { LEARNING_ENGINES, learningFit } from '../engines/learning/index.js';
import { particlesOf } from '../posterior/weighted.js';
import { rng } from '../dist/rng.js';
import { isGaussianPolicyPosterior, type GaussianPolicyPosterior } from '../engines/variational/gaussian-posterior.js';
import { refusePicture } from '../viz/picture-input.js';

/** The policy at t = 0: at the initial state when it is fixed, otherwise p(a_0 | O) over the random s_0. */
export interface FirstPolicy {
  readonly kind: 'policy' | 'action-marginal';
  /** s_0 when the initial state is fixed. */
  readonly state?: unknown;
  readonly actions: readonly unknown[];
  readonly probs: readonly number[];
}

export interface RunSummary {
  readonly model: string;
  readonly engine: string;
  readonly exactness: Exactness;
  readonly horizon: number;
  readonly alpha: number;
  readonly gamma: number;
  /** |S| when the state space is finite. */
  readonly states: number | undefined;
  /** |A|, or the dimension d of a continuous action. */
  readonly actions: number;
  readonly evidence: Evidence;
  /** α · log p(O) in reward units. */
  readonly value: number;
  readonly convergence: Posterior['convergence'];
  readonly policy: FirstPolicy | undefined;
  /** Why there is no policy line (the engine's own message). */
  readonly policyUnavailable?: string;
  /** Text grids of V_0 and the policy at t = 0 (grid-shaped state spaces only). */
  readonly grid?: string;
  /** variational(): the fit's updates, convergence and, on a tabulated model, log p(O) − ELBO. */
  readonly fit?: { readonly steps: number; readonly converged: boolean; readonly gap: number | undefined };
  /** importance(): N and the smallest effective sample size over the steps. */
  readonly particles?: { readonly count: number; readonly minEss: number; readonly resamplings: number; readonly lineages: number };
  /** A learning engine: environment steps and episodes used, the mean return of the last tenth of episodes, log p(O) − ELBO on tables. */
  readonly learning?: { readonly environmentSteps: number; readonly episodes: number; readonly finalReturn: number; readonly gap: number | undefined };
  /** A Gaussian policy of a continuous action: π_0(· | s_0) as text (there is no finite policy row). */
  readonly gaussianPolicy?: string;
  /** Pictures left out and why (a layout that cannot place the states); the numbers are unaffected. */
  readonly warnings?: readonly string[];
}

type AnyPosterior = Posterior<unknown, unknown, EngineInput>;

/** Run `query`; an 'unsupported-query' error becomes `{ missing: reason }`, anything else propagates. */
export function attempt<T>(query: () => T): { value: T } | { missing: string } {
  try {
    return { value: query() };
  } catch (error) {
    if (isCaiError(error) && (error.code === 'unsupported-query' || error.code === 'state-infeasible')) return { missing: error.message };
    throw error;
  }
}

/** The fixed initial state's index, or −1 when s_0 is random or the graph has no tables. */
export function fixedInitialState(post: AnyPosterior): number {
  const g = post.graph;
  if (g.kind !== 'factor-graph') return -1;
  let found = -1;
  for (let s = 0; s < g.nS; s++) {
    if (g.initial[s]! === 1) found = s;
    else if (g.initial[s]! !== 0) return -1;
  }
  return found;
}

export function summarise(post: AnyPosterior, modelName: string): RunSummary {
  if (isGaussianPolicyPosterior(post)) return continuousSummary(post, modelName);
  const g = post.graph;
  // A soft-LQR/LQG posterior has no finite actions or states to list: refuse with where its answers are.
  if ((g as { kind: string }).kind === 'linear-gaussian') {
    refusePicture('summarise()', post, 'a posterior with finite actions (tables) or a Gaussian-policy fit', 'log p(O), the policy at t = 0 and text grids', 'A soft-LQR/LQG posterior is a closed form: read post.value, post.policy(t, x) (mean −Kx − k, covariance αS⁻¹) and post.V(t) in code, or fit --engine variational / softActorCritic, whose summary cai run prints');
  }
  const actions = g.actions.values;
  const s0 = fixedInitialState(post);
  let policy: FirstPolicy | undefined;
  let policyUnavailable: string | undefined;
  const first = s0 >= 0 && g.kind === 'factor-graph'
    ? attempt(() => {
        const pi = post.policy(0, g.states.values[s0]);
        return { kind: 'policy' as const, state: g.states.values[s0], actions, probs: actions.map((a) => pi.probs[pi.support.indexOf(a)] ?? 0) };
      })
    : attempt(() => ({ kind: 'action-marginal' as const, actions, probs: Array.from(post.actionMarginal(0)) }));
  if ('value' in first) policy = first.value;
  else policyUnavailable = first.missing;

  return {
    model: modelName,
    engine: post.engine,
    exactness: post.exactness,
    horizon: post.horizon,
    alpha: g.alpha,
    gamma: g.gamma,
    states: g.kind === 'factor-graph' ? g.nS : g.states?.size,
    actions: actions.length,
    evidence: post.evidence,
    value: post.value,
    convergence: post.convergence,
    policy,
    ...(policyUnavailable !== undefined ? { policyUnavailable } : {}),
    ...gridOf(post),
    ...diagnostics(post),
  };
}

/** A Gaussian-policy fit of a continuous action: its policy at s_0 (a draw of p(s_0)) as a Gaussian of z. */
function continuousSummary(post: GaussianPolicyPosterior, modelName: string): RunSummary {
  const sim = post.graph.simulator;
  const x0 = sim.initial(rng(0));
  const pi = post.policy(0, x0);
  const round = (v: number) => Number(v.toPrecision(4));
  const squash = pi.bounds === undefined ? '' : `, u = low + (high − low)(tanh z + 1)/2 in [${Array.from(pi.bounds.low).join(', ')}] … [${Array.from(pi.bounds.high).join(', ')}]`;
  return {
    model: modelName,
    engine: post.engine,
    exactness: post.exactness,
    horizon: post.horizon,
    alpha: post.graph.alpha,
    gamma: post.graph.gamma,
    states: undefined,
    actions: sim.dimension,
    evidence: post.evidence,
    value: post.value,
    convergence: undefined,
    policy: undefined,
    gaussianPolicy: `π_0(u | s_0 = ${show(x0 instanceof Float64Array ? Array.from(x0) : x0)}): z ~ N(${show(Array.from(pi.mean, round))}, ${show(pi.covariance.map((r) => r.map(round)))})${squash}`,
    ...diagnostics(post as unknown as AnyPosterior),
  };
}

/** What says how far to trust an approximate engine: the variational gap, the particles' ESS. */
function diagnostics(post: AnyPosterior): Pick<RunSummary, 'fit' | 'particles' | 'learning'> {
  if (post.engine === 'variational') {
    const fit = variationalFit(post);
    return { fit: { steps: fit.steps, converged: fit.converged, gap: fit.gap } };
  }
  if (LEARNING_ENGINES.includes(post.engine)) {
    const { curves, environmentSteps, episodes, gap } = learningFit(post);
    const tail = curves.return.subarray(curves.return.length - Math.max(1, Math.floor(curves.return.length / 10)));
    const finalReturn = tail.length > 0 ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
    return { learning: { environmentSteps, episodes, finalReturn, gap } };
  }
  const p = attempt(() => particlesOf(post));
  if ('missing' in p) return {};
  let resamplings = 0;
  for (const r of p.value.resampled) resamplings += r;
  return { particles: { count: p.value.count, minEss: Math.min(...p.value.ess), resamplings, lineages: p.value.lineages } };
}

/** V_0 beside the policy's arrows at t = 0, when the graph has a layout; arrows only where the action names say a direction. */
function gridOf(post: AnyPosterior): { grid?: string; warnings?: readonly string[] } {
  const g = post.graph;
  if (g.kind !== 'factor-graph' || g.layout === undefined) return {};
  // A layout is a drawing hint: one that cannot place the states drops the grids, never the summary.
  const problem = layoutProblem(g);
  if (problem !== undefined) return { warnings: [`the grids are left out: ${problem}`] };
  const values = attempt(() => post.V(0));
  if ('missing' in values) return {};
  const blocks = [valueGrid(g, values.value, { digits: 1, coordinates: true })];
  const titles = ['V_0(s)'];
  // Goal, absorbing and cliff cells (read off the tables) replace their arrows, which would only show ties.
  const kinds = cellKinds(g);
  const marks = (v: unknown) => {
    const kind = kinds[g.states.indexOf(v)];
    return kind === undefined ? undefined : KIND_MARK[kind];
  };
  const pi = attempt(() => post.policyTable(0));
  let arrows = false;
  if ('value' in pi) {
    try {
      blocks.push(policyGrid(g, pi.value, { marks, coordinates: true }));
      titles.push('most probable a_0');
      arrows = true;
    } catch (error) {
      if (!isCaiError(error)) throw error; // no arrow for some action name: show the values alone
    }
  }
  const drawn = new Set(kinds.filter((k) => k !== undefined));
  const key = [
    ...(['goal', 'absorbing', 'cliff'] as const).filter((k) => arrows && drawn.has(k)).map((k) => KIND_KEY[k]),
    ...(arrows && blocks[1]!.includes(INFEASIBLE) ? [`${INFEASIBLE} infeasible (V = −∞)`] : []),
    ...(arrows && blocks[1]!.includes('○') ? ['○ stay'] : []),
  ];
  return { grid: sideBySide(blocks, { titles }) + (key.length > 0 ? `\n${key.join(' · ')}` : '') };
}

const KIND_MARK = { goal: 'G', absorbing: '■', cliff: '−∞' } as const;
const KIND_KEY = { goal: 'G goal (absorbing, best r)', absorbing: '■ absorbing', cliff: '−∞ cliff (r = −∞ for every a)' } as const;

/** The evidence line: the number and what kind of number it is. */
export function evidenceText(e: Evidence, digits = 4, alpha?: number): string {
  const value = Number.isFinite(e.logValue) ? e.logValue.toFixed(digits) : String(e.logValue);
  // At α = 0, exp(r/α) is 0 or ∞: log p(O) carries no number, the hard-max value does.
  if (alpha === 0 && !Number.isFinite(e.logValue)) return `${value}  (α = 0, the hard-max limit: read value)`;
  if (e.kind === 'exact') return `${value}  (exact)`;
  if (e.kind === 'lower-bound') return `${value}  (a lower bound: the ELBO)`;
  const se = e.standardError;
  return `${value}${se !== undefined ? ` ± ${se.toPrecision(2)}` : ''}  (an estimate${se !== undefined ? ' ± one standard error' : ''})`;
}

/** N, the smallest ESS, resamplings, and the lineages from t = 0 that survive (with a warning under 10 %). */
function particlesText(p: NonNullable<RunSummary['particles']>): string {
  const resampled = p.resamplings > 0 ? `, resampled ${p.resamplings} time${p.resamplings === 1 ? '' : 's'}` : '';
  const few = p.lineages < 0.1 * p.count ? ' — few: the ± may be optimistic' : '';
  return `${p.count}; smallest ESS ${p.minEss.toFixed(1)}${resampled}; ${p.lineages} lineages from t = 0 survive${few}`;
}

export function summaryText(s: RunSummary): string {
  const T = Number.isFinite(s.horizon) ? String(s.horizon) : `∞ (γ = ${s.gamma})`;
  const lines = [
    table(
      [
        ['model', s.model],
        ['engine', `${s.engine}: ${s.exactness.policy}`],
        ['size', `|S| = ${s.states ?? '∞ (simulated)'}, ${s.gaussianPolicy !== undefined ? `u ∈ ℝ^${s.actions}` : `|A| = ${s.actions}`}, T = ${T}, α = ${s.alpha}`],
        ['log p(O)', evidenceText(s.evidence, 4, s.alpha)],
        // α·log p(O) in reward units; at α = 0, where log p(O) is ±∞, the hard-max value E_{p(s_0)}[V_0].
        ['value', `${Number.isFinite(s.value) ? s.value.toFixed(4) : String(s.value)}  (α·log p(O) in reward units${s.alpha === 0 ? '; at α = 0 the hard-max value' : ''})`],
        ...(s.convergence !== undefined ? [['converged', `${s.convergence.iterations} sweeps, residual ${s.convergence.residual.toExponential(2)}`]] : []),
        ...(s.fit !== undefined
          ? [['fit', `${s.fit.steps} updates, ${s.fit.converged ? 'converged' : 'not converged (raise --steps)'}${s.fit.gap !== undefined ? `; log p(O) − ELBO = ${s.fit.gap.toFixed(4)}` : ''}`]]
          : []),
        ...(s.particles !== undefined
          ? [['particles', particlesText(s.particles)]]
          : []),
        ...(s.learning !== undefined
          ? [['learned', `${s.learning.environmentSteps} environment steps, ${s.learning.episodes} episodes; mean return of the last tenth ${s.learning.finalReturn.toFixed(3)}${s.learning.gap !== undefined ? `; log p(O) − ELBO = ${s.learning.gap.toFixed(4)}` : ''}`]]
          : []),
      ],
      { gap: 3 },
    ),
    '',
  ];
  if (s.policy !== undefined) {
    lines.push(s.policy.kind === 'policy' ? `p(a_0 | s_0 = ${show(s.policy.state)}, O):` : 'p(a_0 | O), the action marginal at t = 0:');
    lines.push(
      table(
        s.policy.actions.map((a, i) => {
          const p = s.policy!.probs[i]!;
          return ['  ' + (typeof a === 'string' ? a : show(a)), p.toFixed(3), '█'.repeat(Math.round(p * 30))];
        }),
      ),
    );
  } else if (s.gaussianPolicy !== undefined) {
    lines.push(s.gaussianPolicy);
  } else if (s.policyUnavailable !== undefined) {
    lines.push(`policy at t = 0: not available from this engine (${s.policyUnavailable})`);
  }
  if (s.grid !== undefined) lines.push('', s.grid);
  return lines.join('\n') + '\n';
}

/** JSON with non-finite numbers spelt out ("-Infinity"), since JSON has none. */
export function summaryJson(s: RunSummary): string {
  return JSON.stringify(s, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}
