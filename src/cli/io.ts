/**
 * What the `cai` command touches outside itself, as one record, so that tests
 * can run `main(argv, io)` in-process and read what it wrote.
 */
import { writeFileAtomic } from './atomic.js';

/** A stream the command writes to; `isTTY` decides whether a progress bar is drawn. */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Relative paths on the command line are resolved against this folder. */
  readonly cwd: string;
  /** Import a module by file URL (the real command registers a TypeScript loader first). */
  importModule(url: string): Promise<Record<string, unknown>>;
  writeFile(path: string, text: string): void;
}

/** The process's own streams and folder. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    importModule: (url) => import(url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => writeFileAtomic(path, text),
  };
}

/** A mistake on the command line (not in the model): printed as `cai: <message>`, exit code 2 (1 when the model file itself failed). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** 2 for a command-line mistake; 1 when the file itself failed (its export threw), which is the model's fault, not the command's. */
  readonly exitCode: 1 | 2;
  constructor(message: string, options?: { cause?: unknown; exitCode?: 1 | 2 }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 2;
  }
}
