/**
 * `converged` must mean converged. After a fit on tables, three things the
 * optimiser cannot see are checked against what is known:
 *
 *   1. ELBO ≤ log p(O). An ELBO above the exact log Z by more than rounding
 *      is no bound at all (rounding, or an optimiser that left the family).
 *   2. The objective rose. A final ELBO below the starting one (exact
 *      gradient) means the steps made q worse — usually a learning rate far
 *      too large for the scale of the features (linearSoftmax φ × 1e10).
 *   3. The rewards are visible. The ELBO is Σ_t E_q[r/α] + E_q[log p − log q];
 *      the second part is computed to about ρ = 4ε·T·(log|A| + max|log p| + 1)
 *      nats. When the whole reward part, at most B = Σ_t max|r_t|/α (+ r_T/α),
 *      is below 1000·ρ (α = 1e100: B ≈ 1e-99), the ELBO, `value` = α·ELBO and
 *      the fit cannot resolve the rewards: q stays near the prior (the α → ∞
 *      limit) and α·ELBO is rounding noise times α.
 *
 *   4. q is not saturated by accident. Where q reaches s and gives an allowed
 *      action q < 1e-300 (its softmax underflowed) while the fixed-dynamics
 *      optimum q* = p·exp((Q* − V*)/α) gives it > 1e-6, the gradient there
 *      is 0 and a still ELBO is a plateau, not an optimum (linearSoftmax
 *      features × 1e10 saturate after one step).
 *
 * Any of these turns `converged` false and adds a warning to the fit and the
 * posterior's notes.
 */
import { show } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';

const EPS = 2 ** -52;

export function fitWarnings(graph: FactorGraph<unknown, unknown>, elbo: Float64Array, final: number, logZ: number, exactGradient: boolean): string[] {
  const warnings: string[] = [];
  const T = graph.horizon;
  const { nS, nA, prior, alpha } = graph;
  let logPrior = 0;
  for (const p of prior) if (p > 0 && -Math.log(p) > logPrior) logPrior = -Math.log(p);
  const rho = 4 * EPS * T * (Math.log(nA) + logPrior + 1);
  let rewardPart = 0;
  const slices = graph.rewardTimeVarying ? T : 1;
  for (let t = 0; t < slices; t++) {
    let top = 0;
    for (let i = t * nS * nA; i < (t + 1) * nS * nA; i++) if (graph.reward[i] !== -Infinity) top = Math.max(top, Math.abs(graph.reward[i]!));
    rewardPart += (slices === 1 ? T : 1) * top;
  }
  if (graph.terminal) {
    let top = 0;
    for (const r of graph.terminal) if (r !== -Infinity) top = Math.max(top, Math.abs(r));
    rewardPart += top;
  }
  rewardPart /= alpha;
  const slack = Math.max(rho, 1e-12 * Math.abs(logZ));
  if (final > logZ + slack) {
    warnings.push(`The final ELBO ${final} is above the exact log p(O) = ${logZ} by ${(final - logZ).toExponential(3)} (rounding allows ~${slack.toExponential(1)}): it is no lower bound, and q is not a fit to trust.`);
  }
  if (exactGradient && final < elbo[0]! - Math.max(rho, 1e-12 * Math.abs(elbo[0]!))) {
    warnings.push(`The final ELBO ${final} is below the starting one ${elbo[0]}: the optimiser made q worse. Lower learningRate (the features' or logits' scale sets how far a step moves q), or rescale the features.`);
  }
  if (rewardPart > 0 && rewardPart < 1000 * rho) {
    warnings.push(`With α = ${alpha} the rewards' whole share of the ELBO is at most ${rewardPart.toExponential(2)} nats, below the ~${rho.toExponential(1)} nats to which its entropy terms are computed: the fit cannot resolve the rewards. q stays near the prior (the α → ∞ limit), and the ELBO and value = α·ELBO (${(alpha * final).toExponential(3)}) are rounding noise; use exact() for this α, or a smaller α.`);
  }
  return warnings;
}

/** Check 4: the first (t, s, a) where q underflowed but the optimum does not; undefined if none. */
export function saturation(
  graph: FactorGraph<unknown, unknown>,
  q: Float64Array,
  d: Float64Array,
  allowed: Uint8Array,
  optimum: (t: number) => Float64Array,
): string | undefined {
  const { nS, nA } = graph;
  for (let t = 0; t < graph.horizon; t++) {
    let table: Float64Array | undefined;
    for (let s = 0; s < nS; s++) {
      if (!(d[t * nS + s]! > 0)) continue;
      for (let a = 0; a < nA; a++) {
        const k = (t * nS + s) * nA + a;
        if (allowed[k] !== 1 || !(q[k]! < 1e-300)) continue;
        table ??= optimum(t);
        if (table[s * nA + a]! > 1e-6) {
          return `q is saturated: at t=${t}, s=${show(graph.states.values[s])} it gives a=${show(graph.actions.values[a])} probability ${q[k]} where the fixed-dynamics optimum gives ${table[s * nA + a]!.toPrecision(3)}; the softmax underflowed, its gradient vanished, and the still ELBO is a plateau, not an optimum. Rescale the features (or logits) or lower learningRate.`;
        }
      }
    }
  }
  return undefined;
}
