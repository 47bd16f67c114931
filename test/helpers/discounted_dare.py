"""scipy reference for the stationary discounted LQR (issue 19), independent of the TypeScript engine.

The hard (alpha -> 0) discounted problem max sum_t gamma^t r(x_t, u_t) with x' = A x + B u and
r = -1/2 (x'Qx + u'Ru) - x'Nu has V(x) = -1/2 x'Px with P the solution of the discrete algebraic Riccati
equation of the sqrt(gamma)-scaled system (A~ = sqrt(gamma) A, B~ = sqrt(gamma) B, cross term N):
    P = Q + A~'P A~ - (A~'P B~ + N)(R + B~'P B~)^-1 (B~'P A~ + N'),
and the gain is K = (R + gamma B'PB)^-1 (gamma B'PA + N'). Under the fixed-dynamics backup P and K do not
depend on alpha or on the noise W, so this is also the soft solution's P and K at any alpha.

Reads a JSON list of {A, B, Q, R, N, gamma} on stdin; writes a list of {P, K}.
"""
import json
import sys

import numpy as np
from scipy.linalg import solve_discrete_are


def solve(d):
    A, B, Q, R, N = (np.array(d[k], dtype=float) for k in ("A", "B", "Q", "R", "N"))
    g = d["gamma"]
    P = solve_discrete_are(np.sqrt(g) * A, np.sqrt(g) * B, Q, R, s=N)
    K = np.linalg.solve(R + g * B.T @ P @ B, g * B.T @ P @ A + N.T)
    return {"P": P.tolist(), "K": K.tolist()}


json.dump([solve(d) for d in json.load(sys.stdin)], sys.stdout)
