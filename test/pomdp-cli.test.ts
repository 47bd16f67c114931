/**
 * `cai run` and `cai report` on a POMDP (issue 15): the belief section lists,
 * along the most probable trajectory, what was heard, the belief the policy
 * reads and the policy — the same numbers the library computes; an engine
 * that cannot handle observations is refused with its message.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { beliefPosterior, exact, infer } from '../src/index.js';
import { tiger, type Act, type Heard, type Side } from '../dsl-examples/tiger.js';
import { runCai } from './helpers/cai.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const cai = (argv: string[]) => runCai(argv, root);

describe('cai on a POMDP', () => {
  const post = beliefPosterior<Side, Act, Heard>(infer(tiger(), exact({ backup: 'fixed-dynamics' })));
  const mode = post.mostProbable();

  it('cai run prints the reachable beliefs, and the belief and policy along the most probable trajectory', async () => {
    const r = await cai(['run', 'dsl-examples/tiger.ts', '--export', 'tiger', '--backup', 'fixed-dynamics']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('beliefs    100 reachable (per step: 1 3 5 7 9 11 13 15 17 19)');
    expect(r.out).toContain('value      9.4382');
    // t = 2 after hearing the tiger on the left twice: belief 0.970 / 0.030, open the right door.
    const h = { actions: mode.actions.slice(0, 2), observations: mode.observations.slice(0, 2) };
    const b = post.belief(h);
    expect(r.out).toMatch(new RegExp(`^  2  listen → hear-left\\s+left ${b[0]!.toFixed(3)}  right ${b[1]!.toFixed(3)}\\s+open-right 1\\.000$`, 'm'));
  });

  it('cai run --json carries the belief section; cai report writes it as a table', async () => {
    const r = await cai(['run', 'dsl-examples/tiger.ts', '--export', 'tiger', '--backup', 'fixed-dynamics', '--json']);
    const s = JSON.parse(r.out) as { beliefs: { beliefs: number; steps: { t: number; policy: [string, number][] }[] } };
    expect(s.beliefs.beliefs).toBe(100);
    expect(s.beliefs.steps[0]!.policy).toEqual([['listen', 1]]);
    const report = await cai(['report', 'dsl-examples/tiger.ts', '--export', 'tiger', '--backup', 'posterior', '--out', 'tiger.html']);
    expect(report.code).toBe(0);
    const html = [...report.files.values()][0]!;
    expect(html).toContain('<h2>Beliefs and the belief policy</h2>');
    expect(html).toContain('The posterior backup enumerates no beliefs');
  });

  it('an engine that cannot handle observations is refused', async () => {
    const r = await cai(['run', 'dsl-examples/tiger.ts', '--export', 'tiger', '--engine', 'importance']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('[observation-unsupported]');
    expect(r.err).toContain('use exact()');
  });
});

describe('the unrolled graph of a POMDP', () => {
  it('has o_{t+1} after each transition, with the factor Z(o_{t+1} | s_{t+1}, a_t) pointing at the observation table', async () => {
    const { compile } = await import('../src/index.js');
    const u = compile(tiger({ horizon: 3 })).unrolled();
    expect(u.variables.filter((v) => v.kind === 'observation').map((v) => v.name)).toEqual(['o_1', 'o_2']);
    const z = u.factors.find((f) => f.name === 'Z(o_1|s_1,a_0)')!;
    expect(z.scope).toEqual(['s_1', 'a_0', 'o_1']);
    expect(z.table).toBe('observation');
    // Z(o | s', a) for 2 states × 3 actions × 2 observations, stored once for every slice.
    expect((u.tables.observation as Float64Array).length).toBe(12);
  });
});
