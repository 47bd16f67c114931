/**
 * The playground's engine room, free of the DOM so that it runs in a Web
 * Worker and in Node alike: transpile the user's TypeScript (sucrase, which
 * keeps every line where it was, so stack frames point at the user's lines),
 * evaluate it as a CommonJS module whose `require('control-as-inference')` is
 * the package, find the model the way `cai run` does, apply the page's
 * settings, run the engine and turn the posterior into plain data.
 */
import { transform } from 'sucrase';
import {
  CaiError,
  exact,
  extend,
  importance,
  infer,
  marginalsSvg,
  PACKAGES,
  pseudoLikelihoodEM,
  softActorCritic,
  softQLearning,
  temperature,
  valueHeatmapSvg,
  variational,
  virel,
  type Engine,
  type EngineInput,
  type FactorGraph,
  type Model,
  type Posterior,
  type RunContext,
} from './lib.js';
import type { GridGeometry, PolicyRow, Rollout, RunRequest, RunResult, Settings, ShownError } from './protocol.js';

/** Start states shown in the policy table; rollouts drawn; steps drawn for an infinite horizon. */
const MAX_START_ROWS = 8;
const MAX_SAMPLES = 24;
const INFINITE_STEPS = 30;

type Exports = Record<string, unknown>;

/**
 * Evaluate TypeScript source as a module. `import … from 'control-as-inference'` gets the package;
 * `import … from './name.js'` gets another module of `modules` (the examples import each other).
 */
export function evaluateModule(source: string, file: string, modules: Readonly<Record<string, string>>, cache = new Map<string, Exports>()): Exports {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  const js = transform(source, { transforms: ['typescript', 'imports'], filePath: file }).code;
  const module = { exports: {} as Exports };
  cache.set(file, module.exports);
  const require = (spec: string): unknown => {
    if (Object.hasOwn(PACKAGES, spec)) return PACKAGES[spec];
    const name = /^\.\/([\w-]+)(\.js|\.ts)?$/.exec(spec)?.[1];
    const text = name === undefined ? undefined : modules[name];
    if (name === undefined || text === undefined) {
      const known = Object.keys(modules).map((m) => `'./${m}.js'`);
      const packages = Object.keys(PACKAGES).map((p) => `'${p}'`);
      throw new Error(`${file}: cannot import '${spec}'; the page provides ${[...packages, ...known].join(', ')}`);
    }
    return evaluateModule(text, `${name}.ts`, modules, cache);
  };
  // Indirect eval in global scope; the wrapper opens on line 1 so that lines stay the user's, and
  // sourceURL names the file in stack frames (file:line:column), which is how errors find their line.
  const wrapped = `(function (require, exports, module) {${js}\n})\n//# sourceURL=${file}`;
  const run = (0, eval)(wrapped) as (r: typeof require, e: Exports, m: { exports: Exports }) => void;
  run(require, module.exports, module);
  return module.exports;
}

/** What `model(...)` returns: a frozen `{ kind: 'model', parts }`. */
function isModel(value: unknown): value is Model<unknown, unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'model' && Array.isArray((value as { parts?: unknown }).parts);
}

/** The model of a module, looked for as `cai run` does: `default`, then `model` (or the named export), a model or a factory of no arguments. */
export function modelOf(exports: Exports, exportName: string): { model: Model<unknown, unknown>; from: string } {
  const names = exportName !== '' ? [exportName] : ['default', 'model'];
  for (const name of names) {
    const value = exports[name];
    if (value === undefined) continue;
    if (isModel(value)) return { model: value, from: name };
    if (typeof value === 'function' && value.length === 0) {
      const made: unknown = (value as () => unknown)();
      if (isModel(made)) return { model: made, from: `${name}()` };
    }
  }
  const exported = Object.keys(exports).filter((k) => k !== '__esModule');
  throw new Error(
    `the code exports no model as ${names.map((n) => `'${n}'`).join(' or ')} (a model, or a function of no arguments that returns one); it exports: ${exported.join(', ') || 'nothing'}. Add \`export default model(...)\` or name the export in the Export field`,
  );
}

/** The engine of the settings, with only the options it reads (an engine refuses options it does not know). */
export function engineOf(s: Settings): Engine<unknown, EngineInput> {
  const seed = { seed: s.seed };
  const steps = s.steps !== null ? { steps: s.steps } : {};
  switch (s.engine) {
    case 'exact':
      return exact({ backup: s.backup }) as Engine<unknown, EngineInput>;
    case 'variational':
      return variational({ ...steps, ...seed }) as Engine<unknown, EngineInput>;
    case 'importance':
      return importance({ ...(s.particles !== null ? { particles: s.particles } : {}), ...seed }) as Engine<unknown, EngineInput>;
    case 'softQLearning':
      return softQLearning({ ...steps, ...seed }) as Engine<unknown, EngineInput>;
    case 'softActorCritic':
      return softActorCritic({ ...steps, ...seed }) as Engine<unknown, EngineInput>;
    case 'virel':
      return virel({ ...steps, ...seed }) as Engine<unknown, EngineInput>;
    case 'pseudoLikelihoodEM':
      return pseudoLikelihoodEM({ ...steps, ...seed }) as Engine<unknown, EngineInput>;
  }
}

/** A short label of a state or action value: numbers and strings as they are, records as {x:0,y:3}. */
export function label(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map(label).join(',')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${k}:${label(x)}`).join(',')}}`;
}

/** Run the request's code with its settings and describe the posterior. Throws what the code or the library throws. */
export async function runModel(request: RunRequest, progress?: RunContext['progress']): Promise<RunResult> {
  const started = performance.now();
  const { settings } = request;
  const exports = evaluateModule(request.source, request.file, request.modules);
  const found = modelOf(exports, settings.exportName);
  const m = settings.alpha !== null ? extend(found.model, temperature(settings.alpha)) : found.model;
  const post = infer(m, engineOf(settings), progress !== undefined ? { progress } : {}) as Posterior<unknown, unknown, EngineInput>;
  const notes: string[] = [];
  const graph = post.graph.kind === 'factor-graph' ? (post.graph as FactorGraph<unknown, unknown>) : undefined;
  const modelAlpha = settings.alpha !== null ? modelAlphaOf(found.model) : post.graph.alpha;
  const actions = graph !== undefined ? graph.actions.values.map(label) : [];

  const startPolicy: PolicyRow[] = [];
  let valuesSvg: string | null = null;
  let marginals: string | null = null;
  let grid: GridGeometry | null = null;
  let rollouts: Rollout[] = [];
  if (graph === undefined) {
    notes.push('The state has no finite domain (a simulated model): no value grid, policy table or marginals to draw.');
  } else {
    const attempt = async (what: string, f: () => unknown) => {
      try {
        await f();
      } catch (error) {
        if (!(error instanceof CaiError)) throw error;
        notes.push(`${what}: ${error.message}`);
      }
    };
    await attempt('π_0', () => {
      const table = post.policyTable(0);
      const starts = Array.from(graph.initial.keys()).filter((s) => graph.initial[s]! > 0);
      for (const s of starts.slice(0, MAX_START_ROWS)) startPolicy.push({ state: label(graph.states.values[s]), probs: Array.from(table.subarray(s * graph.nA, (s + 1) * graph.nA)) });
      if (starts.length > MAX_START_ROWS) notes.push(`π_0 is shown at ${MAX_START_ROWS} of the ${starts.length} start states.`);
    });
    if (graph.layout !== undefined) {
      await attempt('values', async () => {
        const V0 = post.V(0);
        valuesSvg = await valueHeatmapSvg(graph, V0, { policy: post.policyTable(0), title: 'V_0(s) and the most probable moves of π_0' });
        grid = geometry(graph, V0);
      });
      await attempt('rollouts', () => {
        const steps = Number.isFinite(post.horizon) ? {} : { steps: INFINITE_STEPS };
        const n = Math.max(1, Math.min(MAX_SAMPLES, settings.samples));
        rollouts = post.sample(n, { seed: settings.seed, ...steps }).map((tr) => rolloutOf(graph, tr.states, tr.actions));
      });
    } else {
      notes.push('The state has no grid layout (state(name, values, { layout })): no value grid or animated rollout.');
    }
    await attempt('marginals', async () => {
      marginals = await marginalsSvg(post as Posterior<unknown, unknown>, { title: 'State marginals p(s_t | O) over time', label, ...(Number.isFinite(post.horizon) ? {} : { steps: INFINITE_STEPS }) });
    });
  }
  const e = post.evidence;
  return {
    engine: post.engine,
    evidence: { kind: e.kind, logValue: e.logValue, standardError: e.standardError ?? null, description: e.description },
    alpha: post.graph.alpha,
    modelAlpha,
    horizon: post.horizon,
    from: found.from,
    actions,
    startPolicy,
    valuesSvg,
    marginalsSvg: marginals,
    grid,
    rollouts,
    notes,
    elapsedMs: performance.now() - started,
  };
}

/** The model's own α, for the page's slider: its temperature part, or the default 1. */
function modelAlphaOf(m: Model<unknown, unknown>): number {
  const part = m.parts.find((p) => p.kind === 'temperature');
  return part !== undefined && part.kind === 'temperature' ? part.alpha : 1;
}

function geometry(graph: FactorGraph<unknown, unknown>, V0: Float64Array): GridGeometry {
  const layout = graph.layout!;
  const cells = graph.states.values.map((v) => {
    const c = layout.cellOf(v);
    return c === undefined ? null : { x: c.x, y: c.y };
  });
  return { width: layout.width, height: layout.height, cells, infeasible: Array.from(V0, (v) => v === -Infinity) };
}

/**
 * Indices of a sampled trajectory, with its slips: step t → t+1 is a slip when s_{t+1} is not among the
 * most probable successors of (s_t, a_t), i.e. p(s_{t+1} | s_t, a_t) < max_{s'} p(s' | s_t, a_t).
 */
export function rolloutOf(graph: FactorGraph<unknown, unknown>, states: readonly unknown[], actions: readonly unknown[]): Rollout {
  const s = states.map((v) => graph.states.indexOf(v));
  const a = actions.map((v) => graph.actions.indexOf(v));
  const { rowStart, next, prob } = graph.dynamics;
  const slips: boolean[] = [];
  for (let t = 0; t + 1 < s.length && t < a.length; t++) {
    const row = s[t]! * graph.nA + a[t]!;
    let best = 0;
    let taken = 0;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
      best = Math.max(best, prob[k]!);
      if (next[k] === s[t + 1]) taken = prob[k]!;
    }
    slips.push(taken < best);
  }
  return { states: s, actions: a, slips };
}

/** The line of the user's code that an error points at: its stack (or its cause's), a syntax error's position, or the part's name. */
export function shownError(error: unknown, source: string, file: string): ShownError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof CaiError ? e.code : null;
  const fromStack = lineInStack(e, file);
  if (fromStack !== null) return { name: e.name, code, message: e.message, line: fromStack, lineFrom: 'stack' };
  const loc = (e as { loc?: { line?: unknown } }).loc;
  if (e instanceof SyntaxError && typeof loc?.line === 'number') return { name: e.name, code, message: e.message, line: loc.line, lineFrom: 'syntax' };
  const part = e instanceof CaiError ? lineOfPart(e.part, source) : null;
  return { name: e.name, code, message: e.message, line: part, lineFrom: part !== null ? 'part' : null };
}

/** The first frame `file:line:column` in the error's stack or, failing that, in its causes'. */
function lineInStack(e: unknown, file: string): number | null {
  // The name alone, after a space or '(' (V8 writes `at eval (model.ts:6:11)`), not the library's own …/dsl/model.ts.
  const frame = new RegExp(`[\\s(]${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`);
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) {
    const hit = frame.exec(x.stack ?? '');
    if (hit !== null) return Number(hit[1]);
  }
  return null;
}

/** The line where a part such as "state('cell')" or "transition" is written: its call, e.g. `state('cell'` or `transition(`. */
function lineOfPart(part: string | undefined, source: string): number | null {
  if (part === undefined) return null;
  const call = /^([\w.]+)(\('[^']*')?/.exec(part);
  if (call === null || call[1] === 'model') return null;
  const needle = call[2] !== undefined ? `${call[1]}${call[2]}` : `${call[1]}(`;
  const at = source.indexOf(needle);
  return at < 0 ? null : source.slice(0, at).split('\n').length;
}
