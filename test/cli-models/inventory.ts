/**
 * An inventory-style factored model for the factor-graph and `cai` tests:
 * the stock (0 … 4) moves with the order and a demand whose rate depends on
 * the market regime; the regime ('lo' / 'hi') is a Markov chain of its own,
 * reading neither the stock nor the order; the reward reads the stock and
 * the order (holding and ordering costs, a lost sale at 0).
 */
import { action, categorical, discount, extend, horizon, model, optimality, state, transition } from '../../src/index.js';

type Regime = 'lo' | 'hi';
interface Shop {
  readonly stock: number;
  readonly regime: Regime;
}
const MAX = 4;
const clamp = (n: number) => Math.max(0, Math.min(MAX, n));

const inventory = model<Shop, number>(
  state('stock', [0, 1, 2, 3, 4], { initial: 2 }),
  state('regime', ['lo', 'hi'] as Regime[], { initial: 'lo' }),
  action('order', [0, 1, 2]),
  // Demand 1 with probability 0.3 (lo) or 0.7 (hi), else 0.
  transition('stock', (s: Shop, a: number) => {
    const p = s.regime === 'hi' ? 0.7 : 0.3;
    return categorical([[clamp(s.stock + a - 1), p], [clamp(s.stock + a), 1 - p]]);
  }),
  transition('regime', (s: Shop) => categorical<Regime>(s.regime === 'hi' ? [['hi', 0.8], ['lo', 0.2]] : [['lo', 0.9], ['hi', 0.1]])),
  optimality((s: Shop, a: number) => -0.1 * s.stock - 0.5 * a - (s.stock === 0 ? 2 : 0)),
  horizon(4),
);
export default inventory;

/** The same shop run for ever, discounted. */
export const discounted = extend(inventory, horizon(Infinity), discount(0.9));
