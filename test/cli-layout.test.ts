/**
 * Grid layouts through `cai` (issue 18, points 2 and 6): a factored state's
 * `cellOf` receives the whole record; a layout that cannot place the states
 * drops the grid pictures with a warning and never stops `cai run`, `cai
 * report` or the numbers; `--layout grid:WxH` and `--var x,y` give a layout
 * from the shell, and the advice `cai` prints is advice a shell user can act on.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exact, infer, valueGrid } from '../src/index.js';
import grid, { oneVariableLayout } from './cli-models/factored-grid.js';
import inventory from './cli-models/inventory.js';
import { runCai } from './helpers/cai.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const GRID = 'test/cli-models/factored-grid.ts';
const INVENTORY = 'test/cli-models/inventory.ts';

const cai = (argv: string[]) => runCai(argv, root);

/** Numbers Vega wrote into the heatmap's cells: the value of every 'rect mark' that has one. */
function drawnValues(svg: string): { x: number; y: number; V: number }[] {
  const num = (t: string) => Number(t.replace('−', '-'));
  return [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="rect mark"/g)].flatMap((m) => {
    const f = Object.fromEntries(m[1]!.split('; ').map((p) => [p.slice(0, p.indexOf(': ')), p.slice(p.indexOf(': ') + 2)]));
    // The value's field is named by the colour legend: 'V' in the report, 'V_0' from `cai plot`.
    const v = f['V'] ?? f['V_0'];
    return v === undefined || f['x0'] === undefined ? [] : [{ x: num(f['x0']) + 0.47, y: num(f['y0']!) + 0.47, V: num(v) }];
  });
}

describe('a factored state with a layout', () => {
  const post = infer(grid, exact());

  it('cai run prints the grids; cellOf receives the whole record {x, y}', async () => {
    const r = await cai(['run', GRID]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`log p(O)   ${post.logEvidence.toFixed(4)}  (exact)`);
    expect(r.out).toContain(valueGrid(post.graph, post.V(0), { digits: 1 }).split('\n')[0]!.trimStart());
  });

  it('cai report draws the heatmap, whose numbers equal V_0 to 1e-9', async () => {
    const r = await cai(['report', GRID, '--out', 'grid.html', '--samples', '3']);
    expect(r.code).toBe(0);
    const html = [...r.files.values()][0]!;
    expect(html).not.toContain('Not drawn');
    const V = post.V(0);
    const cells = drawnValues(html);
    const finite = post.graph.states.values.filter((_, s) => Number.isFinite(V[s]!));
    expect(cells.length).toBe(finite.length);
    post.graph.states.values.forEach((c, s) => {
      if (!Number.isFinite(V[s]!)) return;
      const drawn = cells.find((d) => Math.abs(d.x - c.x) < 1e-9 && Math.abs(d.y - c.y) < 1e-9)!;
      expect(Math.abs(drawn.V - V[s]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(V[s]!)));
    });
  });
});

describe('a layout that fails drops the pictures, never the numbers', () => {
  const post = infer(oneVariableLayout, exact());

  it('cai run warns and prints the numbers', async () => {
    const r = await cai(['run', GRID, '--export', 'oneVariableLayout']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`log p(O)   ${post.logEvidence.toFixed(4)}  (exact)`);
    expect(r.out).not.toContain('V_0(s)');
    expect(r.err).toMatch(/^warning: layout: layout\.cellOf\(\{x:0,y:0\}\) is \{x:\{x:0,y:0\},y:0\}, outside the 4 × 1 grid\. The grid pictures are left out \(the numbers are not affected\); fix the layout in your model file, or draw with --layout grid:8x4 \(states row by row\) or --var x,y/);
    const json = JSON.parse((await cai(['run', GRID, '--export', 'oneVariableLayout', '--json'])).out) as { warnings: string[] };
    expect(json.warnings[0]).toContain('the grids are left out: layout: layout.cellOf');
  });

  it('a cellOf that throws is a warning too; cai report writes the page with a note', async () => {
    const r = await cai(['report', GRID, '--export', 'throwingLayout', '--out', 'x.html', '--samples', '2']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: layout: layout.cellOf threw at s={x:3,y:2}: no cell for the corner;');
    const html = [...r.files.values()][0]!;
    expect(html).toContain('Not drawn: valueHeatmapSvg: layout.cellOf threw at s={x:3,y:2}');
    expect(html).toContain('log p(O)');
  });

  it('--var x,y replaces the failing layout', async () => {
    const r = await cai(['run', GRID, '--export', 'oneVariableLayout', '--var', 'x,y']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('V_0(s)');
  });
});

describe('cai advice speaks command line', () => {
  const post = infer(inventory, exact());

  it('cai plot on a model with no layout names --layout, --var and the model file, never a JavaScript option', async () => {
    const r = await cai(['plot', INVENTORY]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("plot --kind values: the model's states have no grid layout; give one with --layout grid:8x4 (states row by row), --var x,y (two fields of the state record), or add `layout` to the state in your model file. --kind marginals draws any model");
    expect(r.err).not.toContain('{ layout }');
  });

  it('--layout grid:5x2 numbers the states row by row; --var stock,regime places them by field', async () => {
    const byGrid = await cai(['plot', INVENTORY, '--layout', 'grid:5x2']);
    expect(byGrid.code).toBe(0);
    const V = post.V(0);
    const cells = drawnValues(byGrid.out);
    expect(cells.length).toBe(10);
    // grid:5x2 puts state index s at (s mod 5, ⌊s/5⌋).
    for (let s = 0; s < 10; s++) {
      const d = cells.find((c) => Math.abs(c.x - (s % 5)) < 1e-9 && Math.abs(c.y - Math.floor(s / 5)) < 1e-9)!;
      expect(Math.abs(d.V - V[s]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(V[s]!)));
    }
    const byVar = await cai(['plot', INVENTORY, '--var', 'stock,regime']);
    expect(byVar.code).toBe(0);
    const placed = drawnValues(byVar.out);
    post.graph.states.values.forEach((v, s) => {
      const { stock, regime } = v as { stock: number; regime: string };
      // Columns: stock 0 … 4; rows: regime values in ascending order ('hi' before 'lo').
      const d = placed.find((c) => Math.abs(c.x - stock) < 1e-9 && Math.abs(c.y - (regime === 'hi' ? 0 : 1)) < 1e-9)!;
      expect(Math.abs(d.V - V[s]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(V[s]!)));
    });
  });

  it('a layout flag that cannot apply says what would', async () => {
    expect((await cai(['run', INVENTORY, '--layout', 'grid:2x2'])).err).toContain('--layout grid:2x2 has 4 cells for 10 states; give at least 10 cells (e.g. grid:2x5)');
    expect((await cai(['run', INVENTORY, '--var', 'x,y'])).err).toContain("--var x,y: the states have no field 'x'; their fields are stock, regime");
    const bad = await cai(['run', INVENTORY, '--layout', '8x4']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("expected grid:WIDTHxHEIGHT with positive integers, e.g. grid:8x4, got '8x4'");
  });
});

describe('library advice becomes flags on the command line', () => {
  it('importance on an infinite horizon asks for --steps H, which exists', async () => {
    const SB = [INVENTORY, '--export', 'discounted'];
    const r = await cai(['run', ...SB, '--engine', 'importance', '--particles', '50']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('give --steps H to weight the first H decisions');
    expect(r.err).not.toContain('{ steps');
    const ok = await cai(['run', ...SB, '--engine', 'importance', '--particles', '50', '--steps', '5']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/log p\(O\)\s+-?\d+\.\d+ ± /);
  });
});
