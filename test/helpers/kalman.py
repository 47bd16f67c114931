"""numpy reference for LQG (issue 19), independent of the TypeScript engine.

Reads a JSON list of jobs on stdin:
- {"kind": "filter", A, B, c, W, C, V, m0, S0, initial, actions, observations}: the Kalman filter
  (predict m- = A m + B u + c, S- = A S A' + W; update with y: K = S- C' (C S- C' + V)^-1, m = m- + K (y - C m-),
  S = (I - K C) S- (Joseph form), the update at t = 0 only when initial) -> {"means": [...], "covs": [...]} for t = 0 ... len(actions).
- {"kind": "simulate", the model above plus Q, R, N, q, r, c0, QT, qT, cT (terminal may be null), alpha, gamma, T,
  K, k, cov (the policy per t), episodes, seed}: Monte Carlo of the closed loop -- the true state follows the model,
  the agent filters y = C x + v and draws u ~ N(-K m - k, cov) -- returning the mean and standard error of the soft return
  sum_t gamma^t [r(x_t, u_t) + (alpha/2) log det(2 pi e cov_t)] + gamma^T r_T(x_T) (the entropy term is the Lebesgue-prior
  bonus in expectation, added exactly rather than sampled).
"""
import json
import sys

import numpy as np


def kalman_update(m, S, y, C, V):
    G = S @ C.T @ np.linalg.inv(C @ S @ C.T + V)
    I = np.eye(len(m))
    return m + G @ (y - C @ m), (I - G @ C) @ S @ (I - G @ C).T + G @ V @ G.T


def run_filter(d):
    A, B, c, W, C, V = (np.array(d[k], dtype=float) for k in ("A", "B", "c", "W", "C", "V"))
    m, S = np.array(d["m0"], dtype=float), np.array(d["S0"], dtype=float)
    ys = [np.array(y, dtype=float) for y in d["observations"]]
    if d["initial"]:
        m, S = kalman_update(m, S, ys.pop(0), C, V)
    means, covs = [m.tolist()], [S.tolist()]
    for u, y in zip(d["actions"], ys):
        m, S = A @ m + B @ np.array(u, dtype=float) + c, A @ S @ A.T + W
        m, S = kalman_update(m, S, y, C, V)
        means.append(m.tolist())
        covs.append(S.tolist())
    return {"means": means, "covs": covs}


def simulate(d):
    A, B, c, W, C, V = (np.array(d[k], dtype=float) for k in ("A", "B", "c", "W", "C", "V"))
    Q, R, N, q, r = (np.array(d[k], dtype=float) for k in ("Q", "R", "N", "q", "r"))
    alpha, gamma, T, E = d["alpha"], d["gamma"], d["T"], d["episodes"]
    rng = np.random.default_rng(d["seed"])
    n, p = A.shape[0], C.shape[0]
    m0, S0 = np.array(d["m0"], dtype=float), np.array(d["S0"], dtype=float)
    # E episodes at once: rows are episodes
    x = rng.multivariate_normal(m0, S0, size=E, method="cholesky") if S0.any() else np.tile(m0, (E, 1))
    m = np.tile(m0, (E, 1))
    S = S0.copy()
    vnoise = lambda: rng.multivariate_normal(np.zeros(p), V, size=E, method="cholesky")
    if d["initial"]:
        y = x @ C.T + vnoise()
        G = S @ C.T @ np.linalg.inv(C @ S @ C.T + V)
        m = m + (y - m @ C.T) @ G.T
        S = (np.eye(n) - G @ C) @ S
    total = np.zeros(E)
    for t in range(T):
        K, k, cov = np.array(d["K"][t]), np.array(d["k"][t]), np.array(d["cov"][t])
        u = -m @ K.T - k + rng.multivariate_normal(np.zeros(len(k)), cov, size=E, method="cholesky")
        reward = -0.5 * np.einsum("ei,ij,ej->e", x, Q, x) - 0.5 * np.einsum("ei,ij,ej->e", u, R, u) - np.einsum("ei,ij,ej->e", x, N, u) + x @ q + u @ r + d["c0"]
        entropy = 0.5 * alpha * np.linalg.slogdet(2 * np.pi * np.e * cov)[1] if alpha > 0 else 0.0
        total += gamma**t * (reward + entropy)
        x = x @ A.T + u @ B.T + c + (rng.multivariate_normal(np.zeros(n), W, size=E, method="cholesky") if W.any() else 0)
        y = x @ C.T + vnoise()
        mp, Sp = m @ A.T + u @ B.T + c, A @ S @ A.T + W
        G = Sp @ C.T @ np.linalg.inv(C @ Sp @ C.T + V)
        m = mp + (y - mp @ C.T) @ G.T
        S = (np.eye(n) - G @ C) @ Sp
    if d.get("QT") is not None:
        QT, qT = np.array(d["QT"], dtype=float), np.array(d["qT"], dtype=float)
        total += gamma**T * (-0.5 * np.einsum("ei,ij,ej->e", x, QT, x) + x @ qT + d["cT"])
    return {"mean": float(total.mean()), "se": float(total.std(ddof=1) / np.sqrt(E))}


json.dump([run_filter(d) if d["kind"] == "filter" else simulate(d) for d in json.load(sys.stdin)], sys.stdout)
