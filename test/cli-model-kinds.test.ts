/**
 * Issue 21 part 1: `cai run`, `cai report` and `cai plot` on every model kind
 * (tabular, POMDP, soft LQR, LQG, continuous-action learning) either succeed
 * or exit with the library's typed message (`error [code]: …`) or a usage
 * message (`cai: …`) — never a raw JavaScript error.
 */
import { describe, expect, it } from 'vitest';
import { runCai } from './helpers/cai.js';

const MODELS: Record<string, { file: string[]; engines: string[][] }> = {
  tabular: { file: ['test/cli-models/corridor.ts'], engines: [[], ['--engine', 'importance', '--particles', '20']] },
  pomdp: { file: ['dsl-examples/tiger.ts', '--export', 'tiger'], engines: [['--backup', 'fixed-dynamics']] },
  'soft LQR': { file: ['test/cli-models/soft-lqr.ts'], engines: [[], ['--engine', 'variational', '--steps', '5']] },
  LQG: { file: ['test/cli-models/lqg.ts'], engines: [[], ['--backup', 'fixed-dynamics']] },
  'continuous-action learning': { file: ['dsl-examples/pendulum.ts'], engines: [['--engine', 'softActorCritic', '--steps', '100']] },
};
const COMMANDS = [['run'], ['report', '--out', 'x.html'], ['plot', '--out', 'x.svg'], ['plot', '--kind', 'marginals', '--out', 'x.svg']];

describe('cai × model kind: no raw error', () => {
  for (const [kind, { file, engines }] of Object.entries(MODELS)) {
    it(kind, async () => {
      for (const engine of engines) {
        for (const command of COMMANDS) {
          const argv = [command[0]!, ...file, ...engine, ...command.slice(1)];
          const r = await runCai(argv);
          const label = `cai ${argv.join(' ')} → ${r.code} ${r.err}`;
          expect([0, 1, 2], label).toContain(r.code);
          if (r.code !== 0) expect(r.err, label).toMatch(/^(error \[[a-z-]+\]: |cai: )/);
          expect(r.err, label).not.toMatch(/TypeError|RangeError|ReferenceError/);
        }
      }
    }, 60_000);
  }

  it('cai run on a soft-LQR model says where the closed form answers', async () => {
    const r = await runCai(['run', 'test/cli-models/soft-lqr.ts']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error [argument-invalid]: summarise(): got a Gaussian (soft-LQR) posterior of exact');
    expect(r.err).toContain('read post.value, post.policy(t, x)');
    const plot = await runCai(['plot', 'test/cli-models/soft-lqr.ts', '--out', 'x.svg']);
    expect(plot.code).toBe(2);
    expect(plot.err).toContain('cai: plot: exact() solved a linear-Gaussian model (soft LQR/LQG) in closed form');
  });
});
