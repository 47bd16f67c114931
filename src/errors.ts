/**
 * One error type for everything the library refuses, with stable codes.
 *
 * Messages follow `<part>: <what> <actual> at <where>; expected <constraint>. <fix>`
 * (see docs/reliability.md and docs/errors.md). Validation collects every fault it finds, so a model
 * with three mistakes reports three issues in one error rather than one per run.
 */

/** Stable machine-readable codes; tests and users may match on these. */
export type ErrorCode =
  | 'missing-part'
  | 'duplicate-part'
  | 'empty-domain'
  | 'duplicate-value'
  | 'invalid-value'
  | 'initial-unknown'
  | 'initial-unnormalised'
  | 'prior-unnormalised'
  | 'prior-zero'
  | 'transition-missing'
  | 'transition-duplicate'
  | 'transition-unknown-variable'
  | 'transition-not-distribution'
  | 'successor-unknown'
  | 'probability-invalid'
  | 'probability-unnormalised'
  | 'function-threw'
  | 'reward-invalid'
  | 'reward-reads-t'
  | 'temperature-invalid'
  | 'horizon-invalid'
  | 'discount-invalid'
  | 'time-reward-infinite'
  | 'unknown-option'
  | 'option-invalid'
  | 'too-large'
  | 'infeasible'
  | 'state-infeasible'
  | 'unknown-state'
  | 'unknown-action'
  | 'time-out-of-range'
  | 'not-converged'
  | 'trajectory-invalid'
  | 'needs-simulator'
  | 'sample-invalid'
  | 'unsupported-query'
  | 'weights-all-zero'
  | 'demonstration-invalid'
  | 'feature-invalid'
  | 'dependency-missing'
  | 'observation-unsupported'
  | 'history-invalid'
  | 'proposal-support'
  | 'goal-invalid'
  | 'argument-invalid'
  | 'non-deterministic';

/** One fault, with where it happened. */
export interface CaiIssue {
  readonly code: ErrorCode;
  readonly message: string;
  /** The model part or API the fault belongs to, e.g. `state('cell')`, `transition`, `exact()`. */
  readonly part?: string;
  readonly state?: unknown;
  readonly action?: unknown;
  readonly t?: number;
}

/** Shown at most this many issues in one message; the rest are counted. */
const SHOWN_ISSUES = 8;

/**
 * The library's only error type. `code`, `part`, `state`, `action` and `t` are
 * those of the first issue; `issues` holds them all.
 */
export class CaiError extends Error {
  readonly code: ErrorCode;
  readonly part: string | undefined;
  readonly state: unknown;
  readonly action: unknown;
  readonly t: number | undefined;
  readonly issues: readonly CaiIssue[];

  constructor(issues: readonly CaiIssue[], options?: { cause?: unknown }) {
    if (issues.length === 0) throw new TypeError('CaiError needs at least one issue');
    const shown = issues.slice(0, SHOWN_ISSUES).map((i) => i.message);
    if (issues.length > SHOWN_ISSUES) shown.push(`… and ${issues.length - SHOWN_ISSUES} more`);
    super(shown.join('\n'), options);
    this.name = 'CaiError';
    const first = issues[0]!;
    this.code = first.code;
    this.part = first.part;
    this.state = first.state;
    this.action = first.action;
    this.t = first.t;
    this.issues = Object.freeze([...issues]);
  }
}

/** Throw a single-issue error. */
export function fail(issue: CaiIssue, cause?: unknown): never {
  throw new CaiError([issue], cause === undefined ? undefined : { cause });
}

/** Collects issues during validation; `throwIfAny` raises them together. */
export class IssueList {
  readonly items: CaiIssue[] = [];
  add(issue: CaiIssue): void {
    this.items.push(issue);
  }
  get size(): number {
    return this.items.length;
  }
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const withCause = this.items.find((i) => (i as { cause?: unknown }).cause !== undefined) as
      | { cause?: unknown }
      | undefined;
    throw new CaiError(this.items, withCause ? { cause: withCause.cause } : undefined);
  }
}

/**
 * Render a domain value the way messages show it: `{x:0,y:1}`, `'N'`, `3`.
 * Short and unambiguous rather than valid JSON. It never throws, whatever it is
 * given (a Proxy, a throwing getter, a value nested 10^5 deep, a boxed number,
 * a Promise): an error message must not fail while it is being built.
 */
export function show(value: unknown): string {
  const text = showAt(value, 0);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

/** Longest rendering of one value in a message; deeper or longer values are cut with `…`. */
const SHOWN_CHARS = 200;
const SHOWN_DEPTH = 6;
const SHOWN_ENTRIES = 12;

function showAt(value: unknown, depth: number): string {
  if (typeof value === 'string') return `'${value.length > SHOWN_CHARS ? value.slice(0, SHOWN_CHARS) + '…' : value}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (value === null || typeof value === 'boolean' || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    if (isThenable(value)) return 'a Promise';
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return `new ${value.constructor.name}(${showAt(value.valueOf(), depth)})`;
    if (depth >= SHOWN_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < Math.min(value.length, SHOWN_ENTRIES); i++) items.push(i in value ? showAt(value[i], depth + 1) : '<hole>');
      if (value.length > SHOWN_ENTRIES) items.push(`… ${value.length - SHOWN_ENTRIES} more`);
      return `[${items.join(',')}]`;
    }
    const keys = Object.keys(value as object);
    const entries = keys.slice(0, SHOWN_ENTRIES).map((k) => `${k}:${showAt((value as Record<string, unknown>)[k], depth + 1)}`);
    if (keys.length > SHOWN_ENTRIES) entries.push(`… ${keys.length - SHOWN_ENTRIES} more`);
    return `{${entries.join(',')}}`;
  } catch {
    return 'an object that cannot be read (a Proxy or a throwing getter)';
  }
}

/** A Promise or any other thenable: what an `async` function returns. */
export function isThenable(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return value instanceof Promise || typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * The text of something a user's function threw, without trusting it: a thrown
 * object may have a `message` getter or a `toString` that throws, or be a Proxy.
 */
export function thrownText(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      return typeof message === 'string' ? message : show(message);
    }
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null) return `${show(error)} (a thrown value that is not an Error)`;
    return String(error);
  } catch {
    return 'a value that cannot be printed (its message or toString throws)';
  }
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined if none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Refuse unknown option keys, suggesting the closest known one ("did you mean"). */
export function checkOptions(part: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail({ code: 'option-invalid', part, message: `${part}: options must be an object, got ${show(options)}` });
  }
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (error) {
    return fail({ code: 'option-invalid', part, message: `${part}: the options object cannot be read (${thrownText(error)}); pass a plain object` }, error);
  }
  const issues = new IssueList();
  for (const key of keys) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    const hint = guess !== undefined ? ` (did you mean '${guess}'?)` : '';
    issues.add({
      code: 'unknown-option',
      part,
      message: `${part}: unknown option '${key}'${hint}; known options: ${known.map((k) => `'${k}'`).join(', ')}`,
    });
  }
  issues.throwIfAny();
}

/**
 * Refuse a wrong argument of a public function (code `argument-invalid`):
 * `<where>: expected <what>, got <value>[; <fix>]`. For the checks every module
 * needs (an array, an object); models and posteriors: src/compile/arguments.ts.
 */
export function argumentError(where: string, what: string, value: unknown, fix?: string): never {
  return fail({ code: 'argument-invalid', part: where, message: `${where}: expected ${what}, got ${isThenable(value) ? 'a Promise' : show(value)}${fix !== undefined ? `; ${fix}` : ''}` });
}

/** `value` is an array (Array.isArray, which a Proxy of an array also passes). */
export function requireArray(where: string, what: string, value: unknown, fix?: string): void {
  if (!Array.isArray(value)) argumentError(where, what, value, fix);
}
