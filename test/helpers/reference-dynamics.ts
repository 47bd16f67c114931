/**
 * An independent tabulation of p(s' | s, a), as compile did it before its fast
 * paths: every value keyed by a canonical JSON string and looked up in a Map.
 * Never imports the compiler it checks: it reads only the model's parts and
 * the state values (their order is the compiler's contract, checked elsewhere).
 */

/** Canonical string of a domain value: records with sorted keys, −0 as 0. */
export function canonicalKey(value: unknown): string {
  if (typeof value === 'number') return 'n' + (value === 0 ? 0 : value);
  if (typeof value === 'string') return 's' + value;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  return 'j' + json(value);
}

function json(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value === 0 ? 0 : value);
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(json).join(',') + ']';
  const record = value as Record<string, unknown>;
  return '{' + Object.keys(record).sort().map((k) => JSON.stringify(k) + ':' + json(record[k])).join(',') + '}';
}

interface Dist {
  readonly support: readonly unknown[];
  readonly probs: readonly number[];
}
interface Parts {
  readonly parts: readonly { readonly kind: string; readonly name?: string; readonly variable?: string; readonly domain?: readonly unknown[]; readonly next?: (s: unknown, a: unknown) => unknown }[];
}

/**
 * Rows of p(s'|s, a), row s·nA + a, each a list of [successor, p] sorted by successor.
 * A factored state multiplies the variables' rows in name order: p = 1 · p_1 · p_2 ….
 */
export function referenceRows(m: Parts, states: readonly unknown[], actions: readonly unknown[]): [number, number][][] {
  const stateIndex = new Map(states.map((v, i) => [canonicalKey(v), i] as const));
  const vars = m.parts.filter((p) => p.kind === 'state').sort((x, y) => (x.name! < y.name! ? -1 : 1));
  const transitions = m.parts.filter((p) => p.kind === 'transition');
  const rows: [number, number][][] = [];
  for (const sv of states) {
    for (const av of actions) {
      const row = new Map<number, number>();
      if (vars.length === 1) {
        const d = transitions[0]!.next!(sv, av) as Dist;
        d.support.forEach((v, k) => {
          if (d.probs[k] === 0) return;
          const i = stateIndex.get(canonicalKey(v));
          if (i === undefined) throw new Error(`successor ${canonicalKey(v)} unknown`);
          row.set(i, (row.get(i) ?? 0) + d.probs[k]!);
        });
      } else {
        // Per variable: [digit, p] merged by value; then the cartesian product in mixed radix.
        const per = vars.map((v) => {
          const index = new Map(v.domain!.map((x, i) => [canonicalKey(x), i] as const));
          const d = transitions.find((t) => t.variable === v.name)!.next!(sv, av) as Dist;
          const merged = new Map<number, number>();
          d.support.forEach((x, k) => {
            if (d.probs[k] === 0) return;
            const i = index.get(canonicalKey(x))!;
            merged.set(i, (merged.get(i) ?? 0) + d.probs[k]!);
          });
          return { size: v.domain!.length, entries: [...merged] };
        });
        const visit = (j: number, flat: number, p: number): void => {
          if (j === per.length) return void row.set(flat, p);
          for (const [i, q] of per[j]!.entries) visit(j + 1, flat * per[j]!.size + i, p * q);
        };
        visit(0, 0, 1);
      }
      rows.push([...row].sort((x, y) => x[0] - y[0]));
    }
  }
  return rows;
}
