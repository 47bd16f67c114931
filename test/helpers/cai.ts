/**
 * `cai` run in-process for tests: stdout, stderr and written files captured, the
 * model files imported by URL from the repository root (or `cwd`).
 */
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface CaiRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** What `writeFile` was asked to write, by absolute path. */
  readonly files: Map<string, string>;
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function runCai(argv: string[], cwd: string = ROOT): Promise<CaiRun> {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY: false, columns: 100 },
    cwd,
    importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => files.set(path, text),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join(''), files };
}
