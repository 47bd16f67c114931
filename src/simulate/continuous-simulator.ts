/**
 * `compileContinuous(model)`: the simulator of a model with a continuous
 * action u ∈ ℝ^d (`action.continuous`). The model's own functions are called
 * along each sampled trajectory with u as a Float64Array of length d, every
 * returned value checked as it is used (as for a finite action, see
 * model-simulator.ts):
 *
 *   s_0 ~ p(s_0);   r(s_t, u_t, t) summed over the optimality parts;   s_{t+1} ~ p(· | s_t, u_t)
 *
 * A linear-Gaussian model (linearGaussian + quadratic, finite horizon) is also
 * read as matrices (`linear`), so engines can differentiate it in u.
 */
import type { Rng } from '../dist/rng.js';
import { setField } from '../dist/value-key.js';
import { CaiError, fail, show } from '../errors.js';
import { indexDomain } from '../compile/domain.js';
import { requireModel } from '../compile/arguments.js';
import type { ContinuousSimulator, ContinuousSimulatorGraph } from '../types/continuous.js';
import type { LinearGaussianGraph } from '../types/gaussian.js';
import type { ContinuousActionPart, Model, OptimalityPart, TerminalPart, TransitionPart } from '../types/model.js';
import { draw } from './draw.js';
import { badReward, stepVariable, terminalReward, threw, type AnyState, type Variable } from './model-simulator.js';

/**
 * @example const sim = compileContinuous(pendulum).simulator; let x = sim.initial(random); x = sim.step(x, Float64Array.of(0.5), random);
 */
export function compileContinuous<S>(m: Model<S, unknown>): ContinuousSimulatorGraph<S> {
  requireModel('compileContinuous()', m);
  const parts = m.parts;
  const act = parts.find((p): p is ContinuousActionPart => p.kind === 'continuous-action');
  if (act === undefined) {
    fail({ code: 'option-invalid', part: 'compileContinuous()', message: 'compileContinuous(): the model has no action.continuous(...) part; expected a model with a continuous action (use compileModel() for a finite action)' });
  }
  const declared = parts.filter((p): p is AnyState => p.kind === 'state' || p.kind === 'simulated-state');
  const transitions = parts.filter((p): p is TransitionPart => p.kind === 'transition');
  const rewards = parts.filter((p): p is OptimalityPart => p.kind === 'optimality');
  const terminals = parts.filter((p): p is TerminalPart => p.kind === 'terminal');
  const horizon = parts.find((p) => p.kind === 'horizon')?.steps ?? Infinity;
  const gamma = parts.find((p) => p.kind === 'discount')?.gamma ?? 1;
  const alpha = parts.find((p) => p.kind === 'temperature')?.alpha ?? 1;
  const factored = declared.length > 1;
  const d = act.dimension;

  const variables: Variable[] = declared.map((part) => {
    const domain = part.kind === 'state' ? indexDomain(part.name, part.domain) : undefined;
    const transition = factored ? transitions.find((t) => t.variable === part.name)! : transitions[0]!;
    const where = factored ? `transition('${part.name}')` : 'transition';
    const site = {
      part: where,
      state: undefined as unknown,
      action: undefined as unknown,
      t: undefined as number | undefined,
      label: () => `p(·|s=${show(site.state)}, u=${show(site.action)})`,
    };
    return { part, domain, transition, site };
  });
  const initialOf = (v: Variable, random: Rng): unknown => {
    const part = v.part;
    if (part.initial === undefined) return v.domain!.values[Math.floor(random.next() * v.domain!.size)];
    const where = part.kind === 'state' ? `state('${part.name}')` : `state.simulated('${part.name}')`;
    return draw(part.initial, random, { part: where, label: () => 'the initial distribution' }, v.domain, true);
  };
  const where = `action.continuous('${act.name}')`;
  // u as the user's functions see it: a Float64Array of length d with finite entries (a NaN means a diverged policy).
  const checkAction = (u: Float64Array): void => {
    if (!(u instanceof Float64Array) || u.length !== d) {
      fail({ code: 'gaussian-invalid', part: where, message: `${where}: an action ${show(u instanceof Float64Array ? Array.from(u) : u)} was simulated; expected a Float64Array of length ${d}` });
    }
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(u[i]!)) fail({ code: 'gaussian-invalid', part: where, message: `${where}: an action ${show(Array.from(u))} was simulated; expected finite numbers (the policy diverged — lower the learning rate)` });
    }
  };
  const bounds = act.bounds === undefined ? undefined : { low: Float64Array.from(act.bounds.low), high: Float64Array.from(act.bounds.high) };
  const logPrior = priorDensity(act);

  const simulator: ContinuousSimulator<unknown> = {
    actionName: act.name,
    dimension: d,
    bounds,
    prior: act.prior,
    horizon,
    gamma,
    alpha,
    hasTerminal: terminals.length > 0,
    initial: (random) => {
      if (!factored) return initialOf(variables[0]!, random);
      const record: Record<string, unknown> = {};
      for (const v of variables) setField(record, v.part.name, initialOf(v, random));
      return record;
    },
    reward: (s, u, t) => {
      checkAction(u);
      let total = 0;
      for (const part of rewards) {
        let r: number;
        try {
          r = part.reward(s, u, t);
        } catch (error) {
          return threw('optimality', () => `r(s=${show(s)}, u=${show(Array.from(u))}, t=${t})`, { state: s, action: u, t }, error);
        }
        if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) badReward('optimality', `r(s=${show(s)}, u=${show(Array.from(u))}, t=${t})`, r, { state: s, action: u, t });
        total += r;
      }
      return total;
    },
    terminal: (s) => terminalReward(terminals, s),
    step: (s, u, random) => {
      checkAction(u);
      if (!factored) return stepVariable(variables[0]!, s, u, random);
      const record: Record<string, unknown> = {};
      for (const v of variables) setField(record, v.part.name, stepVariable(v, s, u, random));
      return record;
    },
    logPrior,
  };
  return Object.freeze({ kind: 'continuous-simulator' as const, horizon, gamma, alpha, simulator: simulator as ContinuousSimulator<S>, linear: linearOf(m) });
}

/** log p(u): 0 for Lebesgue measure (on ℝ^d or on the box), log N(u; μ, Σ) for a Gaussian prior. */
function priorDensity(act: ContinuousActionPart): (u: Float64Array) => number {
  if (act.prior.kind === 'lebesgue') return () => 0;
  const d = act.dimension;
  const mean = act.prior.mean;
  // Σ = L Lᵀ once; log N = −½|L⁻¹(u − μ)|² − Σ log L_ii − (d/2) log 2π.
  const L = new Float64Array(d * d);
  const S = act.prior.covariance;
  for (let j = 0; j < d; j++) {
    let s = S[j]![j]!;
    for (let k = 0; k < j; k++) s -= L[j * d + k]! ** 2;
    if (!(s > 0)) fail({ code: 'gaussian-invalid', part: `action.continuous('${act.name}')`, message: `action.continuous('${act.name}'): the prior covariance is singular; expected a positive definite covariance (a Gaussian prior with a density)` });
    L[j * d + j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = S[i]![j]!;
      for (let k = 0; k < j; k++) t -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = t / L[j * d + j]!;
    }
  }
  let logNorm = -0.5 * d * Math.log(2 * Math.PI);
  for (let i = 0; i < d; i++) logNorm -= Math.log(L[i * d + i]!);
  const z = new Float64Array(d);
  return (u) => {
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = u[i]! - mean[i]!;
      for (let k = 0; k < i; k++) s -= L[i * d + k]! * z[k]!;
      z[i] = s / L[i * d + i]!;
      q += z[i]! ** 2;
    }
    return logNorm - 0.5 * q;
  };
}

/** The model as matrices when it is linear-Gaussian, else undefined (the refusal of exact() is not an error here). */
function linearOf(m: Model<unknown, unknown>): LinearGaussianGraph | undefined {
  const transition = m.parts.find((p) => p.kind === 'transition');
  if (transition?.kind !== 'transition' || transition.compileGaussian === undefined) return undefined;
  try {
    return transition.compileGaussian(m);
  } catch (error) {
    if (error instanceof CaiError && error.code === 'continuous-action') return undefined;
    throw error;
  }
}
