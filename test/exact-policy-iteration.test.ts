/**
 * exact({ backup: 'fixed-dynamics', solver: policyIteration() }) on seeded random
 * MDPs (|S| ≤ 5, |A| ≤ 3, γ ∈ {0.5, 0.9}, some −∞ rewards and zero priors), against
 * references written here that never import the solver:
 *  - α = 0: brute force over every deterministic policy, V* = max_π (I − γP_π)⁻¹ r_π
 *    (Gaussian elimination), the elementwise maximum (an optimal policy dominates);
 *  - α > 0: the soft Bellman fixed point V = α log Σ_a p(a|s) e^{(r + γPV)/α} by plain
 *    iteration to 1e-14.
 * Both solvers stop at ‖V − TV‖∞ < 1e-10, so each is within 1e-10·γ/(1 − γ) ≤ 9e-10 of
 * the fixed point; the checks allow 1e-9, and Σ_a π(a|s) = 1 to 1e-12.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, discount, exact, infer, policyIteration, model, optimality, rng, state, temperature, transition } from '../src/index.js';

interface Mdp {
  nS: number;
  nA: number;
  P: number[][][]; // P[s][a][s']
  r: number[][];
  prior: number[][];
  alpha: number;
  gamma: number;
}

function randomMdp(seed: number, alpha: number, gamma: number, keep = 0.5): Mdp {
  const random = rng(seed);
  const nS = 2 + Math.floor(random.next() * 4);
  const nA = 1 + Math.floor(random.next() * 3);
  const P = Array.from({ length: nS }, () =>
    Array.from({ length: nA }, () => {
      // Sparse rows: each successor kept with probability `keep` (1/2; at least one).
      const w = Array.from({ length: nS }, () => (random.next() < keep ? random.next() : 0));
      if (Math.max(...w) === 0) w[Math.floor(random.next() * nS)] = 1;
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / total);
    }),
  );
  const prior = Array.from({ length: nS }, () => {
    const w = Array.from({ length: nA }, () => (nA > 1 && random.next() < 0.2 ? 0 : 0.1 + random.next()));
    if (Math.max(...w) === 0) w[0] = 1;
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  });
  // −∞ on some actions, but never on every allowed action of a state (then policy iteration applies).
  const r = Array.from({ length: nS }, (_, s) => {
    const row = Array.from({ length: nA }, () => (random.next() < 0.15 ? -Infinity : 4 * random.next() - 2));
    const allowed = row.map((_, a) => a).filter((a) => prior[s]![a]! > 0);
    if (allowed.every((a) => row[a] === -Infinity)) row[allowed[0]!] = random.next();
    return row;
  });
  return { nS, nA, P, r, prior, alpha, gamma };
}

function modelOf(m: Mdp) {
  const states = Array.from({ length: m.nS }, (_, s) => s);
  const actions = Array.from({ length: m.nA }, (_, a) => a);
  return model<number, number>(
    state('s', states),
    action('a', actions, { prior: (s: number) => categorical(actions.map((a) => [a, m.prior[s]![a]!] as [number, number])) }),
    transition((s: number, a: number) => categorical(states.map((t) => [t, m.P[s]![a]![t]!] as [number, number]))),
    optimality((s: number, a: number) => m.r[s]![a]!),
    temperature(m.alpha),
    discount(m.gamma),
  );
}

/** Solve A x = b (n × n) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i]![c]!) > Math.abs(M[p]![c]!)) p = i;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = M[i]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[i]![k] = M[i]![k]! - f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = M[i]![n]!;
    for (let k = i + 1; k < n; k++) sum -= M[i]![k]! * x[k]!;
    x[i] = sum / M[i]![i]!;
  }
  return x;
}

/** α = 0: the best of every deterministic policy over the allowed, finite actions. */
function bruteForceHard(m: Mdp): number[] {
  const choices = Array.from({ length: m.nS }, (_, s) => Array.from({ length: m.nA }, (_, a) => a).filter((a) => m.prior[s]![a]! > 0 && m.r[s]![a]! > -Infinity));
  const best = new Array<number>(m.nS).fill(-Infinity);
  const pick = new Array<number>(m.nS).fill(0);
  const visit = (s: number): void => {
    if (s === m.nS) {
      const A = Array.from({ length: m.nS }, (_, i) => Array.from({ length: m.nS }, (_, j) => (i === j ? 1 : 0) - m.gamma * m.P[i]![pick[i]!]![j]!));
      const V = solve(A, pick.map((a, i) => m.r[i]![a]!));
      V.forEach((v, i) => (best[i] = Math.max(best[i]!, v)));
      return;
    }
    for (const a of choices[s]!) {
      pick[s] = a;
      visit(s + 1);
    }
  };
  visit(0);
  return best;
}

/** α > 0: the soft Bellman fixed point by plain iteration. */
function softFixedPoint(m: Mdp): number[] {
  let V = new Array<number>(m.nS).fill(0);
  for (let it = 0; it < 100_000; it++) {
    const next = V.map((_, s) => {
      const q = Array.from({ length: m.nA }, (_, a) => (m.prior[s]![a]! > 0 && m.r[s]![a]! > -Infinity ? m.r[s]![a]! + m.gamma * m.P[s]![a]!.reduce((e, p, t) => e + p * V[t]!, 0) : -Infinity));
      const top = Math.max(...q);
      return top + m.alpha * Math.log(q.reduce((sum, x, a) => (x === -Infinity ? sum : sum + m.prior[s]![a]! * Math.exp((x - top) / m.alpha)), 0));
    });
    const change = Math.max(...next.map((v, s) => Math.abs(v - V[s]!)));
    V = next;
    if (change < 1e-14) break;
  }
  return V;
}

describe('exact policy iteration (fixed-dynamics, discounted)', () => {
  const cases = [0, 0.5, 2].flatMap((alpha) => [0.5, 0.9].flatMap((gamma) => Array.from({ length: 20 }, (_, i) => ({ alpha, gamma, seed: 1000 * alpha + 100 * gamma + i }))));

  it.each([0, 0.5, 2])('α = %s: V within 1e-9 of the reference on 40 random MDPs, residual < tolerance, Σπ = 1, and within 1e-9 of value iteration', (alpha) => {
    for (const { gamma, seed } of cases.filter((c) => c.alpha === alpha)) {
      const m = randomMdp(seed, alpha, gamma);
      const reference = alpha === 0 ? bruteForceHard(m) : softFixedPoint(m);
      const pi = infer(modelOf(m), exact({ backup: 'fixed-dynamics', solver: policyIteration() }));
      const vi = infer(modelOf(m), exact({ backup: 'fixed-dynamics' }));
      expect(pi.convergence!.residual).toBeLessThan(1e-10);
      // Full backups: a handful of rounds where value iteration needs tens (a wrong evaluation still
      // converges, through the same stopping rule, but needs about as many backups as value iteration).
      expect(pi.convergence!.iterations).toBeLessThanOrEqual(Math.min(12, vi.convergence!.iterations));
      const V = pi.V(0);
      const W = vi.V(0);
      for (let s = 0; s < m.nS; s++) {
        expect(Math.abs(V[s]! - reference[s]!), `seed ${seed}, s=${s}`).toBeLessThan(1e-9);
        expect(Math.abs(V[s]! - W[s]!)).toBeLessThan(1e-9);
        const row = pi.policy(0, s);
        const total = row.probs.reduce((sum, p) => sum + p, 0);
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('α = 0, every successor in every row (rows of consecutive states, a dense P_π): V within 1e-9 of brute force on 40 MDPs', () => {
    for (let i = 0; i < 40; i++) {
      const m = randomMdp(5000 + i, 0, i % 2 === 0 ? 0.5 : 0.9, 1);
      const reference = bruteForceHard(m);
      const pi = infer(modelOf(m), exact({ backup: 'fixed-dynamics', solver: policyIteration() }));
      expect(pi.convergence!.residual).toBeLessThan(1e-10);
      const V = pi.V(0);
      for (let s = 0; s < m.nS; s++) expect(Math.abs(V[s]! - reference[s]!), `seed ${5000 + i}, s=${s}`).toBeLessThan(1e-9);
    }
  });

  it('α = 0, rows shared by many (s, a) (as Jack’s car rental’s, which depend only on the cars after the move): V within 1e-9 of brute force and of value iteration on 60 MDPs', () => {
    // Each (s, a) row drawn from a pool of three; the pool holds two rows with one length, first
    // successor and first and last probabilities that differ in between (the same group key), and with
    // keep < 1 rows of scattered successors (compared entry by entry, not as runs).
    for (let i = 0; i < 60; i++) {
      const keep = [1, 0.5, 0.8][i % 3]!;
      const m = randomMdp(8000 + i, 0, i % 2 === 0 ? 0.5 : 0.9, keep);
      const random = rng(9000 + i);
      const pool = [m.P[0]![0]!, m.P[m.nS - 1]![m.nA - 1]!];
      if (m.nS >= 4) {
        const twin = Array.from({ length: m.nS }, (_, j) => (j === 0 || j === m.nS - 1 ? 0.25 : 0.5 / (m.nS - 2)));
        pool.push(twin, twin.map((p, j) => (j === 1 ? p + 0.1 : j === 2 ? p - 0.1 : p)));
      }
      m.P = m.P.map((row) => row.map(() => pool[Math.floor(random.next() * pool.length)]!));
      const reference = bruteForceHard(m);
      const pi = infer(modelOf(m), exact({ backup: 'fixed-dynamics', solver: policyIteration() }));
      const vi = infer(modelOf(m), exact({ backup: 'fixed-dynamics' }));
      expect(pi.convergence!.residual).toBeLessThan(1e-10);
      const V = pi.V(0);
      for (let s = 0; s < m.nS; s++) {
        expect(Math.abs(V[s]! - reference[s]!), `seed ${8000 + i}, s=${s}`).toBeLessThan(1e-9);
        expect(Math.abs(V[s]! - vi.V(0)[s]!)).toBeLessThan(1e-9);
      }
    }
  });

  it('a state with no feasible action: policy iteration does not apply, and the answer is value iteration’s, bit for bit', () => {
    const m = randomMdp(7, 0.5, 0.9);
    m.r[0] = m.r[0]!.map(() => -Infinity);
    const pi = infer(modelOf(m), exact({ backup: 'fixed-dynamics', solver: policyIteration() }));
    const vi = infer(modelOf(m), exact({ backup: 'fixed-dynamics' }));
    expect(pi.V(0)[0]).toBe(-Infinity);
    expect([...pi.V(0)]).toEqual([...vi.V(0)]);
    expect(pi.convergence).toEqual(vi.convergence);
  });

  it('γ close to 1 (0.999) on a 3-state chain: the closed form V = r/(1 − γ) at the absorbing state, to 1e-9·|V|', () => {
    // 0 → 1 → 2 ↺ deterministically; r = 1 everywhere, one action: V(s) = 1/(1 − γ).
    const m: Mdp = { nS: 3, nA: 1, P: [[[0, 1, 0]], [[0, 0, 1]], [[0, 0, 1]]], r: [[1], [1], [1]], prior: [[1], [1], [1]], alpha: 0, gamma: 0.999 };
    const V = infer(modelOf(m), exact({ backup: 'fixed-dynamics', solver: policyIteration() })).V(0);
    for (let s = 0; s < 3; s++) expect(Math.abs(V[s]! - 1000)).toBeLessThan(1e-9 * 1000);
  });
});
