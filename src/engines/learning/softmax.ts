/**
 * The one policy form every learning engine uses: a softmax with the action
 * prior as base measure, over the allowed actions only (`prior[a] > 0`; the
 * environment zeroes the prior of actions with r = −∞):
 *
 *   π(a | s) = p(a|s) e^{k·ℓ_a} / Σ_b p(b|s) e^{k·ℓ_b},    log π(a|s) − log p(a|s) = k·ℓ_a − L
 *
 * with L = log Σ_b p(b|s) e^{k·ℓ_b} the log-normaliser, computed shifted by the
 * largest allowed k·ℓ so huge logits neither overflow nor cancel. With ℓ = Q and
 * k = 1/α, α·L is the soft value V(s) = α log Σ_a p(a|s) e^{Q(s,a)/α}.
 */

/** π into `out` from the masked prior and logits ℓ scaled by k; returns L (−Infinity when no action is allowed). */
export function softmaxInto(prior: Float64Array, logits: Float64Array, k: number, out: Float64Array): number {
  const nA = prior.length;
  let m = -Infinity;
  for (let a = 0; a < nA; a++) if (prior[a]! > 0 && k * logits[a]! > m) m = k * logits[a]!;
  if (m === -Infinity) {
    out.fill(0);
    return -Infinity;
  }
  let sum = 0;
  for (let a = 0; a < nA; a++) {
    const w = prior[a]! > 0 ? prior[a]! * Math.exp(k * logits[a]! - m) : 0;
    out[a] = w;
    sum += w;
  }
  for (let a = 0; a < nA; a++) out[a] = out[a]! / sum;
  return m + Math.log(sum);
}

/** Shannon entropy H(π) = −Σ π log π in nats. */
export function entropyOf(pi: Float64Array): number {
  let h = 0;
  for (let a = 0; a < pi.length; a++) if (pi[a]! > 0) h -= pi[a]! * Math.log(pi[a]!);
  return h;
}

/**
 * The logit-space gradient of the actor objective of SAC and VIREL at one state,
 *
 *   J(s) = Σ_a π_a (Q_a − β log(π_a / p_a)),     f_a = β log(π_a / p_a) − Q_a,   J = −Σ_a π_a f_a,
 *   ∂J/∂ℓ_b = −π_b (f_b − Σ_a π_a f_a)
 *
 * (the β·Σ π ∂log π term vanishes because Σ_a ∂π_a = 0), scaled by `scale` into
 * `out`, ready for `BoundFamily.accumulate`. `logRatio[a]` = log π_a − log p_a.
 */
export function actorWeights(pi: Float64Array, logRatio: Float64Array, q: Float64Array, beta: number, scale: number, out: Float64Array): void {
  const nA = pi.length;
  let mean = 0;
  for (let a = 0; a < nA; a++) if (pi[a]! > 0) mean += pi[a]! * (beta * logRatio[a]! - q[a]!);
  for (let a = 0; a < nA; a++) out[a] = pi[a]! > 0 ? -scale * pi[a]! * (beta * logRatio[a]! - q[a]! - mean) : 0;
}

/** a ~ π by inverse CDF over the actions with π_a > 0. */
export function drawAction(u: number, pi: Float64Array): number {
  let chosen = -1;
  for (let a = 0; a < pi.length; a++) {
    if (pi[a]! > 0) {
      chosen = a;
      u -= pi[a]!;
      if (u < 0) break;
    }
  }
  return chosen;
}
