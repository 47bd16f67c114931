/**
 * Plain-text pictures of grid-shaped state spaces: values, policy arrows and
 * paths, drawn where the state's `layout` hint puts each state, plus aligned
 * tables. Every function returns a string (lines joined by '\n', no trailing
 * newline, no trailing spaces) and prints nothing: the caller decides where
 * the text goes.
 *
 * Widths count code points, so arrows and '−' take one column each, as they
 * do in the usual monospace fonts.
 */
import { argumentError, CaiError, fail, requireArray, show, thrownText } from '../errors.js';
import type { GridLayout } from '../types/model.js';
import { hasFiniteStates, requireGridSource } from './picture-input.js';

/** What the grid functions read from a factor graph (`post.graph` or `compile(m)` both fit). */
export interface GridSource<S> {
  readonly states: { readonly values: readonly S[] };
  readonly layout: GridLayout<S> | undefined;
}

/** A grid source that also names the actions (for policy arrows). */
export interface PolicySource<S, A> extends GridSource<S> {
  readonly actions: { readonly values: readonly A[] };
}

/** Options every grid picture takes. */
export interface GridOptions<S> {
  /** Use this layout instead of (or in the absence of) the graph's layout hint. */
  readonly layout?: GridLayout<S>;
  /** Fixed labels that replace a state's cell content, e.g. `s => isGoal(s) ? 'G' : undefined`. */
  readonly marks?: (s: S) => string | undefined;
  /** What a cell no state maps to shows: '·' in value and policy grids, ' ' in paths (where '·' is an unvisited state). */
  readonly empty?: string;
  /** Column numbers x above the grid and row numbers y down its left side (default false). */
  readonly coordinates?: boolean;
}

/** Options of `valueGrid`. */
export interface ValueGridOptions<S> extends GridOptions<S> {
  /** Digits after the decimal point (default 1). */
  readonly digits?: number;
}

/** How actions become arrows: a table by action name, or a function (undefined: no arrow known). */
export type ArrowMap<A> = Readonly<Record<string, string>> | ((a: A) => string | undefined);

/** Options of `policyGrid`. */
export interface PolicyGridOptions<S, A> extends GridOptions<S> {
  /** Arrow per action; by default actions named N/S/E/W, up/down/left/right, north/…, NE/…, stay. */
  readonly arrows?: ArrowMap<A>;
  /** Actions within this much probability of the most probable one are all drawn (default 1e-6). */
  readonly tolerance?: number;
}

/** A path to draw: the states in order (actions are not needed; the moves are read off the cells). */
export interface Path<S> {
  readonly states: readonly S[];
}

/** Options of `trajectoryGrid`. */
export interface TrajectoryGridOptions<S> extends GridOptions<S> {
  /** What a state cell the path does not visit shows (default '·'). */
  readonly unvisited?: string;
}

/** Options of `table`. */
export interface TableOptions {
  /** Digits after the decimal point for number cells; numbers print as `String(n)` when left out. */
  readonly digits?: number;
  /** Draw a rule under the first row (default false). */
  readonly header?: boolean;
  /** Spaces between columns (default 2). */
  readonly gap?: number;
}

/** Options of `sideBySide`. */
export interface SideBySideOptions {
  /** A title line above each block. */
  readonly titles?: readonly string[];
  /** Spaces between blocks (default 4). */
  readonly gap?: number;
}

/** Mark for a policy row that is all zero: no action keeps O feasible from there. */
export const INFEASIBLE = '×';
/** Default for grid cells that no state maps to. */
export const EMPTY = '·';

/**
 * Action names the default arrow map knows, lower-cased. Names rather than
 * positions because a domain's order is the user's choice; anything else
 * needs an explicit `arrows` map, since guessing a direction would be silent.
 */
const DEFAULT_ARROWS: Readonly<Record<string, string>> = {
  n: '↑', north: '↑', up: '↑', u: '↑',
  s: '↓', south: '↓', down: '↓', d: '↓',
  e: '→', east: '→', right: '→', r: '→',
  w: '←', west: '←', left: '←', l: '←',
  ne: '↗', northeast: '↗', nw: '↖', northwest: '↖',
  se: '↘', southeast: '↘', sw: '↙', southwest: '↙',
  stay: '○', noop: '○', wait: '○', none: '○',
};

/**
 * Aligned numbers laid out by each state's grid cell (x across, y down).
 * `-∞` marks a state from which the optimality evidence is impossible.
 * @example
 * const post = infer(gridworld, exact());
 * console.log(valueGrid(post.graph, post.V(0), { digits: 1 }));
 * //  -3.2 -2.1 -1.0  0.0
 * //  -4.3    · -2.1 -1.0
 */
export function valueGrid<S>(graph: GridSource<S>, values: ArrayLike<number>, options: ValueGridOptions<S> = {}): string {
  const digits = options.digits ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    fail({ code: 'option-invalid', part: 'valueGrid', message: `valueGrid: digits must be an integer in 0 … 20, got ${show(digits)}` });
  }
  checkGraphSource('valueGrid', graph);
  if (typeof values !== 'object' || values === null || typeof (values as { length?: unknown }).length !== 'number') {
    fail({ code: 'argument-invalid', part: 'valueGrid', message: `valueGrid: expected values, one number per state (e.g. post.V(0)), got ${show(values)}` });
  }
  checkLength('valueGrid', 'values', values.length, graph.states.values.length);
  const cells = placeStates('valueGrid', graph, options.layout);
  const text = cells.map((row) => row.map((s) => (s < 0 ? (options.empty ?? EMPTY) : markOr(options, graph, s, () => formatNumber(values[s]!, digits)))));
  return render(numbered(text, options), 'right');
}

/**
 * The most probable action(s) of each state as arrows; several arrows where
 * several actions are within `tolerance` of the maximum (ties, e.g. the hard-max
 * limit), `×` where the row is all zero (an infeasible state).
 * @example
 * console.log(policyGrid(post.graph, post.policyTable(0)));
 * //  → → → ↓
 * //  ↑ · ↑ ↓
 * console.log(policyGrid(graph, table, { arrows: { jump: '⤴', go: '→' } }));
 */
export function policyGrid<S, A>(graph: PolicySource<S, A>, policyTable: ArrayLike<number>, options: PolicyGridOptions<S, A> = {}): string {
  checkGraphSource('policyGrid', graph);
  const nA = graph.actions.values.length;
  const tolerance = options.tolerance ?? 1e-6;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    fail({ code: 'option-invalid', part: 'policyGrid', message: `policyGrid: tolerance must be a finite number ≥ 0, got ${show(tolerance)}` });
  }
  checkLength('policyGrid', 'policyTable', policyTable.length, graph.states.values.length * nA);
  const arrow = arrowsOf('policyGrid', graph.actions.values, options.arrows);
  const cells = placeStates('policyGrid', graph, options.layout);
  const label = (s: number): string => {
    let max = 0;
    for (let a = 0; a < nA; a++) max = Math.max(max, policyTable[s * nA + a]!);
    if (!(max > 0)) return INFEASIBLE;
    let out = '';
    for (let a = 0; a < nA; a++) if (policyTable[s * nA + a]! >= max - tolerance) out += arrow[a]!;
    return out;
  };
  const text = cells.map((row) => row.map((s) => (s < 0 ? (options.empty ?? EMPTY) : markOr(options, graph, s, () => label(s)))));
  return render(numbered(text, options), 'left');
}

/**
 * A path drawn on the grid: each visited cell shows the direction of the move
 * that left it (one of eight arrows), the last state `◎`. A cell left twice
 * shows its latest move. Moves are read off the cells, not the actions, so a
 * slip shows where the agent actually went.
 * @example
 * console.log(trajectoryGrid(post.graph, post.mostProbable(), { marks: (s) => (isGoal(s) ? 'G' : undefined) }));
 * //  → → → ↓
 * //  ↑ · · ↓
 * //  ↑ · · G
 */
export function trajectoryGrid<S>(graph: GridSource<S>, path: Path<S>, options: TrajectoryGridOptions<S> = {}): string {
  checkGraphSource('trajectoryGrid', graph);
  const layout = layoutOf('trajectoryGrid', graph, options.layout);
  const cells = placeStates('trajectoryGrid', graph, layout);
  const drawn = new Map<number, string>();
  const cellAt = (t: number) => {
    const c = cellOfState('trajectoryGrid', layout, path.states[t]!);
    if (c === undefined) return undefined;
    return { x: c.x, y: c.y, key: c.y * layout.width + c.x };
  };
  const last = path.states.length - 1;
  for (let t = 0; t < last; t++) {
    const here = cellAt(t);
    const next = cellAt(t + 1);
    // Staying put (a wall, an absorbing goal) draws nothing, so the cell keeps the move that leaves it.
    // A state with no cell (e.g. an absorbing 'done') is not drawn.
    if (here !== undefined && next !== undefined && next.key !== here.key) drawn.set(here.key, direction(next.x - here.x, next.y - here.y));
  }
  const end = last >= 0 ? cellAt(last) : undefined;
  if (end !== undefined) drawn.set(end.key, '◎');
  const text = cells.map((row, y) =>
    row.map((s, x) => {
      if (s < 0) return options.empty ?? ' ';
      return markOr(options, graph, s, () => drawn.get(y * layout.width + x) ?? options.unvisited ?? EMPTY);
    }),
  );
  return render(numbered(text, options), 'left');
}

/**
 * Columns aligned: a column holding numbers to the right, other columns to the left.
 * @example
 * table([['backup', 'log Z'], ['posterior', -12.25], ['fixed-dynamics', -13.5]], { digits: 2, header: true })
 * // backup           log Z
 * // ──────────────  ──────
 * // posterior       -12.25
 * // fixed-dynamics  -13.50
 */
export function table(rows: readonly (readonly (string | number)[])[], options: TableOptions = {}): string {
  requireArray('table', 'an array of rows', rows);
  for (const row of rows) {
    requireArray('table', 'each row an array of cells', row);
    for (const cell of row) if (typeof cell !== 'string' && typeof cell !== 'number') argumentError('table', 'each cell a string or a number', cell);
  }
  const gap = ' '.repeat(options.gap ?? 2);
  const text = rows.map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c, options.digits) : c)));
  const columns = Math.max(0, ...text.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, j) => Math.max(0, ...text.map((r) => width(r[j] ?? ''))));
  // A column with any number is read as numbers: right-aligned throughout, so its header sits over the digits.
  const numeric = Array.from({ length: columns }, (_, j) => rows.some((r) => typeof r[j] === 'number'));
  const lines = text.map((row) => row.map((c, j) => (numeric[j] ? padStart(c, widths[j]!) : padEnd(c, widths[j]!))).join(gap).trimEnd());
  if (options.header === true && lines.length > 0) lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join(gap));
  return lines.join('\n');
}

/**
 * Text blocks placed next to each other, each padded to its own width, so that
 * two grids (e.g. two backups' policies) can be compared at a glance.
 * @example
 * sideBySide([policyGrid(g, a.policyTable(0)), policyGrid(g, b.policyTable(0))], { titles: ['posterior', 'fixed dynamics'] })
 */
export function sideBySide(blocks: readonly string[], options: SideBySideOptions = {}): string {
  requireArray('sideBySide', 'an array of text blocks', blocks);
  for (const block of blocks) if (typeof block !== 'string') argumentError('sideBySide', 'each block a string', block);
  const gap = ' '.repeat(options.gap ?? 4);
  const titles = options.titles;
  const split = blocks.map((b, i) => (titles !== undefined ? [titles[i] ?? '', ...b.split('\n')] : b.split('\n')));
  const widths = split.map((lines) => Math.max(0, ...lines.map(width)));
  const height = Math.max(0, ...split.map((lines) => lines.length));
  const out: string[] = [];
  for (let i = 0; i < height; i++) out.push(split.map((lines, j) => padEnd(lines[i] ?? '', widths[j]!)).join(gap).trimEnd());
  return out.join('\n');
}

/** A number for a table cell: fixed digits when asked, `-∞`/`∞` for infinities, never `-0.0`. */
export function formatNumber(v: number, digits?: number): string {
  if (typeof v !== 'number') argumentError('formatNumber', 'a number', v);
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 0 && digits <= 100)) argumentError('formatNumber', 'digits, an integer in 0 … 100', digits);
  if (v === -Infinity) return '-∞';
  if (v === Infinity) return '∞';
  if (Number.isNaN(v)) return 'NaN';
  const text = digits === undefined ? String(v) : v.toFixed(digits);
  // toFixed keeps the sign of values that round to zero ("-0.0"), which reads as a different number.
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

// ---------------------------------------------------------------- internals

/** The grids draw a compiled graph (post.graph); a posterior or anything else is refused with the fix. */
function checkGraphSource(part: string, graph: unknown): void {
  const states = typeof graph === 'object' && graph !== null ? (graph as { states?: { values?: unknown } }).states : undefined;
  if (states !== undefined && states !== null && Array.isArray(states.values)) return;
  const posterior = typeof graph === 'object' && graph !== null && typeof (graph as { policy?: unknown }).policy === 'function';
  // A posterior whose own graph has no finite states (soft LQR, a continuous action): post.graph would not help either.
  if (typeof graph === 'object' && graph !== null && !hasFiniteStates((graph as { graph?: unknown }).graph)) requireGridSource(part, graph, 'a text grid of the states');
  fail({ code: 'argument-invalid', part, message: `${part}: expected a compiled graph with finite states${posterior ? ' — got a posterior; pass post.graph' : `, got ${show(graph)}`}` });
}

function checkLength(part: string, what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    fail({ code: 'option-invalid', part, message: `${part}: ${what} has length ${actual}; expected ${expected} (one entry per ${what === 'values' ? 'state' : 'state × action'} of the graph)` });
  }
}

/** The layout to draw with (an override, else the graph's), checked; shared by the text grids and the SVG pictures. */
export function layoutOf<S>(part: string, graph: { readonly layout: GridLayout<S> | undefined }, override: GridLayout<S> | undefined): GridLayout<S> {
  const layout = override ?? graph.layout;
  if (layout === undefined) {
    fail({
      code: 'option-invalid',
      part,
      message: `${part}: the graph has no layout; give state(name, domain, { layout: { width, height, cellOf } }) or pass { layout } here`,
    });
  }
  if (!Number.isInteger(layout.width) || !Number.isInteger(layout.height) || layout.width < 1 || layout.height < 1) {
    fail({ code: 'option-invalid', part, message: `${part}: layout width and height must be positive integers, got ${show(layout.width)} × ${show(layout.height)}` });
  }
  return layout;
}

/**
 * Why the graph's layout cannot place its states (two in one cell, a cell off the grid, cellOf
 * throwing), or undefined when it can or there is none: callers that treat the layout as a hint warn and go on.
 */
export function layoutProblem<S>(graph: { readonly states?: { readonly values: readonly S[] } | undefined; readonly layout: GridLayout<S> | undefined }): string | undefined {
  if (graph.layout === undefined || graph.states === undefined) return undefined;
  try {
    placeStates('layout', { states: graph.states, layout: graph.layout }, undefined);
    return undefined;
  } catch (error) {
    if (error instanceof CaiError && error.code === 'option-invalid') return error.message;
    throw error;
  }
}

/**
 * `layout.cellOf(value)`, with a throw turned into an error that names the state: a layout is a
 * drawing hint, so the caller can drop the picture (`cai run` warns and prints the numbers).
 */
export function cellOfState<S>(part: string, layout: GridLayout<S>, value: S): { readonly x: number; readonly y: number } | undefined {
  try {
    return layout.cellOf(value);
  } catch (error) {
    return fail(
      {
        code: 'option-invalid',
        part,
        state: value,
        message: `${part}: layout.cellOf threw at s=${show(value)}: ${thrownText(error)}; cellOf receives the state value (the whole record { name: value, … } for a factored state) and returns { x, y } or undefined`,
      },
      error,
    );
  }
}

/**
 * The state index at each cell (−1 where none), row by row. Two states in one
 * cell would make the picture lie about one of them, so that is refused.
 */
function placeStates<S>(part: string, graph: GridSource<S>, override: GridLayout<S> | undefined): number[][] {
  const layout = layoutOf(part, graph, override);
  const cells = Array.from({ length: layout.height }, () => new Array<number>(layout.width).fill(-1));
  graph.states.values.forEach((value, s) => {
    const c = cellOfState(part, layout, value);
    if (c === undefined) return;
    if (!Number.isInteger(c.x) || !Number.isInteger(c.y) || c.x < 0 || c.y < 0 || c.x >= layout.width || c.y >= layout.height) {
      fail({ code: 'option-invalid', part, state: value, message: `${part}: layout.cellOf(${show(value)}) is ${show(c)}, outside the ${layout.width} × ${layout.height} grid` });
    }
    const before = cells[c.y]![c.x]!;
    if (before >= 0) {
      fail({
        code: 'option-invalid',
        part,
        state: value,
        message: `${part}: states ${show(graph.states.values[before])} and ${show(value)} share the cell (${c.x}, ${c.y}); cellOf must give each drawn state its own cell (return undefined to leave a state out)`,
      });
    }
    cells[c.y]![c.x] = s;
  });
  return cells;
}

function markOr<S>(options: GridOptions<S>, graph: GridSource<S>, s: number, otherwise: () => string): string {
  return options.marks?.(graph.states.values[s]!) ?? otherwise();
}

function arrowsOf<A>(part: string, actions: readonly A[], map: ArrowMap<A> | undefined): string[] {
  return actions.map((a) => {
    let arrow: string | undefined;
    if (typeof map === 'function') arrow = map(a);
    else if (map !== undefined) arrow = typeof a === 'string' && Object.hasOwn(map, a) ? map[a] : undefined;
    else arrow = typeof a === 'string' && Object.hasOwn(DEFAULT_ARROWS, a.toLowerCase()) ? DEFAULT_ARROWS[a.toLowerCase()] : undefined;
    if (arrow === undefined) {
      fail({
        code: 'option-invalid',
        part,
        action: a,
        message: `${part}: no arrow for action ${show(a)}; pass { arrows: { ${typeof a === 'string' ? a : 'name'}: '→', … } } or a function a => arrow`,
      });
    }
    return arrow;
  });
}

/** One of eight arrows for a move (dx, dy) ≠ (0, 0) with y growing downwards; a jump shows its direction. */
function direction(dx: number, dy: number): string {
  const key = `${Math.sign(dx)},${Math.sign(dy)}`;
  const arrows: Record<string, string> = {
    '0,-1': '↑', '0,1': '↓', '1,0': '→', '-1,0': '←',
    '1,-1': '↗', '-1,-1': '↖', '1,1': '↘', '-1,1': '↙',
  };
  return arrows[key]!;
}

/** The grid with column numbers above it and row numbers down its left side, when asked for. */
function numbered(text: readonly (readonly string[])[], options: { readonly coordinates?: boolean }): (readonly string[])[] {
  if (options.coordinates !== true) return [...text];
  const width = text[0]?.length ?? 0;
  return [['', ...Array.from({ length: width }, (_, x) => String(x))], ...text.map((row, y) => [String(y), ...row])];
}

/** Cells of equal width (the widest cell), one space apart. */
function render(text: readonly (readonly string[])[], align: 'left' | 'right'): string {
  const w = Math.max(1, ...text.flat().map(width));
  return text.map((row) => row.map((c) => (align === 'right' ? padStart(c, w) : padEnd(c, w))).join(' ').trimEnd()).join('\n');
}

function width(s: string): number {
  return [...s].length;
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}
