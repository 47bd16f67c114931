/**
 * Small dense linear algebra on row-major Float64Arrays, for the soft-LQR
 * kernel: products, Cholesky (with a positive-definiteness verdict), solves,
 * log-determinants. Sizes are a state or action dimension (tens), so plain
 * O(n³) loops are the right tool; nothing here allocates inside a loop.
 */

/** A row-major r × c matrix. */
export interface Mat {
  readonly r: number;
  readonly c: number;
  readonly d: Float64Array;
}

export function mat(r: number, c: number, d: Float64Array = new Float64Array(r * c)): Mat {
  return { r, c, d };
}

export function identity(n: number, scale = 1): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.d[i * n + i] = scale;
  return m;
}

/** X Y. */
export function mul(x: Mat, y: Mat): Mat {
  const out = mat(x.r, y.c);
  for (let i = 0; i < x.r; i++) {
    for (let k = 0; k < x.c; k++) {
      const a = x.d[i * x.c + k]!;
      if (a === 0) continue;
      for (let j = 0; j < y.c; j++) out.d[i * y.c + j]! += a * y.d[k * y.c + j]!;
    }
  }
  return out;
}

/** Xᵀ Y (no transpose materialised). */
export function tmul(x: Mat, y: Mat): Mat {
  const out = mat(x.c, y.c);
  for (let k = 0; k < x.r; k++) {
    for (let i = 0; i < x.c; i++) {
      const a = x.d[k * x.c + i]!;
      if (a === 0) continue;
      for (let j = 0; j < y.c; j++) out.d[i * y.c + j]! += a * y.d[k * y.c + j]!;
    }
  }
  return out;
}

export function transpose(x: Mat): Mat {
  const out = mat(x.c, x.r);
  for (let i = 0; i < x.r; i++) for (let j = 0; j < x.c; j++) out.d[j * x.r + i] = x.d[i * x.c + j]!;
  return out;
}

/** a X + b Y. */
export function axpby(a: number, x: Mat, b: number, y: Mat): Mat {
  const out = mat(x.r, x.c);
  for (let i = 0; i < out.d.length; i++) out.d[i] = a * x.d[i]! + b * y.d[i]!;
  return out;
}

/** X v for a vector v. */
export function mulVec(x: Mat, v: Float64Array): Float64Array {
  const out = new Float64Array(x.r);
  for (let i = 0; i < x.r; i++) {
    let s = 0;
    for (let j = 0; j < x.c; j++) s += x.d[i * x.c + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Xᵀ v. */
export function tmulVec(x: Mat, v: Float64Array): Float64Array {
  const out = new Float64Array(x.c);
  for (let i = 0; i < x.r; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    for (let j = 0; j < x.c; j++) out[j]! += x.d[i * x.c + j]! * vi;
  }
  return out;
}

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

export function addVec(x: Float64Array, y: Float64Array, b = 1): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + b * y[i]!;
  return out;
}

/** (X + Xᵀ)/2: the backups are symmetric in exact arithmetic; this keeps rounding from breaking it. */
export function symmetrize(x: Mat): Mat {
  const n = x.r;
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.d[i * n + j] = 0.5 * (x.d[i * n + j]! + x.d[j * n + i]!);
  return out;
}

/** xᵀ M x. */
export function quadForm(m: Mat, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m.r; i++) {
    let row = 0;
    for (let j = 0; j < m.c; j++) row += m.d[i * m.c + j]! * x[j]!;
    s += x[i]! * row;
  }
  return s;
}

export function trace(m: Mat): number {
  let s = 0;
  for (let i = 0; i < m.r; i++) s += m.d[i * m.c + i]!;
  return s;
}

/**
 * Lower-triangular L with M = L Lᵀ, or undefined when M is not positive
 * definite (a pivot ≤ 0 relative to the diagonal's scale).
 */
export function cholesky(m: Mat): Mat | undefined {
  const n = m.r;
  const l = mat(n, n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(m.d[i * n + i]!));
  for (let j = 0; j < n; j++) {
    let s = m.d[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l.d[j * n + k]! ** 2;
    if (!(s > 1e-14 * scale) || !Number.isFinite(s)) return undefined;
    const ljj = Math.sqrt(s);
    l.d[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = m.d[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l.d[i * n + k]! * l.d[j * n + k]!;
      l.d[i * n + j] = t / ljj;
    }
  }
  return l;
}

/**
 * A factor L with M = L Lᵀ for a positive semi-definite M (a noise covariance
 * may be singular): a pivot within rounding of 0 leaves its column zero.
 * Undefined when M has a clearly negative direction.
 */
export function choleskyPsd(m: Mat): Mat | undefined {
  const n = m.r;
  const l = mat(n, n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(m.d[i * n + i]!));
  const tiny = 1e-13 * Math.max(scale, Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    let s = m.d[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l.d[j * n + k]! ** 2;
    if (s < -tiny) return undefined;
    if (s <= tiny) {
      // A zero pivot: the rest of this column must vanish too, else M is indefinite.
      for (let i = j + 1; i < n; i++) {
        let t = m.d[i * n + j]!;
        for (let k = 0; k < j; k++) t -= l.d[i * n + k]! * l.d[j * n + k]!;
        if (Math.abs(t) > 1e-7 * Math.sqrt(scale * Math.max(Math.abs(m.d[i * n + i]!), tiny))) return undefined;
      }
      continue;
    }
    const ljj = Math.sqrt(s);
    l.d[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = m.d[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l.d[i * n + k]! * l.d[j * n + k]!;
      l.d[i * n + j] = t / ljj;
    }
  }
  return l;
}

/** log det M = 2 Σ log L_ii from a Cholesky factor. */
export function logDetChol(l: Mat): number {
  let s = 0;
  for (let i = 0; i < l.r; i++) s += Math.log(l.d[i * l.c + i]!);
  return 2 * s;
}

/** M⁻¹ Y from the Cholesky factor L of M (forward then back substitution per column). */
export function cholSolve(l: Mat, y: Mat): Mat {
  const n = l.r;
  const out = mat(n, y.c);
  const z = new Float64Array(n);
  for (let col = 0; col < y.c; col++) {
    for (let i = 0; i < n; i++) {
      let s = y.d[i * y.c + col]!;
      for (let k = 0; k < i; k++) s -= l.d[i * n + k]! * z[k]!;
      z[i] = s / l.d[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < n; k++) s -= l.d[k * n + i]! * out.d[k * y.c + col]!;
      out.d[i * y.c + col] = s / l.d[i * n + i]!;
    }
  }
  return out;
}

export function cholSolveVec(l: Mat, v: Float64Array): Float64Array {
  return cholSolve(l, mat(v.length, 1, v)).d;
}
