/**
 * The text pictures, pinned as exact strings: alignment, ties, infeasible
 * rows, cells without a state, paths, tables, and the errors that refuse a
 * picture that would mislead (two states in one cell, unknown arrows).
 */
import { describe, expect, it } from 'vitest';
import { action, compile, deterministic, horizon, model, optimality, state, transition, CaiError } from '../src/index.js';
import { formatNumber, policyGrid, sideBySide, table, trajectoryGrid, valueGrid, type PolicySource } from '../src/viz/index.js';

interface Cell {
  readonly x: number;
  readonly y: number;
}

/** A 3 × 2 grid whose cell (1, 1) holds no state; states in the order listed. */
const cells: Cell[] = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 2, y: 0 },
  { x: 0, y: 1 },
  { x: 2, y: 1 },
];
const grid: PolicySource<Cell, string> = {
  states: { values: cells },
  actions: { values: ['N', 'S', 'E', 'W'] },
  layout: { width: 3, height: 2, cellOf: (c) => c },
};

describe('valueGrid', () => {
  it('right-aligns numbers to the widest cell, marks -∞, and fills cells without a state', () => {
    const text = valueGrid(grid, [1.25, -10, 0.04, -Infinity, 3], { digits: 1 });
    expect(text).toBe(['  1.3 -10.0   0.0', '   -∞     ·   3.0'].join('\n'));
  });

  it('never prints -0.0, and honours digits, marks and empty', () => {
    const text = valueGrid(grid, [-0.04, 2, 3, 4, 5], { digits: 0, marks: (c) => (c.x === 2 && c.y === 0 ? 'G' : undefined), empty: '#' });
    expect(text).toBe(['0 2 G', '4 # 5'].join('\n'));
    expect(formatNumber(-0.0001, 2)).toBe('0.00');
    expect(formatNumber(-0.006, 2)).toBe('-0.01');
  });

  it('reads the layout hint of a compiled model', () => {
    const m = model<Cell, string>(
      state('cell', cells, { layout: { width: 3, height: 2, cellOf: (c: Cell) => c } }),
      action('move', ['N']),
      transition((c: Cell) => deterministic(c)),
      optimality(() => 0),
      horizon(1),
    );
    expect(valueGrid(compile(m), [1, 2, 3, 4, 5], { digits: 0 })).toBe('1 2 3\n4 · 5');
  });

  it('refuses a values array of the wrong length, a missing layout, and two states in one cell', () => {
    expect(() => valueGrid(grid, [1, 2, 3])).toThrow(/values has length 3; expected 5/);
    expect(() => valueGrid({ states: { values: cells }, layout: undefined }, [1, 2, 3, 4, 5])).toThrow(/no layout/);
    const clash = { states: { values: cells }, layout: { width: 3, height: 2, cellOf: (c: Cell) => ({ x: c.x, y: 0 }) } };
    expect(() => valueGrid(clash, [1, 2, 3, 4, 5])).toThrow(CaiError);
    expect(() => valueGrid(clash, [1, 2, 3, 4, 5])).toThrow(/share the cell \(0, 0\)/);
    const outside = { states: { values: cells }, layout: { width: 2, height: 2, cellOf: (c: Cell) => c } };
    expect(() => valueGrid(outside, [1, 2, 3, 4, 5])).toThrow(/outside the 2 × 2 grid/);
  });
});

describe('policyGrid', () => {
  // Rows: N S E W per state.
  const policy = [
    1, 0, 0, 0, // (0,0) ↑
    0, 0.5, 0.5, 0, // (1,0) a tie: ↓→
    0, 0, 0, 0, // (2,0) infeasible
    0.25, 0.25, 0.25, 0.25, // (0,1) all four
    0.1, 0.2, 0.3, 0.4, // (2,1) ←
  ];

  it('draws the most probable actions, every tie, and × for an all-zero row', () => {
    expect(policyGrid(grid, policy)).toBe(['↑    ↓→   ×', '↑↓→← ·    ←'].join('\n'));
  });

  it('counts actions within the tolerance as tied', () => {
    const near = [...policy];
    near.splice(16, 4, 0.1, 0.2, 0.35, 0.35 + 1e-9);
    expect(policyGrid(grid, near).split('\n')[1]).toBe('↑↓→← ·    →←');
    expect(policyGrid(grid, near, { tolerance: 0 }).split('\n')[1]).toBe('↑↓→← ·    ←');
  });

  it('takes a user arrow map, by name or as a function', () => {
    const jumpy: PolicySource<Cell, string> = { ...grid, actions: { values: ['hop', 'skip'] } };
    const two = [1, 0, 0, 1, 0.5, 0.5, 1, 0, 0, 1];
    expect(policyGrid(jumpy, two, { arrows: { hop: '^', skip: '>' } })).toBe(['^  >  ^>', '^  ·  >'].join('\n'));
    expect(policyGrid(jumpy, two, { arrows: (a) => a[0]! })).toBe(['h  s  hs', 'h  ·  s'].join('\n'));
  });

  it('knows up/down/left/right and north/south/east/west, in any case', () => {
    const named: PolicySource<Cell, string> = { ...grid, actions: { values: ['Up', 'down', 'LEFT', 'right'] } };
    expect(policyGrid(named, policy)).toBe(['↑    ↓←   ×', '↑↓←→ ·    →'].join('\n'));
  });

  it('refuses an action it has no arrow for, naming it', () => {
    const odd: PolicySource<Cell, string> = { ...grid, actions: { values: ['N', 'jump'] } };
    expect(() => policyGrid(odd, new Array(10).fill(0.5))).toThrow(/no arrow for action 'jump'/);
  });
});

describe('trajectoryGrid', () => {
  it('draws the move that left each cell, ◎ at the end, the latest move on top; staying draws nothing', () => {
    const path = { states: [cells[3]!, cells[0]!, cells[0]!, cells[1]!, cells[0]!, cells[1]!, cells[2]!, cells[4]!, cells[4]!] };
    expect(trajectoryGrid(grid, path)).toBe(['→ → ↓', '↑   ◎'].join('\n'));
    const diagonal = { states: [cells[3]!, cells[1]!, cells[4]!] };
    expect(trajectoryGrid(grid, diagonal)).toBe(['· ↘ ·', '↗   ◎'].join('\n'));
  });

  it('leaves unvisited states as ·, and marks win over the path', () => {
    const path = { states: [cells[0]!, cells[1]!] };
    expect(trajectoryGrid(grid, path, { marks: (c) => (c.x === 1 && c.y === 0 ? 'G' : undefined), empty: '#' })).toBe(['→ G ·', '· # ·'].join('\n'));
  });
});

describe('table and sideBySide', () => {
  it('aligns numbers right and text left, with an optional rule', () => {
    const text = table(
      [
        ['backup', 'log Z'],
        ['posterior', -12.25],
        ['fixed-dynamics', -3.5],
      ],
      { digits: 2, header: true },
    );
    expect(text).toBe(['backup           log Z', '──────────────  ──────', 'posterior       -12.25', 'fixed-dynamics   -3.50'].join('\n'));
    expect(table([['x', 'n'], ['a', 5], ['b', 'ten']])).toBe(['x    n', 'a    5', 'b  ten'].join('\n'));
  });

  it('prints numbers as String(n) without digits, and ragged rows', () => {
    expect(table([['a', 1], ['bb', 22, 'x']], { gap: 1 })).toBe(['a   1', 'bb 22 x'].join('\n'));
  });

  it('puts blocks side by side under their titles', () => {
    expect(sideBySide(['a\nbb', 'ccc'], { titles: ['one', 'two'], gap: 2 })).toBe(['one  two', 'a    ccc', 'bb'].join('\n'));
  });
});
