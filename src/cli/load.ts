/**
 * Loading a model file: a TypeScript (or JavaScript) module whose default
 * export, or export named `model`, is a model — or a function of no
 * arguments that returns one. Errors the model itself raises while it is
 * built (the library's CaiError) pass through unchanged, so the user sees the
 * library's message; anything else about the file is a UsageError that names
 * the file and what it does export.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../types/model.js';
import { UsageError, type CliIo } from './io.js';
import { isCaiError } from './errors.js';
import { isThenable, thrownText } from '../errors.js';

export interface LoadedModel {
  readonly model: Model<unknown, unknown>;
  /** The absolute path of the file. */
  readonly path: string;
  /** Which export held the model: 'default', 'model', or 'default()' / 'model()' for a factory. */
  readonly from: string;
  /** All the module's exports (e.g. `features` for `cai irl`). */
  readonly module: Readonly<Record<string, unknown>>;
}

/** A model value: what `model(...)` returns (a frozen `{ kind: 'model', parts }`). */
export function isModel(value: unknown): value is Model<unknown, unknown> {
  try {
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'model' && Array.isArray((value as { parts?: unknown }).parts);
  } catch {
    return false; // a Proxy that throws when read is not a model
  }
}

/**
 * Load `file` and find its model: the export named `exportName` when given,
 * otherwise `default`, then `model`.
 */
export async function loadModel(file: string, io: CliIo, exportName?: string): Promise<LoadedModel> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`${file}: no such file (looked for ${path})`);
  if (statSync(path).isDirectory()) throw new UsageError(`${file}: is a folder, not a model file; give the .ts or .js file that exports the model`);
  if (!statSync(path).isFile()) throw new UsageError(`${file}: is not a regular file (looked for ${path}); give the .ts or .js file that exports the model`);
  let module: Record<string, unknown>;
  try {
    module = await io.importModule(pathToFileURL(path).href);
  } catch (error) {
    if (isCaiError(error)) throw error; // the model's own mistake: the library's message says what and where
    throw new UsageError(`${file}: could not load the module: ${thrownText(error)}`, { cause: error });
  }
  // A CommonJS model file (.cts, .cjs, or .js outside a "type": "module" package) arrives with its exports
  // under `default`; read its named exports from there.
  const inner = module['default'];
  if (!isModel(inner) && typeof inner === 'object' && inner !== null && (['default', 'model', ...(exportName !== undefined ? [exportName] : [])].some((k) => own(inner, k)))) {
    module = inner as Record<string, unknown>;
  }
  // Own exports only: `--export constructor` must not find Object.prototype.constructor.
  if (exportName !== undefined && !own(module, exportName)) {
    throw new UsageError(`${file}: has no export named '${exportName}'; it exports: ${Object.keys(module).join(', ') || 'nothing'}`);
  }
  for (const name of exportName !== undefined ? [exportName] : ['default', 'model']) {
    const value = own(module, name) ? module[name] : undefined;
    if (value === undefined) continue;
    if (isModel(value)) return { model: value, path, from: name, module };
    // A factory whose parameters all have defaults (length 0) is called with none: `export function gridworld(n = 5) {…}`.
    if (typeof value === 'function' && value.length === 0) {
      let made: unknown;
      try {
        made = (value as () => unknown)();
      } catch (error) {
        if (isCaiError(error)) throw error; // the model's own mistake, in the library's words
        throw new UsageError(`${file}: calling the '${name}' export threw: ${thrownText(error)}`, { cause: error, exitCode: 1 });
      }
      if (isModel(made)) return { model: made, path, from: `${name}()`, module };
      throw new UsageError(`${file}: the '${name}' export is a function, but calling it returned ${describe(made)}, not a model; return model(...) from it`);
    }
    throw new UsageError(`${file}: the '${name}' export is ${describe(value)}, not a model; export the result of model(...)`);
  }
  const names = Object.keys(module);
  throw new UsageError(
    `${file}: exports no model; add \`export default model(...)\` or \`export const model = model(...)\` ` +
      `(a function of no arguments that returns a model works too)${names.length > 0 ? `. It exports: ${names.join(', ')}` : ''}`,
  );
}

/** An own property (not Object.prototype's), false for an object that cannot be read. */
function own(object: object, key: string): boolean {
  try {
    return Object.prototype.hasOwnProperty.call(object, key);
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'symbol') return 'a symbol';
  if (isThenable(value)) return 'a Promise (export the model itself; to build it asynchronously, await it in the module: `export default await build()`)';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return `a function of ${value.length} argument${value.length === 1 ? '' : 's'}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
