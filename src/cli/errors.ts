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
    stderr.write(`error [${error.code}]: ${error.message}\n`);
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
