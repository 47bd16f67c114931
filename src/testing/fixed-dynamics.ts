/**
 * An independent reference for the fixed-dynamics (structured variational)
 * posterior: the backward recursion written out on plain arrays,
 *
 *   Q_t(s,a) = r_t(s,a) + Σ_{s'} p(s'|s,a) V_{t+1}(s')           (V_T = r_T, or no tail)
 *   V_t(s)   = α log Σ_a p(a|s) exp(Q_t(s,a)/α)
 *   q(a|s)   = p(a|s) exp((Q_t(s,a) − V_t(s))/α)
 *   q(s_0) = p(s_0),   q(s_{t+1}) = Σ_{s,a} q(s_t) q(a|s) p(s'|s,a)
 *   ELBO     = E_{p(s_0)}[V_0(s_0)] / α  ≤ log p(O)
 *
 * It reads the model through `tabulate` (no compiler, no engine), so it can
 * check `exact({ backup: 'fixed-dynamics' })` — or any engine that claims the
 * same optimum — without sharing code with it (docs/reliability.md, promise 19).
 */
import type { Model } from '../types/model.js';
import { tabulate, type BruteForceTables } from './brute-force.js';
import type { PosteriorTables } from './tables.js';
import { keyOf } from '../dist/value-key.js';

/** The fixed-dynamics optimum of a finite-horizon model, as tables (indexed like `states`, `actions`). */
export interface FixedDynamicsReference<S, A> extends PosteriorTables<S, A> {
  readonly evidenceKind: 'lower-bound';
  /** The ELBO E_{p(s_0)}[V_0]/α (−Infinity when p(s_0) meets a state with V_0 = −∞). */
  readonly elbo: number;
  readonly logEvidence: number;
  readonly tables: BruteForceTables;
  /** Index of a state value in `states` (by content), −1 if absent. */
  stateIndex(s: S): number;
  V(t: number): number[];
  Q(t: number): number[];
  policyTable(t: number): number[];
  /** q(s_t); throws when the ELBO is −∞ (q is undefined). */
  stateMarginal(t: number): number[];
  stateActionMarginal(t: number): number[];
  actionMarginal(t: number): number[];
}

function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * The fixed-dynamics recursion Q = r + E[V'], its policy, forward marginals and ELBO, by plain loops.
 * @example
 * const ref = fixedDynamicsReference(m);
 * expectPosteriorsClose(infer(m, exact({ backup: 'fixed-dynamics' })), ref, { log: LOG_TOL, prob: PROB_TOL });
 */
export function fixedDynamicsReference<S, A>(m: Model<S, A>): FixedDynamicsReference<S, A> {
  const { states, actions, tables } = tabulate(m);
  const { nS, nA, T, alpha, prior, dynamics, reward, terminal, initial } = tables;
  const V: number[][] = new Array<number[]>(T + 1);
  const Q: number[][] = new Array<number[]>(T);
  if (terminal !== undefined) V[T] = [...terminal];
  for (let t = T - 1; t >= 0; t--) {
    const next = t === T - 1 ? (terminal === undefined ? undefined : V[T]) : V[t + 1];
    const q = new Array<number>(nS * nA);
    const v = new Array<number>(nS);
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        let value = reward[t]![s]![a]!;
        if (next !== undefined && value > -Infinity) {
          let expected = 0;
          for (const { next: s2, p } of dynamics[s]![a]!) expected += p * next[s2]!;
          value = expected === -Infinity ? -Infinity : value + expected;
        }
        q[s * nA + a] = value;
      }
      const logs: number[] = [];
      for (let a = 0; a < nA; a++) logs.push(prior[s]![a]! > 0 ? Math.log(prior[s]![a]!) + q[s * nA + a]! / alpha : -Infinity);
      v[s] = alpha * logSumExp(logs);
    }
    Q[t] = q;
    V[t] = v;
  }
  let elbo = 0;
  for (let s = 0; s < nS; s++) if (initial[s]! > 0) elbo += (initial[s]! * V[0]![s]!) / alpha;

  const policy: number[][] = [];
  for (let t = 0; t < T; t++) {
    const table = new Array<number>(nS * nA).fill(0);
    for (let s = 0; s < nS; s++) {
      const v = V[t]![s]!;
      if (v === -Infinity) continue;
      for (let a = 0; a < nA; a++) {
        const p = prior[s]![a]!;
        table[s * nA + a] = p > 0 ? p * Math.exp((Q[t]![s * nA + a]! - v) / alpha) : 0;
      }
    }
    policy.push(table);
  }
  // q(s_{t+1}) = Σ_{s,a} q(s_t) π_t(a|s) p(s'|s,a), from q(s_0) = p(s_0).
  const lastState = terminal === undefined ? T - 1 : T;
  const marginals: number[][] = [[...initial]];
  for (let t = 0; t < lastState; t++) {
    const out = new Array<number>(nS).fill(0);
    for (let s = 0; s < nS; s++) {
      const mass = marginals[t]![s]!;
      if (mass === 0) continue;
      for (let a = 0; a < nA; a++) {
        const pi = policy[t]![s * nA + a]!;
        if (pi === 0) continue;
        for (const { next, p } of dynamics[s]![a]!) out[next] = out[next]! + mass * pi * p;
      }
    }
    marginals.push(out);
  }
  const index = new Map(states.map((v, i) => [keyOf(v), i] as const));
  const checkT = (t: number, last: number, where: string): void => {
    if (!Number.isInteger(t) || t < 0 || t > last) throw new Error(`fixedDynamicsReference.${where}: t = ${t} outside 0 … ${last}`);
  };
  const requireElbo = (where: string): void => {
    if (elbo === -Infinity) throw new Error(`fixedDynamicsReference.${where}: the ELBO is −Infinity (p(s_0) meets a state with V_0 = −Infinity); q(τ) is undefined`);
  };
  const joint = (t: number): number[] => {
    const out = new Array<number>(nS * nA).fill(0);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) out[s * nA + a] = marginals[t]![s]! * policy[t]![s * nA + a]!;
    return out;
  };

  return Object.freeze({
    states,
    actions,
    horizon: T,
    alpha,
    hasTerminal: terminal !== undefined,
    tables,
    elbo,
    logEvidence: elbo,
    evidenceKind: 'lower-bound' as const,
    stateIndex: (s: S) => index.get(keyOf(s)) ?? -1,
    V(t: number): number[] {
      checkT(t, terminal === undefined ? T - 1 : T, 'V');
      return [...V[t]!];
    },
    Q(t: number): number[] {
      checkT(t, T - 1, 'Q');
      return [...Q[t]!];
    },
    policyTable(t: number): number[] {
      checkT(t, T - 1, 'policyTable');
      return [...policy[t]!];
    },
    stateMarginal(t: number): number[] {
      checkT(t, lastState, 'stateMarginal');
      requireElbo('stateMarginal');
      return [...marginals[t]!];
    },
    stateActionMarginal(t: number): number[] {
      checkT(t, T - 1, 'stateActionMarginal');
      requireElbo('stateActionMarginal');
      return joint(t);
    },
    actionMarginal(t: number): number[] {
      checkT(t, T - 1, 'actionMarginal');
      requireElbo('actionMarginal');
      const j = joint(t);
      const out = new Array<number>(nA).fill(0);
      for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) out[a] += j[s * nA + a]!;
      return out;
    },
  });
}
