/**
 * The time-unrolled factor graph drawn with Graphviz: built as a graph model
 * with ts-graphviz and laid out by Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz), so no `dot` binary is needed. Variables are
 * circles (O_t shaded: observed, = 1), factors small squares named by the
 * distribution they hold; each time slice is a column.
 *
 *     p(τ, O) = p(s_0) Π_t p(a_t|s_t) p(O_t|s_t,a_t) p(s_{t+1}|s_t,a_t)   [· exp(r_T(s_T)/α)]
 *
 * A model that can only be simulated (no tables) is drawn from its structure:
 * the same variables and factors, with the dynamics drawn grey (a sampler, no table).
 */
import { attribute as _, graph as undirected, toDot, type NodeModel, type GraphBaseModel } from 'ts-graphviz';
import { describeArgument } from '../compile/arguments.js';
import { fail, show, thrownText } from '../errors.js';
import type { UnrolledGraph } from '../types/factor-graph.js';
import type { CompiledModel } from '../types/simulator.js';

/** Options of `factorGraphDot` and `factorGraphSvg`. */
export interface FactorGraphDrawOptions {
  /** Time slices to draw (default: min(T, 3); an infinite horizon draws 3 and a '…'). */
  readonly slices?: number;
}

const PART = 'factorGraph';
const FONT = 'Helvetica,Arial,sans-serif';

/**
 * Graphviz DOT of the unrolled factor graph, built with ts-graphviz.
 * @example console.log(factorGraphDot(compile(gridworld), { slices: 2 }));
 */
export function factorGraphDot(graph: CompiledModel, options: FactorGraphDrawOptions = {}): string {
  requireGraph(graph);
  const T = graph.horizon;
  const slices = options.slices ?? Math.min(T, 3);
  if (!Number.isInteger(slices) || slices < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: slices must be a positive integer, got ${show(slices)}` });
  const unrolled = graph.kind === 'factor-graph' ? graph.unrolled({ slices }) : structural(graph.horizon, Math.min(slices, T), graph.simulator.hasTerminal);
  const nnz = graph.kind === 'factor-graph' ? `, nnz=${graph.dynamics.nnz}` : '';
  const size = graph.kind === 'factor-graph' ? `|S|=${graph.nS}, |A|=${graph.nA}` : `|S|=${graph.states ? graph.states.size : '∞ (simulated)'}, |A|=${graph.nA}`;
  const title = `${size}, T=${T}, γ=${graph.gamma}, α=${graph.alpha}${nnz}`;

  const g = undirected('factor_graph', { [_.rankdir]: 'LR', [_.label]: title, [_.labelloc]: 't', [_.fontname]: FONT, [_.fontsize]: 12, [_.nodesep]: 0.3, [_.ranksep]: 0.35 }, (root) => {
    root.attributes.node.apply({ [_.fontname]: FONT, [_.fontsize]: 11 });
    root.attributes.edge.apply({ [_.color]: '#555555' });
    const nodes = new Map<string, NodeModel>();
    let outside: NodeModel | undefined;
    const slicesShown = Math.max(...unrolled.variables.map((v) => v.t)) + 1;
    // One cluster per time slice keeps s_t, a_t and O_t in one column.
    for (let t = 0; t < slicesShown; t++) {
      root.subgraph(`cluster_t${t}`, { [_.label]: `t = ${t}`, [_.color]: '#dddddd', [_.fontcolor]: '#777777', [_.fontsize]: 10 }, (slice: GraphBaseModel) => {
        for (const v of unrolled.variables.filter((x) => x.t === t)) {
          const fill = v.kind === 'optimality' ? '#d9d9d9' : v.kind === 'action' ? '#dbe9f6' : v.kind === 'observation' ? '#fdf0d5' : '#ffffff';
          nodes.set(v.name, slice.node(dotText(v.name), { [_.shape]: 'circle', [_.style]: 'filled', [_.fillcolor]: fill, [_.label]: subscripted(v.name), [_.width]: 0.45, [_.fixedsize]: true, [_.tooltip]: dotText(`${v.kind} variable (${v.domain})`) }));
        }
      });
    }
    unrolled.factors.forEach((f, i) => {
      // A dynamics factor with no table (the transition samples) is drawn grey: it exists only as a simulator.
      const sampled = graph.kind === 'simulator' && f.table === 'dynamics';
      const box = root.node(`f${i}`, { [_.shape]: 'box', [_.style]: 'filled', [_.fillcolor]: sampled ? '#8a8a8a' : '#333333', [_.fontcolor]: '#ffffff', [_.fontsize]: 9, [_.height]: 0.2, [_.margin]: '0.1,0.03', [_.label]: dotText(f.name), [_.tooltip]: dotText(sampled ? `factor ${f.name}: a sampler (no table)` : `factor ${f.name}, table: ${f.table}`) });
      for (const v of f.scope) {
        // The state after the last drawn slice (when the horizon goes on) is drawn outside the slices.
        let node = nodes.get(v);
        if (node === undefined) {
          node = root.node(dotText(v), { [_.shape]: 'circle', [_.style]: 'dashed', [_.label]: subscripted(v), [_.width]: 0.45, [_.fixedsize]: true });
          nodes.set(v, node);
          outside = node;
        }
        // Edge order sets Graphviz's ranks: the factor's parents before it, its child (the last in scope) after,
        // so time runs left to right: s_t → p(a_t|s_t) → a_t → p(s_{t+1}|s_t,a_t) → s_{t+1}.
        const child = v === f.scope[f.scope.length - 1];
        root.edge(child ? [box, node] : [node, box]);
      }
    });
    if (unrolled.truncated) {
      const more = root.node('more', { [_.shape]: 'plaintext', [_.label]: '…', [_.fontsize]: 20, [_.tooltip]: `${T} steps in all` });
      if (outside !== undefined) root.edge([outside, more], { [_.style]: 'dashed' });
    }
  });
  return toDot(g) + '\n';
}

let graphviz: Promise<{ dot(source: string, format?: 'svg'): string }> | undefined;

/**
 * The factor graph as an SVG document, laid out by Graphviz (WebAssembly; loaded on first use).
 * @example writeFileSync('graph.svg', await factorGraphSvg(compile(gridworld)));
 */
export async function factorGraphSvg(graph: CompiledModel, options: FactorGraphDrawOptions = {}): Promise<string> {
  return layoutDot(factorGraphDot(graph, options));
}

/** Any DOT source laid out to SVG by the WebAssembly Graphviz. */
export async function layoutDot(dot: string): Promise<string> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  const layout = await graphviz;
  try {
    return layout.dot(dot, 'svg');
  } catch (error) {
    // Graphviz's own message ("syntax error in line 61") names no part of the library's API.
    return fail({ code: 'argument-invalid', part: 'layoutDot', message: `layoutDot: Graphviz could not lay out the DOT source (${thrownText(error).trim()}); check the DOT text — names with quotes or backslashes must be escaped` }, error);
  }
}

/** `s_0` → an HTML-like label s<sub>0</sub>; other names unchanged. */
function subscripted(name: string): string {
  const m = /^(.*)_(\w+)$/.exec(name);
  return m === null ? dotText(name) : `<${escapeHtml(m[1]!)}<SUB>${escapeHtml(m[2]!)}</SUB>>`;
}

/**
 * A DOT string from any text. ts-graphviz escapes a `"` only when no backslash
 * precedes it and leaves backslashes alone, so a name ending in a backslash
 * escaped the closing quote (invalid DOT) and `\N` or `\l` were read as
 * Graphviz escapes. Escaping both here keeps the text as written; ts-graphviz
 * then turns newlines into `\n`. (HTML-like labels are escaped by escapeHtml.)
 */
export function dotText(text: string): string {
  return text.replace(/[\\"]/g, (c) => '\\' + c);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The unrolled structure of a model with no tables: the same variables and factors, dynamics by sampler. */
function structural(horizon: number, shown: number, terminal: boolean): UnrolledGraph {
  const variables: UnrolledGraph['variables'][number][] = [];
  const factors: UnrolledGraph['factors'][number][] = [];
  for (let t = 0; t < shown; t++) {
    const s = `s_${t}`;
    const a = `a_${t}`;
    const o = `O_${t}`;
    variables.push({ name: s, kind: 'state', t, domain: 'state' }, { name: a, kind: 'action', t, domain: 'action' }, { name: o, kind: 'optimality', t, domain: 'O' });
    if (t === 0) factors.push({ name: 'p(s_0)', table: 'initial', scope: [s], t });
    factors.push({ name: `p(${a}|${s})`, table: 'prior', scope: [s, a], t });
    factors.push({ name: `p(${o}|${s},${a})`, table: 'reward', scope: [s, a, o], t });
    const last = t === horizon - 1;
    if (!last || terminal) {
      const next = `s_${t + 1}`;
      if (last) variables.push({ name: next, kind: 'state', t: t + 1, domain: 'state' });
      factors.push({ name: `p(${next}|${s},${a})`, table: 'dynamics', scope: [s, a, next], t });
      if (last) factors.push({ name: `exp(r_T(${next}))`, table: 'terminal', scope: [next], t: t + 1 });
    }
  }
  return { variables, factors, tables: {}, truncated: shown < horizon };
}

/** factorGraphDot draws a compiled graph; a model (or anything else) is refused with the call to make one. */
function requireGraph(graph: unknown): void {
  const kind = typeof graph === 'object' && graph !== null ? (graph as { kind?: unknown }).kind : undefined;
  if (kind === 'factor-graph' || kind === 'simulator') return;
  const fix = kind === 'model' ? 'got a model, not its compiled graph; pass compileModel(model) (or compile(model))' : `got ${describeArgument(graph)}; pass compileModel(model) (or compile(model))`;
  fail({ code: 'argument-invalid', part: PART, message: `${PART}: expected a compiled factor graph — ${fix}` });
}
