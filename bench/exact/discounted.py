"""Soft value iteration in numpy, the peer of bench/exact/kernels.ts's discounted rows.

    python3 bench/exact/discounted.py DIR BACKUP

reads DIR/{meta.json,rowStart.i32,next.i32,prob.f64,reward.f64,prior.f64} (the
compiled graph, written by kernels.ts), iterates V <- TV from V = 0 until
max|TV - V| < tolerance (the engine's stopping rule, returning TV), and prints
one JSON line: wall and CPU seconds of the solve (loading excluded), sweeps,
final residual, numpy version and file.

  posterior:       B = m + alpha log sum_k p_k E[s'_k],  E = exp((V - m)/alpha) once per state, m = max V
  fixed-dynamics:  B = sum_k p_k V[s'_k]

Rows are padded to the widest (probability 0, successor 0) so that a sweep is
a few whole-array operations (faster here than np.add.reduceat over CSR rows).
  V(s) = max_a Q + alpha log sum_a prior exp((Q - max_a Q)/alpha),  Q = r + gamma B
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    folder, backup = sys.argv[1], sys.argv[2]
    meta = json.load(open(f"{folder}/meta.json"))
    nS, nA, alpha, gamma, tol = meta["nS"], meta["nA"], meta["alpha"], meta["gamma"], meta["tolerance"]
    row_start = np.fromfile(f"{folder}/rowStart.i32", dtype=np.int32)
    nxt = np.fromfile(f"{folder}/next.i32", dtype=np.int32)
    prob = np.fromfile(f"{folder}/prob.f64")
    reward = np.fromfile(f"{folder}/reward.f64")
    prior = np.fromfile(f"{folder}/prior.f64").reshape(nS, nA)
    width = int(np.diff(row_start).max())
    rows = nS * nA
    pad_next = np.zeros((rows, width), dtype=np.int64)
    pad_prob = np.zeros((rows, width))
    for j in range(width):
        has = row_start[:-1] + j < row_start[1:]
        at = row_start[:-1][has] + j
        pad_next[has, j] = nxt[at]
        pad_prob[has, j] = prob[at]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    V = np.zeros(nS)
    sweeps, residual = 0, np.inf
    while residual >= tol and sweeps < 1_000_000:
        if backup == "posterior":
            m = V.max()
            E = np.exp((V - m) / alpha)
            B = m + alpha * np.log((pad_prob * E[pad_next]).sum(axis=1))
        else:
            B = (pad_prob * V[pad_next]).sum(axis=1)
        Q = (reward + gamma * B).reshape(nS, nA)
        mq = Q.max(axis=1)
        TV = mq + alpha * np.log((prior * np.exp((Q - mq[:, None]) / alpha)).sum(axis=1))
        residual = float(np.abs(TV - V).max())
        V = TV
        sweeps += 1
    print(json.dumps({
        "wallS": time.perf_counter() - wall0, "cpuS": time.process_time() - cpu0, "sweeps": sweeps,
        "residual": residual, "numpy": np.__version__, "numpyFile": np.__file__, "V0": float(V[0]),
    }))


main()
