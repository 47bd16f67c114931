/**
 * Where each state sits on the picture's grid (from the state's `layout` hint)
 * and which way each action points. Shared by the heatmap and the trajectory
 * picture; both refuse what would make the picture lie (two states in one
 * cell, a cell outside the grid) with the same messages as the text grids.
 */
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { cellOfState, layoutOf } from '../text.js';

/** What the grid pictures read from a factor graph (`post.graph` and `compile(m)` both fit). */
/** Vega-Lite transforms that turn a cell centre (x, y) into a box (x0..x1, y0..y1) with a small gap between cells. */
export const CELL_BOX = Object.freeze([
  { calculate: 'datum.x - 0.47', as: 'x0' },
  { calculate: 'datum.x + 0.47', as: 'x1' },
  { calculate: 'datum.y - 0.47', as: 'y0' },
  { calculate: 'datum.y + 0.47', as: 'y1' },
] as const);

export interface SvgGridSource<S> {
  readonly states: { readonly values: readonly S[] };
  readonly layout: GridLayout<S> | undefined;
}

/** A state placed on the grid: its index and its cell (x across, y down). */
export interface PlacedState {
  readonly s: number;
  readonly x: number;
  readonly y: number;
}

export interface Placement<S> {
  readonly layout: GridLayout<S>;
  readonly placed: readonly PlacedState[];
  /** Cell key y·width + x → state index. */
  readonly at: ReadonlyMap<number, number>;
}

/** Place every state that `cellOf` maps to a cell; states it leaves undefined are not drawn. */
export function placeStates<S>(part: string, graph: SvgGridSource<S>, override?: GridLayout<S>): Placement<S> {
  const layout = layoutOf(part, graph, override);
  const placed: PlacedState[] = [];
  const at = new Map<number, number>();
  graph.states.values.forEach((value, s) => {
    const c = cellOfState(part, layout, value);
    if (c === undefined) return;
    if (!Number.isInteger(c.x) || !Number.isInteger(c.y) || c.x < 0 || c.y < 0 || c.x >= layout.width || c.y >= layout.height) {
      fail({ code: 'option-invalid', part, state: value, message: `${part}: layout.cellOf(${show(value)}) is ${show(c)}, outside the ${layout.width} × ${layout.height} grid` });
    }
    const key = c.y * layout.width + c.x;
    const before = at.get(key);
    if (before !== undefined) {
      fail({
        code: 'option-invalid',
        part,
        state: value,
        message: `${part}: states ${show(graph.states.values[before])} and ${show(value)} share the cell (${c.x}, ${c.y}); cellOf must give each drawn state its own cell (return undefined to leave a state out)`,
      });
    }
    at.set(key, s);
    placed.push({ s, x: c.x, y: c.y });
  });
  return { layout, placed, at };
}

/** Which way an action points: degrees clockwise from up (north), or 'stay' (drawn as a dot). */
export type Heading = number | 'stay';

/** How actions become headings: a table by action name, or a function (undefined: unknown). */
export type HeadingMap<A> = Readonly<Record<string, Heading>> | ((a: A) => Heading | undefined);

/**
 * Headings the default map knows, by lower-cased action name. Names, not
 * positions, because a domain's order is the user's choice; anything else
 * needs an explicit map, since guessing a direction would be silent.
 */
const DEFAULT_HEADINGS: Readonly<Record<string, Heading>> = {
  n: 0, north: 0, up: 0, u: 0,
  e: 90, east: 90, right: 90, r: 90,
  s: 180, south: 180, down: 180, d: 180,
  w: 270, west: 270, left: 270, l: 270,
  ne: 45, northeast: 45, se: 135, southeast: 135, sw: 225, southwest: 225, nw: 315, northwest: 315,
  stay: 'stay', noop: 'stay', wait: 'stay', none: 'stay',
};

/** One heading per action, or undefined when some action has none (the caller decides whether that is an error). */
export function headingsOf<A>(actions: readonly A[], map?: HeadingMap<A>): Heading[] | undefined {
  const out: Heading[] = [];
  for (const a of actions) {
    let h: Heading | undefined;
    if (typeof map === 'function') h = map(a);
    else if (map !== undefined) h = typeof a === 'string' && Object.hasOwn(map, a) ? map[a] : undefined;
    else h = typeof a === 'string' && Object.hasOwn(DEFAULT_HEADINGS, a.toLowerCase()) ? DEFAULT_HEADINGS[a.toLowerCase()] : undefined;
    if (h === undefined) return undefined;
    out.push(h);
  }
  return out;
}

/** XML-escape text placed in an SVG or HTML document. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A cell size that reads well on a small grid and keeps a large one within ~720 px: 12 … 56 px. */
export function cellSizeFor(width: number): number {
  return Math.max(12, Math.min(56, Math.floor(720 / Math.max(1, width))));
}
