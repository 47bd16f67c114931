/**
 * `unhandled(x)`: the `default` of a `switch` over a part's `kind`. Its
 * parameter is `never`, so a new kind of part that a switch does not handle
 * is a compile error there — the guarantee ts-pattern's `.exhaustive()` gave,
 * without its 5 KB on every page (issue 14). At run time it is reached only
 * by a value the types rule out (a hand-made part that skipped the checks).
 */
export function unhandled(value: never): never {
  throw new TypeError(`Unhandled kind of model part: ${JSON.stringify((value as { kind?: unknown } | undefined)?.kind ?? value)}`);
}
