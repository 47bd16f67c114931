/**
 * How the command reports failures: the library's message for a CaiError
 * (recognised by name and code, since a model file may load another copy of
 * the library), `cai: …` for a command-line mistake, no stack trace unless asked.
 */
import { isCaiError } from '../report/cai-error.js';
import { UsageError, type OutStream } from './io.js';

export { isCaiError };

/**
 * Print a failure without a stack trace unless asked: the library's message
 * for a CaiError (code in brackets), `cai: …` for a command-line mistake, and
 * the message of anything else with a hint to rerun with --stack. Returns the exit code.
 */
export function report(error: unknown, stderr: OutStream, stack: boolean): number {
  if (isCaiError(error)) {
    stderr.write(`error [${error.code}]: ${shellAdvice(error.message)}\n`);
    if (stack && error.stack) stderr.write(`${error.stack}\n`);
    return 1;
  }
  if (error instanceof UsageError) {
    stderr.write(`cai: ${error.message}\n`);
    if (stack && error.cause instanceof Error && error.cause.stack) stderr.write(`${error.cause.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  stderr.write(`error: ${message}\n`);
  if (stack && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  else stderr.write('(run again with --stack to see where it was thrown)\n');
  return 1;
}

/**
 * The library's advice names JavaScript options; on the command line the same fix is a flag.
 * Each pair is a phrase of a library message and what a shell user types instead.
 */
const SHELL_ADVICE: readonly (readonly [string, string])[] = [
  ['pass { steps: H } to weight the first H decisions', 'give --steps H to weight the first H decisions'],
  ['or pass { layout } here', 'or draw with --layout grid:8x4 (states row by row) or --var x,y (two fields of the state record)'],
  ["give state(name, domain, { layout: { width, height, cellOf } })", 'add `layout` to the state in your model file (state(name, domain, { layout: { width, height, cellOf } }))'],
];

/** A library message with its JavaScript-only advice replaced by the flags that do the same. */
export function shellAdvice(message: string): string {
  return SHELL_ADVICE.reduce((m, [library, shell]) => m.replace(library, shell), message);
}
