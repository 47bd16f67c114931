/**
 * Recognising the library's error across copies of the library: a model file
 * may import the library by its own path (e.g. '../src/index.js' through the
 * TypeScript loader) while the command runs the built copy, so a CaiError is
 * known by its name and code, not by `instanceof`.
 */
import type { CaiError } from '../errors.js';

export function isCaiError(error: unknown): error is CaiError {
  return error instanceof Error && error.name === 'CaiError' && typeof (error as { code?: unknown }).code === 'string';
}
