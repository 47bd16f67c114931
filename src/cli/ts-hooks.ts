/**
 * Node module hooks that let `cai` import a model written in TypeScript, with
 * no build step and no native binary: `.ts` / `.mts` files are ES modules
 * whose types sucrase strips (it keeps line numbers, so a stack trace points
 * at the user's line); `.cts` files are CommonJS (see commonJsModule). bin.ts
 * registers them with `module.registerHooks` where Node has it (≥ 22.15), else
 * with `module.register` (then they run on Node's loader thread).
 *
 * A `.ts` file is loaded as an ES module whatever its package.json says: a
 * model file imports the library (`import { model } from
 * 'control-as-inference'`), which is ES-module syntax, and Node ≥ 20.19 loads
 * it either way. TypeScript's own convention of naming an imported `.ts` file
 * by its `.js` output (`from './grid.js'`) is honoured, and so is a specifier
 * without an extension, for imports made from a TypeScript file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'sucrase';

/** What Node passes to and expects from the hooks (the subset used here). */
interface ResolveContext {
  readonly parentURL?: string;
}
interface Resolved {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
interface Loaded {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array | null;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<Resolved>;
type NextLoad = (url: string, context?: object) => Promise<Loaded>;

const TYPESCRIPT = /\.[cm]?ts$/;

function isTypeScript(url: string): boolean {
  return url.startsWith('file:') && TYPESCRIPT.test(new URL(url).pathname);
}

/** `./grid.js` → `./grid.ts`; `./grid` → `./grid.ts`, `./grid/index.ts`. */
function alternatives(specifier: string): string[] {
  const swapped = specifier.replace(/\.(m|c)?js$/, (_, k: string | undefined) => `.${k ?? ''}ts`);
  if (swapped !== specifier) return [swapped];
  return /\.[\w]+$/.test(specifier.split('/').pop() ?? '') ? [] : [`${specifier}.ts`, `${specifier}/index.ts`];
}

/** Other spellings to try when `specifier` was not found from a TypeScript file; rethrows `error` otherwise. */
function retries(specifier: string, context: ResolveContext, error: unknown): string[] {
  const relative = /^(\.{1,2}\/|\/|file:)/.test(specifier);
  const fromTypeScript = context.parentURL !== undefined && isTypeScript(context.parentURL);
  if (!relative || !fromTypeScript || (error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  return alternatives(specifier);
}

/** A TypeScript file as the module Node should run, or undefined for any other URL. */
function typeScriptModule(url: string): Loaded | undefined {
  if (!isTypeScript(url)) return undefined;
  const path = fileURLToPath(url);
  const commonjs = path.endsWith('.cts');
  const { code } = transform(readFileSync(path, 'utf8'), {
    transforms: commonjs ? ['typescript', 'imports'] : ['typescript'],
    filePath: path,
    disableESTransforms: true,
  });
  return { format: 'module', source: commonjs ? commonJsModule(url, code) : code, shortCircuit: true };
}

/** `module.register` hooks (asynchronous, on Node's loader thread): Node 20.19 to 22.14. */
export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  try {
    return await next(specifier, context);
  } catch (error) {
    for (const candidate of retries(specifier, context, error)) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling; the original error is the one to report
      }
    }
    throw error;
  }
}

export async function load(url: string, context: object, next: NextLoad): Promise<Loaded> {
  return typeScriptModule(url) ?? next(url, context);
}

/**
 * The same as `module.registerHooks` hooks (synchronous, in-thread): Node ≥ 22.15,
 * where `module.register` is deprecated (DEP0205, a runtime warning from Node 26).
 */
export function resolveSync(specifier: string, context: ResolveContext, next: (specifier: string, context?: ResolveContext) => Resolved): Resolved {
  try {
    return next(specifier, context);
  } catch (error) {
    for (const candidate of retries(specifier, context, error)) {
      try {
        return next(candidate, context);
      } catch {
        // as above
      }
    }
    throw error;
  }
}

export function loadSync(url: string, context: object, next: (url: string, context?: object) => Loaded): Loaded {
  return typeScriptModule(url) ?? next(url, context);
}

/**
 * A `.cts` file as an ES module whose default export is its `module.exports`
 * (what `import()` of a CommonJS file gives). Node 20's hooks cannot hand
 * CommonJS source to its own loader, so the wrapper supplies `require`,
 * `module`, `exports`, `__filename` and `__dirname`, all on the first line so
 * that line numbers still match the file.
 */
function commonJsModule(url: string, code: string): string {
  const head =
    `import { createRequire as __caiRequire } from 'node:module'; import { fileURLToPath as __caiPath } from 'node:url'; ` +
    `const require = __caiRequire(${JSON.stringify(url)}); const module = { exports: {} }; let exports = module.exports; ` +
    `const __filename = __caiPath(${JSON.stringify(url)}); const __dirname = __caiPath(new URL('.', ${JSON.stringify(url)})); `;
  return `${head}${code}\nexport default module.exports;\n`;
}
