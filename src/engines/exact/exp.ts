/**
 * e^x for x ≤ 0 without a call out of the JIT's code: Math.exp is a call to
 * a C routine (~8 ns here, and the four calls of a state's soft max cannot
 * overlap), this is ~20 flops inlined into the caller, and the exps of one
 * state run side by side. Used by the fixed-dynamics step only: the generic one
 * (backup.ts) calls it, the generated one (fixed/codegen.ts) has it written in
 * (`expStatements` there, from the constants exported here), so that the two give the same bits.
 *
 *   x = (k/N) ln 2 + r,   k = round(x N / ln 2),   |r| ≤ ln 2 / 2N   (N = 128)
 *   e^x = 2^⌊k/N⌋ · 2^{(k mod N)/N} · e^r
 *
 * with ln 2 / N split in two (its high part has 32 significant bits, so k ·
 * high is exact for |k| < 2^21), 2^{j/N} from a table, 2^⌊k/N⌋ from a table
 * of exact powers of two, and e^r by its Taylor polynomial to r^5 (the rest
 * is < r^6/720 ≤ 6e-19, far below one ulp). Error: within 2 ulp of e^x
 * (test/exact-kernel-equality.test.ts, "expNonPositive", checks it against Math.exp on 10^5 seeded points).
 * Below −708 (the result would leave the normal range) it is Math.exp.
 */
export const N = 128;
export const INV_STEP = N / Math.LN2;
/** fdlibm's ln2_hi (32 significant bits) and ln2_lo, divided by N (exact: N is a power of two). */
export const STEP_HI = 6.93147180369123816490e-1 / N;
export const STEP_LO = 1.90821492927058770002e-10 / N;
/** 1.5 · 2^52: adding and subtracting it rounds a double of magnitude < 2^51 to the nearest integer. */
export const ROUND = 6755399441055744;
export const LOWEST = -708;

/** 2^{j/N}, j = 0 … N−1. */
export const FRACTION = Float64Array.from({ length: N }, (_, j) => Math.pow(2, j / N));
/** 2^{−e}, e = 0 … 1022 (exact). */
export const POWER = Float64Array.from({ length: 1023 }, (_, e) => Math.pow(2, -e));

/** e^x for x ≤ 0 (see the file comment); any other x is Math.exp(x). */
export function expNonPositive(x: number): number {
  if (!(x >= LOWEST && x <= 0)) return Math.exp(x);
  const k = x * INV_STEP + ROUND - ROUND;
  const r = x - k * STEP_HI - k * STEP_LO;
  const i = k | 0;
  // e^r by Horner: 1 + r(1 + r/2(1 + r/3(1 + r/4(1 + r/5)))).
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return POWER[-(i >> 7)]! * (FRACTION[i & (N - 1)]! * p);
}

