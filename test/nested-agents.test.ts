/**
 * One level of nesting (issue 16, part 3): a model whose transition reads
 * another posterior's policy. dsl-examples/nested-agents.ts solves a Schelling
 * game by level-k reasoning; here each level is checked against a brute-force
 * enumeration of both players' choices, for every backup, to 1e-12.
 */
import { describe, expect, it } from 'vitest';
import { levelK } from '../dsl-examples/nested-agents.js';

/** π_k(a) ∝ p(a) exp(Q_k(a)/α), Q_k(a) from enumerating the other's bar b ~ π_{k−1}. */
function bruteForce(levels: number, alpha: number, popularity: number, backup: string): number[] {
  const prior = [popularity, 1 - popularity];
  let other = [...prior];
  const out = [popularity];
  for (let k = 1; k <= levels; k++) {
    const q = [0, 1].map((a) => {
      const outcomes = [0, 1].map((b) => [other[b]!, a === b ? 1 : 0] as const);
      // The posterior backup is optimistic about the other's choice: α log E exp(meet/α).
      return backup === 'posterior' ? alpha * Math.log(outcomes.reduce((s, [p, r]) => s + p * Math.exp(r / alpha), 0)) : outcomes.reduce((s, [p, r]) => s + p * r, 0);
    });
    const w = [0, 1].map((a) => prior[a]! * Math.exp(q[a]! / alpha));
    other = w.map((x) => x / (w[0]! + w[1]!));
    out.push(other[0]!);
  }
  return out;
}

describe('level-k coordination: each level reads the level below through its posterior', () => {
  it.each(['expected-utility', 'boltzmann', 'fixed-dynamics', 'posterior'] as const)('backup %s: p(bar A) at levels 0 … 6 equals brute-force enumeration to 1e-12', (backup) => {
    for (const [alpha, popularity] of [[0.25, 0.55], [1, 0.7], [0.05, 0.4]] as const) {
      const ours = levelK(6, { alpha, popularity, backup });
      const ref = bruteForce(6, alpha, popularity, backup);
      ours.forEach((p, k) => expect(Math.abs(p - ref[k]!), `level ${k}`).toBeLessThan(1e-12));
    }
  });

  it('the dynamics-keeping agents converge on the popular bar; the optimistic posterior more slowly', () => {
    const eu = levelK(5);
    const optimistic = levelK(5, { backup: 'posterior' });
    for (let k = 1; k <= 5; k++) {
      expect(eu[k]).toBeGreaterThan(eu[k - 1]!);
      expect(optimistic[k]).toBeLessThan(eu[k]!);
    }
  });
});
