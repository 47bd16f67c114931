/**
 * The report of a Gaussian-policy fit on a model with a continuous action
 * (variational, softActorCritic or virel): the numbers (engine, ELBO and its
 * kind, the policy at t = 0 in a start state as a Gaussian), the learning
 * curves (the caller's, e.g. `cai report`'s; otherwise drawn here from the
 * fit: the return, entropy and critic error per episode, or the ELBO per
 * update) and sampled trajectories of one state coordinate over time. Tables
 * and grids do not exist for a continuous action, so nothing else is drawn.
 */
import { rng } from '../dist/rng.js';
import { show } from '../errors.js';
import type { GaussianPolicyPosterior } from '../engines/variational/gaussian-posterior.js';
import type { LearningFit } from '../engines/learning/posterior.js';
import type { VariationalFit } from '../engines/variational/posterior.js';
import { curvesSvg, type Series } from '../viz/svg/curves.js';
import { escapeXml as esc } from '../viz/svg/grid.js';
import { embedSvg } from './embed.js';
import { STYLE } from './style.js';

/** What the continuous report reads of `ReportOptions`. */
export interface ContinuousReportOptions {
  readonly title?: string;
  readonly source?: string;
  readonly samples?: number;
  readonly seed?: number;
  readonly coordinate?: string | ((s: never) => number);
  readonly curves?: readonly { readonly title: string; readonly series: readonly Series[]; readonly xTitle?: string; readonly yTitle?: string }[];
}

const fixed = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The fit's own curves: per episode for a learning engine, per update for a variational fit. */
function ownCurves(post: GaussianPolicyPosterior): NonNullable<ContinuousReportOptions['curves']> {
  const fit = post.fit;
  if ('curves' in fit) {
    const c = (fit as LearningFit).curves;
    const x = c.environmentSteps;
    const out = [
      { title: 'Return of each episode', series: [{ name: 'return', values: c.return, x }], xTitle: 'environment steps', yTitle: 'reward units' },
      { title: 'Entropy of the Gaussian actor (−log π of its draws, mean over the episode)', series: [{ name: 'Ĥ(π)', values: c.entropy, x }], xTitle: 'environment steps', yTitle: 'nats' },
    ];
    const keep = Array.from(c.criticError.keys()).filter((i) => Number.isFinite(c.criticError[i]!));
    if (keep.length > 0) out.push({ title: "The critic's mean squared TD error", series: [{ name: 'TD error²', values: keep.map((i) => c.criticError[i]!) as unknown as Float64Array, x: keep.map((i) => x[i]!) as unknown as Float64Array }], xTitle: 'environment steps', yTitle: 'reward²' });
    return out;
  }
  const v = fit as VariationalFit;
  return [{ title: 'ELBO over the variational updates (batch estimates, then the final estimate)', series: [{ name: 'ELBO', values: v.elbo }], xTitle: 'update', yTitle: 'nats' }];
}

/** A number to plot from a state: the coordinate asked for, else the first number in it. */
function coordinateOf(coordinate: ContinuousReportOptions['coordinate']): { name: string; of: (s: unknown) => number } {
  if (typeof coordinate === 'function') return { name: 'coordinate', of: coordinate as (s: unknown) => number };
  return {
    name: coordinate ?? 'the first coordinate',
    of: (s) => {
      if (typeof s === 'number') return s;
      if (Array.isArray(s) || s instanceof Float64Array) return Number((s as ArrayLike<number>)[0]);
      if (typeof s === 'object' && s !== null) {
        const record = s as Record<string, unknown>;
        const v = coordinate !== undefined ? record[coordinate] : Object.values(record).find((x) => typeof x === 'number');
        return typeof v === 'number' ? v : NaN;
      }
      return NaN;
    },
  };
}

/** The HTML page of a Gaussian-policy posterior. */
export async function gaussianPolicyReportHtml(post: GaussianPolicyPosterior, options: ContinuousReportOptions = {}): Promise<string> {
  const sim = post.graph.simulator;
  const title = options.title ?? 'control-as-inference report';
  const x0 = sim.initial(rng(options.seed ?? 0));
  const pi = post.policy(0, x0);
  const bounds = pi.bounds === undefined ? 'u = z ∈ ℝ^d' : `u = low + (high − low)(tanh z + 1)/2, low = [${Array.from(pi.bounds.low).join(', ')}], high = [${Array.from(pi.bounds.high).join(', ')}]`;
  const rows: [string, string][] = [
    ['engine', `${post.engine}: ${post.exactness.policy}`],
    ['size', `x simulated, u = ${sim.actionName} ∈ ℝ^${sim.dimension}, T = ${post.horizon}, γ = ${post.graph.gamma}, α = ${post.graph.alpha}`],
    ['ELBO', `${fixed(post.logEvidence)} ± ${fixed(post.evidence.standardError ?? NaN)} (a lower bound on log p(O))`],
    ['what it is', post.evidence.description],
    ['value α·ELBO', fixed(post.value)],
    [`policy at t = 0 in s₀ = ${show(x0 instanceof Float64Array ? Array.from(x0) : x0)}`, `z ~ N(${show(Array.from(pi.mean).map((v) => Number(v.toFixed(4))))}, ${show(pi.covariance.map((r) => r.map((v) => Number(v.toFixed(4)))))}); ${bounds}`],
    ...post.exactness.notes.map((n) => ['note', n] as [string, string]),
  ];
  const curves = options.curves !== undefined && options.curves.length > 0 ? options.curves : ownCurves(post);
  const figures: { title: string; svg: string }[] = [];
  for (const c of curves) figures.push({ title: c.title, svg: await curvesSvg(c.series, { ...(c.xTitle ? { xTitle: c.xTitle } : {}), ...(c.yTitle ? { yTitle: c.yTitle } : {}) }) });
  const samples = options.samples ?? 12;
  if (samples > 0) {
    const { name, of } = coordinateOf(options.coordinate);
    const series: Series[] = post.sample(samples, { seed: options.seed ?? 0 }).map((τ, i) => ({ name: `trajectory ${i + 1}`, values: τ.states.map(of) }));
    figures.push({ title: `Trajectories of the fitted policy: ${name} of the state over t`, svg: await curvesSvg(series, { xTitle: 't', yTitle: name }) });
  }
  const figureHtml = figures.map((f, i) => `<figure id="figure-${i + 1}"><h2>${esc(f.title)}</h2>${embedSvg(f.svg, `f${i + 1}`)}</figure>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${esc(title)}</h1>${options.source ? `<p class="source">${esc(options.source)}</p>` : ''}</header>
<main>
<section class="numbers">
<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
</section>
${figureHtml}
</main>
<footer>Made by control-as-inference. Pictures: Vega-Lite, rendered to SVG when the page was written; the page runs no script.</footer>
</body>
</html>
`;
}
