/**
 * A lottery: why the exact posterior is risk-seeking under stochastic dynamics.
 *
 * From 'start' the agent either takes 'safe' (a sure prize of 1) or 'gamble'
 * (the jackpot, 10, with probability 5 %; otherwise nothing). The gamble's
 * expected prize is 0.5, half the sure one.
 *
 *   exact posterior:  Q(gamble) = α log E[exp(V′/α)] = α log(0.05 e^{10/α} + 0.95)   ≈ 7.0 at α = 1
 *   fixed dynamics:   Q(gamble) = E[V′]             = 0.05 · 10                        = 0.5
 *
 * Conditioning on O = 1 ("the episode went optimally") also conditions the
 * coin: given that things went well, the jackpot probably came up. The
 * posterior policy therefore gambles; the fixed-dynamics backup (the
 * structured variational posterior, which cannot choose its luck) takes the
 * sure prize, and `evaluate` confirms it earns more.
 *
 * Run: npx tsx dsl-examples/lottery.ts
 */
import { pathToFileURL } from 'node:url';
import {
  action,
  categorical,
  deterministic,
  evaluate,
  exact,
  horizon,
  infer,
  model,
  optimality,
  state,
  table,
  temperature,
  transition,
} from '../src/index.js';

export type Where = 'start' | 'sure' | 'jackpot' | 'bust';
export type Choice = 'safe' | 'gamble';

export interface Options {
  /** The sure prize (default 1). */
  readonly sure?: number;
  /** The jackpot (default 10) and its probability (default 0.05). */
  readonly jackpot?: number;
  readonly chance?: number;
  /** Temperatures to compare (default [1, 0]; 0 is the hard-max limit). */
  readonly temperatures?: readonly number[];
}

/** The lottery at temperature α: one choice at t = 0, the prize as the reward at t = 1. */
export function lottery(alpha: number, sure = 1, jackpot = 10, chance = 0.05) {
  const prize: Record<Where, number> = { start: 0, sure, jackpot, bust: 0 };
  return model<Where, Choice>(
    state('where', ['start', 'sure', 'jackpot', 'bust'] as Where[], { initial: 'start' }),
    action('choice', ['safe', 'gamble'] as Choice[]),
    transition((s: Where, a: Choice) => {
      if (s !== 'start') return deterministic(s); // the outcome stays; the second choice changes nothing
      return a === 'safe' ? deterministic<Where>('sure') : categorical<Where>([['jackpot', chance], ['bust', 1 - chance]]);
    }),
    optimality((s: Where) => prize[s]),
    temperature(alpha),
    horizon(2),
  );
}

export function main(options: Options = {}): void {
  const sure = options.sure ?? 1;
  const jackpot = options.jackpot ?? 10;
  const chance = options.chance ?? 0.05;
  console.log(`Lottery: 'safe' pays ${sure} for sure; 'gamble' pays ${jackpot} with probability ${chance}, else 0 (expected ${jackpot * chance}).`);
  console.log('');
  const prefers = new Map<string, Choice>();
  const rows: (string | number)[][] = [['α', 'backup', 'Q(safe)', 'Q(gamble)', 'π(gamble)', 'E[return]', 'prefers']];
  for (const alpha of options.temperatures ?? [1, 0]) {
    const m = lottery(alpha, sure, jackpot, chance);
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const post = infer(m, exact({ backup }));
      const start = post.graph.states.indexOf('start');
      const q = post.Q(0).subarray(start * 2, start * 2 + 2);
      const pi = post.policy(0, 'start');
      const gamble = pi.probs[pi.support.indexOf('gamble')]!;
      // The return of the policy under the true coin, not under the posterior's tilted one.
      const value = evaluate(m, post).value;
      prefers.set(`${alpha} ${backup}`, gamble > 0.5 ? 'gamble' : 'safe');
      rows.push([alpha === 0 ? '0 (max)' : String(alpha), backup, q[0]!, q[1]!, gamble, value, gamble > 0.5 ? 'gamble' : 'safe']);
    }
  }
  console.log(table(rows, { digits: 3, header: true }));
  console.log('');
  for (const alpha of options.temperatures ?? [1, 0]) {
    const p = prefers.get(`${alpha} posterior`);
    const f = prefers.get(`${alpha} fixed-dynamics`);
    console.log(`α = ${alpha}: the posterior prefers ${p === 'gamble' ? 'the gamble' : 'safe'}; fixed-dynamics prefers ${f === 'gamble' ? 'the gamble' : 'safe'}.`);
  }
  console.log('Conditioned on O the jackpot is likely, so the exact posterior gambles (it "chooses its luck");');
  console.log('Q = r + E[V′] keeps the true chance, and its policy earns more under the real coin (E[return]).');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
