/**
 * Proposals q(τ) = q(s_0) Π_t q_t(a_t | s_t) k_t(s_{t+1} | s_t, a_t) for
 * importance sampling of trajectories. Each step's weight is
 *
 *   w_t = exp(γ^t r_t(s,a)/α) · p(a|s)/q_t(a|s) · p(s'|s,a)/k_t(s'|s,a)
 *
 * and w(τ) = p(s_0)/q(s_0) · Π_t w_t · exp(γ^T r_T(s_T)/α).
 *
 * - 'prior': q = p(a|s), k = p(s'|s,a), q(s_0) = p(s_0); w_t = exp(r/α).
 * - a policy (a Posterior, or a function (t, s) => distribution): q_t from it,
 *   the real dynamics; rows the policy leaves empty (states it calls
 *   infeasible) fall back to the prior, so q stays a distribution.
 * - an exact posterior (`exactness.posterior`): also the tilted kernels
 *     q(s_0) ∝ p(s_0) exp(V_0(s_0)/α),   k_t ∝ p(s'|s,a) exp(V_{t+1}(s')/α),
 *   i.e. q = p(τ | O) itself. The ratios telescope,
 *     w(τ) = Z e^{−V_0(s_0)} Π_t e^{(r_t − Q_t + V_t(s_t))} e^{(Q_t − r_t − V_{t+1}(s_{t+1}))} = Z
 *   (every exponent over α; Q_{T−1} = r_{T−1} without a terminal factor, V_T = r_T with one),
 *   so every weight equals p(O).
 *   For SMC the partial weights are twisted by ψ_t(s_t) = exp(V_t(s_t)/α), the exact
 *   look-ahead (twisted SMC; Guarniero, Johansen & Lee 2017): the weight of τ_{0:t}
 *   targets p(τ_{0:t}) Π_{k<t} e^{r_k/α} ψ_t(s_t), so every partial weight is Z too, ESS = N at
 *   every step and no resampling is triggered. The twists cancel in the final weight.
 */
import { isDistribution, type Categorical } from '../../dist/categorical.js';
import type { Rng } from '../../dist/rng.js';
import { CaiError, fail, show, thrownText } from '../../errors.js';
import { keyOf } from '../../dist/value-key.js';
import { TransitionKernel } from '../../posterior/kernel.js';
import type { EngineInput } from '../../types/engine.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Posterior } from '../../types/posterior.js';
import type { CompiledModel, Simulator } from '../../types/simulator.js';
import { MAX_SUPPORT_BYTES, SupportCheck } from './support.js';

/** A user proposal: the distribution of a_t at state s. It must give mass wherever p(a|s) exp(r) can lead to p(τ|O) > 0. */
export type ProposalFunction<S, A> = (t: number, s: S) => Categorical<A>;

/** What `importance({ proposal })` accepts. */
export type Proposal<S = unknown, A = unknown> = 'prior' | Posterior<S, A, EngineInput> | ProposalFunction<S, A>;

/** A proposal bound to one run: rows of q_t(· | s) and, for an exact posterior, tilted kernels. */
export interface BoundProposal {
  /** Shown in the posterior's exactness notes. */
  readonly description: string;
  /** q = p(a|s): the action ratio is 1 and is not computed. */
  readonly isPrior: boolean;
  /** Set by `row`: the array holding q_t(· | s) from `row`'s returned offset. */
  table: Float64Array;
  /** Called once per step before any `row(t, …)`. */
  begin(t: number): void;
  /** q_t(· | x) is `table[offset … offset + nA)`; returns the offset. */
  row(t: number, x: unknown): number;
  /** Tilted initial state and dynamics (exact-posterior proposals on tables), else undefined. */
  readonly tilt: TiltedKernels | undefined;
  /** How far q's support was checked against the target's (support.ts), for the exactness notes. */
  readonly supportNote?: string;
}

/**
 * Draws from q(s_0) and k_t, leaving log p/q of the draw in `logRatio`, and the twist
 * log ψ_t(s) = V_t(s)/α of the partial weights (see the file header).
 */
export interface TiltedKernels {
  logRatio: number;
  /** s_0 ~ q(s_0); logRatio = log p(s_0) − log q(s_0) + log ψ_0(s_0). */
  initial(random: Rng): number;
  /** s' ~ k_t(· | s, a); logRatio = log p(s'|s,a) − log k_t(s'|s,a). */
  step(t: number, s: number, a: number, random: Rng): number;
  /** log ψ_t(s) = V_t(s)/α. */
  twist(t: number, s: number): number;
}

/** Rows of the action prior p(· | x): `table[row(x) … row(x) + nA)`. */
export interface PriorRows {
  table: Float64Array;
  row(x: unknown): number;
}

/** p(a | s) rows: read in place from a tabulated graph's prior table, or written by the simulator into a buffer. */
export function priorRows(graph: CompiledModel, sim: Simulator<unknown>): PriorRows {
  const nA = sim.nA;
  if (graph.kind === 'factor-graph') {
    const table = graph.prior;
    return { table, row: (x) => (x as number) * nA };
  }
  const buffer = new Float64Array(nA);
  return {
    table: buffer,
    row(x) {
      sim.prior(x, buffer);
      return 0;
    },
  };
}

/** Bind `proposal` to a run on `graph` with `decisions` steps. */
export function bindProposal(proposal: Proposal, graph: CompiledModel, sim: Simulator<unknown>, decisions: number, terminal = false): BoundProposal {
  const nA = sim.nA;
  const support = () => (graph.kind === 'factor-graph' && (decisions + 1) * graph.nS <= MAX_SUPPORT_BYTES ? new SupportCheck(graph, decisions, terminal) : undefined);
  const buffer = new Float64Array(nA);
  if (proposal === 'prior') {
    const prior = priorRows(graph, sim);
    return {
      description: 'the prior: p(a|s) and the dynamics',
      isPrior: true,
      table: prior.table,
      begin: () => undefined,
      row: (_t, x) => prior.row(x),
      tilt: undefined,
    };
  }
  if (typeof proposal === 'function') return functionProposal(proposal, sim, buffer, support());
  if (isPosterior(proposal)) {
    const other = proposal.graph;
    // Rows are shared by index only when both graphs list the same states and actions in the same order.
    const tabular = graph.kind === 'factor-graph' && other.kind === 'factor-graph' && sameValues(other.states.values, graph.states.values) && sameValues(other.actions.values, graph.actions.values);
    if (tabular) return tableProposal(proposal as Posterior<unknown, unknown, EngineInput>, graph, other, sim, decisions, buffer, support);
    return functionProposal((t, s) => otherModelPolicy(proposal, t, s), sim, buffer, support(), `the policy of the ${proposal.engine} posterior`);
  }
  return fail({
    code: 'option-invalid',
    part: 'importance()',
    message: `importance(): proposal must be 'prior', a Posterior (e.g. infer(model, exact())) or a function (t, s) => distribution over actions, got ${show(proposal)}`,
  });
}

/** Same values at the same indices (compared by content). */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => keyOf(v) === keyOf(b[i]));
}

/** π_t(· | s) of a proposal posterior, which may come from another model: a state it does not know is named as such. */
function otherModelPolicy(post: Posterior<unknown, unknown, EngineInput>, t: number, s: unknown): unknown {
  try {
    return post.policy(t, s);
  } catch (error) {
    if (error instanceof CaiError && error.code === 'unknown-state') {
      fail({ code: 'option-invalid', part: 'importance()', t, state: s, message: `importance(): the proposal posterior (${post.engine}) belongs to another model — s=${show(s)}, a state this model reaches at t=${t}, is not one of its states; give a posterior of this model (or of one with the same states and actions)` }, error);
    }
    throw error;
  }
}

function isPosterior(x: unknown): x is Posterior<unknown, unknown, EngineInput> {
  return typeof x === 'object' && x !== null && typeof (x as { policy?: unknown }).policy === 'function' && typeof (x as { engine?: unknown }).engine === 'string';
}

/** q_t(· | s) from a function returning a distribution over action values (any state representation). */
function functionProposal(f: (t: number, s: unknown) => unknown, sim: Simulator<unknown>, buffer: Float64Array, support: SupportCheck | undefined, description = 'a user policy'): BoundProposal {
  const { actions } = sim;
  const bound: BoundProposal = {
    description: `${description}, with the model's dynamics`,
    supportNote:
      support !== undefined
        ? `The proposal is a function: its support was checked against the target's (q(a|s) > 0 wherever p(a|s) > 0, r > −∞ and a feasible future exists) at every (t, s) the particles visited; a zero at a state no particle reached cannot show.`
        : `The proposal is a function on a model without tables (or with more (t, s) pairs than the check holds): whether it gives mass wherever the target does cannot be checked. A zero where p(a|s) > 0 and a feasible future exists is never drawn, and Ẑ and every estimate are then biased (Ẑ low) without a sign in the weights.`,
    isPrior: false,
    table: buffer,
    begin: () => undefined,
    row(t, x) {
      const s = sim.value(x);
      let dist: unknown;
      try {
        dist = f(t, s);
      } catch (error) {
        if (error instanceof CaiError) throw error;
        fail({ code: 'function-threw', part: 'importance()', t, state: s, message: `importance(): the proposal threw at t=${t}, s=${show(s)}: ${thrownText(error)}` }, error);
      }
      const where = `importance(): the proposal at t=${t}, s=${show(s)}`;
      if (!isDistribution(dist)) fail({ code: 'option-invalid', part: 'importance()', t, state: s, message: `${where} returned ${show(dist)}; return categorical([[action, p], …])` });
      buffer.fill(0);
      let sum = 0;
      for (let k = 0; k < dist.support.length; k++) {
        const p = dist.probs[k]!;
        if (!(p >= 0) || p === Infinity) fail({ code: 'probability-invalid', part: 'importance()', t, state: s, message: `${where} gives probability ${show(p)} to ${show(dist.support[k])}; probabilities must be finite and ≥ 0` });
        if (p === 0) continue;
        const a = actions.indexOf(dist.support[k]);
        if (a < 0) fail({ code: 'unknown-action', part: 'importance()', t, state: s, action: dist.support[k], message: `${where} gives mass to ${show(dist.support[k])}, which is not an action of the model` });
        buffer[a] = buffer[a]! + p;
        sum += p;
      }
      if (Math.abs(sum - 1) > 1e-9) fail({ code: 'probability-unnormalised', part: 'importance()', t, state: s, message: `${where} sums to ${sum}; expected 1 ± 1e-9` });
      support?.row(t, x as number, buffer, 0, description);
      return 0;
    },
    tilt: undefined,
  };
  return bound;
}

/**
 * A tabular posterior as proposal: π_t rows by state index from `policyTable(t)` (one table per
 * step, fetched in `begin`), and for an exact posterior the kernels tilted by its V.
 */
function tableProposal(
  post: Posterior<unknown, unknown, EngineInput>,
  graph: FactorGraph,
  other: FactorGraph,
  sim: Simulator<unknown>,
  decisions: number,
  buffer: Float64Array,
  makeSupport: () => SupportCheck | undefined,
): BoundProposal {
  const nA = graph.nA;
  let policy: Float64Array = new Float64Array(0);
  const exactPosterior = post.exactness.posterior && post.horizon === decisions && graph.alpha > 0;
  // The exact posterior of these very tables has the target's own zeros; any other policy table
  // (another engine's, or another model's of the same size) is checked row by row, each step.
  const support = exactPosterior && sameTables(graph, other) ? undefined : makeSupport();
  const bound: BoundProposal = {
    description: exactPosterior
      ? `the ${post.engine} posterior p(τ | O): its policy, p(s_0 | O) and the dynamics tilted by exp(V_{t+1}/α)`
      : `the policy of the ${post.engine} posterior, with the model's dynamics`,
    isPrior: false,
    table: policy,
    begin(t) {
      policy = post.policyTable(t);
      if (support === undefined) return;
      for (let s = 0; s < graph.nS; s++) {
        let sum = 0;
        for (let a = 0; a < nA; a++) sum += policy[s * nA + a]!;
        if (sum > 0) support.row(t, s, policy, s * nA, `the policy of the ${post.engine} posterior`);
      }
    },
    row(_t, x) {
      bound.table = policy;
      const s = x as number;
      const offset = s * nA;
      let sum = 0;
      for (let a = 0; a < nA; a++) sum += policy[offset + a]!;
      if (sum > 0) return offset;
      // The policy has no row here (it calls s infeasible): q falls back to the prior so it stays a distribution.
      sim.prior(s, buffer);
      bound.table = buffer;
      return 0;
    },
    tilt: exactPosterior ? tiltedKernels(post, graph, other.horizon) : undefined,
    supportNote: support !== undefined ? `The proposal's policy table was checked against the target's support at every t and s: it gives mass wherever p(τ|O) does.` : undefined,
  };
  return bound;
}

/** q(s_0) ∝ p(s_0) e^{V_0/α} and k_t ∝ p(s'|s,a) e^{V_{t+1}(s')/α}, with log p/q of each draw. */
function tiltedKernels(post: Posterior<unknown, unknown, EngineInput>, graph: FactorGraph, horizon: number): TiltedKernels {
  const { nS, nA, alpha, dynamics } = graph;
  const kernel = new TransitionKernel(dynamics, alpha);
  const v0 = post.V(0);
  // log q(s_0) = log p(s_0) + V_0(s_0)/α − log Σ_s p(s) e^{V_0(s)/α}
  const logQ0 = new Float64Array(nS);
  let m = -Infinity;
  for (let s = 0; s < nS; s++) {
    logQ0[s] = graph.initial[s]! > 0 ? Math.log(graph.initial[s]!) + v0[s]! / alpha : -Infinity;
    if (logQ0[s]! > m) m = logQ0[s]!;
  }
  if (m === -Infinity) {
    fail({ code: 'weights-all-zero', part: 'importance()', message: `importance(): the proposal posterior (${post.engine}) has p(O) = 0 — every trajectory meets a −Infinity reward, so every importance weight would be 0. Relax a hard constraint or change the initial state` });
  }
  let total = 0;
  for (let s = 0; s < nS; s++) total += Math.exp(logQ0[s]! - m);
  const lse = m + Math.log(total);
  const cumulative = new Float64Array(nS);
  let acc = 0;
  let lastPositive = 0;
  for (let s = 0; s < nS; s++) {
    logQ0[s] = logQ0[s]! - lse;
    cumulative[s] = acc += Math.exp(logQ0[s]!);
    if (logQ0[s]! > -Infinity) lastPositive = s;
  }
  // V_t for the two steps in use (V(t) copies, so each is fetched once per step).
  const cache: { t: number; v: Float64Array }[] = [{ t: 0, v: v0 }];
  const values = (t: number): Float64Array => {
    for (const c of cache) if (c.t === t) return c.v;
    const v = post.V(Math.min(t, horizon));
    if (cache.length >= 2) cache.shift();
    cache.push({ t, v });
    return v;
  };
  const kernels: TiltedKernels = {
    logRatio: 0,
    initial(random) {
      const u = random.next() * acc;
      let s = 0;
      while (s < lastPositive && (cumulative[s]! <= u || logQ0[s] === -Infinity)) s++;
      kernels.logRatio = Math.log(graph.initial[s]!) - logQ0[s]! + v0[s]! / alpha;
      return s;
    },
    twist: (t, s) => values(t)[s]! / alpha,
    step(t, s, a, random) {
      const tilt = values(t + 1);
      const row = s * nA + a;
      const start = dynamics.rowStart[row]!;
      const count = kernel.row(row, tilt);
      let u = random.next();
      let k = 0;
      let last = 0;
      for (; k < count; k++) {
        if (!(kernel.values[k]! > 0)) continue;
        last = k;
        u -= kernel.values[k]!;
        if (u < 0) break;
      }
      if (k === count) k = last;
      // log p(s'|s,a) − log k_t(s'|s,a), the second in log space (no underflow for tiny tilts).
      kernel.logRow(row, tilt);
      kernels.logRatio = Math.log(dynamics.prob[start + k]!) - kernel.logValues[k]!;
      return dynamics.next[start + k]!;
    },
  };
  return kernels;
}

/** Whether two factor graphs have the same numbers (a proposal posterior of this very model). */
function sameTables(a: FactorGraph, b: FactorGraph): boolean {
  if (a === b) return true;
  const equal = (x: ArrayLike<number> | undefined, y: ArrayLike<number> | undefined) => {
    if (x === undefined || y === undefined) return x === y;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  };
  return (
    a.alpha === b.alpha &&
    a.horizon === b.horizon &&
    a.gamma === b.gamma &&
    equal(a.reward, b.reward) &&
    equal(a.prior, b.prior) &&
    equal(a.initial, b.initial) &&
    equal(a.terminal, b.terminal) &&
    equal(a.dynamics.rowStart, b.dynamics.rowStart) &&
    equal(a.dynamics.next, b.dynamics.next) &&
    equal(a.dynamics.prob, b.dynamics.prob)
  );
}
