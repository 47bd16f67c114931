/**
 * `reportHtml(post, options)`: one self-contained HTML page about a posterior
 * — the numbers (evidence and its kind, what the engine is exact about, the
 * policy at t = 0) and the pictures (V_0 with policy arrows, trajectories from
 * p(τ | O), state marginals over time, curves such as the ELBO, the factor
 * graph). No script, no external stylesheet, font or image: the page opens
 * from a file anywhere, offline. `cai report` writes it.
 */
import { show } from '../errors.js';
import type { EngineInput } from '../types/engine.js';
import type { Posterior } from '../types/posterior.js';
import { factorGraphSvg } from '../viz/graph.js';
import { curvesSvg, type Series } from '../viz/svg/curves.js';
import { valueHeatmapSvg } from '../viz/svg/values.js';
import { cellSizeFor, escapeXml as esc } from '../viz/svg/grid.js';
import { attempt, evidenceText, summarise } from './summary.js';
import { isCaiError } from './cai-error.js';
import { embedSvg } from './embed.js';
import { STYLE } from './style.js';
import { isBeliefPosterior } from '../posterior/belief.js';
import { beliefSection, beliefSectionHtml } from './belief.js';
import { requirePosterior } from '../compile/arguments.js';
import { kindSections, learnedValuesFigure } from './sections.js';
import { gaussianPolicyReportHtml, type ContinuousReportOptions } from './continuous.js';
import { isGaussianPolicyPosterior } from '../engines/variational/gaussian-posterior.js';
import { refusePicture } from '../viz/picture-input.js';

/** Options of `reportHtml`. */
export interface ReportOptions<S> {
  /** The page title (default 'control-as-inference report'). */
  readonly title?: string;
  /** Where the model came from, shown under the title (e.g. its file). */
  readonly source?: string;
  /** Trajectories drawn from p(τ | O) for the trajectory picture (default 12; 0 leaves it out). */
  readonly samples?: number;
  /** Seed of those samples (default 0). */
  readonly seed?: number;
  /** Time slices of the factor graph (default 3). */
  readonly slices?: number;
  /** Fixed labels for grid cells, e.g. goal 'G'. */
  readonly marks?: (s: S) => string | undefined;
  /** Figures drawn by the caller, placed first (e.g. a learned reward). */
  readonly figures?: readonly { readonly title: string; readonly caption?: string; readonly svg: string }[];
  /** Tables of numbers placed after the summary (e.g. IRL weights with intervals); every cell is escaped. */
  readonly tables?: readonly ReportTable[];
  /** Colour the grid marginals over time by log₁₀ p (default true); false: linear p. */
  readonly logMarginals?: boolean;
  /** The state coordinate of a simulated model's fan chart: a record field or s => number (default: the first numeric field). */
  readonly coordinate?: string | ((s: S) => number);
  /** Extra curves, e.g. an ELBO trace or an IRL learning curve. */
  readonly curves?: readonly { readonly title: string; readonly series: readonly Series[]; readonly xTitle?: string; readonly yTitle?: string }[];
}

/** A table of text cells with a header row. */
export interface ReportTable {
  readonly title: string;
  readonly caption?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

interface Figure {
  readonly title: string;
  readonly caption: string;
  readonly svg?: string;
  /** Why the figure is missing (the engine's or the picture's own message). */
  readonly missing?: string;
}

/**
 * @example writeFileSync('report.html', await reportHtml(infer(gridworld, exact()), { source: 'gridworld.ts' }));
 */
export async function reportHtml<S, A>(post: Posterior<S, A, EngineInput>, options: ReportOptions<S> = {}): Promise<string> {
  // A Gaussian policy of a continuous action has no tables or grids: its own page (report/continuous.ts).
  if (isGaussianPolicyPosterior(post)) return gaussianPolicyReportHtml(post, options as ContinuousReportOptions);
  requirePosterior('reportHtml()', post);
  // A soft-LQR or LQG posterior (exact() on linearGaussian(...)) has a continuous state and no tables to draw.
  if ((post as { graph?: { kind?: unknown } }).graph?.kind === 'linear-gaussian') {
    refusePicture('reportHtml()', post, 'a posterior with tables (a finite state domain) or a Gaussian-policy fit', 'the value grid, marginals, policy table and samples of a posterior', "A soft-LQR/LQG posterior is a closed form: read post.policy(t, x), post.V(t) and post.sample(n) directly, or fit variational({ family: gaussianPolicy() }) for the continuous-action report");
  }
  const generic = post as Posterior<unknown, unknown, EngineInput>;
  const summary = summarise(generic, options.source ?? '');
  const g = post.graph;
  const figures: Figure[] = (options.figures ?? []).map((f) => ({ title: f.title, caption: f.caption ?? '', svg: f.svg }));
  const grid = g.kind === 'factor-graph' && g.layout !== undefined;
  // Cells large enough to read on a small grid, small enough that a large one fits the page (~720 px).
  const cellSize = grid ? cellSizeFor(g.layout!.width) : 36;

  const sectionOptions = { samples: options.samples ?? 12, seed: options.seed ?? 0, cellSize, ...(options.marks ? { marks: options.marks } : {}), ...(options.logMarginals !== undefined ? { logMarginals: options.logMarginals } : {}), ...(options.coordinate !== undefined ? { coordinate: options.coordinate } : {}) };
  // A learning engine's values are drawn only where it has been (issue 18).
  const learned = learnedValuesFigure(post, sectionOptions);
  if (learned) figures.push(await figure(learned.title, learned.caption, learned.draw));
  else if (grid) {
    figures.push(
      await figure('Soft value V₀ and the policy at t = 0', 'Colour: V_0(s) = α log Σ_a p(a|s) exp(Q_0(s,a)/α); arrows: the most probable actions of p(a_0 | s, O) (faded by their probability relative to the best); × : no action can satisfy O from there.', async () => {
        const values = post.V(0);
        const pi = attempt(() => post.policyTable(0));
        try {
          return await valueHeatmapSvg(g, values, { cellSize, ...('value' in pi ? { policy: pi.value } : {}), ...(options.marks ? { marks: options.marks } : {}) });
        } catch (error) {
          // Action names with no direction: the values alone still say something.
          if (isCaiError(error) && error.part === 'valueHeatmapSvg' && error.action !== undefined) return valueHeatmapSvg(g, values, { cellSize, ...(options.marks ? { marks: options.marks } : {}) });
          throw error;
        }
      }),
    );
  }
  // Figures by model kind: visitation, rollout and grid marginals; policy tables; particles; beliefs.
  for (const f of kindSections(post, sectionOptions)) figures.push(await figure(f.title, f.caption, f.draw));
  for (const c of options.curves ?? []) {
    figures.push(await figure(c.title, '', () => curvesSvg(c.series, { ...(c.xTitle ? { xTitle: c.xTitle } : {}), ...(c.yTitle ? { yTitle: c.yTitle } : {}) })));
  }
  figures.push(await figure('The factor graph', 'Unrolled over the first time slices: circles are variables (O_t shaded: observed, = 1), dark boxes the factors. Laid out by Graphviz (WebAssembly).', () => factorGraphSvg(g, options.slices !== undefined ? { slices: options.slices } : {})));

  const title = options.title ?? 'control-as-inference report';
  const rows: [string, string][] = [
    ['engine', `${post.engine}: ${post.exactness.policy}`],
    ['size', `|S| = ${summary.states ?? '∞ (simulated)'}, |A| = ${summary.actions}, T = ${Number.isFinite(post.horizon) ? post.horizon : `∞ (γ = ${summary.gamma})`}, α = ${summary.alpha}`],
    ['log p(O)', evidenceText(post.evidence, 4, summary.alpha)],
    ['what it is', post.evidence.description],
    ['value α·log p(O)', Number.isFinite(post.value) ? post.value.toFixed(4) : String(post.value)],
    ...(post.convergence ? [['converged', `${post.convergence.iterations} sweeps, residual ${post.convergence.residual.toExponential(2)}`] as [string, string]] : []),
    ...post.exactness.notes.map((n) => ['note', n] as [string, string]),
  ];
  const policy = summary.policy;
  const policyHtml = policy
    ? `<h2>${policy.kind === 'policy' ? `Policy at t = 0 in s₀ = ${esc(show(policy.state))}` : 'p(a₀ | O), the action marginal at t = 0'}</h2>
<table class="policy"><tbody>${policy.actions
        .map((a, i) => {
          const p = policy.probs[i]!;
          return `<tr><th>${esc(typeof a === 'string' ? a : show(a))}</th><td class="num">${p.toFixed(3)}</td><td><span class="bar" style="width:${(p * 200).toFixed(1)}px"></span></td></tr>`;
        })
        .join('')}</tbody></table>`
    : `<p class="note">Policy at t = 0: ${esc(summary.policyUnavailable ?? 'not available')}</p>`;

  // A POMDP's beliefs and belief policy come first among the figures (a table, not a picture).
  const figureHtml = (isBeliefPosterior(post) ? beliefSectionHtml(beliefSection(post)) + '\n' : '') + figures
    .map((f, i) =>
      f.svg !== undefined
        ? `<figure id="figure-${i + 1}"><h2>${esc(f.title)}</h2>${embedSvg(f.svg, `f${i + 1}`)}${f.caption ? `<figcaption>${esc(f.caption)}</figcaption>` : ''}</figure>`
        : `<figure id="figure-${i + 1}" class="missing"><h2>${esc(f.title)}</h2><p class="note">Not drawn: ${esc(f.missing ?? '')}</p></figure>`,
    )
    .join('\n');

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
${policyHtml}
</section>
${(options.tables ?? []).map(tableHtml).join('\n')}
${figureHtml}
</main>
<footer>Made by control-as-inference. Pictures: Vega-Lite and Graphviz (WebAssembly), rendered to SVG when the page was written; the page runs no script.</footer>
</body>
</html>
`;
}

function tableHtml(t: ReportTable): string {
  const head = t.header.some((h) => h !== '') ? `<thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  const body = t.rows.map((r) => `<tr>${r.map((c, j) => (j === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('');
  return `<section class="numbers"><h2>${esc(t.title)}</h2><table class="facts">${head}<tbody>${body}</tbody></table>${t.caption ? `<p class="note">${esc(t.caption)}</p>` : ''}</section>`;
}

/** Draw one figure; a query the engine cannot answer leaves a note with its reason instead. */
async function figure(title: string, caption: string, draw: () => Promise<string>): Promise<Figure> {
  try {
    return { title, caption, svg: await draw() };
  } catch (error) {
    if (isCaiError(error) && (error.code === 'unsupported-query' || error.code === 'option-invalid' || error.code === 'infeasible')) return { title, caption, missing: error.message };
    throw error;
  }
}
