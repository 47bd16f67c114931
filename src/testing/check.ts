/**
 * `checkPosterior(model, posterior)`: the laws any finite-horizon posterior
 * must obey, checked against the model's own functions (read through
 * `tabulate`, not the compiler) and, optionally, an exact reference.
 *
 * With m_t = p(s_t | O), π_t = the posterior policy, K_t the transition kernel
 * (the dynamics tilted by exp(V_{t+1}/α) for the exact posterior, the dynamics
 * themselves for the fixed-dynamics / variational one):
 *
 *   finite      no NaN anywhere; no +Infinity in V, Q; log p(O) not NaN
 *   Bellman     Q_t(s,a) = r_t(s,a) + α log Σ_{s'} p(s'|s,a) e^{V_{t+1}(s')/α}   (posterior)
 *                         r_t(s,a) + Σ_{s'} p(s'|s,a) V_{t+1}(s')                 (fixed-dynamics)
 *               V_t(s)   = α log Σ_a p(a|s) e^{Q_t(s,a)/α}   (max over allowed a at α = 0)
 *               π_t(a|s) = p(a|s) e^{(Q_t(s,a) − V_t(s))/α}; rows with V_t(s) = −∞ are 0
 *   normalised  Σ_a π_t(a|s) = 1 where V_t(s) > −∞;  Σ_s m_t(s) = 1;  Σ p(s_t, a_t|O) = 1
 *   Bayes       p(s_t, a_t | O) = m_t(s) π_t(a|s);  p(a_t|O) = Σ_s p(s_t, a_t|O)
 *               m_0 ∝ p(s_0) e^{V_0/α} (posterior) or p(s_0) (fixed);  m_{t+1} = Σ m_t π_t K_t
 *               m_t(s) > 0 only where V_t(s) > −∞
 *   evidence    exact:        log p(O) = log Σ_s p(s_0) e^{V_0(s)/α}
 *               lower bound:  log p(O) ≥ ELBO = E_{p(s_0)}[V_0]/α = ELBO(π) (fixed-dynamics)
 *               always:       ELBO(π) = Σ_t E_q[r/α + log p(a|s) − log π(a|s)] ≤ log p(O),
 *                             q = p(s_0) Π π p(s'|s,a) (the posterior's policy run on the real dynamics)
 *   feasible    V_t(s) = −∞ exactly where no continuation avoids the −Infinity rewards
 *               (plain reachability over the hard constraints: no silent −Infinity from
 *               underflow, no finite value where the constraints forbid one); p(O) = 0
 *               exactly when the initial distribution allows no such start
 *   reference   log p(O) equals (exact) or is ≤ (lower bound) the reference log Z;
 *               with a brute-force reference, V_t(s) = −∞ also agrees with enumeration
 *   refusal     when log p(O) = −∞, queries conditioned on O throw code 'infeasible'
 *   samples     (optional) s_t frequencies of posterior samples against m_t by χ²,
 *               Bonferroni over t at the stated false-positive rate
 *
 * Bellman checks compare the posterior with itself (its own V_{t+1} and Q_t),
 * so they hold to rounding at any scale; tolerances are relative to the
 * magnitude of the terms summed.
 *
 * Engines without values (a particle posterior throws CaiError 'unsupported-query'
 * for V and Q) are checked with backup 'none' and never asked for V or Q: the
 * value laws are skipped (and said so in `notes`); what stays is finiteness,
 * normalisation (a policy row sums to 1 or, at a state no particle visits, is
 * all 0), Bayes (p(s_t,a_t|O) = m_t(s) π_t(a|s), p(a_t|O) = Σ_s p(s_t,a_t|O)), the
 * prior's zeros, and, with a brute-force reference, that mass sits only where a
 * continuation avoiding every −Infinity reward exists. Asking for V or Q with
 * backup 'posterior' or 'fixed-dynamics' of such an engine is a failure.
 */
import { show } from '../errors.js';
import type { Model } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';
import { bruteForce, tabulate, type BruteForce } from './brute-force.js';
import { chiSquare } from './chi-square.js';
import { FailureList, PosteriorMismatchError } from './compare.js';
import { LOG_TOL, PROB_TOL, type Tolerance } from './tolerance.js';

/** Options of `checkPosterior`. */
export interface CheckPosteriorOptions<S = unknown, A = unknown> {
  /** Log quantities (default LOG_TOL: 1e-10) and probabilities (default PROB_TOL: atol 1e-12). */
  readonly tolerance?: { readonly log?: Tolerance; readonly prob?: Tolerance };
  /**
   * The exact log p(O) as a number, a `bruteForce(model)` result (which also gives feasibility of
   * every (t, s)), or 'brute-force' to enumerate the model here (tiny models only).
   */
  readonly reference?: number | BruteForce<S, A> | 'brute-force';
  /**
   * The recursion Q, V and the transition kernel follow: 'posterior' (exact, tilted kernel),
   * 'fixed-dynamics' (Q = r + E[V], the dynamics as kernel), or 'none' to skip the Bellman and
   * propagation checks (engines without exact values). Default: 'posterior' when
   * `posterior.exactness.posterior`, else 'fixed-dynamics'.
   */
  readonly backup?: 'posterior' | 'fixed-dynamics' | 'none';
  /** Also draw `n` samples and test the s_t frequencies against p(s_t|O) by χ² at this false-positive rate (for all t together). */
  readonly samples?: { readonly n: number; readonly seed: number | string; readonly falsePositiveRate: number };
  /** Throw `PosteriorMismatchError` on failure (default true); false returns the report. */
  readonly throwOnFailure?: boolean;
  /** How many failures the message lists (default 20); all are counted. */
  readonly maxListed?: number;
}

/** What `checkPosterior` did and found. */
export interface PosteriorCheckReport {
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly failureCount: number;
  /** Number of individual checks made. */
  readonly checks: number;
  /** Checks skipped and why. */
  readonly notes: readonly string[];
  /** Queries the posterior refused with 'unsupported-query' (V(0), Q(0) of an engine without values); their laws were skipped. */
  readonly unsupported: number;
  /** ELBO of the posterior's policy on the real dynamics (undefined at α = 0 or when the policy is undefined). */
  readonly elbo: number | undefined;
}

function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);
const firstLine = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

/** |a − e| ≤ atol + rtol·max(|e|, scale): tolerance relative to the terms that were summed. */
function closeScaled(actual: number, expected: number, tol: Tolerance, scale: number): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return false;
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.max(Math.abs(expected), scale);
}

/** x ≤ bound up to the tolerance; −Infinity ≤ anything, nothing finite ≤ −Infinity. */
function atMost(x: number, bound: number, tol: Tolerance, scale = 0): boolean {
  if (Number.isNaN(x) || Number.isNaN(bound)) return false;
  if (x === -Infinity || bound === Infinity) return true;
  if (bound === -Infinity || x === Infinity) return false;
  return x <= bound + tol.atol + tol.rtol * Math.max(Math.abs(bound), scale);
}

/** The α = 0 tie rule: within 1e-10 relative of the max (as the engines document). */
const TIE = 1e-10;

/**
 * Check the laws every posterior of a finite-horizon model obeys (see the file header for the list).
 * Throws `PosteriorMismatchError` listing every failure, or returns the report.
 * @example
 * checkPosterior(m, infer(m, exact()), { reference: 'brute-force' });
 * const report = checkPosterior(m, post, { throwOnFailure: false }); report.ok; report.checks;
 */
export function checkPosterior<S, A>(m: Model<S, A>, post: Posterior<S, A>, options: CheckPosteriorOptions<S, A> = {}): PosteriorCheckReport {
  const log = options.tolerance?.log ?? LOG_TOL;
  const prob = options.tolerance?.prob ?? PROB_TOL;
  const f = new FailureList(options.maxListed ?? 20);
  const notes: string[] = [];
  let elbo: number | undefined;
  let unsupported = 0;
  const finish = (): PosteriorCheckReport => {
    const report: PosteriorCheckReport = { ok: f.count === 0, failures: f.listed, failureCount: f.count, checks: f.checks, notes, elbo, unsupported };
    if (!report.ok && options.throwOnFailure !== false) throw new PosteriorMismatchError(`checkPosterior (${post.engine})`, f.listed, f.count);
    return report;
  };
  if (!Number.isFinite(post.horizon)) throw new Error('checkPosterior: the posterior has an infinite horizon; the kit checks finite-horizon posteriors');

  const { states, actions, tables } = tabulate(m, { allowZeroTemperature: true });
  const { nS, nA, T, alpha, prior, dynamics, reward, terminal, initial } = tables;
  const graph = post.graph;
  if (!f.expect(post.horizon === T, () => `horizon: the posterior has ${post.horizon}, the model ${T}`)) return finish();
  if (!f.expect(graph.nS === nS && graph.nA === nA, () => `shape: the posterior has ${graph.nS} states × ${graph.nA} actions, the model ${nS} × ${nA}`)) return finish();
  f.expect(graph.alpha === alpha, () => `temperature: the posterior has α = ${graph.alpha}, the model ${alpha}`);
  const hasTerminal = terminal !== undefined;
  if (!f.expect((graph.terminal !== undefined) === hasTerminal, () => `terminal factor: present in ${hasTerminal ? 'the model' : 'the posterior'} only`)) return finish();
  const sMap = states.map((s) => graph.states.indexOf(s));
  const aMap = actions.map((a) => graph.actions.indexOf(a));
  if (!f.expect(!sMap.includes(-1) && !aMap.includes(-1), () => `domains: the posterior's states or actions differ from the model's`)) return finish();
  const lastState = hasTerminal ? T : T - 1;
  // V and Q are in reward units, α times a log quantity: their absolute tolerance is atol·max(1, α)
  // (at α = 10^6, α log Σ … carries ~α·1e-16 of rounding however exact the log is).
  const values: Tolerance = { rtol: log.rtol, atol: log.atol * Math.max(1, alpha) };
  const backup = options.backup ?? (post.exactness.posterior ? 'posterior' : 'fixed-dynamics');
  const at = (s: number) => `s=${show(states[s])}`;
  const atSA = (s: number, a: number) => `[s=${show(states[s])}, a=${show(actions[a])}]`;
  const reference = options.reference === 'brute-force' ? bruteForce(m) : options.reference;
  const bf = typeof reference === 'object' ? reference : undefined;
  const logZ = typeof reference === 'number' ? reference : reference?.logZ;
  // p(O) > 0; at α = 0 log p(O) is a limit (±Infinity or 0) and `value` (the hard-max value) says it.
  const feasibleEvidence = alpha > 0 ? post.logEvidence > -Infinity : post.value > -Infinity;
  const kind = post.evidence.kind;

  f.expect(!Number.isNaN(post.logEvidence) && (alpha === 0 || post.logEvidence !== Infinity), () => `logEvidence is ${post.logEvidence}`);
  f.expect(!Number.isNaN(post.value) && post.value !== Infinity, () => `value is ${post.value}`);

  // Refusal: p(O) = 0 (or an ELBO of −∞) makes queries conditioned on O throw 'infeasible', never return NaN or zeros.
  if (!feasibleEvidence) {
    const r = attempt(() => post.stateMarginal(0));
    f.expect(!r.ok && codeOf(r.error) === 'infeasible', () => (r.ok ? `p(O) = 0 (logEvidence ${post.logEvidence}, value ${post.value}) but stateMarginal(0) answered [${Array.from(r.value).join(', ')}] instead of throwing 'infeasible'` : `p(O) = 0 and stateMarginal(0) threw code ${show(codeOf(r.error))} (expected 'infeasible'): ${firstLine(r.error)}`));
    notes.push('marginals and samples: skipped (p(O) = 0)');
  }

  // Evidence against the reference.
  if (logZ !== undefined) {
    if (kind === 'exact') f.close(post.logEvidence, logZ, log, `logEvidence vs reference log Z`);
    else if (kind === 'lower-bound') f.expect(atMost(post.logEvidence, logZ, log), () => `logEvidence ${post.logEvidence} is a lower bound but exceeds the reference log Z ${logZ}`);
    else notes.push('evidence: an estimate; compare it with the reference in standard errors (checkEngineAgreement)');
  }

  // V_0, or undefined for an engine without values (then only the laws that need no V are checked).
  const first = attempt(() => post.V(0));
  if (!first.ok && !(codeOf(first.error) === 'unsupported-query')) throw first.error;
  if (!first.ok) {
    unsupported++;
    if (backup !== 'none') {
      f.add(`V(0) is unsupported (${firstLine(first.error)}) but backup '${backup}' holds V and Q to a recursion; use backup: 'none' for an engine without values`);
      return finish();
    }
    notes.push(`V, Q, the evidence formula, the ELBO and feasibility of V: skipped (${firstLine(first.error)})`);
    // Q is asked once too: an engine that has Q but no V is not one this path knows how to hold.
    const q0 = attempt(() => post.Q(0));
    if (!q0.ok && codeOf(q0.error) === 'unsupported-query') unsupported++;
    else f.add(q0.ok ? `V(0) is unsupported but Q(0) answered; an engine with Q has V = α log Σ_a p(a|s) exp(Q/α)` : `Q(0) threw code ${show(codeOf(q0.error))}: ${firstLine(q0.error)}`);
  }
  let V: ArrayLike<number> | undefined = first.ok ? first.value : undefined;
  let policy: ArrayLike<number> | undefined;
  let marginal: ArrayLike<number> | undefined;
  // q(s_t) for ELBO(π): the posterior's policy run on the real dynamics from p(s_0).
  let q: number[] | undefined = alpha > 0 && V !== undefined ? [...initial] : undefined;
  let elboSum = 0;
  let elboScale = 0;
  if (alpha === 0) notes.push('ELBO and evidence formula: skipped at α = 0 (log p(O) is a limit)');

  // Evidence from V_0.
  if (alpha > 0 && backup !== 'none' && V !== undefined) {
    let max = -Infinity;
    let scale = 0;
    for (let i = 0; i < nS; i++) {
      if (initial[i]! <= 0) continue;
      const v = V[sMap[i]!]! / alpha;
      if (v > max) max = v;
      if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    }
    if (kind === 'exact' && backup === 'posterior') {
      let s = 0;
      for (let i = 0; i < nS; i++) if (initial[i]! > 0 && max > -Infinity) s += initial[i]! * Math.exp(V[sMap[i]!]! / alpha - max);
      const expected = max === -Infinity ? -Infinity : max + Math.log(s);
      f.expect(closeScaled(post.logEvidence, expected, log, scale), () => `logEvidence ${post.logEvidence} ≠ log Σ_s p(s_0) exp(V_0(s)/α) = ${expected}`);
    } else if (backup === 'fixed-dynamics') {
      let expected = 0;
      for (let i = 0; i < nS; i++) if (initial[i]! > 0) expected += (initial[i]! * V[sMap[i]!]!) / alpha;
      f.expect(closeScaled(post.logEvidence, expected, log, scale), () => `logEvidence ${post.logEvidence} ≠ E_{p(s_0)}[V_0]/α = ${expected}`);
    }
  }

  // Hard constraints, by plain reachability: which (t, s) can avoid every −Infinity reward.
  const feasible = backup === 'none' ? undefined : feasibility();
  if (feasible !== undefined) {
    let expected: boolean;
    if (backup === 'posterior') expected = initial.some((p, i) => p > 0 && feasible[0]![i] === 1);
    else expected = initial.every((p, i) => p === 0 || feasible[0]![i] === 1);
    f.expect(expected === feasibleEvidence, () => expected ? `p(O) = 0 (logEvidence ${post.logEvidence}) although a trajectory avoiding every −Infinity reward exists (silent −Infinity)` : `logEvidence ${post.logEvidence} (value ${post.value}) although ${backup === 'fixed-dynamics' ? 'p(s_0) gives mass to a state where every action risks' : 'every trajectory meets'} a −Infinity reward`);
  }

  let prevPolicy: ArrayLike<number> | undefined;
  for (let t = 0; t <= lastState; t++) {
    // --- values ---------------------------------------------------------------------------
    for (let i = 0; i < nS && V !== undefined; i++) {
      const v = V[sMap[i]!]!;
      f.expect(!Number.isNaN(v) && v !== Infinity, () => `V(${t})[${at(i)}] is ${v}`);
      if (feasible !== undefined) {
        const ok = feasible[t]![i] === 1;
        f.expect((v > -Infinity) === ok, () => ok ? `V(${t})[${at(i)}] = −Infinity although a continuation avoiding every −Infinity reward exists (silent −Infinity)` : `V(${t})[${at(i)}] = ${v} although ${backup === 'fixed-dynamics' ? 'every action risks' : 'every continuation meets'} a −Infinity reward`);
      }
      if (bf !== undefined) {
        const future = bf.logFuture(t, states[i]!);
        const exists = future > -Infinity;
        if (backup === 'posterior') f.expect((v > -Infinity) === exists, () => exists ? `V(${t})[${at(i)}] = −Infinity although a feasible continuation exists (brute force: V = ${alpha * future})` : `V(${t})[${at(i)}] = ${v} although every continuation meets a −Infinity reward`);
        else f.expect(!(v > -Infinity) || exists, () => `V(${t})[${at(i)}] = ${v} although every continuation meets a −Infinity reward`);
      }
    }
    if (t === T && V !== undefined) for (let i = 0; i < nS; i++) f.close(V[sMap[i]!]!, terminal![i]!, values, `V(${T})[${at(i)}] = r_T`);
    const Vnext = V !== undefined && (t < T - 1 || (t === T - 1 && hasTerminal)) ? post.V(t + 1) : undefined;
    policy = undefined;

    if (t < T) {
      const Q = V !== undefined ? post.Q(t) : undefined;
      if (Q !== undefined) for (let j = 0; j < Q.length; j++) f.expect(!Number.isNaN(Q[j]!) && Q[j] !== Infinity, () => `Q(${t})[${j}] is ${Q[j]}`);
      if (backup !== 'none' && Q !== undefined && V !== undefined) bellman(t, Q, V, Vnext);

      // --- policy ---------------------------------------------------------------------------
      const pt = attempt(() => post.policyTable(t));
      if (!pt.ok) {
        const refused = !feasibleEvidence && codeOf(pt.error) === 'infeasible';
        f.expect(refused, () => `policyTable(${t}) threw (logEvidence ${post.logEvidence}): ${firstLine(pt.error)}`);
        q = undefined;
      } else {
        policy = pt.value;
        if (Q !== undefined && V !== undefined) {
          checkPolicy(t, policy, Q, V);
          if (q !== undefined) q = elboStep(t, q, policy, V);
        } else checkEstimatedPolicy(t, policy);
      }
    }

    // --- marginals ------------------------------------------------------------------------
    if (feasibleEvidence && (policy !== undefined || t === T)) {
      const mt = post.stateMarginal(t);
      let total = 0;
      for (let i = 0; i < nS; i++) {
        const p = mt[sMap[i]!]!;
        total += p;
        f.expect(p >= 0 && p <= 1 + prob.atol, () => `stateMarginal(${t})[${at(i)}] = ${p}, not a probability`);
        if (V !== undefined) f.expect(!(p > 0) || V[sMap[i]!]! > -Infinity, () => `stateMarginal(${t})[${at(i)}] = ${p} at a state with V = −Infinity`);
        else if (bf !== undefined) f.expect(!(p > 0) || bf.logFuture(t, states[i]!) > -Infinity, () => `stateMarginal(${t})[${at(i)}] = ${p} at a state from which every continuation meets a −Infinity reward (brute force)`);
      }
      f.close(total, 1, prob, `Σ_s stateMarginal(${t})`);
      // m_t from m_{t−1} (or from p(s_0) at t = 0).
      const Vt = V;
      if (backup !== 'none' && Vt !== undefined && (t === 0 || (marginal !== undefined && prevPolicy !== undefined))) {
        const expected = t === 0 ? [...initial] : propagate(marginal!, prevPolicy!, Vt);
        if (t === 0 && backup === 'posterior') tiltKernel(expected, states.map((_, i) => Vt[sMap[i]!]!));
        for (let i = 0; i < nS; i++) f.close(mt[sMap[i]!]!, expected[i]!, prob, `stateMarginal(${t})[${at(i)}] vs ${t === 0 ? (backup === 'posterior' ? 'p(s_0) exp(V_0/α) / Z' : 'p(s_0)') : 'Σ m_{t−1} π K'}`);
      }
      marginal = mt;
      if (t < T) {
        const joint = post.stateActionMarginal(t);
        const byAction = post.actionMarginal(t);
        let jointTotal = 0;
        const sums = new Array<number>(nA).fill(0);
        for (let i = 0; i < nS; i++) {
          for (let k = 0; k < nA; k++) {
            const j = joint[sMap[i]! * nA + aMap[k]!]!;
            jointTotal += j;
            sums[k] += j;
            f.close(j, mt[sMap[i]!]! * policy![sMap[i]! * nA + aMap[k]!]!, prob, `stateActionMarginal(${t})${atSA(i, k)} vs p(s_t|O)·π_t(a|s)`);
          }
        }
        f.close(jointTotal, 1, prob, `Σ stateActionMarginal(${t})`);
        sums.forEach((x, k) => f.close(byAction[aMap[k]!]!, x, prob, `actionMarginal(${t})[a=${show(actions[k])}] vs Σ_s p(s_t, a_t|O)`));
      }
    }
    prevPolicy = policy;
    if (Vnext !== undefined) V = Vnext;
  }

  // The terminal reward enters ELBO(π) through q(s_T).
  if (q !== undefined && hasTerminal && elboSum > -Infinity) {
    for (let i = 0; i < nS; i++) {
      if (q[i] === 0) continue;
      const r = terminal![i]!;
      if (r === -Infinity) {
        elboSum = -Infinity;
        break;
      }
      elboSum += (q[i]! * r) / alpha;
      elboScale += (q[i]! * Math.abs(r)) / alpha;
    }
  }
  if (alpha > 0 && q !== undefined) {
    elbo = elboSum;
    const bound = (value: number, what: string) =>
      f.expect(atMost(elboSum, value, log, elboScale), () => `ELBO(π) = ${elboSum} exceeds ${what} ${value}`);
    if (kind === 'exact') bound(post.logEvidence, 'logEvidence');
    if (logZ !== undefined) bound(logZ, 'the reference log Z');
    if (kind === 'lower-bound' && backup === 'fixed-dynamics') f.expect(closeScaled(post.logEvidence, elboSum, log, elboScale), () => `logEvidence ${post.logEvidence} (a lower bound) ≠ ELBO of its own policy ${elboSum}`);
  } else if (alpha > 0 && V !== undefined) notes.push('ELBO(π): skipped (no policy)');

  // Samples: s_t frequencies against p(s_t | O), χ² with a Bonferroni split of the false-positive rate.
  if (options.samples !== undefined && feasibleEvidence) {
    const { n, seed, falsePositiveRate } = options.samples;
    const draws = post.sample(n, { seed });
    const perStep = falsePositiveRate / (lastState + 1);
    for (let t = 0; t <= lastState; t++) {
      const counts = new Array<number>(graph.nS).fill(0);
      for (const d of draws) {
        const j = graph.states.indexOf(d.states[t]);
        if (j >= 0) counts[j]! += 1;
      }
      const result = chiSquare(counts, Array.from(post.stateMarginal(t)));
      f.expect(result.pValue >= perStep, () => `samples: s_${t} frequencies of ${n} draws (seed ${show(seed)}) differ from stateMarginal(${t}): χ² = ${result.statistic.toFixed(2)} on ${result.degreesOfFreedom} df, p = ${result.pValue.toExponential(2)} < ${perStep.toExponential(2)}`);
    }
    for (const d of draws.slice(0, 100)) {
      const lp = post.logProb(d);
      f.expect(lp > -Infinity && !Number.isNaN(lp), () => `samples: a drawn trajectory has logProb ${lp}: ${show(d.states)} / ${show(d.actions)}`);
    }
  }
  return finish();

  /**
   * feasible[t][s] = 1 when some allowed action has r_t(s,a) > −∞ and (posterior backup) some successor, or
   * (fixed dynamics, where E[V'] = −∞ as soon as one successor is infeasible) every successor, is feasible at t + 1.
   */
  function feasibility(): Uint8Array[] {
    const out: Uint8Array[] = new Array<Uint8Array>(lastState + 1);
    if (hasTerminal) out[T] = Uint8Array.from(terminal!, (r) => (r > -Infinity ? 1 : 0));
    for (let t = T - 1; t >= 0; t--) {
      const next = out[t + 1];
      const row = new Uint8Array(nS);
      for (let i = 0; i < nS; i++) {
        for (let k = 0; k < nA && row[i] === 0; k++) {
          if (!(prior[i]![k]! > 0) || reward[t]![i]![k] === -Infinity) continue;
          const succ = dynamics[i]![k]!;
          const ok = next === undefined || (backup === 'fixed-dynamics' ? succ.every(({ next: j }) => next[j] === 1) : succ.some(({ next: j }) => next[j] === 1));
          if (ok) row[i] = 1;
        }
      }
      out[t] = row;
    }
    return out;
  }

  /** Q_t(s,a) = r + backup(V_{t+1}) and V_t(s) = α log Σ_a p(a|s) exp(Q/α), from the posterior's own tables. */
  function bellman(t: number, Q: ArrayLike<number>, Vt: ArrayLike<number>, Vnext: ArrayLike<number> | undefined): void {
    for (let i = 0; i < nS; i++) {
      for (let k = 0; k < nA; k++) {
        const r = reward[t]![i]![k]!;
        let tail = 0;
        let tailScale = 0;
        if (Vnext !== undefined) {
          const succ = dynamics[i]![k]!;
          if (backup === 'fixed-dynamics') {
            for (const { next, p } of succ) {
              tail += p * Vnext[sMap[next]!]!;
              tailScale += p * Math.abs(Vnext[sMap[next]!]!);
            }
          } else {
            let max = -Infinity;
            for (const { next } of succ) max = Math.max(max, Vnext[sMap[next]!]!);
            if (max === -Infinity || alpha === 0) tail = max;
            else {
              let s = 0;
              for (const { next, p } of succ) s += p * Math.exp((Vnext[sMap[next]!]! - max) / alpha);
              tail = max + alpha * Math.log(s);
            }
            tailScale = Math.abs(max);
          }
        }
        const expected = r === -Infinity || tail === -Infinity ? -Infinity : r + tail;
        const actual = Q[sMap[i]! * nA + aMap[k]!]!;
        f.expect(closeScaled(actual, expected, values, Math.abs(r) + tailScale), () => `Q(${t})${atSA(i, k)}: got ${actual}, ${backup === 'posterior' ? 'r + α log E[exp(V_{t+1}/α)]' : 'r + E[V_{t+1}]'} = ${expected}`);
      }
      let max = -Infinity;
      for (let k = 0; k < nA; k++) if (prior[i]![k]! > 0) max = Math.max(max, Q[sMap[i]! * nA + aMap[k]!]!);
      let expected = max;
      if (max > -Infinity && alpha > 0) {
        let s = 0;
        for (let k = 0; k < nA; k++) if (prior[i]![k]! > 0) s += prior[i]![k]! * Math.exp((Q[sMap[i]! * nA + aMap[k]!]! - max) / alpha);
        expected = max + alpha * Math.log(s);
      }
      const actual = Vt[sMap[i]!]!;
      f.expect(closeScaled(actual, expected, values, Math.abs(max)), () => `V(${t})[${at(i)}]: got ${actual}, α log Σ_a p(a|s) exp(Q/α) = ${expected}`);
    }
  }

  /** Every entry of state i's row is a probability, 0 on actions the prior forbids; returns the row's sum. */
  function checkPolicyRow(t: number, i: number, policy: ArrayLike<number>): number {
    const row = sMap[i]! * nA;
    let total = 0;
    for (let k = 0; k < nA; k++) {
      const p = policy[row + aMap[k]!]!;
      total += p;
      f.expect(p >= 0 && p <= 1 + prob.atol, () => `policyTable(${t})${atSA(i, k)} = ${p}, not a probability`);
      if (prior[i]![k] === 0) f.expect(p === 0, () => `policyTable(${t})${atSA(i, k)} = ${p} on an action the prior forbids`);
    }
    return total;
  }

  /** Rows are distributions (0 where V = −∞), forbidden actions get 0, and π ∝ p(a|s) exp(Q/α). */
  function checkPolicy(t: number, policy: ArrayLike<number>, Q: ArrayLike<number>, Vt: ArrayLike<number>): void {
    for (let i = 0; i < nS; i++) {
      const row = sMap[i]! * nA;
      const total = checkPolicyRow(t, i, policy);
      if (Vt[sMap[i]!] === -Infinity) {
        f.expect(total === 0, () => `policyTable(${t}) row of ${at(i)} (V = −Infinity) is not 0: Σ = ${total}`);
        continue;
      }
      f.close(total, 1, prob, `Σ_a policyTable(${t})[${at(i)}, ·]`);
      if (backup === 'none') continue;
      let max = -Infinity;
      for (let k = 0; k < nA; k++) if (prior[i]![k]! > 0) max = Math.max(max, Q[row + aMap[k]!]!);
      const weights = actions.map((_, k) => {
        const p = prior[i]![k]!;
        const qv = Q[row + aMap[k]!]!;
        if (p === 0 || qv === -Infinity) return 0;
        if (alpha > 0) return p * Math.exp((qv - max) / alpha);
        return qv >= max - TIE * Math.max(1, Math.abs(max)) ? p : 0;
      });
      const norm = weights.reduce((x, y) => x + y, 0);
      // The reference itself is ill-conditioned for small α: rounding of Q (~ε|Q|) is
      // amplified by 1/α in exp((Q − max)/α), so allow that much relative error on top.
      let scale = 0;
      for (let k = 0; k < nA; k++) if (Number.isFinite(Q[row + aMap[k]!]!)) scale = Math.max(scale, Math.abs(Q[row + aMap[k]!]!));
      const conditioned = alpha > 0 ? { rtol: Math.max(prob.rtol, (8 * Number.EPSILON * scale) / alpha), atol: prob.atol } : prob;
      weights.forEach((w, k) => f.close(policy[row + aMap[k]!]!, w / norm, conditioned, `policyTable(${t})${atSA(i, k)} vs p(a|s) exp((Q − V)/α)`));
    }
  }

  /**
   * A policy estimated without values (particles): entries are probabilities, 0 on actions the prior forbids, and each
   * row sums to 1 or (a state no weighted particle visits at t) is all 0; with brute force, a row with mass sits at a
   * state from which some continuation avoids every −Infinity reward.
   */
  function checkEstimatedPolicy(t: number, policy: ArrayLike<number>): void {
    for (let i = 0; i < nS; i++) {
      const total = checkPolicyRow(t, i, policy);
      if (total === 0) continue;
      f.close(total, 1, prob, `Σ_a policyTable(${t})[${at(i)}, ·] (a row with mass)`);
      if (bf !== undefined) f.expect(bf.logFuture(t, states[i]!) > -Infinity, () => `policyTable(${t}) row of ${at(i)} has mass although every continuation meets a −Infinity reward (brute force)`);
    }
  }

  /** One step of ELBO(π): adds E_q[r/α + log p(a|s) − log π(a|s)] at t and returns q(s_{t+1}). */
  function elboStep(t: number, qt: readonly number[], policy: ArrayLike<number>, Vt: ArrayLike<number>): number[] {
    const next = new Array<number>(nS).fill(0);
    for (let i = 0; i < nS && elboSum > -Infinity; i++) {
      const mass = qt[i]!;
      if (mass === 0) continue;
      if (Vt[sMap[i]!] === -Infinity) {
        elboSum = -Infinity; // q reaches a state from which every continuation meets −∞
        break;
      }
      for (let k = 0; k < nA; k++) {
        const p = policy[sMap[i]! * nA + aMap[k]!]!;
        if (p === 0) continue;
        const r = reward[t]![i]![k]!;
        if (r === -Infinity) {
          elboSum = -Infinity;
          break;
        }
        elboSum += mass * p * (r / alpha + Math.log(prior[i]![k]!) - Math.log(p));
        elboScale += mass * p * (Math.abs(r / alpha) + Math.abs(Math.log(prior[i]![k]!)) + Math.abs(Math.log(p)));
        if (t < lastState) for (const { next: j, p: pn } of dynamics[i]![k]!) next[j] = next[j]! + mass * p * pn;
      }
    }
    return next;
  }

  /** Σ_{s,a} m(s) π(a|s) K(s'|s,a), K the dynamics tilted by exp(V_t/α) for the posterior backup. */
  function propagate(m: ArrayLike<number>, policy: ArrayLike<number>, Vt: ArrayLike<number>): number[] {
    const out = new Array<number>(nS).fill(0);
    for (let i = 0; i < nS; i++) {
      const mass = m[sMap[i]!]!;
      if (mass === 0) continue;
      for (let k = 0; k < nA; k++) {
        const p = policy[sMap[i]! * nA + aMap[k]!]!;
        if (p === 0) continue;
        const succ = dynamics[i]![k]!;
        const weights = succ.map(({ p: pn }) => pn);
        if (backup === 'posterior') tiltKernel(weights, succ.map(({ next }) => Vt[sMap[next]!]!));
        succ.forEach(({ next }, n) => (out[next] = out[next]! + mass * p * weights[n]!));
      }
    }
    return out;
  }

  /** w_k ← w_k exp((V_k − max)/α), normalised; at α = 0 the w_k of entries attaining the max. */
  function tiltKernel(weights: number[], values: readonly number[]): void {
    let max = -Infinity;
    values.forEach((v, k) => {
      if (weights[k]! > 0 && v > max) max = v;
    });
    let total = 0;
    weights.forEach((w, k) => {
      const v = values[k]!;
      const x = max === -Infinity || w === 0 ? 0 : alpha > 0 ? w * Math.exp((v - max) / alpha) : v >= max - TIE * Math.max(1, Math.abs(max)) ? w : 0;
      weights[k] = x;
      total += x;
    });
    weights.forEach((w, k) => (weights[k] = total > 0 ? w / total : 0));
  }
}
