/**
 * Fail fast with an estimate, before allocating. Every engine and query that
 * allocates in proportion to the horizon, the state space, the particles or
 * the draws asks `checkMemory` first with a lower bound of what it will hold
 * (typed arrays at their byte size, a JS object or array slot at the sizes
 * below), and is refused with `too-large` — the size, the estimate, the limit
 * and what to change — instead of dying of V8 heap exhaustion minutes later.
 */
import { fail } from '../errors.js';

/** The budget of one run or query, in bytes (2 GiB: below V8's default heap limit, whatever the machine). */
export const MEMORY_LIMIT = 2 ** 31;

/** Bytes of one frozen record state (object header + in-object fields) and its slot in the values array. */
export const RECORD_BYTES = 32;
/** Bytes of one element of a JS array of values (a pointer). */
export const SLOT_BYTES = 8;

const gb = (bytes: number) => (bytes < 1e13 ? String(Number((bytes / 1e9).toPrecision(3))) : (bytes / 1e9).toExponential(2));

/**
 * Refuse when `bytes` exceeds the limit: "<part>: <what> needs ~X GB, above the
 * 2.1 GB memory limit; <fix>".
 */
export function checkMemory(part: string, bytes: number, what: string, fix: string): void {
  if (bytes <= MEMORY_LIMIT) return;
  fail({ code: 'too-large', part, message: `${part}: ${what} needs ~${gb(bytes)} GB, above the ${gb(MEMORY_LIMIT)} GB memory limit; ${fix}` });
}

/** Bytes of n trajectories of `decisions` steps as `sample` returns them (two arrays and an object each). */
export function trajectoryBytes(n: number, decisions: number): number {
  return n * ((2 * decisions + 1) * SLOT_BYTES + 3 * 64);
}
