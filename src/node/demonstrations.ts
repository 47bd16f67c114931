/**
 * Demonstrations from a file: the root's `loadDemonstrations` (JSON text or an
 * object) plus file paths, read with `node:fs`.
 */
import { readFileSync } from 'node:fs';
import { fail, show } from '../errors.js';
import { parseDemonstrations, type Demonstration, type DemonstrationsFile } from '../irl/demonstrations.js';

/**
 * Demonstrations from a JSON file path, JSON text, or an already parsed object
 * `{ demonstrations: [...] }` (or the bare array). The shape is checked here;
 * `inferReward` checks them against the model.
 * @example const demos = loadDemonstrations<Cell, Move>('data/gridworld-demos.json');
 */
export function loadDemonstrations<S = unknown, A = unknown>(source: string | DemonstrationsFile<S, A> | readonly Demonstration<S, A>[]): Demonstration<S, A>[] {
  return parseDemonstrations(source, readText);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    fail({ code: 'demonstration-invalid', part: 'loadDemonstrations', message: `loadDemonstrations: cannot read ${show(path)} (${error instanceof Error ? error.message : String(error)}); give a file path, JSON text or an object` }, error);
  }
}
