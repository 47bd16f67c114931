/**
 * The reachable beliefs of a POMDP and the belief-MDP recursion over them:
 *
 *   Q_t(b, a) = r_t(b, a) + γ Σ_o P(o | b, a) V_{t+1}(b'_{a,o})
 *             (at t = T − 1: r_{T−1}(b, a) + γ E_{b̄}[r_T], or r alone without a terminal factor)
 *   V_t(b)    = combine_t(b, Q_t(b, ·))
 *
 * where `combine` is the soft maximum α log Σ_a p(a) exp(Q/α) for the
 * fixed-dynamics backup, or Σ_a π(a|b) Q for evaluating a belief policy.
 * Layer t holds the distinct beliefs reachable at decision t; beliefs equal
 * to `mergeTolerance` in every coordinate share a node. With `stationary`
 * (the discounted infinite horizon) there is one layer, solved by value
 * iteration over the (finite) set of reachable beliefs.
 */
import { fail } from '../../../errors.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import { beliefKey, beliefReward, initialBeliefs, predict, successors, terminalValue } from './bayes.js';

/** One edge b → b'_{a,o}: observation index, P(o | b, a), child node in the next layer. */
export interface Edge {
  readonly o: number;
  readonly p: number;
  readonly child: number;
}

export interface BeliefNode {
  readonly belief: Float64Array;
  /** Edges per action; undefined for actions not expanded (not allowed, r = −∞, or the last step). */
  readonly edges: (Edge[] | undefined)[];
  /** E_{b̄_a}[r_T] per action at the last step when there is a terminal factor. */
  readonly terminal: Float64Array | undefined;
  readonly q: Float64Array;
  v: number;
  solved: boolean;
  expanded: boolean;
}

/** How the tree is grown and valued. */
export interface TreeRule {
  /** Actions to expand at (t, b): the allowed ones (prior > 0, or π > 0). */
  allowed(t: number, belief: Float64Array): ArrayLike<boolean>;
  /** V_t(b) from Q_t(b, ·) (−Infinity entries for actions not allowed). */
  combine(t: number, belief: Float64Array, q: Float64Array): number;
}

export interface TreeOptions {
  readonly mergeTolerance: number;
  readonly maxBeliefs: number;
  /** Who refuses, for messages: 'exact()' or 'evaluate()'. */
  readonly by: string;
}

export class BeliefTree {
  readonly layers: { nodes: BeliefNode[]; index: Map<string, number> }[];
  /** Root node per initial observation (o = −1 when s_0 is not observed), with P(o_0). */
  readonly roots: { o: number; p: number; node: number }[];
  readonly stationary: boolean;
  private total = 0;
  private readonly scratch: Float64Array;

  constructor(
    readonly graph: FactorGraph<unknown, unknown>,
    readonly z: ObservationTables,
    readonly rule: TreeRule,
    readonly options: TreeOptions,
  ) {
    this.stationary = !Number.isFinite(graph.horizon);
    const layerCount = this.stationary ? 1 : graph.horizon;
    this.layers = Array.from({ length: layerCount }, () => ({ nodes: [], index: new Map() }));
    this.scratch = new Float64Array(graph.nS);
    this.roots = initialBeliefs(graph, z).map((r) => ({ o: r.o, p: r.p, node: this.nodeAt(0, r.belief) }));
  }

  private layer(t: number): number {
    return this.stationary ? 0 : t;
  }

  /** Beliefs kept at each decision step (one entry for the infinite horizon). */
  counts(): number[] {
    return this.layers.map((l) => l.nodes.length);
  }

  node(t: number, i: number): BeliefNode {
    return this.layers[this.layer(t)]!.nodes[i]!;
  }

  /** The node of `belief` at t: an existing one within the merge tolerance, or a new one. */
  nodeAt(t: number, belief: Float64Array): number {
    const layer = this.layers[this.layer(t)]!;
    const key = beliefKey(belief, this.options.mergeTolerance);
    const found = layer.index.get(key);
    if (found !== undefined) return found;
    this.total++;
    if (this.total > this.options.maxBeliefs) this.refuse(t);
    const { nA } = this.graph;
    layer.nodes.push({ belief, edges: new Array(nA).fill(undefined), terminal: undefined, q: new Float64Array(nA), v: NaN, solved: false, expanded: false });
    layer.index.set(key, layer.nodes.length - 1);
    return layer.nodes.length - 1;
  }

  private refuse(t: number): never {
    const { nS, nA } = this.graph;
    const nO = this.z.nO;
    const bytes = this.total * (nS + 2 * nA + 8) * 8;
    const size = bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(0)} MB`;
    const where = this.stationary ? '' : ` by t = ${t}`;
    fail({
      code: 'too-large',
      part: this.options.by,
      message: `${this.options.by}: the reachable beliefs of this POMDP exceed maxBeliefs = ${this.options.maxBeliefs}${where} (each belief can have up to ${nA} actions × ${nO} observations = ${nA * nO} successors; ~${size} so far for ${nS} states); ${this.stationary ? 'with an infinite horizon the reachable set may never close: give exact({ beliefPoints: 500 }) for point-based value iteration with an error bound (at temperature(0)), raise mergeTolerance, or raise maxBeliefs' : 'shorten the horizon, raise mergeTolerance to merge nearby beliefs, or raise maxBeliefs'}`,
    });
  }

  /** Whether t is the last decision of a finite horizon. */
  private last(t: number): boolean {
    return !this.stationary && t === this.graph.horizon - 1;
  }

  /** Grow the edges of node i at t for its allowed actions (children added to the next layer). */
  expand(t: number, i: number): void {
    const node = this.node(t, i);
    if (node.expanded) return;
    node.expanded = true;
    const { graph, z } = this;
    const allowed = this.rule.allowed(t, node.belief);
    const reward = graph.rewardAt(this.stationary ? 0 : t);
    const lastStep = this.last(t);
    const terminal = lastStep && graph.terminal !== undefined ? new Float64Array(graph.nA).fill(-Infinity) : undefined;
    for (let a = 0; a < graph.nA; a++) {
      if (!allowed[a] || beliefReward(graph, reward, node.belief, a) === -Infinity) continue;
      if (lastStep) {
        if (terminal !== undefined) {
          predict(graph, node.belief, a, this.scratch);
          terminal[a] = terminalValue(graph.terminal!, this.scratch);
        }
        continue;
      }
      predict(graph, node.belief, a, this.scratch);
      node.edges[a] = successors(graph, z, this.scratch, a).map((s) => ({ o: s.o, p: s.p, child: this.nodeAt(t + 1, s.belief) }));
    }
    (node as { terminal: Float64Array | undefined }).terminal = terminal;
  }

  /** Breadth-first: every belief reachable from the roots, layer by layer. */
  build(): void {
    if (this.stationary) {
      const nodes = this.layers[0]!.nodes;
      for (let i = 0; i < nodes.length; i++) this.expand(0, i);
      return;
    }
    for (let t = 0; t < this.layers.length; t++) {
      const nodes = this.layers[t]!.nodes;
      for (let i = 0; i < nodes.length; i++) this.expand(t, i);
    }
  }

  /** Q_t(b, ·) of node i from the values of its children (which must be current). */
  qInto(t: number, i: number, out: Float64Array): void {
    const node = this.node(t, i);
    const { graph } = this;
    const reward = graph.rewardAt(this.stationary ? 0 : t);
    const gamma = graph.gamma;
    const lastStep = this.last(t);
    const allowed = this.rule.allowed(t, node.belief);
    const next = this.layer(t + 1);
    for (let a = 0; a < graph.nA; a++) {
      const r = allowed[a] ? beliefReward(graph, reward, node.belief, a) : -Infinity;
      if (r === -Infinity) {
        out[a] = -Infinity;
        continue;
      }
      let future: number;
      if (lastStep) future = node.terminal === undefined ? 0 : node.terminal[a]!;
      else {
        // Σ_o P(o) V(b'), as c + Σ P (V − c): equal large values do not lose ε·|V|.
        const edges = node.edges[a]!;
        const c = this.layers[next]!.nodes[edges[0]!.child]!.v;
        future = c;
        if (c !== -Infinity) {
          let deviation = 0;
          for (const e of edges) {
            const v = this.layers[next]!.nodes[e.child]!.v;
            if (v === -Infinity) {
              future = -Infinity;
              break;
            }
            deviation += e.p * (v - c);
          }
          if (future !== -Infinity) future = c + deviation;
        }
      }
      // γ·(−∞) with γ = 0 must still forbid the action (as in the state-space backup).
      out[a] = future === -Infinity ? -Infinity : r + gamma * future;
    }
  }

  /** Finite horizon: V and Q of node i at t, solving its descendants first (memoised). */
  solve(t: number, i: number): number {
    const node = this.node(t, i);
    if (node.solved) return node.v;
    this.expand(t, i);
    if (!this.last(t)) for (const edges of node.edges) for (const e of edges ?? []) this.solve(t + 1, e.child);
    this.qInto(t, i, node.q);
    node.v = this.rule.combine(t, node.belief, node.q);
    node.solved = true;
    return node.v;
  }

  /** Finite horizon: solve every layer from the last (no deep recursion). */
  solveAll(): void {
    for (let t = this.layers.length - 1; t >= 0; t--) {
      const nodes = this.layers[t]!.nodes;
      for (let i = 0; i < nodes.length; i++) this.solve(t, i);
    }
  }

  /**
   * Infinite horizon: value iteration V ← combine(r + γ Σ P V) over the one
   * layer, until ‖V − TV‖∞ < tolerance. Returns iterations and the residual.
   */
  iterate(tolerance: number, maxIterations: number): { iterations: number; residual: number } {
    const nodes = this.layers[0]!.nodes;
    for (const n of nodes) n.v = 0;
    const q = new Float64Array(this.graph.nA);
    const fresh = new Float64Array(nodes.length);
    let residual = Infinity;
    let iterations = 0;
    while (iterations < maxIterations) {
      iterations++;
      residual = 0;
      for (let i = 0; i < nodes.length; i++) {
        this.qInto(0, i, q);
        fresh[i] = this.rule.combine(0, nodes[i]!.belief, q);
        const old = nodes[i]!.v;
        const d = fresh[i] === old ? 0 : Math.abs(fresh[i]! - old);
        if (!(d <= residual)) residual = d;
      }
      for (let i = 0; i < nodes.length; i++) nodes[i]!.v = fresh[i]!;
      if (residual < tolerance) break;
    }
    for (let i = 0; i < nodes.length; i++) {
      this.qInto(0, i, nodes[i]!.q);
      nodes[i]!.solved = true;
    }
    return { iterations, residual };
  }

  /** The node at t reached from a belief not yet in the tree: added, expanded and solved on demand. */
  solvedNodeAt(t: number, belief: Float64Array): BeliefNode {
    const i = this.nodeAt(t, belief);
    const node = this.node(t, i);
    if (!node.solved) {
      if (this.stationary) this.growAndIterate();
      else this.solve(t, i);
    }
    return this.node(t, i);
  }

  private iteration = { tolerance: 1e-10, maxIterations: 100_000 };
  setIteration(tolerance: number, maxIterations: number): void {
    this.iteration = { tolerance, maxIterations };
  }

  /** Infinite horizon: expand every node not yet expanded (new beliefs) and iterate again. */
  growAndIterate(): { iterations: number; residual: number } {
    const nodes = this.layers[0]!.nodes;
    for (let i = 0; i < nodes.length; i++) {
      this.expand(0, i);
    }
    return this.iterate(this.iteration.tolerance, this.iteration.maxIterations);
  }
}
