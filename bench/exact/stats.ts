/** Small statistics helpers shared by the bench workers. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Largest |a[i] − b[i]| (equal values, including equal infinities, differ by 0; NaN wins). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = a[i] === b[i] ? 0 : Math.abs(a[i]! - b[i]!);
    if (!(e <= d)) d = e;
  }
  return d;
}
