/**
 * Short, consistent names for states on axes, with the full name kept for
 * tooltips and `aria-label`s. A factored state {stock:0,regime:'lo'} becomes
 * "s=0 r=lo": each variable is cut to the shortest prefix that tells it apart
 * from the domain's other variables, the same prefix for every state, so that
 * a column of labels reads as a table.
 */
import { show } from '../../errors.js';
import { requireStateValues } from '../picture-input.js';

/** A state's axis label and its full name. */
export interface StateName {
  readonly short: string;
  readonly full: string;
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shortest prefixes (≥ 1 character) that tell the keys apart; a key that is a prefix of another stays whole. */
export function abbreviateKeys(keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of keys) {
    let n = 1;
    while (n < k.length && keys.some((o) => o !== k && o.startsWith(k.slice(0, n)))) n++;
    out.set(k, k.slice(0, n));
  }
  return out;
}

const scalar = (v: unknown) => (typeof v === 'string' ? v : show(v));

/**
 * One namer for a whole domain: `namer(values)(s)` gives `{ short, full }`.
 * Records share one set of key abbreviations (from all keys seen in the domain).
 */
export function stateNamer<S>(values: readonly S[]): (s: S) => StateName {
  requireStateValues(values);
  const keys = new Set<string>();
  for (const v of values) if (isRecord(v)) for (const k of Object.keys(v)) keys.add(k);
  const short = abbreviateKeys([...keys]);
  return (s: S) => {
    const full = show(s);
    if (!isRecord(s)) return { short: scalar(s), full };
    return { short: Object.entries(s).map(([k, v]) => `${short.get(k) ?? k}=${scalar(v)}`).join(' '), full };
  };
}
