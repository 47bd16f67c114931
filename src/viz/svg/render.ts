/**
 * Vega-Lite specifications rendered to SVG strings in Node, with no browser,
 * no canvas and no network: Vega's headless `View` (renderer 'none') writes
 * the SVG scenegraph itself, and every chart here carries its data inline.
 *
 * Vega is imported on first use, so `import 'control-as-inference'` and
 * commands that draw nothing (`cai run`) do not pay for loading it.
 */
import type { TopLevelSpec } from 'vega-lite';

/** One font stack for every chart, so pictures match each other and the report page. */
export const FONT = 'Helvetica, Arial, sans-serif';

/** Shared look: no outer padding surprises, readable axis labels. */
export const BASE_CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: false },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13, anchor: 'start' as const },
};

let modules: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

function load(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/**
 * Render a Vega-Lite spec (inline data only) to a standalone SVG document.
 * A loader that refuses every request guarantees that a spec can never reach
 * for a file or URL (a chart with a `url` data source fails instead of fetching).
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await load();
  const compiled = vegaLite.compile(spec).spec;
  const refuse = vega.loader();
  refuse.load = () => Promise.reject(new Error('charts carry their data inline; loading is disabled'));
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refuse, logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
