/**
 * Seeded random linear-Gaussian systems for the soft-LQR tests (drift, cross
 * term, linear terms, terminal reward, Gaussian x₀), as plain arrays that the
 * engine and the numpy references (soft_lqr.py, discounted_dare.py) both read.
 * Draws only from the seeded stream; imports nothing of the engine but `rng`.
 */
import { rng } from '../../src/index.js';

/** A random stable-ish system: entries N(0, 1)/√n scaled so the spectral radius stays moderate. */
export function randomSystem(seed: number, n: number, d: number, spread = 1) {
  const random = rng(seed);
  const g = () => {
    // Box–Muller from the seeded stream
    const u1 = Math.max(random.next(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.next());
  };
  const m = (r: number, c: number, s = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => s * g()));
  const spd = (k: number, s: number, ridge: number) => {
    const L = m(k, k, s);
    return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => L[i]!.reduce((acc, _v, l) => acc + L[i]![l]! * L[j]![l]!, 0) + (i === j ? ridge : 0)));
  };
  // spread > 1 scales A (spread 1.5 gives open-loop unstable systems that B must stabilise)
  const A = m(n, n, (spread * 0.9) / Math.sqrt(n)).map((row, i) => row.map((v, j) => v + (i === j ? spread * 0.5 : 0)));
  return {
    A, B: m(n, d, 1 / Math.sqrt(n)), c: m(1, n, 0.3)[0]!, W: spd(n, 0.3, 0.05),
    Q: spd(n, 0.5, 0.2), R: spd(d, 0.5, 0.5), N: m(n, d, 0.1), q: m(1, n, 0.3)[0]!, r: m(1, d, 0.3)[0]!, c0: 0.7,
    QT: spd(n, 0.5, 0.5), qT: m(1, n, 0.2)[0]!, cT: -0.4,
    m0: m(1, n, 1)[0]!, S0: spd(n, 0.3, 0.1), alpha: 0.3 + random.next(),
  };
}
export type System = ReturnType<typeof randomSystem>;
