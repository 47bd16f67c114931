/**
 * An independent reference for the factor graph's edges: call a model
 * function on every state record wrapped in a Proxy and note the fields it
 * touches. Enumerating the record's keys (a spread, JSON.stringify, Object.keys)
 * counts as reading every field. The action is a primitive, so "reads the
 * action" is judged by value instead: some state where two actions give
 * different results. Imports nothing from src/.
 */

/** Every record of the product of the named domains (keys in the given order). */
export function records(domains: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(domains)) out = out.flatMap((r) => values.map((v) => ({ ...r, [name]: v })));
  return out;
}

/** The fields of the state record `f(s, a)` touches over every state and action, and whether its result depends on a. */
export function traceReads(
  domains: Readonly<Record<string, readonly unknown[]>>,
  actions: readonly unknown[],
  f: (s: Record<string, unknown>, a: unknown) => unknown,
): { variables: string[]; action: boolean } {
  const names = Object.keys(domains);
  const touched = new Set<string>();
  let action = false;
  for (const record of records(domains)) {
    const spy = new Proxy(record, {
      get(target, key, receiver) {
        if (typeof key === 'string' && names.includes(key)) touched.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
      has(target, key) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        names.forEach((n) => touched.add(n));
        return Reflect.ownKeys(target);
      },
    });
    const results = actions.map((a) => JSON.stringify(f(spy, a), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
    if (results.some((r) => r !== results[0])) action = true;
  }
  return { variables: names.filter((n) => touched.has(n)).sort(), action };
}
