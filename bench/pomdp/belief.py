"""The belief recursion of exact({ backup: 'fixed-dynamics' }) at alpha = 0, in numpy,
run side by side with the TypeScript kernel by bench/pomdp/run.ts.

Reads one JSON spec (bench/pomdp/models.ts tablesOf) on stdin; prints JSON with the
value at the initial belief, the reachable beliefs per layer and the solve time.

  layer 0: b_0 = p(s_0)
  layer t+1: for each belief b, allowed action a (prior > 0, r(b,a) > -inf) and o with
             P(o|b,a) > 0: b'(s') = Z(o|s',a) sum_s T(s'|s,a) b(s) / P(o|b,a);
             beliefs equal to 1e-12 in every coordinate share a node (rounded keys)
  backward:  Q_t(b,a) = r(b,a) + gamma sum_o P(o|b,a) V_{t+1}(b'),  V_t(b) = max_a Q_t(b,a)
"""
import json
import sys
import time

import numpy as np

TOL = 1e-12


def key(b):
    q = np.rint(b / TOL).astype(np.int64)
    nz = np.nonzero(q)[0]
    return tuple(nz.tolist()) + tuple(q[nz].tolist())


def solve(spec):
    nS, nA, nO, H = spec["nS"], spec["nA"], spec["nO"], spec["horizon"]
    gamma = spec["gamma"]
    T = np.array(spec["T"], dtype=float).reshape(nS, nA, nS)
    Z = np.array(spec["Z"], dtype=float).reshape(nS, nA, nO)
    R = np.array([(-np.inf if x is None else x) for x in spec["reward"]], dtype=float).reshape(nS, nA)
    prior = np.array(spec["prior"], dtype=float)
    start = time.perf_counter()
    layers = [[np.array(spec["initial"], dtype=float)]]
    index = [{key(layers[0][0]): 0}]
    edges = []  # edges[t][i][a] = list of (p, child) or None
    for t in range(H - 1):
        nxt, idx, layer_edges = [], {}, []
        for b in layers[t]:
            per_action = []
            for a in range(nA):
                support = b > 0
                if prior[a] <= 0 or np.any(np.isneginf(R[support, a])):
                    per_action.append(None)
                    continue
                pred = b @ T[:, a, :]
                joint = pred[:, None] * Z[:, a, :]  # s' x o
                mass = joint.sum(axis=0)
                out = []
                for o in np.nonzero(mass > 0)[0]:
                    child = joint[:, o] / mass[o]
                    k = key(child)
                    if k not in idx:
                        idx[k] = len(nxt)
                        nxt.append(child)
                    out.append((mass[o] / pred.sum(), idx[k]))
                per_action.append(out)
            layer_edges.append(per_action)
        edges.append(layer_edges)
        layers.append(nxt)
        index.append(idx)
    V_next = None
    for t in range(H - 1, -1, -1):
        V = np.empty(len(layers[t]))
        for i, b in enumerate(layers[t]):
            support = b > 0
            best = -np.inf
            for a in range(nA):
                if prior[a] <= 0 or np.any(np.isneginf(R[support, a])):
                    continue
                q = float(b[support] @ R[support, a])
                if t < H - 1:
                    es = edges[t][i][a]
                    c = V_next[es[0][1]]
                    q += gamma * (c + sum(p * (V_next[j] - c) for p, j in es))
                best = max(best, q)
            V[i] = best
        V_next = V
    seconds = time.perf_counter() - start
    return {"value": float(V_next[0]), "beliefs": [len(l) for l in layers], "seconds": seconds}


if __name__ == "__main__":
    print(json.dumps(solve(json.load(sys.stdin))))
