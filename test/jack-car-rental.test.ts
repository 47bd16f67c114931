/**
 * Jack's car rental (bench/jack/model.ts): 441 states × 11 actions with dense
 * Poisson successors. The compiled tables are checked against the model's own
 * arithmetic (rows sum to 1, each entry the product of the two locations' day
 * distributions), and the value iteration of exact({ backup: 'fixed-dynamics' })
 * at α = 0, γ = 0.9 against numpy policy iteration (bench/jack/reference.py, an
 * independent implementation that builds P and r itself; exact linear solves) to 1e-7 — value iteration stops
 * at ‖V − TV‖∞ < 1e-10, so its error is below 1e-10·γ/(1 − γ) = 9e-10. The same
 * problem written as a DBN (one transition per lot) compiles to the same tables bit for
 * bit, and policy iteration (solver: policyIteration(), same stopping rule) agrees with
 * numpy to the same bound.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { day, jacksCarRental, jacksCarRentalFactored, MAX_CARS, MOVES, moved } from '../bench/jack/model.js';
import { compile, exact, infer, policyIteration } from '../src/index.js';

const SCRIPT = fileURLToPath(new URL('../bench/jack/reference.py', import.meta.url));
// The Debian numpy first (bench/python.ts says why), else whatever python3 has numpy; skipped without numpy.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);

describe("Jack's car rental", () => {
  const graph = compile(jacksCarRental());

  it('tabulates 441 × 11 rows, each the product of the two locations\' day distributions', () => {
    expect([graph.nS, graph.nA]).toEqual([441, 11]);
    const { rowStart, next, prob } = graph.dynamics;
    const days = [[3, 3], [4, 2]].map(([req, ret]) => Array.from({ length: MAX_CARS + 1 }, (_, c) => day(c, req!, ret!).next));
    for (const s of [0, 17, 220, 440]) {
      const lot = graph.states.values[s]!;
      for (let a = 0; a < graph.nA; a++) {
        const k = moved(lot, MOVES[a]!);
        const d1 = days[0]![Math.min(MAX_CARS, lot.first - k)]!;
        const d2 = days[1]![Math.min(MAX_CARS, lot.second + k)]!;
        let sum = 0;
        for (let e = rowStart[s * graph.nA + a]!; e < rowStart[s * graph.nA + a + 1]!; e++) {
          const to = graph.states.values[next[e]!]!;
          expect(prob[e]).toBe(d1[to.first]! * d2[to.second]!);
          sum += prob[e]!;
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('the factored form (a DBN, one transition per lot) compiles to the same tables, bit for bit', () => {
    const factored = compile(jacksCarRentalFactored());
    expect(factored.states.values).toEqual(graph.states.values);
    const [a, b] = [graph.dynamics, factored.dynamics];
    expect(b.nnz).toBe(a.nnz);
    expect([...b.rowStart]).toEqual([...a.rowStart]);
    let same = true;
    for (let k = 0; k < a.nnz && same; k++) same = a.next[k] === b.next[k] && a.prob[k] === b.prob[k];
    expect(same).toBe(true);
    expect([...factored.reward]).toEqual([...graph.reward]);
  });

  it.skipIf(python === undefined)('value iteration and policy iteration agree with numpy policy iteration to 9e-10', () => {
    const post = infer(graph, exact({ backup: 'fixed-dynamics' }));
    expect(post.convergence!.residual).toBeLessThan(1e-10);
    const run = spawnSync(python!, [SCRIPT], { input: '{"rounds":1}', encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(run.status, run.stderr).toBe(0);
    const reference = JSON.parse(run.stdout) as { V: number[] };
    const pi = infer(graph, exact({ backup: 'fixed-dynamics', solver: policyIteration() }));
    expect(pi.convergence!.residual).toBeLessThan(1e-10);
    for (const V of [post.V(0), pi.V(0)]) {
      let worst = 0;
      for (let s = 0; s < graph.nS; s++) worst = Math.max(worst, Math.abs(V[s]! - reference.V[s]!));
      expect(worst).toBeLessThan(9e-10);
    }
  });
});
