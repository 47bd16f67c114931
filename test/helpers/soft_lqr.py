"""Dense numpy reference for soft LQR (issue 19), independent of the TypeScript engine.

Reads a JSON list of problems on stdin, each with A, B, c, W (stationary), Q, R, N, q, r, c0, QT, qT, cT (terminal, may be null),
alpha, T, backup, m0, S0 (initial mean and covariance), optionally keep (report only t < keep) and gamma (default 1: the discount multiplies the
whole backup, Q = r + gamma * backup(V_{t+1}), as in the tabular engine). Writes per t: K, k, cov, P, p, v, and the value.

The posterior backup is computed in the form of the issue, P_hat = P (I + W P / alpha)^-1, with
G = W (alpha I + P W)^-1 (push-through form, not the engine's Cholesky/Woodbury form).
"""
import json
import sys

import numpy as np


def backup(P, p, v, W, alpha, kind):
    n = P.shape[0]
    if kind == "fixed-dynamics" or not W.any():
        return P, p, v - 0.5 * np.trace(P @ W)
    I = np.eye(n)
    P_hat = P @ np.linalg.inv(I + W @ P / alpha)
    G = W @ np.linalg.inv(alpha * I + P @ W)
    p_hat = np.linalg.solve(I + P @ W / alpha, p)
    sign, logdet = np.linalg.slogdet(I + W @ P / alpha)
    assert sign > 0
    return P_hat, p_hat, v + 0.5 * p @ G @ p - 0.5 * alpha * logdet


def solve(d):
    A, B, c, W = (np.array(d[k], dtype=float) for k in ("A", "B", "c", "W"))
    Q, R, N, q, r = (np.array(d[k], dtype=float) for k in ("Q", "R", "N", "q", "r"))
    c0, alpha, T, kind = d["c0"], d["alpha"], d["T"], d["backup"]
    n, m = B.shape
    if d.get("QT") is not None:
        P, p, v = np.array(d["QT"], dtype=float), np.array(d["qT"], dtype=float), d["cT"]
    else:
        P, p, v = np.zeros((n, n)), np.zeros(n), 0.0
    gamma = d.get("gamma", 1.0)
    steps = [None] * T
    for t in range(T - 1, -1, -1):
        Ph, ph, vh = backup(P, p, v, W, alpha, kind)
        Ph, ph, vh = gamma * Ph, gamma * ph, gamma * vh
        # Q(x,u) = -1/2 [x;u]^T H [x;u] + h^T [x;u] + h0 with m = A x + B u + c
        F = np.hstack([A, B])
        H = np.block([[Q, N], [N.T, R]]) + F.T @ Ph @ F
        h = np.concatenate([q, r]) + F.T @ (ph - Ph @ c)
        h0 = c0 + vh + ph @ c - 0.5 * c @ Ph @ c
        Hxx, Hxu, Huu = H[:n, :n], H[:n, n:], H[n:, n:]
        Suinv = np.linalg.inv(Huu)
        K = Suinv @ Hxu.T
        k = -Suinv @ h[n:]
        P = Hxx - Hxu @ Suinv @ Hxu.T
        # symmetric in exact arithmetic; without this, rounding's antisymmetric part grows without bound
        # over long horizons on open-loop unstable systems (the infinite-horizon reference iterates 800 steps)
        P = 0.5 * (P + P.T)
        p = h[:n] - Hxu @ Suinv @ h[n:]
        ent = 0.0 if alpha == 0 else 0.5 * np.linalg.slogdet(2 * np.pi * alpha * Suinv)[1] * alpha
        v = h0 + 0.5 * h[n:] @ Suinv @ h[n:] + ent
        if d.get("keep") is not None and t >= d["keep"]:
            continue
        steps[t] = {"K": K.tolist(), "k": k.tolist(), "cov": (alpha * Suinv).tolist(), "P": P.tolist(), "p": p.tolist(), "v": v}
    m0, S0 = np.array(d["m0"], dtype=float), np.array(d["S0"], dtype=float)
    P0, p0, v0 = backup(P, p, v, S0, alpha, kind)
    value = -0.5 * m0 @ P0 @ m0 + p0 @ m0 + v0
    return {"steps": steps, "value": value}


json.dump([solve(d) for d in json.load(sys.stdin)], sys.stdout)
