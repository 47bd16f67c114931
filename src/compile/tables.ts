/**
 * Tabulation with validation: call the model's functions on every state and
 * action, check what they return, and fill typed arrays. Every fault is
 * collected with the state, the action and the part it came from.
 */
import { isDistribution, type Distribution } from '../dist/categorical.js';
import { isThenable, IssueList, show, thrownText, type CaiIssue, type ErrorCode } from '../errors.js';
import type { IndexedDomain, SparseDynamics } from '../types/factor-graph.js';

/** Row sums must be 1 within this tolerance; nothing is renormalised silently. */
export const SUM_TOLERANCE = 1e-9;

/**
 * Calls user code, turning a throw into an issue (the original error kept as `cause`).
 * `where` is a function so that the message is only built when something fails:
 * compile calls user code S·A times and must not format a string each time.
 */
export function guarded<T>(issues: IssueList, where: () => Omit<CaiIssue, 'code'>, call: () => T): T | typeof THREW {
  try {
    return call();
  } catch (error) {
    const text = thrownText(error);
    const at = where();
    issues.add({ ...at, code: 'function-threw', message: `${at.message}: ${text}`, cause: error } as CaiIssue);
    return THREW;
  }
}

/**
 * What `guarded` returns when the call threw. A sentinel rather than `undefined`:
 * a reward or prior that forgets to `return` gives undefined, and that must be
 * reported as an invalid value, not skipped as if it had already been reported.
 */
export const THREW: unique symbol = Symbol('threw');

/** A number for messages: rounded to 12 significant digits, so 0.1 + 0.2 shows as 0.3. */
export function showSum(x: number): string {
  return show(Number.isFinite(x) ? Number(x.toPrecision(12)) : x);
}

/** A returned value for messages, with its type when it is not a number: `'1' (a string)`. */
export function showReturned(x: unknown): string {
  if (x === undefined) return 'undefined (does the function return a value on every path?)';
  // An async function's result arrives later; the model is read synchronously.
  if (isThenable(x)) return 'a Promise (an async function or one that returns a Promise; the model is read synchronously — return the value itself)';
  if (typeof x === 'number' || typeof x === 'function' || x === null) return show(x);
  try {
    if (x instanceof Number || x instanceof String || x instanceof Boolean) return `${show(x)} (a boxed ${typeof x.valueOf()}; return the primitive, e.g. Number(x))`;
    return `${show(x)} (${Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : `a ${typeof x}`})`;
  } catch {
    return show(x); // a Proxy whose traps throw: show() says so
  }
}

/** Where a fault is, for an issue: made only on a fault (checkDistribution runs S·A times). */
function faultAt(context: { part: string; state?: unknown; action?: unknown }): { part: string; state: unknown; action: unknown } {
  return { part: context.part, state: context.state, action: context.action };
}

/**
 * Check a distribution over `domain` and add its mass into `out` by index.
 * Returns false (with issues added) when it is unusable.
 */
export function checkDistribution(
  issues: IssueList,
  dist: unknown,
  domain: IndexedDomain<unknown>,
  context: {
    part: string;
    /** Names the distribution in messages, e.g. `p(·|s={x:0}, a='N')` (built only on a fault). */
    label: () => string;
    /** Introduces a value outside the domain, e.g. `from s={x:0} with a='W' it returned`. */
    origin: () => string;
    /** Introduces a returned value that is not a distribution; `origin` when left out. */
    returned?: () => string;
    successorIn: string;
    /** Codes to use instead of the transition ones (initial distributions, priors). */
    codes?: { unknown?: ErrorCode; unnormalised?: ErrorCode };
    state?: unknown;
    action?: unknown;
  },
  onEntry: (index: number, p: number) => void,
): boolean {
  if (!isDistribution(dist)) {
    issues.add({
      ...faultAt(context),
      code: 'transition-not-distribution',
      message: `${context.part}: ${(context.returned ?? context.origin)()} ${showReturned(dist)}, not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)`,
    });
    return false;
  }
  const d = dist as Distribution<unknown>;
  let sum = 0;
  let ok = true;
  for (let i = 0; i < d.support.length; i++) {
    const p = d.probs[i]!;
    const value = d.support[i];
    if (typeof p !== 'number' || !(p >= 0) || p === Infinity) {
      issues.add({
        ...faultAt(context),
        code: 'probability-invalid',
        message: `${context.part}: ${context.label()} gives probability ${show(p)} to ${show(value)}; probabilities must be finite and ≥ 0`,
      });
      ok = false;
      continue;
    }
    sum += p;
    if (p === 0) continue;
    const index = domain.indexOf(value);
    if (index < 0) {
      issues.add({
        ...faultAt(context),
        code: context.codes?.unknown ?? 'successor-unknown',
        message: `${context.part}: ${context.origin()} ${show(value)}, which is not in ${context.successorIn}`,
      });
      ok = false;
      continue;
    }
    onEntry(index, p);
  }
  if (ok && Math.abs(sum - 1) > SUM_TOLERANCE) {
    issues.add({
      ...faultAt(context),
      code: context.codes?.unnormalised ?? 'probability-unnormalised',
      message: `${context.part}: ${context.label()} sums to ${showSum(sum)}; expected 1 ± ${SUM_TOLERANCE} (no silent renormalisation)`,
    });
    ok = false;
  }
  return ok;
}

/** Rows longer than this merge successors through a position table rather than a scan. */
const LONG_ROW = 16;

/** A growable CSR builder: rows appended in order, entries of a row merged by successor. */
export class CsrBuilder {
  // Read (not written) by compile's product of a factored state's rows (dynamics.ts addProduct).
  next: Int32Array;
  prob: Float64Array;
  size = 0;
  readonly rowStart: Int32Array;
  row = 0;
  /** successor → its position in the current row, once the row is long (`positionOf`). */
  private position: Int32Array | undefined;
  private indexedRow = -1;

  constructor(rows: number, expectedPerRow = 2) {
    this.rowStart = new Int32Array(rows + 1);
    const capacity = Math.max(16, Math.ceil(rows * expectedPerRow));
    this.next = new Int32Array(capacity);
    this.prob = new Float64Array(capacity);
  }

  /**
   * Add p to entry (current row, successor); merges a successor listed twice in one row.
   * Short rows scan the row; past LONG_ROW entries (dense rows: Jack's car rental has 441)
   * a successor → position table makes each add O(1) instead of O(row).
   */
  add(successor: number, p: number): void {
    const start = this.rowStart[this.row]!;
    if (this.size - start < LONG_ROW) {
      for (let k = start; k < this.size; k++) {
        if (this.next[k] === successor) {
          this.prob[k] = this.prob[k]! + p;
          return;
        }
      }
    } else {
      const k = this.positionOf(successor, start);
      if (k >= 0) {
        this.prob[k] = this.prob[k]! + p;
        return;
      }
    }
    if (this.size === this.next.length) this.grow();
    if (this.size - start >= LONG_ROW) this.position![successor] = this.size;
    this.next[this.size] = successor;
    this.prob[this.size] = p;
    this.size++;
  }

  /**
   * Append p at (current row, successor) for a successor not yet in the row, with no merge
   * check: the product rows of a factored state, whose per-variable successors are distinct.
   */
  push(successor: number, p: number): void {
    if (this.size === this.next.length) this.grow();
    this.next[this.size] = successor;
    this.prob[this.size] = p;
    this.size++;
  }

  /**
   * `push` for every pair of the current rows of two builders (two variables' factors): successor
   * i₀·stride₀ + i₁·stride₁ with probability p₀·p₁, in the order (k₀, k₁) — the product rows of a
   * two-variable state, in one loop over local arrays.
   */
  pushOuter(first: CsrBuilder, stride0: number, second: CsrBuilder, stride1: number): void {
    const start1 = second.rowStart[second.row]!;
    const { next: i1, prob: p1, size: end1 } = second;
    while (this.size + (first.size - first.rowStart[first.row]!) * (end1 - start1) > this.next.length) this.grow();
    const { next, prob } = this;
    let at = this.size;
    for (let k = first.rowStart[first.row]!; k < first.size; k++) {
      const base = first.next[k]! * stride0;
      const p0 = first.prob[k]!;
      for (let j = start1; j < end1; j++) {
        next[at] = base + i1[j]! * stride1;
        prob[at] = p0 * p1[j]!;
        at++;
      }
    }
    this.size = at;
  }

  /** Where `successor` sits in the current row (from `start`), or −1; indexes the row when it first grows long. */
  private positionOf(successor: number, start: number): number {
    if (this.indexedRow !== this.row) {
      this.indexedRow = this.row;
      let top = successor;
      for (let k = start; k < this.size; k++) top = Math.max(top, this.next[k]!);
      this.ensurePositions(top);
      for (let k = start; k < this.size; k++) this.position![this.next[k]!] = k;
    } else this.ensurePositions(successor);
    // A position is trusted only if it points into this row at this successor (no clearing needed).
    const k = this.position![successor]!;
    return k >= start && k < this.size && this.next[k] === successor ? k : -1;
  }

  private ensurePositions(successor: number): void {
    if (this.position === undefined || successor >= this.position.length) {
      const position = new Int32Array(Math.max(successor + 1, 2 * (this.position?.length ?? 0), 64)).fill(-1);
      if (this.position !== undefined) position.set(this.position);
      this.position = position;
    }
  }

  /** Discard the entries of the current row (after a fault in it). */
  clearRow(): void {
    this.size = this.rowStart[this.row]!;
    this.indexedRow = -1;
  }

  endRow(): void {
    this.row++;
    this.rowStart[this.row] = this.size;
  }

  finish(): SparseDynamics {
    // A view when little capacity is unused: copying 12 million entries (1000×1000 gridworld)
    // costs 150 MB of garbage and a mark-compact; a copy only when it frees over 1/8.
    const trim = this.size < this.next.length - (this.next.length >> 3);
    return Object.freeze({
      rowStart: this.rowStart,
      next: this.next[trim ? 'slice' : 'subarray'](0, this.size),
      prob: this.prob[trim ? 'slice' : 'subarray'](0, this.size),
      nnz: this.size,
    });
  }

  private grow(): void {
    // Double, or — once a few rows are in — jump towards the size the rows so far extrapolate to
    // (+6 %): at most 8× at a time until 1/64 of the rows are in (a few dense first rows must not
    // size a sparse rest), then all the way. 2 million dense entries (Jack's car rental) are then
    // copied twice instead of 8 times.
    const rows = this.rowStart.length - 1;
    const guess = this.row >= 8 ? Math.ceil((this.size / this.row) * rows * 1.06) + 16 : 0;
    const jump = 64 * this.row >= rows ? guess : Math.min(guess, this.next.length * 8);
    const next = new Int32Array(Math.max(this.next.length * 2, jump));
    next.set(this.next);
    const prob = new Float64Array(next.length);
    prob.set(this.prob);
    this.next = next;
    this.prob = prob;
  }
}

/**
 * checkDistribution's checks and additions for a distribution made by this library, without its
 * callbacks: each p finite and ≥ 0, each successor with p > 0 in the domain, Σ p within
 * SUM_TOLERANCE of 1; entries appended to the current row of `into` (the joint CSR of a one-variable
 * state, or one variable's factor) in the order of the support, by `push`: `categorical` merges values
 * equal by content as keyOf decides (support-index.ts), and a domain gives such values one index and
 * distinct ones distinct indices (value-index.ts), so a row of ours never lists a successor twice and
 * `add`'s merge would find nothing (the same entries, the same bits). False at the first fault, with
 * nothing reported: the caller clears the row and runs checkDistribution, which reports every fault
 * of the row. Why: compile calls this S·A times per variable (4 million at 1000²).
 */
export function addChecked(into: CsrBuilder, support: readonly unknown[], probs: readonly number[], indexOf: (value: unknown) => number): boolean {
  let sum = 0;
  for (let i = 0; i < support.length; i++) {
    const p = probs[i]!;
    if (typeof p !== 'number' || !(p >= 0) || p === Infinity) return false;
    sum += p;
    if (p === 0) continue;
    const index = indexOf(support[i]);
    if (index < 0) return false;
    into.push(index, p);
  }
  return Math.abs(sum - 1) <= SUM_TOLERANCE;
}
