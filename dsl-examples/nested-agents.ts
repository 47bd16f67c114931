/**
 * Agents that model agents: a Schelling coordination game solved by level-k
 * reasoning (agentmodels.org chapter 7; memo's Schelling demo). Alice and Bob
 * want to meet at bar A or bar B without talking; bar A is a little more
 * popular (the action prior). A level-0 player picks by popularity alone; a
 * level-k player best-responds, softly (temperature α), to a level-(k−1) other.
 *
 * The nesting pattern: the other player lives in the TRANSITION of the
 * player's model, as the policy of another posterior —
 *
 *     transition((s, mine) => categorical(other.policy(0, 'choose') … ))
 *
 * so p(meet | mine) = Σ_b π_{k−1}(b) [b = mine] is an expectation over the
 * other's posterior policy, and the level-k policy is that model's agent:
 * π_k(a) ∝ p(a) exp(p(meet | a)/α). A dynamics-keeping backup ('expected-utility',
 * 'boltzmann' or 'fixed-dynamics') is the right one here: the exact posterior
 * would condition the other's choice on OUR optimality, as if we could pick it.
 * Cost: each level is one compile (which reads the previous level's policy once
 * per (s, a)) and one solve — linear in the number of levels.
 *
 * Run: npx tsx dsl-examples/nested-agents.ts
 */
import { pathToFileURL } from 'node:url';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition, type Posterior } from '../src/index.js';

type Bar = 'A' | 'B';
type Spot = 'choose' | `${Bar}|${Bar}`;
const BARS: Bar[] = ['A', 'B'];
const SPOTS: Spot[] = ['choose', 'A|A', 'A|B', 'B|A', 'B|B'];

/** A player's p(bar): level 0's popularity, or the policy of a level-k posterior at the choice. */
export type Player = { readonly kind: 'level-0'; readonly popularity: number } | { readonly kind: 'posterior'; readonly posterior: Posterior<Spot, Bar> };

function choiceOf(player: Player): [number, number] {
  if (player.kind === 'level-0') return [player.popularity, 1 - player.popularity];
  const d = player.posterior.policy(0, 'choose');
  return [d.probs[d.support.indexOf('A')] ?? 0, d.probs[d.support.indexOf('B')] ?? 0];
}

/**
 * The level-k player: one decision at 'choose'; the transition draws the other's bar from
 * its policy; the terminal reward is 1 when they meet.
 */
export function playerModel(other: Player, alpha: number, popularity: number) {
  const [pA, pB] = choiceOf(other);
  return model<Spot, Bar>(
    state('spot', SPOTS, { initial: 'choose' }),
    action('bar', BARS, { prior: () => categorical<Bar>([['A', popularity], ['B', 1 - popularity]]) }),
    transition((s: Spot, mine: Bar) => (s === 'choose' ? categorical([[`${mine}|A` as Spot, pA], [`${mine}|B` as Spot, pB]]) : categorical([[s, 1]]))),
    optimality(() => 0),
    optimality.terminal((s: Spot) => (s === 'A|A' || s === 'B|B' ? 1 : 0)),
    temperature(alpha),
    horizon(1),
  );
}

/** p(bar A) of levels 0 … levels, each level's model reading the level below's posterior. */
export function levelK(levels: number, options: { alpha?: number; popularity?: number; backup?: 'expected-utility' | 'boltzmann' | 'fixed-dynamics' | 'posterior' } = {}): number[] {
  const alpha = options.alpha ?? 0.25;
  const popularity = options.popularity ?? 0.55;
  const engine = exact({ backup: options.backup ?? 'expected-utility' });
  let player: Player = { kind: 'level-0', popularity };
  const out = [popularity];
  for (let k = 1; k <= levels; k++) {
    player = { kind: 'posterior', posterior: infer(playerModel(player, alpha, popularity), engine) };
    out.push(choiceOf(player)[0]);
  }
  return out;
}

export interface Options {
  readonly levels?: number;
}

export function main(options: Options = {}): void {
  const levels = options.levels ?? 5;
  console.log('Schelling coordination by level-k reasoning: p(bar A) at each level (bar A popularity 0.55, α = 0.25)');
  console.log('');
  console.log(`level  ${['expected-utility', 'posterior (optimistic)'].map((b) => b.padEnd(24)).join('')}`);
  const eu = levelK(levels);
  const optimistic = levelK(levels, { backup: 'posterior' });
  eu.forEach((p, k) => console.log(`${String(k).padStart(5)}  ${p.toFixed(4).padEnd(24)}${optimistic[k]!.toFixed(4)}`));
  console.log('');
  console.log('Each level sharpens the focal point: the players converge on the popular bar.');
  console.log('The exact posterior treats the other player as luck it can condition on, so it is less sure it must follow the crowd.');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
