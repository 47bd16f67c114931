/**
 * Shape checks of matrices and vectors written as rows of numbers (a number
 * is a 1 × 1 matrix or a 1-vector), shared by the continuous parts and the
 * linear-Gaussian compiler.
 */
import { fail, show } from '../errors.js';

/** Rows of `m` as numbers, or undefined when `m` is not a matrix of finite numbers. */
function rowsOf(m: unknown): number[][] | undefined {
  if (typeof m === 'number') return Number.isFinite(m) ? [[m]] : undefined;
  if (!Array.isArray(m) || m.length === 0) return undefined;
  const rows: number[][] = [];
  for (const row of m as unknown[]) {
    if (!Array.isArray(row) && !(row instanceof Float64Array)) return undefined;
    const r = Array.from(row as ArrayLike<unknown>);
    if (r.length === 0 || r.length !== (rows[0]?.length ?? r.length) || !r.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
    rows.push(r as number[]);
  }
  return rows;
}

/** Check a matrix of finite numbers (a number is 1 × 1); `square`/`symmetric` as stated. Returns rows. */
export function checkMatrix(part: string, field: string, m: unknown, shape: { square?: boolean; symmetric?: boolean } = {}): number[][] {
  const rows = rowsOf(m);
  if (rows === undefined) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is ${show(m)}; expected a matrix of finite numbers given as rows, e.g. [[1, 0], [0, 1]]` });
  }
  const n = rows.length;
  if ((shape.square || shape.symmetric) && rows[0]!.length !== n) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is ${n} × ${rows[0]!.length}; expected a square matrix` });
  }
  if (shape.symmetric) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const a = rows[i]![j]!;
        const b = rows[j]![i]!;
        if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
          fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is not symmetric (entry [${i}][${j}] = ${show(a)} but [${j}][${i}] = ${show(b)}); expected a symmetric matrix` });
        }
      }
    }
  }
  return rows;
}

/** Check a vector of finite numbers (a number is a 1-vector). */
export function checkVector(part: string, field: string, v: unknown): Float64Array {
  const values = typeof v === 'number' ? [v] : Array.isArray(v) || v instanceof Float64Array ? Array.from(v as ArrayLike<unknown>) : undefined;
  if (values === undefined || values.length === 0 || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is ${show(v)}; expected a vector of finite numbers, e.g. [0, 0]` });
  }
  return Float64Array.from(values as number[]);
}
