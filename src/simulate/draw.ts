/**
 * One draw from whatever a model's function returned — a finite
 * distribution, a sampler, or (for `initial`) a plain value — checked as it
 * is drawn, since a simulated model has no tables that compile() could check.
 */
import { isDistribution } from '../dist/categorical.js';
import type { Rng } from '../dist/rng.js';
import { isSampler } from '../dist/sampler.js';
import { fail, show, type ErrorCode } from '../errors.js';
import { SUM_TOLERANCE, showReturned, showSum } from '../compile/tables.js';
import type { IndexedDomain } from '../types/factor-graph.js';

/** Where a draw happens, for messages (built only on a fault). */
export interface DrawSite {
  readonly part: string;
  /** e.g. `p(·|s=0.5, a='push')`. */
  label(): string;
  readonly state?: unknown;
  readonly action?: unknown;
  readonly t?: number;
}

/**
 * Draw from `source`: a Categorical is checked (finite probabilities ≥ 0 that
 * sum to 1) and sampled; a Sampler is called; anything else is refused unless
 * `allowValue` (a point mass). A value outside `domain` (when given) is refused.
 */
export function draw(source: unknown, random: Rng, site: DrawSite, domain: IndexedDomain<unknown> | undefined, allowValue = false): unknown {
  let value: unknown;
  if (isSampler(source)) {
    value = source.sample(random);
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
      problem(site, 'sample-invalid', `${site.label()} sampled ${showReturned(value)}; a sampler must return a state value (a finite number, a string, a record …)`);
    }
  } else if (isDistribution(source)) {
    value = categoricalDraw(source.support, source.probs, random, site);
  } else if (allowValue) {
    value = source;
  } else {
    problem(site, 'transition-not-distribution', `${site.label()} is ${showReturned(source)}, not a distribution; return categorical([[value, p], …]), deterministic(value) or sampler((random) => value)`);
  }
  if (domain !== undefined && domain.indexOf(value) < 0) {
    problem(site, 'successor-unknown', `${site.label()} gave ${show(value)}, which is not in state('${domain.name}')`);
  }
  return value;
}

function categoricalDraw(support: readonly unknown[], probs: readonly number[], random: Rng, site: DrawSite): unknown {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (typeof p !== 'number' || !(p >= 0) || p === Infinity) {
      problem(site, 'probability-invalid', `${site.label()} gives probability ${show(p)} to ${show(support[i])}; probabilities must be finite and ≥ 0`);
    }
    sum += p;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    problem(site, 'probability-unnormalised', `${site.label()} sums to ${showSum(sum)}; expected 1 ± ${SUM_TOLERANCE} (no silent renormalisation)`);
  }
  let u = random.next() * sum;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    last = i;
    u -= probs[i]!;
    if (u < 0) return support[i];
  }
  return support[last];
}

function problem(site: DrawSite, code: ErrorCode, message: string): never {
  fail({
    code,
    part: site.part,
    message: `${site.part}: ${message}`,
    ...(site.state !== undefined ? { state: site.state } : {}),
    ...(site.action !== undefined ? { action: site.action } : {}),
    ...(site.t !== undefined ? { t: site.t } : {}),
  });
}
