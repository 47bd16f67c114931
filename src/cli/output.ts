/**
 * Where the command writes: `--out` is checked before any inference runs (a
 * missing folder found after a ten-minute fit wastes the fit), never resolves
 * to one of the command's inputs (`cai report m.ts --out m.ts` would replace
 * the model with HTML), and is written atomically — a temporary file in the
 * same folder, then a rename — so a full disk or a crash leaves the old file
 * whole rather than a truncated one.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { thrownText } from '../errors.js';
import { UsageError, type CliIo } from './io.js';

export { writeFileAtomic } from './atomic.js';

/** Identity of a file on disk (device and inode), so hard links and symbolic links compare equal. */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** The real path of `path`, or of its folder joined with its name when the file does not exist yet. */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * Check `--out <out>` before anything runs: the folder exists and is writable,
 * the path is not a folder, and it is none of `inputs` (command-line paths,
 * resolved against `cwd`). Returns the absolute path to write to.
 */
export function checkOutput(cwd: string, out: string, inputs: readonly string[]): string {
  const path = resolve(cwd, out);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`--out ${out}: is a folder; give a file path in it, e.g. --out ${join(out, 'out' + (basename(out).includes('.') ? '' : '.html'))}`);
  }
  const folder = dirname(path);
  if (!existsSync(folder)) throw new UsageError(`--out ${out}: the folder ${folder} does not exist; create it first (mkdir -p ${folder}) — nothing was run`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`--out ${out}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out}: cannot write in the folder ${folder} (permission denied); choose another folder — nothing was run`);
  }
  const target = realTarget(path);
  const id = identity(path);
  for (const input of inputs) {
    const inputPath = resolve(cwd, input);
    if (realTarget(inputPath) === target || (id !== undefined && identity(inputPath) === id)) {
      throw new UsageError(`--out ${out}: is the input file ${input}; writing there would replace it — give another file name`);
    }
  }
  return path;
}

/** Write --out (already checked by checkOutput); a failure says the old file is intact (the write is atomic). */
export function writeOut(io: CliIo, out: string, text: string): void {
  try {
    io.writeFile(resolve(io.cwd, out), text);
  } catch (error) {
    throw new UsageError(`--out ${out}: could not write the file (${thrownText(error)}); any file that was there is unchanged`, { cause: error });
  }
}
