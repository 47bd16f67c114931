/**
 * `expectPosteriorsClose(a, b, tolerance)`: two posteriors (or a posterior and
 * a reference) agree on every number they both define.
 *
 *   log p(O);  V_t(s), Q_t(s,a) for every t, s, a (in reward units, α times a log
 *   quantity, so with atol·max(1, α));  π_t(a|s) where V_t(s) > −∞ on both sides (and the
 *   all-zero rows where it is −∞ on both);
 *   p(s_t|O), p(s_t,a_t|O), p(a_t|O) when both have p(O) > 0.
 *
 * States and actions are matched by value, so the two sides may order them
 * differently. Every mismatch is collected, and the error lists them with a
 * label path such as `policyTable(2)[s={x:1,y:0}, a='N']` and the numbers.
 * A query the first posterior refuses with CaiError code 'unsupported-query'
 * (a particle posterior has no V or Q) is skipped and counted in the report;
 * any other error is a failure.
 *
 * `expectEstimatesWithin(estimate, exact, { effectiveSampleSize, rate })` holds a
 * sampled posterior (importance sampling, SMC) to what it can estimate: the
 * marginals p(s_t|O), p(s_t,a_t|O), p(a_t|O), each entry within the Bernstein
 * half-width of an n-sample mean (`estimateTolerance`), n the effective sample
 * size; entries where the exact p is 0 or 1 must match to `atol` (a particle of
 * positive weight only visits states of positive posterior probability).
 */
import { show } from '../errors.js';
import { keyOf } from '../dist/value-key.js';
import type { Posterior } from '../types/posterior.js';
import { posteriorTables, type PosteriorTables } from './tables.js';
import { close, describeMismatch, estimateTolerance, type Tolerance } from './tolerance.js';

/**
 * One tolerance for everything, or one for log quantities (log Z, and V, Q) and one for probabilities.
 * V and Q are in reward units, α times a log quantity: they get `values` when given, else
 * `{ rtol: log.rtol, atol: log.atol·max(1, α) }`.
 */
export type PosteriorTolerance = Tolerance | { readonly log: Tolerance; readonly prob: Tolerance; readonly values?: Tolerance };

/** Options of `expectPosteriorsClose`. */
export interface CompareOptions {
  /** Compare V_t and Q_t (default true). Off for engines that estimate the policy without values. */
  readonly values?: boolean;
  /** Compare log p(O) (default true). Off when one side is a bound and the other exact. */
  readonly evidence?: boolean;
  /** Compare the state, state-action and action marginals (default true). */
  readonly marginals?: boolean;
  /** Prefix of every failure line, e.g. the engine's name. */
  readonly label?: string;
  /** How many mismatches the message lists (default 20); all are counted. */
  readonly maxListed?: number;
}

/** What a successful comparison covered. */
export interface CompareReport {
  /** Number of individual numbers compared. */
  readonly comparisons: number;
  /** Queries skipped, with why (e.g. "marginals: p(O) = 0 on one side"). */
  readonly skipped: readonly string[];
  /** Queries the first posterior refused with code 'unsupported-query' (each one skipped, e.g. V(0), Q(0), … ). */
  readonly unsupported: number;
}

/**
 * Thrown by `expectPosteriorsClose` and `checkPosterior`: every failure listed (the first `maxListed`), all counted.
 * @example try { checkPosterior(m, post); } catch (e) { if (e instanceof PosteriorMismatchError) e.failures; }
 */
export class PosteriorMismatchError extends Error {
  readonly failures: readonly string[];
  readonly failureCount: number;
  constructor(title: string, failures: readonly string[], failureCount: number) {
    const more = failureCount > failures.length ? `\n  … and ${failureCount - failures.length} more` : '';
    super(`${title}: ${failureCount} failure${failureCount === 1 ? '' : 's'}\n  ${failures.join('\n  ')}${more}`);
    this.name = 'PosteriorMismatchError';
    this.failures = failures;
    this.failureCount = failureCount;
  }
}

/** Collects failures; keeps the first `max` texts and counts the rest. */
export class FailureList {
  readonly listed: string[] = [];
  count = 0;
  checks = 0;
  constructor(private readonly max: number) {}
  add(message: string): void {
    this.count++;
    if (this.listed.length < this.max) this.listed.push(message);
  }
  /** Count a check; record `message()` when it failed. */
  expect(ok: boolean, message: () => string): boolean {
    this.checks++;
    if (!ok) this.add(message());
    return ok;
  }
  close(actual: number, expected: number, tol: Tolerance, label: string): boolean {
    return this.expect(close(actual, expected, tol), () => describeMismatch(actual, expected, tol, label));
  }
}

function split(tolerance: PosteriorTolerance): { log: Tolerance; prob: Tolerance; values: Tolerance | undefined } {
  return 'log' in tolerance ? { log: tolerance.log, prob: tolerance.prob, values: tolerance.values } : { log: tolerance, prob: tolerance, values: undefined };
}

/** Runs a query; returns its result or the error it threw. */
function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

const isUnsupported = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'unsupported-query';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function actionMarginalOf<S, A>(p: PosteriorTables<S, A>, t: number): ArrayLike<number> {
  if (p.actionMarginal) return p.actionMarginal(t);
  const joint = p.stateActionMarginal(t);
  const nA = p.actions.length;
  const out = new Array<number>(nA).fill(0);
  for (let i = 0; i < joint.length; i++) out[i % nA] += joint[i]!;
  return out;
}

/**
 * Throws `PosteriorMismatchError` listing every number on which `actual` and `expected` differ beyond `tolerance`
 * (`|a − b| ≤ atol + rtol·|b|`, ±∞ equal to itself, NaN never); returns what was compared otherwise.
 * @example
 * expectPosteriorsClose(infer(m, exact()), bruteForce(m), { log: LOG_TOL, prob: PROB_TOL });
 * expectPosteriorsClose(postA, postB, { rtol: 1e-9, atol: 1e-9 }, { label: 'shuffled parts' });
 */
export function expectPosteriorsClose<S, A>(
  actual: Posterior<S, A> | PosteriorTables<S, A>,
  expected: Posterior<S, A> | PosteriorTables<S, A>,
  tolerance: PosteriorTolerance,
  options: CompareOptions = {},
): CompareReport {
  const a = posteriorTables(actual);
  const b = posteriorTables(expected);
  const { log, prob, values: valueTolerance } = split(tolerance);
  const prefix = options.label === undefined ? '' : `${options.label}: `;
  const failures = new FailureList(options.maxListed ?? 20);
  const skipped: string[] = [];
  const title = `${prefix}posteriors differ`;
  const stop = (why: string): never => {
    throw new PosteriorMismatchError(title, [`${prefix}${why}`], 1);
  };

  const nS = b.states.length;
  const nA = b.actions.length;
  if (a.states.length !== nS || a.actions.length !== nA) stop(`shapes differ: ${a.states.length} states × ${a.actions.length} actions vs ${nS} × ${nA}`);
  if (a.horizon !== b.horizon) stop(`horizons differ: ${a.horizon} vs ${b.horizon}`);
  if (a.hasTerminal !== b.hasTerminal) stop(`one has a terminal factor and the other not`);
  const aStates = new Map(a.states.map((v, i) => [keyOf(v), i] as const));
  const aActions = new Map(a.actions.map((v, i) => [keyOf(v), i] as const));
  const sMap = b.states.map((v) => aStates.get(keyOf(v)) ?? stop(`state ${show(v)} is missing from the first posterior`));
  const aMap = b.actions.map((v) => aActions.get(keyOf(v)) ?? stop(`action ${show(v)} is missing from the first posterior`));
  const T = b.horizon;
  const lastState = b.hasTerminal ? T : T - 1;
  const sLabel = (i: number) => `s=${show(b.states[i])}`;
  const saLabel = (i: number, k: number) => `[${sLabel(i)}, a=${show(b.actions[k])}]`;

  if (options.evidence !== false) failures.close(a.logEvidence, b.logEvidence, log, `${prefix}logEvidence`);
  // V and Q are α times log quantities: their absolute tolerance is atol·max(1, α) unless given.
  const values: Tolerance = valueTolerance ?? { rtol: log.rtol, atol: log.atol * Math.max(1, b.alpha) };

  // Values: defined whether or not p(O) > 0.
  // feasible[t] is undefined where V_t was not compared (values off, or V unsupported by the first side).
  const feasible: (boolean[] | undefined)[] = [];
  let unsupported = 0;
  const refused = (query: string, r: { ok: false; error: unknown }): boolean => {
    if (!isUnsupported(r.error)) return false;
    unsupported++;
    if (!skipped.some((x) => x.startsWith(`${query.replace(/\(.*/, '')}:`))) skipped.push(`${query.replace(/\(.*/, '')}: unsupported by the first posterior (${errorText(r.error)})`);
    return true;
  };
  for (let t = 0; t <= lastState; t++) {
    if (options.values === false) break;
    const vaTry = attempt(() => a.V(t));
    if (vaTry.ok) {
      const va = vaTry.value;
      const vb = b.V(t);
      // Rows to compare: V_t(s) finite on both sides, or −∞ on both (then both rows must be 0).
      feasible[t] = b.states.map((_, i) => (va[sMap[i]!]! > -Infinity) === (vb[i]! > -Infinity));
      for (let i = 0; i < nS; i++) failures.close(va[sMap[i]!]!, vb[i]!, values, `${prefix}V(${t})[${sLabel(i)}]`);
    } else if (!refused(`V(${t})`, vaTry)) throw vaTry.error;
    if (t === T) break;
    const qaTry = attempt(() => a.Q(t));
    if (qaTry.ok) {
      const qa = qaTry.value;
      const qb = b.Q(t);
      for (let i = 0; i < nS; i++) for (let k = 0; k < nA; k++) failures.close(qa[sMap[i]! * nA + aMap[k]!]!, qb[i * nA + k]!, values, `${prefix}Q(${t})${saLabel(i, k)}`);
    } else if (!refused(`Q(${t})`, qaTry)) throw qaTry.error;
  }

  // Policies: where both define one (V_t(s) > −∞ on both sides; rows of 0 where −∞ on both; or a row with mass on
  // both sides when values are not compared).
  for (let t = 0; t < T; t++) {
    const pa = attempt(() => a.policyTable(t));
    const pb = attempt(() => b.policyTable(t));
    if (!pa.ok && refused(`policyTable(${t})`, pa)) continue;
    if (!pa.ok || !pb.ok) {
      const side = !pa.ok ? { p: a, r: pa, name: 'first' } : { p: b, r: pb, name: 'second' };
      const error = (side.r as { error: unknown }).error;
      if (side.p.logEvidence === -Infinity) {
        if (t === 0) skipped.push(`policyTable: the ${side.name} posterior has p(O) = 0 (${errorText(error)})`);
        continue;
      }
      failures.add(`${prefix}policyTable(${t}) threw on the ${side.name} side although its logEvidence is ${side.p.logEvidence}: ${errorText(error)}`);
      continue;
    }
    for (let i = 0; i < nS; i++) {
      let both: boolean;
      const rows = feasible[t];
      if (rows === undefined) {
        let ma = 0;
        let mb = 0;
        for (let k = 0; k < nA; k++) {
          ma += pa.value[sMap[i]! * nA + aMap[k]!]!;
          mb += pb.value[i * nA + k]!;
        }
        both = ma > 0 && mb > 0;
      } else both = rows[i]!;
      if (!both) continue;
      for (let k = 0; k < nA; k++) failures.close(pa.value[sMap[i]! * nA + aMap[k]!]!, pb.value[i * nA + k]!, prob, `${prefix}policyTable(${t})${saLabel(i, k)}`);
    }
  }

  // Marginals: conditioned on O, so compared when both sides answer (a side with p(O) = 0 may refuse).
  if (options.marginals !== false) {
    const ma0 = attempt(() => a.stateMarginal(0));
    const mb0 = attempt(() => b.stateMarginal(0));
    const zero = (p: PosteriorTables<S, A>) => p.logEvidence === -Infinity;
    if (!ma0.ok && refused('stateMarginal(0)', ma0)) {
      // no table over states (e.g. a simulated state): nothing of the marginals can be compared
    } else if (!ma0.ok || !mb0.ok || zero(a) || zero(b)) {
      for (const [side, r, name] of [[a, ma0, 'first'], [b, mb0, 'second']] as const) {
        if (!r.ok && !zero(side)) failures.add(`${prefix}stateMarginal(0) threw on the ${name} side although its logEvidence is ${side.logEvidence}: ${errorText(r.error)}`);
      }
      skipped.push(`marginals: p(O) = 0 on ${zero(a) && zero(b) ? 'both sides' : 'one side'}`);
    } else {
      for (let t = 0; t <= lastState; t++) {
        const ma = a.stateMarginal(t);
        const mb = b.stateMarginal(t);
        for (let i = 0; i < nS; i++) failures.close(ma[sMap[i]!]!, mb[i]!, prob, `${prefix}stateMarginal(${t})[${sLabel(i)}]`);
        if (t === T) break;
        const ja = a.stateActionMarginal(t);
        const jb = b.stateActionMarginal(t);
        for (let i = 0; i < nS; i++) for (let k = 0; k < nA; k++) failures.close(ja[sMap[i]! * nA + aMap[k]!]!, jb[i * nA + k]!, prob, `${prefix}stateActionMarginal(${t})${saLabel(i, k)}`);
        const aa = actionMarginalOf(a, t);
        const ab = actionMarginalOf(b, t);
        for (let k = 0; k < nA; k++) failures.close(aa[aMap[k]!]!, ab[k]!, prob, `${prefix}actionMarginal(${t})[a=${show(b.actions[k])}]`);
      }
    }
  }

  if (failures.count > 0) throw new PosteriorMismatchError(title, failures.listed, failures.count);
  return { comparisons: failures.checks, skipped, unsupported };
}

/** How `expectEstimatesWithin` bounds each estimated probability. */
export interface EstimateTolerance {
  /** n in the Bernstein half-width: the effective number of independent draws behind the estimates. */
  readonly effectiveSampleSize: number;
  /** False-positive rate of ONE comparison (the caller sums them into a family-wise bound). */
  readonly rate: number;
  /** Added to every half-width: rounding (default 1e-12). */
  readonly atol?: number;
}

/** What `expectEstimatesWithin` compared. */
export interface EstimateReport extends CompareReport {
  /** Comparisons with a spread (0 < p < 1): each fails a correct estimator with probability ≤ `rate`. */
  readonly statistical: number;
}

/**
 * Throws `PosteriorMismatchError` unless every marginal of `estimate` (p(s_t|O), p(s_t,a_t|O), p(a_t|O)) lies within
 * `estimateTolerance(p, effectiveSampleSize, rate) + atol` of the exact p of `exact`. Where p is 0 or 1 the estimate
 * must equal it to `atol`: those comparisons cannot fail by chance and are not counted as statistical.
 * Marginals the estimate refuses with 'unsupported-query' (a state without a finite domain) are skipped and counted.
 * @example expectEstimatesWithin(infer(m, importance({ particles: 4000 })), bruteForce(m), { effectiveSampleSize: 1500, rate: 1e-9 })
 */
export function expectEstimatesWithin<S, A>(
  estimate: Posterior<S, A> | PosteriorTables<S, A>,
  exact: Posterior<S, A> | PosteriorTables<S, A>,
  tolerance: EstimateTolerance,
  options: Pick<CompareOptions, 'label' | 'maxListed'> = {},
): EstimateReport {
  const a = posteriorTables(estimate);
  const b = posteriorTables(exact);
  const prefix = options.label === undefined ? '' : `${options.label}: `;
  const failures = new FailureList(options.maxListed ?? 20);
  const atol = tolerance.atol ?? 1e-12;
  const n = tolerance.effectiveSampleSize;
  const title = `${prefix}estimates outside their sampling tolerance (n = ${n.toFixed(1)} effective samples, ${tolerance.rate.toExponential(2)} per comparison)`;
  const nS = b.states.length;
  const nA = b.actions.length;
  if (a.states.length !== nS || a.actions.length !== nA || a.horizon !== b.horizon || a.hasTerminal !== b.hasTerminal) {
    throw new PosteriorMismatchError(title, [`${prefix}shapes differ: ${a.states.length} × ${a.actions.length}, T = ${a.horizon} vs ${nS} × ${nA}, T = ${b.horizon}`], 1);
  }
  const aStates = new Map(a.states.map((v, i) => [keyOf(v), i] as const));
  const aActions = new Map(a.actions.map((v, i) => [keyOf(v), i] as const));
  const sMap = b.states.map((v) => aStates.get(keyOf(v)) ?? -1);
  const aMap = b.actions.map((v) => aActions.get(keyOf(v)) ?? -1);
  if (sMap.includes(-1) || aMap.includes(-1)) throw new PosteriorMismatchError(title, [`${prefix}the states or actions differ`], 1);
  const T = b.horizon;
  const lastState = b.hasTerminal ? T : T - 1;
  let statistical = 0;
  const skipped: string[] = [];
  let unsupported = 0;
  /** |p̂ − p| ≤ Bernstein half-width + atol (= atol where p ∈ {0, 1}). */
  const within = (actual: number, expected: number, label: string): void => {
    const spread = estimateTolerance(expected, n, tolerance.rate);
    if (spread > 0) statistical++;
    const allowed = spread + atol;
    failures.expect(Math.abs(actual - expected) <= allowed, () => `${label}: got ${actual}, expected ${expected} (|diff| = ${Math.abs(actual - expected)}, allowed ${allowed} for n = ${n.toFixed(1)})`);
  };
  /** Run a query of the estimate; undefined (and counted) when it is unsupported. */
  const ask = (query: string, f: () => ArrayLike<number>): ArrayLike<number> | undefined => {
    const r = attempt(f);
    if (r.ok) return r.value;
    if (!isUnsupported(r.error)) throw r.error;
    unsupported++;
    skipped.push(`${query}: unsupported (${errorText(r.error)})`);
    return undefined;
  };
  for (let t = 0; t <= lastState; t++) {
    const ma = ask(`stateMarginal(${t})`, () => a.stateMarginal(t));
    if (ma !== undefined) {
      const mb = b.stateMarginal(t);
      for (let i = 0; i < nS; i++) within(ma[sMap[i]!]!, mb[i]!, `${prefix}stateMarginal(${t})[s=${show(b.states[i])}]`);
    }
    if (t === T) break;
    const ja = ask(`stateActionMarginal(${t})`, () => a.stateActionMarginal(t));
    if (ja !== undefined) {
      const jb = b.stateActionMarginal(t);
      for (let i = 0; i < nS; i++) for (let k = 0; k < nA; k++) within(ja[sMap[i]! * nA + aMap[k]!]!, jb[i * nA + k]!, `${prefix}stateActionMarginal(${t})[s=${show(b.states[i])}, a=${show(b.actions[k])}]`);
    }
    const aa = ask(`actionMarginal(${t})`, () => actionMarginalOf(a, t));
    if (aa !== undefined) {
      const ab = actionMarginalOf(b, t);
      for (let k = 0; k < nA; k++) within(aa[aMap[k]!]!, ab[k]!, `${prefix}actionMarginal(${t})[a=${show(b.actions[k])}]`);
    }
  }
  if (failures.count > 0) throw new PosteriorMismatchError(title, failures.listed, failures.count);
  return { comparisons: failures.checks, statistical, skipped, unsupported };
}
