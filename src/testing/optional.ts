/**
 * The kit's optional peer dependencies, loaded on first use: fast-check (the
 * random models and the agreement battery) and mathjs (exact fractions in
 * `bruteForceExact`). `import … from 'control-as-inference/testing'` must work
 * without either, so that `bruteForce` and `checkPosterior` need nothing more
 * than the library; a helper that needs one says so with a CaiError
 * (`dependency-missing`) naming the package to install.
 *
 * Loading is synchronous (the helpers return arbitraries and fractions, not
 * promises), so it goes through Node's `require`, which Node ≥ 20.19 has for
 * ES modules too; `process.getBuiltinModule` reaches it without a static
 * `node:` import. fast-check's arbitraries are recognised by shape, not by
 * class, so its CommonJS build mixes with a user's ES-module `fc` calls.
 */
import type * as FastCheck from 'fast-check';
import type * as MathJs from 'mathjs';
import { fail } from '../errors.js';

interface NodeProcess {
  getBuiltinModule?(id: 'node:module'): { createRequire(from: string): (id: string) => unknown } | undefined;
}

const cache = new Map<string, unknown>();

/** `require(name)` from this file, or a CaiError that says what needs it and how to install it. */
function load(name: string, usedBy: string): unknown {
  if (cache.has(name)) return cache.get(name);
  const nodeModule = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.('node:module');
  if (nodeModule === undefined) {
    fail({ code: 'dependency-missing', part: 'testing', message: `testing: ${usedBy} loads the optional peer dependency ${name} with Node's require, which this runtime does not have; expected Node ≥ 20.19. Run it under Node` });
  }
  let loaded: unknown;
  try {
    loaded = nodeModule.createRequire(import.meta.url)(name);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    fail({ code: 'dependency-missing', part: 'testing', message: `testing: ${usedBy} needs ${name}, an optional peer dependency that is not installed; expected it beside control-as-inference. Run npm install --save-dev ${name}` }, error);
  }
  cache.set(name, loaded);
  return loaded;
}

/**
 * A stand-in for `import fc from 'fast-check'` that loads fast-check when a
 * property is first read (`fc.integer(…)`), not when the kit is imported.
 */
function lazy<T extends object>(name: string, usedBy: string): T {
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(load(name, usedBy) as T, key),
  });
}

/** fast-check, loaded on first use by the arbitraries and `checkEngineAgreement`. */
export const fc: typeof FastCheck = lazy<typeof FastCheck>('fast-check', 'the random models (arbitraryModel …) and checkEngineAgreement');

/** mathjs, loaded on first use by `bruteForceExact`, `toFraction` and the rational arbitraries. */
export function mathjs(): typeof MathJs {
  return load('mathjs', 'bruteForceExact (exact fractions)') as typeof MathJs;
}
