/**
 * The fixed-dynamics step compiled once per graph (issue 17).
 *
 * The generic step (backup.ts `fixedDynamicsStep`) takes S, A, α, γ and the
 * arrays as arguments, because one function serves every graph; V8 then
 * re-reads them, re-checks every bound against an unknown length and keeps
 * the action loop generic. Generated with `new Function` for one graph, the
 * same step has S, A, α, γ, NEAR·α (and p(a|s) when the prior is one number)
 * as literals, the actions unrolled into locals, the most common row length
 * unrolled, and the graph's arrays as constants of its own closure: each
 * `new Function` makes a new SharedFunctionInfo with exactly one closure, so
 * V8's function-context specialisation folds them into the machine code
 * (a closure of one shared function per graph loses that as soon as a
 * second graph makes a second closure).
 *
 * The generated step performs the operations of `fixedDynamicsStep` in the
 * same order, so V_t is bit for bit the generic step's (test/exact-fixed-codegen.test.ts):
 *
 *   Q(s,a) = r(s,a) + γ (c + Σ_{k≥1} p_k (V'(s'_k) − c)),   c = V'(s'_0)
 *   V(s)   = m + α log Σ_a p(a|s) e^{(Q(s,a) − m)/α},       m = max_{a: p(a|s)>0} Q(s,a)
 *
 * with e^x from exp.ts's `expNonPositive` written in (as the generic step calls it).
 *
 * The k = 0 term p_0 (c − c) is +0 for a finite c, and 0 + (+0) is +0, so
 * leaving it out changes no bit (a c of +Infinity keeps it: c − c is NaN).
 *
 * Security: the source is this file's text and numbers only — integers checked
 * by Number.isSafeInteger and finite doubles whose `Number.prototype.toString`
 * parses back to the same bits (`literal`). No name, string or other user data
 * ever enters generated source; the arrays are passed as values.
 */
import type { FactorGraph } from '../../../types/factor-graph.js';
import { FRACTION, INV_STEP, LOWEST, N, POWER, ROUND, STEP_HI, STEP_LO } from '../exp.js';

/** V_t from V_{t+1} (`next`) into `out` under `reward` (r_t, S·A). */
export type FixedStep = (reward: Float64Array, next: Float64Array, out: Float64Array) => void;

/** backup.ts's Σ_a p expm1((Q − m)/α) + δ of a near row (see NEAR there), handed to the generated code. */
export type NearSum = (prior: Float64Array, q: Float64Array, pAt: number, qAt: number, nA: number, m: number, alpha: number) => number;

/** A finite double as source text that parses back to exactly the same bits, or undefined. */
export function literal(x: number): string | undefined {
  if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
  const text = Object.is(x, -0) ? '-0' : String(x);
  return Object.is(Number(text), x) ? `(${text})` : undefined;
}

/**
 * exp.ts's `expNonPositive` as statements: e = e^y for the number in the variable `y`, the
 * same operations on the same constants (exact literals), reading the tables POWER and
 * FRACTION handed to the factory. Kept here, not in exp.ts, so that a page that runs only
 * the generic step does not bundle it.
 */
function expStatements(): string {
  const [inv, hi, lo, round, lowest, c6, c24, c120] = [INV_STEP, STEP_HI, STEP_LO, ROUND, LOWEST, 1 / 6, 1 / 24, 1 / 120].map((x) => literal(x)!);
  return `let e; if (y >= ${lowest} && y <= 0) { const k = y * ${inv} + ${round} - ${round}; const r = y - k * ${hi} - k * ${lo}; const i = k | 0; e = POWER[-(i >> 7)] * (FRACTION[i & ${N - 1}] * (1 + r * (1 + r * (0.5 + r * (${c6} + r * (${c24} + r * ${c120})))))); } else e = Math.exp(y);`;
}

/** What the generated code is specialised to: numbers only. */
export interface StepShape {
  readonly nS: number;
  readonly nA: number;
  readonly alpha: number;
  readonly gamma: number;
  /** NEAR·α, the width of a near row (backup.ts). */
  readonly nearWidth: number;
  /** p(a|s) when it is one positive number for every (s, a); undefined: read from the array. */
  readonly uniformPrior: number | undefined;
  /** The most common row length, unrolled when 2 … 8; 0 for none. */
  readonly width: number;
}

/** Actions unrolled into locals up to this many; a loop over a scratch row above. */
const UNROLL = 16;

/** The body of `new Function('prior', 'rowStart', 'successor', 'prob', 'q', 'nearSum', 'POWER', 'FRACTION', body)`, or undefined if a number is not one. */
export function stepSource(shape: StepShape): string | undefined {
  const { nS, nA, width } = shape;
  const al = literal(shape.alpha);
  const ga = literal(shape.gamma);
  const near = literal(shape.nearWidth);
  const P = shape.uniformPrior === undefined ? 'prior[base + @A]' : literal(shape.uniformPrior);
  const counts = [nS, nA, width].every((x) => Number.isSafeInteger(x) && x >= 0);
  if (!counts || al === undefined || ga === undefined || near === undefined || P === undefined || (shape.uniformPrior !== undefined && !(shape.uniformPrior > 0))) return undefined;
  const wide = width >= 2 && width <= 8;
  const unrolled = wide ? `if (end - start === ${width} && c !== Infinity) {${Array.from({ length: width - 1 }, (_, j) => ` deviation += prob[start + ${j + 1}] * (next[successor[start + ${j + 1}]] - c);`).join('')} } else ` : '';
  // One action's Q (@A is the action: a literal when unrolled, the loop variable otherwise; @Q its Q).
  const gather = `{
        const row = base + @A;
        const r = reward[row];
        const start = end;
        end = rowStart[row + 1];
        let value = -Infinity;
        if (r !== -Infinity) {
          const b = expected(next, start, end);
          if (b !== -Infinity) value = r + ${ga} * b;
        }
        @Q = value;
        m = ${shape.uniformPrior === undefined ? 'prior[row] > 0 && ' : ''}value > m ? value : m;
      }`;
  // One action's term of Σ_a p e^{(Q − m)/α}; a maximising action's is p·e^0 = p exactly.
  const term = `{
        const p = ${P};
        if (p > 0) {
          const x = @Q;
          if (!(x >= floor)) near = false;
          if (x === m) sum += p;
          else { const y = (x - m) / ${al}; ${expStatements()} sum += p * e; }
        }
      }`;
  const actions = Array.from({ length: nA }, (_, a) => a);
  const unroll = nA <= UNROLL;
  const each = (code: string) =>
    unroll ? actions.map((a) => code.replaceAll('@Q', `q${a}`).replaceAll('@A', String(a))).join('') : `for (let a = 0; a < ${nA}; a++) ${code.replaceAll('@Q', 'q[a]').replaceAll('@A', 'a')}`;
  // c + Σ_{k≥1} p_k (V'(s'_k) − c) of one row, −Infinity if c is: one function that TurboFan inlines into
  // every unrolled action, so that they share its type feedback (unrolled copies of their own would each
  // start without any, and each rare branch first taken would throw the optimised step away).
  return `'use strict';
  function expected(next, start, end) {
    const c = next[successor[start]];
    if (c === -Infinity) return -Infinity;
    let deviation = 0;
    ${unrolled}for (let k = c === Infinity ? start : start + 1; k < end; k++) deviation += prob[k] * (next[successor[k]] - c);
    return c + deviation;
  }
  return function fixedStep(reward, next, out) {
    let end = rowStart[0];
    for (let s = 0; s < ${nS}; s++) {
      const base = s * ${nA};
      let m = -Infinity;
      ${unroll ? `let ${actions.map((a) => `q${a} = 0`).join(', ')};` : ''}
      ${each(gather)}
      if (m === -Infinity || ${al} === 0) { out[s] = m; continue; }
      let sum = 0;
      let near = true;
      const floor = m - ${near};
      ${each(term)}
      if (near) { ${unroll ? actions.map((a) => `q[${a}] = q${a};`).join(' ') : ''} out[s] = m + ${al} * Math.log1p(nearSum(prior, q, base, 0, ${nA}, m, ${al})); }
      else out[s] = m + ${al} * Math.log(sum);
    }
  };`;
}

/** The generated step of each graph (null: none could be made), made once and kept while the graph lives. */
const made = new WeakMap<object, FixedStep | null>();
/** False once `new Function` has thrown (a Content-Security-Policy without 'unsafe-eval'): never tried again. */
let available = true;

/** The shape of a compiled graph (one pass over its prior and rows). */
export function shapeOf(graph: FactorGraph<unknown, unknown>, nearWidth: number): StepShape {
  const { nS, nA, alpha, gamma, prior } = graph;
  const rowStart = graph.dynamics.rowStart;
  const p = prior[0]!;
  let uniform = p > 0;
  for (let i = 1; uniform && i < nS * nA; i++) uniform = prior[i] === p;
  const lengths = new Int32Array(9);
  for (let row = 0; row < nS * nA; row++) lengths[Math.min(8, rowStart[row + 1]! - rowStart[row]!)]++;
  let width = 0;
  for (let w = 2; w <= 8; w++) if (lengths[w]! > (width === 0 ? 0 : lengths[width]!)) width = w;
  return { nS, nA, alpha, gamma, nearWidth, uniformPrior: uniform ? p : undefined, width };
}

/**
 * The generated step of this graph, or undefined where code cannot be
 * generated (`new Function` refused, or a number with no exact literal):
 * the caller then runs the generic step, which gives the same bits.
 */
export function generatedStep(graph: FactorGraph<unknown, unknown>, nearWidth: number, nearSum: NearSum): FixedStep | undefined {
  const known = made.get(graph);
  if (known !== undefined || !available) return known ?? undefined;
  const source = stepSource(shapeOf(graph, nearWidth));
  let step: FixedStep | null = null;
  if (source !== undefined) {
    try {
      const factory = new Function('prior', 'rowStart', 'successor', 'prob', 'q', 'nearSum', 'POWER', 'FRACTION', source) as (...parts: unknown[]) => FixedStep;
      step = factory(graph.prior, graph.dynamics.rowStart, graph.dynamics.next, graph.dynamics.prob, new Float64Array(graph.nA), nearSum, POWER, FRACTION);
    } catch {
      available = false;
    }
  }
  made.set(graph, step);
  return step ?? undefined;
}
