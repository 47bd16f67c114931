"""numpy side of `npm run bench:lqr`: the soft Riccati recursion of both backups.

Reads JSON {A, B, W, Q, R, QT, alpha, T, reps, backups} on stdin; for each backup runs the backward
pass `reps` times and reports the median CPU time (time.process_time) of the solve, K_0, P_0 and v_0.
fixed-dynamics: P_hat = P; posterior: P_hat = P (I + W P / alpha)^-1. Then S = R + B' P_hat B,
K = S^-1 B' P_hat A, P = Q + A' P_hat A - A' P_hat B K, v = v_hat + (alpha/2) log det(2 pi alpha S^-1).
"""
import json
import sys
import time

import numpy as np


def solve(A, B, W, Q, R, QT, alpha, T, backup):
    n, d = B.shape
    I = np.eye(n)
    P, v = QT.copy(), 0.0
    K0 = None
    for _ in range(T):
        if backup == "posterior":
            M = I + W @ P / alpha
            Ph = P @ np.linalg.inv(M)
            vh = v - 0.5 * alpha * np.linalg.slogdet(M)[1]
        else:
            Ph, vh = P, v - 0.5 * np.trace(P @ W)
        PB = Ph @ B
        S = R + B.T @ PB
        K = np.linalg.solve(S, PB.T @ A)
        P = Q + A.T @ Ph @ A - (A.T @ PB) @ K
        P = 0.5 * (P + P.T)
        v = vh + 0.5 * alpha * (d * np.log(2 * np.pi * alpha) - np.linalg.slogdet(S)[1])
        K0 = K
    return K0, P, v


d = json.load(sys.stdin)
A, B, W, Q, R, QT = (np.array(d[k], dtype=float) for k in ("A", "B", "W", "Q", "R", "QT"))
out = {}
for backup in d["backups"]:
    times = []
    for _ in range(d["reps"]):
        start = time.process_time()
        K0, P0, v0 = solve(A, B, W, Q, R, QT, d["alpha"], d["T"], backup)
        times.append(time.process_time() - start)
    out[backup] = {"seconds": float(np.median(times)), "K0": K0.tolist(), "P0": P0.tolist(), "v0": float(v0)}
json.dump(out, sys.stdout)
