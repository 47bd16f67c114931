/**
 * Jack's car rental (Sutton & Barto, example 4.2), written the way a user of
 * the DSL would: the state is a record { first, second } of cars at each
 * location (0 … 20), the action moves −5 … 5 cars overnight from first to
 * second ($2 a car), and each successor distribution is a `categorical` over
 * up to 21 × 21 = 441 records — dense Poisson successors.
 *
 * Each day at location i: requests ~ Poisson(λ_req,i), rentals = min(requests,
 * cars) earn $10 each; returns ~ Poisson(λ_ret,i) arrive after the rentals,
 * and cars above 20 are sent away. The tails are folded into the boundary (all
 * cars rented; 20 cars), so every row sums to 1 exactly as the compiler checks.
 * A move is clipped to the cars available (the cost is paid on cars moved).
 * With γ = 0.9 and α = 0 this is the book's problem, solved here by value
 * iteration (exact({ backup: 'fixed-dynamics' })) and by numpy policy iteration
 * (reference.py) on the same P and r.
 */
import { action, categorical, discount, model, optimality, state, temperature, transition, type Model } from '../../src/index.js';

export const MAX_CARS = 20;
export const MAX_MOVE = 5;
export const GAMMA = 0.9;
const RENT = 10;
const MOVE_COST = 2;
const REQUESTS = [3, 4] as const;
const RETURNS = [3, 2] as const;

export interface Lot {
  readonly first: number;
  readonly second: number;
}

function poisson(lambda: number, k: number): number {
  let p = Math.exp(-lambda);
  for (let i = 1; i <= k; i++) p *= lambda / i;
  return p;
}

/**
 * One location for a day starting with `cars` after the move: the distribution of
 * cars at the end of the day (length 21) and the expected rentals.
 */
export function day(cars: number, requested: number, returned: number): { next: number[]; rentals: number } {
  const next = new Array<number>(MAX_CARS + 1).fill(0);
  let rentals = 0;
  let rentMass = 0;
  for (let rented = 0; rented <= cars; rented++) {
    // P(rentals = rented): Poisson below the stock, the whole tail at the stock.
    const pr = rented < cars ? poisson(requested, rented) : 1 - rentMass;
    rentMass += pr;
    rentals += pr * rented;
    let returnMass = 0;
    const left = cars - rented;
    for (let back = 0; left + back <= MAX_CARS; back++) {
      const pb = left + back < MAX_CARS ? poisson(returned, back) : 1 - returnMass;
      returnMass += pb;
      next[left + back] = next[left + back]! + pr * pb;
    }
  }
  return { next, rentals };
}

export const MOVES = Array.from({ length: 2 * MAX_MOVE + 1 }, (_, i) => i - MAX_MOVE);

/** Cars moved from first to second: the action clipped to the cars there, and to the room left. */
export const moved = (s: Lot, m: number): number => Math.max(-s.second, Math.min(s.first, m));

export function jacksCarRental(): Model<Lot, number> {
  const lots: Lot[] = [];
  for (let first = 0; first <= MAX_CARS; first++) for (let second = 0; second <= MAX_CARS; second++) lots.push({ first, second });
  // Each location's day depends only on its cars after the move: 2 × 21 tables, made once.
  const days = [0, 1].map((i) => Array.from({ length: MAX_CARS + 1 }, (_, c) => day(c, REQUESTS[i]!, RETURNS[i]!)));
  const after = (s: Lot, m: number): [number, number] => {
    const k = moved(s, m);
    return [Math.min(MAX_CARS, s.first - k), Math.min(MAX_CARS, s.second + k)];
  };
  return model<Lot, number>(
    state('lot', lots, { initial: { first: 10, second: 10 } }),
    action('move', MOVES),
    transition<Lot, number>((s, m) => {
      const [c1, c2] = after(s, m);
      const d1 = days[0]![c1]!.next;
      const d2 = days[1]![c2]!.next;
      const pairs: [Lot, number][] = [];
      for (let first = 0; first <= MAX_CARS; first++) {
        if (d1[first] === 0) continue;
        for (let second = 0; second <= MAX_CARS; second++) if (d2[second] !== 0) pairs.push([{ first, second }, d1[first]! * d2[second]!]);
      }
      return categorical(pairs);
    }),
    optimality<Lot, number>((s, m) => {
      const [c1, c2] = after(s, m);
      return RENT * (days[0]![c1]!.rentals + days[1]![c2]!.rentals) - MOVE_COST * Math.abs(moved(s, m));
    }),
    temperature(0),
    discount(GAMMA),
  );
}

/**
 * The same problem as a dynamic Bayesian network: one state variable per
 * location, and one `transition` per variable, p(s'|s, a) = p(first'|s, a) ·
 * p(second'|s, a) — the two locations' days are independent given the move,
 * which is how reference.py builds P (an outer product). Each transition returns
 * a categorical over at most 21 numbers, and the compiler multiplies them into
 * the same 441-entry rows (states in the same order: first slowest).
 */
export function jacksCarRentalFactored(): Model<Lot, number> {
  const cars = Array.from({ length: MAX_CARS + 1 }, (_, c) => c);
  const days = [0, 1].map((i) => Array.from({ length: MAX_CARS + 1 }, (_, c) => day(c, REQUESTS[i]!, RETURNS[i]!)));
  // Each location's end-of-day distribution over its cars (pairs without zeros), one categorical per
  // stock after the move, made once (as reference.py tabulates its 21 × 21 day matrices once).
  const outcomes = days.map((location) => location.map(({ next }) => categorical(next.flatMap((p, c) => (p === 0 ? [] : [[c, p] as [number, number]])))));
  const after = (s: Lot, m: number): [number, number] => {
    const k = moved(s, m);
    return [Math.min(MAX_CARS, s.first - k), Math.min(MAX_CARS, s.second + k)];
  };
  return model<Lot, number>(
    state('first', cars, { initial: 10 }),
    state('second', cars, { initial: 10 }),
    action('move', MOVES),
    transition('first', (s: Lot, m: number) => outcomes[0]![Math.min(MAX_CARS, s.first - moved(s, m))]!),
    transition('second', (s: Lot, m: number) => outcomes[1]![Math.min(MAX_CARS, s.second + moved(s, m))]!),
    optimality<Lot, number>((s, m) => {
      const [c1, c2] = after(s, m);
      return RENT * (days[0]![c1]!.rentals + days[1]![c2]!.rentals) - MOVE_COST * Math.abs(moved(s, m));
    }),
    temperature(0),
    discount(GAMMA),
  ) as Model<Lot, number>;
}

