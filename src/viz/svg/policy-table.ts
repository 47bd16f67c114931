/**
 * The policy as a heat table: one row per state, one column per action, each
 * cell π_t(a | s) = p(a_t | s_t, O) with its value written in. For a factored
 * state the rows are grouped by the variable with the fewest values (one
 * block per value, e.g. per regime), the others naming the row in a short,
 * consistent form ("s=3"); the full state is in each cell's tooltip and
 * `aria-label`. Rows where no action can satisfy O are marked infeasible;
 * rows the caller marks unknown (e.g. states a learner never visited) are
 * drawn grey and say "unknown" (their `aria-label` still carries the table's number and the status).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import { stateNamer } from './labels.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireTabularPosterior } from '../picture-input.js';

/** What `policyTableSvg` reads: a finite state domain, the actions, π_t as an nS × nA table. */
export interface PolicyTableSource<S, A> {
  readonly graph: { readonly states: { readonly values: readonly S[] }; readonly actions: { readonly values: readonly A[] } };
  policyTable(t: number): Float64Array;
}

/** Options of `policyTableSvg`. */
export interface PolicyTableSvgOptions<S> {
  /** The decision step (default 0). */
  readonly t?: number;
  /** Draw at most this many states (default 60), in the domain's order. */
  readonly maxStates?: number;
  /** States whose row is not known (drawn grey, "unknown"); default: every row is known. */
  readonly known?: (s: S, index: number) => boolean;
  /** Group rows of a factored state by this variable (default: the one with the fewest values; '' for no grouping). */
  readonly groupBy?: string;
  readonly title?: string;
}

const PART = 'policyTableSvg';
const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * @example
 * const svg = await policyTableSvg(post, { t: 0 });
 */
export async function policyTableSvg<S, A>(post: PolicyTableSource<S, A>, options: PolicyTableSvgOptions<S> = {}): Promise<string> {
  requireTabularPosterior('policyTableSvg', post, ['policyTable'], 'the table π_t(a | s) of states × actions');
  const t = options.t ?? 0;
  const maxStates = options.maxStates ?? 60;
  if (!Number.isInteger(maxStates) || maxStates < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: maxStates must be a positive integer, got ${show(maxStates)}` });
  const states = post.graph.states.values;
  const actions = post.graph.actions.values;
  const nA = actions.length;
  const pi = post.policyTable(t);
  const shown = Math.min(states.length, maxStates);
  const group = groupVariable(states, options.groupBy);
  // Grouped: rows ordered by the group variable's value (first appearance in the domain), then the
  // domain's order, and labelled with that variable first, e.g. "r=lo s=2".
  const groupKey = (s: S) => (group === undefined ? '' : show((s as Record<string, unknown>)[group]));
  const groupOrder = new Map<string, number>();
  for (const s of states) if (!groupOrder.has(groupKey(s))) groupOrder.set(groupKey(s), groupOrder.size);
  const order = Array.from({ length: states.length }, (_, i) => i)
    .sort((i, j) => groupOrder.get(groupKey(states[i]!))! - groupOrder.get(groupKey(states[j]!))! || i - j)
    .slice(0, shown);
  const reorder = (s: S): S => (group === undefined ? s : ({ [group]: (s as Record<string, unknown>)[group], ...(without(s, group) as object) } as S));
  const ordered = stateNamer(order.map((i) => reorder(states[i]!)));
  const actionName = (a: A) => (typeof a === 'string' ? a : show(a));
  const rows: { state: string; label: string; action: string; p: number; status: string; text: string }[] = [];
  for (const s of order) {
    const value = states[s]!;
    const label = ordered(reorder(value)).short;
    const known = options.known?.(value, s) ?? true;
    let total = 0;
    for (let a = 0; a < nA; a++) total += pi[s * nA + a]!;
    const status = !known ? 'unknown' : total > 0 ? 'policy' : 'infeasible';
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!;
      rows.push({ state: show(value), label, action: actionName(actions[a]!), p, status, text: status === 'policy' ? p.toFixed(2) : status === 'unknown' ? '?' : '×' });
    }
  }
  const spec: TopLevelSpec = {
    ...(options.title !== '' ? { title: (options.title ?? `π_${t}(a | s)`) + (shown < states.length ? ` (${shown} of ${states.length} states)` : '') } : {}),
    config: BASE_CONFIG,
    data: { values: rows },
    width: Math.max(60, nA * 44),
    height: { step: 18 },
    encoding: {
      x: { field: 'action', type: 'nominal', title: 'action', sort: actions.map(actionName), axis: { orient: 'top', labelAngle: 0 } },
      y: { field: 'label', type: 'nominal', title: group === undefined ? 'state' : `state, grouped by ${group}`, sort: null },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 },
        encoding: {
          color: { condition: { test: "datum.status !== 'policy'", value: '#d9d9d9' }, field: 'p', type: 'quantitative', title: `π_${t}(a | s)`, scale: { domain: [0, 1], scheme: 'blues' } },
          tooltip: [{ field: 'state', type: 'nominal' }, { field: 'action', type: 'nominal' }, { field: 'p', type: 'quantitative', format: '.12~g' }, { field: 'status', type: 'nominal' }],
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'text', type: 'nominal' }, color: { condition: { test: "datum.status === 'policy' && datum.p > 0.6", value: 'white' }, value: '#222' } } },
    ],
  };
  return renderVegaLite(spec);
}

function without<S>(s: S, key: string): unknown {
  if (!isRecord(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (k !== key) out[k] = v;
  return Object.keys(out).length === 0 ? s : out;
}

/** The grouping variable: the given one, or the record key with the fewest distinct values (≥ 2), when there are ≥ 2 keys. */
function groupVariable<S>(states: readonly S[], asked: string | undefined): string | undefined {
  if (asked === '') return undefined;
  const first = states[0];
  if (!isRecord(first)) {
    if (asked !== undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: groupBy '${asked}' given, but the states are not records; leave groupBy out` });
    return undefined;
  }
  const keys = Object.keys(first);
  if (asked !== undefined) {
    if (!keys.includes(asked)) fail({ code: 'option-invalid', part: PART, message: `${PART}: groupBy '${asked}' is not a variable of the state; expected one of ${keys.map((k) => `'${k}'`).join(', ')}` });
    return asked;
  }
  if (keys.length < 2) return undefined;
  let best: string | undefined;
  let fewest = Infinity;
  for (const k of keys) {
    const n = new Set(states.map((s) => show((s as Record<string, unknown>)[k]))).size;
    if (n >= 2 && n < fewest) {
      fewest = n;
      best = k;
    }
  }
  return best;
}
