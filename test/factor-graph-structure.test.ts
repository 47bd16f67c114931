/**
 * The factor graph shows the model's true structure (issue 18, point 1): each
 * factor is wired only to the variables it reads. The reference is
 * test/helpers/trace-reads.ts, which calls the model's own functions on every
 * state record through a Proxy and notes the fields they touch (and compares
 * results across actions); it imports nothing from src/. The graph's edges are
 * read back from the DOT that `cai graph` and the report draw.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, extend, factorDependencies, horizon, model, optimality, state, transition } from '../src/index.js';
import type { Model, OptimalityPart, TransitionPart, ActionPart } from '../src/types/model.js';
import { factorGraphDot, factorGraphSvg } from '../src/viz/graph.js';
import { traceReads } from './helpers/trace-reads.js';
import inventory from './cli-models/inventory.js';

type Rec = { x: number; y: number };
const X = [0, 1, 2];
const Y = [0, 1];
const clampX = (n: number) => Math.max(0, Math.min(2, n));

/** x moves with the action; y flips by itself; the reward reads x alone. */
const oneVariable = model<Rec, string>(
  state('x', X, { initial: 0 }),
  state('y', Y, { initial: 0 }),
  action('a', ['l', 'r']),
  transition('x', (s: Rec, a: string) => categorical([[clampX(s.x + (a === 'r' ? 1 : -1)), 0.8], [s.x, 0.2]])),
  transition('y', (s: Rec) => categorical([[1 - s.y, 0.6], [s.y, 0.4]])),
  optimality((s: Rec) => (s.x === 2 ? 0 : -1)),
  horizon(3),
);

/** The reward reads only the action; the action prior reads y. */
const rewardReadsAction = model<Rec, string>(
  state('x', X, { initial: 1 }),
  state('y', Y),
  action('a', ['go', 'wait'], { prior: (s: Rec) => (s.y === 0 ? categorical([['go', 0.7], ['wait', 0.3]]) : categorical([['go', 0.2], ['wait', 0.8]])) }),
  transition('x', (s: Rec, a: string) => categorical([[a === 'go' ? clampX(s.x + 1) : s.x, 1]])),
  transition('y', (s: Rec) => categorical([[s.y, 1]])),
  optimality((_s: Rec, a: string) => (a === 'go' ? -1 : 0)),
  horizon(3),
);

/** Every factor reads everything. */
const fullyConnected = model<Rec, string>(
  state('x', X),
  state('y', Y),
  action('a', ['l', 'r'], { prior: (s: Rec) => categorical([['l', s.x === s.y ? 0.9 : 0.5], ['r', s.x === s.y ? 0.1 : 0.5]]) }),
  transition('x', (s: Rec, a: string) => categorical([[clampX(s.x + s.y + (a === 'r' ? 1 : 0)), 1]])),
  transition('y', (s: Rec, a: string) => categorical([[(s.x + s.y + (a === 'r' ? 1 : 0)) % 2, 1]])),
  optimality((s: Rec, a: string) => s.x * s.y - (a === 'r' ? 0.5 : 0)),
  horizon(3),
);

interface Drawn {
  readonly label: string;
  readonly neighbours: Set<string>;
}

/** Factor boxes of a DOT graph with the variables each is joined to. */
function factorsOf(dot: string): Drawn[] {
  const labels = new Map<string, string>();
  for (const m of dot.matchAll(/"(f\d+)" \[[^\]]*?label = "([^"]*)"/gs)) labels.set(m[1]!, m[2]!);
  const neighbours = new Map<string, Set<string>>([...labels.keys()].map((k) => [k, new Set<string>()]));
  for (const m of dot.matchAll(/"([^"]+)" -- "([^"]+)"/g)) {
    const [u, v] = [m[1]!, m[2]!];
    if (labels.has(u)) neighbours.get(u)!.add(v);
    if (labels.has(v)) neighbours.get(v)!.add(u);
  }
  return [...labels].map(([id, label]) => ({ label, neighbours: neighbours.get(id)! }));
}

/** The variables a factor should touch at slice t: what its function reads, named per slice, plus its child. */
function expected(reads: { variables: string[]; action: boolean }, t: number, child: string): Set<string> {
  return new Set([...reads.variables.map((v) => `${v}_${t}`), ...(reads.action ? [`a_${t}`] : []), child]);
}

function check(m: Model<unknown, unknown>, domains: Record<string, readonly unknown[]>, slices: number): void {
  const parts = m.parts;
  const actions = (parts.find((p) => p.kind === 'action') as ActionPart).domain;
  const dot = factorGraphDot(compile(m), { slices });
  const drawn = factorsOf(dot);
  const at = (prefix: string) => drawn.filter((f) => f.label.startsWith(prefix));
  for (let t = 0; t < slices; t++) {
    for (const p of parts.filter((q): q is TransitionPart => q.kind === 'transition')) {
      const reads = traceReads(domains, actions, (s, a) => p.next(s, a));
      const factor = at(`p(${p.variable}_${t + 1}|`).concat(at(`p(${p.variable}_${t + 1})`));
      expect(factor, `p(${p.variable}_${t + 1}|…)`).toHaveLength(1);
      expect(factor[0]!.neighbours).toEqual(expected(reads, t, `${p.variable}_${t + 1}`));
    }
    const rewards = parts.filter((q): q is OptimalityPart => q.kind === 'optimality');
    const rewardReads = traceReads(domains, actions, (s, a) => rewards.map((r) => r.reward(s, a, t)));
    const o = at(`p(O_${t}`);
    expect(o).toHaveLength(1);
    expect(o[0]!.neighbours).toEqual(expected(rewardReads, t, `O_${t}`));
    const prior = (parts.find((q) => q.kind === 'action') as ActionPart).prior;
    const priorReads = typeof prior === 'function' ? traceReads(domains, actions, (s) => (prior as (s: unknown) => unknown)(s)) : { variables: [], action: false };
    const pa = at(`p(a_${t}`);
    expect(pa).toHaveLength(1);
    expect(pa[0]!.neighbours).toEqual(expected({ ...priorReads, action: false }, t, `a_${t}`));
  }
  // A factored state's initial distribution is one factor per variable.
  for (const v of Object.keys(domains)) expect(at(`p(${v}_0)`).map((f) => [...f.neighbours])).toEqual([[`${v}_0`]]);
}

describe('the factor graph is wired by what each factor reads', () => {
  it('a factor that reads one variable: p(y′|y), a reward of x alone, a fixed action prior', () => {
    check(oneVariable as Model<unknown, unknown>, { x: X, y: Y }, 2);
    // The reference agrees with what the picture claims, spelt out once:
    const deps = factorDependencies(compile(oneVariable));
    expect(deps.dynamics).toEqual({ x: { variables: ['x'], action: true }, y: { variables: ['y'], action: false } });
    expect(deps.reward).toEqual({ variables: ['x'], action: false, time: false });
    expect(deps.prior).toEqual({ variables: [], action: false });
  });

  it('a reward that reads only the action, and an action prior that reads y', () => {
    check(rewardReadsAction as Model<unknown, unknown>, { x: X, y: Y }, 2);
    expect(factorDependencies(compile(rewardReadsAction)).reward).toEqual({ variables: [], action: true, time: false });
  });

  it('a fully connected model keeps every edge', () => {
    check(fullyConnected as Model<unknown, unknown>, { x: X, y: Y }, 2);
  });

  it('the inventory model: p(regime′|regime) reads neither the stock nor the order', async () => {
    check(inventory as Model<unknown, unknown>, { regime: ['lo', 'hi'], stock: [0, 1, 2, 3, 4] }, 2);
    const dot = factorGraphDot(compile(inventory), { slices: 2 });
    expect(dot).toContain('label = "p(regime_1|regime_0)"');
    expect(dot).toContain('label = "p(stock_1|regime_0,stock_0,a_0)"');
    // Names fit their nodes: variable circles are sized by Graphviz to their label, not fixed.
    const svg = await factorGraphSvg(compile(inventory), { slices: 2 });
    const node = /<title>stock_0<\/title>[\s\S]*?<ellipse[^>]*cx="([\d.-]+)"[^>]*rx="([\d.]+)"[\s\S]*?<text[^>]*x="([\d.-]+)"[^>]*>stock<\/text>\s*<text[^>]*x="([\d.-]+)"[^>]*>0<\/text>/.exec(svg);
    expect(node).not.toBeNull();
    const [cx, rx, start, sub] = node!.slice(1).map(Number) as [number, number, number, number];
    // The name starts inside the circle and its subscript (one digit, ~0.6 em of 11 pt) ends inside it.
    expect(start).toBeGreaterThanOrEqual(cx - rx);
    expect(sub + 0.6 * 11).toBeLessThanOrEqual(cx + rx);
  });

  it('a terminal reward of x alone is wired to x_T only', () => {
    const m = extend(oneVariable, optimality.terminal((s: Rec) => (s.x === 2 ? 1 : 0)));
    const reads = traceReads({ x: X, y: Y }, ['l'], (s) => (s.x === 2 ? 1 : 0));
    expect(reads.variables).toEqual(['x']);
    const terminal = factorsOf(factorGraphDot(compile(m), { slices: 3 })).filter((f) => f.label.startsWith('exp(r_T'));
    expect(terminal.map((f) => [f.label, [...f.neighbours]])).toEqual([['exp(r_T(x_3))', ['x_3']]]);
  });

  it('a value compared by value, a spread and a branch do not fool the dependencies', () => {
    // p(y′ | s) compares the whole record by value (reads x and y), but its result depends on y only.
    const m = model<Rec, string>(
      state('x', X, { initial: 0 }),
      state('y', Y, { initial: 0 }),
      action('a', ['l', 'r']),
      transition('x', (s: Rec) => categorical([[{ ...s }.x, 1]])),
      transition('y', (s: Rec) => categorical([[JSON.stringify(s) === '{"x":9,"y":9}' ? 0 : s.y, 1]])),
      optimality((s: Rec, a: string) => (s.x > 5 && a === 'l' ? -1 : 0)), // reads a only on a branch never taken: depends on nothing
      horizon(2),
    );
    const deps = factorDependencies(compile(m));
    expect(deps.dynamics).toEqual({ x: { variables: ['x'], action: false }, y: { variables: ['y'], action: false } });
    expect(deps.reward).toEqual({ variables: [], action: false, time: false });
  });
});
