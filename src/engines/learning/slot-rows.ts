/**
 * φ rows per replay slot: the feature row of each buffered transition's state s
 * and successor s′, looked up once when the transition is written and then read by
 * slot, so a minibatch update never hashes a state (a Map lookup per read was ~8 %
 * of SAC on mountain car). A learner whose critic and actor are linear families on
 * one φ (variational/families.ts `linearRowsOf`) keeps one of these and calls
 * `sync` before it samples.
 *
 * The rows are the same objects the run's row cache hands out, so values read
 * through them are bit for bit those of `logits`. Holding a row per slot keeps it
 * alive while its transition is buffered: at most capacity × nA × d numbers, which
 * `slotRowsFor` bounds (beyond it the learner reads through the cache as before).
 */
import { linearRowsOf, type BoundFamily, type LinearRows, type Row } from '../variational/families.js';
import type { ReplayBuffer } from './replay.js';

/** Rows held per buffer at most (bytes, counting nA·d numbers a row, the dense worst case). */
const BUDGET_BYTES = 128 * 2 ** 20;

export class SlotRows<S> {
  /** φ(s, ·) and φ(s′, ·) of the transition in each slot (s′'s only when it bootstraps). */
  readonly at: Row[];
  readonly next: Row[];
  /** Transitions written when the rows were last brought up to date. */
  private seen = 0;

  constructor(
    readonly rows: LinearRows,
    private readonly capacity: number,
  ) {
    this.at = new Array<Row>(capacity);
    this.next = new Array<Row>(capacity);
  }

  /** Look up the rows of the transitions written since the last call (the cache featurises a state once). */
  sync(buffer: ReplayBuffer<S>): void {
    const rowOf = this.rows.rowOf as (s: S) => Row;
    const written = buffer.written;
    for (let w = Math.max(this.seen, written - this.capacity); w < written; w++) {
      const slot = w % this.capacity;
      this.at[slot] = rowOf(buffer.value[slot]!);
      if (buffer.bootstrap[slot] === 1) this.next[slot] = rowOf(buffer.nextValue[slot]!);
    }
    this.seen = written;
  }
}

/**
 * A slot-row store for bindings that all read one φ through shared rows (a stationary linear
 * family on a simulated state: no table, no time index), or undefined when they do not, or the
 * rows a full buffer could hold exceed the budget.
 */
export function slotRowsFor<S>(capacity: number, ...bounds: readonly BoundFamily<S>[]): SlotRows<S> | undefined {
  const all = bounds.map((b) => linearRowsOf(b));
  const first = all[0];
  if (first === undefined) return undefined;
  for (const r of all) {
    if (r === undefined || r.rowOf !== first.rowOf || r.d !== first.d || r.nA !== first.nA || r.tabulated || r.timeIndexed) return undefined;
  }
  if (capacity * first.nA * first.d * 8 > BUDGET_BYTES) return undefined;
  return new SlotRows<S>(first, capacity);
}
